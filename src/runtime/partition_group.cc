#include "runtime/partition_group.h"

#include <algorithm>

#include "kstreams/status_macros.h"

namespace kstreams::internal {

PartitionGroup::PartitionGroup(const std::vector<TopicPartition>& partitions,
                               int64_t max_task_idle_ms, CachedEndOffset cached_end_offset)
    : max_task_idle_ms_(max_task_idle_ms), cached_end_offset_(std::move(cached_end_offset)) {
  for (const TopicPartition& tp : partitions) queues_[tp];
}

void PartitionGroup::Add(ConsumerRecord record) {
  auto it = queues_.find(TopicPartition{record.topic, record.partition});
  KSTREAMS_DCHECK(it != queues_.end());
  it->second.next_offset = record.offset + 1;
  it->second.records.push_back(std::move(record));
  ++total_;
}

void PartitionGroup::FetchedToEnd(const TopicPartition& tp, int64_t end_offset) {
  auto it = queues_.find(tp);
  if (it != queues_.end()) it->second.fetched_to = end_offset;
}

std::optional<int64_t> PartitionGroup::Lag(const TopicPartition& tp, Queue& queue) {
  if (queue.fetched_to && (!queue.next_offset || *queue.fetched_to >= *queue.next_offset)) {
    return 0;
  }
  // Records came after the last EOF (or none came and no EOF yet): the
  // consumer's last fetch tells how far the partition goes.
  if (!queue.next_offset || !cached_end_offset_) return std::nullopt;
  std::optional<int64_t> end = cached_end_offset_(tp);
  if (!end || *end < 0) return std::nullopt;
  if (*end <= *queue.next_offset) {
    queue.fetched_to = *queue.next_offset;  // no need to ask again until more records come
    return 0;
  }
  return *end - *queue.next_offset;
}

std::optional<TopicPartition> PartitionGroup::NextPartition(int64_t now_ms) {
  enforced_ = false;
  if (total_ == 0) return std::nullopt;
  const TopicPartition* best = nullptr;
  int64_t best_ts = 0;
  bool enforced = false;
  for (auto& [tp, queue] : queues_) {
    if (!queue.records.empty()) {
      queue.idle_deadline_ms.reset();
      if (best == nullptr || queue.records.front().timestamp < best_ts) {
        best = &tp;
        best_ts = queue.records.front().timestamp;
      }
      continue;
    }
    if (max_task_idle_ms_ < 0) continue;  // never waits
    std::optional<int64_t> lag = Lag(tp, queue);
    if (!lag || *lag > 0) {
      // Records this partition has on the broker must be fetched first.
      queue.idle_deadline_ms.reset();
      return std::nullopt;
    }
    if (!queue.idle_deadline_ms) queue.idle_deadline_ms = now_ms + max_task_idle_ms_;
    if (now_ms < *queue.idle_deadline_ms) return std::nullopt;
    enforced = true;
  }
  enforced_ = enforced;
  return *best;
}

std::optional<int64_t> PartitionGroup::idle_since_ms() const {
  std::optional<int64_t> since;
  for (const auto& [tp, queue] : queues_) {
    if (!queue.idle_deadline_ms) continue;
    const int64_t started = *queue.idle_deadline_ms - max_task_idle_ms_;
    since = since ? std::min(*since, started) : started;
  }
  return since;
}

const ConsumerRecord& PartitionGroup::Head(const TopicPartition& tp) const {
  return queues_.at(tp).records.front();
}

void PartitionGroup::Pop(const TopicPartition& tp) {
  auto& queue = queues_.at(tp).records;
  KSTREAMS_DCHECK(!queue.empty());
  queue.pop_front();
  --total_;
}

size_t PartitionGroup::Buffered(const TopicPartition& tp) const {
  auto it = queues_.find(tp);
  return it == queues_.end() ? 0 : it->second.records.size();
}

std::vector<TopicPartition> PartitionGroup::partitions() const {
  std::vector<TopicPartition> out;
  for (const auto& [tp, queue] : queues_) out.push_back(tp);
  return out;
}

}  // namespace kstreams::internal
