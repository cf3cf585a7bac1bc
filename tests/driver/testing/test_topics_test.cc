// TestInputTopic / TestOutputTopic conveniences.
#include <map>
#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/kstreams.h"
#include "kstreams/testing/topology_test_driver.h"

namespace test_topics_test {

using kstreams::KeyValue;
using kstreams::TestRecord;
using kstreams::TopologyTestDriver;
using ::testing::ElementsAre;

using OptString = std::optional<std::string>;
using R = TestRecord<std::string, OptString>;

kstreams::Topology PassThrough() {
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, OptString>("in").To("out");
  return builder.Build();
}

TEST(TestInputTopicTest, AutoAdvancingTimestamps) {
  TopologyTestDriver driver(PassThrough(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, OptString>(
      "in", nullptr, nullptr, /*start_timestamp_ms=*/1000, std::chrono::milliseconds(10));
  auto out = driver.CreateOutputTopic<std::string, OptString>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("a", OptString("1")));     // 1000
  KSTREAMS_ASSERT_OK(in.PipeInput("b", OptString("2")));     // 1010
  in.AdvanceTime(std::chrono::milliseconds(100));            // 1120
  KSTREAMS_ASSERT_OK(in.PipeInput("c", OptString("3")));     // 1120
  KSTREAMS_ASSERT_OK(in.PipeInput("d", OptString("4"), 5));  // explicit: no advance
  KSTREAMS_ASSERT_OK(in.PipeInput("e", OptString("5")));     // 1130
  EXPECT_EQ(out.GetQueueSize(), 5u);
  EXPECT_THAT(out.ReadRecordsToList(),
              ElementsAre(R{"a", "1", 1000, {}}, R{"b", "2", 1010, {}}, R{"c", "3", 1120, {}},
                          R{"d", "4", 5, {}}, R{"e", "5", 1130, {}}));
  EXPECT_TRUE(out.IsEmpty());
}

TEST(TestInputTopicTest, DefaultStartIsTheDriversWallClock) {
  TopologyTestDriver driver(PassThrough(), {}, 777);
  auto in = driver.CreateInputTopic<std::string, OptString>("in");
  auto out = driver.CreateOutputTopic<std::string, OptString>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("a", OptString("1")));
  EXPECT_EQ(out.ReadRecord()->timestamp, 777);
}

TEST(TestInputTopicTest, PipeRecordListKeepsTimestampsAndHeaders) {
  TopologyTestDriver driver(PassThrough(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, OptString>("in");
  auto out = driver.CreateOutputTopic<std::string, OptString>("out");
  std::vector<R> records = {R{"a", "1", 30, {{"h", "x"}}}, R{"b", std::nullopt, 20, {}}};
  KSTREAMS_ASSERT_OK(in.PipeRecordList(records));
  EXPECT_THAT(out.ReadRecordsToList(), ElementsAre(records[0], records[1]));
}

TEST(TestOutputTopicTest, ReadKeyValuesToMapKeepsTheLatestAndDropsTombstones) {
  TopologyTestDriver driver(PassThrough(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, OptString>("in");
  auto out = driver.CreateOutputTopic<std::string, std::string>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("a", OptString("1"), 1));
  KSTREAMS_ASSERT_OK(in.PipeInput("b", OptString("2"), 2));
  KSTREAMS_ASSERT_OK(in.PipeInput("a", OptString("3"), 3));
  KSTREAMS_ASSERT_OK(in.PipeTombstone("b", 4));
  KSTREAMS_ASSERT_OK(in.PipeInput("c", OptString("5"), 5));
  EXPECT_EQ(out.ReadKeyValuesToMap(),
            (std::map<std::string, std::string>{{"a", "3"}, {"c", "5"}}));
}

TEST(TestOutputTopicTest, ReadOneAtATime) {
  TopologyTestDriver driver(PassThrough(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, OptString>("in");
  auto out = driver.CreateOutputTopic<std::string, OptString>("out");
  KSTREAMS_ASSERT_OK(in.PipeKeyValueList({{"a", "1"}, {"b", "2"}, {"c", "3"}}));
  EXPECT_EQ(out.ReadValue(), OptString("1"));
  EXPECT_EQ(out.ReadKeyValue(), (KeyValue<std::string, OptString>{"b", "2"}));
  EXPECT_EQ(out.GetQueueSize(), 1u);
  EXPECT_EQ(out.ReadRecord(), (R{"c", "3", 0, {}}));
  EXPECT_EQ(out.ReadRecord(), std::nullopt);
  EXPECT_THAT(out.ReadValuesToList(), ::testing::IsEmpty());
}

}  // namespace test_topics_test
