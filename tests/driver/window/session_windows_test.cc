// Session-windowed aggregations through the test driver, with and without
// the record cache. Expected outputs worked out by hand from Kafka Streams'
// KStreamSessionWindowAggregate: a record at t merges every session of its
// key that ends at or after t - gap and starts at or before t + gap; each
// merged session is removed and forwarded as a delete (timestamped with its
// end) before the merged session; results are timestamped with the session
// end; a record is dropped when its merged session ends before stream time
// - grace - gap.
#include <chrono>
#include <optional>
#include <string>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/kstreams.h"
#include "kstreams/testing/topology_test_driver.h"

namespace session_windows_test {

using kstreams::Window;
using kstreams::Windowed;
using std::chrono::milliseconds;
using ::testing::ElementsAre;
using W = Windowed<std::string>;
using OptCount = std::optional<int64_t>;
using Out = kstreams::TestRecord<W, OptCount>;

W S(std::string key, int64_t start, int64_t end) { return W{std::move(key), Window(start, end)}; }
Out R(W key, OptCount count, int64_t ts) { return Out{std::move(key), count, ts, {}}; }

class SessionWindowsTest : public ::testing::TestWithParam<bool> {
 protected:
  void Start(const kstreams::SessionWindows& windows, bool commit_each_record = true) {
    kstreams::StreamsBuilder builder;
    auto m = kstreams::Materialized<std::string, int64_t>::As("sessions");
    if (!GetParam()) m = std::move(m).WithCachingDisabled();
    builder.Stream<std::string, std::string>("input")
        .GroupByKey()
        .WindowedBy(windows)
        .Count(m)
        .ToStream()
        .To("output");
    driver_ = std::make_unique<kstreams::TopologyTestDriver>(
        builder.Build(), kstreams::StreamsConfig{{"application.id", "sessions"}}, 0);
    driver_->SetCommitAfterEachRecord(commit_each_record);
    in_.emplace(driver_->CreateInputTopic<std::string, std::string>("input"));
    out_.emplace(driver_->CreateOutputTopic<W, OptCount>(
        "output", kstreams::serdes::SessionWindowed<std::string>(),
        kstreams::serdes::Optional(kstreams::serdes::Int64())));
  }
  void Pipe(const std::string& key, int64_t ts) {
    KSTREAMS_ASSERT_OK(in_->PipeInput(key, "v", ts));
  }

