// Timestamp extractors, the exception handlers (KIP-1033), the dead letter
// queue (KIP-1034) and every error path, through the TopologyTestDriver.
// Expected outputs follow Kafka Streams' documented behaviour: a negative
// extracted timestamp skips the record, the built-in extractors' policies,
// the DLQ record layout of ExceptionHandlerUtils.buildDeadLetterQueueRecord.
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/errors/exception_handlers.h"
#include "kstreams/kstreams.h"
#include "kstreams/processor/timestamp_extractor.h"
#include "kstreams/testing/topology_test_driver.h"

namespace {

using kstreams::ErrorDetails;
using kstreams::ErrorHandlerContext;
using kstreams::ErrorHandlerResponse;
using kstreams::Headers;
using kstreams::KeyValue;
using kstreams::StreamsBuilder;
using kstreams::StreamsConfig;
using kstreams::TestRecord;
using kstreams::TopologyTestDriver;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using R = TestRecord<std::string, std::string>;

kstreams::Topology PassThrough() {
  StreamsBuilder builder;
  builder.Stream<std::string, std::string>("in").To("out");
  return builder.Build();
}

// ---------------------------------------------------------------------------
// Timestamp extractors (issue 16 item 4; issue 22 "negative timestamps").

TEST(TimestampExtractorTest, NegativeTimestampUnderTheDefaultFailsNamingRecordAndFix) {
  TopologyTestDriver driver(PassThrough(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  KSTREAMS_ASSERT_OK(in.PipeInput("a", "1", 5));
  absl::Status s = in.PipeInput("b", "2", -1);
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(std::string(s.message()),
            "timestamp extraction failed at topic 'in' partition 0 offset 1 (source "
            "'KSTREAM-SOURCE-0000000000'): invalid (negative) timestamp -1; to process such "
            "records set default.timestamp.extractor to log_and_skip_on_invalid_timestamp, "
            "use_partition_time_on_invalid_timestamp or wallclock, or give the source its own "
            "extractor");
}

TEST(TimestampExtractorTest, NegativeTimestampUnderLogAndContinueIsSkippedNotStalled) {
  // Before: the check ran ahead of the handlers and failed the task even
  // under log_and_continue, so the partition never got past the record.
  TopologyTestDriver driver(PassThrough(), {{"processing.exception.handler", "log_and_continue"}},
                            0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  auto out = driver.CreateOutputTopic<std::string, std::string>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("a", "1", 5));
  KSTREAMS_ASSERT_OK(in.PipeInput("b", "2", -1));
  KSTREAMS_ASSERT_OK(in.PipeInput("c", "3", 7));
  EXPECT_THAT(out.ReadRecordsToList(), ElementsAre(R{"a", "1", 5, {}}, R{"c", "3", 7, {}}));
  EXPECT_EQ(driver.dropped_records(), 1);
}

TEST(TimestampExtractorTest, LogAndSkipSkipsNegativeTimestampsByOurNameAndJavasClassName) {
  for (const char* name : {"log_and_skip_on_invalid_timestamp",
                           "org.apache.kafka.streams.processor.LogAndSkipOnInvalidTimestamp"}) {
    TopologyTestDriver driver(PassThrough(), {{"default.timestamp.extractor", name}}, 0);
    auto in = driver.CreateInputTopic<std::string, std::string>("in");
    auto out = driver.CreateOutputTopic<std::string, std::string>("out");
    KSTREAMS_ASSERT_OK(in.PipeInput("a", "1", -1));
    KSTREAMS_ASSERT_OK(in.PipeInput("b", "2", 4));
    KSTREAMS_ASSERT_OK(in.PipeInput("c", "3", -7));
    KSTREAMS_ASSERT_OK(in.PipeInput("d", "4", 9));
    EXPECT_THAT(out.ReadRecordsToList(), ElementsAre(R{"b", "2", 4, {}}, R{"d", "4", 9, {}}))
        << name;
    EXPECT_EQ(driver.dropped_records(), 2) << name;
  }
}

TEST(TimestampExtractorTest, UsePartitionTimeGivesTheLargestTimestampSoFar) {
  TopologyTestDriver driver(
      PassThrough(), {{"default.timestamp.extractor", "UsePartitionTimeOnInvalidTimestamp"}}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  auto out = driver.CreateOutputTopic<std::string, std::string>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("a", "1", 1000));
  KSTREAMS_ASSERT_OK(in.PipeInput("b", "2", 400));  // out of order: partition time stays 1000
  KSTREAMS_ASSERT_OK(in.PipeInput("c", "3", -1));
  KSTREAMS_ASSERT_OK(in.PipeInput("d", "4", 2000));
  KSTREAMS_ASSERT_OK(in.PipeInput("e", "5", -5));
  EXPECT_THAT(out.ReadRecordsToList(),
              ElementsAre(R{"a", "1", 1000, {}}, R{"b", "2", 400, {}}, R{"c", "3", 1000, {}},
                          R{"d", "4", 2000, {}}, R{"e", "5", 2000, {}}));
  EXPECT_EQ(driver.dropped_records(), 0);
}

TEST(TimestampExtractorTest, UsePartitionTimeFailsOnTheFirstRecordOfAPartition) {
  TopologyTestDriver driver(
      PassThrough(), {{"default.timestamp.extractor", "use_partition_time_on_invalid_timestamp"}},
      0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  absl::Status s = in.PipeInput("a", "1", -1);
  EXPECT_EQ(std::string(s.message()),
            "timestamp extraction failed at topic 'in' partition 0 offset 0 (source "
            "'KSTREAM-SOURCE-0000000000'): invalid (negative) timestamp -1 and no partition "
            "time yet to use instead (first record of the partition)");
}

TEST(TimestampExtractorTest, WallclockUsesTheDriversMockClock) {
  TopologyTestDriver driver(PassThrough(), {{"default.timestamp.extractor", "wallclock"}},
                            /*initial_wall_clock_ms=*/5000);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  auto out = driver.CreateOutputTopic<std::string, std::string>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("a", "1", 1));
  driver.AdvanceWallClockTime(std::chrono::milliseconds(250));
  KSTREAMS_ASSERT_OK(in.PipeInput("b", "2", -1));
  EXPECT_THAT(out.ReadRecordsToList(), ElementsAre(R{"a", "1", 5000, {}}, R{"b", "2", 5250, {}}));
}

// Reads the event time from values "<millis>,<payload>".
class ValueTime final : public kstreams::TimestampExtractor {
 public:
  int64_t Extract(const kstreams::ConsumedRecord& record, int64_t) override {
    std::string v(record.value.value_or(""));
    size_t comma = v.find(',');
    if (comma == std::string::npos) throw std::invalid_argument("no ',' in value '" + v + "'");
    return std::stoll(v.substr(0, comma));
  }
};

TEST(TimestampExtractorTest, PerSourceExtractorDrivesWindowsAndStreamTime) {
  // Windowed counts (10 ms windows, no grace) by the time in the value: the
  // record's own timestamp (always 0 here) would put everything in [0,10).
  StreamsBuilder builder;
  builder
      .Stream<std::string, std::string>(
          "in", kstreams::Consumed<std::string, std::string>().WithTimestampExtractor(
                    std::make_shared<ValueTime>()))
      .GroupByKey()
      .WindowedBy(kstreams::TimeWindows::OfSizeWithNoGrace(std::chrono::milliseconds(10)))
      .Count(kstreams::Materialized<std::string, int64_t>::As("counts").WithCachingDisabled())
      .ToStream()
      .Map([](const kstreams::Windowed<std::string>& k, const std::optional<int64_t>& count) {
        return KeyValue<std::string, std::string>(
            k.key + "@" + std::to_string(k.window.start()), std::to_string(count.value_or(-1)));
      })
      .To("out");
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  auto out = driver.CreateOutputTopic<std::string, std::string>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "3,x", 0));
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "15,y", 0));
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "12,z", 0));
  // Stream time is 15 now: window [0,10) closed, so a record at 5 is late.
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "5,late", 0));
  EXPECT_THAT(out.ReadRecordsToList(),
              ElementsAre(R{"k@0", "1", 3, {}}, R{"k@10", "1", 15, {}}, R{"k@10", "2", 15, {}}));
  EXPECT_EQ(driver.dropped_records(), 1);  // the late record
}

