// Store-key layouts and range matching shared by every segmented store layer
// (Java's WindowKeySchema and SessionKeySchema).
#include <algorithm>

#include "kstreams/state/internal/segmented_bytes_store.h"

namespace kstreams::internal {

void AppendWindowStoreKey(std::string& out, std::string_view key, int64_t window_start,
                          int32_t seqnum) {
  out.reserve(out.size() + key.size() + kTimestampBytes + kSeqnumBytes);
  out.append(key);
  AppendInt64BigEndian(out, window_start);
  AppendInt32BigEndian(out, seqnum);
}

void AppendSessionStoreKey(std::string& out, std::string_view key, int64_t session_end,
                           int64_t session_start) {
  out.reserve(out.size() + key.size() + 2 * kTimestampBytes);
  out.append(key);
  AppendInt64BigEndian(out, session_end);
  AppendInt64BigEndian(out, session_start);
}

bool SegmentedRange::Matches(SegmentedKeyKind kind, std::string_view raw, int64_t floor) const {
  if (raw.size() < StoreKeySuffixBytes(kind)) return false;
  const std::string_view key = RecordKeyOf(kind, raw);
  if (key_from && key < std::string_view(*key_from)) return false;
  if (key_to && key > std::string_view(*key_to)) return false;
  const int64_t time = SegmentTimeOf(kind, raw);
  if (time < std::max(time_from, floor) || time > time_to) return false;
  return kind == SegmentedKeyKind::kWindow || SessionStoreKeyStart(raw) <= latest_start;
}

// Bounds rely on stored times being >= 0, so that their big-endian bytes sort
// as the numbers do (Kafka Streams makes the same assumption).
std::optional<std::string> SegmentedRange::LowerBound(SegmentedKeyKind kind,
                                                      int64_t floor) const {
  if (!key_from) return std::nullopt;
  std::string bound = *key_from;
  const int64_t from = std::max(time_from, floor);
  if (single_key() && from > 0) {
    AppendInt64BigEndian(bound, from);  // a prefix of every match's store key
  }
  (void)kind;
  return bound;
}

std::optional<std::string> SegmentedRange::UpperBound(SegmentedKeyKind kind) const {
  if (!key_to) return std::nullopt;
  std::string bound = *key_to;
  if (single_key()) {
    if (time_to < 0) return bound;  // nothing matches; keep the scan empty
    AppendInt64BigEndian(bound, time_to);
    bound.append(StoreKeySuffixBytes(kind) - kTimestampBytes, '\xff');
  } else {
    bound.append(StoreKeySuffixBytes(kind), '\xff');
  }
  return bound;
}

absl::Status SegmentedBytesStore::PutAll(std::span<const BytesWrite> writes) {
  for (const BytesWrite& w : writes) {
    absl::Status s = Put(w.key, w.value, w.timestamp);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status SegmentedBytesStore::RestoreBatch(std::span<const ChangelogRecord> records) {
  for (const ChangelogRecord& r : records) {
    absl::Status s = Put(r.key, r.value, r.timestamp);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace kstreams::internal
