#include "runtime/metrics_registry.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <tuple>

#include "kstreams/internal/strings.h"

namespace kstreams::internal {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

int64_t SteadyNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool MetricLess(const Metric& a, const Metric& b) {
  return std::tie(a.name.group, a.name.name, a.name.tags) <
         std::tie(b.name.group, b.name.name, b.name.tags);
}

}  // namespace

MetricsRegistry::MetricsRegistry(RecordingLevel level, int64_t sample_window_ms,
                                 std::function<int64_t()> now_ms)
    : level_(level),
      window_ms_(std::max<int64_t>(1, sample_window_ms)),
      now_ms_(now_ms ? std::move(now_ms) : SteadyNowMs) {}

Sensor* MetricsRegistry::AddSensor(const void* owner, std::string_view name,
                                   RecordingLevel level) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const SensorEntry& e : sensors_) {
    if (e.owner == owner && e.sensor->name() == name) return e.sensor.get();
  }
  sensors_.push_back(SensorEntry{
      owner, std::make_unique<Sensor>(std::string(name), level, Records(level), &mu_, now_ms_())});
  return sensors_.back().sensor.get();
}

void MetricsRegistry::AddGauge(const void* owner, MetricName name,
                               std::function<double()> value) {
  std::lock_guard<std::mutex> lock(mu_);
  gauges_.push_back(Gauge{owner, std::move(name), std::move(value), nullptr});
}

void MetricsRegistry::AddTextGauge(const void* owner, MetricName name,
                                   std::function<std::string()> value) {
  std::lock_guard<std::mutex> lock(mu_);
  gauges_.push_back(Gauge{owner, std::move(name), nullptr, std::move(value)});
}

void MetricsRegistry::Remove(const void* owner) {
  std::lock_guard<std::mutex> lock(mu_);
  std::erase_if(sensors_, [owner](const SensorEntry& e) { return e.owner == owner; });
  std::erase_if(gauges_, [owner](const Gauge& g) { return g.owner == owner; });
}

std::vector<Metric> MetricsRegistry::Snapshot() {
  std::vector<Metric> out;
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t now = now_ms_();
  for (SensorEntry& e : sensors_) {
    Sensor& s = *e.sensor;
    if (s.metrics_.empty()) continue;
    const int64_t count = s.count_.load(std::memory_order_relaxed);
    const double sum = s.sum_.load(std::memory_order_relaxed);
    // Two marks a window apart: rates and averages cover what was recorded
    // since the older one (one to two windows ago), as Java's two samples.
    if (now - s.window_start_.time_ms >= window_ms_) {
      s.window_prev_ = s.window_start_;
      s.window_start_ = Sensor::Mark{now, count, sum};
    }
    const Sensor::Mark& base = s.window_prev_;
    // Java's Rate: the elapsed time is at least one full window.
    const double seconds =
        static_cast<double>(std::max<int64_t>(now - base.time_ms, window_ms_)) / 1000.0;
    const int64_t window_count = count - base.count;
    const double window_sum = sum - base.sum;
    for (const auto& [name, stat] : s.metrics_) {
      double v = 0;
      switch (stat) {
        case Stat::kAvg:
          v = window_count > 0 ? window_sum / static_cast<double>(window_count) : kNaN;
          break;
        case Stat::kMin:
          v = count > 0 ? s.min_.load(std::memory_order_relaxed) : kNaN;
          break;
        case Stat::kMax:
          v = count > 0 ? s.max_.load(std::memory_order_relaxed) : kNaN;
          break;
        case Stat::kRate:
          v = static_cast<double>(window_count) / seconds;
          break;
        case Stat::kSumRate:
          v = window_sum / seconds;
          break;
        case Stat::kTotal:
          v = static_cast<double>(count);
          break;
        case Stat::kSum:
          v = sum;
          break;
        case Stat::kValue:
          v = count > 0 ? s.last_.load(std::memory_order_relaxed) : kNaN;
          break;
      }
      out.push_back(Metric{name, v, std::nullopt});
    }
  }
  for (const Gauge& g : gauges_) {
    if (g.text) {
      out.push_back(Metric{g.name, kNaN, g.text()});
    } else {
      out.push_back(Metric{g.name, g.value(), std::nullopt});
    }
  }
  std::sort(out.begin(), out.end(), MetricLess);
  return out;
}

