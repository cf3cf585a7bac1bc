// KafkaStreams::Store: local read-only queries over every task's instance of
// a store, while the stream threads run; the errors Java reports as
// InvalidStateStoreException / UnknownStateStoreException.
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integration/runtime/runtime_test_util.h"
#include "kafka/kafka_common.h"
#include "kstreams/kstreams.h"

namespace kstreams {
namespace {

using runtime_test::CountTopology;
using runtime_test::KV;
using runtime_test::RuntimeIT;
using runtime_test::WaitFor;
using State = KafkaStreams::State;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using KeyValueCounts = ReadOnlyKeyValueStore<std::string, int64_t>;
using TimestampedCounts = ReadOnlyKeyValueStore<std::string, ValueAndTimestamp<int64_t>>;

// Key "wN" appears N + 1 times, at increasing timestamps 1000, 1001, ...
std::vector<KV> Input(int keys) {
  std::vector<KV> out;
  for (int k = 0; k < keys; ++k) {
    for (int i = 0; i <= k; ++i) out.emplace_back("w" + std::to_string(k), "x");
  }
  return out;
}

class StoreQueryIT : public runtime_test::BrokerIT {
 protected:
  void SetUp() override {
    RuntimeIT::SetUp();
    KSTREAMS_ASSERT_OK(CreateTopic("words", 3));
    KSTREAMS_ASSERT_OK(CreateTopic("counts-out", 3));
  }
  // Waits until `streams` answers Get("w<k>") with k + 1 for every k <
  // keys (the partitions are processed independently: one key's count says
  // nothing about the others').
  void WaitForCounts(KafkaStreams& streams, int keys) {
    ASSERT_TRUE(WaitFor(
        [&] {
          auto store = streams.Store<KeyValueCounts>("counts");
          if (!store.ok()) return false;
          try {
            for (int k = 0; k < keys; ++k) {
              if ((*store)->Get("w" + std::to_string(k)) != k + 1) return false;
            }
            return true;
          } catch (const StateStoreException&) {
            return false;
          }
        },
        absl::Seconds(30)));
  }
};
KSTREAMS_INSTANTIATE_ON_BOTH_BROKERS(StoreQueryIT);

TEST_P(StoreQueryIT, ReadsEveryTasksInstanceAndDropsOrKeepsTimestamps) {
  std::vector<KV> input = Input(12);  // w0..w11, spread over 3 partitions
  Produce("words", input);
  KafkaStreams streams(CountTopology(), Config("query-app"));
  absl::StatusOr<std::unique_ptr<KeyValueCounts>> early = streams.Store<KeyValueCounts>("counts");
  EXPECT_TRUE(absl::IsFailedPrecondition(early.status())) << early.status();
  EXPECT_THAT(std::string(early.status().message()), HasSubstr("CREATED"));
  KSTREAMS_ASSERT_OK(streams.Start());
  WaitForCounts(streams, 12);
  KSTREAMS_ASSERT_OK_AND_ASSIGN(std::unique_ptr<KeyValueCounts> counts,
                                streams.Store<KeyValueCounts>("counts"));
  for (int k = 0; k < 12; ++k) EXPECT_EQ(counts->Get("w" + std::to_string(k)), k + 1) << k;
  EXPECT_EQ(counts->Get("nope"), std::nullopt);
  // All instances merged in key (byte) order.
  EXPECT_THAT(counts->All().ToVector(),
              ElementsAre(Pair("w0", 1), Pair("w1", 2), Pair("w10", 11), Pair("w11", 12),
                          Pair("w2", 3), Pair("w3", 4), Pair("w4", 5), Pair("w5", 6),
                          Pair("w6", 7), Pair("w7", 8), Pair("w8", 9), Pair("w9", 10)));
  EXPECT_THAT(counts->Range("w10", "w3").ToVector(),
              ElementsAre(Pair("w10", 11), Pair("w11", 12), Pair("w2", 3), Pair("w3", 4)));
  EXPECT_THAT(counts->ReverseRange("w8", std::nullopt).ToVector(),
              ElementsAre(Pair("w9", 10), Pair("w8", 9)));
  EXPECT_THAT(counts->PrefixScan(std::string("w1"), *serdes::String()).ToVector(),
              ElementsAre(Pair("w1", 2), Pair("w10", 11), Pair("w11", 12)));
  EXPECT_EQ(counts->ReverseAll().ToVector().front(), (std::pair<std::string, int64_t>("w9", 10)));
  EXPECT_EQ(counts->store_topic(), "query-app-counts-changelog");

  // One partition's instance only: its keys are those Java's partitioner
  // puts there.
  for (int32_t p = 0; p < 3; ++p) {
    KSTREAMS_ASSERT_OK_AND_ASSIGN(
        auto one, streams.Store<KeyValueCounts>(
                      StoreQueryParameters::FromName("counts").WithPartition(p)));
    for (const auto& [key, n] : one->All().ToVector()) {
      EXPECT_EQ(internal::Murmur2Partition(key, 3), p) << key;
    }
  }

  // The same store with its timestamps: the count's timestamp is that of
  // the key's latest record.
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto stamped, streams.Store<TimestampedCounts>("counts"));
  std::map<std::string, int64_t> latest_ts;
  for (size_t i = 0; i < input.size(); ++i) latest_ts[input[i].first] = 1000 + static_cast<int64_t>(i);
  for (int k = 0; k < 12; ++k) {
    const std::string key = "w" + std::to_string(k);
    EXPECT_EQ(stamped->Get(key), ValueAndTimestamp<int64_t>::Make(k + 1, latest_ts[key])) << key;
  }
  EXPECT_TRUE(streams.Close(absl::Seconds(30)));
  // After close the handle reports the store gone.
  try {
    counts->Get("w1");
    ADD_FAILURE() << "expected a StateStoreException";
  } catch (const StateStoreException& e) {
    EXPECT_TRUE(absl::IsUnavailable(e.status())) << e.status();
  }
  EXPECT_TRUE(absl::IsFailedPrecondition(streams.Store<KeyValueCounts>("counts").status()));
}

TEST_P(StoreQueryIT, UnknownNamesAndWrongTypesAreClearErrors) {
  Produce("words", Input(3));
  KafkaStreams streams(CountTopology(), Config("query-app"));
  KSTREAMS_ASSERT_OK(streams.Start());
  WaitForCounts(streams, 3);
  auto unknown = streams.Store<KeyValueCounts>("no-such-store");
  EXPECT_TRUE(absl::IsNotFound(unknown.status())) << unknown.status();
  EXPECT_THAT(std::string(unknown.status().message()), HasSubstr("'no-such-store'"));
  auto wrong = streams.Store<ReadOnlyKeyValueStore<std::string, std::string>>("counts");
  EXPECT_TRUE(absl::IsInvalidArgument(wrong.status())) << wrong.status();
  EXPECT_THAT(std::string(wrong.status().message()),
              HasSubstr("cannot be queried as ReadOnlyKeyValueStore<"));
  EXPECT_TRUE(streams.Close(absl::Seconds(30)));
}

// Holds the stream thread in OnRestoreStart until released.
class GateListener final : public StateRestoreListener {
 public:
  void OnRestoreStart(const TopicPartition&, const std::string&, int64_t, int64_t) override {
    std::unique_lock<std::mutex> lock(mu_);
    entered_ = true;
    cv_.notify_all();
    cv_.wait(lock, [this] { return open_; });
  }
  bool entered() {
    std::lock_guard<std::mutex> lock(mu_);
    return entered_;
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool entered_ = false, open_ = false;
};

TEST_P(StoreQueryIT, RestoringStoresAreUnavailableUnlessStaleStoresAreAsked) {
  KSTREAMS_ASSERT_OK(CreateTopic("single", 1));
  StreamsBuilder builder;
  builder.Stream<std::string, std::string>("single")
      .GroupByKey()
      .Count(Materialized<std::string, int64_t>::As("counts"));
  Topology topology = builder.Build();
  Produce("single", Input(2));
  {
    KafkaStreams first(topology, Config("query-app"));
    KSTREAMS_ASSERT_OK(first.Start());
    WaitForCounts(first, 2);
    ASSERT_TRUE(first.Close(absl::Seconds(30)));
  }
  std::filesystem::remove_all(StateDir());  // the restart restores fully
  auto gate = std::make_shared<GateListener>();
  KafkaStreams streams(topology, Config("query-app"));
  streams.SetGlobalStateRestoreListener(gate);
  KSTREAMS_ASSERT_OK(streams.Start());
  ASSERT_TRUE(WaitFor([&] { return gate->entered(); }));
  EXPECT_EQ(streams.state(), State::kRebalancing);
  auto threads = streams.LocalThreadsMetadata();
  ASSERT_EQ(threads.size(), 1u);
  EXPECT_EQ(threads[0].thread_state, "PARTITIONS_ASSIGNED");
  ASSERT_EQ(threads[0].active_tasks.size(), 1u);
  EXPECT_TRUE(threads[0].active_tasks[0].restoring);
  auto restoring = streams.Store<KeyValueCounts>("counts");
  EXPECT_TRUE(absl::IsUnavailable(restoring.status())) << restoring.status();
  EXPECT_THAT(std::string(restoring.status().message()), HasSubstr("restoring"));
  // Stale stores may be read while restoring: not restored yet, so empty.
  KSTREAMS_ASSERT_OK_AND_ASSIGN(
      auto stale,
      streams.Store<KeyValueCounts>(StoreQueryParameters::FromName("counts").EnableStaleStores()));
  EXPECT_EQ(stale->Get("w1"), std::nullopt);
  gate->Open();
  WaitForCounts(streams, 2);
  EXPECT_EQ(stale->Get("w1"), 2);
  EXPECT_TRUE(streams.Close(absl::Seconds(30)));
}

TEST_P(StoreQueryIT, QueriesFromOtherThreadsWhileTheStreamThreadsWrite) {
  KafkaStreams streams(CountTopology(), Config("query-app").Set("num.stream.threads", "2"));
  KSTREAMS_ASSERT_OK(streams.Start());
  ASSERT_TRUE(WaitFor([&] { return streams.state() == State::kRunning; }));
  std::atomic<bool> done{false};
  std::atomic<int64_t> reads{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      while (!done) {
        auto store = streams.Store<KeyValueCounts>("counts");
        if (!store.ok()) continue;
        try {
          // Counts only grow: a reader never sees one go down.
          std::map<std::string, int64_t> seen;
          for (int i = 0; i < 50 && !done; ++i) {
            for (auto& [k, v] : (*store)->All().ToVector()) {
              EXPECT_GE(v, seen[k]) << k;
              seen[k] = v;
            }
            (void)(*store)->Get("w7");
            ++reads;
          }
        } catch (const StateStoreException&) {
        }
      }
    });
  }
  std::vector<KV> input;
  for (int i = 0; i < 3000; ++i) input.emplace_back("w" + std::to_string(i % 8), "x");
  Produce("words", input);
  ASSERT_TRUE(WaitFor(
      [&] {
        auto store = streams.Store<KeyValueCounts>("counts");
        if (!store.ok()) return false;
        try {
          auto all = (*store)->All().ToVector();
          if (all.size() != 8) return false;
          for (const auto& [k, v] : all) {
            if (v != 375) return false;
          }
          return true;
        } catch (const StateStoreException&) {
          return false;
        }
      },
      absl::Seconds(30)));
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_GT(reads.load(), 0);
  EXPECT_TRUE(streams.Close(absl::Seconds(30)));
}

}  // namespace
}  // namespace kstreams
