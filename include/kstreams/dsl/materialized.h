// kstreams/dsl/materialized.h
//
// Materialized<K, V>: how a KTable or aggregation keeps its state: the store
// name (which makes it queryable: TopologyTestDriver::GetKeyValueStore,
// KafkaStreams::Store), or a store supplier (e.g. in-memory), the serdes, and
// whether the store is cached and change-logged. Defaults as in Kafka
// Streams: a RocksDB store with a generated name, caching enabled, logging
// enabled ("<application.id>-<store>-changelog").
//
// Value type.
//
// Example:
//   .Count(kstreams::Materialized<std::string, int64_t>::As("counts"))
//   .Count(kstreams::Materialized<std::string, int64_t>::As(
//       kstreams::Stores::InMemoryKeyValueStore("counts")).WithCachingDisabled())
#ifndef KSTREAMS_DSL_MATERIALIZED_H_
#define KSTREAMS_DSL_MATERIALIZED_H_

#include <map>
#include <optional>
#include <string>

#include "kstreams/serde/serde.h"
#include "kstreams/state/stores.h"

namespace kstreams {

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
  static Materialized With(SerdePtr<K> key_serde, SerdePtr<V> value_serde) {
    Materialized m;
    m.key_serde_ = std::move(key_serde);
    m.value_serde_ = std::move(value_serde);
    m.given_ = true;
    return m;
  }
  Materialized WithKeySerde(SerdePtr<K> serde) && {
    key_serde_ = std::move(serde);
    given_ = true;
    return std::move(*this);
  }
  Materialized WithValueSerde(SerdePtr<V> serde) && {
    value_serde_ = std::move(serde);
    given_ = true;
    return std::move(*this);
  }
  Materialized WithCachingEnabled() && {
    caching_ = true;
    given_ = true;
    return std::move(*this);
  }
  Materialized WithCachingDisabled() && {
    caching_ = false;
    given_ = true;
    return std::move(*this);
  }
  Materialized WithLoggingEnabled(std::map<std::string, std::string> config = {}) && {
    logging_ = true;
    log_config_ = std::move(config);
    given_ = true;
    return std::move(*this);
  }
  Materialized WithLoggingDisabled() && {
    logging_ = false;
    given_ = true;
    return std::move(*this);
  }

  // True when the user passed a Materialized (a KTable operator then keeps a
  // store even where it would not need one).
  bool given() const { return given_; }
  const std::optional<std::string>& store_name() const { return store_name_; }
  const KeyValueBytesStoreSupplierPtr& supplier() const { return supplier_; }
  const SerdePtr<K>& key_serde() const { return key_serde_; }
  const SerdePtr<V>& value_serde() const { return value_serde_; }
  bool caching_enabled() const { return caching_; }
  bool logging_enabled() const { return logging_; }
  const std::map<std::string, std::string>& log_config() const { return log_config_; }

 private:
  bool given_ = false;
  std::optional<std::string> store_name_;
  KeyValueBytesStoreSupplierPtr supplier_;
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  bool caching_ = true;
  bool logging_ = true;
  std::map<std::string, std::string> log_config_;
};

}  // namespace kstreams

#endif  // KSTREAMS_DSL_MATERIALIZED_H_
