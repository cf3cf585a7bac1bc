// kstreams/state/stores.h
//
// Stores: the factory for store suppliers and builders (Java's Stores). A
// supplier makes the bytes store (RocksDB or in-memory); a builder adds the
// serdes and the optional caching and change-logging layers, and is what
// Topology::AddStateStore takes. Defaults as in Kafka Streams: logging
// enabled (changelog topic "<application.id>-<store>-changelog"), caching
// disabled.
//
// Thread-safety: suppliers and builders are immutable once added to a
// topology and shared by all tasks; each task calls Build() for its own store.
//
// Example:
//
//   topology.AddStateStore(
//       kstreams::Stores::KeyValueStoreBuilder(
//           kstreams::Stores::PersistentKeyValueStore("counts"),
//           kstreams::serdes::String(), kstreams::serdes::Int64())
//           .WithCachingEnabled(),
//       {"count-processor"});
#ifndef KSTREAMS_STATE_STORES_H_
#define KSTREAMS_STATE_STORES_H_

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "kstreams/serde/serde.h"
#include "kstreams/state/internal/key_value_bytes_store.h"
#include "kstreams/state/internal/metered_key_value_store.h"
#include "kstreams/state/internal/metered_versioned_key_value_store.h"
#include "kstreams/state/key_value_store.h"
#include "kstreams/state/timestamped_key_value_store.h"
#include "kstreams/state/value_and_timestamp.h"
#include "kstreams/state/versioned_key_value_store.h"

namespace kstreams {

// Makes the bytes store of one task (Java's KeyValueBytesStoreSupplier).
class KeyValueBytesStoreSupplier {
 public:
  virtual ~KeyValueBytesStoreSupplier() = default;
  virtual const std::string& name() const = 0;
  // A new, uninitialized store each call.
  virtual std::unique_ptr<internal::KeyValueBytesStore> Get() const = 0;
  // "rocksdb" or "in-memory".
  virtual std::string metrics_scope() const = 0;
};
using KeyValueBytesStoreSupplierPtr = std::shared_ptr<const KeyValueBytesStoreSupplier>;

// Makes the bytes layer of a versioned store (Java's
// VersionedBytesStoreSupplier). It is a KeyValueBytesStoreSupplier so that
// Materialized::As accepts it; Get() returns the plain store the versions
// are kept in, GetVersioned() the versioned store itself.
class VersionedBytesStoreSupplier : public KeyValueBytesStoreSupplier {
 public:
  virtual std::unique_ptr<internal::VersionedBytesStore> GetVersioned() const = 0;
  virtual int64_t history_retention_ms() const = 0;
  virtual int64_t segment_interval_ms() const = 0;
};
using VersionedBytesStoreSupplierPtr = std::shared_ptr<const VersionedBytesStoreSupplier>;

// Builds versioned stores: Metered(typed) -> [ChangeLogging] -> versioned
// bytes store. No caching layer (as in Java). The changelog is created with
// min.compaction.lag.ms = history retention + 1 day, so compaction never
// removes versions that restoration still needs (Java's
// VersionedChangelogTopicConfig).
template <typename K, typename V>
class VersionedKeyValueStoreBuilder {
 public:
  VersionedKeyValueStoreBuilder(VersionedBytesStoreSupplierPtr supplier, SerdePtr<K> key_serde,
                                SerdePtr<V> value_serde)
      : supplier_(std::move(supplier)), key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)) {}
  VersionedKeyValueStoreBuilder& WithLoggingEnabled(std::map<std::string, std::string> config = {}) {
    logging_ = true;
    log_config_ = std::move(config);
    return *this;
  }
  VersionedKeyValueStoreBuilder& WithLoggingDisabled() {
    logging_ = false;
    log_config_.clear();
    return *this;
  }
  const std::string& name() const { return supplier_->name(); }
  bool logging_enabled() const { return logging_; }
  std::map<std::string, std::string> log_config() const {
    std::map<std::string, std::string> config = log_config_;
    config.emplace("min.compaction.lag.ms",
                   std::to_string(supplier_->history_retention_ms() + 24 * 3600 * 1000));
    return config;
  }
  std::unique_ptr<VersionedKeyValueStore<K, V>> Build() const {
    std::unique_ptr<internal::VersionedBytesStore> store = supplier_->GetVersioned();
    if (logging_) store = internal::NewChangeLoggingVersionedBytesStore(std::move(store));
    return std::make_unique<internal::MeteredVersionedKeyValueStore<K, V>>(
        std::move(store), key_serde_, value_serde_);
  }

 private:
  VersionedBytesStoreSupplierPtr supplier_;
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  bool logging_ = true;
  std::map<std::string, std::string> log_config_;
};

