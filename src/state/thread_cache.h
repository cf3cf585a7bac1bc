// The record cache of one StreamThread (Kafka Streams' ThreadCache): a byte
// budget (`statestore.cache.max.bytes` / num.stream.threads) shared by the
// caching layers of every store of every task the thread owns. Each caching
// store keeps its own entries and LRU order and charges their size here; when
// the total is over budget, the store being written evicts its least recently
// used entries (flushing its dirty ones first), as Java's ThreadCache does.
//
// Thread-compatible: owned by one StreamThread (or the test driver).
#ifndef KSTREAMS_SRC_STATE_THREAD_CACHE_H_
#define KSTREAMS_SRC_STATE_THREAD_CACHE_H_

#include <cstdint>

namespace kstreams::internal {

class ThreadCache {
 public:
  // Bytes a cache entry costs beyond its key and value (hash node, LRU links,
  // bookkeeping), so that many tiny entries still count.
  static constexpr int64_t kEntryOverhead = 64;

  explicit ThreadCache(int64_t max_bytes) : max_bytes_(max_bytes < 0 ? 0 : max_bytes) {}
  ThreadCache(const ThreadCache&) = delete;
  ThreadCache& operator=(const ThreadCache&) = delete;

  // 0 disables caching: caching stores write through at once.
  int64_t max_bytes() const { return max_bytes_; }
  int64_t size_bytes() const { return size_bytes_; }
  bool over_budget() const { return size_bytes_ > max_bytes_; }
  void Charge(int64_t delta) { size_bytes_ += delta; }

  // Statistics, for tests and metrics.
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t evictions = 0;
  uint64_t flushes = 0;

 private:
  int64_t max_bytes_;
  int64_t size_bytes_ = 0;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_STATE_THREAD_CACHE_H_
