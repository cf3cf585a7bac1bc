// kstreams/state/internal/segmented_bytes_store.h  (internal: not for users)
//
// The bytes layer under window and session stores. Entries are keyed by
// Java's store-key layouts, which are also the keys of their changelog
// records, so a changelog written by kstreams restores in Kafka Streams and
// vice versa:
//
//   window store   [key bytes][8-byte big-endian window start][4-byte big-endian seqnum]
//                  (WindowKeySchema.toStoreKeyBinary; seqnum 0 unless the
//                  store retains duplicates)
//   session store  [key bytes][8-byte big-endian session end][8-byte big-endian session start]
//                  (SessionKeySchema.toBinary)
//
// Entries live in time segments: segment id = segment time / segment
// interval, where the segment time is the window start (window stores) or
// the session end (session stores), as Kafka Streams' segmented stores do.
// Within a segment, entries are in unsigned byte order of their store keys;
// range queries walk the segments in time order (reverse: newest segment
// first, each backwards). Retention: with `observed` the largest segment time
// written so far, an entry is live while its segment time > observed -
// retention; older entries are invisible to reads and writes, and whole
// segments older than that are dropped (a RocksDB column family dropped, an
// in-memory map freed): expiry never scans.
//
// Layers (DESIGN.md): Metered (typed, window/session) -> Caching ->
// ChangeLogging -> RocksDB | in-memory, all implementing SegmentedBytesStore.
//
// Thread-compatible: one StreamThread owns a store and its iterators.
#ifndef KSTREAMS_STATE_INTERNAL_SEGMENTED_BYTES_STORE_H_
#define KSTREAMS_STATE_INTERNAL_SEGMENTED_BYTES_STORE_H_

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kstreams/internal/big_endian.h"
#include "kstreams/processor/state_store.h"
#include "kstreams/state/internal/key_value_bytes_store.h"

namespace kstreams::internal {

// Which store-key layout a segmented store uses.
enum class SegmentedKeyKind { kWindow, kSession };

inline constexpr size_t kTimestampBytes = 8;
inline constexpr size_t kSeqnumBytes = 4;

// Bytes after the record key in a store key of `kind`.
constexpr size_t StoreKeySuffixBytes(SegmentedKeyKind kind) {
  return kind == SegmentedKeyKind::kWindow ? kTimestampBytes + kSeqnumBytes
                                           : 2 * kTimestampBytes;
}

// Window store keys.
void AppendWindowStoreKey(std::string& out, std::string_view key, int64_t window_start,
                          int32_t seqnum);
// REQUIRES: raw.size() >= 12 (checked by the stores before they call these).
inline std::string_view WindowStoreKeyKey(std::string_view raw) {
  return raw.substr(0, raw.size() - kTimestampBytes - kSeqnumBytes);
}
inline int64_t WindowStoreKeyStart(std::string_view raw) {
  return ReadInt64BigEndian(raw.substr(raw.size() - kTimestampBytes - kSeqnumBytes));
}
inline int32_t WindowStoreKeySeqnum(std::string_view raw) {
  return ReadInt32BigEndian(raw.substr(raw.size() - kSeqnumBytes));
}

// Session store keys (also the SessionWindowedSerde layout).
void AppendSessionStoreKey(std::string& out, std::string_view key, int64_t session_end,
                           int64_t session_start);
// REQUIRES: raw.size() >= 16.
inline std::string_view SessionStoreKeyKey(std::string_view raw) {
  return raw.substr(0, raw.size() - 2 * kTimestampBytes);
}
inline int64_t SessionStoreKeyEnd(std::string_view raw) {
  return ReadInt64BigEndian(raw.substr(raw.size() - 2 * kTimestampBytes));
}
inline int64_t SessionStoreKeyStart(std::string_view raw) {
  return ReadInt64BigEndian(raw.substr(raw.size() - kTimestampBytes));
}

// The time that places a store key in a segment: window start or session end.
// REQUIRES: raw.size() >= StoreKeySuffixBytes(kind).
inline int64_t SegmentTimeOf(SegmentedKeyKind kind, std::string_view raw) {
  return kind == SegmentedKeyKind::kWindow ? WindowStoreKeyStart(raw) : SessionStoreKeyEnd(raw);
}
inline std::string_view RecordKeyOf(SegmentedKeyKind kind, std::string_view raw) {
  return kind == SegmentedKeyKind::kWindow ? WindowStoreKeyKey(raw) : SessionStoreKeyKey(raw);
}

// A range query. Keys are serialized record keys compared as unsigned bytes
// (nullopt: that end is open; key_from == key_to: one key). Times apply to
// the segment time (window start, or session end) and are inclusive; a
// session must also start at or before `latest_start`.
struct SegmentedRange {
  std::optional<std::string> key_from;
  std::optional<std::string> key_to;
  int64_t time_from = std::numeric_limits<int64_t>::min();
  int64_t time_to = std::numeric_limits<int64_t>::max();
  int64_t latest_start = std::numeric_limits<int64_t>::max();
  bool reverse = false;
  // Also return entries that retention has made invisible, while their
  // segment still exists (emit-on-window-close reads windows that close
  // right at the retention edge).
  bool include_expired = false;