TEST(TimestampExtractorTest, ThrowingExtractorGoesToTheProcessingHandler) {
  StreamsBuilder builder;
  builder
      .Stream<std::string, std::string>(
          "in", kstreams::Consumed<std::string, std::string>().WithTimestampExtractor(
                    std::make_shared<ValueTime>()))
      .To("out");
  TopologyTestDriver driver(builder.Build(), {{"processing.exception.handler", "log_and_continue"}},
                            0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  auto out = driver.CreateOutputTopic<std::string, std::string>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("a", "7,ok", 0));
  KSTREAMS_ASSERT_OK(in.PipeInput("b", "garbage", 0));
  KSTREAMS_ASSERT_OK(in.PipeInput("c", "9,ok", 0));
  EXPECT_THAT(out.ReadRecordsToList(), ElementsAre(R{"a", "7,ok", 7, {}}, R{"c", "9,ok", 9, {}}));
  EXPECT_EQ(driver.dropped_records(), 1);
}

TEST(TimestampExtractorTest, UnknownExtractorNameIsAnErrorAtConstruction) {
  TopologyTestDriver driver(PassThrough(), {{"default.timestamp.extractor", "event_time"}}, 0);
  EXPECT_EQ(driver.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(driver.status().message()),
            "config 'default.timestamp.extractor' names an unknown timestamp extractor "
            "'event_time'; accepted: fail_on_invalid_timestamp, "
            "log_and_skip_on_invalid_timestamp, use_partition_time_on_invalid_timestamp, "
            "wallclock, or Java's class names");
}

// ---------------------------------------------------------------------------
// Handlers set by object; what they are told.

