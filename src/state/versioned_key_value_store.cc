// The versioned store (Java's RocksDBVersionedStore semantics) over any
// ordered bytes store, and its change-logging layer.
//
// Layout in the inner store (keys compare as unsigned bytes):
//   'L' key                                -> ts(8) flag(1) value   latest version
//   'H' len(key)(4) key ts(8)              -> valid_to(8) flag(1) value   history
//   'T' valid_to(8) len(key)(4) key ts(8)  -> ""   purge index by valid_to
//   'M'                                    -> observed stream time(8)
// Timestamps are big-endian with the sign bit flipped, so byte order is
// numeric order. flag 1 = a value, 0 = a tombstone. Tombstones are kept in
// the history because they bound the validity of the version before them.
#include <algorithm>
#include <limits>

#include "kstreams/internal/strings.h"
#include "kstreams/state/internal/wrapped_state_store.h"
#include "kstreams/state/versioned_key_value_store.h"
#include "kstreams/status_macros.h"
#include "state/change_logging_layer.h"

namespace kstreams::internal {
namespace {

constexpr int64_t kNotPut = std::numeric_limits<int64_t>::min();
constexpr int64_t kValidToUndefined = -1;

void AppendTs(std::string& out, int64_t ts) {
  uint64_t u = static_cast<uint64_t>(ts) ^ (uint64_t{1} << 63);
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(u >> shift));
}
int64_t ReadTs(std::string_view in) {
  uint64_t u = 0;
  for (int i = 0; i < 8; ++i) u = (u << 8) | static_cast<uint8_t>(in[i]);
  return static_cast<int64_t>(u ^ (uint64_t{1} << 63));
}
void AppendLen(std::string& out, size_t n) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(n >> shift));
}

// A decoded stored version: [ts or valid_to](8) flag(1) value.
struct Stored {
  int64_t time = 0;  // ts for 'L' entries, valid_to for 'H' entries
  bool tombstone = false;
  std::string value;
};
absl::StatusOr<Stored> Decode(std::string_view bytes, std::string_view store) {
  if (bytes.size() < 9) {
    return absl::DataLossError(
        StrCat("versioned store '", store, "': corrupt entry of ", bytes.size(), " bytes"));
  }
  return Stored{ReadTs(bytes), bytes[8] == 0, std::string(bytes.substr(9))};
}
std::string Encode(int64_t time, BytesValue value) {
  std::string out;
  AppendTs(out, time);
  out.push_back(value ? 1 : 0);
  if (value) out.append(*value);
  return out;
}

