#include <string>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/kstreams.h"
#include "kstreams/testing/topology_test_driver.h"

namespace {

using ::testing::ElementsAre;

// Replaces the value with "<topic>:<offset>" of the record being processed.
class TagWithOrigin : public kstreams::Processor<std::string, std::string, std::string, std::string> {
 public:
  void Init(kstreams::ProcessorContext<std::string, std::string>& ctx) override { ctx_ = &ctx; }
  void Process(kstreams::Record<std::string, std::string> r) override {
    const kstreams::RecordMetadata* m = ctx_->record_metadata();
    std::string tag = m == nullptr ? "none" : m->topic + ":" + std::to_string(m->offset);
    ctx_->Forward(std::move(r).WithValue(std::move(tag)));
  }

 private:
  kstreams::ProcessorContext<std::string, std::string>* ctx_ = nullptr;
};

// The task remembers the source of the previous record; metadata must still
// follow every change of topic.
TEST(RecordMetadata, FollowsTopicChangesBetweenSourcesOfOneTask) {
  kstreams::Topology topology;
  topology.AddSource<std::string, std::string>("src-a", {"a"})
      .AddSource<std::string, std::string>("src-b", {"b"})
      .AddProcessor("tag", [] { return std::make_unique<TagWithOrigin>(); }, {"src-a", "src-b"})
      .AddSink<std::string, std::string>("sink", "out", {"tag"});
  KSTREAMS_ASSERT_OK(topology.status());
  kstreams::TopologyTestDriver driver(topology, {}, 0);
  auto a = driver.CreateInputTopic<std::string, std::string>("a");
  auto b = driver.CreateInputTopic<std::string, std::string>("b");
  auto out = driver.CreateOutputTopic<std::string, std::string>("out");
  KSTREAMS_ASSERT_OK(a.PipeInput("k", "v", 1));
  KSTREAMS_ASSERT_OK(a.PipeInput("k", "v", 2));
  KSTREAMS_ASSERT_OK(b.PipeInput("k", "v", 3));
  KSTREAMS_ASSERT_OK(a.PipeInput("k", "v", 4));
  KSTREAMS_ASSERT_OK(b.PipeInput("k", "v", 5));
  EXPECT_THAT(out.ReadValuesToList(), ElementsAre("a:0", "a:1", "b:0", "a:2", "b:1"));
}

}  // namespace
