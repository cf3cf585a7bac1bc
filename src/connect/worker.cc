// The standalone worker: connector lifecycle, one thread per task (the
// WorkerSourceTask / WorkerSinkTask loops), converters, the transformation
// chain and the error handler (RetryWithToleranceOperator with the log and
// dead letter queue reporters).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "connect/offset_store.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"
#include "kstreams/connect/connector.h"
#include "kstreams/connect/converter.h"
#include "kstreams/connect/standalone_worker.h"
#include "kstreams/connect/transformation.h"
#include "kstreams/internal/strings.h"
#include "kstreams/log.h"
#include "kstreams/status_macros.h"

namespace kstreams::connect {
namespace {

using ::kstreams::internal::Consumer;
using ::kstreams::internal::ConsumerOptions;
using ::kstreams::internal::ConsumerRecord;
using ::kstreams::internal::HeaderView;
using ::kstreams::internal::Producer;
using ::kstreams::internal::ProducerOptions;
using ::kstreams::internal::StrAppend;
using ::kstreams::internal::StrCat;

constexpr std::string_view kDefaultConverter = "org.apache.kafka.connect.json.JsonConverter";
constexpr std::string_view kDefaultHeaderConverter = "org.apache.kafka.connect.storage.SimpleHeaderConverter";


std::string StatusText(const absl::Status& s) { return std::string(s.message()); }

// ConnectorConfig / SinkConnectorConfig: the keys every connector has.
ConfigDef CommonConnectorConfig(bool sink) {
  ConfigDef def;
  def.DefineRequired("name", ConfigType::kString, Importance::kHigh, "Globally unique name of the connector.",
                     ConfigDef::NonEmptyString())
      .DefineRequired("connector.class", ConfigType::kString, Importance::kHigh, "The connector class.")
      .Define("tasks.max", ConfigType::kInt, "1", Importance::kHigh, "Maximum number of tasks.",
              ConfigDef::AtLeast(1))
      .Define("key.converter", ConfigType::kClass, std::nullopt, Importance::kLow, "")
      .Define("value.converter", ConfigType::kClass, std::nullopt, Importance::kLow, "")
      .Define("header.converter", ConfigType::kClass, std::nullopt, Importance::kLow, "")
      .Define("transforms", ConfigType::kList, "", Importance::kLow, "")
      .Define("predicates", ConfigType::kList, "", Importance::kLow, "")
      .Define("errors.retry.timeout", ConfigType::kLong, "0", Importance::kMedium, "")
      .Define("errors.retry.delay.max.ms", ConfigType::kLong, "60000", Importance::kMedium, "")
      .Define("errors.tolerance", ConfigType::kString, "none", Importance::kMedium, "",
              ConfigDef::InIgnoreCase({"none", "all"}))
      .Define("errors.log.enable", ConfigType::kBoolean, "false", Importance::kMedium, "")
      .Define("errors.log.include.messages", ConfigType::kBoolean, "false", Importance::kMedium, "");
  if (sink) {
    def.Define("topics", ConfigType::kList, "", Importance::kHigh, "")
        .Define("topics.regex", ConfigType::kString, "", Importance::kHigh, "")
        .Define("errors.deadletterqueue.topic.name", ConfigType::kString, "", Importance::kMedium, "")
        .Define("errors.deadletterqueue.topic.replication.factor", ConfigType::kShort, "3", Importance::kMedium, "")
        .Define("errors.deadletterqueue.context.headers.enable", ConfigType::kBoolean, "false",
                Importance::kMedium, "");
  }
  return def;
}

// Connect's ErrantRecordReporter stages (Stage.java).
enum class Stage { kKeyConverter, kValueConverter, kHeaderConverter, kTransformation, kTaskPut, kTaskPoll, kKafkaProduce };
std::string_view StageName(Stage s) {
  switch (s) {
    case Stage::kKeyConverter: return "KEY_CONVERTER";
    case Stage::kValueConverter: return "VALUE_CONVERTER";
    case Stage::kHeaderConverter: return "HEADER_CONVERTER";
    case Stage::kTransformation: return "TRANSFORMATION";
    case Stage::kTaskPut: return "TASK_PUT";
    case Stage::kTaskPoll: return "TASK_POLL";
    case Stage::kKafkaProduce: return "KAFKA_PRODUCE";
  }
  return "?";
}

// The Java exception class Connect would report for a status.
std::string_view ExceptionClass(const absl::Status& s) {
  if (absl::IsUnavailable(s)) return "org.apache.kafka.connect.errors.RetriableException";
  if (absl::IsInvalidArgument(s)) return "org.apache.kafka.connect.errors.DataException";
  return "org.apache.kafka.connect.errors.ConnectException";
}

// RetryWithToleranceOperator + LogReporter + DeadLetterQueueReporter.
class ErrorHandler {
 public:
  ErrorHandler(const ParsedConfig& config, std::string connector, int task, bool sink)
      : connector_(std::move(connector)), task_(task) {
    tolerate_all_ = absl::AsciiStrToLower(*config.GetString("errors.tolerance")) == "all";
    retry_timeout_ms_ = config.GetLong("errors.retry.timeout");
    retry_delay_max_ms_ = config.GetLong("errors.retry.delay.max.ms");
    log_enable_ = config.GetBool("errors.log.enable");
    log_messages_ = config.GetBool("errors.log.include.messages");
    if (sink) {
      dlq_topic_ = *config.GetString("errors.deadletterqueue.topic.name");
      dlq_context_headers_ = config.GetBool("errors.deadletterqueue.context.headers.enable");
    }
  }

