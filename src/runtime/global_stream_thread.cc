#include "runtime/global_stream_thread.h"

#include <chrono>

#include "kafka/admin.h"
#include "kstreams/internal/strings.h"
#include "kstreams/log.h"
#include "kstreams/status_macros.h"
#include "runtime/raw_record.h"
#include "runtime/record_collector.h"
#include "runtime/runtime_util.h"

namespace kstreams::internal {

// Global sub-topologies have no sinks: what their tasks send are the dead
// letter queue records of their error handlers, rare enough that the
// producer is made for the first one.
class GlobalStreamThread::GlobalOutput final : public RecordCollector {
 public:
  GlobalOutput(std::string name, const RuntimeConfig& rc) : name_(std::move(name)), rc_(rc) {}

  void Send(std::string_view topic, RawBytes key, RawBytes value, int64_t timestamp,
            const Headers& headers, int32_t partition) override {
    if (collector_ == nullptr) {
      absl::Status s = CreateProducer();
      if (!s.ok()) {
        if (error_.ok()) {
          error_ = absl::Status(s.code(), StrCat("creating the producer for a dead letter queue "
                                                 "record to topic '", topic, "': ", s.message()));
        }
        return;
      }
    }
    collector_->Send(topic, key, value, timestamp, headers, partition);
  }
  std::optional<int32_t> PartitionCount(std::string_view topic) override {
    return collector_ ? collector_->PartitionCount(topic) : std::nullopt;
  }

  // Serves ready delivery reports.
  void Poll() {
    if (collector_) collector_->Poll();
  }
  // Waits for every record sent so far; the first failure the production
  // handler did not continue past.
  absl::Status Flush() {
    KSTREAMS_RETURN_IF_ERROR(error_);
    if (collector_ == nullptr) return absl::OkStatus();
    absl::Status s = collector_->FlushAndCheck(absl::Seconds(30));
    if (!s.ok()) return Prefixed(s, "dead letter queue: ");
    if (collector_->TakeRewindRequest()) {
      return absl::UnavailableError(StrCat(
          "a dead letter queue record could not be delivered and ",
          StreamsConfig::kProductionExceptionHandler,
          " answered RETRY; the global thread has no commit to go back to, so it fails (after a "
          "restart it reads its topics again from the beginning)"));
    }
    return absl::OkStatus();
  }

 private:
  absl::Status CreateProducer() {
    ProducerOptions options;
    options.config = rc_.producer;
    options.config["client.id"] = StrCat(name_, "-producer");
    options.on_delivery = [this](const DeliveryResult& result) {
      if (collector_) collector_->OnDelivery(result);
    };
    options.on_error = [this](const absl::Status& s) {
      LogLine(LogLevel::kWarning, StrCat(name_, ": producer: ", s.message()));
    };
    KSTREAMS_ASSIGN_OR_RETURN(producer_, Producer::Create(std::move(options)));
    collector_ = std::make_unique<RecordCollectorImpl>(producer_.get(),
                                                       rc_.error_handling->production.get());
    return absl::OkStatus();
  }

