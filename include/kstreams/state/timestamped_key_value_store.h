// kstreams/state/timestamped_key_value_store.h
//
// TimestampedKeyValueStore<K, V>: a KeyValueStore whose values carry the
// timestamp of their last update (Java's TimestampedKeyValueStore), the store
// KTables and aggregations materialize into. Values are stored in Java's
// layout (8-byte big-endian timestamp + value bytes), and a write's changelog
// record is stamped with the value's timestamp.
//
// Thread-compatible, like every store.
//
// Example:
//
//   auto* store = ctx.GetStateStore<
//       kstreams::TimestampedKeyValueStore<std::string, int64_t>>("counts");
//   store->Put("alice", kstreams::ValueAndTimestamp<int64_t>::Make(1, r.timestamp()));
#ifndef KSTREAMS_STATE_TIMESTAMPED_KEY_VALUE_STORE_H_
#define KSTREAMS_STATE_TIMESTAMPED_KEY_VALUE_STORE_H_

#include "kstreams/state/key_value_store.h"
#include "kstreams/state/value_and_timestamp.h"

namespace kstreams {

template <typename K, typename V>
class TimestampedKeyValueStore : public KeyValueStore<K, ValueAndTimestamp<V>> {};

}  // namespace kstreams

#endif  // KSTREAMS_STATE_TIMESTAMPED_KEY_VALUE_STORE_H_
