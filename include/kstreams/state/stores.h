// kstreams/state/stores.h
//
// Stores: the factory for store suppliers and builders (Java's Stores). A
// supplier makes the bytes store (RocksDB or in-memory); a builder adds the
// serdes and the optional caching and change-logging layers, and is what
// Topology::AddStateStore takes. Key-value, window and session stores.
// Defaults as in Kafka Streams: logging enabled (changelog topic
// "<application.id>-<store>-changelog"; for window and session stores
// compacted and deleted after retention + 1 day), caching disabled.
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
//   topology.AddStateStore(
//       kstreams::Stores::WindowStoreBuilder<std::string, std::string>(
//           kstreams::Stores::PersistentWindowStore("joined", std::chrono::minutes(10),
//                                                   std::chrono::minutes(5),
//                                                   /*retain_duplicates=*/true)),
//       {"join-processor"});
#ifndef KSTREAMS_STATE_STORES_H_
#define KSTREAMS_STATE_STORES_H_

#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "kstreams/serde/serde.h"
#include "kstreams/state/internal/key_value_bytes_store.h"
#include "kstreams/state/internal/metered_key_value_store.h"
#include "kstreams/state/internal/metered_versioned_key_value_store.h"
#include "kstreams/state/internal/metered_window_store.h"
#include "kstreams/state/internal/segmented_bytes_store.h"
#include "kstreams/state/key_value_store.h"
#include "kstreams/state/session_store.h"
#include "kstreams/state/timestamped_key_value_store.h"
#include "kstreams/state/value_and_timestamp.h"
#include "kstreams/state/versioned_key_value_store.h"
#include "kstreams/state/window_store.h"

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
// Makes the bytes store of a window store for one task (Java's
// WindowBytesStoreSupplier). Times in milliseconds.
class WindowBytesStoreSupplier {
 public:
  virtual ~WindowBytesStoreSupplier() = default;
  virtual const std::string& name() const = 0;
  // A new, uninitialized store each call (one whose Init fails with status()
  // when the supplier's arguments are invalid).
  virtual std::unique_ptr<internal::SegmentedBytesStore> Get() const = 0;
  virtual int64_t retention_period() const = 0;
  virtual int64_t window_size() const = 0;
  virtual int64_t segment_interval() const = 0;
  virtual bool retain_duplicates() const = 0;
  // "rocksdb-window" or "in-memory-window".
  virtual std::string metrics_scope() const = 0;
  // OK, or what is wrong with the arguments (Topology::AddStateStore and the
  // DSL report it in Topology::status()).
  virtual const absl::Status& status() const = 0;
};
using WindowBytesStoreSupplierPtr = std::shared_ptr<const WindowBytesStoreSupplier>;

// Makes the bytes store of a session store for one task (Java's
// SessionBytesStoreSupplier).
class SessionBytesStoreSupplier {
 public:
  virtual ~SessionBytesStoreSupplier() = default;
  virtual const std::string& name() const = 0;
  virtual std::unique_ptr<internal::SegmentedBytesStore> Get() const = 0;
  virtual int64_t retention_period() const = 0;
  virtual int64_t segment_interval() const = 0;
  // "rocksdb-session" or "in-memory-session".
  virtual std::string metrics_scope() const = 0;
  virtual const absl::Status& status() const = 0;
};
using SessionBytesStoreSupplierPtr = std::shared_ptr<const SessionBytesStoreSupplier>;

namespace internal {

// The caching and logging switches every store builder has, returning the
// builder itself so calls chain. Defaults as Java's: caching off, logging on.
template <typename Builder>
class StoreBuilderOptions {
 public:
  // Puts a record cache (statestore.cache.max.bytes, shared by the thread's
  // stores) in front of the store. Default: disabled.
  Builder& WithCachingEnabled() {
    caching_ = true;
    return static_cast<Builder&>(*this);
  }
  Builder& WithCachingDisabled() {
    caching_ = false;
    return static_cast<Builder&>(*this);
  }
  // Logs every write to "<application.id>-<store>-changelog", created with
  // `config` (topic configs such as "min.insync.replicas"). Default: enabled.
  Builder& WithLoggingEnabled(std::map<std::string, std::string> config = {}) {
    logging_ = true;
    log_config_ = std::move(config);
    return static_cast<Builder&>(*this);
  }
  Builder& WithLoggingDisabled() {
    logging_ = false;
    log_config_.clear();
    return static_cast<Builder&>(*this);
  }
  bool caching_enabled() const { return caching_; }
  bool logging_enabled() const { return logging_; }

