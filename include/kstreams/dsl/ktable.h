// kstreams/dsl/ktable.h
//
// KTable<K, V>: a changelog stream seen as a table: each record is the
// latest value of its key, a null value deletes the key. Made by
// StreamsBuilder::Table, KStream::ToTable and aggregations. Operators mirror
// Kafka Streams':
//   - Filter/FilterNot: a key whose value stops passing is forwarded as a
//     delete (tombstone) downstream;
//   - MapValues: maps new (and old) values;
//   - ToStream: the stream of updates; a delete arrives as std::nullopt, so
//     the result is KStream<K, std::optional<V>> and a sink writes a Kafka
//     tombstone for it;
//   - GroupBy: regroups for KGroupedTable aggregations, which subtract the
//     old value from its old group and add the new one to its new group.
// Internally table nodes forward Change<V> (new and, where needed, old).
//
// Stores: a table from a topic, and every aggregation, keeps a timestamped
// store (cached and change-logged by default, see Materialized). Filter and
// MapValues keep one only when given a Materialized. A store named through
// Materialized::As is queryable by that name.
//
// Caching: with a cache (the default for stores), downstream sees only the
// latest value per key between commits (flushes), as in Kafka Streams; with
// statestore.cache.max.bytes=0 or WithCachingDisabled, every update.
//
// Thread-compatible: build from one thread.
//
// Example (word count):
//
//   builder.Stream<std::string, std::string>("words")
//       .GroupBy([](const std::string&, const std::string& w) { return w; })
//       .Count(kstreams::Materialized<std::string, int64_t>::As("counts"))
//       .ToStream()
//       .To("word-counts");
#ifndef KSTREAMS_DSL_KTABLE_H_
#define KSTREAMS_DSL_KTABLE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "kstreams/dsl/change.h"
#include "kstreams/dsl/grouped.h"
#include "kstreams/dsl/internal/fk_join_nodes.h"
#include "kstreams/dsl/internal/join_nodes.h"
#include "kstreams/dsl/internal/table_nodes.h"
#include "kstreams/dsl/internal/table_support.h"
#include "kstreams/dsl/internal/window_nodes.h"
#include "kstreams/dsl/windows.h"
#include "kstreams/dsl/kstream.h"
#include "kstreams/dsl/materialized.h"
#include "kstreams/dsl/named.h"
#include "kstreams/dsl/suppressed.h"
#include "kstreams/dsl/table_joined.h"
#include "kstreams/internal/topic_names.h"

namespace kstreams {

template <typename K, typename V>
class KGroupedTable;
template <typename K, typename VA>
class CogroupedKStream;
template <typename K, typename V>
class TimeWindowedKStream;
template <typename K, typename V>
class SessionWindowedKStream;
template <typename K, typename VA>
class TimeWindowedCogroupedKStream;
template <typename K, typename VA>
class SessionWindowedCogroupedKStream;

template <typename K, typename V>
class KTable {
 public:
  using KeyType = K;
  using ValueType = V;

  // Keeps the keys whose value passes pred(key, value); others read as deleted.
  template <typename Pred>
  KTable Filter(Pred pred, const Named& named = {},
                const Materialized<K, V>& materialized = {}) const {
    static_assert(std::is_invocable_r_v<bool, Pred&, const K&, const V&>,
                  "KTable::Filter expects bool(const K& key, const V& value)");
    return AddFilter(std::move(pred), false, named, materialized);
  }
  template <typename Pred>
  KTable Filter(Pred pred, const Materialized<K, V>& materialized) const {
    return Filter(std::move(pred), Named(), materialized);
  }
  template <typename Pred>
  KTable FilterNot(Pred pred, const Named& named = {},
                   const Materialized<K, V>& materialized = {}) const {
    static_assert(std::is_invocable_r_v<bool, Pred&, const K&, const V&>,
                  "KTable::FilterNot expects bool(const K& key, const V& value)");
    return AddFilter(std::move(pred), true, named, materialized);
  }
  template <typename Pred>
  KTable FilterNot(Pred pred, const Materialized<K, V>& materialized) const {
    return FilterNot(std::move(pred), Named(), materialized);
  }

  // Maps each value: f(value) or f(key, value) -> VR.
  template <typename F, typename VR = typename internal::ValueCallResult<F, K, V>::type>
  KTable<K, VR> MapValues(F f, const Named& named = {},
                          const Materialized<K, VR>& materialized = {}) const {
    static_assert(internal::kValueCallable<F, K, V>,
                  "KTable::MapValues expects VR(V value) or VR(const K& key, V value)");
    std::optional<std::string> store;
    if (materialized.given()) {
      store = internal::AddTableStore<K, VR>(data_, materialized, "KTABLE-MAPVALUES-STATE-STORE-",
                                             key_serde_, nullptr);
    }
    std::string name = internal::NameFor(*data_, named, "KTABLE-MAPVALUES-");
    auto origin = Child(store.has_value());
    internal::AddProcessorNode<K, Change<V>, K, Change<VR>>(
        *data_, name, {node_},
        [name, f, store, send_old = origin->send_old_values]() {
          return std::make_unique<internal::TableMapValuesNode<K, V, VR, F>>(name, f, store,
                                                                             send_old);
        },
        store ? std::vector<std::string>{*store} : std::vector<std::string>{});
    internal::ValueGetterSupplierPtr<K, VR> getter;
    if (!store) {
      getter = internal::DerivedGetterSupplier<K, V, VR>(
          getter_, [f](const K& key, V v) mutable -> std::optional<VR> {
            return internal::CallWithValue(f, key, std::move(v));
          });
    }
    return KTable<K, VR>(data_, name, key_serde_, materialized.value_serde(), store, origin,
                         std::move(getter));
  }
  template <typename F, typename VR = typename internal::ValueCallResult<F, K, V>::type>
  KTable<K, VR> MapValues(F f, const Materialized<K, VR>& materialized) const {
    return MapValues(std::move(f), Named(), materialized);
  }

