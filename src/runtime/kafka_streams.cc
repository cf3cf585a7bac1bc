#include "kstreams/runtime/kafka_streams.h"

#include <algorithm>
#include <filesystem>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <limits>
#include <mutex>
#include <set>
#include <thread>

#include "kstreams/internal/strings.h"
#include "kstreams/log.h"
#include "kstreams/status_macros.h"
#include "runtime/global_stream_thread.h"
#include "runtime/internal_topics.h"
#include "runtime/local_store_registry.h"
#include "runtime/process_id.h"
#include "runtime/runtime_config.h"
#include "state/state_directory_lock.h"
#include "runtime/stream_thread.h"

namespace kstreams {

using State = KafkaStreams::State;

std::string_view StateName(State state) {
  switch (state) {
    case State::kCreated: return "CREATED";
    case State::kRebalancing: return "REBALANCING";
    case State::kRunning: return "RUNNING";
    case State::kPendingShutdown: return "PENDING_SHUTDOWN";
    case State::kNotRunning: return "NOT_RUNNING";
    case State::kPendingError: return "PENDING_ERROR";
    case State::kError: return "ERROR";
  }
  return "UNKNOWN";
}

namespace internal {
namespace {

// Kafka Streams' KafkaStreams.State#isValidTransition.
bool IsValidTransition(State from, State to) {
  switch (from) {
    case State::kCreated:
      return to == State::kRebalancing || to == State::kPendingShutdown;
    case State::kRebalancing:
      return to == State::kRunning || to == State::kPendingShutdown ||
             to == State::kPendingError;
    case State::kRunning:
      return to == State::kRebalancing || to == State::kPendingShutdown ||
             to == State::kPendingError;
    case State::kPendingShutdown:
      return to == State::kNotRunning;
    case State::kNotRunning:
      return false;
    case State::kPendingError:
      return to == State::kError;
    case State::kError:
      return false;
  }
  return false;
}

}  // namespace

// Owns the threads. listener_mu_ may be held while taking mu_, never the
// other way round; the listener runs holding only listener_mu_.
class KafkaStreamsImpl {
 public:
  KafkaStreamsImpl(const Topology& topology, StreamsConfig config)
      : topology_(topology.shared_data()),
        topology_status_(topology.status()),
        config_(std::move(config)) {}

  ~KafkaStreamsImpl() {
    Close(absl::InfiniteDuration());
    JoinHelpers();
  }

  absl::Status Start();
  bool Close(absl::Duration timeout);