// Remembers every call; answers `response`.
struct Recorded {
  std::string topic;
  int32_t partition;
  int64_t offset;
  Headers headers;
  std::string node;
  std::string task;
  int64_t timestamp;
  std::optional<std::string> raw_key, raw_value;
  std::string type, message, stacktrace;
};
Recorded Record(const ErrorHandlerContext& c, const ErrorDetails& e) {
  return Recorded{std::string(c.topic),
                  c.partition,
                  c.offset,
                  *c.headers,
                  std::string(c.processor_node_id),
                  c.task_id.ToString(),
                  c.timestamp,
                  c.source_raw_key ? std::optional<std::string>(*c.source_raw_key) : std::nullopt,
                  c.source_raw_value ? std::optional<std::string>(*c.source_raw_value)
                                     : std::nullopt,
                  e.type,
                  e.message,
                  e.stacktrace};
}

template <typename Base>
class RecordingHandler final : public Base {
 public:
  explicit RecordingHandler(ErrorHandlerResponse r) : response_(std::move(r)) {}
  ErrorHandlerResponse Handle(const ErrorHandlerContext& c, const ErrorDetails& e) override {
    calls.push_back(Record(c, e));
    return response_;
  }
  std::vector<Recorded> calls;

 private:
  ErrorHandlerResponse response_;
};
using RecordingDeserializationHandler = RecordingHandler<kstreams::DeserializationExceptionHandler>;
using RecordingProcessingHandler = RecordingHandler<kstreams::ProcessingExceptionHandler>;

class RecordingProductionHandler final : public kstreams::ProductionExceptionHandler {
 public:
  explicit RecordingProductionHandler(ErrorHandlerResponse r) : response_(std::move(r)) {}
  ErrorHandlerResponse Handle(const ErrorHandlerContext& c, const kstreams::ProducedRecordView&,
                              const ErrorDetails& e) override {
    calls.push_back(Record(c, e));
    return response_;
  }
  ErrorHandlerResponse HandleSerializationError(const ErrorHandlerContext& c,
                                                const kstreams::ProducedRecordView& record,
                                                const ErrorDetails& e,
                                                kstreams::SerializationExceptionOrigin origin) override {
    calls.push_back(Record(c, e));
    topics.emplace_back(record.topic);
    origins.push_back(origin);
    return response_;
  }
  std::vector<Recorded> calls;
  std::vector<std::string> topics;
  std::vector<kstreams::SerializationExceptionOrigin> origins;

 private:
  ErrorHandlerResponse response_;
};

TEST(DeserializationHandlerObjectTest, GetsTheFullContextAndItsAnswerIsApplied) {
  StreamsBuilder builder;
  builder.Stream<std::string, int32_t>("in").To("out");
  auto handler = std::make_shared<RecordingDeserializationHandler>(ErrorHandlerResponse::Continue());
  StreamsConfig config;
  config.SetDeserializationExceptionHandler(handler);
  TopologyTestDriver driver(builder.Build(), config, 0);
  auto good = driver.CreateInputTopic<std::string, int32_t>("in");
  auto bad = driver.CreateInputTopic<std::string, std::string>("in");
  auto out = driver.CreateOutputTopic<std::string, int32_t>("out");
  KSTREAMS_ASSERT_OK(good.PipeInput("a", 1, 10));
  KSTREAMS_ASSERT_OK(bad.PipeInput("b", "xyz", 20, Headers{{"trace", "t-1"}}));
  KSTREAMS_ASSERT_OK(good.PipeInput("c", 3, 30));
  EXPECT_THAT(out.ReadKeyValuesToList(),
              ElementsAre(KeyValue<std::string, int32_t>{"a", 1},
                          KeyValue<std::string, int32_t>{"c", 3}));
  EXPECT_EQ(driver.dropped_records(), 1);
  ASSERT_EQ(handler->calls.size(), 1u);
  const Recorded& c = handler->calls[0];
  EXPECT_EQ(c.topic, "in");
  EXPECT_EQ(c.partition, 0);
  EXPECT_EQ(c.offset, 1);
  EXPECT_EQ(c.headers, (Headers{{"trace", "t-1"}}));
  EXPECT_EQ(c.node, "KSTREAM-SOURCE-0000000000");
  EXPECT_EQ(c.task, "0_0");
  EXPECT_EQ(c.timestamp, 20);
  EXPECT_EQ(c.raw_key, "b");
  EXPECT_EQ(c.raw_value, "xyz");
  EXPECT_EQ(c.type, "kstreams::DeserializationError");
  EXPECT_EQ(c.message, "value: IntegerDeserializer on topic 'in': expected 4 bytes, got 3");
}

TEST(DeserializationHandlerObjectTest, FailAnswerFailsNamingTheRecord) {
  StreamsBuilder builder;
  builder.Stream<std::string, int32_t>("in").To("out");
  StreamsConfig config;
  config.SetDeserializationExceptionHandler(
      std::make_shared<RecordingDeserializationHandler>(ErrorHandlerResponse::Fail()));
  TopologyTestDriver driver(builder.Build(), config, 0);
  auto bad = driver.CreateInputTopic<std::string, std::string>("in");
  absl::Status s = bad.PipeInput("b", "xyz", 20);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(s.message()),
            "deserialization error at topic 'in' partition 0 offset 0 (source "
            "'KSTREAM-SOURCE-0000000000'): value: IntegerDeserializer on topic 'in': expected "
            "4 bytes, got 3");
}

kstreams::Topology ThrowingTopology() {
  StreamsBuilder builder;
  builder.Stream<std::string, int32_t>("in")
      .MapValues([](int32_t v) {
        if (v == 0) throw std::domain_error("division by zero");
        if (v < 0) throw v;  // not a std::exception
        return 100 / v;
      })
      .To("out");
  return builder.Build();
}

