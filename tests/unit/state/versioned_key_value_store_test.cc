// Versioned key-value stores (RocksDB and in-memory) through the typed API,
// and the purge of expired history at the bytes level. Expected versions are
// worked out from Kafka Streams' VersionedKeyValueStore contract: a version
// is valid from its timestamp to the next version's timestamp; reads and
// writes older than observed stream time - history retention find nothing.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "gtest/gtest.h"
#include "kstreams/state/stores.h"
#include "unit/state/test_store_context.h"

namespace kstreams {
namespace {

using Store = VersionedKeyValueStore<std::string, std::string>;
using Rec = VersionedRecord<std::string>;
constexpr int64_t kLatest = Store::kPutReturnCodeValidToUndefined;
constexpr int64_t kNotPut = Store::kPutReturnCodeNotPut;

class VersionedStoreTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override { store_ = Open(std::chrono::milliseconds(100)); }
  void TearDown() override {
    if (store_) KSTREAMS_EXPECT_OK(store_->Close());
  }
  std::unique_ptr<Store> Open(std::chrono::milliseconds retention, bool logging = false) {
    auto supplier = GetParam() ? Stores::PersistentVersionedKeyValueStore("v", retention)
                               : Stores::InMemoryVersionedKeyValueStore("v", retention);
    auto builder = Stores::VersionedKeyValueStoreBuilder<std::string, std::string>(
        supplier, serdes::String(), serdes::String());
    if (!logging) builder.WithLoggingDisabled();
    std::unique_ptr<Store> store = builder.Build();
    absl::Status s = store->Init(context_);
    EXPECT_TRUE(s.ok()) << s;
    return store;
  }

  testing::TestStoreContext context_;
  std::unique_ptr<Store> store_;
};

TEST_P(VersionedStoreTest, ReadsAsOfATimestampAcrossVersions) {
  EXPECT_EQ(store_->Put("k", "a", 10), kLatest);
  EXPECT_EQ(store_->Put("k", "b", 20), kLatest);
  EXPECT_EQ(store_->Put("k", "c", 30), kLatest);
  EXPECT_EQ(store_->Get("k"), (Rec{"c", 30, std::nullopt}));
  EXPECT_EQ(store_->Get("k", 9), std::nullopt);
  EXPECT_EQ(store_->Get("k", 10), (Rec{"a", 10, 20}));
  EXPECT_EQ(store_->Get("k", 19), (Rec{"a", 10, 20}));
  EXPECT_EQ(store_->Get("k", 20), (Rec{"b", 20, 30}));
  EXPECT_EQ(store_->Get("k", 29), (Rec{"b", 20, 30}));
  EXPECT_EQ(store_->Get("k", 30), (Rec{"c", 30, std::nullopt}));
  EXPECT_EQ(store_->Get("k", 1000), (Rec{"c", 30, std::nullopt}));
  EXPECT_EQ(store_->Get("other"), std::nullopt);
  EXPECT_EQ(store_->Get("other", 30), std::nullopt);
}

TEST_P(VersionedStoreTest, OutOfOrderPutsSplitTheVersionTheyFallInto) {
  store_->Put("k", "a", 10);
  store_->Put("k", "b", 20);
  store_->Put("k", "c", 30);
  // Between a@10 and b@20: valid until 20, and a now ends at 15.
  EXPECT_EQ(store_->Put("k", "x", 15), 20);
  EXPECT_EQ(store_->Get("k", 12), (Rec{"a", 10, 15}));
  EXPECT_EQ(store_->Get("k", 17), (Rec{"x", 15, 20}));
  // Before every version: valid until the first one.
  EXPECT_EQ(store_->Put("k", "y", 5), 10);
  EXPECT_EQ(store_->Get("k", 5), (Rec{"y", 5, 10}));
  // At an existing history timestamp: replaces it, same validity.
  EXPECT_EQ(store_->Put("k", "b2", 20), 30);
  EXPECT_EQ(store_->Get("k", 25), (Rec{"b2", 20, 30}));
  // At the latest timestamp: replaces the latest.
  EXPECT_EQ(store_->Put("k", "c2", 30), kLatest);
  EXPECT_EQ(store_->Get("k"), (Rec{"c2", 30, std::nullopt}));
  EXPECT_EQ(store_->Get("k", 29), (Rec{"b2", 20, 30}));
}

TEST_P(VersionedStoreTest, TombstonesEndVersionsAndBoundOutOfOrderPuts) {
  store_->Put("k", "a", 10);
  EXPECT_EQ(store_->Delete("k", 20), (Rec{"a", 10, std::nullopt}));
  EXPECT_EQ(store_->Get("k"), std::nullopt);
  EXPECT_EQ(store_->Get("k", 15), (Rec{"a", 10, 20}));
  EXPECT_EQ(store_->Get("k", 25), std::nullopt);
  EXPECT_EQ(store_->Put("k", "b", 30), kLatest);
  EXPECT_EQ(store_->Get("k", 25), std::nullopt);
  EXPECT_EQ(store_->Get("k", 30), (Rec{"b", 30, std::nullopt}));
  // Falls into a@10's validity, which the tombstone at 20 ends.
  EXPECT_EQ(store_->Put("k", "z", 15), 20);
  EXPECT_EQ(store_->Get("k", 17), (Rec{"z", 15, 20}));
  EXPECT_EQ(store_->Get("k", 22), std::nullopt);
  // A key whose only version is a tombstone: an older put ends at it.
  EXPECT_EQ(store_->Delete("k2", 50), std::nullopt);
  EXPECT_EQ(store_->Put("k2", "p", 40), 50);
  EXPECT_EQ(store_->Get("k2", 45), (Rec{"p", 40, 50}));
  EXPECT_EQ(store_->Get("k2", 55), std::nullopt);
  EXPECT_EQ(store_->Get("k2"), std::nullopt);
}

TEST_P(VersionedStoreTest, HistoryRetentionBoundsReadsAndWrites) {
  store_->Put("k", "a", 100);
  store_->Put("old", "v", 150);
  store_->Put("k", "b", 200);
  store_->Put("k", "c", 300);  // observed stream time 300: history from 200 on
  EXPECT_EQ(store_->Get("k", 199), std::nullopt);
  EXPECT_EQ(store_->Get("k", 200), (Rec{"b", 200, 300}));
  EXPECT_EQ(store_->Put("k", "late", 199), kNotPut);
  EXPECT_EQ(store_->Get("k", 250), (Rec{"b", 200, 300}));
  // The latest version is kept however old it is.
  store_->Put("k", "d", 1000);
  EXPECT_EQ(store_->Get("old"), (Rec{"v", 150, std::nullopt}));
  EXPECT_EQ(store_->Get("old", 950), (Rec{"v", 150, std::nullopt}));
  EXPECT_EQ(store_->Get("k", 899), std::nullopt);
}

TEST_P(VersionedStoreTest, LogsEveryKeptWriteWithItsTimestamp) {
  KSTREAMS_ASSERT_OK(store_->Close());
  store_ = Open(std::chrono::milliseconds(100), /*logging=*/true);
  store_->Put("k", "a", 10);
  store_->Put("k", "b", 300);
  store_->Put("k", "too-old", 100);  // 100 < 300 - 100: not kept, not logged
  store_->Delete("k", 310);
  using testing::LoggedChange;
  const std::vector<LoggedChange> expected = {
      {"k", "a", 10}, {"k", "b", 300}, {"k", std::nullopt, 310}};
  EXPECT_EQ(context_.changelog("v"), expected);

  // Replaying the changelog into a fresh store gives the same versions.
  testing::TestStoreContext other;
  auto bytes = Stores::InMemoryVersionedKeyValueStore("v", std::chrono::milliseconds(100))
                   ->GetVersioned();
  KSTREAMS_ASSERT_OK(bytes->Init(other));
  std::vector<ChangelogRecord> records;
  for (const LoggedChange& c : context_.changelog("v")) {
    ChangelogRecord r;
    r.key = c.key;
    if (c.value) r.value = *c.value;
    r.timestamp = c.timestamp;
    records.push_back(r);
  }
  KSTREAMS_ASSERT_OK(bytes->RestoreBatch(records));
  auto latest = bytes->Get("k");
  KSTREAMS_ASSERT_OK(latest);
  EXPECT_FALSE(latest->has_value());
  auto at = bytes->GetAsOf("k", 305);
  KSTREAMS_ASSERT_OK(at);
  ASSERT_TRUE(at->has_value());
  EXPECT_EQ((*at)->value, "b");
  EXPECT_EQ((*at)->timestamp, 300);
  EXPECT_EQ((*at)->valid_to, 310);
  KSTREAMS_EXPECT_OK(bytes->Close());
}

INSTANTIATE_TEST_SUITE_P(Flavours, VersionedStoreTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "RocksDB" : "InMemory"; });

