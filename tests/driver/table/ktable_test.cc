// KTable and aggregation semantics through the test driver. Expected outputs
// are worked out by hand from Kafka Streams' documented behaviour.
#include <optional>
#include <string>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/kstreams.h"
#include "kstreams/testing/topology_test_driver.h"

namespace ktable_test {

using kstreams::KeyValue;
using kstreams::Materialized;
using ::testing::ElementsAre;
using OptStr = std::optional<std::string>;
using OptInt = std::optional<int64_t>;

kstreams::StreamsConfig Config() { return {{"application.id", "tables"}}; }

TEST(KTable, SourceKeepsLatestValueAndTombstoneDeletes) {
  kstreams::StreamsBuilder builder;
  builder.Table<std::string, std::string>("t", Materialized<std::string, std::string>::As("t-store"))
      .ToStream()
      .To("out");
  kstreams::TopologyTestDriver driver(builder.Build(), Config(), 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("t");
  auto out = driver.CreateOutputTopic<std::string, OptStr>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("k1", "a", 1));
  KSTREAMS_ASSERT_OK(in.PipeInput("k2", "b", 2));
  KSTREAMS_ASSERT_OK(in.PipeInput("k1", "c", 3));
  KSTREAMS_ASSERT_OK(in.PipeTombstone("k2", 4));
  auto records = out.ReadRecordsToList();
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].key, "k1");
  EXPECT_EQ(records[0].value, OptStr("a"));
  EXPECT_EQ(records[2].value, OptStr("c"));
  EXPECT_EQ(records[2].timestamp, 3);
  EXPECT_EQ(records[3].key, "k2");
  EXPECT_EQ(records[3].value, std::nullopt);  // written as a Kafka tombstone
  auto* store = driver.GetStateStore<kstreams::TimestampedKeyValueStore<std::string, std::string>>(
      "t-store");
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Get("k1")->value(), "c");
  EXPECT_EQ(store->Get("k1")->timestamp(), 3);
  EXPECT_FALSE(store->Get("k2").has_value());
}

TEST(KTable, SourceStoreNameIsGeneratedFromTopicAsJava) {
  kstreams::StreamsBuilder builder;
  builder.Table<std::string, std::string>("t");
  EXPECT_EQ(builder.Build().Describe().ToString(),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: KSTREAM-SOURCE-0000000001 (topics: [t])\n"
            "      --> KTABLE-SOURCE-0000000002\n"
            "    Processor: KTABLE-SOURCE-0000000002 (stores: [t-STATE-STORE-0000000000])\n"
            "      --> none\n"
            "      <-- KSTREAM-SOURCE-0000000001\n"
            "\n");
}

TEST(KTable, FilterTurnsValuesThatStopPassingIntoDeletes) {
  kstreams::StreamsBuilder builder;
  builder.Table<std::string, int64_t>("t")
      .Filter([](const std::string&, int64_t v) { return v > 1; })
      .ToStream()
      .To("out");
  kstreams::TopologyTestDriver driver(builder.Build(), Config(), 0);
  auto in = driver.CreateInputTopic<std::string, int64_t>("t");
  auto out = driver.CreateOutputTopic<std::string, OptInt>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("a", 1, 1));
  KSTREAMS_ASSERT_OK(in.PipeInput("a", 5, 2));
  KSTREAMS_ASSERT_OK(in.PipeInput("a", 0, 3));
  // As Kafka Streams (without old values requested downstream): a filtered
  // out value is forwarded as a delete.
  EXPECT_THAT(out.ReadKeyValuesToList(),
              ElementsAre(KeyValue<std::string, OptInt>{"a", std::nullopt},
                          KeyValue<std::string, OptInt>{"a", 5},
                          KeyValue<std::string, OptInt>{"a", std::nullopt}));
}

TEST(KTable, FilterNotAndMaterializedFilterIsQueryable) {
  kstreams::StreamsBuilder builder;
  builder.Table<std::string, int64_t>("t")
      .FilterNot([](const std::string&, int64_t v) { return v % 2 == 0; },
                 Materialized<std::string, int64_t>::As("odd"))
      .ToStream()
      .To("out");
  kstreams::TopologyTestDriver driver(builder.Build(), Config(), 0);
  auto in = driver.CreateInputTopic<std::string, int64_t>("t");
  KSTREAMS_ASSERT_OK(in.PipeInput("a", 3, 1));
  KSTREAMS_ASSERT_OK(in.PipeInput("b", 4, 2));
  auto* odd = driver.GetStateStore<kstreams::TimestampedKeyValueStore<std::string, int64_t>>("odd");
  ASSERT_NE(odd, nullptr);
  EXPECT_EQ(odd->Get("a")->value(), 3);
  EXPECT_FALSE(odd->Get("b").has_value());
}

