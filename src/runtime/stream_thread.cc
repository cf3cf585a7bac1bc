#include "runtime/stream_thread.h"

#include <algorithm>
#include <chrono>

#include "kstreams/internal/strings.h"
#include "kstreams/log.h"
#include "kstreams/status_macros.h"

namespace kstreams::internal {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Records a task processes before the thread moves to the next task, so
// that tasks share the thread fairly.
constexpr int64_t kRecordsPerTaskRound = 100;
// Changelog records one restore round reads at most (Java's restore
// consumer polls 1000 by default; restoring is cheaper per record than
// processing, and each round ends with a check of the time budget).
constexpr int kRestoreRecordsPerRound = 10000;

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

absl::Status Prefixed(const absl::Status& s, std::string_view prefix) {
  return absl::Status(s.code(), StrCat(prefix, s.message()));
}

}  // namespace

std::string_view ThreadStateName(ThreadState state) {
  switch (state) {
    case ThreadState::kCreated: return "CREATED";
    case ThreadState::kStarting: return "STARTING";
    case ThreadState::kPartitionsRevoked: return "PARTITIONS_REVOKED";
    case ThreadState::kPartitionsAssigned: return "PARTITIONS_ASSIGNED";
    case ThreadState::kRunning: return "RUNNING";
    case ThreadState::kPendingShutdown: return "PENDING_SHUTDOWN";
    case ThreadState::kDead: return "DEAD";
  }
  return "UNKNOWN";
}

StreamThread::StreamThread(std::string name, std::shared_ptr<const TopologyData> topology,
                           StreamsConfig config, RuntimeConfig runtime_config,
                           Callbacks callbacks,
                           std::shared_ptr<StateRestoreListener> restore_listener,
                           std::shared_ptr<LocalStoreRegistry> registry)
    : name_(std::move(name)),
      topology_(std::move(topology)),
      config_(std::move(config)),
      rc_(std::move(runtime_config)),
      callbacks_(std::move(callbacks)),
      restore_listener_(std::move(restore_listener)),
      registry_(std::move(registry)) {
  absl::StatusOr<int64_t> cache_bytes = config_.GetInt(StreamsConfig::kStatestoreCacheMaxBytes);
  cache_ = std::make_unique<ThreadCache>(
      cache_bytes.ok() ? *cache_bytes / std::max(1, rc_.num_stream_threads) : 0);
  subtopologies_ = topology_->Subtopologies();
  std::vector<std::string> patterns;
  for (size_t i = 0; i < subtopologies_.size(); ++i) {
    const Subtopology& sub = subtopologies_[i];
    for (const std::string& topic : sub.source_topics) {
      std::string decorated = topology_->RuntimeTopicName(rc_.application_id, topic);
      subtopology_by_topic_[decorated] = i;
      subscribed_topics_.push_back(decorated);
    }
    for (const std::string& pattern : sub.source_patterns) {
      subtopology_patterns_.emplace_back(std::regex(pattern), i);
      patterns.push_back(pattern);
    }
  }
  if (!patterns.empty()) {
    std::vector<std::string> alternatives;
    for (const std::string& t : subscribed_topics_) alternatives.push_back(EscapeRegex(t));
    for (const std::string& p : patterns) alternatives.push_back(p);
    subscribed_pattern_ = StrCat("(", StrJoin(alternatives, "|"), ")");
  }
}

StreamThread::~StreamThread() {
  if (thread_.joinable()) {
    RequestShutdown();
    thread_.join();
  }
}

