#include "runtime/stream_thread.h"

#include <algorithm>
#include <chrono>

#include "kstreams/internal/strings.h"
#include "kstreams/log.h"
#include "kstreams/status_macros.h"
#include "runtime/runtime_util.h"

namespace kstreams::internal {
namespace {

// Milliseconds since `start` (steady clock), for the latency sensors.
double MsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

// Records a task processes before the thread moves to the next task, so
// that tasks share the thread fairly.
constexpr int64_t kRecordsPerTaskRound = 100;
// Changelog records one restore round reads at most (Java's restore
// consumer polls 1000 by default; restoring is cheaper per record than
// processing, and each round ends with a check of the time budget).
constexpr int kRestoreRecordsPerRound = 10000;

// How long a transaction's commit or abort may take (Java's max.block.ms).
constexpr absl::Duration kTransactionTimeout = absl::Seconds(60);

// The thread's consumer (and, under exactly_once_v2, its transactional
// producer) as its TaskManager uses them; after each commit, the committed
// repartition records are purged.
class ConsumerTaskClients final : public TaskClients {
 public:
  // `consumer`, `producer` and `config` outlive this object.
  ConsumerTaskClients(Consumer* consumer, Producer* producer, const RuntimeConfig* config)
      : consumer_(consumer), producer_(producer), config_(config) {}

  // The thread replaced its producer (ReplaceFatalProducer).
  void set_producer(Producer* producer) { producer_ = producer; }

  absl::Status Pause(const std::vector<TopicPartition>& partitions) override {
    return consumer_->Pause(partitions);
  }
  absl::Status Resume(const std::vector<TopicPartition>& partitions) override {
    return consumer_->Resume(partitions);
  }
  absl::Status CommitSync(const std::map<TopicPartition, int64_t>& offsets) override {
    return consumer_->CommitSync(offsets);
  }
  absl::StatusOr<std::map<TopicPartition, std::optional<int64_t>>> Committed(
      const std::vector<TopicPartition>& partitions, absl::Duration timeout) override {
    return consumer_->Committed(partitions, timeout);
  }
  std::optional<int64_t> CachedEndOffset(const TopicPartition& tp) const override {
    if (auto watermarks = consumer_->CachedWatermarkOffsets(tp)) return watermarks->second;
    return std::nullopt;
  }
  absl::Status CommitTransaction(const std::map<TopicPartition, int64_t>& offsets) override {
    KSTREAMS_RETURN_IF_ERROR(
        producer_->SendOffsetsToTransaction(offsets, *consumer_, kTransactionTimeout));
    return producer_->CommitTransaction(kTransactionTimeout);
  }
  absl::Status AbortTransaction() override {
    return producer_->AbortTransaction(kTransactionTimeout);
  }
  // Asynchronous (librdkafka's seek with timeout 0): a synchronous seek
  // waits for the partition's fetcher, which a broker outage or a lost group
  // session can hold past any timeout, and failing the rewind would kill the
  // thread. librdkafka raises the partition's version barrier at once, so
  // no record fetched before the seek is returned after it; a seek that
  // fails later surfaces as a consumer error.
  absl::Status Seek(const TopicPartition& tp, int64_t offset) override {
    return consumer_->Seek(tp, offset, absl::ZeroDuration());
  }
  void OnCommitted(const std::map<TopicPartition, int64_t>& offsets, int64_t now_ms) override {
    // The first purge comes one interval after the first commit.
    if (purger_ == nullptr) purger_ = std::make_unique<RepartitionPurger>(*config_, now_ms);
    purger_->MaybePurge(offsets, now_ms);
  }

