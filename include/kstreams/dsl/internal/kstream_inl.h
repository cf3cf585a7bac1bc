// kstreams/dsl/internal/kstream_inl.h  (internal: not for users)
//
// The members of KStream (kstream.h) that build other DSL types: Split (a
// BranchedKStream), GroupByKey/GroupBy (a KGroupedStream), ToTable and the
// KStream-KTable and KStream-GlobalKTable joins. The stream-stream joins are
// in kstream_joins.h. kstream.h includes it at its end; it brings every type
// KStream's operators return.
#ifndef KSTREAMS_DSL_INTERNAL_KSTREAM_INL_H_
#define KSTREAMS_DSL_INTERNAL_KSTREAM_INL_H_

#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "kstreams/dsl/branched_kstream.h"
#include "kstreams/dsl/global_ktable.h"
#include "kstreams/dsl/internal/join_nodes.h"
#include "kstreams/dsl/internal/kstream_joins.h"
#include "kstreams/dsl/internal/table_nodes.h"
#include "kstreams/dsl/internal/table_support.h"
#include "kstreams/dsl/kgrouped_stream.h"
#include "kstreams/dsl/kstream.h"
#include "kstreams/dsl/ktable.h"

namespace kstreams {

template <typename K, typename V>
BranchedKStream<K, V> KStream<K, V>::Split(const Named& named) const {
  return BranchedKStream<K, V>(*this, named);
}

// ---------------------------------------------------------------------------
// KStream operators that produce tables and grouped streams.

template <typename K, typename V>
KGroupedStream<K, V> KStream<K, V>::GroupByKey(const Grouped<K, V>& grouped) const {
  return KGroupedStream<K, V>(*this, grouped.name(),
                              grouped.key_serde() ? grouped.key_serde() : key_serde_,
                              grouped.value_serde() ? grouped.value_serde() : value_serde_);
}

template <typename K, typename V>
template <typename F, typename KR>
KGroupedStream<KR, V> KStream<K, V>::GroupBy(F selector, const Grouped<KR, V>& grouped) const {
  static_assert(std::is_invocable_v<F&, const K&, const V&>,
                "GroupBy expects KR(const K& key, const V& value)");
  // Java names the key selector after the Grouped name when one is given.
  KStream<KR, V> rekeyed = SelectKey(std::move(selector), Named::As(grouped.name().value_or("")));
  return KGroupedStream<KR, V>(rekeyed, grouped.name(), grouped.key_serde(),
                               grouped.value_serde() ? grouped.value_serde() : value_serde_);
}

template <typename K, typename V>
KTable<K, V> KStream<K, V>::ToTable(const Named& named, const Materialized<K, V>& materialized) const {
  std::string store = internal::AddTableStore<K, V>(data_, materialized, "KSTREAM-TOTABLE-STATE-STORE-",
                                                    key_serde_, value_serde_,
                                                    /*allow_versioned=*/true);
  std::string name = internal::NameFor(*data_, named, "KSTREAM-TOTABLE-");
  std::string source = node_;
  if (repartition_required_) {
    source = ThroughRepartitionTopic(name, key_serde_, value_serde_, std::nullopt, nullptr)
                 .node_name();
  }
  auto origin = std::make_shared<internal::TableOrigin>();
  origin->materialized = true;
  internal::AddProcessorNode<K, V, K, Change<V>>(
      *data_, name, {source},
      [name, store, send_old = origin->send_old_values]() {
        return std::make_unique<internal::TableSourceNode<K, V, V>>(name, store, send_old);
      },
      {store});
  return KTable<K, V>(data_, name, materialized.key_serde() ? materialized.key_serde() : key_serde_,
                      materialized.value_serde() ? materialized.value_serde() : value_serde_,
                      materialized.store_name(), origin,
                      internal::StoreGetterSupplier<K, V>(store, internal::IsVersioned(materialized)));
}

template <typename K, typename V>
template <bool kLeft, typename VT, typename J>
auto KStream<K, V>::StreamTableJoin(const KTable<K, VT>& table, J joiner,
                                    const Joined<K, V, VT>& joined) const {
  constexpr internal::JoinKind kKind = kLeft ? internal::JoinKind::kLeft : internal::JoinKind::kInner;
  static_assert(internal::kKindJoinerCallable<kKind, J, K, V, VT>,
                "KStream::Join(KTable) expects VR(const V& value, const VT& table_value); "
                "LeftJoin expects VR(const V& value, const std::optional<VT>& table_value); "
                "either may take const K& key first");
  using VR = internal::KindJoinerResult<kKind, J, K, V, VT>;
  internal::TopologyData& data = *data_;
  KStream<K, V> input = *this;
  SerdePtr<K> key_serde = joined.key_serde() ? joined.key_serde() : key_serde_;
  if (repartition_required_) {
    input = ThroughRepartitionTopic(joined.name() ? *joined.name() : node_, key_serde,
                                    joined.value_serde() ? joined.value_serde() : value_serde_,
                                    std::nullopt, nullptr);
  }
  std::string name =
      internal::NameFor(data, joined.name(), kLeft ? "KSTREAM-LEFTJOIN-" : "KSTREAM-JOIN-");
  internal::ValueGetterSupplierPtr<K, VT> getter = table.value_getter();
  if (!getter) {
    data.SetError(absl::InvalidArgumentError(internal::StrCat(
        "join '", name, "': table '", table.node_name(), "' cannot be read (no value getter)")));
    return KStream<K, VR>(data_, node_, key_serde, nullptr, false);
  }
  data.AddCopartitionGroup({input.node_name(), table.node_name()});
  std::vector<std::string> stores = getter->stores;
  std::shared_ptr<internal::StreamTableGrace<K, V>> grace;
  if (joined.grace_period()) {
    if (!getter->versioned) {
      data.SetError(absl::InvalidArgumentError(internal::StrCat(
          "join '", name, "': a grace period needs a versioned table (materialize it with "
          "Stores::PersistentVersionedKeyValueStore)")));
      return KStream<K, VR>(data_, node_, key_serde, nullptr, false);
    }
    grace = std::make_shared<internal::StreamTableGrace<K, V>>();
    grace->grace_ms = joined.grace_period()->count();
    grace->store = name + "-Buffer";
    grace->key_serde = SerdeOrDefault<K>(key_serde);
    grace->value_serde =
        SerdeOrDefault<V>(joined.value_serde() ? joined.value_serde() : value_serde_);
    if (!grace->key_serde || !grace->value_serde) {
      data.SetError(absl::InvalidArgumentError(internal::StrCat(
          "join '", name, "': the grace buffer needs key and value serdes; pass them with "
          "Joined::With")));
      return KStream<K, VR>(data_, node_, key_serde, nullptr, false);
    }
    Topology(data_).AddStateStore(Stores::KeyValueStoreBuilder<std::string, std::string>(
        Stores::PersistentKeyValueStore(grace->store), serdes::String(), serdes::String()));
    stores.push_back(grace->store);
  }
  std::shared_ptr<const internal::StreamTableGrace<K, V>> grace_spec = grace;
  auto identity = [](const K& key, const V&) -> const K& { return key; };
  internal::AddProcessorNode<K, V, K, VR>(
      data, name, {input.node_name()},
      [name, getter, identity, joiner, grace_spec]() {
        return std::make_unique<internal::StreamTableJoinNode<K, V, K, VT, VR, decltype(identity),
                                                              J, kLeft>>(name, getter, identity,
                                                                         joiner, grace_spec);
      },
      stores);
  return KStream<K, VR>(data_, name, key_serde, nullptr, false);
}

template <typename K, typename V>
template <typename VT, typename J>
auto KStream<K, V>::Join(const KTable<K, VT>& table, J joiner,
                         const Joined<K, V, VT>& joined) const {
  return StreamTableJoin<false>(table, std::move(joiner), joined);
}

template <typename K, typename V>
template <typename VT, typename J>
auto KStream<K, V>::LeftJoin(const KTable<K, VT>& table, J joiner,
                             const Joined<K, V, VT>& joined) const {
  return StreamTableJoin<true>(table, std::move(joiner), joined);
}

template <typename K, typename V>
template <bool kLeft, typename KG, typename VG, typename Sel, typename J>
auto KStream<K, V>::GlobalTableJoin(const GlobalKTable<KG, VG>& table, Sel selector, J joiner,
                                    const Named& named) const {
  static_assert(
      std::is_invocable_v<Sel&, const K&, const V&> &&
          (std::is_same_v<std::remove_cvref_t<std::invoke_result_t<Sel&, const K&, const V&>>, KG> ||
           std::is_same_v<std::remove_cvref_t<std::invoke_result_t<Sel&, const K&, const V&>>,
                          std::optional<KG>>),
      "KStream::Join(GlobalKTable) expects a key selector KG(const K& key, const V& value) "
      "(or std::optional<KG>, std::nullopt meaning no key)");
  constexpr internal::JoinKind kKind = kLeft ? internal::JoinKind::kLeft : internal::JoinKind::kInner;
  static_assert(internal::kKindJoinerCallable<kKind, J, K, V, VG>,
                "KStream::Join(GlobalKTable) expects VR(const V& value, const VG& table_value); "
                "LeftJoin expects VR(const V& value, const std::optional<VG>& table_value); "
                "either may take const K& key first");
  using VR = internal::KindJoinerResult<kKind, J, K, V, VG>;
  internal::TopologyData& data = *data_;
  // Java names inner and left KStream-GlobalKTable joins alike,
  // KSTREAM-LEFTJOIN-<n> (KStreamImpl#globalTableJoin; Java 4.4's Describe(),
  // tests/differential).
  std::string name = internal::NameFor(data, named, "KSTREAM-LEFTJOIN-");
  internal::ValueGetterSupplierPtr<KG, VG> getter = table.value_getter();
  if (!getter) {
    data.SetError(absl::InvalidArgumentError(
        internal::StrCat("join '", name, "': the global table cannot be read")));
    return KStream<K, VR>(data_, node_, key_serde_, nullptr, repartition_required_);
  }
  // Global stores are visible to every task by name: not connected, so the
  // join stays in this stream's sub-topology (Java: "stores: []").
  internal::AddProcessorNode<K, V, K, VR>(data, name, {node_}, [name, getter, selector, joiner]() {
    return std::make_unique<internal::StreamTableJoinNode<K, V, KG, VG, VR, Sel, J, kLeft>>(
        name, getter, selector, joiner);
  });
  return KStream<K, VR>(data_, name, key_serde_, nullptr, repartition_required_);
}

template <typename K, typename V>
template <typename KG, typename VG, typename Sel, typename J>
auto KStream<K, V>::Join(const GlobalKTable<KG, VG>& table, Sel key_selector, J joiner,
                         const Named& named) const {
  return GlobalTableJoin<false>(table, std::move(key_selector), std::move(joiner), named);
}

template <typename K, typename V>
template <typename KG, typename VG, typename Sel, typename J>
auto KStream<K, V>::LeftJoin(const GlobalKTable<KG, VG>& table, Sel key_selector, J joiner,
                             const Named& named) const {
  return GlobalTableJoin<true>(table, std::move(key_selector), std::move(joiner), named);
}

}  // namespace kstreams

#endif  // KSTREAMS_DSL_INTERNAL_KSTREAM_INL_H_
