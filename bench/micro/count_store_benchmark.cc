// The hot path of a count through a whole typed key-value store: Get + Put
// of the count of one of 10,000 int32 keys (visited in order), through every
// layer (typed -> caching -> change-logging -> RocksDB or in-memory), with a
// commit (Flush) every 100,000 records, as StreamThread commits. Items =
// records; the changelog sink only counts (micro/store_bench_context.h).
//  - BM_CountCachedRocksDB, BM_CountUncachedRocksDB: a persistent store with
//    and without the record cache (10 MiB thread cache).
//  - BM_CountCachedInMemory: an in-memory store with the record cache.
// Each run checks that the counts add up (every record counted once).
#include <benchmark/benchmark.h>

#include <cstdint>

#include "kstreams/serde/serde.h"
#include "kstreams/state/stores.h"
#include "micro/store_bench_context.h"

namespace {

using kstreams::Stores;

constexpr int32_t kKeys = 10'000;
constexpr int64_t kCommitEvery = 100'000;

void Count(benchmark::State& state, bool caching, bool persistent) {
  kstreams::bench::StoreBenchContext context;
  auto builder = Stores::KeyValueStoreBuilder<int32_t, int64_t>(
      persistent ? Stores::PersistentKeyValueStore("c") : Stores::InMemoryKeyValueStore("c"),
      kstreams::serdes::Int32(), kstreams::serdes::Int64());
  if (caching) builder.WithCachingEnabled();
  auto store = builder.Build();
  if (!store->Init(context).ok()) return state.SkipWithError("store setup failed");
  int64_t records = 0;
  for (auto _ : state) {
    const int32_t key = static_cast<int32_t>(records % kKeys);
    store->Put(key, store->Get(key).value_or(0) + 1);
    if (++records % kCommitEvery == 0 && !store->Flush().ok()) {
      return state.SkipWithError("flush failed");
    }
  }
  if (!store->Flush().ok()) return state.SkipWithError("flush failed");
  int64_t total = 0;
  for (int32_t k = 0; k < kKeys; ++k) total += store->Get(k).value_or(0);
  if (total != records) state.SkipWithError("the counts do not add up to the records");
  if (!store->Close().ok()) state.SkipWithError("close failed");
  state.SetItemsProcessed(records);
}

void BM_CountCachedRocksDB(benchmark::State& s) { Count(s, /*caching=*/true, /*persistent=*/true); }
void BM_CountUncachedRocksDB(benchmark::State& s) {
  Count(s, /*caching=*/false, /*persistent=*/true);
}
void BM_CountCachedInMemory(benchmark::State& s) {
  Count(s, /*caching=*/true, /*persistent=*/false);
}
BENCHMARK(BM_CountCachedRocksDB);
BENCHMARK(BM_CountUncachedRocksDB);
BENCHMARK(BM_CountCachedInMemory);

}  // namespace

BENCHMARK_MAIN();
