// Helpers for the runtime integration tests: a broker (the embedded one,
// registered as topic creator, or the real cluster of the realkafka tier,
// emptied for each test: integration/kafka/real_kafka.h), configs with quick
// group timings and a fresh state directory per test, producing and reading
// back with independent (group-less) clients, and a recording restore
// listener.
//
// RuntimeIT runs on the embedded broker (TEST_F); BrokerIT is the same
// fixture parameterized over both brokers (TEST_P, then
// KSTREAMS_INSTANTIATE_ON_BOTH_BROKERS(Fixture)); RealKafkaIT runs on the
// real cluster only.
#ifndef KSTREAMS_TESTS_INTEGRATION_RUNTIME_RUNTIME_TEST_UTIL_H_
#define KSTREAMS_TESTS_INTEGRATION_RUNTIME_RUNTIME_TEST_UTIL_H_

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "common/status_matchers.h"
#include "gtest/gtest.h"
#include "integration/kafka/kafka_test_util.h"
#include "integration/kafka/real_kafka.h"
#include "kafka/consumer.h"
#include "kafka/kafka_common.h"
#include "kafka/producer.h"
#include "kstreams/kafka/embedded_kafka.h"
#include "kstreams/kstreams.h"
#include "kstreams/runtime/topic_creator.h"
#include "unit/state/test_store_context.h"

namespace kstreams::runtime_test {

using KV = std::pair<std::string, std::string>;

using Counts = std::map<std::string, int64_t>;

// `n` records over keys w0..w<keys-1>, round robin from record `first`;
// values are ignored by the counting topologies.
inline std::vector<KV> Words(int n, int keys, int first = 0) {
  std::vector<KV> out;
  for (int i = first; i < first + n; ++i) out.emplace_back("w" + std::to_string(i % keys), "x");
  return out;
}

inline Counts CountOf(const std::vector<KV>& records) {
  Counts counts;
  for (const auto& [k, v] : records) ++counts[k];
  return counts;
}

// The words of `line`, split on whitespace (as examples/word_count).
inline std::vector<std::string> SplitWords(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

// examples/word_count's topology (and that of its Java twin,
// interop/java/.../WordCount.java): lines -> words -> GroupBy(word)
// [repartition "<app>-counts-repartition"] -> Count "counts" -> word-counts.
inline Topology WordCountTopology() {
  StreamsBuilder builder;
  builder.Stream<std::string, std::string>("lines")
      .FlatMapValues([](const std::string& line) { return SplitWords(line); })
      .GroupBy([](const std::string&, const std::string& word) { return word; })
      .Count(Materialized<std::string, int64_t>::As("counts"))
      .ToStream()
      .To("word-counts");
  return builder.Build();
}

// words -> count per key in the RocksDB store "counts" (logged; cached
// unless `caching` is false) -> counts-out.
inline Topology CountTopology(bool caching = true) {
  Materialized<std::string, int64_t> counts = Materialized<std::string, int64_t>::As("counts");
  if (!caching) counts = std::move(counts).WithCachingDisabled();
  StreamsBuilder builder;
  builder.Stream<std::string, std::string>("words")
      .GroupByKey()
      .Count(counts)
      .ToStream()
      .To("counts-out");
  return builder.Build();
}

// Everything the instance's key-value store `store` holds, or nullopt
// while it cannot be queried.
inline std::optional<Counts> QueryCounts(const KafkaStreams& streams,
                                         const std::string& store = "counts") {
  auto handle = streams.Store<ReadOnlyKeyValueStore<std::string, int64_t>>(store);
  if (!handle.ok()) return std::nullopt;
  try {
    Counts out;
    for (auto& [k, v] : (*handle)->All().ToVector()) out[k] = v;
    return out;
  } catch (const StateStoreException&) {
    return std::nullopt;  // rebalanced away meanwhile
  }
}

inline bool WaitFor(const std::function<bool()>& done, absl::Duration timeout = absl::Seconds(20)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return done();
}

// For the few checks that something does NOT happen: polls `happened` for
// all of `window` and returns true when it stayed false (false as soon as it
// turns true). Nothing observable says "it will not happen", so a bounded
// window is the only proof; each caller says why its window is long enough.
inline bool StaysFalseFor(const std::function<bool()>& happened, absl::Duration window) {
  return !WaitFor(happened, window);
}

// Records every restore event; thread-safe, as a restore listener must be.
class RecordingRestoreListener final : public StateRestoreListener {
 public:
  struct Partition {
    int64_t start = -1, end = -1;  // OnRestoreStart
    int64_t batches = 0, batch_records = 0;
    std::optional<int64_t> total;  // OnRestoreEnd
  };
  void OnRestoreStart(const TopicPartition& tp, const std::string&, int64_t start,
                      int64_t end) override {
    std::lock_guard<std::mutex> lock(mu_);
    partitions_[tp] = Partition{start, end, 0, 0, std::nullopt};
  }
  void OnBatchRestored(const TopicPartition& tp, const std::string&, int64_t,
                       int64_t n) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++partitions_[tp].batches;
    partitions_[tp].batch_records += n;
  }
  void OnRestoreEnd(const TopicPartition& tp, const std::string&, int64_t total) override {
    std::lock_guard<std::mutex> lock(mu_);
    partitions_[tp].total = total;
  }
  std::map<TopicPartition, Partition> partitions() const {
    std::lock_guard<std::mutex> lock(mu_);
    return partitions_;
  }
  void Clear() {
    std::lock_guard<std::mutex> lock(mu_);
    partitions_.clear();
  }
  // Records restored over all partitions (OnRestoreEnd totals).
  int64_t TotalRestored() const {
    std::lock_guard<std::mutex> lock(mu_);
    int64_t n = 0;
    for (const auto& [tp, p] : partitions_) n += p.total.value_or(0);
    return n;
  }

 private:
  mutable std::mutex mu_;
  std::map<TopicPartition, Partition> partitions_;
};

using kafka_test::Broker;

class RuntimeIT : public ::testing::Test {
 protected:
  void SetUp() override {
    if (broker() == Broker::kReal) {
      std::optional<std::string> dir = kafka_test::RealKafkaDir(real_kafka_env());
      if (!dir) {
        GTEST_SKIP() << real_kafka_env() << " is not set: run the realkafka tier with ctest -L "
                        "realkafka, or see tests/integration/kafka/real_kafka.h";
      }
      KSTREAMS_ASSERT_OK_AND_ASSIGN(bootstrap_, kafka_test::ReadBootstrap(*dir));
      real_dir_ = *dir;
      KSTREAMS_ASSERT_OK(kafka_test::ResetCluster(bootstrap_));
      return;
    }
    KSTREAMS_ASSERT_OK_AND_ASSIGN(kafka_, EmbeddedKafka::Start());
    bootstrap_ = kafka_->BootstrapServers();
    creator_ = std::make_unique<ScopedTopicCreator>(
        bootstrap_, [k = kafka_.get()](std::string_view topic, int32_t partitions) {
          return k->CreateTopic(topic, partitions);
        });
  }
  void TearDown() override { std::filesystem::remove_all(state_root_); }

