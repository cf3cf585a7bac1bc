// The RocksDB key-value store under exactly_once_v2 (RocksDBSettings::
// transactional, StateRestoreCallback::BeginTransactions): the task reads
// its own uncommitted writes, interactive queries and a reopened store see
// committed data only, and a commit keeps the changelog offset with the data.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status_matchers.h"
#include "gtest/gtest.h"
#include "kstreams/state/internal/key_value_bytes_store.h"
#include "kstreams/state/internal/query_read_scope.h"
#include "kstreams/state/internal/wrapped_state_store.h"
#include "unit/state/test_store_context.h"

namespace kstreams::internal {
namespace {

using Entries = std::vector<std::pair<std::string, std::string>>;

Entries Scan(KeyValueBytesStore& store, std::optional<std::string_view> from = std::nullopt,
             std::optional<std::string_view> to = std::nullopt, bool reverse = false) {
  Entries out;
  std::unique_ptr<BytesIterator> it = store.Range(from, to, reverse);
  for (; it->Valid(); it->Next()) out.emplace_back(it->key(), it->value());
  EXPECT_TRUE(it->status().ok()) << it->status();
  return out;
}

std::optional<std::string> Read(KeyValueBytesStore& store, std::string_view key) {
  std::string value;
  absl::StatusOr<bool> found = store.Get(key, &value);
  EXPECT_TRUE(found.ok()) << found.status();
  if (!found.ok() || !*found) return std::nullopt;
  return value;
}

class TransactionalRocksDBStoreTest : public ::testing::Test {
 protected:
  TransactionalRocksDBStoreTest() {
    RocksDBSettings settings;
    settings.transactional = true;
    context_.set_rocksdb_settings(std::move(settings));
  }

  // A store as the runtime opens one under exactly_once_v2; *committed is
  // what BeginTransactions reported.
  std::unique_ptr<KeyValueBytesStore> Open(std::optional<int64_t>* committed = nullptr) {
    std::unique_ptr<KeyValueBytesStore> store = NewRocksDBKeyValueBytesStore("counts");
    EXPECT_TRUE(store->Init(context_).ok());
    absl::StatusOr<std::optional<int64_t>> begun = store->BeginTransactions();
    EXPECT_TRUE(begun.ok()) << begun.status();
    if (committed != nullptr && begun.ok()) *committed = *begun;
    return store;
  }

