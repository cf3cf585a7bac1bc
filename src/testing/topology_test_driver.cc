#include "kstreams/testing/topology_test_driver.h"

#include <deque>
#include <filesystem>
#include <stdlib.h>
#include <set>

#include "kstreams/internal/strings.h"
#include "kstreams/internal/topic_names.h"

#include "kstreams/log.h"
#include "runtime/task_config.h"
#include "runtime/task_core.h"
#include "state/thread_cache.h"

namespace kstreams {

namespace {
constexpr char kDefaultApplicationId[] = "dummy-topology-test-driver-app-id";

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

// Owns one task per sub-topology (partition 0) and the produced records.
class TopologyTestDriver::Impl final : public internal::RecordCollector {
 public:
  struct Pending {
    std::string topic;
    internal::ProducedRecord record;
  };

  void Send(std::string_view topic, internal::RawBytes key, internal::RawBytes value,
            int64_t timestamp, const Headers& headers, int32_t partition) override {
    internal::ProducedRecord r;
    if (key) r.key.emplace(*key);
    if (value) r.value.emplace(*value);
    r.timestamp = timestamp;
    r.headers = headers;
    r.partition = partition;
    std::string name(topic);
    if (ReaderOf(name) != nullptr) pending.push_back({name, r});
    outputs[name].push_back(std::move(r));
  }
  std::optional<int32_t> PartitionCount(std::string_view) override { return 1; }

  internal::TaskCore* ReaderOf(std::string_view topic) {
    for (auto& task : tasks) {
      if (task->ConsumesTopic(topic)) return task.get();
    }
    return nullptr;
  }

  std::shared_ptr<const internal::TopologyData> topology;
  std::string application_id;
  // One record cache for all tasks, as one StreamThread has; outlives them.
  std::unique_ptr<internal::ThreadCache> thread_cache;
  // Every task's metrics (Java's driver has metrics() too); outlives them.
  std::unique_ptr<internal::MetricsRegistry> metrics;
  std::vector<std::unique_ptr<internal::TaskCore>> tasks;
  std::map<std::string, std::deque<internal::ProducedRecord>> outputs;
  std::map<std::string, int64_t> next_offset;
  std::deque<Pending> pending;
  std::string temp_state_dir;  // removed by the destructor when set

