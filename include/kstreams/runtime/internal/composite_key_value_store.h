// kstreams/runtime/internal/composite_key_value_store.h  (internal: not for users)
//
// What KafkaStreams::Store<ReadOnlyKeyValueStore<K, V>>() returns: one
// read-only view over every local instance of a key-value store (one per
// task), Java's CompositeReadOnlyKeyValueStore. A timestamped store
// (TimestampedKeyValueStore<K, V>, what KTables and aggregations
// materialize) is queryable as ReadOnlyKeyValueStore<K, V> (timestamps
// dropped, Java's QueryableStoreTypes.keyValueStore()) and as
// ReadOnlyKeyValueStore<K, ValueAndTimestamp<V>>.
//
// Each call finds the current instances through the LocalStoreProvider, so
// the handle stays valid across rebalances; under each task's lock it only
// copies bytes out (in a QueryReadScope), and deserializes after. Get asks
// the instances in turn until one has the key. Range, All, PrefixScan copy
// the matching entries of every instance and return them merged in key
// order (Java concatenates the instances' iterators instead); iterators are
// snapshots, independent of the handle.
//
// Errors: as every store, these methods throw kstreams::StateStoreException;
// its status() is Unavailable when the store is not queryable any more
// (migrated, restoring, closed: Java's InvalidStateStoreException).
//
// Thread-safety: thread-safe; any number of threads may query.
#ifndef KSTREAMS_RUNTIME_INTERNAL_COMPOSITE_KEY_VALUE_STORE_H_
#define KSTREAMS_RUNTIME_INTERNAL_COMPOSITE_KEY_VALUE_STORE_H_

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kstreams/internal/strings.h"
#include "kstreams/runtime/internal/local_store_provider.h"
#include "kstreams/runtime/store_query_parameters.h"
#include "kstreams/serde/type_name.h"
#include "kstreams/state/internal/key_value_bytes_store.h"
#include "kstreams/state/internal/metered_key_value_store.h"
#include "kstreams/state/internal/query_read_scope.h"
#include "kstreams/state/key_value_store.h"
#include "kstreams/state/value_and_timestamp.h"

namespace kstreams::internal {

// Iterates entries copied out of the store instances. Owns the topic name
// the typed iterator passes to the serdes.
class CopiedBytesIterator final : public BytesIterator {
 public:
  CopiedBytesIterator(std::vector<std::pair<std::string, std::string>> entries, std::string topic)
      : entries_(std::move(entries)), topic_(std::move(topic)) {}
  bool Valid() const override { return pos_ < entries_.size(); }
  std::string_view key() const override { return entries_[pos_].first; }
  std::string_view value() const override { return entries_[pos_].second; }
  void Next() override { ++pos_; }
  const std::string* topic() const { return &topic_; }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
  size_t pos_ = 0;
  std::string topic_;
};

// Reads the value of a ValueAndTimestamp<V> and drops the timestamp.
template <typename V>
class TimestampDroppingSerde final : public Serde<V> {
 public:
  explicit TimestampDroppingSerde(SerdePtr<ValueAndTimestamp<V>> inner) : inner_(std::move(inner)) {}
  absl::Status Serialize(std::string_view, const V&, std::string&) const override {
    return absl::FailedPreconditionError("a queried store is read-only");
  }
  absl::StatusOr<V> Deserialize(std::string_view topic, std::string_view data) const override {
    absl::StatusOr<ValueAndTimestamp<V>> v = inner_->Deserialize(topic, data);
    if (!v.ok()) return v.status();
    return std::move(*v).value();
  }

 private:
  SerdePtr<ValueAndTimestamp<V>> inner_;
};

template <typename K, typename V>
class CompositeReadOnlyKeyValueStore final : public ReadOnlyKeyValueStore<K, V> {
 public:
  static absl::StatusOr<std::unique_ptr<ReadOnlyKeyValueStore<K, V>>> Create(
      std::shared_ptr<LocalStoreProvider> provider, StoreQueryParameters params) {
    std::unique_ptr<CompositeReadOnlyKeyValueStore> store(
        new CompositeReadOnlyKeyValueStore(provider, params));
    absl::Status type_error;
    absl::Status s = provider->ForEachInstance(params, [&](TaskId task, StateStore& instance) {
      if (auto* q = dynamic_cast<QueryableKeyValueBytes<K, V>*>(&instance)) {
        store->key_serde_ = q->key_serde();
        store->value_serde_ = q->value_serde();
        return true;
      }
      if constexpr (!IsValueAndTimestamp<V>::value) {
        if (auto* q = dynamic_cast<QueryableKeyValueBytes<K, ValueAndTimestamp<V>>*>(&instance)) {
          store->key_serde_ = q->key_serde();
          store->value_serde_ = std::make_shared<TimestampDroppingSerde<V>>(q->value_serde());
          return true;
        }
      }
      type_error = absl::InvalidArgumentError(StrCat(
          "store '", params.store_name(), "' (task ", task.ToString(),
          ") cannot be queried as ReadOnlyKeyValueStore<", TypeName<K>(), ", ", TypeName<V>(),
          ">: it is not a key-value store of those key and value types"));
      return false;
    });
    if (!s.ok()) return s;
    if (!type_error.ok()) return type_error;
    return std::unique_ptr<ReadOnlyKeyValueStore<K, V>>(std::move(store));
  }

