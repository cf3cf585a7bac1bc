// Punctuators through the TopologyTestDriver. Expected firing times follow
// Kafka Streams' PunctuationSchedule: stream-time schedules are aligned to 0
// and fire when stream time (the largest timestamp seen) reaches the next
// multiple; a jump over several intervals fires once; the punctuator gets
// the current stream (or wall-clock) time.
#include <memory>
#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/kstreams.h"
#include "kstreams/testing/topology_test_driver.h"

namespace {

using kstreams::PunctuationType;
using kstreams::TopologyTestDriver;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Schedules one punctuator at Init; records each firing time; forwards a
// record "tick" from the punctuator; a record with value "cancel" cancels.
class Ticker : public kstreams::Processor<std::string, std::string, std::string, int64_t> {
 public:
  Ticker(PunctuationType type, int64_t interval_ms, std::vector<int64_t>* fired)
      : type_(type), interval_ms_(interval_ms), fired_(fired) {}
  void Init(kstreams::ProcessorContext<std::string, int64_t>& ctx) override {
    ctx_ = &ctx;
    handle_ = ctx.Schedule(std::chrono::milliseconds(interval_ms_), type_, [this](int64_t t) {
      fired_->push_back(t);
      ctx_->Forward(kstreams::Record<std::string, int64_t>("tick", t, t));
    });
  }
  void Process(kstreams::Record<std::string, std::string> r) override {
    if (r.value() == "cancel") handle_.Cancel();
  }

 private:
  PunctuationType type_;
  int64_t interval_ms_;
  std::vector<int64_t>* fired_;
  kstreams::ProcessorContext<std::string, int64_t>* ctx_ = nullptr;
  kstreams::Cancellable handle_;
};

kstreams::Topology TickerTopology(PunctuationType type, int64_t interval,
                                  std::vector<int64_t>* fired) {
  kstreams::Topology topology;
  topology.AddSource<std::string, std::string>("src", {"in"})
      .AddProcessor("ticker", [=] { return std::make_unique<Ticker>(type, interval, fired); },
                    {"src"})
      .AddSink<std::string, int64_t>("sink", "ticks", {"ticker"});
  return topology;
}

TEST(StreamTimePunctuationTest, FiresAtAlignedIntervalsAndOnceAfterAGap) {
  std::vector<int64_t> fired;
  TopologyTestDriver driver(TickerTopology(PunctuationType::kStreamTime, 10, &fired), {}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  auto ticks = driver.CreateOutputTopic<std::string, int64_t>("ticks");
  // Schedule aligned to 0: the first record (ts 3) reaches it; next is 10.
  for (int64_t ts : {3, 7, 10, 15, 47, 30, 50, 59}) KSTREAMS_ASSERT_OK(in.PipeInput("k", "v", ts));
  // 47 jumps over 20, 30, 40: one firing, next at 50. 30 is out of order:
  // stream time stays 47.
  EXPECT_THAT(fired, ElementsAre(3, 10, 47, 50));
  auto r = ticks.ReadRecordsToList();
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[2], (kstreams::TestRecord<std::string, int64_t>{"tick", 47, 47, {}}));
}

TEST(StreamTimePunctuationTest, WallClockDoesNotFireStreamTimePunctuators) {
  std::vector<int64_t> fired;
  TopologyTestDriver driver(TickerTopology(PunctuationType::kStreamTime, 10, &fired), {}, 0);
  driver.AdvanceWallClockTime(std::chrono::milliseconds(1000));
  EXPECT_THAT(fired, IsEmpty());  // no record yet: no stream time
}

TEST(StreamTimePunctuationTest, CancelStopsFurtherFirings) {
  std::vector<int64_t> fired;
  TopologyTestDriver driver(TickerTopology(PunctuationType::kStreamTime, 10, &fired), {}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "v", 0));
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "v", 10));
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "cancel", 15));
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "v", 20));
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "v", 100));
  EXPECT_THAT(fired, ElementsAre(0, 10));
}

TEST(WallClockPunctuationTest, FiresIntervalAfterSchedulingOnAdvanceWallClockTime) {
  std::vector<int64_t> fired;
  TopologyTestDriver driver(TickerTopology(PunctuationType::kWallClockTime, 100, &fired), {},
                            /*initial_wall_clock_ms=*/1000);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  auto ticks = driver.CreateOutputTopic<std::string, int64_t>("ticks");
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "v", 5000));  // record time does not matter
  EXPECT_THAT(fired, IsEmpty());
  driver.AdvanceWallClockTime(std::chrono::milliseconds(50));   // 1050
  EXPECT_THAT(fired, IsEmpty());
  driver.AdvanceWallClockTime(std::chrono::milliseconds(50));   // 1100: fires, next 1200
  driver.AdvanceWallClockTime(std::chrono::milliseconds(250));  // 1350: once, next 1400
  driver.AdvanceWallClockTime(std::chrono::milliseconds(50));   // 1400: fires
  EXPECT_THAT(fired, ElementsAre(1100, 1350, 1400));
  EXPECT_THAT(ticks.ReadValuesToList(), ElementsAre(1100, 1350, 1400));
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "cancel", 0));
  driver.AdvanceWallClockTime(std::chrono::milliseconds(1000));
  EXPECT_THAT(fired, ElementsAre(1100, 1350, 1400));
}

// Punctuators in a repartitioned sub-topology see that task's stream time,
// advanced by the records coming through the repartition topic.
TEST(StreamTimePunctuationTest, DownstreamOfARepartitionTopic) {
  std::vector<int64_t> fired;
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("in")
      .SelectKey([](const std::string&, const std::string& v) { return v; })
      .Repartition()
      .Process([&fired] {
        return std::make_unique<Ticker>(PunctuationType::kStreamTime, 100, &fired);
      })
      .To("ticks");
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "a", 50));
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "b", 150));
  EXPECT_THAT(fired, ElementsAre(50, 150));
}

}  // namespace
