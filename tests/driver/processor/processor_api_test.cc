#include "common/status_matchers.h"
#include "gtest/gtest.h"
#include "kstreams/kstreams.h"
#include "kstreams/testing/topology_test_driver.h"

namespace {

using kstreams::KeyValue;

class Upper : public kstreams::Processor<std::string, std::string, std::string, std::string> {
 public:
  void Init(kstreams::ProcessorContext<std::string, std::string>& ctx) override { ctx_ = &ctx; }
  void Process(kstreams::Record<std::string, std::string> r) override {
    std::string v = r.value();
    for (char& c : v) c = static_cast<char>(std::toupper(c));
    ctx_->Forward(std::move(r).WithValue(std::move(v)));
  }

 private:
  kstreams::ProcessorContext<std::string, std::string>* ctx_ = nullptr;
};

TEST(ProcessorApi, SourceProcessorSinkPassesRecordsThrough) {
  kstreams::Topology topology;
  topology.AddSource<std::string, std::string>("src", {"input"})
      .AddProcessor("upper", [] { return std::make_unique<Upper>(); }, {"src"})
      .AddSink<std::string, std::string>("sink", "output", {"upper"});
  KSTREAMS_ASSERT_OK(topology.status());
  kstreams::TopologyTestDriver driver(topology, {}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("input");
  auto out = driver.CreateOutputTopic<std::string, std::string>("output");
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "hello", 5));
  auto r = out.ReadRecord();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->key, "k");
  EXPECT_EQ(r->value, "HELLO");
  EXPECT_EQ(r->timestamp, 5);
  EXPECT_TRUE(out.IsEmpty());
}

}  // namespace