  const std::string& dlq_topic() const { return dlq_topic_; }

  // Runs `op`, retrying retriable failures (Unavailable) with exponential
  // backoff (300 ms doubling, at most errors.retry.delay.max.ms) until
  // errors.retry.timeout has passed (-1: forever) or `stop` is set.
  template <typename T>
  absl::StatusOr<T> Execute(const std::function<absl::StatusOr<T>()>& op, const std::atomic<bool>& stop) {
    const absl::Time deadline = retry_timeout_ms_ < 0 ? absl::InfiniteFuture()
                                                     : absl::Now() + absl::Milliseconds(retry_timeout_ms_);
    int64_t delay_ms = 300;
    while (true) {
      absl::StatusOr<T> r = op();
      if (r.ok() || !absl::IsUnavailable(r.status()) || retry_timeout_ms_ == 0 || stop.load()) return r;
      int64_t sleep_ms = std::min(delay_ms, retry_delay_max_ms_);
      if (absl::Now() + absl::Milliseconds(sleep_ms) > deadline) return r;
      absl::SleepFor(absl::Milliseconds(sleep_ms));
      delay_ms *= 2;
    }
  }

  // A stage failed for good. OK: the record is tolerated (skipped, after
  // its DLQ copy was queued); otherwise the error that fails the task.
  absl::Status Handle(Stage stage, std::string_view class_name, const absl::Status& error,
                      const ConsumerRecord* consumed, const ConnectRecord* source_record, Producer* dlq) {
    std::string where;
    if (consumed != nullptr) {
      where = StrCat("consumed record is {topic='", consumed->topic, "', partition=", consumed->partition,
                     ", offset=", consumed->offset, "}");
    } else if (source_record != nullptr) {
      where = StrCat("source record is SourceRecord{topic='", source_record->topic, "'}");
    }
    if (log_enable_) {
      std::string line = StrCat("Error encountered in task ", connector_, "-", task_, ". Executing stage '",
                                StageName(stage), "' with class '", class_name, "', where ", where, ".");
      if (log_messages_) StrAppend(&line, " Error: ", StatusText(error));
      kstreams::internal::LogLine(LogLevel::kError, line);
    }
    if (!tolerate_all_) {
      return absl::Status(error.code(), StrCat("Tolerance exceeded in error handler: stage ", StageName(stage),
                                               " with class ", class_name, " failed (", where, "): ",
                                               StatusText(error)));
    }
    if (consumed != nullptr && dlq != nullptr && !dlq_topic_.empty()) {
      std::vector<HeaderView> headers;
      for (const auto& h : consumed->headers) {
        headers.push_back(HeaderView{h.key, h.value ? std::optional<std::string_view>(*h.value) : std::nullopt});
      }
      std::vector<std::pair<std::string, std::string>> context;
      if (dlq_context_headers_) {
        const std::string prefix = "__connect.errors.";
        context = {{prefix + "topic", consumed->topic},
                   {prefix + "partition", std::to_string(consumed->partition)},
                   {prefix + "offset", std::to_string(consumed->offset)},
                   {prefix + "connector.name", connector_},
                   {prefix + "task.id", std::to_string(task_)},
                   {prefix + "stage", std::string(StageName(stage))},
                   {prefix + "class.name", std::string(class_name)},
                   {prefix + "exception.class.name", std::string(ExceptionClass(error))},
                   {prefix + "exception.message", StatusText(error)},
                   // No JVM stack: the exception's first line, as a trace starts.
                   {prefix + "exception.stacktrace", StrCat(ExceptionClass(error), ": ", StatusText(error))}};
        for (const auto& [k, v] : context) headers.push_back(HeaderView{k, v});
      }
      std::optional<std::string_view> key, value;
      if (consumed->key) key = *consumed->key;
      if (consumed->value) value = *consumed->value;
      absl::Status sent = dlq->Send(dlq_topic_, -1, key, value, consumed->timestamp > 0 ? consumed->timestamp : 0,
                                    headers);
      if (!sent.ok()) {
        return absl::Status(sent.code(), StrCat("could not send a failed record to the dead letter queue ",
                                                dlq_topic_, ": ", StatusText(sent)));
      }
      sent_to_dlq_ = true;
    }
    return absl::OkStatus();
  }

  // Whether the last Handle sent the record to the DLQ (then clears it).
  bool TakeSentToDlq() {
    bool s = sent_to_dlq_;
    sent_to_dlq_ = false;
    return s;
  }

