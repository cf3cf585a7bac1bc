// Every stateless KStream operator through the TopologyTestDriver, with exact
// keys, values, timestamps and headers (worked out by hand from Kafka
// Streams' documented semantics).
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/kstreams.h"
#include "kstreams/testing/topology_test_driver.h"

namespace {

using kstreams::Headers;
using kstreams::KeyValue;
using kstreams::Named;
using kstreams::StreamsBuilder;
using kstreams::TestRecord;
using kstreams::TopologyTestDriver;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

using SR = TestRecord<std::string, std::string>;

const Headers kTraceHeaders{{"trace", "t1"}, {"trace", "t2"}, {"empty", std::nullopt}};

TEST(FilterTest, KeepsMatchingRecordsWithTimestampAndHeaders) {
  StreamsBuilder builder;
  builder.Stream<std::string, int32_t>("in")
      .Filter([](const std::string&, int32_t v) { return v % 2 == 0; })
      .To("out");
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, int32_t>("in");
  auto out = driver.CreateOutputTopic<std::string, int32_t>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("a", 1, 10));
  KSTREAMS_ASSERT_OK(in.PipeInput("b", 2, 20, kTraceHeaders));
  KSTREAMS_ASSERT_OK(in.PipeInput("c", 4, 5));
  EXPECT_THAT(out.ReadRecordsToList(),
              ElementsAre(TestRecord<std::string, int32_t>{"b", 2, 20, kTraceHeaders},
                          TestRecord<std::string, int32_t>{"c", 4, 5, {}}));
}

TEST(FilterNotTest, DropsMatchingRecords) {
  StreamsBuilder builder;
  builder.Stream<std::string, int32_t>("in")
      .FilterNot([](const std::string& k, int32_t) { return k == "b"; })
      .To("out");
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, int32_t>("in");
  auto out = driver.CreateOutputTopic<std::string, int32_t>("out");
  KSTREAMS_ASSERT_OK(in.PipeKeyValueList({{"a", 1}, {"b", 2}, {"c", 3}}));
  EXPECT_THAT(out.ReadKeyValuesToList(),
              ElementsAre(KeyValue<std::string, int32_t>{"a", 1},
                          KeyValue<std::string, int32_t>{"c", 3}));
}

TEST(MapValuesTest, ValueOnlyAndKeyValueFormsChangeTheValueType) {
  StreamsBuilder builder;
  auto lengths = builder.Stream<std::string, std::string>("in").MapValues(
      [](const std::string& v) { return static_cast<int64_t>(v.size()); });
  lengths.To("lengths");
  lengths.MapValues([](const std::string& k, int64_t n) { return k + "=" + std::to_string(n); })
      .To("labels");
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  auto out_lengths = driver.CreateOutputTopic<std::string, int64_t>("lengths");
  auto out_labels = driver.CreateOutputTopic<std::string, std::string>("labels");
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "hello", 42, kTraceHeaders));
  EXPECT_THAT(out_lengths.ReadRecordsToList(),
              ElementsAre(TestRecord<std::string, int64_t>{"k", 5, 42, kTraceHeaders}));
  EXPECT_THAT(out_labels.ReadRecordsToList(), ElementsAre(SR{"k", "k=5", 42, kTraceHeaders}));
}

TEST(MapTest, NewKeyAndValueKeepTimestampAndHeaders) {
  StreamsBuilder builder;
  builder.Stream<std::string, int32_t>("in")
      .Map([](const std::string& k, int32_t v) {
        return KeyValue<int32_t, std::string>{v, k + k};
      })
      .To("out");
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, int32_t>("in");
  auto out = driver.CreateOutputTopic<int32_t, std::string>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("ab", 7, 100, kTraceHeaders));
  KSTREAMS_ASSERT_OK(in.PipeInput("c", -1, 101));
  EXPECT_THAT(out.ReadRecordsToList(),
              ElementsAre(TestRecord<int32_t, std::string>{7, "abab", 100, kTraceHeaders},
                          TestRecord<int32_t, std::string>{-1, "cc", 101, {}}));
}

