#include "kstreams/streams_config.h"

#include "absl/strings/numbers.h"
#include "kstreams/internal/strings.h"

namespace kstreams {
namespace {

std::optional<std::string_view> DefaultFor(std::string_view key) {
  static const std::map<std::string_view, std::string_view> kDefaults = {
      {StreamsConfig::kNumStreamThreads, "1"},
      {StreamsConfig::kCommitIntervalMs, "30000"},
      {StreamsConfig::kStateDir, "/tmp/kafka-streams"},
      {StreamsConfig::kStatestoreCacheMaxBytes, "10485760"},
      {StreamsConfig::kMaxTaskIdleMs, "0"},
      {StreamsConfig::kProcessingGuarantee, "at_least_once"},
      {StreamsConfig::kReplicationFactor, "-1"},
      {StreamsConfig::kWindowstoreChangelogAdditionalRetentionMs, "86400000"},
      {StreamsConfig::kDeserializationExceptionHandler, "log_and_fail"},
      {StreamsConfig::kProcessingExceptionHandler, "log_and_fail"},
      {StreamsConfig::kProductionExceptionHandler, "fail"},
      {StreamsConfig::kDefaultTimestampExtractor, "fail_on_invalid_timestamp"},
      {StreamsConfig::kNumStandbyReplicas, "0"},
      {StreamsConfig::kPollMs, "100"},
      {StreamsConfig::kMaxPollRecords, "1000"},
      {StreamsConfig::kOuterJoinEmitIntervalMs, "1000"},
      {StreamsConfig::kMetricsRecordingLevel, "INFO"},
      {StreamsConfig::kMetricsSampleWindowMs, "30000"},
      {StreamsConfig::kMetricsHttpAddress, ""},
  };
  auto it = kDefaults.find(key);
  if (it == kDefaults.end()) return std::nullopt;
  return it->second;
}

}  // namespace

std::optional<std::string> StreamsConfig::Get(std::string_view key) const {
  if (auto it = values_.find(key); it != values_.end()) return it->second;
  if (auto d = DefaultFor(key)) return std::string(*d);
  return std::nullopt;
}

absl::StatusOr<int64_t> StreamsConfig::GetInt(std::string_view key) const {
  std::optional<std::string> v = Get(key);
  if (!v) {
    return absl::InvalidArgumentError(
        ::kstreams::internal::StrCat("config '", key, "' is required but not set"));
  }
  int64_t out = 0;
  if (!absl::SimpleAtoi(*v, &out)) {
    return absl::InvalidArgumentError(::kstreams::internal::StrCat(
        "config '", key, "' must be an integer, got '", *v, "'"));
  }
  return out;
}

absl::StatusOr<std::string> StreamsConfig::GetRequired(std::string_view key) const {
  std::optional<std::string> v = Get(key);
  if (!v || v->empty()) {
    return absl::InvalidArgumentError(
        ::kstreams::internal::StrCat("config '", key, "' is required but not set"));
  }
  return *v;
}

}  // namespace kstreams
