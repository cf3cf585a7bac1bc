// Topology::Describe(): Kafka Streams' TopologyDescription text, worked out
// by hand from Java's InternalTopologyBuilder (sub-topologies numbered by
// sorted source node names; nodes by sub-tree size then name; first
// sub-topology line indented by three spaces, later ones by two), and DOT.
#include <string>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/kstreams.h"
#include "kstreams/testing/topology_test_driver.h"

namespace {

using kstreams::Named;
using kstreams::StreamsBuilder;
using ::testing::HasSubstr;

TEST(DescribeTest, MultiSubtopologyTopologyMatchesJavasText) {
  StreamsBuilder builder;
  auto orders = builder.Stream<std::string, std::string>("orders");  // SOURCE-0
  orders.Filter([](const std::string&, const std::string& v) { return !v.empty(); },
                Named::As("drop-empty"))
      .SelectKey([](const std::string&, const std::string& v) { return v.substr(0, 1); })  // 1
      .Repartition(kstreams::Repartitioned<std::string, std::string>::As("by-initial"))  // 2,3,4
      .MapValues([](const std::string& v) { return v; })                                // 5
      .To("out");                                                                       // 6
  orders.To("raw", kstreams::Produced<std::string, std::string>::As("raw-copy"));
  builder.Stream<std::string, std::string>(kstreams::TopicPattern::Regex("audit-[0-9]+"))  // 7
      .Peek([](const std::string&, const std::string&) {})                             // 8
      .To("audited");                                                                   // 9
  kstreams::Topology topology = builder.Build();
  KSTREAMS_ASSERT_OK(topology.status());
  // Sources sorted: "KSTREAM-SOURCE-0000000000" < "KSTREAM-SOURCE-0000000007" <
  // "by-initial-repartition-source" ('K' < 'b'), so the repartition sub-topology is 2.
  EXPECT_EQ(topology.Describe().ToString(),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: KSTREAM-SOURCE-0000000000 (topics: [orders])\n"
            "      --> drop-empty, raw-copy\n"
            "    Processor: drop-empty (stores: [])\n"
            "      --> KSTREAM-KEY-SELECT-0000000001\n"
            "      <-- KSTREAM-SOURCE-0000000000\n"
            "    Processor: KSTREAM-KEY-SELECT-0000000001 (stores: [])\n"
            "      --> by-initial-repartition-filter\n"
            "      <-- drop-empty\n"
            "    Processor: by-initial-repartition-filter (stores: [])\n"
            "      --> by-initial-repartition-sink\n"
            "      <-- KSTREAM-KEY-SELECT-0000000001\n"
            "    Sink: by-initial-repartition-sink (topic: by-initial-repartition)\n"
            "      <-- by-initial-repartition-filter\n"
            "    Sink: raw-copy (topic: raw)\n"
            "      <-- KSTREAM-SOURCE-0000000000\n"
            "\n"
            "  Sub-topology: 1\n"
            "    Source: KSTREAM-SOURCE-0000000007 (topics: audit-[0-9]+)\n"
            "      --> KSTREAM-PEEK-0000000008\n"
            "    Processor: KSTREAM-PEEK-0000000008 (stores: [])\n"
            "      --> KSTREAM-SINK-0000000009\n"
            "      <-- KSTREAM-SOURCE-0000000007\n"
            "    Sink: KSTREAM-SINK-0000000009 (topic: audited)\n"
            "      <-- KSTREAM-PEEK-0000000008\n"
            "\n"
            "  Sub-topology: 2\n"
            "    Source: by-initial-repartition-source (topics: [by-initial-repartition])\n"
            "      --> KSTREAM-MAPVALUES-0000000005\n"
            "    Processor: KSTREAM-MAPVALUES-0000000005 (stores: [])\n"
            "      --> KSTREAM-SINK-0000000006\n"
            "      <-- by-initial-repartition-source\n"
            "    Sink: KSTREAM-SINK-0000000006 (topic: out)\n"
            "      <-- KSTREAM-MAPVALUES-0000000005\n"
            "\n");
  // Task ids follow the same numbering.
  kstreams::TopologyDescription d = topology.Describe();
  ASSERT_EQ(d.subtopologies().size(), 3u);
  EXPECT_EQ(d.subtopologies()[1].source_patterns, std::vector<std::string>{"audit-[0-9]+"});
  EXPECT_EQ(d.subtopologies()[2].source_topics,
            std::vector<std::string>{"by-initial-repartition"});
}

// Java connects nodes in HashMap order, growing sub-tree sizes as it goes; a
// merge node's first parent has already grown when the second is compared
// with it, so Java lists the predecessors in the order merge() got them.
TEST(DescribeTest, MergePredecessorsInJavasTreeSetOrder) {
  StreamsBuilder builder;
  auto a = builder.Stream<std::string, std::string>("a");  // SOURCE-0
  auto b = builder.Stream<std::string, std::string>("b");  // SOURCE-1
  b.Merge(a).To("out");                                    // MERGE-2, SINK-3
  EXPECT_EQ(builder.Build().Describe().ToString(),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: KSTREAM-SOURCE-0000000000 (topics: [a])\n"
            "      --> KSTREAM-MERGE-0000000002\n"
            "    Source: KSTREAM-SOURCE-0000000001 (topics: [b])\n"
            "      --> KSTREAM-MERGE-0000000002\n"
            "    Processor: KSTREAM-MERGE-0000000002 (stores: [])\n"
            "      --> KSTREAM-SINK-0000000003\n"
            "      <-- KSTREAM-SOURCE-0000000001, KSTREAM-SOURCE-0000000000\n"
            "    Sink: KSTREAM-SINK-0000000003 (topic: out)\n"
            "      <-- KSTREAM-MERGE-0000000002\n"
            "\n");
}

// Source topics print as a Java HashSet<String>: by bucket (hash & 15 for
// small sets), then insertion order. "a" = 97 -> bucket 1, "z" = 122 -> 10,
// "q" = 113 -> bucket 1 (after "a" only if added after it).
TEST(DescribeTest, SourceTopicsPrintInJavaHashSetOrder) {
  StreamsBuilder builder;
  builder.Stream<std::string, std::string>(std::vector<std::string>{"z", "a"});
  builder.Stream<std::string, std::string>(std::vector<std::string>{"q", "b"});
  builder.Stream<std::string, std::string>(std::vector<std::string>{"c", "s"});
  // "b" = 98 -> 2; "c" = 99 -> 3; "s" = 115 -> 3 (insertion order: c, s).
  EXPECT_EQ(builder.Build().Describe().ToString(),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: KSTREAM-SOURCE-0000000000 (topics: [a, z])\n"
            "      --> none\n"
            "\n"
            "  Sub-topology: 1\n"
            "    Source: KSTREAM-SOURCE-0000000001 (topics: [q, b])\n"
            "      --> none\n"
            "\n"
            "  Sub-topology: 2\n"
            "    Source: KSTREAM-SOURCE-0000000002 (topics: [c, s])\n"
            "      --> none\n"
            "\n");
}

TEST(DescribeTest, ExtractorSinkAndProcessorApiNames) {
  kstreams::Topology topology;
  topology.AddSource<std::string, std::string>("src", {"in"});
  topology.AddSink<std::string, std::string>(
      "dyn", kstreams::TopicNameExtractor<std::string, std::string>(
                 [](const kstreams::Record<std::string, std::string>& r) { return r.key(); }),
      {"src"});
  EXPECT_EQ(topology.Describe().ToString(),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: src (topics: [in])\n"
            "      --> dyn\n"
            "    Sink: dyn (extractor class: topic-name-extractor)\n"
            "      <-- src\n"
            "\n");
}

TEST(DescribeTest, DotRendersClustersNodesAndTopics) {
  StreamsBuilder builder;
  builder.Stream<std::string, std::string>("in")
      .MapValues([](const std::string& v) { return v; })
      .To("out");
  EXPECT_EQ(builder.Build().Describe().ToDot(),
            "digraph topology {\n"
            "  rankdir=LR;\n"
            "  subgraph cluster_0 {\n"
            "    label=\"Sub-topology: 0\";\n"
            "    \"KSTREAM-SOURCE-0000000000\" [shape=invhouse, "
            "label=\"Source\\nKSTREAM-SOURCE-0000000000\"];\n"
            "    \"KSTREAM-MAPVALUES-0000000001\" [shape=box, "
            "label=\"Processor\\nKSTREAM-MAPVALUES-0000000001\"];\n"
            "    \"KSTREAM-SINK-0000000002\" [shape=house, "
            "label=\"Sink\\nKSTREAM-SINK-0000000002\"];\n"
            "  }\n"
            "  \"topic:in\" [shape=ellipse, label=\"in\"];\n"
            "  \"topic:out\" [shape=ellipse, label=\"out\"];\n"
            "  \"topic:in\" -> \"KSTREAM-SOURCE-0000000000\";\n"
            "  \"KSTREAM-SOURCE-0000000000\" -> \"KSTREAM-MAPVALUES-0000000001\";\n"
            "  \"KSTREAM-MAPVALUES-0000000001\" -> \"KSTREAM-SINK-0000000002\";\n"
            "  \"KSTREAM-SINK-0000000002\" -> \"topic:out\";\n"
            "}\n");
}

TEST(DescribeTest, DotLinksSubtopologiesThroughTheRepartitionTopic) {
  StreamsBuilder builder;
  builder.Stream<std::string, std::string>("in")
      .SelectKey([](const std::string&, const std::string& v) { return v; })
      .Repartition()
      .To("out");
  std::string dot = builder.Build().Describe().ToDot();
  EXPECT_THAT(dot, HasSubstr("subgraph cluster_0 {"));
  EXPECT_THAT(dot, HasSubstr("subgraph cluster_1 {"));
  EXPECT_THAT(dot, HasSubstr("\"KSTREAM-SINK-0000000003\" -> "
                             "\"topic:KSTREAM-REPARTITION-0000000002-repartition\";\n"));
  EXPECT_THAT(dot, HasSubstr("\"topic:KSTREAM-REPARTITION-0000000002-repartition\" -> "
                             "\"KSTREAM-SOURCE-0000000005\";\n"));
}

}  // namespace