TEST(MapTest, AcceptsStdPair) {
  StreamsBuilder builder;
  builder.Stream<std::string, std::string>("in")
      .Map([](const std::string& k, const std::string& v) { return std::make_pair(v, k); })
      .To("out");
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  auto out = driver.CreateOutputTopic<std::string, std::string>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "v", 1));
  EXPECT_THAT(out.ReadKeyValuesToList(), ElementsAre(KeyValue<std::string, std::string>{"v", "k"}));
}

TEST(FlatMapTest, EmitsEachPairInOrderWithTheInputTimestampAndHeaders) {
  StreamsBuilder builder;
  builder.Stream<std::string, std::string>("in")
      .FlatMap([](const std::string& k, const std::string& v) {
        std::vector<KeyValue<std::string, int32_t>> out;
        for (size_t i = 0; i < v.size(); ++i) {
          out.push_back({k + std::string(1, v[i]), static_cast<int32_t>(i)});
        }
        return out;
      })
      .To("out");
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  auto out = driver.CreateOutputTopic<std::string, int32_t>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "xyz", 9, kTraceHeaders));
  KSTREAMS_ASSERT_OK(in.PipeInput("e", "", 10));  // no output
  KSTREAMS_ASSERT_OK(in.PipeInput("m", "q", 11));
  using R = TestRecord<std::string, int32_t>;
  EXPECT_THAT(out.ReadRecordsToList(),
              ElementsAre(R{"kx", 0, 9, kTraceHeaders}, R{"ky", 1, 9, kTraceHeaders},
                          R{"kz", 2, 9, kTraceHeaders}, R{"mq", 0, 11, {}}));
}

TEST(FlatMapValuesTest, ValueOnlyAndKeyValueForms) {
  StreamsBuilder builder;
  auto in_stream = builder.Stream<std::string, std::string>("in");
  in_stream
      .FlatMapValues([](const std::string& v) {
        return std::vector<std::string>{v + "1", v + "2"};
      })
      .To("out");
  in_stream
      .FlatMapValues([](const std::string& k, const std::string& v) {
        return std::vector<int64_t>{static_cast<int64_t>(k.size() + v.size())};
      })
      .To("sizes");
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  auto out = driver.CreateOutputTopic<std::string, std::string>("out");
  auto sizes = driver.CreateOutputTopic<std::string, int64_t>("sizes");
  KSTREAMS_ASSERT_OK(in.PipeInput("key", "v", 3, kTraceHeaders));
  EXPECT_THAT(out.ReadRecordsToList(),
              ElementsAre(SR{"key", "v1", 3, kTraceHeaders}, SR{"key", "v2", 3, kTraceHeaders}));
  EXPECT_THAT(sizes.ReadRecordsToList(),
              ElementsAre(TestRecord<std::string, int64_t>{"key", 4, 3, kTraceHeaders}));
}

TEST(SelectKeyTest, ReplacesTheKeyOnly) {
  StreamsBuilder builder;
  auto keyed = builder.Stream<std::string, std::string>("in").SelectKey(
      [](const std::string&, const std::string& v) { return static_cast<int32_t>(v.size()); });
  EXPECT_TRUE(keyed.repartition_required());
  keyed.To("out");
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  auto out = driver.CreateOutputTopic<int32_t, std::string>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("old", "four", 77, kTraceHeaders));
  EXPECT_THAT(out.ReadRecordsToList(),
              ElementsAre(TestRecord<int32_t, std::string>{4, "four", 77, kTraceHeaders}));
}

TEST(KeyChangingOperatorsTest, MarkRepartitionRequiredAndValueOperatorsKeepTheMark) {
  StreamsBuilder builder;
  auto s = builder.Stream<std::string, std::string>("in");
  auto same = [](const std::string& k, const std::string&) { return k; };
  EXPECT_FALSE(s.repartition_required());
  EXPECT_FALSE(s.MapValues([](const std::string& v) { return v; }).repartition_required());
  EXPECT_TRUE(s.SelectKey(same).repartition_required());
  EXPECT_TRUE(s.SelectKey(same).MapValues([](std::string v) { return v; }).repartition_required());
  EXPECT_TRUE(s.SelectKey(same).Filter([](auto&, auto&) { return true; }).repartition_required());
  EXPECT_TRUE(s.Map([](const std::string& k, const std::string& v) { return KeyValue{k, v}; })
                  .repartition_required());
  EXPECT_FALSE(s.SelectKey(same).Repartition().repartition_required());
}

