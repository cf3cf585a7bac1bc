// src/runtime/client_metrics.h  (internal: not for users)
//
// ClientMetrics: the metrics of one Kafka client of a stream thread (its
// consumer or its producer), read from librdkafka's statistics, the JSON
// document librdkafka emits every `statistics.interval.ms` (the runtime sets
// 5000 unless the config sets `consumer.`/`producer.statistics.interval.ms`).
// Java's names and groups, tag `client-id`, reduced to what librdkafka
// reports:
//   consumer  consumer-fetch-manager-metrics: records-lag (tags topic and
//             partition too: the latest lag of each fetched partition, NaN
//             while unknown), records-lag-max (the largest of those),
//             records-consumed-total/-rate, bytes-consumed-total/-rate;
//             consumer-metrics: request-latency-avg/-max (ms, over brokers);
//   producer  producer-metrics: record-send-total/-rate,
//             outgoing-byte-total/-rate, request-latency-avg/-max (ms),
//             record-queue-time-avg/-max (ms, librdkafka's internal queue).
// Values are as of the last document: rates are the counters' change over
// the time between the last two documents (0 before the second).
//
// Thread-safety: OnStatistics runs on the client's polling thread; the
// gauges read under this object's mutex, which is never held while the
// registry is called.
#ifndef KSTREAMS_SRC_RUNTIME_CLIENT_METRICS_H_
#define KSTREAMS_SRC_RUNTIME_CLIENT_METRICS_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "runtime/metrics_registry.h"

namespace kstreams::internal {

class ClientMetrics {
 public:
  enum class Kind { kConsumer, kProducer };
  // The statistics interval the runtime sets when the config sets none.
  static constexpr std::string_view kDefaultStatisticsIntervalMs = "5000";

  ClientMetrics(MetricsRegistry* registry, Kind kind, std::string client_id);
  ~ClientMetrics();
  ClientMetrics(const ClientMetrics&) = delete;
  ClientMetrics& operator=(const ClientMetrics&) = delete;

  // One statistics document. A document that does not parse is ignored
  // (the values stay as they were).
  void OnStatistics(std::string_view json);

 private:
  using PartitionKey = std::pair<std::string, int>;  // topic, partition

  // Adds a gauge reading values_[key] (under mu_).
  void AddGauge(const void* owner, const std::string& name, const std::string& group,
                const std::string& description, MetricTags tags, std::string key);
  // Adds or removes the records-lag gauges so that they match `partitions`.
  void SyncPartitionGauges(const std::map<PartitionKey, double>& partitions);

  MetricsRegistry* const registry_;
  const Kind kind_;
  const std::string client_id_;
  // The owner of each partition's gauge (the registry removes by owner).
  std::map<PartitionKey, std::unique_ptr<char>> partition_owners_;  // polling thread only

  std::mutex mu_;
  std::map<std::string, double> values_;  // guarded by mu_; metric key -> value
  std::map<std::string, double> last_counters_;  // guarded by mu_
  int64_t last_ts_us_ = -1;                      // guarded by mu_
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_RUNTIME_CLIENT_METRICS_H_