 private:
  Consumer* consumer_;
  Producer* producer_;
  const RuntimeConfig* config_;
  std::unique_ptr<RepartitionPurger> purger_;  // deletes committed repartition records
};

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
                           RuntimeConfig runtime_config,
                           Callbacks callbacks,
                           std::shared_ptr<StateRestoreListener> restore_listener,
                           std::shared_ptr<LocalStoreRegistry> registry)
    : name_(std::move(name)),
      topology_(std::move(topology)),
      rc_(std::move(runtime_config)),
      callbacks_(std::move(callbacks)),
      restore_listener_(std::move(restore_listener)),
      registry_(std::move(registry)) {
  if (rc_.metrics != nullptr) {
    metrics_ = std::make_unique<ThreadMetrics>(rc_.metrics.get(), name_, NowMs());
    rc_.thread_metrics = metrics_.get();
  }
}

StreamThread::~StreamThread() {
  if (thread_.joinable()) {
    RequestShutdown();
    thread_.join();
  }
}

template <typename ClientOptions>
void StreamThread::AttachClientMetrics(ClientMetrics::Kind kind, ClientOptions& options,
                                       std::unique_ptr<ClientMetrics>& metrics) {
  if (metrics_ == nullptr) return;
  metrics = std::make_unique<ClientMetrics>(rc_.metrics.get(), kind, options.config["client.id"]);
  options.config.insert(
      {"statistics.interval.ms", std::string(ClientMetrics::kDefaultStatisticsIntervalMs)});
  options.on_statistics = [&metrics](std::string_view json) {
    if (metrics != nullptr) metrics->OnStatistics(json);
  };
}

absl::Status StreamThread::CreateProducer() {
  ProducerOptions producer_options;
  producer_options.config = rc_.producer;
  producer_options.config["client.id"] = StrCat(name_, "-producer");
  producer_options.on_delivery = [this](const DeliveryResult& result) {
    if (collector_) collector_->OnDelivery(result);
  };
  producer_options.on_error = [this](const absl::Status& s) {
    LogLine(LogLevel::kWarning, StrCat(name_, ": producer: ", s.message()));
  };
  // A replaced producer's gauges go with it.
  AttachClientMetrics(ClientMetrics::Kind::kProducer, producer_options, producer_metrics_);
  KSTREAMS_ASSIGN_OR_RETURN(producer_, Producer::Create(std::move(producer_options)));
  if (collector_ == nullptr) {
    collector_ = std::make_unique<RecordCollectorImpl>(producer_.get(),
                                                       rc_.error_handling->production.get());
  } else {
    collector_->ReplaceProducer(producer_.get());
  }
  return absl::OkStatus();
}

absl::Status StreamThread::CreateClients() {
  KSTREAMS_RETURN_IF_ERROR(CreateProducer());

  ConsumerOptions consumer_options;
  consumer_options.config = rc_.consumer;
  consumer_options.config["group.id"] = rc_.application_id;
  consumer_options.config["client.id"] = StrCat(name_, "-consumer");
  // A partition's end, as fetched, tells a task waiting under
  // max.task.idle.ms that the partition has no lag (KIP-695).
  consumer_options.config["enable.partition.eof"] = "true";
  consumer_options.on_partition_eof = [this](const TopicPartition& tp, int64_t offset) {
    task_manager_->FetchedToEnd(tp, offset);
  };
  consumer_options.start_offsets = [this](const std::vector<TopicPartition>& tps) {
    return task_manager_->StartOffsets(tps);
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
  AttachClientMetrics(ClientMetrics::Kind::kConsumer, consumer_options, consumer_metrics_);
  KSTREAMS_ASSIGN_OR_RETURN(consumer_, Consumer::Create(std::move(consumer_options)));

  // The restore consumer: group-less, reads changelogs as they are
  // (read_uncommitted, as Java under at_least_once; read_committed under
  // exactly_once_v2, set by ParseRuntimeConfig).
  ClientConfig restore = rc_.restore_consumer;
  restore["client.id"] = StrCat(name_, "-restore-consumer");
  restore.insert({"isolation.level", "read_uncommitted"});
  KSTREAMS_ASSIGN_OR_RETURN(restore_source_, ConsumerChangelogSource::Create(std::move(restore)));
  changelog_reader_ =
      std::make_unique<ChangelogReader>(restore_source_.get(), restore_listener_, name_);

  task_clients_ = std::make_unique<ConsumerTaskClients>(consumer_.get(), producer_.get(), &rc_);
  TaskManager::Options tasks;
  tasks.name = name_;
  tasks.topology = topology_;
  tasks.config = rc_;
  tasks.registry = registry_;
  tasks.clients = task_clients_.get();
  tasks.collector = collector_.get();
  tasks.changelog_reader = changelog_reader_.get();
  task_manager_ = std::make_unique<TaskManager>(std::move(tasks));
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
  if (task_manager_ != nullptr) m.active_tasks = task_manager_->Metadata(&m.dropped_records);
  std::lock_guard<std::mutex> lock(mu_);
  m.thread_state = std::string(ThreadStateName(state_));
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

std::optional<int64_t> StreamThread::ClosingDeadline() const {
  if (!shutdown_requested_.load()) return std::nullopt;
  return shutdown_deadline_ms_.load();
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
  if (producer_->in_transaction()) {
    // exactly_once_v2: nothing of the open transaction becomes visible. (If
    // this fails, the broker aborts it after transaction.timeout.ms, or the
    // next producer with this transactional.id does at once.)
    absl::Status aborted = producer_->AbortTransaction(absl::Seconds(10));
    if (!aborted.ok()) LogLine(LogLevel::kWarning, StrCat(name_, ": ", aborted.message()));
  }
  (void)task_manager_->CloseTasks(/*clean=*/false, ClosingDeadline());
  absl::Status closed = consumer_->Close();  // leaves the group; no commit
  if (!closed.ok()) LogLine(LogLevel::kWarning, StrCat(name_, ": ", closed.message()));
  SetState(ThreadState::kDead);
  if (callbacks_.on_failure) callbacks_.on_failure(this, error);
}

absl::Status StreamThread::RunLoop() {
  SetState(ThreadState::kStarting);
  if (rc_.exactly_once) {
    // Fences an older producer with this transactional.id (this process's
    // previous life) and aborts its open transaction.
    absl::Status s = producer_->InitTransactions(kTransactionTimeout);
    if (!s.ok()) return Prefixed(s, "initializing the transactional producer: ");
  }
  if (task_manager_->source_pattern().empty()) {
    KSTREAMS_RETURN_IF_ERROR(consumer_->Subscribe(task_manager_->source_topics()));
  } else {
    KSTREAMS_RETURN_IF_ERROR(consumer_->SubscribePattern(task_manager_->source_pattern()));
  }
  task_manager_->RestartCommitClock(NowMs());
  while (!shutdown_requested_.load()) {
    absl::Status s = RunOnce();
    if (!s.ok() && rc_.exactly_once && !producer_->FatalError().ok()) {
      s = ReplaceFatalProducer(s);
    }
    KSTREAMS_RETURN_IF_ERROR(s);
  }
  SetState(ThreadState::kPendingShutdown);
  KSTREAMS_RETURN_IF_ERROR(task_manager_->CloseTasks(/*clean=*/!failed_, ClosingDeadline()));
  absl::Status closed = consumer_->Close();  // revocation hook: nothing left to do
  if (!closed.ok()) LogLine(LogLevel::kWarning, StrCat(name_, ": ", closed.message()));
  KSTREAMS_RETURN_IF_ERROR(hook_error_);
  return absl::OkStatus();
}

absl::Status StreamThread::RunOnce() {
  int64_t now = NowMs();
  const bool has_work = task_manager_->HasProcessable(now);
  // Bound what is buffered: poll only as many records as there is room for.
  // (Pausing partitions instead would make librdkafka drop its prefetched
  // data and fetch it again on resume.) Past the bound, skip polling, but
  // not for long: max.poll.interval.ms must be respected. When no task can
  // process (each waits for a partition with unfetched records, under
  // max.task.idle.ms), poll anyway: the awaited records must come in.
  const size_t buffered = task_manager_->BufferedRecords();
  const size_t capacity = static_cast<size_t>(rc_.buffered_records_per_partition) *
                          std::max<size_t>(1, task_manager_->AssignedPartitions());
  int64_t max_records = rc_.max_poll_records;
  bool poll = true;
  if (buffered >= capacity && !has_work) {
    max_records = std::min<int64_t>(max_records, rc_.buffered_records_per_partition);
  } else if (buffered >= capacity) {
    poll = now - last_poll_ms_ >= rc_.max_poll_interval_ms / 4;
    max_records = 1;
  } else {
    max_records = std::min<int64_t>(max_records, static_cast<int64_t>(capacity - buffered));
  }
  // While changelogs are restored the main consumer is only polled, not
  // waited on (its partitions of restoring tasks are paused).
  const bool restoring = changelog_reader_->HasPending();
  if (poll) {
    const auto poll_started = std::chrono::steady_clock::now();
    absl::StatusOr<std::vector<ConsumerRecord>> records = consumer_->PollBatch(
        static_cast<int>(max_records),
        has_work || restoring ? absl::ZeroDuration() : absl::Milliseconds(rc_.poll_ms));
    last_poll_ms_ = NowMs();
    if (metrics_ != nullptr && records.ok()) {
      metrics_->poll->Record(MsSince(poll_started));
      metrics_->poll_records->Record(static_cast<double>(records->size()));
    }
    KSTREAMS_RETURN_IF_ERROR(hook_error_);
    if (!records.ok()) return Prefixed(records.status(), "polling the consumer: ");
    for (ConsumerRecord& r : *records) task_manager_->AddRecord(std::move(r));
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
  const auto process_started = std::chrono::steady_clock::now();
  int64_t processed = 0;
  while (true) {
    KSTREAMS_ASSIGN_OR_RETURN(int64_t total,
                              task_manager_->ProcessRound(kRecordsPerTaskRound, now));
    processed += total;
    now = NowMs();
    if (total == 0 || now >= budget_end || collector_->rewind_requested()) break;
  }
  if (metrics_ != nullptr && processed > 0) {
    // Java's StreamThread: per iteration, the records and the latency per record.
    metrics_->process->Record(static_cast<double>(processed));
    metrics_->process_latency->Record(MsSince(process_started) / static_cast<double>(processed));
  }

  const int64_t punctuations = metrics_ != nullptr ? metrics_->punctuations : 0;
  const auto punctuate_started = std::chrono::steady_clock::now();
  KSTREAMS_RETURN_IF_ERROR(task_manager_->PunctuateWallClock());
  if (metrics_ != nullptr && metrics_->punctuations != punctuations) {
    metrics_->punctuate->Record(MsSince(punctuate_started));
  }
  collector_->Poll();
  KSTREAMS_RETURN_IF_ERROR(collector_->error());

  // A commit also serves a rewind a RETRY answer asked for.
  const bool requested = task_manager_->TakeCommitRequests() || collector_->rewind_requested();
  if (requested || NowMs() - task_manager_->last_commit_ms() >= rc_.commit_interval_ms) {
    const auto commit_started = std::chrono::steady_clock::now();
    KSTREAMS_RETURN_IF_ERROR(
        task_manager_->Commit(/*enforce_checkpoint=*/false, ClosingDeadline()));
    if (metrics_ != nullptr) metrics_->commit->Record(MsSince(commit_started));
  }
  return absl::OkStatus();
}

absl::Status StreamThread::ReplaceFatalProducer(const absl::Status& error) {
  LogLine(LogLevel::kWarning,
          StrCat(name_, ": ", error.message(), "; ", producer_->FatalError().message(),
                 ": the tasks migrated (Java's TaskMigratedException): they close without "
                 "commit and start again from the committed offsets with a new producer"));
  // What the old producer still holds is never committed: its transaction
  // is aborted by the broker when the new producer initializes.
  collector_->Abandon();
  absl::StatusOr<std::vector<TopicPartition>> assigned = consumer_->Assignment();
  if (!assigned.ok()) return Prefixed(assigned.status(), "after a fatal producer error: ");
  KSTREAMS_RETURN_IF_ERROR(task_manager_->CloseTasks(/*clean=*/false, std::nullopt));
  hook_error_ = absl::OkStatus();  // a hook's error was this one
  KSTREAMS_RETURN_IF_ERROR(CreateProducer());
  static_cast<ConsumerTaskClients*>(task_clients_.get())->set_producer(producer_.get());
  absl::Status s = producer_->InitTransactions(kTransactionTimeout);
  if (!s.ok()) return Prefixed(s, "initializing a new transactional producer: ");
  return task_manager_->RecreateTasks(*assigned);
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
    KSTREAMS_RETURN_IF_ERROR(task_manager_->CompleteRestoredTasks());
    if (*restored == 0 || NowMs() >= budget_end) break;
  }
  return absl::OkStatus();
}

void StreamThread::OnAssigned(const std::vector<TopicPartition>& partitions) {
  SetState(ThreadState::kPartitionsAssigned);
  absl::Status s = task_manager_->HandleAssignment(partitions);
  if (!s.ok() && hook_error_.ok()) hook_error_ = s;
}

void StreamThread::OnRevoked(const std::vector<TopicPartition>& partitions) {
  if (state() != ThreadState::kPendingShutdown) SetState(ThreadState::kPartitionsRevoked);
  (void)partitions;  // eager protocol: every partition goes, so every task
  absl::Status s = task_manager_->CloseTasks(/*clean=*/!failed_, ClosingDeadline());
  if (!s.ok() && hook_error_.ok()) hook_error_ = Prefixed(s, "on partition revocation: ");
}

}  // namespace kstreams::internal
