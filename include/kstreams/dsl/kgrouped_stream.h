// kstreams/dsl/kgrouped_stream.h
//
// KGroupedStream<K, V>: the records of a stream grouped by key, ready to
// aggregate (Java's KGroupedStream). Made by KStream::GroupByKey / GroupBy.
// Count, Reduce and Aggregate keep a timestamped key-value store (cached and
// change-logged by default, see Materialized) and return a KTable; when the
// key changed upstream, the records first go through a repartition topic
// "<application.id>-<grouped name or store name>-repartition". WindowedBy
// makes a windowed stream (time_windowed_kstream.h, session_windowed_kstream.h);
// Cogroup starts a CogroupedKStream.
//
// Thread-compatible: build from one thread.
//
// Example:
//
//   KTable<std::string, int64_t> counts =
//       words.GroupBy([](const std::string&, const std::string& w) { return w; }).Count();
#ifndef KSTREAMS_DSL_KGROUPED_STREAM_H_
#define KSTREAMS_DSL_KGROUPED_STREAM_H_

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

}  // namespace kstreams

// KGroupedStream members that build other DSL types (Cogroup, WindowedBy),
// and the types its operators return.
#include "kstreams/dsl/internal/kgrouped_stream_inl.h"

#endif  // KSTREAMS_DSL_KGROUPED_STREAM_H_
