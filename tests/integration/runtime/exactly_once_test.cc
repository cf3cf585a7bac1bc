// processing.guarantee=exactly_once_v2 (src/runtime/README.md, "Exactly
// once"): a count through a repartition topic, read back read_committed, is
// exactly right on both brokers (the embedded one accepts transactions
// without enforcing them); on the real cluster an application process
// SIGKILLed mid-run and started again on its state directory leaves output
// with no duplicate and no loss, where at_least_once loses nothing but may
// repeat updates; a thread whose producer another one fenced replaces it
// and carries on, exactly.
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integration/kafka/kafka_test_util.h"
#include "integration/kafka/real_kafka.h"
#include "integration/runtime/progress_test_util.h"
#include "integration/runtime/runtime_test_util.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"
#include "kstreams/internal/strings.h"
#include "kstreams/kstreams.h"

namespace kstreams {
namespace {

using internal::StrCat;
using runtime_test::BrokerIT;
using runtime_test::Counts;
using runtime_test::KV;
using runtime_test::RealKafkaIT;

// words -> GroupBy(first letter of the key) [repartition] -> Count
// "letters" (logged, cached) -> letters-out.
Topology LetterCountTopology() {
  StreamsBuilder builder;
  builder.Stream<std::string, std::string>("words")
      .GroupBy([](const std::string& k, const std::string&) { return k.substr(0, 1); })
      .Count(Materialized<std::string, int64_t>::As("letters"))
      .ToStream()
      .To("letters-out");
  return builder.Build();
}

int64_t DecodeLong(const std::string& bytes) {
  uint64_t v = 0;
  for (unsigned char c : bytes) v = (v << 8) | c;
  return static_cast<int64_t>(v);
}

// Every update of `topic` (partitions [0, n)) per key, in order, read with
// read_committed until `done(updates)` or `timeout`.
template <typename Done>
std::map<std::string, std::vector<int64_t>> ReadCommittedCounts(const std::string& bootstrap,
                                                                const std::string& topic, int n,
                                                                Done done,
                                                                absl::Duration timeout) {
  internal::ConsumerOptions options;
  options.config = {{"bootstrap.servers", bootstrap}, {"isolation.level", "read_committed"}};
  auto consumer = internal::Consumer::Create(std::move(options));
  EXPECT_TRUE(consumer.ok()) << consumer.status();
  std::map<std::string, std::vector<int64_t>> updates;
  if (!consumer.ok()) return updates;
  std::map<internal::TopicPartition, int64_t> start;
  for (int p = 0; p < n; ++p) start[{topic, p}] = internal::kOffsetBeginning;
  EXPECT_TRUE((*consumer)->Assign(start).ok());
  const absl::Time deadline = absl::Now() + timeout;
  while (!done(updates) && absl::Now() < deadline) {
    auto batch = (*consumer)->PollBatch(10000, absl::Milliseconds(100));
    if (!batch.ok()) break;
    for (const auto& r : *batch) {
      if (r.key && r.value) updates[*r.key].push_back(DecodeLong(*r.value));
    }
  }
  return updates;
}

// Batch `batch` of `n` words keyed "<letter><number>" over `letters` first
// letters; counts them per first letter into `expected`.
std::vector<KV> LetterWords(int batch, int n, int letters, Counts& expected) {
  std::vector<KV> records;
  for (int i = 0; i < n; ++i) {
    const int k = batch * n + i;
    std::string key = StrCat(std::string(1, static_cast<char>('a' + k % letters)), k % 13);
    ++expected[key.substr(0, 1)];
    records.emplace_back(std::move(key), "x");
  }
  return records;
}

// Every letter's latest count is the expected one.
bool AllReached(const std::map<std::string, std::vector<int64_t>>& updates,
                const Counts& expected) {
  if (updates.size() != expected.size()) return false;
  for (const auto& [k, u] : updates) {
    if (u.back() != expected.at(k)) return false;
  }
  return true;
}

// Exact final counts, and no update repeated or going back.
void ExpectExactWithoutRepeats(const std::map<std::string, std::vector<int64_t>>& updates,
                               const Counts& expected) {
  ASSERT_EQ(updates.size(), expected.size());
  for (const auto& [letter, counts] : updates) {
    EXPECT_EQ(counts.back(), expected.at(letter)) << letter;
    for (size_t i = 1; i < counts.size(); ++i) {
      EXPECT_LT(counts[i - 1], counts[i]) << letter << ": update " << i << " repeats or goes back";
    }
  }
}

class ExactlyOnceIT : public BrokerIT {};

TEST_P(ExactlyOnceIT, CountThroughARepartitionTopicIsExactlyRightReadCommitted) {
  KSTREAMS_ASSERT_OK(CreateTopic("words", 2));
  KSTREAMS_ASSERT_OK(CreateTopic("letters-out", 2));
  StreamsConfig config = Config("eos-letters");
  config.Set("processing.guarantee", "exactly_once_v2");
  KafkaStreams streams(LetterCountTopology(), config);
  KSTREAMS_ASSERT_OK(streams.Start());

  // 7 letters; several batches, so several transactions.
  Counts expected;
  for (int batch = 0; batch < 5; ++batch) {
    Produce("words", LetterWords(batch, 400, 7, expected), 1000 + batch * 400);
    absl::SleepFor(absl::Milliseconds(150));
  }
  auto updates = ReadCommittedCounts(
      bootstrap_, "letters-out", 2, [&](const auto& u) { return AllReached(u, expected); },
      absl::Seconds(60));
  ExpectExactWithoutRepeats(updates, expected);
  if (HasFatalFailure()) std::printf("%s\n", DescribeTopics().c_str());
  // The input offsets went into the transactions. The embedded broker
  // answers TxnOffsetCommit without storing anything (src/kafka/README.md).
  if (real()) {
    EXPECT_TRUE(
        runtime_test::WaitFor([&] { return CommittedToEnd("eos-letters", "words", 2); }));
  } else {
    EXPECT_FALSE(CommittedToEnd("eos-letters", "words", 2))
        << "the embedded broker keeps transactional offsets now: update the READMEs";
  }
  EXPECT_TRUE(streams.Close(absl::Seconds(20)));
}

KSTREAMS_INSTANTIATE_ON_BOTH_BROKERS(ExactlyOnceIT);

// tests/apps/progress_app.cc under `guarantee`, SIGKILLed once a third of
// the input is produced and started again on the same state directory.
class RealKafkaExactlyOnceIT : public RealKafkaIT {
 protected:
  struct Outcome {
    std::map<std::string, std::vector<progress_test::Progress>> updates;  // read_committed
    int produced_at_kill = 0;
    // Updates read_uncommitted that do not move past the one before.
    int repeated_uncommitted = 0;
    // An open transaction held output just before the SIGKILL.
    bool open_transaction_seen = false;
    // The restarted process: changelog records it restored, and the end
    // offsets of the changelog partitions (what a full restore reads).
    long long restored = -1;
    long long changelog_end = -1;
  };

