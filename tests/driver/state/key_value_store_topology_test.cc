// A Processor API topology that counts per key in a KeyValueStore, run in
// the TopologyTestDriver: outputs, the store read through the driver, the
// captured changelog, caching, persistence and the state directory lock.
#include <filesystem>
#include <memory>
#include <string>
#include <unistd.h>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/kstreams.h"
#include "kstreams/testing/topology_test_driver.h"

namespace {

using kstreams::KeyValue;
using kstreams::TestRecord;

// Counts records per key; each input record is counted `writes` times into
// the store (to show the cache absorbing repeated writes) and the final
// count forwarded.
class Counter : public kstreams::Processor<std::string, std::string, std::string, int64_t> {
 public:
  explicit Counter(int writes = 1) : writes_(writes) {}
  void Init(kstreams::ProcessorContext<std::string, int64_t>& ctx) override {
    ctx_ = &ctx;
    store_ = ctx.GetStateStore<kstreams::KeyValueStore<std::string, int64_t>>("counts");
    if (store_ == nullptr) throw std::runtime_error("store 'counts' missing");
    wrong_type_ = ctx.GetStateStore<kstreams::KeyValueStore<std::string, std::string>>("counts");
  }
  void Process(kstreams::Record<std::string, std::string> r) override {
    int64_t n = 0;
    for (int i = 0; i < writes_; ++i) {
      n = store_->Get(r.key()).value_or(0) + 1;
      store_->Put(r.key(), n);
    }
    ctx_->Forward(std::move(r).WithValue(n));
  }
  bool wrong_type_found() const { return wrong_type_ != nullptr; }

 private:
  int writes_;
  kstreams::ProcessorContext<std::string, int64_t>* ctx_ = nullptr;
  kstreams::KeyValueStore<std::string, int64_t>* store_ = nullptr;
  kstreams::KeyValueStore<std::string, std::string>* wrong_type_ = nullptr;
};

std::string TempStateDir() {
  static int counter = 0;
  auto dir = std::filesystem::temp_directory_path() /
             ("kstreams-driver-state-" + std::to_string(::getpid()) + "-" +
              std::to_string(counter++));
  std::filesystem::remove_all(dir);
  return dir.string();
}

kstreams::Topology CountTopology(kstreams::KeyValueBytesStoreSupplierPtr supplier,
                                 bool caching, int writes = 1) {
  kstreams::Topology topology;
  auto builder = kstreams::Stores::KeyValueStoreBuilder<std::string, int64_t>(
      std::move(supplier), kstreams::serdes::String(), kstreams::serdes::Int64());
  if (caching) builder.WithCachingEnabled();
  topology.AddSource<std::string, std::string>("src", {"words"})
      .AddProcessor("counter", [writes] { return std::make_unique<Counter>(writes); }, {"src"})
      .AddStateStore(builder, {"counter"})
      .AddSink<std::string, int64_t>("sink", "counts-out", {"counter"});
  return topology;
}

class KeyValueStoreTopologyTest : public ::testing::TestWithParam<bool> {
 protected:
  kstreams::KeyValueBytesStoreSupplierPtr Supplier() {
    return GetParam() ? kstreams::Stores::PersistentKeyValueStore("counts")
                      : kstreams::Stores::InMemoryKeyValueStore("counts");
  }
  kstreams::StreamsConfig Config() {
    return {{kstreams::StreamsConfig::kApplicationId, "wc"},
            {kstreams::StreamsConfig::kStateDir, state_dir_}};
  }
  void TearDown() override { std::filesystem::remove_all(state_dir_); }
  std::string state_dir_ = TempStateDir();
};

TEST_P(KeyValueStoreTopologyTest, CountsPerKeyThroughContextStore) {
  kstreams::Topology topology = CountTopology(Supplier(), /*caching=*/false);
  KSTREAMS_ASSERT_OK(topology.status());
  kstreams::TopologyTestDriver driver(topology, Config(), 0);
  KSTREAMS_ASSERT_OK(driver.status());
  auto in = driver.CreateInputTopic<std::string, std::string>("words");
  auto out = driver.CreateOutputTopic<std::string, int64_t>("counts-out");
  KSTREAMS_ASSERT_OK(in.PipeInput("a", "x", 10));
  KSTREAMS_ASSERT_OK(in.PipeInput("b", "x", 11));
  KSTREAMS_ASSERT_OK(in.PipeInput("a", "x", 12));
  KSTREAMS_ASSERT_OK(in.PipeInput("a", "x", 13));
  EXPECT_EQ(out.ReadRecordsToList(),
            (std::vector<TestRecord<std::string, int64_t>>{
                {"a", 1, 10, {}}, {"b", 1, 11, {}}, {"a", 2, 12, {}}, {"a", 3, 13, {}}}));

  auto* store = driver.GetKeyValueStore<std::string, int64_t>("counts");
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Get("a"), 3);
  EXPECT_EQ(store->Get("b"), 1);
  EXPECT_EQ(store->Get("c"), std::nullopt);
  EXPECT_EQ(store->All().ToVector(),
            (std::vector<std::pair<std::string, int64_t>>{{"a", 3}, {"b", 1}}));
  EXPECT_EQ((driver.GetKeyValueStore<std::string, std::string>("counts")), nullptr);
  EXPECT_EQ((driver.GetKeyValueStore<std::string, int64_t>("nope")), nullptr);

