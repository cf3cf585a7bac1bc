#include "runtime/state_manager.h"

#include <cstdlib>

#include "kstreams/internal/strings.h"
#include "kstreams/internal/topic_names.h"
#include "kstreams/log.h"

namespace kstreams::internal {

StateManager::StateManager(const std::string& application_id, TaskId task,
                           std::filesystem::path task_dir,
                           const std::vector<TaskCore::RestoreRegistration>& registrations)
    : task_(task), checkpoint_(std::move(task_dir) / kCheckpointFileName) {
  for (const TaskCore::RestoreRegistration& r : registrations) {
    Changelog c;
    c.store_name = r.store_name;
    c.partition = TopicPartition{ChangelogTopicName(application_id, r.store_name),
                                 task.partition};
    c.callback = r.callback;
    c.persistent = r.persistent;
    changelogs_.push_back(std::move(c));
  }
}

void StateManager::LoadCheckpoint() {
  absl::StatusOr<std::map<TopicPartition, int64_t>> loaded = checkpoint_.Read();
  if (!loaded.ok()) {
    LogLine(LogLevel::kError,
            StrCat("task ", task_.ToString(), ": ", loaded.status().message(),
                   "; ignoring it: every store of the task restores from the beginning"));
    loaded = std::map<TopicPartition, int64_t>{};
  }
  for (Changelog& c : changelogs_) {
    auto it = loaded->find(c.partition);
    if (it == loaded->end()) continue;
    // In-memory stores start empty whatever the file says; Java's
    // OFFSET_UNKNOWN (and any negative offset) means "nothing known".
    if (c.persistent && it->second >= 0) c.offset = it->second;
    loaded->erase(it);
  }
  if (!loaded->empty()) {
    std::vector<std::string> unknown;
    for (const auto& [tp, offset] : *loaded) unknown.push_back(tp.ToString());
    LogLine(LogLevel::kWarning,
            StrCat("task ", task_.ToString(), ": checkpoint '", checkpoint_.path().string(),
                   "' has offsets for changelogs the task has no store for: ",
                   StrJoin(unknown, ", ")));
  }
  checkpointed_ = Offsets();
}

absl::Status StateManager::BeginTransactions() {
  for (Changelog& c : changelogs_) {
    if (!c.persistent) continue;
    absl::StatusOr<std::optional<int64_t>> committed = c.callback->BeginTransactions();
    if (absl::IsUnimplemented(committed.status())) continue;
    if (!committed.ok()) {
      return absl::Status(committed.status().code(),
                          StrCat("task ", task_.ToString(), ": store '", c.store_name,
                                 "': ", committed.status().message()));
    }
    c.transactional = true;
    if (*committed) c.offset = **committed;
  }
  return absl::OkStatus();
}

absl::Status StateManager::CommitTransactions() {
  for (Changelog& c : changelogs_) {
    // No offset: the store has written nothing to its changelog yet.
    if (!c.transactional || !c.offset) continue;
    absl::Status s = c.callback->CommitTransaction(*c.offset);
    if (!s.ok()) {
      return absl::Status(s.code(), StrCat("task ", task_.ToString(), ": store '",
                                           c.store_name, "': ", s.message()));
    }
  }
  return absl::OkStatus();
}

std::map<TopicPartition, int64_t> StateManager::Offsets() const {
  std::map<TopicPartition, int64_t> out;
  for (const Changelog& c : changelogs_) {
    if (c.offset) out[c.partition] = *c.offset;
  }
  return out;
}

void StateManager::UpdateOffsets(
    const std::function<std::optional<int64_t>(const TopicPartition&)>& acked) {
  for (Changelog& c : changelogs_) {
    std::optional<int64_t> a = acked(c.partition);
    if (a && (!c.offset || *a > *c.offset)) c.offset = a;
  }
}

bool StateManager::CheckpointNeeded(bool enforce) const {
  if (enforce) return true;
  int64_t delta = 0;
  for (const auto& [tp, offset] : Offsets()) {
    auto it = checkpointed_.find(tp);
    delta += std::llabs((it == checkpointed_.end() ? 0 : it->second) - offset);
  }
  return delta > kCheckpointOffsetDelta;
}

absl::Status StateManager::WriteCheckpoint() {
  std::map<TopicPartition, int64_t> entries;
  for (const Changelog& c : changelogs_) {
    if (c.persistent) entries[c.partition] = c.offset.value_or(kCheckpointOffsetUnknown);
  }
  absl::Status s = checkpoint_.Write(entries);
  if (!s.ok()) {
    return absl::Status(s.code(), StrCat("task ", task_.ToString(), ": ", s.message()));
  }
  checkpointed_ = Offsets();
  return absl::OkStatus();
}

}  // namespace kstreams::internal
