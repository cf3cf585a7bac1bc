// The segmented store (Kafka Streams' AbstractRocksDBSegmentedBytesStore +
// AbstractSegments), over any SegmentBackend, and the in-memory backend.
//
// - Put: the segment time (window start / session end) of the store key
//   moves `observed_` on; a write older than the retention floor
//   (observed - retention + 1) is dropped; otherwise it goes to segment
//   time / interval, created on demand, and segments wholly older than
//   SegmentId(observed - retention) are dropped (as Java's
//   getOrCreateSegmentIfLive + cleanupEarlierThan).
// - Get / Fetch: entries under the floor are invisible even while their
//   segment lives (Java's getActualFrom), so what a query returns does not
//   depend on segment boundaries.
// - Fetch walks the segments whose ids cover the time range, each through
//   a bounded scan, filtering with SegmentedRange::Matches.
#include <algorithm>
#include <map>
#include <set>

#include "absl/container/flat_hash_set.h"
#include "kstreams/internal/strings.h"
#include "kstreams/log.h"
#include "kstreams/status_macros.h"
#include "state/segment_backend.h"

namespace kstreams::internal {
namespace {

using SegmentPtr = std::shared_ptr<KeyValueBytesStore>;

class SegmentedStore;

// Walks `segments` in order, scanning each between the bounds and keeping
// entries that match the range.
class SegmentIterator final : public BytesIterator {
 public:
  SegmentIterator(SegmentedStore* store, std::vector<SegmentPtr> segments, SegmentedRange range,
                  SegmentedKeyKind kind, int64_t floor);
  ~SegmentIterator() override;

  bool Valid() const override { return current_ != nullptr && current_->Valid(); }
  std::string_view key() const override { return current_->key(); }
  std::string_view value() const override { return current_->value(); }
  void Next() override {
    current_->Next();
    Settle();
  }
  absl::Status status() const override { return status_; }

  // The store is closing.
  void Release() {
    current_.reset();
    segments_.clear();
    store_ = nullptr;
    status_ = absl::FailedPreconditionError("store closed while iterating");
  }

 private:
  void Settle() {
    for (;;) {
      if (current_ != nullptr) {
        for (; current_->Valid(); current_->Next()) {
          if (range_.Matches(kind_, current_->key(), floor_)) return;
        }
        status_ = current_->status();
        if (!status_.ok()) {
          current_.reset();
          return;
        }
      }
      if (next_ >= segments_.size()) {
        current_.reset();
        return;
      }
      // Bounds are per segment: every segment holds store keys of any record key.
      current_ = segments_[next_++]->Range(lower_, upper_, range_.reverse);
    }
  }

  SegmentedStore* store_;
  std::vector<SegmentPtr> segments_;
  size_t next_ = 0;
  SegmentedRange range_;
  SegmentedKeyKind kind_;
  int64_t floor_;
  std::optional<std::string> lower_storage_, upper_storage_;
  std::optional<std::string_view> lower_, upper_;
  std::unique_ptr<BytesIterator> current_;
  absl::Status status_;
};

class SegmentedStore final : public SegmentedBytesStore {
 public:
  SegmentedStore(std::string name, SegmentedKeyKind kind, int64_t retention, int64_t interval,
                 std::unique_ptr<SegmentBackend> backend)
      : name_(std::move(name)), kind_(kind), retention_(retention), interval_(interval),
        backend_(std::move(backend)) {}
  ~SegmentedStore() override { (void)Close(); }

  const std::string& name() const override { return name_; }
  bool persistent() const override { return backend_->persistent(); }
  bool is_open() const override { return open_; }
  SegmentedKeyKind kind() const override { return kind_; }
  int64_t retention_period() const override { return retention_; }
  int64_t segment_interval() const override { return interval_; }
  int64_t observed_stream_time() const override { return observed_; }

  absl::Status Init(StateStoreContext& context) override {
    if (open_) return absl::OkStatus();
    KSTREAMS_ASSIGN_OR_RETURN(std::vector<int64_t> existing, backend_->Open(context, name_));
    open_ = true;
    for (int64_t id : existing) {
      KSTREAMS_ASSIGN_OR_RETURN(segments_[id], backend_->Segment(id));
    }
    return absl::OkStatus();
  }

  absl::Status Flush() override { return open_ ? backend_->Flush() : absl::OkStatus(); }

  absl::Status Close() override {
    if (!open_) return absl::OkStatus();
    open_ = false;
    absl::Status flushed = backend_->Flush();
    ReleaseIterators();
    segments_.clear();
    absl::Status closed = backend_->Close();
    return flushed.ok() ? closed : flushed;
  }