absl::Status StreamThread::CreateClients() {
  ProducerOptions producer_options;
  producer_options.config = rc_.producer;
  producer_options.config["client.id"] = StrCat(name_, "-producer");
  producer_options.on_delivery = [this](const DeliveryResult& result) {
    if (collector_) collector_->OnDelivery(result);
  };
  producer_options.on_error = [this](const absl::Status& s) {
    LogLine(LogLevel::kWarning, StrCat(name_, ": producer: ", s.message()));
  };
  KSTREAMS_ASSIGN_OR_RETURN(producer_, Producer::Create(std::move(producer_options)));
  collector_ = std::make_unique<RecordCollectorImpl>(producer_.get(),
                                                     rc_.error_handling->production.get());

  ConsumerOptions consumer_options;
  consumer_options.config = rc_.consumer;
  consumer_options.config["group.id"] = rc_.application_id;
  consumer_options.config["client.id"] = StrCat(name_, "-consumer");
  consumer_options.start_offsets = [this](const std::vector<TopicPartition>& tps) {
    return StartOffsets(tps);
  };
  consumer_options.on_assigned = [this](const std::vector<TopicPartition>& tps) {
    OnAssigned(tps);
  };
  consumer_options.on_revoked = [this](const std::vector<TopicPartition>& tps) {
    OnRevoked(tps);
  };
  consumer_options.on_error = [this](const absl::Status& s) {
    LogLine(LogLevel::kDebug, StrCat(name_, ": consumer: ", s.message()));
  };
  KSTREAMS_ASSIGN_OR_RETURN(consumer_, Consumer::Create(std::move(consumer_options)));

  // The restore consumer: group-less, reads changelogs as they are
  // (read_uncommitted, as Java under at_least_once).
  ClientConfig restore = rc_.restore_consumer;
  restore["client.id"] = StrCat(name_, "-restore-consumer");
  restore.insert({"isolation.level", "read_uncommitted"});
  KSTREAMS_ASSIGN_OR_RETURN(restore_source_, ConsumerChangelogSource::Create(std::move(restore)));
  changelog_reader_ =
      std::make_unique<ChangelogReader>(restore_source_.get(), restore_listener_, name_);
  return absl::OkStatus();
}

void StreamThread::Start() { thread_ = std::thread([this] { Run(); }); }

void StreamThread::RequestShutdown(int64_t deadline_ms) {
  int64_t current = shutdown_deadline_ms_.load();
  while (deadline_ms < current && !shutdown_deadline_ms_.compare_exchange_weak(current, deadline_ms)) {
  }
  shutdown_requested_.store(true);
}

void StreamThread::Join() {
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

ThreadState StreamThread::state() const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_;
}

KafkaStreams::ThreadMetadata StreamThread::metadata() const {
  KafkaStreams::ThreadMetadata m;
  m.thread_name = name_;
  m.consumer_client_id = StrCat(name_, "-consumer");
  m.restore_consumer_client_id = StrCat(name_, "-restore-consumer");
  m.producer_client_ids = {StrCat(name_, "-producer")};
  std::lock_guard<std::mutex> lock(mu_);
  m.thread_state = std::string(ThreadStateName(state_));
  m.active_tasks = metadata_;
  m.dropped_records = dropped_records_;
  return m;
}

void StreamThread::SetState(ThreadState state) {
  ThreadState old;
  {
    std::lock_guard<std::mutex> lock(mu_);
    old = state_;
    if (old == state) return;
    state_ = state;
  }
  LogLine(LogLevel::kInfo, StrCat(name_, ": state ", ThreadStateName(old), " -> ",
                                  ThreadStateName(state)));
  if (callbacks_.on_state_change) callbacks_.on_state_change(this, state, old);
}

void StreamThread::UpdateMetadata() {
  std::vector<KafkaStreams::TaskMetadata> tasks;
  int64_t dropped = 0;
  for (const auto& [id, task] : tasks_) {
    KafkaStreams::TaskMetadata t;
    t.task_id = id;
    t.topic_partitions.insert(task->partitions().begin(), task->partitions().end());
    t.committed_offsets = task->committed_offsets();
    for (const TopicPartition& tp : task->partitions()) {
      if (auto watermarks = consumer_->CachedWatermarkOffsets(tp)) {
        t.end_offsets[tp] = watermarks->second;
      }
    }
    t.time_current_idling_started = task->partition_group().idle_since_ms();
    t.restoring = task->restoring();
    t.dropped_records = task->dropped_records();
    dropped += t.dropped_records;
    tasks.push_back(std::move(t));
  }
  dropped += dropped_by_closed_tasks_ + (collector_ ? collector_->skipped() : 0);
  std::lock_guard<std::mutex> lock(mu_);
  metadata_ = std::move(tasks);
  dropped_records_ = dropped;
}

