// Nulls, Void, user serdes, source topic sets and patterns, and the error
// handlers, through the TopologyTestDriver.
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/kstreams.h"
#include "kstreams/testing/topology_test_driver.h"

namespace {

using kstreams::KeyValue;
using kstreams::StreamsBuilder;
using kstreams::TestRecord;
using kstreams::TopologyTestDriver;
using kstreams::Void;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using OptString = std::optional<std::string>;

TEST(NullTest, OptionalKeyAndValueStreamsReceiveNulls) {
  StreamsBuilder builder;
  builder.Stream<OptString, OptString>("in")
      .Filter([](const OptString& k, const OptString&) { return !k || *k != "drop"; })
      .MapValues([](const OptString& k, const OptString& v) -> std::string {
        return (k ? *k : "<no key>") + "=" + (v ? *v : "<no value>");
      })
      .To("out");
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in = driver.CreateInputTopic<OptString, OptString>("in");
  auto out = driver.CreateOutputTopic<OptString, std::string>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput(std::nullopt, "v", 1));
  KSTREAMS_ASSERT_OK(in.PipeTombstone("k", 2));
  KSTREAMS_ASSERT_OK(in.PipeInput("drop", std::nullopt, 3));
  KSTREAMS_ASSERT_OK(in.PipeInput(OptString("k"), OptString("v"), 4));
  using R = TestRecord<OptString, std::string>;
  EXPECT_THAT(out.ReadRecordsToList(),
              ElementsAre(R{std::nullopt, "<no key>=v", 1, {}}, R{"k", "k=<no value>", 2, {}},
                          R{"k", "k=v", 4, {}}));
}

TEST(NullTest, NullKeyIntoAStringKeyStreamIsAnErrorNamingTheFix) {
  StreamsBuilder builder;
  builder.Stream<std::string, std::string>("in").To("out");
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in = driver.CreateInputTopic<OptString, std::string>("in");
  KSTREAMS_ASSERT_OK(in.PipeInput(OptString("k"), "first", 1));
  absl::Status s = in.PipeInput(std::nullopt, "v", 2);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(s.message()),
            "deserialization error at topic 'in' partition 0 offset 1 (source "
            "'KSTREAM-SOURCE-0000000000'): key: null bytes on topic 'in' cannot be "
            "deserialized into std::string; declare the type as std::optional<...> (or "
            "kstreams::Void for keyless topics) to receive nulls");
  EXPECT_EQ(driver.status(), s);
}

TEST(NullTest, NullValueIntoAnInt64ValueStreamUnderLogAndContinueIsSkipped) {
  StreamsBuilder builder;
  builder.Stream<std::string, int64_t>("in").To("out");
  TopologyTestDriver driver(builder.Build(),
                            {{"default.deserialization.exception.handler", "log_and_continue"}}, 0);
  auto in = driver.CreateInputTopic<std::string, std::optional<int64_t>>("in");
  auto out = driver.CreateOutputTopic<std::string, int64_t>("out");
  KSTREAMS_ASSERT_OK(in.PipeTombstone("gone", 1));
  KSTREAMS_ASSERT_OK(in.PipeInput("k", int64_t{7}, 2));
  EXPECT_THAT(out.ReadKeyValuesToList(), ElementsAre(KeyValue<std::string, int64_t>{"k", 7}));
  EXPECT_EQ(driver.dropped_records(), 1);
}

TEST(VoidTest, KeylessTopicsUseVoidKeys) {
  StreamsBuilder builder;
  builder.Stream<Void, std::string>("in")
      .MapValues([](const std::string& v) { return v + v; })
      .To("out");
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in = driver.CreateInputTopic<Void, std::string>("in");
  auto out = driver.CreateOutputTopic<OptString, std::string>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("ab", 3));
  KSTREAMS_ASSERT_OK(in.PipeInput(Void{}, "c", 4));
  using R = TestRecord<OptString, std::string>;
  EXPECT_THAT(out.ReadRecordsToList(), ElementsAre(R{std::nullopt, "abab", 3, {}},
                                                   R{std::nullopt, "cc", 4, {}}));
  // A non-null key cannot become a Void.
  auto keyed = driver.CreateInputTopic<std::string, std::string>("in");
  absl::Status s = keyed.PipeInput("k", "v", 5);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("key: VoidDeserializer on topic 'in': expected null, got 1 bytes"));
}

// A user type with its own serde, picked by type through DefaultSerde.
struct Point {
  int32_t x = 0;
  int32_t y = 0;
  friend bool operator==(const Point&, const Point&) = default;
};

