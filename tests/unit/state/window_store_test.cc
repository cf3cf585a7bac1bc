// One suite for every window store flavour: RocksDB and in-memory, each with
// and without the caching layer (all with change-logging), through the typed
// WindowStore<K, V> API. Expected orders and byte layouts are Kafka Streams'
// (WindowKeySchema, segments of max(retention / 2, 60 s)), worked out by hand.
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/processor/topology.h"
#include "kstreams/state/stores.h"
#include "unit/state/test_store_context.h"

namespace kstreams {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using std::chrono::milliseconds;
using W = Windowed<std::string>;

// Retention 2 min -> segments of 60 s; windows of 10 s.
constexpr milliseconds kRetention{120'000};
constexpr milliseconds kSize{10'000};

struct Flavour {
  bool persistent;
  bool caching;
  std::string name;
};

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

W At(std::string key, int64_t start) { return W{std::move(key), Window(start, start + 10'000)}; }

class WindowStoreTest : public ::testing::TestWithParam<Flavour> {
 protected:
  void SetUp() override { store_ = Open("store", context_); }
  void TearDown() override {
    if (store_) KSTREAMS_EXPECT_OK(store_->Close());
  }

  WindowBytesStoreSupplierPtr Supplier(const std::string& name, bool duplicates = false) {
    return GetParam().persistent
               ? Stores::PersistentWindowStore(name, kRetention, kSize, duplicates)
               : Stores::InMemoryWindowStore(name, kRetention, kSize, duplicates);
  }
  std::unique_ptr<WindowStore<std::string, std::string>> Open(
      const std::string& name, testing::TestStoreContext& context, bool duplicates = false) {
    auto builder = Stores::WindowStoreBuilder<std::string, std::string>(
        Supplier(name, duplicates), serdes::String(), serdes::String());
    if (GetParam().caching) builder.WithCachingEnabled();
    auto store = builder.Build();
    EXPECT_TRUE(store->Init(context).ok());
    return store;
  }
  std::vector<std::pair<int64_t, std::string>> FetchKey(const std::string& key, int64_t from,
                                                        int64_t to, bool backward = false) {
    return backward ? store_->BackwardFetch(key, from, to).ToVector()
                    : store_->Fetch(key, from, to).ToVector();
  }

  testing::TestStoreContext context_;
  std::unique_ptr<WindowStore<std::string, std::string>> store_;
};

TEST_P(WindowStoreTest, FetchReturnsTheValueOfOneWindow) {
  store_->Put("a", "1", 0);
  store_->Put("a", "2", 10'000);
  store_->Put("a", "3", 0);  // overwrites
  EXPECT_EQ(store_->Fetch("a", 0), "3");
  EXPECT_EQ(store_->Fetch("a", 10'000), "2");
  EXPECT_EQ(store_->Fetch("a", 5'000), std::nullopt);
  EXPECT_EQ(store_->Fetch("b", 0), std::nullopt);
  EXPECT_EQ(store_->window_size(), 10'000);
  EXPECT_EQ(store_->retention_period(), 120'000);
}

TEST_P(WindowStoreTest, TimeRangesAreInclusiveAtBothEnds) {
  for (int64_t start : {0, 10'000, 20'000, 30'000}) store_->Put("a", "v" + std::to_string(start), start);
  EXPECT_THAT(FetchKey("a", 10'000, 20'000),
              ElementsAre(Pair(10'000, "v10000"), Pair(20'000, "v20000")));
  EXPECT_THAT(FetchKey("a", 10'001, 19'999), IsEmpty());
  EXPECT_THAT(FetchKey("a", 0, 0), ElementsAre(Pair(0, "v0")));
  EXPECT_THAT(FetchKey("a", 20'000, 10'000), IsEmpty());  // from > to
}

TEST_P(WindowStoreTest, BackwardFetchReturnsNewestFirst) {
  for (int64_t start : {0, 10'000, 20'000}) store_->Put("a", std::to_string(start), start);
  EXPECT_THAT(FetchKey("a", 0, 20'000, /*backward=*/true),
              ElementsAre(Pair(20'000, "20000"), Pair(10'000, "10000"), Pair(0, "0")));
}

TEST_P(WindowStoreTest, FetchOfOneKeyIgnoresKeysThatExtendIt) {
  // "a\0" store keys sort between "a" store keys of different starts.
  store_->Put("a", "a0", 0);
  store_->Put(std::string("a\0", 2), "a-nul", 0);
  store_->Put("ab", "ab", 5'000);
  store_->Put("a", "a10", 10'000);
  EXPECT_THAT(FetchKey("a", 0, 10'000), ElementsAre(Pair(0, "a0"), Pair(10'000, "a10")));
}

TEST_P(WindowStoreTest, KeyRangesAreInclusiveAndOrderedByKeyThenStart) {
  for (std::string key : {"c", "a", "b", "d"}) {
    store_->Put(key, key + "10", 10'000);
    store_->Put(key, key + "0", 0);
  }
  // One segment (starts 0 and 10 s): by key, then start.
  EXPECT_THAT(store_->Fetch(std::string("b"), std::string("c"), 0, 10'000).ToVector(),
              ElementsAre(Pair(At("b", 0), "b0"), Pair(At("b", 10'000), "b10"),
                          Pair(At("c", 0), "c0"), Pair(At("c", 10'000), "c10")));
  EXPECT_THAT(store_->Fetch(std::nullopt, std::string("a"), 10'000, 10'000).ToVector(),
              ElementsAre(Pair(At("a", 10'000), "a10")));
  EXPECT_THAT(store_->Fetch(std::string("d"), std::nullopt, 0, 0).ToVector(),
              ElementsAre(Pair(At("d", 0), "d0")));
  EXPECT_THAT(store_->BackwardFetch(std::string("a"), std::string("b"), 0, 10'000).ToVector(),
              ElementsAre(Pair(At("b", 10'000), "b10"), Pair(At("b", 0), "b0"),
                          Pair(At("a", 10'000), "a10"), Pair(At("a", 0), "a0")));
  EXPECT_THAT(store_->Fetch(std::string("c"), std::string("b"), 0, 10'000).ToVector(), IsEmpty());
}

TEST_P(WindowStoreTest, MultiKeyResultsGoSegmentBySegment) {
  // Segments of 60 s: "b"@0 is in segment 0, "a"@60 s in segment 1.
  store_->Put("a", "a60", 60'000);
  store_->Put("b", "b0", 0);
  store_->Put("a", "a0", 0);
  EXPECT_THAT(store_->All().ToVector(),
              ElementsAre(Pair(At("a", 0), "a0"), Pair(At("b", 0), "b0"),
                          Pair(At("a", 60'000), "a60")));
  EXPECT_THAT(store_->BackwardAll().ToVector(),
              ElementsAre(Pair(At("a", 60'000), "a60"), Pair(At("b", 0), "b0"),
                          Pair(At("a", 0), "a0")));
  EXPECT_THAT(store_->FetchAll(0, 59'999).ToVector(),
              ElementsAre(Pair(At("a", 0), "a0"), Pair(At("b", 0), "b0")));
  EXPECT_THAT(store_->BackwardFetchAll(0, 60'000).ToVector(),
              ElementsAre(Pair(At("a", 60'000), "a60"), Pair(At("b", 0), "b0"),
                          Pair(At("a", 0), "a0")));
}

TEST_P(WindowStoreTest, RetentionHidesWindowsAtOrBeforeNewestStartMinusRetention) {
  store_->Put("a", "old", 0);
  store_->Put("a", "edge", 1);
  store_->Put("b", "new", 120'000);  // observed 120 s: starts <= 0 are gone
  EXPECT_EQ(store_->Fetch("a", 0), std::nullopt);
  EXPECT_EQ(store_->Fetch("a", 1), "edge");
  EXPECT_THAT(store_->All().ToVector(),
              ElementsAre(Pair(At("a", 1), "edge"), Pair(At("b", 120'000), "new")));
  store_->Put("c", "late", 0);  // a write to an expired window is dropped
  EXPECT_EQ(store_->Fetch("c", 0), std::nullopt);
  store_->Put("b", "newer", 300'000);  // segments 0..2 wholly expire
  EXPECT_THAT(store_->All().ToVector(), ElementsAre(Pair(At("b", 300'000), "newer")));
}

TEST_P(WindowStoreTest, IteratorsOutliveADroppedSegment) {
  store_->Put("a", "0", 0);
  store_->Put("a", "10", 10'000);
  WindowStoreIterator<std::string> it = store_->Fetch("a", 0, 10'000);
  store_->Put("b", "far", 500'000);  // drops the segment `it` reads
  EXPECT_THAT(it.ToVector(), ElementsAre(Pair(0, "0"), Pair(10'000, "10")));
  EXPECT_THAT(FetchKey("a", 0, 10'000), IsEmpty());
}

TEST_P(WindowStoreTest, ClosingReleasesLiveIterators) {
  store_->Put("a", "0", 0);
  KSTREAMS_ASSERT_OK(store_->Flush());  // beneath the cache, where closing applies
  WindowStoreIterator<std::string> it = store_->Fetch("a", 0, 10'000);
  ASSERT_TRUE(it.Valid());
  KSTREAMS_ASSERT_OK(store_->Close());
  // (A cached flavour still shows its snapshot of cached entries.)
  if (!GetParam().caching) {
    EXPECT_FALSE(it.Valid());
  }
  EXPECT_EQ(it.status().code(), absl::StatusCode::kFailedPrecondition);
  store_.reset();
}

TEST_P(WindowStoreTest, NullValueDeletesAWindow) {
  auto builder = Stores::WindowStoreBuilder<std::string, std::optional<std::string>>(
      Supplier("nullable"));
  if (GetParam().caching) builder.WithCachingEnabled();
  auto store = builder.Build();
  KSTREAMS_ASSERT_OK(store->Init(context_));
  store->Put("a", std::string("1"), 0);
  store->Put("a", std::nullopt, 0);
  EXPECT_EQ(store->Fetch("a", 0), std::nullopt);
  EXPECT_THAT(store->All().ToVector(), IsEmpty());
  KSTREAMS_ASSERT_OK(store->Close());
  // The delete is a tombstone in the changelog.
  const auto& log = context_.changelog("nullable");
  ASSERT_EQ(log.size(), GetParam().caching ? 1u : 2u);
  EXPECT_EQ(log.back().value, std::nullopt);
}

TEST_P(WindowStoreTest, ChangelogRecordsUseJavasStoreKeyLayout) {
  context_.set_record_timestamp(42);
  store_->Put("a", "v", 5);
  KSTREAMS_ASSERT_OK(store_->Flush());
  // [key "a"][start 5, 8 bytes big-endian][seqnum 0, 4 bytes]
  EXPECT_THAT(context_.changelog("store"),
              ElementsAre(testing::LoggedChange{
                  Bytes({'a', 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0}), "v", 42}));
}

TEST_P(WindowStoreTest, TimestampedStoreKeepsTimestampAndStampsTheChangelog) {
  auto builder = Stores::TimestampedWindowStoreBuilder<std::string, std::string>(
      Supplier("ts"), serdes::String(), serdes::String());
  if (GetParam().caching) builder.WithCachingEnabled();
  auto store = builder.Build();
  KSTREAMS_ASSERT_OK(store->Init(context_));
  store->Put("a", ValueAndTimestamp<std::string>::Make("x", 258), 0);
  EXPECT_EQ(store->Fetch("a", 0), ValueAndTimestamp<std::string>::Make("x", 258));
  KSTREAMS_ASSERT_OK(store->Close());
  // Java's ChangeLoggingTimestampedWindowBytesStore: the plain value "x",
  // the value's timestamp 258 as the record's.
  EXPECT_THAT(context_.changelog("ts"),
              ElementsAre(testing::LoggedChange{Bytes({'a', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}),
                                                "x", 258}));
}

TEST_P(WindowStoreTest, TimestampedStoreRestoresJavasChangelogLayout) {
  auto builder = Stores::TimestampedWindowStoreBuilder<std::string, std::string>(
      Supplier("ts"), serdes::String(), serdes::String());
  if (GetParam().caching) builder.WithCachingEnabled();
  auto store = builder.Build();
  KSTREAMS_ASSERT_OK(store->Init(context_));
  // Key "a", window start 5, seqnum 0; value "x" stamped 258, as Kafka
  // Streams logs a timestamped window store.
  KSTREAMS_ASSERT_OK(context_.Restore(
      "ts", {{Bytes({'a', 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0}), "x", 258}}));
  EXPECT_EQ(store->Fetch("a", 5), ValueAndTimestamp<std::string>::Make("x", 258));
  KSTREAMS_ASSERT_OK(store->Close());
}

TEST_P(WindowStoreTest, RetainedDuplicatesKeepEveryPutInOrder) {
  auto dups = Open("dups", context_, /*duplicates=*/true);
  dups->Put("a", "1", 0);
  dups->Put("a", "2", 0);
  dups->Put("b", "x", 0);
  dups->Put("a", "3", 0);
  EXPECT_THAT(dups->Fetch("a", 0, 0).ToVector(),
              ElementsAre(Pair(0, "1"), Pair(0, "2"), Pair(0, "3")));
  EXPECT_EQ(dups->Fetch("a", 0), "1");
  KSTREAMS_ASSERT_OK(dups->Close());
  // Seqnums 1, 2, 3, 4 in the store keys (caching is never used with duplicates).
  const auto& log = context_.changelog("dups");
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[0].key, Bytes({'a', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
  EXPECT_EQ(log[2].key, Bytes({'b', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3}));
  EXPECT_EQ(log[3].key, Bytes({'a', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4}));
}

TEST_P(WindowStoreTest, RestoresFromItsChangelog) {
  store_->Put("a", "1", 0);
  store_->Put("a", "2", 10'000);
  store_->Put("b", "3", 60'000);
  store_->Put("a", "1b", 0);
  KSTREAMS_ASSERT_OK(store_->Flush());
  std::vector<testing::LoggedChange> log = context_.changelog("store");

  testing::TestStoreContext fresh;
  auto restored = Open("store", fresh);
  KSTREAMS_ASSERT_OK(fresh.Restore("store", log));
  EXPECT_THAT(restored->All().ToVector(),
              ElementsAre(Pair(At("a", 0), "1b"), Pair(At("a", 10'000), "2"),
                          Pair(At("b", 60'000), "3")));
  // Restoring moves the observed time on and drops what it makes expired,
  // as writing does: "y"@200 s leaves only starts > 80 s.
  KSTREAMS_ASSERT_OK(fresh.Restore(
      "store", {{Bytes({'y', 0, 0, 0, 0, 0, 0x03, 0x0d, 0x40, 0, 0, 0, 0}), "far", 0},
                {Bytes({'z', 0, 0, 0, 0, 0, 0, 0xc3, 0x50, 0, 0, 0, 0}), "late", 0}}));
  EXPECT_EQ(restored->Fetch("y", 200'000), "far");
  EXPECT_EQ(restored->Fetch("z", 50'000), std::nullopt);
  EXPECT_EQ(restored->Fetch("b", 60'000), std::nullopt);
  KSTREAMS_ASSERT_OK(restored->Close());
}

// RocksDB flavours only (in-memory stores restore from the changelog).
class PersistentWindowStoreTest : public WindowStoreTest {};
// Caching flavours only.
class CachedWindowStoreTest : public WindowStoreTest {};

TEST_P(PersistentWindowStoreTest, KeepsItsSegmentsAcrossReopening) {
  store_->Put("a", "1", 0);
  store_->Put("b", "2", 60'000);
  KSTREAMS_ASSERT_OK(store_->Close());
  store_.reset();
  auto reopened = Open("store", context_);
  EXPECT_THAT(reopened->All().ToVector(),
              ElementsAre(Pair(At("a", 0), "1"), Pair(At("b", 60'000), "2")));
  KSTREAMS_ASSERT_OK(reopened->Close());
}

TEST_P(CachedWindowStoreTest, MergesItsEntriesWithTheStoreAndFlushesInLastUpdateOrder) {
  std::vector<std::pair<W, std::optional<std::string>>> flushed;
  auto* cached = dynamic_cast<internal::CachedStateStore<W, std::string>*>(store_.get());
  ASSERT_NE(cached, nullptr);
  ASSERT_TRUE(cached->SetFlushListener(
      [&](const W& key, std::optional<std::string> new_value, std::optional<std::string>,
          int64_t) { flushed.emplace_back(key, std::move(new_value)); },
      false));
  store_->Put("b", "b1", 0);
  store_->Put("a", "a1", 10'000);
  store_->Put("b", "b2", 0);  // absorbed, and now updated after "a"
  EXPECT_THAT(context_.changelog("store"), IsEmpty());
  KSTREAMS_ASSERT_OK(store_->FlushCache());
  EXPECT_THAT(flushed, ElementsAre(Pair(At("a", 10'000), "a1"), Pair(At("b", 0), "b2")));
  EXPECT_EQ(context_.changelog("store").size(), 2u);
  // Now "a"@10 s is beneath; a cached update and a new cached window merge in order.
  store_->Put("a", "a2", 10'000);
  store_->Put("a", "a0", 0);
  EXPECT_THAT(FetchKey("a", 0, 10'000), ElementsAre(Pair(0, "a0"), Pair(10'000, "a2")));
  EXPECT_THAT(store_->All().ToVector(),
              ElementsAre(Pair(At("a", 0), "a0"), Pair(At("a", 10'000), "a2"),
                          Pair(At("b", 0), "b2")));
  cached->SetFlushListener(nullptr, false);  // `flushed` goes before the store closes
}

TEST_P(CachedWindowStoreTest, EvictionFlushesDirtyEntriesFirst) {
  // Room for about two entries (13-byte keys, 2-byte values, 64 bytes each).
  testing::TestStoreContext small(2 * (13 + 2 + 64) + 10);
  auto store = Open("small", small);
  store->Put("a", "a1", 0);
  store->Put("b", "b1", 0);
  EXPECT_THAT(small.changelog("small"), IsEmpty());
  store->Put("c", "c1", 0);  // over budget: flush a, b, c, then evict "a"
  ASSERT_EQ(small.changelog("small").size(), 3u);
  EXPECT_EQ(small.changelog("small")[0].value, "a1");
  EXPECT_EQ(small.changelog("small")[2].value, "c1");
  EXPECT_EQ(store->Fetch("a", 0), "a1");  // from the store beneath
  KSTREAMS_ASSERT_OK(store->Close());
}

std::string FlavourName(const ::testing::TestParamInfo<Flavour>& info) { return info.param.name; }
INSTANTIATE_TEST_SUITE_P(Flavours, WindowStoreTest,
                         ::testing::Values(Flavour{true, false, "RocksDB"},
                                           Flavour{true, true, "RocksDBCached"},
                                           Flavour{false, false, "InMemory"},
                                           Flavour{false, true, "InMemoryCached"}),
                         FlavourName);
INSTANTIATE_TEST_SUITE_P(Flavours, PersistentWindowStoreTest,
                         ::testing::Values(Flavour{true, false, "RocksDB"},
                                           Flavour{true, true, "RocksDBCached"}),
                         FlavourName);
INSTANTIATE_TEST_SUITE_P(Flavours, CachedWindowStoreTest,
                         ::testing::Values(Flavour{true, true, "RocksDBCached"},
                                           Flavour{false, true, "InMemoryCached"}),
                         FlavourName);

TEST(WindowStoreSuppliers, InvalidArgumentsAreReportedByTheTopology) {
  auto too_small = Stores::PersistentWindowStore("w", milliseconds(10), milliseconds(20), false);
  EXPECT_THAT(std::string(too_small->status().message()),
              ::testing::HasSubstr("retention period of the window store 'w' must be no "
                                   "smaller than its window size; got size=[20], retention=[10]"));
  EXPECT_FALSE(Stores::InMemoryWindowStore("w", milliseconds(-1), milliseconds(0), false)
                   ->status()
                   .ok());
  EXPECT_FALSE(Stores::PersistentSessionStore("", milliseconds(1))->status().ok());
  Topology topology;
  topology.AddStateStore(Stores::WindowStoreBuilder<std::string, std::string>(too_small));
  EXPECT_EQ(topology.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(WindowStoreSuppliers, SegmentIntervalAndChangelogConfigAsJava) {
  auto small = Stores::PersistentWindowStore("w", milliseconds(1000), milliseconds(10), false);
  EXPECT_EQ(small->segment_interval(), 60'000);  // max(retention / 2, 60 s)
  auto large = Stores::InMemoryWindowStore("w", std::chrono::hours(2), milliseconds(10), false);
  EXPECT_EQ(large->segment_interval(), 3'600'000);
  auto builder = Stores::WindowStoreBuilder<std::string, std::string>(small);
  EXPECT_TRUE(builder.logging_enabled());
  EXPECT_FALSE(builder.caching_enabled());
  EXPECT_THAT(builder.log_config(),
              ElementsAre(Pair("cleanup.policy", "compact,delete"),
                          Pair("retention.ms", "86401000")));
  builder.WithLoggingEnabled({{"retention.ms", "5"}});
  EXPECT_THAT(builder.log_config(),
              ElementsAre(Pair("cleanup.policy", "compact,delete"), Pair("retention.ms", "5")));
}

}  // namespace
}  // namespace kstreams