void StreamThread::Run() {
  absl::Status s = RunLoop();
  if (s.ok()) {
    SetState(ThreadState::kDead);
    return;
  }
  failed_ = true;
  absl::Status error = Prefixed(s, StrCat("stream thread '", name_, "' failed: "));
  LogLine(LogLevel::kError, StrCat(error.message()));
  SetState(ThreadState::kPendingShutdown);
  collector_->Abandon();  // no more writes from this thread, queued ones dropped
  (void)CloseTasks(/*clean=*/false);
  absl::Status closed = consumer_->Close();  // leaves the group; no commit
  if (!closed.ok()) LogLine(LogLevel::kWarning, StrCat(name_, ": ", closed.message()));
  SetState(ThreadState::kDead);
  if (callbacks_.on_failure) callbacks_.on_failure(this, error);
}

absl::Status StreamThread::RunLoop() {
  SetState(ThreadState::kStarting);
  if (subscribed_pattern_.empty()) {
    KSTREAMS_RETURN_IF_ERROR(consumer_->Subscribe(subscribed_topics_));
  } else {
    KSTREAMS_RETURN_IF_ERROR(consumer_->SubscribePattern(subscribed_pattern_));
  }
  last_commit_ms_ = NowMs();
  while (!shutdown_requested_.load()) {
    KSTREAMS_RETURN_IF_ERROR(RunOnce());
  }
  SetState(ThreadState::kPendingShutdown);
  KSTREAMS_RETURN_IF_ERROR(CloseTasks(/*clean=*/true));
  absl::Status closed = consumer_->Close();  // revocation hook: nothing left to do
  if (!closed.ok()) LogLine(LogLevel::kWarning, StrCat(name_, ": ", closed.message()));
  KSTREAMS_RETURN_IF_ERROR(hook_error_);
  return absl::OkStatus();
}

absl::Status StreamThread::RunOnce() {
  int64_t now = NowMs();
  bool has_work = false;
  for (auto& [id, task] : tasks_) {
    if (task->HasProcessable(now)) {
      has_work = true;
      break;
    }
  }
  // Bound what is buffered: poll only as many records as there is room for.
  // (Pausing partitions instead would make librdkafka drop its prefetched
  // data and fetch it again on resume.) Past the bound, skip polling, but
  // not for long: max.poll.interval.ms must be respected.
  size_t buffered = 0;
  for (auto& [id, task] : tasks_) buffered += task->partition_group().TotalBuffered();
  const size_t capacity = static_cast<size_t>(rc_.buffered_records_per_partition) *
                          std::max<size_t>(1, task_by_partition_.size());
  int64_t max_records = rc_.max_poll_records;
  bool poll = true;
  if (buffered >= capacity) {
    poll = now - last_poll_ms_ >= rc_.max_poll_interval_ms / 4;
    max_records = 1;
  } else {
    max_records = std::min<int64_t>(max_records, static_cast<int64_t>(capacity - buffered));
  }
  // While changelogs are restored the main consumer is only polled, not
  // waited on (its partitions of restoring tasks are paused).
  const bool restoring = changelog_reader_->HasPending();
  if (poll) {
    absl::StatusOr<std::vector<ConsumerRecord>> records = consumer_->PollBatch(
        static_cast<int>(max_records),
        has_work || restoring ? absl::ZeroDuration() : absl::Milliseconds(rc_.poll_ms));
    last_poll_ms_ = NowMs();
    KSTREAMS_RETURN_IF_ERROR(hook_error_);
    if (!records.ok()) return Prefixed(records.status(), "polling the consumer: ");
    for (ConsumerRecord& r : *records) {
      auto it = task_by_partition_.find(TopicPartition{r.topic, r.partition});
      if (it == task_by_partition_.end()) continue;  // no longer ours
      it->second->AddRecord(std::move(r));
    }
  }
  if (restoring) KSTREAMS_RETURN_IF_ERROR(RestoreChangelogs(has_work));
  // Java's StreamThread reaches RUNNING once every assigned task restored.
  if (state() == ThreadState::kPartitionsAssigned && !changelog_reader_->HasPending()) {
    SetState(ThreadState::kRunning);
  }

  // Process in rounds over the tasks, within a time budget well below
  // max.poll.interval.ms so the consumer stays in the group.
  now = NowMs();
  const int64_t budget_end = now + PhaseBudgetMs();
  while (true) {
    int64_t total = 0;
    for (auto& [id, task] : tasks_) {
      absl::StatusOr<int64_t> n = task->Process(kRecordsPerTaskRound, now);
      if (!n.ok()) return Prefixed(n.status(), StrCat("task ", id.ToString(), ": "));
      total += *n;
      KSTREAMS_RETURN_IF_ERROR(collector_->error());
    }
    now = NowMs();
    if (total == 0 || now >= budget_end) break;
  }

  for (auto& [id, task] : tasks_) {
    absl::Status s = task->PunctuateWallClock();
    if (!s.ok()) return Prefixed(s, StrCat("task ", id.ToString(), ": "));
  }
  collector_->Poll();
  KSTREAMS_RETURN_IF_ERROR(collector_->error());

  bool requested = false;
  for (auto& [id, task] : tasks_) requested = task->TakeCommitRequest() || requested;
  if (requested || NowMs() - last_commit_ms_ >= rc_.commit_interval_ms) {
    KSTREAMS_RETURN_IF_ERROR(Commit());
  }
  return absl::OkStatus();
}