 private:
  std::string connector_;
  int task_;
  bool tolerate_all_ = false;
  int64_t retry_timeout_ms_ = 0;
  int64_t retry_delay_max_ms_ = 60000;
  bool log_enable_ = false;
  bool log_messages_ = false;
  std::string dlq_topic_;
  bool dlq_context_headers_ = false;
  bool sent_to_dlq_ = false;
};

struct Converters {
  std::unique_ptr<Converter> key;
  std::unique_ptr<Converter> value;
  std::unique_ptr<HeaderConverter> header;
};

absl::StatusOr<std::unique_ptr<Converter>> MakeConverter(const ConfigMap& worker, const ConfigMap& connector,
                                                         const std::string& key, bool is_key) {
  auto it = connector.find(key);
  if (it != connector.end()) {
    return CreateConverter(it->second, OriginalsWithPrefix(connector, key + "."), is_key);
  }
  auto w = worker.find(key);
  return CreateConverter(w != worker.end() ? std::string_view(w->second) : kDefaultConverter,
                         OriginalsWithPrefix(worker, key + "."), is_key);
}

absl::StatusOr<Converters> MakeConverters(const ConfigMap& worker, const ConfigMap& connector) {
  Converters c;
  KSTREAMS_ASSIGN_OR_RETURN(c.key, MakeConverter(worker, connector, "key.converter", true));
  KSTREAMS_ASSIGN_OR_RETURN(c.value, MakeConverter(worker, connector, "value.converter", false));
  auto it = connector.find("header.converter");
  std::string header_class = it != connector.end() ? it->second : "";
  if (header_class.empty()) {
    auto w = worker.find("header.converter");
    header_class = w != worker.end() ? w->second : std::string(kDefaultHeaderConverter);
  }
  KSTREAMS_ASSIGN_OR_RETURN(c.header, CreateHeaderConverter(header_class, {}));
  return c;
}

// What every task runner shares: its identity, thread, stop flag, status.
class TaskRunner {
 public:
  TaskRunner(std::string connector, int task, ConfigMap worker_config, ConfigMap connector_config,
             ConfigMap task_config)
      : worker_config_(std::move(worker_config)),
        connector_config_(std::move(connector_config)),
        task_config_(std::move(task_config)) {
    status_.connector = std::move(connector);
    status_.task = task;
  }
  virtual ~TaskRunner() = default;

  void Start() { thread_ = std::thread([this] { Run(); }); }
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(wake_mu_);
      stop_.store(true);
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  TaskStatus status() const {
    std::lock_guard<std::mutex> lock(status_mu_);
    return status_;
  }

 protected:
  virtual void Run() = 0;

  void Fail(const absl::Status& error) {
    kstreams::internal::LogLine(LogLevel::kError, StrCat("Task ", status_.connector, "-", status_.task,
                                                         " failed: ", StatusText(error)));
    std::lock_guard<std::mutex> lock(status_mu_);
    status_.state = TaskState::kFailed;
    status_.error = error;
  }
  void Stopped() {
    std::lock_guard<std::mutex> lock(status_mu_);
    if (status_.state == TaskState::kRunning) status_.state = TaskState::kStopped;
  }
  template <typename F>
  void Count(F f) {
    std::lock_guard<std::mutex> lock(status_mu_);
    f(status_);
  }
  // Sleeps up to `d`, waking early on Stop().
  void Wait(absl::Duration d) {
    std::unique_lock<std::mutex> lock(wake_mu_);
    wake_.wait_for(lock, std::chrono::milliseconds(absl::ToInt64Milliseconds(d)), [this] { return stop_.load(); });
  }
  const std::string& connector() const { return status_.connector; }
  int task_id() const { return status_.task; }

  absl::StatusOr<ParsedConfig> ParseConnectorConfig(bool sink) const {
    return CommonConnectorConfig(sink).Parse(connector_config_);
  }
  int64_t FlushIntervalMs() const {
    auto it = worker_config_.find("offset.flush.interval.ms");
    return it == worker_config_.end() ? 60000 : std::stoll(it->second);
  }
  absl::Duration FlushTimeout() const {
    auto it = worker_config_.find("offset.flush.timeout.ms");
    return absl::Milliseconds(it == worker_config_.end() ? 5000 : std::stoll(it->second));
  }
  kstreams::internal::KafkaConfigMap ClientConfig(const std::string& worker_prefix,
                                                  const std::string& override_prefix) const {
    kstreams::internal::KafkaConfigMap config;
    auto bs = worker_config_.find("bootstrap.servers");
    config["bootstrap.servers"] = bs == worker_config_.end() ? "localhost:9092" : bs->second;
    for (const auto& [k, v] : OriginalsWithPrefix(worker_config_, worker_prefix)) config[k] = v;
    for (const auto& [k, v] : OriginalsWithPrefix(connector_config_, override_prefix)) config[k] = v;
    return config;
  }

  ConfigMap worker_config_;
  ConfigMap connector_config_;
  ConfigMap task_config_;
  std::atomic<bool> stop_{false};

 private:
  std::thread thread_;
  mutable std::mutex status_mu_;
  TaskStatus status_;
  std::mutex wake_mu_;
  std::condition_variable wake_;
};

// ------------------------------------------------------------ source

class SourceRunner final : public TaskRunner, SourceTaskContext, OffsetStorageReader {
 public:
  SourceRunner(std::string connector, int task, ConfigMap worker_config, ConfigMap connector_config,
               ConfigMap task_config, std::unique_ptr<SourceTask> source_task,
               internal::FileOffsetStore* offsets)
      : TaskRunner(std::move(connector), task, std::move(worker_config), std::move(connector_config),
                   std::move(task_config)),
        task_(std::move(source_task)),
        offsets_(offsets) {}

