// kstreams/dsl/windowed_kstream.h
//
// Windowed aggregations (Java's TimeWindowedKStream, SessionWindowedKStream
// and their cogrouped forms), made by KGroupedStream::WindowedBy and
// CogroupedKStream::WindowedBy:
//
//   grouped.WindowedBy(TimeWindows | SlidingWindows | UnlimitedWindows)
//       -> TimeWindowedKStream<K, V>:  Count, Reduce, Aggregate
//   grouped.WindowedBy(SessionWindows)
//       -> SessionWindowedKStream<K, V>: Count, Reduce, Aggregate(+ merger)
//
// Each produces a KTable<Windowed<K>, VA> whose updates are per (key,
// window): its ToStream() is KStream<Windowed<K>, std::optional<VA>> and its
// sinks default to the windowed serdes (TimeWindowedSerde with the window
// size, or SessionWindowedSerde), Java's byte layouts. Session merges
// forward a delete for every session they replace before the merged one.
//
// State: a timestamped window store (TimeWindows, SlidingWindows,
// UnlimitedWindows) or a session store, named by Materialized::As or
// generated ("KSTREAM-AGGREGATE-STATE-STORE-0000000001"), cached and logged
// by default, keeping windows for Materialized::WithRetention or by default
// the shortest time that keeps every open window: size + grace (time
// windows), 2 * time difference + grace (sliding), gap + grace (sessions).
// A shorter retention is a topology error naming the store.
//
// EmitStrategy(OnWindowClose()) forwards one final result per window when
// it closes instead of every update (see window_nodes.h for the details).
//
// Thread-compatible: build from one thread.
//
// Example (clicks per user per 1-minute window, advancing every 10 s):
//
//   builder.Stream<std::string, std::string>("clicks")
//       .GroupByKey()
//       .WindowedBy(kstreams::TimeWindows::OfSizeWithNoGrace(std::chrono::minutes(1))
//                       .AdvanceBy(std::chrono::seconds(10)))
//       .Count()
//       .ToStream()
//       .To("clicks-per-minute");
#ifndef KSTREAMS_DSL_WINDOWED_KSTREAM_H_
#define KSTREAMS_DSL_WINDOWED_KSTREAM_H_

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "kstreams/dsl/internal/suppress_node.h"
#include "kstreams/dsl/internal/window_nodes.h"
#include "kstreams/dsl/internal/window_support.h"
#include "kstreams/dsl/ktable.h"
#include "kstreams/dsl/suppressed.h"
#include "kstreams/dsl/windows.h"
#include "kstreams/serde/windowed_serdes.h"

