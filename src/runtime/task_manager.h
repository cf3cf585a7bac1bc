// src/runtime/task_manager.h  (internal: not for users)
//
// TaskManager (Java's TaskManager, with the task execution Java keeps in
// TaskExecutor): the active tasks of one StreamThread. It creates the tasks of
// an assignment and closes them on revocation, runs the commit protocol,
// hands restored tasks over to processing, keeps the offset bookkeeping
// (processed-but-uncommitted offsets, and those a refused commit left behind
// for the next assignment) and the task metadata the thread reports.
//
// The StreamThread keeps the clients, its state machine, poll budgeting, the
// restore phase and the rebalance callbacks, and calls the TaskManager; the
// TaskManager never calls the StreamThread. What it needs of the thread's
// clients comes in as arguments: the RecordCollectorImpl (the producer side),
// the ChangelogReader (the restore consumer side) and TaskClients (the main
// consumer, and what follows a commit).
//
// Example (what StreamThread does):
//   TaskManager tasks(options);
//   // inside the consumer's rebalance callbacks
//   absl::Status s = tasks.HandleAssignment(partitions);
//   // the loop
//   for (ConsumerRecord& r : polled) tasks.AddRecord(std::move(r));
//   KSTREAMS_ASSIGN_OR_RETURN(int64_t n, tasks.ProcessRound(now_ms));
//   KSTREAMS_RETURN_IF_ERROR(tasks.Commit(/*enforce_checkpoint=*/false, std::nullopt));
//
// Thread-compatible: every method runs on the owning stream thread, except
// Metadata(), which any thread may call.
#ifndef KSTREAMS_SRC_RUNTIME_TASK_MANAGER_H_
#define KSTREAMS_SRC_RUNTIME_TASK_MANAGER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kafka/kafka_common.h"
#include "kstreams/processor/internal/topology_data.h"
#include "kstreams/runtime/kafka_streams.h"
#include "runtime/changelog_reader.h"
#include "runtime/local_store_registry.h"
#include "runtime/record_collector.h"
#include "runtime/runtime_config.h"
#include "runtime/stream_task.h"
#include "state/thread_cache.h"

namespace kstreams::internal {

// The thread's main consumer as the TaskManager uses it, and what follows a
// successful commit. StreamThread passes an adapter over its Consumer (and
// its repartition purger); unit tests pass a fake.
class TaskClients {
 public:
  virtual ~TaskClients() = default;
  virtual absl::Status Pause(const std::vector<TopicPartition>& partitions) = 0;
  virtual absl::Status Resume(const std::vector<TopicPartition>& partitions) = 0;
  // Commits the next offsets to read, synchronously (Consumer::CommitSync).
  virtual absl::Status CommitSync(const std::map<TopicPartition, int64_t>& offsets) = 0;
  // The group's committed offsets; std::nullopt for a partition without one.
  virtual absl::StatusOr<std::map<TopicPartition, std::optional<int64_t>>> Committed(
      const std::vector<TopicPartition>& partitions, absl::Duration timeout) = 0;
  // The end offset (high watermark) of `tp` as the consumer last saw it.
  virtual std::optional<int64_t> CachedEndOffset(const TopicPartition& tp) const = 0;
  // `offsets` were committed at `now_ms`.
  virtual void OnCommitted(const std::map<TopicPartition, int64_t>& offsets, int64_t now_ms) = 0;

  // --- exactly_once_v2 (the thread's transactional producer). Errors carry
  // a TransactionErrorKind (kafka/producer.h). The defaults refuse.

  // Adds `offsets` (next offsets to read; may be empty) to the open
  // transaction with the consumer's group metadata, then commits it. No
  // transaction open and no offsets: nothing to do.
  virtual absl::Status CommitTransaction(const std::map<TopicPartition, int64_t>& offsets);
  // Aborts the open transaction, if any.
  virtual absl::Status AbortTransaction();
  // The consumer's next fetch of `tp` starts at `offset`.
  virtual absl::Status Seek(const TopicPartition& tp, int64_t offset);
};

class TaskManager {
 public:
  struct Options {
    // The owning thread's name: the prefix of log lines.
    std::string name;
    std::shared_ptr<const TopologyData> topology;
    // The client's parsed config (application.id, the task engine's
    // settings, max.task.idle.ms, max.poll.interval.ms, global stores).
    RuntimeConfig config;
    // Gets the tasks' stores for interactive queries. Shared by the client's
    // threads.
    std::shared_ptr<LocalStoreRegistry> registry;
    // Not owned; each outlives the TaskManager.
    TaskClients* clients = nullptr;
    RecordCollectorImpl* collector = nullptr;
    ChangelogReader* changelog_reader = nullptr;
  };

