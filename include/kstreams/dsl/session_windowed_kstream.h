// kstreams/dsl/session_windowed_kstream.h
//
// SessionWindowedKStream<K, V>: a grouped stream windowed into sessions
// (Java's SessionWindowedKStream), made by KGroupedStream::WindowedBy(SessionWindows).
// See windowed_kstream.h for the semantics shared by every windowed aggregation.
//
// Thread-compatible: build from one thread.
#ifndef KSTREAMS_DSL_SESSION_WINDOWED_KSTREAM_H_
#define KSTREAMS_DSL_SESSION_WINDOWED_KSTREAM_H_

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "kstreams/dsl/internal/dsl_forward.h"
#include "kstreams/dsl/internal/graph.h"
#include "kstreams/dsl/internal/stateless_nodes.h"
#include "kstreams/dsl/internal/window_nodes.h"
#include "kstreams/dsl/internal/window_support.h"
#include "kstreams/dsl/internal/windowed_aggregation.h"
#include "kstreams/dsl/materialized.h"
#include "kstreams/dsl/named.h"
#include "kstreams/dsl/suppressed.h"
#include "kstreams/dsl/windows.h"
#include "kstreams/serde/windowed_serdes.h"

namespace kstreams {

// A grouped stream windowed into sessions, ready to aggregate per (key,
// session).
template <typename K, typename V>
class SessionWindowedKStream {
 public:
  SessionWindowedKStream EmitStrategy(const kstreams::EmitStrategy& strategy) const {
    SessionWindowedKStream copy = *this;
    copy.windowing_.emit = strategy.type();
    return copy;
  }

  KTable<Windowed<K>, int64_t> Count(const Named& named = {},
                                     const Materialized<K, int64_t>& materialized = {}) const {
    if (materialized.given() && !materialized.store_name()) {
      internal::GeneratedName(*grouped_.data(), "KSTREAM-AGGREGATE-STATE-STORE-");
    }
    return Build<int64_t>(named, materialized, "KSTREAM-AGGREGATE-", serdes::Int64(),
                          [] { return int64_t{0}; }, internal::CountAggregator{},
                          internal::CountMerger{});
  }
  KTable<Windowed<K>, int64_t> Count(const Materialized<K, int64_t>& materialized) const {
    return Count(Named(), materialized);
  }

  // reducer(aggregate, value) -> V, also merging sessions a record bridges.
  template <typename Red>
  KTable<Windowed<K>, V> Reduce(Red reducer, const Named& named = {},
                                const Materialized<K, V>& materialized = {}) const {
    static_assert(std::is_invocable_r_v<V, Red&, const V&, V&&>,
                  "Reduce expects V(const V& aggregate, V value)");
    return Build<V>(named, materialized, "KSTREAM-REDUCE-", grouped_.value_serde(), nullptr,
                    internal::ReducerAggregator<V, Red>{reducer},
                    internal::ReducerMerger<V, Red>{reducer});
  }
  template <typename Red>
  KTable<Windowed<K>, V> Reduce(Red reducer, const Materialized<K, V>& materialized) const {
    return Reduce(std::move(reducer), Named(), materialized);
  }

  // initializer() -> VA, aggregator(key, value, aggregate) -> VA, and
  // merger(key, aggregate1, aggregate2) -> VA combining two sessions.
  template <typename Init, typename Agg, typename Merger,
            typename VA = std::remove_cvref_t<std::invoke_result_t<Init&>>>
  KTable<Windowed<K>, VA> Aggregate(Init initializer, Agg aggregator, Merger merger,
                                    const Named& named = {},
                                    const Materialized<K, VA>& materialized = {}) const {
    static_assert(std::is_invocable_r_v<VA, Agg&, const K&, V&&, const VA&> &&
                      std::is_invocable_r_v<VA, Merger&, const K&, const VA&, const VA&>,
                  "session Aggregate expects an initializer VA(), an aggregator "
                  "VA(const K& key, V value, const VA& aggregate) and a merger "
                  "VA(const K& key, const VA& aggregate1, const VA& aggregate2)");
    return Build<VA>(named, materialized, "KSTREAM-AGGREGATE-", nullptr, std::move(initializer),
                     std::move(aggregator), std::move(merger));
  }
  template <typename Init, typename Agg, typename Merger,
            typename VA = std::remove_cvref_t<std::invoke_result_t<Init&>>>
  KTable<Windowed<K>, VA> Aggregate(Init initializer, Agg aggregator, Merger merger,
                                    const Materialized<K, VA>& materialized) const {
    return Aggregate(std::move(initializer), std::move(aggregator), std::move(merger), Named(),
                     materialized);
  }

  // Library use.
  SessionWindowedKStream(KGroupedStream<K, V> grouped, internal::WindowingSpec windowing)
      : grouped_(std::move(grouped)), windowing_(std::move(windowing)) {}

 private:
  template <typename VA, typename Init, typename Agg, typename Merger>
  KTable<Windowed<K>, VA> Build(const Named& named, const Materialized<K, VA>& materialized,
                                std::string_view prefix, SerdePtr<VA> default_value_serde,
                                Init init, Agg agg, Merger merger) const {
    const std::shared_ptr<internal::TopologyData>& data = grouped_.data();
    const internal::WindowingSpec windowing = windowing_;
    std::string store = internal::AddSessionStore<K, VA>(
        data, materialized, internal::StrCat(prefix, "STATE-STORE-"), grouped_.key_serde(),
        default_value_serde, internal::WindowRetentionRule(windowing));
    std::string name = internal::NameFor(*data, named, prefix);
    auto origin = internal::WindowedOrigin(windowing);
    internal::AddProcessorNode<K, V, Windowed<K>, Change<VA>>(
        *data, name, {grouped_.SourceForAggregation(store)},
        [name, store, windowing, init, agg, merger, send_old = origin->send_old_values]() {
          return internal::NewWindowAggregateNode<K, V, VA>(name, store, send_old, windowing,
                                                            init, agg, merger);
        },
        {store});
    return KTable<Windowed<K>, VA>(
        data, name,
        internal::WindowedKeySerde<K>(
            materialized.key_serde() ? materialized.key_serde() : grouped_.key_serde(),
            windowing),
        materialized.value_serde() ? materialized.value_serde() : default_value_serde, store,
        origin);
  }

  KGroupedStream<K, V> grouped_;
  internal::WindowingSpec windowing_;
};

}  // namespace kstreams

// The grouped stream it comes from and the table it returns.
#include "kstreams/dsl/kgrouped_stream.h"
#include "kstreams/dsl/ktable.h"

#endif  // KSTREAMS_DSL_SESSION_WINDOWED_KSTREAM_H_
