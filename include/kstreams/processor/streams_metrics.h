// kstreams/processor/streams_metrics.h
//
// Metrics as Kafka Streams names them (Java's StreamsMetrics, Sensor and
// MetricName): a Sensor records values; each metric registered on it reads
// one statistic (avg, min, max, rate, total, ...) of those values under a
// name, a group and tags, e.g. `process-rate` in group
// `stream-thread-metrics` with tag `thread-id`. The library's own metrics
// and the sensors users add (ProcessorContextBase::metrics()) live in the
// same registry; KafkaStreams::Metrics() reads them all.
//
// Recording levels (`metrics.recording.level`, Java's Sensor.RecordingLevel):
// a sensor of a level above the configured one records nothing.
//
// Statistics: totals are cumulative; rates and averages cover the values
// recorded in the last `metrics.sample.window.ms` to twice that (Java:
// 2 samples of 30 s), measured when the metric is read; min and max cover
// the sensor's whole life (Java: the sample windows). An average, minimum
// or maximum with no value recorded is NaN, as in Java.
//
// Thread-safety: Record() is for one thread at a time (the stream thread
// that owns the task, or the one that owns the thread-level sensor): it
// updates relaxed atomics without a lock or read-modify-write, so it costs
// a few plain loads and stores. Readers on other threads (Metrics(), the
// HTTP endpoint) read those atomics: each statistic is current, but two of
// them (count and sum) may come from either side of a concurrent Record().
// Add() and everything else are thread-safe.
//
// Example (inside Processor::Init):
//
//   kstreams::Sensor* hits = context.metrics().AddRateTotalSensor(
//       "my-scope", "cache", "hit", kstreams::RecordingLevel::kInfo);
//   ...
//   hits->Record();  // in Process: my-scope-metrics hit-rate / hit-total
#ifndef KSTREAMS_PROCESSOR_STREAMS_METRICS_H_
#define KSTREAMS_PROCESSOR_STREAMS_METRICS_H_

#include <atomic>
#include <cstdint>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kstreams {

// Java's Sensor.RecordingLevel. Default: kInfo.
enum class RecordingLevel { kInfo = 0, kDebug = 1, kTrace = 2 };
// "INFO", "DEBUG", "TRACE".
std::string_view RecordingLevelName(RecordingLevel level);
// Parses "INFO" / "DEBUG" / "TRACE" (as Java, case-sensitive); nullopt otherwise.
std::optional<RecordingLevel> ParseRecordingLevel(std::string_view text);

using MetricTags = std::vector<std::pair<std::string, std::string>>;

// Java's MetricName.
struct MetricName {
  std::string name;         // e.g. "process-rate"
  std::string group;        // e.g. "stream-thread-metrics"
  std::string description;
  MetricTags tags;          // e.g. {{"thread-id", "app-...-StreamThread-1"}}
};

// One metric as read (Java's Metric: metricName() and metricValue()).
struct Metric {
  MetricName name;
  // The numeric value; NaN for a string-valued metric.
  double value = 0;
  // Set for string-valued metrics only (the client's `state`, ...).
  std::optional<std::string> text;
};

// What a metric reads from its sensor's values.
enum class Stat {
  kAvg,      // average of the values in the window
  kMin,      // smallest value recorded
  kMax,      // largest value recorded
  kRate,     // Record() calls per second in the window (Java: Rate of WindowedCount)
  kSumRate,  // sum of the values per second in the window (Java: Rate of WindowedSum)
  kTotal,    // Record() calls in all (Java: CumulativeCount)
  kSum,      // sum of every value (Java: CumulativeSum)
  kValue,    // the last value recorded (Java: Value)
};

namespace internal {
class MetricsRegistry;
}  // namespace internal

class Sensor {
 public:
  Sensor(const Sensor&) = delete;
  Sensor& operator=(const Sensor&) = delete;

  const std::string& name() const { return name_; }
  RecordingLevel level() const { return level_; }
  // False when the sensor's level is above the configured one: Record()
  // does nothing, so callers may skip measuring.
  bool ShouldRecord() const { return enabled_; }

