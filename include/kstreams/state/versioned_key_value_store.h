// kstreams/state/versioned_key_value_store.h
//
// VersionedKeyValueStore<K, V>: a key-value store that keeps, besides the
// latest value of each key, its earlier versions for `history_retention`
// (Java's VersionedKeyValueStore, KIP-889). Each write carries a timestamp;
// a version is valid from its timestamp until the timestamp of the next
// version of the key (tombstones included). Get(key, as_of) answers "what was
// the value at time as_of", which is what makes stream-table joins
// timestamp-correct.
//
// Semantics (Kafka Streams'):
//   - The store tracks its observed stream time (the largest timestamp put).
//   - Put(key, value, ts) returns kPutReturnCodeValidToUndefined when the
//     record is now the latest version, the valid-to timestamp of the record
//     when it went into the history (out of order), or kPutReturnCodeNotPut
//     when ts is older than observed stream time - history retention (the
//     record is dropped). A put at an existing version's timestamp replaces
//     that version.
//   - Delete(key, ts) writes a tombstone at ts and returns the record that
//     was valid at ts.
//   - Get(key) is the latest version (std::nullopt when the latest is a
//     tombstone); the latest version is kept however old it is.
//   - Get(key, as_of) is the version valid at as_of, or std::nullopt when
//     there is none or as_of is older than observed stream time - history
//     retention (history beyond retention is purged).
//   - No caching layer (as in Java). The changelog record of a write is the
//     key, the value (null for a delete) and the write's timestamp as the
//     record timestamp; restoration replays those writes in order.
//
// Errors throw StateStoreException, as for key-value stores.
//
// Thread-compatible: one StreamThread owns a store.
//
// Example:
//
//   builder.Table<std::string, std::string>(
//       "users", kstreams::Materialized<std::string, std::string>::As(
//                    kstreams::Stores::PersistentVersionedKeyValueStore(
//                        "users", std::chrono::minutes(10))));
//   // in a processor:
//   auto* users = ctx.GetStateStore<kstreams::VersionedKeyValueStore<std::string,
//                                                                   std::string>>("users");
//   std::optional<kstreams::VersionedRecord<std::string>> at = users->Get("alice", ts);
#ifndef KSTREAMS_STATE_VERSIONED_KEY_VALUE_STORE_H_
#define KSTREAMS_STATE_VERSIONED_KEY_VALUE_STORE_H_

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kstreams/processor/state_store.h"
#include "kstreams/state/internal/key_value_bytes_store.h"
#include "kstreams/state/key_value_store.h"

namespace kstreams {

// One version of a key: its value, the timestamp it became valid at and,
// for versions that have been superseded, the timestamp it stopped being
// valid at (exclusive).
template <typename V>
struct VersionedRecord {
  V value;
  int64_t timestamp = 0;
  std::optional<int64_t> valid_to;
  friend bool operator==(const VersionedRecord&, const VersionedRecord&) = default;
  friend std::ostream& operator<<(std::ostream& os, const VersionedRecord& r)
    requires requires(std::ostream& o, const V& v) { o << v; }
  {
    os << "VersionedRecord(" << r.value << ", ts=" << r.timestamp << ", valid_to=";
    if (r.valid_to) {
      os << *r.valid_to;
    } else {
      os << "undefined";
    }
    return os << ")";
  }
};

template <typename K, typename V>
class VersionedKeyValueStore : public StateStore {
 public:
  using KeyType = K;
  using ValueType = V;
  // Put() return codes (Java's PUT_RETURN_CODE_VALID_TO_UNDEFINED / _NOT_PUT).
  static constexpr int64_t kPutReturnCodeValidToUndefined = -1;
  static constexpr int64_t kPutReturnCodeNotPut = std::numeric_limits<int64_t>::min();

  // Writes a version of `key` valid from `timestamp`. A value that
  // serializes to null (an empty std::optional) is a delete.
  virtual int64_t Put(const K& key, const V& value, int64_t timestamp) = 0;
  // Java's put(key, null, timestamp), for value types that cannot hold a
  // null: writes a tombstone and returns the Put() code.
  virtual int64_t PutTombstone(const K& key, int64_t timestamp) = 0;
  // Writes a tombstone at `timestamp`; returns the version valid at it.
  virtual std::optional<VersionedRecord<V>> Delete(const K& key, int64_t timestamp) = 0;
  virtual std::optional<VersionedRecord<V>> Get(const K& key) = 0;
  virtual std::optional<VersionedRecord<V>> Get(const K& key, int64_t as_of_timestamp) = 0;
  virtual int64_t history_retention_ms() const = 0;
  // The topic name the store's serdes are called with.
  virtual const std::string& store_topic() const = 0;
};

namespace internal {

// A version as bytes.
struct VersionedBytes {
  std::string value;
  int64_t timestamp = 0;
  std::optional<int64_t> valid_to;
};

// The bytes layer of a versioned store; also the restore target of its own
// changelog (each record is a Put at the record's timestamp).
class VersionedBytesStore : public StateStore, public StateRestoreCallback {
 public:
  // Returns the Put() codes of VersionedKeyValueStore. nullopt deletes.
  virtual absl::StatusOr<int64_t> Put(std::string_view key, BytesValue value,
                                      int64_t timestamp) = 0;
  virtual absl::StatusOr<std::optional<VersionedBytes>> Get(std::string_view key) = 0;
  virtual absl::StatusOr<std::optional<VersionedBytes>> GetAsOf(std::string_view key,
                                                                int64_t as_of) = 0;
  virtual int64_t history_retention_ms() const = 0;
  absl::Status RestoreBatch(std::span<const ChangelogRecord> records) override;
};

// A versioned store kept in `inner` (any ordered bytes store: RocksDB or
// in-memory). Layout (all in `inner`): the latest version per key, the
// history ordered by (key, timestamp), and an index by valid-to timestamp
// that purges versions older than the history retention.
std::unique_ptr<VersionedBytesStore> NewVersionedBytesStore(
    std::unique_ptr<KeyValueBytesStore> inner, int64_t history_retention_ms);

// Logs every write of `inner` to the store's changelog (value null for a
// delete, record timestamp = the version's timestamp) and registers `inner`
// as the changelog's restore target.
std::unique_ptr<VersionedBytesStore> NewChangeLoggingVersionedBytesStore(
    std::unique_ptr<VersionedBytesStore> inner);

}  // namespace internal
}  // namespace kstreams

#endif  // KSTREAMS_STATE_VERSIONED_KEY_VALUE_STORE_H_
