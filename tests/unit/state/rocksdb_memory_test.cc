// 1,000 RocksDB stores in one process: their memory stays bounded by the
// shared block cache (memtables are charged to it through the shared write
// buffer manager) plus a small fixed cost per open store, instead of growing
// with 1,000 x (16 MiB memtables + a private cache) as with per-store memory.
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <malloc.h>
#include <rocksdb/cache.h>
#include <rocksdb/write_buffer_manager.h>

#include "common/status_matchers.h"
#include "state/rocksdb_shared.h"
#include "gtest/gtest.h"
#include "kstreams/state/rocksdb_config_setter.h"
#include "unit/state/test_store_context.h"

namespace kstreams::internal {
namespace {

int64_t RssBytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * 4096;
}

// Takes minutes (opening 1,000 RocksDB instances fsyncs ~5 files each), so
// it runs only when asked:
//   KSTREAMS_STATE_MEMORY_TEST=1 build/tests/kstreams_unit_tests --gtest_filter='RocksDBMemory*'
TEST(RocksDBMemoryTest, ThousandStoresStayWithinTheSharedCache) {
  if (std::getenv("KSTREAMS_STATE_MEMORY_TEST") == nullptr) {
    GTEST_SKIP() << "set KSTREAMS_STATE_MEMORY_TEST=1 to run (takes minutes)";
  }
  auto t0 = std::chrono::steady_clock::now();
  auto secs = [&t0] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  constexpr int kStores = 1000;
  constexpr int kKeysPerStore = 1000;
  constexpr int64_t kCache = 256 << 20;
  constexpr int64_t kWriteBuffers = 128 << 20;
  testing::TestStoreContext context;
  context.mutable_config().Set(RocksDBOptions::kBlockCacheBytes, std::to_string(kCache));
  context.mutable_config().Set(RocksDBOptions::kWriteBufferManagerBytes,
                               std::to_string(kWriteBuffers));
  int64_t before = RssBytes();
  std::vector<std::unique_ptr<KeyValueBytesStore>> stores;
  std::string value(200, 'v');
  for (int i = 0; i < kStores; ++i) {
    stores.push_back(NewRocksDBKeyValueBytesStore("store-" + std::to_string(i)));
    KSTREAMS_ASSERT_OK(stores.back()->Init(context));
  }
  int64_t opened = RssBytes();
  std::cout << "opened " << kStores << " stores in " << secs() << " s\n";
  // 1,000 x 1,000 x ~210 B = ~210 MB written, more than the whole budget.
  for (int i = 0; i < kStores; ++i) {
    for (int k = 0; k < kKeysPerStore; ++k) {
      KSTREAMS_ASSERT_OK(stores[i]->Put("key-" + std::to_string(k), value, 0));
    }
  }
  int64_t written = RssBytes();
  std::cout << "wrote in " << secs() << " s\n";
  std::string out;
  for (int i = 0; i < kStores; ++i) {
    for (int k = 0; k < kKeysPerStore; k += 7) {
      KSTREAMS_ASSERT_OK_AND_ASSIGN(bool found, stores[i]->Get("key-" + std::to_string(k), &out));
      ASSERT_TRUE(found);
    }
  }
  int64_t read = RssBytes();
  std::cout << "RSS growth with " << kStores << " RocksDB stores: after open "
            << (opened - before) / (1 << 20) << " MiB, after writing ~"
            << int64_t{kStores} * kKeysPerStore * 210 / (1 << 20) << " MiB "
            << (written - before) / (1 << 20) << " MiB, after reads "
            << (read - before) / (1 << 20) << " MiB (shared cache " << kCache / (1 << 20)
            << " MiB)\n";
  auto shared = RocksDBShared::Get(kCache, kWriteBuffers);
  std::cout << "cache usage " << shared->cache->GetUsage() / (1 << 20) << " MiB pinned "
            << shared->cache->GetPinnedUsage() / (1 << 20) << " MiB, memtables "
            << shared->write_buffer_manager->memory_usage() / (1 << 20) << " MiB\n";
  struct mallinfo2 mi = mallinfo2();
  std::cout << "malloc in use " << mi.uordblks / (1 << 20) << " MiB, free in heap "
            << mi.fordblks / (1 << 20) << " MiB, mmapped " << mi.hblkhd / (1 << 20) << " MiB\n";
  // Bounded: the shared cache plus a fixed cost per open store (RocksDB's
  // per-instance structures, about 100-200 KiB each), not ~16 MiB per store.
  EXPECT_LT(read - before, kCache + kStores * int64_t{256 << 10});
  for (auto& s : stores) KSTREAMS_EXPECT_OK(s->Close());
}

}  // namespace
}  // namespace kstreams::internal
