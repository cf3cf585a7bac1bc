// src/runtime/local_store_registry.h  (internal: not for users)
//
// LocalStoreRegistry: the LocalStoreProvider of one KafkaStreams instance
// (what KafkaStreams::Store reads through). Each StreamTask registers a
// QueryableTask once its stores are initialized and removes it when it
// closes; the stream thread holds QueryableTask::mu whenever it touches the
// task's stores (processing, punctuation, commit flushes, restoration,
// checkpoints, close), and queries hold it while they copy data out. The
// hot path pays one uncontended lock per batch of records, not per record.
//
// Lock order: the registry's mutex is never held while taking a task's
// mutex; a task's mutex is never held while taking the registry's.
//
// Thread-safety: thread-safe.
#ifndef KSTREAMS_SRC_RUNTIME_LOCAL_STORE_REGISTRY_H_
#define KSTREAMS_SRC_RUNTIME_LOCAL_STORE_REGISTRY_H_

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "kstreams/runtime/internal/local_store_provider.h"
#include "processor/task_core.h"

namespace kstreams::internal {

// The part of a task that queries see.
struct QueryableTask {
  explicit QueryableTask(TaskId task) : id(task) {}
  const TaskId id;
  std::mutex mu;             // the task's store lock
  TaskCore* core = nullptr;  // guarded by mu; nullptr once the task closed
  bool up_to_date = false;   // guarded by mu; restored and processing
};

class LocalStoreRegistry final : public LocalStoreProvider {
 public:
  LocalStoreRegistry(std::string application_id, std::set<std::string> store_names)
      : application_id_(std::move(application_id)), store_names_(std::move(store_names)) {}

  // Makes `task` visible to queries. REQUIRES: task->core is set.
  void Add(std::shared_ptr<QueryableTask> task);
  // Hides the task (call after clearing its core under its lock).
  void Remove(TaskId id);

  absl::Status ForEachInstance(
      const StoreQueryParameters& params,
      const std::function<bool(TaskId task, StateStore& store)>& visit) override;
  std::string StoreTopic(const std::string& store_name) const override;

 private:
  const std::string application_id_;
  const std::set<std::string> store_names_;
  std::mutex mu_;
  std::map<TaskId, std::shared_ptr<QueryableTask>> tasks_;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_RUNTIME_LOCAL_STORE_REGISTRY_H_