Sensor* MetricsScope::MakeSensor(std::string_view sensor_name, RecordingLevel level,
                                 std::string_view group, const MetricTags& extra_tags,
                                 std::initializer_list<Spec> specs) {
  if (!registry_->Records(level)) return nullptr;
  Sensor* sensor = registry_->AddSensor(this, sensor_name, level);
  MetricTags tags = tags_;
  tags.insert(tags.end(), extra_tags.begin(), extra_tags.end());
  for (const Spec& spec : specs) {
    sensor->Add(MetricName{std::string(spec.name), std::string(group),
                           std::string(spec.description), tags},
                spec.stat);
  }
  return sensor;
}

void MetricsScope::AddGauge(std::string_view name, std::string_view group,
                            std::string_view description, std::function<double()> value) {
  registry_->AddGauge(this,
                      MetricName{std::string(name), std::string(group), std::string(description), tags_},
                      std::move(value));
}

namespace {
constexpr char kThreadGroup[] = "stream-thread-metrics";
constexpr char kTaskGroup[] = "stream-task-metrics";
constexpr char kNodeGroup[] = "stream-processor-node-metrics";
using L = RecordingLevel;
}  // namespace

ThreadMetrics::ThreadMetrics(MetricsRegistry* registry, const std::string& thread_id,
                             int64_t start_time_ms)
    : scope(registry, {{"thread-id", thread_id}}) {
  commit = scope.MakeSensor(
      "commit", L::kInfo, kThreadGroup, {},
      {{"commit-latency-avg", Stat::kAvg, "The average commit latency (ms)"},
       {"commit-latency-max", Stat::kMax, "The maximum commit latency (ms)"},
       {"commit-rate", Stat::kRate, "The average number of commits per second"},
       {"commit-total", Stat::kTotal, "The total number of commits"}});
  poll = scope.MakeSensor(
      "poll", L::kInfo, kThreadGroup, {},
      {{"poll-latency-avg", Stat::kAvg, "The average poll latency (ms)"},
       {"poll-latency-max", Stat::kMax, "The maximum poll latency (ms)"},
       {"poll-rate", Stat::kRate, "The average number of polls per second"},
       {"poll-total", Stat::kTotal, "The total number of polls"}});
  poll_records = scope.MakeSensor(
      "poll-records", L::kInfo, kThreadGroup, {},
      {{"poll-records-avg", Stat::kAvg, "The average number of records returned by a poll"},
       {"poll-records-max", Stat::kMax, "The maximum number of records returned by a poll"}});
  process = scope.MakeSensor(
      "process", L::kInfo, kThreadGroup, {},
      {{"process-rate", Stat::kSumRate, "The average number of records processed per second"},
       {"process-total", Stat::kSum, "The total number of records processed"},
       {"process-records-avg", Stat::kAvg,
        "The average number of records processed within an iteration"},
       {"process-records-max", Stat::kMax,
        "The maximum number of records processed within an iteration"}});
  process_latency = scope.MakeSensor(
      "process-latency", L::kInfo, kThreadGroup, {},
      {{"process-latency-avg", Stat::kAvg, "The average process latency (ms per record)"},
       {"process-latency-max", Stat::kMax, "The maximum process latency (ms per record)"}});
  punctuate = scope.MakeSensor(
      "punctuate", L::kInfo, kThreadGroup, {},
      {{"punctuate-latency-avg", Stat::kAvg, "The average punctuate latency (ms)"},
       {"punctuate-latency-max", Stat::kMax, "The maximum punctuate latency (ms)"},
       {"punctuate-rate", Stat::kRate, "The average number of punctuate calls per second"},
       {"punctuate-total", Stat::kTotal, "The total number of punctuate calls"}});
  task_created = scope.MakeSensor(
      "task-created", L::kInfo, kThreadGroup, {},
      {{"task-created-rate", Stat::kRate, "The average number of tasks created per second"},
       {"task-created-total", Stat::kTotal, "The total number of tasks created"}});
  task_closed = scope.MakeSensor(
      "task-closed", L::kInfo, kThreadGroup, {},
      {{"task-closed-rate", Stat::kRate, "The average number of tasks closed per second"},
       {"task-closed-total", Stat::kTotal, "The total number of tasks closed"}});
  scope.AddGauge("thread-start-time", kThreadGroup,
                 "The time the thread was started (ms since the epoch)",
                 [start_time_ms] { return static_cast<double>(start_time_ms); });
}

