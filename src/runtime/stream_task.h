// src/runtime/stream_task.h  (internal: not for users)
//
// StreamTask: one active task (sub-topology x partition) in a StreamThread:
// a TaskCore (nodes, stores, punctuation, error handlers) fed from a
// PartitionGroup, and the offsets it has processed but not yet committed.
//
// Thread-compatible: owned by one StreamThread.
#ifndef KSTREAMS_SRC_RUNTIME_STREAM_TASK_H_
#define KSTREAMS_SRC_RUNTIME_STREAM_TASK_H_

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kafka/kafka_common.h"
#include "processor/task_core.h"
#include "runtime/partition_group.h"

namespace kstreams::internal {

class StreamTask {
 public:
  static absl::StatusOr<std::unique_ptr<StreamTask>> Create(
      std::shared_ptr<const TopologyData> topology, const Subtopology& subtopology,
      TaskCore::Options options, const std::vector<TopicPartition>& partitions,
      int64_t max_task_idle_ms);

  TaskId id() const { return id_; }
  absl::Status Init() { return core_->Init(); }

  void AddRecord(ConsumerRecord record) { group_.Add(std::move(record)); }
  size_t Buffered(const TopicPartition& tp) const { return group_.Buffered(tp); }
  const PartitionGroup& partition_group() const { return group_; }

  // Processes up to `max_records` records (fewer when the task runs dry or
  // must wait under max.task.idle.ms), then fires stream-time punctuators.
  // Returns how many were processed. An error fails the task.
  absl::StatusOr<int64_t> Process(int64_t max_records, int64_t now_ms);
  bool HasProcessable(int64_t now_ms) { return group_.NextPartition(now_ms).has_value(); }

  absl::Status PunctuateWallClock() { return core_->PunctuateWallClock(); }
  absl::Status Flush() { return core_->Flush(); }
  bool TakeCommitRequest() { return core_->TakeCommitRequest(); }

  // The next offset to read of every partition processed since the last
  // MarkCommitted().
  std::map<TopicPartition, int64_t> CommittableOffsets() const { return uncommitted_; }
  void MarkCommitted() { uncommitted_.clear(); }

  void Close() { core_->Close(); }

 private:
  StreamTask(TaskId id, std::unique_ptr<TaskCore> core, PartitionGroup group)
      : id_(id), core_(std::move(core)), group_(std::move(group)) {}

  TaskId id_;
  std::unique_ptr<TaskCore> core_;
  PartitionGroup group_;
  std::map<TopicPartition, int64_t> uncommitted_;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_RUNTIME_STREAM_TASK_H_
