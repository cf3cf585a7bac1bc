// kstreams/state/internal/store_metrics.h  (internal: not for users)
//
// The sensors of one state store, as Kafka Streams names them (DEBUG):
// group `stream-state-metrics`, tags `thread-id`, `task-id` and
// `<store type>-state-id` = the store's name, where the store type is
// `rocksdb`, `in-memory`, `rocksdb-window`, `in-memory-window`,
// `in-memory-suppression`, ...; metrics `<op>-latency-avg`,
// `<op>-latency-max` (ns) and `<op>-rate` per operation. The record cache's
// hit ratio goes to `stream-record-cache-metrics` (tag `record-cache-id`).
//
// Every sensor is nullptr unless the store's context has metrics recorded
// at DEBUG or finer, so a store pays one pointer test per operation at INFO.
//
// Thread-compatible: the store's task thread records.
#ifndef KSTREAMS_STATE_INTERNAL_STORE_METRICS_H_
#define KSTREAMS_STATE_INTERNAL_STORE_METRICS_H_

#include <chrono>
#include <string>
#include <string_view>

#include "kstreams/internal/strings.h"
#include "kstreams/processor/state_store.h"
#include "kstreams/processor/streams_metrics.h"

namespace kstreams::internal {

// The context's metrics when they record `level`, else nullptr.
inline StreamsMetrics* StoreMetricsAt(StateStoreContext& context,
                                      RecordingLevel level = RecordingLevel::kDebug) {
  StreamsMetrics* m = context.metrics();
  return m != nullptr && level <= m->recording_level() ? m : nullptr;
}

// `<op>-latency-avg/max` and `<op>-rate` of store `store` of type
// `store_type` (e.g. "rocksdb"), or nullptr (see the file comment).
inline Sensor* StoreLatencySensor(StateStoreContext& context, std::string_view store_type,
                                  const std::string& store, std::string_view op) {
  StreamsMetrics* m = StoreMetricsAt(context);
  if (m == nullptr) return nullptr;
  Sensor* sensor = m->AddSensor(StrCat("store.", store, ".", op), RecordingLevel::kDebug);
  MetricTags tags = m->tags();
  tags.emplace_back(StrCat(store_type, "-state-id"), store);
  const std::string group = "stream-state-metrics";
  sensor->Add({StrCat(op, "-latency-avg"), group,
               StrCat("The average latency of ", op, " operations (ns)"), tags},
              Stat::kAvg);
  sensor->Add({StrCat(op, "-latency-max"), group,
               StrCat("The maximum latency of ", op, " operations (ns)"), tags},
              Stat::kMax);
  sensor->Add({StrCat(op, "-rate"), group,
               StrCat("The average number of ", op, " operations per second"), tags},
              Stat::kRate);
  return sensor;
}

// A sensor of store `store` with `<name>-avg` and `<name>-max` (the
// suppression buffer's size and count), or nullptr.
inline Sensor* StoreAvgMaxSensor(StateStoreContext& context, std::string_view store_type,
                                 const std::string& store, std::string_view name,
                                 std::string_view what) {
  StreamsMetrics* m = StoreMetricsAt(context);
  if (m == nullptr) return nullptr;
  Sensor* sensor = m->AddSensor(StrCat("store.", store, ".", name), RecordingLevel::kDebug);
  MetricTags tags = m->tags();
  tags.emplace_back(StrCat(store_type, "-state-id"), store);
  sensor->Add({StrCat(name, "-avg"), "stream-state-metrics", StrCat("The average ", what), tags},
              Stat::kAvg);
  sensor->Add({StrCat(name, "-max"), "stream-state-metrics", StrCat("The maximum ", what), tags},
              Stat::kMax);
  return sensor;
}

// Records the time from construction to destruction (ns) into `sensor`;
// reads no clock when `sensor` is nullptr.
class StoreLatencyTimer {
 public:
  explicit StoreLatencyTimer(Sensor* sensor) : sensor_(sensor) {
    if (sensor_ != nullptr) start_ = std::chrono::steady_clock::now();
  }
  ~StoreLatencyTimer() {
    if (sensor_ == nullptr) return;
    sensor_->Record(static_cast<double>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() -
                                                             start_)
            .count()));
  }
  StoreLatencyTimer(const StoreLatencyTimer&) = delete;
  StoreLatencyTimer& operator=(const StoreLatencyTimer&) = delete;

 private:
  Sensor* sensor_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_STATE_INTERNAL_STORE_METRICS_H_
