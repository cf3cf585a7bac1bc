// KafkaStreams end to end on both brokers (embedded and real Kafka):
// processing, repartitioning, lifecycle states, config and topic errors,
// group sharing, commits and the uncaught exception handler; produce-error
// injection on the embedded broker only.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integration/kafka/kafka_test_util.h"
#include "integration/runtime/runtime_test_util.h"
#include "kafka/consumer.h"
#include "kafka/kafka_common.h"
#include "kafka/producer.h"
#include "kstreams/kafka/embedded_kafka.h"
#include "kstreams/kstreams.h"
#include "kstreams/runtime/kafka_streams.h"
#include "kstreams/runtime/topic_creator.h"

namespace {

using kstreams::KafkaStreams;
using kstreams::StreamsConfig;
using State = kstreams::KafkaStreams::State;
using Response = kstreams::KafkaStreams::StreamThreadExceptionResponse;
using kstreams::runtime_test::KV;
using kstreams::runtime_test::WaitFor;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAreArray;

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::vector<KV> KeyValues(const std::vector<kstreams::internal::ConsumerRecord>& rs) {
  std::vector<KV> out;
  for (const auto& r : rs) out.emplace_back(r.key.value_or("<null>"), r.value.value_or("<null>"));
  return out;
}

using KafkaStreamsIT = kstreams::runtime_test::BrokerIT;
KSTREAMS_INSTANTIATE_ON_BOTH_BROKERS(KafkaStreamsIT);
// Fault injection, and a broker without CreateTopics, need the embedded
// broker.
using KafkaStreamsEmbeddedIT = kstreams::runtime_test::RuntimeIT;

// Filter + MapValues + To: keeps even-numbered values, upper-cases them.
kstreams::Topology StatelessTopology() {
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("in")
      .Filter([](const std::string&, const std::string& v) { return (v.back() - '0') % 2 == 0; })
      .MapValues([](const std::string& v) { return Upper(v); })
      .To("out");
  return builder.Build();
}

std::vector<KV> Input(int n, const std::string& prefix = "k") {
  std::vector<KV> in;
  for (int i = 0; i < n; ++i) in.emplace_back(prefix + std::to_string(i), "v" + std::to_string(i));
  return in;
}

std::vector<KV> ExpectedStateless(const std::vector<KV>& in) {
  std::vector<KV> out;
  for (const auto& [k, v] : in) {
    if ((v.back() - '0') % 2 == 0) out.emplace_back(k, Upper(v));
  }
  return out;
}

TEST_P(KafkaStreamsIT, StatelessTopologyProcessesAllInput) {
  KSTREAMS_ASSERT_OK(CreateTopic("in", 2));
  KSTREAMS_ASSERT_OK(CreateTopic("out", 2));
  std::vector<KV> input = Input(40);
  Produce("in", input);

  KafkaStreams streams(StatelessTopology(), Config("stateless"));
  KSTREAMS_ASSERT_OK(streams.Start());
  std::vector<KV> expected = ExpectedStateless(input);
  auto out = Read("out", 2, expected.size());
  EXPECT_THAT(KeyValues(out), UnorderedElementsAreArray(expected));
  // Keyed output lands where the Java client would put it (murmur2).
  for (const auto& r : out) {
    EXPECT_EQ(r.partition, kstreams::internal::Murmur2Partition(*r.key, 2)) << *r.key;
  }
  // An independent client sees the same records.
  std::string kcat = kstreams::kafka_test::RunCommand(
      "kcat -q -b " + bootstrap_ + " -C -t out -e -f '%k=%s\\n' 2>/dev/null");
  std::vector<KV> seen;
  std::istringstream lines(kcat);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    size_t eq = line.find('=');
    seen.emplace_back(line.substr(0, eq), line.substr(eq + 1));
  }
  EXPECT_THAT(seen, UnorderedElementsAreArray(expected));
  EXPECT_TRUE(streams.Close(absl::Seconds(20)));
  EXPECT_EQ(streams.state(), State::kNotRunning);
}