  const ConfigMap& configs() const override { return task_config_; }
  OffsetStorageReader& offset_storage_reader() override { return *this; }
  std::optional<Value> Offset(const Value& partition) override { return offsets_->Get(connector(), partition); }

 private:
  struct Pending {
    SourceRecord record;
    bool produced = false;
  };

  void Run() override {
    absl::Status s = RunLoop();
    task_->Stop();
    if (s.ok()) s = CommitOffsets();
    if (!s.ok()) {
      Fail(s);
    } else {
      Stopped();
    }
  }

  absl::Status RunLoop() {
    KSTREAMS_ASSIGN_OR_RETURN(ParsedConfig config, ParseConnectorConfig(false));
    errors_.emplace(config, connector(), task_id(), false);
    KSTREAMS_ASSIGN_OR_RETURN(converters_, MakeConverters(worker_config_, connector_config_));
    KSTREAMS_ASSIGN_OR_RETURN(chain_, TransformationChain::Create(connector_config_));
    ProducerOptions options;
    options.config = ClientConfig("producer.", "producer.override.");
    KSTREAMS_ASSIGN_OR_RETURN(producer_, Producer::Create(std::move(options)));
    task_->Initialize(this);
    KSTREAMS_RETURN_IF_ERROR(task_->Start(task_config_));
    absl::Time last_flush = absl::Now();
    while (!stop_.load()) {
      absl::StatusOr<std::vector<SourceRecord>> polled = task_->Poll();
      if (!polled.ok()) {
        if (absl::IsUnavailable(polled.status())) {
          Wait(absl::Milliseconds(100));
          continue;
        }
        return absl::Status(polled.status().code(),
                            StrCat("stage TASK_POLL failed: ", StatusText(polled.status())));
      }
      for (SourceRecord& r : *polled) KSTREAMS_RETURN_IF_ERROR(Send(std::move(r)));
      producer_->Poll();
      if (absl::Now() - last_flush >= absl::Milliseconds(FlushIntervalMs()) || pending_.size() > 10000) {
        KSTREAMS_RETURN_IF_ERROR(CommitOffsets());
        last_flush = absl::Now();
      }
    }
    return absl::OkStatus();
  }

  absl::Status Send(SourceRecord record) {
    // The offset counts whatever happens to the record (produced, filtered,
    // tolerated): the task read past it.
    bool found = false;
    for (auto& [p, o] : offsets_to_commit_) {
      if (p == record.source_partition) {
        o = record.source_offset;
        found = true;
      }
    }
    if (!found && !record.source_partition.is_null()) {
      offsets_to_commit_.emplace_back(record.source_partition, record.source_offset);
    }
    Pending pending{record, false};
    const ConnectRecord& base = record;
    absl::StatusOr<std::optional<ConnectRecord>> transformed =
        errors_->Execute<std::optional<ConnectRecord>>([&] { return chain_.Apply(base); }, stop_);
    if (!transformed.ok()) {
      KSTREAMS_RETURN_IF_ERROR(errors_->Handle(Stage::kTransformation, chain_.failed_class(), transformed.status(),
                                               nullptr, &base, nullptr));
      Count([](TaskStatus& s) { ++s.records_skipped; });
      pending_.push_back(std::move(pending));
      return absl::OkStatus();
    }
    if (!transformed->has_value()) {
      Count([](TaskStatus& s) { ++s.records_filtered; });
      pending_.push_back(std::move(pending));
      return absl::OkStatus();
    }
    ConnectRecord& r = **transformed;
    auto convert = [&](Stage stage, Converter& c, const SchemaPtr& schema,
                       const Value& v) -> absl::StatusOr<std::optional<std::optional<std::string>>> {
      absl::StatusOr<std::optional<std::string>> bytes = errors_->Execute<std::optional<std::string>>(
          [&] { return c.FromConnectData(r.topic, schema, v); }, stop_);
      if (bytes.ok()) return std::optional<std::optional<std::string>>(*bytes);
      KSTREAMS_RETURN_IF_ERROR(errors_->Handle(stage, c.ClassName(), bytes.status(), nullptr, &r, nullptr));
      return std::optional<std::optional<std::string>>();  // tolerated
    };
    KSTREAMS_ASSIGN_OR_RETURN(auto key, convert(Stage::kKeyConverter, *converters_.key, r.key_schema, r.key));
    std::optional<std::optional<std::string>> value;
    if (key) {
      KSTREAMS_ASSIGN_OR_RETURN(value, convert(Stage::kValueConverter, *converters_.value, r.value_schema, r.value));
    }
    std::vector<std::pair<std::string, std::optional<std::string>>> header_bytes;
    bool ok = key && value;
    for (const Header& h : r.headers) {
      if (!ok) break;
      absl::StatusOr<std::optional<std::string>> b = converters_.header->FromConnectHeader(r.topic, h.key, h.schema, h.value);
      if (!b.ok()) {
        KSTREAMS_RETURN_IF_ERROR(errors_->Handle(Stage::kHeaderConverter,
                                                 "org.apache.kafka.connect.storage.SimpleHeaderConverter", b.status(),
                                                 nullptr, &r, nullptr));
        ok = false;
        break;
      }
      header_bytes.emplace_back(h.key, *b);
    }
    if (!ok) {
      Count([](TaskStatus& s) { ++s.records_skipped; });
      pending_.push_back(std::move(pending));
      return absl::OkStatus();
    }
    std::vector<HeaderView> headers;
    for (const auto& [k, v] : header_bytes) {
      headers.push_back(HeaderView{k, v ? std::optional<std::string_view>(*v) : std::nullopt});
    }
    std::optional<std::string_view> key_view, value_view;
    if (*key) key_view = **key;
    if (*value) value_view = **value;
    absl::Status sent = producer_->Send(r.topic, r.kafka_partition.value_or(-1), key_view, value_view,
                                        r.timestamp.value_or(0), headers);
    if (!sent.ok()) {
      return absl::Status(sent.code(), StrCat("stage KAFKA_PRODUCE failed: ", StatusText(sent)));
    }
    pending.produced = true;
    pending.record.topic = r.topic;
    pending_.push_back(std::move(pending));
    Count([](TaskStatus& s) { ++s.records; });
    return absl::OkStatus();
  }