  static constexpr int kKeys = 8;
  static constexpr int kPerKey = 1500;

  // True once some "progress-out" update (read_uncommitted) has `next` at
  // least `next`.
  bool OutputReaches(long long next, absl::Duration timeout) {
    internal::ConsumerOptions options;
    options.config = {{"bootstrap.servers", bootstrap_}, {"isolation.level", "read_uncommitted"}};
    auto consumer = internal::Consumer::Create(std::move(options));
    if (!consumer.ok()) return false;
    std::map<internal::TopicPartition, int64_t> start;
    for (int p = 0; p < 4; ++p) start[{"progress-out", p}] = internal::kOffsetBeginning;
    if (!(*consumer)->Assign(start).ok()) return false;
    const absl::Time deadline = absl::Now() + timeout;
    while (absl::Now() < deadline) {
      auto batch = (*consumer)->PollBatch(10000, absl::Milliseconds(20));
      if (!batch.ok()) return false;
      for (const auto& r : *batch) {
        if (r.value && progress_test::Parse(*r.value).next >= next) return true;
      }
    }
    return false;
  }

  // Waits until some "progress-out" partition's last stable offset (what
  // read_committed reads up to) is behind its end: an open transaction
  // holds records there. False if none did within `timeout`.
  bool WaitForOpenTransaction(absl::Duration timeout) {
    auto make = [&](const char* isolation) {
      internal::ConsumerOptions options;
      options.config = {{"bootstrap.servers", bootstrap_}, {"isolation.level", isolation}};
      return internal::Consumer::Create(std::move(options));
    };
    auto committed = make("read_committed");
    auto uncommitted = make("read_uncommitted");
    if (!committed.ok() || !uncommitted.ok()) return false;
    const absl::Time deadline = absl::Now() + timeout;
    while (absl::Now() < deadline) {
      for (int p = 0; p < 4; ++p) {
        auto stable = (*committed)->WatermarkOffsets({"progress-out", p});
        auto end = (*uncommitted)->WatermarkOffsets({"progress-out", p});
        if (stable.ok() && end.ok() && stable->second < end->second) return true;
      }
    }
    return false;
  }