  State state() const {
    std::lock_guard<std::mutex> lock(mu_);
    return state_;
  }
  void SetStateListener(KafkaStreams::StateListener listener) {
    std::lock_guard<std::mutex> lock(listener_mu_);
    listener_ = std::move(listener);
  }
  void SetUncaughtExceptionHandler(KafkaStreams::UncaughtExceptionHandler handler) {
    std::lock_guard<std::mutex> lock(mu_);
    handler_ = std::move(handler);
  }
  void SetGlobalStateRestoreListener(std::shared_ptr<StateRestoreListener> listener) {
    std::lock_guard<std::mutex> lock(mu_);
    restore_listener_ = std::move(listener);
  }
  std::vector<KafkaStreams::ThreadMetadata> LocalThreadsMetadata() const {
    std::vector<KafkaStreams::ThreadMetadata> out;
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& t : threads_) {
      if (t->state() == ThreadState::kDead) continue;
      out.push_back(t->metadata());
      out.back().admin_client_id = AdminClientId();
    }
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.thread_name < b.thread_name; });
    return out;
  }
  absl::StatusOr<std::vector<KafkaStreams::InternalTopic>> InternalTopics() const {
    KSTREAMS_ASSIGN_OR_RETURN(RuntimeConfig rc, ParseRuntimeConfig(config_));
    rc.admin["client.id"] = StrCat(rc.application_id, "-internal-topics-admin");
    if (!topology_status_.ok()) {
      return absl::Status(topology_status_.code(),
                          StrCat("invalid topology: ", topology_status_.message()));
    }
    KSTREAMS_ASSIGN_OR_RETURN(std::vector<InternalTopicSpec> specs,
                              ListInternalTopics(*topology_, rc));
    std::vector<KafkaStreams::InternalTopic> out;
    for (InternalTopicSpec& spec : specs) {
      out.push_back({std::move(spec.name), spec.partitions, std::move(spec.configs)});
    }
    return out;
  }
  absl::StatusOr<std::shared_ptr<LocalStoreProvider>> StoreProvider() const {
    std::lock_guard<std::mutex> lock(mu_);
    if (state_ != State::kRunning && state_ != State::kRebalancing) {
      return absl::FailedPreconditionError(
          StrCat("cannot query state stores: KafkaStreams is ", StateName(state_),
                 ", not RUNNING or REBALANCING"));
    }
    return std::shared_ptr<LocalStoreProvider>(registry_);
  }

 private:
  // Moves to `to` if that is a valid transition from the current state.
  bool TransitionTo(State to);
  std::string AdminClientId() const { return StrCat(rc_.client_id, "-admin"); }
  // Sets rc_.process_id and rc_.client_id (runtime/process_id.h).
  void AcquireIdentity();
  absl::StatusOr<std::unique_ptr<StreamThread>> MakeThread();
  void OnThreadStateChange(StreamThread* thread, ThreadState now, ThreadState before);
  void OnThreadFailure(StreamThread* thread, const absl::Status& error);
  // The global thread cannot be replaced: the handler is told, and the
  // client shuts down (Java does the same).
  void OnGlobalThreadFailure(const absl::Status& error);
  // Shuts every thread down and joins them, then moves to `final_state`.
  // `deadline_ms` (Unix ms): see StreamThread::RequestShutdown.
  void ShutDownThreads(State final_state,
                       int64_t deadline_ms = std::numeric_limits<int64_t>::max());
  void JoinHelpers();

  std::shared_ptr<const TopologyData> topology_;
  absl::Status topology_status_;
  StreamsConfig config_;
  RuntimeConfig rc_;
  // Its lock holds <state.dir>/<application.id> while the client runs
  // (Java's StateDirectory lock): with state stores, a second instance on the
  // same directory is refused at Start().
  ProcessIdentity identity_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  State state_ = State::kCreated;
  std::vector<std::unique_ptr<StreamThread>> threads_;  // live and replaced ones
  std::unique_ptr<GlobalStreamThread> global_thread_;   // when there are global stores
  int next_thread_index_ = 1;
  KafkaStreams::UncaughtExceptionHandler handler_;
  std::shared_ptr<StateRestoreListener> restore_listener_;
  // The tasks' stores for Store() queries; shared with the threads and with
  // the handles Store() returned.
  std::shared_ptr<LocalStoreRegistry> registry_;
  std::vector<std::thread> helpers_;  // shutdown helpers
  bool shutdown_started_ = false;
  bool finished_ = false;  // reached NOT_RUNNING or ERROR, listener told
  std::deque<std::pair<State, State>> events_;  // (new, old) not yet delivered

  std::mutex listener_mu_;
  KafkaStreams::StateListener listener_;
};

bool KafkaStreamsImpl::TransitionTo(State to) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    State from = state_;
    if (from == to || !IsValidTransition(from, to)) return false;
    state_ = to;
    events_.emplace_back(to, from);
  }
  // Deliver queued changes in order. mu_ is never held while waiting for
  // listener_mu_, so a listener may call state() while another thread
  // changes the state.
  std::lock_guard<std::mutex> listener_lock(listener_mu_);
  while (true) {
    std::pair<State, State> event;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (events_.empty()) break;
      event = events_.front();
      events_.pop_front();
    }
    LogLine(LogLevel::kInfo, StrCat("stream-client [", rc_.client_id,
                                    "] state ", StateName(event.second), " -> ",
                                    StateName(event.first)));
    if (listener_) listener_(event.first, event.second);
    if (event.first == State::kNotRunning || event.first == State::kError) {
      // Close() returns once the final state's listener call is over.
      std::lock_guard<std::mutex> lock(mu_);
      finished_ = true;
      cv_.notify_all();
    }
  }
  return true;
}

