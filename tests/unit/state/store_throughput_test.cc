// Throughput of the hot path of a count: Get + Put of 10k integer keys
// through every layer (typed -> caching -> change-logging -> RocksDB), with
// a commit (flush) every 100k records. Prints records/s; asserts only
// correctness (speed depends on the machine).
#include <chrono>
#include <iostream>

#include "common/status_matchers.h"
#include "gtest/gtest.h"
#include "kstreams/state/stores.h"
#include "unit/state/test_store_context.h"

namespace kstreams {
namespace {

void RunCount(bool caching, bool persistent, int records) {
  testing::TestStoreContext context;
  auto builder = Stores::KeyValueStoreBuilder<int32_t, int64_t>(
      persistent ? Stores::PersistentKeyValueStore("c") : Stores::InMemoryKeyValueStore("c"),
      serdes::Int32(), serdes::Int64());
  if (caching) builder.WithCachingEnabled();
  auto store = builder.Build();
  KSTREAMS_ASSERT_OK(store->Init(context));
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < records; ++i) {
    int32_t key = i % 10000;
    store->Put(key, store->Get(key).value_or(0) + 1);
    if (i % 100000 == 99999) KSTREAMS_ASSERT_OK(store->Flush());
  }
  KSTREAMS_ASSERT_OK(store->Flush());
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << (persistent ? "RocksDB" : "in-memory") << (caching ? " cached" : " uncached")
            << " count: " << static_cast<int64_t>(records / seconds) << " records/s\n";
  EXPECT_EQ(store->Get(0), records / 10000);
  KSTREAMS_EXPECT_OK(store->Close());
}

TEST(StoreThroughputTest, CachedCountOverRocksDB) { RunCount(true, true, 2000000); }
TEST(StoreThroughputTest, UncachedCountOverRocksDB) { RunCount(false, true, 500000); }
TEST(StoreThroughputTest, CachedCountInMemory) { RunCount(true, false, 2000000); }

}  // namespace
}  // namespace kstreams