  const std::string name_;
  const RuntimeConfig& rc_;
  std::unique_ptr<Producer> producer_;
  std::unique_ptr<RecordCollectorImpl> collector_;
  absl::Status error_;
};

GlobalStreamThread::GlobalStreamThread(std::shared_ptr<const TopologyData> topology, RuntimeConfig runtime_config,
                                       std::function<void(const absl::Status&)> on_failure)
    : name_(StrCat(runtime_config.client_id.empty() ? runtime_config.application_id
                                                    : runtime_config.client_id,
                   "-GlobalStreamThread")),
      topology_(std::move(topology)),
      rc_(std::move(runtime_config)),
      on_failure_(std::move(on_failure)),
      output_(std::make_unique<GlobalOutput>(name_, rc_)) {}

GlobalStreamThread::~GlobalStreamThread() { Shutdown(); }

absl::Status GlobalStreamThread::Bootstrap() {
  for (const Subtopology& sub : topology_->GlobalSubtopologies()) {
    TaskCore::Options options;
    options.task_id = TaskId{sub.id, 0};
    options.config = rc_.task;
    options.collector = output_.get();
    options.state_dir_name = "global";
    KSTREAMS_ASSIGN_OR_RETURN(std::unique_ptr<TaskCore> task,
                              TaskCore::Create(topology_, sub, std::move(options)));
    KSTREAMS_RETURN_IF_ERROR(task->Init());
    for (const std::string& topic : sub.source_topics) task_by_topic_[topic] = task.get();
    tasks_.push_back(std::move(task));
  }

  // Every partition of every global topic, from the beginning.
  KSTREAMS_ASSIGN_OR_RETURN(std::unique_ptr<Admin> admin, Admin::Create(rc_.admin));
  std::map<TopicPartition, int64_t> start;
  for (const auto& [topic, task] : task_by_topic_) {
    KSTREAMS_ASSIGN_OR_RETURN(std::optional<int32_t> partitions, admin->PartitionCount(topic));
    if (!partitions) {
      return absl::NotFoundError(
          StrCat("global table topic '", topic, "' not found in the cluster"));
    }
    for (int32_t p = 0; p < *partitions; ++p) start[{topic, p}] = kOffsetBeginning;
  }
  ConsumerOptions consumer_options;
  consumer_options.config = rc_.consumer;
  consumer_options.config["client.id"] = StrCat(name_, "-global-consumer");
  consumer_options.on_error = [this](const absl::Status& s) {
    LogLine(LogLevel::kWarning, StrCat(name_, ": consumer: ", s.message()));
  };
  KSTREAMS_ASSIGN_OR_RETURN(consumer_, Consumer::Create(std::move(consumer_options)));
  KSTREAMS_RETURN_IF_ERROR(consumer_->Assign(start));

  // Catch up with the end offsets as of now.
  std::map<TopicPartition, int64_t> remaining;  // partition -> end offset
  for (const auto& [tp, unused] : start) {
    KSTREAMS_ASSIGN_OR_RETURN(auto watermarks, consumer_->WatermarkOffsets(tp));
    if (watermarks.second > watermarks.first) remaining[tp] = watermarks.second;
  }
  const int64_t began = NowMs();
  while (!remaining.empty()) {
    KSTREAMS_ASSIGN_OR_RETURN(
        std::vector<ConsumerRecord> batch,
        consumer_->PollBatch(static_cast<int>(rc_.max_poll_records), absl::Milliseconds(rc_.poll_ms)));
    for (const ConsumerRecord& record : batch) {
      KSTREAMS_RETURN_IF_ERROR(Apply(record));
      auto it = remaining.find({record.topic, record.partition});
      if (it != remaining.end() && record.offset + 1 >= it->second) remaining.erase(it);
    }
  }
  KSTREAMS_RETURN_IF_ERROR(FlushTasks());
  LogLine(LogLevel::kInfo, StrCat(name_, ": global stores bootstrapped from ", start.size(),
                                  " partitions in ", NowMs() - began, " ms"));
  return absl::OkStatus();
}

absl::Status GlobalStreamThread::Apply(const ConsumerRecord& record) {
  auto it = task_by_topic_.find(record.topic);
  if (it == task_by_topic_.end()) return absl::OkStatus();
  return it->second->Process(ToRawRecord(record));
}

absl::Status GlobalStreamThread::FlushTasks() {
  for (auto& task : tasks_) KSTREAMS_RETURN_IF_ERROR(task->Flush());
  return output_->Flush();
}

void GlobalStreamThread::Start() {
  thread_ = std::thread([this] { Run(); });
}

void GlobalStreamThread::Run() {
  int64_t last_flush = NowMs();
  absl::Status status;
  while (!stop_.load() && status.ok()) {
    absl::StatusOr<std::vector<ConsumerRecord>> batch =
        consumer_->PollBatch(static_cast<int>(rc_.max_poll_records), absl::Milliseconds(rc_.poll_ms));
    if (!batch.ok()) {
      status = batch.status();
      break;
    }
    for (const ConsumerRecord& record : *batch) {
      status = Apply(record);
      if (!status.ok()) break;
    }
    output_->Poll();
    if (status.ok() && NowMs() - last_flush >= rc_.commit_interval_ms) {
      status = FlushTasks();
      last_flush = NowMs();
    }
  }
  if (!status.ok() && !stop_.load()) {
    absl::Status error(status.code(), StrCat(name_, " failed: ", status.message()));
    LogLine(LogLevel::kError, std::string(error.message()));
    if (on_failure_) on_failure_(error);
  }
}

void GlobalStreamThread::Shutdown() {
  if (closed_) return;
  closed_ = true;
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
  if (consumer_) {
    absl::Status s = consumer_->Close();
    if (!s.ok()) LogLine(LogLevel::kWarning, StrCat(name_, ": closing consumer: ", s.message()));
  }
  for (auto& task : tasks_) {
    absl::Status s = task->Flush();
    if (!s.ok()) LogLine(LogLevel::kWarning, StrCat(name_, ": ", s.message()));
    task->Close();
  }
  absl::Status s = output_->Flush();
  if (!s.ok()) LogLine(LogLevel::kWarning, StrCat(name_, ": ", s.message()));
}

StateStore* GlobalStreamThread::GetStore(std::string_view name) const {
  for (const auto& task : tasks_) {
    if (StateStore* s = task->GetStateStore(name)) return s;
  }
  return nullptr;
}

}  // namespace kstreams::internal