void KafkaStreamsImpl::AcquireIdentity() {
  if (identity_.process_id.empty()) {
    identity_ = AcquireProcessId(rc_.task->state_dir / rc_.application_id);
  }
  rc_.process_id = identity_.process_id;
  rc_.client_id = !rc_.configured_client_id.empty()
                      ? rc_.configured_client_id
                      : StrCat(rc_.application_id, "-", rc_.process_id);
}

absl::StatusOr<std::unique_ptr<StreamThread>> KafkaStreamsImpl::MakeThread() {
  // REQUIRES: mu_ held.
  const int index = next_thread_index_++;
  std::string name = StrCat(rc_.client_id, "-StreamThread-", index);
  RuntimeConfig thread_config = rc_;
  if (rc_.exactly_once) {
    // Java's exactly_once_v2 transactional.id: stable across restarts of the
    // same process identity (the process id kept in the state directory),
    // so a restarted thread fences its crashed predecessor and aborts its
    // open transaction at InitTransactions.
    thread_config.producer["transactional.id"] =
        StrCat(rc_.application_id, "-", rc_.process_id, "-", index);
  }
  StreamThread::Callbacks callbacks;
  callbacks.on_state_change = [this](StreamThread* t, ThreadState now, ThreadState before) {
    OnThreadStateChange(t, now, before);
  };
  callbacks.on_failure = [this](StreamThread* t, const absl::Status& error) {
    OnThreadFailure(t, error);
  };
  auto thread = std::make_unique<StreamThread>(std::move(name), topology_, std::move(thread_config),
                                               std::move(callbacks), restore_listener_,
                                               registry_);
  KSTREAMS_RETURN_IF_ERROR(thread->CreateClients());
  return thread;
}

absl::Status KafkaStreamsImpl::Start() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (state_ != State::kCreated) {
      return absl::FailedPreconditionError(
          StrCat("KafkaStreams::Start() called in state ", StateName(state_),
                 "; it may only be started once, from CREATED"));
    }
  }
  // 1. Config and topology.
  KSTREAMS_ASSIGN_OR_RETURN(rc_, ParseRuntimeConfig(config_));
  AcquireIdentity();
  rc_.admin["client.id"] = AdminClientId();
  if (!topology_status_.ok()) {
    return absl::Status(topology_status_.code(),
                        StrCat("invalid topology: ", topology_status_.message()));
  }
  if (topology_->nodes().empty()) {
    return absl::InvalidArgumentError("the topology is empty: add a source before Start()");
  }
  if (!topology_->stores().empty() && identity_.lock == nullptr) {
    // Another instance holds the directory: ask again for the error that
    // names it and its holder.
    const std::string state_dir = rc_.task->state_dir.string();
    absl::StatusOr<std::unique_ptr<StateDirectoryLock>> lock =
        StateDirectoryLock::Acquire(std::filesystem::path(state_dir) / rc_.application_id);
    if (!lock.ok()) {
      return absl::Status(lock.status().code(),
                          StrCat("config 'state.dir'='", state_dir, "': ",
                                 lock.status().message()));
    }
    identity_.lock = *std::move(lock);
  }
  // 2. Source topics, internal topics (repartition, changelogs).
  KSTREAMS_RETURN_IF_ERROR(PrepareTopics(*topology_, rc_));
  std::set<std::string> store_names;
  for (const StoreDef& store : topology_->stores()) store_names.insert(store.name);
  registry_ = std::make_shared<LocalStoreRegistry>(rc_.application_id, std::move(store_names));
  // 3. Global stores are complete before any stream thread processes.
  if (!topology_->GlobalSubtopologies().empty()) {
    auto global = std::make_unique<GlobalStreamThread>(
        topology_, rc_, [this](const absl::Status& error) { OnGlobalThreadFailure(error); });
    KSTREAMS_RETURN_IF_ERROR(global->Bootstrap());
    rc_.global_stores = [g = global.get()](std::string_view name) { return g->GetStore(name); };
    registry_->SetGlobalStores(rc_.global_stores);
    global->Start();
    global_thread_ = std::move(global);
  }
  // 4. The stream threads.
  std::vector<std::unique_ptr<StreamThread>> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int i = 0; i < rc_.num_stream_threads; ++i) {
      KSTREAMS_ASSIGN_OR_RETURN(std::unique_ptr<StreamThread> thread, MakeThread());
      threads.push_back(std::move(thread));
    }
  }
  TransitionTo(State::kRebalancing);
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& thread : threads) {
    thread->Start();
    threads_.push_back(std::move(thread));
  }
  return absl::OkStatus();
}