  // The stream of this table's updates; deletes arrive as std::nullopt.
  KStream<K, std::optional<V>> ToStream(const Named& named = {}) const {
    std::string name = internal::NameFor(*data_, named, "KTABLE-TOSTREAM-");
    internal::AddProcessorNode<K, Change<V>, K, std::optional<V>>(*data_, name, {node_}, [name]() {
      return std::make_unique<internal::TableToStreamNode<K, V>>(name);
    });
    SerdePtr<std::optional<V>> value_serde;
    if (SerdePtr<V> v = SerdeOrDefault<V>(value_serde_)) value_serde = serdes::Optional<V>(v);
    return KStream<K, std::optional<V>>(data_, name, key_serde_, value_serde, false);
  }

  // Regroups by selector(key, value) -> KeyValue<KR, VR> (or std::pair) for
  // Count/Reduce/Aggregate on KGroupedTable.
  template <typename F>
  auto GroupBy(F selector, const Grouped<typename internal::KeyValueParts<std::remove_cvref_t<
                                             std::invoke_result_t<F&, const K&, const V&>>>::Key,
                                         typename internal::KeyValueParts<std::remove_cvref_t<
                                             std::invoke_result_t<F&, const K&, const V&>>>::Value>&
                               grouped = {}) const;

  // Holds updates back (see suppressed.h): one final result per window
  // (Suppressed::UntilWindowCloses, on windowed aggregations) or the latest
  // update per key after a time limit (UntilTimeLimit).
  KTable Suppress(const Suppressed& suppressed) const;
  // KTable-KTable joins on the key (Java's KTable#join / leftJoin /
  // outerJoin): an update on either side joins with the other side's current
  // value; the result is a table (old and new values propagated, so
  // aggregations over it stay correct; deletes forwarded as tombstones, per
  // Kafka Streams' join semantics). Joiners: Join VR(const V&, const VO&);
  // LeftJoin VR(const V&, const std::optional<VO>&); OuterJoin
  // VR(const std::optional<V>&, const std::optional<VO>&); each may take the
  // key first. The result has a store only with a Materialized. Both tables
  // must be co-partitioned (checked at startup).
  template <typename VO, typename J,
            typename VR = internal::KindJoinerResult<internal::JoinKind::kInner, J, K, V, VO>>
  KTable<K, VR> Join(const KTable<K, VO>& other, J joiner, const Named& named = {},
                     const Materialized<K, VR>& materialized = {}) const {
    static_assert(internal::kKindJoinerCallable<internal::JoinKind::kInner, J, K, V, VO>,
                  "KTable::Join expects VR(const V& value, const VO& other) "
                  "or VR(const K& key, const V& value, const VO& other)");
    return DoJoin<internal::JoinKind::kInner, VO, VR>(other, std::move(joiner), named,
                                                      materialized);
  }
  template <typename VO, typename J,
            typename VR = internal::KindJoinerResult<internal::JoinKind::kInner, J, K, V, VO>>
  KTable<K, VR> Join(const KTable<K, VO>& other, J joiner,
                     const Materialized<K, VR>& materialized) const {
    return Join(other, std::move(joiner), Named(), materialized);
  }
  template <typename VO, typename J,
            typename VR = internal::KindJoinerResult<internal::JoinKind::kLeft, J, K, V, VO>>
  KTable<K, VR> LeftJoin(const KTable<K, VO>& other, J joiner, const Named& named = {},
                         const Materialized<K, VR>& materialized = {}) const {
    static_assert(internal::kKindJoinerCallable<internal::JoinKind::kLeft, J, K, V, VO>,
                  "KTable::LeftJoin expects VR(const V& value, const std::optional<VO>& other) "
                  "(optionally with const K& key first)");
    return DoJoin<internal::JoinKind::kLeft, VO, VR>(other, std::move(joiner), named,
                                                     materialized);
  }
  template <typename VO, typename J,
            typename VR = internal::KindJoinerResult<internal::JoinKind::kLeft, J, K, V, VO>>
  KTable<K, VR> LeftJoin(const KTable<K, VO>& other, J joiner,
                         const Materialized<K, VR>& materialized) const {
    return LeftJoin(other, std::move(joiner), Named(), materialized);
  }
  template <typename VO, typename J,
            typename VR = internal::KindJoinerResult<internal::JoinKind::kOuter, J, K, V, VO>>
  KTable<K, VR> OuterJoin(const KTable<K, VO>& other, J joiner, const Named& named = {},
                          const Materialized<K, VR>& materialized = {}) const {
    static_assert(internal::kKindJoinerCallable<internal::JoinKind::kOuter, J, K, V, VO>,
                  "KTable::OuterJoin expects VR(const std::optional<V>& value, "
                  "const std::optional<VO>& other) (optionally with const K& key first)");
    return DoJoin<internal::JoinKind::kOuter, VO, VR>(other, std::move(joiner), named,
                                                      materialized);
  }
  template <typename VO, typename J,
            typename VR = internal::KindJoinerResult<internal::JoinKind::kOuter, J, K, V, VO>>
  KTable<K, VR> OuterJoin(const KTable<K, VO>& other, J joiner,
                          const Materialized<K, VR>& materialized) const {
    return OuterJoin(other, std::move(joiner), Named(), materialized);
  }

