// Sliding-windowed aggregations through the test driver. Expected outputs
// worked out by hand from Kafka Streams' KStreamSlidingWindowAggregate
// (processReverse / processEarly): windows [start, start + difference], both
// ends inclusive; each record updates the windows containing it (newest
// first), creates the right window of the previous record when it falls in
// it, its own left window [t - difference, t], and its own right window
// [t + 1, t + 1 + difference] when a later record is in it; records before
// `difference` share [0, difference].
#include <chrono>
#include <optional>
#include <string>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/kstreams.h"
#include "kstreams/testing/topology_test_driver.h"

// Named, not anonymous: tests compile in batches (tests/CMakeLists.txt).
namespace sliding_windows_test {

using kstreams::Window;
using kstreams::Windowed;
using std::chrono::milliseconds;
using ::testing::ElementsAre;
using W = Windowed<std::string>;
using Out = kstreams::TestRecord<W, int64_t>;

W At(std::string key, int64_t start, int64_t end) { return W{std::move(key), Window(start, end)}; }
Out R(W key, int64_t count, int64_t ts) { return Out{std::move(key), count, ts, {}}; }

class SlidingWindowsTest : public ::testing::TestWithParam<bool> {
 protected:
  void Start(const kstreams::SlidingWindows& windows,
             kstreams::EmitStrategy emit = kstreams::EmitStrategy::OnWindowUpdate()) {
    kstreams::StreamsBuilder builder;
    auto m = kstreams::Materialized<std::string, int64_t>::As("sliding");
    if (!GetParam()) m = std::move(m).WithCachingDisabled();
    builder.Stream<std::string, std::string>("input")
        .GroupByKey()
        .WindowedBy(windows)
        .EmitStrategy(emit)
        .Count(m)
        .ToStream()
        .To("output");
    driver_ = std::make_unique<kstreams::TopologyTestDriver>(
        builder.Build(), kstreams::StreamsConfig{{"application.id", "sliding"}}, 0);
    in_.emplace(driver_->CreateInputTopic<std::string, std::string>("input"));
    out_.emplace(driver_->CreateOutputTopic<W, int64_t>(
        "output",
        kstreams::serdes::TimeWindowed<std::string>(
            milliseconds(windows.time_difference_ms())),
        kstreams::serdes::Int64()));
  }
  void Pipe(const std::string& key, int64_t ts) {
    KSTREAMS_ASSERT_OK(in_->PipeInput(key, "v", ts));
  }
  std::vector<Out> Read() { return out_->ReadRecordsToList(); }

