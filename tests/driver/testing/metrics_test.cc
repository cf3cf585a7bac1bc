// Metrics through the TopologyTestDriver: Java's names, groups and tags,
// values checked against the work done (records processed, records
// dropped), recording levels, and sensors a processor adds itself.
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/kstreams.h"
#include "kstreams/testing/topology_test_driver.h"

namespace metrics_driver_test {

using kstreams::Metric;
using kstreams::MetricTags;
using kstreams::Record;
using kstreams::TopologyTestDriver;

// The value of the metric `name` in `group` whose tags include `tags`;
// nullopt when there is none.
std::optional<double> Find(const std::vector<Metric>& metrics, const std::string& group,
                           const std::string& name, const MetricTags& tags = {}) {
  for (const Metric& m : metrics) {
    if (m.name.group != group || m.name.name != name) continue;
    bool all = true;
    for (const auto& tag : tags) {
      all &= std::find(m.name.tags.begin(), m.name.tags.end(), tag) != m.name.tags.end();
    }
    if (all) return m.value;
  }
  return std::nullopt;
}

kstreams::Topology Passthrough() {
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("in").To("out");
  return builder.Build();
}

TEST(MetricsTest, DebugCountsEveryRecordAtTaskAndNodeLevel) {
  TopologyTestDriver driver(Passthrough(), {{"metrics.recording.level", "DEBUG"}}, 0);
  KSTREAMS_ASSERT_OK(driver.status());
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  for (int i = 0; i < 7; ++i) KSTREAMS_ASSERT_OK(in.PipeInput("k", "v", i));
  const std::vector<Metric> m = driver.Metrics();
  const MetricTags task = {{"thread-id", "topology-test-driver"}, {"task-id", "0_0"}};
  EXPECT_EQ(Find(m, "stream-task-metrics", "process-total", task), 7);
  EXPECT_EQ(Find(m, "stream-task-metrics", "dropped-records-total", task), 0);
  MetricTags source = task;
  source.emplace_back("processor-node-id", "KSTREAM-SOURCE-0000000000");
  MetricTags sink = task;
  sink.emplace_back("processor-node-id", "KSTREAM-SINK-0000000001");
  EXPECT_EQ(Find(m, "stream-processor-node-metrics", "process-total", source), 7);
  EXPECT_EQ(Find(m, "stream-processor-node-metrics", "process-total", sink), 7);
  // Wall clock 0 (the driver's), timestamps 0..6: e2e latency 0 - ts.
  EXPECT_EQ(Find(m, "stream-processor-node-metrics", "record-e2e-latency-max", source), 0);
  EXPECT_EQ(Find(m, "stream-processor-node-metrics", "record-e2e-latency-min", sink), -6);
  EXPECT_EQ(Find(m, "stream-processor-node-metrics", "record-e2e-latency-avg", sink), -3);
  // In-order records are not late.
  EXPECT_EQ(Find(m, "stream-task-metrics", "record-lateness-max", task), 0);
}

TEST(MetricsTest, InfoRecordsEndToEndLatencyAndDropsButNotDebugSensors) {
  TopologyTestDriver driver(Passthrough(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  driver.AdvanceWallClockTime(std::chrono::milliseconds(100));
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "v", 40));
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "v", 70));
  const std::vector<Metric> m = driver.Metrics();
  const MetricTags task = {{"task-id", "0_0"}};
  EXPECT_EQ(Find(m, "stream-task-metrics", "process-total", task), std::nullopt);  // DEBUG
  EXPECT_EQ(Find(m, "stream-processor-node-metrics", "process-total"), std::nullopt);
  EXPECT_EQ(Find(m, "stream-task-metrics", "dropped-records-total", task), 0);
  MetricTags source = task;
  source.emplace_back("processor-node-id", "KSTREAM-SOURCE-0000000000");
  EXPECT_EQ(Find(m, "stream-processor-node-metrics", "record-e2e-latency-max", source), 60);
  EXPECT_EQ(Find(m, "stream-processor-node-metrics", "record-e2e-latency-min", source), 30);
  EXPECT_EQ(Find(m, "stream-processor-node-metrics", "record-e2e-latency-avg", source), 45);
}