TEST(VersionedStorePersistence, ObservedStreamTimeSurvivesReopen) {
  testing::TestStoreContext context;
  auto supplier = Stores::PersistentVersionedKeyValueStore("v", std::chrono::milliseconds(100));
  auto builder = Stores::VersionedKeyValueStoreBuilder<std::string, std::string>(
      supplier, serdes::String(), serdes::String());
  builder.WithLoggingDisabled();
  {
    auto store = builder.Build();
    KSTREAMS_ASSERT_OK(store->Init(context));
    store->Put("k", "a", 100);
    store->Put("k", "b", 300);
    KSTREAMS_ASSERT_OK(store->Close());
  }
  auto store = builder.Build();
  KSTREAMS_ASSERT_OK(store->Init(context));
  EXPECT_EQ(store->Put("k", "late", 150), kNotPut);
  EXPECT_EQ(store->Get("k", 250), (Rec{"a", 100, 300}));
  KSTREAMS_ASSERT_OK(store->Close());
}

TEST(VersionedStorePurge, ExpiredHistoryIsRemovedFromTheInnerStore) {
  testing::TestStoreContext context;
  auto inner = internal::NewInMemoryKeyValueBytesStore("v");
  internal::KeyValueBytesStore* raw = inner.get();
  auto store = internal::NewVersionedBytesStore(std::move(inner), 100);
  KSTREAMS_ASSERT_OK(store->Init(context));
  KSTREAMS_ASSERT_OK(store->Put("k", std::string_view("a"), 100));
  KSTREAMS_ASSERT_OK(store->Put("k", std::string_view("b"), 200));
  KSTREAMS_ASSERT_OK(store->Put("k", std::string_view("c"), 300));
  // latest c; history a (valid to 200) and b (to 300), each with an index entry.
  EXPECT_EQ(raw->ApproximateNumEntries(), 5u);
  KSTREAMS_ASSERT_OK(store->Put("k", std::string_view("d"), 350));
  // c joins the history; a (valid to 200 < 350 - 100) is purged.
  EXPECT_EQ(raw->ApproximateNumEntries(), 5u);
  KSTREAMS_ASSERT_OK(store->Put("k", std::string_view("e"), 1000));
  // Threshold 900: b and c are purged; d (valid to 1000) stays.
  EXPECT_EQ(raw->ApproximateNumEntries(), 3u);
  KSTREAMS_ASSERT_OK(store->Close());
}

}  // namespace
}  // namespace kstreams