namespace kstreams {

namespace internal {

// What a time-windowed aggregation's store must keep, and its window size.
inline RetentionRule WindowRetentionRule(const WindowingSpec& w) {
  if (w.kind == WindowingSpec::Kind::kSliding) {
    const int64_t diff = w.sliding->time_difference_ms(), grace = w.sliding->grace_period_ms();
    return {SaturatingAdd(SaturatingAdd(diff, diff), grace),
            "2 * time difference plus the grace period",
            StrCat("time difference=[", diff, "], grace=[", grace, "]")};
  }
  if (w.kind == WindowingSpec::Kind::kSession) {
    const int64_t gap = w.session->inactivity_gap_ms(), grace = w.session->grace_period_ms();
    return {SaturatingAdd(gap, grace), "the session inactivity gap plus the grace period",
            StrCat("gap=[", gap, "], grace=[", grace, "]")};
  }
  return {SaturatingAdd(w.time.size, w.time.grace), "its window size plus the grace period",
          StrCat("size=[", w.time.size, "], grace=[", w.time.grace, "]")};
}
inline int64_t WindowSizeOf(const WindowingSpec& w) {
  return w.kind == WindowingSpec::Kind::kSliding ? w.sliding->time_difference_ms() : w.time.size;
}
// How long after a window's end its result can still change.
inline int64_t WindowCloseDelayOf(const WindowingSpec& w) {
  switch (w.kind) {
    case WindowingSpec::Kind::kSliding: return w.sliding->grace_period_ms();
    case WindowingSpec::Kind::kSession:
      return SaturatingAdd(w.session->grace_period_ms(), w.session->inactivity_gap_ms());
    default: return w.time.grace;
  }
}

// The key serde of a windowed aggregation's table.
template <typename K>
SerdePtr<Windowed<K>> WindowedKeySerde(const SerdePtr<K>& key_serde, const WindowingSpec& w) {
  SerdePtr<K> inner = SerdeOrDefault<K>(key_serde);
  if (!inner) return nullptr;
  if (w.kind == WindowingSpec::Kind::kSession) return serdes::SessionWindowed<K>(inner);
  return serdes::TimeWindowed<K>(inner, std::chrono::milliseconds(WindowSizeOf(w)));
}

// The table origin of a windowed aggregation.
inline std::shared_ptr<TableOrigin> WindowedOrigin(const WindowingSpec& w) {
  auto origin = std::make_shared<TableOrigin>();
  origin->materialized = true;
  origin->window_close_delay_ms = WindowCloseDelayOf(w);
  return origin;
}

// Count's aggregator, merger, and the wrapping of a reducer into the
// aggregator(key, value, aggregate) form the nodes call.
struct CountAggregator {
  template <typename K, typename V>
  int64_t operator()(const K&, const V&, int64_t count) const {
    return count + 1;
  }
};
struct CountMerger {
  template <typename K>
  int64_t operator()(const K&, int64_t a, int64_t b) const {
    return a + b;
  }
};
template <typename V, typename Red>
struct ReducerAggregator {
  Red reducer;
  template <typename K>
  V operator()(const K&, V&& value, const V& aggregate) {
    return reducer(aggregate, std::move(value));
  }
};
template <typename V, typename Red>
struct ReducerMerger {
  Red reducer;
  template <typename K>
  V operator()(const K&, const V& a, const V& b) {
    V copy = b;
    return reducer(a, std::move(copy));
  }
};

}  // namespace internal

// A grouped stream windowed by TimeWindows, SlidingWindows or
// UnlimitedWindows, ready to aggregate per (key, window).
template <typename K, typename V>
class TimeWindowedKStream {
 public:
  // OnWindowUpdate (default) or OnWindowClose (TimeWindows and
  // SlidingWindows).
  TimeWindowedKStream EmitStrategy(const kstreams::EmitStrategy& strategy) const {
    TimeWindowedKStream copy = *this;
    copy.windowing_.emit = strategy.type();
    return copy;
  }

  // Records per key and window.
  KTable<Windowed<K>, int64_t> Count(const Named& named = {},
                                     const Materialized<K, int64_t>& materialized = {}) const {
    // Java draws (and wastes) a store index here when the Materialized it is
    // given has no name; kept so generated names match.
    if (materialized.given() && !materialized.store_name()) {
      internal::GeneratedName(*grouped_.data(), "KSTREAM-AGGREGATE-STATE-STORE-");
    }
    return Build<int64_t>(named, materialized, "KSTREAM-AGGREGATE-", serdes::Int64(),
                          [] { return int64_t{0}; }, internal::CountAggregator{});
  }
  KTable<Windowed<K>, int64_t> Count(const Materialized<K, int64_t>& materialized) const {
    return Count(Named(), materialized);
  }

  // reducer(aggregate, value) -> V; a window's first value is its first aggregate.
  template <typename Red>
  KTable<Windowed<K>, V> Reduce(Red reducer, const Named& named = {},
                                const Materialized<K, V>& materialized = {}) const {
    static_assert(std::is_invocable_r_v<V, Red&, const V&, V&&>,
                  "Reduce expects V(const V& aggregate, V value)");
    return Build<V>(named, materialized, "KSTREAM-REDUCE-", grouped_.value_serde(), nullptr,
                    internal::ReducerAggregator<V, Red>{std::move(reducer)});
  }
  template <typename Red>
  KTable<Windowed<K>, V> Reduce(Red reducer, const Materialized<K, V>& materialized) const {
    return Reduce(std::move(reducer), Named(), materialized);
  }

