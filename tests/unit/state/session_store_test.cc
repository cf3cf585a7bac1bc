// One suite for every session store flavour: RocksDB and in-memory, each with
// and without the caching layer (all with change-logging), through the typed
// SessionStore<K, AGG> API. Semantics and layouts are Kafka Streams'
// (SessionKeySchema: [key][end][start], segments by session end), worked
// out by hand.
#include <chrono>
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
using ::testing::IsEmpty;
using ::testing::Pair;
using std::chrono::milliseconds;
using W = Windowed<std::string>;

struct Flavour {
  bool persistent;
  bool caching;
  std::string name;
};

W S(std::string key, int64_t start, int64_t end) { return W{std::move(key), Window(start, end)}; }

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

class SessionStoreTest : public ::testing::TestWithParam<Flavour> {
 protected:
  void SetUp() override { store_ = Open(context_); }
  void TearDown() override {
    if (store_) KSTREAMS_EXPECT_OK(store_->Close());
  }
  // Retention 2 min -> segments of 60 s of session ends.
  std::unique_ptr<SessionStore<std::string, int64_t>> Open(testing::TestStoreContext& context) {
    auto supplier = GetParam().persistent
                        ? Stores::PersistentSessionStore("sessions", milliseconds(120'000))
                        : Stores::InMemorySessionStore("sessions", milliseconds(120'000));
    auto builder = Stores::SessionStoreBuilder<std::string, int64_t>(supplier);
    if (GetParam().caching) builder.WithCachingEnabled();
    auto store = builder.Build();
    EXPECT_TRUE(store->Init(context).ok());
    return store;
  }

  testing::TestStoreContext context_;
  std::unique_ptr<SessionStore<std::string, int64_t>> store_;
};

TEST_P(SessionStoreTest, FindSessionsSelectsByEndAndStartInclusively) {
  store_->Put(S("a", 0, 5), 1);
  store_->Put(S("a", 10, 20), 2);
  store_->Put(S("a", 30, 40), 3);
  store_->Put(S("b", 10, 20), 9);
  // end >= 6 and start <= 29
  EXPECT_THAT(store_->FindSessions("a", 6, 29).ToVector(), ElementsAre(Pair(S("a", 10, 20), 2)));
  // end >= 5 and start <= 30: both ends inclusive
  EXPECT_THAT(store_->FindSessions("a", 5, 30).ToVector(),
              ElementsAre(Pair(S("a", 0, 5), 1), Pair(S("a", 10, 20), 2),
                          Pair(S("a", 30, 40), 3)));
  EXPECT_THAT(store_->BackwardFindSessions("a", 5, 30).ToVector(),
              ElementsAre(Pair(S("a", 30, 40), 3), Pair(S("a", 10, 20), 2),
                          Pair(S("a", 0, 5), 1)));
  EXPECT_THAT(store_->FindSessions("a", 41, 100).ToVector(), IsEmpty());
}

TEST_P(SessionStoreTest, FetchSessionAndRemove) {
  store_->Put(S("a", 10, 20), 2);
  EXPECT_EQ(store_->FetchSession("a", 10, 20), 2);
  EXPECT_EQ(store_->FetchSession("a", 10, 21), std::nullopt);
  store_->Remove(S("a", 10, 20));
  EXPECT_EQ(store_->FetchSession("a", 10, 20), std::nullopt);
  EXPECT_THAT(store_->Fetch("a").ToVector(), IsEmpty());
}

TEST_P(SessionStoreTest, KeyRangesAndWholeKeysInKeyThenEndOrder) {
  store_->Put(S("c", 0, 0), 5);
  store_->Put(S("b", 7, 8), 4);
  store_->Put(S("a", 3, 9), 2);
  store_->Put(S("a", 1, 2), 1);
  store_->Put(S("b", 1, 1), 3);
  EXPECT_THAT(store_->Fetch("a").ToVector(),
              ElementsAre(Pair(S("a", 1, 2), 1), Pair(S("a", 3, 9), 2)));
  EXPECT_THAT(store_->BackwardFetch("b").ToVector(),
              ElementsAre(Pair(S("b", 7, 8), 4), Pair(S("b", 1, 1), 3)));
  EXPECT_THAT(store_->Fetch(std::string("a"), std::string("b")).ToVector(),
              ElementsAre(Pair(S("a", 1, 2), 1), Pair(S("a", 3, 9), 2), Pair(S("b", 1, 1), 3),
                          Pair(S("b", 7, 8), 4)));
  EXPECT_THAT(store_->FindSessions(std::string("b"), std::nullopt, 2, 100).ToVector(),
              ElementsAre(Pair(S("b", 7, 8), 4)));
  EXPECT_THAT(store_->BackwardFindSessions(std::nullopt, std::string("b"), 0, 1).ToVector(),
              ElementsAre(Pair(S("b", 1, 1), 3), Pair(S("a", 1, 2), 1)));
}

TEST_P(SessionStoreTest, FindSessionsByEndTimeCoversEveryKey) {
  store_->Put(S("a", 0, 10), 1);
  store_->Put(S("b", 5, 15), 2);
  store_->Put(S("c", 14, 20), 3);
  EXPECT_THAT(store_->FindSessions(10, 15).ToVector(),
              ElementsAre(Pair(S("a", 0, 10), 1), Pair(S("b", 5, 15), 2)));
}

TEST_P(SessionStoreTest, RetentionIsMeasuredFromTheNewestSessionEnd) {
  store_->Put(S("a", 0, 1000), 1);
  store_->Put(S("a", 1001, 1001), 2);
  store_->Put(S("b", 100'000, 121'000), 3);  // floor: 121000 - 120000 + 1 = 1001
  EXPECT_THAT(store_->Fetch("a").ToVector(), ElementsAre(Pair(S("a", 1001, 1001), 2)));
  EXPECT_EQ(store_->FetchSession("a", 0, 1000), std::nullopt);
  store_->Put(S("c", 0, 500), 4);  // expired: dropped
  EXPECT_THAT(store_->Fetch("c").ToVector(), IsEmpty());
}

TEST_P(SessionStoreTest, ChangelogUsesJavasSessionKeyLayoutAndRestores) {
  context_.set_record_timestamp(7);
  store_->Put(S("k", 1, 258), 5);
  store_->Put(S("k", 300, 300), 6);
  store_->Remove(S("k", 300, 300));
  KSTREAMS_ASSERT_OK(store_->Flush());
  const auto& log = context_.changelog("sessions");
  ASSERT_FALSE(log.empty());
  // [key "k"][end 258, 8 bytes big-endian][start 1, 8 bytes big-endian]
  EXPECT_EQ(log.front(),
            (testing::LoggedChange{
                Bytes({'k', 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 1}),
                Bytes({0, 0, 0, 0, 0, 0, 0, 5}), 7}));

  testing::TestStoreContext fresh;
  auto restored = Open(fresh);
  KSTREAMS_ASSERT_OK(fresh.Restore("sessions", log));
  EXPECT_THAT(restored->Fetch("k").ToVector(), ElementsAre(Pair(S("k", 1, 258), 5)));
  KSTREAMS_ASSERT_OK(restored->Close());
}

// Caching flavours only.
class CachedSessionStoreTest : public SessionStoreTest {};

TEST_P(CachedSessionStoreTest, UpdatesMergeWithTheStoreBeneath) {
  store_->Put(S("a", 0, 5), 1);
  store_->Put(S("a", 10, 12), 2);
  KSTREAMS_ASSERT_OK(store_->FlushCache());
  // A merge, as the session aggregation does it: remove both, put the union.
  store_->Remove(S("a", 0, 5));
  store_->Remove(S("a", 10, 12));
  store_->Put(S("a", 0, 12), 3);
  EXPECT_THAT(store_->FindSessions("a", 0, 100).ToVector(), ElementsAre(Pair(S("a", 0, 12), 3)));
  KSTREAMS_ASSERT_OK(store_->FlushCache());
  EXPECT_THAT(store_->FindSessions("a", 0, 100).ToVector(), ElementsAre(Pair(S("a", 0, 12), 3)));
}

std::string FlavourName(const ::testing::TestParamInfo<Flavour>& info) { return info.param.name; }
INSTANTIATE_TEST_SUITE_P(Flavours, SessionStoreTest,
                         ::testing::Values(Flavour{true, false, "RocksDB"},
                                           Flavour{true, true, "RocksDBCached"},
                                           Flavour{false, false, "InMemory"},
                                           Flavour{false, true, "InMemoryCached"}),
                         FlavourName);
INSTANTIATE_TEST_SUITE_P(Flavours, CachedSessionStoreTest,
                         ::testing::Values(Flavour{true, true, "RocksDBCached"},
                                           Flavour{false, true, "InMemoryCached"}),
                         FlavourName);

}  // namespace
}  // namespace kstreams
