// kstreams/streams_config.h
//
// StreamsConfig: string settings under Kafka Streams' own key names, with
// Kafka Streams' defaults. Keys kstreams does not know pass through to
// librdkafka: "consumer.x", "producer.x" and "admin.x" go to that client only,
// other unknown keys to every client.
//
// Thread-compatible; copied into each KafkaStreams / TopologyTestDriver.
//
// Example:
//
//   kstreams::StreamsConfig config{
//       {kstreams::StreamsConfig::kApplicationId, "word-count"},
//       {kstreams::StreamsConfig::kBootstrapServers, "localhost:9092"},
//       {kstreams::StreamsConfig::kCommitIntervalMs, "1000"}};
//   absl::StatusOr<int64_t> interval = config.GetInt(
//       kstreams::StreamsConfig::kCommitIntervalMs);   // 1000
#ifndef KSTREAMS_STREAMS_CONFIG_H_
#define KSTREAMS_STREAMS_CONFIG_H_

#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/statusor.h"

namespace kstreams {

class DeserializationExceptionHandler;
class ProcessingExceptionHandler;
class ProductionExceptionHandler;
class TimestampExtractor;

class StreamsConfig {
 public:
  // Required. Names the consumer group, internal topics and state directory.
  static constexpr char kApplicationId[] = "application.id";
  // Required by KafkaStreams. Default: none.
  static constexpr char kBootstrapServers[] = "bootstrap.servers";
  // Default: 1.
  static constexpr char kNumStreamThreads[] = "num.stream.threads";
  // Default: 30000 (at_least_once), 100 (exactly_once_v2).
  static constexpr char kCommitIntervalMs[] = "commit.interval.ms";
  // Default: /tmp/kafka-streams.
  static constexpr char kStateDir[] = "state.dir";
  // Total record-cache bytes per instance, split across threads. Default: 10485760.
  static constexpr char kStatestoreCacheMaxBytes[] = "statestore.cache.max.bytes";
  // Default: 0.
  static constexpr char kMaxTaskIdleMs[] = "max.task.idle.ms";
  // at_least_once | exactly_once_v2. Default: at_least_once.
  static constexpr char kProcessingGuarantee[] = "processing.guarantee";
  // Replication factor of internal topics; -1 uses the broker default. Default: -1.
  static constexpr char kReplicationFactor[] = "replication.factor";
  // Added to a windowed or session store's retention for its changelog
  // topic's retention.ms (unless the store's log config sets retention.ms),
  // so clock drift between brokers and instances deletes nothing too early.
  // Default: 86400000 (1 day).
  static constexpr char kWindowstoreChangelogAdditionalRetentionMs[] =
      "windowstore.changelog.additional.retention.ms";
  // The exception handlers (kstreams/errors/exception_handlers.h):
  // log_and_fail | log_and_continue (Java class names accepted). Default: log_and_fail.
  static constexpr char kDeserializationExceptionHandler[] =
      "default.deserialization.exception.handler";
  // log_and_fail | log_and_continue. Default: log_and_fail.
  static constexpr char kProcessingExceptionHandler[] =
      "processing.exception.handler";
  // fail | continue. Default: fail.
  static constexpr char kProductionExceptionHandler[] =
      "default.production.exception.handler";
  // Where the built-in handlers send failed source records (KIP-1034).
  // Default: none.
  static constexpr char kErrorsDeadLetterQueueTopicName[] =
      "errors.dead.letter.queue.topic.name";
  // fail_on_invalid_timestamp | log_and_skip_on_invalid_timestamp |
  // use_partition_time_on_invalid_timestamp | wallclock (Java class names
  // accepted; kstreams/processor/timestamp_extractor.h).
  // Default: fail_on_invalid_timestamp.
  static constexpr char kDefaultTimestampExtractor[] = "default.timestamp.extractor";
  // Standby replicas: not supported yet, only 0 is accepted. Default: 0.
  static constexpr char kNumStandbyReplicas[] = "num.standby.replicas";
  // Longest wait in one consumer poll. Default: 100.
  static constexpr char kPollMs[] = "poll.ms";
  // Records processed per task before the thread polls again. Default: 1000.
  static constexpr char kMaxPollRecords[] = "max.poll.records";
  // Which sensors record: INFO, DEBUG or TRACE (Java's Sensor.RecordingLevel;
  // see kstreams/processor/streams_metrics.h and the README's Metrics
  // section). Default: INFO.
  static constexpr char kMetricsRecordingLevel[] = "metrics.recording.level";
  // The window of rates and averages: they cover the last one to two of
  // these (Java: metrics.num.samples=2 windows of this). Default: 30000.
  static constexpr char kMetricsSampleWindowMs[] = "metrics.sample.window.ms";
  // "host:port" on which KafkaStreams serves /metrics (Prometheus text
  // format), /health, /ready, /topology and /tasks over HTTP; port 0 picks a
  // free port (KafkaStreams::HttpPort()). Not a Java key. Default: "" (off).
  static constexpr char kMetricsHttpAddress[] = "metrics.http.address";
  // Internal (Java's StreamsConfig.InternalConfig): wall-clock ms between
  // scans for unmatched left/outer stream-stream join records. Default: 1000
  // (0 under the TopologyTestDriver, as Java's driver).
  static constexpr char kOuterJoinEmitIntervalMs[] =
      "__emit.interval.ms.kstreams.outer.join.spurious.results.fix__";

