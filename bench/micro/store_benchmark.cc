// State store costs, per operation, on the bytes layer (what every typed
// store sits on; serdes are in serde_benchmark):
//  - BM_{InMemory,RocksDB}Put: Put of a 100-byte value under one of 10,000
//    4-byte keys (big-endian int32, visited in a fixed random order), i.e.
//    mostly overwrites, as a count or a table does.
//  - BM_{InMemory,RocksDB}GetHit / GetMiss: Get of a present key / of a key
//    the store does not hold (RocksDB: memtable, then the Bloom filters).
//  - BM_{InMemory,RocksDB}Range/N: an iterator over N consecutive keys of
//    the 10,000 (seek, N steps, reading key and value); items = keys read.
//  - BM_RocksDBPutAll/N, BM_RocksDBPutAllSorted/N: one batch (a WriteBatch)
//    of N puts, keys in visiting order or sorted; items = puts.
//  - The record cache (the caching layer over an in-memory store, in a 10 MiB
//    thread cache, as Kafka Streams' CachingKeyValueStore): BM_CacheGetHit,
//    BM_CacheGetMiss (neither the cache nor the store has the key),
//    BM_CachePut (a dirty update of a cached key), BM_CacheFlush/N (N dirty
//    entries written down and handed to a flush listener; items = entries).
// RocksDB runs with kstreams' options (src/state/README.md) in a fresh
// temporary directory (micro/store_bench_context.h). Whole typed stores:
// count_store_benchmark.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "kstreams/state/internal/key_value_bytes_store.h"
#include "micro/store_bench_context.h"

namespace {

using kstreams::internal::BytesIterator;
using kstreams::internal::KeyValueBytesStore;

constexpr int kKeys = 10'000;
constexpr size_t kValueSize = 100;

std::string KeyBytes(uint32_t k) {
  return {static_cast<char>(k >> 24), static_cast<char>(k >> 16), static_cast<char>(k >> 8),
          static_cast<char>(k)};
}

// The keys 0..kKeys-1 in a fixed pseudo-random order (and kKeys..2*kKeys-1
// for misses), so consecutive operations touch unrelated keys.
const std::vector<std::string>& Keys(bool absent = false) {
  static const auto* keys = [] {
    auto* v = new std::vector<std::string>[2];
    uint64_t state = 42;
    for (int present = 0; present < 2; ++present) {
      for (int i = 0; i < kKeys; ++i) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        const uint32_t k = static_cast<uint32_t>(state >> 33) % kKeys;
        v[present].push_back(KeyBytes(present == 0 ? k : k + kKeys));
      }
    }
    return v;
  }();
  return keys[absent ? 1 : 0];
}

using Context = kstreams::bench::StoreBenchContext;

enum class Kind { kInMemory, kRocksDB, kCached };

struct Fixture {
  explicit Fixture(Kind kind, bool fill = true) {
    switch (kind) {
      case Kind::kInMemory:
        store = kstreams::internal::NewInMemoryKeyValueBytesStore("s");
        break;
      case Kind::kRocksDB:
        store = kstreams::internal::NewRocksDBKeyValueBytesStore("s");
        break;
      case Kind::kCached:
        store = kstreams::internal::NewCachingKeyValueBytesStore(
            kstreams::internal::NewInMemoryKeyValueBytesStore("s"));
        break;
    }
    ok = store->Init(context).ok();
    if (ok && fill) {
      for (int k = 0; k < kKeys; ++k) ok = ok && store->Put(KeyBytes(k), value, 1).ok();
      ok = ok && store->FlushCache().ok();
    }
  }
  ~Fixture() { (void)store->Close(); }

  Context context;
  std::unique_ptr<KeyValueBytesStore> store;
  std::string value = std::string(kValueSize, 'v');
  bool ok = false;
};