TEST_P(KafkaStreamsIT, WindowedKeysLandInTheirInnerKeysPartition) {
  KSTREAMS_ASSERT_OK(CreateTopic("clicks", 3));
  KSTREAMS_ASSERT_OK(CreateTopic("clicks-per-window", 3));
  std::vector<KV> input;
  for (int i = 0; i < 60; ++i) input.emplace_back("user" + std::to_string(i % 12), "page");
  Produce("clicks", input);  // timestamps 1000..1059: windows [1000,1010) ... [1050,1060)
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("clicks")
      .GroupByKey()
      .WindowedBy(kstreams::TimeWindows::OfSizeWithNoGrace(std::chrono::milliseconds(10)))
      .Count(kstreams::Materialized<std::string, int64_t>::As("per-window").WithCachingDisabled())
      .ToStream()
      .To("clicks-per-window");
  KafkaStreams streams(builder.Build(), Config("windowed-partitions"));
  KSTREAMS_ASSERT_OK(streams.Start());
  auto out = Read("clicks-per-window", 3, input.size());
  ASSERT_EQ(out.size(), input.size());
  // Kafka Streams' WindowedStreamPartitioner: murmur2 of the inner key's
  // bytes (the time-windowed key is those bytes, then the 8-byte start), so
  // every window of a key is in the partition the plain key would be.
  std::set<int32_t> used;
  for (const auto& r : out) {
    ASSERT_TRUE(r.key.has_value() && r.key->size() > 8);
    const std::string inner = r.key->substr(0, r.key->size() - 8);
    EXPECT_EQ(r.partition, kstreams::internal::Murmur2Partition(inner, 3)) << inner;
    used.insert(r.partition);
  }
  EXPECT_GT(used.size(), 1u);  // 12 keys over 3 partitions: the check has teeth
  EXPECT_TRUE(streams.Close(absl::Seconds(20)));
}

TEST_P(KafkaStreamsIT, StateListenerSeesKafkaStreamsTransitions) {
  KSTREAMS_ASSERT_OK(CreateTopic("in", 1));
  KSTREAMS_ASSERT_OK(CreateTopic("out", 1));
  KafkaStreams streams(StatelessTopology(), Config("states"));
  std::mutex mu;
  std::vector<std::pair<State, State>> transitions;
  streams.SetStateListener([&](State now, State before) {
    std::lock_guard<std::mutex> lock(mu);
    transitions.emplace_back(before, now);
  });
  EXPECT_EQ(streams.state(), State::kCreated);
  KSTREAMS_ASSERT_OK(streams.Start());
  ASSERT_TRUE(WaitFor([&] { return streams.state() == State::kRunning; }));
  auto threads = streams.LocalThreadsMetadata();
  ASSERT_EQ(threads.size(), 1u);
  EXPECT_EQ(threads[0].thread_state, "RUNNING");
  EXPECT_THAT(threads[0].thread_name, HasSubstr("states-"));
  ASSERT_EQ(threads[0].active_tasks.size(), 1u);
  EXPECT_EQ(threads[0].active_tasks[0].task_id, (kstreams::TaskId{0, 0}));
  EXPECT_THAT(threads[0].active_tasks[0].topic_partitions,
              ElementsAre(kstreams::TopicPartition{"in", 0}));
  EXPECT_EQ(threads[0].consumer_client_id, threads[0].thread_name + "-consumer");
  EXPECT_EQ(threads[0].restore_consumer_client_id, threads[0].thread_name + "-restore-consumer");
  EXPECT_THAT(threads[0].producer_client_ids, ElementsAre(threads[0].thread_name + "-producer"));
  EXPECT_THAT(threads[0].admin_client_id, HasSubstr("states-"));
  EXPECT_TRUE(threads[0].standby_tasks.empty());
  EXPECT_TRUE(streams.Close(absl::Seconds(20)));
  EXPECT_TRUE(streams.Close(absl::Seconds(1)));  // idempotent
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_THAT(transitions,
              ElementsAre(std::pair(State::kCreated, State::kRebalancing),
                          std::pair(State::kRebalancing, State::kRunning),
                          std::pair(State::kRunning, State::kPendingShutdown),
                          std::pair(State::kPendingShutdown, State::kNotRunning)));
}

