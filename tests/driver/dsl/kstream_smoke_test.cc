#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/kstreams.h"
#include "kstreams/testing/topology_test_driver.h"

namespace {

using kstreams::KeyValue;
using ::testing::ElementsAre;

TEST(KStreamSmoke, FilterMapValuesToWritesTransformedRecords) {
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, int32_t>("in")
      .Filter([](const std::string&, int32_t v) { return v % 2 == 0; })
      .MapValues([](int32_t v) { return static_cast<int64_t>(v) * 10; })
      .To("out");
  kstreams::TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, int32_t>("in");
  auto out = driver.CreateOutputTopic<std::string, int64_t>("out");
  for (int32_t i = 1; i <= 4; ++i) KSTREAMS_ASSERT_OK(in.PipeInput("k" + std::to_string(i), i));
  EXPECT_THAT(out.ReadKeyValuesToList(),
              ElementsAre(KeyValue<std::string, int64_t>{"k2", 20},
                          KeyValue<std::string, int64_t>{"k4", 40}));
}

TEST(KStreamSmoke, SelectKeyThenRepartitionMakesTwoSubtopologies) {
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("in")
      .SelectKey([](const std::string&, const std::string& v) { return v.substr(0, 1); })
      .Repartition()
      .To("out");
  kstreams::Topology topology = builder.Build();
  KSTREAMS_ASSERT_OK(topology.status());
  EXPECT_EQ(topology.Describe().ToString(),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: KSTREAM-SOURCE-0000000000 (topics: [in])\n"
            "      --> KSTREAM-KEY-SELECT-0000000001\n"
            "    Processor: KSTREAM-KEY-SELECT-0000000001 (stores: [])\n"
            "      --> KSTREAM-FILTER-0000000004\n"
            "      <-- KSTREAM-SOURCE-0000000000\n"
            "    Processor: KSTREAM-FILTER-0000000004 (stores: [])\n"
            "      --> KSTREAM-SINK-0000000003\n"
            "      <-- KSTREAM-KEY-SELECT-0000000001\n"
            "    Sink: KSTREAM-SINK-0000000003 (topic: KSTREAM-REPARTITION-0000000002-repartition)\n"
            "      <-- KSTREAM-FILTER-0000000004\n"
            "\n"
            "  Sub-topology: 1\n"
            "    Source: KSTREAM-SOURCE-0000000005 (topics: [KSTREAM-REPARTITION-0000000002-repartition])\n"
            "      --> KSTREAM-SINK-0000000006\n"
            "    Sink: KSTREAM-SINK-0000000006 (topic: out)\n"
            "      <-- KSTREAM-SOURCE-0000000005\n"
            "\n");
  kstreams::TopologyTestDriver driver(topology, {{"application.id", "app"}}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  auto repartition = driver.CreateOutputTopic<std::string, std::string>(
      "app-KSTREAM-REPARTITION-0000000002-repartition");
  auto out = driver.CreateOutputTopic<std::string, std::string>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("x", "apple", 7));
  EXPECT_THAT(repartition.ReadKeyValuesToList(),
              ElementsAre(KeyValue<std::string, std::string>{"a", "apple"}));
  auto r = out.ReadRecord();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->key, "a");
  EXPECT_EQ(r->value, "apple");
  EXPECT_EQ(r->timestamp, 7);
}

}  // namespace