  StreamsConfig() = default;
  StreamsConfig(std::initializer_list<std::pair<const std::string, std::string>> values)
      : values_(values) {}

  StreamsConfig& Set(std::string key, std::string value) {
    values_[std::move(key)] = std::move(value);
    return *this;
  }

  // The value set for `key`, else its Kafka Streams default, else nullopt.
  std::optional<std::string> Get(std::string_view key) const;
  // Get() as an integer; an error names the key when it is missing or not a number.
  absl::StatusOr<int64_t> GetInt(std::string_view key) const;
  // Get() or an error naming the missing key.
  absl::StatusOr<std::string> GetRequired(std::string_view key) const;

  // Handler and extractor objects, used instead of the config names above.
  // Shared by every stream thread: they must be thread-safe.
  StreamsConfig& SetDeserializationExceptionHandler(
      std::shared_ptr<DeserializationExceptionHandler> handler) {
    deserialization_handler_ = std::move(handler);
    return *this;
  }
  StreamsConfig& SetProcessingExceptionHandler(std::shared_ptr<ProcessingExceptionHandler> handler) {
    processing_handler_ = std::move(handler);
    return *this;
  }
  StreamsConfig& SetProductionExceptionHandler(std::shared_ptr<ProductionExceptionHandler> handler) {
    production_handler_ = std::move(handler);
    return *this;
  }
  StreamsConfig& SetTimestampExtractor(std::shared_ptr<TimestampExtractor> extractor) {
    timestamp_extractor_ = std::move(extractor);
    return *this;
  }
  const std::shared_ptr<DeserializationExceptionHandler>& deserialization_exception_handler() const {
    return deserialization_handler_;
  }
  const std::shared_ptr<ProcessingExceptionHandler>& processing_exception_handler() const {
    return processing_handler_;
  }
  const std::shared_ptr<ProductionExceptionHandler>& production_exception_handler() const {
    return production_handler_;
  }
  const std::shared_ptr<TimestampExtractor>& timestamp_extractor() const {
    return timestamp_extractor_;
  }

  // Everything explicitly set, ordered by key.
  const std::map<std::string, std::string, std::less<>>& values() const {
    return values_;
  }

 private:
  std::map<std::string, std::string, std::less<>> values_;
  std::shared_ptr<DeserializationExceptionHandler> deserialization_handler_;
  std::shared_ptr<ProcessingExceptionHandler> processing_handler_;
  std::shared_ptr<ProductionExceptionHandler> production_handler_;
  std::shared_ptr<TimestampExtractor> timestamp_extractor_;
};

}  // namespace kstreams

#endif  // KSTREAMS_STREAMS_CONFIG_H_
