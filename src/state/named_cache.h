// One store's entries in its thread's record cache (Kafka Streams' NamedCache):
// what every caching layer (key-value, window, session) shares.
//
// - Entries live in a hash map with stable nodes, on an intrusive LRU list
//   (eldest first); dirty entries are also kept, on a second intrusive list,
//   in the order of their last update (Java's dirtyKeys: NamedCache.put
//   moves a re-dirtied key to the end).
// - Why last-update order matters: a flush forwards in this order, and a
//   downstream Suppress advances stream time with each record; first-dirtied
//   order let a later window move stream time past the close of a window
//   whose last update was still to come, emitting a stale "final" result.
// - Every entry costs key + value + ThreadCache::kEntryOverhead bytes,
//   charged to the thread's budget.
// - Flush(): dirty entries are written down in that order through the
//   caller's `write_down`; flushed deletes leave the cache. Entries are not
//   erased while flushing, so `write_down` may write to the same store.
// - MaybeEvict(): while the thread cache is over budget, erases this store's
//   eldest entries; evicting a dirty entry first flushes all dirty entries,
//   so what lies beneath sees writes in order.
// - Layers that need key order keep their own index, maintained through
//   the on_insert / on_erase hooks.
//
// Thread-compatible: owned by one caching layer.
#ifndef KSTREAMS_SRC_STATE_NAMED_CACHE_H_
#define KSTREAMS_SRC_STATE_NAMED_CACHE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/node_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "kstreams/processor/streams_metrics.h"
#include "kstreams/state/internal/key_value_bytes_store.h"
#include "state/thread_cache.h"

namespace kstreams::internal {

class NamedCache {
 public:
  struct Entry {
    std::string value;
    bool is_null = false;  // a cached delete
    bool dirty = false;
    int64_t timestamp = 0;
    int64_t charged = 0;               // bytes charged to the thread cache
    const std::string* key = nullptr;  // the map's key (node_hash_map: stable)
    Entry* prev = nullptr;             // towards the eldest
    Entry* next = nullptr;             // towards the youngest
    Entry* dirty_prev = nullptr;       // dirty list: towards the first updated
    Entry* dirty_next = nullptr;       // dirty list: towards the last updated
    BytesValue bytes() const {
      if (is_null) return std::nullopt;
      return std::string_view(value);
    }
  };
  // How a caching layer writes its entries down.
  struct WriteDown {
    // One entry (and tells the layer's listener); during a flush, called in
    // the order of the entries' last updates.
    std::function<absl::Status(std::string_view key, BytesValue value, int64_t timestamp)> write;
    // After the last entry of each flush, before any flushed entry can be
    // evicted: a layer that batches its writes applies them here. May be empty.
    std::function<absl::Status()> finish;
  };
  using KeyHook = std::function<void(const std::string& key)>;

  NamedCache() = default;
  NamedCache(const NamedCache&) = delete;
  NamedCache& operator=(const NamedCache&) = delete;
  ~NamedCache() { Clear(); }

  void Attach(ThreadCache* cache) { cache_ = cache; }
  // DEBUG (Java's NamedCache): after each lookup, this cache's hits / lookups
  // so far (stream-record-cache-metrics hit-ratio-avg/min/max).
  void SetHitRatioSensor(Sensor* sensor) { hit_ratio_ = sensor; }
  // False without a thread cache or with a budget of 0: write through.
  bool enabled() const { return cache_ != nullptr && cache_->max_bytes() > 0; }
  ThreadCache* thread_cache() const { return cache_; }
  void SetIndexHooks(KeyHook on_insert, KeyHook on_erase) {
    on_insert_ = std::move(on_insert);
    on_erase_ = std::move(on_erase);
  }

  bool empty() const { return entries_.empty(); }
  void RecordHitRatio(bool hit) {
    if (hit_ratio_ == nullptr) return;
    lookups_ += 1;
    hits_ += hit ? 1 : 0;
    hit_ratio_->Record(static_cast<double>(hits_) / static_cast<double>(lookups_));
  }
  const absl::node_hash_map<std::string, Entry>& entries() const { return entries_; }

  // The entry of `key`, or nullptr, changing nothing (interactive queries).
  const Entry* Peek(std::string_view key) const {
    auto it = entries_.find(AbslView(key));
    return it == entries_.end() ? nullptr : &it->second;
  }
  // The entry of `key`, or nullptr. Counts a hit (and touches) or a miss.
  Entry* Lookup(std::string_view key) {
    auto it = entries_.find(AbslView(key));
    if (it == entries_.end()) {
      ++cache_->misses;
      RecordHitRatio(false);
      return nullptr;
    }
    ++cache_->hits;
    RecordHitRatio(true);
    Touch(&it->second);
    return &it->second;
  }

