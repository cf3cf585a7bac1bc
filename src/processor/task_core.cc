#include "processor/task_core.h"

#include <cstring>

#include "absl/strings/match.h"
#include "kstreams/internal/strings.h"
#include "kstreams/log.h"
#include "kstreams/status_macros.h"

namespace kstreams::internal {
namespace {

// Accepts our short names and Java's handler class names.
absl::StatusOr<ErrorAction> ParseHandler(std::string_view key, std::string_view value) {
  if (value == "log_and_fail" || value == "fail" ||
      value.ends_with("LogAndFailExceptionHandler") ||
      value.ends_with("LogAndFailProcessingExceptionHandler") ||
      value.ends_with("DefaultProductionExceptionHandler")) {
    return ErrorAction::kFail;
  }
  if (value == "log_and_continue" || value == "continue" ||
      value.ends_with("LogAndContinueExceptionHandler") ||
      value.ends_with("LogAndContinueProcessingExceptionHandler")) {
    return ErrorAction::kContinue;
  }
  return absl::InvalidArgumentError(::kstreams::internal::StrCat(
      "config '", key, "' must be log_and_fail or log_and_continue, got '", value, "'"));
}

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
  if (!options.wall_clock_ms) {
    options.wall_clock_ms = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
  std::unique_ptr<TaskCore> task(new TaskCore(std::move(topology), std::move(options)));
  const StreamsConfig& config = task->options_.config;
  absl::StatusOr<ErrorAction> deser = ParseHandler(
      StreamsConfig::kDeserializationExceptionHandler,
      *config.Get(StreamsConfig::kDeserializationExceptionHandler));
  if (!deser.ok()) return deser.status();
  task->on_deserialization_error_ = *deser;
  absl::StatusOr<ErrorAction> proc = ParseHandler(
      StreamsConfig::kProcessingExceptionHandler,
      *config.Get(StreamsConfig::kProcessingExceptionHandler));
  if (!proc.ok()) return proc.status();
  task->on_processing_error_ = *proc;

  if (task->options_.thread_cache == nullptr) {
    absl::StatusOr<int64_t> cache_bytes = config.GetInt(StreamsConfig::kStatestoreCacheMaxBytes);
    if (!cache_bytes.ok()) return cache_bytes.status();
    task->own_thread_cache_ = std::make_unique<ThreadCache>(*cache_bytes);
    task->options_.thread_cache = task->own_thread_cache_.get();
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
      for (const std::string& topic : def.topics) {
        std::string decorated = data.IsInternalTopic(topic)
                                    ? ::kstreams::internal::StrCat(task->options_.application_id, "-", topic)
                                    : topic;
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
  }
  metadata_.partition = record.partition;
  metadata_.offset = record.offset;
  record_timestamp_ = record.timestamp;
  if (record.timestamp < 0) {
    return absl::InvalidArgumentError(::kstreams::internal::StrCat(
        "record at ", Where(metadata_), " has invalid (negative) timestamp ",
        record.timestamp));
  }
  stream_time_ = std::max(stream_time_, record.timestamp);
  in_record_ = true;
  absl::Status deserialization;
  std::optional<NodeError> failure;
  try {
    deserialization = source->ProcessRaw(record);
  } catch (const NodeError& e) {
    failure = e;
  } catch (const std::exception& e) {
    failure = NodeError(source->name(), absl::InternalError(e.what()));
  }
  in_record_ = false;
  if (!deserialization.ok()) {
    std::string message = ::kstreams::internal::StrCat("deserialization error at ", Where(metadata_),
                                       " (source '", source->name(), "'): ",
                                       deserialization.message());
    if (on_deserialization_error_ == ErrorAction::kContinue) {
      ++dropped_records_;
      internal::LogLine(LogLevel::kWarning, ::kstreams::internal::StrCat(message, "; skipped (log_and_continue)"));
      return absl::OkStatus();
    }
    internal::LogLine(LogLevel::kError, message);
    return absl::Status(deserialization.code(), message);
  }
  if (failure) {
    std::string message = ::kstreams::internal::StrCat("processing error at ", Where(metadata_),
                                       " in node '", failure->node(),
                                       "': ", failure->status().message());
    if (on_processing_error_ == ErrorAction::kContinue) {
      ++dropped_records_;
      internal::LogLine(LogLevel::kWarning, ::kstreams::internal::StrCat(message, "; skipped (log_and_continue)"));
      return absl::OkStatus();
    }
    internal::LogLine(LogLevel::kError, message);
    return absl::Status(failure->status().code(), message);
  }
  return absl::OkStatus();
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
    try {
      punctuator(now);
    } catch (const std::exception& e) {
      std::string message = ::kstreams::internal::StrCat(
          "task ", options_.task_id.ToString(), ": ",
          type == PunctuationType::kStreamTime ? "stream-time" : "wall-clock",
          " punctuator of node '", node, "' failed: ", e.what());
      internal::LogLine(LogLevel::kError, message);
      if (on_processing_error_ == ErrorAction::kFail) return absl::InternalError(message);
    }
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
  ++dropped_records_;
  if (internal::LogEnabled(LogLevel::kDebug)) {
    internal::LogLine(LogLevel::kDebug,
                      ::kstreams::internal::StrCat("node '", node, "' dropped a record",
                                   in_record_ ? ::kstreams::internal::StrCat(" from ", Where(metadata_)) : "",
                                   ": ", reason));
  }
}

std::filesystem::path TaskCore::state_dir() const {
  return std::filesystem::path(*options_.config.Get(StreamsConfig::kStateDir)) /
         options_.application_id /
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
      ::kstreams::internal::StrCat(options_.application_id, "-", store_name, "-changelog"),
      options_.task_id.partition));
  return changelog_sinks_.back().get();
}

}  // namespace kstreams::internal