class VersionedStoreImpl final
    : public WrappedStateStore<VersionedBytesStore, KeyValueBytesStore> {
 public:
  VersionedStoreImpl(std::unique_ptr<KeyValueBytesStore> inner, int64_t retention)
      : WrappedStateStore(std::move(inner)), retention_(retention) {}

  absl::Status Init(StateStoreContext& context) override {
    KSTREAMS_RETURN_IF_ERROR(inner_->Init(context));
    std::string meta;
    KSTREAMS_ASSIGN_OR_RETURN(bool found, inner_->Get("M", &meta));
    if (found && meta.size() == 8) observed_ = ReadTs(meta);
    return absl::OkStatus();
  }
  absl::Status Flush() override {
    KSTREAMS_RETURN_IF_ERROR(WriteMeta());
    return inner_->Flush();
  }
  absl::Status Close() override {
    if (inner_->is_open()) KSTREAMS_RETURN_IF_ERROR(WriteMeta());
    return inner_->Close();
  }
  int64_t history_retention_ms() const override { return retention_; }

  absl::StatusOr<int64_t> Put(std::string_view key, BytesValue value,
                              int64_t timestamp) override {
    if (timestamp < Threshold()) return kNotPut;
    observed_ = std::max(observed_, timestamp);
    const std::string latest_key = LatestKey(key);
    std::string buf;
    KSTREAMS_ASSIGN_OR_RETURN(bool has_latest, inner_->Get(latest_key, &buf));
    std::optional<Stored> latest;
    if (has_latest) {
      KSTREAMS_ASSIGN_OR_RETURN(Stored s, Decode(buf, name()));
      latest = std::move(s);
    }
    int64_t result = kValidToUndefined;
    if (!latest || timestamp >= latest->time) {
      if (latest && timestamp > latest->time) {
        // The old latest version moves to the history, valid until now.
        BytesValue old;
        if (!latest->tombstone) old = latest->value;
        KSTREAMS_RETURN_IF_ERROR(PutHistory(key, latest->time, timestamp, old));
      }
      KSTREAMS_RETURN_IF_ERROR(inner_->Put(latest_key, Encode(timestamp, value), timestamp));
    } else {
      KSTREAMS_ASSIGN_OR_RETURN(result, PutOutOfOrder(key, value, timestamp, latest->time));
    }
    KSTREAMS_RETURN_IF_ERROR(Purge());
    return result;
  }

  absl::StatusOr<std::optional<VersionedBytes>> Get(std::string_view key) override {
    std::string buf;
    KSTREAMS_ASSIGN_OR_RETURN(bool found, inner_->Get(LatestKey(key), &buf));
    if (!found) return std::optional<VersionedBytes>();
    KSTREAMS_ASSIGN_OR_RETURN(Stored s, Decode(buf, name()));
    if (s.tombstone) return std::optional<VersionedBytes>();
    return std::optional<VersionedBytes>(VersionedBytes{std::move(s.value), s.time, std::nullopt});
  }

  absl::StatusOr<std::optional<VersionedBytes>> GetAsOf(std::string_view key,
                                                        int64_t as_of) override {
    if (as_of < Threshold()) return std::optional<VersionedBytes>();
    std::string buf;
    KSTREAMS_ASSIGN_OR_RETURN(bool found, inner_->Get(LatestKey(key), &buf));
    if (!found) return std::optional<VersionedBytes>();
    KSTREAMS_ASSIGN_OR_RETURN(Stored latest, Decode(buf, name()));
    if (latest.time <= as_of) {
      if (latest.tombstone) return std::optional<VersionedBytes>();
      return std::optional<VersionedBytes>(
          VersionedBytes{std::move(latest.value), latest.time, std::nullopt});
    }
    // The newest history version at or before as_of.
    KSTREAMS_ASSIGN_OR_RETURN(std::optional<HistoryEntry> h, HistoryAtOrBefore(key, as_of));
    if (!h || h->stored.tombstone || h->stored.time <= as_of) {
      return std::optional<VersionedBytes>();
    }
    return std::optional<VersionedBytes>(
        VersionedBytes{std::move(h->stored.value), h->ts, h->stored.time});
  }

 private:
  struct HistoryEntry {
    int64_t ts;
    Stored stored;  // stored.time is the valid-to
  };

  int64_t Threshold() const {
    if (observed_ == std::numeric_limits<int64_t>::min()) return observed_;
    return observed_ - retention_;
  }
  static std::string LatestKey(std::string_view key) { return StrCat("L", key); }
  static std::string HistoryPrefix(std::string_view key) {
    std::string out = "H";
    AppendLen(out, key.size());
    out.append(key);
    return out;
  }
  static std::string HistoryKey(std::string_view key, int64_t ts) {
    std::string out = HistoryPrefix(key);
    AppendTs(out, ts);
    return out;
  }
  static std::string IndexKey(std::string_view key, int64_t ts, int64_t valid_to) {
    std::string out = "T";
    AppendTs(out, valid_to);
    AppendLen(out, key.size());
    out.append(key);
    AppendTs(out, ts);
    return out;
  }

  absl::Status PutHistory(std::string_view key, int64_t ts, int64_t valid_to, BytesValue value) {
    KSTREAMS_RETURN_IF_ERROR(inner_->Put(HistoryKey(key, ts), Encode(valid_to, value), ts));
    KSTREAMS_RETURN_IF_ERROR(inner_->Put(IndexKey(key, ts, valid_to), std::string_view(), ts));
    min_valid_to_ = std::min(min_valid_to_, valid_to);
    return absl::OkStatus();
  }
  absl::Status SetValidTo(std::string_view key, const HistoryEntry& e, int64_t valid_to) {
    KSTREAMS_RETURN_IF_ERROR(
        inner_->Put(IndexKey(key, e.ts, e.stored.time), std::nullopt, e.ts));
    BytesValue value;
    if (!e.stored.tombstone) value = e.stored.value;
    return PutHistory(key, e.ts, valid_to, value);
  }

  absl::StatusOr<std::optional<HistoryEntry>> FirstHistory(std::unique_ptr<BytesIterator> it) {
    if (!it->Valid()) {
      KSTREAMS_RETURN_IF_ERROR(it->status());
      return std::optional<HistoryEntry>();
    }
    std::string_view k = it->key();
    int64_t ts = ReadTs(k.substr(k.size() - 8));
    KSTREAMS_ASSIGN_OR_RETURN(Stored s, Decode(it->value(), name()));
    return std::optional<HistoryEntry>(HistoryEntry{ts, std::move(s)});
  }
  absl::StatusOr<std::optional<HistoryEntry>> HistoryAtOrBefore(std::string_view key,
                                                                int64_t ts) {
    const std::string from = HistoryKey(key, std::numeric_limits<int64_t>::min());
    const std::string to = HistoryKey(key, ts);
    return FirstHistory(inner_->Range(from, to, /*reverse=*/true));
  }
  absl::StatusOr<std::optional<HistoryEntry>> HistoryAfter(std::string_view key, int64_t ts) {
    if (ts == std::numeric_limits<int64_t>::max()) return std::optional<HistoryEntry>();
    const std::string from = HistoryKey(key, ts + 1);
    const std::string to = HistoryKey(key, std::numeric_limits<int64_t>::max());
    return FirstHistory(inner_->Range(from, to, /*reverse=*/false));
  }

  // A write older than the latest version: it goes into the history, valid
  // until the next version (history or latest) of the key.
  absl::StatusOr<int64_t> PutOutOfOrder(std::string_view key, BytesValue value,
                                        int64_t timestamp, int64_t latest_ts) {
    KSTREAMS_ASSIGN_OR_RETURN(std::optional<HistoryEntry> before,
                              HistoryAtOrBefore(key, timestamp));
    if (before && before->ts == timestamp) {
      // Same version: replace its value, keep its validity.
      KSTREAMS_RETURN_IF_ERROR(
          inner_->Put(HistoryKey(key, timestamp), Encode(before->stored.time, value), timestamp));
      return before->stored.time;
    }
    int64_t valid_to;
    if (before && before->stored.time > timestamp) {
      valid_to = before->stored.time;
      KSTREAMS_RETURN_IF_ERROR(SetValidTo(key, *before, timestamp));
    } else {
      KSTREAMS_ASSIGN_OR_RETURN(std::optional<HistoryEntry> after, HistoryAfter(key, timestamp));
      valid_to = after ? after->ts : latest_ts;
    }
    KSTREAMS_RETURN_IF_ERROR(PutHistory(key, timestamp, valid_to, value));
    return valid_to;
  }

  // Drops history versions that stopped being valid before the retention
  // threshold: no Get(key, as_of) within retention can reach them.
  absl::Status Purge() {
    const int64_t threshold = Threshold();
    if (threshold <= min_valid_to_) return absl::OkStatus();
    std::vector<std::pair<std::string, std::string>> doomed;  // (index key, history key)
    min_valid_to_ = std::numeric_limits<int64_t>::max();
    {
      std::unique_ptr<BytesIterator> it = inner_->Range(std::string_view("T"), std::nullopt, false);
      for (; it->Valid(); it->Next()) {
        std::string_view k = it->key();
        if (k.empty() || k[0] != 'T') break;
        const int64_t valid_to = ReadTs(k.substr(1));
        if (valid_to >= threshold) {
          min_valid_to_ = valid_to;
          break;
        }
        // 'T' valid_to(8) len(4) key ts(8) -> 'H' len(4) key ts(8)
        doomed.emplace_back(std::string(k), StrCat("H", k.substr(9)));
      }
      KSTREAMS_RETURN_IF_ERROR(it->status());
    }
    for (const auto& [index, history] : doomed) {
      KSTREAMS_RETURN_IF_ERROR(inner_->Put(index, std::nullopt, observed_));
      KSTREAMS_RETURN_IF_ERROR(inner_->Put(history, std::nullopt, observed_));
    }
    return absl::OkStatus();
  }

  absl::Status WriteMeta() {
    if (observed_ == std::numeric_limits<int64_t>::min()) return absl::OkStatus();
    std::string meta;
    AppendTs(meta, observed_);
    return inner_->Put("M", meta, observed_);
  }

  const int64_t retention_;
  int64_t observed_ = std::numeric_limits<int64_t>::min();
  // No history entry has a valid-to below this (min(): unknown, scan once).
  int64_t min_valid_to_ = std::numeric_limits<int64_t>::min();
};