TEST(PeekTest, SeesEveryRecordAndForwardsIt) {
  StreamsBuilder builder;
  std::vector<std::string> seen;
  builder.Stream<std::string, std::string>("in")
      .Peek([&seen](const std::string& k, const std::string& v) { seen.push_back(k + ":" + v); })
      .To("out");
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  auto out = driver.CreateOutputTopic<std::string, std::string>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("a", "1", 1, kTraceHeaders));
  KSTREAMS_ASSERT_OK(in.PipeInput("b", "2", 2));
  EXPECT_THAT(seen, ElementsAre("a:1", "b:2"));
  EXPECT_THAT(out.ReadRecordsToList(), ElementsAre(SR{"a", "1", 1, kTraceHeaders}, SR{"b", "2", 2, {}}));
}

TEST(ForeachTest, CallsTheActionPerRecord) {
  StreamsBuilder builder;
  std::vector<std::pair<std::string, int64_t>> seen;
  builder.Stream<std::string, int64_t>("in").Foreach(
      [&seen](const std::string& k, int64_t v) { seen.emplace_back(k, v); });
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, int64_t>("in");
  KSTREAMS_ASSERT_OK(in.PipeKeyValueList({{"x", 1}, {"y", -2}, {"x", 3}}));
  EXPECT_THAT(seen, ElementsAre(std::make_pair(std::string("x"), int64_t{1}),
                                std::make_pair(std::string("y"), int64_t{-2}),
                                std::make_pair(std::string("x"), int64_t{3})));
}

TEST(MergeTest, InterleavesBothStreamsInArrivalOrder) {
  StreamsBuilder builder;
  auto a = builder.Stream<std::string, std::string>("a");
  auto b = builder.Stream<std::string, std::string>("b");
  a.Merge(b).To("out");
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in_a = driver.CreateInputTopic<std::string, std::string>("a");
  auto in_b = driver.CreateInputTopic<std::string, std::string>("b");
  auto out = driver.CreateOutputTopic<std::string, std::string>("out");
  KSTREAMS_ASSERT_OK(in_a.PipeInput("k1", "a1", 5));
  KSTREAMS_ASSERT_OK(in_b.PipeInput("k2", "b1", 3, kTraceHeaders));
  KSTREAMS_ASSERT_OK(in_a.PipeInput("k3", "a2", 8));
  EXPECT_THAT(out.ReadRecordsToList(),
              ElementsAre(SR{"k1", "a1", 5, {}}, SR{"k2", "b1", 3, kTraceHeaders},
                          SR{"k3", "a2", 8, {}}));
}

TEST(ToTest, TopicNameExtractorPicksTheTopicPerRecord) {
  StreamsBuilder builder;
  builder.Stream<std::string, std::string>("in").To(
      kstreams::TopicNameExtractor<std::string, std::string>(
          [](const kstreams::Record<std::string, std::string>& r) { return "out-" + r.key(); }));
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  KSTREAMS_ASSERT_OK(in.PipeInput("x", "1", 1));
  KSTREAMS_ASSERT_OK(in.PipeInput("y", "2", 2));
  KSTREAMS_ASSERT_OK(in.PipeInput("x", "3", 3));
  auto out_x = driver.CreateOutputTopic<std::string, std::string>("out-x");
  auto out_y = driver.CreateOutputTopic<std::string, std::string>("out-y");
  EXPECT_THAT(out_x.ReadValuesToList(), ElementsAre("1", "3"));
  EXPECT_THAT(out_y.ReadValuesToList(), ElementsAre("2"));
  EXPECT_THAT(driver.ProducedTopicNames(), ElementsAre("out-x", "out-y"));
}