  explicit TaskManager(Options options);
  TaskManager(const TaskManager&) = delete;
  TaskManager& operator=(const TaskManager&) = delete;
  ~TaskManager();

  // What the thread's consumer subscribes to: the decorated source topics,
  // or, when the topology has source patterns, one regex over them all
  // (empty otherwise).
  const std::vector<std::string>& source_topics() const { return source_topics_; }
  const std::string& source_pattern() const { return source_pattern_; }

  // --- Rebalance (called from the consumer's rebalance callbacks).

  // Where fetching starts for partitions this thread processed before the
  // last revocation without a confirmed commit: the offsets processed here,
  // unless the group committed further meanwhile. Other partitions are
  // absent (they start at the group's committed offset).
  std::map<TopicPartition, int64_t> StartOffsets(const std::vector<TopicPartition>& partitions);
  // Creates one task per (sub-topology, partition) of `partitions` that has
  // none yet: stores opened and the checkpoint loaded; a task without logged
  // stores starts processing at once, the others restore (their changelogs
  // registered with the reader, their input partitions paused). Keeps going
  // after an error; returns the first.
  absl::Status HandleAssignment(const std::vector<TopicPartition>& partitions);
  // Closes every task; when `clean`, commits and checkpoints first and
  // remembers what the commit could not cover (StartOffsets). Returns the
  // commit's error; the tasks are closed either way. `closing_deadline_ms`:
  // see Commit().
  absl::Status CloseTasks(bool clean, std::optional<int64_t> closing_deadline_ms);
  // exactly_once_v2: creates the tasks of `partitions` (closed dirty
  // before) again, their input read again from the group's committed
  // offsets (the beginning without one), their stores restored.
  absl::Status RecreateTasks(const std::vector<TopicPartition>& partitions);

  // --- Restoration.

  // Initializes the nodes of the tasks whose changelogs the reader restored
  // and resumes their input partitions.
  absl::Status CompleteRestoredTasks();

  // --- Processing.

  // Routes a polled record to the task of its partition (dropped when no
  // task owns it any more).
  void AddRecord(ConsumerRecord record);
  // The main consumer fetched `tp` to its end (a partition EOF event): its
  // task knows that partition has no lag (max.task.idle.ms, KIP-695).
  void FetchedToEnd(const TopicPartition& tp, int64_t end_offset);
  // True when some running task has a record it may process now.
  bool HasProcessable(int64_t now_ms);
  // Records buffered in every task's partition queues.
  size_t BufferedRecords() const;
  // Partitions assigned to this thread's tasks.
  size_t AssignedPartitions() const { return task_by_partition_.size(); }
  // One round over the tasks: each processes up to `max_records_per_task`
  // records and fires its stream-time punctuators. Returns the records
  // processed. Errors name the task; a producer failure stops the round.
  absl::StatusOr<int64_t> ProcessRound(int64_t max_records_per_task, int64_t now_ms);
  absl::Status PunctuateWallClock();
  // True when a processor asked for a commit since the last call.
  bool TakeCommitRequests();

  // --- The commit protocol (see src/runtime/README.md).

