// With the record cache on and commits only where an application would make
// them, table operators forward one update per key per commit: the latest
// value (Kafka Streams' caching semantics). Expected values worked out by hand.
#include <optional>
#include <string>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/kstreams.h"
#include "kstreams/testing/topology_test_driver.h"

namespace caching_test {

using kstreams::KeyValue;
using ::testing::ElementsAre;
using OptInt = std::optional<int64_t>;
using KV = KeyValue<std::string, OptInt>;

TEST(Caching, TableFilterAndMapValuesForwardLatestValuePerKeyAtCommit) {
  kstreams::StreamsBuilder builder;
  builder.Table<std::string, int64_t>("t")
      .Filter([](const std::string&, int64_t v) { return v >= 0; })
      .MapValues([](int64_t v) { return v * 10; })
      .ToStream()
      .To("out");
  kstreams::TopologyTestDriver driver(builder.Build(), {{"application.id", "cache"}}, 0);
  driver.SetCommitAfterEachRecord(false);
  auto in = driver.CreateInputTopic<std::string, int64_t>("t");
  auto out = driver.CreateOutputTopic<std::string, OptInt>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("a", 1, 1));
  KSTREAMS_ASSERT_OK(in.PipeInput("b", 2, 2));
  KSTREAMS_ASSERT_OK(in.PipeInput("a", 3, 3));
  KSTREAMS_ASSERT_OK(in.PipeInput("b", -1, 4));  // filtered out: a delete downstream
  EXPECT_TRUE(out.IsEmpty());
  KSTREAMS_ASSERT_OK(driver.Commit());
  // a first dirtied before b; each once, with its latest value.
  EXPECT_THAT(out.ReadKeyValuesToList(), ElementsAre(KV{"a", 30}, KV{"b", std::nullopt}));
  KSTREAMS_ASSERT_OK(driver.Commit());
  EXPECT_TRUE(out.IsEmpty());  // nothing new since the last commit
}

TEST(Caching, SameTopologyWithoutCacheForwardsEveryUpdate) {
  kstreams::StreamsBuilder builder;
  builder.Table<std::string, int64_t>("t")
      .Filter([](const std::string&, int64_t v) { return v >= 0; })
      .MapValues([](int64_t v) { return v * 10; })
      .ToStream()
      .To("out");
  kstreams::TopologyTestDriver driver(
      builder.Build(), {{"application.id", "cache"}, {"statestore.cache.max.bytes", "0"}}, 0);
  driver.SetCommitAfterEachRecord(false);
  auto in = driver.CreateInputTopic<std::string, int64_t>("t");
  auto out = driver.CreateOutputTopic<std::string, OptInt>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("a", 1, 1));
  KSTREAMS_ASSERT_OK(in.PipeInput("b", 2, 2));
  KSTREAMS_ASSERT_OK(in.PipeInput("a", 3, 3));
  KSTREAMS_ASSERT_OK(in.PipeInput("b", -1, 4));
  EXPECT_THAT(out.ReadKeyValuesToList(),
              ElementsAre(KV{"a", 10}, KV{"b", 20}, KV{"a", 30}, KV{"b", std::nullopt}));
}

TEST(Caching, GroupedTableAggregateForwardsOnePerGroupAtCommit) {
  kstreams::StreamsBuilder builder;
  builder.Table<std::string, int64_t>("scores")
      .GroupBy([](const std::string& player, int64_t score) {
        return KeyValue<std::string, int64_t>{player.substr(0, 1), score};
      })
      .Aggregate([] { return int64_t{0}; },
                 [](const std::string&, int64_t v, int64_t agg) { return agg + v; },
                 [](const std::string&, int64_t v, int64_t agg) { return agg - v; })
      .ToStream()
      .To("out");
  kstreams::TopologyTestDriver driver(builder.Build(), {{"application.id", "cache"}}, 0);
  driver.SetCommitAfterEachRecord(false);
  auto in = driver.CreateInputTopic<std::string, int64_t>("scores");
  auto out = driver.CreateOutputTopic<std::string, OptInt>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("a1", 10, 1));
  KSTREAMS_ASSERT_OK(in.PipeInput("b1", 4, 2));
  KSTREAMS_ASSERT_OK(in.PipeInput("a1", 7, 3));  // source cache keeps a1=7 only
  KSTREAMS_ASSERT_OK(in.PipeInput("a2", 5, 4));
  EXPECT_TRUE(out.IsEmpty());
  KSTREAMS_ASSERT_OK(driver.Commit());
  // The source table flushes in last-update order (Java's NamedCache): b1=4,
  // a1=7 (never stored 10, so nothing to subtract), a2=5; the aggregate's
  // cache then holds b=4 (updated first) and a=12 (updated last).
  EXPECT_THAT(out.ReadKeyValuesToList(), ElementsAre(KV{"b", 4}, KV{"a", 12}));
}

