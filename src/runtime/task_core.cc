#include "runtime/task_core.h"

#include <chrono>
#include <cstring>

#include "absl/strings/match.h"
#include "kstreams/internal/strings.h"
#include "kstreams/internal/topic_names.h"
#include "kstreams/log.h"
#include "kstreams/status_macros.h"

namespace kstreams::internal {
namespace {

using ::kstreams::internal::StrCat;

std::string Where(const RecordMetadata& m) {
  return ::kstreams::internal::StrCat("topic '", m.topic, "' partition ", m.partition, " offset ", m.offset);
}

}  // namespace

TaskCore::TaskCore(std::shared_ptr<const TopologyData> topology, Options options)
    : topology_(std::move(topology)), options_(std::move(options)) {}

TaskCore::~TaskCore() { Close(); }

absl::StatusOr<std::unique_ptr<TaskCore>> TaskCore::Create(
    std::shared_ptr<const TopologyData> topology, const Subtopology& subtopology,
    Options options) {
  KSTREAMS_DCHECK(options.collector != nullptr);
  KSTREAMS_DCHECK(options.config != nullptr && options.config->error_handling != nullptr);
  if (!options.wall_clock_ms) {
    options.wall_clock_ms = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
  std::unique_ptr<TaskCore> task(new TaskCore(std::move(topology), std::move(options)));
  task->handlers_ = task->options_.config->error_handling.get();
  if (task->options_.thread_cache == nullptr) {
    task->own_thread_cache_ = std::make_unique<ThreadCache>(task->options_.config->cache_max_bytes);
    task->options_.thread_cache = task->own_thread_cache_.get();
  }

  {
    const TaskConfig& config = *task->options_.config;
    ThreadMetrics* thread = task->options_.thread_metrics;
    MetricsRegistry* registry = nullptr;
    std::string thread_id = "topology-test-driver";
    if (thread != nullptr) {
      registry = thread->scope.registry();
      thread_id = thread->scope.tags().front().second;
      if (thread->task_created != nullptr) thread->task_created->Record();
    } else if (task->options_.metrics_registry != nullptr) {
      registry = task->options_.metrics_registry;
    } else {
      task->own_metrics_ = std::make_unique<MetricsRegistry>(config.metrics_recording_level,
                                                             config.metrics_sample_window_ms);
      registry = task->own_metrics_.get();
    }
    task->metrics_ =
        std::make_unique<TaskMetrics>(registry, thread_id, task->options_.task_id.ToString());
  }

  const TopologyData& data = *task->topology_;
  const bool caching_allowed = task->options_.thread_cache->max_bytes() > 0;
  for (const std::string& store_name : subtopology.stores) {
    const StoreDef* def = data.FindStore(store_name);
    KSTREAMS_DCHECK(def != nullptr);
    task->stores_.push_back(def->factory(caching_allowed));
  }
  absl::flat_hash_map<std::string, NodeBase*> by_name;
  for (const std::string& name : subtopology.nodes) {
    const NodeDef& def = *data.FindNode(name);
    std::unique_ptr<NodeBase> node = def.factory();
    by_name[name] = node.get();
    if (def.kind == NodeKind::kSource) {
      auto* source = static_cast<SourceNodeBase*>(node.get());
      source->timestamp_extractor = def.timestamp_extractor.get();
      for (const std::string& topic : def.topics) {
        std::string decorated = data.RuntimeTopicName(task->options_.config->application_id, topic);
        task->source_by_topic_[decorated] = source;
        task->source_topics_.push_back(decorated);
      }
      if (def.pattern) task->source_patterns_.emplace_back(std::regex(*def.pattern), source);
    }
    task->nodes_.push_back(std::move(node));
  }
  // Wire children in the order they were connected.
  for (const std::string& name : subtopology.nodes) {
    const NodeDef& def = *data.FindNode(name);
    for (const std::string& child : def.children) {
      absl::Status s = by_name[name]->AddChild(by_name[child]);
      if (!s.ok()) return s;
    }
  }
  // Node metrics: process-rate/total (DEBUG) on every node, end-to-end
  // latency (INFO) at sources and at terminal nodes (no children), as Java.
  for (const std::string& name : subtopology.nodes) {
    const NodeDef& def = *data.FindNode(name);
    const bool source = def.kind == NodeKind::kSource;
    Sensor* e2e = source || def.children.empty() ? task->metrics_->NodeE2eLatency(name) : nullptr;
    if (source && e2e != nullptr) task->e2e_at_sources_ = true;
    by_name[name]->SetMetrics(task->metrics_->NodeProcess(name), e2e,
                              &task->processing_time_ms_);
  }
  return task;
}

absl::Status TaskCore::Init() {
  KSTREAMS_RETURN_IF_ERROR(InitStores());
  return InitNodes();
}

absl::Status TaskCore::InitStores() {
  bool any_persistent = false;
  for (auto& store : stores_) any_persistent |= store->persistent();
  if (any_persistent && state_dir_lock_ == nullptr) {
    absl::StatusOr<std::unique_ptr<StateDirectoryLock>> lock =
        StateDirectoryLock::Acquire(state_dir());
    if (!lock.ok()) {
      return absl::Status(lock.status().code(),
                          ::kstreams::internal::StrCat("task ", options_.task_id.ToString(),
                                                       ": ", lock.status().message()));
    }
    state_dir_lock_ = *std::move(lock);
  }
  for (auto& store : stores_) {
    initializing_store_ = store.get();
    absl::Status s = store->Init(*this);
    initializing_store_ = nullptr;
    if (!s.ok()) {
      return absl::Status(s.code(), ::kstreams::internal::StrCat("task ", options_.task_id.ToString(),
                                                 ": initializing store '", store->name(),
                                                 "': ", s.message()));
    }
  }
  return absl::OkStatus();
}

absl::Status TaskCore::InitNodes() {
  for (auto& node : nodes_) {
    current_node_ = node->name();
    absl::Status s;
    try {
      s = node->Init(*this);
    } catch (const std::exception& e) {
      s = absl::InternalError(e.what());
    }
    if (!s.ok()) {
      return absl::Status(s.code(), ::kstreams::internal::StrCat("task ", options_.task_id.ToString(),
                                                 ": initializing node '", node->name(),
                                                 "': ", s.message()));
    }
  }
  current_node_.clear();
  return absl::OkStatus();
}

SourceNodeBase* TaskCore::FindSource(std::string_view topic) {
  // Heterogeneous lookup (absl's string hash is transparent): no std::string
  // is built, which matters when records of several topics interleave.
  auto it = source_by_topic_.find(absl::string_view(topic.data(), topic.size()));
  if (it != source_by_topic_.end()) return it->second;
  for (auto& [re, source] : source_patterns_) {
    if (std::regex_match(topic.begin(), topic.end(), re)) {
      source_by_topic_[std::string(topic)] = source;
      return source;
    }
  }
  return nullptr;
}

bool TaskCore::ConsumesTopic(std::string_view topic) { return FindSource(topic) != nullptr; }

absl::Status TaskCore::Process(const RawRecord& record) {
  // Consecutive records almost always share a topic: reuse the previous
  // lookup (a hash of the topic name) and skip rewriting metadata_.topic.
  // (Sizes, then bytes: operator!= compiled to an out-of-line compare(). An
  // empty view may have null data, which memcmp must not be given.)
  SourceNodeBase* source = last_source_;
  if (source == nullptr || record.topic.size() != metadata_.topic.size() ||
      (!record.topic.empty() &&
       std::memcmp(record.topic.data(), metadata_.topic.data(), record.topic.size()) != 0)) {
    source = FindSource(record.topic);
    if (source == nullptr) {
      return absl::NotFoundError(::kstreams::internal::StrCat("task ", options_.task_id.ToString(),
                                              " has no source node for topic '",
                                              record.topic, "'"));
    }
    metadata_.topic.assign(record.topic);
    last_source_ = source;
    last_partition_times_ = &partition_time_[metadata_.topic];
  }
  metadata_.partition = record.partition;
  metadata_.offset = record.offset;
  current_raw_ = &record;
  struct ClearCurrent {
    const RawRecord*& r;
    ~ClearCurrent() { r = nullptr; }
  } clear_current{current_raw_};
  record_timestamp_ = record.timestamp;

  int64_t timestamp;
  try {
    timestamp = ExtractTimestamp(record, source);
  } catch (...) {
    return HandleProcessingException(
        &record, source->name(), record.timestamp,
        StrCat("timestamp extraction failed at ", Where(metadata_), " (source '",
               source->name(), "'): ", DetailsOfCurrentException("").message),
        std::current_exception());
  }
  if (timestamp < 0) {
    // Java's RecordQueue: a record with a negative extracted timestamp is
    // logged, counted and skipped; it never stalls the partition.
    CountDropped();
    internal::LogLine(LogLevel::kWarning,
                      StrCat("record at ", Where(metadata_), " (source '", source->name(),
                             "') has invalid (negative) timestamp ", timestamp,
                             " from the timestamp extractor; skipped"));
    return absl::OkStatus();
  }
  record_timestamp_ = timestamp;
  if (metrics_->record_lateness != nullptr) {
    metrics_->record_lateness->Record(
        static_cast<double>(stream_time_ > timestamp ? stream_time_ - timestamp : 0));
  }
  stream_time_ = std::max(stream_time_, timestamp);
  if (metrics_->process != nullptr) metrics_->process->Record();
  if (e2e_at_sources_ && !processing_time_given_) processing_time_ms_ = options_.wall_clock_ms();
  if (source->metered()) source->RecordMetrics(timestamp);
  // The source forwards the extracted timestamp.
  std::optional<RawRecord> restamped;
  if (timestamp != record.timestamp) {
    restamped.emplace(record);
    restamped->timestamp = timestamp;
  }
  const RawRecord& processed = restamped ? *restamped : record;
  current_raw_ = &processed;

  in_record_ = true;
  absl::Status deserialization;
  std::optional<NodeError> failure;
  try {
    deserialization = source->ProcessRaw(processed);
  } catch (const NodeError& e) {
    failure = e;
  } catch (...) {
    failure = NodeError(source->name(),
                        absl::InternalError(DetailsOfCurrentException("").message),
                        std::current_exception());
  }
  in_record_ = false;
  if (!deserialization.ok()) {
    std::string message = StrCat("deserialization error at ", Where(metadata_), " (source '",
                                 source->name(), "'): ", deserialization.message());
    ErrorDetails details;
    details.type = "kstreams::DeserializationError";
    details.message = std::string(deserialization.message());
    details.stacktrace = StrCat("deserializing in source node '", source->name(), "' of task ",
                                options_.task_id.ToString(), " at ", Where(metadata_));
    ErrorHandlerResponse response;
    try {
      response = handlers_->deserialization->Handle(
          HandlerContext(&processed, source->name(), timestamp), details);
    } catch (...) {
      response = ErrorHandlerResponse::Fail();
      message += StrCat("; the deserialization exception handler threw too: ",
                        DetailsOfCurrentException("").message);
    }
    return ApplyResponse(response, StreamsConfig::kDeserializationExceptionHandler, message,
                         deserialization.code());
  }
  if (failure) {
    std::string message = StrCat("processing error at ", Where(metadata_), " in node '",
                                 failure->node(), "': ", failure->status().message());
    // A sink's handler already answered FAIL (and logged): its message
    // names the sink and the record.
    if (failure->handled()) return failure->status();
    return HandleProcessingException(&processed, failure->node(), timestamp, message,
                                     failure->cause());
  }
  return absl::OkStatus();
}

int64_t TaskCore::ExtractTimestamp(const RawRecord& record, SourceNodeBase* source) {
  TimestampExtractor* extractor = source->timestamp_extractor != nullptr
                                      ? source->timestamp_extractor
                                      : handlers_->timestamp_extractor.get();
  // REQUIRES: last_partition_times_ is the map of record.topic (Process).
  auto [it, inserted] = last_partition_times_->try_emplace(record.partition, -1);
  ConsumedRecord view;
  view.topic = record.topic;
  view.partition = record.partition;
  view.offset = record.offset;
  view.timestamp = record.timestamp;
  view.key = record.key;
  view.value = record.value;
  view.headers = &record.headers;
  int64_t timestamp = extractor->Extract(view, it->second);
  if (timestamp >= 0) it->second = std::max(it->second, timestamp);
  return timestamp;
}

ErrorHandlerContext TaskCore::HandlerContext(const RawRecord* record, std::string_view node,
                                             int64_t timestamp) const {
  static const Headers kNoHeaders;
  ErrorHandlerContext c;
  c.processor_node_id = node;
  c.task_id = options_.task_id;
  c.timestamp = timestamp;
  c.headers = &kNoHeaders;
  if (record != nullptr) {
    c.topic = record->topic;
    c.partition = record->partition;
    c.offset = record->offset;
    c.headers = &record->headers;
    c.source_raw_key = record->key;
    c.source_raw_value = record->value;
  }
  return c;
}

absl::Status TaskCore::ApplyResponse(const ErrorHandlerResponse& response,
                                     std::string_view handler_key, const std::string& message,
                                     absl::StatusCode code, bool drops_record) {
  for (const DeadLetterQueueRecord& r : response.dead_letter_queue_records) {
    options_.collector->Send(r.topic, r.key, r.value, r.timestamp, r.headers, r.partition);
  }
  std::string dlq =
      response.dead_letter_queue_records.empty()
          ? ""
          : StrCat(" (", response.dead_letter_queue_records.size(),
                   " record(s) sent to the dead letter queue '",
                   response.dead_letter_queue_records.front().topic, "')");
  if (response.result == ErrorHandlerResult::kContinue) {
    if (drops_record) CountDropped();
    internal::LogLine(LogLevel::kWarning,
                      StrCat(message, "; skipped (", handler_key, " answered CONTINUE)", dlq));
    return absl::OkStatus();
  }
  std::string full = StrCat(message, dlq);
  if (response.result == ErrorHandlerResult::kRetry) {
    full = StrCat(full, " (", handler_key, " answered RETRY, which only a production "
                  "exception handler may: failing)");
  }
  internal::LogLine(LogLevel::kError, full);
  return absl::Status(code == absl::StatusCode::kOk ? absl::StatusCode::kInternal : code, full);
}

absl::Status TaskCore::HandleProcessingException(const RawRecord* record, std::string_view node,
                                                 int64_t timestamp, const std::string& message,
                                                 std::exception_ptr cause) {
  std::string where =
      StrCat("in node '", node, "' of task ", options_.task_id.ToString(),
             record != nullptr ? StrCat(" while processing ", Where(metadata_))
                               : std::string(" while punctuating"));
  ErrorDetails details;
  if (cause) {
    try {
      std::rethrow_exception(cause);
    } catch (const NodeError& e) {
      // A NodeError raised by the runtime itself (no user exception inside).
      details.type = "kstreams::NodeError";
      details.message = std::string(e.status().message());
      details.exception = cause;
    } catch (...) {
      details = DetailsOfCurrentException("");
    }
  } else {
    details.type = "kstreams::ProcessingError";
    details.message = message;
  }
  details.stacktrace = std::move(where);
  ErrorHandlerResponse response;
  std::string full = message;
  try {
    response = handlers_->processing->Handle(HandlerContext(record, node, timestamp), details);
  } catch (...) {
    response = ErrorHandlerResponse::Fail();
    full += StrCat("; the processing exception handler threw too: ",
                   DetailsOfCurrentException("").message);
  }
  return ApplyResponse(response, StreamsConfig::kProcessingExceptionHandler, full,
                       absl::StatusCode::kInternal, /*drops_record=*/record != nullptr);
}

bool TaskCore::HandleSerializationError(std::string_view node, std::string_view topic,
                                        int64_t timestamp, bool key, const absl::Status& error) {
  std::string message = StrCat("serialization error in sink '", node, "'",
                               current_raw_ != nullptr ? StrCat(" at ", Where(metadata_)) : "",
                               ": ", error.message());
  ErrorDetails details;
  details.type = "kstreams::SerializationError";
  details.message = std::string(error.message());
  details.stacktrace = StrCat("serializing the ", key ? "key" : "value", " in sink node '", node,
                              "' of task ", options_.task_id.ToString(),
                              current_raw_ != nullptr ? StrCat(" while processing ", Where(metadata_))
                                                      : std::string(" while punctuating"));
  ProducedRecordView produced;
  produced.topic = topic;
  produced.timestamp = timestamp;
  ErrorHandlerResponse response;
  try {
    response = handlers_->production->HandleSerializationError(
        HandlerContext(current_raw_, node, timestamp), produced, details,
        key ? SerializationExceptionOrigin::kKey : SerializationExceptionOrigin::kValue);
  } catch (...) {
    response = ErrorHandlerResponse::Fail();
    message += StrCat("; the production exception handler threw too: ",
                      DetailsOfCurrentException("").message);
  }
  if (response.result == ErrorHandlerResult::kRetry) {
    // Serializing again gives the same result: Java treats it as FAIL too.
    response.result = ErrorHandlerResult::kFail;
    message += " (RETRY cannot help a serialization error: failing)";
  }
  absl::Status s = ApplyResponse(response, StreamsConfig::kProductionExceptionHandler, message,
                                 error.code());
  if (s.ok()) return true;
  throw NodeError(std::string(node), s, nullptr, /*handled=*/true);
}

Cancellable TaskCore::Schedule(int64_t interval_ms, PunctuationType type,
                               Punctuator punctuator) {
  if (interval_ms < 1) {
    throw std::invalid_argument(
        ::kstreams::internal::StrCat("punctuation interval must be at least 1 ms, got ", interval_ms));
  }
  Schedule_ s;
  s.interval = interval_ms;
  s.punctuator = std::move(punctuator);
  s.cancelled = std::make_shared<bool>(false);
  s.node = current_node_;
  Cancellable handle(s.cancelled);
  if (type == PunctuationType::kStreamTime) {
    s.next = 0;  // aligned to 0: fires as soon as there is stream time
    stream_time_schedules_.push_back(std::move(s));
  } else {
    s.next = wall_clock_ms() + interval_ms;
    wall_clock_schedules_.push_back(std::move(s));
  }
  return handle;
}

absl::Status TaskCore::Punctuate(std::vector<Schedule_>& schedules, int64_t now,
                                 PunctuationType type) {
  // Index loop: a punctuator may schedule more punctuators.
  for (size_t i = 0; i < schedules.size(); ++i) {
    if (*schedules[i].cancelled || schedules[i].next > now) continue;
    {
      Schedule_& s = schedules[i];
      // Next time: one interval on, or past `now` if intervals were missed.
      int64_t missed = (now - s.next) / s.interval;
      s.next += (missed + 1) * s.interval;
    }
    Punctuator punctuator = schedules[i].punctuator;  // may reallocate below
    std::string node = schedules[i].node;
    record_timestamp_ = now;
    processing_time_ms_ = options_.wall_clock_ms();
    if (options_.thread_metrics != nullptr) ++options_.thread_metrics->punctuations;
    std::chrono::steady_clock::time_point started;
    if (metrics_->punctuate != nullptr) started = std::chrono::steady_clock::now();
    struct RecordLatency {
      Sensor* sensor;
      std::chrono::steady_clock::time_point started;
      ~RecordLatency() {
        if (sensor == nullptr) return;
        sensor->Record(static_cast<double>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(
                std::chrono::steady_clock::now() - started)
                .count()));
      }
    } record_latency{metrics_->punctuate, started};
    absl::Status handled;
    try {
      punctuator(now);
    } catch (const NodeError& e) {
      // A node downstream of the punctuator failed (or a sink's handler
      // already answered FAIL).
      std::string message = StrCat("task ", options_.task_id.ToString(), ": ",
                                   type == PunctuationType::kStreamTime ? "stream-time" : "wall-clock",
                                   " punctuator of node '", node, "' failed in node '", e.node(),
                                   "': ", e.status().message());
      if (e.handled()) return e.status();
      handled = HandleProcessingException(nullptr, e.node(), now, message, e.cause());
    } catch (...) {
      // Any thrown type: nothing escapes to std::terminate.
      std::string message = StrCat("task ", options_.task_id.ToString(), ": ",
                                   type == PunctuationType::kStreamTime ? "stream-time" : "wall-clock",
                                   " punctuator of node '", node, "' failed: ",
                                   DetailsOfCurrentException("").message);
      handled = HandleProcessingException(nullptr, node, now, message, std::current_exception());
    }
    if (!handled.ok()) return handled;
  }
  std::erase_if(schedules, [](const Schedule_& s) { return *s.cancelled; });
  return absl::OkStatus();
}

absl::Status TaskCore::PunctuateStreamTime() {
  if (stream_time_ < 0) return absl::OkStatus();
  return Punctuate(stream_time_schedules_, stream_time_, PunctuationType::kStreamTime);
}

absl::Status TaskCore::PunctuateWallClock() {
  return Punctuate(wall_clock_schedules_, wall_clock_ms(), PunctuationType::kWallClockTime);
}

absl::Status TaskCore::FlushStores(absl::Status (StateStore::*flush)(), std::string_view what) {
  for (auto& store : stores_) {
    absl::Status s;
    try {
      s = (store.get()->*flush)();
    } catch (const NodeError& e) {
      s = absl::Status(e.status().code(), e.what());
    } catch (const std::exception& e) {
      s = absl::InternalError(e.what());
    }
    if (!s.ok()) {
      return absl::Status(s.code(), ::kstreams::internal::StrCat("task ", options_.task_id.ToString(),
                                                 ": ", what, " store '", store->name(),
                                                 "': ", s.message()));
    }
  }
  return absl::OkStatus();
}

absl::Status TaskCore::FlushCaches() { return FlushStores(&StateStore::FlushCache, "flushing the cache of"); }

absl::Status TaskCore::Flush() { return FlushStores(&StateStore::Flush, "flushing"); }

void TaskCore::Close() {
  if (closed_) return;
  closed_ = true;
  if (options_.thread_metrics != nullptr && options_.thread_metrics->task_closed != nullptr) {
    options_.thread_metrics->task_closed->Record();
  }
  for (auto& node : nodes_) {
    try {
      node->Close();
    } catch (const std::exception& e) {
      internal::LogLine(LogLevel::kWarning, ::kstreams::internal::StrCat("closing node '", node->name(),
                                                         "' failed: ", e.what()));
    }
  }
  for (auto& store : stores_) {
    if (!store->is_open()) continue;
    absl::Status s = store->Close();
    if (!s.ok()) {
      internal::LogLine(LogLevel::kWarning, ::kstreams::internal::StrCat("closing store '", store->name(),
                                                         "' failed: ", s.message()));
    }
  }
  restore_registrations_.clear();
  state_dir_lock_.reset();
}

StateStore* TaskCore::GetStateStore(std::string_view name) {
  for (auto& store : stores_) {
    if (store->name() == name) return store.get();
  }
  return options_.global_stores ? options_.global_stores(name) : nullptr;
}

void TaskCore::RegisterRestore(const std::string& store_name, StateRestoreCallback* restore) {
  // The store being initialized tells whether its local state survives a
  // restart (persistent) or is rebuilt from the changelog every time.
  StateStore* store = initializing_store_ != nullptr ? initializing_store_ : GetStateStore(store_name);
  restore_registrations_.push_back(
      RestoreRegistration{store_name, restore, store != nullptr && store->persistent()});
}

void TaskCore::RecordDropped(std::string_view node, std::string_view reason) {
  CountDropped();
  if (internal::LogEnabled(LogLevel::kDebug)) {
    internal::LogLine(LogLevel::kDebug,
                      ::kstreams::internal::StrCat("node '", node, "' dropped a record",
                                   in_record_ ? ::kstreams::internal::StrCat(" from ", Where(metadata_)) : "",
                                   ": ", reason));
  }
}

std::filesystem::path TaskCore::state_dir() const {
  return options_.config->state_dir / options_.config->application_id /
         (options_.state_dir_name.empty() ? options_.task_id.ToString() : options_.state_dir_name);
}

namespace {
// Sends one store's changes to "<application.id>-<store>-changelog", on the
// task's partition, through the task's record collector.
class CollectorChangelogSink final : public ChangelogSink {
 public:
  CollectorChangelogSink(RecordCollector* collector, std::string topic, int32_t partition)
      : collector_(collector), topic_(std::move(topic)), partition_(partition) {}
  void Log(std::string_view key, BytesValue value, int64_t timestamp) override {
    collector_->Send(topic_, key, value, timestamp, headers_, partition_);
  }
  void LogWithHeaders(std::string_view key, BytesValue value, int64_t timestamp,
                      const Headers& headers) override {
    collector_->Send(topic_, key, value, timestamp, headers, partition_);
  }

 private:
  RecordCollector* collector_;
  std::string topic_;
  int32_t partition_;
  Headers headers_;
};
}  // namespace

ChangelogSink* TaskCore::changelog_sink(const std::string& store_name) {
  changelog_sinks_.push_back(std::make_unique<CollectorChangelogSink>(
      options_.collector,
      ::kstreams::internal::ChangelogTopicName(options_.config->application_id, store_name),
      options_.task_id.partition));
  return changelog_sinks_.back().get();
}

}  // namespace kstreams::internal
