// KTable-KTable joins: the rows of Kafka Streams' join semantics table
// (TableTableJoinIntegrationTest, caching off: every update; caching on: the
// final result), old values feeding a downstream aggregation, and Describe().
#include <chrono>
#include <optional>
#include <string>

#include "driver/join/join_semantics.h"
#include "gmock/gmock.h"

namespace kstreams::join_test {
namespace {

using ::testing::ElementsAre;
constexpr char kStore[] = "table-table-join-integration-test-store";

enum class Kind { kInner, kLeft, kOuter };

Topology Build(Kind kind) {
  StreamsBuilder builder;
  auto left = builder.Table<int64_t, std::string>(
      kLeft, Materialized<int64_t, std::string>::As("left").WithLoggingDisabled());
  auto right = builder.Table<int64_t, std::string>(
      kRight, Materialized<int64_t, std::string>::As("right").WithLoggingDisabled());
  auto materialized =
      Materialized<int64_t, std::string>::As(kStore).WithCachingDisabled().WithLoggingDisabled();
  KTable<int64_t, std::string> joined = [&] {
    switch (kind) {
      case Kind::kInner:
        return left.Join(
            right, [](const std::string& l, const std::string& r) { return Joined(l, r); },
            materialized);
      case Kind::kLeft:
        return left.LeftJoin(
            right, [](const std::string& l, const OptStr& r) { return Joined(l, r); },
            materialized);
      case Kind::kOuter:
        break;
    }
    return left.OuterJoin(
        right, [](const OptStr& l, const OptStr& r) { return Joined(l, r); }, materialized);
  }();
  joined.ToStream().To(kOutput);
  return builder.Build();
}

std::vector<Rows> Expected(Kind kind) {
  std::vector<Rows> e(23);
  switch (kind) {
    case Kind::kInner:
      e[3] = {{"A-a", 4}};
      e[4] = {{"B-a", 5}};
      e[5] = {{"B-b", 6}};
      e[6] = {{std::nullopt, 7}};
      e[9] = {{"C-c", 10}};
      e[10] = {{std::nullopt, 11}};
      e[14] = {{"D-d", 7}};
      e[15] = {{std::nullopt, 7}};
      e[18] = {{"E-e", 15}};
      e[19] = {{std::nullopt, 14}};
      e[22] = {{"F-f", 4}};
      break;
    case Kind::kLeft:
      e[2] = {{"A-null", 3}};
      e[3] = {{"A-a", 4}};
      e[4] = {{"B-a", 5}};
      e[5] = {{"B-b", 6}};
      e[6] = {{std::nullopt, 7}};
      e[8] = {{"C-null", 9}};
      e[9] = {{"C-c", 10}};
      e[10] = {{"C-null", 11}};
      e[11] = {{std::nullopt, 12}};
      e[14] = {{"D-d", 7}};
      e[15] = {{std::nullopt, 7}};
      e[18] = {{"E-e", 15}};
      e[19] = {{std::nullopt, 14}};
      e[21] = {{"F-null", 4}};
      e[22] = {{"F-f", 4}};
      break;
    case Kind::kOuter:
      e[2] = {{"A-null", 3}};
      e[3] = {{"A-a", 4}};
      e[4] = {{"B-a", 5}};
      e[5] = {{"B-b", 6}};
      e[6] = {{"null-b", 7}};
      e[7] = {{std::nullopt, 8}};
      e[8] = {{"C-null", 9}};
      e[9] = {{"C-c", 10}};
      e[10] = {{"C-null", 11}};
      e[11] = {{std::nullopt, 12}};
      e[13] = {{"null-d", 7}};
      e[14] = {{"D-d", 7}};
      e[15] = {{"null-d", 7}};
      e[16] = {{std::nullopt, 3}};
      e[17] = {{"null-e", 14}};
      e[18] = {{"E-e", 15}};
      e[19] = {{"null-e", 14}};
      e[20] = {{std::nullopt, 9}};
      e[21] = {{"F-null", 4}};
      e[22] = {{"F-f", 4}};
      break;
  }
  return e;
}

class TableTableJoin : public ::testing::TestWithParam<Kind> {};

TEST_P(TableTableJoin, EveryUpdateMatchesTheSemanticsTableWithoutCaching) {
  RunSemantics(Build(GetParam()), Config("table-table", false), SemanticsInput(),
               Expected(GetParam()));
}

// With caching Java checks the final result and the join's store: the last
// output is F-f@4 and the store holds exactly that.
TEST_P(TableTableJoin, FinalResultAndStoreWithCaching) {
  TopologyTestDriver driver(Build(GetParam()), Config("table-table-cached", true), 0);
  auto left = driver.CreateInputTopic<int64_t, OptStr>(kLeft);
  auto right = driver.CreateInputTopic<int64_t, OptStr>(kRight);
  auto out = driver.CreateOutputTopic<int64_t, OptStr>(kOutput);
  for (const Input& in : SemanticsInput()) {
    KSTREAMS_ASSERT_OK((in.left ? left : right).PipeInput(kKey, in.value, in.timestamp));
  }
  auto records = out.ReadRecordsToList();
  ASSERT_FALSE(records.empty());
  EXPECT_EQ(records.back().value, OptStr("F-f"));
  EXPECT_EQ(records.back().timestamp, 4);
  auto* store = driver.GetTimestampedKeyValueStore<int64_t, std::string>(kStore);
  ASSERT_NE(store, nullptr);
  auto all = store->All().ToVector();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].first, kKey);
  EXPECT_EQ(all[0].second, ValueAndTimestamp<std::string>("F-f", 4));
}

