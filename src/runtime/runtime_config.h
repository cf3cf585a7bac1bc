// src/runtime/runtime_config.h  (internal: not for users)
//
// The runtime's view of a StreamsConfig: validated kstreams settings and the
// librdkafka properties of each client. Validation errors name the key.
//
// Pass-through rules: keys prefixed "consumer.", "producer." or "admin." go to
// that client with the prefix stripped ("restore.consumer." to the restore
// consumer, which also takes the consumer's); other keys kstreams does not
// know go to every client (bootstrap.servers included). A prefixed key wins
// over a plain one.
//
// Thread-compatible value type.
#ifndef KSTREAMS_SRC_RUNTIME_RUNTIME_CONFIG_H_
#define KSTREAMS_SRC_RUNTIME_RUNTIME_CONFIG_H_

#include <cstdint>
#include <map>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "kstreams/processor/state_store.h"
#include "kstreams/streams_config.h"
#include "processor/error_handling.h"
#include "runtime/metrics_registry.h"
#include "runtime/task_config.h"

namespace kstreams::internal {

using ClientConfig = std::map<std::string, std::string>;

struct RuntimeConfig {
  std::string application_id;
  std::string bootstrap_servers;
  int num_stream_threads = 1;
  // processing.guarantee: false = at_least_once, true = exactly_once_v2
  // (one transactional producer per thread, offsets committed inside the
  // transaction, read_committed consumers, no checkpoint while processing).
  bool exactly_once = false;
  // Default: 30000, or 100 under exactly_once_v2 (Java's defaults).
  int64_t commit_interval_ms = 30000;
  int64_t max_task_idle_ms = 0;
  int64_t poll_ms = 100;
  int64_t max_poll_records = 1000;
  // The consumer's max.poll.interval.ms: processing between two polls stays
  // well below it.
  int64_t max_poll_interval_ms = 300000;
  // Records buffered per assigned partition (on average) before the thread
  // stops taking more from the consumer.
  int64_t buffered_records_per_partition = 1000;
  // What every task of every thread takes from the config (TaskConfig:
  // statestore.cache.max.bytes, state.dir, the handlers).
  std::shared_ptr<const TaskConfig> task;
  // task->error_handling: the exception handlers, the default timestamp
  // extractor and the dead letter queue topic.
  std::shared_ptr<const ErrorHandling> error_handling;
  // Internal topics (src/runtime/internal_topics.h): replication.factor
  // (-1 = the broker's default), the "topic."-prefixed configs applied to
  // every internal topic (Java's StreamsConfig.topicPrefix), and
  // repartition.purge.interval.ms (how often committed repartition records
  // are deleted), and windowstore.changelog.additional.retention.ms (added
  // to a windowed or session store's retention for its changelog's
  // retention.ms).
  int32_t replication_factor = -1;
  int64_t windowstore_changelog_additional_retention_ms = 86400000;
  std::map<std::string, std::string> topic_configs;
  int64_t repartition_purge_interval_ms = 30000;
  // librdkafka properties per client (without group.id / client.id /
  // transactional.id, which the threads add).
  ClientConfig consumer;
  ClientConfig producer;
  ClientConfig admin;
  // The restore consumer (group-less, reads changelogs): the consumer's
  // properties, then "restore.consumer."-prefixed ones.
  ClientConfig restore_consumer;
  // The instance's identity, set by KafkaStreams::Start() (not parsed):
  // process_id is the UUID kept in the state directory (runtime/process_id.h);
  // client_id is `client.id`, else "<application.id>-<process_id>" (Java's
  // scheme), the prefix of every thread name and client id.
  std::string process_id;
  std::string client_id;
  // `client.id` as configured (parsed; empty when unset).
  std::string configured_client_id;
  // Finds a global store (GlobalKTable) by name for every task; set by
  // KafkaStreams when the topology has global stores. Thread-safe.
  std::function<StateStore*(std::string_view)> global_stores;
  // metrics.http.address ("host:port"; empty: no HTTP endpoint).
  std::string http_address;
  // The client's metrics registry (set by KafkaStreams); a StreamThread
  // sets thread_metrics to its own metrics in its copy, which its
  // TaskManager hands to the tasks it creates.
  std::shared_ptr<MetricsRegistry> metrics;
  ThreadMetrics* thread_metrics = nullptr;
};

// Validates `config` (required keys, integer ranges, processing.guarantee,
// handler and extractor names, state.dir, unsupported features such as
// standby replicas) and splits the pass-through properties. Reads nothing
// on disk: KafkaStreams::Start() creates and locks state.dir.
absl::StatusOr<RuntimeConfig> ParseRuntimeConfig(const StreamsConfig& config);

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_RUNTIME_RUNTIME_CONFIG_H_
