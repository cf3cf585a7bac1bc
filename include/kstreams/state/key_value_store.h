// kstreams/state/key_value_store.h
//
// Typed key-value stores (Kafka Streams' KeyValueStore / ReadOnlyKeyValueStore)
// and their iterator. A processor gets one through its context:
//
//   auto* counts = ctx.GetStateStore<kstreams::KeyValueStore<std::string, int64_t>>("counts");
//   std::optional<int64_t> n = counts->Get(word);
//   counts->Put(word, n.value_or(0) + 1);
//
// Keys are ordered by their serialized bytes, compared as unsigned bytes
// (Java's Bytes order): Range/All return keys in that order, which for the
// built-in big-endian integer serdes is numeric order only for non-negative
// numbers, exactly as in Kafka Streams.
//
// Errors. Like Java's stores, these methods do not return a status: an I/O
// failure of the underlying store or a serde failure throws
// kstreams::StateStoreException (carrying an absl::Status). Called from a
// processor, the task catches it at the node boundary and treats it as a
// processing error (naming topic, partition and offset). A missing key is not
// an error: std::nullopt.
//
// Thread-compatible: a store and its iterators belong to the thread that owns
// the task.
#ifndef KSTREAMS_STATE_KEY_VALUE_STORE_H_
#define KSTREAMS_STATE_KEY_VALUE_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "kstreams/processor/state_store.h"
#include "kstreams/serde/serde.h"
#include "kstreams/state/internal/key_value_bytes_store.h"

namespace kstreams {

// A store operation failed (I/O error, corruption, serde failure).
class StateStoreException : public std::runtime_error {
 public:
  explicit StateStoreException(absl::Status status)
      : std::runtime_error(std::string(status.message())), status_(std::move(status)) {}
  const absl::Status& status() const { return status_; }

 private:
  absl::Status status_;
};

// Iterates typed entries of a key-value store in key order (or reverse).
//
// Lifetime: an iterator must be destroyed before its store is closed (it is
// RAII: destroying it releases what it pins, e.g. a RocksDB snapshot). key()
// and value() references are valid until the next Next() or destruction.
// What it sees of writes made after its creation depends on the store:
// persistent (RocksDB) stores iterate a snapshot taken at creation; in-memory
// stores iterate the live map (deleted keys are skipped, keys inserted ahead
// of the cursor are returned). With caching enabled, cached entries are a
// snapshot taken at creation merged into the underlying iterator.
//
// Example:
//
//   for (auto it = store->All(); it.Valid(); it.Next()) {
//     std::cout << it.key() << " = " << it.value() << "\n";
//   }
template <typename K, typename V>
class KeyValueIterator {
 public:
  KeyValueIterator() = default;  // iterates nothing
  KeyValueIterator(std::unique_ptr<internal::BytesIterator> it, SerdePtr<K> key_serde,
                   SerdePtr<V> value_serde, const std::string* topic)
      : it_(std::move(it)), key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)), topic_(topic) {}
  // Iterates entries already decoded, in the given order (store facades).
  explicit KeyValueIterator(std::vector<std::pair<K, V>> entries)
      : entries_(std::move(entries)) {}
  KeyValueIterator(KeyValueIterator&&) noexcept = default;
  KeyValueIterator& operator=(KeyValueIterator&&) noexcept = default;

  bool Valid() const { return it_ != nullptr ? it_->Valid() : pos_ < entries_.size(); }
  // Java's hasNext()/next() in one: true while there is a current entry.
  bool HasNext() const { return Valid(); }
  // REQUIRES: Valid(). Deserialized on first use.
  const K& key() {
    if (it_ == nullptr) return entries_[pos_].first;
    if (!key_) key_.emplace(Decode(key_serde_, it_->key()));
    return *key_;
  }
  const V& value() {
    if (it_ == nullptr) return entries_[pos_].second;
    if (!value_) value_.emplace(Decode(value_serde_, it_->value()));
    return *value_;
  }
  // REQUIRES: Valid().
  void Next() {
    if (it_ == nullptr) {
      ++pos_;
      return;
    }
    key_.reset();
    value_.reset();
    it_->Next();
  }
  // OK, or the error that ended the iteration early.
  absl::Status status() const { return it_ == nullptr ? absl::OkStatus() : it_->status(); }

  // Reads the rest into a vector (tests, small ranges).
  std::vector<std::pair<K, V>> ToVector() {
    std::vector<std::pair<K, V>> out;
    for (; Valid(); Next()) out.emplace_back(key(), value());
    return out;
  }

 private:
  template <typename T>
  T Decode(const SerdePtr<T>& serde, std::string_view bytes) const {
    absl::StatusOr<T> v = serde->Deserialize(*topic_, bytes);
    if (!v.ok()) throw StateStoreException(v.status());
    return *std::move(v);
  }

  std::unique_ptr<internal::BytesIterator> it_;
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  const std::string* topic_ = nullptr;  // owned by the store
  std::optional<K> key_;
  std::optional<V> value_;
  std::vector<std::pair<K, V>> entries_;  // when it_ is nullptr
  size_t pos_ = 0;
};

// Reads of a key-value store (what interactive queries get).
template <typename K, typename V>
class ReadOnlyKeyValueStore {
 public:
  virtual ~ReadOnlyKeyValueStore() = default;
  virtual std::optional<V> Get(const K& key) = 0;
  // Keys in [from, to], both inclusive; std::nullopt leaves that end open.
  // from > to (in byte order) gives nothing.
  virtual KeyValueIterator<K, V> Range(std::optional<K> from, std::optional<K> to) = 0;
  // The same keys, descending.
  virtual KeyValueIterator<K, V> ReverseRange(std::optional<K> from,
                                              std::optional<K> to) = 0;
  virtual KeyValueIterator<K, V> All() = 0;
  virtual KeyValueIterator<K, V> ReverseAll() = 0;
  // Keys whose serialized form starts with the serialized `prefix`, ascending.
  template <typename P>
  KeyValueIterator<K, V> PrefixScan(const P& prefix, const Serde<P>& prefix_serde) {
    std::string bytes;
    absl::Status s = prefix_serde.Serialize(store_topic(), prefix, bytes);
    if (!s.ok()) throw StateStoreException(s);
    return PrefixScanBytes(bytes);
  }
  // Keys whose serialized form starts with `prefix` (raw bytes).
  virtual KeyValueIterator<K, V> PrefixScanBytes(std::string_view prefix) = 0;
  // An estimate (exact for in-memory stores without caching).
  virtual uint64_t ApproximateNumEntries() = 0;

  // The topic name the store's serdes are called with: the changelog topic
  // "<application.id>-<store>-changelog".
  virtual const std::string& store_topic() const = 0;
};

template <typename K, typename V>
class KeyValueStore : public StateStore, public ReadOnlyKeyValueStore<K, V> {
 public:
  using KeyType = K;
  using ValueType = V;
  // Writes `value` (a value that serializes to null, e.g. an empty
  // std::optional, deletes the key as in Java).
  virtual void Put(const K& key, const V& value) = 0;
  // Writes only when the key has no value; returns the existing value.
  virtual std::optional<V> PutIfAbsent(const K& key, const V& value) = 0;
  virtual void PutAll(const std::vector<std::pair<K, V>>& entries) = 0;
  // Removes the key; returns the value it had.
  virtual std::optional<V> Delete(const K& key) = 0;
};

}  // namespace kstreams

#endif  // KSTREAMS_STATE_KEY_VALUE_STORE_H_
