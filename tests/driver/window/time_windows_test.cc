// Tumbling, hopping and unlimited windowed aggregations through the test
// driver, with and without the record cache. Every expected output is worked
// out by hand from Kafka Streams' KStreamWindowAggregate: windows [start,
// start + size) aligned to the epoch, a window accepts a record while
// end > stream time - grace, the output timestamp is the largest record
// timestamp in the window, and late records are dropped and counted once
// per expired window.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/kstreams.h"
#include "kstreams/testing/topology_test_driver.h"

// Named, not anonymous: tests compile in batches (tests/CMakeLists.txt).
namespace time_windows_test {

using kstreams::Window;
using kstreams::Windowed;
using std::chrono::milliseconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using W = Windowed<std::string>;
using Out = kstreams::TestRecord<W, int64_t>;

W At(std::string key, int64_t start, int64_t end) { return W{std::move(key), Window(start, end)}; }
// An output record: windowed key, count, timestamp.
Out R(W key, int64_t count, int64_t ts) { return Out{std::move(key), count, ts, {}}; }

struct Param {
  bool cached;
  std::string name;
};

class TimeWindowsTest : public ::testing::TestWithParam<Param> {
 protected:
  // input -> GroupByKey -> WindowedBy(windows) -> Count -> ToStream -> output.
  kstreams::Topology CountTopology(const kstreams::TimeWindows& windows) {
    kstreams::StreamsBuilder builder;
    auto m = kstreams::Materialized<std::string, int64_t>::As("counts");
    if (!GetParam().cached) m = std::move(m).WithCachingDisabled();
    builder.Stream<std::string, std::string>("input")
        .GroupByKey()
        .WindowedBy(windows)
        .Count(m)
        .ToStream()
        .To("output");
    return builder.Build();
  }
  void Start(const kstreams::Topology& topology, int64_t window_size) {
    driver_ = std::make_unique<kstreams::TopologyTestDriver>(
        topology, kstreams::StreamsConfig{{"application.id", "windows"}}, 0);
    in_.emplace(driver_->CreateInputTopic<std::string, std::string>("input"));
    out_.emplace(driver_->CreateOutputTopic<W, int64_t>(
        "output", kstreams::serdes::TimeWindowed<std::string>(milliseconds(window_size)),
        kstreams::serdes::Int64()));
  }
  void Pipe(const std::string& key, int64_t ts) {
    KSTREAMS_ASSERT_OK(in_->PipeInput(key, "v", ts));
  }