void Put(benchmark::State& state, Kind kind) {
  Fixture f(kind);
  if (!f.ok) return state.SkipWithError("store setup failed");
  const auto& keys = Keys();
  size_t i = 0;
  for (auto _ : state) {
    if (!f.store->Put(keys[i], f.value, 1).ok()) return state.SkipWithError("put failed");
    if (++i == keys.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

void Get(benchmark::State& state, Kind kind, bool absent) {
  Fixture f(kind);
  if (!f.ok) return state.SkipWithError("store setup failed");
  const auto& keys = Keys(absent);
  std::string out;
  size_t i = 0;
  int64_t found = 0;
  for (auto _ : state) {
    absl::StatusOr<bool> r = f.store->Get(keys[i], &out);
    if (!r.ok()) return state.SkipWithError("get failed");
    found += *r;
    if (++i == keys.size()) i = 0;
  }
  if (found != (absent ? 0 : state.iterations())) state.SkipWithError("wrong hit count");
  state.SetItemsProcessed(state.iterations());
}

void Range(benchmark::State& state, Kind kind) {
  Fixture f(kind);
  if (!f.ok) return state.SkipWithError("store setup failed");
  const int n = static_cast<int>(state.range(0));
  int64_t read = 0;
  uint32_t from = 0;
  for (auto _ : state) {
    const std::string lo = KeyBytes(from), hi = KeyBytes(from + n - 1);
    size_t bytes = 0;
    for (auto it = f.store->Range(lo, hi, /*reverse=*/false); it->Valid(); it->Next()) {
      bytes += it->key().size() + it->value().size();
      ++read;
    }
    benchmark::DoNotOptimize(bytes);
    from = (from + 977) % (kKeys - n);
  }
  if (read != state.iterations() * n) state.SkipWithError("range returned the wrong count");
  state.SetItemsProcessed(read);
}

void BM_InMemoryPut(benchmark::State& s) { Put(s, Kind::kInMemory); }
void BM_RocksDBPut(benchmark::State& s) { Put(s, Kind::kRocksDB); }
void BM_InMemoryGetHit(benchmark::State& s) { Get(s, Kind::kInMemory, false); }
void BM_RocksDBGetHit(benchmark::State& s) { Get(s, Kind::kRocksDB, false); }
void BM_InMemoryGetMiss(benchmark::State& s) { Get(s, Kind::kInMemory, true); }
void BM_RocksDBGetMiss(benchmark::State& s) { Get(s, Kind::kRocksDB, true); }
void BM_InMemoryRange(benchmark::State& s) { Range(s, Kind::kInMemory); }
void BM_RocksDBRange(benchmark::State& s) { Range(s, Kind::kRocksDB); }
BENCHMARK(BM_InMemoryPut);
BENCHMARK(BM_RocksDBPut);
BENCHMARK(BM_InMemoryGetHit);
BENCHMARK(BM_RocksDBGetHit);
BENCHMARK(BM_InMemoryGetMiss);
BENCHMARK(BM_RocksDBGetMiss);
BENCHMARK(BM_InMemoryRange)->Arg(10)->Arg(100)->Arg(1000);
BENCHMARK(BM_RocksDBRange)->Arg(10)->Arg(100)->Arg(1000);

// One WriteBatch of n puts per iteration, the keys in visiting order or
// sorted (RocksDB's memtable skiplist keeps a splice from insert to
// insert, which sorted keys could use).
void PutAll(benchmark::State& state, bool sorted) {
  Fixture f(Kind::kRocksDB);
  if (!f.ok) return state.SkipWithError("store setup failed");
  const auto& keys = Keys();
  const size_t n = static_cast<size_t>(state.range(0));
  std::vector<std::pair<std::string, std::optional<std::string>>> batch;
  size_t i = 0;
  for (auto _ : state) {
    state.PauseTiming();
    batch.clear();
    for (size_t b = 0; b < n; ++b, i = (i + 1) % keys.size()) batch.emplace_back(keys[i], f.value);
    if (sorted) std::sort(batch.begin(), batch.end());
    state.ResumeTiming();
    if (!f.store->PutAll(batch, 1).ok()) return state.SkipWithError("put all failed");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}
void BM_RocksDBPutAll(benchmark::State& s) { PutAll(s, /*sorted=*/false); }
void BM_RocksDBPutAllSorted(benchmark::State& s) { PutAll(s, /*sorted=*/true); }
BENCHMARK(BM_RocksDBPutAll)->Arg(100)->Arg(1000);
BENCHMARK(BM_RocksDBPutAllSorted)->Arg(1000);

void BM_CacheGetHit(benchmark::State& s) { Get(s, Kind::kCached, false); }
void BM_CacheGetMiss(benchmark::State& s) { Get(s, Kind::kCached, true); }
void BM_CachePut(benchmark::State& s) { Put(s, Kind::kCached); }
BENCHMARK(BM_CacheGetHit);
BENCHMARK(BM_CacheGetMiss);
BENCHMARK(BM_CachePut);

void BM_CacheFlush(benchmark::State& state) {
  Fixture f(Kind::kCached);
  if (!f.ok) return state.SkipWithError("store setup failed");
  int64_t forwarded = 0;
  f.store->SetFlushListener(
      [&forwarded](const kstreams::internal::CacheFlushEntry&) { ++forwarded; },
      /*send_old_values=*/false);
  const auto& keys = Keys();
  const int n = static_cast<int>(state.range(0));
  int64_t expected = 0;
  size_t i = 0;
  for (auto _ : state) {
    state.PauseTiming();
    // n distinct keys dirtied (the order repeats every kKeys keys).
    for (int b = 0; b < n; ++b, i = (i + 1) % keys.size()) {
      if (!f.store->Put(KeyBytes(static_cast<uint32_t>(i)), f.value, 1).ok()) {
        return state.SkipWithError("put failed");
      }
    }
    expected += n;
    state.ResumeTiming();
    if (!f.store->FlushCache().ok()) return state.SkipWithError("flush failed");
  }
  if (forwarded != expected) state.SkipWithError("flush forwarded the wrong count");
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_CacheFlush)->Arg(100)->Arg(1000);

}  // namespace

BENCHMARK_MAIN();