TEST_P(KafkaStreamsIT, ThreadMetadataShowsCommittedAndEndOffsets) {
  KSTREAMS_ASSERT_OK(CreateTopic("in", 2));
  KSTREAMS_ASSERT_OK(CreateTopic("out", 2));
  std::vector<KV> input = Input(30);
  Produce("in", input);
  std::map<int32_t, int64_t> end;
  for (int32_t p = 0; p < 2; ++p) end[p] = Watermarks({"in", p}).second;
  ASSERT_EQ(end[0] + end[1], 30);
  KafkaStreams streams(StatelessTopology(), Config("metadata"));
  KSTREAMS_ASSERT_OK(streams.Start());
  // Once everything is processed and committed, each task's committed
  // offsets and end offsets reach the partitions' ends.
  std::vector<KafkaStreams::ThreadMetadata> threads;
  ASSERT_TRUE(WaitFor([&] {
    threads = streams.LocalThreadsMetadata();
    if (threads.size() != 1 || threads[0].active_tasks.size() != 2) return false;
    for (const auto& task : threads[0].active_tasks) {
      const kstreams::TopicPartition tp{"in", task.task_id.partition};
      auto c = task.committed_offsets.find(tp);
      auto e = task.end_offsets.find(tp);
      if (c == task.committed_offsets.end() || e == task.end_offsets.end() ||
          c->second != end[tp.partition] || e->second != end[tp.partition]) {
        return false;
      }
    }
    return true;
  }));
  for (const auto& task : threads[0].active_tasks) {
    EXPECT_THAT(task.topic_partitions,
                ElementsAre(kstreams::TopicPartition{"in", task.task_id.partition}));
    EXPECT_FALSE(task.restoring);
    EXPECT_EQ(task.time_current_idling_started, std::nullopt);
  }
  EXPECT_TRUE(streams.Close(absl::Seconds(20)));
}

TEST_P(KafkaStreamsIT, ConcurrentCloseFromOtherThreadsStopsOnce) {
  KSTREAMS_ASSERT_OK(CreateTopic("in", 2));
  KSTREAMS_ASSERT_OK(CreateTopic("out", 2));
  KafkaStreams streams(StatelessTopology(), Config("closers").Set("num.stream.threads", "2"));
  std::atomic<int> not_running{0};
  streams.SetStateListener([&](State now, State) {
    if (now == State::kNotRunning) ++not_running;
    (void)streams.state();  // allowed inside the listener
  });
  KSTREAMS_ASSERT_OK(streams.Start());
  ASSERT_TRUE(WaitFor([&] { return streams.state() == State::kRunning; }));
  EXPECT_EQ(streams.LocalThreadsMetadata().size(), 2u);
  std::atomic<int> closed{0};
  std::thread a([&] { closed += streams.Close(absl::Seconds(20)) ? 1 : 0; });
  std::thread b([&] { closed += streams.Close(absl::Seconds(20)) ? 1 : 0; });
  a.join();
  b.join();
  EXPECT_EQ(closed.load(), 2);
  EXPECT_EQ(streams.state(), State::kNotRunning);
  EXPECT_EQ(not_running.load(), 1);
}

