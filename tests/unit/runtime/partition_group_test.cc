#include "runtime/partition_group.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace {

using kstreams::internal::ConsumerRecord;
using kstreams::internal::PartitionGroup;
using kstreams::internal::TopicPartition;

ConsumerRecord Rec(const std::string& topic, int32_t partition, int64_t offset, int64_t ts) {
  ConsumerRecord r;
  r.topic = topic;
  r.partition = partition;
  r.offset = offset;
  r.timestamp = ts;
  return r;
}

// Pops everything processable at `now`, returning "topic@offset".
std::vector<std::string> Drain(PartitionGroup& group, int64_t now) {
  std::vector<std::string> out;
  while (auto tp = group.NextPartition(now)) {
    out.push_back(tp->topic + "@" + std::to_string(group.Head(*tp).offset));
    group.Pop(*tp);
  }
  return out;
}

TEST(PartitionGroup, ProcessesHeadWithLowestTimestampAcrossPartitions) {
  PartitionGroup group({{"a", 0}, {"b", 0}}, /*max_task_idle_ms=*/0);
  group.Add(Rec("a", 0, 0, 10));
  group.Add(Rec("a", 0, 1, 30));
  group.Add(Rec("b", 0, 0, 20));
  group.Add(Rec("b", 0, 1, 40));
  EXPECT_EQ(group.TotalBuffered(), 4u);
  EXPECT_THAT(Drain(group, 0), ::testing::ElementsAre("a@0", "b@0", "a@1", "b@1"));
  EXPECT_EQ(group.TotalBuffered(), 0u);
}

TEST(PartitionGroup, KeepsOffsetOrderWithinAPartition) {
  PartitionGroup group({{"a", 0}}, 0);
  group.Add(Rec("a", 0, 0, 50));
  group.Add(Rec("a", 0, 1, 10));  // out-of-order timestamp: still after offset 0
  EXPECT_THAT(Drain(group, 0), ::testing::ElementsAre("a@0", "a@1"));
}

TEST(PartitionGroup, WaitsUpToMaxTaskIdleForAnEmptyPartition) {
  PartitionGroup group({{"a", 0}, {"b", 0}}, /*max_task_idle_ms=*/100);
  group.Add(Rec("a", 0, 0, 10));
  EXPECT_FALSE(group.NextPartition(1000).has_value());  // starts waiting
  EXPECT_FALSE(group.NextPartition(1099).has_value());
  EXPECT_EQ(group.NextPartition(1100), (TopicPartition{"a", 0}));
  // Data on every partition resets the wait.
  group.Add(Rec("b", 0, 0, 5));
  EXPECT_EQ(group.NextPartition(1100), (TopicPartition{"b", 0}));
  group.Pop({"b", 0});
  EXPECT_FALSE(group.NextPartition(1101).has_value());
}

TEST(PartitionGroup, ZeroAndNegativeIdleDoNotWait) {
  for (int64_t idle : {0, -1}) {
    PartitionGroup group({{"a", 0}, {"b", 0}}, idle);
    group.Add(Rec("a", 0, 0, 10));
    EXPECT_EQ(group.NextPartition(0), (TopicPartition{"a", 0})) << idle;
  }
}

}  // namespace
