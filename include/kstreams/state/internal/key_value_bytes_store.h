// kstreams/state/internal/key_value_bytes_store.h  (internal: not for users)
//
// The bytes layer under every typed key-value store. Keys are ordered by
// unsigned lexicographic byte order (memcmp order: "\x7f" < "\x80"), which is
// Java's Bytes comparator, so range scans return keys in the order Kafka
// Streams returns them for the same serialized keys.
//
// Layers (DESIGN.md): MeteredKeyValueStore<K,V> (typed, serdes) -> caching ->
// change-logging -> RocksDB | in-memory. Every layer below the metered one
// implements KeyValueBytesStore, so layers stack in any subset.
//
// Writes carry the record timestamp: bottom stores ignore it, the
// change-logging layer puts it on the changelog record and the caching layer
// hands it to the flush listener.
//
// Thread-compatible: one StreamThread owns a store and its iterators.
#ifndef KSTREAMS_STATE_INTERNAL_KEY_VALUE_BYTES_STORE_H_
#define KSTREAMS_STATE_INTERNAL_KEY_VALUE_BYTES_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kstreams/processor/record.h"
#include "kstreams/processor/state_store.h"

namespace kstreams::internal {

// A value as bytes; std::nullopt is a delete (a tombstone in the changelog).
using BytesValue = std::optional<std::string_view>;

// Iterates a bytes store in key order (or reverse order).
//
// key() and value() are valid until the next call to Next() or the
// iterator's destruction. An iterator must be destroyed before its store is
// closed. See each factory for what the iterator sees of writes made after it
// was created.
class BytesIterator {
 public:
  virtual ~BytesIterator() = default;
  virtual bool Valid() const = 0;
  // REQUIRES: Valid().
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  virtual void Next() = 0;
  // An I/O error that ended the iteration early; OK otherwise.
  virtual absl::Status status() const { return absl::OkStatus(); }
};

// What a caching layer passes to the flush listener for one key: the value
// written down (nullopt: deleted), the value it replaced when it was asked for
// (nullopt: none or not asked), and the timestamp of the write.
struct CacheFlushEntry {
  std::string_view key;
  BytesValue new_value;
  BytesValue old_value;
  int64_t timestamp = 0;
};
using CacheFlushListener = std::function<void(const CacheFlushEntry&)>;

// Also the restore target of its own changelog: RestoreBatch applies the
// records as Put/Delete (bottom stores may batch them).
class KeyValueBytesStore : public StateStore, public StateRestoreCallback {
 public:
  // Copies the value of `key` into *value and returns true, or returns false
  // when there is none.
  virtual absl::StatusOr<bool> Get(std::string_view key, std::string* value) = 0;
  // Writes `value` for `key`; nullopt deletes it.
  virtual absl::Status Put(std::string_view key, BytesValue value, int64_t timestamp) = 0;
  // Writes all entries (as one batch where the store can).
  virtual absl::Status PutAll(
      const std::vector<std::pair<std::string, std::optional<std::string>>>& entries,
      int64_t timestamp);
  // Keys in [from, to] (both inclusive; nullopt = unbounded), ascending or,
  // with `reverse`, descending. from > to gives an empty iterator.
  virtual std::unique_ptr<BytesIterator> Range(std::optional<std::string_view> from,
                                               std::optional<std::string_view> to,
                                               bool reverse) = 0;
  // Keys starting with `prefix`, ascending.
  virtual std::unique_ptr<BytesIterator> PrefixScan(std::string_view prefix);
  virtual uint64_t ApproximateNumEntries() = 0;
  // StateRestoreCallback. Default: one Put per record.
  absl::Status RestoreBatch(std::span<const ChangelogRecord> records) override;
  // Default: deletes every key (Range, then one delete per key).
  absl::Status Wipe() override;

  // Caching layers deliver their write-downs to `listener` (nullptr: none)
  // and return true; other layers pass the call down, bottom stores return
  // false. With `send_old_values` the listener also gets the replaced value.
  virtual bool SetFlushListener(CacheFlushListener listener, bool send_old_values) {
    (void)listener;
    (void)send_old_values;
    return false;
  }
};

// An iterator over nothing, ending with `status` (an error: the iterator
// could not be created).
std::unique_ptr<BytesIterator> EmptyBytesIterator(absl::Status status = absl::OkStatus());

// Stores that keep everything in memory: an ordered map.
//
// Iterators see the live map: a key deleted after the iterator was created is
// skipped, a key inserted ahead of the cursor is returned; value() is the
// value when the cursor reached the key.
std::unique_ptr<KeyValueBytesStore> NewInMemoryKeyValueBytesStore(std::string name);

// A RocksDB instance at <task state dir>/rocksdb/<name>, opened in Init().
// Iterators read a consistent snapshot taken when they were created.
// See src/state/README.md for the options and why.
std::unique_ptr<KeyValueBytesStore> NewRocksDBKeyValueBytesStore(std::string name);

// Sends the writes of one store to its changelog topic
// ("<application.id>-<store>-changelog", partition = task partition).
class ChangelogSink {
 public:
  virtual ~ChangelogSink() = default;
  virtual void Log(std::string_view key, BytesValue value, int64_t timestamp) = 0;
  // The same with Kafka headers on the changelog record (the suppression
  // buffer's format version header "v"). Default: the headers are dropped.
  virtual void LogWithHeaders(std::string_view key, BytesValue value, int64_t timestamp,
                              const Headers& headers) {
    (void)headers;
    Log(key, value, timestamp);
  }
};

// Logs every write of `inner` to the sink the task context gives for the
// store's name (StateStoreContext::changelog_sink), and registers `inner` as
// the store's restore target (StateStoreContext::RegisterRestore). Reads pass
// through. `timestamped`: the values are a timestamped store's (8-byte
// big-endian timestamp, then the value); the changelog gets Java's layout for
// them, the plain value with that timestamp as the record's, and restoration
// puts the record's timestamp back in front
// (ChangeLoggingTimestampedKeyValueBytesStore).
std::unique_ptr<KeyValueBytesStore> NewChangeLoggingKeyValueBytesStore(
    std::unique_ptr<KeyValueBytesStore> inner, bool timestamped = false);

// Caches writes to `inner` in the task's thread cache
// (StateStoreContext::thread_cache), as Kafka Streams' CachingKeyValueStore:
// repeated writes to a key are absorbed; on Flush() and when the cache evicts
// a dirty entry, dirty entries are written down in the order they were first
// dirtied and handed to the flush listener. Without a thread cache (or with
// a cache of size 0) every write goes straight down and to the listener.
std::unique_ptr<KeyValueBytesStore> NewCachingKeyValueBytesStore(
    std::unique_ptr<KeyValueBytesStore> inner);

}  // namespace kstreams::internal

#endif  // KSTREAMS_STATE_INTERNAL_KEY_VALUE_BYTES_STORE_H_
