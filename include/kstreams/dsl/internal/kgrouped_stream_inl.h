// kstreams/dsl/internal/kgrouped_stream_inl.h  (internal: not for users)
//
// The members of KGroupedStream (kgrouped_stream.h) that build other DSL
// types: Cogroup and WindowedBy. kgrouped_stream.h includes it at its end.
#ifndef KSTREAMS_DSL_INTERNAL_KGROUPED_STREAM_INL_H_
#define KSTREAMS_DSL_INTERNAL_KGROUPED_STREAM_INL_H_

#include <utility>

#include "kstreams/dsl/cogrouped_kstream.h"
#include "kstreams/dsl/internal/windowed_aggregation.h"
#include "kstreams/dsl/kgrouped_stream.h"
#include "kstreams/dsl/ktable.h"
#include "kstreams/dsl/session_windowed_kstream.h"
#include "kstreams/dsl/time_windowed_kstream.h"
#include "kstreams/dsl/windows.h"

namespace kstreams {

template <typename K, typename V>
template <typename VA, typename Agg>
CogroupedKStream<K, VA> KGroupedStream<K, V>::Cogroup(Agg aggregator) const {
  CogroupedKStream<K, VA> cogrouped(data_, key_serde_);
  cogrouped.Cogroup(*this, std::move(aggregator));
  return cogrouped;
}

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

}  // namespace kstreams

#endif  // KSTREAMS_DSL_INTERNAL_KGROUPED_STREAM_INL_H_
