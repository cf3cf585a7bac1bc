#include "runtime/task_config.h"

#include "kstreams/internal/strings.h"
#include "kstreams/status_macros.h"

namespace kstreams::internal {

absl::StatusOr<int64_t> ConfigIntAtLeast(const StreamsConfig& config, std::string_view key,
                                         int64_t min) {
  KSTREAMS_ASSIGN_OR_RETURN(int64_t v, config.GetInt(key));
  if (v < min) {
    return absl::InvalidArgumentError(
        StrCat("config '", key, "' must be at least ", min, ", got ", v));
  }
  return v;
}

absl::StatusOr<std::shared_ptr<const TaskConfig>> ParseTaskConfig(
    const StreamsConfig& config, std::function<int64_t()> wall_clock_ms) {
  auto out = std::make_shared<TaskConfig>();
  KSTREAMS_ASSIGN_OR_RETURN(out->application_id,
                            config.GetRequired(StreamsConfig::kApplicationId));
  KSTREAMS_ASSIGN_OR_RETURN(out->cache_max_bytes,
                            ConfigIntAtLeast(config, StreamsConfig::kStatestoreCacheMaxBytes, 0));
  KSTREAMS_ASSIGN_OR_RETURN(
      out->outer_join_emit_interval_ms,
      ConfigIntAtLeast(config, StreamsConfig::kOuterJoinEmitIntervalMs, 0));
  std::string level = *config.Get(StreamsConfig::kMetricsRecordingLevel);
  std::optional<RecordingLevel> parsed_level = ParseRecordingLevel(level);
  if (!parsed_level) {
    return absl::InvalidArgumentError(StrCat("config '", StreamsConfig::kMetricsRecordingLevel,
                                             "'='", level,
                                             "' is not a recording level: use INFO, DEBUG or TRACE"));
  }
  out->metrics_recording_level = *parsed_level;
  KSTREAMS_ASSIGN_OR_RETURN(out->metrics_sample_window_ms,
                            ConfigIntAtLeast(config, StreamsConfig::kMetricsSampleWindowMs, 1));
  KSTREAMS_ASSIGN_OR_RETURN(out->rocksdb, ParseRocksDBSettings(config));
  KSTREAMS_ASSIGN_OR_RETURN(out->error_handling,
                            ParseErrorHandling(config, std::move(wall_clock_ms)));
  std::string state_dir = *config.Get(StreamsConfig::kStateDir);
  if (state_dir.empty()) {
    return absl::InvalidArgumentError(
        "config 'state.dir' is empty; name a directory (default: /tmp/kafka-streams)");
  }
  out->state_dir = std::move(state_dir);
  out->streams_config = config;
  return std::shared_ptr<const TaskConfig>(std::move(out));
}

}  // namespace kstreams::internal
