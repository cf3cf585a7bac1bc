// Errors on the real runtime: the catalogue of bad input records under
// continue (with the dead letter queue, and a restart that reprocesses
// nothing) and fail, the dead letter queue read by an independent client
// (kafka-python), config refused by Start() before anything runs, on both
// brokers (ErrorsIT); a refused delivery and Close(timeout) with the broker
// gone need the embedded broker's fault injection (ErrorsEmbeddedIT).
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

#include "absl/time/clock.h"
#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integration/runtime/runtime_test_util.h"
#include "kstreams/internal/big_endian.h"
#include "kstreams/kstreams.h"

namespace kstreams {
namespace {

using runtime_test::BrokerIT;
using runtime_test::RuntimeIT;
using runtime_test::WaitFor;
using State = KafkaStreams::State;
using ::testing::ElementsAre;

std::string Int32Bytes(int32_t v) {
  std::string out;
  (void)serdes::Int32()->Serialize("in", v, out);
  return out;
}

// in (string key, int32 value) -> value * 10, throwing on 0 -> out.
Topology TimesTen() {
  StreamsBuilder builder;
  builder.Stream<std::string, int32_t>("in")
      .MapValues([](int32_t v) {
        if (v == 0) throw std::domain_error("zero is not allowed");
        return v * 10;
      })
      .To("out");
  return builder.Build();
}

// The fixture on both brokers (ErrorsIT) or on the embedded one only
// (ErrorsEmbeddedIT), with topics in, out and dlq.
template <typename Base>
class ErrorsFixture : public Base {
 protected:
  using Base::bootstrap_;
  void SetUp() override {
    Base::SetUp();
    if (this->IsSkipped()) return;
    KSTREAMS_ASSERT_OK(this->CreateTopic("in", 1));
    KSTREAMS_ASSERT_OK(this->CreateTopic("out", 1));
    KSTREAMS_ASSERT_OK(this->CreateTopic("dlq", 1));
  }

