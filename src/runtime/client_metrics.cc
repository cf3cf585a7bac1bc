#include "runtime/client_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "nlohmann/json.hpp"

namespace kstreams::internal {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double Number(const nlohmann::json& object, const char* field) {
  auto it = object.find(field);
  return it != object.end() && it->is_number() ? it->get<double>() : 0;
}

// The average and the maximum of librdkafka's per-broker window `field`
// (µs) in ms, over the brokers that measured some.
std::pair<double, double> BrokerWindowMs(const nlohmann::json& doc, const char* field) {
  double sum = 0, max = 0;
  int brokers = 0;
  auto it = doc.find("brokers");
  if (it == doc.end() || !it->is_object()) return {0, 0};
  for (const auto& [name, broker] : it->items()) {
    auto window = broker.find(field);
    if (window == broker.end() || Number(*window, "cnt") <= 0) continue;
    sum += Number(*window, "avg");
    max = std::max(max, Number(*window, "max"));
    ++brokers;
  }
  if (brokers == 0) return {0, 0};
  return {sum / brokers / 1000.0, max / 1000.0};
}

}  // namespace

ClientMetrics::ClientMetrics(MetricsRegistry* registry, Kind kind, std::string client_id)
    : registry_(registry), kind_(kind), client_id_(std::move(client_id)) {
  const MetricTags tags = {{"client-id", client_id_}};
  if (kind_ == Kind::kConsumer) {
    const std::string fetch = "consumer-fetch-manager-metrics";
    AddGauge(this, "records-lag-max", fetch,
             "The largest lag in records of the partitions this consumer fetches", tags,
             "records-lag-max");
    AddGauge(this, "records-consumed-total", fetch, "The total number of records consumed",
             tags, "rxmsgs");
    AddGauge(this, "records-consumed-rate", fetch, "The records consumed per second", tags,
             "rxmsgs-rate");
    AddGauge(this, "bytes-consumed-total", fetch, "The total bytes of records consumed", tags,
             "rxmsg_bytes");
    AddGauge(this, "bytes-consumed-rate", fetch, "The bytes of records consumed per second",
             tags, "rxmsg_bytes-rate");
    AddGauge(this, "request-latency-avg", "consumer-metrics",
             "The average request latency in ms (broker round trips)", tags, "rtt-avg");
    AddGauge(this, "request-latency-max", "consumer-metrics",
             "The largest request latency in ms (broker round trips)", tags, "rtt-max");
  } else {
    const std::string group = "producer-metrics";
    AddGauge(this, "record-send-total", group, "The total number of records sent", tags,
             "txmsgs");
    AddGauge(this, "record-send-rate", group, "The records sent per second", tags,
             "txmsgs-rate");
    AddGauge(this, "outgoing-byte-total", group, "The total bytes sent to the brokers", tags,
             "tx_bytes");
    AddGauge(this, "outgoing-byte-rate", group, "The bytes sent to the brokers per second",
             tags, "tx_bytes-rate");
    AddGauge(this, "request-latency-avg", group,
             "The average request latency in ms (broker round trips)", tags, "rtt-avg");
    AddGauge(this, "request-latency-max", group,
             "The largest request latency in ms (broker round trips)", tags, "rtt-max");
    AddGauge(this, "record-queue-time-avg", group,
             "The average time in ms records wait in the producer's queue", tags,
             "int_latency-avg");
    AddGauge(this, "record-queue-time-max", group,
             "The largest time in ms records waited in the producer's queue", tags,
             "int_latency-max");
  }
}

ClientMetrics::~ClientMetrics() {
  registry_->Remove(this);
  for (const auto& [key, owner] : partition_owners_) registry_->Remove(owner.get());
}

