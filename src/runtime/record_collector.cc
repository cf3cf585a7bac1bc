#include "runtime/record_collector.h"

#include <algorithm>

#include "kstreams/internal/strings.h"
#include "kstreams/log.h"

namespace kstreams::internal {

RecordCollectorImpl::RecordCollectorImpl(Producer* producer, ProductionExceptionHandler* handler)
    : producer_(producer), handler_(handler) {}

bool RecordCollectorImpl::Fail(absl::Status status, const ProducedRecordView& record,
                               bool retriable) {
  static const Headers kNoHeaders;
  ErrorHandlerContext context;  // the source record is not known here
  context.headers = &kNoHeaders;
  context.timestamp = record.timestamp;
  ErrorDetails details;
  details.type = "kstreams::ProductionError";
  details.message = std::string(status.message());
  details.stacktrace = StrCat("producing to topic '", record.topic, "'");
  details.retriable = retriable;
  ErrorHandlerResponse response;
  std::string message(status.message());
  try {
    response = handler_->Handle(context, record, details);
  } catch (...) {
    response = ErrorHandlerResponse::Fail();
    message += "; the production exception handler threw too";
  }
  for (const DeadLetterQueueRecord& r : response.dead_letter_queue_records) {
    Send(r.topic, r.key, r.value, r.timestamp, r.headers, r.partition);
  }
  if (response.result == ErrorHandlerResult::kRetry && retriable) return true;
  if (response.result == ErrorHandlerResult::kContinue) {
    ++skipped_;
    LogLine(LogLevel::kWarning, StrCat(message, "; skipped (",
                                       StreamsConfig::kProductionExceptionHandler,
                                       " answered CONTINUE)"));
    return false;
  }
  if (response.result == ErrorHandlerResult::kRetry) {
    message += StrCat(" (", StreamsConfig::kProductionExceptionHandler,
                      " answered RETRY, but the error is not retriable: failing)");
  }
  if (!error_.ok()) return false;  // the thread fails with the first one
  LogLine(LogLevel::kError, message);
  error_ = absl::Status(status.code(), message);
  return false;
}

void RecordCollectorImpl::Send(std::string_view topic, RawBytes key, RawBytes value,
                               int64_t timestamp, const Headers& headers,
                               int32_t partition) {
  if (abandoned_) return;
  header_views_.clear();
  for (const Header& h : headers) {
    header_views_.push_back(HeaderView{h.key, h.value ? std::optional<std::string_view>(*h.value)
                                                      : std::nullopt});
  }
  // A negative timestamp (a DLQ record of a record without one) is sent as
  // 0, which librdkafka stamps with the current time.
  if (timestamp < 0) timestamp = 0;
  while (true) {
    absl::Status s = producer_->Send(topic, partition < 0 ? -1 : partition, key, value,
                                     timestamp, header_views_);
    if (s.ok()) break;
    ProducedRecordView record{topic, partition, key, value, timestamp};
    bool retry = Fail(absl::Status(s.code(), StrCat("error sending a record to topic '", topic, "'",
                                                    partition >= 0 ? StrCat(" partition ", partition) : "",
                                                    ": ", s.message())),
                      record, /*retriable=*/s.code() == absl::StatusCode::kResourceExhausted);
    if (!retry) return;
    producer_->Poll(absl::Milliseconds(100));
  }
  ++sent_;
}

std::optional<int32_t> RecordCollectorImpl::PartitionCount(std::string_view topic) {
  auto it = partition_counts_.find(topic);
  if (it != partition_counts_.end()) return it->second;
  absl::StatusOr<int32_t> n = producer_->PartitionCount(topic);
  if (!n.ok()) return std::nullopt;
  partition_counts_.emplace(std::string(topic), *n);
  return *n;
}

void RecordCollectorImpl::Abandon() {
  abandoned_ = true;
  producer_->Purge();
}

void RecordCollectorImpl::ReplaceProducer(Producer* producer) {
  producer_ = producer;
  abandoned_ = false;
  rewind_requested_ = false;
  error_ = absl::OkStatus();
}

void RecordCollectorImpl::OnDelivery(const DeliveryResult& result) {
  if (abandoned_) return;
  if (result.status.ok()) {
    if (acked_.empty()) return;
    auto topic = acked_.find(absl::string_view(result.topic.data(), result.topic.size()));
    if (topic == acked_.end()) return;
    auto partition = topic->second.find(result.partition);
    if (partition != topic->second.end()) {
      partition->second = std::max(partition->second, result.offset);
    }
    return;
  }
  ProducedRecordView record;
  record.topic = result.topic;
  record.partition = result.partition;
  // What librdkafka gave up on after its own retries, but might succeed
  // later: Java's RetriableException (timeouts, not enough replicas, no
  // leader, a broker gone).
  const absl::StatusCode code = result.status.code();
  const bool retriable =
      code == absl::StatusCode::kUnavailable || code == absl::StatusCode::kDeadlineExceeded;
  const std::string message = StrCat("failed to deliver a record to topic '", result.topic,
                                     "' partition ", result.partition, ": ",
                                     result.status.message());
  if (Fail(absl::Status(code, message), record, retriable)) {
    if (!rewind_requested_) {
      LogLine(LogLevel::kWarning,
              StrCat(message, " (", StreamsConfig::kProductionExceptionHandler,
                     " answered RETRY): the thread's tasks go back to their last commit and "
                     "produce their output again"));
    }
    rewind_requested_ = true;
  }
}

absl::Status RecordCollectorImpl::FlushAndCheck(absl::Duration timeout) {
  absl::Status flushed = producer_->Flush(timeout);
  // Failures were seen through OnDelivery; forget the producer's own copy.
  (void)producer_->TakeDeliveryStatus();
  if (!error_.ok()) return error_;
  if (!flushed.ok()) {
    return absl::Status(flushed.code(),
                        StrCat("flushing the producer before commit: ", flushed.message()));
  }
  return absl::OkStatus();
}

}  // namespace kstreams::internal

namespace kstreams::internal {

void RecordCollectorImpl::TrackOffsets(const TopicPartition& tp) {
  acked_[tp.topic].try_emplace(tp.partition, -1);
}

void RecordCollectorImpl::UntrackOffsets(const TopicPartition& tp) {
  auto topic = acked_.find(tp.topic);
  if (topic == acked_.end()) return;
  topic->second.erase(tp.partition);
  if (topic->second.empty()) acked_.erase(topic);
}

std::optional<int64_t> RecordCollectorImpl::AckedOffset(const TopicPartition& tp) const {
  auto topic = acked_.find(tp.topic);
  if (topic == acked_.end()) return std::nullopt;
  auto partition = topic->second.find(tp.partition);
  if (partition == topic->second.end() || partition->second < 0) return std::nullopt;
  return partition->second;
}

}  // namespace kstreams::internal
