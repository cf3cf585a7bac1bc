// What every RocksDB-backed store in src/state shares: the options a store
// opens with (src/state/README.md explains each), the config-setter hook, and
// a bounded iterator over one column family. Includes RocksDB: src/state only.
//
// Thread-compatible: a store and its iterators belong to one StreamThread.
#ifndef KSTREAMS_SRC_STATE_ROCKSDB_UTIL_H_
#define KSTREAMS_SRC_STATE_ROCKSDB_UTIL_H_

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/perf_level.h>
#include <rocksdb/table.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "kstreams/state/internal/key_value_bytes_store.h"
#include "kstreams/state/rocksdb_config_setter.h"
#include "state/rocksdb_settings.h"
#include "state/rocksdb_shared.h"

namespace kstreams::internal {

// The options of one store, built by PrepareRocksDBOptions. Keep it alive as
// long as the DB: `shared` (cache, write buffer manager) must outlive it, and
// `setter` is closed with the store.
struct RocksDBStoreOptions {
  rocksdb::Options options;
  std::shared_ptr<RocksDBShared> shared;
  std::unique_ptr<RocksDBConfigSetter> setter;
};

// Kafka Streams' RocksDBStore defaults with kstreams' shared memory, then the
// `rocksdb.config.setter` for store `name` (both from the context's
// rocksdb_settings(), or its config() parsed here for a store used outside a
// task); creates `path`. Errors name the config key or the directory.
// `write_buffer_bytes` is the store kind's memtable size (a setter may
// change it): Java's 16 MiB, or less for key-value stores.
absl::Status PrepareRocksDBOptions(const StateStoreContext& context, const std::string& name,
                                   const std::filesystem::path& path, RocksDBStoreOptions* out,
                                   size_t write_buffer_bytes = size_t{16} << 20);

// Closes `db` (then resets it) and releases `options` (closing the config
// setter). REQUIRES: no iterator or column family handle of `db` is alive.
absl::Status CloseRocksDB(std::unique_ptr<rocksdb::DB>& db, RocksDBStoreOptions& options,
                          const std::string& name);

// RocksDB counts into a thread-local perf context on every call unless the
// thread's perf level is kDisable; with the shared library each count is a
// TLS lookup (~10% of the perf samples of an uncached count over RocksDB).
// Stores call this before their point reads and writes: once per thread, it
// moves the calling thread from RocksDB's default level (kEnableCount) to
// kDisable. A level set on the thread before (other than the default) or
// after is kept; query threads (inside a QueryReadScope) are not touched.
void QuietPerfContext();

class RocksDBIterator;

// The live iterators of a store, released when it closes (a RocksDB iterator
// must not outlive its DB).
class RocksDBIteratorRegistry {
 public:
  void Register(RocksDBIterator* it) { live_.insert(it); }
  void Unregister(RocksDBIterator* it) { live_.erase(it); }
  bool empty() const { return live_.empty(); }
  void ReleaseAll();

 private:
  absl::flat_hash_set<RocksDBIterator*> live_;
};

// Keys in [from, to] (nullopt: open end) of one column family, ascending or
// descending, read from the implicit snapshot RocksDB takes at creation.
// Only when a config setter opts into in-place updates: the snapshot holds
// only while the iterator is registered (the key-value store's writes check),
// and RocksDB cannot iterate backwards over unflushed in-place data
// (NotSupported), so a reverse one needs a flush first.
class RocksDBIterator final : public BytesIterator {
 public:
  // `registry` may be nullptr when the owner releases the iterator itself.
  // `keep_alive` (may be null) is released after `it`: what `it` reads
  // beyond the DB (a transactional store's batch of uncommitted writes).
  RocksDBIterator(RocksDBIteratorRegistry* registry, std::unique_ptr<rocksdb::Iterator> it,
                  std::optional<std::string_view> from, std::optional<std::string_view> to,
                  bool reverse, std::shared_ptr<const void> keep_alive = nullptr);
  ~RocksDBIterator() override;

  bool Valid() const override { return valid_; }
  std::string_view key() const override {
    rocksdb::Slice k = it_->key();
    return {k.data(), k.size()};
  }
  std::string_view value() const override {
    rocksdb::Slice v = it_->value();
    return {v.data(), v.size()};
  }
  void Next() override;
  absl::Status status() const override { return status_; }

  // The store is closing: drop the RocksDB iterator.
  void Release();

 private:
  void Settle();

  RocksDBIteratorRegistry* registry_;
  std::shared_ptr<const void> keep_alive_;  // outlives it_
  std::unique_ptr<rocksdb::Iterator> it_;
  std::optional<std::string> from_, to_;
  bool reverse_;
  bool valid_ = false;
  absl::Status status_;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_STATE_ROCKSDB_UTIL_H_
