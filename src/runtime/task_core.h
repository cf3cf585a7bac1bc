// src/runtime/task_core.h  (internal: not for users)
//
// The task engine: the processing core of one task, i.e. the node and store
// instances of one sub-topology for one partition, the state-directory lock,
// the record cache it writes through, its stream time, punctuation schedules
// and error handling. The runtime's StreamTask and the TopologyTestDriver
// both drive a TaskCore; neither re-implements what happens to a record.
// It knows no Kafka client (records arrive as RawRecords, output leaves
// through a RecordCollector), so the driver may use it (as Java's driver
// uses StreamTask).
//
// Thread-compatible: owned and driven by one thread.
#ifndef KSTREAMS_SRC_RUNTIME_TASK_CORE_H_
#define KSTREAMS_SRC_RUNTIME_TASK_CORE_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kstreams/processor/internal/node.h"
#include "kstreams/processor/internal/task_context.h"
#include "kstreams/processor/internal/topology_data.h"
#include "kstreams/state/internal/key_value_bytes_store.h"
#include "processor/error_handling.h"
#include "runtime/metrics_registry.h"
#include "runtime/task_config.h"
#include "state/state_directory_lock.h"
#include "state/thread_cache.h"

namespace kstreams::internal {

class TaskCore final : public TaskContext, public StateStoreContext {
 public:
  struct Options {
    TaskId task_id;
    // The client's settings, parsed once (ParseTaskConfig). Required.
    std::shared_ptr<const TaskConfig> config;
    RecordCollector* collector = nullptr;  // not owned; outlives the task
    std::function<int64_t()> wall_clock_ms;
    // The record cache of the owning thread (not owned; outlives the task).
    // nullptr: the task makes its own of config->cache_max_bytes.
    ThreadCache* thread_cache = nullptr;
    // Global stores (GlobalKTables), visible to this task's nodes by name
    // after its own stores; nullptr when the topology has none.
    std::function<StateStore*(std::string_view)> global_stores;
    // The directory under <state.dir>/<application.id> for this task's
    // state; default: the task id. The global thread uses "global".
    std::string state_dir_name;
    // The owning stream thread's metrics (not owned; outlives the task):
    // the task's metrics join its registry with its thread-id, and count in
    // its task-created/closed and punctuations. nullptr (the test driver,
    // the global thread): the task's metrics go to `metrics_registry`
    // (not owned; outlives the task), or, without one, to a registry of
    // its own; thread-id "topology-test-driver".
    ThreadMetrics* thread_metrics = nullptr;
    MetricsRegistry* metrics_registry = nullptr;
  };

  // Instantiates the nodes and stores of `subtopology`. Nothing is
  // initialized until Init().
  static absl::StatusOr<std::unique_ptr<TaskCore>> Create(
      std::shared_ptr<const TopologyData> topology, const Subtopology& subtopology,
      Options options);
  ~TaskCore() override;

  // A logged store that registered for restoration from its changelog
  // "<application.id>-<store_name>-changelog" (task partition), through
  // StateStoreContext::RegisterRestore while its Init ran.
  struct RestoreRegistration {
    std::string store_name;
    StateRestoreCallback* callback = nullptr;  // valid until Close()
    bool persistent = false;
  };

  // InitStores(), then InitNodes().
  absl::Status Init();
  // Initializes the stores (taking the state directory lock first when one
  // is persistent); logged stores register for restoration. The runtime
  // restores them before InitNodes(), as Kafka Streams initializes the
  // processors only once restoration is complete.
  absl::Status InitStores();
  // Initializes the nodes in definition order. REQUIRES: InitStores() ok.
  absl::Status InitNodes();
  // The registrations made during InitStores(), in store order.
  const std::vector<RestoreRegistration>& restore_registrations() const {
    return restore_registrations_;
  }