TEST_P(KafkaStreamsIT, RepartitionCarriesNewKeysToTheSecondSubtopology) {
  KSTREAMS_ASSERT_OK(CreateTopic("in", 3));
  KSTREAMS_ASSERT_OK(CreateTopic("out", 3));
  std::vector<KV> input;
  for (int i = 0; i < 30; ++i) {
    input.emplace_back("k" + std::to_string(i), std::string(1, static_cast<char>('a' + i % 5)) +
                                                    "-" + std::to_string(i));
  }
  Produce("in", input);
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("in")
      .SelectKey([](const std::string&, const std::string& v) { return v.substr(0, 1); })
      .Repartition(kstreams::Repartitioned<std::string, std::string>::As("by-letter"))
      .MapValues([](const std::string& v) { return Upper(v); })
      .To("out");
  KafkaStreams streams(builder.Build(), Config("rekey"));
  KSTREAMS_ASSERT_OK(streams.Start());
  std::vector<KV> expected;
  for (const auto& [k, v] : input) expected.emplace_back(v.substr(0, 1), Upper(v));
  auto out = Read("out", 3, expected.size());
  EXPECT_THAT(KeyValues(out), UnorderedElementsAreArray(expected));
  for (const auto& r : out) {
    EXPECT_EQ(r.partition, kstreams::internal::Murmur2Partition(*r.key, 3)) << *r.key;
  }
  // The repartition topic was created with the source's 3 partitions.
  auto through = Read("rekey-by-letter-repartition", 3, input.size());
  EXPECT_EQ(through.size(), input.size());
  std::set<std::string> tasks;
  for (const auto& t : streams.LocalThreadsMetadata()) {
    for (const auto& task : t.active_tasks) tasks.insert(task.task_id.ToString());
  }
  EXPECT_THAT(tasks, ::testing::UnorderedElementsAre("0_0", "0_1", "0_2", "1_0", "1_1", "1_2"));
  EXPECT_TRUE(streams.Close(absl::Seconds(20)));
}

TEST_P(KafkaStreamsIT, BadConfigErrorsNameTheKey) {
  KSTREAMS_ASSERT_OK(CreateTopic("in", 1));
  auto start_error = [&](StreamsConfig config) {
    KafkaStreams streams(StatelessTopology(), std::move(config));
    absl::Status s = streams.Start();
    EXPECT_EQ(streams.state(), State::kCreated);
    return s;
  };
  StreamsConfig no_app = Config("x");
  no_app = StreamsConfig{{"bootstrap.servers", bootstrap_}};
  EXPECT_THAT(std::string(start_error(no_app).message()), HasSubstr("'application.id'"));
  EXPECT_THAT(std::string(start_error(StreamsConfig{{"application.id", "x"}}).message()),
              HasSubstr("'bootstrap.servers'"));
  EXPECT_THAT(std::string(start_error(Config("x").Set("num.stream.threads", "0")).message()),
              HasSubstr("'num.stream.threads'"));
  EXPECT_THAT(std::string(start_error(Config("x").Set("commit.interval.ms", "soon")).message()),
              HasSubstr("'commit.interval.ms'"));
  // Kafka 4.0 removed exactly_once and exactly_once_beta; exactly_once_v2 runs.
  absl::Status eos = start_error(Config("x").Set("processing.guarantee", "exactly_once"));
  EXPECT_TRUE(absl::IsInvalidArgument(eos)) << eos;
  EXPECT_THAT(std::string(eos.message()), HasSubstr("use exactly_once_v2"));
  EXPECT_THAT(std::string(start_error(Config("x").Set("processing.guarantee", "twice")).message()),
              HasSubstr("'processing.guarantee'"));
  // A librdkafka key that librdkafka rejects is named too.
  EXPECT_THAT(std::string(start_error(Config("x").Set("producer.acks", "maybe")).message()),
              HasSubstr("acks"));
}

TEST_P(KafkaStreamsIT, MissingSourceTopicIsAStartupError) {
  KafkaStreams streams(StatelessTopology(), Config("missing"));
  absl::Status s = streams.Start();
  EXPECT_TRUE(absl::IsNotFound(s)) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("[in]"));
  EXPECT_EQ(streams.state(), State::kCreated);
}

TEST_P(KafkaStreamsIT, NotCopartitionedSourcesAreAStartupError) {
  KSTREAMS_ASSERT_OK(CreateTopic("left", 2));
  KSTREAMS_ASSERT_OK(CreateTopic("right", 3));
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>(std::vector<std::string>{"left", "right"}).To("out");
  KafkaStreams streams(builder.Build(), Config("copart"));
  absl::Status s = streams.Start();
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("left (2), right (3)"));
}

