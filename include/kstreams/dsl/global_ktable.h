// kstreams/dsl/global_ktable.h
//
// GlobalKTable<K, V>: a table fully replicated into every instance (Java's
// GlobalKTable). StreamsBuilder::GlobalTable reads the whole topic (every
// partition) into a local store: KafkaStreams' global thread bootstraps it
// before any stream thread processes, then keeps it updated; the
// TopologyTestDriver updates it as soon as a record is piped to the topic.
// Streams join it with KStream::Join / LeftJoin(global_table, key_selector,
// joiner): the selector maps each stream record to the table's key, so no
// co-partitioning (and no repartitioning) is needed. The store is named by
// Materialized::As (queryable) or "<topic>-STATE-STORE-<n>"; it has no
// changelog: the topic is its log.
//
// Thread-compatible handle; the store it names is read by every stream
// thread while the global thread writes it (it is synchronized).
//
// Example:
//
//   auto countries = builder.GlobalTable<std::string, std::string>("countries");
//   orders.Join(countries,
//               [](const std::string&, const Order& o) { return o.country_code; },
//               [](const Order& o, const std::string& country) { return Label(o, country); });
#ifndef KSTREAMS_DSL_GLOBAL_KTABLE_H_
#define KSTREAMS_DSL_GLOBAL_KTABLE_H_

#include <memory>
#include <optional>
#include <string>

#include "kstreams/dsl/internal/value_getters.h"
#include "kstreams/processor/internal/topology_data.h"
#include "kstreams/serde/serde.h"

namespace kstreams {

template <typename K, typename V>
class GlobalKTable {
 public:
  using KeyType = K;
  using ValueType = V;

  // The global store's name (queryable through it).
  const std::string& queryable_store_name() const { return store_; }

  // Library use.
  GlobalKTable(std::shared_ptr<internal::TopologyData> data, std::string store,
               internal::ValueGetterSupplierPtr<K, V> getter)
      : data_(std::move(data)), store_(std::move(store)), getter_(std::move(getter)) {}
  const internal::ValueGetterSupplierPtr<K, V>& value_getter() const { return getter_; }
  const std::shared_ptr<internal::TopologyData>& data() const { return data_; }

 private:
  std::shared_ptr<internal::TopologyData> data_;
  std::string store_;
  internal::ValueGetterSupplierPtr<K, V> getter_;
};

}  // namespace kstreams

#endif  // KSTREAMS_DSL_GLOBAL_KTABLE_H_