TEST(MetricsTest, ALateRecordMovesDroppedRecordsAndLateness) {
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("in")
      .GroupByKey()
      .WindowedBy(kstreams::TimeWindows::OfSizeAndGrace(std::chrono::milliseconds(10),
                                                        std::chrono::milliseconds(0)))
      .Count();
  TopologyTestDriver driver(builder.Build(), {{"metrics.recording.level", "DEBUG"}}, 0);
  KSTREAMS_ASSERT_OK(driver.status());
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  KSTREAMS_ASSERT_OK(in.PipeInput("a", "1", 100));
  KSTREAMS_ASSERT_OK(in.PipeInput("a", "2", 5));  // window [0,10) closed at 100: dropped
  const std::vector<Metric> m = driver.Metrics();
  const MetricTags task = {{"task-id", "0_0"}};
  EXPECT_EQ(Find(m, "stream-task-metrics", "dropped-records-total", task), 1);
  EXPECT_EQ(driver.dropped_records(), 1);  // the existing counter agrees
  EXPECT_EQ(Find(m, "stream-task-metrics", "record-lateness-max", task), 95);
  EXPECT_EQ(Find(m, "stream-task-metrics", "record-lateness-avg", task), 47.5);
  EXPECT_EQ(Find(m, "stream-task-metrics", "process-total", task), 2);
}

// Counts its records in a sensor of its own (Java's
// context.metrics().addRateTotalSensor(...)).
class Counting : public kstreams::Processor<std::string, std::string, std::string, std::string> {
 public:
  void Init(kstreams::ProcessorContext<std::string, std::string>& context) override {
    seen_ = context.metrics().AddRateTotalSensor("my-scope", "counter", "seen",
                                                 kstreams::RecordingLevel::kInfo);
    sizes_ = context.metrics().AddSensor("value-size", kstreams::RecordingLevel::kInfo);
    sizes_->Add({"value-size-max", "my-metrics", "largest value", context.metrics().tags()},
                kstreams::Stat::kMax);
    debug_ = context.metrics().AddSensor("debug-only", kstreams::RecordingLevel::kDebug);
    debug_->Add({"debug-total", "my-metrics", "", {}}, kstreams::Stat::kTotal);
  }
  void Process(Record<std::string, std::string> r) override {
    seen_->Record();
    sizes_->Record(static_cast<double>(r.value().size()));
    debug_->Record();
  }

 private:
  kstreams::Sensor* seen_ = nullptr;
  kstreams::Sensor* sizes_ = nullptr;
  kstreams::Sensor* debug_ = nullptr;
};

TEST(MetricsTest, AProcessorAddsItsOwnSensorsThroughTheContext) {
  kstreams::Topology topology;
  topology.AddSource<std::string, std::string>("src", {"in"})
      .AddProcessor("count", [] { return std::make_unique<Counting>(); }, {"src"});
  TopologyTestDriver driver(topology, {}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "abc", 1));
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "abcdef", 2));
  const std::vector<Metric> m = driver.Metrics();
  const MetricTags tags = {
      {"thread-id", "topology-test-driver"}, {"task-id", "0_0"}, {"my-scope-id", "counter"}};
  EXPECT_EQ(Find(m, "stream-my-scope-metrics", "seen-total", tags), 2);
  EXPECT_GT(*Find(m, "stream-my-scope-metrics", "seen-rate", tags), 0);
  EXPECT_EQ(Find(m, "my-metrics", "value-size-max", {{"task-id", "0_0"}}), 6);
  // A DEBUG sensor at INFO records nothing and lists no metric.
  EXPECT_EQ(Find(m, "my-metrics", "debug-total"), std::nullopt);
}

TEST(MetricsTest, AnUnknownRecordingLevelFailsNamingTheKey) {
  TopologyTestDriver driver(Passthrough(), {{"metrics.recording.level", "VERBOSE"}}, 0);
  EXPECT_FALSE(driver.status().ok());
  EXPECT_THAT(std::string(driver.status().message()),
              ::testing::HasSubstr("config 'metrics.recording.level'='VERBOSE'"));
}

}  // namespace metrics_driver_test
