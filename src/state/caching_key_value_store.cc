// The caching layer of key-value stores (Kafka Streams' CachingKeyValueStore):
// this store's entries in the thread's record cache (state/named_cache.h).
//
// - Get: a hit touches the entry; a miss reads the store beneath and caches
//   the value as a clean entry (values only, as Java). Inside a
//   QueryReadScope (interactive queries) Get changes nothing. Under
//   exactly_once_v2 (RocksDBSettings::transactional) queries skip the cache:
//   what it holds was written (or read through the task's writes) since the
//   last commit, and queries see committed data only.
// - Put/Delete: a dirty entry (a delete is a dirty null entry); eviction
//   and flush order as NamedCache says.
// - Write-down: the listener gets (key, new, old, timestamp); old is read
//   from beneath before the write when send_old_values is set or the new
//   value is a delete (then a delete of a key that never reached the store
//   is not forwarded), as Java.
// - Without a thread cache or with max bytes 0, writes go straight down and
//   to the listener.
// - Range/All: the cache's entries in range, copied and sorted when the
//   iterator is created, merged over the iterator beneath (cache wins on
//   equal keys; cached deletes hide the key).
#include <algorithm>

#include "kstreams/state/internal/key_value_bytes_store.h"
#include "kstreams/state/internal/query_read_scope.h"
#include "state/caching_layer.h"
#include "state/named_cache.h"
#include "state/rocksdb_settings.h"

namespace kstreams::internal {
namespace {

class CachingKeyValueStore final : public CachingLayer<KeyValueBytesStore> {
 public:
  explicit CachingKeyValueStore(std::unique_ptr<KeyValueBytesStore> inner)
      : CachingLayer(std::move(inner),
                     {[this](std::string_view key, BytesValue value, int64_t ts) {
                        return WriteDown(key, value, ts);
                      },
                      nullptr}) {}

  absl::Status Init(StateStoreContext& context) override {
    const RocksDBSettings* settings = context.rocksdb_settings();
    committed_queries_ = settings != nullptr && settings->transactional;
    return CachingLayer::Init(context);
  }

  absl::StatusOr<bool> Get(std::string_view key, std::string* value) override {
    if (!cache_.enabled()) return inner_->Get(key, value);
    if (QueryReadScope::active()) {
      if (committed_queries_) return inner_->Get(key, value);
      // An interactive query: read-only, the cache stays as it is.
      const NamedCache::Entry* e = cache_.Peek(key);
      if (e == nullptr) return inner_->Get(key, value);
      if (e->is_null) return false;
      value->assign(e->value);
      return true;
    }
    if (NamedCache::Entry* e = cache_.Lookup(key)) {
      if (e->is_null) return false;
      value->assign(e->value);
      return true;
    }
    absl::StatusOr<bool> found = inner_->Get(key, value);
    if (!found.ok() || !*found) return found;
    absl::Status s = cache_.PutClean(key, *value, write_down_);
    if (!s.ok()) return s;
    return true;
  }

  absl::Status Put(std::string_view key, BytesValue value, int64_t timestamp) override {
    if (!cache_.enabled()) return WriteDown(key, value, timestamp);
    return cache_.PutDirty(key, value, timestamp, write_down_);
  }

  std::unique_ptr<BytesIterator> Range(std::optional<std::string_view> from,
                                       std::optional<std::string_view> to,
                                       bool reverse) override {
    std::unique_ptr<BytesIterator> store = inner_->Range(from, to, reverse);
    if (cache_.empty() || (committed_queries_ && QueryReadScope::active())) return store;
    if (from && to && *from > *to) return store;
    std::vector<CachedEntry> snapshot;
    for (const auto& [key, e] : cache_.entries()) {
      if (from && std::string_view(key) < *from) continue;
      if (to && std::string_view(key) > *to) continue;
      CachedEntry c{key, std::nullopt};
      if (!e.is_null) c.value = e.value;
      snapshot.push_back(std::move(c));
    }
    auto before = [reverse](std::string_view a, std::string_view b) {
      return reverse ? b < a : a < b;
    };
    std::sort(snapshot.begin(), snapshot.end(),
              [&](const CachedEntry& a, const CachedEntry& b) { return before(a.key, b.key); });
    return std::make_unique<MergedCacheIterator<decltype(before)>>(std::move(snapshot),
                                                                   std::move(store), before);
  }

  uint64_t ApproximateNumEntries() override { return inner_->ApproximateNumEntries(); }

 private:
  bool committed_queries_ = false;  // queries bypass the cache (exactly_once_v2)
};

}  // namespace

std::unique_ptr<KeyValueBytesStore> NewCachingKeyValueBytesStore(
    std::unique_ptr<KeyValueBytesStore> inner) {
  return std::make_unique<CachingKeyValueStore>(std::move(inner));
}

}  // namespace kstreams::internal