namespace internal {
// The builder behind KeyValueStoreBuilder and TimestampedKeyValueStoreBuilder.
template <typename K, typename V, typename Store, typename StoredValue>
class BasicKeyValueStoreBuilder {
 public:
  BasicKeyValueStoreBuilder(KeyValueBytesStoreSupplierPtr supplier, SerdePtr<K> key_serde,
                            SerdePtr<StoredValue> value_serde)
      : supplier_(std::move(supplier)), key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)) {}

  // Puts a record cache (statestore.cache.max.bytes, shared by the thread's
  // stores) in front of the store. Default: disabled.
  BasicKeyValueStoreBuilder& WithCachingEnabled() {
    caching_ = true;
    return *this;
  }
  BasicKeyValueStoreBuilder& WithCachingDisabled() {
    caching_ = false;
    return *this;
  }
  // Logs every write to "<application.id>-<store>-changelog", created with
  // `config` (topic configs such as "min.insync.replicas"). Default: enabled.
  BasicKeyValueStoreBuilder& WithLoggingEnabled(std::map<std::string, std::string> config = {}) {
    logging_ = true;
    log_config_ = std::move(config);
    return *this;
  }
  BasicKeyValueStoreBuilder& WithLoggingDisabled() {
    logging_ = false;
    log_config_.clear();
    return *this;
  }

  const std::string& name() const { return supplier_->name(); }
  bool caching_enabled() const { return caching_; }
  bool logging_enabled() const { return logging_; }
  const std::map<std::string, std::string>& log_config() const { return log_config_; }

  // A new store: Metered(typed) -> [Caching] -> [ChangeLogging] -> bytes.
  std::unique_ptr<Store> Build() const {
    std::unique_ptr<KeyValueBytesStore> store = supplier_->Get();
    if (logging_) store = NewChangeLoggingKeyValueBytesStore(std::move(store));
    if (caching_) store = NewCachingKeyValueBytesStore(std::move(store));
    return std::make_unique<MeteredKeyValueStore<K, StoredValue, Store>>(
        std::move(store), key_serde_, value_serde_);
  }

 private:
  KeyValueBytesStoreSupplierPtr supplier_;
  SerdePtr<K> key_serde_;
  SerdePtr<StoredValue> value_serde_;
  bool caching_ = false;
  bool logging_ = true;
  std::map<std::string, std::string> log_config_;
};
}  // namespace internal

template <typename K, typename V>
using KeyValueStoreBuilder =
    internal::BasicKeyValueStoreBuilder<K, V, KeyValueStore<K, V>, V>;
template <typename K, typename V>
using TimestampedKeyValueStoreBuilder =
    internal::BasicKeyValueStoreBuilder<K, V, TimestampedKeyValueStore<K, V>,
                                        ValueAndTimestamp<V>>;

class Stores {
 public:
  // A RocksDB store at <state.dir>/<application.id>/<task>/rocksdb/<name>.
  static KeyValueBytesStoreSupplierPtr PersistentKeyValueStore(std::string name);
  // Java keeps a different on-disk format for timestamped stores; here the
  // bytes store is the same and the builder adds the timestamp to the value.
  static KeyValueBytesStoreSupplierPtr PersistentTimestampedKeyValueStore(std::string name) {
    return PersistentKeyValueStore(std::move(name));
  }
  // An ordered in-memory map; rebuilt from the changelog after a restart.
  static KeyValueBytesStoreSupplierPtr InMemoryKeyValueStore(std::string name);

  // A versioned store (see versioned_key_value_store.h) keeping the history
  // of each key for `history_retention` (also the grace period of its
  // writes), in RocksDB at <state.dir>/<application.id>/<task>/rocksdb/<name>.
  // `segment_interval` is accepted for Java compatibility; history is purged
  // version by version, so it changes nothing here. Default: retention / 2
  // clamped to [60 s, 1 day] (Java's).
  static VersionedBytesStoreSupplierPtr PersistentVersionedKeyValueStore(
      std::string name, std::chrono::milliseconds history_retention,
      std::optional<std::chrono::milliseconds> segment_interval = std::nullopt);
  // The same semantics kept in memory (tests, small tables).
  static VersionedBytesStoreSupplierPtr InMemoryVersionedKeyValueStore(
      std::string name, std::chrono::milliseconds history_retention);

  // Serdes default by type when nullptr.
  template <typename K, typename V>
  static kstreams::KeyValueStoreBuilder<K, V> KeyValueStoreBuilder(
      KeyValueBytesStoreSupplierPtr supplier, SerdePtr<K> key_serde = nullptr,
      SerdePtr<V> value_serde = nullptr) {
    return kstreams::KeyValueStoreBuilder<K, V>(std::move(supplier),
                                                SerdeOrDefault<K>(std::move(key_serde)),
                                                SerdeOrDefault<V>(std::move(value_serde)));
  }
  template <typename K, typename V>
  static kstreams::TimestampedKeyValueStoreBuilder<K, V> TimestampedKeyValueStoreBuilder(
      KeyValueBytesStoreSupplierPtr supplier, SerdePtr<K> key_serde = nullptr,
      SerdePtr<V> value_serde = nullptr) {
    return kstreams::TimestampedKeyValueStoreBuilder<K, V>(
        std::move(supplier), SerdeOrDefault<K>(std::move(key_serde)),
        std::make_shared<ValueAndTimestampSerde<V>>(SerdeOrDefault<V>(std::move(value_serde))));
  }
  template <typename K, typename V>
  static kstreams::VersionedKeyValueStoreBuilder<K, V> VersionedKeyValueStoreBuilder(
      VersionedBytesStoreSupplierPtr supplier, SerdePtr<K> key_serde = nullptr,
      SerdePtr<V> value_serde = nullptr) {
    return kstreams::VersionedKeyValueStoreBuilder<K, V>(
        std::move(supplier), SerdeOrDefault<K>(std::move(key_serde)),
        SerdeOrDefault<V>(std::move(value_serde)));
  }
};

}  // namespace kstreams

#endif  // KSTREAMS_STATE_STORES_H_
