// kstreams/state/internal/metered_key_value_store.h  (internal: not for users)
//
// The typed top of a key-value store's layers: serializes keys and values
// with the store's serdes (topic name "<application.id>-<store>-changelog",
// as Java's metered stores use) and calls the bytes layers beneath. It owns
// the public API (KeyValueStore<K, V> or TimestampedKeyValueStore<K, V>).
//
// Buffers for serialized keys and values are reused between calls so the hot
// path (Get + Put of a cached count) does not allocate once warm.
//
// Thread-compatible.
#ifndef KSTREAMS_STATE_INTERNAL_METERED_KEY_VALUE_STORE_H_
#define KSTREAMS_STATE_INTERNAL_METERED_KEY_VALUE_STORE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kstreams/internal/strings.h"
#include "kstreams/internal/topic_names.h"
#include "kstreams/state/internal/key_value_bytes_store.h"
#include "kstreams/state/internal/store_metrics.h"
#include "kstreams/state/internal/wrapped_state_store.h"
#include "kstreams/state/key_value_store.h"
#include "kstreams/state/timestamped_key_value_store.h"

namespace kstreams::internal {

// What a KTable or aggregation node registers on a cached store to forward
// the latest value per key when the cache flushes (Java's
// CacheFlushListener): the key, the new value (nullopt: deleted), the value
// it replaced (only with send_old_values; else nullopt) and the timestamp of
// the write.
template <typename K, typename V>
using TypedCacheFlushListener = std::function<void(
    const K& key, std::optional<V> new_value, std::optional<V> old_value, int64_t timestamp)>;

// Implemented by the metered store; find it with dynamic_cast on the store.
template <typename K, typename V>
class CachedStateStore {
 public:
  virtual ~CachedStateStore() = default;
  // Returns true when the store has a caching layer: the listener then gets
  // every write as the cache writes it down (at once when the thread cache
  // has size 0), and the node must not forward writes itself. False: no
  // caching layer; the node forwards its own writes.
  virtual bool SetFlushListener(TypedCacheFlushListener<K, V> listener,
                                bool send_old_values) = 0;
};

// What interactive queries (KafkaStreams::Store) read through; find it with
// dynamic_cast on a task's store. A query copies bytes out of bytes_store()
// under the owning task's lock (inside a QueryReadScope) and deserializes
// them with the serdes after releasing it.
template <typename K, typename V>
class QueryableKeyValueBytes {
 public:
  virtual ~QueryableKeyValueBytes() = default;
  // The layers beneath the typed store (caching, change-logging, bytes).
  virtual KeyValueBytesStore& bytes_store() = 0;
  virtual const SerdePtr<K>& key_serde() const = 0;
  virtual const SerdePtr<V>& value_serde() const = 0;
};

template <typename K, typename V, typename Interface = KeyValueStore<K, V>>
class MeteredKeyValueStore final : public WrappedStateStore<Interface, KeyValueBytesStore>,
                                   public CachedStateStore<K, V>,
                                   public QueryableKeyValueBytes<K, V> {
  using Wrapped = WrappedStateStore<Interface, KeyValueBytesStore>;
  using Wrapped::inner_;

 public:
  using Wrapped::name;
  MeteredKeyValueStore(std::unique_ptr<KeyValueBytesStore> inner, SerdePtr<K> key_serde,
                       SerdePtr<V> value_serde)
      : Wrapped(std::move(inner)), key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)) {}

  // StateStore (the rest goes to the store beneath).
  absl::Status Init(StateStoreContext& context) override {
    context_ = &context;
    topic_ = ChangelogTopicName(context.application_id(), name());
    // DEBUG: stream-state-metrics (Java's MeteredKeyValueStore).
    const char* type = this->persistent() ? "rocksdb" : "in-memory";
    put_sensor_ = StoreLatencySensor(context, type, name(), "put");
    put_if_absent_sensor_ = StoreLatencySensor(context, type, name(), "put-if-absent");
    put_all_sensor_ = StoreLatencySensor(context, type, name(), "put-all");
    get_sensor_ = StoreLatencySensor(context, type, name(), "get");
    delete_sensor_ = StoreLatencySensor(context, type, name(), "delete");
    range_sensor_ = StoreLatencySensor(context, type, name(), "range");
    all_sensor_ = StoreLatencySensor(context, type, name(), "all");
    prefix_scan_sensor_ = StoreLatencySensor(context, type, name(), "prefix-scan");
    flush_sensor_ = StoreLatencySensor(context, type, name(), "flush");
    return inner_->Init(context);
  }
  absl::Status Flush() override {
    StoreLatencyTimer timer(flush_sensor_);
    return inner_->Flush();
  }

  // ReadOnlyKeyValueStore.
  std::optional<V> Get(const K& key) override {
    StoreLatencyTimer timer(get_sensor_);
    SerializeKey(key);
    return GetSerialized();
  }
  KeyValueIterator<K, V> Range(std::optional<K> from, std::optional<K> to) override {
    StoreLatencyTimer timer(range_sensor_);
    return RangeImpl(from, to, false);
  }
  KeyValueIterator<K, V> ReverseRange(std::optional<K> from, std::optional<K> to) override {
    StoreLatencyTimer timer(range_sensor_);
    return RangeImpl(from, to, true);
  }
  KeyValueIterator<K, V> All() override {
    StoreLatencyTimer timer(all_sensor_);
    return Wrap(inner_->Range({}, {}, false));
  }
  KeyValueIterator<K, V> ReverseAll() override {
    StoreLatencyTimer timer(all_sensor_);
    return Wrap(inner_->Range({}, {}, true));
  }
  KeyValueIterator<K, V> PrefixScanBytes(std::string_view prefix) override {
    StoreLatencyTimer timer(prefix_scan_sensor_);
    return Wrap(inner_->PrefixScan(prefix));
  }
  uint64_t ApproximateNumEntries() override { return inner_->ApproximateNumEntries(); }
  const std::string& store_topic() const override { return topic_; }

  // KeyValueStore.
  void Put(const K& key, const V& value) override {
    StoreLatencyTimer timer(put_sensor_);
    SerializeKey(key);
    PutSerialized(value);
  }
  std::optional<V> PutIfAbsent(const K& key, const V& value) override {
    StoreLatencyTimer timer(put_if_absent_sensor_);
    SerializeKey(key);
    std::optional<V> existing = GetSerialized();
    if (!existing) PutSerialized(value);
    return existing;
  }
  void PutAll(const std::vector<std::pair<K, V>>& entries) override {
    StoreLatencyTimer timer(put_all_sensor_);
    if constexpr (IsValueAndTimestamp<V>::value) {
      // Each entry's changelog record carries its own timestamp.
      for (const auto& [k, v] : entries) {
        SerializeKey(k);
        PutSerialized(v);
      }
      return;
    }
    std::vector<std::pair<std::string, std::optional<std::string>>> raw;
    raw.reserve(entries.size());
    int64_t ts = context_timestamp();
    for (const auto& [k, v] : entries) {
      SerializeKey(k);
      std::optional<std::string> bytes;
      if (!value_serde_->IsNull(v)) {
        bytes.emplace();
        Check(value_serde_->Serialize(topic_, v, *bytes));
      }
      raw.emplace_back(key_buf_, std::move(bytes));
    }
    Check(inner_->PutAll(raw, ts));
  }
  std::optional<V> Delete(const K& key) override {
    StoreLatencyTimer timer(delete_sensor_);
    SerializeKey(key);
    std::optional<V> old = GetSerialized();
    Check(inner_->Put(key_buf_, std::nullopt, context_timestamp()));
    return old;
  }

  // CachedStateStore.
  bool SetFlushListener(TypedCacheFlushListener<K, V> listener,
                        bool send_old_values) override {
    if (!listener) return inner_->SetFlushListener(nullptr, send_old_values);
    return inner_->SetFlushListener(
        [this, listener = std::move(listener)](const CacheFlushEntry& e) {
          absl::StatusOr<K> key = key_serde_->Deserialize(topic_, e.key);
          if (!key.ok()) throw StateStoreException(key.status());
          listener(*key, DecodeValue(e.new_value), DecodeValue(e.old_value), e.timestamp);
        },
        send_old_values);
  }

  KeyValueBytesStore& inner() { return *inner_; }

  // QueryableKeyValueBytes.
  KeyValueBytesStore& bytes_store() override { return *inner_; }
  const SerdePtr<K>& key_serde() const override { return key_serde_; }
  const SerdePtr<V>& value_serde() const override { return value_serde_; }

 private:
  static void Check(const absl::Status& s) {
    if (!s.ok()) throw StateStoreException(s);
  }
  int64_t context_timestamp() const {
    return context_ == nullptr ? -1 : context_->record_timestamp();
  }
  void SerializeKey(const K& key) { Check(key_serde_->Serialize(topic_, key, key_buf_)); }
  std::optional<V> GetSerialized() {
    absl::StatusOr<bool> found = inner_->Get(key_buf_, &value_buf_);
    Check(found.status());
    if (!*found) return std::nullopt;
    absl::StatusOr<V> v = value_serde_->Deserialize(topic_, value_buf_);
    Check(v.status());
    return *std::move(v);
  }
  void PutSerialized(const V& value) {
    int64_t ts = context_timestamp();
    if constexpr (IsValueAndTimestamp<V>::value) ts = value.timestamp();
    if (value_serde_->IsNull(value)) {
      Check(inner_->Put(key_buf_, std::nullopt, ts));
      return;
    }
    Check(value_serde_->Serialize(topic_, value, value_buf_));
    Check(inner_->Put(key_buf_, std::string_view(value_buf_), ts));
  }
  std::optional<V> DecodeValue(const BytesValue& bytes) const {
    if (!bytes) return std::nullopt;
    absl::StatusOr<V> v = value_serde_->Deserialize(topic_, *bytes);
    if (!v.ok()) throw StateStoreException(v.status());
    return *std::move(v);
  }
  KeyValueIterator<K, V> RangeImpl(const std::optional<K>& from, const std::optional<K>& to,
                                   bool reverse) {
    std::string from_buf, to_buf;
    if (from) Check(key_serde_->Serialize(topic_, *from, from_buf));
    if (to) Check(key_serde_->Serialize(topic_, *to, to_buf));
    std::optional<std::string_view> f, t;
    if (from) f = from_buf;
    if (to) t = to_buf;
    return Wrap(inner_->Range(f, t, reverse));
  }
  KeyValueIterator<K, V> Wrap(std::unique_ptr<BytesIterator> it) {
    return KeyValueIterator<K, V>(std::move(it), key_serde_, value_serde_, &topic_);
  }

  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  StateStoreContext* context_ = nullptr;
  std::string topic_;
  // DEBUG sensors (nullptr otherwise: no clock read).
  Sensor* put_sensor_ = nullptr;
  Sensor* put_if_absent_sensor_ = nullptr;
  Sensor* put_all_sensor_ = nullptr;
  Sensor* get_sensor_ = nullptr;
  Sensor* delete_sensor_ = nullptr;
  Sensor* range_sensor_ = nullptr;
  Sensor* all_sensor_ = nullptr;
  Sensor* prefix_scan_sensor_ = nullptr;
  Sensor* flush_sensor_ = nullptr;
  std::string key_buf_;
  std::string value_buf_;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_STATE_INTERNAL_METERED_KEY_VALUE_STORE_H_