// FlushCache reaches the bytes store at the bottom, which has no cache: as
// in Java, versioned stores have no caching layer.
class ChangeLoggingVersionedStore final : public ChangeLoggingLayer<VersionedBytesStore> {
 public:
  explicit ChangeLoggingVersionedStore(std::unique_ptr<VersionedBytesStore> inner)
      : ChangeLoggingLayer(std::move(inner), /*timestamped=*/false) {}
  int64_t history_retention_ms() const override { return inner_->history_retention_ms(); }
  absl::StatusOr<int64_t> Put(std::string_view key, BytesValue value,
                              int64_t timestamp) override {
    absl::StatusOr<int64_t> r = inner_->Put(key, value, timestamp);
    // A write too old to be kept is not logged either (restoration would
    // drop it again).
    if (r.ok() && *r != kNotPut) Log(key, value, timestamp);
    return r;
  }
  absl::StatusOr<std::optional<VersionedBytes>> Get(std::string_view key) override {
    return inner_->Get(key);
  }
  absl::StatusOr<std::optional<VersionedBytes>> GetAsOf(std::string_view key,
                                                        int64_t as_of) override {
    return inner_->GetAsOf(key, as_of);
  }
};

}  // namespace

absl::Status VersionedBytesStore::RestoreBatch(std::span<const ChangelogRecord> records) {
  for (const ChangelogRecord& r : records) {
    absl::StatusOr<int64_t> s = Put(r.key, r.value, r.timestamp);
    if (!s.ok()) return s.status();
  }
  return absl::OkStatus();
}

std::unique_ptr<VersionedBytesStore> NewVersionedBytesStore(
    std::unique_ptr<KeyValueBytesStore> inner, int64_t history_retention_ms) {
  return std::make_unique<VersionedStoreImpl>(std::move(inner), history_retention_ms);
}

std::unique_ptr<VersionedBytesStore> NewChangeLoggingVersionedBytesStore(
    std::unique_ptr<VersionedBytesStore> inner) {
  return std::make_unique<ChangeLoggingVersionedStore>(std::move(inner));
}

}  // namespace kstreams::internal
