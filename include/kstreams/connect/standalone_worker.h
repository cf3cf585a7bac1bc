// kstreams/connect/standalone_worker.h
//
// StandaloneWorker: runs connectors in this process, as Kafka Connect's
// standalone mode does. Each task runs on its own thread; source offsets are
// kept in a local file (`offset.storage.file.filename`, replaced atomically
// at each flush); sink tasks consume as group `connect-<connector name>` and
// commit their offsets to Kafka. A C++ service can run one next to its
// KafkaStreams; the `kstreams-connect` executable runs one from files.
//
// Worker configs (Connect's keys):
//   bootstrap.servers                     Default: localhost:9092
//   key.converter, value.converter        Default: org.apache.kafka.connect.json.JsonConverter
//   key.converter.<k>, value.converter.<k> passed to the converter (schemas.enable, ...)
//   header.converter                      Default: org.apache.kafka.connect.storage.SimpleHeaderConverter
//   offset.storage.file.filename          required
//   offset.flush.interval.ms              Default: 60000
//   offset.flush.timeout.ms               Default: 5000
//   producer.<k>, consumer.<k>            librdkafka properties for the tasks' clients
//
// Connector configs: name, connector.class, tasks.max (1), key.converter /
// value.converter / header.converter (+ prefixed keys) overriding the
// worker's, transforms / predicates (see transformation.h), errors.tolerance
// (none | all), errors.retry.timeout (0 ms; -1 forever),
// errors.retry.delay.max.ms (60000), errors.log.enable (false),
// errors.log.include.messages (false); for sinks also topics | topics.regex,
// errors.deadletterqueue.topic.name, errors.deadletterqueue.context.headers.enable
// (false), errors.deadletterqueue.topic.replication.factor (3), and
// producer.override.<k> / consumer.override.<k> per connector.
//
// Errors: a converter, header converter or transform failure is retried
// while retriable (Unavailable) within errors.retry.timeout, then either fails
// the task (errors.tolerance=none: the task's status says which stage and
// class failed and why) or is tolerated: a sink record goes to the dead
// letter queue when one is configured (original key, value, headers and
// timestamp, plus Connect's `__connect.errors.*` headers when enabled), and is
// logged when errors.log.enable. Offsets move past a tolerated record only
// after its DLQ copy is acknowledged.
//
// Thread-safety: thread-safe.
//
// Example:
//
//   KSTREAMS_ASSIGN_OR_RETURN(auto worker, StandaloneWorker::Create({
//       {"bootstrap.servers", "localhost:9092"},
//       {"offset.storage.file.filename", "/var/lib/app/connect.offsets"}}));
//   KSTREAMS_RETURN_IF_ERROR(worker->AddConnector({
//       {"name", "lines"}, {"connector.class", "FileStreamSource"},
//       {"file", "/var/log/app.log"}, {"topic", "app-log"}}));
//   ...
//   worker->Stop();   // stops the tasks, flushes offsets
#ifndef KSTREAMS_CONNECT_STANDALONE_WORKER_H_
#define KSTREAMS_CONNECT_STANDALONE_WORKER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kstreams/connect/config_def.h"

namespace kstreams::connect {

enum class TaskState { kRunning, kFailed, kStopped };
std::string_view TaskStateName(TaskState state);  // "RUNNING", "FAILED", "UNASSIGNED"

struct TaskStatus {
  std::string connector;
  int task = 0;
  TaskState state = TaskState::kRunning;
  absl::Status error;  // why it failed (kFailed only)
  int64_t records = 0;            // records written (source: produced; sink: put)
  int64_t records_skipped = 0;    // tolerated failures (errors.tolerance=all)
  int64_t records_filtered = 0;   // dropped by transforms
  int64_t records_to_dlq = 0;     // sent to the dead letter queue
};

class StandaloneWorker {
 public:
  // Errors: InvalidArgument for a bad worker config (Java's messages),
  // DataLoss for an unreadable offset file.
  static absl::StatusOr<std::unique_ptr<StandaloneWorker>> Create(ConfigMap worker_config);
  // Stops everything (see Stop).
  ~StandaloneWorker();
  StandaloneWorker(const StandaloneWorker&) = delete;
  StandaloneWorker& operator=(const StandaloneWorker&) = delete;

  // Validates the connector config, starts the connector and its tasks.
  // Errors: InvalidArgument (config), NotFound (class), AlreadyExists (name).
  absl::Status AddConnector(ConfigMap connector_config);
  // Stops one connector's tasks (offsets flushed, sink offsets committed).
  absl::Status RemoveConnector(std::string_view name);
  std::vector<TaskStatus> Status() const;
  // Stops every task: source offsets flushed to the file, sink offsets
  // committed, connectors stopped. Idempotent.
  void Stop();

 private:
  class Impl;
  explicit StandaloneWorker(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Reads a Java .properties file (key=value or key:value or key value,
// # and ! comments, trailing-backslash continuations, \-escapes).
absl::StatusOr<ConfigMap> ReadPropertiesFile(const std::string& path);
// Reads a connector config file: .properties, or JSON as Connect's REST API
// takes it ({"name": ..., "config": {...}}) or a flat JSON object of strings.
absl::StatusOr<ConfigMap> ReadConnectorConfigFile(const std::string& path);

}  // namespace kstreams::connect

#endif  // KSTREAMS_CONNECT_STANDALONE_WORKER_H_
