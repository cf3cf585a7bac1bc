// src/runtime/partition_group.h  (internal: not for users)
//
// PartitionGroup: the buffered, not yet processed records of one task's
// partitions, and the choice of the next one to process: the head record with
// the lowest timestamp across the partitions (Kafka Streams' PartitionGroup),
// so that a task merging several topics processes them in timestamp order.
//
// When some of the task's partitions have buffered records and others have
// none, the task may have to wait for the empty ones (one could still bring a
// record with a lower timestamp), by max.task.idle.ms as in Java (KIP-695):
//   -1  never waits;
//   0   (the default) waits while an empty partition's fetched lag is unknown
//       or positive: records are on the broker that the consumer has not
//       fetched yet; once its lag is known to be zero, processes at once;
//   N>0 the same, then waits N ms more after the lag is known to be zero.
// An empty partition's lag is known to be zero when the consumer reported
// the partition's end (a partition EOF event) at or past the next offset the
// group expects, or when the end offset of the consumer's last fetch (its
// cached high watermark) is at or below it; it is positive when that end
// offset is above it; unknown before either is seen. Java reads the last
// stable offset under read_committed; librdkafka caches only the high
// watermark, so an open transaction or a trailing transaction marker past
// the next offset reads as lag until the next (empty) fetch reports EOF,
// at most fetch.wait.max.ms later.
//
// Thread-compatible: owned by one StreamTask.
#ifndef KSTREAMS_SRC_RUNTIME_PARTITION_GROUP_H_
#define KSTREAMS_SRC_RUNTIME_PARTITION_GROUP_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "kafka/kafka_common.h"

namespace kstreams::internal {

class PartitionGroup {
 public:
  // The end offset of `tp` as of the consumer's last fetch; nullopt when not
  // known (no fetch answered yet).
  using CachedEndOffset = std::function<std::optional<int64_t>(const TopicPartition& tp)>;

  // `cached_end_offset` may be empty: then only EOF events (FetchedToEnd)
  // tell that an empty partition has no lag.
  PartitionGroup(const std::vector<TopicPartition>& partitions, int64_t max_task_idle_ms,
                 CachedEndOffset cached_end_offset = nullptr);

  // REQUIRES: record's partition is one of this group's.
  void Add(ConsumerRecord record);
  // The consumer fetched `tp` to its end, `end_offset` (a partition EOF
  // event): every record before it has been added. Ignored for a partition
  // not in this group.
  void FetchedToEnd(const TopicPartition& tp, int64_t end_offset);

  // The partition whose head record should be processed next, or nullopt when
  // the task has nothing to process now (no records, or it waits for an
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
  // Since when (wall-clock ms) the group has been idling for an empty
  // partition with no lag under max.task.idle.ms; std::nullopt when it is
  // not.
  std::optional<int64_t> idle_since_ms() const;
  // True when the last NextPartition() chose a partition while another was
  // empty, with no lag, and its max.task.idle.ms had passed (Java's
  // enforced processing).
  bool enforced() const { return enforced_; }

 private:
  struct Queue {
    std::deque<ConsumerRecord> records;
    std::optional<int64_t> next_offset;  // after the last record added
    // Every record before this offset has been fetched and added (an EOF
    // event, or the cached end offset seen at or below next_offset).
    std::optional<int64_t> fetched_to;
    std::optional<int64_t> idle_deadline_ms;  // empty with no lag since
  };

  // The fetched lag of an empty partition: 0, positive, or nullopt (unknown).
  std::optional<int64_t> Lag(const TopicPartition& tp, Queue& queue);

  std::map<TopicPartition, Queue> queues_;
  int64_t max_task_idle_ms_;
  CachedEndOffset cached_end_offset_;
  bool enforced_ = false;
  size_t total_ = 0;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_RUNTIME_PARTITION_GROUP_H_