  // Foreign-key joins (Java's KTable#join / leftJoin with a foreign-key
  // extractor): each left record (key K, value V) joins the right table's
  // value at foreign_key_extractor(value) -> KO (or (key, value); return
  // std::optional<KO> to say "no foreign key": such records are dropped and
  // counted). The result is keyed like this table and updates when either
  // side changes: a change of foreign key, a left delete (tombstone), a right
  // delete (tombstone in Join, joiner(value, std::nullopt) in LeftJoin).
  // Built as Kafka Streams builds it: subscriptions go to
  // "<app>-KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-<n>-topic" (keyed by
  // foreign key, co-partitioned with `other`), answers come back on
  // "<app>-KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-<n>-topic"; an answer computed
  // for an older left value is recognized by a hash of the value and
  // discarded, so out-of-order answers give the right final result. The
  // result is always materialized (Materialized names the store).
  template <typename KO, typename VO, typename F, typename J,
            typename VR = internal::KindJoinerResult<internal::JoinKind::kInner, J, K, V, VO>>
  KTable<K, VR> Join(const KTable<KO, VO>& other, F foreign_key_extractor, J joiner,
                     const TableJoined<K, KO>& table_joined = {},
                     const Materialized<K, VR>& materialized = {}) const {
    static_assert(internal::kKindJoinerCallable<internal::JoinKind::kInner, J, K, V, VO>,
                  "foreign-key KTable::Join expects VR(const V& value, const VO& other)");
    return DoForeignKeyJoin<false, KO, VO, VR>(other, std::move(foreign_key_extractor),
                                               std::move(joiner), table_joined, materialized);
  }
  template <typename KO, typename VO, typename F, typename J,
            typename VR = internal::KindJoinerResult<internal::JoinKind::kInner, J, K, V, VO>>
  KTable<K, VR> Join(const KTable<KO, VO>& other, F foreign_key_extractor, J joiner,
                     const Materialized<K, VR>& materialized) const {
    return Join(other, std::move(foreign_key_extractor), std::move(joiner), TableJoined<K, KO>(),
                materialized);
  }
  template <typename KO, typename VO, typename F, typename J,
            typename VR = internal::KindJoinerResult<internal::JoinKind::kLeft, J, K, V, VO>>
  KTable<K, VR> LeftJoin(const KTable<KO, VO>& other, F foreign_key_extractor, J joiner,
                         const TableJoined<K, KO>& table_joined = {},
                         const Materialized<K, VR>& materialized = {}) const {
    static_assert(internal::kKindJoinerCallable<internal::JoinKind::kLeft, J, K, V, VO>,
                  "foreign-key KTable::LeftJoin expects VR(const V& value, "
                  "const std::optional<VO>& other)");
    return DoForeignKeyJoin<true, KO, VO, VR>(other, std::move(foreign_key_extractor),
                                              std::move(joiner), table_joined, materialized);
  }
  template <typename KO, typename VO, typename F, typename J,
            typename VR = internal::KindJoinerResult<internal::JoinKind::kLeft, J, K, V, VO>>
  KTable<K, VR> LeftJoin(const KTable<KO, VO>& other, F foreign_key_extractor, J joiner,
                         const Materialized<K, VR>& materialized) const {
    return LeftJoin(other, std::move(foreign_key_extractor), std::move(joiner),
                    TableJoined<K, KO>(), materialized);
  }

  // The name of this table's store when it can be queried, else empty.
  const std::optional<std::string>& queryable_store_name() const { return store_name_; }

