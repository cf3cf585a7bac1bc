#include "runtime/task_manager.h"

#include <algorithm>
#include <chrono>
#include <limits>

#include "kstreams/internal/strings.h"
#include "kstreams/log.h"
#include "kstreams/status_macros.h"
#include "runtime/runtime_util.h"

namespace kstreams::internal {
namespace {

std::string EscapeRegex(std::string_view topic) {
  std::string out;
  for (char c : topic) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          c == '_' || c == '-')) {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

absl::Status TaskClients::CommitTransaction(const std::map<TopicPartition, int64_t>&) {
  return absl::UnimplementedError("these task clients have no transactional producer");
}
absl::Status TaskClients::AbortTransaction() {
  return absl::UnimplementedError("these task clients have no transactional producer");
}
absl::Status TaskClients::Seek(const TopicPartition& tp, int64_t) {
  return absl::UnimplementedError(StrCat("these task clients cannot seek ", tp.ToString()));
}

TaskManager::TaskManager(Options options)
    : name_(std::move(options.name)),
      topology_(std::move(options.topology)),
      rc_(std::move(options.config)),
      registry_(std::move(options.registry)),
      clients_(options.clients),
      collector_(options.collector),
      changelog_reader_(options.changelog_reader) {
  KSTREAMS_DCHECK(clients_ != nullptr && collector_ != nullptr && changelog_reader_ != nullptr);
  cache_ = std::make_unique<ThreadCache>(rc_.task->cache_max_bytes /
                                         std::max(1, rc_.num_stream_threads));
  subtopologies_ = topology_->Subtopologies();
  std::vector<std::string> patterns;
  for (size_t i = 0; i < subtopologies_.size(); ++i) {
    const Subtopology& sub = subtopologies_[i];
    for (const std::string& topic : sub.source_topics) {
      std::string decorated = topology_->RuntimeTopicName(rc_.application_id, topic);
      subtopology_by_topic_[decorated] = i;
      source_topics_.push_back(decorated);
    }
    for (const std::string& pattern : sub.source_patterns) {
      subtopology_patterns_.emplace_back(std::regex(pattern), i);
      patterns.push_back(pattern);
    }
  }
  if (!patterns.empty()) {
    std::vector<std::string> alternatives;
    for (const std::string& t : source_topics_) alternatives.push_back(EscapeRegex(t));
    for (const std::string& p : patterns) alternatives.push_back(p);
    source_pattern_ = StrCat("(", StrJoin(alternatives, "|"), ")");
  }
}

TaskManager::~TaskManager() = default;

StreamTask* TaskManager::task(TaskId id) const {
  auto it = tasks_.find(id);
  return it == tasks_.end() ? nullptr : it->second.get();
}

std::vector<KafkaStreams::TaskMetadata> TaskManager::Metadata(int64_t* dropped_records) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (dropped_records != nullptr) *dropped_records = dropped_records_;
  return metadata_;
}

void TaskManager::UpdateMetadata() {
  std::vector<KafkaStreams::TaskMetadata> tasks;
  int64_t dropped = 0;
  for (const auto& [id, task] : tasks_) {
    KafkaStreams::TaskMetadata t;
    t.task_id = id;
    t.topic_partitions.insert(task->partitions().begin(), task->partitions().end());
    t.committed_offsets = task->committed_offsets();
    for (const TopicPartition& tp : task->partitions()) {
      if (std::optional<int64_t> end = clients_->CachedEndOffset(tp)) t.end_offsets[tp] = *end;
    }
    t.time_current_idling_started = task->partition_group().idle_since_ms();
    t.restoring = task->restoring();
    t.dropped_records = task->dropped_records();
    dropped += t.dropped_records;
    tasks.push_back(std::move(t));
  }
  dropped += dropped_by_closed_tasks_ + collector_->skipped();
  std::lock_guard<std::mutex> lock(mu_);
  metadata_ = std::move(tasks);
  dropped_records_ = dropped;
}

void TaskManager::AddRecord(ConsumerRecord record) {
  auto it = task_by_partition_.find(TopicPartition{record.topic, record.partition});
  if (it == task_by_partition_.end()) return;  // no longer ours
  it->second->AddRecord(std::move(record));
}

void TaskManager::FetchedToEnd(const TopicPartition& tp, int64_t end_offset) {
  auto it = task_by_partition_.find(tp);
  if (it != task_by_partition_.end()) it->second->FetchedToEnd(tp, end_offset);
}

bool TaskManager::HasProcessable(int64_t now_ms) {
  for (auto& [id, task] : tasks_) {
    if (task->HasProcessable(now_ms)) return true;
  }
  return false;
}

size_t TaskManager::BufferedRecords() const {
  size_t buffered = 0;
  for (const auto& [id, task] : tasks_) buffered += task->partition_group().TotalBuffered();
  return buffered;
}

absl::StatusOr<int64_t> TaskManager::ProcessRound(int64_t max_records_per_task, int64_t now_ms) {
  int64_t total = 0;
  for (auto& [id, task] : tasks_) {
    absl::StatusOr<int64_t> n = task->Process(max_records_per_task, now_ms);
    if (!n.ok()) return Prefixed(n.status(), StrCat("task ", id.ToString(), ": "));
    total += *n;
    KSTREAMS_RETURN_IF_ERROR(collector_->error());
    if (collector_->rewind_requested()) break;  // the next Commit() rewinds
  }
  return total;
}

absl::Status TaskManager::PunctuateWallClock() {
  for (auto& [id, task] : tasks_) {
    absl::Status s = task->PunctuateWallClock();
    if (!s.ok()) return Prefixed(s, StrCat("task ", id.ToString(), ": "));
  }
  return absl::OkStatus();
}

bool TaskManager::TakeCommitRequests() {
  bool requested = false;
  for (auto& [id, task] : tasks_) requested = task->TakeCommitRequest() || requested;
  return requested;
}

absl::Status TaskManager::CompleteRestoredTasks() {
  std::vector<TopicPartition> resume;
  for (auto& [id, task] : tasks_) {
    if (!task->restoring() || !changelog_reader_->IsRestored(&task->state_manager())) continue;
    absl::Status s = task->CompleteRestoration();
    if (!s.ok()) return Prefixed(s, StrCat("task ", id.ToString(), ": "));
    resume.insert(resume.end(), task->partitions().begin(), task->partitions().end());
    LogLine(LogLevel::kInfo, StrCat(name_, ": task ", id.ToString(), " restored, processing"));
  }
  if (resume.empty()) return absl::OkStatus();
  absl::Status s = clients_->Resume(resume);
  if (!s.ok()) return Prefixed(s, "resuming the partitions of restored tasks: ");
  UpdateMetadata();
  return absl::OkStatus();
}

absl::Status TaskManager::Commit(bool enforce_checkpoint,
                                 std::optional<int64_t> closing_deadline_ms) {
  for (auto& [id, task] : tasks_) {
    if (!task->restoring()) KSTREAMS_RETURN_IF_ERROR(task->FlushCaches());
  }
  int64_t flush_ms = std::max<int64_t>(rc_.max_poll_interval_ms / 2, 1000);
  if (closing_deadline_ms && *closing_deadline_ms != std::numeric_limits<int64_t>::max()) {
    // Close(timeout): wait for the broker only until the deadline.
    flush_ms = std::clamp<int64_t>(*closing_deadline_ms - NowMs(), 0, flush_ms);
  }
  absl::Status flushed = collector_->FlushAndCheck(absl::Milliseconds(flush_ms));
  if (!flushed.ok() && closing_deadline_ms) {
    LogLine(LogLevel::kWarning,
            StrCat(name_, ": closing: ", collector_->InFlight(),
                   " record(s) not delivered before the close deadline are dropped; the input "
                   "offsets since the last commit are not committed, so those records are "
                   "processed again after a restart (at_least_once)"));
  }
  KSTREAMS_RETURN_IF_ERROR(flushed);
  if (collector_->TakeRewindRequest()) return RewindAfterRetry();
  std::map<TopicPartition, int64_t> offsets;
  for (auto& [id, task] : tasks_) {
    offsets.insert(task->CommittableOffsets().begin(), task->CommittableOffsets().end());
  }
  last_commit_ms_ = NowMs();
  if (rc_.exactly_once) {
    absl::Status s = clients_->CommitTransaction(offsets);
    if (!s.ok()) return HandleTransactionError(s);
    if (!offsets.empty()) {
      for (auto& [id, task] : tasks_) task->MarkCommitted();
      clients_->OnCommitted(offsets, last_commit_ms_);
    }
    // Transactional stores commit what the transaction committed, with
    // their changelogs' offsets (every send was acknowledged above).
    for (auto& [id, task] : tasks_) {
      task->state_manager().UpdateOffsets(
          [this](const TopicPartition& tp) { return collector_->AckedOffset(tp); });
      KSTREAMS_RETURN_IF_ERROR(task->CommitStoreTransactions());
    }
    // Java under EOS: no checkpoint while processing (after a crash, no
    // checkpoint means the stores may hold uncommitted writes: they are
    // wiped and restored); a clean close writes one.
    if (enforce_checkpoint) {
      for (auto& [id, task] : tasks_) {
        StateManager& state = task->state_manager();
        state.UpdateOffsets(
            [this](const TopicPartition& tp) { return collector_->AckedOffset(tp); });
        KSTREAMS_RETURN_IF_ERROR(task->Flush());
        KSTREAMS_RETURN_IF_ERROR(state.WriteCheckpoint());
      }
    }
    UpdateMetadata();
    return absl::OkStatus();
  }
  if (!offsets.empty()) {
    absl::Status s = clients_->CommitSync(offsets);
    if (s.ok()) {
      for (auto& [id, task] : tasks_) task->MarkCommitted();
      clients_->OnCommitted(offsets, last_commit_ms_);
      if (LogEnabled(LogLevel::kDebug)) {
        LogLine(LogLevel::kDebug, StrCat(name_, ": committed ", offsets.size(), " partitions"));
      }
    } else if (absl::IsAborted(s) || absl::IsUnavailable(s) || absl::IsDeadlineExceeded(s)) {
      // A rebalance, a coordinator move or a timeout: nothing is lost, the
      // next commit covers these offsets too, or whoever owns the
      // partitions next processes the records again (at-least-once).
      LogLine(LogLevel::kWarning, StrCat(name_, ": commit failed, continuing: ", s.message()));
    } else {
      return Prefixed(s, "committing offsets: ");
    }
  }
  // Checkpoints (Java's postCommit): the changelog offsets are those
  // acknowledged so far, so flushing the stores now puts at least that much
  // on disk before the file says so.
  for (auto& [id, task] : tasks_) {
    StateManager& state = task->state_manager();
    state.UpdateOffsets([this](const TopicPartition& tp) { return collector_->AckedOffset(tp); });
    if (!state.CheckpointNeeded(enforce_checkpoint)) continue;
    KSTREAMS_RETURN_IF_ERROR(task->Flush());
    KSTREAMS_RETURN_IF_ERROR(state.WriteCheckpoint());
  }
  UpdateMetadata();
  return absl::OkStatus();
}

absl::Status TaskManager::HandleTransactionError(const absl::Status& s) {
  const TransactionErrorKind kind = TransactionErrorKindOf(s);
  if (kind != TransactionErrorKind::kAbortable && kind != TransactionErrorKind::kRetriable) {
    // Fenced or fatal: the producer is unusable (Java: the tasks migrated);
    // the StreamThread replaces it.
    return Prefixed(s, "committing the transaction (fatal): ");
  }
  LogLine(LogLevel::kWarning,
          StrCat(name_, ": committing the transaction failed (", s.message(),
                 "); aborting it, the tasks go back to their last committed offsets"));
  absl::Status aborted = clients_->AbortTransaction();
  if (!aborted.ok()) return Prefixed(aborted, "aborting the transaction: ");
  if (closing_) return absl::OkStatus();  // closed dirty by CloseTasks next
  return RewindTasks();
}

absl::Status TaskManager::RewindAfterRetry() {
  // Nothing since the last commit is committed: under exactly_once_v2 the
  // transaction (which holds the failed send) is aborted.
  if (rc_.exactly_once) {
    absl::Status aborted = clients_->AbortTransaction();
    if (!aborted.ok()) return Prefixed(aborted, "aborting the transaction: ");
  }
  if (closing_) {
    // No rewind while closing: the offsets stay where the last commit left
    // them, and whoever owns the partitions next produces the records again.
    return absl::UnavailableError(
        "a delivery failed and the production handler answered RETRY while the tasks were "
        "closing: nothing since the last commit is committed; those records are processed "
        "again after the restart or rebalance");
  }
  return RewindTasks();
}

absl::Status TaskManager::RewindTasks() {
  std::vector<TopicPartition> partitions;
  for (const auto& [tp, task] : task_by_partition_) partitions.push_back(tp);
  // No checkpoint is written and the one loaded was deleted (exactly-once):
  // the stores made again are wiped and restored from the changelog.
  KSTREAMS_RETURN_IF_ERROR(CloseTasks(/*clean=*/false, std::nullopt));
  return RecreateTasks(partitions);
}

absl::Status TaskManager::RecreateTasks(const std::vector<TopicPartition>& partitions) {
  if (partitions.empty()) return absl::OkStatus();
  absl::StatusOr<std::map<TopicPartition, std::optional<int64_t>>> committed =
      clients_->Committed(partitions, absl::Seconds(30));
  if (!committed.ok()) return Prefixed(committed.status(), "rewinding tasks: ");
  for (const TopicPartition& tp : partitions) {
    // No committed offset: auto.offset.reset=earliest (-2: the beginning).
    std::optional<int64_t> offset = (*committed)[tp];
    absl::Status s = clients_->Seek(tp, offset.value_or(-2));
    if (!s.ok()) return Prefixed(s, "rewinding tasks: ");
  }
  return HandleAssignment(partitions);
}

absl::Status TaskManager::CloseTasks(bool clean, std::optional<int64_t> closing_deadline_ms) {
  absl::Status s;
  if (clean) {
    closing_ = true;
    s = Commit(/*enforce_checkpoint=*/true, closing_deadline_ms);
    closing_ = false;
    // What the commit could not cover (refused during a rebalance); the
    // checkpoints above include these records' effects.
    unconfirmed_offsets_.clear();
    // Under exactly-once what was not committed was aborted, and a failed
    // close left records undelivered: never resume past the committed
    // offsets then.
    for (auto& [id, task] : tasks_) {
      if (rc_.exactly_once || !s.ok()) break;
      unconfirmed_offsets_.insert(task->CommittableOffsets().begin(),
                                  task->CommittableOffsets().end());
    }
  }
  for (auto& [id, task] : tasks_) {
    changelog_reader_->Unregister(&task->state_manager());
    for (const StateManager::Changelog& c : task->state_manager().changelogs()) {
      collector_->UntrackOffsets(c.partition);
    }
    registry_->Remove(id);
    dropped_by_closed_tasks_ += task->dropped_records();
    task->Close();
  }
  tasks_.clear();
  task_by_partition_.clear();
  UpdateMetadata();
  return s;
}

const Subtopology* TaskManager::SubtopologyFor(const std::string& topic) {
  auto it = subtopology_by_topic_.find(topic);
  if (it != subtopology_by_topic_.end()) return &subtopologies_[it->second];
  for (const auto& [re, index] : subtopology_patterns_) {
    if (std::regex_match(topic, re)) {
      subtopology_by_topic_[topic] = index;
      return &subtopologies_[index];
    }
  }
  return nullptr;
}

std::map<TopicPartition, int64_t> TaskManager::StartOffsets(
    const std::vector<TopicPartition>& partitions) {
  resumed_offsets_.clear();
  std::vector<TopicPartition> back;
  for (const TopicPartition& tp : partitions) {
    if (unconfirmed_offsets_.contains(tp)) back.push_back(tp);
  }
  if (back.empty()) return {};
  // Never behind the group: another member may have committed meanwhile.
  auto committed = clients_->Committed(back, absl::Seconds(5));
  if (!committed.ok()) {
    LogLine(LogLevel::kWarning, StrCat(name_, ": cannot read committed offsets (",
                                       committed.status().message(),
                                       "); starting at them as usual"));
    return {};
  }
  for (const TopicPartition& tp : back) {
    const int64_t mine = unconfirmed_offsets_[tp];
    std::optional<int64_t> group = (*committed)[tp];
    if (!group || mine > *group) resumed_offsets_[tp] = mine;
  }
  return resumed_offsets_;
}

absl::Status TaskManager::HandleAssignment(const std::vector<TopicPartition>& partitions) {
  absl::Status error;  // the first one
  std::map<TaskId, std::pair<const Subtopology*, std::vector<TopicPartition>>> wanted;
  for (const TopicPartition& tp : partitions) {
    const Subtopology* sub = SubtopologyFor(tp.topic);
    if (sub == nullptr) {
      LogLine(LogLevel::kWarning, StrCat(name_, ": assigned ", tp.ToString(),
                                         " but no sub-topology reads it; ignored"));
      continue;
    }
    auto& entry = wanted[TaskId{sub->id, tp.partition}];
    entry.first = sub;
    entry.second.push_back(tp);
  }
  std::vector<TopicPartition> to_pause;
  for (auto& [id, entry] : wanted) {
    if (tasks_.contains(id)) continue;
    TaskCore::Options options;
    options.task_id = id;
    options.config = rc_.task;
    options.collector = collector_;
    options.thread_cache = cache_.get();
    options.global_stores = rc_.global_stores;
    options.thread_metrics = rc_.thread_metrics;
    absl::StatusOr<std::unique_ptr<StreamTask>> task = StreamTask::Create(
        topology_, *entry.first, std::move(options), entry.second, rc_.max_task_idle_ms,
        [clients = clients_](const TopicPartition& tp) { return clients->CachedEndOffset(tp); });
    absl::Status s = task.ok() ? (*task)->InitStores() : task.status();
    if (!s.ok()) {
      if (error.ok()) error = Prefixed(s, StrCat("creating task ", id.ToString(), ": "));
      if (task.ok()) (*task)->Close();
      continue;
    }
    StreamTask* t = task->get();
    for (const TopicPartition& tp : entry.second) task_by_partition_[tp] = t;
    tasks_[id] = std::move(*task);
    for (const StateManager::Changelog& c : t->state_manager().changelogs()) {
      collector_->TrackOffsets(c.partition);
    }
    if (rc_.exactly_once) {
      // Transactional stores resume from their own last commit.
      absl::Status begun = t->state_manager().BeginTransactions();
      if (!begun.ok() && error.ok()) error = begun;
      // Java under EOS: the checkpoint is read, then deleted, so that a
      // crash from now on leaves none and the other stores restore from
      // scratch.
      absl::Status deleted = t->state_manager().checkpoint_file().Delete();
      if (!deleted.ok() && error.ok()) {
        error = Prefixed(deleted, StrCat("task ", id.ToString(), ": "));
      }
    }
    registry_->Add(t->queryable());
    if (t->state_manager().empty()) {
      s = t->CompleteRestoration();  // nothing to restore
      if (!s.ok() && error.ok()) {
        error = Prefixed(s, StrCat("initializing task ", id.ToString(), ": "));
      }
    } else {
      // RESTORING: its input waits (paused) until its stores are up to date.
      changelog_reader_->Register(&t->state_manager(), &t->store_lock());
      to_pause.insert(to_pause.end(), entry.second.begin(), entry.second.end());
    }
  }
  for (const auto& [tp, offset] : resumed_offsets_) {
    auto it = task_by_partition_.find(tp);
    if (it == task_by_partition_.end()) continue;
    it->second->SetUncommitted(tp, offset);
    LogLine(LogLevel::kInfo,
            StrCat(name_, ": ", tp.ToString(), " resumes at offset ", offset,
                   ", processed here before the rebalance (its commit was refused)"));
  }
  resumed_offsets_.clear();
  unconfirmed_offsets_.clear();
  if (!to_pause.empty()) {
    absl::Status s = clients_->Pause(to_pause);
    if (!s.ok() && error.ok()) error = Prefixed(s, "pausing the input of restoring tasks: ");
  }
  UpdateMetadata();
  LogLine(LogLevel::kInfo, StrCat(name_, ": assigned ", partitions.size(), " partitions, ",
                                  tasks_.size(), " active tasks"));
  return error;
}

}  // namespace kstreams::internal