TEST_P(KafkaStreamsIT, TwoInstancesShareThePartitionsAndProduceEachRecordOnce) {
  KSTREAMS_ASSERT_OK(CreateTopic("in", 4));
  KSTREAMS_ASSERT_OK(CreateTopic("out", 4));
  std::vector<KV> input = Input(200);
  Produce("in", input);
  KafkaStreams a(StatelessTopology(), Config("shared"));
  KafkaStreams b(StatelessTopology(), Config("shared"));
  KSTREAMS_ASSERT_OK(a.Start());
  KSTREAMS_ASSERT_OK(b.Start());
  auto tasks_of = [](const KafkaStreams& s) {
    std::set<kstreams::TaskId> ids;
    for (const auto& t : s.LocalThreadsMetadata()) {
      for (const auto& task : t.active_tasks) ids.insert(task.task_id);
    }
    return ids;
  };
  ASSERT_TRUE(WaitFor([&] {
    return a.state() == State::kRunning && b.state() == State::kRunning &&
           !tasks_of(a).empty() && !tasks_of(b).empty() &&
           tasks_of(a).size() + tasks_of(b).size() == 4;
  })) << tasks_of(a).size() << " + " << tasks_of(b).size();
  std::vector<KV> expected = ExpectedStateless(input);
  auto out = Read("out", 4, expected.size());
  // Nothing more arrives: every record exactly once. Once the group has
  // committed all the input, no instance processes a record again; what
  // could still arrive is then already written, and ReadTopic's 1 s deadline
  // is the explicit window in which it would show.
  ASSERT_TRUE(WaitFor([&] { return CommittedToEnd("shared", "in", 4); }));
  auto again = kstreams::kafka_test::ReadTopic(bootstrap_, "out", 4, expected.size() + 1,
                                               absl::Seconds(1));
  EXPECT_TRUE(absl::IsDeadlineExceeded(again.status())) << again.status();
  EXPECT_THAT(KeyValues(out), UnorderedElementsAreArray(expected));
  EXPECT_TRUE(a.Close(absl::Seconds(20)));
  EXPECT_TRUE(b.Close(absl::Seconds(20)));
}

TEST_P(KafkaStreamsIT, CommittedOffsetsAfterCloseAreNotReprocessed) {
  KSTREAMS_ASSERT_OK(CreateTopic("in", 2));
  KSTREAMS_ASSERT_OK(CreateTopic("out", 2));
  std::vector<KV> first = Input(20);
  Produce("in", first);
  {
    KafkaStreams streams(StatelessTopology(), Config("restart"));
    KSTREAMS_ASSERT_OK(streams.Start());
    EXPECT_EQ(Read("out", 2, 10).size(), 10u);
    EXPECT_TRUE(streams.Close(absl::Seconds(20)));
  }
  std::vector<KV> second = Input(20, "later");
  Produce("in", second);
  KafkaStreams streams(StatelessTopology(), Config("restart"));
  KSTREAMS_ASSERT_OK(streams.Start());
  std::vector<KV> expected = ExpectedStateless(first);
  for (const KV& kv : ExpectedStateless(second)) expected.push_back(kv);
  auto out = Read("out", 2, expected.size());
  // As above: all input committed, then a 1 s window for any extra record.
  ASSERT_TRUE(WaitFor([&] { return CommittedToEnd("restart", "in", 2); }));
  auto again = kstreams::kafka_test::ReadTopic(bootstrap_, "out", 2, expected.size() + 1,
                                               absl::Seconds(1));
  EXPECT_TRUE(absl::IsDeadlineExceeded(again.status())) << again.status();
  EXPECT_THAT(KeyValues(out), UnorderedElementsAreArray(expected));
  EXPECT_TRUE(streams.Close(absl::Seconds(20)));
}

kstreams::Topology ThrowingTopology(std::atomic<int>* throws_left) {
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("in")
      .MapValues([throws_left](const std::string& v) {
        if (v == "boom" && throws_left->fetch_sub(1) > 0) {
          throw std::runtime_error("cannot handle boom");
        }
        return Upper(v);
      })
      .To("out");
  return builder.Build();
}

