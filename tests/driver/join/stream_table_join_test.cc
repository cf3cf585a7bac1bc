// KStream-KTable joins: the rows of Kafka Streams' join semantics table
// (StreamTableJoinIntegrationTest), with and without caching and with a
// versioned table, plus null keys, repartitioning and Describe().
#include <chrono>
#include <optional>
#include <string>

#include "driver/join/join_semantics.h"
#include "gmock/gmock.h"

namespace kstreams::join_test {
namespace {

using ::testing::ElementsAre;

auto InnerJoiner() {
  return [](const OptStr& v, const std::string& t) { return Joined(v, t); };
}
auto LeftJoiner() {
  return [](const OptStr& v, const OptStr& t) { return Joined(v, t); };
}

Materialized<int64_t, std::string> TableStore(bool versioned) {
  if (!versioned) return {};
  return Materialized<int64_t, std::string>::As(
      Stores::PersistentVersionedKeyValueStore("table-store", std::chrono::minutes(5)));
}

Topology Build(bool left, bool versioned) {
  StreamsBuilder builder;
  auto stream = builder.Stream<int64_t, OptStr>(kLeft);
  auto table = builder.Table<int64_t, std::string>(kRight, TableStore(versioned));
  if (left) {
    stream.LeftJoin(table, LeftJoiner()).To(kOutput);
  } else {
    stream.Join(table, InnerJoiner()).To(kOutput);
  }
  return builder.Build();
}

// The 23 inputs of SemanticsInput(): only stream records produce output,
// joined with the table's latest value (timestamp: the stream record's).
std::vector<Rows> InnerExpected() {
  std::vector<Rows> e(23);
  e[4] = {{"B-a", 5}};
  e[14] = {{"D-d", 6}};
  e[18] = {{"E-e", 15}};
  return e;
}
std::vector<Rows> LeftExpected() {
  std::vector<Rows> e(23);
  e[2] = {{"A-null", 3}};
  e[4] = {{"B-a", 5}};
  e[8] = {{"C-null", 9}};
  e[14] = {{"D-d", 6}};
  e[18] = {{"E-e", 15}};
  e[21] = {{"F-null", 4}};
  return e;
}

class StreamTableJoin : public ::testing::TestWithParam<bool> {};  // param: caching

TEST_P(StreamTableJoin, InnerJoinMatchesTheSemanticsTable) {
  RunSemantics(Build(false, false), Config("stream-table-inner", GetParam()), SemanticsInput(),
               InnerExpected());
}

TEST_P(StreamTableJoin, LeftJoinMatchesTheSemanticsTable) {
  RunSemantics(Build(true, false), Config("stream-table-left", GetParam()), SemanticsInput(),
               LeftExpected());
}

// With a versioned table each stream record joins with the table version
// valid at its own timestamp: D@6 meets b (d@7 came later), F@4 meets a.
TEST_P(StreamTableJoin, InnerJoinWithVersionedTableLooksUpByTimestamp) {
  std::vector<Rows> e(23);
  e[4] = {{"B-a", 5}};
  e[14] = {{"D-b", 6}};
  e[18] = {{"E-e", 15}};
  e[21] = {{"F-a", 4}};
  RunSemantics(Build(false, true), Config("stream-table-inner-v", GetParam()), SemanticsInput(),
               e);
}

TEST_P(StreamTableJoin, LeftJoinWithVersionedTableLooksUpByTimestamp) {
  std::vector<Rows> e(23);
  e[2] = {{"A-null", 3}};
  e[4] = {{"B-a", 5}};
  e[8] = {{"C-null", 9}};
  e[14] = {{"D-b", 6}};
  e[18] = {{"E-e", 15}};
  e[21] = {{"F-a", 4}};
  RunSemantics(Build(true, true), Config("stream-table-left-v", GetParam()), SemanticsInput(), e);
}

INSTANTIATE_TEST_SUITE_P(Caching, StreamTableJoin, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Cached" : "Uncached"; });

TEST(StreamTableJoinNulls, NullKeysAreDroppedByJoinAndJoinedWithNothingByLeftJoin) {
  for (bool left : {false, true}) {
    StreamsBuilder builder;
    auto stream = builder.Stream<std::optional<std::string>, std::string>("s");
    auto table = builder.Table<std::optional<std::string>, std::string>("t");
    auto joiner = [](const std::string& v, const OptStr& t) { return Joined(v, t); };
    if (left) {
      stream.LeftJoin(table, joiner).To("out");
    } else {
      stream.Join(table, [](const std::string& v, const std::string& t) { return v + "-" + t; })
          .To("out");
    }
    TopologyTestDriver driver(builder.Build(), {{"application.id", "nulls"}}, 0);
    auto s = driver.CreateInputTopic<std::optional<std::string>, std::string>("s");
    auto t = driver.CreateInputTopic<std::optional<std::string>, std::string>("t");
    auto out = driver.CreateOutputTopic<std::optional<std::string>, std::string>("out");
    KSTREAMS_ASSERT_OK(t.PipeInput("k", "x", 1));
    KSTREAMS_ASSERT_OK(s.PipeInput(std::nullopt, "A", 2));
    KSTREAMS_ASSERT_OK(s.PipeInput("k", "B", 3));
    using KV = KeyValue<std::optional<std::string>, std::string>;
    if (left) {
      EXPECT_THAT(out.ReadKeyValuesToList(), ElementsAre(KV{std::nullopt, "A-null"}, KV{"k", "B-x"}));
      EXPECT_EQ(driver.dropped_records(), 0);
    } else {
      EXPECT_THAT(out.ReadKeyValuesToList(), ElementsAre(KV{"k", "B-x"}));
      EXPECT_EQ(driver.dropped_records(), 1);
    }
  }
}

TEST(StreamTableJoinTopology, KeyChangeBeforeJoinRepartitionsAndDescribesAsJava) {
  StreamsBuilder builder;
  auto table = builder.Table<std::string, std::string>("users");
  builder.Stream<std::string, std::string>("views")
      .SelectKey([](const std::string&, const std::string& v) { return v; })
      .Join(table, [](const std::string& v, const std::string& u) { return v + "/" + u; })
      .To("enriched");
  Topology topology = builder.Build();
  // Indexes: users store 0, source 1, table source 2; views source 3, key
  // selector 4; the repartition draws sink 5, filter 6, source 7; join 8,
  // sink 9. The table's sub-topology owns the smallest source name (0).
  // Nodes are ordered as Java's NodeComparator: larger subtrees first, then
  // by name.
  EXPECT_EQ(topology.Describe().ToString(),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: KSTREAM-SOURCE-0000000007 (topics: [KSTREAM-KEY-SELECT-0000000004-repartition])\n"
            "      --> KSTREAM-JOIN-0000000008\n"
            "    Processor: KSTREAM-JOIN-0000000008 (stores: [users-STATE-STORE-0000000000])\n"
            "      --> KSTREAM-SINK-0000000009\n"
            "      <-- KSTREAM-SOURCE-0000000007\n"
            "    Source: KSTREAM-SOURCE-0000000001 (topics: [users])\n"
            "      --> KTABLE-SOURCE-0000000002\n"
            "    Sink: KSTREAM-SINK-0000000009 (topic: enriched)\n"
            "      <-- KSTREAM-JOIN-0000000008\n"
            "    Processor: KTABLE-SOURCE-0000000002 (stores: [users-STATE-STORE-0000000000])\n"
            "      --> none\n"
            "      <-- KSTREAM-SOURCE-0000000001\n"
            "\n"
            "  Sub-topology: 1\n"
            "    Source: KSTREAM-SOURCE-0000000003 (topics: [views])\n"
            "      --> KSTREAM-KEY-SELECT-0000000004\n"
            "    Processor: KSTREAM-KEY-SELECT-0000000004 (stores: [])\n"
            "      --> KSTREAM-FILTER-0000000006\n"
            "      <-- KSTREAM-SOURCE-0000000003\n"
            "    Processor: KSTREAM-FILTER-0000000006 (stores: [])\n"
            "      --> KSTREAM-SINK-0000000005\n"
            "      <-- KSTREAM-KEY-SELECT-0000000004\n"
            "    Sink: KSTREAM-SINK-0000000005 (topic: KSTREAM-KEY-SELECT-0000000004-repartition)\n"
            "      <-- KSTREAM-FILTER-0000000006\n"
            "\n");
  TopologyTestDriver driver(topology, {{"application.id", "rekey"}}, 0);
  auto users = driver.CreateInputTopic<std::string, std::string>("users");
  auto views = driver.CreateInputTopic<std::string, std::string>("views");
  auto out = driver.CreateOutputTopic<std::string, std::string>("enriched");
  KSTREAMS_ASSERT_OK(users.PipeInput("alice", "eu", 1));
  KSTREAMS_ASSERT_OK(views.PipeInput("page-1", "alice", 2));
  KSTREAMS_ASSERT_OK(views.PipeInput("page-2", "bob", 3));
  EXPECT_THAT(out.ReadKeyValuesToList(),
              ElementsAre(KeyValue<std::string, std::string>{"alice", "alice/eu"}));
}

}  // namespace
}  // namespace kstreams::join_test

namespace kstreams::join_test {
namespace {

// Worked by hand: with a 10 ms grace period stream records wait until stream
// time passes their timestamp + 10, then join with the table version valid
// at their timestamp, so the late table update b@8 is seen by x@10.
TEST(StreamTableJoinGrace, BufferedRecordsJoinAsOfTheirTimestampAfterTheGracePeriod) {
  StreamsBuilder builder;
  auto table = builder.Table<std::string, std::string>(
      "t", Materialized<std::string, std::string>::As(
               Stores::InMemoryVersionedKeyValueStore("t-store", std::chrono::minutes(1))));
  builder.Stream<std::string, std::string>("s")
      .Join(table, [](const std::string& v, const std::string& t) { return v + "-" + t; },
            kstreams::Joined<std::string, std::string, std::string>::As("graceful")
                .WithGracePeriod(std::chrono::milliseconds(10)))
      .To("out");
  Topology topology = builder.Build();
  EXPECT_NE(topology.data().FindStore("graceful-Buffer"), nullptr);
  TopologyTestDriver driver(topology, {{"application.id", "grace"}}, 0);
  auto t = driver.CreateInputTopic<std::string, std::string>("t");
  auto s = driver.CreateInputTopic<std::string, std::string>("s");
  auto out = driver.CreateOutputTopic<std::string, std::string>("out");
  using Rec = TestRecord<std::string, std::string>;
  KSTREAMS_ASSERT_OK(t.PipeInput("k", "a", 5));
  KSTREAMS_ASSERT_OK(s.PipeInput("k", "x", 10));  // waits until stream time 20
  KSTREAMS_ASSERT_OK(t.PipeInput("k", "b", 8));   // late, but within x's grace
  KSTREAMS_ASSERT_OK(s.PipeInput("k", "y", 15));
  EXPECT_TRUE(out.IsEmpty());
  KSTREAMS_ASSERT_OK(s.PipeInput("k", "z", 21));  // stream time 21: x is due
  EXPECT_THAT(out.ReadRecordsToList(), ElementsAre(Rec{"k", "x-b", 10, {}}));
  KSTREAMS_ASSERT_OK(t.PipeInput("k", "c", 12));
  KSTREAMS_ASSERT_OK(s.PipeInput("k", "w", 40));  // y and z are due, in time order
  EXPECT_THAT(out.ReadRecordsToList(),
              ElementsAre(Rec{"k", "y-c", 15, {}}, Rec{"k", "z-c", 21, {}}));
  KSTREAMS_ASSERT_OK(s.PipeInput("k", "late", 20));  // older than 40 - 10: joins at once
  EXPECT_THAT(out.ReadRecordsToList(), ElementsAre(Rec{"k", "late-c", 20, {}}));
}

TEST(StreamTableJoinGrace, GracePeriodNeedsAVersionedTable) {
  StreamsBuilder builder;
  auto table = builder.Table<std::string, std::string>("t");
  builder.Stream<std::string, std::string>("s")
      .Join(table, [](const std::string& v, const std::string& t) { return v + t; },
            kstreams::Joined<std::string, std::string, std::string>().WithGracePeriod(
                std::chrono::milliseconds(10)))
      .To("out");
  const absl::Status& status = builder.Build().status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("versioned table"));
}

}  // namespace
}  // namespace kstreams::join_test
