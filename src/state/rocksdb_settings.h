// RocksDBSettings: the rocksdb.* configs of a client, read and checked once
// (by ParseTaskConfig, at KafkaStreams::Start() or the TopologyTestDriver's
// construction) and shared by every RocksDB store it opens. Light: no RocksDB
// headers, so the runtime's config can hold it.
//
// Example:
//   KSTREAMS_ASSIGN_OR_RETURN(RocksDBSettings settings, ParseRocksDBSettings(config));
//
// Thread-safety: immutable once parsed.
#ifndef KSTREAMS_SRC_STATE_ROCKSDB_SETTINGS_H_
#define KSTREAMS_SRC_STATE_ROCKSDB_SETTINGS_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "kstreams/state/rocksdb_config_setter.h"
#include "kstreams/streams_config.h"

namespace kstreams::internal {

struct RocksDBSettings {
  // rocksdb.block.cache.bytes (> 0): the block cache the stores share.
  size_t block_cache_bytes = size_t{64} << 20;
  // rocksdb.write.buffer.manager.bytes (> 0): their memtables' budget.
  size_t write_buffer_manager_bytes = size_t{32} << 20;
  // rocksdb.config.setter: its name and registered factory; empty: none.
  std::string setter_name;
  RocksDBConfigSetterFactory setter;
  // processing.guarantee=exactly_once_v2 (set by the runtime, never parsed
  // here): key-value stores keep the changelog offset of their last
  // transactional commit (StateRestoreCallback::BeginTransactions); false
  // drops one left by an earlier exactly-once run, which writes outside
  // transactions would make stale. Default: false.
  bool transactional = false;
};

// Errors name the key: a size that is not a positive integer, a setter name
// no RegisterRocksDBConfigSetter call registered.
absl::StatusOr<RocksDBSettings> ParseRocksDBSettings(const StreamsConfig& config);

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_STATE_ROCKSDB_SETTINGS_H_
