// Final results: EmitStrategy::OnWindowClose on time windows, and
// KTable::Suppress (UntilWindowCloses, UntilTimeLimit with bounded buffers).
// Expected outputs worked out by hand from Kafka Streams' semantics: a time
// window is final once stream time reaches end + grace; suppress emits an
// entry once its buffer time (window end, or first update time) <= stream
// time - wait, in buffer-time then key order, and a full buffer emits its
// oldest entry (EmitEarlyWhenFull) or fails (ShutDownWhenFull).
#include <chrono>
#include <optional>
#include <string>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/kstreams.h"
#include "kstreams/testing/topology_test_driver.h"

// Named, not anonymous: tests compile in batches (tests/CMakeLists.txt).
namespace final_results_test {

using kstreams::Window;
using kstreams::Windowed;
using std::chrono::milliseconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using W = Windowed<std::string>;
using OptCount = std::optional<int64_t>;
using Out = kstreams::TestRecord<W, OptCount>;

W At(std::string key, int64_t start, int64_t end) { return W{std::move(key), Window(start, end)}; }
Out R(W key, OptCount count, int64_t ts) { return Out{std::move(key), count, ts, {}}; }

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

// A driver over `topology` reading "output" as windowed (size 10) counts.
struct Fixture {
  explicit Fixture(const kstreams::Topology& topology, int64_t window_size = 10)
      : driver(topology, {{"application.id", "final"}}, 0),
        in(driver.CreateInputTopic<std::string, std::string>("input")),
        out(driver.CreateOutputTopic<W, OptCount>(
            "output", kstreams::serdes::TimeWindowed<std::string>(milliseconds(window_size)),
            kstreams::serdes::Optional(kstreams::serdes::Int64()))) {}
  void Pipe(const std::string& key, int64_t ts) { ASSERT_TRUE(in.PipeInput(key, "v", ts).ok()); }
  kstreams::TopologyTestDriver driver;
  kstreams::TestInputTopic<std::string, std::string> in;
  kstreams::TestOutputTopic<W, OptCount> out;
};

class EmitOnWindowCloseTest : public ::testing::TestWithParam<bool> {
 protected:
  kstreams::Topology Topology(const kstreams::TimeWindows& windows) {
    kstreams::StreamsBuilder builder;
    auto m = kstreams::Materialized<std::string, int64_t>::As("counts");
    if (!GetParam()) m = std::move(m).WithCachingDisabled();
    builder.Stream<std::string, std::string>("input")
        .GroupByKey()
        .WindowedBy(windows)
        .EmitStrategy(kstreams::EmitStrategy::OnWindowClose())
        .Count(m)
        .ToStream()
        .To("output");
    return builder.Build();
  }
};

TEST_P(EmitOnWindowCloseTest, TumblingWindowsForwardOneFinalCountEach) {
  Fixture f(Topology(kstreams::TimeWindows::OfSizeWithNoGrace(milliseconds(10))));
  f.Pipe("b", 5);
  f.Pipe("a", 1);
  f.Pipe("a", 9);
  EXPECT_TRUE(f.out.IsEmpty());
  f.Pipe("c", 10);  // closes [0,10): its windows in key order, stamped with their last record
  EXPECT_THAT(f.out.ReadRecordsToList(),
              ElementsAre(R(At("a", 0, 10), 2, 9), R(At("b", 0, 10), 1, 5)));
  f.Pipe("a", 3);  // late: dropped, never re-emitted
  f.Pipe("c", 25);
  EXPECT_THAT(f.out.ReadRecordsToList(), ElementsAre(R(At("c", 10, 20), 1, 10)));
  EXPECT_EQ(f.driver.dropped_records(), 1);
}

TEST_P(EmitOnWindowCloseTest, HoppingWindowsCloseOneAdvanceApart) {
  Fixture f(Topology(kstreams::TimeWindows::OfSizeWithNoGrace(milliseconds(10))
                         .AdvanceBy(milliseconds(5))));
  f.Pipe("x", 3);
  f.Pipe("x", 7);
  f.Pipe("x", 12);  // closes [0,10)
  EXPECT_THAT(f.out.ReadRecordsToList(), ElementsAre(R(At("x", 0, 10), 2, 7)));
  f.Pipe("x", 14);  // nothing new closes
  EXPECT_TRUE(f.out.IsEmpty());
  f.Pipe("x", 17);  // closes [5,15): 7, 12 and 14
  EXPECT_THAT(f.out.ReadRecordsToList(), ElementsAre(R(At("x", 5, 15), 3, 14)));
}

INSTANTIATE_TEST_SUITE_P(CacheOnAndOff, EmitOnWindowCloseTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Cached" : "Uncached"; });

kstreams::Topology SuppressedCounts(std::chrono::milliseconds grace, bool cached = true) {
  kstreams::StreamsBuilder builder;
  auto m = kstreams::Materialized<std::string, int64_t>();
  if (!cached) m = std::move(m).WithCachingDisabled();
  builder.Stream<std::string, std::string>("input")
      .GroupByKey()
      .WindowedBy(kstreams::TimeWindows::OfSizeAndGrace(milliseconds(10), grace))
      .Count(m)
      .Suppress(kstreams::Suppressed::UntilWindowCloses(kstreams::BufferConfig::Unbounded()))
      .ToStream()
      .To("output");
  return builder.Build();
}

TEST(Suppress, UntilWindowClosesEmitsExactlyOneFinalResultPerWindow) {
  Fixture f(SuppressedCounts(milliseconds(2)));
  f.Pipe("a", 1);
  f.Pipe("a", 3);
  f.Pipe("b", 11);  // stream time 11 - grace 2 = 9 < end 10: [0,10) still open
  EXPECT_TRUE(f.out.IsEmpty());
  f.Pipe("a", 12);  // 12 - 2 = 10: [0,10) final
  EXPECT_THAT(f.out.ReadRecordsToList(), ElementsAre(R(At("a", 0, 10), 2, 3)));
  f.Pipe("a", 5);   // late for [0,10): dropped upstream, nothing re-emitted
  f.Pipe("z", 25);  // [10,20) final for both keys, in key order
  EXPECT_THAT(f.out.ReadRecordsToList(),
              ElementsAre(R(At("a", 10, 20), 1, 12), R(At("b", 10, 20), 1, 11)));
  f.Pipe("z", 26);
  EXPECT_TRUE(f.out.IsEmpty());
}

// Issue 16: with the default cache and several updates between commits, the
// cache flushes windows in the order of their LAST update (Java's
// NamedCache.put moves a re-dirtied key to the end of the dirty list). So
// a@0's second count (ts 9000) reaches Suppress before a@10000's update at
// 16000 moves stream time past a@0's close (10000 + 5000): one final result.
// In first-dirtied order a@10000 (first dirtied by 12000) went first and a
// stale a@0 = 1 was emitted before a@0 = 2.
TEST(Suppress, CachedWindowsFlushInLastUpdateOrderSoEachFinalResultComesOnce) {
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("input")
      .GroupByKey()
      .WindowedBy(kstreams::TimeWindows::OfSizeAndGrace(std::chrono::seconds(10),
                                                        std::chrono::seconds(5)))
      .Count()
      .Suppress(kstreams::Suppressed::UntilWindowCloses(kstreams::BufferConfig::Unbounded()))
      .ToStream()
      .To("output");
  Fixture f(builder.Build(), 10'000);
  f.driver.SetCommitAfterEachRecord(false);
  f.Pipe("a", 1000);
  KSTREAMS_ASSERT_OK(f.driver.Commit());
  EXPECT_TRUE(f.out.IsEmpty());
  f.Pipe("a", 12000);
  f.Pipe("a", 9000);
  f.Pipe("a", 16000);
  KSTREAMS_ASSERT_OK(f.driver.Commit());
  EXPECT_THAT(f.out.ReadRecordsToList(), ElementsAre(R(At("a", 0, 10'000), 2, 9000)));
}

TEST(Suppress, DescribeNamesTheNodeAndBufferStoreAsJava) {
  std::string described = SuppressedCounts(milliseconds(0)).Describe().ToString();
  EXPECT_THAT(described, HasSubstr("    Processor: KTABLE-SUPPRESS-0000000003 (stores: "
                                   "[KTABLE-SUPPRESS-STATE-STORE-0000000004])\n"
                                   "      --> KTABLE-TOSTREAM-0000000005\n"
                                   "      <-- KSTREAM-AGGREGATE-0000000002\n"));
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("input")
      .GroupByKey()
      .WindowedBy(kstreams::TimeWindows::OfSizeWithNoGrace(milliseconds(10)))
      .Count()
      .Suppress(kstreams::Suppressed::UntilWindowCloses(kstreams::BufferConfig::Unbounded())
                    .WithName("final"));
  EXPECT_THAT(builder.Build().Describe().ToString(),
              HasSubstr("Processor: final (stores: [final-store])"));
}

TEST(Suppress, BufferIsLoggedInJavasV3LayoutAndTombstonedWhenEmitted) {
  Fixture f(SuppressedCounts(milliseconds(0), /*cached=*/false));
  // Count(Materialized without a name) draws an extra index first (as Java).
  auto log = f.driver.CreateOutputTopic<std::string, std::optional<std::string>>(
      "final-KTABLE-SUPPRESS-STATE-STORE-0000000005-changelog", kstreams::serdes::String(),
      kstreams::serdes::Optional(kstreams::serdes::String()));
  f.Pipe("a", 1);
  auto put = log.ReadRecord();
  ASSERT_TRUE(put.has_value());
  // Key: the windowed key ("a", start 0). Value: record context (timestamp 1,
  // offset 0, topic "input", partition 0, no headers), prior = old = 0 (the
  // count's initial value, sent as old value), new = 1, buffer time = end 10.
  EXPECT_EQ(put->key, Bytes({'a', 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(put->value,
            Bytes({0, 0, 0, 0, 0, 0, 0, 1,                                  // timestamp
                   0, 0, 0, 0, 0, 0, 0, 0,                                  // offset
                   0, 0, 0, 5, 'i', 'n', 'p', 'u', 't',                     // topic
                   0, 0, 0, 0,                                              // partition
                   0, 0, 0, 0,                                              // headers
                   0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0,                      // prior: 0
                   0xff, 0xff, 0xff, 0xfe,                                  // old = prior
                   0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1,                      // new: 1
                   0, 0, 0, 0, 0, 0, 0, 10}));                              // buffer time
  EXPECT_EQ(put->timestamp, 1);
  ASSERT_NE(put->headers.LastHeader("v"), nullptr);
  EXPECT_EQ(put->headers.LastHeader("v")->value, std::string(1, '\x03'));
  f.Pipe("b", 10);  // emits ("a", [0,10)); its buffer entry goes
  std::vector<kstreams::TestRecord<std::string, std::optional<std::string>>> records =
      log.ReadRecordsToList();
  ASSERT_EQ(records.size(), 2u);  // b's entry, then a's tombstone (first changed first)
  EXPECT_EQ(records[0].key, Bytes({'b', 0, 0, 0, 0, 0, 0, 0, 10}));
  EXPECT_EQ(records[1].key, Bytes({'a', 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(records[1].value, std::nullopt);
}

// Stream -> Count -> Suppress(UntilTimeLimit(10 ms, buffer)) -> output.
kstreams::Topology TimeLimited(const kstreams::BufferConfig& buffer) {
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("input")
      .GroupByKey()
      .Count()
      .Suppress(kstreams::Suppressed::UntilTimeLimit(milliseconds(10), buffer))
      .ToStream()
      .To("output");
  return builder.Build();
}

TEST(Suppress, UntilTimeLimitWaitsFromTheFirstUpdateAndEmitsEarlyWhenFull) {
  kstreams::TopologyTestDriver driver(TimeLimited(kstreams::BufferConfig::MaxRecords(2)),
                                      {{"application.id", "limit"}}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("input");
  auto out = driver.CreateOutputTopic<std::string, OptCount>(
      "output", kstreams::serdes::String(),
      kstreams::serdes::Optional(kstreams::serdes::Int64()));
  using T = kstreams::TestRecord<std::string, OptCount>;
  auto pipe = [&](const std::string& key, int64_t ts) {
    ASSERT_TRUE(in.PipeInput(key, "v", ts).ok());
  };
  pipe("a", 0);
  pipe("a", 5);   // a keeps buffer time 0
  pipe("b", 6);
  EXPECT_TRUE(out.IsEmpty());
  pipe("c", 7);   // 3 > 2 records: the oldest (a) goes early
  pipe("a", 11);  // a again (time 11); full again: b goes
  pipe("b", 16);  // b again (time 16); 16 - 10 = 6 < c's 7, but full: c goes
  pipe("z", 30);  // 30 - 10 = 20: a (11) and b (16) have waited long enough
  EXPECT_THAT(out.ReadRecordsToList(),
              ElementsAre(T{"a", 2, 5, {}}, T{"b", 1, 6, {}}, T{"c", 1, 7, {}},
                          T{"a", 3, 11, {}}, T{"b", 2, 16, {}}));
}

TEST(Suppress, ShutDownWhenFullFailsTheTaskNamingTheNode) {
  kstreams::TopologyTestDriver driver(
      TimeLimited(kstreams::BufferConfig::MaxRecords(1).ShutDownWhenFull()),
      {{"application.id", "limit"}}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("input");
  KSTREAMS_ASSERT_OK(in.PipeInput("a", "v", 0));
  absl::Status full = in.PipeInput("b", "v", 1);
  EXPECT_EQ(full.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(full.message()),
              HasSubstr("KTABLE-SUPPRESS-0000000003 buffer exceeded its max capacity. "
                        "Currently [2/1] records"));
}

TEST(Suppress, UntilWindowClosesNeedsAWindowedTableAndAStrictBuffer) {
  {
    kstreams::StreamsBuilder builder;
    builder.Stream<std::string, std::string>("input").GroupByKey().Count().Suppress(
        kstreams::Suppressed::UntilWindowCloses(kstreams::BufferConfig::Unbounded()));
    EXPECT_THAT(std::string(builder.Build().status().message()),
                HasSubstr("UntilWindowCloses needs the table of a windowed aggregation"));
  }
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("input")
      .GroupByKey()
      .WindowedBy(kstreams::TimeWindows::OfSizeWithNoGrace(milliseconds(10)))
      .Count()
      .Suppress(kstreams::Suppressed::UntilWindowCloses(kstreams::BufferConfig::MaxRecords(5)));
  EXPECT_THAT(std::string(builder.Build().status().message()),
              HasSubstr("needs a buffer that never emits early"));
}

}  // namespace final_results_test
