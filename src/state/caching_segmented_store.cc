// The caching layer of window and session stores (Kafka Streams'
// CachingWindowStore / CachingSessionStore): this store's entries in the
// thread's record cache (state/named_cache.h), plus an index ordered as the
// store beneath orders its entries, (segment id, store key), so that range
// queries merge the two without sorting the cache (Java's
// SegmentedCacheFunction does the same with a segment-id key prefix).
//
// - Get: a hit returns the cached value; a miss reads beneath and, as Java's
//   window cache, does not cache what it read. Inside a QueryReadScope
//   (interactive queries) reads change nothing (no LRU touch, no counters).
// - Put: a dirty entry; eviction and flush order as NamedCache says. The
//   write-down hands (store key, new, old, timestamp) to the flush listener,
//   old read from beneath as the key-value cache does.
// - Retention: the layer tracks the largest segment time written through it,
//   so reads hide expired entries exactly as the store beneath will once
//   the cache is flushed.
// - Fetch: the matching cache entries are copied when the iterator is made
//   (O(log n + matches)) and merged over the store's iterator.
#include <algorithm>

#include "absl/container/btree_set.h"
#include "kstreams/state/internal/query_read_scope.h"
#include "kstreams/state/internal/segmented_bytes_store.h"
#include "kstreams/status_macros.h"
#include "state/caching_layer.h"
#include "state/named_cache.h"

namespace kstreams::internal {
namespace {

class CachingSegmentedStore final : public CachingLayer<SegmentedBytesStore> {
 public:
  explicit CachingSegmentedStore(std::unique_ptr<SegmentedBytesStore> inner)
      : CachingLayer(std::move(inner),
                     {[this](std::string_view key, BytesValue value, int64_t ts) {
                        return Stage(key, value, ts);
                      },
                      [this] { return WriteStaged(); }}) {
    cache_.SetIndexHooks([this](const std::string& key) { index_.insert(IndexKey(key)); },
                         [this](const std::string& key) { index_.erase(IndexKey(key)); });
  }
  // Empties the cache while index_, which its erase hook updates, still exists.
  ~CachingSegmentedStore() override { cache_.Clear(); }

  SegmentedKeyKind kind() const override { return inner_->kind(); }
  int64_t retention_period() const override { return inner_->retention_period(); }
  int64_t segment_interval() const override { return inner_->segment_interval(); }
  int64_t observed_stream_time() const override {
    return std::max(observed_, inner_->observed_stream_time());
  }

  absl::StatusOr<bool> Get(std::string_view raw, std::string* value) override {
    if (!cache_.enabled() || raw.size() < StoreKeySuffixBytes(kind())) {
      return inner_->Get(raw, value);
    }
    if (SegmentTimeOf(kind(), raw) < RetentionFloor()) return false;
    // Interactive queries (QueryReadScope) read without touching the cache.
    if (const NamedCache::Entry* e =
            QueryReadScope::active() ? cache_.Peek(raw) : cache_.Lookup(raw)) {
      if (e->is_null) return false;
      value->assign(e->value);
      return true;
    }
    return inner_->Get(raw, value);
  }

  absl::Status Put(std::string_view raw, BytesValue value, int64_t timestamp) override {
    if (!cache_.enabled() || raw.size() < StoreKeySuffixBytes(kind())) {
      return WriteDown(raw, value, timestamp);  // the store beneath reports bad keys
    }
    observed_ = std::max(observed_, SegmentTimeOf(kind(), raw));
    return cache_.PutDirty(raw, value, timestamp, write_down_);
  }

  std::unique_ptr<BytesIterator> Fetch(const SegmentedRange& range) override {
    const int64_t floor =
        range.include_expired ? std::numeric_limits<int64_t>::min() : RetentionFloor();
    // The store beneath may not have seen the writes that moved the floor.
    SegmentedRange below = range;
    below.time_from = std::max(range.time_from, floor);
    std::unique_ptr<BytesIterator> store = inner_->Fetch(below);
    if (index_.empty() || below.time_from > range.time_to) return store;

    const std::optional<std::string> lower = range.LowerBound(kind(), floor);
    const std::optional<std::string> upper = range.UpperBound(kind());
    const std::string_view lower_key = lower ? std::string_view(*lower) : std::string_view();
    const int64_t last_segment = SegmentId(range.time_to);
    std::vector<CachedEntry> snapshot;
    auto it = index_.lower_bound({SegmentId(below.time_from), lower_key});
    while (it != index_.end() && it->first <= last_segment) {
      if (it->second < lower_key) {  // entered a new segment below the bound
        it = index_.lower_bound({it->first, lower_key});
        continue;
      }
      if (upper && it->second > *upper) {  // past the bound: the next segment
        it = index_.lower_bound({it->first + 1, lower_key});
        continue;
      }
      if (range.Matches(kind(), it->second, floor)) {
        const NamedCache::Entry& e =
            cache_.entries().find(absl::string_view(it->second.data(), it->second.size()))->second;
        CachedEntry c{std::string(it->second), std::nullopt};
        if (!e.is_null) c.value = e.value;
        snapshot.push_back(std::move(c));
      }
      ++it;
    }
    if (snapshot.empty()) return store;
    if (range.reverse) std::reverse(snapshot.begin(), snapshot.end());
    auto before = [this, reverse = range.reverse](std::string_view a, std::string_view b) {
      return reverse ? IndexKey(b) < IndexKey(a) : IndexKey(a) < IndexKey(b);
    };
    return std::make_unique<MergedCacheIterator<decltype(before)>>(std::move(snapshot),
                                                                   std::move(store), before);
  }

 private:
  // Where a store key sorts beneath: its segment, then its bytes.
  // REQUIRES: raw holds at least the key suffix (checked before caching).
  std::pair<int64_t, std::string_view> IndexKey(std::string_view raw) const {
    return {SegmentId(SegmentTimeOf(kind(), raw)), raw};
  }

  // A flush stages its writes (the listener is told in last-update order)
  // and writes them down together in store order, which RocksDB's memtable
  // inserts much faster than random order; reads meanwhile hit the cache,
  // which holds every staged entry until WriteStaged has run.
  absl::Status Stage(std::string_view raw, BytesValue value, int64_t timestamp) {
    return WriteAndNotify(
        [this](std::string_view k, BytesValue v, int64_t ts) {
          staged_.push_back({std::string(k), v ? std::optional<std::string>(*v) : std::nullopt,
                             ts});
          return absl::OkStatus();
        },
        raw, value, timestamp);
  }
  absl::Status WriteStaged() {
    std::vector<BytesWrite> writes;
    writes.reserve(staged_.size());
    for (const Staged& s : staged_) {
      BytesValue v;
      if (s.value) v = *s.value;
      writes.push_back({s.key, v, s.timestamp});
    }
    absl::Status status = inner_->PutAll(writes);
    staged_.clear();
    return status;
  }

  // (segment id, store key) of every cached entry; views into the cache's
  // keys (cache_, in the base, outlives it: see the destructor).
  absl::btree_set<std::pair<int64_t, std::string_view>> index_;
  int64_t observed_ = -1;
  struct Staged {
    std::string key;
    std::optional<std::string> value;
    int64_t timestamp;
  };
  std::vector<Staged> staged_;
};

}  // namespace

std::unique_ptr<SegmentedBytesStore> NewCachingSegmentedBytesStore(
    std::unique_ptr<SegmentedBytesStore> inner) {
  return std::make_unique<CachingSegmentedStore>(std::move(inner));
}

}  // namespace kstreams::internal