  std::unique_ptr<kstreams::TopologyTestDriver> driver_;
  std::optional<kstreams::TestInputTopic<std::string, std::string>> in_;
  std::optional<kstreams::TestOutputTopic<W, int64_t>> out_;
};

TEST_P(TimeWindowsTest, TumblingWindowsAreAlignedToTheEpochAndEndExclusive) {
  Start(CountTopology(kstreams::TimeWindows::OfSizeWithNoGrace(milliseconds(10))), 10);
  Pipe("a", 0);
  Pipe("a", 9);   // last instant of [0, 10)
  Pipe("a", 10);  // first of [10, 20); stream time 10 closes [0, 10)
  Pipe("a", 5);   // late: end 10 <= 10 - 0
  Pipe("b", 19);
  Pipe("a", 20);
  EXPECT_THAT(out_->ReadRecordsToList(),
              ElementsAre(R(At("a", 0, 10), 1, 0), R(At("a", 0, 10), 2, 9),
                          R(At("a", 10, 20), 1, 10), R(At("b", 10, 20), 1, 19),
                          R(At("a", 20, 30), 1, 20)));
  EXPECT_EQ(driver_->dropped_records(), 1);
}

TEST_P(TimeWindowsTest, HoppingWindowsOverlap) {
  Start(CountTopology(kstreams::TimeWindows::OfSizeWithNoGrace(milliseconds(10))
                          .AdvanceBy(milliseconds(5))),
        10);
  Pipe("a", 3);   // [0, 10) only: [-5, 5) does not exist
  Pipe("a", 7);   // [0, 10) and [5, 15)
  Pipe("a", 12);  // [5, 15) and [10, 20); closes [0, 10)
  Pipe("a", 6);   // [0, 10) expired, [5, 15) still open: one drop
  EXPECT_THAT(out_->ReadRecordsToList(),
              ElementsAre(R(At("a", 0, 10), 1, 3), R(At("a", 0, 10), 2, 7),
                          R(At("a", 5, 15), 1, 7), R(At("a", 5, 15), 2, 12),
                          R(At("a", 10, 20), 1, 12), R(At("a", 5, 15), 3, 12)));
  EXPECT_EQ(driver_->dropped_records(), 1);
}

TEST_P(TimeWindowsTest, GraceAcceptsOutOfOrderRecordsUntilEndPlusGrace) {
  Start(CountTopology(
            kstreams::TimeWindows::OfSizeAndGrace(milliseconds(10), milliseconds(5))),
        10);
  Pipe("a", 0);
  Pipe("a", 14);  // stream time 14: [0, 10) open until 15
  Pipe("a", 9);   // on time within grace: ts of [0, 10) stays its largest, 9
  Pipe("a", 15);  // stream time 15 = end + grace: [0, 10) closes
  Pipe("a", 9);   // late: dropped
  EXPECT_THAT(out_->ReadRecordsToList(),
              ElementsAre(R(At("a", 0, 10), 1, 0), R(At("a", 10, 20), 1, 14),
                          R(At("a", 0, 10), 2, 9), R(At("a", 10, 20), 2, 15)));
  EXPECT_EQ(driver_->dropped_records(), 1);
}

TEST_P(TimeWindowsTest, WindowStoreHoldsCountsAndTimestampsForTheRetention) {
  Start(CountTopology(kstreams::TimeWindows::OfSizeWithNoGrace(milliseconds(10))), 10);
  Pipe("a", 1);
  Pipe("a", 4);
  Pipe("b", 9);
  auto* timestamped = driver_->GetTimestampedWindowStore<std::string, int64_t>("counts");
  ASSERT_NE(timestamped, nullptr);
  EXPECT_EQ(timestamped->Fetch("a", 0), kstreams::ValueAndTimestamp<int64_t>::Make(2, 4));
  auto* plain = driver_->GetWindowStore<std::string, int64_t>("counts");
  ASSERT_NE(plain, nullptr);
  EXPECT_THAT(plain->All().ToVector(),
              ElementsAre(std::pair<W, int64_t>{At("a", 0, 10), 2},
                          std::pair<W, int64_t>{At("b", 0, 10), 1}));
  // Retention defaults to size + grace = 10: window 10 makes start 0 expire.
  Pipe("b", 12);
  EXPECT_EQ(plain->Fetch("a", 0), std::nullopt);
  EXPECT_THAT(plain->All().ToVector(), ElementsAre(std::pair<W, int64_t>{At("b", 10, 20), 1}));
  EXPECT_EQ((driver_->GetSessionStore<std::string, int64_t>("counts")), nullptr);
}

INSTANTIATE_TEST_SUITE_P(CacheOnAndOff, TimeWindowsTest,
                         ::testing::Values(Param{false, "Uncached"}, Param{true, "Cached"}),
                         [](const auto& info) { return info.param.name; });

// With commits only where an application makes them, the cache forwards one
// update per window: the latest, in the order windows were first updated.
TEST(TimeWindows, CacheForwardsTheLatestCountPerWindowAtCommit) {
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("input")
      .GroupByKey()
      .WindowedBy(kstreams::TimeWindows::OfSizeWithNoGrace(milliseconds(10)))
      .Count()
      .ToStream()
      .To("output");
  kstreams::TopologyTestDriver driver(builder.Build(), {{"application.id", "w"}}, 0);
  driver.SetCommitAfterEachRecord(false);
  auto in = driver.CreateInputTopic<std::string, std::string>("input");
  auto out = driver.CreateOutputTopic<W, int64_t>(
      "output", kstreams::serdes::TimeWindowed<std::string>(milliseconds(10)),
      kstreams::serdes::Int64());
  KSTREAMS_ASSERT_OK(in.PipeInput("a", "v", 1));
  KSTREAMS_ASSERT_OK(in.PipeInput("a", "v", 2));
  KSTREAMS_ASSERT_OK(in.PipeInput("b", "v", 3));
  KSTREAMS_ASSERT_OK(in.PipeInput("a", "v", 11));
  EXPECT_TRUE(out.IsEmpty());
  KSTREAMS_ASSERT_OK(driver.Commit());
  EXPECT_THAT(out.ReadRecordsToList(),
              ElementsAre(R(At("a", 0, 10), 2, 2), R(At("b", 0, 10), 1, 3),
                          R(At("a", 10, 20), 1, 11)));
}

TEST(TimeWindows, ReduceAndAggregateFoldValuesPerWindow) {
  kstreams::StreamsBuilder builder;
  auto grouped = builder.Stream<std::string, std::string>("input").GroupByKey();
  auto windows = kstreams::TimeWindows::OfSizeWithNoGrace(milliseconds(10));
  grouped.WindowedBy(windows)
      .Reduce([](const std::string& agg, std::string v) { return agg + "+" + v; })
      .ToStream()
      .To("reduced");
  grouped.WindowedBy(windows)
      .Aggregate([] { return std::string("<"); },
                 [](const std::string& key, std::string v, const std::string& agg) {
                   return agg + key + v;
                 })
      .ToStream()
      .To("aggregated");
  kstreams::TopologyTestDriver driver(builder.Build(), {{"application.id", "w"}}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("input");
  auto windowed = kstreams::serdes::TimeWindowed<std::string>(milliseconds(10));
  auto reduced =
      driver.CreateOutputTopic<W, std::string>("reduced", windowed, kstreams::serdes::String());
  auto aggregated =
      driver.CreateOutputTopic<W, std::string>("aggregated", windowed, kstreams::serdes::String());
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "x", 1));
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "y", 2));
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "z", 12));
  using S = kstreams::KeyValue<W, std::string>;
  EXPECT_THAT(reduced.ReadKeyValuesToList(),
              ElementsAre(S{At("k", 0, 10), "x"}, S{At("k", 0, 10), "x+y"},
                          S{At("k", 10, 20), "z"}));
  EXPECT_THAT(aggregated.ReadKeyValuesToList(),
              ElementsAre(S{At("k", 0, 10), "<kx"}, S{At("k", 0, 10), "<kxky"},
                          S{At("k", 10, 20), "<kz"}));
}