  // Flush the producer; once every record is acknowledged, store the offsets
  // and tell the task (commitRecord per record, then commit).
  absl::Status CommitOffsets() {
    if (producer_ == nullptr) return absl::OkStatus();
    KSTREAMS_RETURN_IF_ERROR(producer_->Flush(FlushTimeout()));
    absl::Status delivered = producer_->TakeDeliveryStatus();
    if (!delivered.ok()) {
      return absl::Status(delivered.code(), StrCat("stage KAFKA_PRODUCE failed: ", StatusText(delivered)));
    }
    if (!offsets_to_commit_.empty()) {
      KSTREAMS_RETURN_IF_ERROR(offsets_->Put(connector(), offsets_to_commit_));
      offsets_to_commit_.clear();
    }
    for (const Pending& p : pending_) {
      std::optional<RecordMetadata> metadata;
      if (p.produced) metadata = RecordMetadata{p.record.topic, -1, -1};
      KSTREAMS_RETURN_IF_ERROR(task_->CommitRecord(p.record, metadata));
    }
    pending_.clear();
    return task_->Commit();
  }

  std::unique_ptr<SourceTask> task_;
  internal::FileOffsetStore* offsets_;
  std::optional<ErrorHandler> errors_;
  Converters converters_;
  TransformationChain chain_;
  std::unique_ptr<Producer> producer_;
  std::vector<std::pair<Value, Value>> offsets_to_commit_;
  std::vector<Pending> pending_;
};

// ------------------------------------------------------------ sink

class SinkRunner final : public TaskRunner, SinkTaskContext {
 public:
  SinkRunner(std::string connector, int task, ConfigMap worker_config, ConfigMap connector_config,
             ConfigMap task_config, std::unique_ptr<SinkTask> sink_task)
      : TaskRunner(std::move(connector), task, std::move(worker_config), std::move(connector_config),
                   std::move(task_config)),
        task_(std::move(sink_task)) {}

  const ConfigMap& configs() const override { return task_config_; }
  void Offset(const TopicPartition& tp, int64_t offset) override { seeks_[tp] = offset; }
  void RequestCommit() override { commit_requested_ = true; }
  std::vector<TopicPartition> Assignment() const override { return assignment_; }

 private:
  void Run() override {
    absl::Status s = RunLoop();
    // A failed task commits nothing more: its last batch may not be written.
    failed_ = !s.ok();
    if (s.ok() && consumer_ != nullptr) s = CommitOffsets();
    // Leaving the group revokes the partitions: on_revoked commits (unless
    // failed) and closes them in the task.
    if (consumer_ != nullptr) (void)consumer_->Close();
    if (started_) {
      if (!assignment_.empty()) {
        absl::Status closed = task_->Close(assignment_);
        if (s.ok()) s = closed;
      }
      task_->Stop();
    }
    if (dlq_ != nullptr) (void)dlq_->Flush(FlushTimeout());
    if (!s.ok()) {
      Fail(s);
    } else {
      Stopped();
    }
  }

