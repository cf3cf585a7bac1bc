// kstreams/connect/connector.h
//
// The connector API (org.apache.kafka.connect.connector / .source / .sink):
// a Connector validates its config and splits the work into at most
// `tasks.max` task configs; a worker runs one task per config, each on its
// own thread.
//
//   SourceTask: Start(config), then Poll() repeatedly for records that carry
//     their source partition and source offset; the worker converts, transforms
//     and produces them, stores the offsets of acknowledged records, and calls
//     Commit() after each offset flush and CommitRecord() per acked record.
//   SinkTask: Start(config), Open(partitions), Put(batch) with the records
//     consumed from `topics` / `topics.regex`, PreCommit(offsets) before each
//     consumer commit (default: Flush(offsets), then commit them), Close.
//
// Every call returns absl::Status; a task reports a failure by returning an
// error, and the worker stops it (Connect's FAILED state). A task may return
// absl::UnavailableError for a retriable failure (Java's RetriableException):
// Put is retried with the same batch, Poll is called again.
//
// Connectors are found by class name through ConnectorPlugins: the built-ins
// (FileStreamSource/Sink) are registered there under Connect's names, and a
// service registers its own.
//
// Thread-safety: a Connector is used by the worker's thread that owns it; a
// task by its own task thread only.
//
// Example:
//
//   class MySource : public kstreams::connect::SourceConnector { ... };
//   kstreams::connect::ConnectorPlugins::Register(
//       "com.example.MySource", [] { return std::make_unique<MySource>(); });
#ifndef KSTREAMS_CONNECT_CONNECTOR_H_
#define KSTREAMS_CONNECT_CONNECTOR_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kstreams/connect/config_def.h"
#include "kstreams/connect/connect_record.h"
#include "kstreams/topic_partition.h"

namespace kstreams::connect {

// Reads committed source offsets (OffsetStorageReader).
class OffsetStorageReader {
 public:
  virtual ~OffsetStorageReader() = default;
  // The last committed offset for a source partition (a Map), or nullopt.
  virtual std::optional<Value> Offset(const Value& partition) = 0;
};

class SourceTaskContext {
 public:
  virtual ~SourceTaskContext() = default;
  virtual const ConfigMap& configs() const = 0;
  virtual OffsetStorageReader& offset_storage_reader() = 0;
};

class SinkTaskContext {
 public:
  virtual ~SinkTaskContext() = default;
  virtual const ConfigMap& configs() const = 0;
  // Rewinds consumption of `tp` to `offset` (SinkTaskContext.offset).
  virtual void Offset(const TopicPartition& tp, int64_t offset) = 0;
  // Asks for an offset commit as soon as possible (requestCommit).
  virtual void RequestCommit() = 0;
  virtual std::vector<TopicPartition> Assignment() const = 0;
};

// Where a produced source record landed (RecordMetadata).
struct RecordMetadata {
  std::string topic;
  int32_t partition = -1;
  int64_t offset = -1;
};

class SourceTask {
 public:
  virtual ~SourceTask() = default;
  virtual std::string Version() const { return "1.0"; }
  // Called once before Start.
  void Initialize(SourceTaskContext* context) { context_ = context; }
  virtual absl::Status Start(const ConfigMap& config) = 0;
  // Returns the next records (empty: nothing now; the worker calls again).
  // Should not block for long: Stop() is only noticed between polls.
  virtual absl::StatusOr<std::vector<SourceRecord>> Poll() = 0;
  // After the worker flushed offsets of everything acked so far.
  virtual absl::Status Commit() { return absl::OkStatus(); }
  // For each record once Kafka acknowledged it (or it was filtered out by an
  // SMT / skipped by the error handler: `metadata` nullopt).
  virtual absl::Status CommitRecord(const SourceRecord& record,
                                    const std::optional<RecordMetadata>& metadata) {
    (void)record;
    (void)metadata;
    return absl::OkStatus();
  }
  virtual void Stop() = 0;

 protected:
  SourceTaskContext* context_ = nullptr;
};

class SinkTask {
 public:
  virtual ~SinkTask() = default;
  virtual std::string Version() const { return "1.0"; }
  void Initialize(SinkTaskContext* context) { context_ = context; }
  virtual absl::Status Start(const ConfigMap& config) = 0;
  // Writes (or buffers) a batch. Unavailable: retriable, the batch comes again.
  virtual absl::Status Put(std::vector<SinkRecord> records) = 0;
  // Makes everything Put so far durable.
  virtual absl::Status Flush(const std::map<TopicPartition, int64_t>& current_offsets) {
    (void)current_offsets;
    return absl::OkStatus();
  }
  // The offsets the worker may commit (next offset to read per partition).
  // Default: Flush, then all of them.
  virtual absl::StatusOr<std::map<TopicPartition, int64_t>> PreCommit(
      const std::map<TopicPartition, int64_t>& current_offsets) {
    absl::Status s = Flush(current_offsets);
    if (!s.ok()) return s;
    return current_offsets;
  }
  virtual absl::Status Open(const std::vector<TopicPartition>& partitions) {
    (void)partitions;
    return absl::OkStatus();
  }
  virtual absl::Status Close(const std::vector<TopicPartition>& partitions) {
    (void)partitions;
    return absl::OkStatus();
  }
  virtual void Stop() = 0;

 protected:
  SinkTaskContext* context_ = nullptr;
};

class Connector {
 public:
  virtual ~Connector() = default;
  virtual std::string Version() const { return "1.0"; }
  // The connector's own configs (the worker adds the common ones: name,
  // connector.class, tasks.max, converters, transforms, errors.*).
  virtual const ConfigDef& Config() const = 0;
  // Validates and keeps `config`.
  virtual absl::Status Start(const ConfigMap& config) = 0;
  // At most `max_tasks` task configs.
  virtual absl::StatusOr<std::vector<ConfigMap>> TaskConfigs(int max_tasks) = 0;
  virtual void Stop() {}
};

class SourceConnector : public Connector {
 public:
  virtual std::unique_ptr<SourceTask> CreateTask() const = 0;
};

class SinkConnector : public Connector {
 public:
  virtual std::unique_ptr<SinkTask> CreateTask() const = 0;
};

// Splits `elements` into at most `num_groups` contiguous groups as evenly as
// possible (ConnectorUtils.groupPartitions): 5 into 2 -> {3, 2}.
std::vector<std::vector<std::string>> GroupPartitions(const std::vector<std::string>& elements,
                                                      int num_groups);

// The registry of connector classes. Lookup accepts the full class name, the
// simple name ("FileStreamSource"... "FileStreamSourceConnector") and the
// simple name without the "Connector" suffix, as Connect's plugin aliases.
// Thread-safe.
class ConnectorPlugins {
 public:
  using Factory = std::function<std::unique_ptr<Connector>()>;
  static void Register(std::string class_name, Factory factory);
  // NotFound naming the class when unknown.
  static absl::StatusOr<std::unique_ptr<Connector>> Create(std::string_view class_name);
  static std::vector<std::string> ClassNames();
};

}  // namespace kstreams::connect

#endif  // KSTREAMS_CONNECT_CONNECTOR_H_
