#include "runtime/runtime_config.h"

#include <set>
#include <string_view>

#include "kstreams/internal/strings.h"
#include "kstreams/status_macros.h"

namespace kstreams::internal {
namespace {

// Keys that belong to kstreams, never handed to librdkafka.
bool IsStreamsKey(std::string_view key) {
  static const std::set<std::string_view> kKeys = {
      StreamsConfig::kApplicationId,
      StreamsConfig::kNumStreamThreads,
      StreamsConfig::kCommitIntervalMs,
      StreamsConfig::kStateDir,
      StreamsConfig::kStatestoreCacheMaxBytes,
      StreamsConfig::kMaxTaskIdleMs,
      StreamsConfig::kProcessingGuarantee,
      StreamsConfig::kReplicationFactor,
      StreamsConfig::kWindowstoreChangelogAdditionalRetentionMs,
      StreamsConfig::kDeserializationExceptionHandler,
      StreamsConfig::kProcessingExceptionHandler,
      StreamsConfig::kProductionExceptionHandler,
      StreamsConfig::kPollMs,
      StreamsConfig::kMaxPollRecords,
      "buffered.records.per.partition",
      "cache.max.bytes.buffering",
      "default.key.serde",
      "default.value.serde",
      StreamsConfig::kNumStandbyReplicas,
      StreamsConfig::kErrorsDeadLetterQueueTopicName,
      StreamsConfig::kDefaultTimestampExtractor,
      "client.id",
      "repartition.purge.interval.ms",
  };
  // metrics.*: Kafka Streams' metrics settings (librdkafka has none).
  return kKeys.contains(key) || key.starts_with("topic.") || key.starts_with("metrics.");
}

}  // namespace

absl::StatusOr<RuntimeConfig> ParseRuntimeConfig(const StreamsConfig& config) {
  RuntimeConfig out;
  KSTREAMS_ASSIGN_OR_RETURN(out.application_id, config.GetRequired(StreamsConfig::kApplicationId));
  for (char c : out.application_id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) {
      return absl::InvalidArgumentError(StrCat(
          "config 'application.id' may contain only ASCII letters, digits, '.', '_' and '-', got '",
          out.application_id, "'"));
    }
  }
  KSTREAMS_ASSIGN_OR_RETURN(out.bootstrap_servers,
                            config.GetRequired(StreamsConfig::kBootstrapServers));
  KSTREAMS_ASSIGN_OR_RETURN(int64_t threads, ConfigIntAtLeast(config, StreamsConfig::kNumStreamThreads, 1));
  out.num_stream_threads = static_cast<int>(threads);
  KSTREAMS_ASSIGN_OR_RETURN(out.commit_interval_ms,
                            ConfigIntAtLeast(config, StreamsConfig::kCommitIntervalMs, 0));
  KSTREAMS_ASSIGN_OR_RETURN(out.max_task_idle_ms,
                            ConfigIntAtLeast(config, StreamsConfig::kMaxTaskIdleMs, -1));
  KSTREAMS_ASSIGN_OR_RETURN(out.poll_ms, ConfigIntAtLeast(config, StreamsConfig::kPollMs, 0));
  KSTREAMS_ASSIGN_OR_RETURN(out.max_poll_records,
                            ConfigIntAtLeast(config, StreamsConfig::kMaxPollRecords, 1));
  if (config.Get("buffered.records.per.partition")) {
    KSTREAMS_ASSIGN_OR_RETURN(out.buffered_records_per_partition,
                              ConfigIntAtLeast(config, "buffered.records.per.partition", 1));
  }

  KSTREAMS_ASSIGN_OR_RETURN(int64_t replication,
                            ConfigIntAtLeast(config, StreamsConfig::kReplicationFactor, -1));
  if (replication == 0 || replication > 32767) {
    return absl::InvalidArgumentError(StrCat(
        "config 'replication.factor' must be -1 (the broker's default) or 1..32767, got ",
        replication));
  }
  out.replication_factor = static_cast<int32_t>(replication);
  KSTREAMS_ASSIGN_OR_RETURN(
      out.windowstore_changelog_additional_retention_ms,
      ConfigIntAtLeast(config, StreamsConfig::kWindowstoreChangelogAdditionalRetentionMs, 0));
  if (config.Get("repartition.purge.interval.ms")) {
    KSTREAMS_ASSIGN_OR_RETURN(out.repartition_purge_interval_ms,
                              ConfigIntAtLeast(config, "repartition.purge.interval.ms", 0));
  }
  for (const auto& [key, value] : config.values()) {
    if (key.starts_with("topic.") && key.size() > 6) out.topic_configs[key.substr(6)] = value;
  }