  // Before a restoration from the changelog's beginning: every segment goes.
  absl::Status Wipe() override {
    if (!open_) return absl::FailedPreconditionError(StrCat("store '", name_, "' is not open"));
    ReleaseIterators();
    while (!segments_.empty()) {
      KSTREAMS_RETURN_IF_ERROR(backend_->Drop(segments_.begin()->first));
      segments_.erase(segments_.begin());
    }
    observed_ = -1;
    return absl::OkStatus();
  }

  absl::StatusOr<bool> Get(std::string_view raw, std::string* value) override {
    KSTREAMS_RETURN_IF_ERROR(CheckKey(raw));
    const int64_t time = SegmentTimeOf(kind_, raw);
    if (time < RetentionFloor()) return false;
    auto it = segments_.find(SegmentId(time));
    if (it == segments_.end()) return false;
    return it->second->Get(raw, value);
  }

  absl::Status Put(std::string_view raw, BytesValue value, int64_t timestamp) override {
    KSTREAMS_RETURN_IF_ERROR(CheckKey(raw));
    const int64_t time = SegmentTimeOf(kind_, raw);
    observed_ = std::max(observed_, time);
    if (time < RetentionFloor()) {
      ++expired_writes_;
      if (LogEnabled(LogLevel::kDebug)) {
        LogLine(LogLevel::kDebug,
                StrCat("store '", name_, "': skipping a write for expired time ", time,
                       " (observed stream time ", observed_, ", retention ", retention_, ")"));
      }
      return absl::OkStatus();
    }
    const int64_t id = SegmentId(time);
    auto it = segments_.find(id);
    if (it == segments_.end()) {
      KSTREAMS_ASSIGN_OR_RETURN(SegmentPtr segment, backend_->Segment(id));
      it = segments_.emplace(id, std::move(segment)).first;
    }
    SegmentPtr segment = it->second;  // DropExpired may erase the map entry
    KSTREAMS_RETURN_IF_ERROR(DropExpired());
    return segment->Put(raw, value, timestamp);
  }

  // In segment, then key order: memtables insert sorted keys fastest.
  absl::Status PutAll(std::span<const BytesWrite> writes) override {
    for (const BytesWrite& w : writes) KSTREAMS_RETURN_IF_ERROR(CheckKey(w.key));
    std::vector<const BytesWrite*> order;
    order.reserve(writes.size());
    for (const BytesWrite& w : writes) order.push_back(&w);
    std::sort(order.begin(), order.end(), [this](const BytesWrite* a, const BytesWrite* b) {
      const int64_t sa = SegmentId(SegmentTimeOf(kind_, a->key));
      const int64_t sb = SegmentId(SegmentTimeOf(kind_, b->key));
      return sa != sb ? sa < sb : a->key < b->key;
    });
    for (const BytesWrite* w : order) KSTREAMS_RETURN_IF_ERROR(Put(w->key, w->value, w->timestamp));
    return absl::OkStatus();
  }

  std::unique_ptr<BytesIterator> Fetch(const SegmentedRange& range) override {
    const int64_t floor =
        range.include_expired ? std::numeric_limits<int64_t>::min() : RetentionFloor();
    const int64_t from = std::max(range.time_from, floor);
    if (!open_ || from > range.time_to ||
        (range.key_from && range.key_to && *range.key_from > *range.key_to)) {
      return EmptyBytesIterator();
    }
    std::vector<SegmentPtr> segments;
    for (auto it = segments_.lower_bound(SegmentId(from));
         it != segments_.end() && it->first <= SegmentId(range.time_to); ++it) {
      segments.push_back(it->second);
    }
    if (range.reverse) std::reverse(segments.begin(), segments.end());
    return std::make_unique<SegmentIterator>(this, std::move(segments), range, kind_, floor);
  }

  void Register(SegmentIterator* it) { iterators_.insert(it); }
  void Unregister(SegmentIterator* it) { iterators_.erase(it); }

 private:
  absl::Status CheckKey(std::string_view raw) const {
    if (!open_) {
      return absl::FailedPreconditionError(StrCat("store '", name_, "' is not open"));
    }
    if (raw.size() < StoreKeySuffixBytes(kind_)) {
      return absl::InvalidArgumentError(StrCat(
          "store '", name_, "': a ", kind_ == SegmentedKeyKind::kWindow ? "window" : "session",
          " store key needs at least ", StoreKeySuffixBytes(kind_), " bytes, got ", raw.size()));
    }
    return absl::OkStatus();
  }

  void ReleaseIterators() {
    absl::flat_hash_set<SegmentIterator*> live;
    live.swap(iterators_);
    for (SegmentIterator* it : live) it->Release();
  }

