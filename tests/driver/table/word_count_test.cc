#include <sstream>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/kstreams.h"
#include "kstreams/testing/topology_test_driver.h"

namespace word_count_test {

using kstreams::KeyValue;
using ::testing::ElementsAre;
using KV = KeyValue<std::string, int64_t>;

std::vector<std::string> Words(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

kstreams::Topology WordCount() {
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("lines")
      .FlatMapValues([](const std::string& line) { return Words(line); })
      .GroupBy([](const std::string&, const std::string& word) { return word; })
      .Count(kstreams::Materialized<std::string, int64_t>::As("counts"))
      .ToStream()
      .To("word-counts");
  return builder.Build();
}

TEST(WordCount, CountsEveryWordAcrossLines) {
  kstreams::TopologyTestDriver driver(WordCount(), {{"application.id", "wc"}}, 0);
  auto lines = driver.CreateInputTopic<std::string, std::string>("lines");
  auto counts = driver.CreateOutputTopic<std::string, int64_t>("word-counts");
  KSTREAMS_ASSERT_OK(lines.PipeInput("l1", "a b a", 10));
  KSTREAMS_ASSERT_OK(lines.PipeInput("l2", "b c", 20));
  // The driver commits after each record read back from the repartition
  // topic, so even with the (default) cache every count update shows.
  EXPECT_THAT(counts.ReadKeyValuesToList(),
              ElementsAre(KV{"a", 1}, KV{"b", 1}, KV{"a", 2}, KV{"b", 2}, KV{"c", 1}));
  auto* store = driver.GetStateStore<kstreams::TimestampedKeyValueStore<std::string, int64_t>>(
      "counts");
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Get("a")->value(), 2);
  EXPECT_EQ(store->Get("b")->value(), 2);
  EXPECT_EQ(store->Get("c")->value(), 1);
  EXPECT_FALSE(store->Get("d").has_value());
}

TEST(WordCount, WithoutCacheEveryUpdateIsForwarded) {
  kstreams::TopologyTestDriver driver(
      WordCount(), {{"application.id", "wc"}, {"statestore.cache.max.bytes", "0"}}, 0);
  auto lines = driver.CreateInputTopic<std::string, std::string>("lines");
  auto counts = driver.CreateOutputTopic<std::string, int64_t>("word-counts");
  KSTREAMS_ASSERT_OK(lines.PipeInput("l1", "a b a", 10));
  auto records = counts.ReadRecordsToList();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].key, "a");
  EXPECT_EQ(records[0].value, 1);
  EXPECT_EQ(records[1].key, "b");
  EXPECT_EQ(records[1].value, 1);
  EXPECT_EQ(records[2].key, "a");
  EXPECT_EQ(records[2].value, 2);
  EXPECT_EQ(records[2].timestamp, 10);
}

TEST(WordCount, WithCacheOnlyTheLatestCountPerWordIsForwardedAtCommit) {
  kstreams::TopologyTestDriver driver(WordCount(), {{"application.id", "wc"}}, 0);
  driver.SetCommitAfterEachRecord(false);
  auto lines = driver.CreateInputTopic<std::string, std::string>("lines");
  auto counts = driver.CreateOutputTopic<std::string, int64_t>("word-counts");
  KSTREAMS_ASSERT_OK(lines.PipeInput("l1", "a b a", 10));
  KSTREAMS_ASSERT_OK(lines.PipeInput("l2", "b c", 20));
  EXPECT_TRUE(counts.IsEmpty());  // absorbed by the cache until the commit
  KSTREAMS_ASSERT_OK(driver.Commit());
  // One record per word, its latest count, in the order the words were first
  // written since the last flush.
  auto records = counts.ReadRecordsToList();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ((KV{records[0].key, records[0].value}), (KV{"a", 2}));
  EXPECT_EQ((KV{records[1].key, records[1].value}), (KV{"b", 2}));
  EXPECT_EQ((KV{records[2].key, records[2].value}), (KV{"c", 1}));
  // The timestamp of a count is the largest timestamp that contributed.
  EXPECT_EQ(records[0].timestamp, 10);
  EXPECT_EQ(records[1].timestamp, 20);
  EXPECT_EQ(records[2].timestamp, 20);
  KSTREAMS_ASSERT_OK(lines.PipeInput("l3", "a", 30));
  KSTREAMS_ASSERT_OK(driver.Commit());
  EXPECT_THAT(counts.ReadKeyValuesToList(), ElementsAre(KV{"a", 3}));
}

TEST(WordCount, DescribeMatchesKafkaStreamsLayout) {
  // Worked out from Kafka Streams' naming: FlatMapValues 1, KeySelect 2,
  // (named store: no index), aggregate 3, repartition sink/filter/source 4-6
  // (named after the user-named repartition topic, as current Kafka Streams
  // does when the topic name is not generated), ToStream 7, sink 8.
  EXPECT_EQ(WordCount().Describe().ToString(),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: KSTREAM-SOURCE-0000000000 (topics: [lines])\n"
            "      --> KSTREAM-FLATMAPVALUES-0000000001\n"
            "    Processor: KSTREAM-FLATMAPVALUES-0000000001 (stores: [])\n"
            "      --> KSTREAM-KEY-SELECT-0000000002\n"
            "      <-- KSTREAM-SOURCE-0000000000\n"
            "    Processor: KSTREAM-KEY-SELECT-0000000002 (stores: [])\n"
            "      --> counts-repartition-filter\n"
            "      <-- KSTREAM-FLATMAPVALUES-0000000001\n"
            "    Processor: counts-repartition-filter (stores: [])\n"
            "      --> counts-repartition-sink\n"
            "      <-- KSTREAM-KEY-SELECT-0000000002\n"
            "    Sink: counts-repartition-sink (topic: counts-repartition)\n"
            "      <-- counts-repartition-filter\n"
            "\n"
            "  Sub-topology: 1\n"
            "    Source: counts-repartition-source (topics: [counts-repartition])\n"
            "      --> KSTREAM-AGGREGATE-0000000003\n"
            "    Processor: KSTREAM-AGGREGATE-0000000003 (stores: [counts])\n"
            "      --> KTABLE-TOSTREAM-0000000007\n"
            "      <-- counts-repartition-source\n"
            "    Processor: KTABLE-TOSTREAM-0000000007 (stores: [])\n"
            "      --> KSTREAM-SINK-0000000008\n"
            "      <-- KSTREAM-AGGREGATE-0000000003\n"
            "    Sink: KSTREAM-SINK-0000000008 (topic: word-counts)\n"
            "      <-- KTABLE-TOSTREAM-0000000007\n"
            "\n");
}

}  // namespace word_count_test