absl::Status StreamThread::RestoreChangelogs(bool other_work) {
  // Bounded like processing: the thread polls its main consumer again well
  // within max.poll.interval.ms.
  const int64_t budget_end = NowMs() + PhaseBudgetMs();
  absl::Duration wait = other_work ? absl::ZeroDuration() : absl::Milliseconds(rc_.poll_ms);
  while (changelog_reader_->HasPending()) {
    absl::StatusOr<int64_t> restored = changelog_reader_->Restore(kRestoreRecordsPerRound, wait);
    if (!restored.ok()) return Prefixed(restored.status(), "restoring state: ");
    wait = absl::ZeroDuration();
    KSTREAMS_RETURN_IF_ERROR(CompleteRestoredTasks());
    if (*restored == 0 || NowMs() >= budget_end) break;
  }
  return absl::OkStatus();
}

absl::Status StreamThread::CompleteRestoredTasks() {
  std::vector<TopicPartition> resume;
  for (auto& [id, task] : tasks_) {
    if (!task->restoring() || !changelog_reader_->IsRestored(&task->state_manager())) continue;
    absl::Status s = task->CompleteRestoration();
    if (!s.ok()) return Prefixed(s, StrCat("task ", id.ToString(), ": "));
    resume.insert(resume.end(), task->partitions().begin(), task->partitions().end());
    LogLine(LogLevel::kInfo, StrCat(name_, ": task ", id.ToString(), " restored, processing"));
  }
  if (resume.empty()) return absl::OkStatus();
  absl::Status s = consumer_->Resume(resume);
  if (!s.ok()) return Prefixed(s, "resuming the partitions of restored tasks: ");
  UpdateMetadata();
  return absl::OkStatus();
}