  virtual Broker broker() const { return Broker::kEmbedded; }
  // The variable naming the real cluster's folder (3-broker tests override).
  virtual const char* real_kafka_env() const { return "KSTREAMS_KAFKA_DIR"; }
  bool real() const { return broker() == Broker::kReal; }

  // A topic with `partitions` partitions on whichever broker the test runs.
  absl::Status CreateTopic(const std::string& topic, int32_t partitions) {
    if (real()) return kafka_test::CreateTopic(bootstrap_, topic, partitions);
    return kafka_->CreateTopic(topic, partitions);
  }

  // Quick commits and group timings; state in `state_dir` under this test's
  // temporary directory (instances of one application on "different
  // machines" use different ones).
  StreamsConfig Config(const std::string& app, const std::string& state_dir = "state") {
    return StreamsConfig{{"application.id", app},
                         {"bootstrap.servers", bootstrap_},
                         {"commit.interval.ms", "100"},
                         {"state.dir", (state_root_ / state_dir).string()},
                         {"consumer.session.timeout.ms", "6000"},
                         {"consumer.heartbeat.interval.ms", "500"},
                         {"producer.linger.ms", "5"}};
  }
  std::filesystem::path StateDir(const std::string& state_dir = "state") const {
    return state_root_ / state_dir;
  }

  // `flush` bounds the wait for delivery (longer while a broker is down).
  void Produce(const std::string& topic, const std::vector<KV>& records, int64_t first_ts = 1000,
               absl::Duration flush = absl::Seconds(10)) {
    KSTREAMS_ASSERT_OK_AND_ASSIGN(
        auto producer, internal::Producer::Create(kafka_test::ProducerConfig(bootstrap_)));
    int64_t ts = first_ts;
    for (const auto& [k, v] : records) {
      KSTREAMS_ASSERT_OK(producer->Send(topic, -1, k, v, ts++, {}));
    }
    KSTREAMS_ASSERT_OK(producer->Flush(flush));
    KSTREAMS_ASSERT_OK(producer->TakeDeliveryStatus());
  }

