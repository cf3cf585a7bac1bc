// src/runtime/global_stream_thread.h  (internal: not for users)
//
// GlobalStreamThread: keeps the global stores (GlobalKTables) of one
// KafkaStreams client up to date (Java's GlobalStreamThread). Bootstrap()
// reads every partition of every global topic, from the beginning, up to the
// end offsets it finds when it starts, before any stream thread runs; Start()
// then follows the topics on its own thread. No consumer group: the consumer
// is assigned every partition. Global stores have no changelog (their topic
// is their log) and are re-read whole on every start.
//
// Records go through a TaskCore per global sub-topology (source ->
// table source -> store), so deserialization and processing errors go to
// their handlers; state lives under <state.dir>/<application.id>/global.
// The dead letter queue records those handlers return go to a producer the
// thread makes when the first one comes (GlobalOutput), flushed with the
// stores; a record the production handler fails on fails the thread. The
// global thread commits nothing: after a restart it reads its topics again
// from the beginning, and sends their DLQ records again (at least once).
//
// Thread-safety: Bootstrap(), Start() and Shutdown() from the owner;
// GetStore() from any thread (the stores themselves are synchronized).
// `on_failure` runs on the global thread when it dies.
#ifndef KSTREAMS_SRC_RUNTIME_GLOBAL_STREAM_THREAD_H_
#define KSTREAMS_SRC_RUNTIME_GLOBAL_STREAM_THREAD_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "kafka/consumer.h"
#include "kstreams/processor/internal/topology_data.h"
#include "kstreams/processor/state_store.h"
#include "runtime/task_core.h"
#include "runtime/runtime_config.h"

namespace kstreams::internal {

class GlobalStreamThread {
 public:
  GlobalStreamThread(std::shared_ptr<const TopologyData> topology, RuntimeConfig runtime_config,
                     std::function<void(const absl::Status&)> on_failure);
  ~GlobalStreamThread();

  // Creates the global tasks and the consumer and catches up with the end
  // offsets of the global topics. Errors name the topic (and partition).
  absl::Status Bootstrap();
  // Follows the global topics on a thread of its own. REQUIRES: Bootstrap() OK.
  void Start();
  // Stops the thread (if started) and closes the stores. Idempotent.
  void Shutdown();

  // The global store `name`, or nullptr. Valid until Shutdown().
  StateStore* GetStore(std::string_view name) const;
  const std::string& name() const { return name_; }

 private:
  absl::Status Apply(const ConsumerRecord& record);
  // Flushes the stores and the dead letter queue records sent so far.
  absl::Status FlushTasks();
  void Run();

  class GlobalOutput;

  const std::string name_;
  std::shared_ptr<const TopologyData> topology_;
  RuntimeConfig rc_;
  std::function<void(const absl::Status&)> on_failure_;
  std::unique_ptr<GlobalOutput> output_;  // outlives tasks_: they send to it
  std::vector<std::unique_ptr<TaskCore>> tasks_;
  std::map<std::string, TaskCore*> task_by_topic_;
  std::unique_ptr<Consumer> consumer_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  bool closed_ = false;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_RUNTIME_GLOBAL_STREAM_THREAD_H_
