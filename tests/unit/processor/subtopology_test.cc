// TopologyData::Subtopologies(): connected components numbered as Kafka
// Streams numbers them (by each component's smallest source node name).
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/kstreams.h"

namespace {

using ::testing::ElementsAre;

class Pass : public kstreams::Processor<std::string, std::string, std::string, std::string> {
 public:
  void Process(kstreams::Record<std::string, std::string>) override {}
};

TEST(SubtopologyTest, NumberedBySortedSourceNamesNotDefinitionOrder) {
  kstreams::Topology t;
  t.AddSource<std::string, std::string>("zeta", {"z"})
      .AddProcessor("p-zeta", [] { return std::make_unique<Pass>(); }, {"zeta"})
      .AddSource<std::string, std::string>("alpha", {"a"})
      .AddSink<std::string, std::string>("s-alpha", "out", {"alpha"})
      .AddSource<std::string, std::string>("Mid", {"m"});  // 'M' < 'a'
  ASSERT_TRUE(t.status().ok());
  std::vector<kstreams::internal::Subtopology> subs = t.data().Subtopologies();
  ASSERT_EQ(subs.size(), 3u);
  EXPECT_THAT(subs[0].nodes, ElementsAre("Mid"));
  EXPECT_THAT(subs[1].nodes, ElementsAre("alpha", "s-alpha"));
  EXPECT_THAT(subs[1].sink_topics, ElementsAre("out"));
  EXPECT_THAT(subs[2].nodes, ElementsAre("zeta", "p-zeta"));
  EXPECT_THAT(subs[2].source_topics, ElementsAre("z"));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(subs[i].id, i);
}

TEST(SubtopologyTest, MergeJoinsComponents) {
  kstreams::StreamsBuilder builder;
  auto a = builder.Stream<std::string, std::string>("a");
  auto b = builder.Stream<std::string, std::string>("b");
  builder.Stream<std::string, std::string>("c");
  a.Merge(b);
  std::vector<kstreams::internal::Subtopology> subs = builder.Build().data().Subtopologies();
  ASSERT_EQ(subs.size(), 2u);
  EXPECT_THAT(subs[0].source_topics, ElementsAre("a", "b"));
  EXPECT_THAT(subs[1].source_topics, ElementsAre("c"));
}

}  // namespace
