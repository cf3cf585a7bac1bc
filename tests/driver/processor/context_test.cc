// ProcessorContext: Forward to one child, record metadata, task and
// application ids, a new processor per task, wiring errors.
#include <memory>
#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/kstreams.h"
#include "kstreams/testing/topology_test_driver.h"

namespace {

using kstreams::Record;
using kstreams::TopologyTestDriver;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using StringProcessor = kstreams::Processor<std::string, std::string, std::string, std::string>;
using StringContext = kstreams::ProcessorContext<std::string, std::string>;

// Forwards records with key "l" to child "left", others to "right".
class Router : public StringProcessor {
 public:
  void Init(StringContext& ctx) override { ctx_ = &ctx; }
  void Process(Record<std::string, std::string> r) override {
    if (r.key() == "all") {
      ctx_->Forward(std::move(r));
    } else if (r.key() == "bad") {
      ctx_->Forward(std::move(r), "no-such-child");
    } else {
      std::string child = r.key() == "l" ? "left" : "right";
      ctx_->Forward(std::move(r), child);
    }
  }

 private:
  StringContext* ctx_ = nullptr;
};

class Identity : public StringProcessor {
 public:
  void Init(StringContext& ctx) override { ctx_ = &ctx; }
  void Process(Record<std::string, std::string> r) override { ctx_->Forward(std::move(r)); }

 private:
  StringContext* ctx_ = nullptr;
};

TEST(ForwardToChildTest, SendsTheRecordToTheNamedChildOnly) {
  kstreams::Topology topology;
  topology.AddSource<std::string, std::string>("src", {"in"})
      .AddProcessor("router", [] { return std::make_unique<Router>(); }, {"src"})
      .AddProcessor("left", [] { return std::make_unique<Identity>(); }, {"router"})
      .AddProcessor("right", [] { return std::make_unique<Identity>(); }, {"router"})
      .AddSink<std::string, std::string>("left-sink", "left-out", {"left"})
      .AddSink<std::string, std::string>("right-sink", "right-out", {"right"});
  KSTREAMS_ASSERT_OK(topology.status());
  TopologyTestDriver driver(topology, {}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  auto left = driver.CreateOutputTopic<std::string, std::string>("left-out");
  auto right = driver.CreateOutputTopic<std::string, std::string>("right-out");
  KSTREAMS_ASSERT_OK(in.PipeInput("l", "1", 1));
  KSTREAMS_ASSERT_OK(in.PipeInput("r", "2", 2));
  KSTREAMS_ASSERT_OK(in.PipeInput("all", "3", 3));
  EXPECT_THAT(left.ReadValuesToList(), ElementsAre("1", "3"));
  EXPECT_THAT(right.ReadValuesToList(), ElementsAre("2", "3"));
  absl::Status s = in.PipeInput("bad", "4", 4);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()), HasSubstr("unknown child node 'no-such-child'"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("topic 'in' partition 0 offset 3"));
}

struct Seen {
  std::string topic;
  int32_t partition;
  int64_t offset;
  std::string task;
  std::string app;
  int64_t stream_time;
  friend bool operator==(const Seen&, const Seen&) = default;
};

class MetadataRecorder : public StringProcessor {
 public:
  explicit MetadataRecorder(std::vector<Seen>* seen) : seen_(seen) {}
  void Init(StringContext& ctx) override { ctx_ = &ctx; }
  void Process(Record<std::string, std::string>) override {
    const kstreams::RecordMetadata* m = ctx_->record_metadata();
    ASSERT_NE(m, nullptr);
    seen_->push_back({m->topic, m->partition, m->offset, ctx_->task_id().ToString(),
                      ctx_->application_id(), ctx_->current_stream_time_ms()});
  }

 private:
  std::vector<Seen>* seen_;
  StringContext* ctx_ = nullptr;
};

TEST(RecordMetadataTest, TopicPartitionOffsetTaskAndApplicationId) {
  std::vector<Seen> seen;
  kstreams::Topology topology;
  topology.AddSource<std::string, std::string>("src", {"a", "b"})
      .AddProcessor("rec", [&seen] { return std::make_unique<MetadataRecorder>(&seen); },
                    {"src"});
  TopologyTestDriver driver(topology, {{"application.id", "my-app"}}, 0);
  auto a = driver.CreateInputTopic<std::string, std::string>("a");
  auto b = driver.CreateInputTopic<std::string, std::string>("b");
  KSTREAMS_ASSERT_OK(a.PipeInput("k", "v", 10));
  KSTREAMS_ASSERT_OK(a.PipeInput("k", "v", 5));
  KSTREAMS_ASSERT_OK(b.PipeInput("k", "v", 20));
  KSTREAMS_ASSERT_OK(a.PipeInput("k", "v", 30));
  EXPECT_THAT(seen, ElementsAre(Seen{"a", 0, 0, "0_0", "my-app", 10},
                                Seen{"a", 0, 1, "0_0", "my-app", 10},
                                Seen{"b", 0, 0, "0_0", "my-app", 20},
                                Seen{"a", 0, 2, "0_0", "my-app", 30}));
}

TEST(ProcessorSupplierTest, EachTaskGetsItsOwnInstance) {
  int made = 0;
  kstreams::Topology topology;
  topology.AddSource<std::string, std::string>("s1", {"t1"})
      .AddProcessor("p1", [&made] { ++made; return std::make_unique<Identity>(); }, {"s1"})
      .AddSource<std::string, std::string>("s2", {"t2"})
      .AddProcessor("p2", [&made] { ++made; return std::make_unique<Identity>(); }, {"s2"});
  ASSERT_EQ(made, 0);  // building makes no processors
  TopologyTestDriver driver(topology, {}, 0);
  EXPECT_EQ(made, 2);  // one task per sub-topology, one instance each
  TopologyTestDriver driver2(topology, {}, 0);
  EXPECT_EQ(made, 4);
}

class IntProcessor : public kstreams::Processor<int32_t, int32_t, int32_t, int32_t> {
 public:
  void Process(Record<int32_t, int32_t>) override {}
};

TEST(TopologyStatusTest, TypeMismatchBetweenParentAndChildIsReported) {
  kstreams::Topology topology;
  topology.AddSource<std::string, std::string>("src", {"in"})
      .AddProcessor("ints", [] { return std::make_unique<IntProcessor>(); }, {"src"});
  ASSERT_FALSE(topology.status().ok());
  EXPECT_EQ(topology.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(topology.status().message()),
            "node 'ints' accepts Record<int, int> but its parent 'src' forwards "
            "Record<std::string, std::string>");
  TopologyTestDriver driver(topology, {}, 0);
  EXPECT_THAT(std::string(driver.status().message()), HasSubstr("invalid topology"));
}

TEST(TopologyStatusTest, UnknownParentIsReported) {
  kstreams::Topology topology;
  topology.AddSource<std::string, std::string>("src", {"in"})
      .AddSink<std::string, std::string>("sink", "out", {"nope"});
  EXPECT_EQ(topology.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(topology.status().message()), HasSubstr("parent 'nope'"));
}

TEST(TopologyStatusTest, TopicReadByTwoSourcesIsReported) {
  kstreams::Topology topology;
  topology.AddSource<std::string, std::string>("a", {"in"})
      .AddSource<std::string, std::string>("b", {"in"});
  EXPECT_EQ(topology.status().code(), absl::StatusCode::kAlreadyExists);
}

}  // namespace
