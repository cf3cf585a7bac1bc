#include "runtime/partition_group.h"

#include "kstreams/status_macros.h"

namespace kstreams::internal {

PartitionGroup::PartitionGroup(const std::vector<TopicPartition>& partitions,
                               int64_t max_task_idle_ms)
    : max_task_idle_ms_(max_task_idle_ms) {
  for (const TopicPartition& tp : partitions) queues_[tp];
}

void PartitionGroup::Add(ConsumerRecord record) {
  auto it = queues_.find(TopicPartition{record.topic, record.partition});
  KSTREAMS_DCHECK(it != queues_.end());
  it->second.push_back(std::move(record));
  ++total_;
}

std::optional<TopicPartition> PartitionGroup::NextPartition(int64_t now_ms) {
  enforced_ = false;
  if (total_ == 0) return std::nullopt;
  const TopicPartition* best = nullptr;
  int64_t best_ts = 0;
  bool some_empty = false;
  for (const auto& [tp, queue] : queues_) {
    if (queue.empty()) {
      some_empty = true;
      continue;
    }
    if (best == nullptr || queue.front().timestamp < best_ts) {
      best = &tp;
      best_ts = queue.front().timestamp;
    }
  }
  if (some_empty && max_task_idle_ms_ > 0) {
    if (!idle_since_ms_) idle_since_ms_ = now_ms;
    if (now_ms - *idle_since_ms_ < max_task_idle_ms_) return std::nullopt;
    enforced_ = true;
  } else if (!some_empty) {
    idle_since_ms_.reset();
  }
  return *best;
}

const ConsumerRecord& PartitionGroup::Head(const TopicPartition& tp) const {
  return queues_.at(tp).front();
}

void PartitionGroup::Pop(const TopicPartition& tp) {
  auto& queue = queues_.at(tp);
  KSTREAMS_DCHECK(!queue.empty());
  queue.pop_front();
  --total_;
}

size_t PartitionGroup::Buffered(const TopicPartition& tp) const {
  auto it = queues_.find(tp);
  return it == queues_.end() ? 0 : it->second.size();
}

std::vector<TopicPartition> PartitionGroup::partitions() const {
  std::vector<TopicPartition> out;
  for (const auto& [tp, queue] : queues_) out.push_back(tp);
  return out;
}

}  // namespace kstreams::internal