  std::vector<internal::ConsumerRecord> Read(const std::string& topic, int partitions,
                                             size_t count) {
    auto records = kafka_test::ReadTopic(bootstrap_, topic, partitions, count);
    EXPECT_TRUE(records.ok()) << records.status() << "; the broker holds " << DescribeTopics();
    return records.ok() ? *records : std::vector<internal::ConsumerRecord>{};
  }

  // Every topic's partitions with their (first, end) offsets, for failure
  // messages: says whether input arrived and how far output got.
  std::string DescribeTopics() {
    auto admin = kafka_test::AdminFor(bootstrap_);
    if (!admin.ok()) return admin.status().ToString();
    auto topics = (*admin)->ListTopics();
    if (!topics.ok()) return topics.status().ToString();
    std::string out;
    for (const auto& [topic, count] : *topics) {
      if (topic.starts_with("__")) continue;
      out += topic + " {";
      for (int32_t p = 0; p < count; ++p) {
        auto [first, end] = Watermarks({topic, p});
        out += internal::StrCat(p == 0 ? "" : ", ", p, ": [", first, ", ", end, ")");
      }
      out += "} ";
    }
    return out;
  }

  // (first offset, end offset) of a partition, asked of the broker.
  std::pair<int64_t, int64_t> Watermarks(const TopicPartition& tp) {
    internal::ConsumerOptions options;
    options.config = {{"bootstrap.servers", bootstrap_}};
    auto consumer = internal::Consumer::Create(std::move(options));
    EXPECT_TRUE(consumer.ok()) << consumer.status();
    if (!consumer.ok()) return {-1, -1};
    auto w = (*consumer)->WatermarkOffsets(tp);
    EXPECT_TRUE(w.ok()) << w.status();
    return w.ok() ? *w : std::pair<int64_t, int64_t>{-1, -1};
  }

  // The group's committed offsets (next offset to read), read independently.
  std::map<TopicPartition, std::optional<int64_t>> Committed(
      const std::string& group, const std::vector<TopicPartition>& partitions) {
    internal::ConsumerOptions options;
    options.config = kafka_test::GroupConsumerConfig(bootstrap_, group);
    auto consumer = internal::Consumer::Create(std::move(options));
    EXPECT_TRUE(consumer.ok()) << consumer.status();
    if (!consumer.ok()) return {};
    auto committed = (*consumer)->Committed(partitions);
    EXPECT_TRUE(committed.ok()) << committed.status();
    return committed.ok() ? *committed : std::map<TopicPartition, std::optional<int64_t>>{};
  }

  // True when `group` has committed the end of every partition of `topic`:
  // it has processed all of it and will not process any of it again. A
  // partition with nothing in it needs no commit.
  bool CommittedToEnd(const std::string& group, const std::string& topic, int partitions) {
    std::vector<TopicPartition> tps;
    for (int p = 0; p < partitions; ++p) tps.push_back({topic, p});
    auto committed = Committed(group, tps);
    for (const TopicPartition& tp : tps) {
      if (committed[tp].value_or(0) != Watermarks(tp).second) return false;
    }
    return true;
  }

  std::unique_ptr<EmbeddedKafka> kafka_;  // null on the real cluster
  std::string real_dir_;                  // the real cluster's folder
  std::string bootstrap_;
  std::unique_ptr<ScopedTopicCreator> creator_;
  std::filesystem::path state_root_ = testing::NewTempDir();
};

// RuntimeIT on both brokers: TEST_P(Fixture, ...) and
// KSTREAMS_INSTANTIATE_ON_BOTH_BROKERS(Fixture).
class BrokerIT : public RuntimeIT, public ::testing::WithParamInterface<Broker> {
 protected:
  Broker broker() const override { return GetParam(); }
};

// RuntimeIT on the real cluster only (TEST_F).
class RealKafkaIT : public RuntimeIT {
 protected:
  Broker broker() const override { return Broker::kReal; }
};

}  // namespace kstreams::runtime_test

// Test names end in /Embedded or /RealKafka; tests/CMakeLists.txt gives the
// second kind the realkafka label and the cluster fixture.
#define KSTREAMS_INSTANTIATE_ON_BOTH_BROKERS(Fixture)                                   \
  INSTANTIATE_TEST_SUITE_P(Brokers, Fixture,                                             \
                           ::testing::Values(::kstreams::kafka_test::Broker::kEmbedded, \
                                             ::kstreams::kafka_test::Broker::kReal),    \
                           ::kstreams::kafka_test::BrokerName)

#endif  // KSTREAMS_TESTS_INTEGRATION_RUNTIME_RUNTIME_TEST_UTIL_H_
