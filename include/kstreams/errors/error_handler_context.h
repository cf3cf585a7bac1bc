// kstreams/errors/error_handler_context.h
//
// What an exception handler is told about a failure (Java's
// org.apache.kafka.streams.errors.ErrorHandlerContext, KIP-1033), what went
// wrong (ErrorDetails: Java's Exception), and what it answers
// (ErrorHandlerResponse: CONTINUE, FAIL or RETRY, with records for a dead
// letter queue, KIP-1034).
//
// Dead letter queue records as Kafka Streams writes them
// (BuildDeadLetterQueueRecord): the failed source record's raw key and value,
// its headers, the source record's timestamp, no partition (the producer's
// partitioner places it by key), and the headers
//   __streams.errors.exception   the error type (a C++ type name, e.g.
//                                "std::runtime_error", or
//                                "kstreams::DeserializationError")
//   __streams.errors.message     the error message
//   __streams.errors.stacktrace  where it was thrown: task, node, and the
//                                record's topic/partition/offset
//   __streams.errors.topic       source topic
//   __streams.errors.partition   source partition, decimal ("0")
//   __streams.errors.offset      source offset, decimal ("42")
// every value UTF-8 text, as Java's StringSerializer writes it.
//
// Thread-safety: plain values; views in ErrorHandlerContext are valid during
// the handler call only.
//
// Example:
//
//   kstreams::ErrorHandlerResponse Handle(const kstreams::ErrorHandlerContext& context,
//                                         const kstreams::ErrorDetails& error) override {
//     return kstreams::ErrorHandlerResponse::Continue(
//         {kstreams::BuildDeadLetterQueueRecord("my-dlq", context, error)});
//   }
#ifndef KSTREAMS_ERRORS_ERROR_HANDLER_CONTEXT_H_
#define KSTREAMS_ERRORS_ERROR_HANDLER_CONTEXT_H_

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kstreams/processor/record.h"
#include "kstreams/processor/task_id.h"

namespace kstreams {

struct ErrorHandlerContext {
  // The source record being processed; empty topic and -1 partition/offset
  // inside a punctuator (as Java's null topic / -1) and for a delivery
  // failure reported after the record was processed.
  std::string_view topic;
  int32_t partition = -1;
  int64_t offset = -1;
  const Headers* headers = nullptr;  // never nullptr when passed
  // The node that failed: a source (deserialization, timestamp extraction),
  // a processor, a sink (serialization), or the punctuating node.
  std::string_view processor_node_id;
  TaskId task_id;
  // The record's (extracted) timestamp, or the punctuation time.
  int64_t timestamp = -1;
  // The source record's bytes; nullopt for a Kafka null, inside a
  // punctuator, and for a delivery failure.
  std::optional<std::string_view> source_raw_key;
  std::optional<std::string_view> source_raw_value;
};

// Java's Exception, for C++: whatever was thrown (or the failing status).
struct ErrorDetails {
  std::string type;        // e.g. "std::out_of_range", "kstreams::SerializationError"
  std::string message;     // what(), or the status message
  std::string stacktrace;  // a description of where it was thrown
  std::exception_ptr exception;  // what was thrown; null for a failing status
  // The error may go away if the record is sent again (Java: a
  // RetriableException): the local queue was full, or a delivery failed
  // with a timeout, not enough replicas, no leader, the broker gone.
  // Production errors only.
  bool retriable = false;
};

// A record for a dead letter queue (Java's ProducerRecord<byte[], byte[]>).
struct DeadLetterQueueRecord {
  std::string topic;
  std::optional<std::string> key;
  std::optional<std::string> value;
  int64_t timestamp = -1;
  Headers headers;
  int32_t partition = -1;  // -1: the partitioner chooses by key
  friend bool operator==(const DeadLetterQueueRecord&, const DeadLetterQueueRecord&) = default;
};

// Java's Response.Result (CONTINUE was renamed RESUME in 4.1; the meaning is
// the same).
enum class ErrorHandlerResult {
  kContinue,  // skip the record (counted in dropped_records) and go on
  kFail,      // fail the task: the stream thread dies with the error
  kRetry,     // production errors only: send the record again
};

struct ErrorHandlerResponse {
  ErrorHandlerResult result = ErrorHandlerResult::kFail;
  // Sent before the task goes on (or fails), as part of the task's output:
  // flushed before the next commit.
  std::vector<DeadLetterQueueRecord> dead_letter_queue_records;

  static ErrorHandlerResponse Continue(std::vector<DeadLetterQueueRecord> dlq = {}) {
    return {ErrorHandlerResult::kContinue, std::move(dlq)};
  }
  static ErrorHandlerResponse Fail(std::vector<DeadLetterQueueRecord> dlq = {}) {
    return {ErrorHandlerResult::kFail, std::move(dlq)};
  }
  static ErrorHandlerResponse Retry() { return {ErrorHandlerResult::kRetry, {}}; }
};

// The names of the headers above.
inline constexpr char kHeaderErrorsException[] = "__streams.errors.exception";
inline constexpr char kHeaderErrorsMessage[] = "__streams.errors.message";
inline constexpr char kHeaderErrorsStacktrace[] = "__streams.errors.stacktrace";
inline constexpr char kHeaderErrorsTopic[] = "__streams.errors.topic";
inline constexpr char kHeaderErrorsPartition[] = "__streams.errors.partition";
inline constexpr char kHeaderErrorsOffset[] = "__streams.errors.offset";

// The record Kafka Streams' built-in handlers send to `topic`
// (ExceptionHandlerUtils.buildDeadLetterQueueRecord).
DeadLetterQueueRecord BuildDeadLetterQueueRecord(std::string topic,
                                                 const ErrorHandlerContext& context,
                                                 const ErrorDetails& error);

}  // namespace kstreams

#endif  // KSTREAMS_ERRORS_ERROR_HANDLER_CONTEXT_H_
