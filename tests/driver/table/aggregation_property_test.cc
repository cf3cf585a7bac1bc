// Random input aggregated by the DSL, compared with a plain C++ computation of
// the same result, for RocksDB and in-memory stores, with caching on and off.
#include <map>
#include <random>
#include <string>
#include <tuple>

#include "common/status_matchers.h"
#include "gtest/gtest.h"
#include "kstreams/kstreams.h"
#include "kstreams/testing/topology_test_driver.h"

namespace {

using kstreams::Materialized;

struct Params {
  bool in_memory;
  bool caching;
};

class AggregationProperty : public ::testing::TestWithParam<std::tuple<bool, bool>> {};

template <typename V>
Materialized<std::string, V> Store(const std::string& name, bool in_memory, bool caching) {
  Materialized<std::string, V> m =
      in_memory ? Materialized<std::string, V>::As(kstreams::Stores::InMemoryKeyValueStore(name))
                : Materialized<std::string, V>::As(name);
  return caching ? std::move(m).WithCachingEnabled() : std::move(m).WithCachingDisabled();
}

TEST_P(AggregationProperty, CountsSumsAndRegroupedTablesMatchPlainComputation) {
  const auto [in_memory, caching] = GetParam();
  kstreams::StreamsBuilder builder;
  auto events = builder.Stream<std::string, int64_t>("events");
  events.GroupByKey().Count(Store<int64_t>("count", in_memory, caching)).ToStream().To("counts");
  events.GroupByKey()
      .Reduce([](int64_t a, int64_t b) { return a + b; }, Store<int64_t>("sum", in_memory, caching))
      .ToStream()
      .To("sums");
  // A table of the latest value per key, regrouped by value parity and summed.
  builder.Table<std::string, int64_t>("latest", Store<int64_t>("latest-store", in_memory, caching))
      .GroupBy([](const std::string&, int64_t v) {
        return kstreams::KeyValue<std::string, int64_t>{v % 2 == 0 ? "even" : "odd", v};
      })
      .Reduce([](int64_t a, int64_t v) { return a + v; }, [](int64_t a, int64_t v) { return a - v; },
              kstreams::Named(), Store<int64_t>("parity", in_memory, caching))
      .ToStream()
      .To("parity-sums");

  kstreams::TopologyTestDriver driver(builder.Build(), {{"application.id", "prop"}}, 0);
  driver.SetCommitAfterEachRecord(false);
  auto in = driver.CreateInputTopic<std::string, int64_t>("events");
  auto latest_in = driver.CreateInputTopic<std::string, int64_t>("latest");
  auto counts_out = driver.CreateOutputTopic<std::string, std::optional<int64_t>>("counts");
  auto sums_out = driver.CreateOutputTopic<std::string, std::optional<int64_t>>("sums");
  auto parity_out = driver.CreateOutputTopic<std::string, std::optional<int64_t>>("parity-sums");

  std::mt19937 rng(42);
  std::map<std::string, int64_t> count, sum, latest;
  std::map<std::string, int64_t> seen_count, seen_sum, seen_parity;
  auto drain = [&] {
    for (auto& kv : counts_out.ReadKeyValuesToList()) seen_count[kv.key] = *kv.value;
    for (auto& kv : sums_out.ReadKeyValuesToList()) seen_sum[kv.key] = *kv.value;
    for (auto& kv : parity_out.ReadKeyValuesToList()) seen_parity[kv.key] = *kv.value;
  };
  for (int i = 0; i < 2000; ++i) {
    std::string key = "k" + std::to_string(rng() % 17);
    int64_t value = static_cast<int64_t>(rng() % 100) - 20;
    KSTREAMS_ASSERT_OK(in.PipeInput(key, value, i));
    ++count[key];
    sum[key] += value;
    std::string table_key = "t" + std::to_string(rng() % 11);
    if (rng() % 7 == 0) {
      KSTREAMS_ASSERT_OK(latest_in.PipeTombstone(table_key, i));
      latest.erase(table_key);
    } else {
      KSTREAMS_ASSERT_OK(latest_in.PipeInput(table_key, value, i));
      latest[table_key] = value;
    }
    if (i % 97 == 0) {
      KSTREAMS_ASSERT_OK(driver.Commit());
      drain();
    }
  }
  KSTREAMS_ASSERT_OK(driver.Commit());
  drain();

  std::map<std::string, int64_t> parity;
  for (const auto& [k, v] : latest) parity[v % 2 == 0 ? "even" : "odd"] += v;
  EXPECT_EQ(seen_count, count);
  EXPECT_EQ(seen_sum, sum);
  for (const auto& [group, total] : parity) EXPECT_EQ(seen_parity[group], total) << group;

  auto* count_store =
      driver.GetStateStore<kstreams::TimestampedKeyValueStore<std::string, int64_t>>("count");
  auto* sum_store =
      driver.GetStateStore<kstreams::TimestampedKeyValueStore<std::string, int64_t>>("sum");
  ASSERT_NE(count_store, nullptr);
  ASSERT_NE(sum_store, nullptr);
  for (const auto& [k, c] : count) {
    EXPECT_EQ(count_store->Get(k)->value(), c) << k;
    EXPECT_EQ(sum_store->Get(k)->value(), sum.at(k)) << k;
  }
  EXPECT_EQ(driver.dropped_records(), 0);
}

INSTANTIATE_TEST_SUITE_P(StoresAndCaching, AggregationProperty,
                         ::testing::Combine(::testing::Bool(), ::testing::Bool()),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param) ? "InMemory" : "RocksDB") +
                                  (std::get<1>(info.param) ? "Cached" : "Uncached");
                         });

}  // namespace
