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
// Only at_least_once is supported so far: offsets are committed every
// `commit.interval.ms` and on close/rebalance, after every record produced
// before the commit is acknowledged. State stores are created and flushed,
// but not yet backed by changelog topics (no restoration).
//
// Thread-safety: thread-safe. Start() once; Close() may be called any number
// of times, from any thread except from inside the state listener.
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

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "kstreams/processor/task_id.h"
#include "kstreams/processor/topology.h"
#include "kstreams/streams_config.h"

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
    // Shuts every instance of the application down. kstreams cannot yet tell
    // other instances through the group protocol: this client shuts down
    // (to ERROR) and logs that other instances are not notified.
    kShutdownApplication,
  };

  // Called on every state change, on the thread that caused it.
  // It must not call Close() (it may call state()).
  using StateListener = std::function<void(State new_state, State old_state)>;
  // Receives the error that killed a stream thread (it names the task,
  // topic, partition and offset where one applies). Runs on the dying thread.
  using UncaughtExceptionHandler =
      std::function<StreamThreadExceptionResponse(const absl::Status& error)>;

  // A snapshot of one stream thread (Java: ThreadMetadata).
  struct ThreadMetadata {
    std::string thread_name;   // "<application.id>-<n>-StreamThread-<k>"
    std::string thread_state;  // CREATED, STARTING, PARTITIONS_REVOKED,
                               // PARTITIONS_ASSIGNED, RUNNING,
                               // PENDING_SHUTDOWN, DEAD
    std::set<TaskId> active_tasks;
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
  // the topics at fault; after an error the client stays CREATED.
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

  // One entry per live stream thread, sorted by name.
  std::vector<ThreadMetadata> LocalThreadsMetadata() const;

 private:
  std::unique_ptr<internal::KafkaStreamsImpl> impl_;
};

// "CREATED", "REBALANCING", ... as Java prints them.
std::string_view StateName(KafkaStreams::State state);

}  // namespace kstreams

#endif  // KSTREAMS_RUNTIME_KAFKA_STREAMS_H_