TaskMetrics::TaskMetrics(MetricsRegistry* registry, const std::string& thread_id,
                         const std::string& task_id)
    : scope(registry, {{"thread-id", thread_id}, {"task-id", task_id}}) {
  dropped_records = scope.MakeSensor(
      "dropped-records", L::kInfo, kTaskGroup, {},
      {{"dropped-records-rate", Stat::kRate, "The average number of records dropped per second"},
       {"dropped-records-total", Stat::kTotal, "The total number of records dropped"}});
  process = scope.MakeSensor(
      "process", L::kDebug, kTaskGroup, {},
      {{"process-rate", Stat::kRate, "The average number of records processed per second"},
       {"process-total", Stat::kTotal, "The total number of records processed"}});
  process_latency = scope.MakeSensor(
      "process-latency", L::kDebug, kTaskGroup, {},
      {{"process-latency-avg", Stat::kAvg, "The average process latency (ns per record)"},
       {"process-latency-max", Stat::kMax, "The maximum process latency (ns per record)"}});
  record_lateness = scope.MakeSensor(
      "record-lateness", L::kDebug, kTaskGroup, {},
      {{"record-lateness-avg", Stat::kAvg,
        "The average observed lateness of records (stream time - record timestamp, ms)"},
       {"record-lateness-max", Stat::kMax, "The maximum observed lateness of records (ms)"}});
  enforced_processing = scope.MakeSensor(
      "enforced-processing", L::kDebug, kTaskGroup, {},
      {{"enforced-processing-rate", Stat::kRate,
        "The average number of enforced processings per second"},
       {"enforced-processing-total", Stat::kTotal, "The total number of enforced processings"}});
  punctuate = scope.MakeSensor(
      "punctuate", L::kDebug, kTaskGroup, {},
      {{"punctuate-latency-avg", Stat::kAvg, "The average punctuate latency (ns)"},
       {"punctuate-latency-max", Stat::kMax, "The maximum punctuate latency (ns)"},
       {"punctuate-rate", Stat::kRate, "The average number of punctuate calls per second"},
       {"punctuate-total", Stat::kTotal, "The total number of punctuate calls"}});
  restore = scope.MakeSensor(
      "restore", L::kInfo, kTaskGroup, {},
      {{"restore-rate", Stat::kSumRate, "The average number of records restored per second"},
       {"restore-total", Stat::kSum, "The total number of records restored"}});
}

Sensor* TaskMetrics::NodeProcess(const std::string& node) {
  return scope.MakeSensor(
      StrCat("node.", node, ".process"), L::kDebug, kNodeGroup, {{"processor-node-id", node}},
      {{"process-rate", Stat::kRate, "The average number of records processed per second"},
       {"process-total", Stat::kTotal, "The total number of records processed"}});
}

Sensor* TaskMetrics::NodeE2eLatency(const std::string& node) {
  return scope.MakeSensor(
      StrCat("node.", node, ".record-e2e-latency"), L::kInfo, kNodeGroup,
      {{"processor-node-id", node}},
      {{"record-e2e-latency-avg", Stat::kAvg,
        "The average end-to-end latency of a record (wall clock - record timestamp, ms)"},
       {"record-e2e-latency-min", Stat::kMin, "The minimum end-to-end latency of a record (ms)"},
       {"record-e2e-latency-max", Stat::kMax,
        "The maximum end-to-end latency of a record (ms)"}});
}

}  // namespace kstreams::internal
