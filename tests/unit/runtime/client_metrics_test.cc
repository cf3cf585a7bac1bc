// ClientMetrics over hand-written librdkafka statistics documents (the
// fields as librdkafka 2.0.2 documents them in STATISTICS.md).
#include "runtime/client_metrics.h"

#include <cmath>
#include <optional>
#include <string>

#include "gtest/gtest.h"

namespace kstreams::internal {
namespace client_metrics_test {

std::optional<double> Value(MetricsRegistry& registry, const std::string& group,
                            const std::string& name, const MetricTags& tags) {
  for (const Metric& m : registry.Snapshot()) {
    if (m.name.group == group && m.name.name == name && m.name.tags == tags) return m.value;
  }
  return std::nullopt;
}

// A consumer document: `ts` in µs, two fetched partitions of "in" (one
// with an unknown lag), one stopped partition, the unassigned "-1".
std::string ConsumerDocument(int64_t ts_us, int64_t rxmsgs, int64_t lag0) {
  return R"({"name":"c","type":"consumer","ts":)" + std::to_string(ts_us) +
         R"(,"rxmsgs":)" + std::to_string(rxmsgs) + R"(,"rxmsg_bytes":)" +
         std::to_string(rxmsgs * 10) + R"(,
    "brokers":{"b1":{"nodeid":1,"rtt":{"avg":2000,"max":5000,"cnt":4}},
               "b2":{"nodeid":2,"rtt":{"avg":4000,"max":9000,"cnt":2}},
               "b3":{"nodeid":3,"rtt":{"avg":0,"max":0,"cnt":0}}},
    "topics":{"in":{"partitions":{
      "0":{"partition":0,"fetch_state":"active","consumer_lag":)" + std::to_string(lag0) + R"(},
      "1":{"partition":1,"fetch_state":"active","consumer_lag":-1},
      "2":{"partition":2,"fetch_state":"stopped","consumer_lag":7},
      "-1":{"partition":-1,"fetch_state":"none","consumer_lag":-1}}}}})";
}

TEST(ClientMetrics, ConsumerLagCountersRatesAndLatencyFromTheDocument) {
  MetricsRegistry registry(RecordingLevel::kInfo);
  const MetricTags client = {{"client-id", "c"}};
  const MetricTags in0 = {{"client-id", "c"}, {"topic", "in"}, {"partition", "0"}};
  const MetricTags in1 = {{"client-id", "c"}, {"topic", "in"}, {"partition", "1"}};
  const std::string fetch = "consumer-fetch-manager-metrics";
  {
    ClientMetrics metrics(&registry, ClientMetrics::Kind::kConsumer, "c");
    // Before any document: the client-level gauges exist, with no value.
    EXPECT_TRUE(std::isnan(*Value(registry, fetch, "records-lag-max", client)));
    EXPECT_FALSE(Value(registry, fetch, "records-lag", in0).has_value());

    metrics.OnStatistics(ConsumerDocument(1'000'000, 100, 40));
    EXPECT_EQ(Value(registry, fetch, "records-lag", in0), 40);
    EXPECT_TRUE(std::isnan(*Value(registry, fetch, "records-lag", in1)));  // unknown
    EXPECT_FALSE(Value(registry, fetch, "records-lag",
                       {{"client-id", "c"}, {"topic", "in"}, {"partition", "2"}})
                     .has_value());  // not fetched
    EXPECT_EQ(Value(registry, fetch, "records-lag-max", client), 40);
    EXPECT_EQ(Value(registry, fetch, "records-consumed-total", client), 100);
    EXPECT_EQ(Value(registry, fetch, "records-consumed-rate", client), 0);  // one document
    // Brokers that measured round trips: (2 + 4) / 2 ms on average, 9 ms at most.
    EXPECT_EQ(Value(registry, "consumer-metrics", "request-latency-avg", client), 3);
    EXPECT_EQ(Value(registry, "consumer-metrics", "request-latency-max", client), 9);

    // Half a second later: 250 more records, 500 records/s, 2,500 bytes in.
    metrics.OnStatistics(ConsumerDocument(1'500'000, 350, 0));
    EXPECT_EQ(Value(registry, fetch, "records-consumed-rate", client), 500);
    EXPECT_EQ(Value(registry, fetch, "bytes-consumed-rate", client), 5000);
    EXPECT_EQ(Value(registry, fetch, "bytes-consumed-total", client), 3500);
    EXPECT_EQ(Value(registry, fetch, "records-lag", in0), 0);
    EXPECT_EQ(Value(registry, fetch, "records-lag-max", client), 0);

    // A document without partition 0 (revoked): its gauge goes; a document
    // that does not parse changes nothing.
    metrics.OnStatistics(R"({"ts":2000000,"rxmsgs":350,"topics":{}})");
    EXPECT_FALSE(Value(registry, fetch, "records-lag", in0).has_value());
    metrics.OnStatistics("{not json");
    EXPECT_EQ(Value(registry, fetch, "records-consumed-total", client), 350);
  }
  // Gone with the client.
  EXPECT_TRUE(registry.Snapshot().empty());
}

TEST(ClientMetrics, ProducerSendsBytesAndQueueTime) {
  MetricsRegistry registry(RecordingLevel::kInfo);
  const MetricTags client = {{"client-id", "p"}};
  ClientMetrics metrics(&registry, ClientMetrics::Kind::kProducer, "p");
  metrics.OnStatistics(
      R"({"ts":0,"txmsgs":10,"tx_bytes":1000,"brokers":{"b1":{"rtt":{"avg":1500,"max":3000,"cnt":1},"int_latency":{"avg":250,"max":800,"cnt":10}}}})");
  metrics.OnStatistics(R"({"ts":2000000,"txmsgs":30,"tx_bytes":5000,"brokers":{}})");
  EXPECT_EQ(Value(registry, "producer-metrics", "record-send-total", client), 30);
  EXPECT_EQ(Value(registry, "producer-metrics", "record-send-rate", client), 10);  // 20 in 2 s
  EXPECT_EQ(Value(registry, "producer-metrics", "outgoing-byte-rate", client), 2000);
  EXPECT_EQ(Value(registry, "producer-metrics", "request-latency-avg", client), 0);  // none now
  metrics.OnStatistics(
      R"({"ts":3000000,"txmsgs":30,"tx_bytes":5000,"brokers":{"b1":{"rtt":{"avg":1500,"max":3000,"cnt":1},"int_latency":{"avg":250,"max":800,"cnt":10}}}})");
  EXPECT_EQ(Value(registry, "producer-metrics", "request-latency-avg", client), 1.5);
  EXPECT_EQ(Value(registry, "producer-metrics", "record-queue-time-avg", client), 0.25);
  EXPECT_EQ(Value(registry, "producer-metrics", "record-queue-time-max", client), 0.8);
  EXPECT_EQ(Value(registry, "producer-metrics", "record-send-rate", client), 0);
}

}  // namespace client_metrics_test
}  // namespace kstreams::internal