  // Caches a value read from beneath (a clean entry), then evicts if needed.
  absl::Status PutClean(std::string_view key, std::string_view value, const WriteDown& down) {
    Entry& e = FindOrInsert(key);
    e.value.assign(value);
    e.is_null = false;
    e.timestamp = -1;
    Charge(&e);
    return MaybeEvict(down);
  }

  // A write: the entry becomes dirty (nullopt: a cached delete), then evicts
  // if needed.
  absl::Status PutDirty(std::string_view key, BytesValue value, int64_t timestamp,
                        const WriteDown& down) {
    Entry& e = FindOrInsert(key);
    if (value) {
      e.value.assign(*value);
      e.is_null = false;
    } else {
      e.value.clear();
      e.is_null = true;
    }
    e.timestamp = timestamp;
    if (e.dirty) UnlinkDirty(&e);
    e.dirty = true;
    LinkDirty(&e);
    Charge(&e);
    return MaybeEvict(down);
  }

  absl::Status Flush(const WriteDown& down) {
    if (dirty_first_ == nullptr || flushing_) return absl::OkStatus();
    if (cache_ != nullptr) ++cache_->flushes;
    flushing_ = true;
    // Entries re-dirtied by `write_down` join a new dirty list.
    std::vector<Entry*> batch;
    batch.swap(spare_);
    for (Entry* e = dirty_first_; e != nullptr;) {
      Entry* next = e->dirty_next;
      e->dirty_prev = e->dirty_next = nullptr;
      e->dirty = false;
      batch.push_back(e);
      e = next;
    }
    dirty_first_ = dirty_last_ = nullptr;
    absl::Status status;
    for (Entry* e : batch) {
      status = down.write(*e->key, e->bytes(), e->timestamp);
      if (!status.ok()) break;
    }
    if (status.ok() && down.finish) status = down.finish();
    flushing_ = false;
    for (Entry* e : batch) {
      if (e->is_null && !e->dirty) Erase(e);
    }
    batch.clear();
    spare_.swap(batch);  // keep the capacity for the next flush
    return status;
  }

  // Forgets every entry (dirty ones included) and returns their bytes.
  void Clear() {
    if (cache_ != nullptr) {
      for (auto& [key, e] : entries_) cache_->Charge(-e.charged);
    }
    if (on_erase_) {
      for (auto& [key, e] : entries_) on_erase_(key);
    }
    entries_.clear();
    eldest_ = youngest_ = nullptr;
    dirty_first_ = dirty_last_ = nullptr;
  }

 private:
  static absl::string_view AbslView(std::string_view s) {
    return absl::string_view(s.data(), s.size());
  }

  Entry& FindOrInsert(std::string_view key) {
    auto [it, inserted] = entries_.try_emplace(AbslView(key));
    Entry& e = it->second;
    if (inserted) {
      e.key = &it->first;
      Link(&e);
      if (on_insert_) on_insert_(it->first);
    } else {
      Touch(&e);
    }
    return e;
  }
  void Link(Entry* e) {
    e->prev = youngest_;
    e->next = nullptr;
    if (youngest_ != nullptr) youngest_->next = e;
    youngest_ = e;
    if (eldest_ == nullptr) eldest_ = e;
  }
  void Unlink(Entry* e) {
    if (e->prev != nullptr) e->prev->next = e->next; else eldest_ = e->next;
    if (e->next != nullptr) e->next->prev = e->prev; else youngest_ = e->prev;
    e->prev = e->next = nullptr;
  }
  void LinkDirty(Entry* e) {
    e->dirty_prev = dirty_last_;
    e->dirty_next = nullptr;
    if (dirty_last_ != nullptr) dirty_last_->dirty_next = e;
    dirty_last_ = e;
    if (dirty_first_ == nullptr) dirty_first_ = e;
  }
  void UnlinkDirty(Entry* e) {
    (e->dirty_prev != nullptr ? e->dirty_prev->dirty_next : dirty_first_) = e->dirty_next;
    (e->dirty_next != nullptr ? e->dirty_next->dirty_prev : dirty_last_) = e->dirty_prev;
    e->dirty_prev = e->dirty_next = nullptr;
  }
  void Touch(Entry* e) {
    if (e == youngest_) return;
    Unlink(e);
    Link(e);
  }
  void Charge(Entry* e) {
    int64_t size = static_cast<int64_t>(e->key->size() + e->value.size()) +
                   ThreadCache::kEntryOverhead;
    cache_->Charge(size - e->charged);
    e->charged = size;
  }
  void Erase(Entry* e) {
    Unlink(e);
    if (cache_ != nullptr) cache_->Charge(-e->charged);
    if (on_erase_) on_erase_(*e->key);
    entries_.erase(AbslView(*e->key));
  }
  absl::Status MaybeEvict(const WriteDown& down) {
    while (!flushing_ && cache_->over_budget() && eldest_ != nullptr) {
      Entry* e = eldest_;
      if (e->dirty) {
        absl::Status s = Flush(down);
        if (!s.ok()) return s;
      }
      ++cache_->evictions;
      Erase(e);
    }
    return absl::OkStatus();
  }