TEST(ProcessingHandlerObjectTest, GetsTheThrownTypeAndAnyThrownTypeIsHandled) {
  auto handler = std::make_shared<RecordingProcessingHandler>(ErrorHandlerResponse::Continue());
  StreamsConfig config;
  config.SetProcessingExceptionHandler(handler);
  TopologyTestDriver driver(ThrowingTopology(), config, 0);
  auto in = driver.CreateInputTopic<std::string, int32_t>("in");
  auto out = driver.CreateOutputTopic<std::string, int32_t>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("a", 0, 1));
  KSTREAMS_ASSERT_OK(in.PipeInput("b", -4, 2));
  KSTREAMS_ASSERT_OK(in.PipeInput("c", 50, 3));
  EXPECT_THAT(out.ReadKeyValuesToList(), ElementsAre(KeyValue<std::string, int32_t>{"c", 2}));
  EXPECT_EQ(driver.dropped_records(), 2);
  ASSERT_EQ(handler->calls.size(), 2u);
  EXPECT_EQ(handler->calls[0].type, "std::domain_error");
  EXPECT_EQ(handler->calls[0].message, "division by zero");
  EXPECT_EQ(handler->calls[0].node, "KSTREAM-MAPVALUES-0000000001");
  EXPECT_EQ(handler->calls[0].stacktrace,
            "in node 'KSTREAM-MAPVALUES-0000000001' of task 0_0 while processing topic 'in' "
            "partition 0 offset 0");
  EXPECT_EQ(handler->calls[0].raw_key, "a");
  EXPECT_EQ(handler->calls[0].raw_value, std::string("\0\0\0\0", 4));
  EXPECT_EQ(handler->calls[1].type, "int");
  EXPECT_EQ(handler->calls[1].message, "a thrown int (not a std::exception)");
  EXPECT_EQ(handler->calls[1].offset, 1);
}

TEST(ProcessingHandlerObjectTest, RetryFromAProcessingHandlerFails) {
  StreamsConfig config;
  config.SetProcessingExceptionHandler(
      std::make_shared<RecordingProcessingHandler>(ErrorHandlerResponse::Retry()));
  TopologyTestDriver driver(ThrowingTopology(), config, 0);
  auto in = driver.CreateInputTopic<std::string, int32_t>("in");
  absl::Status s = in.PipeInput("a", 0, 1);
  EXPECT_EQ(std::string(s.message()),
            "processing error at topic 'in' partition 0 offset 0 in node "
            "'KSTREAM-MAPVALUES-0000000001': division by zero (processing.exception.handler "
            "answered RETRY, which only a production exception handler may: failing)");
}

// ---------------------------------------------------------------------------
// Punctuation: any thrown type reaches the processing handler.

class ThrowingPunctuator
    : public kstreams::Processor<std::string, std::string, std::string, std::string> {
 public:
  explicit ThrowingPunctuator(std::vector<int64_t>* fired) : fired_(fired) {}
  void Init(kstreams::ProcessorContext<std::string, std::string>& ctx) override {
    ctx.Schedule(std::chrono::milliseconds(10), kstreams::PunctuationType::kWallClockTime,
                 [this](int64_t t) {
                   fired_->push_back(t);
                   throw 42;  // not a std::exception: used to std::terminate
                 });
  }
  void Process(kstreams::Record<std::string, std::string>) override {}

 private:
  std::vector<int64_t>* fired_;
};

kstreams::Topology PunctuatorTopology(std::vector<int64_t>* fired) {
  kstreams::Topology topology;
  topology.AddSource<std::string, std::string>("src", {"in"})
      .AddProcessor("ticker", [=] { return std::make_unique<ThrowingPunctuator>(fired); },
                    {"src"});
  return topology;
}

TEST(PunctuationErrorTest, NonStdExceptionUnderLogAndFailFailsTheTask) {
  std::vector<int64_t> fired;
  TopologyTestDriver driver(PunctuatorTopology(&fired), {}, 0);
  driver.AdvanceWallClockTime(std::chrono::milliseconds(10));
  EXPECT_THAT(fired, ElementsAre(10));
  EXPECT_EQ(std::string(driver.status().message()),
            "task 0_0: wall-clock punctuator of node 'ticker' failed: a thrown int (not a "
            "std::exception)");
}

TEST(PunctuationErrorTest, NonStdExceptionUnderContinueKeepsPunctuating) {
  std::vector<int64_t> fired;
  auto handler = std::make_shared<RecordingProcessingHandler>(ErrorHandlerResponse::Continue());
  StreamsConfig config;
  config.SetProcessingExceptionHandler(handler);
  TopologyTestDriver driver(PunctuatorTopology(&fired), config, 0);
  driver.AdvanceWallClockTime(std::chrono::milliseconds(10));
  driver.AdvanceWallClockTime(std::chrono::milliseconds(10));
  EXPECT_THAT(fired, ElementsAre(10, 20));
  KSTREAMS_EXPECT_OK(driver.status());
  ASSERT_EQ(handler->calls.size(), 2u);
  // Java's punctuation context: no topic, partition and offset -1.
  EXPECT_EQ(handler->calls[0].topic, "");
  EXPECT_EQ(handler->calls[0].partition, -1);
  EXPECT_EQ(handler->calls[0].offset, -1);
  EXPECT_EQ(handler->calls[0].node, "ticker");
  EXPECT_EQ(handler->calls[0].timestamp, 10);
  EXPECT_EQ(handler->calls[0].type, "int");
  EXPECT_EQ(handler->calls[0].stacktrace, "in node 'ticker' of task 0_0 while punctuating");
  EXPECT_EQ(driver.dropped_records(), 0);  // no record was dropped
}

