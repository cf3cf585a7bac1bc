// kstreams/runtime/kafka_streams.h
//
// KafkaStreams: runs a Topology against a Kafka cluster. Each instance runs
// `num.stream.threads` StreamThreads; each thread owns one consumer (a member
// of the group `application.id`, `range` assignor), one producer and the tasks
// (sub-topology x partition) of the partitions assigned to it. Instances of
// one application (in this or other processes) share the partitions.
//
// Lifecycle and client states follow Kafka Streams (KafkaStreams.State):
//
//   CREATED -> REBALANCING <-> RUNNING
//   CREATED, REBALANCING, RUNNING -> PENDING_SHUTDOWN -> NOT_RUNNING
//   REBALANCING, RUNNING -> PENDING_ERROR -> ERROR
//
// A thread that fails (a processing error under log_and_fail, a failed
// delivery under the `fail` production handler, ...) asks the uncaught
// exception handler what to do: replace the thread, shut down this client
// (default), or shut down the application. The client then moves to ERROR
// (after shutting its other threads down), or keeps running with a new thread.
//
// State: every logged store writes its changelog topic
// "<application.id>-<store>-changelog"; when a task is assigned, its stores
// are restored from their changelogs (from the `.checkpoint` offsets of
// persistent stores, from the beginning otherwise) before it processes;
// progress goes to the SetGlobalStateRestoreListener listener. Store<T>()
// gives local read-only queries.
//
// Only at_least_once is supported so far: offsets are committed every
// `commit.interval.ms` and on close/rebalance, after every record produced
// before the commit is acknowledged; checkpoints are written when the
// changelog offsets moved by more than 10,000 and on close.
//
// Thread-safety: thread-safe. Start() once; Close() may be called any number
// of times, from any thread except from inside the state listener. Store()
// and the handles it returns may be used from any thread.
//
// Example:
//
//   kstreams::StreamsBuilder builder;
//   builder.Stream<std::string, std::string>("input")
//       .Filter([](const auto& k, const auto& v) { return !v.empty(); })
//       .To("output");
//   kstreams::KafkaStreams streams(builder.Build(), kstreams::StreamsConfig{
//       {kstreams::StreamsConfig::kApplicationId, "pipe"},
//       {kstreams::StreamsConfig::kBootstrapServers, "localhost:9092"}});
//   streams.SetStateListener([](auto now, auto before) { ... });
//   absl::Status s = streams.Start();
//   ...
//   streams.Close(absl::Seconds(30));
#ifndef KSTREAMS_RUNTIME_KAFKA_STREAMS_H_
#define KSTREAMS_RUNTIME_KAFKA_STREAMS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kstreams/processor/state_restore_listener.h"
#include "kstreams/processor/streams_metrics.h"
#include "kstreams/processor/task_id.h"
#include "kstreams/processor/topology.h"
#include "kstreams/runtime/internal/composite_key_value_store.h"
#include "kstreams/runtime/internal/composite_window_store.h"
#include "kstreams/runtime/internal/local_store_provider.h"
#include "kstreams/runtime/store_query_parameters.h"
#include "kstreams/streams_config.h"
#include "kstreams/topic_partition.h"

namespace kstreams {

namespace internal {
class KafkaStreamsImpl;
}  // namespace internal

class KafkaStreams {
 public:
  // The client's state (Java: KafkaStreams.State).
  enum class State {
    kCreated,
    kRebalancing,
    kRunning,
    kPendingShutdown,
    kNotRunning,
    kPendingError,
    kError,
  };

  // What to do when a stream thread dies with an error
  // (Java: StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse).
  enum class StreamThreadExceptionResponse {
    // Starts a new thread in place of the dead one; the client keeps running.
    kReplaceThread,
    // Shuts this client down: PENDING_ERROR -> ERROR.
    kShutdownClient,
    // Java shuts every instance of the application down: the request
    // travels in the group protocol, as an error code the group leader's
    // custom assignor puts into every member's assignment. librdkafka has
    // no public hook for a custom assignor or its user data, so kstreams
    // cannot send it: this client shuts down (to ERROR) like
    // kShutdownClient and logs that other instances were not notified. Stop
    // the other instances by other means (e.g. on this client's ERROR).
    kShutdownApplication,
  };

