// kstreams/state/internal/timestamp_dropping_facade.h  (internal: not for users)
//
// What the views without timestamps over timestamped stores share
// (KeyValueStoreFacade, WindowStoreFacade; Java's KeyValueStoreFacade /
// WindowStoreFacade): the lifecycle calls go to the wrapped store
// (WrappedStateStore over a store the facade does not own), and iterators
// are read out with the values stripped of their timestamps.
//
// Thread-compatible, like the store.
//
// Example:
//
//   class MyFacade final : public TimestampDroppingFacade<KeyValueStore<K, V>,
//                                                        TimestampedKeyValueStore<K, V>> { ... };
#ifndef KSTREAMS_STATE_INTERNAL_TIMESTAMP_DROPPING_FACADE_H_
#define KSTREAMS_STATE_INTERNAL_TIMESTAMP_DROPPING_FACADE_H_

#include <string>
#include <utility>
#include <vector>

#include "kstreams/state/internal/wrapped_state_store.h"
#include "kstreams/state/key_value_store.h"
#include "kstreams/state/value_and_timestamp.h"

namespace kstreams::internal {

// `Interface` (the store type without timestamps) over an `Inner*`.
template <typename Interface, typename Inner>
class TimestampDroppingFacade : public WrappedStateStore<Interface, Inner, Inner*> {
 public:
  explicit TimestampDroppingFacade(Inner* inner)
      : WrappedStateStore<Interface, Inner, Inner*>(inner) {}

 protected:
  // Reads the rest of `it`, values without their timestamps.
  template <typename Key, typename V>
  static KeyValueIterator<Key, V> Strip(KeyValueIterator<Key, ValueAndTimestamp<V>> it) {
    std::vector<std::pair<Key, V>> out;
    for (; it.Valid(); it.Next()) out.emplace_back(it.key(), it.value().value());
    return KeyValueIterator<Key, V>(std::move(out));
  }
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_STATE_INTERNAL_TIMESTAMP_DROPPING_FACADE_H_