TEST_P(KafkaStreamsIT, ThrowingProcessorMovesClientToErrorUnderShutdownClient) {
  KSTREAMS_ASSERT_OK(CreateTopic("in", 1));
  KSTREAMS_ASSERT_OK(CreateTopic("out", 1));
  Produce("in", {{"a", "x"}, {"b", "boom"}, {"c", "y"}});
  std::atomic<int> throws_left{1000};
  KafkaStreams streams(ThrowingTopology(&throws_left), Config("fails"));
  std::mutex mu;
  absl::Status seen;
  streams.SetUncaughtExceptionHandler([&](const absl::Status& error) {
    std::lock_guard<std::mutex> lock(mu);
    seen = error;
    return Response::kShutdownClient;
  });
  KSTREAMS_ASSERT_OK(streams.Start());
  ASSERT_TRUE(WaitFor([&] { return streams.state() == State::kError; }));
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_THAT(std::string(seen.message()), HasSubstr("cannot handle boom"));
    EXPECT_THAT(std::string(seen.message()), HasSubstr("topic 'in' partition 0 offset 1"));
  }
  EXPECT_TRUE(streams.Close(absl::Seconds(5)));
  EXPECT_EQ(streams.state(), State::kError);
  EXPECT_TRUE(streams.LocalThreadsMetadata().empty());
}

TEST_P(KafkaStreamsIT, ReplaceThreadStartsANewThreadThatCarriesOn) {
  KSTREAMS_ASSERT_OK(CreateTopic("in", 1));
  KSTREAMS_ASSERT_OK(CreateTopic("out", 1));
  Produce("in", {{"a", "x"}, {"b", "boom"}, {"c", "y"}});
  std::atomic<int> throws_left{1};
  std::atomic<int> handled{0};
  KafkaStreams streams(ThrowingTopology(&throws_left), Config("replace"));
  streams.SetUncaughtExceptionHandler([&](const absl::Status&) {
    ++handled;
    return Response::kReplaceThread;
  });
  KSTREAMS_ASSERT_OK(streams.Start());
  // At least once: records processed before the failure may come twice.
  std::set<KV> distinct;
  for (size_t n = 3; n <= 6 && distinct.size() < 3; ++n) {
    distinct.clear();
    for (const KV& kv : KeyValues(Read("out", 1, n))) distinct.insert(kv);
  }
  EXPECT_THAT(distinct, ::testing::UnorderedElementsAre(KV{"a", "X"}, KV{"b", "BOOM"},
                                                        KV{"c", "Y"}));
  EXPECT_EQ(handled.load(), 1);
  ASSERT_TRUE(WaitFor([&] { return streams.state() == State::kRunning; }));
  auto threads = streams.LocalThreadsMetadata();
  ASSERT_EQ(threads.size(), 1u);
  EXPECT_THAT(threads[0].thread_name, HasSubstr("StreamThread-2"));
  EXPECT_TRUE(streams.Close(absl::Seconds(20)));
  EXPECT_EQ(streams.state(), State::kNotRunning);
}

TEST_F(KafkaStreamsEmbeddedIT, FailedDeliveryKillsTheThreadBeforeItCommits) {
  KSTREAMS_ASSERT_OK(CreateTopic("in", 1));
  KSTREAMS_ASSERT_OK(CreateTopic("out", 1));
  Produce("in", Input(10));
  // Every produce request from now on is refused (not retriable).
  kafka_->PushRequestErrors(kstreams::EmbeddedKafka::ApiKey::kProduce,
                            std::vector<int16_t>(50, kstreams::EmbeddedKafka::kTopicAuthorizationFailed));
  KafkaStreams streams(StatelessTopology(), Config("undeliverable"));
  std::mutex mu;
  absl::Status seen;
  streams.SetUncaughtExceptionHandler([&](const absl::Status& error) {
    std::lock_guard<std::mutex> lock(mu);
    seen = error;
    return Response::kShutdownClient;
  });
  KSTREAMS_ASSERT_OK(streams.Start());
  ASSERT_TRUE(WaitFor([&] { return streams.state() == State::kError; }));
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_THAT(std::string(seen.message()),
                HasSubstr("failed to deliver a record to topic 'out' partition 0"));
  }
  // No offset was committed past the lost records.
  kstreams::internal::ConsumerOptions options;
  options.config = kstreams::kafka_test::GroupConsumerConfig(bootstrap_, "undeliverable");
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto consumer, kstreams::internal::Consumer::Create(std::move(options)));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto committed, consumer->Committed({{"in", 0}}));
  const kstreams::internal::TopicPartition in0{"in", 0};
  EXPECT_FALSE(committed[in0].has_value()) << *committed[in0];
}

