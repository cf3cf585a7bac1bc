// kstreams/state/rocksdb_config_setter.h
//
// Tuning the RocksDB stores (Java's `rocksdb.config.setter`). Register a
// setter under a name, and name it in the config:
//
//   class BigBlocks : public kstreams::RocksDBConfigSetter {
//    public:
//     void SetConfig(const std::string& store_name, kstreams::RocksDBOptions& options,
//                    const kstreams::StreamsConfig& config) override {
//       options.SetBlockSize(16 * 1024);
//       if (store_name == "big") options.SetWriteBufferSize(64 << 20);
//     }
//   };
//   kstreams::RegisterRocksDBConfigSetter("big-blocks", [] { return std::make_unique<BigBlocks>(); });
//   config.Set(kstreams::RocksDBOptions::kConfigSetter, "big-blocks");
//
// RocksDBOptions is a handle over the store's rocksdb::Options (this header
// does not include RocksDB). The common knobs have setters; anything else is
// reachable through raw_options()/raw_table_options() by code that includes
// <rocksdb/options.h> and <rocksdb/table.h> itself (and links RocksDB).
//
// The setter runs once per store instance, when the store opens, after
// kstreams has applied its defaults (see src/state/README.md): the shared
// block cache and write-buffer manager stay in place unless the setter
// replaces them, which gives up the process-wide memory bound.
//
// Thread-safety: registration is thread-safe; a setter instance is created
// per store open and used from the thread opening the store.
#ifndef KSTREAMS_STATE_ROCKSDB_CONFIG_SETTER_H_
#define KSTREAMS_STATE_ROCKSDB_CONFIG_SETTER_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "kstreams/streams_config.h"

namespace rocksdb {
struct Options;
struct BlockBasedTableOptions;
}  // namespace rocksdb

namespace kstreams {

class RocksDBOptions {
 public:
  // The name a setter was registered under. Default: none.
  static constexpr char kConfigSetter[] = "rocksdb.config.setter";
  // Bytes of the block cache shared by every RocksDB store of the process
  // (index and filter blocks and memtables are charged to it too).
  // Default: 67108864 (64 MiB).
  static constexpr char kBlockCacheBytes[] = "rocksdb.block.cache.bytes";
  // Bytes of memtables allowed across every store of the process, charged
  // to the block cache. Default: 33554432 (32 MiB).
  static constexpr char kWriteBufferManagerBytes[] = "rocksdb.write.buffer.manager.bytes";

  enum class Compression { kNone, kSnappy, kLz4, kZstd };

  // Library use: wraps the options of the store being opened.
  RocksDBOptions(rocksdb::Options* options, rocksdb::BlockBasedTableOptions* table)
      : options_(options), table_(table) {}

  // Memtable size of this store. Default: 16 MiB (as Kafka Streams).
  void SetWriteBufferSize(size_t bytes);
  // Default: 3 (as Kafka Streams).
  void SetMaxWriteBufferNumber(int n);
  // Default: kNone (as Kafka Streams; lz4 is a good choice for large stores).
  void SetCompression(Compression compression);
  // Data block size. Default: 4 KiB (as Kafka Streams).
  void SetBlockSize(size_t bytes);
  // Bloom filter bits per key; 0 removes the filter. Default: 10.
  void SetBloomFilterBitsPerKey(double bits);
  // Background flush+compaction jobs of this store. Default: 2.
  void SetMaxBackgroundJobs(int n);
  // In-place memtable updates (RocksDB's inplace_update_support), an
  // opt-in for key-value stores (default false, as Kafka Streams; window and
  // session stores ignore it): a write of a key already in the active
  // memtable, no larger than its newest value, overwrites it instead of
  // adding a version, so a hot key keeps one memtable entry. The cost: while
  // an iterator is open each write adds a tombstone too (to keep the
  // iterator's snapshot), and every reverse range after unflushed writes
  // first flushes the memtable (one SST file each), so a processor that
  // reverse-scans per record must not turn it on. See src/state/README.md.
  void SetInPlaceUpdates(bool enabled);

  rocksdb::Options* raw_options() { return options_; }
  rocksdb::BlockBasedTableOptions* raw_table_options() { return table_; }

 private:
  rocksdb::Options* options_;
  rocksdb::BlockBasedTableOptions* table_;
};

class RocksDBConfigSetter {
 public:
  virtual ~RocksDBConfigSetter() = default;
  virtual void SetConfig(const std::string& store_name, RocksDBOptions& options,
                         const StreamsConfig& config) = 0;
  // Called when the store closes, to release what SetConfig made.
  virtual void Close(const std::string& store_name) { (void)store_name; }
};

using RocksDBConfigSetterFactory = std::function<std::unique_ptr<RocksDBConfigSetter>()>;

// Makes `factory` available as `name` for rocksdb.config.setter. Registering
// a name again replaces the factory.
void RegisterRocksDBConfigSetter(const std::string& name, RocksDBConfigSetterFactory factory);

}  // namespace kstreams

#endif  // KSTREAMS_STATE_ROCKSDB_CONFIG_SETTER_H_
