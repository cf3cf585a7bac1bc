// kstreams/state/internal/window_store_facade.h  (internal: not for users)
//
// A TimestampedWindowStore<K, V> seen as a WindowStore<K, V> (Java's
// WindowStoreFacade, what TopologyTestDriver.getWindowStore returns for the
// stores windowed aggregations keep): reads drop the timestamps; writes
// store timestamp -1 (Java's NO_TIMESTAMP). Lifecycle calls go to the store.
//
// Thread-compatible, like the store.
#ifndef KSTREAMS_STATE_INTERNAL_WINDOW_STORE_FACADE_H_
#define KSTREAMS_STATE_INTERNAL_WINDOW_STORE_FACADE_H_

#include <optional>
#include <utility>
#include <vector>

#include "kstreams/state/internal/timestamp_dropping_facade.h"
#include "kstreams/state/window_store.h"

namespace kstreams::internal {

template <typename K, typename V>
class WindowStoreFacade final
    : public TimestampDroppingFacade<WindowStore<K, V>, TimestampedWindowStore<K, V>> {
  using Base = TimestampDroppingFacade<WindowStore<K, V>, TimestampedWindowStore<K, V>>;
  using Base::inner_;
  using Base::Strip;

 public:
  using Base::Base;

  int64_t window_size() const override { return inner_->window_size(); }
  int64_t retention_period() const override { return inner_->retention_period(); }

  void Put(const K& key, const V& value, int64_t window_start) override {
    inner_->Put(key, ValueAndTimestamp<V>(value, -1), window_start);
  }
  std::optional<V> Fetch(const K& key, int64_t window_start) override {
    std::optional<ValueAndTimestamp<V>> v = inner_->Fetch(key, window_start);
    if (!v) return std::nullopt;
    return std::move(*v).value();
  }
  WindowStoreIterator<V> Fetch(const K& key, int64_t from, int64_t to) override {
    return Strip(inner_->Fetch(key, from, to));
  }
  WindowStoreIterator<V> BackwardFetch(const K& key, int64_t from, int64_t to) override {
    return Strip(inner_->BackwardFetch(key, from, to));
  }
  KeyValueIterator<Windowed<K>, V> Fetch(std::optional<K> key_from, std::optional<K> key_to,
                                         int64_t from, int64_t to) override {
    return Strip(inner_->Fetch(std::move(key_from), std::move(key_to), from, to));
  }
  KeyValueIterator<Windowed<K>, V> BackwardFetch(std::optional<K> key_from,
                                                 std::optional<K> key_to, int64_t from,
                                                 int64_t to) override {
    return Strip(inner_->BackwardFetch(std::move(key_from), std::move(key_to), from, to));
  }
  KeyValueIterator<Windowed<K>, V> All() override { return Strip(inner_->All()); }
  KeyValueIterator<Windowed<K>, V> BackwardAll() override { return Strip(inner_->BackwardAll()); }
  KeyValueIterator<Windowed<K>, V> FetchAll(int64_t from, int64_t to) override {
    return Strip(inner_->FetchAll(from, to));
  }
  KeyValueIterator<Windowed<K>, V> BackwardFetchAll(int64_t from, int64_t to) override {
    return Strip(inner_->BackwardFetchAll(from, to));
  }

};

}  // namespace kstreams::internal

#endif  // KSTREAMS_STATE_INTERNAL_WINDOW_STORE_FACADE_H_