  Outcome RunKilledOnce(const std::string& guarantee) {
    Outcome out;
    EXPECT_TRUE(CreateTopic("events", 4).ok());
    EXPECT_TRUE(CreateTopic("progress-out", 4).ok());
    // No cache: each input record updates the changelog and the output at
    // once, so what was processed since the last commit is out there when
    // the process dies (in the open transaction, under exactly_once_v2).
    const std::vector<std::string> args = {"--bootstrap-servers", bootstrap_, "--state-dir",
                                           StateDir("app").string(), "--guarantee", guarantee,
                                           "--cache-max-bytes", "0"};
    auto app = std::make_unique<kafka_test::ChildProcess>();
    EXPECT_TRUE(app->Start(KSTREAMS_PROGRESS_APP_PATH, args));
    EXPECT_EQ(app->ReadLine(absl::Seconds(60)), "running");

    std::atomic<int> produced{0};
    std::thread producer(
        [&] { progress_test::ProduceSequences(bootstrap_, kKeys, kPerKey, produced); });
    // Killed once a third of the input is produced and the application
    // wrote updates past a quarter of it (read_uncommitted: also what an
    // open transaction holds), so it dies with work done since its last
    // commit.
    for (int i = 0; i < 3000 && produced < kKeys * kPerKey / 3; ++i) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    EXPECT_TRUE(OutputReaches(kPerKey / 4, absl::Seconds(30)));
    // Under exactly_once_v2, best at a moment when a transaction holds
    // output (it may commit before the signal lands).
    if (guarantee == "exactly_once_v2") {
      out.open_transaction_seen = WaitForOpenTransaction(absl::Seconds(10));
    }
    const int killed = app->SignalAndWait(SIGKILL);
    EXPECT_TRUE(WIFSIGNALED(killed) && WTERMSIG(killed) == SIGKILL) << killed;
    out.produced_at_kill = produced;

    app = std::make_unique<kafka_test::ChildProcess>();
    EXPECT_TRUE(app->Start(KSTREAMS_PROGRESS_APP_PATH, args));
    EXPECT_EQ(app->ReadLine(absl::Seconds(60)), "running");
    producer.join();
    out.updates =
        progress_test::ReadProgressUpdates(bootstrap_, kKeys, kPerKey, absl::Seconds(60));
    // What a read_uncommitted reader sees: under exactly_once_v2 the updates
    // of the transaction the kill left open (then aborted) come again.
    for (const auto& [key, u] : progress_test::ReadProgressUpdates(
             bootstrap_, kKeys, kPerKey, absl::Seconds(60), "read_uncommitted")) {
      for (size_t i = 1; i < u.size(); ++i) {
        out.repeated_uncommitted += u[i - 1].next >= u[i].next ? 1 : 0;
      }
    }
    const int stopped = app->SignalAndWait(SIGTERM);
    EXPECT_TRUE(WIFEXITED(stopped) && WEXITSTATUS(stopped) == 0) << stopped;
    std::optional<std::string> restore_line = app->ReadLine(absl::Seconds(5));
    EXPECT_TRUE(restore_line &&
                std::sscanf(restore_line->c_str(), "restored %lld of %lld", &out.restored,
                            &out.changelog_end) == 2)
        << restore_line.value_or("(no line)");
    return out;
  }
};

TEST_F(RealKafkaExactlyOnceIT, KilledProcessLeavesNoDuplicateAndNoLossUnderExactlyOnceV2) {
  Outcome out = RunKilledOnce("exactly_once_v2");
  ASSERT_EQ(out.updates.size(), static_cast<size_t>(kKeys)) << DescribeTopics();
  size_t updates = 0;
  for (const auto& [key, u] : out.updates) {
    updates += u.size();
    EXPECT_EQ(u.back().next, kPerKey) << key;
    for (size_t i = 0; i < u.size(); ++i) {
      // No input seen twice, none skipped, no update repeated.
      ASSERT_EQ(u[i].gaps, 0) << key << " update " << i << ": input lost";
      ASSERT_EQ(u[i].dups, 0) << key << " update " << i << ": input processed twice";
      if (i > 0) {
        ASSERT_LT(u[i - 1].next, u[i].next) << key << " update " << i << " repeats an update";
      }
    }
  }
  // Uncached: exactly one update per input record.
  EXPECT_EQ(updates, static_cast<size_t>(kKeys * kPerKey));
  // The store was not wiped: its last commit survived the SIGKILL, and the
  // restart replayed only the changelog after it (Java restores it all).
  EXPECT_GT(out.changelog_end, 1000);
  EXPECT_LT(out.restored * 10, out.changelog_end)
      << "restored " << out.restored << " of " << out.changelog_end;
  std::printf("exactly_once_v2: killed after %d of %d records produced; %zu committed updates, "
              "0 duplicates, 0 lost (open transaction seen before the kill: %s; "
              "read_uncommitted: %d updates repeated, from the aborted transaction); the "
              "restart restored %lld changelog records of %lld\n",
              out.produced_at_kill, kKeys * kPerKey, updates,
              out.open_transaction_seen ? "yes" : "no", out.repeated_uncommitted, out.restored,
              out.changelog_end);
}

TEST_F(RealKafkaExactlyOnceIT, KilledProcessLosesNothingUnderAtLeastOnce) {
  Outcome out = RunKilledOnce("at_least_once");
  ASSERT_EQ(out.updates.size(), static_cast<size_t>(kKeys)) << DescribeTopics();
  long long dups = 0;
  int repeated = 0;
  for (const auto& [key, u] : out.updates) {
    EXPECT_EQ(u.back().next, kPerKey) << key;
    EXPECT_EQ(u.back().gaps, 0) << key << ": input lost";
    dups += u.back().dups;
    for (size_t i = 1; i < u.size(); ++i) repeated += u[i - 1].next >= u[i].next ? 1 : 0;
  }
  EXPECT_LE(dups, out.produced_at_kill);
  std::printf("at_least_once: killed after %d of %d records produced; %lld records processed "
              "twice, %d updates repeated\n",
              out.produced_at_kill, kKeys * kPerKey, dups, repeated);
}

// KIP-1034 under exactly_once_v2: a dead letter queue record is task
// output, so it is written inside the thread's transaction. While the
// transaction is open a read_uncommitted reader sees it and a
// read_committed one does not; once the transaction commits (here on
// Close()), both do.
TEST_F(RealKafkaExactlyOnceIT, DeadLetterQueueRecordIsInsideTheTransaction) {
  KSTREAMS_ASSERT_OK(CreateTopic("in", 1));
  KSTREAMS_ASSERT_OK(CreateTopic("out", 1));
  KSTREAMS_ASSERT_OK(CreateTopic("dlq", 1));
  {
    KSTREAMS_ASSERT_OK_AND_ASSIGN(
        auto producer, internal::Producer::Create(kafka_test::ProducerConfig(bootstrap_)));
    std::string four;
    (void)serdes::Int32()->Serialize("in", 4, four);
    KSTREAMS_ASSERT_OK(producer->Send("in", 0, "bad", "abc", 1001, {}));  // 3 bytes: no int32
    KSTREAMS_ASSERT_OK(producer->Send("in", 0, "good", four, 1002, {}));
    KSTREAMS_ASSERT_OK(producer->Flush(absl::Seconds(10)));
    KSTREAMS_ASSERT_OK(producer->TakeDeliveryStatus());
  }
  StreamsConfig config = Config("eos-dlq");
  config.Set("processing.guarantee", "exactly_once_v2")
      .Set("commit.interval.ms", "600000")  // the transaction stays open until Close()
      .Set("producer.transaction.timeout.ms", "120000")
      .Set("default.deserialization.exception.handler", "log_and_continue")
      .Set("errors.dead.letter.queue.topic.name", "dlq");
  StreamsBuilder builder;
  builder.Stream<std::string, int32_t>("in").MapValues([](int32_t v) { return v * 10; }).To("out");
  KafkaStreams streams(builder.Build(), config);
  KSTREAMS_ASSERT_OK(streams.Start());

  auto read = [&](const std::string& topic, size_t count, absl::Duration timeout,
                  const std::string& isolation) {
    return kafka_test::ReadTopic(bootstrap_, topic, 1, count, timeout, isolation);
  };
  // Written, in the open transaction.
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto dlq_uncommitted,
                                read("dlq", 1, absl::Seconds(60), "read_uncommitted"));
  ASSERT_EQ(dlq_uncommitted.size(), 1u);
  EXPECT_EQ(dlq_uncommitted[0].key, std::optional<std::string>("bad"));
  KSTREAMS_ASSERT_OK(read("out", 1, absl::Seconds(30), "read_uncommitted").status());
  // Not visible read_committed before the commit.
  EXPECT_THAT(read("dlq", 1, absl::Seconds(3), "read_committed").status().code(),
              absl::StatusCode::kDeadlineExceeded);

