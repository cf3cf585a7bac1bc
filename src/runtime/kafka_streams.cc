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
#include "kstreams/processor/topology_description.h"
#include "nlohmann/json.hpp"
#include "runtime/global_stream_thread.h"
#include "runtime/http_endpoint.h"
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
        config_(std::move(config)) {
    // Start() checks the level and window (a bad one fails it, naming the
    // key); until then the metrics exist with what can be read.
    RecordingLevel level = ParseRecordingLevel(*config_.Get(StreamsConfig::kMetricsRecordingLevel))
                               .value_or(RecordingLevel::kInfo);
    absl::StatusOr<int64_t> window = config_.GetInt(StreamsConfig::kMetricsSampleWindowMs);
    metrics_ = std::make_shared<MetricsRegistry>(level, window.ok() ? *window : 30000);
  }

  ~KafkaStreamsImpl() {
    Close(absl::InfiniteDuration());
    JoinHelpers();
    StopHttp();
    metrics_->Remove(this);
  }

  std::vector<Metric> Metrics() const { return metrics_->Snapshot(); }
  std::optional<int> HttpPort() const {
    std::lock_guard<std::mutex> lock(mu_);
    return http_port_;
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
  // stream-metrics (tag client-id): gauges over atomics only (they run under
  // the registry's mutex, which may be taken while mu_ is held).
  void AddClientMetrics();
  // The HTTP endpoint (metrics.http.address): started by Start(), stopped
  // by the destructor, so /health can tell NOT_RUNNING after Close().
  absl::Status StartHttp();
  void StopHttp();

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

  std::shared_ptr<MetricsRegistry> metrics_;
  // Mirrors for the client's gauges.
  std::atomic<int> state_mirror_{static_cast<int>(State::kCreated)};
  std::atomic<int> alive_threads_{0};
  std::atomic<int> failed_threads_{0};
  std::unique_ptr<HttpEndpoint> http_;
  std::optional<int> http_port_;  // guarded by mu_
};

bool KafkaStreamsImpl::TransitionTo(State to) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    State from = state_;
    if (from == to || !IsValidTransition(from, to)) return false;
    state_ = to;
    state_mirror_.store(static_cast<int>(to), std::memory_order_relaxed);
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
  rc_.metrics = metrics_;
  AddClientMetrics();
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
  // The endpoint answers from here on (/health: live; /ready: not yet).
  if (!rc_.http_address.empty()) KSTREAMS_RETURN_IF_ERROR(StartHttp());
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
    alive_threads_.fetch_add(1, std::memory_order_relaxed);
    thread->Start();
    threads_.push_back(std::move(thread));
  }
  return absl::OkStatus();
}

void KafkaStreamsImpl::AddClientMetrics() {
  const std::string group = "stream-metrics";
  const MetricTags tags = {{"client-id", rc_.client_id}};
  auto name = [&](std::string n, std::string description) {
    return MetricName{std::move(n), group, std::move(description), tags};
  };
  metrics_->AddTextGauge(this, name("state", "The state of the Kafka Streams client"), [this] {
    return std::string(StateName(static_cast<State>(state_mirror_.load())));
  });
  metrics_->AddGauge(
      this, name("client-state", "The state of the Kafka Streams client as a number (ordinal)"),
      [this] { return static_cast<double>(state_mirror_.load()); });
  metrics_->AddGauge(this,
                     name("alive-stream-threads", "The current number of alive stream threads"),
                     [this] { return static_cast<double>(alive_threads_.load()); });
  metrics_->AddGauge(this,
                     name("failed-stream-threads", "The number of failed stream threads so far"),
                     [this] { return static_cast<double>(failed_threads_.load()); });
  metrics_->AddTextGauge(this, name("application-id", "The application ID of the client"),
                         [id = rc_.application_id] { return id; });
  metrics_->AddTextGauge(this, name("version", "The version of the client"),
                         [] { return std::string("kstreams"); });
  metrics_->AddTextGauge(
      this, name("topology-description", "The description of the topology"),
      [text = TopologyDescription(topology_).ToString()] { return text; });
  metrics_->AddTextGauge(this, name("recording-level", "The metrics recording level"),
                         [level = metrics_->level()] {
                           return std::string(RecordingLevelName(level));
                         });
}

