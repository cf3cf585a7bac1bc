// What the caching layers (key-value, window/session) share: this store's
// entries in the thread's record cache (state/named_cache.h), the flush
// listener, and the lifecycle around them. Init attaches the thread cache;
// FlushCache writes the dirty entries down; Flush does that, then flushes
// the store beneath; Close writes down, empties the cache and closes the
// store beneath (Java's CachingKeyValueStore / CachingWindowStore
// flush and close). Each layer decides how entries are read, written and
// scanned.
//
// Thread-compatible, like the store beneath.
#ifndef KSTREAMS_SRC_STATE_CACHING_LAYER_H_
#define KSTREAMS_SRC_STATE_CACHING_LAYER_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "kstreams/state/internal/key_value_bytes_store.h"
#include "kstreams/state/internal/store_metrics.h"
#include "kstreams/state/internal/wrapped_state_store.h"
#include "kstreams/status_macros.h"
#include "state/named_cache.h"

namespace kstreams::internal {

// REQUIRES: `Store` has Get(key, std::string*), Put(key, value, timestamp)
// and SetFlushListener as the bytes store interfaces do.
template <typename Store>
class CachingLayer : public WrappedStateStore<Store> {
 public:
  absl::Status Init(StateStoreContext& context) override {
    cache_.Attach(context.thread_cache());
    if (StreamsMetrics* m = StoreMetricsAt(context)) {
      Sensor* sensor = m->AddSensor(StrCat("cache.", this->name(), ".hit-ratio"),
                                    RecordingLevel::kDebug);
      MetricTags tags = m->tags();
      tags.emplace_back("record-cache-id", this->name());
      for (auto [name, stat] : {std::pair{"hit-ratio-avg", Stat::kAvg},
                                std::pair{"hit-ratio-min", Stat::kMin},
                                std::pair{"hit-ratio-max", Stat::kMax}}) {
        sensor->Add({name, "stream-record-cache-metrics",
                     "The ratio of cache hits to cache lookups", tags},
                    stat);
      }
      cache_.SetHitRatioSensor(sensor);
    }
    return this->inner_->Init(context);
  }
  absl::Status FlushCache() override { return cache_.Flush(write_down_); }
  absl::Status Flush() override {
    KSTREAMS_RETURN_IF_ERROR(cache_.Flush(write_down_));
    return this->inner_->Flush();
  }
  absl::Status Close() override {
    absl::Status s = cache_.Flush(write_down_);
    cache_.Clear();
    absl::Status c = this->inner_->Close();
    return s.ok() ? c : s;
  }

  bool SetFlushListener(CacheFlushListener listener, bool send_old_values) override {
    listener_ = std::move(listener);
    send_old_values_ = send_old_values;
    return true;
  }

 protected:
  // `write_down`: how flushes and evictions write this layer's entries down.
  CachingLayer(std::unique_ptr<Store> inner, NamedCache::WriteDown write_down)
      : WrappedStateStore<Store>(std::move(inner)), write_down_(std::move(write_down)) {}

  // Writes one entry with `write` (to the store beneath, or to a batch for
  // it) and tells the listener (WriteDownAndNotify).
  template <typename Write>
  absl::Status WriteAndNotify(Write&& write, std::string_view key, BytesValue value,
                              int64_t timestamp) {
    return WriteDownAndNotify(*this->inner_, std::forward<Write>(write), listener_,
                              send_old_values_, old_buf_, key, value, timestamp);
  }
  // Writes one entry to the store beneath and tells the listener.
  absl::Status WriteDown(std::string_view key, BytesValue value, int64_t timestamp) {
    return WriteAndNotify(
        [this](std::string_view k, BytesValue v, int64_t ts) {
          return this->inner_->Put(k, v, ts);
        },
        key, value, timestamp);
  }

  NamedCache cache_;
  NamedCache::WriteDown write_down_;
  CacheFlushListener listener_;
  bool send_old_values_ = false;
  std::string old_buf_;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_STATE_CACHING_LAYER_H_