  // Records one value. REQUIRES: one thread at a time (see the file comment).
  void Record(double value = 1.0) {
    if (!enabled_) return;
    const int64_t n = count_.load(std::memory_order_relaxed);
    count_.store(n + 1, std::memory_order_relaxed);
    sum_.store(sum_.load(std::memory_order_relaxed) + value, std::memory_order_relaxed);
    if (n == 0 || value > max_.load(std::memory_order_relaxed)) {
      max_.store(value, std::memory_order_relaxed);
    }
    if (n == 0 || value < min_.load(std::memory_order_relaxed)) {
      min_.store(value, std::memory_order_relaxed);
    }
    last_.store(value, std::memory_order_relaxed);
  }

  // Adds a metric reading `stat` of this sensor's values. Adding the same
  // name, group and tags again does nothing. Thread-safe.
  // A sensor that does not record lists no metrics.
  void Add(MetricName name, Stat stat);

  // Constructed by the registry only.
  Sensor(std::string name, RecordingLevel level, bool enabled, std::mutex* registry_mu,
         int64_t created_ms)
      : name_(std::move(name)),
        level_(level),
        enabled_(enabled),
        registry_mu_(registry_mu),
        window_start_{created_ms, 0, 0},
        window_prev_{created_ms, 0, 0} {}

 private:
  friend class internal::MetricsRegistry;

  // Cumulative (count, sum) at a point in time: rates and averages are
  // differences between the current values and the older of two of these.
  struct Mark {
    int64_t time_ms;
    int64_t count;
    double sum;
  };

  const std::string name_;
  const RecordingLevel level_;
  const bool enabled_;
  std::mutex* const registry_mu_;
  std::atomic<int64_t> count_{0};
  std::atomic<double> sum_{0};
  std::atomic<double> min_{std::numeric_limits<double>::quiet_NaN()};
  std::atomic<double> max_{std::numeric_limits<double>::quiet_NaN()};
  std::atomic<double> last_{std::numeric_limits<double>::quiet_NaN()};
  // Guarded by *registry_mu_.
  std::vector<std::pair<MetricName, Stat>> metrics_;
  Mark window_start_;
  Mark window_prev_;
};

// Java's StreamsMetrics as a processor sees it through its context: the
// sensors it adds carry the task's tags (`thread-id`, `task-id`) and are
// removed when the task closes.
class StreamsMetrics {
 public:
  virtual ~StreamsMetrics() = default;

  // The configured `metrics.recording.level`.
  virtual RecordingLevel recording_level() const = 0;
  // The tags of this scope, e.g. {{"thread-id", ...}, {"task-id", "0_1"}}.
  virtual const MetricTags& tags() const = 0;
  // A sensor named `name` (the same one when called again with that name),
  // with no metrics yet: add them with Sensor::Add. Valid while the task
  // lives (until Processor::Close() returned).
  virtual Sensor* AddSensor(std::string_view name, RecordingLevel level) = 0;

  // Java's addLatencyRateTotalSensor: metrics `<operation>-latency-avg`,
  // `<operation>-latency-max`, `<operation>-rate` and `<operation>-total`
  // in group `stream-<scope>-metrics`, with this scope's tags plus
  // `<scope>-id` = `entity`. Record the latency (e.g. in ns) of each operation.
  Sensor* AddLatencyRateTotalSensor(std::string_view scope, std::string_view entity,
                                    std::string_view operation, RecordingLevel level);
  // Java's addRateTotalSensor: `<operation>-rate` and `<operation>-total`
  // only. Record() once per operation.
  Sensor* AddRateTotalSensor(std::string_view scope, std::string_view entity,
                             std::string_view operation, RecordingLevel level);
};

namespace internal {
// Metrics that record nothing: what a context without a registry (a store
// used on its own) hands out. Every sensor it adds is disabled.
StreamsMetrics& DisabledStreamsMetrics();
}  // namespace internal

}  // namespace kstreams

#endif  // KSTREAMS_PROCESSOR_STREAMS_METRICS_H_