class PointSerde : public kstreams::Serde<Point> {
 public:
  absl::Status Serialize(std::string_view, const Point& p, std::string& out) const override {
    out = std::to_string(p.x) + "," + std::to_string(p.y);
    return absl::OkStatus();
  }
  absl::StatusOr<Point> Deserialize(std::string_view topic, std::string_view data) const override {
    size_t comma = data.find(',');
    if (comma == std::string_view::npos) {
      return absl::InvalidArgumentError("PointSerde on topic '" + std::string(topic) +
                                        "': no comma in '" + std::string(data) + "'");
    }
    return Point{std::stoi(std::string(data.substr(0, comma))),
                 std::stoi(std::string(data.substr(comma + 1)))};
  }
};

}  // namespace

template <>
struct kstreams::DefaultSerde<Point> {
  static kstreams::SerdePtr<Point> Get() { return std::make_shared<PointSerde>(); }
};

namespace {

TEST(UserSerdeTest, DefaultSerdeSpecializationIsPickedByType) {
  StreamsBuilder builder;
  builder.Stream<std::string, Point>("in")
      .MapValues([](const Point& p) { return Point{p.y, p.x}; })
      .To("out");
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");  // raw text in
  auto out = driver.CreateOutputTopic<std::string, std::string>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("p", "3,4", 1));
  EXPECT_THAT(out.ReadValuesToList(), ElementsAre("4,3"));
  absl::Status s = in.PipeInput("p", "oops", 2);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("offset 1 (source 'KSTREAM-SOURCE-0000000000'): value: PointSerde on "
                        "topic 'in': no comma in 'oops'"));
}

TEST(SourceTest, OneSourceReadsSeveralTopics) {
  StreamsBuilder builder;
  builder.Stream<std::string, std::string>(std::vector<std::string>{"a", "b"}).To("out");
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto a = driver.CreateInputTopic<std::string, std::string>("a");
  auto b = driver.CreateInputTopic<std::string, std::string>("b");
  auto out = driver.CreateOutputTopic<std::string, std::string>("out");
  KSTREAMS_ASSERT_OK(a.PipeInput("k", "from-a", 1));
  KSTREAMS_ASSERT_OK(b.PipeInput("k", "from-b", 2));
  EXPECT_THAT(out.ReadValuesToList(), ElementsAre("from-a", "from-b"));
}

TEST(SourceTest, PatternSourceReadsEveryMatchingTopic) {
  StreamsBuilder builder;
  builder.Stream<std::string, std::string>(kstreams::TopicPattern::Regex("orders-[a-z]+"))
      .To("all-orders");
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto eu = driver.CreateInputTopic<std::string, std::string>("orders-eu");
  auto us = driver.CreateInputTopic<std::string, std::string>("orders-us");
  auto other = driver.CreateInputTopic<std::string, std::string>("orders-42");
  auto out = driver.CreateOutputTopic<std::string, std::string>("all-orders");
  KSTREAMS_ASSERT_OK(eu.PipeInput("k", "1", 1));
  KSTREAMS_ASSERT_OK(us.PipeInput("k", "2", 2));
  EXPECT_THAT(out.ReadValuesToList(), ElementsAre("1", "2"));
  // The whole name must match, as Java's Pattern.matcher().matches().
  absl::Status s = other.PipeInput("k", "3", 3);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
}

TEST(SourceTest, InvalidPatternIsABuildingError) {
  StreamsBuilder builder;
  builder.Stream<std::string, std::string>(kstreams::TopicPattern::Regex("orders-[")).To("x");
  EXPECT_THAT(std::string(builder.Build().status().message()),
              HasSubstr("invalid topic pattern 'orders-['"));
}

TEST(DeserializationHandlerTest, DefaultLogAndFailNamesTopicPartitionAndOffset) {
  StreamsBuilder builder;
  builder.Stream<std::string, int32_t>("in").To("out");
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto good = driver.CreateInputTopic<std::string, int32_t>("in");
  auto bad = driver.CreateInputTopic<std::string, std::string>("in");
  KSTREAMS_ASSERT_OK(good.PipeInput("k", 1, 1));
  absl::Status s = bad.PipeInput("k", "ab", 2);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(s.message()),
            "deserialization error at topic 'in' partition 0 offset 1 (source "
            "'KSTREAM-SOURCE-0000000000'): value: IntegerDeserializer on topic 'in': expected "
            "4 bytes, got 2");
  EXPECT_EQ(driver.status(), s);
  // The driver stays failed, as a failed Java driver throws on.
  EXPECT_FALSE(good.PipeInput("k", 2, 3).ok());
}