  // True when a source node of this task reads `topic` (decorated name).
  bool ConsumesTopic(std::string_view topic);
  // Source topics with fixed names, decorated ("<app>-" prefix for internal).
  const std::vector<std::string>& source_topics() const { return source_topics_; }

  // Processes one consumed record: extracts its timestamp (a negative one
  // skips it), deserializes and forwards it. Deserialization, extraction,
  // processing and serialization errors go to the configured handlers; the
  // returned error means "fail the task" and names the node, topic,
  // partition and offset.
  absl::Status Process(const RawRecord& record);
  // Fires due stream-time / wall-clock punctuators.
  absl::Status PunctuateStreamTime();
  absl::Status PunctuateWallClock();
  // Flushes the caches of every store (they forward their pending updates
  // downstream and to the changelogs): what every commit does.
  absl::Status FlushCaches();
  // Flushes caches, then makes every store durable (RocksDB memtables
  // written to disk): before a checkpoint and on close.
  absl::Status Flush();
  // Closes nodes and stores. Safe to call twice.
  void Close();

  bool TakeCommitRequest() {
    bool r = commit_requested_;
    commit_requested_ = false;
    return r;
  }
  int64_t dropped_records() const { return dropped_records_; }

  // The task's metrics (stream-task-metrics and the scope of its nodes',
  // stores' and processors' sensors).
  TaskMetrics& task_metrics() { return *metrics_; }
  // The registry the task's metrics are in (the thread's, or its own).
  MetricsRegistry& metrics_registry() { return *metrics_->scope.registry(); }
  // The wall-clock ms end-to-end latencies of the records processed next
  // are measured against (Java's StreamTask gets it once per loop). Without
  // it each record reads the clock.
  void SetProcessingTime(int64_t now_ms) {
    processing_time_ms_ = now_ms;
    processing_time_given_ = true;
  }
  // TaskContext.
  const std::string& application_id() const override { return options_.config->application_id; }
  TaskId task_id() const override { return options_.task_id; }
  const StreamsConfig& config() const override { return options_.config->streams_config; }
  const RocksDBSettings* rocksdb_settings() const override { return &options_.config->rocksdb; }
  int64_t outer_join_emit_interval_ms() const override {
    return options_.config->outer_join_emit_interval_ms;
  }
  const RecordMetadata* record_metadata() const override {
    return in_record_ ? &metadata_ : nullptr;
  }
  int64_t stream_time() const override { return stream_time_; }
  int64_t wall_clock_ms() const override { return options_.wall_clock_ms(); }
  Cancellable Schedule(int64_t interval_ms, PunctuationType type,
                       Punctuator punctuator) override;
  StateStore* GetStateStore(std::string_view name) override;
  RecordCollector& collector() override { return *options_.collector; }
  void RequestCommit() override { commit_requested_ = true; }
  void RecordDropped(std::string_view node, std::string_view reason) override;
  bool HandleSerializationError(std::string_view node, std::string_view topic,
                                int64_t timestamp, bool key, const absl::Status& error) override;

  // StateStoreContext.
  std::filesystem::path state_dir() const override;
  ChangelogSink* changelog_sink(const std::string& store_name) override;
  ThreadCache* thread_cache() override { return options_.thread_cache; }
  int64_t record_timestamp() const override { return record_timestamp_; }
  void RegisterRestore(const std::string& store_name, StateRestoreCallback* restore) override;
  // TaskContext and StateStoreContext.
  StreamsMetrics* metrics() override { return &metrics_->scope; }

 private:
  struct Schedule_ {
    int64_t next = 0;
    int64_t interval = 0;
    Punctuator punctuator;
    std::shared_ptr<bool> cancelled;
    std::string node;  // for error messages
  };

