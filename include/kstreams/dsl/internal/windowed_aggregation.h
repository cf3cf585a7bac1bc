// kstreams/dsl/internal/windowed_aggregation.h  (internal: not for users)
//
// What the windowed streams (time_windowed_kstream.h, session_windowed_kstream.h
// and their cogrouped forms) share: the windowing of a WindowedBy call, the
// retention rule and window size of its store, the key serde and table origin
// of its result, and the aggregators behind Count and Reduce.
#ifndef KSTREAMS_DSL_INTERNAL_WINDOWED_AGGREGATION_H_
#define KSTREAMS_DSL_INTERNAL_WINDOWED_AGGREGATION_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <utility>

#include "kstreams/dsl/internal/table_support.h"
#include "kstreams/dsl/internal/window_nodes.h"
#include "kstreams/dsl/internal/window_support.h"
#include "kstreams/dsl/windows.h"
#include "kstreams/internal/strings.h"
#include "kstreams/processor/internal/topology_data.h"
#include "kstreams/serde/windowed_serdes.h"

namespace kstreams::internal {

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

}  // namespace kstreams::internal

#endif  // KSTREAMS_DSL_INTERNAL_WINDOWED_AGGREGATION_H_