  // Library use.
  // `getter` reads the table's values for joins; by default the store
  // `store_name` is read.
  KTable(std::shared_ptr<internal::TopologyData> data, std::string node, SerdePtr<K> key_serde,
         SerdePtr<V> value_serde, std::optional<std::string> store_name,
         std::shared_ptr<internal::TableOrigin> origin,
         internal::ValueGetterSupplierPtr<K, V> getter = nullptr)
      : data_(std::move(data)), node_(std::move(node)), key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)), store_name_(std::move(store_name)),
        origin_(std::move(origin)), getter_(std::move(getter)) {
    if (!getter_ && store_name_) getter_ = internal::StoreGetterSupplier<K, V>(*store_name_, false);
  }
  const std::string& node_name() const { return node_; }
  const SerdePtr<K>& key_serde() const { return key_serde_; }
  const SerdePtr<V>& value_serde() const { return value_serde_; }
  const std::shared_ptr<internal::TopologyData>& data() const { return data_; }
  void EnableSendingOldValues() const { internal::EnableSendingOldValues(*origin_); }
  const std::shared_ptr<internal::TableOrigin>& origin() const { return origin_; }
  const internal::ValueGetterSupplierPtr<K, V>& value_getter() const { return getter_; }

 private:
  std::shared_ptr<internal::TableOrigin> Child(bool materialized) const {
    auto origin = std::make_shared<internal::TableOrigin>();
    origin->materialized = materialized;
    origin->parent = origin_;
    return origin;
  }

  template <typename Pred>
  KTable AddFilter(Pred pred, bool negate, const Named& named,
                   const Materialized<K, V>& materialized) const {
    std::optional<std::string> store;
    if (materialized.given()) {
      store = internal::AddTableStore<K, V>(data_, materialized, "KTABLE-FILTER-STATE-STORE-",
                                            key_serde_, value_serde_);
    }
    std::string name = internal::NameFor(*data_, named, "KTABLE-FILTER-");
    auto origin = Child(store.has_value());
    internal::AddProcessorNode<K, Change<V>, K, Change<V>>(
        *data_, name, {node_},
        [name, pred, negate, store, send_old = origin->send_old_values]() {
          return std::make_unique<internal::TableFilterNode<K, V, Pred>>(name, pred, negate,
                                                                         store, send_old);
        },
        store ? std::vector<std::string>{*store} : std::vector<std::string>{});
    internal::ValueGetterSupplierPtr<K, V> getter;
    if (!store) {
      getter = internal::DerivedGetterSupplier<K, V, V>(
          getter_, [pred, negate](const K& key, V v) mutable -> std::optional<V> {
            if (static_cast<bool>(pred(key, v)) != negate) return v;
            return std::nullopt;
          });
    }
    return KTable(data_, name, key_serde_, value_serde_, store, origin, std::move(getter));
  }

  template <bool kLeft, typename KO, typename VO, typename VR, typename F, typename J>
  KTable<K, VR> DoForeignKeyJoin(const KTable<KO, VO>& other, F extractor, J joiner,
                                 const TableJoined<K, KO>& table_joined,
                                 const Materialized<K, VR>& materialized) const {
    using Subscription = internal::SubscriptionWrapper<K>;
    using Response = internal::SubscriptionResponseWrapper<VO>;
    internal::TopologyData& data = *data_;
    SerdePtr<K> key_serde = SerdeOrDefault<K>(key_serde_);
    SerdePtr<V> value_serde = SerdeOrDefault<V>(value_serde_);
    SerdePtr<KO> fk_serde = SerdeOrDefault<KO>(other.key_serde());
    SerdePtr<VO> foreign_serde = SerdeOrDefault<VO>(other.value_serde());
    if (!getter_ || !other.value_getter() || !key_serde || !value_serde || !fk_serde ||
        !foreign_serde) {
      data.SetError(absl::InvalidArgumentError(internal::StrCat(
          "foreign-key join of '", node_, "' with '", other.node_name(),
          "': both tables need readable values and serdes for their keys and values")));
      return KTable<K, VR>(data_, node_, key_serde_, nullptr, std::nullopt, origin_);
    }
    const std::optional<std::string>& name = table_joined.name();
    auto named = [&](const char* suffix, const char* prefix) {
      return name ? *name + suffix : internal::GeneratedName(data, prefix);
    };
    // Java's naming order (KTableImpl#doJoinOnForeignKey).
    const std::string subscription_topic =
        internal::ForeignKeyJoinTopicBase(
            named("-subscription-registration", "KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-"));
    data.AddInternalTopic({subscription_topic, std::nullopt});
    const std::string send = named("-subscription-registration-processor",
                                   "KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-");
    const std::string subscription_sink = named("-subscription-registration-sink", "KSTREAM-SINK-");
    const std::string subscription_source =
        named("-subscription-registration-source", "KSTREAM-SOURCE-");
    const std::string subscription_store =
        named("-subscription-store", "KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-");
    const std::string receive = named("-subscription-receive", "KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-");
    const std::string join_foreign =
        named("-subscription-join-foreign", "KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-");
    const std::string foreign_join =
        named("-foreign-join-subscription", "KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-");
    const std::string response_topic =
        internal::ForeignKeyJoinTopicBase(
            named("-subscription-response", "KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-"));
    data.AddInternalTopic({response_topic, std::nullopt});
    const std::string response_sink = named("-subscription-response-sink", "KSTREAM-SINK-");
    const std::string response_source = named("-subscription-response-source", "KSTREAM-SOURCE-");
    const std::string resolver = named("-subscription-response-resolver",
                                       "KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-RESOLVER-PROCESSOR-");
    const std::string result = named("-result", "KTABLE-FK-JOIN-OUTPUT-");
    const std::string store = internal::AddTableStore<K, VR>(
        data_, materialized, "KTABLE-FK-JOIN-OUTPUT-STATE-STORE-", key_serde, nullptr);

    EnableSendingOldValues();  // the old foreign key must be unsubscribed
    auto subscription_serde = std::make_shared<internal::SubscriptionWrapperSerde<K>>(key_serde);
    auto response_serde = std::make_shared<internal::SubscriptionResponseWrapperSerde<VO>>(foreign_serde);
    Topology topology(data_);
    internal::AddProcessorNode<K, Change<V>, KO, Subscription>(
        data, send, {node_}, [=]() {
          return std::make_unique<internal::FkSubscriptionSendNode<K, V, KO, F>>(
              send, extractor, value_serde, fk_serde, subscription_topic, kLeft);
        });
    internal::StreamPartitioner<KO, Subscription> subscription_partitioner;
    if (table_joined.other_partitioner()) {
      subscription_partitioner = [p = table_joined.other_partitioner()](
                                     const KO& fk, const Subscription&, int32_t n) { return p(fk, n); };
    }
    topology.AddSink<KO, Subscription>(subscription_sink, subscription_topic, {send}, fk_serde,
                                       subscription_serde, subscription_partitioner);
    topology.AddSource<KO, Subscription>(subscription_source, {subscription_topic}, fk_serde,
                                         subscription_serde);
    topology.AddStateStore(Stores::TimestampedKeyValueStoreBuilder<std::string, Subscription>(
        Stores::PersistentKeyValueStore(subscription_store), serdes::String(), subscription_serde));
    internal::AddProcessorNode<KO, Subscription, KO, Subscription>(
        data, receive, {subscription_source},
        [=]() {
          return std::make_unique<internal::FkSubscriptionReceiveNode<KO, K>>(
              receive, subscription_store, fk_serde, key_serde, subscription_topic);
        },
        {subscription_store});
    internal::ValueGetterSupplierPtr<KO, VO> foreign_getter = other.value_getter();
    internal::AddProcessorNode<KO, Subscription, K, Response>(
        data, join_foreign, {receive},
        [=]() {
          return std::make_unique<internal::FkSubscriptionJoinNode<KO, VO, K>>(join_foreign,
                                                                                foreign_getter);
        },
        foreign_getter->stores);
    internal::AddProcessorNode<KO, Change<VO>, K, Response>(
        data, foreign_join, {other.node_name()},
        [=]() {
          return std::make_unique<internal::FkForeignTableJoinNode<KO, VO, K>>(
              foreign_join, subscription_store, fk_serde, subscription_topic);
        },
        {subscription_store});
    // Answers go back to the partition the subscription came from, unless
    // the user partitions the left table themselves.
    internal::StreamPartitioner<K, Response> response_partitioner =
        [p = table_joined.partitioner()](const K& key, const Response& r,
                                         int32_t n) -> std::optional<int32_t> {
      if (p) return p(key, n);
      if (r.primary_partition >= 0) return r.primary_partition;
      return std::nullopt;
    };
    topology.AddSink<K, Response>(response_sink, response_topic, {join_foreign, foreign_join},
                                  key_serde, response_serde, response_partitioner);
    topology.AddSource<K, Response>(response_source, {response_topic}, key_serde, response_serde);
    internal::ValueGetterSupplierPtr<K, V> left_getter = getter_;
    internal::AddProcessorNode<K, Response, K, std::optional<VR>>(
        data, resolver, {response_source},
        [=]() {
          return std::make_unique<internal::FkResponseJoinNode<K, V, VO, VR, J, kLeft>>(
              resolver, left_getter, value_serde, response_topic, joiner);
        },
        left_getter->stores);
    auto origin = std::make_shared<internal::TableOrigin>();
    origin->materialized = true;
    internal::AddProcessorNode<K, std::optional<VR>, K, Change<VR>>(
        data, result, {resolver},
        [result, store, send_old = origin->send_old_values]() {
          return std::make_unique<internal::TableSourceNode<K, VR, std::optional<VR>>>(
              result, store, send_old);
        },
        {store});
    data.AddCopartitionGroup({other.node_name(), subscription_source});
    data.AddCopartitionGroup({node_, response_source});
    return KTable<K, VR>(data_, result, materialized.key_serde() ? materialized.key_serde() : key_serde,
                         materialized.value_serde(), store, origin);
  }

  template <internal::JoinKind kKind, typename VO, typename VR, typename J>
  KTable<K, VR> DoJoin(const KTable<K, VO>& other, J joiner, const Named& named,
                       const Materialized<K, VR>& materialized) const {
    internal::TopologyData& data = *data_;
    if (!getter_ || !other.value_getter()) {
      data.SetError(absl::InvalidArgumentError(internal::StrCat(
          "KTable join of '", node_, "' and '", other.node_name(),
          "': a table without a value getter cannot be joined")));
      return KTable<K, VR>(data_, node_, key_serde_, nullptr, std::nullopt, origin_);
    }
    // Java's naming order: the result store, the merge node, then each side.
    std::optional<std::string> store;
    if (materialized.given()) {
      store = internal::AddTableStore<K, VR>(data_, materialized, "KTABLE-MERGE-STATE-STORE-",
                                             key_serde_, nullptr);
    }
    std::string merge = internal::NameFor(data, named, "KTABLE-MERGE-");
    data.AddCopartitionGroup({node_, other.node_name()});
    if constexpr (kKind != internal::JoinKind::kInner) EnableSendingOldValues();
    if constexpr (kKind == internal::JoinKind::kOuter) other.EnableSendingOldValues();
    std::string this_name = named.name() ? *named.name() + "-join-this"
                                         : internal::GeneratedName(data, "KTABLE-JOINTHIS-");
    std::string other_name = named.name() ? *named.name() + "-join-other"
                                          : internal::GeneratedName(data, "KTABLE-JOINOTHER-");
    auto origin = std::make_shared<internal::TableOrigin>();
    origin->materialized = store.has_value();
    origin->join_parents = {origin_, other.origin()};
    std::shared_ptr<const bool> send_old = origin->send_old_values;
    internal::ValueGetterSupplierPtr<K, V> this_getter = getter_;
    internal::ValueGetterSupplierPtr<K, VO> other_getter = other.value_getter();
    internal::AddProcessorNode<K, Change<V>, K, Change<VR>>(
        data, this_name, {node_},
        [this_name, other_getter, joiner, send_old]() {
          return std::make_unique<internal::TableTableJoinNode<K, V, VO, VR, J, kKind, true>>(
              this_name, other_getter, joiner, send_old);
        },
        other_getter->stores);
    internal::AddProcessorNode<K, Change<VO>, K, Change<VR>>(
        data, other_name, {other.node_name()},
        [other_name, this_getter, joiner, send_old]() {
          return std::make_unique<internal::TableTableJoinNode<K, VO, V, VR, J, kKind, false>>(
              other_name, this_getter, joiner, send_old);
        },
        this_getter->stores);
    internal::AddProcessorNode<K, Change<VR>, K, Change<VR>>(
        data, merge, {this_name, other_name},
        [merge, store, send_old]() {
          return std::make_unique<internal::TableJoinMergerNode<K, VR>>(merge, store, send_old);
        },
        store ? std::vector<std::string>{*store} : std::vector<std::string>{});
    internal::ValueGetterSupplierPtr<K, VR> getter;
    if (!store) {
      auto s = std::make_shared<internal::TableValueGetterSupplier<K, VR>>();
      s->make = [this_getter, other_getter, joiner]() -> std::unique_ptr<internal::TableValueGetter<K, VR>> {
        return std::make_unique<internal::TableJoinValueGetter<K, V, VO, VR, J, kKind>>(
            this_getter->make(), other_getter->make(), joiner);
      };
      s->stores = this_getter->stores;
      s->stores.insert(s->stores.end(), other_getter->stores.begin(), other_getter->stores.end());
      getter = std::move(s);
    }
    return KTable<K, VR>(data_, merge, materialized.key_serde() ? materialized.key_serde() : key_serde_,
                         materialized.value_serde(), store, origin, std::move(getter));
  }

  std::shared_ptr<internal::TopologyData> data_;
  std::string node_;
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  std::optional<std::string> store_name_;
  std::shared_ptr<internal::TableOrigin> origin_;
  internal::ValueGetterSupplierPtr<K, V> getter_;
};