  // Every write is logged to "<application.id>-<store>-changelog" with the
  // record's timestamp.
  auto changelog = driver.CreateOutputTopic<std::string, int64_t>("wc-counts-changelog");
  EXPECT_EQ(changelog.ReadRecordsToList(),
            (std::vector<TestRecord<std::string, int64_t>>{
                {"a", 1, 10, {}}, {"b", 1, 11, {}}, {"a", 2, 12, {}}, {"a", 3, 13, {}}}));
  KSTREAMS_EXPECT_OK(driver.status());
}

TEST_P(KeyValueStoreTopologyTest, CacheLogsOnlyTheLatestWritePerCommit) {
  // Each record is counted three times into the store; the driver commits
  // (flushes the cache) after each record, so the changelog gets one record
  // per input, while without caching it gets three.
  for (bool caching : {true, false}) {
    SCOPED_TRACE(caching ? "cached" : "uncached");
    std::filesystem::remove_all(state_dir_);  // a fresh store each round
    kstreams::Topology topology = CountTopology(Supplier(), caching, /*writes=*/3);
    kstreams::TopologyTestDriver driver(topology, Config(), 0);
    auto in = driver.CreateInputTopic<std::string, std::string>("words");
    auto out = driver.CreateOutputTopic<std::string, int64_t>("counts-out");
    auto changelog = driver.CreateOutputTopic<std::string, int64_t>("wc-counts-changelog");
    KSTREAMS_ASSERT_OK(in.PipeInput("a", "x", 1));
    KSTREAMS_ASSERT_OK(in.PipeInput("a", "x", 2));
    EXPECT_EQ(out.ReadKeyValuesToList(),
              (std::vector<KeyValue<std::string, int64_t>>{{"a", 3}, {"a", 6}}));
    if (caching) {
      EXPECT_EQ(changelog.ReadKeyValuesToList(),
                (std::vector<KeyValue<std::string, int64_t>>{{"a", 3}, {"a", 6}}));
    } else {
      EXPECT_EQ(changelog.ReadKeyValuesToList(),
                (std::vector<KeyValue<std::string, int64_t>>{
                    {"a", 1}, {"a", 2}, {"a", 3}, {"a", 4}, {"a", 5}, {"a", 6}}));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Stores, KeyValueStoreTopologyTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "RocksDB" : "InMemory";
                         });

TEST(PersistentStoreTopologyTest, StateSurvivesDriverRestart) {
  std::string dir = TempStateDir();
  kstreams::StreamsConfig config{{kstreams::StreamsConfig::kApplicationId, "wc"},
                                 {kstreams::StreamsConfig::kStateDir, dir}};
  {
    kstreams::TopologyTestDriver driver(
        CountTopology(kstreams::Stores::PersistentKeyValueStore("counts"), true), config, 0);
    auto in = driver.CreateInputTopic<std::string, std::string>("words");
    KSTREAMS_ASSERT_OK(in.PipeInput("a", "x", 1));
    KSTREAMS_ASSERT_OK(in.PipeInput("a", "x", 2));
  }
  EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(dir) / "wc" / "0_0" / "rocksdb" / "counts"));
  kstreams::TopologyTestDriver driver(
      CountTopology(kstreams::Stores::PersistentKeyValueStore("counts"), true), config, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("words");
  auto out = driver.CreateOutputTopic<std::string, int64_t>("counts-out");
  KSTREAMS_ASSERT_OK(in.PipeInput("a", "x", 3));
  EXPECT_EQ(out.ReadValuesToList(), (std::vector<int64_t>{3}));
  std::filesystem::remove_all(dir);
}

TEST(PersistentStoreTopologyTest, SecondInstanceOnSameStateDirFailsClearly) {
  std::string dir = TempStateDir();
  kstreams::StreamsConfig config{{kstreams::StreamsConfig::kApplicationId, "wc"},
                                 {kstreams::StreamsConfig::kStateDir, dir}};
  kstreams::TopologyTestDriver first(
      CountTopology(kstreams::Stores::PersistentKeyValueStore("counts"), false), config, 0);
  KSTREAMS_ASSERT_OK(first.status());
  kstreams::TopologyTestDriver second(
      CountTopology(kstreams::Stores::PersistentKeyValueStore("counts"), false), config, 0);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(second.status().message()),
              ::testing::HasSubstr("task 0_0: state directory '" + dir + "/wc/0_0' is locked"));
  std::filesystem::remove_all(dir);
}

