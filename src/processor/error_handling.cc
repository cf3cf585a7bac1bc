#include "processor/error_handling.h"

#include <cxxabi.h>

#include <chrono>
#include <cstdlib>
#include <typeinfo>

#include "kstreams/internal/strings.h"

namespace kstreams {

DeadLetterQueueRecord BuildDeadLetterQueueRecord(std::string topic,
                                                 const ErrorHandlerContext& context,
                                                 const ErrorDetails& error) {
  DeadLetterQueueRecord r;
  r.topic = std::move(topic);
  if (context.source_raw_key) r.key.emplace(*context.source_raw_key);
  if (context.source_raw_value) r.value.emplace(*context.source_raw_value);
  r.timestamp = context.timestamp;
  if (context.headers != nullptr) r.headers = *context.headers;
  r.headers.Add(kHeaderErrorsException, error.type);
  r.headers.Add(kHeaderErrorsMessage, error.message);
  r.headers.Add(kHeaderErrorsStacktrace, error.stacktrace);
  r.headers.Add(kHeaderErrorsTopic, std::string(context.topic));
  r.headers.Add(kHeaderErrorsPartition, std::to_string(context.partition));
  r.headers.Add(kHeaderErrorsOffset, std::to_string(context.offset));
  return r;
}

namespace {
std::vector<DeadLetterQueueRecord> MaybeDlq(const std::optional<std::string>& topic,
                                            const ErrorHandlerContext& context,
                                            const ErrorDetails& error) {
  if (!topic) return {};
  return {BuildDeadLetterQueueRecord(*topic, context, error)};
}
}  // namespace

ErrorHandlerResponse DefaultProductionExceptionHandler::Handle(const ErrorHandlerContext& context,
                                                               const ProducedRecordView&,
                                                               const ErrorDetails& error) {
  // A delivery failure has no source record: nothing to send to a DLQ.
  std::vector<DeadLetterQueueRecord> dlq;
  if (context.source_raw_key || context.source_raw_value || !context.topic.empty()) {
    dlq = MaybeDlq(dlq_, context, error);
  }
  // Java 4.x (KIP-1065): RETRY for a retriable error, FAIL otherwise.
  ErrorHandlerResult result = ErrorHandlerResult::kFail;
  if (continue_) {
    result = ErrorHandlerResult::kContinue;
  } else if (error.retriable) {
    result = ErrorHandlerResult::kRetry;
  }
  return {result, std::move(dlq)};
}
ErrorHandlerResponse DefaultProductionExceptionHandler::HandleSerializationError(
    const ErrorHandlerContext& context, const ProducedRecordView&, const ErrorDetails& error,
    SerializationExceptionOrigin) {
  return {continue_ ? ErrorHandlerResult::kContinue : ErrorHandlerResult::kFail,
          MaybeDlq(dlq_, context, error)};
}

int64_t FailOnInvalidTimestamp::Extract(const ConsumedRecord& record, int64_t) {
  if (record.timestamp < 0) {
    throw InvalidTimestampError(::kstreams::internal::StrCat(
        "invalid (negative) timestamp ", record.timestamp,
        "; to process such records set default.timestamp.extractor to "
        "log_and_skip_on_invalid_timestamp, use_partition_time_on_invalid_timestamp or "
        "wallclock, or give the source its own extractor"));
  }
  return record.timestamp;
}

int64_t LogAndSkipOnInvalidTimestamp::Extract(const ConsumedRecord& record, int64_t) {
  return record.timestamp;  // negative: the task logs and skips it
}

int64_t UsePartitionTimeOnInvalidTimestamp::Extract(const ConsumedRecord& record,
                                                    int64_t partition_time) {
  if (record.timestamp >= 0) return record.timestamp;
  if (partition_time < 0) {
    throw InvalidTimestampError(::kstreams::internal::StrCat(
        "invalid (negative) timestamp ", record.timestamp,
        " and no partition time yet to use instead (first record of the partition)"));
  }
  return partition_time;
}

int64_t WallclockTimestampExtractor::Extract(const ConsumedRecord&, int64_t) {
  if (clock_) return clock_();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace kstreams

namespace kstreams::internal {
namespace {

// Our short names first, then Java's class names with or without package.
bool NameIs(std::string_view value, std::initializer_list<std::string_view> ours,
            std::initializer_list<std::string_view> java_classes) {
  for (std::string_view n : ours) {
    if (value == n) return true;
  }
  std::string_view simple = value.substr(value.rfind('.') == std::string_view::npos
                                             ? 0
                                             : value.rfind('.') + 1);
  for (std::string_view c : java_classes) {
    if (simple == c) return true;
  }
  return false;
}

absl::Status UnknownName(std::string_view key, std::string_view value, std::string_view accepted) {
  return absl::InvalidArgumentError(
      StrCat("config '", key, "' names an unknown handler '", value, "'; accepted: ", accepted,
             " (or set an object in code)"));
}

}  // namespace

std::string DemangledName(const char* mangled) {
  int status = 0;
  char* out = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  std::string name = status == 0 && out != nullptr ? out : mangled;
  std::free(out);
  return name;
}

ErrorDetails DetailsOfCurrentException(std::string stacktrace) {
  ErrorDetails d;
  d.exception = std::current_exception();
  d.stacktrace = std::move(stacktrace);
  const std::type_info* type = abi::__cxa_current_exception_type();
  d.type = type != nullptr ? DemangledName(type->name()) : "unknown";
  try {
    throw;
  } catch (const std::exception& e) {
    d.message = e.what();
  } catch (...) {
    d.message = StrCat("a thrown ", d.type, " (not a std::exception)");
  }
  return d;
}

absl::StatusOr<std::shared_ptr<const ErrorHandling>> ParseErrorHandling(
    const StreamsConfig& config, std::function<int64_t()> wall_clock_ms) {
  auto out = std::make_shared<ErrorHandling>();
  if (std::optional<std::string> dlq = config.Get(StreamsConfig::kErrorsDeadLetterQueueTopicName)) {
    if (dlq->empty()) {
      return absl::InvalidArgumentError(
          StrCat("config '", StreamsConfig::kErrorsDeadLetterQueueTopicName,
                 "' must name a topic, got ''"));
    }
    out->dead_letter_queue_topic = *dlq;
  }
  const std::optional<std::string>& dlq = out->dead_letter_queue_topic;

  if (config.deserialization_exception_handler()) {
    out->deserialization = config.deserialization_exception_handler();
  } else {
    std::string v = *config.Get(StreamsConfig::kDeserializationExceptionHandler);
    if (NameIs(v, {"log_and_fail", "fail"}, {"LogAndFailExceptionHandler"})) {
      out->deserialization = std::make_shared<LogAndFailExceptionHandler>(dlq);
    } else if (NameIs(v, {"log_and_continue", "continue"}, {"LogAndContinueExceptionHandler"})) {
      out->deserialization = std::make_shared<LogAndContinueExceptionHandler>(dlq);
    } else {
      return UnknownName(StreamsConfig::kDeserializationExceptionHandler, v,
                         "log_and_fail, log_and_continue, LogAndFailExceptionHandler, "
                         "LogAndContinueExceptionHandler");
    }
  }
  if (config.processing_exception_handler()) {
    out->processing = config.processing_exception_handler();
  } else {
    std::string v = *config.Get(StreamsConfig::kProcessingExceptionHandler);
    if (NameIs(v, {"log_and_fail", "fail"}, {"LogAndFailProcessingExceptionHandler"})) {
      out->processing = std::make_shared<LogAndFailProcessingExceptionHandler>(dlq);
    } else if (NameIs(v, {"log_and_continue", "continue"},
                      {"LogAndContinueProcessingExceptionHandler"})) {
      out->processing = std::make_shared<LogAndContinueProcessingExceptionHandler>(dlq);
    } else {
      return UnknownName(StreamsConfig::kProcessingExceptionHandler, v,
                         "log_and_fail, log_and_continue, LogAndFailProcessingExceptionHandler, "
                         "LogAndContinueProcessingExceptionHandler");
    }
  }
  if (config.production_exception_handler()) {
    out->production = config.production_exception_handler();
  } else {
    std::string v = *config.Get(StreamsConfig::kProductionExceptionHandler);
    if (NameIs(v, {"fail", "log_and_fail"}, {"DefaultProductionExceptionHandler"})) {
      out->production = std::make_shared<DefaultProductionExceptionHandler>(false, dlq);
    } else if (NameIs(v, {"continue", "log_and_continue"}, {})) {
      out->production = std::make_shared<DefaultProductionExceptionHandler>(true, dlq);
    } else {
      return UnknownName(StreamsConfig::kProductionExceptionHandler, v,
                         "fail, continue, DefaultProductionExceptionHandler");
    }
  }
  if (config.timestamp_extractor()) {
    out->timestamp_extractor = config.timestamp_extractor();
  } else {
    std::string v = *config.Get(StreamsConfig::kDefaultTimestampExtractor);
    if (NameIs(v, {"fail_on_invalid_timestamp"}, {"FailOnInvalidTimestamp"})) {
      out->timestamp_extractor = std::make_shared<FailOnInvalidTimestamp>();
    } else if (NameIs(v, {"log_and_skip_on_invalid_timestamp"},
                      {"LogAndSkipOnInvalidTimestamp"})) {
      out->timestamp_extractor = std::make_shared<LogAndSkipOnInvalidTimestamp>();
    } else if (NameIs(v, {"use_partition_time_on_invalid_timestamp"},
                      {"UsePartitionTimeOnInvalidTimestamp"})) {
      out->timestamp_extractor = std::make_shared<UsePartitionTimeOnInvalidTimestamp>();
    } else if (NameIs(v, {"wallclock"}, {"WallclockTimestampExtractor"})) {
      out->timestamp_extractor =
          std::make_shared<WallclockTimestampExtractor>(std::move(wall_clock_ms));
    } else {
      return absl::InvalidArgumentError(StrCat(
          "config '", StreamsConfig::kDefaultTimestampExtractor,
          "' names an unknown timestamp extractor '", v,
          "'; accepted: fail_on_invalid_timestamp, log_and_skip_on_invalid_timestamp, "
          "use_partition_time_on_invalid_timestamp, wallclock, or Java's class names"));
    }
  }
  return std::shared_ptr<const ErrorHandling>(std::move(out));
}

}  // namespace kstreams::internal