// The records of a stream grouped by key, ready to aggregate (Java's
// KGroupedStream). Made by KStream::GroupByKey / GroupBy.
template <typename K, typename V>
class KGroupedStream {
 public:
  // Counts records per key.
  KTable<K, int64_t> Count(const Named& named = {},
                           const Materialized<K, int64_t>& materialized = {}) const {
    return Aggregate([] { return int64_t{0}; },
                     [](const K&, const V&, int64_t count) { return count + 1; }, named,
                     materialized.value_serde()
                         ? materialized
                         : Materialized<K, int64_t>(materialized).WithValueSerde(serdes::Int64()));
  }
  KTable<K, int64_t> Count(const Materialized<K, int64_t>& materialized) const {
    return Count(Named(), materialized);
  }

  // Combines values per key: reducer(aggregate, value) -> V; the first value
  // of a key is its first aggregate.
  template <typename Red>
  KTable<K, V> Reduce(Red reducer, const Named& named = {},
                      const Materialized<K, V>& materialized = {}) const {
    static_assert(std::is_invocable_r_v<V, Red&, const V&, V&&>,
                  "Reduce expects V(const V& aggregate, V value)");
    std::string store = internal::AddTableStore<K, V>(
        data_, materialized, "KSTREAM-REDUCE-STATE-STORE-", key_serde_, value_serde_);
    std::string name = internal::NameFor(*data_, named, "KSTREAM-REDUCE-");
    auto origin = NewOrigin();
    internal::AddProcessorNode<K, V, K, Change<V>>(
        *data_, name, {SourceForAggregation(store)},
        [name, store, reducer, send_old = origin->send_old_values]() {
          return std::make_unique<internal::StreamReduceNode<K, V, Red>>(name, store, send_old,
                                                                         reducer);
        },
        {store});
    return KTable<K, V>(data_, name, materialized.key_serde() ? materialized.key_serde() : key_serde_,
                        materialized.value_serde() ? materialized.value_serde() : value_serde_,
                        store, origin);
  }
  template <typename Red>
  KTable<K, V> Reduce(Red reducer, const Materialized<K, V>& materialized) const {
    return Reduce(std::move(reducer), Named(), materialized);
  }