  absl::Status RunLoop() {
    KSTREAMS_ASSIGN_OR_RETURN(ParsedConfig config, ParseConnectorConfig(true));
    errors_.emplace(config, connector(), task_id(), true);
    KSTREAMS_ASSIGN_OR_RETURN(converters_, MakeConverters(worker_config_, connector_config_));
    KSTREAMS_ASSIGN_OR_RETURN(chain_, TransformationChain::Create(connector_config_));
    if (!errors_->dlq_topic().empty()) {
      ProducerOptions options;
      options.config = ClientConfig("producer.", "producer.override.");
      KSTREAMS_ASSIGN_OR_RETURN(dlq_, Producer::Create(std::move(options)));
    }
    task_->Initialize(this);
    KSTREAMS_RETURN_IF_ERROR(task_->Start(task_config_));
    started_ = true;
    ConsumerOptions options;
    options.config = ClientConfig("consumer.", "consumer.override.");
    options.config["group.id"] = StrCat("connect-", connector());
    options.config.insert({"auto.offset.reset", "earliest"});
    options.on_assigned = [this](const std::vector<TopicPartition>& tps) {
      for (const auto& tp : tps) assignment_.push_back(tp);
      absl::Status s = task_->Open(tps);
      if (!s.ok() && callback_error_.ok()) callback_error_ = s;
    };
    options.on_revoked = [this](const std::vector<TopicPartition>& tps) {
      absl::Status s = failed_ ? absl::OkStatus() : CommitOffsets();
      if (s.ok()) s = task_->Close(tps);
      if (!s.ok() && callback_error_.ok()) callback_error_ = s;
      for (const auto& tp : tps) {
        current_offsets_.erase(tp);
        assignment_.erase(std::remove(assignment_.begin(), assignment_.end(), tp), assignment_.end());
      }
    };
    KSTREAMS_ASSIGN_OR_RETURN(consumer_, Consumer::Create(std::move(options)));
    std::string regex = *config.GetString("topics.regex");
    if (!regex.empty()) {
      KSTREAMS_RETURN_IF_ERROR(consumer_->SubscribePattern(regex));
    } else {
      KSTREAMS_RETURN_IF_ERROR(consumer_->Subscribe(config.GetList("topics")));
    }
    absl::Time last_commit = absl::Now();
    while (!stop_.load()) {
      KSTREAMS_ASSIGN_OR_RETURN(std::vector<ConsumerRecord> batch, consumer_->PollBatch(500, absl::Milliseconds(100)));
      KSTREAMS_RETURN_IF_ERROR(callback_error_);
      std::vector<SinkRecord> records;
      std::map<TopicPartition, int64_t> batch_offsets;
      for (const ConsumerRecord& cr : batch) {
        KSTREAMS_ASSIGN_OR_RETURN(std::optional<SinkRecord> r, Convert(cr));
        if (r) records.push_back(*std::move(r));
        batch_offsets[TopicPartition{cr.topic, cr.partition}] = cr.offset + 1;
      }
      if (!records.empty()) {
        const int64_t n = static_cast<int64_t>(records.size());
        KSTREAMS_RETURN_IF_ERROR(PutWithRetry(std::move(records)));
        Count([n](TaskStatus& s) { s.records += n; });
      }
      // Only a batch the task took (or that was all filtered / tolerated)
      // moves the offsets.
      for (const auto& [tp, offset] : batch_offsets) current_offsets_[tp] = offset;
      for (const auto& [tp, offset] : seeks_) {
        KSTREAMS_RETURN_IF_ERROR(consumer_->Seek(tp, offset));
        current_offsets_[tp] = offset;
      }
      seeks_.clear();
      if (commit_requested_ || absl::Now() - last_commit >= absl::Milliseconds(FlushIntervalMs())) {
        KSTREAMS_RETURN_IF_ERROR(CommitOffsets());
        commit_requested_ = false;
        last_commit = absl::Now();
      }
    }
    return absl::OkStatus();
  }

  absl::Status PutWithRetry(std::vector<SinkRecord> records) {
    while (true) {
      absl::Status s = task_->Put(records);
      if (s.ok()) return s;
      if (!absl::IsUnavailable(s) || stop_.load()) {
        return absl::Status(s.code(), StrCat("stage TASK_PUT failed: ", StatusText(s)));
      }
      Wait(absl::Milliseconds(100));  // RetriableException: the same batch again
    }
  }

  // Converts and transforms one consumed record; nullopt when it was
  // filtered or tolerated (then in the DLQ if one is configured).
  absl::StatusOr<std::optional<SinkRecord>> Convert(const ConsumerRecord& cr) {
    auto tolerated = [&](Stage stage, std::string_view cls, const absl::Status& error)
        -> absl::StatusOr<std::optional<SinkRecord>> {
      KSTREAMS_RETURN_IF_ERROR(errors_->Handle(stage, cls, error, &cr, nullptr, dlq_.get()));
      bool dlq = errors_->TakeSentToDlq();
      Count([dlq](TaskStatus& s) {
        ++s.records_skipped;
        if (dlq) ++s.records_to_dlq;
      });
      return std::optional<SinkRecord>();
    };
    std::optional<std::string_view> key_bytes, value_bytes;
    if (cr.key) key_bytes = *cr.key;
    if (cr.value) value_bytes = *cr.value;
    absl::StatusOr<SchemaAndValue> key = errors_->Execute<SchemaAndValue>(
        [&] { return converters_.key->ToConnectData(cr.topic, key_bytes); }, stop_);
    if (!key.ok()) return tolerated(Stage::kKeyConverter, converters_.key->ClassName(), key.status());
    absl::StatusOr<SchemaAndValue> value = errors_->Execute<SchemaAndValue>(
        [&] { return converters_.value->ToConnectData(cr.topic, value_bytes); }, stop_);
    if (!value.ok()) return tolerated(Stage::kValueConverter, converters_.value->ClassName(), value.status());
    SinkRecord r;
    r.topic = cr.topic;
    r.kafka_partition = cr.partition;
    r.key_schema = key->schema;
    r.key = std::move(key->value);
    r.value_schema = value->schema;
    r.value = std::move(value->value);
    if (cr.timestamp >= 0) r.timestamp = cr.timestamp;
    r.kafka_offset = cr.offset;
    r.timestamp_type = cr.timestamp_type == kstreams::internal::TimestampType::kCreateTime ? TimestampType::kCreateTime
                       : cr.timestamp_type == kstreams::internal::TimestampType::kLogAppendTime
                           ? TimestampType::kLogAppendTime
                           : TimestampType::kNoTimestampType;
    r.original_topic = cr.topic;
    r.original_kafka_partition = cr.partition;
    r.original_kafka_offset = cr.offset;
    for (const auto& h : cr.headers) {
      std::optional<std::string_view> hv;
      if (h.value) hv = *h.value;
      absl::StatusOr<SchemaAndValue> converted = converters_.header->ToConnectHeader(cr.topic, h.key, hv);
      if (!converted.ok()) {
        return tolerated(Stage::kHeaderConverter, "org.apache.kafka.connect.storage.SimpleHeaderConverter",
                         converted.status());
      }
      r.headers.Add(h.key, converted->schema, std::move(converted->value));
    }
    const ConnectRecord& base = r;
    absl::StatusOr<std::optional<ConnectRecord>> transformed =
        errors_->Execute<std::optional<ConnectRecord>>([&] { return chain_.Apply(base, cr.offset); }, stop_);
    if (!transformed.ok()) return tolerated(Stage::kTransformation, chain_.failed_class(), transformed.status());
    if (!transformed->has_value()) {
      Count([](TaskStatus& s) { ++s.records_filtered; });
      return std::optional<SinkRecord>();
    }
    static_cast<ConnectRecord&>(r) = std::move(**transformed);
    return std::optional<SinkRecord>(std::move(r));
  }

