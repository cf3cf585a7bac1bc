// kstreams/state/window_store.h
//
// WindowStore<K, V>: values per (key, window start), for windowed
// aggregations and stream-stream joins (Java's WindowStore). Declared here
// for the windowing work; no implementation exists yet.
//
// Times are epoch milliseconds; ranges are inclusive at both ends, as in
// Java. Iterators follow KeyValueIterator's lifetime rules (destroy them
// before the store closes). Errors throw StateStoreException, as for
// key-value stores.
//
// Thread-compatible.
#ifndef KSTREAMS_STATE_WINDOW_STORE_H_
#define KSTREAMS_STATE_WINDOW_STORE_H_

#include <cstdint>
#include <optional>

#include "kstreams/state/key_value_store.h"
#include "kstreams/state/state_store.h"
#include "kstreams/state/windowed.h"

namespace kstreams {

// Iterates (window start timestamp, value) of one key.
template <typename V>
using WindowStoreIterator = KeyValueIterator<int64_t, V>;

template <typename K, typename V>
class ReadOnlyWindowStore {
 public:
  virtual ~ReadOnlyWindowStore() = default;
  // The value of `key` in the window starting at `window_start_ms`.
  virtual std::optional<V> Fetch(const K& key, int64_t window_start_ms) = 0;
  // Windows of `key` starting in [time_from, time_to], oldest first.
  virtual WindowStoreIterator<V> Fetch(const K& key, int64_t time_from, int64_t time_to) = 0;
  // Windows of keys in [key_from, key_to] (nullopt: open end) starting in
  // [time_from, time_to].
  virtual KeyValueIterator<Windowed<K>, V> Fetch(std::optional<K> key_from,
                                                 std::optional<K> key_to, int64_t time_from,
                                                 int64_t time_to) = 0;
  // The same, newest first.
  virtual WindowStoreIterator<V> BackwardFetch(const K& key, int64_t time_from,
                                               int64_t time_to) = 0;
  virtual KeyValueIterator<Windowed<K>, V> BackwardFetch(std::optional<K> key_from,
                                                         std::optional<K> key_to,
                                                         int64_t time_from,
                                                         int64_t time_to) = 0;
  virtual KeyValueIterator<Windowed<K>, V> All() = 0;
  virtual KeyValueIterator<Windowed<K>, V> BackwardAll() = 0;
  // Every key's windows starting in [time_from, time_to].
  virtual KeyValueIterator<Windowed<K>, V> FetchAll(int64_t time_from, int64_t time_to) = 0;
  virtual KeyValueIterator<Windowed<K>, V> BackwardFetchAll(int64_t time_from,
                                                            int64_t time_to) = 0;
};

template <typename K, typename V>
class WindowStore : public StateStore, public ReadOnlyWindowStore<K, V> {
 public:
  // Writes `value` for `key` in the window starting at `window_start_ms`;
  // a value that serializes to null deletes it. Windows older than the
  // retention period (relative to the store's observed stream time) are
  // dropped.
  virtual void Put(const K& key, const V& value, int64_t window_start_ms) = 0;
};

}  // namespace kstreams

#endif  // KSTREAMS_STATE_WINDOW_STORE_H_
