// The caching layer: dedup per key, LRU eviction, flush listener semantics
// (Kafka Streams' CachingKeyValueStore + ThreadCache), and size 0.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "gtest/gtest.h"
#include "kstreams/state/stores.h"
#include "unit/state/test_store_context.h"

namespace kstreams {
namespace {

struct Forwarded {
  std::string key;
  std::optional<int64_t> new_value;
  std::optional<int64_t> old_value;
  int64_t timestamp;
  friend bool operator==(const Forwarded&, const Forwarded&) = default;
  friend std::ostream& operator<<(std::ostream& os, const Forwarded& f) {
    return os << "(" << f.key << ", " << (f.new_value ? std::to_string(*f.new_value) : "null")
              << ", old=" << (f.old_value ? std::to_string(*f.old_value) : "null")
              << ", ts=" << f.timestamp << ")";
  }
};

// Size of one cache entry with a 1-byte key and an 8-byte value.
constexpr int64_t kEntry = 1 + 8 + internal::ThreadCache::kEntryOverhead;

class CachingStoreTest : public ::testing::Test {
 protected:
  void Open(int64_t cache_bytes, bool send_old_values, bool persistent = false) {
    context_ = std::make_unique<testing::TestStoreContext>(cache_bytes);
    store_ = Stores::KeyValueStoreBuilder<std::string, int64_t>(
                 persistent ? Stores::PersistentKeyValueStore("counts")
                            : Stores::InMemoryKeyValueStore("counts"),
                 serdes::String(), serdes::Int64())
                 .WithCachingEnabled()
                 .Build();
    KSTREAMS_ASSERT_OK(store_->Init(*context_));
    auto* cached = dynamic_cast<internal::CachedStateStore<std::string, int64_t>*>(store_.get());
    ASSERT_NE(cached, nullptr);
    EXPECT_TRUE(cached->SetFlushListener(
        [this](const std::string& key, std::optional<int64_t> new_value,
               std::optional<int64_t> old_value, int64_t ts) {
          forwarded_.push_back({key, new_value, old_value, ts});
        },
        send_old_values));
  }
  void TearDown() override {
    if (store_) KSTREAMS_EXPECT_OK(store_->Close());
  }
  std::vector<Forwarded> TakeForwarded() { return std::exchange(forwarded_, {}); }