TEST(ToTest, ProducedSerdesAndStreamPartitionerAreUsed) {
  StreamsBuilder builder;
  std::vector<std::string> calls;
  builder.Stream<std::string, int64_t>("in").To(
      "out", kstreams::Produced<std::string, int64_t>::With(kstreams::serdes::String(),
                                                           kstreams::serdes::Int64())
                 .WithStreamPartitioner([&calls](const std::string& k, const int64_t& v,
                                                 int32_t partitions) -> std::optional<int32_t> {
                   calls.push_back(k + "/" + std::to_string(v) + "/" + std::to_string(partitions));
                   return 0;
                 }));
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, int64_t>("in");
  KSTREAMS_ASSERT_OK(in.PipeInput("k", 258, 1));
  // Read back the raw bytes: Java's LongSerializer of 258 is 00 .. 01 02.
  auto raw = driver.CreateOutputTopic<std::string, kstreams::ByteArray>("out");
  auto r = raw.ReadRecord();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->value, (kstreams::ByteArray{0, 0, 0, 0, 0, 0, 1, 2}));
  EXPECT_THAT(calls, ElementsAre("k/258/1"));  // the driver's topics have 1 partition
}

TEST(RepartitionTest, SelectKeyThenRepartitionRoutesRecordsThroughTheInternalTopic) {
  StreamsBuilder builder;
  builder.Stream<std::string, std::string>("in")
      .SelectKey([](const std::string&, const std::string& v) { return v.substr(0, 1); })
      .Repartition(kstreams::Repartitioned<std::string, std::string>::As("by-initial")
                       .WithNumberOfPartitions(3))
      .MapValues([](const std::string& v) { return v + "!"; })
      .To("out");
  kstreams::Topology topology = builder.Build();
  KSTREAMS_ASSERT_OK(topology.status());
  ASSERT_TRUE(topology.data().IsInternalTopic("by-initial-repartition"));
  EXPECT_EQ(topology.data().internal_topics().at("by-initial-repartition").partitions, 3);
  EXPECT_EQ(topology.Describe().ToString(),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: KSTREAM-SOURCE-0000000000 (topics: [in])\n"
            "      --> KSTREAM-KEY-SELECT-0000000001\n"
            "    Processor: KSTREAM-KEY-SELECT-0000000001 (stores: [])\n"
            "      --> by-initial-repartition-filter\n"
            "      <-- KSTREAM-SOURCE-0000000000\n"
            "    Processor: by-initial-repartition-filter (stores: [])\n"
            "      --> by-initial-repartition-sink\n"
            "      <-- KSTREAM-KEY-SELECT-0000000001\n"
            "    Sink: by-initial-repartition-sink (topic: by-initial-repartition)\n"
            "      <-- by-initial-repartition-filter\n"
            "\n"
            "  Sub-topology: 1\n"
            "    Source: by-initial-repartition-source (topics: [by-initial-repartition])\n"
            "      --> KSTREAM-MAPVALUES-0000000005\n"
            "    Processor: KSTREAM-MAPVALUES-0000000005 (stores: [])\n"
            "      --> KSTREAM-SINK-0000000006\n"
            "      <-- by-initial-repartition-source\n"
            "    Sink: KSTREAM-SINK-0000000006 (topic: out)\n"
            "      <-- KSTREAM-MAPVALUES-0000000005\n"
            "\n");
  TopologyTestDriver driver(topology, {{"application.id", "app"}}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  auto through = driver.CreateOutputTopic<std::string, std::string>("app-by-initial-repartition");
  auto out = driver.CreateOutputTopic<std::string, std::string>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("x", "apple", 7, kTraceHeaders));
  KSTREAMS_ASSERT_OK(in.PipeInput("y", "banana", 8));
  EXPECT_THAT(through.ReadRecordsToList(),
              ElementsAre(SR{"a", "apple", 7, kTraceHeaders}, SR{"b", "banana", 8, {}}));
  EXPECT_THAT(out.ReadRecordsToList(),
              ElementsAre(SR{"a", "apple!", 7, kTraceHeaders}, SR{"b", "banana!", 8, {}}));
}