  EXPECT_TRUE(streams.Close(absl::Seconds(30)));  // commits the transaction
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto dlq_committed,
                                read("dlq", 1, absl::Seconds(30), "read_committed"));
  ASSERT_EQ(dlq_committed.size(), 1u);
  EXPECT_EQ(dlq_committed[0].value, std::optional<std::string>("abc"));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto out, read("out", 1, absl::Seconds(30), "read_committed"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].key, std::optional<std::string>("good"));
}

// Java's "task migrated": another producer takes the thread's
// transactional.id (fencing it) mid-run. The thread replaces its producer
// (which fences the intruder in turn), closes its tasks dirty and processes
// again from the committed offsets; the client stays up and the
// read_committed output stays exact.
TEST_F(RealKafkaExactlyOnceIT, FencedProducerIsReplacedAndTheOutputStaysExact) {
  KSTREAMS_ASSERT_OK(CreateTopic("words", 2));
  KSTREAMS_ASSERT_OK(CreateTopic("letters-out", 2));
  StreamsConfig config = Config("eos-fenced");
  config.Set("processing.guarantee", "exactly_once_v2");
  KafkaStreams streams(LetterCountTopology(), config);
  std::atomic<bool> failed{false};
  streams.SetStateListener([&](KafkaStreams::State now, KafkaStreams::State) {
    if (now == KafkaStreams::State::kError || now == KafkaStreams::State::kPendingError) {
      failed = true;
    }
  });
  KSTREAMS_ASSERT_OK(streams.Start());
  ASSERT_TRUE(runtime_test::WaitFor(
      [&] { return streams.state() == KafkaStreams::State::kRunning; }, absl::Seconds(60)));

  Counts expected;
  auto read_until_expected = [&] {
    return ReadCommittedCounts(
        bootstrap_, "letters-out", 2, [&](const auto& u) { return AllReached(u, expected); },
        absl::Seconds(60));
  };
  Produce("words", LetterWords(0, 300, 5, expected));
  ASSERT_TRUE(AllReached(read_until_expected(), expected)) << DescribeTopics();

  // The thread's transactional.id: "<application.id>-<processId>-1"; its
  // name is "<application.id>-<processId>-StreamThread-1".
  std::vector<KafkaStreams::ThreadMetadata> threads = streams.LocalThreadsMetadata();
  ASSERT_EQ(threads.size(), 1u);
  std::string transactional_id = threads[0].thread_name;
  const std::string suffix = "StreamThread-1";
  ASSERT_TRUE(transactional_id.ends_with(suffix)) << transactional_id;
  transactional_id.replace(transactional_id.size() - suffix.size(), suffix.size(), "1");
  {
    internal::KafkaConfigMap intruder_config = {{"bootstrap.servers", bootstrap_},
                                                {"transactional.id", transactional_id}};
    KSTREAMS_ASSERT_OK_AND_ASSIGN(auto intruder, internal::Producer::Create(intruder_config));
    KSTREAMS_ASSERT_OK(intruder->InitTransactions(absl::Seconds(30)));
  }
  for (int batch = 1; batch < 4; ++batch) {
    Produce("words", LetterWords(batch, 300, 5, expected), 1000 + batch * 300);
  }
  ExpectExactWithoutRepeats(read_until_expected(), expected);
  EXPECT_FALSE(failed);
  EXPECT_EQ(streams.state(), KafkaStreams::State::kRunning);
  EXPECT_TRUE(streams.Close(absl::Seconds(20)));
}

}  // namespace
}  // namespace kstreams