TEST(TimeWindows, UnlimitedWindowsStartOnAndNeverClose) {
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("input")
      .GroupByKey()
      .WindowedBy(kstreams::UnlimitedWindows::Of().StartOn(100))
      .Count()
      .ToStream()
      .To("output");
  kstreams::TopologyTestDriver driver(builder.Build(), {{"application.id", "w"}}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("input");
  auto out = driver.CreateOutputTopic<W, int64_t>(
      "output",
      kstreams::serdes::TimeWindowed<std::string>(
          milliseconds(std::numeric_limits<int64_t>::max())),
      kstreams::serdes::Int64());
  KSTREAMS_ASSERT_OK(in.PipeInput("a", "v", 50));  // before the start: in no window
  KSTREAMS_ASSERT_OK(in.PipeInput("a", "v", 1'000'000));
  KSTREAMS_ASSERT_OK(in.PipeInput("a", "v", 100));  // old, but the window never closes
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_THAT(out.ReadRecordsToList(),
              ElementsAre(R(At("a", 100, kMax), 1, 1'000'000),
                          R(At("a", 100, kMax), 2, 1'000'000)));
  EXPECT_EQ(driver.dropped_records(), 0);
}

TEST(TimeWindows, InMemoryStoresFromASupplierOrTheStoreType) {
  kstreams::StreamsBuilder builder;
  auto grouped = builder.Stream<std::string, std::string>("input").GroupByKey();
  auto windows = kstreams::TimeWindows::OfSizeWithNoGrace(milliseconds(10));
  grouped.WindowedBy(windows).Count(kstreams::Materialized<std::string, int64_t>::As(
      kstreams::Stores::InMemoryWindowStore("supplied", std::chrono::hours(1), milliseconds(10),
                                            false)));
  grouped.WindowedBy(windows).Count(kstreams::Materialized<std::string, int64_t>::As("typed")
                                        .WithStoreType(kstreams::StoreType::kInMemory));
  grouped.WindowedBy(kstreams::SessionWindows::OfInactivityGapWithNoGrace(milliseconds(10)))
      .Count(kstreams::Materialized<std::string, int64_t>::As("sessions")
                 .WithStoreType(kstreams::StoreType::kInMemory));
  kstreams::TopologyTestDriver driver(builder.Build(), {{"application.id", "w"}}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("input");
  KSTREAMS_ASSERT_OK(in.PipeInput("a", "v", 1));
  KSTREAMS_ASSERT_OK(in.PipeInput("a", "v", 2));
  for (const char* name : {"supplied", "typed"}) {
    auto* store = driver.GetTimestampedWindowStore<std::string, int64_t>(name);
    ASSERT_NE(store, nullptr) << name;
    EXPECT_FALSE(store->persistent()) << name;
    EXPECT_EQ(store->Fetch("a", 0), kstreams::ValueAndTimestamp<int64_t>::Make(2, 2)) << name;
  }
  auto* supplied = driver.GetTimestampedWindowStore<std::string, int64_t>("supplied");
  EXPECT_EQ(supplied->retention_period(), 3'600'000);
  auto* sessions = driver.GetSessionStore<std::string, int64_t>("sessions");
  ASSERT_NE(sessions, nullptr);
  EXPECT_FALSE(sessions->persistent());
  EXPECT_EQ(sessions->FetchSession("a", 1, 2), 2);
}

TEST(TimeWindows, RocksDBWindowStoreKeepsItsSegmentsAcrossADriverRestart) {
  auto topology = [] {
    kstreams::StreamsBuilder builder;
    builder.Stream<std::string, std::string>("input")
        .GroupByKey()
        .WindowedBy(kstreams::TimeWindows::OfSizeWithNoGrace(milliseconds(10)))
        .Count(kstreams::Materialized<std::string, int64_t>::As("counts").WithRetention(
            std::chrono::hours(1)))
        .ToStream()
        .To("output");
    return builder.Build();
  };
  std::string dir =
      (std::filesystem::temp_directory_path() / ("kstreams-window-restart-" +
                                                 std::to_string(::getpid())))
          .string();
  std::filesystem::remove_all(dir);
  const kstreams::StreamsConfig config{{"application.id", "restart"}, {"state.dir", dir}};
  {
    kstreams::TopologyTestDriver driver(topology(), config, 0);
    auto in = driver.CreateInputTopic<std::string, std::string>("input");
    KSTREAMS_ASSERT_OK(in.PipeInput("a", "v", 1));
    KSTREAMS_ASSERT_OK(in.PipeInput("a", "v", 2));
    KSTREAMS_ASSERT_OK(in.PipeInput("a", "v", 70'000));  // another segment (60 s each)
  }
  kstreams::TopologyTestDriver driver(topology(), config, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("input");
  auto out = driver.CreateOutputTopic<W, int64_t>(
      "output", kstreams::serdes::TimeWindowed<std::string>(milliseconds(10)),
      kstreams::serdes::Int64());
  KSTREAMS_ASSERT_OK(in.PipeInput("a", "v", 3));  // stream time starts over after a restart
  KSTREAMS_ASSERT_OK(in.PipeInput("a", "v", 70'001));
  EXPECT_THAT(out.ReadRecordsToList(),
              ElementsAre(R(At("a", 0, 10), 3, 3), R(At("a", 70'000, 70'010), 2, 70'001)));
  std::filesystem::remove_all(dir);
}

TEST(TimeWindows, DescribeMatchesJavasTopologyDescription) {
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("clicks")
      .GroupByKey()
      .WindowedBy(kstreams::TimeWindows::OfSizeWithNoGrace(std::chrono::minutes(1)))
      .Count()
      .ToStream()
      .To("counts");
  // Java 3.x prints exactly this for the same topology.
  EXPECT_EQ(builder.Build().Describe().ToString(),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: KSTREAM-SOURCE-0000000000 (topics: [clicks])\n"
            "      --> KSTREAM-AGGREGATE-0000000002\n"
            "    Processor: KSTREAM-AGGREGATE-0000000002 (stores: "
            "[KSTREAM-AGGREGATE-STATE-STORE-0000000001])\n"
            "      --> KTABLE-TOSTREAM-0000000003\n"
            "      <-- KSTREAM-SOURCE-0000000000\n"
            "    Processor: KTABLE-TOSTREAM-0000000003 (stores: [])\n"
            "      --> KSTREAM-SINK-0000000004\n"
            "      <-- KSTREAM-AGGREGATE-0000000002\n"
            "    Sink: KSTREAM-SINK-0000000004 (topic: counts)\n"
            "      <-- KTABLE-TOSTREAM-0000000003\n\n");
}

TEST(TimeWindows, CountWithAnUnnamedMaterializedDrawsAnIndexAsJavaDoes) {
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("clicks")
      .GroupByKey()
      .WindowedBy(kstreams::TimeWindows::OfSizeWithNoGrace(std::chrono::minutes(1)))
      .Count(kstreams::Materialized<std::string, int64_t>().WithCachingDisabled());
  std::string described = builder.Build().Describe().ToString();
  EXPECT_THAT(described, HasSubstr("Processor: KSTREAM-AGGREGATE-0000000003 (stores: "
                                   "[KSTREAM-AGGREGATE-STATE-STORE-0000000002])"));
}

TEST(TimeWindows, RetentionShorterThanSizePlusGraceIsATopologyError) {
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("input")
      .GroupByKey()
      .WindowedBy(kstreams::TimeWindows::OfSizeAndGrace(milliseconds(60), milliseconds(5)))
      .Count(kstreams::Materialized<std::string, int64_t>::As("short").WithRetention(
          milliseconds(64)));
  kstreams::Topology topology = builder.Build();
  EXPECT_EQ(std::string(topology.status().message()),
            "The retention period of the window store short must be no smaller than its window "
            "size plus the grace period. Got size=[60], grace=[5], retention=[64]");
}

TEST(TimeWindows, InvalidWindowsAreATopologyError) {
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("input")
      .GroupByKey()
      .WindowedBy(kstreams::TimeWindows::OfSizeWithNoGrace(milliseconds(10))
                      .AdvanceBy(milliseconds(11)))
      .Count();
  EXPECT_THAT(std::string(builder.Build().status().message()),
              HasSubstr("advancement interval should be more than zero and less than window "
                        "duration which is 10 ms, but given advancement interval is: 11 ms"));
}

}  // namespace time_windows_test