  // Called on every state change, on the thread that caused it.
  // It must not call Close() (it may call state()).
  using StateListener = std::function<void(State new_state, State old_state)>;
  // Receives the error that killed a stream thread (it names the task,
  // topic, partition and offset where one applies). Runs on the dying thread.
  using UncaughtExceptionHandler =
      std::function<StreamThreadExceptionResponse(const absl::Status& error)>;

  // A snapshot of one task (Java: TaskMetadata).
  struct TaskMetadata {
    TaskId task_id;
    std::set<TopicPartition> topic_partitions;  // its input partitions
    // Last committed offset (the next offset to read) per input partition,
    // for partitions committed since the task was created here.
    std::map<TopicPartition, int64_t> committed_offsets;
    // End offset (high watermark) per input partition as the consumer last
    // saw it in a fetch response; absent while unknown.
    std::map<TopicPartition, int64_t> end_offsets;
    // Wall-clock ms since which the task has been waiting for an empty
    // input partition (max.task.idle.ms); std::nullopt when not idling.
    std::optional<int64_t> time_current_idling_started;
    // True while the task restores its stores from their changelogs (it
    // processes nothing until then). Not in Java's TaskMetadata.
    bool restoring = false;
    // Records the task dropped since it was created here, as of the last
    // commit: records too late for their window (end + grace passed) or
    // with a null key an aggregation cannot group, and records skipped by
    // the deserialization or processing error handler (Java's task-level
    // dropped-records-total metric). Not in Java's TaskMetadata.
    int64_t dropped_records = 0;
  };

  // A snapshot of one stream thread (Java: ThreadMetadata), as of the
  // thread's last task change or commit.
  struct ThreadMetadata {
    std::string thread_name;   // "<application.id>-<n>-StreamThread-<k>"
    std::string thread_state;  // CREATED, STARTING, PARTITIONS_REVOKED,
                               // PARTITIONS_ASSIGNED, RUNNING,
                               // PENDING_SHUTDOWN, DEAD
    std::string consumer_client_id;          // "<thread_name>-consumer"
    std::string restore_consumer_client_id;  // "<thread_name>-restore-consumer"
    std::set<std::string> producer_client_ids;  // {"<thread_name>-producer"}
    std::string admin_client_id;             // "<application.id>-<n>-admin"
    std::vector<TaskMetadata> active_tasks;  // sorted by task id
    std::vector<TaskMetadata> standby_tasks;  // always empty: no standby tasks yet
    // Every record the thread skipped, as of its last commit: its tasks'
    // dropped_records (tasks it no longer owns included) plus the records
    // the production exception handler answered CONTINUE to (their source
    // task is not known once the send failed). Not in Java's ThreadMetadata.
    int64_t dropped_records = 0;
  };

  // Nothing is validated or connected until Start(). The topology is shared,
  // not copied.
  KafkaStreams(const Topology& topology, StreamsConfig config);
  // Close()s with no time limit.
  ~KafkaStreams();
  KafkaStreams(const KafkaStreams&) = delete;
  KafkaStreams& operator=(const KafkaStreams&) = delete;

  // Validates the config and the topology, checks that the source topics
  // exist and are co-partitioned, creates the repartition topics, then starts
  // the stream threads (CREATED -> REBALANCING). Errors name the config key or
  // the topics at fault. After an error nothing runs and state() is still
  // CREATED; Close() (or the destructor) then moves it through
  // PENDING_SHUTDOWN to NOT_RUNNING, which is what a state listener sees.
  // REQUIRES: called at most once successfully.
  absl::Status Start();

  // Commits, flushes and closes the tasks, leaves the group and stops the
  // threads. Returns true when everything stopped within `timeout` (the
  // threads keep shutting down in the background otherwise). Idempotent.
  bool Close(absl::Duration timeout = absl::InfiniteDuration());

  State state() const;

  // REQUIRES: state() is kCreated.
  void SetStateListener(StateListener listener);
  // Default: every error is kShutdownClient. REQUIRES: state() is kCreated.
  void SetUncaughtExceptionHandler(UncaughtExceptionHandler handler);
  // Hears the restoration of every store of every task of this instance
  // (see kstreams/processor/state_restore_listener.h; it must be
  // thread-safe). Default: none. REQUIRES: state() is kCreated.
  void SetGlobalStateRestoreListener(std::shared_ptr<StateRestoreListener> listener);

