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
    // Java's naming order (KTableImpl#doJoinOnForeignKey). Its subscription
    // and response sinks and sources take KTableImpl's prefixes, KTABLE-SINK-
    // and KTABLE-SOURCE- (Java 4.4's Describe(), tests/differential).
    const std::string subscription_topic =
        internal::ForeignKeyJoinTopicBase(
            named("-subscription-registration", "KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-"));
    data.AddInternalTopic({subscription_topic, std::nullopt});
    const std::string send = named("-subscription-registration-processor",
                                   "KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-");
    const std::string subscription_sink = named("-subscription-registration-sink", "KTABLE-SINK-");
    const std::string subscription_source =
        named("-subscription-registration-source", "KTABLE-SOURCE-");
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
    const std::string response_sink = named("-subscription-response-sink", "KTABLE-SINK-");
    const std::string response_source = named("-subscription-response-source", "KTABLE-SOURCE-");
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

}  // namespace kstreams

// KTable members that build other DSL types (GroupBy, Suppress), and the
// types its operators return.
#include "kstreams/dsl/internal/ktable_inl.h"

#endif  // KSTREAMS_DSL_KTABLE_H_