  ThreadCache* cache_ = nullptr;
  Sensor* hit_ratio_ = nullptr;
  int64_t lookups_ = 0;
  int64_t hits_ = 0;
  absl::node_hash_map<std::string, Entry> entries_;
  Entry* eldest_ = nullptr;
  Entry* youngest_ = nullptr;
  Entry* dirty_first_ = nullptr;  // updated longest ago
  Entry* dirty_last_ = nullptr;   // updated last
  std::vector<Entry*> spare_;
  bool flushing_ = false;
  KeyHook on_insert_, on_erase_;
};

// Writes one entry with `write` (to `store`, the bytes store beneath a
// caching layer, or to a batch for it) and tells `listener` (Java's
// putAndMaybeForward): the value it replaces is read from `store` first when
// the listener wants old values, or for a delete, so that a delete of a key
// that never reached the store is not forwarded.
template <typename Store, typename Write>
absl::Status WriteDownAndNotify(Store& store, Write&& write, const CacheFlushListener& listener,
                                bool send_old_values, std::string& old_buf, std::string_view key,
                                BytesValue value, int64_t timestamp) {
  BytesValue old;
  if (listener && (send_old_values || !value)) {
    absl::StatusOr<bool> found = store.Get(key, &old_buf);
    if (!found.ok()) return found.status();
    if (*found) old = old_buf;
  }
  absl::Status s = write(key, value, timestamp);
  if (!s.ok()) return s;
  if (listener && (value || old)) {
    listener(CacheFlushEntry{key, value, send_old_values ? old : std::nullopt, timestamp});
  }
  return absl::OkStatus();
}

// A cached entry copied out for a range iterator (value nullopt: a delete).
struct CachedEntry {
  std::string key;
  std::optional<std::string> value;
};

// Merges a sorted snapshot of cache entries over the store's iterator of the
// same range, in the order `before(a, b)` defines (reverse order included):
// the cache wins on equal keys and cached deletes hide the key.
template <typename Before>
class MergedCacheIterator final : public BytesIterator {
 public:
  MergedCacheIterator(std::vector<CachedEntry> cache, std::unique_ptr<BytesIterator> store,
                      Before before)
      : cache_(std::move(cache)), store_(std::move(store)), before_(std::move(before)) {
    Settle();
  }
  bool Valid() const override { return from_cache_ || from_store_; }
  std::string_view key() const override {
    return from_cache_ ? std::string_view(cache_[pos_].key) : store_->key();
  }
  std::string_view value() const override {
    return from_cache_ ? std::string_view(*cache_[pos_].value) : store_->value();
  }
  void Next() override {
    if (from_cache_) {
      AdvancePast(cache_[pos_].key);
    } else if (from_store_) {
      store_->Next();
    }
    Settle();
  }
  absl::Status status() const override { return store_->status(); }

 private:
  // Moves the cache cursor on, and the store cursor too when it is on the
  // same key (the cache shadows it).
  void AdvancePast(const std::string& key) {
    if (store_->Valid() && store_->key() == key) store_->Next();
    ++pos_;
  }
  // Picks the next entry to show, skipping cached deletes.
  void Settle() {
    for (;;) {
      from_cache_ = from_store_ = false;
      bool cache_ok = pos_ < cache_.size();
      bool store_ok = store_->Valid();
      if (!cache_ok && !store_ok) return;
      if (cache_ok && (!store_ok || !before_(store_->key(), cache_[pos_].key))) {
        if (!cache_[pos_].value) {
          AdvancePast(cache_[pos_].key);
          continue;
        }
        from_cache_ = true;
        return;
      }
      from_store_ = true;
      return;
    }
  }

  std::vector<CachedEntry> cache_;
  size_t pos_ = 0;
  std::unique_ptr<BytesIterator> store_;
  Before before_;
  bool from_cache_ = false;
  bool from_store_ = false;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_STATE_NAMED_CACHE_H_
