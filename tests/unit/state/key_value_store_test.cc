// One suite for every key-value store flavour: RocksDB and in-memory, each
// with and without the caching layer (all with change-logging), through the
// typed KeyValueStore<K, V> API that processors use.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/state/stores.h"
#include "unit/state/test_store_context.h"

namespace kstreams {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;
using KV = std::vector<std::pair<std::string, std::string>>;

struct Flavour {
  bool persistent;
  bool caching;
  std::string name;
};

class KeyValueStoreTest : public ::testing::TestWithParam<Flavour> {
 protected:
  void SetUp() override { Open(); }
  void TearDown() override {
    if (store_) KSTREAMS_EXPECT_OK(store_->Close());
  }

  void Open() {
    auto supplier = GetParam().persistent ? Stores::PersistentKeyValueStore("store")
                                          : Stores::InMemoryKeyValueStore("store");
    auto builder = Stores::KeyValueStoreBuilder<std::string, std::string>(
        supplier, serdes::String(), serdes::String());
    if (GetParam().caching) builder.WithCachingEnabled();
    store_ = builder.Build();
    KSTREAMS_ASSERT_OK(store_->Init(context_));
  }

  testing::TestStoreContext context_;
  std::unique_ptr<KeyValueStore<std::string, std::string>> store_;
};

TEST_P(KeyValueStoreTest, PutThenGetReturnsLatestValue) {
  EXPECT_EQ(store_->Get("a"), std::nullopt);
  store_->Put("a", "1");
  store_->Put("a", "2");
  store_->Put("b", "3");
  EXPECT_EQ(store_->Get("a"), "2");
  EXPECT_EQ(store_->Get("b"), "3");
  EXPECT_EQ(store_->Get("c"), std::nullopt);
}

TEST_P(KeyValueStoreTest, DeleteReturnsOldValueAndRemovesKey) {
  store_->Put("a", "1");
  EXPECT_EQ(store_->Delete("a"), "1");
  EXPECT_EQ(store_->Get("a"), std::nullopt);
  EXPECT_EQ(store_->Delete("a"), std::nullopt);
  EXPECT_EQ(store_->Delete("never"), std::nullopt);
}

TEST_P(KeyValueStoreTest, PutIfAbsentWritesOnlyWhenAbsent) {
  EXPECT_EQ(store_->PutIfAbsent("a", "1"), std::nullopt);
  EXPECT_EQ(store_->PutIfAbsent("a", "2"), "1");
  EXPECT_EQ(store_->Get("a"), "1");
}

TEST_P(KeyValueStoreTest, PutAllWritesEveryEntry) {
  store_->PutAll({{"x", "1"}, {"y", "2"}, {"x", "3"}});
  EXPECT_EQ(store_->Get("x"), "3");
  EXPECT_EQ(store_->Get("y"), "2");
}

TEST_P(KeyValueStoreTest, RangesAreInclusiveAndOrdered) {
  for (std::string k : {"d", "a", "c", "e", "b"}) store_->Put(k, k + k);
  EXPECT_EQ(store_->Range("b", "d").ToVector(), (KV{{"b", "bb"}, {"c", "cc"}, {"d", "dd"}}));
  EXPECT_EQ(store_->ReverseRange("b", "d").ToVector(),
            (KV{{"d", "dd"}, {"c", "cc"}, {"b", "bb"}}));
  EXPECT_EQ(store_->Range("bb", "cc").ToVector(), (KV{{"c", "cc"}}));
  EXPECT_EQ(store_->Range(std::nullopt, "b").ToVector(), (KV{{"a", "aa"}, {"b", "bb"}}));
  EXPECT_EQ(store_->Range("d", std::nullopt).ToVector(), (KV{{"d", "dd"}, {"e", "ee"}}));
  EXPECT_EQ(store_->ReverseRange(std::nullopt, "b").ToVector(),
            (KV{{"b", "bb"}, {"a", "aa"}}));
  EXPECT_EQ(store_->ReverseRange("d", std::nullopt).ToVector(),
            (KV{{"e", "ee"}, {"d", "dd"}}));
  EXPECT_TRUE(store_->Range("d", "b").ToVector().empty());
  EXPECT_EQ(store_->All().ToVector(),
            (KV{{"a", "aa"}, {"b", "bb"}, {"c", "cc"}, {"d", "dd"}, {"e", "ee"}}));
  EXPECT_EQ(store_->ReverseAll().ToVector(),
            (KV{{"e", "ee"}, {"d", "dd"}, {"c", "cc"}, {"b", "bb"}, {"a", "aa"}}));
}

TEST_P(KeyValueStoreTest, KeysOrderAsUnsignedBytesLikeJava) {
  // Signed char comparison would put "\x80" (-128) first.
  store_->Put(std::string("\x80"), "high");
  store_->Put(std::string("\x7f"), "low");
  store_->Put(std::string("\xff\x00", 2), "top");
  store_->Put(std::string("\x00", 1), "zero");
  EXPECT_EQ(store_->All().ToVector(), (KV{{std::string("\x00", 1), "zero"},
                                         {"\x7f", "low"},
                                         {"\x80", "high"},
                                         {std::string("\xff\x00", 2), "top"}}));
  EXPECT_EQ(store_->Range(std::string("\x7f"), std::string("\x80")).ToVector(),
            (KV{{"\x7f", "low"}, {"\x80", "high"}}));
}

TEST_P(KeyValueStoreTest, PrefixScanReturnsKeysWithPrefix) {
  for (std::string k : {"ab", "a", "abc", "abd", "b", "ac", "ab\xff"}) store_->Put(k, k);
  auto it = store_->PrefixScan<std::string>("ab", *serdes::String());
  EXPECT_EQ(it.ToVector(),
            (KV{{"ab", "ab"}, {"abc", "abc"}, {"abd", "abd"}, {"ab\xff", "ab\xff"}}));
  EXPECT_TRUE(store_->PrefixScanBytes("zz").ToVector().empty());
}

TEST_P(KeyValueStoreTest, IteratorSurvivesDeletesWhileIterating) {
  for (std::string k : {"a", "b", "c", "d"}) store_->Put(k, k);
  std::vector<std::string> seen;
  for (auto it = store_->All(); it.Valid(); it.Next()) {
    seen.push_back(it.key());
    store_->Delete(it.key());  // the current key
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_TRUE(store_->All().ToVector().empty());
}

TEST_P(KeyValueStoreTest, IteratorKeepsValuesUntilNext) {
  store_->Put("a", "1");
  store_->Put("b", "2");
  auto it = store_->All();
  ASSERT_TRUE(it.Valid());
  const std::string& key = it.key();
  const std::string& value = it.value();
  store_->Put("a", "changed");
  EXPECT_EQ(key, "a");
  EXPECT_EQ(value, "1");
  it.Next();
  ASSERT_TRUE(it.Valid());
  EXPECT_EQ(it.key(), "b");
  it.Next();
  EXPECT_FALSE(it.Valid());
  KSTREAMS_EXPECT_OK(it.status());
}

TEST_P(KeyValueStoreTest, ApproximateNumEntriesCountsKeys) {
  for (int i = 0; i < 100; ++i) store_->Put("k" + std::to_string(i), "v");
  KSTREAMS_ASSERT_OK(store_->Flush());
  uint64_t n = store_->ApproximateNumEntries();
  if (GetParam().persistent) {
    EXPECT_GE(n, 50u);
    EXPECT_LE(n, 200u);
  } else {
    EXPECT_EQ(n, 100u);
  }
}

TEST_P(KeyValueStoreTest, EveryWriteReachesTheChangelogAfterFlush) {
  context_.set_record_timestamp(5);
  store_->Put("a", "1");
  context_.set_record_timestamp(6);
  store_->Delete("a");
  store_->Put("b", "2");
  KSTREAMS_ASSERT_OK(store_->Flush());
  using testing::LoggedChange;
  if (GetParam().caching) {
    // The cache absorbed a's put: only its latest state (deleted) is logged.
    EXPECT_EQ(context_.changelog("store"),
              (std::vector<LoggedChange>{{"a", std::nullopt, 6}, {"b", "2", 6}}));
  } else {
    EXPECT_EQ(context_.changelog("store"),
              (std::vector<LoggedChange>{{"a", "1", 5}, {"a", std::nullopt, 6}, {"b", "2", 6}}));
  }
}

TEST_P(KeyValueStoreTest, PersistentStoreKeepsDataAcrossCloseAndReopen) {
  store_->Put("a", "1");
  store_->Put("b", "2");
  store_->Delete("b");
  KSTREAMS_ASSERT_OK(store_->Close());
  EXPECT_FALSE(store_->is_open());
  Open();
  if (GetParam().persistent) {
    EXPECT_EQ(store_->All().ToVector(), (KV{{"a", "1"}}));
  } else {
    EXPECT_TRUE(store_->All().ToVector().empty());
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllStores, KeyValueStoreTest,
    ::testing::Values(Flavour{true, false, "RocksDB"}, Flavour{false, false, "InMemory"},
                      Flavour{true, true, "CachedRocksDB"},
                      Flavour{false, true, "CachedInMemory"}),
    [](const ::testing::TestParamInfo<Flavour>& info) { return info.param.name; });

TEST(TimestampedKeyValueStoreTest, StoresValueAfterBigEndianTimestamp) {
  testing::TestStoreContext context;
  auto store = Stores::TimestampedKeyValueStoreBuilder<std::string, std::string>(
                   Stores::InMemoryKeyValueStore("ts"), serdes::String(), serdes::String())
                   .Build();
  KSTREAMS_ASSERT_OK(store->Init(context));
  store->Put("k", ValueAndTimestamp<std::string>::Make("v", 0x0102030405060708));
  store->Delete("gone");
  EXPECT_EQ(store->Get("k"), ValueAndTimestamp<std::string>::Make("v", 0x0102030405060708));
  // The store keeps Java's layout, an 8-byte big-endian timestamp then the
  // value bytes; the changelog gets what Java's
  // ChangeLoggingTimestampedKeyValueBytesStore logs: the plain value, with
  // the value's timestamp as the record's.
  StateStore* base = store.get();
  using TsStore = TimestampedKeyValueStore<std::string, std::string>;
  EXPECT_NE(dynamic_cast<TsStore*>(base), nullptr);
  ASSERT_EQ(context.changelog("ts").size(), 2u);
  EXPECT_EQ(context.changelog("ts")[0], (testing::LoggedChange{"k", "v", 0x0102030405060708}));
  EXPECT_EQ(context.changelog("ts")[1].value, std::nullopt);
  KSTREAMS_EXPECT_OK(store->Close());
}

TEST(TimestampedKeyValueStoreTest, RestoresJavasChangelogLayout) {
  testing::TestStoreContext context;
  auto store = Stores::TimestampedKeyValueStoreBuilder<std::string, std::string>(
                   Stores::InMemoryKeyValueStore("ts"), serdes::String(), serdes::String())
                   .Build();
  KSTREAMS_ASSERT_OK(store->Init(context));
  // A changelog as Kafka Streams writes it: plain values, the timestamp in
  // the record; a tombstone deletes.
  KSTREAMS_ASSERT_OK(context.Restore(
      "ts", {{"a", "1", 7}, {"b", "22", 0x0102030405060708}, {"a", std::nullopt, 9},
             {"c", "", 3}}));
  EXPECT_EQ(store->Get("a"), std::nullopt);
  EXPECT_EQ(store->Get("b"), ValueAndTimestamp<std::string>::Make("22", 0x0102030405060708));
  EXPECT_EQ(store->Get("c"), ValueAndTimestamp<std::string>::Make("", 3));
  KSTREAMS_EXPECT_OK(store->Close());
}

TEST(KeyValueStoreBuilderTest, DefaultsMatchKafkaStreams) {
  auto builder = Stores::KeyValueStoreBuilder<std::string, int64_t>(
      Stores::InMemoryKeyValueStore("s"));
  EXPECT_EQ(builder.name(), "s");
  EXPECT_TRUE(builder.logging_enabled());
  EXPECT_FALSE(builder.caching_enabled());
  builder.WithLoggingDisabled().WithCachingEnabled();
  EXPECT_FALSE(builder.logging_enabled());
  EXPECT_TRUE(builder.caching_enabled());
}

TEST(KeyValueStoreBuilderTest, LoggingDisabledWritesNoChangelog) {
  testing::TestStoreContext context;
  auto store = Stores::KeyValueStoreBuilder<std::string, int64_t>(
                   Stores::InMemoryKeyValueStore("s"))
                   .WithLoggingDisabled()
                   .Build();
  KSTREAMS_ASSERT_OK(store->Init(context));
  store->Put("a", 1);
  EXPECT_EQ(store->Get("a"), 1);
  EXPECT_TRUE(context.changelog("s").empty());
  KSTREAMS_EXPECT_OK(store->Close());
}

}  // namespace
}  // namespace kstreams