TEST(KTable, MapValuesMapsEachUpdate) {
  kstreams::StreamsBuilder builder;
  builder.Table<std::string, std::string>("t")
      .MapValues([](const std::string& v) { return static_cast<int64_t>(v.size()); })
      .ToStream()
      .To("out");
  kstreams::TopologyTestDriver driver(builder.Build(), Config(), 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("t");
  auto out = driver.CreateOutputTopic<std::string, OptInt>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("a", "xyz", 1));
  KSTREAMS_ASSERT_OK(in.PipeTombstone("a", 2));
  EXPECT_THAT(out.ReadKeyValuesToList(),
              ElementsAre(KeyValue<std::string, OptInt>{"a", 3},
                          KeyValue<std::string, OptInt>{"a", std::nullopt}));
}

TEST(KGroupedTable, CountMovesAUserBetweenRegions) {
  // users: user -> region; count users per region.
  kstreams::StreamsBuilder builder;
  builder.Table<std::string, std::string>("users")
      .GroupBy([](const std::string& user, const std::string& region) {
        return KeyValue<std::string, std::string>{region, user};
      })
      .Count(Materialized<std::string, int64_t>::As("per-region"))
      .ToStream()
      .To("out");
  kstreams::TopologyTestDriver driver(builder.Build(), Config(), 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("users");
  auto out = driver.CreateOutputTopic<std::string, OptInt>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("alice", "eu", 1));
  KSTREAMS_ASSERT_OK(in.PipeInput("bob", "eu", 2));
  KSTREAMS_ASSERT_OK(in.PipeInput("alice", "us", 3));  // -1 for eu, then +1 for us
  KSTREAMS_ASSERT_OK(in.PipeTombstone("bob", 4));      // -1 for eu
  using KV = KeyValue<std::string, OptInt>;
  EXPECT_THAT(out.ReadKeyValuesToList(),
              ElementsAre(KV{"eu", 1}, KV{"eu", 2}, KV{"eu", 1}, KV{"us", 1}, KV{"eu", 0}));
  auto* store =
      driver.GetStateStore<kstreams::TimestampedKeyValueStore<std::string, int64_t>>("per-region");
  EXPECT_EQ(store->Get("eu")->value(), 0);
  EXPECT_EQ(store->Get("us")->value(), 1);
}

TEST(KGroupedTable, ReduceSubtractsTheOldValueInTheSameGroup) {
  kstreams::StreamsBuilder builder;
  builder.Table<std::string, int64_t>("scores")
      .GroupBy([](const std::string& player, int64_t score) {
        return KeyValue<std::string, int64_t>{player.substr(0, 1), score};
      })
      .Reduce([](int64_t agg, int64_t v) { return agg + v; },
              [](int64_t agg, int64_t v) { return agg - v; })
      .ToStream()
      .To("out");
  kstreams::TopologyTestDriver driver(builder.Build(), Config(), 0);
  auto in = driver.CreateInputTopic<std::string, int64_t>("scores");
  auto out = driver.CreateOutputTopic<std::string, OptInt>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("a1", 10, 1));
  KSTREAMS_ASSERT_OK(in.PipeInput("a2", 5, 2));
  KSTREAMS_ASSERT_OK(in.PipeInput("a1", 7, 3));  // one update: 15 - 10 + 7
  using KV = KeyValue<std::string, OptInt>;
  EXPECT_THAT(out.ReadKeyValuesToList(), ElementsAre(KV{"a", 10}, KV{"a", 15}, KV{"a", 12}));
}

TEST(KGroupedTable, AggregateWithAdderAndSubtractor) {
  kstreams::StreamsBuilder builder;
  builder.Table<std::string, std::string>("t")
      .GroupBy([](const std::string& k, const std::string& v) {
        return KeyValue<std::string, std::string>{"all", k + "=" + v};
      })
      .Aggregate([] { return std::string(); },
                 [](const std::string&, std::string v, std::string agg) { return agg + "+" + v; },
                 [](const std::string&, std::string v, std::string agg) { return agg + "-" + v; })
      .ToStream()
      .To("out");
  kstreams::TopologyTestDriver driver(builder.Build(), Config(), 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("t");
  auto out = driver.CreateOutputTopic<std::string, OptStr>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("x", "1", 1));
  KSTREAMS_ASSERT_OK(in.PipeInput("x", "2", 2));
  using KV = KeyValue<std::string, OptStr>;
  // Same group: one record that first subtracts x=1, then adds x=2.
  EXPECT_THAT(out.ReadKeyValuesToList(), ElementsAre(KV{"all", "+x=1"}, KV{"all", "+x=1-x=1+x=2"}));
}

TEST(KGroupedStream, ReduceSumsPerKeyWithMaxTimestamp) {
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, int64_t>("in")
      .GroupByKey()
      .Reduce([](int64_t agg, int64_t v) { return agg + v; })
      .ToStream()
      .To("out");
  kstreams::TopologyTestDriver driver(builder.Build(), Config(), 0);
  auto in = driver.CreateInputTopic<std::string, int64_t>("in");
  auto out = driver.CreateOutputTopic<std::string, int64_t>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("a", 1, 100));
  KSTREAMS_ASSERT_OK(in.PipeInput("b", 2, 50));
  KSTREAMS_ASSERT_OK(in.PipeInput("a", 3, 70));  // out of order: keeps ts 100
  auto records = out.ReadRecordsToList();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[2].key, "a");
  EXPECT_EQ(records[2].value, 4);
  EXPECT_EQ(records[2].timestamp, 100);
  // No repartition: the key did not change.
  EXPECT_EQ(builder.Build().Describe().subtopologies().size(), 1u);
}