absl::Status StreamThread::Commit(bool enforce_checkpoint) {
  for (auto& [id, task] : tasks_) {
    if (!task->restoring()) KSTREAMS_RETURN_IF_ERROR(task->FlushCaches());
  }
  int64_t flush_ms = std::max<int64_t>(rc_.max_poll_interval_ms / 2, 1000);
  if (shutdown_requested_.load()) {
    // Close(timeout): wait for the broker only until the deadline.
    int64_t deadline = shutdown_deadline_ms_.load();
    if (deadline != std::numeric_limits<int64_t>::max()) {
      flush_ms = std::clamp<int64_t>(deadline - NowMs(), 0, flush_ms);
    }
  }
  absl::Status flushed = collector_->FlushAndCheck(absl::Milliseconds(flush_ms));
  if (!flushed.ok() && shutdown_requested_.load()) {
    int in_flight = producer_->InFlight();
    LogLine(LogLevel::kWarning,
            StrCat(name_, ": closing: ", in_flight,
                   " record(s) not delivered before the close deadline are dropped; the input "
                   "offsets since the last commit are not committed, so those records are "
                   "processed again after a restart (at_least_once)"));
  }
  KSTREAMS_RETURN_IF_ERROR(flushed);
  std::map<TopicPartition, int64_t> offsets;
  for (auto& [id, task] : tasks_) {
    offsets.insert(task->CommittableOffsets().begin(), task->CommittableOffsets().end());
  }
  last_commit_ms_ = NowMs();
  if (!offsets.empty()) {
    absl::Status s = consumer_->CommitSync(offsets);
    if (s.ok()) {
      for (auto& [id, task] : tasks_) task->MarkCommitted();
      if (purger_ == nullptr) purger_ = std::make_unique<RepartitionPurger>(rc_, last_commit_ms_);
      purger_->MaybePurge(offsets, last_commit_ms_);
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

absl::Status StreamThread::CloseTasks(bool clean) {
  absl::Status s;
  if (clean && !failed_) {
    s = Commit(/*enforce_checkpoint=*/true);
    // What the commit could not cover (refused during a rebalance); the
    // checkpoints above include these records' effects.
    unconfirmed_offsets_.clear();
    for (auto& [id, task] : tasks_) {
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

const Subtopology* StreamThread::SubtopologyFor(const std::string& topic) {
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

std::map<TopicPartition, int64_t> StreamThread::StartOffsets(
    const std::vector<TopicPartition>& partitions) {
  resumed_offsets_.clear();
  std::vector<TopicPartition> back;
  for (const TopicPartition& tp : partitions) {
    if (unconfirmed_offsets_.contains(tp)) back.push_back(tp);
  }
  if (back.empty()) return {};
  // Never behind the group: another member may have committed meanwhile.
  auto committed = consumer_->Committed(back, absl::Seconds(5));
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

void StreamThread::OnAssigned(const std::vector<TopicPartition>& partitions) {
  SetState(ThreadState::kPartitionsAssigned);
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
    options.application_id = rc_.application_id;
    options.task_id = id;
    options.config = config_;
    options.collector = collector_.get();
    options.thread_cache = cache_.get();
    options.global_stores = rc_.global_stores;
    options.error_handling = rc_.error_handling;
    absl::StatusOr<std::unique_ptr<StreamTask>> task = StreamTask::Create(
        topology_, *entry.first, std::move(options), entry.second, rc_.max_task_idle_ms);
    absl::Status s = task.ok() ? (*task)->InitStores() : task.status();
    if (!s.ok()) {
      if (hook_error_.ok()) hook_error_ = Prefixed(s, StrCat("creating task ", id.ToString(), ": "));
      if (task.ok()) (*task)->Close();
      continue;
    }
    StreamTask* t = task->get();
    for (const TopicPartition& tp : entry.second) task_by_partition_[tp] = t;
    tasks_[id] = std::move(*task);
    for (const StateManager::Changelog& c : t->state_manager().changelogs()) {
      collector_->TrackOffsets(c.partition);
    }
    registry_->Add(t->queryable());
    if (t->state_manager().empty()) {
      s = t->CompleteRestoration();  // nothing to restore
      if (!s.ok() && hook_error_.ok()) {
        hook_error_ = Prefixed(s, StrCat("initializing task ", id.ToString(), ": "));
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
    absl::Status s = consumer_->Pause(to_pause);
    if (!s.ok() && hook_error_.ok()) {
      hook_error_ = Prefixed(s, "pausing the input of restoring tasks: ");
    }
  }
  UpdateMetadata();
  LogLine(LogLevel::kInfo, StrCat(name_, ": assigned ", partitions.size(), " partitions, ",
                                  tasks_.size(), " active tasks"));
}

void StreamThread::OnRevoked(const std::vector<TopicPartition>& partitions) {
  if (state() != ThreadState::kPendingShutdown) SetState(ThreadState::kPartitionsRevoked);
  (void)partitions;  // eager protocol: every partition goes, so every task
  absl::Status s = CloseTasks(/*clean=*/true);
  if (!s.ok() && hook_error_.ok()) hook_error_ = Prefixed(s, "on partition revocation: ");
}

}  // namespace kstreams::internal
