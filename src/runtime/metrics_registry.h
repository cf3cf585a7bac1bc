// src/runtime/metrics_registry.h  (internal: not for users)
//
// The metrics of one KafkaStreams instance (or of one TopologyTestDriver):
// Java's StreamsMetricsImpl and its Metrics registry, reduced to what
// kstreams records. Sensors (kstreams/processor/streams_metrics.h) and
// gauges (a function read when the metrics are read) belong to an owner (a
// MetricsScope: the client, a stream thread, a task) and leave with it.
//
// The built-in metrics of a thread (ThreadMetrics) and of a task
// (TaskMetrics) are made here with Java's names, groups, tags and recording
// levels (Kafka Streams' "Monitoring" page); the README's Metrics section
// lists them.
//
// Thread-safety: thread-safe. Recording into a sensor takes no lock (see
// Sensor); adding, removing and reading take the registry's mutex. A gauge
// runs under that mutex: it must not take a lock that is held while the
// registry is called (read atomics).
//
// The task engine (task_core.*) includes this file: it includes nothing of
// kafka/ nor the rest of runtime/.
#ifndef KSTREAMS_SRC_RUNTIME_METRICS_REGISTRY_H_
#define KSTREAMS_SRC_RUNTIME_METRICS_REGISTRY_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "kstreams/processor/streams_metrics.h"

namespace kstreams::internal {

class MetricsRegistry {
 public:
  // `now_ms`: a monotonic clock in ms for rates (default: steady_clock).
  explicit MetricsRegistry(RecordingLevel level, int64_t sample_window_ms = 30000,
                           std::function<int64_t()> now_ms = nullptr);
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  RecordingLevel level() const { return level_; }
  bool Records(RecordingLevel level) const { return level <= level_; }

  // The sensor of `owner` named `name` (made on the first call). It records
  // only when `level` <= level(). Valid until Remove(owner).
  Sensor* AddSensor(const void* owner, std::string_view name, RecordingLevel level);
  // A metric whose value `value` computes when read (under the registry's mutex).
  void AddGauge(const void* owner, MetricName name, std::function<double()> value);
  // A string-valued metric (the client's `state`).
  void AddTextGauge(const void* owner, MetricName name, std::function<std::string()> value);
  // Drops every sensor and gauge of `owner`.
  void Remove(const void* owner);

  // Every metric now, sorted by group, name and tags.
  std::vector<Metric> Snapshot();

 private:
  struct SensorEntry {
    const void* owner;
    std::unique_ptr<Sensor> sensor;
  };
  struct Gauge {
    const void* owner;
    MetricName name;
    std::function<double()> value;
    std::function<std::string()> text;
  };

  const RecordingLevel level_;
  const int64_t window_ms_;
  std::function<int64_t()> now_ms_;
  std::mutex mu_;
  std::vector<SensorEntry> sensors_;  // guarded by mu_
  std::vector<Gauge> gauges_;         // guarded by mu_
};

// StreamsMetrics for one owner (a task, a thread, the client): the sensors
// it adds carry its tags and are removed with it.
class MetricsScope : public StreamsMetrics {
 public:
  MetricsScope(MetricsRegistry* registry, MetricTags tags)
      : registry_(registry), tags_(std::move(tags)) {}
  ~MetricsScope() override { registry_->Remove(this); }
  MetricsScope(const MetricsScope&) = delete;
  MetricsScope& operator=(const MetricsScope&) = delete;

  RecordingLevel recording_level() const override { return registry_->level(); }
  const MetricTags& tags() const override { return tags_; }
  Sensor* AddSensor(std::string_view name, RecordingLevel level) override {
    return registry_->AddSensor(this, name, level);
  }
  MetricsRegistry* registry() const { return registry_; }

  // One metric of a library sensor: name, what it reads, description.
  struct Spec {
    std::string_view name;
    Stat stat;
    std::string_view description;
  };
  // A library sensor in `group` with this scope's tags plus `extra_tags`,
  // or nullptr when `level` is not recorded (the hot path tests the pointer).
  Sensor* MakeSensor(std::string_view sensor_name, RecordingLevel level, std::string_view group,
                     const MetricTags& extra_tags, std::initializer_list<Spec> specs);
  void AddGauge(std::string_view name, std::string_view group, std::string_view description,
                std::function<double()> value);

 private:
  MetricsRegistry* const registry_;
  const MetricTags tags_;
};

// A stream thread's metrics (group `stream-thread-metrics`, tag `thread-id`),
// all INFO. Owned and recorded by the thread.
struct ThreadMetrics {
  ThreadMetrics(MetricsRegistry* registry, const std::string& thread_id, int64_t start_time_ms);

  MetricsScope scope;
  Sensor* commit;       // Record(ms): commit-latency-avg/max, commit-rate/total
  Sensor* poll;         // Record(ms): poll-latency-avg/max, poll-rate/total
  Sensor* poll_records;  // Record(n): poll-records-avg/max
  Sensor* process;       // Record(n): process-rate/total, process-records-avg/max
  Sensor* process_latency;  // Record(ms per record): process-latency-avg/max
  Sensor* punctuate;        // Record(ms): punctuate-latency-avg/max, punctuate-rate/total
  Sensor* task_created;     // task-created-rate/total
  Sensor* task_closed;      // task-closed-rate/total
  // Punctuators fired by the thread's tasks (TaskCore counts; the thread
  // records punctuate only when some fired). Thread-owned, not a metric.
  int64_t punctuations = 0;
};

// A task's metrics (group `stream-task-metrics`, tags `thread-id`,
// `task-id`) and the scope of its nodes', stores' and users' sensors.
// Sensors not recorded at the configured level are nullptr.
struct TaskMetrics {
  TaskMetrics(MetricsRegistry* registry, const std::string& thread_id, const std::string& task_id);

  MetricsScope scope;
  Sensor* dropped_records;     // INFO: dropped-records-rate/total
  Sensor* process;             // DEBUG: process-rate/total
  Sensor* process_latency;     // DEBUG: process-latency-avg/max (ns, per record)
  Sensor* record_lateness;     // DEBUG: record-lateness-avg/max (ms)
  Sensor* enforced_processing;  // DEBUG: enforced-processing-rate/total
  Sensor* punctuate;            // DEBUG: punctuate-latency-avg/max (ns), -rate/total
  Sensor* restore;              // INFO: restore-rate/total (records restored)

  // A node's sensors: process-rate/total (DEBUG) and, for source and
  // terminal nodes, record-e2e-latency-avg/min/max (INFO).
  Sensor* NodeProcess(const std::string& node);
  Sensor* NodeE2eLatency(const std::string& node);
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_RUNTIME_METRICS_REGISTRY_H_