  std::optional<V> Get(const K& key) override {
    const std::string key_bytes = Encode(key);
    std::optional<std::string> found;
    Visit([&](KeyValueBytesStore& bytes) {
      std::string value;
      absl::StatusOr<bool> r = bytes.Get(key_bytes, &value);
      Check(r.status());
      if (*r) found = std::move(value);
      return !found.has_value();
    });
    if (!found) return std::nullopt;
    absl::StatusOr<V> v = value_serde_->Deserialize(topic_, *found);
    Check(v.status());
    return *std::move(v);
  }
  KeyValueIterator<K, V> Range(std::optional<K> from, std::optional<K> to) override {
    return RangeImpl(from, to, false);
  }
  KeyValueIterator<K, V> ReverseRange(std::optional<K> from, std::optional<K> to) override {
    return RangeImpl(from, to, true);
  }
  KeyValueIterator<K, V> All() override { return RangeImpl(std::nullopt, std::nullopt, false); }
  KeyValueIterator<K, V> ReverseAll() override {
    return RangeImpl(std::nullopt, std::nullopt, true);
  }
  KeyValueIterator<K, V> PrefixScanBytes(std::string_view prefix) override {
    return Collect(false, [&](KeyValueBytesStore& bytes) { return bytes.PrefixScan(prefix); });
  }
  uint64_t ApproximateNumEntries() override {
    uint64_t total = 0;
    Visit([&](KeyValueBytesStore& bytes) {
      total += bytes.ApproximateNumEntries();
      return true;
    });
    return total;
  }
  const std::string& store_topic() const override { return topic_; }

 private:
  CompositeReadOnlyKeyValueStore(std::shared_ptr<LocalStoreProvider> provider,
                                 StoreQueryParameters params)
      : provider_(std::move(provider)),
        params_(std::move(params)),
        topic_(provider_->StoreTopic(params_.store_name())) {}

  static void Check(const absl::Status& s) {
    if (!s.ok()) throw StateStoreException(s);
  }
  std::string Encode(const K& key) const {
    std::string out;
    Check(key_serde_->Serialize(topic_, key, out));
    return out;
  }
  // Calls fn on the bytes layers of each local instance, under its task's
  // lock and in a QueryReadScope, until fn returns false.
  void Visit(const std::function<bool(KeyValueBytesStore&)>& fn) {
    Check(provider_->ForEachInstance(params_, [&](TaskId, StateStore& instance) {
      KeyValueBytesStore* bytes = nullptr;
      if (auto* q = dynamic_cast<QueryableKeyValueBytes<K, V>*>(&instance)) {
        bytes = &q->bytes_store();
      } else if constexpr (!IsValueAndTimestamp<V>::value) {
        if (auto* q = dynamic_cast<QueryableKeyValueBytes<K, ValueAndTimestamp<V>>*>(&instance)) {
          bytes = &q->bytes_store();
        }
      }
      if (bytes == nullptr) return true;  // checked at Create
      QueryReadScope scope;
      return fn(*bytes);
    }));
  }
  KeyValueIterator<K, V> Collect(
      bool reverse, const std::function<std::unique_ptr<BytesIterator>(KeyValueBytesStore&)>& open) {
    std::vector<std::pair<std::string, std::string>> entries;
    Visit([&](KeyValueBytesStore& bytes) {
      std::unique_ptr<BytesIterator> it = open(bytes);
      for (; it->Valid(); it->Next()) entries.emplace_back(it->key(), it->value());
      Check(it->status());
      return true;
    });
    // Keys are partitioned: no key is in two instances. Byte order, as a
    // single store orders them.
    std::stable_sort(entries.begin(), entries.end(), [reverse](const auto& a, const auto& b) {
      return reverse ? b.first < a.first : a.first < b.first;
    });
    auto it = std::make_unique<CopiedBytesIterator>(std::move(entries), topic_);
    const std::string* topic = it->topic();
    return KeyValueIterator<K, V>(std::move(it), key_serde_, value_serde_, topic);
  }
  KeyValueIterator<K, V> RangeImpl(const std::optional<K>& from, const std::optional<K>& to,
                                   bool reverse) {
    std::optional<std::string> f, t;
    if (from) f = Encode(*from);
    if (to) t = Encode(*to);
    return Collect(reverse, [&](KeyValueBytesStore& bytes) {
      std::optional<std::string_view> fv, tv;
      if (f) fv = *f;
      if (t) tv = *t;
      return bytes.Range(fv, tv, reverse);
    });
  }

  std::shared_ptr<LocalStoreProvider> provider_;
  StoreQueryParameters params_;
  std::string topic_;
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
};

template <typename K, typename V>
struct QueryableStoreType<ReadOnlyKeyValueStore<K, V>> {
  static absl::StatusOr<std::unique_ptr<ReadOnlyKeyValueStore<K, V>>> Create(
      std::shared_ptr<LocalStoreProvider> provider, StoreQueryParameters params) {
    return CompositeReadOnlyKeyValueStore<K, V>::Create(std::move(provider), std::move(params));
  }
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_RUNTIME_INTERNAL_COMPOSITE_KEY_VALUE_STORE_H_
