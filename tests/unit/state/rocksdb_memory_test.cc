// 1,000 RocksDB stores in one process: their memory stays bounded by the
// configured shared block cache (memtables are charged to it through the
// shared write buffer manager) plus a small fixed cost per open store,
// instead of growing with 1,000 x (16 MiB memtables + a private cache) as
// with per-store memory. Runs in the normal suite (bounded: 1,000 stores,
// ~50 MiB written); KSTREAMS_STATE_MEMORY_FULL=1 runs the full-size check
// (~200 MiB written, cache 256 MiB) whose figures src/state/README.md gives.
//
// RSS is the test process's own (ctest runs each test case as a process of
// its own), so other processes on the machine do not change it. The stores
// live on /dev/shm when it is a directory: opening 1,000 RocksDB instances
// fsyncs several files each, which takes minutes on a disk and nothing on
// tmpfs (tmpfs pages are not in the process's RSS: RocksDB reads files,
// it does not map them).
#include <malloc.h>
#include <rocksdb/cache.h>
#include <rocksdb/write_buffer_manager.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "gtest/gtest.h"
#include "kstreams/state/rocksdb_config_setter.h"
#include "state/rocksdb_shared.h"
#include "unit/state/test_store_context.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define KSTREAMS_MEMORY_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define KSTREAMS_MEMORY_TEST_SANITIZED 1
#endif
#endif