  // initializer() -> VA per window, then aggregator(key, value, aggregate) -> VA.
  template <typename Init, typename Agg,
            typename VA = std::remove_cvref_t<std::invoke_result_t<Init&>>>
  KTable<Windowed<K>, VA> Aggregate(Init initializer, Agg aggregator, const Named& named = {},
                                    const Materialized<K, VA>& materialized = {}) const {
    static_assert(std::is_invocable_r_v<VA, Agg&, const K&, V&&, const VA&>,
                  "Aggregate expects an initializer VA() and an aggregator "
                  "VA(const K& key, V value, const VA& aggregate)");
    return Build<VA>(named, materialized, "KSTREAM-AGGREGATE-", nullptr, std::move(initializer),
                     std::move(aggregator));
  }
  template <typename Init, typename Agg,
            typename VA = std::remove_cvref_t<std::invoke_result_t<Init&>>>
  KTable<Windowed<K>, VA> Aggregate(Init initializer, Agg aggregator,
                                    const Materialized<K, VA>& materialized) const {
    return Aggregate(std::move(initializer), std::move(aggregator), Named(), materialized);
  }

  // Library use.
  TimeWindowedKStream(KGroupedStream<K, V> grouped, internal::WindowingSpec windowing)
      : grouped_(std::move(grouped)), windowing_(std::move(windowing)) {}