  testing::TestStoreContext context_;
};

TEST_F(TransactionalRocksDBStoreTest, TaskReadsItsOwnWritesInKeyOrder) {
  auto store = Open();
  KSTREAMS_ASSERT_OK(store->Put("b", "1", 0));
  KSTREAMS_ASSERT_OK(store->Put("d", "1", 0));
  KSTREAMS_ASSERT_OK(store->CommitTransaction(1));
  // Uncommitted: an overwrite, a delete of a committed key, new keys.
  KSTREAMS_ASSERT_OK(store->Put("b", "2", 0));
  KSTREAMS_ASSERT_OK(store->Put("d", std::nullopt, 0));
  KSTREAMS_ASSERT_OK(store->Put("a", "9", 0));
  KSTREAMS_ASSERT_OK(store->PutAll({{"c", "3"}, {"e", "5"}, {"e", std::nullopt}}, 0));

  EXPECT_EQ(Read(*store, "b"), "2");
  EXPECT_EQ(Read(*store, "d"), std::nullopt);
  EXPECT_EQ(Read(*store, "e"), std::nullopt);
  EXPECT_EQ(Read(*store, "a"), "9");
  EXPECT_EQ(Scan(*store), (Entries{{"a", "9"}, {"b", "2"}, {"c", "3"}}));
  EXPECT_EQ(Scan(*store, "b", "d"), (Entries{{"b", "2"}, {"c", "3"}}));
  EXPECT_EQ(Scan(*store, std::nullopt, std::nullopt, /*reverse=*/true),
            (Entries{{"c", "3"}, {"b", "2"}, {"a", "9"}}));
  EXPECT_EQ(Scan(*store, "a", "b", /*reverse=*/true), (Entries{{"b", "2"}, {"a", "9"}}));
  Entries prefixed;
  for (auto it = store->PrefixScan("b"); it->Valid(); it->Next()) {
    prefixed.emplace_back(it->key(), it->value());
  }
  EXPECT_EQ(prefixed, (Entries{{"b", "2"}}));
  KSTREAMS_ASSERT_OK(store->Close());
}

TEST_F(TransactionalRocksDBStoreTest, QueriesSeeCommittedDataOnly) {
  auto store = Open();
  KSTREAMS_ASSERT_OK(store->Put("a", "1", 0));
  KSTREAMS_ASSERT_OK(store->Put("b", "1", 0));
  KSTREAMS_ASSERT_OK(store->CommitTransaction(7));
  KSTREAMS_ASSERT_OK(store->Put("a", "2", 0));
  KSTREAMS_ASSERT_OK(store->Put("b", std::nullopt, 0));
  KSTREAMS_ASSERT_OK(store->Put("c", "2", 0));
  {
    QueryReadScope query;
    EXPECT_EQ(Read(*store, "a"), "1");
    EXPECT_EQ(Read(*store, "b"), "1");
    EXPECT_EQ(Read(*store, "c"), std::nullopt);
    EXPECT_EQ(Scan(*store), (Entries{{"a", "1"}, {"b", "1"}}));
  }
  KSTREAMS_ASSERT_OK(store->CommitTransaction(10));
  {
    QueryReadScope query;
    EXPECT_EQ(Scan(*store), (Entries{{"a", "2"}, {"c", "2"}}));
  }
  KSTREAMS_ASSERT_OK(store->Close());
}

TEST_F(TransactionalRocksDBStoreTest, ReopenedStoreHoldsTheLastCommitAndItsOffset) {
  std::optional<int64_t> committed = 123;
  auto store = Open(&committed);
  EXPECT_EQ(committed, std::nullopt);  // a new store knows no offset
  KSTREAMS_ASSERT_OK(store->Put("a", "1", 0));
  KSTREAMS_ASSERT_OK(store->Put("b", "1", 0));
  KSTREAMS_ASSERT_OK(store->CommitTransaction(41));
  KSTREAMS_ASSERT_OK(store->Put("a", "2", 0));
  KSTREAMS_ASSERT_OK(store->Put("b", std::nullopt, 0));
  KSTREAMS_ASSERT_OK(store->Put("c", "2", 0));
  // A dirty close (an aborted transaction, a rewind): the uncommitted
  // writes are gone.
  KSTREAMS_ASSERT_OK(store->Close());
  store = Open(&committed);
  EXPECT_EQ(committed, 41);
  EXPECT_EQ(Scan(*store), (Entries{{"a", "1"}, {"b", "1"}}));

  // Dropped without a commit (the object destroyed, as in a thread that
  // dies): the same.
  KSTREAMS_ASSERT_OK(store->Put("z", "1", 0));
  store.reset();
  store = Open(&committed);
  EXPECT_EQ(committed, 41);
  EXPECT_EQ(Read(*store, "z"), std::nullopt);
  KSTREAMS_ASSERT_OK(store->Close());
}

TEST_F(TransactionalRocksDBStoreTest, RestoredBatchesKeepTheirLastOffset) {
  auto store = Open();
  std::vector<ChangelogRecord> records(2);
  records[0].key = "a";
  records[0].value = "1";
  records[0].offset = 5;
  records[1].key = "b";
  records[1].value = "2";
  records[1].offset = 9;
  KSTREAMS_ASSERT_OK(store->RestoreBatch(records));
  KSTREAMS_ASSERT_OK(store->Close());
  std::optional<int64_t> committed;
  store = Open(&committed);
  EXPECT_EQ(committed, 9);
  EXPECT_EQ(Scan(*store), (Entries{{"a", "1"}, {"b", "2"}}));
  // A wipe forgets the offset with the data.
  KSTREAMS_ASSERT_OK(store->Wipe());
  KSTREAMS_ASSERT_OK(store->Close());
  store = Open(&committed);
  EXPECT_EQ(committed, std::nullopt);
  EXPECT_EQ(Scan(*store), Entries{});
  KSTREAMS_ASSERT_OK(store->Close());
}

TEST_F(TransactionalRocksDBStoreTest, IteratorOutlivesACommit) {
  auto store = Open();
  KSTREAMS_ASSERT_OK(store->Put("a", "1", 0));
  KSTREAMS_ASSERT_OK(store->Put("b", "1", 0));
  std::unique_ptr<BytesIterator> it = store->Range(std::nullopt, std::nullopt, false);
  KSTREAMS_ASSERT_OK(store->CommitTransaction(3));
  Entries seen;
  for (; it->Valid(); it->Next()) seen.emplace_back(it->key(), it->value());
  EXPECT_EQ(seen, (Entries{{"a", "1"}, {"b", "1"}}));
  it.reset();
  KSTREAMS_ASSERT_OK(store->Close());
}

TEST_F(TransactionalRocksDBStoreTest, AtLeastOnceDropsTheOffsetOfAnEarlierExactlyOnceRun) {
  auto store = Open();
  KSTREAMS_ASSERT_OK(store->Put("a", "1", 0));
  KSTREAMS_ASSERT_OK(store->CommitTransaction(4));
  KSTREAMS_ASSERT_OK(store->Close());

  testing::TestStoreContext at_least_once(10 << 20, context_.root());
  at_least_once.keep_root();
  store = NewRocksDBKeyValueBytesStore("counts");
  KSTREAMS_ASSERT_OK(store->Init(at_least_once));
  EXPECT_TRUE(absl::IsUnimplemented(store->BeginTransactions().status()));
  EXPECT_EQ(Read(*store, "a"), "1");
  KSTREAMS_ASSERT_OK(store->Put("a", "2", 0));  // written through
  KSTREAMS_ASSERT_OK(store->Close());

  std::optional<int64_t> committed = 0;
  store = Open(&committed);
  EXPECT_EQ(committed, std::nullopt);  // writes since: the offset would lie
  EXPECT_EQ(Read(*store, "a"), "2");
  KSTREAMS_ASSERT_OK(store->Close());
}

TEST_F(TransactionalRocksDBStoreTest, CachedWritesStayInvisibleToQueriesUntilCommitted) {
  std::unique_ptr<KeyValueBytesStore> cached =
      NewCachingKeyValueBytesStore(NewRocksDBKeyValueBytesStore("counts"));
  KSTREAMS_ASSERT_OK(cached->Init(context_));
  KeyValueBytesStore& bottom =
      static_cast<WrappedStateStore<KeyValueBytesStore>&>(*cached).wrapped();
  KSTREAMS_ASSERT_OK(bottom.BeginTransactions().status());
  KSTREAMS_ASSERT_OK(cached->Put("a", "1", 0));  // a dirty cache entry
  EXPECT_EQ(Read(*cached, "a"), "1");           // the task sees it
  {
    QueryReadScope query;
    EXPECT_EQ(Read(*cached, "a"), std::nullopt);
    EXPECT_EQ(Scan(*cached), Entries{});
  }
  KSTREAMS_ASSERT_OK(cached->FlushCache());  // into the uncommitted batch
  {
    QueryReadScope query;
    EXPECT_EQ(Read(*cached, "a"), std::nullopt);
  }
  KSTREAMS_ASSERT_OK(bottom.CommitTransaction(0));
  {
    QueryReadScope query;
    EXPECT_EQ(Read(*cached, "a"), "1");
    EXPECT_EQ(Scan(*cached), (Entries{{"a", "1"}}));
  }
  KSTREAMS_ASSERT_OK(cached->Close());
}

}  // namespace
}  // namespace kstreams::internal
