// Windowed cogroups: several grouped streams folded into one windowed
// aggregate per key (Java's TimeWindowedCogroupedKStream and
// SessionWindowedCogroupedKStream). Expected outputs worked out by hand.
#include <chrono>
#include <optional>
#include <string>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/kstreams.h"
#include "kstreams/testing/topology_test_driver.h"

namespace windowed_cogroup_test {

using kstreams::Window;
using kstreams::Windowed;
using std::chrono::milliseconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using W = Windowed<std::string>;
using KV = kstreams::KeyValue<W, std::optional<int64_t>>;

// clicks add 1, purchases add 10, into one aggregate per key and window.
kstreams::CogroupedKStream<std::string, int64_t> Cogrouped(kstreams::StreamsBuilder& builder) {
  auto clicks = builder.Stream<std::string, std::string>("clicks").GroupByKey();
  auto purchases = builder.Stream<std::string, std::string>("purchases").GroupByKey();
  return clicks
      .Cogroup<int64_t>([](const std::string&, const std::string&, int64_t agg) { return agg + 1; })
      .Cogroup(purchases,
               [](const std::string&, const std::string&, int64_t agg) { return agg + 10; });
}

TEST(WindowedCogroup, TimeWindowsFoldEveryInputIntoOneWindowedTable) {
  kstreams::StreamsBuilder builder;
  Cogrouped(builder)
      .WindowedBy(kstreams::TimeWindows::OfSizeWithNoGrace(milliseconds(10)))
      .Aggregate([] { return int64_t{0}; })
      .ToStream()
      .To("out");
  kstreams::Topology topology = builder.Build();
  EXPECT_THAT(topology.Describe().ToString(),
              HasSubstr("Processor: COGROUPKSTREAM-AGGREGATE-0000000003 (stores: "
                        "[COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000002])"));
  kstreams::TopologyTestDriver driver(topology, {{"application.id", "cogroup"}}, 0);
  auto clicks = driver.CreateInputTopic<std::string, std::string>("clicks");
  auto purchases = driver.CreateInputTopic<std::string, std::string>("purchases");
  auto out = driver.CreateOutputTopic<W, std::optional<int64_t>>(
      "out", kstreams::serdes::TimeWindowed<std::string>(milliseconds(10)),
      kstreams::serdes::Optional(kstreams::serdes::Int64()));
  KSTREAMS_ASSERT_OK(clicks.PipeInput("a", "c", 1));
  KSTREAMS_ASSERT_OK(purchases.PipeInput("a", "p", 2));
  KSTREAMS_ASSERT_OK(clicks.PipeInput("a", "c", 12));
  EXPECT_THAT(out.ReadKeyValuesToList(),
              ElementsAre(KV{{"a", Window(0, 10)}, 1}, KV{{"a", Window(0, 10)}, 11},
                          KV{{"a", Window(10, 20)}, 1}));
}

TEST(WindowedCogroup, SessionWindowsMergeWithTheMerger) {
  kstreams::StreamsBuilder builder;
  Cogrouped(builder)
      .WindowedBy(kstreams::SessionWindows::OfInactivityGapWithNoGrace(milliseconds(10)))
      .Aggregate([] { return int64_t{0}; },
                 [](const std::string&, int64_t a, int64_t b) { return a + b; })
      .ToStream()
      .To("out");
  kstreams::TopologyTestDriver driver(builder.Build(), {{"application.id", "cogroup"}}, 0);
  auto clicks = driver.CreateInputTopic<std::string, std::string>("clicks");
  auto purchases = driver.CreateInputTopic<std::string, std::string>("purchases");
  auto out = driver.CreateOutputTopic<W, std::optional<int64_t>>(
      "out", kstreams::serdes::SessionWindowed<std::string>(),
      kstreams::serdes::Optional(kstreams::serdes::Int64()));
  KSTREAMS_ASSERT_OK(clicks.PipeInput("a", "c", 1));
  KSTREAMS_ASSERT_OK(purchases.PipeInput("a", "p", 5));  // joins [1,1]: 0 + 1 merged, + 10
  EXPECT_THAT(out.ReadKeyValuesToList(),
              ElementsAre(KV{{"a", Window(1, 1)}, 1}, KV{{"a", Window(1, 1)}, std::nullopt},
                          KV{{"a", Window(1, 5)}, 11}));
}

}  // namespace windowed_cogroup_test
