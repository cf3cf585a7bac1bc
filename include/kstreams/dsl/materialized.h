// kstreams/dsl/materialized.h
//
// Materialized<K, V>: how a KTable or aggregation keeps its state: the store
// name (which makes it queryable: TopologyTestDriver::GetKeyValueStore,
// KafkaStreams::Store), or a store supplier (key-value, window or session,
// e.g. in-memory), the store type, the serdes, whether the store is cached
// and change-logged, and (windowed aggregations) how long windows are kept.
// Defaults as in Kafka Streams: a RocksDB store with a generated name,
// caching enabled, logging enabled ("<application.id>-<store>-changelog"),
// retention = window size (or session gap) + grace.
//
// Value type.
//
// Example:
//   .Count(kstreams::Materialized<std::string, int64_t>::As("counts"))
//   .Count(kstreams::Materialized<std::string, int64_t>::As(
//       kstreams::Stores::InMemoryKeyValueStore("counts")).WithCachingDisabled())
//   .WindowedBy(kstreams::TimeWindows::OfSizeWithNoGrace(std::chrono::minutes(1)))
//   .Count(kstreams::Materialized<std::string, int64_t>::As("clicks")
//              .WithRetention(std::chrono::hours(1)))
#ifndef KSTREAMS_DSL_MATERIALIZED_H_
#define KSTREAMS_DSL_MATERIALIZED_H_

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "kstreams/serde/serde.h"
#include "kstreams/state/stores.h"

namespace kstreams {

// Which built-in store an aggregation makes when no supplier is given (Java's
// Materialized.StoreType).
enum class StoreType { kRocksDB, kInMemory };

template <typename K, typename V>
class Materialized {
 public:
  Materialized() = default;
  static Materialized As(std::string store_name) {
    Materialized m;
    m.store_name_ = std::move(store_name);
    m.given_ = true;
    return m;
  }
  static Materialized As(KeyValueBytesStoreSupplierPtr supplier) {
    Materialized m;
    m.store_name_ = supplier->name();
    m.supplier_ = std::move(supplier);
    m.given_ = true;
    return m;
  }
  // The store of a windowed aggregation over TimeWindows / SlidingWindows.
  static Materialized As(WindowBytesStoreSupplierPtr supplier) {
    Materialized m;
    m.store_name_ = supplier->name();
    m.window_supplier_ = std::move(supplier);
    m.given_ = true;
    return m;
  }
  // The store of a session-windowed aggregation.
  static Materialized As(SessionBytesStoreSupplierPtr supplier) {
    Materialized m;
    m.store_name_ = supplier->name();
    m.session_supplier_ = std::move(supplier);
    m.given_ = true;
    return m;
  }
  static Materialized With(SerdePtr<K> key_serde, SerdePtr<V> value_serde) {
    Materialized m;
    m.key_serde_ = std::move(key_serde);
    m.value_serde_ = std::move(value_serde);
    m.given_ = true;
    return m;
  }
  Materialized& WithKeySerde(SerdePtr<K> serde) & {
    key_serde_ = std::move(serde);
    given_ = true;
    return *this;
  }
  Materialized WithKeySerde(SerdePtr<K> serde) && {
    return std::move(WithKeySerde(std::move(serde)));
  }
  Materialized& WithValueSerde(SerdePtr<V> serde) & {
    value_serde_ = std::move(serde);
    given_ = true;
    return *this;
  }
  Materialized WithValueSerde(SerdePtr<V> serde) && {
    return std::move(WithValueSerde(std::move(serde)));
  }
  Materialized& WithCachingEnabled() & {
    caching_ = true;
    given_ = true;
    return *this;
  }
  Materialized WithCachingEnabled() && { return std::move(WithCachingEnabled()); }
  Materialized& WithCachingDisabled() & {
    caching_ = false;
    given_ = true;
    return *this;
  }
  Materialized WithCachingDisabled() && { return std::move(WithCachingDisabled()); }
  Materialized& WithLoggingEnabled(std::map<std::string, std::string> config = {}) & {
    logging_ = true;
    log_config_ = std::move(config);
    given_ = true;
    return *this;
  }
  Materialized WithLoggingEnabled(std::map<std::string, std::string> config = {}) && {
    return std::move(WithLoggingEnabled(std::move(config)));
  }
  Materialized& WithLoggingDisabled() & {
    logging_ = false;
    given_ = true;
    return *this;
  }
  Materialized WithLoggingDisabled() && { return std::move(WithLoggingDisabled()); }
  // Windowed aggregations: keep windows this long after the newest window
  // (at least window size + grace). Ignored when a supplier is given.
  Materialized& WithRetention(std::chrono::milliseconds retention) & {
    retention_ = retention.count();
    given_ = true;
    return *this;
  }
  Materialized WithRetention(std::chrono::milliseconds retention) && {
    return std::move(WithRetention(std::move(retention)));
  }
  // RocksDB (default) or in-memory, when no supplier is given.
  Materialized& WithStoreType(StoreType type) & {
    store_type_ = type;
    given_ = true;
    return *this;
  }
  Materialized WithStoreType(StoreType type) && {
    return std::move(WithStoreType(std::move(type)));
  }

  // True when the user passed a Materialized (a KTable operator then keeps a
  // store even where it would not need one).
  bool given() const { return given_; }
  const std::optional<std::string>& store_name() const { return store_name_; }
  const KeyValueBytesStoreSupplierPtr& supplier() const { return supplier_; }
  const WindowBytesStoreSupplierPtr& window_supplier() const { return window_supplier_; }
  const SessionBytesStoreSupplierPtr& session_supplier() const { return session_supplier_; }
  const std::optional<int64_t>& retention() const { return retention_; }
  StoreType store_type() const { return store_type_; }
  const SerdePtr<K>& key_serde() const { return key_serde_; }
  const SerdePtr<V>& value_serde() const { return value_serde_; }
  bool caching_enabled() const { return caching_; }
  bool logging_enabled() const { return logging_; }
  const std::map<std::string, std::string>& log_config() const { return log_config_; }

 private:
  bool given_ = false;
  std::optional<std::string> store_name_;
  KeyValueBytesStoreSupplierPtr supplier_;
  WindowBytesStoreSupplierPtr window_supplier_;
  SessionBytesStoreSupplierPtr session_supplier_;
  std::optional<int64_t> retention_;
  StoreType store_type_ = StoreType::kRocksDB;
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  bool caching_ = true;
  bool logging_ = true;
  std::map<std::string, std::string> log_config_;
};

}  // namespace kstreams

#endif  // KSTREAMS_DSL_MATERIALIZED_H_
