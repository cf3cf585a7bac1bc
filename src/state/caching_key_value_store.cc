// The caching layer (Kafka Streams' CachingKeyValueStore + NamedCache): this
// store's entries in the thread's record cache.
//
// - A hash map of entries, with an intrusive LRU list (eldest first) and the
//   dirty entries in the order they were first dirtied (Java's dirtyKeys).
// - Get: a hit touches the entry; a miss reads the store beneath and caches
//   the value as a clean entry (values only, as Java). Inside a
//   QueryReadScope (interactive queries) Get changes nothing.
// - Put/Delete: update the entry (a delete is a dirty null entry), touch it,
//   then, while the thread cache is over budget, evict this store's eldest
//   entries; evicting a dirty entry first flushes every dirty entry, so the
//   store beneath and the listener see writes in order.
// - Flush: dirty entries are written down in order; for each, the listener
//   gets (key, new, old, timestamp); old is read from beneath before the
//   write when send_old_values is set or the new value is a delete (then a
//   delete of a key that never reached the store is not forwarded), as Java.
//   Flushed deletes leave the cache.
// - Without a thread cache or with max bytes 0, writes go straight down and
//   to the listener.
// - Range/All: the cache's entries in range, copied and sorted when the
//   iterator is created, merged over the iterator beneath (cache wins on
//   equal keys; cached deletes hide the key).
#include <algorithm>

#include "absl/container/node_hash_map.h"
#include "absl/strings/string_view.h"
#include "kstreams/state/internal/key_value_bytes_store.h"
#include "kstreams/state/internal/query_read_scope.h"
#include "state/thread_cache.h"