  // Folds values per key: initializer() -> VA, then
  // aggregator(key, value, aggregate) -> VA.
  template <typename Init, typename Agg, typename VA = std::remove_cvref_t<std::invoke_result_t<Init&>>>
  KTable<K, VA> Aggregate(Init initializer, Agg aggregator, const Named& named = {},
                          const Materialized<K, VA>& materialized = {}) const {
    static_assert(std::is_invocable_r_v<VA, Agg&, const K&, V&&, const VA&>,
                  "Aggregate expects an initializer VA() and an aggregator "
                  "VA(const K& key, V value, const VA& aggregate)");
    std::string store = internal::AddTableStore<K, VA>(
        data_, materialized, "KSTREAM-AGGREGATE-STATE-STORE-", key_serde_, nullptr);
    std::string name = internal::NameFor(*data_, named, "KSTREAM-AGGREGATE-");
    auto origin = NewOrigin();
    internal::AddProcessorNode<K, V, K, Change<VA>>(
        *data_, name, {SourceForAggregation(store)},
        [name, store, initializer, aggregator, send_old = origin->send_old_values]() {
          return std::make_unique<internal::StreamAggregateNode<K, V, VA, Init, Agg>>(
              name, store, send_old, initializer, aggregator);
        },
        {store});
    return KTable<K, VA>(data_, name,
                         materialized.key_serde() ? materialized.key_serde() : key_serde_,
                         materialized.value_serde(), store, origin);
  }
  template <typename Init, typename Agg, typename VA = std::remove_cvref_t<std::invoke_result_t<Init&>>>
  KTable<K, VA> Aggregate(Init initializer, Agg aggregator,
                          const Materialized<K, VA>& materialized) const {
    return Aggregate(std::move(initializer), std::move(aggregator), Named(), materialized);
  }

