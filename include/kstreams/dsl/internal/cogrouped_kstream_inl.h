// kstreams/dsl/internal/cogrouped_kstream_inl.h  (internal: not for users)
//
// The members of CogroupedKStream (cogrouped_kstream.h) that build other DSL
// types: WindowedBy. cogrouped_kstream.h includes it at its end.
#ifndef KSTREAMS_DSL_INTERNAL_COGROUPED_KSTREAM_INL_H_
#define KSTREAMS_DSL_INTERNAL_COGROUPED_KSTREAM_INL_H_

#include "kstreams/dsl/cogrouped_kstream.h"
#include "kstreams/dsl/internal/windowed_aggregation.h"
#include "kstreams/dsl/kgrouped_stream.h"
#include "kstreams/dsl/ktable.h"
#include "kstreams/dsl/session_windowed_cogrouped_kstream.h"
#include "kstreams/dsl/time_windowed_cogrouped_kstream.h"
#include "kstreams/dsl/windows.h"

namespace kstreams {

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

}  // namespace kstreams

#endif  // KSTREAMS_DSL_INTERNAL_COGROUPED_KSTREAM_INL_H_