TEST(Caching, CogroupForwardsLatestAggregatePerKeyAtCommit) {
  kstreams::StreamsBuilder builder;
  auto clicks = builder.Stream<std::string, int64_t>("clicks").GroupByKey();
  auto views = builder.Stream<std::string, int64_t>("views").GroupByKey();
  clicks.Cogroup<int64_t>([](const std::string&, int64_t v, int64_t agg) { return agg + v; })
      .Cogroup(views, [](const std::string&, int64_t v, int64_t agg) { return agg + 100 * v; })
      .Aggregate([] { return int64_t{0}; })
      .ToStream()
      .To("out");
  kstreams::TopologyTestDriver driver(builder.Build(), {{"application.id", "cache"}}, 0);
  driver.SetCommitAfterEachRecord(false);
  auto click_in = driver.CreateInputTopic<std::string, int64_t>("clicks");
  auto view_in = driver.CreateInputTopic<std::string, int64_t>("views");
  auto out = driver.CreateOutputTopic<std::string, OptInt>("out");
  KSTREAMS_ASSERT_OK(click_in.PipeInput("u", 1, 1));
  KSTREAMS_ASSERT_OK(view_in.PipeInput("u", 2, 2));
  KSTREAMS_ASSERT_OK(click_in.PipeInput("v", 3, 3));
  KSTREAMS_ASSERT_OK(click_in.PipeInput("u", 4, 4));
  KSTREAMS_ASSERT_OK(driver.Commit());
  // In last-update order: v (3), then u (updated again at 4).
  EXPECT_THAT(out.ReadKeyValuesToList(), ElementsAre(KV{"v", 3}, KV{"u", 205}));
}

// statestore.cache.max.bytes = 0 builds the stores without their caching
// layer (Java's InternalTopologyBuilder), so a materialized table forwards a
// tombstone for a key it never held, as Java's uncached KTableSource does
// (the caching layer, like Java's, drops a delete of an unknown key).
TEST(Caching, ZeroByteCacheRemovesTheCacheSoTombstonesOfUnknownKeysAreForwarded) {
  kstreams::StreamsBuilder builder;
  builder.Table<std::string, int64_t>("t", kstreams::Materialized<std::string, int64_t>::As("s"))
      .ToStream()
      .To("out");
  kstreams::TopologyTestDriver driver(
      builder.Build(), {{"application.id", "cache"}, {"statestore.cache.max.bytes", "0"}}, 0);
  auto in = driver.CreateInputTopic<std::string, std::optional<int64_t>>("t");
  auto out = driver.CreateOutputTopic<std::string, OptInt>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("a", 1, 1));
  KSTREAMS_ASSERT_OK(in.PipeInput("x", std::nullopt, 2));  // never held
  KSTREAMS_ASSERT_OK(in.PipeInput("a", std::nullopt, 3));
  KSTREAMS_ASSERT_OK(in.PipeInput("a", std::nullopt, 4));  // already deleted
  EXPECT_THAT(out.ReadKeyValuesToList(),
              ElementsAre(KV{"a", 1}, KV{"x", std::nullopt}, KV{"a", std::nullopt},
                          KV{"a", std::nullopt}));
}

}  // namespace caching_test