  // Starts a cogroup: several grouped streams (of different value types)
  // folded into one aggregate per key, each with its own
  // aggregator(key, value, aggregate) -> VA. Finish with Aggregate().
  template <typename VA, typename Agg>
  CogroupedKStream<K, VA> Cogroup(Agg aggregator) const;

  // Windowed aggregations (see windowed_kstream.h): tumbling or hopping
  // time windows, sliding windows, unlimited windows, sessions.
  TimeWindowedKStream<K, V> WindowedBy(const TimeWindows& windows) const;
  TimeWindowedKStream<K, V> WindowedBy(const SlidingWindows& windows) const;
  TimeWindowedKStream<K, V> WindowedBy(const UnlimitedWindows& windows) const;
  SessionWindowedKStream<K, V> WindowedBy(const SessionWindows& windows) const;

  // Library use.
  KGroupedStream(KStream<K, V> stream, std::optional<std::string> name, SerdePtr<K> key_serde,
                 SerdePtr<V> value_serde)
      : data_(stream.data()), node_(stream.node_name()), key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)),
        repartition_required_(stream.repartition_required()), name_(std::move(name)) {}
  // The node aggregations read from: this stream, or the source of a
  // repartition topic named "<grouped name or store>-repartition".
  std::string SourceForAggregation(const std::string& store) const {
    if (!repartition_required_) return node_;
    return KStream<K, V>(data_, node_, key_serde_, value_serde_, true)
        .ThroughRepartitionTopic(name_ ? *name_ : store, key_serde_, value_serde_, std::nullopt,
                                 nullptr)
        .node_name();
  }
  const std::shared_ptr<internal::TopologyData>& data() const { return data_; }
  const SerdePtr<K>& key_serde() const { return key_serde_; }
  const SerdePtr<V>& value_serde() const { return value_serde_; }

 private:
  static std::shared_ptr<internal::TableOrigin> NewOrigin() {
    auto origin = std::make_shared<internal::TableOrigin>();
    origin->materialized = true;
    return origin;
  }

  std::shared_ptr<internal::TopologyData> data_;
  std::string node_;
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  bool repartition_required_;
  std::optional<std::string> name_;
};

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

// Several grouped streams aggregated into one table (Java's
// CogroupedKStream): each input record is folded into its key's aggregate by
// its own stream's aggregator; all share one store and one output.
//
// Example:
//   auto totals = clicks.GroupByKey().Cogroup<int64_t>(add_click)
//                     .Cogroup(purchases.GroupByKey(), add_purchase)
//                     .Aggregate([] { return int64_t{0}; });
template <typename K, typename VA>
class CogroupedKStream {
 public:
  // Adds another grouped stream with its aggregator(key, value, aggregate) -> VA.
  template <typename V, typename Agg>
  CogroupedKStream& Cogroup(const KGroupedStream<K, V>& grouped, Agg aggregator) {
    static_assert(std::is_invocable_r_v<VA, Agg&, const K&, V&&, const VA&>,
                  "Cogroup expects an aggregator VA(const K& key, V value, const VA& aggregate)");
    Input input;
    input.source = [grouped](const std::string& store) {
      return grouped.SourceForAggregation(store);
    };
    input.add = [grouped, aggregator](const std::string& source, const std::string& store,
                                      const std::string& name, std::function<VA()> init,
                                      std::shared_ptr<const bool> send_old,
                                      const internal::WindowingSpec& windowing,
                                      const Merger& merger) {
      if (windowing.kind == internal::WindowingSpec::Kind::kNone) {
        internal::AddProcessorNode<K, V, K, Change<VA>>(
            *grouped.data(), name, {source},
            [name, store, init, aggregator, send_old]() {
              return std::make_unique<
                  internal::StreamAggregateNode<K, V, VA, std::function<VA()>, Agg>>(
                  name, store, send_old, init, aggregator);
            },
            {store});
        return;
      }
      internal::AddProcessorNode<K, V, Windowed<K>, Change<VA>>(
          *grouped.data(), name, {source},
          [name, store, init, aggregator, send_old, windowing, merger]() {
            return internal::NewWindowAggregateNode<K, V, VA, std::function<VA()>, Agg, Merger>(
                name, store, send_old, windowing, init, aggregator, merger);
          },
          {store});
    };
    inputs_.push_back(std::move(input));
    return *this;
  }

  // The aggregate per key, starting from initializer() -> VA.
  template <typename Init>
  KTable<K, VA> Aggregate(Init initializer, const Named& named = {},
                          const Materialized<K, VA>& materialized = {}) const {
    static_assert(std::is_invocable_r_v<VA, Init&>, "Aggregate expects an initializer VA()");
    std::string store = internal::AddTableStore<K, VA>(
        data_, materialized, "COGROUPKSTREAM-AGGREGATE-STATE-STORE-", key_serde_, nullptr);
    auto origin = std::make_shared<internal::TableOrigin>();
    origin->materialized = true;
    return Build<K>(std::function<VA()>(std::move(initializer)), named, store, {}, nullptr,
                    materialized.key_serde() ? materialized.key_serde() : key_serde_,
                    materialized.value_serde(), origin);
  }
  template <typename Init>
  KTable<K, VA> Aggregate(Init initializer, const Materialized<K, VA>& materialized) const {
    return Aggregate(std::move(initializer), Named(), materialized);
  }

