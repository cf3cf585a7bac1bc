// src/runtime/state_manager.h  (internal: not for users)
//
// StateManager: the changelog side of one task's stores (Java's
// ProcessorStateManager). It knows every logged store the task registered
// (TaskCore::restore_registrations), the changelog partition of each
// ("<application.id>-<store>-changelog", task partition), the offset of the
// last changelog record each store holds, and the task's `.checkpoint` file.
//
// Offsets: loaded from the checkpoint for persistent stores (in-memory
// stores always restore from the beginning), advanced by restoration
// (ChangelogReader) and by the acknowledged offsets of the records the task
// writes to its changelogs (UpdateOffsets, at each commit).
//
// Checkpoints (Kafka Streams' protocol): after a commit, CheckpointNeeded()
// is true when the offsets moved by more than kCheckpointOffsetDelta since
// the last checkpoint (or always, on clean close); the runtime then makes the
// stores durable (TaskCore::Flush) and calls WriteCheckpoint(), so a
// checkpoint never runs ahead of what is on disk.
//
// Transactional stores (exactly_once_v2): BeginTransactions() asks each
// persistent store to keep its writes apart until CommitTransactions(), which
// the runtime calls after each committed transaction. Such a store knows the
// offset its committed contents reach, so after a crash (no checkpoint) it
// is not wiped: restoration replays only the changelog after that offset.
// Stores that cannot (in-memory, window, session, versioned) keep Kafka
// Streams' rule: no checkpoint, wiped and restored in full.
//
// Thread-compatible: owned by the StreamTask; the stream thread calls it.
#ifndef KSTREAMS_SRC_RUNTIME_STATE_MANAGER_H_
#define KSTREAMS_SRC_RUNTIME_STATE_MANAGER_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "kstreams/processor/state_store.h"
#include "kstreams/processor/task_id.h"
#include "kstreams/topic_partition.h"
#include "runtime/task_core.h"
#include "runtime/checkpoint_file.h"

namespace kstreams::internal {

// Java's StateManagerUtil.OFFSET_DELTA_THRESHOLD_FOR_CHECKPOINT.
inline constexpr int64_t kCheckpointOffsetDelta = 10000;

class StateManager {
 public:
  struct Changelog {
    std::string store_name;
    TopicPartition partition;  // "<application.id>-<store>-changelog", task partition
    StateRestoreCallback* callback = nullptr;
    bool persistent = false;
    // The offset of the last changelog record the store holds (restored,
    // or written and acknowledged); std::nullopt: none known, restore from
    // the beginning.
    std::optional<int64_t> offset;
    // The store keeps uncommitted writes apart (BeginTransactions()).
    bool transactional = false;
  };

  StateManager(const std::string& application_id, TaskId task, std::filesystem::path task_dir,
               const std::vector<TaskCore::RestoreRegistration>& registrations);

  // Loads the persistent stores' offsets from the checkpoint. A corrupt
  // checkpoint is logged (naming the file and the problem) and treated as
  // missing, so every store restores from the beginning. Entries for stores
  // the task does not have are ignored (logged).
  void LoadCheckpoint();

  TaskId task_id() const { return task_; }
  std::vector<Changelog>& changelogs() { return changelogs_; }
  const std::vector<Changelog>& changelogs() const { return changelogs_; }
  bool empty() const { return changelogs_.empty(); }

  // exactly_once_v2, after LoadCheckpoint(): StateRestoreCallback::
  // BeginTransactions on every persistent store. A store that supports it
  // becomes `transactional`, and the offset it committed last (if any)
  // replaces the checkpoint's, which a crash may have left behind it. Stores
  // that do not are left as they are.
  absl::Status BeginTransactions();
  // The thread's transaction committed: each transactional store commits
  // its writes with its changelog's acknowledged offset (UpdateOffsets first).
  absl::Status CommitTransactions();

  // Every logged store's known offset.
  std::map<TopicPartition, int64_t> Offsets() const;
  // Moves offsets forward to what `acked` (the record collector) reports
  // for each changelog partition.
  void UpdateOffsets(const std::function<std::optional<int64_t>(const TopicPartition&)>& acked);
  // Kafka Streams' StateManagerUtil.checkpointNeeded: always when
  // `enforce`, else when the offsets moved by more than
  // kCheckpointOffsetDelta in total since the last checkpoint (or since
  // LoadCheckpoint()).
  bool CheckpointNeeded(bool enforce) const;
  // Writes the offsets of the persistent logged stores (Java's
  // OFFSET_UNKNOWN where none is known).
  // REQUIRES: the stores were made durable (TaskCore::Flush) after the
  // offsets were last updated.
  absl::Status WriteCheckpoint();

  const CheckpointFile& checkpoint_file() const { return checkpoint_; }

  // The task's restore-rate/total sensor (records restored), or nullptr;
  // the ChangelogReader records each batch it applies.
  void set_restore_sensor(Sensor* sensor) { restore_sensor_ = sensor; }
  Sensor* restore_sensor() const { return restore_sensor_; }

 private:
  TaskId task_;
  CheckpointFile checkpoint_;
  std::vector<Changelog> changelogs_;
  std::map<TopicPartition, int64_t> checkpointed_;  // Offsets() at the last checkpoint
  Sensor* restore_sensor_ = nullptr;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_RUNTIME_STATE_MANAGER_H_
