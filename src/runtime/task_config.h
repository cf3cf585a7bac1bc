// src/runtime/task_config.h  (internal: not for users)
//
// TaskConfig: what the task engine (TaskCore) takes from a StreamsConfig,
// read and validated once per client: by ParseRuntimeConfig for KafkaStreams
// (which hands the same object to every task of every thread) and by the
// TopologyTestDriver's constructor. Nothing else in the runtime or the driver
// reads StreamsConfig strings; errors name the key and the value.
//
// Example:
//   KSTREAMS_ASSIGN_OR_RETURN(std::shared_ptr<const TaskConfig> task_config,
//                             ParseTaskConfig(config));
//   TaskCore::Options options;
//   options.config = task_config;
//
// Thread-safety: immutable once parsed; shared by every task (the handlers it
// points to serve every stream thread).
#ifndef KSTREAMS_SRC_RUNTIME_TASK_CONFIG_H_
#define KSTREAMS_SRC_RUNTIME_TASK_CONFIG_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "kstreams/processor/streams_metrics.h"
#include "kstreams/streams_config.h"
#include "processor/error_handling.h"
#include "state/rocksdb_settings.h"

namespace kstreams::internal {

struct TaskConfig {
  // application.id: the prefix of internal topics and of the state directory.
  std::string application_id;
  // state.dir: task directories are <state_dir>/<application.id>/<task>.
  // Default: /tmp/kafka-streams.
  std::filesystem::path state_dir;
  // statestore.cache.max.bytes: the record cache of one client (the runtime
  // splits it across its stream threads; 0 builds stores without caching
  // layers). Default: 10485760.
  int64_t cache_max_bytes = 0;
  // __emit.interval.ms.kstreams.outer.join.spurious.results.fix__: wall-clock
  // ms between scans for unmatched outer stream-stream join records (>= 0).
  // Default: 1000; the TopologyTestDriver's default is 0.
  int64_t outer_join_emit_interval_ms = 1000;
  // rocksdb.block.cache.bytes, rocksdb.write.buffer.manager.bytes and
  // rocksdb.config.setter (a registered name), for every RocksDB store.
  RocksDBSettings rocksdb;
  // The exception handlers, the default timestamp extractor and the dead
  // letter queue topic.
  std::shared_ptr<const ErrorHandling> error_handling;
  // metrics.recording.level (INFO, DEBUG or TRACE). Default: INFO.
  RecordingLevel metrics_recording_level = RecordingLevel::kInfo;
  // metrics.sample.window.ms (>= 1). Default: 30000.
  int64_t metrics_sample_window_ms = 30000;
  // The config as given, for ProcessorContext::config() (what user
  // processors read; the engine itself never parses it).
  StreamsConfig streams_config;
};

// Reads application.id (required), state.dir (not empty),
// statestore.cache.max.bytes (>= 0), the outer-join emit interval (>= 0),
// metrics.recording.level and metrics.sample.window.ms, the
// rocksdb.* settings (ParseRocksDBSettings) and the handlers (ParseErrorHandling:
// `wall_clock_ms` is the clock a `wallclock` extractor reads, the system
// clock when empty).
absl::StatusOr<std::shared_ptr<const TaskConfig>> ParseTaskConfig(
    const StreamsConfig& config, std::function<int64_t()> wall_clock_ms = nullptr);

// The integer `key` of `config`, at least `min`; errors name the key
// ("config 'x' must be at least 1, got 0"). The one integer check the
// runtime's config parsing uses.
absl::StatusOr<int64_t> ConfigIntAtLeast(const StreamsConfig& config, std::string_view key,
                                         int64_t min);

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_RUNTIME_TASK_CONFIG_H_
