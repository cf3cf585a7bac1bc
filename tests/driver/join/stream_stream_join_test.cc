// KStream-KStream joins: the rows of Kafka Streams' join semantics table
// (StreamStreamJoinIntegrationTest, inputWithoutOutOfOrderData, 10 s windows
// with 24 h grace), the self-join, and hand-worked left joins showing that
// unmatched records are emitted only once their window has closed.
#include <chrono>
#include <optional>
#include <string>

#include "driver/join/join_semantics.h"
#include "gmock/gmock.h"

namespace kstreams::join_test {
namespace {

using ::testing::ElementsAre;
using OptKey = std::optional<int64_t>;

struct KeyedInput {
  bool left;
  OptKey key;
  OptStr value;
  int64_t timestamp;
};
struct KeyedRow {
  OptKey key;
  std::string value;
  int64_t timestamp;
  friend bool operator==(const KeyedRow&, const KeyedRow&) = default;
  friend std::ostream& operator<<(std::ostream& os, const KeyedRow& r) {
    return os << (r.key ? std::to_string(*r.key) : "null") << ":" << r.value << "@" << r.timestamp;
  }
};
using KeyedRows = std::vector<KeyedRow>;

// AbstractJoinIntegrationTest#inputWithoutOutOfOrderData.
std::vector<KeyedInput> WithoutOutOfOrderData() {
  std::vector<KeyedInput> in;
  int64_t ts = 1;
  for (const join_test::Input& i : SemanticsInput()) {
    if (ts > 13) break;
    in.push_back({i.left, kKey, i.value, ts++});
  }
  in.push_back({false, kKey, "d", 14});
  in.push_back({true, kKey, "D", 15});
  in.push_back({true, std::nullopt, "E", 16});
  in.push_back({false, std::nullopt, "e", 17});
  return in;
}

// The driver turns the outer-join emit throttle off by itself (as Java's).
StreamsConfig JoinConfig(const std::string& app) { return {{"application.id", app}}; }

void RunJoin(const Topology& topology, const std::vector<KeyedInput>& input,
         const std::vector<KeyedRows>& expected, const std::string& app) {
  ASSERT_EQ(input.size(), expected.size());
  TopologyTestDriver driver(topology, JoinConfig(app), 0);
  auto left = driver.CreateInputTopic<OptKey, OptStr>(kLeft);
  auto right = driver.CreateInputTopic<OptKey, OptStr>(kRight);
  auto out = driver.CreateOutputTopic<OptKey, std::string>(kOutput);
  for (size_t i = 0; i < input.size(); ++i) {
    const KeyedInput& in = input[i];
    auto& topic = in.left ? left : right;
    if (in.key) {
      KSTREAMS_ASSERT_OK(topic.PipeInput(*in.key, in.value, in.timestamp));
    } else {
      KSTREAMS_ASSERT_OK(topic.PipeInput(std::nullopt, in.value, in.timestamp));
    }
    KeyedRows got;
    for (const auto& r : out.ReadRecordsToList()) got.push_back({r.key, r.value, r.timestamp});
    EXPECT_EQ(got, expected[i]) << "after input " << i;
  }
  KSTREAMS_EXPECT_OK(driver.status());
}

std::vector<KeyedRows> InnerRows() {
  std::vector<KeyedRows> e(17);
  e[3] = {{kKey, "A-a", 4}};
  e[4] = {{kKey, "B-a", 5}};
  e[5] = {{kKey, "A-b", 6}, {kKey, "B-b", 6}};
  e[8] = {{kKey, "C-a", 9}, {kKey, "C-b", 9}};
  e[9] = {{kKey, "A-c", 10}, {kKey, "B-c", 10}, {kKey, "C-c", 10}};
  e[13] = {{kKey, "A-d", 14}, {kKey, "B-d", 14}, {kKey, "C-d", 14}};
  e[14] = {{kKey, "D-a", 15}, {kKey, "D-b", 15}, {kKey, "D-c", 15}, {kKey, "D-d", 15}};
  return e;
}

const JoinWindows kWindows =
    JoinWindows::OfTimeDifferenceAndGrace(std::chrono::seconds(10), std::chrono::hours(24));

TEST(StreamStreamJoin, InnerJoinMatchesTheSemanticsTable) {
  StreamsBuilder builder;
  auto left = builder.Stream<OptKey, OptStr>(kLeft);
  auto right = builder.Stream<OptKey, OptStr>(kRight);
  left.Join(right, [](const OptStr& l, const OptStr& r) { return Joined(l, r); }, kWindows)
      .To(kOutput);
  RunJoin(builder.Build(), WithoutOutOfOrderData(), InnerRows(), "ss-inner");
}

TEST(StreamStreamJoin, InnerJoinAfterKeyChangesRepartitionsBothSides) {
  StreamsBuilder builder;
  auto left = builder.Stream<OptKey, OptStr>(kLeft).Map(
      [](const OptKey& k, const OptStr& v) { return KeyValue<OptKey, OptStr>{k, v}; });
  auto right = builder.Stream<OptKey, OptStr>(kRight).SelectKey(
      [](const OptKey& k, const OptStr&) { return k; });
  left.Join(right, [](const OptStr& l, const OptStr& r) { return Joined(l, r); }, kWindows)
      .To(kOutput);
  Topology topology = builder.Build();
  EXPECT_EQ(topology.data().internal_topics().size(), 2u);
  RunJoin(topology, WithoutOutOfOrderData(), InnerRows(), "ss-inner-repartitioned");
}

TEST(StreamStreamJoin, LeftJoinMatchesTheSemanticsTable) {
  StreamsBuilder builder;
  auto left = builder.Stream<OptKey, OptStr>(kLeft);
  auto right = builder.Stream<OptKey, OptStr>(kRight);
  left.LeftJoin(right, [](const OptStr& l, const std::optional<OptStr>& r) {
        return Joined(l, r ? *r : std::nullopt);
      }, kWindows)
      .To(kOutput);
  std::vector<KeyedRows> e = InnerRows();
  e[15] = {{std::nullopt, "E-null", 16}};  // a null key is unmatched at once
  RunJoin(builder.Build(), WithoutOutOfOrderData(), e, "ss-left");
}

TEST(StreamStreamJoin, OuterJoinMatchesTheSemanticsTable) {
  StreamsBuilder builder;
  auto left = builder.Stream<OptKey, OptStr>(kLeft);
  auto right = builder.Stream<OptKey, OptStr>(kRight);
  left.OuterJoin(right, [](const std::optional<OptStr>& l, const std::optional<OptStr>& r) {
        return Joined(l ? *l : std::nullopt, r ? *r : std::nullopt);
      }, kWindows)
      .To(kOutput);
  std::vector<KeyedRows> e = InnerRows();
  e[15] = {{std::nullopt, "E-null", 16}};
  e[16] = {{std::nullopt, "null-e", 17}};
  RunJoin(builder.Build(), WithoutOutOfOrderData(), e, "ss-outer");
}

TEST(StreamStreamJoin, SelfJoinMatchesTheSemanticsTable) {
  StreamsBuilder builder;
  auto left = builder.Stream<OptKey, OptStr>(kLeft);
  left.Join(left, [](const OptStr& l, const OptStr& r) { return Joined(l, r); }, kWindows)
      .To(kOutput);
  // AbstractJoinIntegrationTest#leftInput, timestamps 1..7.
  std::vector<KeyedInput> in = {{true, kKey, std::nullopt, 1}, {true, kKey, "A", 2},
                                {true, kKey, "B", 3},          {true, kKey, std::nullopt, 4},
                                {true, kKey, "C", 5},          {true, kKey, std::nullopt, 6},
                                {true, kKey, "D", 7}};
  std::vector<KeyedRows> e(7);
  e[1] = {{kKey, "A-A", 2}};
  e[2] = {{kKey, "B-A", 3}, {kKey, "A-B", 3}, {kKey, "B-B", 3}};
  e[4] = {{kKey, "C-A", 5}, {kKey, "C-B", 5}, {kKey, "A-C", 5}, {kKey, "B-C", 5}, {kKey, "C-C", 5}};
  e[6] = {{kKey, "D-A", 7}, {kKey, "D-B", 7}, {kKey, "D-C", 7}, {kKey, "A-D", 7},
          {kKey, "B-D", 7}, {kKey, "C-D", 7}, {kKey, "D-D", 7}};
  RunJoin(builder.Build(), in, e, "ss-self");
}

// "l" left-joined with "r" into "out", 10 ms windows, no grace.
Topology LeftJoinWithin10Ms() {
  StreamsBuilder builder;
  auto left = builder.Stream<int64_t, std::string>("l");
  auto right = builder.Stream<int64_t, std::string>("r");
  left.LeftJoin(right,
                [](const std::string& l, const std::optional<std::string>& r) {
                  return l + "-" + r.value_or("null");
                },
                JoinWindows::OfTimeDifferenceWithNoGrace(std::chrono::milliseconds(10)))
      .To("out");
  return builder.Build();
}

// 10 ms windows, no grace. Worked by hand from Kafka Streams 3.1+'s rules: an
// unmatched left record waits until stream time passes ts + after + grace,
// is dropped from the wait when a match arrives, and is emitted at once if
// its window had already closed when it arrived.
TEST(StreamStreamJoin, LeftJoinEmitsUnmatchedRecordsOnlyWhenTheirWindowCloses) {
  TopologyTestDriver driver(LeftJoinWithin10Ms(), JoinConfig("ss-spurious"), 0);
  auto l = driver.CreateInputTopic<int64_t, std::string>("l");
  auto r = driver.CreateInputTopic<int64_t, std::string>("r");
  auto out = driver.CreateOutputTopic<int64_t, std::string>("out");
  using Rec = TestRecord<int64_t, std::string>;
  KSTREAMS_ASSERT_OK(l.PipeInput(1, "A", 0));   // waits: its window is open until 10
  KSTREAMS_ASSERT_OK(r.PipeInput(2, "x", 5));   // no left record of key 2 yet
  EXPECT_TRUE(out.IsEmpty());
  KSTREAMS_ASSERT_OK(l.PipeInput(2, "B", 11));  // stream time 11 closes A's window
  EXPECT_THAT(out.ReadRecordsToList(), ElementsAre(Rec{1, "A-null", 0, {}}, Rec{2, "B-x", 11, {}}));
  KSTREAMS_ASSERT_OK(l.PipeInput(1, "C", 15));  // waits
  KSTREAMS_ASSERT_OK(r.PipeInput(1, "y", 20));  // matches C: C never comes out unmatched
  EXPECT_THAT(out.ReadRecordsToList(), ElementsAre(Rec{1, "C-y", 20, {}}));
  KSTREAMS_ASSERT_OK(l.PipeInput(3, "D", 40));  // waits (window open until 50)
  KSTREAMS_ASSERT_OK(l.PipeInput(4, "E", 25));  // late: its window closed at 35 < 40
  EXPECT_THAT(out.ReadRecordsToList(), ElementsAre(Rec{4, "E-null", 25, {}}));
  // Stream time 51 (from either side) closes D's window.
  KSTREAMS_ASSERT_OK(r.PipeInput(9, "z", 51));
  EXPECT_THAT(out.ReadRecordsToList(), ElementsAre(Rec{3, "D-null", 40, {}}));
  KSTREAMS_ASSERT_OK(l.PipeInput(9, "F", 52));
  EXPECT_THAT(out.ReadRecordsToList(), ElementsAre(Rec{9, "F-z", 52, {}}));
}

// Issue 16: Java's TopologyTestDriver sets the internal outer-join emit
// interval to 0, so every record that closes a window emits its unmatched
// records although the driver's wall clock never moves. With the 1 s
// wall-clock throttle only the first scan (at wall clock 0) ran and C was
// never emitted.
TEST(StreamStreamJoin, DriverEmitsEveryClosedUnmatchedRecordWithoutWallClockThrottle) {
  TopologyTestDriver driver(LeftJoinWithin10Ms(), {{"application.id", "ss-throttle"}}, 0);
  auto l = driver.CreateInputTopic<int64_t, std::string>("l");
  auto out = driver.CreateOutputTopic<int64_t, std::string>("out");
  using Rec = TestRecord<int64_t, std::string>;
  KSTREAMS_ASSERT_OK(l.PipeInput(1, "A", 0));
  KSTREAMS_ASSERT_OK(l.PipeInput(2, "B", 11));  // closes A's window (0 + 10 < 11)
  EXPECT_THAT(out.ReadRecordsToList(), ElementsAre(Rec{1, "A-null", 0, {}}));
  KSTREAMS_ASSERT_OK(l.PipeInput(3, "C", 30));  // closes B's window (21 < 30)
  EXPECT_THAT(out.ReadRecordsToList(), ElementsAre(Rec{2, "B-null", 11, {}}));
  KSTREAMS_ASSERT_OK(l.PipeInput(4, "D", 41));  // closes C's window (40 < 41)
  EXPECT_THAT(out.ReadRecordsToList(), ElementsAre(Rec{3, "C-null", 30, {}}));
}

TEST(StreamStreamJoin, DescribesJoinNodesAndStoresAsJava) {
  StreamsBuilder builder;
  auto left = builder.Stream<std::string, std::string>("l");
  auto right = builder.Stream<std::string, std::string>("r");
  left.LeftJoin(right,
                [](const std::string& a, const std::optional<std::string>& b) {
                  return a + b.value_or("");
                },
                JoinWindows::OfTimeDifferenceWithNoGrace(std::chrono::seconds(1)))
      .To("out");
  Topology topology = builder.Build();
  // Indexes: sources 0/1, windowed 2/3, join-this 4, outer-other 5, merge 6,
  // sink 7; stores named after the join nodes.
  std::vector<std::string> stores;
  for (const auto& s : topology.data().stores()) stores.push_back(s.name);
  EXPECT_THAT(stores, ElementsAre("KSTREAM-JOINTHIS-0000000004-store",
                                  "KSTREAM-OUTEROTHER-0000000005-store",
                                  "KSTREAM-OUTERSHARED-0000000004-store"));
  const auto* join_this = topology.data().FindNode("KSTREAM-JOINTHIS-0000000004");
  ASSERT_NE(join_this, nullptr);
  EXPECT_THAT(join_this->stores, ElementsAre("KSTREAM-OUTEROTHER-0000000005-store",
                                             "KSTREAM-OUTERSHARED-0000000004-store"));
  EXPECT_NE(topology.data().FindNode("KSTREAM-WINDOWED-0000000002"), nullptr);
  EXPECT_NE(topology.data().FindNode("KSTREAM-WINDOWED-0000000003"), nullptr);
  EXPECT_NE(topology.data().FindNode("KSTREAM-MERGE-0000000006"), nullptr);
}

}  // namespace
}  // namespace kstreams::join_test