TEST(TimestampedStoreTopologyTest, DriverReadsTimestampedStore) {
  class Latest : public kstreams::Processor<std::string, std::string, std::string, std::string> {
   public:
    void Init(kstreams::ProcessorContext<std::string, std::string>& ctx) override {
      store_ = ctx.GetStateStore<kstreams::TimestampedKeyValueStore<std::string, std::string>>(
          "latest");
    }
    void Process(kstreams::Record<std::string, std::string> r) override {
      store_->Put(r.key(), kstreams::ValueAndTimestamp<std::string>::Make(r.value(), r.timestamp()));
    }

   private:
    kstreams::TimestampedKeyValueStore<std::string, std::string>* store_ = nullptr;
  };
  kstreams::Topology topology;
  topology.AddSource<std::string, std::string>("src", {"in"})
      .AddProcessor("latest", [] { return std::make_unique<Latest>(); }, {"src"})
      .AddStateStore(kstreams::Stores::TimestampedKeyValueStoreBuilder<std::string, std::string>(
                         kstreams::Stores::InMemoryKeyValueStore("latest")),
                     {"latest"});
  kstreams::TopologyTestDriver driver(topology, {{kstreams::StreamsConfig::kApplicationId, "t"}}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "v1", 5));
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "v2", 7));
  auto* store = driver.GetTimestampedKeyValueStore<std::string, std::string>("latest");
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Get("k"), kstreams::ValueAndTimestamp<std::string>::Make("v2", 7));
  // The changelog is Java's (ChangeLoggingTimestampedKeyValueBytesStore):
  // the plain value, the value's timestamp as the record's.
  auto changelog = driver.CreateOutputTopic<std::string, std::string>("t-latest-changelog");
  auto records = changelog.ReadRecordsToList();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].value, "v1");
  EXPECT_EQ(records[0].timestamp, 5);
  EXPECT_EQ(records[1].value, "v2");
  EXPECT_EQ(records[1].timestamp, 7);
}

class FailingSerde final : public kstreams::Serde<int64_t> {
 public:
  absl::Status Serialize(std::string_view, const int64_t&, std::string&) const override {
    return absl::InvalidArgumentError("cannot serialize this count");
  }
  absl::StatusOr<int64_t> Deserialize(std::string_view, std::string_view) const override {
    return absl::InvalidArgumentError("cannot deserialize");
  }
};

TEST(StoreErrorTest, StoreFailureIsAProcessingErrorNamingTheRecord) {
  kstreams::Topology topology;
  topology.AddSource<std::string, std::string>("src", {"words"})
      .AddProcessor("counter", [] { return std::make_unique<Counter>(); }, {"src"})
      .AddStateStore(kstreams::Stores::KeyValueStoreBuilder<std::string, int64_t>(
                         kstreams::Stores::InMemoryKeyValueStore("counts"),
                         kstreams::serdes::String(), std::make_shared<FailingSerde>()),
                     {"counter"})
      .AddSink<std::string, int64_t>("sink", "counts-out", {"counter"});
  kstreams::TopologyTestDriver driver(topology, {}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("words");
  absl::Status s = in.PipeInput("a", "x", 1);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()),
              ::testing::AllOf(::testing::HasSubstr("topic 'words' partition 0 offset 0"),
                               ::testing::HasSubstr("cannot serialize this count")));
}

// Issue 16: as Java's getKeyValueStore, the driver returns a view without
// timestamps over the timestamped stores tables and aggregations keep
// (nullptr before), reading values and writing with timestamp -1.
TEST(KeyValueStoreTopology, GetKeyValueStoreViewsATimestampedStoreWithoutTimestamps) {
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("in").GroupByKey().Count(
      kstreams::Materialized<std::string, int64_t>::As("counts"));
  kstreams::TopologyTestDriver driver(builder.Build(), {{"application.id", "facade"}}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  KSTREAMS_ASSERT_OK(in.PipeInput("a", "x", 5));
  KSTREAMS_ASSERT_OK(in.PipeInput("a", "y", 7));
  KSTREAMS_ASSERT_OK(in.PipeInput("b", "z", 9));
  auto* store = driver.GetKeyValueStore<std::string, int64_t>("counts");
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Get("a"), std::optional<int64_t>(2));
  std::vector<std::pair<std::string, int64_t>> all;
  for (auto it = store->All(); it.Valid(); it.Next()) all.emplace_back(it.key(), it.value());
  EXPECT_THAT(all, ::testing::ElementsAre(std::pair<std::string, int64_t>{"a", 2},
                                          std::pair<std::string, int64_t>{"b", 1}));
  store->Put("c", 40);
  auto* timestamped = driver.GetTimestampedKeyValueStore<std::string, int64_t>("counts");
  ASSERT_NE(timestamped, nullptr);
  EXPECT_EQ(timestamped->Get("c"), kstreams::ValueAndTimestamp<int64_t>(40, -1));
  EXPECT_EQ(timestamped->Get("a")->timestamp(), 7);
  EXPECT_EQ(store->Delete("b"), std::optional<int64_t>(1));
  EXPECT_FALSE(timestamped->Get("b").has_value());
  EXPECT_EQ((driver.GetKeyValueStore<std::string, std::string>("counts")), nullptr);
}

}  // namespace