namespace kstreams::internal {
namespace {

constexpr int64_t kMiB = int64_t{1} << 20;
constexpr int64_t kKiB = int64_t{1} << 10;
// The issue-24 budget: fixed memory of one open, empty store.
constexpr int64_t kFixedPerStore = 150 * kKiB;

int64_t RssBytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

// Where the stores live: tmpfs when there is one (see the file comment).
std::filesystem::path StateRoot() {
  std::error_code ec;
  if (std::filesystem::is_directory("/dev/shm", ec) && access("/dev/shm", W_OK) == 0) {
    std::filesystem::path dir = "/dev/shm/kstreams-memory-test-" + std::to_string(getpid());
    std::filesystem::remove_all(dir, ec);
    if (std::filesystem::create_directories(dir, ec)) return dir;
  }
  return testing::NewTempDir();
}

struct Sizes {
  int stores;
  int keys_per_store;
  int value_bytes;
  int64_t cache;
  int64_t write_buffers;
  // Writes go in rounds over every store (as a partitioned application's
  // input does); each round ends with a flush of every store, as each
  // commit's checkpoint does.
  int rounds;
};

// Opens `sizes.stores` stores, writes keys_per_store values of value_bytes
// into each and reads every 7th back, checking RSS growth against the
// configured budgets after each step.
void CheckMemory(const Sizes& sizes) {
  auto t0 = std::chrono::steady_clock::now();
  auto secs = [&t0] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  testing::TestStoreContext context(10 * kMiB, StateRoot());
  context.mutable_config().Set(RocksDBOptions::kBlockCacheBytes, std::to_string(sizes.cache));
  context.mutable_config().Set(RocksDBOptions::kWriteBufferManagerBytes,
                               std::to_string(sizes.write_buffers));
  std::vector<std::string> keys;
  for (int k = 0; k < sizes.keys_per_store; ++k) keys.push_back("key-" + std::to_string(k));
  const std::string value(static_cast<size_t>(sizes.value_bytes), 'v');
  std::vector<std::unique_ptr<KeyValueBytesStore>> stores;
  stores.reserve(static_cast<size_t>(sizes.stores));

  const int64_t before = RssBytes();
  for (int i = 0; i < sizes.stores; ++i) {
    stores.push_back(NewRocksDBKeyValueBytesStore("store-" + std::to_string(i)));
    KSTREAMS_ASSERT_OK(stores.back()->Init(context));
  }
  const int64_t opened = RssBytes() - before;
  const double open_secs = secs();

  const int per_round = (sizes.keys_per_store + sizes.rounds - 1) / sizes.rounds;
  for (int from = 0; from < sizes.keys_per_store; from += per_round) {
    const int to = std::min(sizes.keys_per_store, from + per_round);
    for (auto& store : stores) {
      for (int k = from; k < to; ++k) {
        KSTREAMS_ASSERT_OK(store->Put(keys[static_cast<size_t>(k)], value, 0));
      }
    }
    for (auto& store : stores) KSTREAMS_ASSERT_OK(store->Flush());
  }
  const int64_t written = RssBytes() - before;
  const double write_secs = secs() - open_secs;

  std::string out;
  for (auto& store : stores) {
    for (int k = 0; k < sizes.keys_per_store; k += 7) {
      KSTREAMS_ASSERT_OK_AND_ASSIGN(bool found, store->Get(keys[static_cast<size_t>(k)], &out));
      ASSERT_TRUE(found);
      ASSERT_EQ(out.size(), value.size());
    }
  }
  const int64_t read = RssBytes() - before;
  const double read_secs = secs() - open_secs - write_secs;

  auto shared = RocksDBShared::Get(static_cast<size_t>(sizes.cache),
                                   static_cast<size_t>(sizes.write_buffers));
  const int64_t data_bytes = int64_t{sizes.stores} * sizes.keys_per_store *
                             (sizes.value_bytes + static_cast<int64_t>(keys.back().size()));
  struct mallinfo2 mi = mallinfo2();
  std::cout << "RSS growth with " << sizes.stores << " RocksDB stores (cache "
            << sizes.cache / kMiB << " MiB, write buffers " << sizes.write_buffers / kMiB
            << " MiB): after open " << opened / kMiB << " MiB (" << opened / sizes.stores / kKiB
            << " KiB per store, " << open_secs << " s), after writing " << data_bytes / kMiB
            << " MiB " << written / kMiB << " MiB (" << write_secs << " s), after reads "
            << read / kMiB << " MiB (" << read_secs << " s)\n"
            << "cache usage " << shared->cache->GetUsage() / kMiB << " MiB (pinned "
            << shared->cache->GetPinnedUsage() / kMiB << " MiB), memtables "
            << shared->write_buffer_manager->memory_usage() / kMiB << " MiB; malloc in use "
            << static_cast<int64_t>(mi.uordblks) / kMiB << " MiB, free in heap "
            << static_cast<int64_t>(mi.fordblks) / kMiB << " MiB, mmapped "
            << static_cast<int64_t>(mi.hblkhd) / kMiB << " MiB\n";

  const int64_t fixed = int64_t{sizes.stores} * kFixedPerStore;
  // Open: only the fixed cost of each store (no memtable arena, no locks).
  EXPECT_LE(opened, fixed) << "open stores cost more than 150 KiB each";
  // Written: the memtables are bounded by the write-buffer budget, and
  // what the flushes put in the cache (index and filter blocks, charged
  // memtable memory) by the cache.
  EXPECT_LE(written, fixed + sizes.cache) << "writes grew memory past cache + fixed cost";
  EXPECT_LE(shared->write_buffer_manager->memory_usage(), sizes.write_buffers);
  // Read: data blocks come into the same cache.
  EXPECT_LE(read, fixed + sizes.cache) << "reads grew memory past cache + fixed cost";
  EXPECT_LE(static_cast<int64_t>(shared->cache->GetUsage()), sizes.cache + sizes.cache / 8);
  for (auto& s : stores) KSTREAMS_EXPECT_OK(s->Close());
  stores.clear();
  std::error_code ec;
  std::filesystem::remove_all(context.root(), ec);
}

TEST(RocksDBMemoryTest, ThousandStoresStayWithinTheConfiguredBudgets) {
#ifdef KSTREAMS_MEMORY_TEST_SANITIZED
  GTEST_SKIP() << "RSS under a sanitizer measures the sanitizer";
#endif
  // ~50 MiB written, the default budgets (64 MiB cache, 32 MiB of write
  // buffers charged to it).
  CheckMemory({.stores = 1000, .keys_per_store = 250, .value_bytes = 200,
               .cache = 64 * kMiB, .write_buffers = 32 * kMiB, .rounds = 2});
}

TEST(RocksDBMemoryTest, FullSizeThousandStores) {
#ifdef KSTREAMS_MEMORY_TEST_SANITIZED
  GTEST_SKIP() << "RSS under a sanitizer measures the sanitizer";
#endif
  if (std::getenv("KSTREAMS_STATE_MEMORY_FULL") == nullptr) {
    GTEST_SKIP() << "set KSTREAMS_STATE_MEMORY_FULL=1 for the full-size run (~200 MiB written)";
  }
  CheckMemory({.stores = 1000, .keys_per_store = 1000, .value_bytes = 200,
               .cache = 256 * kMiB, .write_buffers = 128 * kMiB, .rounds = 4});
}

}  // namespace
}  // namespace kstreams::internal