class Doubler : public kstreams::Processor<std::string, int32_t, int32_t, std::string> {
 public:
  void Init(kstreams::ProcessorContext<int32_t, std::string>& ctx) override { ctx_ = &ctx; }
  void Process(kstreams::Record<std::string, int32_t> r) override {
    ctx_->Forward(kstreams::Record<int32_t, std::string>(r.value(), r.key(), r.timestamp(),
                                                         r.headers()));
    ctx_->Forward(kstreams::Record<int32_t, std::string>(r.value() * 2, r.key(),
                                                         r.timestamp() + 1, {}));
  }

 private:
  kstreams::ProcessorContext<int32_t, std::string>* ctx_ = nullptr;
};

class Suffixer : public kstreams::FixedKeyProcessor<std::string, int32_t, std::string> {
 public:
  void Init(kstreams::FixedKeyProcessorContext<std::string, std::string>& ctx) override {
    ctx_ = &ctx;
  }
  void Process(kstreams::FixedKeyRecord<std::string, int32_t> r) override {
    std::string v = std::to_string(r.value()) + "@" + r.key();
    ctx_->Forward(std::move(r).WithValue(std::move(v)));
  }

 private:
  kstreams::FixedKeyProcessorContext<std::string, std::string>* ctx_ = nullptr;
};

TEST(ProcessTest, RunsAProcessorApiProcessorInTheDsl) {
  StreamsBuilder builder;
  auto processed = builder.Stream<std::string, int32_t>("in").Process(
      [] { return std::make_unique<Doubler>(); });
  EXPECT_TRUE(processed.repartition_required());
  processed.To("out");
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, int32_t>("in");
  auto out = driver.CreateOutputTopic<int32_t, std::string>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("k", 21, 100, kTraceHeaders));
  using R = TestRecord<int32_t, std::string>;
  EXPECT_THAT(out.ReadRecordsToList(),
              ElementsAre(R{21, "k", 100, kTraceHeaders}, R{42, "k", 101, {}}));
}

TEST(ProcessValuesTest, RunsAFixedKeyProcessor) {
  StreamsBuilder builder;
  auto processed = builder.Stream<std::string, int32_t>("in").ProcessValues(
      [] { return std::make_unique<Suffixer>(); }, Named::As("suffix"));
  EXPECT_FALSE(processed.repartition_required());
  processed.To("out");
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, int32_t>("in");
  auto out = driver.CreateOutputTopic<std::string, std::string>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("k", 5, 9, kTraceHeaders));
  EXPECT_THAT(out.ReadRecordsToList(), ElementsAre(SR{"k", "5@k", 9, kTraceHeaders}));
}