 protected:
  bool caching_ = false;
  bool logging_ = true;
  std::map<std::string, std::string> log_config_;
};

// The builder behind KeyValueStoreBuilder and TimestampedKeyValueStoreBuilder.
template <typename K, typename V, typename Store, typename StoredValue>
class BasicKeyValueStoreBuilder
    : public StoreBuilderOptions<BasicKeyValueStoreBuilder<K, V, Store, StoredValue>> {
 public:
  BasicKeyValueStoreBuilder(KeyValueBytesStoreSupplierPtr supplier, SerdePtr<K> key_serde,
                            SerdePtr<StoredValue> value_serde)
      : supplier_(std::move(supplier)), key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)) {}

  const std::string& name() const { return supplier_->name(); }
  const std::map<std::string, std::string>& log_config() const { return this->log_config_; }

  // A new store: Metered(typed) -> [Caching] -> [ChangeLogging] -> bytes.
  std::unique_ptr<Store> Build() const {
    std::unique_ptr<KeyValueBytesStore> store = supplier_->Get();
    if (this->logging_) {
      store = NewChangeLoggingKeyValueBytesStore(std::move(store),
                                                 IsValueAndTimestamp<StoredValue>::value);
    }
    if (this->caching_) store = NewCachingKeyValueBytesStore(std::move(store));
    return std::make_unique<MeteredKeyValueStore<K, StoredValue, Store>>(
        std::move(store), key_serde_, value_serde_);
  }

 private:
  KeyValueBytesStoreSupplierPtr supplier_;
  SerdePtr<K> key_serde_;
  SerdePtr<StoredValue> value_serde_;
};

// Topic configs of a windowed changelog: compacted and deleted after the
// store's retention plus a day (Java's WindowedChangelogTopicConfig with
// windowstore.changelog.additional.retention.ms = 86400000, its default; the
// runtime applies the configured value); `user` wins.
inline std::map<std::string, std::string> WindowedChangelogConfig(
    int64_t retention_ms, const std::map<std::string, std::string>& user) {
  std::map<std::string, std::string> config = user;
  constexpr int64_t kAdditionalRetentionMs = 24 * 60 * 60 * 1000;
  config.emplace("cleanup.policy", "compact,delete");
  config.emplace("retention.ms",
                 std::to_string(SaturatingAdd(retention_ms, kAdditionalRetentionMs)));
  return config;
}

// The builder behind WindowStoreBuilder and TimestampedWindowStoreBuilder.
template <typename K, typename V, typename Store, typename StoredValue>
class BasicWindowStoreBuilder
    : public StoreBuilderOptions<BasicWindowStoreBuilder<K, V, Store, StoredValue>> {
 public:
  BasicWindowStoreBuilder(WindowBytesStoreSupplierPtr supplier, SerdePtr<K> key_serde,
                          SerdePtr<StoredValue> value_serde)
      : supplier_(std::move(supplier)), key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)) {}

  const std::string& name() const { return supplier_->name(); }
  const absl::Status& status() const { return supplier_->status(); }
  const WindowBytesStoreSupplierPtr& supplier() const { return supplier_; }
  std::map<std::string, std::string> log_config() const {
    return WindowedChangelogConfig(supplier_->retention_period(), this->log_config_);
  }
  // The store's retention, to which the runtime adds
  // windowstore.changelog.additional.retention.ms for the changelog's
  // retention.ms; nullopt when the log config sets retention.ms itself.
  std::optional<int64_t> windowed_changelog_retention_ms() const {
    if (this->log_config_.contains("retention.ms")) return std::nullopt;
    return supplier_->retention_period();
  }

  // A new store: Metered(typed) -> [Caching] -> [ChangeLogging] -> bytes. As
  // in Java, a store retaining duplicates is never cached.
  std::unique_ptr<Store> Build() const {
    std::unique_ptr<SegmentedBytesStore> store = supplier_->Get();
    if (this->logging_) {
      store = NewChangeLoggingSegmentedBytesStore(std::move(store),
                                                  IsValueAndTimestamp<StoredValue>::value);
    }
    if (this->caching_ && !supplier_->retain_duplicates()) {
      store = NewCachingSegmentedBytesStore(std::move(store));
    }
    return std::make_unique<MeteredWindowStore<K, StoredValue, Store>>(
        std::move(store), key_serde_, value_serde_, supplier_->window_size(),
        supplier_->retain_duplicates());
  }

 private:
  WindowBytesStoreSupplierPtr supplier_;
  SerdePtr<K> key_serde_;
  SerdePtr<StoredValue> value_serde_;
};

template <typename K, typename V>
class BasicSessionStoreBuilder : public StoreBuilderOptions<BasicSessionStoreBuilder<K, V>> {
 public:
  BasicSessionStoreBuilder(SessionBytesStoreSupplierPtr supplier, SerdePtr<K> key_serde,
                           SerdePtr<V> value_serde)
      : supplier_(std::move(supplier)), key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)) {}

  const std::string& name() const { return supplier_->name(); }
  const absl::Status& status() const { return supplier_->status(); }
  const SessionBytesStoreSupplierPtr& supplier() const { return supplier_; }
  std::map<std::string, std::string> log_config() const {
    return WindowedChangelogConfig(supplier_->retention_period(), this->log_config_);
  }
  // The store's retention, to which the runtime adds
  // windowstore.changelog.additional.retention.ms for the changelog's
  // retention.ms; nullopt when the log config sets retention.ms itself.
  std::optional<int64_t> windowed_changelog_retention_ms() const {
    if (this->log_config_.contains("retention.ms")) return std::nullopt;
    return supplier_->retention_period();
  }

  std::unique_ptr<SessionStore<K, V>> Build() const {
    std::unique_ptr<SegmentedBytesStore> store = supplier_->Get();
    if (this->logging_) store = NewChangeLoggingSegmentedBytesStore(std::move(store));
    if (this->caching_) store = NewCachingSegmentedBytesStore(std::move(store));
    return std::make_unique<MeteredSessionStore<K, V>>(std::move(store), key_serde_,
                                                       value_serde_);
  }

 private:
  SessionBytesStoreSupplierPtr supplier_;
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
};

}  // namespace internal

