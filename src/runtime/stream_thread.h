// src/runtime/stream_thread.h  (internal: not for users)
//
// StreamThread: one processing thread of a KafkaStreams client. It owns a
// consumer (member of the group `application.id`, `range` assignor), a
// producer with its RecordCollectorImpl, and the StreamTasks of the
// partitions currently assigned to it. See src/runtime/README.md for the loop
// and the commit protocol.
//
// Thread-safety: CreateClients() and Start() once, from the owner;
// RequestShutdown(), Join(), state() and metadata()
// may be called from any thread; everything else runs on the thread itself.
#ifndef KSTREAMS_SRC_RUNTIME_STREAM_THREAD_H_
#define KSTREAMS_SRC_RUNTIME_STREAM_THREAD_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"
#include "kstreams/processor/internal/topology_data.h"
#include "kstreams/streams_config.h"
#include "runtime/record_collector.h"
#include "runtime/runtime_config.h"
#include "runtime/stream_task.h"
#include "state/thread_cache.h"

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

  StreamThread(std::string name, std::shared_ptr<const TopologyData> topology,
               StreamsConfig config, RuntimeConfig runtime_config, Callbacks callbacks);
  // REQUIRES: Join() was called, or Start() never succeeded.
  ~StreamThread();

  // Creates the clients (errors name the bad config key).
  absl::Status CreateClients();
  // Starts the thread. REQUIRES: CreateClients() succeeded.
  void Start();
  // Asks the loop to commit, close its tasks, leave the group and end.
  void RequestShutdown();
  // Waits for the thread to end. Idempotent. Not from the thread itself.
  void Join();

  const std::string& name() const { return name_; }
  ThreadState state() const;
  std::set<TaskId> active_tasks() const;

 private:
  void Run();
  absl::Status RunLoop();
  absl::Status RunOnce();
  void SetState(ThreadState state);

  // Rebalance hooks (inside consumer polls).
  void OnAssigned(const std::vector<TopicPartition>& partitions);
  void OnRevoked(const std::vector<TopicPartition>& partitions);

  // The commit protocol: flush tasks -> flush producer and check deliveries
  // -> commit consumed offsets synchronously.
  absl::Status Commit();
  // Closes every task; commits first when `clean`.
  absl::Status CloseTasks(bool clean);
  const Subtopology* SubtopologyFor(const std::string& topic);
  void UpdateMetadata();

  const std::string name_;
  std::shared_ptr<const TopologyData> topology_;
  StreamsConfig config_;
  RuntimeConfig rc_;
  Callbacks callbacks_;
  std::vector<Subtopology> subtopologies_;
  std::map<std::string, size_t> subtopology_by_topic_;  // decorated topic
  std::vector<std::pair<std::regex, size_t>> subtopology_patterns_;
  std::vector<std::string> subscribed_topics_;
  std::string subscribed_pattern_;  // non-empty when the topology has patterns

  std::unique_ptr<Producer> producer_;
  std::unique_ptr<RecordCollectorImpl> collector_;
  std::unique_ptr<Consumer> consumer_;
  // The record cache shared by this thread's stores: statestore.cache.max.bytes
  // split evenly across the threads.
  std::unique_ptr<ThreadCache> cache_;
  std::map<TaskId, std::unique_ptr<StreamTask>> tasks_;
  std::map<TopicPartition, StreamTask*> task_by_partition_;
  absl::Status hook_error_;  // an error inside a rebalance hook
  bool failed_ = false;      // no commit once the thread failed
  int64_t last_commit_ms_ = 0;
  int64_t last_poll_ms_ = 0;

  std::atomic<bool> shutdown_requested_{false};
  std::thread thread_;
  mutable std::mutex mu_;  // guards state_ and active_tasks_
  ThreadState state_ = ThreadState::kCreated;
  std::set<TaskId> active_tasks_;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_RUNTIME_STREAM_THREAD_H_