// ---------------------------------------------------------------------------
// Serialization at sinks: the production handler.

// Refuses to serialize "poison".
class PickySerde final : public kstreams::Serde<std::string> {
 public:
  absl::Status Serialize(std::string_view, const std::string& v, std::string& out) const override {
    if (v == "poison") return absl::InvalidArgumentError("refusing to write 'poison'");
    out = v;
    return absl::OkStatus();
  }
  absl::StatusOr<std::string> Deserialize(std::string_view, std::string_view d) const override {
    return std::string(d);
  }
};

kstreams::Topology PickySinkTopology() {
  StreamsBuilder builder;
  auto stream = builder.Stream<std::string, std::string>("in");
  stream.To("out", kstreams::Produced<std::string, std::string>::With(
                       kstreams::serdes::String(), std::make_shared<PickySerde>()));
  stream.To("audit");  // a second sink: must still get every record
  return builder.Build();
}

TEST(SerializationErrorTest, DefaultFailNamesSinkAndRecord) {
  TopologyTestDriver driver(PickySinkTopology(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  absl::Status s = in.PipeInput("k", "poison", 3);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(s.message()),
            "serialization error in sink 'KSTREAM-SINK-0000000001' at topic 'in' partition 0 "
            "offset 0: serializing value for topic 'out': refusing to write 'poison'");
}

TEST(SerializationErrorTest, ContinueSkipsOnlyThatSinksRecordAndCountsIt) {
  auto handler = std::make_shared<RecordingProductionHandler>(ErrorHandlerResponse::Continue());
  StreamsConfig config;
  config.SetProductionExceptionHandler(handler);
  TopologyTestDriver driver(PickySinkTopology(), config, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  auto out = driver.CreateOutputTopic<std::string, std::string>("out");
  auto audit = driver.CreateOutputTopic<std::string, std::string>("audit");
  KSTREAMS_ASSERT_OK(in.PipeInput("a", "fine", 1));
  KSTREAMS_ASSERT_OK(in.PipeInput("b", "poison", 2));
  KSTREAMS_ASSERT_OK(in.PipeInput("c", "good", 3));
  EXPECT_THAT(out.ReadRecordsToList(), ElementsAre(R{"a", "fine", 1, {}}, R{"c", "good", 3, {}}));
  // As in Java, the failed send does not stop the record's other branches.
  EXPECT_THAT(audit.ReadRecordsToList(),
              ElementsAre(R{"a", "fine", 1, {}}, R{"b", "poison", 2, {}}, R{"c", "good", 3, {}}));
  EXPECT_EQ(driver.dropped_records(), 1);
  ASSERT_EQ(handler->calls.size(), 1u);
  EXPECT_EQ(handler->calls[0].type, "kstreams::SerializationError");
  EXPECT_EQ(handler->calls[0].node, "KSTREAM-SINK-0000000001");
  EXPECT_EQ(handler->calls[0].offset, 1);
  EXPECT_EQ(handler->calls[0].raw_value, "poison");
  EXPECT_THAT(handler->topics, ElementsAre("out"));
  EXPECT_THAT(handler->origins, ElementsAre(kstreams::SerializationExceptionOrigin::kValue));
}

TEST(SerializationErrorTest, RetryCannotHelpASerializationErrorAndFails) {
  StreamsConfig config;
  config.SetProductionExceptionHandler(
      std::make_shared<RecordingProductionHandler>(ErrorHandlerResponse::Retry()));
  TopologyTestDriver driver(PickySinkTopology(), config, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  absl::Status s = in.PipeInput("k", "poison", 3);
  EXPECT_THAT(std::string(s.message()),
              ::testing::EndsWith("refusing to write 'poison' (RETRY cannot help a "
                                  "serialization error: failing)"));
}

TEST(SerializationErrorTest, ContinueByConfigName) {
  TopologyTestDriver driver(PickySinkTopology(),
                            {{"default.production.exception.handler", "continue"}}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  auto out = driver.CreateOutputTopic<std::string, std::string>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("b", "poison", 2));
  KSTREAMS_ASSERT_OK(in.PipeInput("c", "good", 3));
  EXPECT_THAT(out.ReadRecordsToList(), ElementsAre(R{"c", "good", 3, {}}));
  EXPECT_EQ(driver.dropped_records(), 1);
}

// ---------------------------------------------------------------------------
// The dead letter queue (KIP-1034).

TEST(DeadLetterQueueTest, LogAndContinueSendsTheRawRecordWithJavasHeaders) {
  StreamsBuilder builder;
  builder.Stream<std::string, int32_t>("in").To("out");
  TopologyTestDriver driver(builder.Build(),
                            {{"default.deserialization.exception.handler", "log_and_continue"},
                             {"errors.dead.letter.queue.topic.name", "dlq"}},
                            0);
  auto good = driver.CreateInputTopic<std::string, int32_t>("in");
  auto bad = driver.CreateInputTopic<std::string, std::string>("in");
  auto out = driver.CreateOutputTopic<std::string, int32_t>("out");
  auto dlq = driver.CreateOutputTopic<std::string, std::string>("dlq");
  KSTREAMS_ASSERT_OK(good.PipeInput("a", 1, 10));
  KSTREAMS_ASSERT_OK(bad.PipeInput("b", "xyz", 20, Headers{{"trace", "t-1"}}));
  KSTREAMS_ASSERT_OK(good.PipeInput("c", 3, 30));
  EXPECT_THAT(out.ReadKeyValuesToList(),
              ElementsAre(KeyValue<std::string, int32_t>{"a", 1},
                          KeyValue<std::string, int32_t>{"c", 3}));
  Headers expected{
      {"trace", "t-1"},
      {"__streams.errors.exception", "kstreams::DeserializationError"},
      {"__streams.errors.message", "value: IntegerDeserializer on topic 'in': expected 4 bytes, got 3"},
      {"__streams.errors.stacktrace",
       "deserializing in source node 'KSTREAM-SOURCE-0000000000' of task 0_0 at topic 'in' "
       "partition 0 offset 1"},
      {"__streams.errors.topic", "in"},
      {"__streams.errors.partition", "0"},
      {"__streams.errors.offset", "1"}};
  EXPECT_THAT(dlq.ReadRecordsToList(), ElementsAre(R{"b", "xyz", 20, expected}));
  EXPECT_EQ(driver.dropped_records(), 1);
}

TEST(DeadLetterQueueTest, LogAndFailSendsToTheQueueAndThenFails) {
  TopologyTestDriver driver(ThrowingTopology(), {{"errors.dead.letter.queue.topic.name", "dlq"}}, 0);
  auto in = driver.CreateInputTopic<std::string, int32_t>("in");
  auto dlq = driver.CreateOutputTopic<std::string, std::string>("dlq");
  KSTREAMS_ASSERT_OK(in.PipeInput("a", 5, 1));
  absl::Status s = in.PipeInput("b", 0, 2);
  EXPECT_EQ(std::string(s.message()),
            "processing error at topic 'in' partition 0 offset 1 in node "
            "'KSTREAM-MAPVALUES-0000000001': division by zero (1 record(s) sent to the dead "
            "letter queue 'dlq')");
  std::vector<R> records = dlq.ReadRecordsToList();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].key, "b");
  EXPECT_EQ(records[0].value, std::string("\0\0\0\0", 4));
  EXPECT_EQ(records[0].timestamp, 2);
  EXPECT_EQ(records[0].headers.LastHeader("__streams.errors.exception")->value,
            "std::domain_error");
  EXPECT_EQ(records[0].headers.LastHeader("__streams.errors.offset")->value, "1");
}

TEST(DeadLetterQueueTest, ProductionContinueSendsTheSourceRecord) {
  TopologyTestDriver driver(PickySinkTopology(),
                            {{"default.production.exception.handler", "continue"},
                             {"errors.dead.letter.queue.topic.name", "dlq"}},
                            0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  auto dlq = driver.CreateOutputTopic<std::string, std::string>("dlq");
  KSTREAMS_ASSERT_OK(in.PipeInput("b", "poison", 2));
  std::vector<R> records = dlq.ReadRecordsToList();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].headers.LastHeader("__streams.errors.exception")->value,
            "kstreams::SerializationError");
  EXPECT_EQ(records[0].headers.LastHeader("__streams.errors.stacktrace")->value,
            "serializing the value in sink node 'KSTREAM-SINK-0000000001' of task 0_0 while "
            "processing topic 'in' partition 0 offset 0");
}