void KafkaStreamsImpl::OnThreadStateChange(StreamThread*, ThreadState, ThreadState) {
  State want;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (state_ != State::kRunning && state_ != State::kRebalancing) return;
    bool all_running = true;
    bool any_alive = false;
    for (const auto& t : threads_) {
      ThreadState s = t->state();
      if (s == ThreadState::kDead || s == ThreadState::kPendingShutdown) continue;
      any_alive = true;
      if (s != ThreadState::kRunning) all_running = false;
    }
    if (!any_alive) return;
    want = all_running ? State::kRunning : State::kRebalancing;
  }
  TransitionTo(want);
}

void KafkaStreamsImpl::OnThreadFailure(StreamThread* thread, const absl::Status& error) {
  KafkaStreams::UncaughtExceptionHandler handler;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (shutdown_started_) return;  // shutting down anyway
    handler = handler_;
  }
  KafkaStreams::StreamThreadExceptionResponse response =
      KafkaStreams::StreamThreadExceptionResponse::kShutdownClient;
  if (handler) response = handler(error);
  if (response == KafkaStreams::StreamThreadExceptionResponse::kReplaceThread) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!shutdown_started_) {
      absl::StatusOr<std::unique_ptr<StreamThread>> replacement = MakeThread();
      if (replacement.ok()) {
        (*replacement)->Start();
        LogLine(LogLevel::kWarning, StrCat("replacing stream thread '", thread->name(),
                                           "' with '", (*replacement)->name(), "'"));
        threads_.push_back(std::move(*replacement));
        return;
      }
      LogLine(LogLevel::kError, StrCat("cannot replace stream thread '", thread->name(),
                                       "': ", replacement.status().message()));
    }
  }
  if (response == KafkaStreams::StreamThreadExceptionResponse::kShutdownApplication) {
    LogLine(LogLevel::kWarning,
            "SHUTDOWN_APPLICATION: shutting this client down; other instances of the "
            "application are not notified (not supported yet)");
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (shutdown_started_) return;
    shutdown_started_ = true;
  }
  if (!TransitionTo(State::kPendingError)) return;
  // This runs on the dying thread, which cannot join itself: a helper does.
  std::lock_guard<std::mutex> lock(mu_);
  helpers_.emplace_back([this] { ShutDownThreads(State::kError); });
}

void KafkaStreamsImpl::OnGlobalThreadFailure(const absl::Status& error) {
  KafkaStreams::UncaughtExceptionHandler handler;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (shutdown_started_) return;
    shutdown_started_ = true;
    handler = handler_;
  }
  if (handler) (void)handler(error);  // any response: the client shuts down
  if (!TransitionTo(State::kPendingError)) return;
  std::lock_guard<std::mutex> lock(mu_);
  helpers_.emplace_back([this] { ShutDownThreads(State::kError); });
}

