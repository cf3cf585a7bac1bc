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
// mutex; a task's mutex is never held while taking the registry's. The
// global-store mutex is taken before a global store's own lock, never the
// other way round.
//
// Thread-safety: thread-safe.
#ifndef KSTREAMS_SRC_RUNTIME_LOCAL_STORE_REGISTRY_H_
#define KSTREAMS_SRC_RUNTIME_LOCAL_STORE_REGISTRY_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "kstreams/runtime/internal/local_store_provider.h"
#include "runtime/task_core.h"

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
  // Makes the global stores (GlobalKTables) queryable: `find` returns the
  // global store of a name, or nullptr. Set it once they are bootstrapped;
  // clear it (nullptr) before they close: a query running meanwhile is
  // waited for. A global store holds every partition of its topic and is
  // visited once, with task id {-1, -1}, under the store's own lock.
  void SetGlobalStores(std::function<StateStore*(std::string_view)> find);

  absl::Status ForEachInstance(
      const StoreQueryParameters& params,
      const std::function<bool(TaskId task, StateStore& store)>& visit) override;
  std::string StoreTopic(const std::string& store_name) const override;

 private:
  const std::string application_id_;
  const std::set<std::string> store_names_;
  std::mutex mu_;
  std::map<TaskId, std::shared_ptr<QueryableTask>> tasks_;
  std::mutex global_mu_;  // held while a global store is visited
  std::function<StateStore*(std::string_view)> global_stores_;  // guarded by global_mu_
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_RUNTIME_LOCAL_STORE_REGISTRY_H_
