// src/processor/error_handling.h  (internal: not for users)
//
// ErrorHandling: the exception handlers, the default timestamp extractor and
// the dead letter queue topic, read and validated once from a StreamsConfig
// (objects set in code win over names). Only ParseTaskConfig
// (src/runtime/task_config.h) calls it, for KafkaStreams in
// ParseRuntimeConfig (so Start() refuses a bad name before anything runs)
// and for the TopologyTestDriver in its constructor; every TaskCore shares
// the result.
//
// Thread-safety: immutable after parsing; the handlers it points to must be
// thread-safe (they serve every stream thread).
#ifndef KSTREAMS_SRC_PROCESSOR_ERROR_HANDLING_H_
#define KSTREAMS_SRC_PROCESSOR_ERROR_HANDLING_H_

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "kstreams/errors/exception_handlers.h"
#include "kstreams/processor/timestamp_extractor.h"
#include "kstreams/streams_config.h"

namespace kstreams::internal {

struct ErrorHandling {
  std::shared_ptr<DeserializationExceptionHandler> deserialization;
  std::shared_ptr<ProcessingExceptionHandler> processing;
  std::shared_ptr<ProductionExceptionHandler> production;
  std::shared_ptr<TimestampExtractor> timestamp_extractor;
  std::optional<std::string> dead_letter_queue_topic;
};

// `wall_clock_ms` is the clock a `wallclock` extractor reads (the system
// clock when empty). Errors name the key and the value.
absl::StatusOr<std::shared_ptr<const ErrorHandling>> ParseErrorHandling(
    const StreamsConfig& config, std::function<int64_t()> wall_clock_ms = nullptr);

// ErrorDetails of the exception being handled. REQUIRES: inside a catch.
ErrorDetails DetailsOfCurrentException(std::string stacktrace);
// The readable (demangled) name of a type.
std::string DemangledName(const char* mangled);

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_PROCESSOR_ERROR_HANDLING_H_