TEST(KGroupedStream, AggregateFoldsWithInitializer) {
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("in")
      .GroupByKey()
      .Aggregate([] { return std::string("["); },
                 [](const std::string&, std::string v, const std::string& agg) { return agg + v; },
                 Materialized<std::string, std::string>::As("agg"))
      .ToStream()
      .To("out");
  kstreams::TopologyTestDriver driver(builder.Build(), Config(), 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  auto out = driver.CreateOutputTopic<std::string, OptStr>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "x", 1));
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "y", 2));
  using KV = KeyValue<std::string, OptStr>;
  EXPECT_THAT(out.ReadKeyValuesToList(), ElementsAre(KV{"k", "[x"}, KV{"k", "[xy"}));
}

TEST(KGroupedStream, NullKeysAreDroppedAndCounted) {
  kstreams::StreamsBuilder builder;
  builder.Stream<OptStr, std::string>("in").GroupByKey().Count().ToStream().To("out");
  kstreams::TopologyTestDriver driver(builder.Build(), Config(), 0);
  auto in = driver.CreateInputTopic<OptStr, std::string>("in");
  auto out = driver.CreateOutputTopic<OptStr, int64_t>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput(std::nullopt, "dropped", 1));
  KSTREAMS_ASSERT_OK(in.PipeInput(OptStr("k"), "kept", 2));
  EXPECT_THAT(out.ReadKeyValuesToList(), ElementsAre(KeyValue<OptStr, int64_t>{"k", 1}));
  EXPECT_EQ(driver.dropped_records(), 1);
}

TEST(KGroupedStream, GroupByWithGroupedNameNamesTheRepartitionTopic) {
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("in")
      .GroupBy([](const std::string&, const std::string& v) { return v; },
               kstreams::Grouped<std::string, std::string>::As("by-value"))
      .Count()
      .ToStream()
      .To("out");
  kstreams::TopologyTestDriver driver(builder.Build(), Config(), 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  auto repartition =
      driver.CreateOutputTopic<std::string, std::string>("tables-by-value-repartition");
  auto out = driver.CreateOutputTopic<std::string, int64_t>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("k1", "v", 1));
  KSTREAMS_ASSERT_OK(in.PipeInput("k2", "v", 2));
  EXPECT_THAT(repartition.ReadKeyValuesToList(),
              ElementsAre(KeyValue<std::string, std::string>{"v", "v"},
                          KeyValue<std::string, std::string>{"v", "v"}));
  EXPECT_THAT(out.ReadKeyValuesToList(), ElementsAre(KeyValue<std::string, int64_t>{"v", 1},
                                                     KeyValue<std::string, int64_t>{"v", 2}));
}

TEST(KStream, ToTableKeepsLatestPerKey) {
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("in")
      .ToTable(Materialized<std::string, std::string>::As("latest"))
      .ToStream()
      .To("out");
  kstreams::TopologyTestDriver driver(builder.Build(), Config(), 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "1", 1));
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "2", 2));
  auto* store =
      driver.GetStateStore<kstreams::TimestampedKeyValueStore<std::string, std::string>>("latest");
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Get("k")->value(), "2");
}

TEST(CogroupedKStream, AggregatesStreamsOfDifferentTypesIntoOneTable) {
  kstreams::StreamsBuilder builder;
  auto clicks = builder.Stream<std::string, int32_t>("clicks").GroupByKey();
  auto names = builder.Stream<std::string, std::string>("names").GroupByKey();
  clicks
      .Cogroup<std::string>([](const std::string&, int32_t n, const std::string& agg) {
        return agg + "c" + std::to_string(n);
      })
      .Cogroup(names,
               [](const std::string&, std::string s, const std::string& agg) { return agg + s; })
      .Aggregate([] { return std::string(">"); },
                 Materialized<std::string, std::string>::As("cogrouped"))
      .ToStream()
      .To("out");
  kstreams::TopologyTestDriver driver(builder.Build(), Config(), 0);
  auto click_in = driver.CreateInputTopic<std::string, int32_t>("clicks");
  auto name_in = driver.CreateInputTopic<std::string, std::string>("names");
  auto out = driver.CreateOutputTopic<std::string, OptStr>("out");
  KSTREAMS_ASSERT_OK(click_in.PipeInput("u", 1, 1));
  KSTREAMS_ASSERT_OK(name_in.PipeInput("u", "N", 2));
  KSTREAMS_ASSERT_OK(click_in.PipeInput("u", 2, 3));
  using KV = KeyValue<std::string, OptStr>;
  EXPECT_THAT(out.ReadKeyValuesToList(),
              ElementsAre(KV{"u", ">c1"}, KV{"u", ">c1N"}, KV{"u", ">c1Nc2"}));
}

}  // namespace ktable_test