 private:
  // Store, node (store index first, then node index, then repartition, as
  // Java draws them), table.
  template <typename VA, typename Init, typename Agg>
  KTable<Windowed<K>, VA> Build(const Named& named, const Materialized<K, VA>& materialized,
                                std::string_view prefix, SerdePtr<VA> default_value_serde,
                                Init init, Agg agg) const {
    const std::shared_ptr<internal::TopologyData>& data = grouped_.data();
    const internal::WindowingSpec windowing = windowing_;
    const bool emit_final = windowing.emit == EmitStrategy::Type::kOnWindowClose;
    if (emit_final && windowing.time.unlimited_start) {
      data->SetError(absl::InvalidArgumentError(
          "EmitStrategy::OnWindowClose() is only supported for TimeWindows and SlidingWindows "
          "for TimeWindowedKStream"));
    }
    // As Java, sliding windows emitting final results are never cached.
    const bool caching_allowed =
        !(emit_final && windowing.kind == internal::WindowingSpec::Kind::kSliding);
    std::string store = internal::AddWindowStore<K, VA>(
        data, materialized, internal::StrCat(prefix, "STATE-STORE-"), grouped_.key_serde(),
        default_value_serde, internal::WindowSizeOf(windowing),
        internal::WindowRetentionRule(windowing), caching_allowed);
    std::string name = internal::NameFor(*data, named, prefix);
    auto origin = internal::WindowedOrigin(windowing);
    internal::AddProcessorNode<K, V, Windowed<K>, Change<VA>>(
        *data, name, {grouped_.SourceForAggregation(store)},
        [name, store, windowing, init, agg, send_old = origin->send_old_values]() {
          return internal::NewWindowAggregateNode<K, V, VA>(name, store, send_old, windowing,
                                                            init, agg);
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

// A cogroup windowed by TimeWindows, SlidingWindows or UnlimitedWindows.
template <typename K, typename VA>
class TimeWindowedCogroupedKStream {
 public:
  template <typename Init>
  KTable<Windowed<K>, VA> Aggregate(Init initializer, const Named& named = {},
                                    const Materialized<K, VA>& materialized = {}) const {
    static_assert(std::is_invocable_r_v<VA, Init&>, "Aggregate expects an initializer VA()");
    std::string store = internal::AddWindowStore<K, VA>(
        cogrouped_.data(), materialized, "COGROUPKSTREAM-AGGREGATE-STATE-STORE-",
        cogrouped_.key_serde(), nullptr, internal::WindowSizeOf(windowing_),
        internal::WindowRetentionRule(windowing_), /*caching_allowed=*/true);
    return cogrouped_.template Build<Windowed<K>>(
        std::function<VA()>(std::move(initializer)), named, store, windowing_, nullptr,
        internal::WindowedKeySerde<K>(
            materialized.key_serde() ? materialized.key_serde() : cogrouped_.key_serde(),
            windowing_),
        materialized.value_serde(), internal::WindowedOrigin(windowing_));
  }
  template <typename Init>
  KTable<Windowed<K>, VA> Aggregate(Init initializer,
                                    const Materialized<K, VA>& materialized) const {
    return Aggregate(std::move(initializer), Named(), materialized);
  }

  // Library use.
  TimeWindowedCogroupedKStream(CogroupedKStream<K, VA> cogrouped,
                               internal::WindowingSpec windowing)
      : cogrouped_(std::move(cogrouped)), windowing_(std::move(windowing)) {}

 private:
  CogroupedKStream<K, VA> cogrouped_;
  internal::WindowingSpec windowing_;
};

// A cogroup windowed into sessions; sessions a record bridges are merged
// with `merger`.
template <typename K, typename VA>
class SessionWindowedCogroupedKStream {
 public:
  template <typename Init, typename Merger>
  KTable<Windowed<K>, VA> Aggregate(Init initializer, Merger merger, const Named& named = {},
                                    const Materialized<K, VA>& materialized = {}) const {
    static_assert(std::is_invocable_r_v<VA, Init&> &&
                      std::is_invocable_r_v<VA, Merger&, const K&, const VA&, const VA&>,
                  "session Aggregate expects an initializer VA() and a merger "
                  "VA(const K& key, const VA& aggregate1, const VA& aggregate2)");
    std::string store = internal::AddSessionStore<K, VA>(
        cogrouped_.data(), materialized, "COGROUPKSTREAM-AGGREGATE-STATE-STORE-",
        cogrouped_.key_serde(), nullptr, internal::WindowRetentionRule(windowing_));
    return cogrouped_.template Build<Windowed<K>>(
        std::function<VA()>(std::move(initializer)), named, store, windowing_,
        typename CogroupedKStream<K, VA>::Merger(std::move(merger)),
        internal::WindowedKeySerde<K>(
            materialized.key_serde() ? materialized.key_serde() : cogrouped_.key_serde(),
            windowing_),
        materialized.value_serde(), internal::WindowedOrigin(windowing_));
  }
  template <typename Init, typename Merger>
  KTable<Windowed<K>, VA> Aggregate(Init initializer, Merger merger,
                                    const Materialized<K, VA>& materialized) const {
    return Aggregate(std::move(initializer), std::move(merger), Named(), materialized);
  }

  // Library use.
  SessionWindowedCogroupedKStream(CogroupedKStream<K, VA> cogrouped,
                                  internal::WindowingSpec windowing)
      : cogrouped_(std::move(cogrouped)), windowing_(std::move(windowing)) {}

 private:
  CogroupedKStream<K, VA> cogrouped_;
  internal::WindowingSpec windowing_;
};

// ---------------------------------------------------------------------------
// WindowedBy.

namespace internal {
// The windowing of `windows`; an invalid definition is a topology error.
template <typename Windows>
WindowingSpec MakeWindowing(TopologyData& data, const Windows& windows) {
  if (!windows.status().ok()) data.SetError(windows.status());
  WindowingSpec spec;
  if constexpr (std::is_same_v<Windows, SlidingWindows>) {
    spec.kind = WindowingSpec::Kind::kSliding;
    spec.sliding = windows;
  } else if constexpr (std::is_same_v<Windows, SessionWindows>) {
    spec.kind = WindowingSpec::Kind::kSession;
    spec.session = windows;
  } else {
    spec.kind = WindowingSpec::Kind::kTime;
    spec.time = TimeWindowSpec::Of(windows);
  }
  return spec;
}
}  // namespace internal

template <typename K, typename V>
TimeWindowedKStream<K, V> KGroupedStream<K, V>::WindowedBy(const TimeWindows& windows) const {
  return TimeWindowedKStream<K, V>(*this, internal::MakeWindowing(*data_, windows));
}
template <typename K, typename V>
TimeWindowedKStream<K, V> KGroupedStream<K, V>::WindowedBy(const SlidingWindows& windows) const {
  return TimeWindowedKStream<K, V>(*this, internal::MakeWindowing(*data_, windows));
}
template <typename K, typename V>
TimeWindowedKStream<K, V> KGroupedStream<K, V>::WindowedBy(
    const UnlimitedWindows& windows) const {
  return TimeWindowedKStream<K, V>(*this, internal::MakeWindowing(*data_, windows));
}
template <typename K, typename V>
SessionWindowedKStream<K, V> KGroupedStream<K, V>::WindowedBy(
    const SessionWindows& windows) const {
  return SessionWindowedKStream<K, V>(*this, internal::MakeWindowing(*data_, windows));
}

template <typename K, typename VA>
TimeWindowedCogroupedKStream<K, VA> CogroupedKStream<K, VA>::WindowedBy(
    const TimeWindows& windows) const {
  return TimeWindowedCogroupedKStream<K, VA>(*this, internal::MakeWindowing(*data_, windows));
}
template <typename K, typename VA>
TimeWindowedCogroupedKStream<K, VA> CogroupedKStream<K, VA>::WindowedBy(
    const SlidingWindows& windows) const {
  return TimeWindowedCogroupedKStream<K, VA>(*this, internal::MakeWindowing(*data_, windows));
}
template <typename K, typename VA>
TimeWindowedCogroupedKStream<K, VA> CogroupedKStream<K, VA>::WindowedBy(
    const UnlimitedWindows& windows) const {
  return TimeWindowedCogroupedKStream<K, VA>(*this, internal::MakeWindowing(*data_, windows));
}
template <typename K, typename VA>
SessionWindowedCogroupedKStream<K, VA> CogroupedKStream<K, VA>::WindowedBy(
    const SessionWindows& windows) const {
  return SessionWindowedCogroupedKStream<K, VA>(*this, internal::MakeWindowing(*data_, windows));
}

// ---------------------------------------------------------------------------
// KTable::Suppress.

template <typename K, typename V>
KTable<K, V> KTable<K, V>::Suppress(const Suppressed& suppressed) const {
  internal::TopologyData& data = *data_;
  const BufferConfig& buffer = suppressed.buffer_config();
  internal::SuppressSpec spec;
  spec.max_records = buffer.max_records();
  spec.max_bytes = buffer.max_bytes();
  spec.shut_down_when_full = buffer.full_strategy() == BufferConfig::FullStrategy::kShutDown;
  std::string name = internal::NameFor(data, suppressed.name(), "KTABLE-SUPPRESS-");
  if (suppressed.until_window_closes()) {
    std::optional<int64_t> delay = internal::WindowCloseDelay(origin_.get());
    if (!internal::IsWindowed<K>::value || !delay) {
      data.SetError(absl::InvalidArgumentError(internal::StrCat(
          "Suppress '", name, "': Suppressed::UntilWindowCloses needs the table of a windowed "
          "aggregation upstream (window close time is only defined for windows)")));
    }
    if (!spec.shut_down_when_full) {
      data.SetError(absl::InvalidArgumentError(internal::StrCat(
          "Suppress '", name, "': Suppressed::UntilWindowCloses needs a buffer that never "
          "emits early: BufferConfig::Unbounded() or a bound with ShutDownWhenFull()")));
    }
    spec.wait_ms = delay.value_or(0);
    spec.window_end_time = true;
    spec.safe_to_drop_tombstones = true;
  } else {
    spec.wait_ms = suppressed.time_to_wait_ms();
    if (spec.wait_ms < 0) {
      data.SetError(absl::InvalidArgumentError(internal::StrCat(
          "Suppress '", name, "': the time limit must not be negative, got ", spec.wait_ms,
          " ms")));
    }
  }
  std::string store = suppressed.name()
                          ? *suppressed.name() + "-store"
                          : internal::GeneratedName(data, "KTABLE-SUPPRESS-STATE-STORE-");
  SerdePtr<K> key_serde = SerdeOrDefault<K>(key_serde_);
  SerdePtr<V> value_serde = SerdeOrDefault<V>(value_serde_);
  if (!key_serde || !value_serde) {
    data.SetError(absl::InvalidArgumentError(internal::StrCat(
        "suppression buffer '", store, "' needs a ", key_serde ? "value" : "key",
        " serde for ", key_serde ? TypeName<V>() : TypeName<K>(),
        ", which has no default; give the table one (Materialized::With)")));
  }
  // The buffer keeps the value downstream last saw for each key: the old values.
  EnableSendingOldValues();
  internal::SuppressionBufferBuilder buffer_builder(store);
  if (buffer.logging_enabled()) {
    buffer_builder.WithLoggingEnabled(buffer.log_config());
  } else {
    buffer_builder.WithLoggingDisabled();
  }
  internal::AddProcessorNode<K, Change<V>, K, Change<V>>(
      data, name, {node_}, [name, store, spec, key_serde, value_serde]() {
        return std::make_unique<internal::SuppressNode<K, V>>(name, store, spec, key_serde,
                                                              value_serde);
      });
  Topology(data_).AddStateStore(std::move(buffer_builder), {name});
  auto origin = Child(false);
  return KTable(data_, name, key_serde_, value_serde_, std::nullopt, origin);
}

}  // namespace kstreams

#endif  // KSTREAMS_DSL_WINDOWED_KSTREAM_H_
