// src/runtime/stream_task.h  (internal: not for users)
//
// StreamTask: one active task (sub-topology x partition) in a StreamThread:
// a TaskCore (nodes, stores, punctuation, error handlers) fed from a
// PartitionGroup, its StateManager (changelogs, checkpoint), the offsets it
// has processed but not yet committed, and its QueryableTask (the lock that
// interactive queries share with the stream thread).
//
// Life cycle (Java's StreamTask states):
//   Create -> InitStores()    stores open, logged ones registered; the task
//                             is RESTORING while it has changelogs to read
//          -> CompleteRestoration()   nodes initialized: RUNNING
//          -> Close()
// Every method that touches the stores takes the task's store lock.
//
// Thread-compatible: owned by one StreamThread.
#ifndef KSTREAMS_SRC_RUNTIME_STREAM_TASK_H_
#define KSTREAMS_SRC_RUNTIME_STREAM_TASK_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kafka/kafka_common.h"
#include "runtime/task_core.h"
#include "runtime/local_store_registry.h"
#include "runtime/partition_group.h"
#include "runtime/state_manager.h"

namespace kstreams::internal {

class StreamTask {
 public:
  static absl::StatusOr<std::unique_ptr<StreamTask>> Create(
      std::shared_ptr<const TopologyData> topology, const Subtopology& subtopology,
      TaskCore::Options options, const std::vector<TopicPartition>& partitions,
      int64_t max_task_idle_ms, PartitionGroup::CachedEndOffset cached_end_offset);

  TaskId id() const { return id_; }
  const std::vector<TopicPartition>& partitions() const { return partitions_; }

  // Opens the stores and loads the checkpoint's offsets (StateManager).
  absl::Status InitStores();
  // True from InitStores() until CompleteRestoration().
  bool restoring() const { return restoring_; }
  // Initializes the nodes; the task processes from now on. Call once the
  // ChangelogReader restored every changelog of the task.
  absl::Status CompleteRestoration();

  StateManager& state_manager() { return *state_; }
  std::mutex& store_lock() { return queryable_->mu; }
  const std::shared_ptr<QueryableTask>& queryable() const { return queryable_; }

  void AddRecord(ConsumerRecord record) { group_.Add(std::move(record)); }
  // The consumer fetched `tp` to its end (PartitionGroup::FetchedToEnd).
  void FetchedToEnd(const TopicPartition& tp, int64_t end_offset) {
    group_.FetchedToEnd(tp, end_offset);
  }
  const PartitionGroup& partition_group() const { return group_; }

  // Processes up to `max_records` records (fewer when the task runs dry or
  // must wait under max.task.idle.ms), then fires stream-time punctuators.
  // Returns how many were processed. An error fails the task.
  absl::StatusOr<int64_t> Process(int64_t max_records, int64_t now_ms);
  bool HasProcessable(int64_t now_ms) {
    return !restoring_ && group_.NextPartition(now_ms).has_value();
  }

  absl::Status PunctuateWallClock();
  // Caches written down (every commit).
  absl::Status FlushCaches();
  // Caches written down and stores made durable (before a checkpoint).
  absl::Status Flush();
  // exactly_once_v2: the transactional stores commit what the task wrote,
  // with the changelog offsets StateManager::UpdateOffsets gave them
  // (StateManager::CommitTransactions), under the store lock.
  absl::Status CommitStoreTransactions();
  bool TakeCommitRequest() { return core_->TakeCommitRequest(); }
  // Records dropped so far (late windowed records, skipped records).
  int64_t dropped_records() const { return core_->dropped_records(); }

  // The next offset to read of every partition processed since the last
  // MarkCommitted().
  const std::map<TopicPartition, int64_t>& CommittableOffsets() const { return uncommitted_; }
  void MarkCommitted();
  // `tp` counts as processed up to `next_offset` (not committed yet).
  void SetUncommitted(const TopicPartition& tp, int64_t next_offset) {
    uncommitted_[tp] = next_offset;
  }
  // The last committed offsets (next offset to read) of the partitions.
  const std::map<TopicPartition, int64_t>& committed_offsets() const { return committed_; }

  // Closes nodes and stores (queries see the task no more). Idempotent.
  void Close();

 private:
  StreamTask(TaskId id, std::unique_ptr<TaskCore> core, PartitionGroup group,
             std::vector<TopicPartition> partitions, std::string application_id)
      : id_(id),
        core_(std::move(core)),
        group_(std::move(group)),
        partitions_(std::move(partitions)),
        application_id_(std::move(application_id)),
        queryable_(std::make_shared<QueryableTask>(id)) {}

  TaskId id_;
  std::unique_ptr<TaskCore> core_;
  PartitionGroup group_;
  std::vector<TopicPartition> partitions_;
  std::string application_id_;
  std::shared_ptr<QueryableTask> queryable_;
  std::unique_ptr<StateManager> state_;
  bool restoring_ = false;
  std::map<TopicPartition, int64_t> uncommitted_;
  std::map<TopicPartition, int64_t> committed_;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_RUNTIME_STREAM_TASK_H_
