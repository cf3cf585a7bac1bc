// kstreams/dsl/time_windowed_cogrouped_kstream.h
//
// TimeWindowedCogroupedKStream<K, VA>: a cogroup windowed by TimeWindows,
// SlidingWindows or UnlimitedWindows (Java's TimeWindowedCogroupedKStream),
// made by CogroupedKStream::WindowedBy. See windowed_kstream.h.
//
// Thread-compatible: build from one thread.
#ifndef KSTREAMS_DSL_TIME_WINDOWED_COGROUPED_KSTREAM_H_
#define KSTREAMS_DSL_TIME_WINDOWED_COGROUPED_KSTREAM_H_

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

}  // namespace kstreams

// The cogroup it comes from and the table it returns.
#include "kstreams/dsl/cogrouped_kstream.h"
#include "kstreams/dsl/ktable.h"

#endif  // KSTREAMS_DSL_TIME_WINDOWED_COGROUPED_KSTREAM_H_
