// The examples of docs/dsl.md, compiled and checked, so the docs stay true.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/kstreams.h"
#include "kstreams/testing/topology_test_driver.h"

namespace docs_examples_test {

using ::testing::ElementsAre;

// --- docs/dsl.md: "The DSL" ---
kstreams::Topology WordLengths() {
  kstreams::StreamsBuilder builder;
  auto branches =
      builder.Stream<std::string, std::string>("words")
          .Filter([](const std::string&, const std::string& w) { return !w.empty(); })
          .MapValues([](const std::string& w) { return static_cast<int64_t>(w.size()); })
          .Split(kstreams::Named::As("len-"))
          .Branch([](const std::string&, int64_t n) { return n > 5; },
                  kstreams::Branched::As("long"))
          .DefaultBranch(kstreams::Branched::As("short"));
  branches.at("len-long").To("long-words");
  branches.at("len-short").To("short-words");
  return builder.Build();
}

// --- docs/dsl.md: "The Processor API" ---
class CountPerInterval
    : public kstreams::Processor<std::string, std::string, std::string, int64_t> {
 public:
  void Init(kstreams::ProcessorContext<std::string, int64_t>& ctx) override {
    ctx_ = &ctx;
    ctx.Schedule(std::chrono::seconds(10), kstreams::PunctuationType::kStreamTime,
                 [this](int64_t now) {
                   ctx_->Forward(kstreams::Record<std::string, int64_t>("count", count_, now));
                   count_ = 0;
                 });
  }
  void Process(kstreams::Record<std::string, std::string>) override { ++count_; }

 private:
  kstreams::ProcessorContext<std::string, int64_t>* ctx_ = nullptr;
  int64_t count_ = 0;
};

kstreams::Topology CountTopology() {
  kstreams::Topology topology;
  topology.AddSource<std::string, std::string>("events-source", {"events"})
      .AddProcessor("count", [] { return std::make_unique<CountPerInterval>(); },
                    {"events-source"})
      .AddSink<std::string, int64_t>("counts-sink", "counts", {"count"});
  return topology;
}

// --- docs/dsl.md: "Windowing" ---
// Clicks per user per 1-minute window advancing every 10 s, one final count
// per window once it closes (30 s of grace for late clicks).
kstreams::Topology ClicksPerMinute() {
  using std::chrono::minutes, std::chrono::seconds;
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("clicks")
      .GroupByKey()
      .WindowedBy(kstreams::TimeWindows::OfSizeAndGrace(minutes(1), seconds(30))
                      .AdvanceBy(seconds(10)))
      .Count(kstreams::Materialized<std::string, int64_t>::As("clicks-per-minute"))
      .Suppress(kstreams::Suppressed::UntilWindowCloses(kstreams::BufferConfig::Unbounded()))
      .ToStream()
      .To("final-clicks");  // key: TimeWindowedSerde (user + 8-byte start), value: int64
  return builder.Build();
}

TEST(DocsExamplesTest, ClicksPerMinute) {
  kstreams::TopologyTestDriver driver(ClicksPerMinute(), {{"application.id", "clicks"}}, 0);
  auto clicks = driver.CreateInputTopic<std::string, std::string>("clicks");
  auto final_clicks = driver.CreateOutputTopic<kstreams::Windowed<std::string>, int64_t>(
      "final-clicks", kstreams::serdes::TimeWindowed<std::string>(std::chrono::minutes(1)),
      kstreams::serdes::Int64());
  KSTREAMS_ASSERT_OK(clicks.PipeInput("ann", "/", 5'000));   // window [0, 60 s)
  KSTREAMS_ASSERT_OK(clicks.PipeInput("ann", "/", 15'000));  // [0, 60 s) and [10 s, 70 s)
  EXPECT_TRUE(final_clicks.IsEmpty());
  // Stream time 90 s: windows ending by 60 s are final (end + 30 s grace).
  KSTREAMS_ASSERT_OK(clicks.PipeInput("bob", "/", 90'000));
  using KV = kstreams::KeyValue<kstreams::Windowed<std::string>, int64_t>;
  EXPECT_THAT(final_clicks.ReadKeyValuesToList(),
              ElementsAre(KV{{"ann", kstreams::Window(0, 60'000)}, 2}));
}

// --- docs/dsl.md: "Testing with TopologyTestDriver" ---
TEST(DocsExamplesTest, WordLengths) {
  kstreams::TopologyTestDriver driver(WordLengths(), {{"application.id", "word-lengths"}},
                                      /*initial_wall_clock_ms=*/0);
  auto words = driver.CreateInputTopic<std::string, std::string>("words");
  auto long_words = driver.CreateOutputTopic<std::string, int64_t>("long-words");
  auto short_words = driver.CreateOutputTopic<std::string, int64_t>("short-words");

  KSTREAMS_ASSERT_OK(words.PipeInput("a", "streams", /*timestamp_ms=*/10));
  KSTREAMS_ASSERT_OK(words.PipeInput("b", "", 11));
  KSTREAMS_ASSERT_OK(words.PipeInput("c", "kafka", 12));

  EXPECT_THAT(long_words.ReadKeyValuesToList(),
              ElementsAre(kstreams::KeyValue<std::string, int64_t>{"a", 7}));
  auto r = short_words.ReadRecord();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->key, "c");
  EXPECT_EQ(r->value, 5);
  EXPECT_EQ(r->timestamp, 12);
  EXPECT_TRUE(short_words.IsEmpty());
}

TEST(DocsExamplesTest, CountPerInterval) {
  kstreams::TopologyTestDriver driver(CountTopology(), {}, 0);
  auto events = driver.CreateInputTopic<std::string, std::string>("events");
  auto counts = driver.CreateOutputTopic<std::string, int64_t>("counts");
  for (int64_t ts : {0, 4000, 9000, 10000, 25000}) {
    KSTREAMS_ASSERT_OK(events.PipeInput("k", "e", ts));
  }
  using R = kstreams::TestRecord<std::string, int64_t>;
  EXPECT_THAT(counts.ReadRecordsToList(),
              ElementsAre(R{"count", 1, 0, {}}, R{"count", 3, 10000, {}},
                          R{"count", 1, 25000, {}}));
}

TEST(DocsExamplesTest, DescribeWordLengths) {
  EXPECT_EQ(WordLengths().Describe().ToString(),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: KSTREAM-SOURCE-0000000000 (topics: [words])\n"
            "      --> KSTREAM-FILTER-0000000001\n"
            "    Processor: KSTREAM-FILTER-0000000001 (stores: [])\n"
            "      --> KSTREAM-MAPVALUES-0000000002\n"
            "      <-- KSTREAM-SOURCE-0000000000\n"
            "    Processor: KSTREAM-MAPVALUES-0000000002 (stores: [])\n"
            "      --> len-\n"
            "      <-- KSTREAM-FILTER-0000000001\n"
            "    Processor: len- (stores: [])\n"
            "      --> len-long, len-short\n"
            "      <-- KSTREAM-MAPVALUES-0000000002\n"
            "    Processor: len-long (stores: [])\n"
            "      --> KSTREAM-SINK-0000000003\n"
            "      <-- len-\n"
            "    Processor: len-short (stores: [])\n"
            "      --> KSTREAM-SINK-0000000004\n"
            "      <-- len-\n"
            "    Sink: KSTREAM-SINK-0000000003 (topic: long-words)\n"
            "      <-- len-long\n"
            "    Sink: KSTREAM-SINK-0000000004 (topic: short-words)\n"
            "      <-- len-short\n"
            "\n");
}

}  // namespace docs_examples_test
