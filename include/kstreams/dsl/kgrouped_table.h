// kstreams/dsl/kgrouped_table.h
//
// KGroupedTable<K, V>: a table regrouped by KTable::GroupBy, ready to
// aggregate (Java's KGroupedTable). Every update subtracts the old value from
// its old group and adds the new value to its new group, so Aggregate and
// Reduce take an adder and a subtractor. The records always go through the
// repartition topic "<application.id>-<grouped name or store name>-repartition".
//
// Thread-compatible: build from one thread.
//
// Example:
//
//   KTable<std::string, int64_t> users_per_region =
//       users.GroupBy([](const std::string& id, const User& u) {
//              return kstreams::KeyValue<std::string, std::string>(u.region, id);
//            })
//           .Count();
#ifndef KSTREAMS_DSL_KGROUPED_TABLE_H_
#define KSTREAMS_DSL_KGROUPED_TABLE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "kstreams/dsl/change.h"
#include "kstreams/dsl/grouped.h"
#include "kstreams/dsl/internal/dsl_forward.h"
#include "kstreams/dsl/internal/fk_join_nodes.h"
#include "kstreams/dsl/internal/graph.h"
#include "kstreams/dsl/internal/join_nodes.h"
#include "kstreams/dsl/internal/stateless_nodes.h"
#include "kstreams/dsl/internal/table_nodes.h"
#include "kstreams/dsl/internal/table_support.h"
#include "kstreams/dsl/internal/window_nodes.h"
#include "kstreams/dsl/materialized.h"
#include "kstreams/dsl/named.h"
#include "kstreams/dsl/suppressed.h"
#include "kstreams/dsl/table_joined.h"
#include "kstreams/dsl/windows.h"
#include "kstreams/internal/topic_names.h"

namespace kstreams {

// A table regrouped by KTable::GroupBy, ready to aggregate (Java's
// KGroupedTable): every update subtracts the old value from its old group
// and adds the new value to its new group.
template <typename K, typename V>
class KGroupedTable {
 public:
  KTable<K, int64_t> Count(const Named& named = {},
                           const Materialized<K, int64_t>& materialized = {}) const {
    Materialized<K, int64_t> m = materialized;
    if (!m.value_serde()) m = std::move(m).WithValueSerde(serdes::Int64());
    return DoAggregate<int64_t>(
        [] { return int64_t{0}; }, [](const K&, V&&, int64_t agg) { return agg + 1; },
        [](const K&, V&&, int64_t agg) { return agg - 1; }, named, m,
        "KTABLE-AGGREGATE-STATE-STORE-", "KTABLE-AGGREGATE-");
  }
  KTable<K, int64_t> Count(const Materialized<K, int64_t>& materialized) const {
    return Count(Named(), materialized);
  }

  // adder(aggregate, new value) and subtractor(aggregate, old value) -> V.
  template <typename Add, typename Sub>
  KTable<K, V> Reduce(Add adder, Sub subtractor, const Named& named = {},
                      const Materialized<K, V>& materialized = {}) const {
    static_assert(std::is_invocable_r_v<V, Add&, V&&, V&&> &&
                      std::is_invocable_r_v<V, Sub&, V&&, V&&>,
                  "KGroupedTable::Reduce expects adder V(V aggregate, V value) and "
                  "subtractor V(V aggregate, V old_value)");
    Materialized<K, V> m = materialized;
    if (!m.value_serde() && value_serde_) m = std::move(m).WithValueSerde(value_serde_);
    return DoAggregate<V>(
        nullptr, [adder](const K&, V&& v, V&& agg) { return adder(std::move(agg), std::move(v)); },
        [subtractor](const K&, V&& v, V&& agg) {
          return subtractor(std::move(agg), std::move(v));
        },
        named, m, "KTABLE-REDUCE-STATE-STORE-", "KTABLE-REDUCE-");
  }

