// Stream aggregations ignore records with a null value, as Kafka Streams'
// KGroupedStream count/reduce/aggregate and cogroup do ("records with null
// key or value are ignored"). Found by the differential tests
// (tests/differential/, topology stream_count, seed 1: Java counted k1 = 6
// at ts 27 where we had counted the null value at ts 20 as well).
#include <chrono>
#include <cstdint>
#include <utility>
#include <vector>
#include <optional>
#include <string>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/kstreams.h"
#include "kstreams/testing/topology_test_driver.h"

namespace null_value_aggregation_test {

using kstreams::KeyValue;
using OS = std::optional<std::string>;
using ::testing::ElementsAre;

int64_t Num(const OS& v) { return v ? std::stoll(*v) : 1000; }

struct Fixture {
  explicit Fixture(const kstreams::Topology& topology)
      : driver(topology, {{"application.id", "nulls"}}, 0),
        in(driver.CreateInputTopic<OS, OS>("in")) {}
  void PipeWithANullValue() {
    KSTREAMS_ASSERT_OK(in.PipeInput(OS("k"), OS("1"), 1));
    KSTREAMS_ASSERT_OK(in.PipeInput(OS("k"), std::nullopt, 2));
    KSTREAMS_ASSERT_OK(in.PipeInput(OS("k"), OS("2"), 3));
  }
  kstreams::TopologyTestDriver driver;
  kstreams::TestInputTopic<OS, OS> in;
};

TEST(NullValueAggregation, CountIgnoresNullValues) {
  kstreams::StreamsBuilder builder;
  builder.Stream<OS, OS>("in").GroupByKey().Count().ToStream().To("out");
  Fixture f(builder.Build());
  auto out = f.driver.CreateOutputTopic<OS, std::optional<int64_t>>("out");
  f.PipeWithANullValue();
  using KV = KeyValue<OS, std::optional<int64_t>>;
  EXPECT_THAT(out.ReadKeyValuesToList(), ElementsAre(KV{"k", 1}, KV{"k", 2}));
  EXPECT_EQ(f.driver.dropped_records(), 1);
}

TEST(NullValueAggregation, ReduceAndAggregateNeverSeeNullValues) {
  kstreams::StreamsBuilder builder;
  auto grouped = builder.Stream<OS, OS>("in").GroupByKey();
  grouped.Reduce([](const OS& a, const OS& v) -> OS { return std::to_string(Num(a) + Num(v)); })
      .ToStream()
      .To("reduced");
  grouped.Aggregate([] { return int64_t{0}; },
                    [](const OS&, const OS& v, int64_t agg) { return agg + Num(v); })
      .ToStream()
      .To("aggregated");
  Fixture f(builder.Build());
  auto reduced = f.driver.CreateOutputTopic<OS, OS>("reduced");
  auto aggregated = f.driver.CreateOutputTopic<OS, std::optional<int64_t>>("aggregated");
  f.PipeWithANullValue();
  EXPECT_THAT(reduced.ReadValuesToList(), ElementsAre(OS("1"), OS("3")));
  EXPECT_THAT(aggregated.ReadValuesToList(),
              ElementsAre(std::optional<int64_t>(1), std::optional<int64_t>(3)));
}

TEST(NullValueAggregation, CogroupIgnoresNullValues) {
  kstreams::StreamsBuilder builder;
  auto one = builder.Stream<OS, OS>("in").GroupByKey();
  one.Cogroup<int64_t>([](const OS&, const OS& v, int64_t agg) { return agg + Num(v); })
      .Aggregate([] { return int64_t{0}; })
      .ToStream()
      .To("out");
  Fixture f(builder.Build());
  auto out = f.driver.CreateOutputTopic<OS, std::optional<int64_t>>("out");
  f.PipeWithANullValue();
  EXPECT_THAT(out.ReadValuesToList(),
              ElementsAre(std::optional<int64_t>(1), std::optional<int64_t>(3)));
}

// Sliding windows skip null values too (Java's KStreamSlidingWindowAggregate;
// differential test sliding_count, seed 1, where we emitted 102 updates for
// Java's 82). Time windows count them, as Java's KStreamWindowAggregate does.
TEST(NullValueAggregation, SlidingWindowsIgnoreNullValues) {
  kstreams::StreamsBuilder builder;
  builder.Stream<OS, OS>("in")
      .GroupByKey()
      .WindowedBy(kstreams::SlidingWindows::OfTimeDifferenceAndGrace(std::chrono::milliseconds(5),
                                                                     std::chrono::milliseconds(3)))
      .Count(kstreams::Materialized<OS, int64_t>::As("sliding"))
      .ToStream()
      .To("out");
  kstreams::TopologyTestDriver driver(builder.Build(), {{"application.id", "nulls"}}, 0);
  auto in = driver.CreateInputTopic<OS, OS>("in");
  KSTREAMS_ASSERT_OK(in.PipeInput(OS("k"), OS("1"), 10));
  KSTREAMS_ASSERT_OK(in.PipeInput(OS("k"), std::nullopt, 12));
  EXPECT_EQ(driver.dropped_records(), 1);
  auto* store = driver.GetWindowStore<OS, int64_t>("sliding");
  ASSERT_NE(store, nullptr);
  // Only the first record's window [5,10]: the null value opened none.
  std::vector<std::pair<int64_t, int64_t>> windows;
  for (auto it = store->All(); it.Valid(); it.Next()) {
    windows.emplace_back(it.key().window.start(), it.value());
  }
  EXPECT_THAT(windows, ElementsAre(std::pair<int64_t, int64_t>{5, 1}));
}

}  // namespace null_value_aggregation_test