TEST(HandlerConfigTest, UnknownNamesAreErrorsNamingKeyAndValue) {
  struct Case {
    const char* key;
    const char* value;
    const char* message;
  };
  for (const Case& c : std::vector<Case>{
           {"default.deserialization.exception.handler", "com.acme.Skip",
            "config 'default.deserialization.exception.handler' names an unknown handler "
            "'com.acme.Skip'; accepted: log_and_fail, log_and_continue, "
            "LogAndFailExceptionHandler, LogAndContinueExceptionHandler (or set an object in "
            "code)"},
           {"default.production.exception.handler", "retry",
            "config 'default.production.exception.handler' names an unknown handler 'retry'; "
            "accepted: fail, continue, DefaultProductionExceptionHandler (or set an object in "
            "code)"},
           {"errors.dead.letter.queue.topic.name", "",
            "config 'errors.dead.letter.queue.topic.name' must name a topic, got ''"},
       }) {
    TopologyTestDriver driver(PassThrough(), {{c.key, c.value}}, 0);
    EXPECT_EQ(std::string(driver.status().message()), c.message) << c.key;
  }
}

// Java 4.x's DefaultProductionExceptionHandler (KIP-1065): RETRY for a
// RetriableException, FAIL for anything else; `continue` skips every one.
TEST(HandlerConfigTest, DefaultProductionHandlerRetriesOnlyRetriableErrors) {
  kstreams::ErrorHandlerContext context;
  const kstreams::Headers no_headers;
  context.headers = &no_headers;
  kstreams::ProducedRecordView record;
  record.topic = "out";
  kstreams::ErrorDetails retriable;
  retriable.message = "Local: Message timed out";
  retriable.retriable = true;
  kstreams::ErrorDetails other;
  other.message = "Broker: Topic authorization failed";
  kstreams::DefaultProductionExceptionHandler fail;
  EXPECT_EQ(fail.Handle(context, record, retriable).result, kstreams::ErrorHandlerResult::kRetry);
  EXPECT_EQ(fail.Handle(context, record, other).result, kstreams::ErrorHandlerResult::kFail);
  EXPECT_EQ(fail.HandleSerializationError(context, record, other,
                                          kstreams::SerializationExceptionOrigin::kValue)
                .result,
            kstreams::ErrorHandlerResult::kFail);
  kstreams::DefaultProductionExceptionHandler skip(/*continue_on_error=*/true);
  EXPECT_EQ(skip.Handle(context, record, retriable).result,
            kstreams::ErrorHandlerResult::kContinue);
}