TEST(DeserializationHandlerTest, LogAndContinueSkipsAndCountsTheRecord) {
  StreamsBuilder builder;
  builder.Stream<std::string, int32_t>("in").To("out");
  TopologyTestDriver driver(
      builder.Build(), {{"default.deserialization.exception.handler", "log_and_continue"}}, 0);
  auto good = driver.CreateInputTopic<std::string, int32_t>("in");
  auto bad = driver.CreateInputTopic<std::string, std::string>("in");
  auto out = driver.CreateOutputTopic<std::string, int32_t>("out");
  KSTREAMS_ASSERT_OK(good.PipeInput("a", 1, 1));
  KSTREAMS_ASSERT_OK(bad.PipeInput("b", "xyz", 2));
  KSTREAMS_ASSERT_OK(good.PipeInput("c", 3, 3));
  EXPECT_THAT(out.ReadRecordsToList(),
              ElementsAre(TestRecord<std::string, int32_t>{"a", 1, 1, {}},
                          TestRecord<std::string, int32_t>{"c", 3, 3, {}}));
  EXPECT_EQ(driver.dropped_records(), 1);
  KSTREAMS_EXPECT_OK(driver.status());
}

kstreams::Topology ThrowingTopology() {
  StreamsBuilder builder;
  builder.Stream<std::string, int32_t>("in")
      .MapValues([](int32_t v) {
        if (v == 0) throw std::runtime_error("division by zero");
        return 100 / v;
      })
      .To("out");
  return builder.Build();
}

TEST(ProcessingHandlerTest, ThrowingLambdaUnderLogAndFailFailsWithTheNodeAndOffset) {
  TopologyTestDriver driver(ThrowingTopology(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, int32_t>("in");
  KSTREAMS_ASSERT_OK(in.PipeInput("k", 5, 1));
  absl::Status s = in.PipeInput("k", 0, 2);
  EXPECT_EQ(std::string(s.message()),
            "processing error at topic 'in' partition 0 offset 1 in node "
            "'KSTREAM-MAPVALUES-0000000001': division by zero");
}

TEST(ProcessingHandlerTest, ThrowingLambdaUnderLogAndContinueSkipsTheRecord) {
  TopologyTestDriver driver(ThrowingTopology(), {{"processing.exception.handler", "log_and_continue"}},
                            0);
  auto in = driver.CreateInputTopic<std::string, int32_t>("in");
  auto out = driver.CreateOutputTopic<std::string, int32_t>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("a", 5, 1));
  KSTREAMS_ASSERT_OK(in.PipeInput("b", 0, 2));
  KSTREAMS_ASSERT_OK(in.PipeInput("c", 50, 3));
  EXPECT_THAT(out.ReadKeyValuesToList(),
              ElementsAre(KeyValue<std::string, int32_t>{"a", 20},
                          KeyValue<std::string, int32_t>{"c", 2}));
  EXPECT_EQ(driver.dropped_records(), 1);
}

TEST(ProcessingHandlerTest, UnknownHandlerNameIsAnError) {
  TopologyTestDriver driver(ThrowingTopology(), {{"processing.exception.handler", "ignore"}}, 0);
  EXPECT_THAT(std::string(driver.status().message()),
              HasSubstr("config 'processing.exception.handler' names an unknown handler 'ignore'"));
}

TEST(DriverErrorTest, OutputTopicNobodyWritesIsAnError) {
  StreamsBuilder builder;
  builder.Stream<std::string, std::string>("in").To("out");
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto nope = driver.CreateOutputTopic<std::string, std::string>("nope");
  EXPECT_EQ(driver.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(std::string(driver.status().message()),
            "output topic 'nope' is not written by any sink; sinks write: [out]");
  EXPECT_EQ(nope.ReadValue(), std::nullopt);
  EXPECT_TRUE(nope.IsEmpty());
}

TEST(DriverErrorTest, InputTopicNobodyReadsIsAnError) {
  StreamsBuilder builder;
  builder.Stream<std::string, std::string>("in").To("out");
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto nope = driver.CreateInputTopic<std::string, std::string>("nope");
  absl::Status s = nope.PipeInput("k", "v", 1);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(std::string(s.message()), "no source node reads topic 'nope'; the topology reads: [in]");
}

TEST(DriverErrorTest, OutputThatDoesNotDeserializeIsReported) {
  StreamsBuilder builder;
  builder.Stream<std::string, std::string>("in").To("out");
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  auto out = driver.CreateOutputTopic<std::string, int64_t>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "abc", 1));
  EXPECT_EQ(out.ReadValue(), std::nullopt);
  EXPECT_EQ(std::string(driver.status().message()),
            "reading output topic 'out': value: LongDeserializer on topic 'out': expected 8 "
            "bytes, got 3");
}

}  // namespace