  // One entry per live stream thread, sorted by name.
  std::vector<ThreadMetadata> LocalThreadsMetadata() const;

  // Every metric of this client now (Java's KafkaStreams#metrics()), sorted
  // by group, name and tags: the client's (`stream-metrics`), its threads',
  // tasks', processor nodes', stores' and the sensors processors added
  // through ProcessorContextBase::metrics(). Which are recorded depends on
  // `metrics.recording.level`; the README's Metrics section lists them.
  // Thread-safe; may be called in any state.
  std::vector<Metric> Metrics() const;

  // The port the HTTP endpoint (`metrics.http.address`) listens on, once
  // Start() succeeded; std::nullopt when it is off.
  std::optional<int> HttpPort() const;

  // An internal topic the application needs: a repartition topic
  // "<application.id>-<name>-repartition" (or a foreign-key join's
  // subscription topics) or a changelog "<application.id>-<store>-changelog".
  struct InternalTopic {
    std::string name;
    int32_t partitions = 0;
    std::map<std::string, std::string> configs;  // e.g. cleanup.policy=compact
  };
  // Every internal topic Start() would create, with its partition count,
  // derived from the cluster's source topics exactly as Start() derives it;
  // creates nothing. Use it to create them beforehand where the cluster
  // cannot (kstreams-broker: one `--topic name:partitions` flag each).
  // Errors: those of Start()'s config and topic checks (bad config, missing
  // source topics, inputs of joins not co-partitioned).
  //
  //   for (const auto& t : *streams.InternalTopics()) {
  //     std::cout << "--topic " << t.name << ":" << t.partitions << "\n";
  //   }
  absl::StatusOr<std::vector<InternalTopic>> InternalTopics() const;

  // Local read-only access to a state store (Java's KafkaStreams#store):
  // one handle over the store's instances in every task of this instance.
  // T is the queryable store type, e.g. ReadOnlyKeyValueStore<K, V> (also
  // for timestamped key-value stores, whose timestamps it drops;
  // ReadOnlyKeyValueStore<K, ValueAndTimestamp<V>> keeps them),
  // ReadOnlyWindowStore<K, V> (window stores, timestamped ones too;
  // ReadOnlyWindowStore<K, ValueAndTimestamp<V>> keeps the timestamps) or
  // ReadOnlySessionStore<K, V>. The handle is thread-safe, cheap to keep, and finds the current instances on each
  // call; reads copy data out under the owning task's lock.
  // Errors: FailedPrecondition unless the client is RUNNING or REBALANCING;
  // NotFound for a name the topology has no store for; InvalidArgument when
  // the store is not of type T; Unavailable when no local instance is
  // queryable now (not assigned here, or still restoring: retry later, or
  // StoreQueryParameters::EnableStaleStores()). Later calls on the handle
  // throw StateStoreException with those statuses.
  //
  //   auto counts = streams.Store<kstreams::ReadOnlyKeyValueStore<std::string, int64_t>>("counts");
  //   if (counts.ok()) std::optional<int64_t> n = (*counts)->Get("kafka");
  template <typename T>
  absl::StatusOr<std::unique_ptr<T>> Store(StoreQueryParameters params) const {
    absl::StatusOr<std::shared_ptr<internal::LocalStoreProvider>> provider = StoreProvider();
    if (!provider.ok()) return provider.status();
    return internal::QueryableStoreType<T>::Create(*std::move(provider), std::move(params));
  }
  template <typename T>
  absl::StatusOr<std::unique_ptr<T>> Store(std::string store_name) const {
    return Store<T>(StoreQueryParameters::FromName(std::move(store_name)));
  }

 private:
  // The instance's local stores, if the client is RUNNING or REBALANCING.
  absl::StatusOr<std::shared_ptr<internal::LocalStoreProvider>> StoreProvider() const;

  std::unique_ptr<internal::KafkaStreamsImpl> impl_;
};

// "CREATED", "REBALANCING", ... as Java prints them.
std::string_view StateName(KafkaStreams::State state);

}  // namespace kstreams

#endif  // KSTREAMS_RUNTIME_KAFKA_STREAMS_H_