  std::unique_ptr<testing::TestStoreContext> context_;
  std::unique_ptr<KeyValueStore<std::string, int64_t>> store_;
  std::vector<Forwarded> forwarded_;
};

TEST_F(CachingStoreTest, RepeatedWritesToAKeyAreForwardedOnceOnFlush) {
  Open(10 << 20, /*send_old_values=*/false);
  context_->set_record_timestamp(1);
  store_->Put("a", 1);
  context_->set_record_timestamp(2);
  store_->Put("b", 1);
  context_->set_record_timestamp(3);
  store_->Put("a", 2);
  store_->Put("a", 3);
  EXPECT_TRUE(forwarded_.empty());
  EXPECT_TRUE(context_->changelog("counts").empty());
  EXPECT_EQ(store_->Get("a"), 3);  // served from the cache
  KSTREAMS_ASSERT_OK(store_->Flush());
  // In the order of the keys' last writes (Java's NamedCache moves a
  // re-dirtied key to the end), with the latest value and the timestamp of
  // the latest write.
  EXPECT_EQ(TakeForwarded(), (std::vector<Forwarded>{{"b", 1, std::nullopt, 2},
                                                     {"a", 3, std::nullopt, 3}}));
  EXPECT_EQ(context_->changelog("counts").size(), 2u);
  KSTREAMS_ASSERT_OK(store_->Flush());
  EXPECT_TRUE(TakeForwarded().empty());  // nothing dirty any more
}

TEST_F(CachingStoreTest, FlushListenerGetsOldValueWhenAsked) {
  Open(10 << 20, /*send_old_values=*/true);
  store_->Put("a", 1);
  KSTREAMS_ASSERT_OK(store_->Flush());
  store_->Put("a", 2);
  store_->Put("a", 3);
  KSTREAMS_ASSERT_OK(store_->Flush());
  EXPECT_EQ(store_->Delete("a"), 3);
  KSTREAMS_ASSERT_OK(store_->Flush());
  // Deleting a key that never reached the store forwards nothing.
  store_->Put("tmp", 7);
  store_->Delete("tmp");
  KSTREAMS_ASSERT_OK(store_->Flush());
  EXPECT_EQ(TakeForwarded(), (std::vector<Forwarded>{{"a", 1, std::nullopt, 0},
                                                     {"a", 3, 1, 0},
                                                     {"a", std::nullopt, 3, 0}}));
  EXPECT_EQ(store_->Get("a"), std::nullopt);
}

TEST_F(CachingStoreTest, EvictingADirtyEntryFlushesAllDirtyEntriesInOrder) {
  Open(3 * kEntry, /*send_old_values=*/false);
  store_->Put("a", 1);
  store_->Put("b", 2);
  store_->Put("c", 3);
  EXPECT_TRUE(forwarded_.empty());
  store_->Put("d", 4);  // over budget: evicts "a", which is dirty
  EXPECT_EQ(TakeForwarded(), (std::vector<Forwarded>{{"a", 1, std::nullopt, 0},
                                                     {"b", 2, std::nullopt, 0},
                                                     {"c", 3, std::nullopt, 0},
                                                     {"d", 4, std::nullopt, 0}}));
  EXPECT_EQ(context_->cache().evictions, 1u);
  EXPECT_EQ(context_->cache().size_bytes(), 3 * kEntry);
  EXPECT_EQ(store_->Get("a"), 1);  // from the store beneath
}

TEST_F(CachingStoreTest, EvictsLeastRecentlyUsedEntry) {
  Open(3 * kEntry, /*send_old_values=*/false);
  store_->Put("a", 1);
  store_->Put("b", 2);
  store_->Put("c", 3);
  KSTREAMS_ASSERT_OK(store_->Flush());
  TakeForwarded();
  EXPECT_EQ(store_->Get("a"), 1);  // "a" is now the most recently used
  store_->Put("d", 4);             // evicts "b", the least recently used
  EXPECT_EQ(context_->cache().evictions, 1u);
  uint64_t misses = context_->cache().misses;
  uint64_t hits = context_->cache().hits;
  EXPECT_EQ(store_->Get("a"), 1);
  EXPECT_EQ(store_->Get("c"), 3);
  EXPECT_EQ(store_->Get("d"), 4);
  EXPECT_EQ(context_->cache().hits, hits + 3);
  EXPECT_EQ(context_->cache().misses, misses);
  EXPECT_EQ(store_->Get("b"), 2);  // miss: read from the store beneath
  EXPECT_EQ(context_->cache().misses, misses + 1);
  EXPECT_TRUE(TakeForwarded().empty());  // clean evictions forward nothing
}

TEST_F(CachingStoreTest, SizeZeroForwardsEveryWriteImmediately) {
  Open(0, /*send_old_values=*/true);
  context_->set_record_timestamp(10);
  store_->Put("a", 1);
  store_->Put("a", 2);
  store_->Delete("a");
  EXPECT_EQ(TakeForwarded(), (std::vector<Forwarded>{{"a", 1, std::nullopt, 10},
                                                     {"a", 2, 1, 10},
                                                     {"a", std::nullopt, 2, 10}}));
  EXPECT_EQ(context_->changelog("counts").size(), 3u);
  EXPECT_EQ(context_->cache().size_bytes(), 0);
}

TEST_F(CachingStoreTest, RangeMergesCacheOverPersistentStore) {
  Open(10 << 20, /*send_old_values=*/false, /*persistent=*/true);
  store_->Put("a", 1);
  store_->Put("c", 3);
  store_->Put("e", 5);
  KSTREAMS_ASSERT_OK(store_->Flush());
  store_->Put("b", 2);   // only in the cache
  store_->Put("c", 30);  // cache shadows the store
  store_->Delete("e");   // cached delete hides the stored key
  using KV = std::vector<std::pair<std::string, int64_t>>;
  EXPECT_EQ(store_->All().ToVector(), (KV{{"a", 1}, {"b", 2}, {"c", 30}}));
  EXPECT_EQ(store_->ReverseAll().ToVector(), (KV{{"c", 30}, {"b", 2}, {"a", 1}}));
  EXPECT_EQ(store_->Range("b", "e").ToVector(), (KV{{"b", 2}, {"c", 30}}));
}

TEST_F(CachingStoreTest, StoresShareTheThreadCacheBudget) {
  Open(4 * kEntry, /*send_old_values=*/false);
  auto other = Stores::KeyValueStoreBuilder<std::string, int64_t>(
                   Stores::InMemoryKeyValueStore("other"), serdes::String(), serdes::Int64())
                   .WithCachingEnabled()
                   .Build();
  KSTREAMS_ASSERT_OK(other->Init(*context_));
  other->Put("x", 1);
  other->Put("y", 2);
  other->Put("z", 3);
  store_->Put("a", 1);
  EXPECT_EQ(context_->cache().size_bytes(), 4 * kEntry);
  store_->Put("b", 2);  // over budget: this store evicts its own eldest ("a")
  EXPECT_EQ(TakeForwarded(), (std::vector<Forwarded>{{"a", 1, std::nullopt, 0},
                                                     {"b", 2, std::nullopt, 0}}));
  EXPECT_EQ(context_->changelog("other").size(), 0u);  // still cached there
  KSTREAMS_EXPECT_OK(other->Close());
  EXPECT_EQ(context_->changelog("other").size(), 3u);  // close flushes
}

}  // namespace
}  // namespace kstreams