  // Flushes the running tasks' caches, flushes the producer and checks every
  // delivery, commits the processed offsets synchronously (a commit refused
  // by a rebalance, a coordinator move or a timeout is logged and skipped),
  // then checkpoints the tasks whose changelog offsets moved by more than
  // 10,000 (every task when `enforce_checkpoint`). `closing_deadline_ms`:
  // set while the thread shuts down, to the wall-clock time the producer
  // flush must end by (int64 max: no limit).
  //
  // Under exactly_once_v2 the offsets go into the thread's transaction,
  // which is then committed; no checkpoint is written unless
  // `enforce_checkpoint` (a clean close), as in Java. A transaction that
  // cannot commit (an abortable error) is aborted and every task is
  // rewound: closed dirty and made again (its stores wiped and restored
  // from the changelog, its input read again from the committed offsets).
  // A fatal producer error (fenced) is returned: the StreamThread replaces
  // its producer and calls RecreateTasks. Under either guarantee, a failed
  // delivery the production handler answered RETRY to commits nothing and
  // rewinds every task the same way (RewindAfterRetry).
  absl::Status Commit(bool enforce_checkpoint, std::optional<int64_t> closing_deadline_ms);
  // Wall-clock time of the last commit, or of the last
  // RestartCommitClock() after it (the thread's start).
  int64_t last_commit_ms() const { return last_commit_ms_; }
  void RestartCommitClock(int64_t now_ms) { last_commit_ms_ = now_ms; }

  // --- Metadata.

  // A snapshot of the active tasks (Java's TaskMetadata) and the records
  // dropped by this thread's tasks (closed ones included) and its producer,
  // refreshed when tasks are created, restored or closed and after each
  // commit. Any thread.
  std::vector<KafkaStreams::TaskMetadata> Metadata(int64_t* dropped_records) const;

  // Tests: the task with `id`, or nullptr.
  StreamTask* task(TaskId id) const;
  size_t num_tasks() const { return tasks_.size(); }

 private:
  const Subtopology* SubtopologyFor(const std::string& topic);
  // exactly_once_v2: `s` came from committing the transaction. Aborts it;
  // unless the tasks are closing anyway, rewinds them (see Commit()).
  absl::Status HandleTransactionError(const absl::Status& s);
  // Closes every task dirty and creates them again for the same partitions,
  // their input read again from the group's committed offsets.
  absl::Status RewindTasks();
  // A failed delivery the production handler answered RETRY to (Java's
  // TaskCorruptedException): nothing is committed (the transaction, under
  // exactly_once_v2, is aborted) and the tasks are rewound; while closing,
  // an error says the records are processed again after the restart.
  absl::Status RewindAfterRetry();
  void UpdateMetadata();

  const std::string name_;
  std::shared_ptr<const TopologyData> topology_;
  const RuntimeConfig rc_;
  std::shared_ptr<LocalStoreRegistry> registry_;
  TaskClients* const clients_;
  RecordCollectorImpl* const collector_;
  ChangelogReader* const changelog_reader_;

  std::vector<Subtopology> subtopologies_;
  std::map<std::string, size_t> subtopology_by_topic_;  // decorated topic
  std::vector<std::pair<std::regex, size_t>> subtopology_patterns_;
  std::vector<std::string> source_topics_;
  std::string source_pattern_;

  // The record cache shared by this thread's stores: statestore.cache.max.bytes
  // split evenly across the threads. Outlives the tasks.
  std::unique_ptr<ThreadCache> cache_;
  std::map<TaskId, std::unique_ptr<StreamTask>> tasks_;
  std::map<TopicPartition, StreamTask*> task_by_partition_;
  // Offsets this thread processed but could not commit when its tasks
  // closed at a revocation (the embedded broker refuses commits during a
  // rebalance). If the same partitions come straight back, fetching resumes
  // there instead of at the older committed offset, and the next commit
  // covers them; otherwise whoever gets them reprocesses (at least once).
  std::map<TopicPartition, int64_t> unconfirmed_offsets_;
  std::map<TopicPartition, int64_t> resumed_offsets_;  // chosen by StartOffsets
  int64_t last_commit_ms_ = 0;
  bool closing_ = false;  // inside CloseTasks()
  // Records dropped by tasks since closed here.
  int64_t dropped_by_closed_tasks_ = 0;

  mutable std::mutex mu_;  // guards metadata_ and dropped_records_
  std::vector<KafkaStreams::TaskMetadata> metadata_;
  int64_t dropped_records_ = 0;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_RUNTIME_TASK_MANAGER_H_