  // DLQ copies acknowledged first, then PreCommit, then the consumer commit.
  absl::Status CommitOffsets() {
    if (dlq_ != nullptr) {
      KSTREAMS_RETURN_IF_ERROR(dlq_->Flush(FlushTimeout()));
      absl::Status delivered = dlq_->TakeDeliveryStatus();
      if (!delivered.ok()) {
        return absl::Status(delivered.code(),
                            StrCat("could not deliver to the dead letter queue: ", StatusText(delivered)));
      }
    }
    if (current_offsets_.empty()) return absl::OkStatus();
    absl::StatusOr<std::map<TopicPartition, int64_t>> offsets = task_->PreCommit(current_offsets_);
    if (!offsets.ok()) {
      kstreams::internal::LogLine(LogLevel::kError, StrCat("Task ", connector(), "-", task_id(),
                                                           " refused to commit offsets: ", StatusText(offsets.status())));
      return absl::OkStatus();  // as Connect: not committed now, retried at the next commit
    }
    if (offsets->empty()) return absl::OkStatus();
    absl::Status s = consumer_->CommitSync(*offsets);
    if (absl::IsAborted(s)) return absl::OkStatus();  // a rebalance: committed later or re-read
    return s;
  }

  std::unique_ptr<SinkTask> task_;
  std::optional<ErrorHandler> errors_;
  Converters converters_;
  TransformationChain chain_;
  std::unique_ptr<Consumer> consumer_;
  std::unique_ptr<Producer> dlq_;
  std::map<TopicPartition, int64_t> current_offsets_;
  std::map<TopicPartition, int64_t> seeks_;
  std::vector<TopicPartition> assignment_;
  absl::Status callback_error_;
  bool commit_requested_ = false;
  bool started_ = false;
  bool failed_ = false;
};

struct RunningConnector {
  std::unique_ptr<Connector> connector;
  std::vector<std::unique_ptr<TaskRunner>> tasks;
  bool stopped = false;
};

}  // namespace

std::string_view TaskStateName(TaskState state) {
  switch (state) {
    case TaskState::kRunning: return "RUNNING";
    case TaskState::kFailed: return "FAILED";
    case TaskState::kStopped: return "UNASSIGNED";
  }
  return "?";
}

class StandaloneWorker::Impl {
 public:
  ConfigMap config;
  std::unique_ptr<internal::FileOffsetStore> offsets;
  mutable std::mutex mu;
  std::map<std::string, RunningConnector> connectors;