TEST(HandlerConfigTest, JavaClassNamesAreAccepted) {
  TopologyTestDriver driver(
      ThrowingTopology(),
      {{"processing.exception.handler",
        "org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler"},
       {"default.deserialization.exception.handler",
        "org.apache.kafka.streams.errors.LogAndContinueExceptionHandler"},
       {"default.production.exception.handler",
        "org.apache.kafka.streams.errors.DefaultProductionExceptionHandler"}},
      0);
  auto in = driver.CreateInputTopic<std::string, int32_t>("in");
  KSTREAMS_ASSERT_OK(in.PipeInput("a", 0, 1));
  EXPECT_EQ(driver.dropped_records(), 1);
}

// ---------------------------------------------------------------------------
// The catalogue of bad inputs (README "Errors"), one row per bad record:
// the exact message under the failing defaults, and under the continuing
// handlers with a DLQ: the good records around it all arrive, the bad one is
// counted and parked with its error type.

// Refuses to serialize 13.
class UnluckySerde final : public kstreams::Serde<int32_t> {
 public:
  absl::Status Serialize(std::string_view topic, const int32_t& v, std::string& out) const override {
    if (v == 13) return absl::InvalidArgumentError("13 is unlucky");
    return kstreams::serdes::Int32()->Serialize(topic, v, out);
  }
  absl::StatusOr<int32_t> Deserialize(std::string_view topic, std::string_view d) const override {
    return kstreams::serdes::Int32()->Deserialize(topic, d);
  }
};

kstreams::Topology CatalogueTopology() {
  StreamsBuilder builder;
  builder.Stream<std::string, int32_t>("in")
      .MapValues([](int32_t v) {
        if (v == 0) throw std::domain_error("zero");
        return v;
      })
      .To("out", kstreams::Produced<std::string, int32_t>::With(kstreams::serdes::String(),
                                                                 std::make_shared<UnluckySerde>()));
  return builder.Build();
}

std::string Int32Bytes(int32_t v) {
  std::string out;
  (void)kstreams::serdes::Int32()->Serialize("in", v, out);
  return out;
}