  std::unique_ptr<kstreams::TopologyTestDriver> driver_;
  std::optional<kstreams::TestInputTopic<std::string, std::string>> in_;
  std::optional<kstreams::TestOutputTopic<W, OptCount>> out_;
};

// The store keeps sessions gap + grace after the newest session end, so a
// session that has closed (end < stream time - grace - gap) is no longer
// found, and a record near it starts a session of its own (as in Java).
TEST_P(SessionWindowsTest, SessionsGrowOnBothSidesMergeWhenBridgedAndDropLateRecords) {
  Start(kstreams::SessionWindows::OfInactivityGapAndGrace(milliseconds(10), milliseconds(10)));
  Pipe("a", 0);
  Pipe("a", 5);    // extends [0,0] on its right
  Pipe("a", 30);   // 30 - gap > 5: a new session
  Pipe("a", 22);   // extends [30,30] on its left
  Pipe("a", 15);   // reaches [22,30]; [0,5] has closed (5 < 30 - 10 - 10)
  Pipe("b", 50);
  Pipe("b", 61);   // 61 - gap > 50: a new session
  Pipe("b", 55);   // bridges [50,50] and [61,61]
  Pipe("a", 39);   // stream time 61: close time 41; [39,39] ends before it: dropped
  Pipe("a", 40);   // dropped too
  Pipe("a", 41);   // ends at the close time: kept
  EXPECT_THAT(out_->ReadRecordsToList(),
              ElementsAre(R(S("a", 0, 0), 1, 0),
                          R(S("a", 0, 0), std::nullopt, 0), R(S("a", 0, 5), 2, 5),
                          R(S("a", 30, 30), 1, 30),
                          R(S("a", 30, 30), std::nullopt, 30), R(S("a", 22, 30), 2, 30),
                          R(S("a", 22, 30), std::nullopt, 30), R(S("a", 15, 30), 3, 30),
                          R(S("b", 50, 50), 1, 50), R(S("b", 61, 61), 1, 61),
                          R(S("b", 50, 50), std::nullopt, 50),
                          R(S("b", 61, 61), std::nullopt, 61), R(S("b", 50, 61), 3, 61),
                          R(S("a", 41, 41), 1, 41)));
  EXPECT_EQ(driver_->dropped_records(), 2);
  auto* store = driver_->GetSessionStore<std::string, int64_t>("sessions");
  ASSERT_NE(store, nullptr);
  EXPECT_THAT(store->Fetch("b").ToVector(), ElementsAre(std::pair<W, int64_t>{S("b", 50, 61), 3}));
  EXPECT_EQ(store->FetchSession("b", 50, 61), 3);
}

TEST_P(SessionWindowsTest, EmitOnWindowCloseForwardsEachSessionOnceAfterGapAndGrace) {
  kstreams::StreamsBuilder builder;
  auto m = kstreams::Materialized<std::string, int64_t>::As("sessions");
  if (!GetParam()) m = std::move(m).WithCachingDisabled();
  builder.Stream<std::string, std::string>("input")
      .GroupByKey()
      .WindowedBy(kstreams::SessionWindows::OfInactivityGapWithNoGrace(milliseconds(10)))
      .EmitStrategy(kstreams::EmitStrategy::OnWindowClose())
      .Count(m)
      .ToStream()
      .To("output");
  kstreams::TopologyTestDriver driver(builder.Build(), {{"application.id", "final"}}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("input");
  auto out = driver.CreateOutputTopic<W, OptCount>(
      "output", kstreams::serdes::SessionWindowed<std::string>(),
      kstreams::serdes::Optional(kstreams::serdes::Int64()));
  KSTREAMS_ASSERT_OK(in.PipeInput("a", "v", 0));
  KSTREAMS_ASSERT_OK(in.PipeInput("a", "v", 5));
  KSTREAMS_ASSERT_OK(in.PipeInput("b", "v", 15));  // close time 5: [0,5] ends at it, still open
  EXPECT_TRUE(out.IsEmpty());
  KSTREAMS_ASSERT_OK(in.PipeInput("b", "v", 16));  // close time 6: [0,5] is final
  EXPECT_THAT(out.ReadRecordsToList(), ElementsAre(R(S("a", 0, 5), 2, 5)));
  KSTREAMS_ASSERT_OK(in.PipeInput("c", "v", 40));  // close time 30: b's session is final
  KSTREAMS_ASSERT_OK(in.PipeInput("c", "v", 41));  // nothing new closes
  EXPECT_THAT(out.ReadRecordsToList(), ElementsAre(R(S("b", 15, 16), 2, 16)));
}

INSTANTIATE_TEST_SUITE_P(CacheOnAndOff, SessionWindowsTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Cached" : "Uncached"; });

TEST(SessionWindows, CacheAbsorbsASessionMergedBeforeItReachedTheStore) {
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("input")
      .GroupByKey()
      .WindowedBy(kstreams::SessionWindows::OfInactivityGapWithNoGrace(milliseconds(10)))
      .Count()
      .ToStream()
      .To("output");
  kstreams::TopologyTestDriver driver(builder.Build(), {{"application.id", "s"}}, 0);
  driver.SetCommitAfterEachRecord(false);
  auto in = driver.CreateInputTopic<std::string, std::string>("input");
  auto out = driver.CreateOutputTopic<W, OptCount>(
      "output", kstreams::serdes::SessionWindowed<std::string>(),
      kstreams::serdes::Optional(kstreams::serdes::Int64()));
  KSTREAMS_ASSERT_OK(in.PipeInput("a", "v", 0));
  KSTREAMS_ASSERT_OK(in.PipeInput("a", "v", 5));
  KSTREAMS_ASSERT_OK(driver.Commit());
  // [0,0] never reached the store: its delete is not forwarded.
  EXPECT_THAT(out.ReadRecordsToList(), ElementsAre(R(S("a", 0, 5), 2, 5)));
}

TEST(SessionWindows, ReduceAndAggregateMergeTheSessionsARecordBridges) {
  kstreams::StreamsBuilder builder;
  // Grace keeps the older session in the store (retention gap + grace) until
  // a record can bridge it with a session more than a gap later.
  auto sessions = builder.Stream<std::string, std::string>("input")
                      .GroupByKey()
                      .WindowedBy(kstreams::SessionWindows::OfInactivityGapAndGrace(
                          milliseconds(10), milliseconds(10)));
  sessions.Reduce([](const std::string& agg, std::string v) { return agg + v; })
      .ToStream()
      .To("reduced");
  sessions
      .Aggregate([] { return std::string("<"); },
                 [](const std::string&, std::string v, const std::string& agg) { return agg + v; },
                 [](const std::string&, const std::string& a, const std::string& b) {
                   return a + "|" + b;
                 })
      .ToStream()
      .To("aggregated");
  kstreams::TopologyTestDriver driver(builder.Build(), {{"application.id", "s"}}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("input");
  using OptS = std::optional<std::string>;
  auto reduced = driver.CreateOutputTopic<W, OptS>(
      "reduced", kstreams::serdes::SessionWindowed<std::string>(),
      kstreams::serdes::Optional(kstreams::serdes::String()));
  auto aggregated = driver.CreateOutputTopic<W, OptS>(
      "aggregated", kstreams::serdes::SessionWindowed<std::string>(),
      kstreams::serdes::Optional(kstreams::serdes::String()));
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "p", 11));
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "q", 22));  // 22 - gap > 11: its own session
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "r", 16));  // bridges [11,11] and [22,22]
  using KV = kstreams::KeyValue<W, OptS>;
  EXPECT_THAT(reduced.ReadKeyValuesToList(),
              ElementsAre(KV{S("k", 11, 11), "p"}, KV{S("k", 22, 22), "q"},
                          KV{S("k", 11, 11), std::nullopt}, KV{S("k", 22, 22), std::nullopt},
                          KV{S("k", 11, 22), "pqr"}));
  // The initializer's "<", merged with "<p" then "<q", then "r" added.
  EXPECT_THAT(aggregated.ReadKeyValuesToList(),
              ElementsAre(KV{S("k", 11, 11), "<p"}, KV{S("k", 22, 22), "<q"},
                          KV{S("k", 11, 11), std::nullopt}, KV{S("k", 22, 22), std::nullopt},
                          KV{S("k", 11, 22), "<|<p|<qr"}));
}

TEST(SessionWindows, RetentionShorterThanGapPlusGraceIsATopologyError) {
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("input")
      .GroupByKey()
      .WindowedBy(
          kstreams::SessionWindows::OfInactivityGapAndGrace(milliseconds(30), milliseconds(5)))
      .Count(kstreams::Materialized<std::string, int64_t>::As("s").WithRetention(
          milliseconds(34)));
  EXPECT_EQ(std::string(builder.Build().status().message()),
            "The retention period of the session store s must be no smaller than the session "
            "inactivity gap plus the grace period. Got gap=[30], grace=[5], retention=[34]");
}

}  // namespace session_windows_test