  // One input record, raw.
  struct Input {
    std::string key;
    std::string value;
    int64_t timestamp;
  };
  void ProduceRaw(const std::vector<Input>& records) {
    KSTREAMS_ASSERT_OK_AND_ASSIGN(
        auto producer, internal::Producer::Create(kafka_test::ProducerConfig(bootstrap_)));
    for (const Input& r : records) {
      KSTREAMS_ASSERT_OK(producer->Send("in", 0, r.key, r.value, r.timestamp,
                                        {{"origin", std::string_view("test")}}));
    }
    KSTREAMS_ASSERT_OK(producer->Flush(absl::Seconds(10)));
    KSTREAMS_ASSERT_OK(producer->TakeDeliveryStatus());
  }
  static int64_t Dropped(const KafkaStreams& streams) {
    int64_t n = 0;
    for (const auto& t : streams.LocalThreadsMetadata()) n += t.dropped_records;
    return n;
  }
  static std::map<std::string, std::string> HeaderMap(const internal::ConsumerRecord& r) {
    std::map<std::string, std::string> out;
    for (const auto& h : r.headers) out[h.key] = h.value.value_or("<null>");
    return out;
  }
};

class ErrorsIT : public ErrorsFixture<BrokerIT> {};
KSTREAMS_INSTANTIATE_ON_BOTH_BROKERS(ErrorsIT);
// Fault injection needs the embedded broker.
class ErrorsEmbeddedIT : public ErrorsFixture<RuntimeIT> {};

// The catalogue (README "Errors"): every bad input next to good ones, under
// the continuing handlers with a dead letter queue. Each row: the input,
// what the handler answers, and where the record ends up.
TEST_P(ErrorsIT, CatalogueUnderContinueLosesNoGoodRecordAndParksTheBadOnes) {
  struct Row {
    Input input;
    std::optional<int32_t> out;           // the value in "out", if any
    std::optional<std::string> dlq_type;  // __streams.errors.exception, if parked
  };
  const std::vector<Row> rows = {
      {{"g1", Int32Bytes(1), 1000}, 10, std::nullopt},
      // Deserialization: 3 bytes for an int32 (DeserializationExceptionHandler, CONTINUE).
      {{"bad-bytes", "abc", 1001}, std::nullopt, "kstreams::DeserializationError"},
      {{"g2", Int32Bytes(2), 1002}, 20, std::nullopt},
      // Processing: the lambda throws (ProcessingExceptionHandler, CONTINUE).
      {{"zero", Int32Bytes(0), 1003}, std::nullopt, "std::domain_error"},
      {{"g3", Int32Bytes(3), 1004}, 30, std::nullopt},
      // Negative timestamp: log_and_skip_on_invalid_timestamp skips it (no DLQ, as Java).
      {{"no-ts", Int32Bytes(7), -1}, std::nullopt, std::nullopt},
      {{"g4", Int32Bytes(4), 1005}, 40, std::nullopt},
  };
  std::vector<Input> inputs;
  for (const Row& r : rows) inputs.push_back(r.input);
  ProduceRaw(inputs);

  StreamsConfig config = Config("errors-catalogue");
  config.Set("default.deserialization.exception.handler", "log_and_continue")
      .Set("processing.exception.handler", "log_and_continue")
      .Set("default.timestamp.extractor", "log_and_skip_on_invalid_timestamp")
      .Set("errors.dead.letter.queue.topic.name", "dlq");
  KafkaStreams streams(TimesTen(), config);
  KSTREAMS_ASSERT_OK(streams.Start());

  size_t expected_out = 0, expected_dlq = 0;
  for (const Row& r : rows) {
    expected_out += r.out.has_value();
    expected_dlq += r.dlq_type.has_value();
  }
  std::vector<internal::ConsumerRecord> out = Read("out", 1, expected_out);
  std::vector<internal::ConsumerRecord> dlq = Read("dlq", 1, expected_dlq);
  ASSERT_TRUE(WaitFor([&] {
    auto committed = Committed("errors-catalogue", {{"in", 0}});
    return committed[{"in", 0}] == static_cast<int64_t>(rows.size());
  })) << "every input offset, bad ones included, is committed";
  EXPECT_EQ(streams.state(), State::kRunning);
  EXPECT_EQ(Dropped(streams), 3);

  size_t o = 0, d = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    if (r.out) {
      ASSERT_LT(o, out.size());
      EXPECT_EQ(out[o].key, r.input.key);
      EXPECT_EQ(out[o].value, Int32Bytes(*r.out));
      EXPECT_EQ(out[o].timestamp, r.input.timestamp);
      ++o;
    }
    if (r.dlq_type) {
      ASSERT_LT(d, dlq.size());
      EXPECT_EQ(dlq[d].key, r.input.key);
      EXPECT_EQ(dlq[d].value, r.input.value);  // the raw source bytes
      EXPECT_EQ(dlq[d].timestamp, r.input.timestamp);
      std::map<std::string, std::string> h = HeaderMap(dlq[d]);
      EXPECT_EQ(h["origin"], "test");  // the source record's headers are kept
      EXPECT_EQ(h["__streams.errors.exception"], *r.dlq_type);
      EXPECT_EQ(h["__streams.errors.topic"], "in");
      EXPECT_EQ(h["__streams.errors.partition"], "0");
      EXPECT_EQ(h["__streams.errors.offset"], std::to_string(i));
      ++d;
    }
  }
  EXPECT_EQ(o, out.size());
  EXPECT_EQ(d, dlq.size());
  EXPECT_TRUE(streams.Close(absl::Seconds(30)));

