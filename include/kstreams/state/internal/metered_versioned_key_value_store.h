// kstreams/state/internal/metered_versioned_key_value_store.h  (internal: not for users)
//
// The typed top of a versioned store: serializes keys and values with the
// store's serdes (topic "<application.id>-<store>-changelog") and calls the
// versioned bytes layers beneath. Errors throw StateStoreException.
//
// Thread-compatible.
#ifndef KSTREAMS_STATE_INTERNAL_METERED_VERSIONED_KEY_VALUE_STORE_H_
#define KSTREAMS_STATE_INTERNAL_METERED_VERSIONED_KEY_VALUE_STORE_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "kstreams/internal/strings.h"
#include "kstreams/internal/topic_names.h"
#include "kstreams/serde/serde.h"
#include "kstreams/state/internal/wrapped_state_store.h"
#include "kstreams/state/versioned_key_value_store.h"

namespace kstreams::internal {

// FlushCache goes beneath and ends at the bytes store, which has no cache:
// as in Java, versioned stores have no caching layer.
template <typename K, typename V>
class MeteredVersionedKeyValueStore final
    : public WrappedStateStore<VersionedKeyValueStore<K, V>, VersionedBytesStore> {
  using Wrapped = WrappedStateStore<VersionedKeyValueStore<K, V>, VersionedBytesStore>;
  using Wrapped::inner_;

 public:
  using Wrapped::name;
  MeteredVersionedKeyValueStore(std::unique_ptr<VersionedBytesStore> inner, SerdePtr<K> key_serde,
                                SerdePtr<V> value_serde)
      : Wrapped(std::move(inner)), key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)) {}

  absl::Status Init(StateStoreContext& context) override {
    topic_ = ChangelogTopicName(context.application_id(), name());
    return inner_->Init(context);
  }
  int64_t history_retention_ms() const override { return inner_->history_retention_ms(); }
  const std::string& store_topic() const override { return topic_; }

  int64_t Put(const K& key, const V& value, int64_t timestamp) override {
    SerializeKey(key);
    if (value_serde_->IsNull(value)) return Unwrap(inner_->Put(key_buf_, std::nullopt, timestamp));
    Check(value_serde_->Serialize(topic_, value, value_buf_));
    return Unwrap(inner_->Put(key_buf_, std::string_view(value_buf_), timestamp));
  }
  int64_t PutTombstone(const K& key, int64_t timestamp) override {
    SerializeKey(key);
    return Unwrap(inner_->Put(key_buf_, std::nullopt, timestamp));
  }
  std::optional<VersionedRecord<V>> Delete(const K& key, int64_t timestamp) override {
    SerializeKey(key);
    std::optional<VersionedRecord<V>> old = Decode(Unwrap(inner_->GetAsOf(key_buf_, timestamp)));
    Unwrap(inner_->Put(key_buf_, std::nullopt, timestamp));
    return old;
  }
  std::optional<VersionedRecord<V>> Get(const K& key) override {
    SerializeKey(key);
    return Decode(Unwrap(inner_->Get(key_buf_)));
  }
  std::optional<VersionedRecord<V>> Get(const K& key, int64_t as_of_timestamp) override {
    SerializeKey(key);
    return Decode(Unwrap(inner_->GetAsOf(key_buf_, as_of_timestamp)));
  }

 private:
  static void Check(const absl::Status& s) {
    if (!s.ok()) throw StateStoreException(s);
  }
  template <typename T>
  static T Unwrap(absl::StatusOr<T> s) {
    Check(s.status());
    return *std::move(s);
  }
  void SerializeKey(const K& key) { Check(key_serde_->Serialize(topic_, key, key_buf_)); }
  std::optional<VersionedRecord<V>> Decode(std::optional<VersionedBytes> bytes) const {
    if (!bytes) return std::nullopt;
    absl::StatusOr<V> v = value_serde_->Deserialize(topic_, bytes->value);
    Check(v.status());
    return VersionedRecord<V>{*std::move(v), bytes->timestamp, bytes->valid_to};
  }

  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  std::string topic_;
  std::string key_buf_;
  std::string value_buf_;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_STATE_INTERNAL_METERED_VERSIONED_KEY_VALUE_STORE_H_
