#include "runtime/local_store_registry.h"

#include <vector>

#include "kstreams/internal/strings.h"
#include "kstreams/internal/topic_names.h"
#include "kstreams/state/internal/synchronized_key_value_store.h"

namespace kstreams::internal {

void LocalStoreRegistry::Add(std::shared_ptr<QueryableTask> task) {
  std::lock_guard<std::mutex> lock(mu_);
  tasks_[task->id] = std::move(task);
}

void LocalStoreRegistry::Remove(TaskId id) {
  std::lock_guard<std::mutex> lock(mu_);
  tasks_.erase(id);
}

void LocalStoreRegistry::SetGlobalStores(std::function<StateStore*(std::string_view)> find) {
  std::lock_guard<std::mutex> lock(global_mu_);
  global_stores_ = std::move(find);
}

std::string LocalStoreRegistry::StoreTopic(const std::string& store_name) const {
  return ChangelogTopicName(application_id_, store_name);
}

absl::Status LocalStoreRegistry::ForEachInstance(
    const StoreQueryParameters& params,
    const std::function<bool(TaskId task, StateStore& store)>& visit) {
  const std::string& name = params.store_name();
  if (!store_names_.contains(name)) {
    return absl::NotFoundError(
        StrCat("cannot get state store '", name, "': the topology has no store of that name"));
  }
  {
    std::lock_guard<std::mutex> lock(global_mu_);
    StateStore* global = global_stores_ ? global_stores_(name) : nullptr;
    if (auto* locked = dynamic_cast<LockedStateStore*>(global)) {
      locked->WithInnerLocked([&](StateStore& inner) { visit(TaskId{-1, -1}, inner); });
      return absl::OkStatus();
    }
  }
  std::vector<std::shared_ptr<QueryableTask>> tasks;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, task] : tasks_) {
      if (!params.partition() || *params.partition() == id.partition) tasks.push_back(task);
    }
  }
  int visited = 0;
  for (const std::shared_ptr<QueryableTask>& task : tasks) {
    std::lock_guard<std::mutex> lock(task->mu);
    if (task->core == nullptr) continue;  // closed meanwhile
    StateStore* store = task->core->GetStateStore(name);
    if (store == nullptr) continue;
    if (!task->up_to_date && !params.stale_stores_enabled()) {
      return absl::UnavailableError(
          StrCat("state store '", name, "' of task ", task->id.ToString(),
                 " is not queryable yet: the task is restoring it from its changelog or "
                 "waiting for a rebalance; retry later (or EnableStaleStores())"));
    }
    ++visited;
    if (!visit(task->id, *store)) break;
  }
  if (visited == 0) {
    return absl::UnavailableError(StrCat(
        "state store '", name, "'",
        params.partition() ? StrCat(" (partition ", *params.partition(), ")") : std::string(),
        " has no queryable instance on this KafkaStreams instance: its tasks are not "
        "assigned here now (rebalancing, shut down, or on another instance)"));
  }
  return absl::OkStatus();
}

}  // namespace kstreams::internal