  std::set<std::string> sink_topics;  // decorated fixed sink topics
  bool has_dynamic_sink = false;
};

TopologyTestDriver::TopologyTestDriver(const Topology& topology, StreamsConfig config,
                                       std::optional<int64_t> initial_wall_clock_ms)
    : impl_(std::make_unique<Impl>()), wall_clock_ms_(initial_wall_clock_ms.value_or(NowMs())) {
  if (!config.Get(StreamsConfig::kApplicationId)) {
    config.Set(StreamsConfig::kApplicationId, kDefaultApplicationId);
  }
  // Like Java's driver: unless told otherwise, state lives in a fresh
  // temporary directory that is removed when the driver is destroyed, so
  // persistent stores never leak between tests.
  if (config.values().find(StreamsConfig::kStateDir) == config.values().end()) {
    std::string dir_template =
        (std::filesystem::temp_directory_path() / "kstreams-test-driver-XXXXXX").string();
    if (char* dir = mkdtemp(dir_template.data())) {
      impl_->temp_state_dir = dir;
      config.Set(StreamsConfig::kStateDir, dir);
    }
  }
  // Like Java's driver: no wall-clock throttle on emitting unmatched
  // outer-join records, since the driver's wall clock moves only when told.
  if (config.values().find(StreamsConfig::kOuterJoinEmitIntervalMs) == config.values().end()) {
    config.Set(StreamsConfig::kOuterJoinEmitIntervalMs, "0");
  }
  impl_->topology = topology.shared_data();
  // The task engine's settings (cache size, handlers and extractor, state
  // directory): read once, checked before anything runs, as
  // KafkaStreams::Start() does. `wallclock` reads the mock clock.
  absl::StatusOr<std::shared_ptr<const internal::TaskConfig>> task_config =
      internal::ParseTaskConfig(config, [this] { return wall_clock_ms_; });
  if (!task_config.ok()) {
    (void)Fail(task_config.status());
    return;
  }
  impl_->application_id = (*task_config)->application_id;
  if ((*task_config)->error_handling->dead_letter_queue_topic) {
    impl_->sink_topics.insert(*(*task_config)->error_handling->dead_letter_queue_topic);
  }
  if (!topology.status().ok()) {
    (void)Fail(absl::Status(topology.status().code(),
                      ::kstreams::internal::StrCat("invalid topology: ", topology.status().message())));
    return;
  }
  const internal::TopologyData& data = *impl_->topology;
  for (const internal::NodeDef& node : data.nodes()) {
    if (node.kind != internal::NodeKind::kSink) continue;
    if (node.dynamic_topic) {
      impl_->has_dynamic_sink = true;
    } else {
      impl_->sink_topics.insert(data.RuntimeTopicName(impl_->application_id, node.sink_topic));
    }
  }
  for (const internal::StoreDef& store : data.stores()) {
    if (store.logging_enabled) {
      impl_->sink_topics.insert(
          internal::ChangelogTopicName(impl_->application_id, store.name));
    }
  }
  impl_->thread_cache = std::make_unique<internal::ThreadCache>((*task_config)->cache_max_bytes);
  impl_->metrics = std::make_unique<internal::MetricsRegistry>(
      (*task_config)->metrics_recording_level, (*task_config)->metrics_sample_window_ms);
  // Global stores' sub-topologies first: records piped to a global topic
  // update the global store at once, and every task reads it by name.
  std::vector<internal::Subtopology> subs = data.GlobalSubtopologies();
  const size_t globals = subs.size();
  for (internal::Subtopology& sub : data.Subtopologies()) subs.push_back(std::move(sub));
  for (size_t i = 0; i < subs.size(); ++i) {
    const internal::Subtopology& sub = subs[i];
    internal::TaskCore::Options options;
    options.task_id = TaskId{sub.id, 0};
    options.config = *task_config;
    options.collector = impl_.get();
    options.thread_cache = impl_->thread_cache.get();
    options.metrics_registry = impl_->metrics.get();
    options.wall_clock_ms = [this] { return wall_clock_ms_; };
    if (sub.global) {
      options.state_dir_name = "global";
    } else if (globals > 0) {
      options.global_stores = [impl = impl_.get(), globals](std::string_view name) -> StateStore* {
        for (size_t g = 0; g < globals; ++g) {
          if (StateStore* s = impl->tasks[g]->GetStateStore(name)) return s;
        }
        return nullptr;
      };
    }
    auto task = internal::TaskCore::Create(impl_->topology, sub, std::move(options));
    if (!task.ok()) {
      (void)Fail(task.status());
      return;
    }
    impl_->tasks.push_back(std::move(*task));
  }
  for (auto& task : impl_->tasks) {
    absl::Status s = task->Init();
    if (!s.ok()) {
      (void)Fail(s);
      return;
    }
  }
}

TopologyTestDriver::~TopologyTestDriver() {
  for (auto& task : impl_->tasks) {
    absl::Status s = task->Flush();
    if (!s.ok()) internal::LogLine(LogLevel::kWarning, internal::StrCat(s.message()));
    task->Close();
  }
  impl_->tasks.clear();
  if (!impl_->temp_state_dir.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(impl_->temp_state_dir, ignored);
  }
}

absl::Status TopologyTestDriver::Fail(absl::Status status) {
  internal::LogLine(LogLevel::kError,
                    ::kstreams::internal::StrCat("TopologyTestDriver: ", status.message()));
  if (status_.ok()) status_ = status;
  return status;
}

absl::Status TopologyTestDriver::PipeRaw(const std::string& topic, internal::RawBytes key,
                                         internal::RawBytes value, int64_t timestamp,
                                         const Headers& headers) {
  if (!status_.ok()) return status_;
  internal::TaskCore* task = impl_->ReaderOf(topic);
  if (task == nullptr) {
    return Fail(absl::NotFoundError(::kstreams::internal::StrCat(
        "no source node reads topic '", topic, "'; the topology reads: [",
        [&] {
          std::vector<std::string> topics;
          for (const auto& t : impl_->tasks) {
            topics.insert(topics.end(), t->source_topics().begin(), t->source_topics().end());
          }
          return ::kstreams::internal::StrJoin(topics, ", ");
        }(),
        "]")));
  }
  internal::RawRecord raw;
  raw.topic = topic;
  raw.partition = 0;
  raw.offset = impl_->next_offset[topic]++;
  raw.timestamp = timestamp;
  raw.key = key;
  raw.value = value;
  raw.headers = headers;
  absl::Status s = task->Process(raw);
  if (!s.ok()) return Fail(s);
  if (s = task->PunctuateStreamTime(); !s.ok()) return Fail(s);
  if (commit_after_each_record_) {
    if (s = task->FlushCaches(); !s.ok()) return Fail(s);
  }
  return ProcessPending();
}

absl::Status TopologyTestDriver::ProcessPending() {
  // Records written to topics the topology reads, in production order.
  while (!impl_->pending.empty()) {
    Impl::Pending p = std::move(impl_->pending.front());
    impl_->pending.pop_front();
    internal::TaskCore* task = impl_->ReaderOf(p.topic);
    internal::RawRecord raw;
    raw.topic = p.topic;
    raw.offset = impl_->next_offset[p.topic]++;
    raw.timestamp = p.record.timestamp;
    if (p.record.key) raw.key = *p.record.key;
    if (p.record.value) raw.value = *p.record.value;
    raw.headers = p.record.headers;
    absl::Status s = task->Process(raw);
    if (!s.ok()) return Fail(s);
    if (s = task->PunctuateStreamTime(); !s.ok()) return Fail(s);
    if (commit_after_each_record_) {
      if (s = task->FlushCaches(); !s.ok()) return Fail(s);
    }
  }
  return absl::OkStatus();
}

void TopologyTestDriver::AdvanceWallClockTime(std::chrono::milliseconds advance) {
  wall_clock_ms_ += advance.count();
  if (!status_.ok()) return;
  for (auto& task : impl_->tasks) {
    absl::Status s = task->PunctuateWallClock();
    if (s.ok() && commit_after_each_record_) s = task->FlushCaches();
    if (!s.ok()) {
      (void)Fail(s);
      return;
    }
  }
  (void)ProcessPending();
}

absl::Status TopologyTestDriver::Commit() {
  if (!status_.ok()) return status_;
  // Sub-topologies are numbered upstream first, so flushing them in order,
  // each followed by processing what its flush wrote to repartition topics,
  // leaves every cache flushed once.
  for (auto& task : impl_->tasks) {
    if (absl::Status s = task->FlushCaches(); !s.ok()) return Fail(s);
    KSTREAMS_RETURN_IF_ERROR(ProcessPending());
  }
  return absl::OkStatus();
}

int64_t TopologyTestDriver::dropped_records() const {
  int64_t total = 0;
  for (const auto& task : impl_->tasks) total += task->dropped_records();
  return total;
}

std::vector<Metric> TopologyTestDriver::Metrics() const {
  return impl_->metrics != nullptr ? impl_->metrics->Snapshot() : std::vector<Metric>{};
}

StateStore* TopologyTestDriver::GetStateStoreBase(std::string_view name) {
  for (auto& task : impl_->tasks) {
    if (StateStore* s = task->GetStateStore(name)) return s;
  }
  return nullptr;
}

std::vector<std::string> TopologyTestDriver::ProducedTopicNames() const {
  std::vector<std::string> names;
  for (const auto& [name, unused] : impl_->outputs) names.push_back(name);
  return names;
}

std::deque<internal::ProducedRecord>* TopologyTestDriver::OutputQueue(const std::string& topic) {
  // A handler may write a dead letter queue no sink names: once written,
  // any topic can be read.
  if (!impl_->sink_topics.contains(topic) && !impl_->has_dynamic_sink &&
      !impl_->outputs.contains(topic)) {
    (void)Fail(absl::NotFoundError(::kstreams::internal::StrCat(
        "output topic '", topic, "' is not written by any sink; sinks write: [",
        ::kstreams::internal::StrJoin(impl_->sink_topics, ", "), "]")));
    return nullptr;
  }
  return &impl_->outputs[topic];
}

namespace internal {
void ReportOutputError(TopologyTestDriver* driver, const absl::Status& status) {
  (void)driver->Fail(status);
}
}  // namespace internal

}  // namespace kstreams