TEST(BadInputCatalogueTest, EveryBadInputFailsByDefaultAndIsSkippedAndParkedUnderContinue) {
  struct Row {
    const char* input;
    std::optional<std::string> key;
    std::optional<std::string> value;
    int64_t timestamp;
    std::string fail_message;  // under the defaults
    std::string dlq_type;      // __streams.errors.exception under continue
  };
  const std::string kSource = "(source 'KSTREAM-SOURCE-0000000000')";
  const std::vector<Row> rows = {
      {"value of 3 bytes for an int32", "k", "abc", 20,
       "deserialization error at topic 'in' partition 0 offset 1 " + kSource +
           ": value: IntegerDeserializer on topic 'in': expected 4 bytes, got 3",
       "kstreams::DeserializationError"},
      {"null key for a std::string key", std::nullopt, Int32Bytes(2), 20,
       "deserialization error at topic 'in' partition 0 offset 1 " + kSource +
           ": key: null bytes on topic 'in' cannot be deserialized into std::string; declare "
           "the type as std::optional<...> (or kstreams::Void for keyless topics) to receive "
           "nulls",
       "kstreams::DeserializationError"},
      {"a value the lambda throws on", "k", Int32Bytes(0), 20,
       "processing error at topic 'in' partition 0 offset 1 in node "
       "'KSTREAM-MAPVALUES-0000000001': zero",
       "std::domain_error"},
      {"timestamp -1", "k", Int32Bytes(2), -1,
       "timestamp extraction failed at topic 'in' partition 0 offset 1 " + kSource +
           ": invalid (negative) timestamp -1; to process such records set "
           "default.timestamp.extractor to log_and_skip_on_invalid_timestamp, "
           "use_partition_time_on_invalid_timestamp or wallclock, or give the source its own "
           "extractor",
       "kstreams::InvalidTimestampError"},
      {"a value the sink's serde refuses", "k", Int32Bytes(13), 20,
       "serialization error in sink 'KSTREAM-SINK-0000000002' at topic 'in' partition 0 offset "
       "1: serializing value for topic 'out': 13 is unlucky",
       "kstreams::SerializationError"},
  };
  using RI = TestRecord<std::string, int32_t>;
  for (const Row& row : rows) {
    SCOPED_TRACE(row.input);
    auto pipe = [&](TopologyTestDriver& driver) {
      EXPECT_TRUE(driver.PipeRaw("in", std::string_view("a"), Int32Bytes(1), 10, {}).ok());
      absl::Status bad = driver.PipeRaw(
          "in", row.key ? kstreams::internal::RawBytes(*row.key) : std::nullopt,
          row.value ? kstreams::internal::RawBytes(*row.value) : std::nullopt, row.timestamp,
          {});
      absl::Status after = driver.PipeRaw("in", std::string_view("c"), Int32Bytes(3), 30, {});
      return std::make_pair(bad, after);
    };
    {
      TopologyTestDriver driver(CatalogueTopology(), {}, 0);
      auto out = driver.CreateOutputTopic<std::string, int32_t>("out");
      auto [bad, after] = pipe(driver);
      EXPECT_EQ(std::string(bad.message()), row.fail_message);
      EXPECT_EQ(driver.status(), bad);  // the driver stays failed, like the task
      EXPECT_EQ(after, bad);
      EXPECT_THAT(out.ReadRecordsToList(), ElementsAre(RI{"a", 1, 10, {}}));
    }
    {
      TopologyTestDriver driver(CatalogueTopology(),
                                {{"default.deserialization.exception.handler", "log_and_continue"},
                                 {"processing.exception.handler", "log_and_continue"},
                                 {"default.production.exception.handler", "continue"},
                                 {"errors.dead.letter.queue.topic.name", "dlq"}},
                                0);
      auto out = driver.CreateOutputTopic<std::string, int32_t>("out");
      auto dlq = driver.CreateOutputTopic<std::optional<std::string>, std::string>("dlq");
      auto [bad, after] = pipe(driver);
      KSTREAMS_EXPECT_OK(bad);
      KSTREAMS_EXPECT_OK(after);
      EXPECT_THAT(out.ReadRecordsToList(), ElementsAre(RI{"a", 1, 10, {}}, RI{"c", 3, 30, {}}));
      EXPECT_EQ(driver.dropped_records(), 1);
      auto parked = dlq.ReadRecordsToList();
      ASSERT_EQ(parked.size(), 1u);
      EXPECT_EQ(parked[0].key, row.key);
      EXPECT_EQ(parked[0].value, row.value.value_or(""));
      EXPECT_EQ(parked[0].headers.LastHeader("__streams.errors.exception")->value, row.dlq_type);
      EXPECT_EQ(parked[0].headers.LastHeader("__streams.errors.offset")->value, "1");
    }
  }
}

// A global table's bad record goes through the same handlers: skipped under
// log_and_continue (the table keeps its other entries), a failure naming
// the global topic under the default.
kstreams::Topology PricesJoin() {
  StreamsBuilder builder;
  auto prices = builder.GlobalTable<std::string, int32_t>("prices");
  builder.Stream<std::string, std::string>("orders")
      .Join(prices, [](const std::string&, const std::string& item) { return item; },
            [](const std::string& item, const int32_t& price) {
              return item + "=" + std::to_string(price);
            })
      .To("out");
  return builder.Build();
}

TEST(GlobalStoreErrorTest, BadGlobalRecordIsSkippedUnderContinueAndFailsByDefault) {
  {
    TopologyTestDriver driver(PricesJoin(),
                              {{"default.deserialization.exception.handler", "log_and_continue"}}, 0);
    auto good = driver.CreateInputTopic<std::string, int32_t>("prices");
    auto bad = driver.CreateInputTopic<std::string, std::string>("prices");
    auto orders = driver.CreateInputTopic<std::string, std::string>("orders");
    auto out = driver.CreateOutputTopic<std::string, std::string>("out");
    KSTREAMS_ASSERT_OK(good.PipeInput("pen", 3, 1));
    KSTREAMS_ASSERT_OK(bad.PipeInput("ink", "xx", 2));
    KSTREAMS_ASSERT_OK(orders.PipeInput("o1", "pen", 3));
    KSTREAMS_ASSERT_OK(orders.PipeInput("o2", "ink", 4));  // no price: no join result
    EXPECT_THAT(out.ReadKeyValuesToList(), ElementsAre(KeyValue<std::string, std::string>{"o1", "pen=3"}));
    EXPECT_EQ(driver.dropped_records(), 1);
  }
  {
    TopologyTestDriver driver(PricesJoin(), {}, 0);
    auto bad = driver.CreateInputTopic<std::string, std::string>("prices");
    absl::Status s = bad.PipeInput("ink", "xx", 2);
    EXPECT_EQ(std::string(s.message()),
              "deserialization error at topic 'prices' partition 0 offset 0 (source "
              "'KSTREAM-SOURCE-0000000001'): value: IntegerDeserializer on topic 'prices': "
              "expected 4 bytes, got 2");
  }
}

}  // namespace