template <typename K, typename V>
using KeyValueStoreBuilder =
    internal::BasicKeyValueStoreBuilder<K, V, KeyValueStore<K, V>, V>;
template <typename K, typename V>
using TimestampedKeyValueStoreBuilder =
    internal::BasicKeyValueStoreBuilder<K, V, TimestampedKeyValueStore<K, V>,
                                        ValueAndTimestamp<V>>;
template <typename K, typename V>
using WindowStoreBuilder = internal::BasicWindowStoreBuilder<K, V, WindowStore<K, V>, V>;
template <typename K, typename V>
using TimestampedWindowStoreBuilder =
    internal::BasicWindowStoreBuilder<K, V, TimestampedWindowStore<K, V>, ValueAndTimestamp<V>>;
template <typename K, typename V>
using SessionStoreBuilder = internal::BasicSessionStoreBuilder<K, V>;

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
  // version by version, so it changes nothing here. Default: Java's
  // (e.g. retention / 5, at least 20 s, for retentions up to 5 minutes).
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

  // Window stores. Windows are kept `retention` after the newest window
  // start written; `window_size` gives the end of the windows the store
  // returns; `retain_duplicates` keeps every Put (stream-stream joins).
  // Segments: max(retention / 2, 60 s) of window starts each.
  // Invalid arguments (negative times, window size above the retention) are
  // reported by the topology (supplier status()), as Java throws them.
  //
  // RocksDB at <state.dir>/<application.id>/<task>/rocksdb/<name>, one
  // column family per segment.
  static WindowBytesStoreSupplierPtr PersistentWindowStore(std::string name,
                                                           std::chrono::milliseconds retention,
                                                           std::chrono::milliseconds window_size,
                                                           bool retain_duplicates);
  // As for key-value stores, the bytes store is the same; the timestamped
  // builder adds the timestamp to the value.
  static WindowBytesStoreSupplierPtr PersistentTimestampedWindowStore(
      std::string name, std::chrono::milliseconds retention,
      std::chrono::milliseconds window_size, bool retain_duplicates) {
    return PersistentWindowStore(std::move(name), retention, window_size, retain_duplicates);
  }
  // Ordered maps, one per segment; rebuilt from the changelog after a restart.
  static WindowBytesStoreSupplierPtr InMemoryWindowStore(std::string name,
                                                         std::chrono::milliseconds retention,
                                                         std::chrono::milliseconds window_size,
                                                         bool retain_duplicates);

  // Session stores: sessions are kept `retention` after the newest session
  // end written. Segments: max(retention / 2, 60 s) of session ends each.
  static SessionBytesStoreSupplierPtr PersistentSessionStore(std::string name,
                                                             std::chrono::milliseconds retention);
  static SessionBytesStoreSupplierPtr InMemorySessionStore(std::string name,
                                                           std::chrono::milliseconds retention);

  // Serdes default by type when nullptr.
  template <typename K, typename V>
  static kstreams::WindowStoreBuilder<K, V> WindowStoreBuilder(
      WindowBytesStoreSupplierPtr supplier, SerdePtr<K> key_serde = nullptr,
      SerdePtr<V> value_serde = nullptr) {
    return kstreams::WindowStoreBuilder<K, V>(std::move(supplier),
                                              SerdeOrDefault<K>(std::move(key_serde)),
                                              SerdeOrDefault<V>(std::move(value_serde)));
  }
  template <typename K, typename V>
  static kstreams::TimestampedWindowStoreBuilder<K, V> TimestampedWindowStoreBuilder(
      WindowBytesStoreSupplierPtr supplier, SerdePtr<K> key_serde = nullptr,
      SerdePtr<V> value_serde = nullptr) {
    return kstreams::TimestampedWindowStoreBuilder<K, V>(
        std::move(supplier), SerdeOrDefault<K>(std::move(key_serde)),
        std::make_shared<ValueAndTimestampSerde<V>>(SerdeOrDefault<V>(std::move(value_serde))));
  }
  template <typename K, typename V>
  static kstreams::SessionStoreBuilder<K, V> SessionStoreBuilder(
      SessionBytesStoreSupplierPtr supplier, SerdePtr<K> key_serde = nullptr,
      SerdePtr<V> value_serde = nullptr) {
    return kstreams::SessionStoreBuilder<K, V>(std::move(supplier),
                                               SerdeOrDefault<K>(std::move(key_serde)),
                                               SerdeOrDefault<V>(std::move(value_serde)));
  }
};

}  // namespace kstreams

#endif  // KSTREAMS_STATE_STORES_H_
