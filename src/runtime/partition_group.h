// src/runtime/partition_group.h  (internal: not for users)
//
// PartitionGroup: the buffered, not yet processed records of one task's
// partitions, and the choice of the next one to process: the head record with
// the lowest timestamp across the partitions (Kafka Streams' PartitionGroup),
// so that a task merging several topics processes them in timestamp order.
//
// max.task.idle.ms: when some of the task's partitions have buffered records
// and others have none, the task waits up to max.task.idle.ms for the empty
// ones before processing the others (a partition with no data could still
// bring a record with a lower timestamp). -1 never waits; 0 (the default)
// does not wait either. Java's 0 additionally waits while an empty partition
// is known to have unfetched data (consumer lag); kstreams does not track lag
// yet.
//
// Thread-compatible: owned by one StreamTask.
#ifndef KSTREAMS_SRC_RUNTIME_PARTITION_GROUP_H_
#define KSTREAMS_SRC_RUNTIME_PARTITION_GROUP_H_

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "kafka/kafka_common.h"

namespace kstreams::internal {

class PartitionGroup {
 public:
  PartitionGroup(const std::vector<TopicPartition>& partitions, int64_t max_task_idle_ms);

  // REQUIRES: record's partition is one of this group's.
  void Add(ConsumerRecord record);

  // The partition whose head record should be processed next, or nullopt when
  // the task has nothing to process now (no records, or it is waiting for an
  // empty partition under max.task.idle.ms). `now_ms` is wall-clock time.
  std::optional<TopicPartition> NextPartition(int64_t now_ms);
  // The head record of `tp`; valid until Pop(tp).
  // REQUIRES: Buffered(tp) > 0.
  const ConsumerRecord& Head(const TopicPartition& tp) const;
  void Pop(const TopicPartition& tp);

  size_t Buffered(const TopicPartition& tp) const;
  size_t TotalBuffered() const { return total_; }
  std::vector<TopicPartition> partitions() const;
  bool Contains(const TopicPartition& tp) const { return queues_.contains(tp); }
  // Since when (wall-clock ms) the group has been waiting for an empty
  // partition under max.task.idle.ms; std::nullopt when it is not waiting.
  std::optional<int64_t> idle_since_ms() const { return idle_since_ms_; }
  // True when the last NextPartition() chose a partition while another was
  // empty and max.task.idle.ms had passed (Java's enforced processing).
  bool enforced() const { return enforced_; }

 private:
  std::map<TopicPartition, std::deque<ConsumerRecord>> queues_;
  int64_t max_task_idle_ms_;
  std::optional<int64_t> idle_since_ms_;  // when some partition first ran empty
  bool enforced_ = false;
  size_t total_ = 0;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_RUNTIME_PARTITION_GROUP_H_