INSTANTIATE_TEST_SUITE_P(Kinds, TableTableJoin,
                         ::testing::Values(Kind::kInner, Kind::kLeft, Kind::kOuter),
                         [](const auto& info) {
                           return info.param == Kind::kInner   ? "Inner"
                                  : info.param == Kind::kLeft ? "Left"
                                                              : "Outer";
                         });

// With versioned tables an out-of-order update changes only the table's
// history, so it produces no join result (Kafka Streams 3.5+, KIP-914):
// TableTableJoinIntegrationTest's versioned rows; the left rows worked out
// the same way.
Topology BuildVersioned(bool left_join) {
  StreamsBuilder builder;
  auto versioned = [](const char* name) {
    return Materialized<int64_t, std::string>::As(
               Stores::PersistentVersionedKeyValueStore(name, std::chrono::minutes(5)))
        .WithLoggingDisabled();
  };
  auto left = builder.Table<int64_t, std::string>(kLeft, versioned("left"));
  auto right = builder.Table<int64_t, std::string>(kRight, versioned("right"));
  auto materialized =
      Materialized<int64_t, std::string>::As(kStore).WithCachingDisabled().WithLoggingDisabled();
  KTable<int64_t, std::string> joined =
      left_join ? left.LeftJoin(
                      right, [](const std::string& l, const OptStr& r) { return Joined(l, r); },
                      materialized)
                : left.Join(
                      right, [](const std::string& l, const std::string& r) { return Joined(l, r); },
                      materialized);
  joined.ToStream().To(kOutput);
  return builder.Build();
}

TEST(TableTableJoinVersioned, InnerJoinIgnoresOutOfOrderUpdates) {
  std::vector<Rows> e(23);
  e[3] = {{"A-a", 4}};
  e[4] = {{"B-a", 5}};
  e[5] = {{"B-b", 6}};
  e[6] = {{std::nullopt, 7}};
  e[9] = {{"C-c", 10}};
  e[10] = {{std::nullopt, 11}};
  e[18] = {{"E-e", 15}};
  for (bool cache : {false, true}) {
    RunSemantics(BuildVersioned(false), Config("tt-versioned-inner", cache), SemanticsInput(), e);
  }
}

TEST(TableTableJoinVersioned, LeftJoinIgnoresOutOfOrderUpdates) {
  std::vector<Rows> e(23);
  e[2] = {{"A-null", 3}};
  e[3] = {{"A-a", 4}};
  e[4] = {{"B-a", 5}};
  e[5] = {{"B-b", 6}};
  e[6] = {{std::nullopt, 7}};
  e[8] = {{"C-null", 9}};
  e[9] = {{"C-c", 10}};
  e[10] = {{"C-null", 11}};
  e[11] = {{std::nullopt, 12}};
  e[18] = {{"E-e", 15}};
  RunSemantics(BuildVersioned(true), Config("tt-versioned-left", false), SemanticsInput(), e);
}