absl::Status KafkaStreamsImpl::StartHttp() {
  std::map<std::string, HttpEndpoint::Handler> handlers;
  handlers["/metrics"] = [this](const std::string&) {
    return HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8",
                        PrometheusText(metrics_->Snapshot())};
  };
  // Live: the client has not stopped or failed (CREATED, REBALANCING, RUNNING).
  handlers["/health"] = [this](const std::string&) {
    const State s = static_cast<State>(state_mirror_.load());
    const bool live = s == State::kCreated || s == State::kRebalancing || s == State::kRunning;
    nlohmann::json body = {{"status", live ? "UP" : "DOWN"}, {"state", StateName(s)}};
    return HttpResponse{live ? 200 : 503, "application/json", body.dump() + "\n"};
  };
  // Ready: RUNNING, and no task of this instance restores its stores.
  handlers["/ready"] = [this](const std::string&) {
    const State s = static_cast<State>(state_mirror_.load());
    int restoring = 0;
    for (const auto& thread : LocalThreadsMetadata()) {
      for (const auto& task : thread.active_tasks) restoring += task.restoring ? 1 : 0;
    }
    const bool ready = s == State::kRunning && restoring == 0;
    nlohmann::json body = {{"status", ready ? "UP" : "DOWN"},
                           {"state", StateName(s)},
                           {"restoring_tasks", restoring}};
    return HttpResponse{ready ? 200 : 503, "application/json", body.dump() + "\n"};
  };
  // Describe() as text, or Graphviz DOT with ?format=dot.
  handlers["/topology"] = [description = TopologyDescription(topology_)](const std::string& q) {
    if (q.find("format=dot") != std::string::npos) {
      return HttpResponse{200, "text/vnd.graphviz; charset=utf-8", description.ToDot()};
    }
    return HttpResponse{200, "text/plain; charset=utf-8", description.ToString()};
  };
  handlers["/tasks"] = [this](const std::string&) {
    nlohmann::json threads = nlohmann::json::array();
    for (const auto& t : LocalThreadsMetadata()) {
      nlohmann::json tasks = nlohmann::json::array();
      for (const auto& task : t.active_tasks) {
        nlohmann::json partitions = nlohmann::json::array();
        for (const TopicPartition& tp : task.topic_partitions) {
          nlohmann::json p = {{"topic", tp.topic}, {"partition", tp.partition}};
          if (auto it = task.committed_offsets.find(tp); it != task.committed_offsets.end()) {
            p["committed_offset"] = it->second;
          }
          if (auto it = task.end_offsets.find(tp); it != task.end_offsets.end()) {
            p["end_offset"] = it->second;
          }
          partitions.push_back(std::move(p));
        }
        tasks.push_back({{"task_id", task.task_id.ToString()},
                         {"topic_partitions", std::move(partitions)},
                         {"restoring", task.restoring},
                         {"dropped_records", task.dropped_records}});
      }
      threads.push_back({{"thread_name", t.thread_name},
                         {"thread_state", t.thread_state},
                         {"consumer_client_id", t.consumer_client_id},
                         {"restore_consumer_client_id", t.restore_consumer_client_id},
                         {"producer_client_ids", t.producer_client_ids},
                         {"admin_client_id", t.admin_client_id},
                         {"active_tasks", std::move(tasks)},
                         {"standby_tasks", nlohmann::json::array()},
                         {"dropped_records", t.dropped_records}});
    }
    nlohmann::json body = {{"client_id", rc_.client_id},
                           {"application_id", rc_.application_id},
                           {"state", StateName(static_cast<State>(state_mirror_.load()))},
                           {"threads", std::move(threads)}};
    return HttpResponse{200, "application/json", body.dump(2) + "\n"};
  };
  KSTREAMS_ASSIGN_OR_RETURN(std::unique_ptr<HttpEndpoint> endpoint,
                            HttpEndpoint::Start(rc_.http_address, std::move(handlers)));
  LogLine(LogLevel::kInfo, StrCat("stream-client [", rc_.client_id, "] serving metrics on http://",
                                  rc_.http_address.substr(0, rc_.http_address.rfind(':')), ":",
                                  endpoint->port(), "/metrics"));
  std::lock_guard<std::mutex> lock(mu_);
  http_port_ = endpoint->port();
  http_ = std::move(endpoint);
  return absl::OkStatus();
}

void KafkaStreamsImpl::StopHttp() {
  std::unique_ptr<HttpEndpoint> endpoint;
  {
    std::lock_guard<std::mutex> lock(mu_);
    endpoint = std::move(http_);
  }
  endpoint.reset();  // waits for running handlers (they may take mu_)
}

void KafkaStreamsImpl::OnThreadStateChange(StreamThread*, ThreadState now, ThreadState) {
  if (now == ThreadState::kDead) alive_threads_.fetch_sub(1, std::memory_order_relaxed);
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
  failed_threads_.fetch_add(1, std::memory_order_relaxed);
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
        alive_threads_.fetch_add(1, std::memory_order_relaxed);
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
std::vector<Metric> KafkaStreams::Metrics() const { return impl_->Metrics(); }
std::optional<int> KafkaStreams::HttpPort() const { return impl_->HttpPort(); }
absl::StatusOr<std::vector<KafkaStreams::InternalTopic>> KafkaStreams::InternalTopics() const {
  return impl_->InternalTopics();
}

}  // namespace kstreams
