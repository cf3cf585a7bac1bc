// kstreams/errors/exception_handlers.h
//
// The three exception handlers of Kafka Streams 4.x (KIP-1033, KIP-1034),
// with Java's names and shape, and the built-ins.
//
//   DeserializationExceptionHandler  a source could not deserialize a key or
//                                    value
//   ProcessingExceptionHandler       a node (or a punctuator, or a timestamp
//                                    extractor) threw; any thrown type
//   ProductionExceptionHandler       a sink could not serialize a record, or
//                                    the producer could not send or deliver it
//
// Setting them: by name in the config (`default.deserialization.exception.handler`,
// `processing.exception.handler`, `default.production.exception.handler`), or
// by object in code (StreamsConfig::SetDeserializationExceptionHandler, ...),
// which wins. Names, ours and Java's class names (with or without package):
//   log_and_fail     | LogAndFailExceptionHandler,
//                      LogAndFailProcessingExceptionHandler (default for both)
//   log_and_continue | LogAndContinueExceptionHandler,
//                      LogAndContinueProcessingExceptionHandler
//   fail             | DefaultProductionExceptionHandler (production default)
//   continue         | (production: skip the record)
// An unknown name fails KafkaStreams::Start() (and the TopologyTestDriver's
// status()) with an error naming the key and the value.
//
// With `errors.dead.letter.queue.topic.name` set, every built-in sends the
// failed source record to that topic (see error_handler_context.h for its
// headers), whether it continues or fails.
//
// Responses: CONTINUE skips the record (counted in dropped_records), FAIL
// fails the task (the stream thread dies; the uncaught exception handler
// decides what happens to the client), RETRY (production only) sends the
// record again: a send the full local queue refused is tried again; after a
// retriable delivery failure the thread's tasks go back to their last commit
// and produce their output again (Java's TaskCorruptedException). RETRY for
// a non-retriable error, and from the other handlers, counts as FAIL.
//
// Thread-safety: one handler object serves every task of every stream
// thread: Handle must be safe to call concurrently.
//
// Example:
//
//   class SkipAndPark final : public kstreams::ProcessingExceptionHandler {
//    public:
//     kstreams::ErrorHandlerResponse Handle(const kstreams::ErrorHandlerContext& c,
//                                           const kstreams::ErrorDetails& e) override {
//       return kstreams::ErrorHandlerResponse::Continue(
//           {kstreams::BuildDeadLetterQueueRecord("parked", c, e)});
//     }
//   };
//   config.SetProcessingExceptionHandler(std::make_shared<SkipAndPark>());
#ifndef KSTREAMS_ERRORS_EXCEPTION_HANDLERS_H_
#define KSTREAMS_ERRORS_EXCEPTION_HANDLERS_H_

#include <optional>
#include <string>
#include <string_view>

#include "kstreams/errors/error_handler_context.h"

namespace kstreams {

class DeserializationExceptionHandler {
 public:
  virtual ~DeserializationExceptionHandler() = default;
  virtual ErrorHandlerResponse Handle(const ErrorHandlerContext& context,
                                      const ErrorDetails& error) = 0;
};

class ProcessingExceptionHandler {
 public:
  virtual ~ProcessingExceptionHandler() = default;
  virtual ErrorHandlerResponse Handle(const ErrorHandlerContext& context,
                                      const ErrorDetails& error) = 0;
};

// The record a sink produced (bytes), or tried to.
struct ProducedRecordView {
  std::string_view topic;
  int32_t partition = -1;
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;
  int64_t timestamp = -1;
};

// Which part of the record failed to serialize (Java's SerializationExceptionOrigin).
enum class SerializationExceptionOrigin { kKey, kValue };

class ProductionExceptionHandler {
 public:
  virtual ~ProductionExceptionHandler() = default;
  // The producer refused the record or could not deliver it.
  virtual ErrorHandlerResponse Handle(const ErrorHandlerContext& context,
                                      const ProducedRecordView& record,
                                      const ErrorDetails& error) = 0;
  // A sink's serde failed; `record` has the topic and timestamp only.
  virtual ErrorHandlerResponse HandleSerializationError(const ErrorHandlerContext& context,
                                                        const ProducedRecordView& record,
                                                        const ErrorDetails& error,
                                                        SerializationExceptionOrigin origin) = 0;
};

namespace internal {
// The built-in deserialization and processing handlers: log (the task logs),
// send the failed source record to `dead_letter_queue_topic` if set, and
// answer `kResult`.
template <typename Handler, ErrorHandlerResult kResult>
class LogAndRespondHandler final : public Handler {
 public:
  explicit LogAndRespondHandler(std::optional<std::string> dead_letter_queue_topic = {})
      : dlq_(std::move(dead_letter_queue_topic)) {}
  ErrorHandlerResponse Handle(const ErrorHandlerContext& context,
                              const ErrorDetails& error) override {
    ErrorHandlerResponse response{kResult, {}};
    if (dlq_) {
      response.dead_letter_queue_records.push_back(
          BuildDeadLetterQueueRecord(*dlq_, context, error));
    }
    return response;
  }

 private:
  std::optional<std::string> dlq_;
};
}  // namespace internal

// The built-ins, under Java's names. Constructor argument: the dead letter
// queue topic (std::nullopt: none).
using LogAndFailExceptionHandler =
    internal::LogAndRespondHandler<DeserializationExceptionHandler, ErrorHandlerResult::kFail>;
using LogAndContinueExceptionHandler =
    internal::LogAndRespondHandler<DeserializationExceptionHandler, ErrorHandlerResult::kContinue>;
using LogAndFailProcessingExceptionHandler =
    internal::LogAndRespondHandler<ProcessingExceptionHandler, ErrorHandlerResult::kFail>;
using LogAndContinueProcessingExceptionHandler =
    internal::LogAndRespondHandler<ProcessingExceptionHandler, ErrorHandlerResult::kContinue>;

// `fail` (Java 4.x's DefaultProductionExceptionHandler, KIP-1065): RETRY
// for a retriable production error (ErrorDetails::retriable), FAIL for any
// other and for serialization errors. `continue`: CONTINUE for every one.
class DefaultProductionExceptionHandler final : public ProductionExceptionHandler {
 public:
  explicit DefaultProductionExceptionHandler(
      bool continue_on_error = false, std::optional<std::string> dead_letter_queue_topic = {})
      : continue_(continue_on_error), dlq_(std::move(dead_letter_queue_topic)) {}
  ErrorHandlerResponse Handle(const ErrorHandlerContext& context,
                              const ProducedRecordView& record,
                              const ErrorDetails& error) override;
  ErrorHandlerResponse HandleSerializationError(const ErrorHandlerContext& context,
                                                const ProducedRecordView& record,
                                                const ErrorDetails& error,
                                                SerializationExceptionOrigin origin) override;

 private:
  bool continue_;
  std::optional<std::string> dlq_;
};

}  // namespace kstreams

#endif  // KSTREAMS_ERRORS_EXCEPTION_HANDLERS_H_