  absl::Status Add(ConfigMap connector_config) {
    auto class_it = connector_config.find("connector.class");
    if (class_it == connector_config.end()) {
      return absl::InvalidArgumentError("Missing required configuration \"connector.class\" which has no default value.");
    }
    KSTREAMS_ASSIGN_OR_RETURN(std::unique_ptr<Connector> connector, ConnectorPlugins::Create(class_it->second));
    const bool sink = dynamic_cast<SinkConnector*>(connector.get()) != nullptr;
    ConfigDef def = CommonConnectorConfig(sink);
    def.Merge(connector->Config());
    KSTREAMS_ASSIGN_OR_RETURN(ParsedConfig parsed, def.Parse(connector_config));
    std::string name = *parsed.GetString("name");
    if (sink) {
      std::vector<std::string> topics = parsed.GetList("topics");
      std::string regex = *parsed.GetString("topics.regex");
      if (topics.empty() == regex.empty()) {
        return absl::InvalidArgumentError(topics.empty() ? "Must configure one of topics or topics.regex"
                                                         : "topics and topics.regex are mutually exclusive options, "
                                                           "but both are set.");
      }
      std::string dlq = *parsed.GetString("errors.deadletterqueue.topic.name");
      if (!dlq.empty() && std::find(topics.begin(), topics.end(), dlq) != topics.end()) {
        return absl::InvalidArgumentError(StrCat("The DLQ topic '", dlq,
                                                 "' may not be included in the list of topics ('topics=",
                                                 ::kstreams::internal::StrJoin(topics, ","),
                                                 "') consumed by the connector"));
      }
    }
    // Converters and transforms are checked now, so a bad config fails
    // AddConnector rather than a task.
    KSTREAMS_RETURN_IF_ERROR(MakeConverters(config, connector_config).status());
    KSTREAMS_RETURN_IF_ERROR(TransformationChain::Create(connector_config).status());
    {
      std::lock_guard<std::mutex> lock(mu);
      if (connectors.count(name)) return absl::AlreadyExistsError(StrCat("Connector ", name, " already exists"));
    }
    KSTREAMS_RETURN_IF_ERROR(connector->Start(connector_config));
    absl::StatusOr<std::vector<ConfigMap>> task_configs = connector->TaskConfigs(parsed.GetInt("tasks.max"));
    if (!task_configs.ok()) {
      connector->Stop();
      return task_configs.status();
    }
    RunningConnector running;
    int id = 0;
    for (ConfigMap& tc : *task_configs) {
      // As Connect: the task sees its own config; sinks also get `topics`.
      if (sink) {
        for (const char* k : {"topics", "topics.regex"}) {
          auto it = connector_config.find(k);
          if (it != connector_config.end()) tc.insert({k, it->second});
        }
      }
      if (sink) {
        auto* sc = static_cast<SinkConnector*>(connector.get());
        running.tasks.push_back(std::make_unique<SinkRunner>(name, id, config, connector_config, tc, sc->CreateTask()));
      } else {
        auto* sc = static_cast<SourceConnector*>(connector.get());
        running.tasks.push_back(
            std::make_unique<SourceRunner>(name, id, config, connector_config, tc, sc->CreateTask(), offsets.get()));
      }
      ++id;
    }
    running.connector = std::move(connector);
    for (auto& t : running.tasks) t->Start();
    std::lock_guard<std::mutex> lock(mu);
    connectors.emplace(name, std::move(running));
    return absl::OkStatus();
  }

  static void StopConnector(RunningConnector& c) {
    if (c.stopped) return;
    c.stopped = true;
    for (auto& t : c.tasks) t->Stop();
    c.connector->Stop();
  }
};

StandaloneWorker::StandaloneWorker(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StandaloneWorker::~StandaloneWorker() { Stop(); }

absl::StatusOr<std::unique_ptr<StandaloneWorker>> StandaloneWorker::Create(ConfigMap worker_config) {
  ConfigDef def;
  def.Define("bootstrap.servers", ConfigType::kList, "localhost:9092", Importance::kHigh, "")
      .Define("key.converter", ConfigType::kClass, std::string(kDefaultConverter), Importance::kHigh, "")
      .Define("value.converter", ConfigType::kClass, std::string(kDefaultConverter), Importance::kHigh, "")
      .Define("header.converter", ConfigType::kClass, std::string(kDefaultHeaderConverter), Importance::kLow, "")
      .DefineRequired("offset.storage.file.filename", ConfigType::kString, Importance::kHigh, "",
                      ConfigDef::NonEmptyString())
      .Define("offset.flush.interval.ms", ConfigType::kLong, "60000", Importance::kLow, "", ConfigDef::AtLeast(0))
      .Define("offset.flush.timeout.ms", ConfigType::kLong, "5000", Importance::kLow, "", ConfigDef::AtLeast(1));
  KSTREAMS_ASSIGN_OR_RETURN(ParsedConfig parsed, def.Parse(worker_config));
  KSTREAMS_RETURN_IF_ERROR(MakeConverters(worker_config, {}).status());
  auto impl = std::make_unique<Impl>();
  impl->config = std::move(worker_config);
  KSTREAMS_ASSIGN_OR_RETURN(impl->offsets,
                            internal::FileOffsetStore::Open(*parsed.GetString("offset.storage.file.filename")));
  return std::unique_ptr<StandaloneWorker>(new StandaloneWorker(std::move(impl)));
}

absl::Status StandaloneWorker::AddConnector(ConfigMap connector_config) {
  return impl_->Add(std::move(connector_config));
}

absl::Status StandaloneWorker::RemoveConnector(std::string_view name) {
  RunningConnector c;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto it = impl_->connectors.find(std::string(name));
    if (it == impl_->connectors.end()) return absl::NotFoundError(StrCat("Connector ", name, " not found"));
    c = std::move(it->second);
    impl_->connectors.erase(it);
  }
  Impl::StopConnector(c);
  return absl::OkStatus();
}

std::vector<TaskStatus> StandaloneWorker::Status() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  std::vector<TaskStatus> out;
  for (const auto& [name, c] : impl_->connectors) {
    for (const auto& t : c.tasks) out.push_back(t->status());
  }
  return out;
}

void StandaloneWorker::Stop() {
  // Stopped in place (under the lock: AddConnector/RemoveConnector wait), so
  // Status() still reports how each task ended.
  std::lock_guard<std::mutex> lock(impl_->mu);
  for (auto& [name, c] : impl_->connectors) Impl::StopConnector(c);
}

}  // namespace kstreams::connect