// Counts per key in a logged key-value store (Processor API).
class Counter : public kstreams::Processor<std::string, std::string, std::string, int64_t> {
 public:
  void Init(kstreams::ProcessorContext<std::string, int64_t>& ctx) override {
    ctx_ = &ctx;
    store_ = ctx.GetStateStore<kstreams::KeyValueStore<std::string, int64_t>>("counts");
  }
  void Process(kstreams::Record<std::string, std::string> r) override {
    int64_t n = store_->Get(r.key()).value_or(0) + 1;
    store_->Put(r.key(), n);
    ctx_->Forward(std::move(r).WithValue(n));
  }

 private:
  kstreams::ProcessorContext<std::string, int64_t>* ctx_ = nullptr;
  kstreams::KeyValueStore<std::string, int64_t>* store_ = nullptr;
};

TEST_P(KafkaStreamsIT, LoggedStoreGetsAChangelogTopicPerTaskPartition) {
  KSTREAMS_ASSERT_OK(CreateTopic("words", 2));
  KSTREAMS_ASSERT_OK(CreateTopic("counts-out", 2));
  std::vector<KV> input;
  for (int i = 0; i < 12; ++i) input.emplace_back("w" + std::to_string(i % 3), "x");
  Produce("words", input);
  kstreams::Topology topology;
  topology.AddSource<std::string, std::string>("src", {"words"})
      .AddProcessor("counter", [] { return std::make_unique<Counter>(); }, {"src"})
      .AddStateStore(kstreams::Stores::KeyValueStoreBuilder<std::string, int64_t>(
                         kstreams::Stores::InMemoryKeyValueStore("counts"),
                         kstreams::serdes::String(), kstreams::serdes::Int64()),
                     {"counter"})
      .AddSink<std::string, int64_t>("sink", "counts-out", {"counter"});
  KafkaStreams streams(topology, Config("count"));
  KSTREAMS_ASSERT_OK(streams.Start());
  auto out = Read("counts-out", 2, input.size());
  std::map<std::string, int64_t> last;
  for (const auto& r : out) {
    auto n = kstreams::serdes::Int64()->Deserialize("counts-out", *r.value);
    ASSERT_TRUE(n.ok()) << n.status();
    last[*r.key] = std::max(last[*r.key], *n);
  }
  EXPECT_THAT(last, ElementsAre(std::pair<const std::string, int64_t>("w0", 4),
                                std::pair<const std::string, int64_t>("w1", 4),
                                std::pair<const std::string, int64_t>("w2", 4)));
  // The changelog has one partition per task and carries every update.
  auto changelog = Read("count-counts-changelog", 2, input.size());
  EXPECT_EQ(changelog.size(), input.size());
  EXPECT_TRUE(streams.Close(absl::Seconds(20)));
}