  TaskCore(std::shared_ptr<const TopologyData> topology, Options options);
  SourceNodeBase* FindSource(std::string_view topic);
  absl::Status Punctuate(std::vector<Schedule_>& schedules, int64_t now,
                         PunctuationType type);
  absl::Status FlushStores(absl::Status (StateStore::*flush)(), std::string_view what);
  // The context of the record being processed (or of a punctuation).
  ErrorHandlerContext HandlerContext(const RawRecord* record, std::string_view node,
                                     int64_t timestamp) const;
  // Sends the response's DLQ records; CONTINUE counts the record dropped
  // (when `drops_record`: not for a punctuation) and returns OK, FAIL (and
  // RETRY outside production) returns the error. `message` names what
  // failed and where.
  absl::Status ApplyResponse(const ErrorHandlerResponse& response, std::string_view handler_key,
                             const std::string& message, absl::StatusCode code,
                             bool drops_record = true);
  // Asks the processing handler about the exception being handled.
  // REQUIRES: inside a catch block.
  absl::Status HandleProcessingException(const RawRecord* record, std::string_view node,
                                         int64_t timestamp, const std::string& message,
                                         std::exception_ptr cause);
  int64_t ExtractTimestamp(const RawRecord& record, SourceNodeBase* source);
  // One more dropped record: dropped_records() and dropped-records-rate/total.
  void CountDropped() {
    ++dropped_records_;
    if (metrics_->dropped_records != nullptr) metrics_->dropped_records->Record();
  }

  std::shared_ptr<const TopologyData> topology_;
  Options options_;
  // Declared before everything that holds its sensors (nodes, stores),
  // so destroyed after them.
  std::unique_ptr<MetricsRegistry> own_metrics_;  // without thread_metrics
  std::unique_ptr<TaskMetrics> metrics_;
  std::vector<std::unique_ptr<NodeBase>> nodes_;  // definition order
  std::vector<std::unique_ptr<StateStore>> stores_;
  std::unique_ptr<ThreadCache> own_thread_cache_;
  // Held while persistent stores are open (before their Init, released
  // after their Close).
  std::unique_ptr<StateDirectoryLock> state_dir_lock_;
  // One per logged store, created on demand by changelog_sink().
  std::vector<std::unique_ptr<ChangelogSink>> changelog_sinks_;
  std::vector<RestoreRegistration> restore_registrations_;
  StateStore* initializing_store_ = nullptr;  // during InitStores()
  int64_t record_timestamp_ = -1;
  absl::flat_hash_map<std::string, SourceNodeBase*> source_by_topic_;
  std::vector<std::pair<std::regex, SourceNodeBase*>> source_patterns_;
  std::vector<std::string> source_topics_;
  std::vector<Schedule_> stream_time_schedules_;
  std::vector<Schedule_> wall_clock_schedules_;
  RecordMetadata metadata_;
  // The source of the last processed record, whose topic is metadata_.topic
  // (nullptr before the first record).
  SourceNodeBase* last_source_ = nullptr;
  bool in_record_ = false;
  std::string current_node_;  // node being initialized, for Schedule()
  int64_t stream_time_ = -1;
  int64_t dropped_records_ = 0;
  // What the nodes' e2e sensors read (NodeBase::SetMetrics).
  int64_t processing_time_ms_ = 0;
  bool processing_time_given_ = false;
  bool e2e_at_sources_ = false;  // a source records e2e latency
  bool commit_requested_ = false;
  bool closed_ = false;
  const ErrorHandling* handlers_ = nullptr;  // options_.config->error_handling
  // The record being processed (for the handlers' context); nullptr outside.
  const RawRecord* current_raw_ = nullptr;
  // Largest extracted timestamp per partition of each source topic (node
  // map: last_partition_times_ points into it across inserts).
  absl::node_hash_map<std::string, absl::flat_hash_map<int32_t, int64_t>> partition_time_;
  // partition_time_[metadata_.topic], looked up when the topic changes.
  absl::flat_hash_map<int32_t, int64_t>* last_partition_times_ = nullptr;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_RUNTIME_TASK_CORE_H_