void KafkaStreamsImpl::ShutDownThreads(State final_state, int64_t deadline_ms) {
  std::vector<StreamThread*> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& t : threads_) threads.push_back(t.get());
  }
  for (StreamThread* t : threads) t->RequestShutdown(deadline_ms);
  for (StreamThread* t : threads) t->Join();
  // After the stream threads: their tasks read the global stores.
  if (global_thread_) {
    registry_->SetGlobalStores(nullptr);  // waits for a query reading them
    global_thread_->Shutdown();
  }
  identity_.lock.reset();  // every task closed its stores: another instance may start
  TransitionTo(final_state);
}

bool KafkaStreamsImpl::Close(absl::Duration timeout) {
  bool spawn = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (state_ == State::kCreated && !shutdown_started_) {
      shutdown_started_ = true;
    } else if (!shutdown_started_) {
      shutdown_started_ = true;
      spawn = true;
    }
  }
  if (state() == State::kCreated) {
    TransitionTo(State::kPendingShutdown);
    TransitionTo(State::kNotRunning);
    return true;
  }
  if (spawn) {
    TransitionTo(State::kPendingShutdown);
    int64_t deadline_ms = std::numeric_limits<int64_t>::max();
    if (timeout != absl::InfiniteDuration()) {
      deadline_ms = absl::ToUnixMillis(absl::Now() + timeout);
    }
    std::lock_guard<std::mutex> lock(mu_);
    helpers_.emplace_back([this, deadline_ms] { ShutDownThreads(State::kNotRunning, deadline_ms); });
  } else if (timeout != absl::InfiniteDuration()) {
    // A shutdown already under way (e.g. after an error) also honours this
    // caller's deadline.
    std::lock_guard<std::mutex> lock(mu_);
    int64_t deadline_ms = absl::ToUnixMillis(absl::Now() + timeout);
    for (auto& t : threads_) t->RequestShutdown(deadline_ms);
  }
  std::unique_lock<std::mutex> lock(mu_);
  auto done = [this] { return finished_; };
  if (timeout == absl::InfiniteDuration()) {
    cv_.wait(lock, done);
    return true;
  }
  return cv_.wait_for(lock, absl::ToChronoMilliseconds(timeout), done);
}

void KafkaStreamsImpl::JoinHelpers() {
  std::vector<std::thread> helpers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    helpers.swap(helpers_);
  }
  for (std::thread& h : helpers) {
    if (h.joinable()) h.join();
  }
}

}  // namespace internal

KafkaStreams::KafkaStreams(const Topology& topology, StreamsConfig config)
    : impl_(std::make_unique<internal::KafkaStreamsImpl>(topology, std::move(config))) {}
KafkaStreams::~KafkaStreams() = default;
absl::Status KafkaStreams::Start() { return impl_->Start(); }
bool KafkaStreams::Close(absl::Duration timeout) { return impl_->Close(timeout); }
KafkaStreams::State KafkaStreams::state() const { return impl_->state(); }
void KafkaStreams::SetStateListener(StateListener listener) {
  impl_->SetStateListener(std::move(listener));
}
void KafkaStreams::SetUncaughtExceptionHandler(UncaughtExceptionHandler handler) {
  impl_->SetUncaughtExceptionHandler(std::move(handler));
}
void KafkaStreams::SetGlobalStateRestoreListener(std::shared_ptr<StateRestoreListener> listener) {
  impl_->SetGlobalStateRestoreListener(std::move(listener));
}
absl::StatusOr<std::shared_ptr<internal::LocalStoreProvider>> KafkaStreams::StoreProvider() const {
  return impl_->StoreProvider();
}
std::vector<KafkaStreams::ThreadMetadata> KafkaStreams::LocalThreadsMetadata() const {
  return impl_->LocalThreadsMetadata();
}
absl::StatusOr<std::vector<KafkaStreams::InternalTopic>> KafkaStreams::InternalTopics() const {
  return impl_->InternalTopics();
}

}  // namespace kstreams
