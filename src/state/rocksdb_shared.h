// Memory shared by every RocksDB store of the process that has the same
// memory settings: one LRU block cache (data, index and filter blocks) and
// one WriteBufferManager whose memtable memory is charged to that cache, so
// the total stays near rocksdb.block.cache.bytes however many stores are
// open (Kafka Streams' BoundedMemoryRocksDBConfig pattern, made the default).
// Kept alive by the open stores (weak registry): settings apply per set of
// open stores.
//
// Thread-safe: Get() may be called from any stream thread; RocksDB's cache and
// write buffer manager are thread-safe.
#ifndef KSTREAMS_SRC_STATE_ROCKSDB_SHARED_H_
#define KSTREAMS_SRC_STATE_ROCKSDB_SHARED_H_

#include <cstddef>
#include <memory>
#include <string_view>

#include "absl/status/status.h"

namespace rocksdb {
class Cache;
class Status;
class WriteBufferManager;
}  // namespace rocksdb

namespace kstreams::internal {

struct RocksDBShared {
  static std::shared_ptr<RocksDBShared> Get(size_t cache_bytes, size_t write_buffer_bytes);
  std::shared_ptr<rocksdb::Cache> cache;
  std::shared_ptr<rocksdb::WriteBufferManager> write_buffer_manager;
  size_t cache_bytes = 0;
};

// The one conversion of rocksdb::Status into absl::Status; `what` says what
// was being done ("opening store 'counts' at '...'").
absl::Status FromRocksDB(const rocksdb::Status& status, std::string_view what);

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_STATE_ROCKSDB_SHARED_H_
