// kstreams/processor/internal/task_context.h  (internal: not for users)
//
// The services a task gives its nodes: identity, the current record's
// metadata, stream and wall-clock time, punctuation, state stores and the
// record collector. Implemented by internal::TaskCore, which both the runtime's
// StreamTask and the TopologyTestDriver drive.
//
// Thread-compatible: one thread owns a task.
#ifndef KSTREAMS_PROCESSOR_INTERNAL_TASK_CONTEXT_H_
#define KSTREAMS_PROCESSOR_INTERNAL_TASK_CONTEXT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "kstreams/processor/punctuation.h"
#include "kstreams/processor/record.h"
#include "kstreams/processor/state_store.h"
#include "kstreams/processor/streams_metrics.h"
#include "kstreams/processor/task_id.h"
#include "kstreams/streams_config.h"

namespace kstreams::internal {

// Bytes as Kafka carries them; std::nullopt is a Kafka null.
using RawBytes = std::optional<std::string_view>;

// One consumed record before deserialization. Views are valid for the
// duration of the call they are passed to.
struct RawRecord {
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp = 0;
  RawBytes key;
  RawBytes value;
  Headers headers;
};

// Where sink nodes hand serialized records. The runtime sends them to Kafka;
// the test driver keeps them per topic.
class RecordCollector {
 public:
  virtual ~RecordCollector() = default;
  // `partition` < 0 lets the collector choose from the key bytes with Java's
  // default partitioner (murmur2), so Java and kstreams agree on placement.
  virtual void Send(std::string_view topic, RawBytes key, RawBytes value,
                    int64_t timestamp, const Headers& headers,
                    int32_t partition) = 0;
  // The partition count of `topic`, when known (needed by StreamPartitioner).
  virtual std::optional<int32_t> PartitionCount(std::string_view topic) {
    (void)topic;
    return std::nullopt;
  }
};

class TaskContext {
 public:
  virtual ~TaskContext() = default;
  virtual const std::string& application_id() const = 0;
  virtual TaskId task_id() const = 0;
  // The config as the user gave it, for ProcessorContext::app_config().
  // Nodes read typed settings below, parsed and checked once at start.
  virtual const StreamsConfig& config() const = 0;
  // StreamsConfig::kOuterJoinEmitIntervalMs, checked (>= 0).
  virtual int64_t outer_join_emit_interval_ms() const = 0;
  // The record being processed, or nullptr inside a punctuator.
  virtual const RecordMetadata* record_metadata() const = 0;
  // Largest timestamp this task has seen; -1 before the first record.
  virtual int64_t stream_time() const = 0;
  virtual int64_t wall_clock_ms() const = 0;
  virtual Cancellable Schedule(int64_t interval_ms, PunctuationType type,
                               Punctuator punctuator) = 0;
  // nullptr when no store of that name is connected to this task.
  virtual StateStore* GetStateStore(std::string_view name) = 0;
  // The same collector for the task's whole life: sink nodes keep a pointer
  // to it from Init on.
  virtual RecordCollector& collector() = 0;
  virtual void RequestCommit() = 0;
  // Counts and logs a record a node dropped on purpose (null key in an
  // aggregation, late record, ...). Never silent.
  virtual void RecordDropped(std::string_view node, std::string_view reason) = 0;
  // A sink could not serialize a record for `topic`: asks the production
  // exception handler. True: skip the record and go on (CONTINUE); FAIL
  // throws a NodeError marked handled.
  virtual bool HandleSerializationError(std::string_view node, std::string_view topic,
                                        int64_t timestamp, bool key,
                                        const absl::Status& error) = 0;
  // The task's metrics scope (tags thread-id, task-id), or nullptr.
  virtual StreamsMetrics* metrics() { return nullptr; }
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_PROCESSOR_INTERNAL_TASK_CONTEXT_H_