  bool single_key() const { return key_from && key_to && *key_from == *key_to; }
  // True when `raw` (a store key of `kind`) matches the keys and times,
  // with `time_from` raised to `floor`.
  bool Matches(SegmentedKeyKind kind, std::string_view raw, int64_t floor) const;
  // Store-key bounds that contain every match (within one segment), for
  // seeking; nullopt: unbounded. Matches() is still applied to each entry.
  std::optional<std::string> LowerBound(SegmentedKeyKind kind, int64_t floor) const;
  std::optional<std::string> UpperBound(SegmentedKeyKind kind) const;
};

// One write of a batch (PutAll); views valid during the call.
struct BytesWrite {
  std::string_view key;
  BytesValue value;
  int64_t timestamp = 0;
};

// The layer interface. Errors name the store.
class SegmentedBytesStore : public StateStore, public StateRestoreCallback {
 public:
  virtual SegmentedKeyKind kind() const = 0;
  virtual int64_t retention_period() const = 0;
  virtual int64_t segment_interval() const = 0;
  // Largest segment time written so far (-1 before any write): retention is
  // measured from it.
  virtual int64_t observed_stream_time() const = 0;

  // Copies the value of store key `raw` into *value and returns true, or
  // returns false when there is none or it expired.
  virtual absl::StatusOr<bool> Get(std::string_view raw, std::string* value) = 0;
  // Writes `value` (nullopt deletes) under store key `raw`; `timestamp`
  // stamps the changelog record. Writes older than retention are dropped.
  virtual absl::Status Put(std::string_view raw, BytesValue value, int64_t timestamp) = 0;
  // Writes of distinct store keys, as one batch: a layer may apply them in
  // any order (the bottom stores sort them). Default: one Put each, in order.
  virtual absl::Status PutAll(std::span<const BytesWrite> writes);
  // Matching entries, segment by segment (see the file comment for order).
  virtual std::unique_ptr<BytesIterator> Fetch(const SegmentedRange& range) = 0;
  // StateRestoreCallback. Default: one Put per record.
  absl::Status RestoreBatch(std::span<const ChangelogRecord> records) override;

  // As KeyValueBytesStore::SetFlushListener: the listener gets store keys.
  virtual bool SetFlushListener(CacheFlushListener listener, bool send_old_values) {
    (void)listener;
    (void)send_old_values;
    return false;
  }

  // The lowest live segment time: observed_stream_time() - retention + 1.
  int64_t RetentionFloor() const { return RetentionFloor(observed_stream_time()); }
  int64_t RetentionFloor(int64_t observed) const {
    const int64_t retention = retention_period();
    // observed >= -1 and retention >= 0, so this cannot overflow.
    return observed - retention + 1;
  }
  // segment time / segment interval; negative times share segment 0.
  int64_t SegmentId(int64_t time) const { return time < 0 ? 0 : time / segment_interval(); }
};

// Kafka Streams' default segment interval: max(retention / 2, 60 s).
inline int64_t DefaultSegmentInterval(int64_t retention_ms) {
  return std::max<int64_t>(retention_ms / 2, 60'000);
}

// Bottom stores. `retention_ms` >= 0, `segment_interval_ms` >= 1.
//
// In memory: one ordered map per segment. Iterators see the live maps (as
// the in-memory key-value store's do).
std::unique_ptr<SegmentedBytesStore> NewInMemorySegmentedBytesStore(
    std::string name, SegmentedKeyKind kind, int64_t retention_ms, int64_t segment_interval_ms);
// RocksDB: one instance per task and store at <task dir>/rocksdb/<name>, one
// column family per segment (dropping a segment drops its column family,
// files and all). Iterators read each segment as of when they reach it.
std::unique_ptr<SegmentedBytesStore> NewRocksDBSegmentedBytesStore(
    std::string name, SegmentedKeyKind kind, int64_t retention_ms, int64_t segment_interval_ms);
// A store whose Init fails with `status` (an invalid supplier).
std::unique_ptr<SegmentedBytesStore> NewFailingSegmentedBytesStore(
    std::string name, SegmentedKeyKind kind, absl::Status status);

// Logs every write of `inner` to the store's changelog sink and registers
// `inner` as the restore target (as the key-value change-logging layer, and
// with its `timestamped` layout: ChangeLoggingTimestampedWindowBytesStore).
std::unique_ptr<SegmentedBytesStore> NewChangeLoggingSegmentedBytesStore(
    std::unique_ptr<SegmentedBytesStore> inner, bool timestamped = false);

// The record cache layer (Java's CachingWindowStore / CachingSessionStore):
// entries in the thread cache, ordered as the store beneath orders them, so
// range queries merge the two; flushes write dirty entries down in the
// order of their last update and hand them to the flush listener.
std::unique_ptr<SegmentedBytesStore> NewCachingSegmentedBytesStore(
    std::unique_ptr<SegmentedBytesStore> inner);

}  // namespace kstreams::internal

#endif  // KSTREAMS_STATE_INTERNAL_SEGMENTED_BYTES_STORE_H_
