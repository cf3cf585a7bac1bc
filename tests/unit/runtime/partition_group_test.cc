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
  // Both fetched to their ends: a partition that runs dry has no lag.
  group.FetchedToEnd({"a", 0}, 2);
  group.FetchedToEnd({"b", 0}, 2);
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

TEST(PartitionGroup, WaitsUpToMaxTaskIdleOnceAnEmptyPartitionHasNoLag) {
  PartitionGroup group({{"a", 0}, {"b", 0}}, /*max_task_idle_ms=*/100);
  group.Add(Rec("a", 0, 0, 10));
  // b's lag is unknown (no fetch reported yet): no idling deadline either.
  EXPECT_FALSE(group.NextPartition(1000).has_value());
  EXPECT_FALSE(group.idle_since_ms().has_value());
  group.FetchedToEnd({"b", 0}, 0);  // b is empty on the broker
  EXPECT_FALSE(group.NextPartition(1000).has_value());  // starts idling
  EXPECT_EQ(group.idle_since_ms(), 1000);
  EXPECT_FALSE(group.NextPartition(1099).has_value());
  EXPECT_EQ(group.NextPartition(1100), (TopicPartition{"a", 0}));
  EXPECT_TRUE(group.enforced());
  // Data on every partition ends the idling.
  group.Add(Rec("b", 0, 0, 5));
  EXPECT_EQ(group.NextPartition(1100), (TopicPartition{"b", 0}));
  EXPECT_FALSE(group.enforced());
  EXPECT_FALSE(group.idle_since_ms().has_value());
  group.Pop({"b", 0});
  // b ran dry again past its last reported end (0): its lag is unknown
  // until the consumer reports the end again.
  EXPECT_FALSE(group.NextPartition(5000).has_value());
  group.FetchedToEnd({"b", 0}, 1);
  EXPECT_FALSE(group.NextPartition(5000).has_value());  // idles 100 ms anew
  EXPECT_EQ(group.NextPartition(5100), (TopicPartition{"a", 0}));
}

TEST(PartitionGroup, MinusOneNeverWaits) {
  PartitionGroup group({{"a", 0}, {"b", 0}}, /*max_task_idle_ms=*/-1);
  group.Add(Rec("a", 0, 0, 10));
  EXPECT_EQ(group.NextPartition(0), (TopicPartition{"a", 0}));  // b's lag unknown
  EXPECT_FALSE(group.enforced());
}

// Java's default (KIP-695): max.task.idle.ms=0 waits while an empty
// partition's fetched lag is unknown or positive, and not at all once it is
// known to be zero.
TEST(PartitionGroup, ZeroWaitsOnlyWhileAnEmptyPartitionMayHaveUnfetchedRecords) {
  std::map<TopicPartition, int64_t> end_offsets;
  PartitionGroup group({{"a", 0}, {"b", 0}}, /*max_task_idle_ms=*/0,
                       [&](const TopicPartition& tp) -> std::optional<int64_t> {
                         auto it = end_offsets.find(tp);
                         if (it == end_offsets.end()) return std::nullopt;
                         return it->second;
                       });
  group.Add(Rec("a", 0, 0, 10));
  group.Add(Rec("a", 0, 1, 11));
  end_offsets[{"a", 0}] = 2;  // a's last fetch reached its end
  // Nothing known about b.
  EXPECT_FALSE(group.NextPartition(0).has_value());
  // A cached end offset alone does not say where b's next record is.
  end_offsets[{"b", 0}] = 2;
  EXPECT_FALSE(group.NextPartition(0).has_value());
  // b's records 0 and 1 arrive (timestamps after a's) and are processed.
  group.Add(Rec("b", 0, 0, 20));
  group.Add(Rec("b", 0, 1, 21));
  EXPECT_THAT(Drain(group, 0), ::testing::ElementsAre("a@0", "a@1", "b@0", "b@1"));
  group.Add(Rec("a", 0, 2, 30));
  end_offsets[{"a", 0}] = 3;
  // b: next offset 2, end offset 2: no lag, a's record goes at once.
  EXPECT_EQ(group.NextPartition(0), (TopicPartition{"a", 0}));
  EXPECT_TRUE(group.enforced());
  group.Pop({"a", 0});
  // b's broker ends at 4 while b's next offset is 3: offset 3 is not
  // fetched yet: wait.
  group.Add(Rec("a", 0, 3, 40));
  end_offsets[{"a", 0}] = 4;
  group.Add(Rec("b", 0, 2, 31));
  group.Pop({"b", 0});  // as if processed
  end_offsets[{"b", 0}] = 4;
  EXPECT_FALSE(group.NextPartition(0).has_value());
  EXPECT_FALSE(group.NextPartition(1'000'000).has_value());  // no deadline while lag > 0
  // Offset 3 was a transaction marker: the next fetch brings no record and
  // reports b's end at 4 (an EOF event), while the cached end stays 4.
  group.FetchedToEnd({"b", 0}, 4);
  EXPECT_EQ(group.NextPartition(1'000'000), (TopicPartition{"a", 0}));
}

TEST(PartitionGroup, EndEventsForOtherPartitionsAreIgnored) {
  PartitionGroup group({{"a", 0}, {"b", 0}}, 0);
  group.Add(Rec("a", 0, 0, 10));
  group.FetchedToEnd({"c", 0}, 7);
  EXPECT_FALSE(group.NextPartition(0).has_value());
}

}  // namespace