  // Drops the segments wholly older than the live range.
  absl::Status DropExpired() {
    const int64_t min_live = SegmentId(observed_ - retention_);
    while (!segments_.empty() && segments_.begin()->first < min_live) {
      // The backend drops the segment's storage while the map still holds it.
      KSTREAMS_RETURN_IF_ERROR(backend_->Drop(segments_.begin()->first));
      segments_.erase(segments_.begin());
    }
    return absl::OkStatus();
  }

  std::string name_;
  SegmentedKeyKind kind_;
  int64_t retention_;
  int64_t interval_;
  std::unique_ptr<SegmentBackend> backend_;
  std::map<int64_t, SegmentPtr> segments_;
  int64_t observed_ = -1;
  int64_t expired_writes_ = 0;
  bool open_ = false;
  absl::flat_hash_set<SegmentIterator*> iterators_;
};

SegmentIterator::SegmentIterator(SegmentedStore* store, std::vector<SegmentPtr> segments,
                                 SegmentedRange range, SegmentedKeyKind kind, int64_t floor)
    : store_(store), segments_(std::move(segments)), range_(std::move(range)), kind_(kind),
      floor_(floor) {
  lower_storage_ = range_.LowerBound(kind_, floor_);
  upper_storage_ = range_.UpperBound(kind_);
  if (lower_storage_) lower_ = *lower_storage_;
  if (upper_storage_) upper_ = *upper_storage_;
  store_->Register(this);
  Settle();
}

SegmentIterator::~SegmentIterator() {
  if (store_ != nullptr) store_->Unregister(this);
}

// One in-memory ordered map per segment.
class InMemoryBackend final : public SegmentBackend {
 public:
  absl::StatusOr<std::vector<int64_t>> Open(StateStoreContext& context,
                                            const std::string& name) override {
    context_ = &context;
    name_ = name;
    return std::vector<int64_t>{};
  }
  absl::StatusOr<std::shared_ptr<KeyValueBytesStore>> Segment(int64_t id) override {
    std::shared_ptr<KeyValueBytesStore> segment =
        NewInMemoryKeyValueBytesStore(StrCat(name_, ".", id));
    KSTREAMS_RETURN_IF_ERROR(segment->Init(*context_));
    return segment;
  }
  // The map is freed with its last holder.
  absl::Status Drop(int64_t) override { return absl::OkStatus(); }
  absl::Status Flush() override { return absl::OkStatus(); }
  absl::Status Close() override { return absl::OkStatus(); }
  bool persistent() const override { return false; }

 private:
  StateStoreContext* context_ = nullptr;
  std::string name_;
};

// Init fails with the supplier's error.
class FailingStore final : public SegmentedBytesStore {
 public:
  FailingStore(std::string name, SegmentedKeyKind kind, absl::Status status)
      : name_(std::move(name)), kind_(kind), status_(std::move(status)) {}
  const std::string& name() const override { return name_; }
  absl::Status Init(StateStoreContext&) override { return status_; }
  absl::Status Flush() override { return absl::OkStatus(); }
  absl::Status Close() override { return absl::OkStatus(); }
  bool persistent() const override { return false; }
  bool is_open() const override { return false; }
  SegmentedKeyKind kind() const override { return kind_; }
  int64_t retention_period() const override { return 0; }
  int64_t segment_interval() const override { return 1; }
  int64_t observed_stream_time() const override { return -1; }
  absl::StatusOr<bool> Get(std::string_view, std::string*) override { return status_; }
  absl::Status Put(std::string_view, BytesValue, int64_t) override { return status_; }
  std::unique_ptr<BytesIterator> Fetch(const SegmentedRange&) override {
    return EmptyBytesIterator();
  }

 private:
  std::string name_;
  SegmentedKeyKind kind_;
  absl::Status status_;
};

}  // namespace

std::unique_ptr<SegmentedBytesStore> NewSegmentedBytesStore(
    std::string name, SegmentedKeyKind kind, int64_t retention_ms, int64_t segment_interval_ms,
    std::unique_ptr<SegmentBackend> backend) {
  return std::make_unique<SegmentedStore>(std::move(name), kind, retention_ms,
                                          segment_interval_ms, std::move(backend));
}

std::unique_ptr<SegmentedBytesStore> NewInMemorySegmentedBytesStore(
    std::string name, SegmentedKeyKind kind, int64_t retention_ms, int64_t segment_interval_ms) {
  return NewSegmentedBytesStore(std::move(name), kind, retention_ms, segment_interval_ms,
                                std::make_unique<InMemoryBackend>());
}

std::unique_ptr<SegmentedBytesStore> NewFailingSegmentedBytesStore(
    std::string name, SegmentedKeyKind kind, absl::Status status) {
  return std::make_unique<FailingStore>(std::move(name), kind, std::move(status));
}

}  // namespace kstreams::internal