// Issue 16: each instance has a process id (a UUID kept in the state
// directory as Java's kafka-streams-process-metadata), and its thread names
// and client ids follow Java's `<client.id or application.id-processId>-...`.
TEST_P(KafkaStreamsIT, ThreadNamesAndClientIdsCarryTheProcessIdKeptInTheStateDirectory) {
  KSTREAMS_ASSERT_OK(CreateTopic("in", 1));
  KSTREAMS_ASSERT_OK(CreateTopic("out", 1));
  std::string first_name;
  {
    KafkaStreams streams(StatelessTopology(), Config("ident"));
    KSTREAMS_ASSERT_OK(streams.Start());
    std::ifstream file(StateDir() / "ident" / "kafka-streams-process-metadata");
    std::string json((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    ASSERT_EQ(json.size(), std::string("{\"processId\":\"\"}").size() + 36) << json;
    const std::string process_id = json.substr(14, 36);
    auto threads = streams.LocalThreadsMetadata();
    ASSERT_EQ(threads.size(), 1u);
    first_name = threads[0].thread_name;
    EXPECT_EQ(first_name, "ident-" + process_id + "-StreamThread-1");
    EXPECT_EQ(threads[0].consumer_client_id, first_name + "-consumer");
    EXPECT_EQ(threads[0].admin_client_id, "ident-" + process_id + "-admin");
    // A second instance on the same state directory gets its own id.
    KafkaStreams other(StatelessTopology(), Config("ident"));
    KSTREAMS_ASSERT_OK(other.Start());
    auto other_threads = other.LocalThreadsMetadata();
    ASSERT_EQ(other_threads.size(), 1u);
    EXPECT_NE(other_threads[0].thread_name, first_name);
    EXPECT_TRUE(other.Close(absl::Seconds(20)));
    EXPECT_TRUE(streams.Close(absl::Seconds(20)));
  }
  {
    KafkaStreams restarted(StatelessTopology(), Config("ident"));
    KSTREAMS_ASSERT_OK(restarted.Start());
    EXPECT_EQ(restarted.LocalThreadsMetadata()[0].thread_name, first_name);
    EXPECT_TRUE(restarted.Close(absl::Seconds(20)));
  }
  KafkaStreams named(StatelessTopology(), Config("ident").Set("client.id", "billing"));
  KSTREAMS_ASSERT_OK(named.Start());
  EXPECT_EQ(named.LocalThreadsMetadata()[0].thread_name, "billing-StreamThread-1");
  EXPECT_TRUE(named.Close(absl::Seconds(20)));
}

// A counting topology with a repartition topic and a changelog.
kstreams::Topology RegroupedCounts() {
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("in")
      .GroupBy([](const std::string&, const std::string& v) { return v; },
               kstreams::Grouped<std::string, std::string>::As("by-value"))
      .Count(kstreams::Materialized<std::string, int64_t>::As("counts"))
      .ToStream()
      .To("out");
  return builder.Build();
}

// Issue 16: without a way to create topics (a separate kstreams-broker),
// Start() names every missing internal topic at once with the exact
// kstreams-broker flags, and InternalTopics() lists them beforehand.
TEST_F(KafkaStreamsEmbeddedIT, StartListsEveryMissingInternalTopicWithBrokerFlags) {
  KSTREAMS_ASSERT_OK(kafka_->CreateTopic("in", 3));
  KSTREAMS_ASSERT_OK(kafka_->CreateTopic("out", 3));
  creator_.reset();  // as with a kstreams-broker in another process
  KafkaStreams streams(RegroupedCounts(), Config("flags"));
  absl::StatusOr<std::vector<KafkaStreams::InternalTopic>> topics = streams.InternalTopics();
  KSTREAMS_ASSERT_OK(topics);
  ASSERT_EQ(topics->size(), 2u);
  EXPECT_EQ((*topics)[0].name, "flags-by-value-repartition");
  EXPECT_EQ((*topics)[0].partitions, 3);
  EXPECT_EQ((*topics)[1].name, "flags-counts-changelog");
  EXPECT_EQ((*topics)[1].partitions, 3);
  EXPECT_EQ((*topics)[1].configs.at("cleanup.policy"), "compact");
  absl::Status s = streams.Start();
  EXPECT_TRUE(absl::IsUnimplemented(s)) << s;
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("--topic flags-by-value-repartition:3 --topic flags-counts-changelog:3"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("ScopedTopicCreator"));
}

}  // namespace
