// kstreams/state/window_store.h
//
// WindowStore<K, V>: values per (key, window start), the store behind
// windowed aggregations and stream-stream joins (Java's WindowStore), and
// TimestampedWindowStore<K, V>, whose values carry the timestamp of their
// last update (what windowed aggregations materialize into).
//
// Times are epoch milliseconds; time ranges are inclusive at both ends and
// select windows by their start, as in Java. Results come in Kafka Streams'
// order: for one key, by window start; across keys, segment by segment
// (segments are retention / 2, at least 60 s, of window starts) and within a
// segment by serialized key, then start. Windows whose start is not later
// than (largest start written - retention period) are gone: reads do not
// return them and writes to them are dropped.
//
// A store made with retain_duplicates (stream-stream joins) keeps every Put,
// even for the same key and start, and returns them in insertion order;
// there a null value is ignored rather than deleting.
//
// Iterators follow KeyValueIterator's lifetime rules (destroy them before
// the store closes). Errors throw StateStoreException, as for key-value
// stores.
//
// Thread-compatible: a store and its iterators belong to one StreamThread.
//
// Example:
//
//   auto* store = ctx.GetStateStore<kstreams::WindowStore<std::string, int64_t>>("clicks");
//   store->Put("alice", 3, /*window_start_ms=*/60'000);
//   for (auto it = store->Fetch("alice", 0, 120'000); it.Valid(); it.Next()) {
//     std::cout << "window starting at " << it.key() << ": " << it.value() << "\n";
//   }
#ifndef KSTREAMS_STATE_WINDOW_STORE_H_
#define KSTREAMS_STATE_WINDOW_STORE_H_

#include <cstdint>
#include <optional>

#include "kstreams/processor/state_store.h"
#include "kstreams/serde/windowed.h"
#include "kstreams/state/key_value_store.h"
#include "kstreams/state/value_and_timestamp.h"

namespace kstreams {

// Iterates (window start timestamp, value) of one key.
template <typename V>
using WindowStoreIterator = KeyValueIterator<int64_t, V>;

template <typename K, typename V>
class ReadOnlyWindowStore {
 public:
  virtual ~ReadOnlyWindowStore() = default;
  // The value of `key` in the window starting at `window_start_ms` (with
  // retained duplicates: the first one written).
  virtual std::optional<V> Fetch(const K& key, int64_t window_start_ms) = 0;
  // Windows of `key` starting in [time_from, time_to], oldest first.
  virtual WindowStoreIterator<V> Fetch(const K& key, int64_t time_from, int64_t time_to) = 0;
  // Windows of keys in [key_from, key_to] (serialized-byte order; nullopt:
  // open end) starting in [time_from, time_to].
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
  // Every window of every key.
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
  using KeyType = K;
  using ValueType = V;
  // Writes `value` for `key` in the window starting at `window_start_ms`; a
  // value that serializes to null (an empty std::optional) deletes it.
  virtual void Put(const K& key, const V& value, int64_t window_start_ms) = 0;
  // The window size given to the store (the end of a window is start + size).
  virtual int64_t window_size() const = 0;
  virtual int64_t retention_period() const = 0;
};

// Values with the timestamp of their last update (Java's
// TimestampedWindowStore), stored as 8-byte timestamp + value bytes.
template <typename K, typename V>
class TimestampedWindowStore : public WindowStore<K, ValueAndTimestamp<V>> {};

}  // namespace kstreams

#endif  // KSTREAMS_STATE_WINDOW_STORE_H_