namespace kstreams::internal {
namespace {

absl::string_view AbslView(std::string_view s) { return absl::string_view(s.data(), s.size()); }

struct CachedEntry {
  std::string key;
  std::optional<std::string> value;
};

// Merges a sorted snapshot of cache entries over the store's iterator.
class MergedIterator final : public BytesIterator {
 public:
  MergedIterator(std::vector<CachedEntry> cache, std::unique_ptr<BytesIterator> store,
                 bool reverse)
      : cache_(std::move(cache)), store_(std::move(store)), reverse_(reverse) {
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
  // a before b in iteration order.
  bool Before(std::string_view a, std::string_view b) const {
    return reverse_ ? b < a : a < b;
  }
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
      if (cache_ok && (!store_ok || !Before(store_->key(), cache_[pos_].key))) {
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
  bool reverse_;
  bool from_cache_ = false;
  bool from_store_ = false;
};

class CachingKeyValueStore final : public KeyValueBytesStore {
 public:
  explicit CachingKeyValueStore(std::unique_ptr<KeyValueBytesStore> inner)
      : inner_(std::move(inner)) {}
  ~CachingKeyValueStore() override { Clear(); }

  const std::string& name() const override { return inner_->name(); }
  absl::Status Init(StateStoreContext& context) override {
    cache_ = context.thread_cache();
    return inner_->Init(context);
  }
  absl::Status FlushCache() override { return FlushDirty(); }
  absl::Status Flush() override {
    absl::Status s = FlushDirty();
    if (!s.ok()) return s;
    return inner_->Flush();
  }
  absl::Status Close() override {
    absl::Status s = FlushDirty();
    Clear();
    absl::Status c = inner_->Close();
    return s.ok() ? c : s;
  }
  bool persistent() const override { return inner_->persistent(); }
  bool is_open() const override { return inner_->is_open(); }

  absl::StatusOr<bool> Get(std::string_view key, std::string* value) override {
    if (!enabled()) return inner_->Get(key, value);
    auto it = entries_.find(AbslView(key));
    if (QueryReadScope::active()) {
      // An interactive query: read-only, the cache stays as it is.
      if (it == entries_.end()) return inner_->Get(key, value);
      if (it->second.is_null) return false;
      value->assign(it->second.value);
      return true;
    }
    if (it != entries_.end()) {
      ++cache_->hits;
      Entry& e = it->second;
      Touch(&e);
      if (e.is_null) return false;
      value->assign(e.value);
      return true;
    }
    ++cache_->misses;
    absl::StatusOr<bool> found = inner_->Get(key, value);
    if (!found.ok() || !*found) return found;
    Entry& e = Insert(key);
    e.value.assign(*value);
    e.is_null = false;
    e.timestamp = -1;
    Charge(&e);
    absl::Status s = MaybeEvict();
    if (!s.ok()) return s;
    return true;
  }

  absl::Status Put(std::string_view key, BytesValue value, int64_t timestamp) override {
    if (!enabled()) return WriteDown(key, value, timestamp);
    auto it = entries_.find(AbslView(key));
    Entry* e;
    if (it != entries_.end()) {
      e = &it->second;
      Touch(e);
    } else {
      e = &Insert(key);
    }
    if (value) {
      e->value.assign(*value);
      e->is_null = false;
    } else {
      e->value.clear();
      e->is_null = true;
    }
    e->timestamp = timestamp;
    if (!e->dirty) {
      e->dirty = true;
      dirty_.push_back(e);
    }
    Charge(e);
    return MaybeEvict();
  }

  std::unique_ptr<BytesIterator> Range(std::optional<std::string_view> from,
                                       std::optional<std::string_view> to,
                                       bool reverse) override {
    std::unique_ptr<BytesIterator> store = inner_->Range(from, to, reverse);
    if (entries_.empty()) return store;
    if (from && to && *from > *to) return store;
    std::vector<CachedEntry> snapshot;
    for (const auto& [key, e] : entries_) {
      if (from && std::string_view(key) < *from) continue;
      if (to && std::string_view(key) > *to) continue;
      CachedEntry c{key, std::nullopt};
      if (!e.is_null) c.value = e.value;
      snapshot.push_back(std::move(c));
    }
    std::sort(snapshot.begin(), snapshot.end(),
              [reverse](const CachedEntry& a, const CachedEntry& b) {
                return reverse ? b.key < a.key : a.key < b.key;
              });
    return std::make_unique<MergedIterator>(std::move(snapshot), std::move(store), reverse);
  }

  uint64_t ApproximateNumEntries() override { return inner_->ApproximateNumEntries(); }

  bool SetFlushListener(CacheFlushListener listener, bool send_old_values) override {
    listener_ = std::move(listener);
    send_old_values_ = send_old_values;
    return true;
  }

 private:
  struct Entry {
    std::string value;
    bool is_null = false;
    bool dirty = false;
    int64_t timestamp = 0;
    int64_t charged = 0;  // bytes charged to the thread cache
    const std::string* key = nullptr;  // the map's key (node_hash_map: stable)
    Entry* prev = nullptr;  // towards the eldest
    Entry* next = nullptr;  // towards the youngest
  };

  bool enabled() const { return cache_ != nullptr && cache_->max_bytes() > 0; }

  Entry& Insert(std::string_view key) {
    auto [it, inserted] = entries_.try_emplace(AbslView(key));
    Entry& e = it->second;
    e.key = &it->first;
    Link(&e);
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
    entries_.erase(AbslView(*e->key));
  }
  void Clear() {
    if (cache_ != nullptr) {
      for (auto& [key, e] : entries_) cache_->Charge(-e.charged);
    }
    entries_.clear();
    eldest_ = youngest_ = nullptr;
    dirty_.clear();
  }

  absl::Status MaybeEvict() {
    while (!flushing_ && cache_->over_budget() && eldest_ != nullptr) {
      Entry* e = eldest_;
      if (e->dirty) {
        absl::Status s = FlushDirty();
        if (!s.ok()) return s;
      }
      ++cache_->evictions;
      Erase(e);
    }
    return absl::OkStatus();
  }

  // Writes one entry to the store beneath and tells the listener.
  absl::Status WriteDown(std::string_view key, BytesValue value, int64_t timestamp) {
    BytesValue old;
    if (listener_ && (send_old_values_ || !value)) {
      absl::StatusOr<bool> found = inner_->Get(key, &old_buf_);
      if (!found.ok()) return found.status();
      if (*found) old = old_buf_;
    }
    absl::Status s = inner_->Put(key, value, timestamp);
    if (!s.ok()) return s;
    if (listener_ && (value || old)) {
      listener_(CacheFlushEntry{key, value, send_old_values_ ? old : std::nullopt, timestamp});
    }
    return absl::OkStatus();
  }

  absl::Status FlushDirty() {
    if (dirty_.empty() || flushing_) return absl::OkStatus();
    if (cache_ != nullptr) ++cache_->flushes;
    // Entries are not erased while flushing (eviction waits), so the
    // pointers in `batch` stay valid even if the listener writes to this store.
    flushing_ = true;
    std::vector<Entry*> batch;
    batch.swap(dirty_);
    dirty_.swap(spare_);
    for (Entry* e : batch) e->dirty = false;
    absl::Status status;
    for (Entry* e : batch) {
      BytesValue value;
      if (!e->is_null) value = e->value;
      status = WriteDown(*e->key, value, e->timestamp);
      if (!status.ok()) break;
    }
    flushing_ = false;
    for (Entry* e : batch) {
      if (e->is_null && !e->dirty) Erase(e);
    }
    batch.clear();
    spare_.swap(batch);  // keep the capacity for the next flush
    return status;
  }

  std::unique_ptr<KeyValueBytesStore> inner_;
  ThreadCache* cache_ = nullptr;
  absl::node_hash_map<std::string, Entry> entries_;
  Entry* eldest_ = nullptr;
  Entry* youngest_ = nullptr;
  std::vector<Entry*> dirty_;
  std::vector<Entry*> spare_;
  bool flushing_ = false;
  CacheFlushListener listener_;
  bool send_old_values_ = false;
  std::string old_buf_;
};

}  // namespace

std::unique_ptr<KeyValueBytesStore> NewCachingKeyValueBytesStore(
    std::unique_ptr<KeyValueBytesStore> inner) {
  return std::make_unique<CachingKeyValueStore>(std::move(inner));
}

}  // namespace kstreams::internal