void ClientMetrics::AddGauge(const void* owner, const std::string& name,
                             const std::string& group, const std::string& description,
                             MetricTags tags, std::string key) {
  registry_->AddGauge(owner, MetricName{name, group, description, std::move(tags)},
                      [this, key = std::move(key)] {
                        std::lock_guard<std::mutex> lock(mu_);
                        auto it = values_.find(key);
                        return it == values_.end() ? kNaN : it->second;
                      });
}

void ClientMetrics::OnStatistics(std::string_view json) {
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return;
  const int64_t ts_us = static_cast<int64_t>(Number(doc, "ts"));
  const std::vector<const char*> counters =
      kind_ == Kind::kConsumer ? std::vector<const char*>{"rxmsgs", "rxmsg_bytes"}
                               : std::vector<const char*>{"txmsgs", "tx_bytes"};
  std::map<PartitionKey, double> lags;
  if (kind_ == Kind::kConsumer) {
    auto topics = doc.find("topics");
    if (topics != doc.end() && topics->is_object()) {
      for (const auto& [topic, t] : topics->items()) {
        auto partitions = t.find("partitions");
        if (partitions == t.end() || !partitions->is_object()) continue;
        for (const auto& [id, p] : partitions->items()) {
          const int partition = static_cast<int>(Number(p, "partition"));
          auto state = p.find("fetch_state");
          if (partition < 0 || state == p.end() || *state != "active") continue;
          const double lag = Number(p, "consumer_lag");
          lags[{topic, partition}] = lag >= 0 ? lag : kNaN;  // librdkafka: -1 = unknown
        }
      }
    }
  }
  const auto [rtt_avg, rtt_max] = BrokerWindowMs(doc, "rtt");
  const auto [queue_avg, queue_max] = BrokerWindowMs(doc, "int_latency");
  {
    std::lock_guard<std::mutex> lock(mu_);
    const double seconds = last_ts_us_ >= 0 && ts_us > last_ts_us_
                               ? static_cast<double>(ts_us - last_ts_us_) / 1e6
                               : 0;
    for (const char* counter : counters) {
      const double now = Number(doc, counter);
      auto last = last_counters_.find(counter);
      values_[std::string(counter) + "-rate"] =
          seconds > 0 && last != last_counters_.end() ? (now - last->second) / seconds : 0;
      values_[counter] = now;
      last_counters_[counter] = now;
    }
    last_ts_us_ = ts_us;
    values_["rtt-avg"] = rtt_avg;
    values_["rtt-max"] = rtt_max;
    values_["int_latency-avg"] = queue_avg;
    values_["int_latency-max"] = queue_max;
    if (kind_ == Kind::kConsumer) {
      double max = kNaN;
      for (auto it = values_.begin(); it != values_.end();) {
        it = it->first.starts_with("lag:") ? values_.erase(it) : std::next(it);
      }
      for (const auto& [key, lag] : lags) {
        values_["lag:" + key.first + ":" + std::to_string(key.second)] = lag;
        if (!std::isnan(lag)) max = std::isnan(max) ? lag : std::max(max, lag);
      }
      values_["records-lag-max"] = max;
    }
  }
  if (kind_ == Kind::kConsumer) SyncPartitionGauges(lags);
}

void ClientMetrics::SyncPartitionGauges(const std::map<PartitionKey, double>& partitions) {
  for (auto it = partition_owners_.begin(); it != partition_owners_.end();) {
    if (partitions.contains(it->first)) {
      ++it;
      continue;
    }
    registry_->Remove(it->second.get());
    it = partition_owners_.erase(it);
  }
  for (const auto& [key, lag] : partitions) {
    if (partition_owners_.contains(key)) continue;
    auto owner = std::make_unique<char>();
    AddGauge(owner.get(), "records-lag", "consumer-fetch-manager-metrics",
             "The latest lag in records of the partition",
             {{"client-id", client_id_},
              {"topic", key.first},
              {"partition", std::to_string(key.second)}},
             "lag:" + key.first + ":" + std::to_string(key.second));
    partition_owners_.emplace(key, std::move(owner));
  }
}

}  // namespace kstreams::internal
