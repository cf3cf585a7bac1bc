// kstreams/dsl/session_windowed_cogrouped_kstream.h
//
// SessionWindowedCogroupedKStream<K, VA>: a cogroup windowed into sessions
// (Java's SessionWindowedCogroupedKStream), made by
// CogroupedKStream::WindowedBy(SessionWindows). See windowed_kstream.h.
//
// Thread-compatible: build from one thread.
#ifndef KSTREAMS_DSL_SESSION_WINDOWED_COGROUPED_KSTREAM_H_
#define KSTREAMS_DSL_SESSION_WINDOWED_COGROUPED_KSTREAM_H_

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

}  // namespace kstreams

// The cogroup it comes from and the table it returns.
#include "kstreams/dsl/cogrouped_kstream.h"
#include "kstreams/dsl/ktable.h"

#endif  // KSTREAMS_DSL_SESSION_WINDOWED_COGROUPED_KSTREAM_H_