  // Windows the cogrouped aggregation (see windowed_kstream.h).
  TimeWindowedCogroupedKStream<K, VA> WindowedBy(const TimeWindows& windows) const;
  TimeWindowedCogroupedKStream<K, VA> WindowedBy(const SlidingWindows& windows) const;
  TimeWindowedCogroupedKStream<K, VA> WindowedBy(const UnlimitedWindows& windows) const;
  SessionWindowedCogroupedKStream<K, VA> WindowedBy(const SessionWindows& windows) const;

  // Library use.
  using Merger = std::function<VA(const K&, const VA&, const VA&)>;
  CogroupedKStream(std::shared_ptr<internal::TopologyData> data, SerdePtr<K> key_serde)
      : data_(std::move(data)), key_serde_(std::move(key_serde)) {}
  const std::shared_ptr<internal::TopologyData>& data() const { return data_; }
  const SerdePtr<K>& key_serde() const { return key_serde_; }
  // Adds every input's aggregation node (repartitions first, then nodes, as
  // Java's CogroupedStreamAggregateBuilder draws names) over `store` and the
  // merge node; returns the table. KOut is K, or Windowed<K> when windowed.
  template <typename KOut>
  KTable<KOut, VA> Build(std::function<VA()> init, const Named& named, const std::string& store,
                         const internal::WindowingSpec& windowing, const Merger& merger,
                         SerdePtr<KOut> key_serde, SerdePtr<VA> value_serde,
                         std::shared_ptr<internal::TableOrigin> origin) const {
    internal::TopologyData& data = *data_;
    std::vector<std::string> sources;
    for (const Input& input : inputs_) sources.push_back(input.source(store));
    std::vector<std::string> parents;
    for (size_t i = 0; i < inputs_.size(); ++i) {
      std::string name =
          named.name() ? internal::StrCat(*named.name(), "-cogroup-agg-", i)
                       : internal::GeneratedName(data, "COGROUPKSTREAM-AGGREGATE-");
      inputs_[i].add(sources[i], store, name, init, origin->send_old_values, windowing, merger);
      parents.push_back(name);
    }
    std::string merge = named.name() ? *named.name() + "-cogroup-merge"
                                     : internal::GeneratedName(data, "COGROUPKSTREAM-MERGE-");
    internal::AddProcessorNode<KOut, Change<VA>, KOut, Change<VA>>(data, merge, parents,
                                                                  [merge]() {
      return std::make_unique<internal::PassThroughNode<KOut, Change<VA>>>(merge);
    });
    return KTable<KOut, VA>(data_, merge, std::move(key_serde), std::move(value_serde), store,
                            std::move(origin));
  }

 private:
  struct Input {
    // The node the input's aggregation reads (a repartition source if needed).
    std::function<std::string(const std::string& store)> source;
    std::function<void(const std::string& source, const std::string& store,
                       const std::string& name, std::function<VA()> init,
                       std::shared_ptr<const bool> send_old,
                       const internal::WindowingSpec& windowing, const Merger& merger)>
        add;
  };
  std::shared_ptr<internal::TopologyData> data_;
  SerdePtr<K> key_serde_;
  std::vector<Input> inputs_;
};

template <typename K, typename V>
template <typename VA, typename Agg>
CogroupedKStream<K, VA> KGroupedStream<K, V>::Cogroup(Agg aggregator) const {
  CogroupedKStream<K, VA> cogrouped(data_, key_serde_);
  cogrouped.Cogroup(*this, std::move(aggregator));
  return cogrouped;
}

template <typename K, typename V>
template <typename F>
auto KTable<K, V>::GroupBy(
    F selector,
    const Grouped<typename internal::KeyValueParts<
                      std::remove_cvref_t<std::invoke_result_t<F&, const K&, const V&>>>::Key,
                  typename internal::KeyValueParts<
                      std::remove_cvref_t<std::invoke_result_t<F&, const K&, const V&>>>::Value>&
        grouped) const {
  using Result = std::remove_cvref_t<std::invoke_result_t<F&, const K&, const V&>>;
  using KR = typename internal::KeyValueParts<Result>::Key;
  using VR = typename internal::KeyValueParts<Result>::Value;
  EnableSendingOldValues();
  std::string name = internal::NameFor(*data_, grouped.name(), "KTABLE-SELECT-");
  internal::AddProcessorNode<K, Change<V>, KR, Change<VR>>(*data_, name, {node_}, [name, selector]() {
    return std::make_unique<internal::TableRepartitionMapNode<K, V, KR, VR, F>>(name, selector);
  });
  return KGroupedTable<KR, VR>(data_, name, grouped.name(), grouped.key_serde(),
                               grouped.value_serde());
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
  std::string name = internal::NameFor(data, named, kLeft ? "KSTREAM-LEFTJOIN-" : "KSTREAM-JOIN-");
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

// Windowed aggregations and Suppress are defined with the windowed streams.
#include "kstreams/dsl/windowed_kstream.h"

#endif  // KSTREAMS_DSL_KTABLE_H_