  std::unique_ptr<kstreams::TopologyTestDriver> driver_;
  std::optional<kstreams::TestInputTopic<std::string, std::string>> in_;
  std::optional<kstreams::TestOutputTopic<W, int64_t>> out_;
};

TEST_P(SlidingWindowsTest, RecordsCreateLeftAndRightWindowsAndUpdateThoseContainingThem) {
  Start(kstreams::SlidingWindows::OfTimeDifferenceAndGrace(milliseconds(10),
                                                           milliseconds(100)));
  Pipe("a", 10);  // its left window
  EXPECT_THAT(Read(), ElementsAre(R(At("a", 0, 10), 1, 10)));
  Pipe("a", 15);  // the right window of 10 (holding 15), then its left window (10 and 15)
  EXPECT_THAT(Read(), ElementsAre(R(At("a", 11, 21), 1, 15), R(At("a", 5, 15), 2, 15)));
  Pipe("a", 12);  // out of order: updates [11,21] and [5,15] (newest first), creates its
                  // left window [2,12] (10, 12) and its right window [13,23] (15 only)
  EXPECT_THAT(Read(), ElementsAre(R(At("a", 11, 21), 2, 15), R(At("a", 5, 15), 3, 15),
                                  R(At("a", 2, 12), 2, 12), R(At("a", 13, 23), 1, 15)));
}

TEST_P(SlidingWindowsTest, WindowsIncludeBothEnds) {
  Start(kstreams::SlidingWindows::OfTimeDifferenceAndGrace(milliseconds(10),
                                                           milliseconds(100)));
  Pipe("c", 10);
  Pipe("c", 20);  // exactly `difference` later: [10,20] holds both
  EXPECT_THAT(Read(), ElementsAre(R(At("c", 0, 10), 1, 10), R(At("c", 11, 21), 1, 20),
                                  R(At("c", 10, 20), 2, 20)));
  // One more than `difference` after 20: the right window of 20 and the left
  // window of 31 are both [21,31]; Java creates it twice, so without a cache
  // it is forwarded twice (the cache keeps one update).
  Pipe("c", 31);
  if (GetParam()) {
    EXPECT_THAT(Read(), ElementsAre(R(At("c", 21, 31), 1, 31)));
  } else {
    EXPECT_THAT(Read(), ElementsAre(R(At("c", 21, 31), 1, 31), R(At("c", 21, 31), 1, 31)));
  }
}

TEST_P(SlidingWindowsTest, EarlyRecordsShareTheFirstWindow) {
  Start(kstreams::SlidingWindows::OfTimeDifferenceAndGrace(milliseconds(10),
                                                           milliseconds(100)));
  Pipe("b", 3);  // [0,10] instead of [-7,3]
  Pipe("b", 1);  // its right window [2,12] holds 3; [0,10] holds both
  EXPECT_THAT(Read(), ElementsAre(R(At("b", 0, 10), 1, 3), R(At("b", 2, 12), 1, 3),
                                  R(At("b", 0, 10), 2, 3)));
}

TEST_P(SlidingWindowsTest, LateRecordsAndExpiredWindowsAreDroppedAndCounted) {
  Start(kstreams::SlidingWindows::OfTimeDifferenceWithNoGrace(milliseconds(10)));
  Pipe("d", 100);
  Pipe("d", 89);  // 89 + 1 + 10 <= 100: every window it could join has closed
  Pipe("d", 90);  // [90,100] (end 100 >= 100) updated, its left window [80,90] closed
  EXPECT_THAT(Read(), ElementsAre(R(At("d", 90, 100), 1, 100), R(At("d", 90, 100), 2, 100),
                                  R(At("d", 91, 101), 1, 100)));
  EXPECT_EQ(driver_->dropped_records(), 2);
}

TEST_P(SlidingWindowsTest, EmitOnWindowCloseForwardsEachWindowOnceWhenItsEndPasses) {
  Start(kstreams::SlidingWindows::OfTimeDifferenceWithNoGrace(milliseconds(10)),
        kstreams::EmitStrategy::OnWindowClose());
  Pipe("e", 10);
  Pipe("e", 15);  // close time 15: [0,10] is final
  EXPECT_THAT(Read(), ElementsAre(R(At("e", 0, 10), 1, 10)));
  Pipe("e", 30);  // close time 30: [5,15] and [11,21], in start order
  EXPECT_THAT(Read(), ElementsAre(R(At("e", 5, 15), 2, 15), R(At("e", 11, 21), 1, 15)));
  Pipe("e", 31);  // close time 31: 30's left window [20,30]
  EXPECT_THAT(Read(), ElementsAre(R(At("e", 20, 30), 1, 30)));
  Pipe("e", 31);  // close time unchanged: nothing new
  EXPECT_THAT(Read(), ElementsAre());
}

INSTANTIATE_TEST_SUITE_P(CacheOnAndOff, SlidingWindowsTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Cached" : "Uncached"; });

TEST(SlidingWindows, RetentionShorterThanTwiceTheDifferencePlusGraceIsATopologyError) {
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("input")
      .GroupByKey()
      .WindowedBy(kstreams::SlidingWindows::OfTimeDifferenceAndGrace(milliseconds(10),
                                                                     milliseconds(3)))
      .Count(kstreams::Materialized<std::string, int64_t>::As("s").WithRetention(
          milliseconds(22)));
  EXPECT_EQ(std::string(builder.Build().status().message()),
            "The retention period of the window store s must be no smaller than 2 * time "
            "difference plus the grace period. Got time difference=[10], grace=[3], "
            "retention=[22]");
}

}  // namespace sliding_windows_test
