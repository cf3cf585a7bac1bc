// src/runtime/stream_thread.h  (internal: not for users)
//
// StreamThread: one processing thread of a KafkaStreams client. It owns a
// consumer (member of the group `application.id`, `range` assignor), a
// producer with its RecordCollectorImpl, the restore consumer with its
// ChangelogReader, and a TaskManager holding the StreamTasks of the
// partitions currently assigned to it. The thread keeps its state machine,
// poll budgeting, the restore phase and the rebalance callbacks; the
// TaskManager creates and closes the tasks and commits. See
// src/runtime/README.md for the loop and the commit protocol.
//
// Thread-safety: CreateClients() and Start() once, from the owner;
// RequestShutdown(), Join(), state() and metadata() may be called from any
// thread; everything else runs on the thread itself. Interactive queries
// reach the tasks' stores through the LocalStoreRegistry, under each task's
// store lock, which the thread holds whenever it touches those stores.
#ifndef KSTREAMS_SRC_RUNTIME_STREAM_THREAD_H_
#define KSTREAMS_SRC_RUNTIME_STREAM_THREAD_H_

#include <algorithm>
#include <atomic>
#include <limits>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"
#include "kstreams/processor/internal/topology_data.h"
#include "kstreams/processor/state_restore_listener.h"
#include "kstreams/runtime/kafka_streams.h"
#include "kstreams/streams_config.h"
#include "runtime/changelog_reader.h"
#include "runtime/internal_topics.h"
#include "runtime/client_metrics.h"
#include "runtime/local_store_registry.h"
#include "runtime/record_collector.h"
#include "runtime/runtime_config.h"
#include "runtime/task_manager.h"

namespace kstreams::internal {

// Java's StreamThread.State.
enum class ThreadState {
  kCreated,
  kStarting,
  kPartitionsRevoked,
  kPartitionsAssigned,
  kRunning,
  kPendingShutdown,
  kDead,
};
std::string_view ThreadStateName(ThreadState state);

class StreamThread {
 public:
  struct Callbacks {
    // Every state change, on the stream thread.
    std::function<void(StreamThread*, ThreadState new_state, ThreadState old_state)>
        on_state_change;
    // The thread is about to end with `error` (tasks closed without commit,
    // consumer closed). Runs on the stream thread after it reached kDead.
    std::function<void(StreamThread*, const absl::Status& error)> on_failure;
  };

  // `restore_listener` may be null. `registry` (shared by the instance's
  // threads) gets this thread's tasks for interactive queries.
  StreamThread(std::string name, std::shared_ptr<const TopologyData> topology,
               RuntimeConfig runtime_config, Callbacks callbacks,
               std::shared_ptr<StateRestoreListener> restore_listener,
               std::shared_ptr<LocalStoreRegistry> registry);
  // REQUIRES: Join() was called, or Start() never succeeded.
  ~StreamThread();

  // Creates the clients (errors name the bad config key).
  absl::Status CreateClients();
  // Starts the thread. REQUIRES: CreateClients() succeeded.
  void Start();
  // Asks the loop to commit, close its tasks, leave the group and end.
  // `deadline_ms` (wall clock): the final commit waits for the producer
  // only until then; what is still undelivered is dropped (purged) and the
  // thread ends without committing those records' input offsets, which are
  // processed again after a restart. The earliest deadline given wins.
  void RequestShutdown(int64_t deadline_ms = std::numeric_limits<int64_t>::max());
  // Waits for the thread to end. Idempotent. Not from the thread itself.
  void Join();

  const std::string& name() const { return name_; }
  ThreadState state() const;
  // A snapshot of the thread (Java's ThreadMetadata), refreshed when tasks
  // are created, restored or closed and after each commit; admin_client_id
  // is left empty (the instance's).
  KafkaStreams::ThreadMetadata metadata() const;

 private:
  void Run();
  absl::Status RunLoop();
  absl::Status RunOnce();
  // How long one restore or processing phase may run before the thread
  // polls again: max(poll.ms, 100 ms), at most half of max.poll.interval.ms.
  int64_t PhaseBudgetMs() const {
    return std::min<int64_t>(std::max<int64_t>(rc_.poll_ms, 100), rc_.max_poll_interval_ms / 2);
  }
  void SetState(ThreadState state);

  // Rebalance hooks (inside consumer polls): the thread's state, then the
  // TaskManager.
  void OnAssigned(const std::vector<TopicPartition>& partitions);
  void OnRevoked(const std::vector<TopicPartition>& partitions);

  // Restores changelogs for a bounded time (see src/runtime/README.md) and
  // starts the tasks whose stores are up to date.
  absl::Status RestoreChangelogs(bool other_work);
  // With metrics on: makes `metrics` for the client `options` configure,
  // sets its statistics interval (unless the config does) and feeds it the
  // client's statistics.
  template <typename ClientOptions>
  void AttachClientMetrics(ClientMetrics::Kind kind, ClientOptions& options,
                           std::unique_ptr<ClientMetrics>& metrics);
  // Creates producer_ (and the collector over it, the first time).
  absl::Status CreateProducer();
  // exactly_once_v2, `error` came with the producer in a fatal state (fenced,
  // ...): Java's "task migrated". The tasks close dirty, a new producer with
  // the same transactional.id fences the old one, and the tasks of the
  // current assignment are made again from the committed offsets.
  absl::Status ReplaceFatalProducer(const absl::Status& error);
  // The TaskManager's `closing_deadline_ms`: set once shutdown was requested.
  std::optional<int64_t> ClosingDeadline() const;

  const std::string name_;
  std::shared_ptr<const TopologyData> topology_;
  RuntimeConfig rc_;
  Callbacks callbacks_;

  std::shared_ptr<StateRestoreListener> restore_listener_;
  std::shared_ptr<LocalStoreRegistry> registry_;
  // The thread's metrics (stream-thread-metrics); rc_.thread_metrics
  // points here. Declared before the TaskManager, whose tasks count in it.
  std::unique_ptr<ThreadMetrics> metrics_;
  // The clients' metrics (librdkafka's statistics); null without metrics.
  std::unique_ptr<ClientMetrics> consumer_metrics_;
  std::unique_ptr<ClientMetrics> producer_metrics_;
  std::unique_ptr<Producer> producer_;
  std::unique_ptr<RecordCollectorImpl> collector_;
  std::unique_ptr<Consumer> consumer_;
  std::unique_ptr<ConsumerChangelogSource> restore_source_;  // the restore consumer
  std::unique_ptr<ChangelogReader> changelog_reader_;
  // The consumer (and the repartition purger) as the TaskManager uses them.
  std::unique_ptr<TaskClients> task_clients_;
  // The tasks, their commits, offsets and metadata. Declared after the
  // clients: destroyed (closing the tasks) before them.
  std::unique_ptr<TaskManager> task_manager_;
  absl::Status hook_error_;  // an error inside a rebalance hook
  bool failed_ = false;      // no commit once the thread failed
  int64_t last_poll_ms_ = 0;

  std::atomic<bool> shutdown_requested_{false};
  std::atomic<int64_t> shutdown_deadline_ms_{std::numeric_limits<int64_t>::max()};
  std::thread thread_;
  mutable std::mutex mu_;  // guards state_
  ThreadState state_ = ThreadState::kCreated;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_RUNTIME_STREAM_THREAD_H_
