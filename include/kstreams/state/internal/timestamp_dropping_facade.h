// kstreams/state/internal/timestamp_dropping_facade.h  (internal: not for users)
//
// What the views without timestamps over timestamped stores share
// (KeyValueStoreFacade, WindowStoreFacade; Java's KeyValueStoreFacade /
// WindowStoreFacade): the lifecycle calls go to the wrapped store, and
// iterators are read out with the values stripped of their timestamps.
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

#include "kstreams/state/key_value_store.h"
#include "kstreams/state/value_and_timestamp.h"

namespace kstreams::internal {

// `Interface` (the store type without timestamps) over an `Inner*`.
template <typename Interface, typename Inner>
class TimestampDroppingFacade : public Interface {
 public:
  explicit TimestampDroppingFacade(Inner* inner) : inner_(inner) {}

  const std::string& name() const override { return inner_->name(); }
  absl::Status Init(StateStoreContext& context) override { return inner_->Init(context); }
  absl::Status FlushCache() override { return inner_->FlushCache(); }
  absl::Status Flush() override { return inner_->Flush(); }
  absl::Status Close() override { return inner_->Close(); }
  bool persistent() const override { return inner_->persistent(); }
  bool is_open() const override { return inner_->is_open(); }

 protected:
  // Reads the rest of `it`, values without their timestamps.
  template <typename Key, typename V>
  static KeyValueIterator<Key, V> Strip(KeyValueIterator<Key, ValueAndTimestamp<V>> it) {
    std::vector<std::pair<Key, V>> out;
    for (; it.Valid(); it.Next()) out.emplace_back(it.key(), it.value().value());
    return KeyValueIterator<Key, V>(std::move(out));
  }

  Inner* inner_;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_STATE_INTERNAL_TIMESTAMP_DROPPING_FACADE_H_
