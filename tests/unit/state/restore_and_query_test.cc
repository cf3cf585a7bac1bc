// What the runtime needs from the store layers: logged stores register their
// bottom store for restoration, batches apply as the writes they were
// (tombstones delete), Wipe empties a store, and reads inside a
// QueryReadScope leave the record cache untouched. (Restoration runs before
// a task processes anything, so its caches are empty then; these tests use
// stores without caching for it.)
#include <memory>
#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/state/internal/query_read_scope.h"
#include "kstreams/state/stores.h"
#include "unit/state/test_store_context.h"

namespace kstreams {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

std::vector<std::pair<std::string, int64_t>> Contents(KeyValueStore<std::string, int64_t>& store) {
  return store.All().ToVector();
}

std::string Int64Bytes(int64_t v) {
  std::string out;
  EXPECT_TRUE(serdes::Int64()->Serialize("t", v, out).ok());
  return out;
}

class RestoreTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    store_ = Stores::KeyValueStoreBuilder<std::string, int64_t>(
                 GetParam() ? Stores::PersistentKeyValueStore("counts")
                            : Stores::InMemoryKeyValueStore("counts"),
                 serdes::String(), serdes::Int64())
                 .Build();
    KSTREAMS_ASSERT_OK(store_->Init(context_));
    restore_ = context_.restore_callback("counts");
    ASSERT_NE(restore_, nullptr);
  }
  void TearDown() override { KSTREAMS_EXPECT_OK(store_->Close()); }

  testing::TestStoreContext context_;
  std::unique_ptr<KeyValueStore<std::string, int64_t>> store_;
  StateRestoreCallback* restore_ = nullptr;
};

TEST_P(RestoreTest, BatchAppliesPutsAndTombstonesInOrderWithoutLoggingThem) {
  store_->Put("stays", 9);
  KSTREAMS_ASSERT_OK(store_->Flush());
  const size_t logged = context_.changelog("counts").size();
  std::string one = Int64Bytes(1), two = Int64Bytes(2), three = Int64Bytes(3);
  std::vector<ChangelogRecord> batch = {{"a", one, 10, 0},
                                        {"b", two, 11, 1},
                                        {"a", three, 12, 2},
                                        {"b", std::nullopt, 13, 3},
                                        {"stays", std::nullopt, 14, 4},
                                        {"stays", one, 15, 5}};
  KSTREAMS_ASSERT_OK(restore_->RestoreBatch(batch));
  EXPECT_THAT(Contents(*store_), ElementsAre(Pair("a", 3), Pair("stays", 1)));
  // Restored records go straight into the bottom store: not back to the
  // changelog.
  EXPECT_EQ(context_.changelog("counts").size(), logged);
}

TEST_P(RestoreTest, WipeEmptiesTheStoreWhichStaysUsable) {
  store_->Put("a", 1);
  store_->Put("b", 2);
  KSTREAMS_ASSERT_OK(store_->Flush());
  KSTREAMS_ASSERT_OK(restore_->Wipe());
  EXPECT_TRUE(Contents(*store_).empty());
  EXPECT_EQ(store_->ApproximateNumEntries(), 0u);
  store_->Put("c", 3);
  EXPECT_EQ(store_->Get("c"), 3);
  KSTREAMS_ASSERT_OK(restore_->Wipe());  // again, on an empty store
  std::string five = Int64Bytes(5);
  KSTREAMS_ASSERT_OK(restore_->RestoreBatch(std::vector<ChangelogRecord>{{"d", five, 1, 0}}));
  EXPECT_THAT(Contents(*store_), ElementsAre(Pair("d", 5)));
}

INSTANTIATE_TEST_SUITE_P(BothStores, RestoreTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "RocksDB" : "InMemory"; });

TEST(RestoreRegistrationTest, StoresWithoutLoggingDoNotRegister) {
  testing::TestStoreContext context;
  auto store = Stores::KeyValueStoreBuilder<std::string, int64_t>(
                   Stores::InMemoryKeyValueStore("quiet"), serdes::String(), serdes::Int64())
                   .WithLoggingDisabled()
                   .Build();
  KSTREAMS_ASSERT_OK(store->Init(context));
  EXPECT_EQ(context.restore_callback("quiet"), nullptr);
  KSTREAMS_ASSERT_OK(store->Close());
}

TEST(RocksDBRestoreTest, WipedStoreStaysEmptyAfterReopening) {
  testing::TestStoreContext context;
  auto make = [] {
    return Stores::KeyValueStoreBuilder<std::string, int64_t>(
               Stores::PersistentKeyValueStore("counts"), serdes::String(), serdes::Int64())
        .Build();
  };
  auto store = make();
  KSTREAMS_ASSERT_OK(store->Init(context));
  store->Put("a", 1);
  KSTREAMS_ASSERT_OK(context.restore_callback("counts")->Wipe());
  KSTREAMS_ASSERT_OK(store->Close());
  auto reopened = make();
  KSTREAMS_ASSERT_OK(reopened->Init(context));
  EXPECT_TRUE(Contents(*reopened).empty());
  KSTREAMS_ASSERT_OK(reopened->Close());
}

TEST(QueryReadScopeTest, ReadsThroughTheCacheChangeNothingInIt) {
  testing::TestStoreContext context(/*cache_bytes=*/10 << 20);
  auto store = Stores::KeyValueStoreBuilder<std::string, int64_t>(
                   Stores::InMemoryKeyValueStore("counts"), serdes::String(), serdes::Int64())
                   .WithCachingEnabled()
                   .Build();
  KSTREAMS_ASSERT_OK(store->Init(context));
  store->Put("dirty", 1);  // in the cache only
  store->Put("clean", 2);
  KSTREAMS_ASSERT_OK(store->FlushCache());  // "clean" now in the store beneath
  store->Put("dirty", 3);
  auto& bytes = dynamic_cast<internal::QueryableKeyValueBytes<std::string, int64_t>&>(*store)
                    .bytes_store();
  // "beneath" is only in the store beneath the cache.
  std::string three = Int64Bytes(3);
  KSTREAMS_ASSERT_OK(context.restore_callback("counts")->RestoreBatch(
      std::vector<ChangelogRecord>{{"beneath", three, 1, 0}}));
  const int64_t size = context.cache().size_bytes();
  const uint64_t hits = context.cache().hits, misses = context.cache().misses;
  {
    internal::QueryReadScope scope;
    EXPECT_TRUE(internal::QueryReadScope::active());
    std::string value;
    KSTREAMS_ASSERT_OK_AND_ASSIGN(bool found, bytes.Get("dirty", &value));
    EXPECT_TRUE(found);
    EXPECT_EQ(value, three);  // the cache's newer value
    KSTREAMS_ASSERT_OK_AND_ASSIGN(found, bytes.Get("beneath", &value));
    EXPECT_TRUE(found);
    KSTREAMS_ASSERT_OK_AND_ASSIGN(found, bytes.Get("missing", &value));
    EXPECT_FALSE(found);
  }
  EXPECT_FALSE(internal::QueryReadScope::active());
  // Nothing was added, counted or evicted.
  EXPECT_EQ(context.cache().size_bytes(), size);
  EXPECT_EQ(context.cache().hits, hits);
  EXPECT_EQ(context.cache().misses, misses);
  // Outside the scope, a miss caches the value as usual.
  EXPECT_EQ(store->Get("beneath"), 3);
  EXPECT_GT(context.cache().size_bytes(), size);
  KSTREAMS_ASSERT_OK(store->Close());
}

}  // namespace
}  // namespace kstreams