  std::string guarantee = *config.Get(StreamsConfig::kProcessingGuarantee);
  if (guarantee == "exactly_once" || guarantee == "exactly_once_beta") {
    // Deprecated in Kafka 3.0 and removed in 4.0, as here.
    return absl::InvalidArgumentError(StrCat(
        "config 'processing.guarantee'='", guarantee,
        "' was removed (as in Kafka Streams 4.0); use exactly_once_v2"));
  }
  if (guarantee != "at_least_once" && guarantee != "exactly_once_v2") {
    return absl::InvalidArgumentError(StrCat(
        "config 'processing.guarantee' must be at_least_once or exactly_once_v2, got '",
        guarantee, "'"));
  }
  out.exactly_once = guarantee == "exactly_once_v2";
  // Java's StreamsConfig: commit.interval.ms defaults to 100 under
  // exactly-once (each commit is a transaction: output becomes visible to
  // read_committed readers only then).
  if (out.exactly_once && !config.values().contains(StreamsConfig::kCommitIntervalMs)) {
    out.commit_interval_ms = 100;
  }
  // statestore.cache.max.bytes, the handlers and state.dir: the task
  // engine's part, shared by every task of every thread.
  KSTREAMS_ASSIGN_OR_RETURN(out.task, ParseTaskConfig(config));
  if (out.exactly_once) {
    // Transactional key-value stores (src/state/README.md): recovery after
    // a crash replays only the changelog after their last commit.
    auto task = std::make_shared<TaskConfig>(*out.task);
    task->rocksdb.transactional = true;
    out.task = std::move(task);
  }
  out.error_handling = out.task->error_handling;
  out.http_address = *config.Get(StreamsConfig::kMetricsHttpAddress);
  if (!out.http_address.empty() && out.http_address.find(':') == std::string::npos) {
    return absl::InvalidArgumentError(StrCat("config '", StreamsConfig::kMetricsHttpAddress,
                                             "'='", out.http_address,
                                             "' must be host:port (port 0: any free port)"));
  }
  if (std::optional<std::string> client_id = config.Get("client.id")) {
    out.configured_client_id = *client_id;
  }
  KSTREAMS_ASSIGN_OR_RETURN(int64_t standbys,
                            ConfigIntAtLeast(config, StreamsConfig::kNumStandbyReplicas, 0));
  if (standbys > 0) {
    return absl::UnimplementedError(StrCat(
        "config 'num.standby.replicas'='", standbys,
        "' is not supported yet (kstreams has no standby tasks); set it to 0"));
  }

  // Kafka Streams' client defaults (StreamsConfig.CONSUMER_DEFAULT_OVERRIDES).
  out.consumer["auto.offset.reset"] = "earliest";
  // librdkafka 2.0.2 stops fetching once its local queue holds
  // queued.min.messages (default 100000, counted over all assigned
  // partitions, whose queues are forwarded into one) and looks again only
  // about a second later (2.1.0 added fetch.queue.backoff.ms for this), so a
  // thread catching up on a backlog sat idle most of the time: 190k -> 480k
  // records/s through the embedded broker (bench/README.md). The memory
  // bound stays queued.max.messages.kbytes (64 MiB), reached first by
  // records over ~65 bytes.
  out.consumer["queued.min.messages"] = "1000000";
  out.producer["linger.ms"] = "100";
  ClientConfig common;
  ClientConfig consumer_only, producer_only, admin_only, restore_only;
  for (const auto& [key, value] : config.values()) {
    std::string_view k = key;
    if (k.starts_with("restore.consumer.")) {
      restore_only[std::string(k.substr(17))] = value;
    } else if (k.starts_with("consumer.")) {
      consumer_only[std::string(k.substr(9))] = value;
    } else if (k.starts_with("producer.")) {
      producer_only[std::string(k.substr(9))] = value;
    } else if (k.starts_with("admin.")) {
      admin_only[std::string(k.substr(6))] = value;
    } else if (!IsStreamsKey(k)) {
      common[key] = value;
    }
  }
  for (ClientConfig* c : {&out.consumer, &out.producer, &out.admin}) {
    for (const auto& [k, v] : common) (*c)[k] = v;
  }
  for (const auto& [k, v] : consumer_only) out.consumer[k] = v;
  for (const auto& [k, v] : producer_only) out.producer[k] = v;
  for (const auto& [k, v] : admin_only) out.admin[k] = v;
  out.restore_consumer = out.consumer;
  for (const auto& [k, v] : restore_only) out.restore_consumer[k] = v;
  if (out.exactly_once) {
    // Java's CONSUMER_EOS_OVERRIDES / PRODUCER_EOS_OVERRIDES: consumers never
    // see aborted or open transactions (a restored store holds committed
    // state only); the producer is idempotent and transactional, its
    // transactions time out after 10 s (Java's default under EOS) so a dead
    // thread's open transaction does not block read_committed readers long.
    for (ClientConfig* c : {&out.consumer, &out.restore_consumer}) {
      auto it = c->find("isolation.level");
      if (it != c->end() && it->second != "read_committed") {
        return absl::InvalidArgumentError(StrCat(
            "config 'isolation.level'='", it->second,
            "' conflicts with processing.guarantee=exactly_once_v2 (its consumers read "
            "read_committed)"));
      }
      (*c)["isolation.level"] = "read_committed";
    }
    for (const char* reserved : {"transactional.id", "enable.idempotence"}) {
      if (out.producer.contains(reserved)) {
        return absl::InvalidArgumentError(StrCat(
            "config 'producer.", reserved, "' (or '", reserved,
            "') must not be set under exactly_once_v2: kstreams sets it"));
      }
    }
    out.producer["enable.idempotence"] = "true";
    out.producer.insert({"transaction.timeout.ms", "10000"});
  }
  for (const char* reserved : {"group.id", "enable.auto.commit"}) {
    if (out.consumer.contains(reserved)) {
      return absl::InvalidArgumentError(StrCat(
          "config 'consumer.", reserved, "' (or '", reserved,
          "') must not be set: kstreams sets it (group.id is application.id)"));
    }
  }
  if (auto it = out.consumer.find("max.poll.interval.ms"); it != out.consumer.end()) {
    StreamsConfig probe{{"max.poll.interval.ms", it->second}};
    KSTREAMS_ASSIGN_OR_RETURN(out.max_poll_interval_ms,
                              ConfigIntAtLeast(probe, "max.poll.interval.ms", 1));
  }
  return out;
}

}  // namespace kstreams::internal