// Old join results are subtracted downstream: moving a user to another
// department moves their bonus with them in the per-department sum.
TEST(TableTableJoinAggregation, OldJoinResultsAreSubtractedDownstream) {
  StreamsBuilder builder;
  auto dept = builder.Table<std::string, std::string>("dept");
  auto bonus = builder.Table<std::string, int64_t>("bonus");
  dept.Join(bonus,
            [](const std::string& d, int64_t b) { return KeyValue<std::string, int64_t>{d, b}; })
      .GroupBy([](const std::string&, const KeyValue<std::string, int64_t>& v) { return v; })
      .Reduce([](int64_t agg, int64_t v) { return agg + v; },
              [](int64_t agg, int64_t v) { return agg - v; })
      .ToStream()
      .To("per-dept");
  TopologyTestDriver driver(builder.Build(), Config("tt-agg", false), 0);
  auto d = driver.CreateInputTopic<std::string, std::string>("dept");
  auto b = driver.CreateInputTopic<std::string, int64_t>("bonus");
  auto out = driver.CreateOutputTopic<std::string, std::optional<int64_t>>("per-dept");
  KSTREAMS_ASSERT_OK(d.PipeInput("alice", "eng", 1));
  KSTREAMS_ASSERT_OK(b.PipeInput("alice", 10, 2));  // eng: 10
  KSTREAMS_ASSERT_OK(d.PipeInput("bob", "eng", 3));
  KSTREAMS_ASSERT_OK(b.PipeInput("bob", 5, 4));     // eng: 15
  KSTREAMS_ASSERT_OK(d.PipeInput("alice", "ops", 5));  // eng: 5, ops: 10
  KSTREAMS_ASSERT_OK(b.PipeInput("bob", 7, 6));     // eng: 7 (-5 then +7)
  KSTREAMS_ASSERT_OK(d.PipeTombstone("alice", 7));   // ops: 0
  using KV = KeyValue<std::string, std::optional<int64_t>>;
  EXPECT_THAT(out.ReadKeyValuesToList(),
              ElementsAre(KV{"eng", 10}, KV{"eng", 15}, KV{"eng", 5}, KV{"ops", 10}, KV{"eng", 7},
                          KV{"ops", 0}));
}

TEST(TableTableJoinTopology, DescribesJoinNodesAsJava) {
  StreamsBuilder builder;
  auto left = builder.Table<std::string, std::string>(
      "l", Materialized<std::string, std::string>::As("left"));
  auto right = builder.Table<std::string, std::string>(
      "r", Materialized<std::string, std::string>::As("right"));
  left.Join(right, [](const std::string& a, const std::string& b) { return a + b; })
      .ToStream()
      .To("out");
  // Indexes: sources 0/2, table sources 1/3, merge 4, join-this 5,
  // join-other 6, to-stream 7, sink 8. Nodes by Java's NodeComparator
  // (subtree size, then name).
  EXPECT_EQ(builder.Build().Describe().ToString(),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: KSTREAM-SOURCE-0000000000 (topics: [l])\n"
            "      --> KTABLE-SOURCE-0000000001\n"
            "    Source: KSTREAM-SOURCE-0000000002 (topics: [r])\n"
            "      --> KTABLE-SOURCE-0000000003\n"
            "    Processor: KTABLE-SOURCE-0000000001 (stores: [left])\n"
            "      --> KTABLE-JOINTHIS-0000000005\n"
            "      <-- KSTREAM-SOURCE-0000000000\n"
            "    Processor: KTABLE-SOURCE-0000000003 (stores: [right])\n"
            "      --> KTABLE-JOINOTHER-0000000006\n"
            "      <-- KSTREAM-SOURCE-0000000002\n"
            "    Processor: KTABLE-JOINOTHER-0000000006 (stores: [left])\n"
            "      --> KTABLE-MERGE-0000000004\n"
            "      <-- KTABLE-SOURCE-0000000003\n"
            "    Processor: KTABLE-JOINTHIS-0000000005 (stores: [right])\n"
            "      --> KTABLE-MERGE-0000000004\n"
            "      <-- KTABLE-SOURCE-0000000001\n"
            "    Processor: KTABLE-MERGE-0000000004 (stores: [])\n"
            "      --> KTABLE-TOSTREAM-0000000007\n"
            "      <-- KTABLE-JOINTHIS-0000000005, KTABLE-JOINOTHER-0000000006\n"
            "    Processor: KTABLE-TOSTREAM-0000000007 (stores: [])\n"
            "      --> KSTREAM-SINK-0000000008\n"
            "      <-- KTABLE-MERGE-0000000004\n"
            "    Sink: KSTREAM-SINK-0000000008 (topic: out)\n"
            "      <-- KTABLE-TOSTREAM-0000000007\n"
            "\n");
}

}  // namespace
}  // namespace kstreams::join_test