// Generated names: one index per operator, shared counter, Java's prefixes.
TEST(NamingTest, GeneratedNamesFollowJavasPrefixesAndCounter) {
  StreamsBuilder builder;
  builder.Stream<std::string, int32_t>("in")                                     // SOURCE-0
      .Filter([](const std::string&, int32_t) { return true; })                  // FILTER-1
      .FilterNot([](const std::string&, int32_t) { return false; })              // FILTER-2
      .MapValues([](int32_t v) { return v; })                                    // MAPVALUES-3
      .Map([](const std::string& k, int32_t v) { return KeyValue{k, v}; })       // MAP-4
      .FlatMap([](const std::string& k, int32_t v) {                             // FLATMAP-5
        return std::vector<KeyValue<std::string, int32_t>>{{k, v}};
      })
      .FlatMapValues([](int32_t v) { return std::vector<int32_t>{v}; })         // FLATMAPVALUES-6
      .SelectKey([](const std::string& k, int32_t) { return k; })               // KEY-SELECT-7
      .Peek([](const std::string&, int32_t) {})                                  // PEEK-8
      .Process([] { return std::make_unique<Doubler>(); })                       // PROCESSOR-9
      .Foreach([](int32_t, const std::string&) {});                              // FOREACH-10
  EXPECT_EQ(builder.Build().Describe().ToString(),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: KSTREAM-SOURCE-0000000000 (topics: [in])\n"
            "      --> KSTREAM-FILTER-0000000001\n"
            "    Processor: KSTREAM-FILTER-0000000001 (stores: [])\n"
            "      --> KSTREAM-FILTER-0000000002\n"
            "      <-- KSTREAM-SOURCE-0000000000\n"
            "    Processor: KSTREAM-FILTER-0000000002 (stores: [])\n"
            "      --> KSTREAM-MAPVALUES-0000000003\n"
            "      <-- KSTREAM-FILTER-0000000001\n"
            "    Processor: KSTREAM-MAPVALUES-0000000003 (stores: [])\n"
            "      --> KSTREAM-MAP-0000000004\n"
            "      <-- KSTREAM-FILTER-0000000002\n"
            "    Processor: KSTREAM-MAP-0000000004 (stores: [])\n"
            "      --> KSTREAM-FLATMAP-0000000005\n"
            "      <-- KSTREAM-MAPVALUES-0000000003\n"
            "    Processor: KSTREAM-FLATMAP-0000000005 (stores: [])\n"
            "      --> KSTREAM-FLATMAPVALUES-0000000006\n"
            "      <-- KSTREAM-MAP-0000000004\n"
            "    Processor: KSTREAM-FLATMAPVALUES-0000000006 (stores: [])\n"
            "      --> KSTREAM-KEY-SELECT-0000000007\n"
            "      <-- KSTREAM-FLATMAP-0000000005\n"
            "    Processor: KSTREAM-KEY-SELECT-0000000007 (stores: [])\n"
            "      --> KSTREAM-PEEK-0000000008\n"
            "      <-- KSTREAM-FLATMAPVALUES-0000000006\n"
            "    Processor: KSTREAM-PEEK-0000000008 (stores: [])\n"
            "      --> KSTREAM-PROCESSOR-0000000009\n"
            "      <-- KSTREAM-KEY-SELECT-0000000007\n"
            "    Processor: KSTREAM-PROCESSOR-0000000009 (stores: [])\n"
            "      --> KSTREAM-FOREACH-0000000010\n"
            "      <-- KSTREAM-PEEK-0000000008\n"
            "    Processor: KSTREAM-FOREACH-0000000010 (stores: [])\n"
            "      --> none\n"
            "      <-- KSTREAM-PROCESSOR-0000000009\n"
            "\n");
}

TEST(NamingTest, NamedReplacesGeneratedNamesWithoutUsingAnIndex) {
  StreamsBuilder builder;
  auto s = builder.Stream<std::string, std::string>(
      "in", kstreams::Consumed<std::string, std::string>::As("read-in"));
  s.Filter([](auto&, auto&) { return true; }, Named::As("keep-all"))
      .MapValues([](std::string v) { return v; })  // first generated index: 0
      .Print(kstreams::Printed<std::string, std::string>::ToSysOut().WithName("show"));
  s.To("out", kstreams::Produced<std::string, std::string>::As("write-out"));
  EXPECT_EQ(builder.Build().Describe().ToString(),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: read-in (topics: [in])\n"
            "      --> keep-all, write-out\n"
            "    Processor: keep-all (stores: [])\n"
            "      --> KSTREAM-MAPVALUES-0000000000\n"
            "      <-- read-in\n"
            "    Processor: KSTREAM-MAPVALUES-0000000000 (stores: [])\n"
            "      --> show\n"
            "      <-- keep-all\n"
            "    Processor: show (stores: [])\n"
            "      --> none\n"
            "      <-- KSTREAM-MAPVALUES-0000000000\n"
            "    Sink: write-out (topic: out)\n"
            "      <-- read-in\n"
            "\n");
}

TEST(NamingTest, DuplicateNameIsABuildingError) {
  StreamsBuilder builder;
  auto s = builder.Stream<std::string, std::string>("in");
  s.Filter([](auto&, auto&) { return true; }, Named::As("x"));
  s.Peek([](auto&, auto&) {}, Named::As("x"));
  kstreams::Topology topology = builder.Build();
  EXPECT_EQ(topology.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(topology.status().message()), ::testing::HasSubstr("'x'"));
  TopologyTestDriver driver(topology, {}, 0);
  EXPECT_FALSE(driver.status().ok());
}

}  // namespace