  // Restarted: the committed offsets hold, so no record is processed again
  // (neither output nor DLQ grows), and a new good record goes through.
  ProduceRaw({{"g5", Int32Bytes(5), 1006}});
  KafkaStreams again(TimesTen(), config);
  KSTREAMS_ASSERT_OK(again.Start());
  ASSERT_TRUE(WaitFor([&] {
    auto committed = Committed("errors-catalogue", {{"in", 0}});
    return committed[{"in", 0}] == static_cast<int64_t>(rows.size()) + 1;
  }, absl::Seconds(30)));
  EXPECT_TRUE(again.Close(absl::Seconds(30)));
  EXPECT_EQ(Watermarks({"out", 0}).second, static_cast<int64_t>(expected_out) + 1);
  EXPECT_EQ(Watermarks({"dlq", 0}).second, static_cast<int64_t>(expected_dlq));
  std::vector<internal::ConsumerRecord> out_after = Read("out", 1, expected_out + 1);
  ASSERT_EQ(out_after.size(), expected_out + 1);
  EXPECT_EQ(out_after.back().key, "g5");
  EXPECT_EQ(out_after.back().value, Int32Bytes(50));
}

// The same bad record under the default (fail) handlers: the client goes to
// ERROR, and no offset at or past the bad record is committed. What the
// dying thread had sent but not committed is dropped with it (a dead thread
// writes nothing more), so g1 is either in the output already or processed
// again: a restart with a continuing handler skips the bad record and
// outputs g1 and g2; nothing accepted is lost.
TEST_P(ErrorsIT, CatalogueUnderFailStopsAtTheBadRecordAndARestartLosesNothing) {
  ProduceRaw({{"g1", Int32Bytes(1), 1000}, {"bad-bytes", "abc", 1001}, {"g2", Int32Bytes(2), 1002}});
  {
    KafkaStreams streams(TimesTen(), Config("errors-fail"));
    KSTREAMS_ASSERT_OK(streams.Start());
    ASSERT_TRUE(WaitFor([&] { return streams.state() == State::kError; }, absl::Seconds(30)));
    std::optional<int64_t> committed = Committed("errors-fail", {{"in", 0}})[{"in", 0}];
    EXPECT_TRUE(!committed.has_value() || *committed <= 1) << *committed;
    streams.Close(absl::Seconds(10));
  }
  StreamsConfig config = Config("errors-fail");
  config.Set("default.deserialization.exception.handler", "log_and_continue");
  KafkaStreams again(TimesTen(), config);
  KSTREAMS_ASSERT_OK(again.Start());
  ASSERT_TRUE(WaitFor([&] {
    return Committed("errors-fail", {{"in", 0}})[{"in", 0}] == 3;
  }, absl::Seconds(30)));
  std::vector<std::string> keys;
  // g1 twice when the first run had delivered it; else once.
  auto three = kafka_test::ReadTopic(bootstrap_, "out", 1, 3, absl::Seconds(3));
  for (const auto& r : three.ok() ? *three : Read("out", 1, 2)) keys.push_back(*r.key);
  EXPECT_TRUE(keys == std::vector<std::string>({"g1", "g2"}) ||
              keys == std::vector<std::string>({"g1", "g1", "g2"}))
      << keys.size();
  EXPECT_EQ(again.state(), State::kRunning);
  EXPECT_TRUE(again.Close(absl::Seconds(30)));
}

// A delivery the broker refuses for good under
// default.production.exception.handler=continue: skipped and, before, not
// counted anywhere; now in the thread's dropped_records, so that output +
// dropped accounts for every input.
TEST_F(ErrorsEmbeddedIT, ProductionContinueCountsSkippedRecordsInDroppedRecords) {
  std::vector<Input> inputs;
  for (int i = 1; i <= 5; ++i) inputs.push_back({"k" + std::to_string(i), Int32Bytes(i), 1000 + i});
  ProduceRaw(inputs);
  // The app's first Produce request is refused (not retriable).
  kafka_->PushRequestErrors(EmbeddedKafka::ApiKey::kProduce, {EmbeddedKafka::kTopicAuthorizationFailed});
  StreamsConfig config = Config("errors-production");
  config.Set("default.production.exception.handler", "continue");
  KafkaStreams streams(TimesTen(), config);
  KSTREAMS_ASSERT_OK(streams.Start());
  ASSERT_TRUE(WaitFor([&] {
    return Committed("errors-production", {{"in", 0}})[{"in", 0}] == 5;
  }, absl::Seconds(30)));
  ASSERT_TRUE(WaitFor([&] { return Dropped(streams) >= 1; }));
  const int64_t dropped = Dropped(streams);
  std::vector<internal::ConsumerRecord> out = Read("out", 1, static_cast<size_t>(5 - dropped));
  EXPECT_EQ(static_cast<int64_t>(out.size()) + dropped, 5);
  EXPECT_EQ(streams.state(), State::kRunning);
  EXPECT_TRUE(streams.Close(absl::Seconds(30)));
}

// A production handler that answers RETRY and counts what it was asked.
class RetryingHandler final : public ProductionExceptionHandler {
 public:
  ErrorHandlerResponse Handle(const ErrorHandlerContext&, const ProducedRecordView& record,
                              const ErrorDetails& error) override {
    std::lock_guard<std::mutex> lock(mu_);
    failures_.push_back(internal::StrCat(record.topic, ": ", error.message));
    return ErrorHandlerResponse::Retry();
  }
  ErrorHandlerResponse HandleSerializationError(const ErrorHandlerContext&,
                                                const ProducedRecordView&, const ErrorDetails&,
                                                SerializationExceptionOrigin) override {
    return ErrorHandlerResponse::Fail();
  }
  std::vector<std::string> failures() {
    std::lock_guard<std::mutex> lock(mu_);
    return failures_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> failures_;
};

// RETRY after a retriable delivery failure (Java: TaskCorruptedException):
// nothing is committed past the failed records, the tasks go back to their
// last commit and produce them again. Before, RETRY on a failed delivery
// counted as FAIL and the thread died. With producer.retries=0 librdkafka
// reports the broker's NOT_ENOUGH_REPLICAS at once.
TEST_F(ErrorsEmbeddedIT, ProductionRetryRewindsTheTasksAndDeliversEveryRecord) {
  std::vector<Input> inputs;
  for (int i = 1; i <= 5; ++i) inputs.push_back({"k" + std::to_string(i), Int32Bytes(i), 1000 + i});
  ProduceRaw(inputs);
  // The app's first two Produce requests are refused.
  kafka_->PushRequestErrors(EmbeddedKafka::ApiKey::kProduce,
                            {EmbeddedKafka::kNotEnoughReplicas, EmbeddedKafka::kNotEnoughReplicas});
  auto handler = std::make_shared<RetryingHandler>();
  StreamsConfig config = Config("errors-retry");
  config.Set("producer.retries", "0").SetProductionExceptionHandler(handler);
  KafkaStreams streams(TimesTen(), config);
  KSTREAMS_ASSERT_OK(streams.Start());
  ASSERT_TRUE(WaitFor([&] {
    return Committed("errors-retry", {{"in", 0}})[{"in", 0}] == 5;
  }, absl::Seconds(30)));
  // Both refusals reached the handler (one call per failed record).
  const std::vector<std::string> failures = handler->failures();
  ASSERT_GE(failures.size(), 2u);
  EXPECT_THAT(failures[0], ::testing::HasSubstr("failed to deliver a record to topic 'out'"));
  // Every value is in the output at least once (at-least-once: the records
  // that went out before the rewind may come twice), nothing else is.
  const int64_t written = Watermarks({"out", 0}).second;
  ASSERT_GE(written, 5);
  std::set<int32_t> seen;
  for (const internal::ConsumerRecord& r : Read("out", 1, static_cast<size_t>(written))) {
    ASSERT_TRUE(r.value.has_value());
    ASSERT_EQ(r.value->size(), 4u);
    seen.insert(internal::ReadInt32BigEndian(*r.value));
  }
  EXPECT_EQ(seen, (std::set<int32_t>{10, 20, 30, 40, 50}));
  EXPECT_EQ(Dropped(streams), 0);
  EXPECT_EQ(streams.state(), State::kRunning);
  EXPECT_TRUE(streams.Close(absl::Seconds(30)));
}

// The default production handler answers RETRY for a retriable delivery
// failure, as Java 4.x's (KIP-1065): the same refusals rewind the tasks, and
// the client keeps running with every value delivered.
TEST_F(ErrorsEmbeddedIT, DefaultProductionHandlerRetriesRetriableDeliveryFailures) {
  std::vector<Input> inputs;
  for (int i = 1; i <= 5; ++i) inputs.push_back({"k" + std::to_string(i), Int32Bytes(i), 1000 + i});
  ProduceRaw(inputs);
  kafka_->PushRequestErrors(EmbeddedKafka::ApiKey::kProduce,
                            {EmbeddedKafka::kNotEnoughReplicas, EmbeddedKafka::kNotEnoughReplicas});
  StreamsConfig config = Config("errors-default-retry");
  config.Set("producer.retries", "0");
  KafkaStreams streams(TimesTen(), config);
  KSTREAMS_ASSERT_OK(streams.Start());
  ASSERT_TRUE(WaitFor([&] {
    return Committed("errors-default-retry", {{"in", 0}})[{"in", 0}] == 5;
  }, absl::Seconds(30)));
  const int64_t written = Watermarks({"out", 0}).second;
  ASSERT_GE(written, 5);
  std::set<int32_t> seen;
  for (const internal::ConsumerRecord& r : Read("out", 1, static_cast<size_t>(written))) {
    ASSERT_TRUE(r.value.has_value());
    seen.insert(internal::ReadInt32BigEndian(*r.value));
  }
  EXPECT_EQ(seen, (std::set<int32_t>{10, 20, 30, 40, 50}));
  EXPECT_EQ(Dropped(streams), 0);
  EXPECT_EQ(streams.state(), State::kRunning);
  EXPECT_TRUE(streams.Close(absl::Seconds(30)));
}

// An independent client (kafka-python) reads the DLQ record's headers as a
// Kafka Streams DLQ record's: UTF-8 strings, partition and offset in decimal.
TEST_P(ErrorsIT, DeadLetterQueueHeadersReadByKafkaPython) {
  ProduceRaw({{"bad-bytes", "abc", 1001}});
  StreamsConfig config = Config("errors-dlq");
  config.Set("default.deserialization.exception.handler", "log_and_continue")
      .Set("errors.dead.letter.queue.topic.name", "dlq");
  KafkaStreams streams(TimesTen(), config);
  KSTREAMS_ASSERT_OK(streams.Start());
  ASSERT_EQ(Read("dlq", 1, 1).size(), 1u);
  const std::string script = internal::StrCat(
      "from kafka import KafkaConsumer\n"
      "c = KafkaConsumer('dlq', bootstrap_servers='", bootstrap_, "',\n"
      "                  auto_offset_reset='earliest', consumer_timeout_ms=10000)\n"
      "for m in c:\n"
      "    print('key=%s value=%s ts=%d' % (m.key.decode(), m.value.decode(), m.timestamp))\n"
      "    for k, v in m.headers:\n"
      "        print('%s=%s' % (k, v.decode('utf-8')))\n"
      "    break\n");
  const std::string out = kafka_test::RunCommand(
      internal::StrCat("timeout 40 /usr/bin/python3 -c \"", script, "\" 2>&1"));
  std::vector<std::string> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  EXPECT_THAT(lines,
              ElementsAre("key=bad-bytes value=abc ts=1001", "origin=test",
                          "__streams.errors.exception=kstreams::DeserializationError",
                          "__streams.errors.message=value: IntegerDeserializer on topic 'in': "
                          "expected 4 bytes, got 3",
                          "__streams.errors.stacktrace=deserializing in source node "
                          "'KSTREAM-SOURCE-0000000000' of task 0_0 at topic 'in' partition 0 "
                          "offset 0",
                          "__streams.errors.topic=in", "__streams.errors.partition=0",
                          "__streams.errors.offset=0"))
      << out;
  EXPECT_TRUE(streams.Close(absl::Seconds(30)));
}

// A global store's bad record goes to the dead letter queue too (before, a
// global thread had no producer and dropped its DLQ records with a
// warning); the good records reach the store and the client keeps running.
TEST_P(ErrorsIT, GlobalStoreErrorGoesToTheDeadLetterQueue) {
  KSTREAMS_ASSERT_OK(CreateTopic("rates", 1));
  {
    KSTREAMS_ASSERT_OK_AND_ASSIGN(
        auto producer, internal::Producer::Create(kafka_test::ProducerConfig(bootstrap_)));
    KSTREAMS_ASSERT_OK(producer->Send("rates", 0, "eur", Int32Bytes(7), 1001, {}));
    KSTREAMS_ASSERT_OK(producer->Send("rates", 0, "usd", "abc", 1002, {}));  // not an int32
    KSTREAMS_ASSERT_OK(producer->Send("rates", 0, "gbp", Int32Bytes(9), 1003, {}));
    KSTREAMS_ASSERT_OK(producer->Flush(absl::Seconds(10)));
    KSTREAMS_ASSERT_OK(producer->TakeDeliveryStatus());
  }
  StreamsBuilder builder;
  builder.GlobalTable<std::string, int32_t>(
      "rates", Materialized<std::string, int32_t>::As(Stores::InMemoryKeyValueStore("rates")));
  builder.Stream<std::string, int32_t>("in").To("out");
  StreamsConfig config = Config("errors-global-dlq");
  config.Set("default.deserialization.exception.handler", "log_and_continue")
      .Set("errors.dead.letter.queue.topic.name", "dlq");
  KafkaStreams streams(builder.Build(), config);
  KSTREAMS_ASSERT_OK(streams.Start());

  std::vector<internal::ConsumerRecord> dlq = Read("dlq", 1, 1);
  ASSERT_EQ(dlq.size(), 1u);
  EXPECT_EQ(dlq[0].key, std::optional<std::string>("usd"));
  EXPECT_EQ(dlq[0].value, std::optional<std::string>("abc"));
  std::map<std::string, std::string> headers = HeaderMap(dlq[0]);
  EXPECT_EQ(headers["__streams.errors.exception"], "kstreams::DeserializationError");
  EXPECT_EQ(headers["__streams.errors.topic"], "rates");
  EXPECT_EQ(headers["__streams.errors.partition"], "0");
  EXPECT_EQ(headers["__streams.errors.offset"], "1");

  auto store = streams.Store<ReadOnlyKeyValueStore<std::string, int32_t>>("rates");
  KSTREAMS_ASSERT_OK(store.status());
  EXPECT_EQ((*store)->Get("eur"), std::optional<int32_t>(7));
  EXPECT_EQ((*store)->Get("gbp"), std::optional<int32_t>(9));
  EXPECT_EQ((*store)->Get("usd"), std::nullopt);
  EXPECT_TRUE(WaitFor([&] { return streams.state() == State::kRunning; }));
  EXPECT_TRUE(streams.Close(absl::Seconds(30)));
}

// Config Start() refuses before any thread runs: the error names the key
// and the value, and the client ends NOT_RUNNING-able (Close() is instant).
TEST_P(ErrorsIT, StartRefusesBadConfigNamingKeyAndValue) {
  const std::filesystem::path file = StateDir("plain-file");
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << "not a directory";
  struct Case {
    std::string key, value, message;
  };
  const std::string under_file = (file / "state").string();
  for (const Case& c : std::vector<Case>{
           {"processing.exception.handler", "com.acme.SkipExceptionHandler",
            "config 'processing.exception.handler' names an unknown handler "
            "'com.acme.SkipExceptionHandler'; accepted: log_and_fail, log_and_continue, "
            "LogAndFailProcessingExceptionHandler, LogAndContinueProcessingExceptionHandler (or "
            "set an object in code)"},
           {"state.dir", "", "config 'state.dir' is empty; name a directory (default: /tmp/kafka-streams)"},
           {"state.dir", under_file,
            "config 'state.dir'='" + under_file + "': cannot create state directory '" +
                under_file + "/errors-config': Not a directory"},
           {"num.standby.replicas", "1",
            "config 'num.standby.replicas'='1' is not supported yet (kstreams has no standby "
            "tasks); set it to 0"},
       }) {
    StreamsConfig config = Config("errors-config");
    config.Set(c.key, c.value);
    KafkaStreams streams(runtime_test::CountTopology(), config);
    absl::Status s = streams.Start();
    EXPECT_EQ(std::string(s.message()), c.message) << c.key << "=" << c.value;
    EXPECT_TRUE(streams.Close(absl::Seconds(1)));
  }
}

TEST_P(ErrorsIT, SecondInstanceOnOneStateDirIsRefusedNamingDirectoryAndHolder) {
  KSTREAMS_ASSERT_OK(CreateTopic("words", 1));
  KSTREAMS_ASSERT_OK(CreateTopic("counts-out", 1));
  KafkaStreams first(runtime_test::CountTopology(), Config("errors-lock"));
  KSTREAMS_ASSERT_OK(first.Start());
  KafkaStreams second(runtime_test::CountTopology(), Config("errors-lock"));
  absl::Status s = second.Start();
  const std::string dir = (StateDir() / "errors-lock").string();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(std::string(s.message()),
            internal::StrCat("config 'state.dir'='", StateDir().string(), "': state directory '",
                             dir, "' is locked by another KafkaStreams instance or thread (held by "
                             "process ", static_cast<int64_t>(getpid()), ") (lock file '", dir,
                             "/.lock'); is another instance with the same application.id and "
                             "state.dir running?"));
  EXPECT_TRUE(first.Close(absl::Seconds(30)));
  // Once the first has closed, the directory is free.
  KafkaStreams third(runtime_test::CountTopology(), Config("errors-lock"));
  KSTREAMS_EXPECT_OK(third.Start());
  EXPECT_TRUE(third.Close(absl::Seconds(30)));
}

// Before: with the broker gone, Close(timeout) returned false and the
// destructor then blocked ~150 s on the producer flush (half of
// max.poll.interval.ms). Now the close deadline bounds the final flush:
// undelivered records are dropped and their input offsets not committed.
TEST_F(ErrorsEmbeddedIT, CloseHonoursItsTimeoutWithTheBrokerGone) {
  KSTREAMS_ASSERT_OK(kafka_->CreateTopic("words", 1));
  KSTREAMS_ASSERT_OK(kafka_->CreateTopic("counts-out", 1));
  Produce("words", runtime_test::Words(20, 4));
  StreamsConfig config = Config("errors-close");
  config.Set("producer.linger.ms", "60000");  // outputs wait in the producer
  config.Set("commit.interval.ms", "600000");
  absl::Time closed_at;
  {
    KafkaStreams streams(runtime_test::CountTopology(/*caching=*/false), config);
    KSTREAMS_ASSERT_OK(streams.Start());
    ASSERT_TRUE(WaitFor([&] {
      auto counts = runtime_test::QueryCounts(streams);
      return counts && (*counts)["w0"] == 5;
    }, absl::Seconds(30)));
    KSTREAMS_ASSERT_OK(kafka_->SetBrokerDown(1));
    const absl::Time start = absl::Now();
    (void)streams.Close(absl::Seconds(3));
    EXPECT_LT(absl::Now() - start, absl::Seconds(20));
    closed_at = absl::Now();
  }  // the destructor
  EXPECT_LT(absl::Now() - closed_at, absl::Seconds(20));
  KSTREAMS_ASSERT_OK(kafka_->SetBrokerUp(1));
}

}  // namespace
}  // namespace kstreams