  // initializer() -> VA; adder(key, new value, aggregate) and
  // subtractor(key, old value, aggregate) -> VA.
  template <typename Init, typename Add, typename Sub,
            typename VA = std::remove_cvref_t<std::invoke_result_t<Init&>>>
  KTable<K, VA> Aggregate(Init initializer, Add adder, Sub subtractor, const Named& named = {},
                          const Materialized<K, VA>& materialized = {}) const {
    static_assert(std::is_invocable_r_v<VA, Add&, const K&, V&&, VA&&> &&
                      std::is_invocable_r_v<VA, Sub&, const K&, V&&, VA&&>,
                  "KGroupedTable::Aggregate expects initializer VA(), adder "
                  "VA(const K& key, V value, VA aggregate) and subtractor "
                  "VA(const K& key, V old_value, VA aggregate)");
    return DoAggregate<VA>(std::move(initializer), std::move(adder), std::move(subtractor), named,
                           materialized, "KTABLE-AGGREGATE-STATE-STORE-", "KTABLE-AGGREGATE-");
  }
  template <typename Init, typename Add, typename Sub,
            typename VA = std::remove_cvref_t<std::invoke_result_t<Init&>>>
  KTable<K, VA> Aggregate(Init initializer, Add adder, Sub subtractor,
                          const Materialized<K, VA>& materialized) const {
    return Aggregate(std::move(initializer), std::move(adder), std::move(subtractor), Named(),
                     materialized);
  }

  // Library use.
  KGroupedTable(std::shared_ptr<internal::TopologyData> data, std::string node,
                std::optional<std::string> name, SerdePtr<K> key_serde, SerdePtr<V> value_serde)
      : data_(std::move(data)), node_(std::move(node)), name_(std::move(name)),
        key_serde_(std::move(key_serde)), value_serde_(std::move(value_serde)) {}

 private:
  template <typename VA, typename Init, typename Add, typename Sub>
  KTable<K, VA> DoAggregate(Init init, Add add, Sub sub, const Named& named,
                            const Materialized<K, VA>& materialized, std::string_view store_prefix,
                            std::string_view node_prefix) const {
    internal::TopologyData& data = *data_;
    std::string store =
        internal::AddTableStore<K, VA>(data_, materialized, store_prefix, key_serde_, nullptr);
    // Always through a repartition topic "<grouped name or store>-repartition"
    // carrying Change<V> (Java's KGroupedTableImpl).
    std::string sink = internal::GeneratedName(data, "KSTREAM-SINK-");
    std::string source = internal::GeneratedName(data, "KSTREAM-SOURCE-");
    std::string name = internal::NameFor(data, named, node_prefix);
    std::string topic = internal::RepartitionTopicBase(name_ ? *name_ : store);
    data.AddInternalTopic({topic, std::nullopt});
    SerdePtr<K> key_serde = SerdeOrDefault<K>(key_serde_);
    SerdePtr<V> value_serde = SerdeOrDefault<V>(value_serde_);
    SerdePtr<Change<V>> change_serde;
    if (value_serde) change_serde = std::make_shared<ChangeSerde<V>>(value_serde);
    Topology topology(data_);
    topology.AddSink<K, Change<V>>(sink, topic, {node_}, key_serde, change_serde);
    topology.AddSource<K, Change<V>>(source, {topic}, key_serde, change_serde);
    auto origin = std::make_shared<internal::TableOrigin>();
    origin->materialized = true;
    internal::AddProcessorNode<K, Change<V>, K, Change<VA>>(
        data, name, {source},
        [name, store, init, add, sub, send_old = origin->send_old_values]() {
          return std::make_unique<internal::TableAggregateNode<K, V, VA, Init, Add, Sub>>(
              name, store, send_old, init, add, sub);
        },
        {store});
    return KTable<K, VA>(data_, name,
                         materialized.key_serde() ? materialized.key_serde() : key_serde_,
                         materialized.value_serde(), store, origin);
  }

  std::shared_ptr<internal::TopologyData> data_;
  std::string node_;
  std::optional<std::string> name_;
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
};

}  // namespace kstreams

// The table its aggregations return.
#include "kstreams/dsl/ktable.h"

#endif  // KSTREAMS_DSL_KGROUPED_TABLE_H_
