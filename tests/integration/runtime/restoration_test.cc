// State on Kafka: stores restored from their changelogs, `.checkpoint` files,
// and what happens to the counts when an instance closes, crashes or comes
// back. Expected counts are computed from the input here; restoration is
// checked against the changelogs' end offsets read from the broker.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integration/runtime/runtime_test_util.h"
#include "kafka/kafka_common.h"
#include "kstreams/kstreams.h"

namespace kstreams {
namespace {

using runtime_test::CountOf;
using runtime_test::Counts;
using runtime_test::CountTopology;
using runtime_test::KV;
using runtime_test::QueryCounts;
using runtime_test::RecordingRestoreListener;
using runtime_test::RuntimeIT;
using runtime_test::StaysFalseFor;
using runtime_test::WaitFor;
using runtime_test::Words;
using State = KafkaStreams::State;
using ::testing::ElementsAre;

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

class RestorationIT : public runtime_test::BrokerIT {
 protected:
  // Starts an instance of "count-app" and waits until its store holds
  // `expected`.
  void RunUntil(KafkaStreams& streams, const Counts& expected) {
    KSTREAMS_ASSERT_OK(streams.Start());
    std::optional<Counts> seen;
    ASSERT_TRUE(WaitFor([&] { return (seen = QueryCounts(streams)) == expected; },
                        absl::Seconds(30)))
        << "store holds " << (seen ? seen->size() : 0) << " keys";
  }
  TopicPartition Changelog(int partition) const { return {"count-app-counts-changelog", partition}; }
};
KSTREAMS_INSTANTIATE_ON_BOTH_BROKERS(RestorationIT);

TEST_P(RestorationIT, CleanRestartResumesFromTheCheckpointAndNoCheckpointRestoresFully) {
  KSTREAMS_ASSERT_OK(CreateTopic("words", 2));
  KSTREAMS_ASSERT_OK(CreateTopic("counts-out", 2));
  std::vector<KV> input = Words(100, 5);
  Produce("words", input);
  auto first = std::make_shared<RecordingRestoreListener>();
  {
    KafkaStreams streams(CountTopology(), Config("count-app"));
    streams.SetGlobalStateRestoreListener(first);
    RunUntil(streams, CountOf(input));
    ASSERT_TRUE(streams.Close(absl::Seconds(30)));
  }
  // First start: the changelogs were empty.
  for (const auto& [tp, p] : first->partitions()) {
    EXPECT_EQ(p.start, 0) << tp;
    EXPECT_EQ(p.end, 0) << tp;
    EXPECT_EQ(p.total, 0) << tp;
  }
  EXPECT_EQ(first->partitions().size(), 2u);
  // A clean close checkpointed each task's changelog offset: the last
  // record of the changelog, in Java's file format.
  std::map<int, int64_t> end_at_close;
  for (int p = 0; p < 2; ++p) {
    end_at_close[p] = Watermarks(Changelog(p)).second;
    ASSERT_GT(end_at_close[p], 0);
    EXPECT_EQ(ReadFile(StateDir() / "count-app" / ("0_" + std::to_string(p)) / ".checkpoint"),
              "0\n1\ncount-app-counts-changelog " + std::to_string(p) + " " +
                  std::to_string(end_at_close[p] - 1) + "\n");
  }

  // Restart after the clean close: restoration starts at the checkpoint,
  // which is the changelog's end: nothing is replayed.
  std::vector<KV> more = Words(50, 5, 100);
  Produce("words", more, 5000);
  std::vector<KV> all = input;
  all.insert(all.end(), more.begin(), more.end());
  auto second = std::make_shared<RecordingRestoreListener>();
  {
    KafkaStreams streams(CountTopology(), Config("count-app"));
    streams.SetGlobalStateRestoreListener(second);
    RunUntil(streams, CountOf(all));
    ASSERT_TRUE(streams.Close(absl::Seconds(30)));
  }
  ASSERT_EQ(second->partitions().size(), 2u);
  for (int p = 0; p < 2; ++p) {
    const auto r = second->partitions().at(Changelog(p));
    EXPECT_EQ(r.start, end_at_close[p]) << p;
    EXPECT_EQ(r.end, end_at_close[p]) << p;
    EXPECT_EQ(r.total, 0) << p;
  }

  // Without checkpoints (deleted), each store is wiped and restored from
  // the first changelog record: every record of the changelog is replayed,
  // and the counts come out exactly right (no input is processed again).
  int64_t changelog_records = 0;
  for (int p = 0; p < 2; ++p) {
    std::filesystem::remove(StateDir() / "count-app" / ("0_" + std::to_string(p)) / ".checkpoint");
    changelog_records += Watermarks(Changelog(p)).second;
  }
  auto third = std::make_shared<RecordingRestoreListener>();
  KafkaStreams streams(CountTopology(), Config("count-app"));
  streams.SetGlobalStateRestoreListener(third);
  RunUntil(streams, CountOf(all));
  EXPECT_EQ(third->TotalRestored(), changelog_records);
  for (int p = 0; p < 2; ++p) {
    const auto r = third->partitions().at(Changelog(p));
    EXPECT_EQ(r.start, 0) << p;
    EXPECT_EQ(r.batch_records, *r.total) << p;
  }
  EXPECT_TRUE(streams.Close(absl::Seconds(30)));
}

TEST_P(RestorationIT, SurvivorRestoresTheTasksOfAClosedInstanceWhileInputKeepsComing) {
  KSTREAMS_ASSERT_OK(CreateTopic("words", 4));
  KSTREAMS_ASSERT_OK(CreateTopic("counts-out", 4));
  std::vector<KV> input = Words(400, 16);
  Produce("words", input);
  KafkaStreams a(CountTopology(), Config("count-app", "a"));
  KafkaStreams b(CountTopology(), Config("count-app", "b"));
  auto restored_by_b = std::make_shared<RecordingRestoreListener>();
  b.SetGlobalStateRestoreListener(restored_by_b);
  KSTREAMS_ASSERT_OK(a.Start());
  KSTREAMS_ASSERT_OK(b.Start());
  auto tasks_of = [](const KafkaStreams& s) {
    std::set<int32_t> partitions;
    for (const auto& t : s.LocalThreadsMetadata()) {
      for (const auto& task : t.active_tasks) partitions.insert(task.task_id.partition);
    }
    return partitions;
  };
  // Both run, each with some of the 4 tasks, and together hold every count.
  std::set<int32_t> of_a;
  std::optional<Counts> ca, cb;
  const Counts expected = CountOf(input);
  ASSERT_TRUE(WaitFor(
      [&] {
        of_a = tasks_of(a);
        ca = QueryCounts(a);
        cb = QueryCounts(b);
        if (!ca || !cb || of_a.empty() || tasks_of(b).empty()) return false;
        Counts merged = *ca;
        merged.insert(cb->begin(), cb->end());
        return a.state() == State::kRunning && b.state() == State::kRunning &&
               merged == expected;
      },
      absl::Seconds(40)))
      << "a: " << StateName(a.state()) << ", tasks " << ::testing::PrintToString(of_a) << ", "
      << ::testing::PrintToString(ca) << "; b: " << StateName(b.state()) << ", tasks "
      << ::testing::PrintToString(tasks_of(b)) << ", " << ::testing::PrintToString(cb)
      << "; expected " << ::testing::PrintToString(expected);
  restored_by_b->Clear();
  // A leaves cleanly; B takes A's tasks over and restores them from their
  // changelogs (B has no local state for them) while more input arrives.
  std::map<int32_t, int64_t> changelog_end;
  ASSERT_TRUE(a.Close(absl::Seconds(30)));
  for (int32_t p : of_a) changelog_end[p] = Watermarks(Changelog(p)).second;
  std::vector<KV> more = Words(400, 16, 400);
  std::thread producer([&] { Produce("words", more, 10000); });
  producer.join();
  std::vector<KV> all = input;
  all.insert(all.end(), more.begin(), more.end());
  std::optional<Counts> final_counts;
  ASSERT_TRUE(WaitFor([&] { return (final_counts = QueryCounts(b)) == CountOf(all); },
                      absl::Seconds(40)))
      << ::testing::PrintToString(final_counts) << " vs " << ::testing::PrintToString(CountOf(all));
  EXPECT_EQ(tasks_of(b), (std::set<int32_t>{0, 1, 2, 3}));
  // B restored each of A's changelog partitions from its first record to
  // the end it had when A left.
  auto partitions = restored_by_b->partitions();
  for (int32_t p : of_a) {
    ASSERT_TRUE(partitions.contains(Changelog(p))) << p;
    const auto& r = partitions.at(Changelog(p));
    EXPECT_EQ(r.start, 0) << p;
    EXPECT_EQ(r.end, changelog_end[p]) << p;
    EXPECT_EQ(r.total, changelog_end[p]) << p;
  }
  EXPECT_TRUE(b.Close(absl::Seconds(30)));
}

TEST_P(RestorationIT, CheckpointsEveryTenThousandChangelogRecordsAndRestoresInBatches) {
  KSTREAMS_ASSERT_OK(CreateTopic("words", 1));
  KSTREAMS_ASSERT_OK(CreateTopic("counts-out", 1));
  Topology topology = CountTopology(/*caching=*/false);
  const std::filesystem::path checkpoint = StateDir() / "count-app" / "0_0" / ".checkpoint";
  std::vector<KV> input = Words(5000, 500);  // one changelog record each
  Produce("words", input);
  {
    KafkaStreams streams(topology, Config("count-app"));
    RunUntil(streams, CountOf(input));
    // 5,000 changelog records and several commits: no checkpoint yet (not
    // at every commit). Once the commit covering all the input is seen, a
    // checkpoint written at every commit would appear within the next few
    // commits (every 100 ms): watch three.
    ASSERT_TRUE(WaitFor([&] { return CommittedToEnd("count-app", "words", 1); },
                        absl::Seconds(30)));
    EXPECT_TRUE(StaysFalseFor([&] { return std::filesystem::exists(checkpoint); },
                              absl::Milliseconds(300)));
    // Past 10,000 more, the next commit writes one while running.
    std::vector<KV> more = Words(20000, 500, 5000);
    Produce("words", more, 100000);
    input.insert(input.end(), more.begin(), more.end());
    ASSERT_TRUE(WaitFor([&] { return std::filesystem::exists(checkpoint); }, absl::Seconds(30)));
    const std::string text = ReadFile(checkpoint);
    EXPECT_GT(std::stoll(text.substr(text.rfind(' ') + 1)), 10000) << text;
    std::optional<Counts> seen;
    ASSERT_TRUE(WaitFor([&] { return (seen = QueryCounts(streams)) == CountOf(input); },
                        absl::Seconds(30)));
    ASSERT_TRUE(streams.Close(absl::Seconds(30)));
  }
  EXPECT_EQ(ReadFile(checkpoint), "0\n1\ncount-app-counts-changelog 0 24999\n");
  std::filesystem::remove(checkpoint);
  auto listener = std::make_shared<RecordingRestoreListener>();
  KafkaStreams streams(topology, Config("count-app"));
  streams.SetGlobalStateRestoreListener(listener);
  const absl::Time start = absl::Now();
  RunUntil(streams, CountOf(input));
  const absl::Duration took = absl::Now() - start;
  const auto r = listener->partitions().at(Changelog(0));
  EXPECT_EQ(r.total, 25000);
  EXPECT_EQ(r.batch_records, 25000);
  EXPECT_GE(r.batches, 3);  // at most 10,000 records per batch
  std::printf("restored 25,000 changelog records in %d batches; Start() to counts: %.2f s\n",
              static_cast<int>(r.batches), absl::ToDoubleSeconds(took));
  EXPECT_TRUE(streams.Close(absl::Seconds(30)));
}

// Counts per key in a RocksDB store without a cache (every update goes to
// the changelog), and notes the last offset processed per partition. Its
// instance dies at the `crash_after`-th record once armed.
struct Tracker {
  std::mutex mu;
  std::map<int32_t, int64_t> next_offset;  // last processed + 1, per partition
  std::atomic<int> crash_after{-1};        // -1: never
};

class TrackingCounter : public Processor<std::string, std::string, std::string, int64_t> {
 public:
  explicit TrackingCounter(Tracker* tracker) : tracker_(tracker) {}
  void Init(ProcessorContext<std::string, int64_t>& ctx) override {
    ctx_ = &ctx;
    store_ = ctx.GetStateStore<KeyValueStore<std::string, int64_t>>("counts");
  }
  void Process(Record<std::string, std::string> r) override {
    int left = tracker_->crash_after.load();
    if (left == 0) throw std::runtime_error("simulated crash");
    if (left > 0) tracker_->crash_after.store(left - 1);
    int64_t n = store_->Get(r.key()).value_or(0) + 1;
    store_->Put(r.key(), n);
    const RecordMetadata* m = ctx_->record_metadata();
    {
      std::lock_guard<std::mutex> lock(tracker_->mu);
      tracker_->next_offset[m->partition] = m->offset + 1;
    }
    ctx_->Forward(std::move(r).WithValue(n));
  }

 private:
  Tracker* tracker_;
  ProcessorContext<std::string, int64_t>* ctx_ = nullptr;
  KeyValueStore<std::string, int64_t>* store_ = nullptr;
};

Topology TrackingTopology(Tracker* tracker) {
  Topology topology;
  topology.AddSource<std::string, std::string>("src", {"words"})
      .AddProcessor("counter", [tracker] { return std::make_unique<TrackingCounter>(tracker); },
                    {"src"})
      .AddStateStore(Stores::KeyValueStoreBuilder<std::string, int64_t>(
                         Stores::PersistentKeyValueStore("counts"), serdes::String(),
                         serdes::Int64()),
                     {"counter"})
      .AddSink<std::string, int64_t>("sink", "counts-out", {"counter"});
  return topology;
}

TEST_P(RestorationIT, CrashedInstanceLosesNothingAndDoubleCountsOnlyWhatItDidNotCommit) {
  KSTREAMS_ASSERT_OK(CreateTopic("words", 4));
  KSTREAMS_ASSERT_OK(CreateTopic("counts-out", 4));
  std::vector<KV> input = Words(400, 16);
  Produce("words", input);
  Tracker tracker_a, tracker_b;
  // A commits every second, so the records it processes just before it
  // dies are (almost surely) not committed yet.
  KafkaStreams a(TrackingTopology(&tracker_a),
                 Config("count-app", "a").Set("commit.interval.ms", "1000"));
  // B never commits on its own during the test: the group's offsets of A's
  // partitions stay what A last committed.
  KafkaStreams b(TrackingTopology(&tracker_b),
                 Config("count-app", "b").Set("commit.interval.ms", "600000"));
  KSTREAMS_ASSERT_OK(a.Start());
  KSTREAMS_ASSERT_OK(b.Start());
  auto processed = [&] {
    std::map<int32_t, int64_t> next;
    for (Tracker* t : {&tracker_a, &tracker_b}) {
      std::lock_guard<std::mutex> lock(t->mu);
      for (auto [p, o] : t->next_offset) next[p] = std::max(next[p], o);
    }
    int64_t n = 0;
    for (auto [p, o] : next) n += o;
    return n;
  };
  ASSERT_TRUE(WaitFor([&] { return processed() == 400; }, absl::Seconds(40)));
  std::set<int32_t> of_a;
  {
    std::lock_guard<std::mutex> lock(tracker_a.mu);
    for (auto [p, o] : tracker_a.next_offset) of_a.insert(p);
  }
  ASSERT_FALSE(of_a.empty());
  // A commits what it processed (within its 1 s commit interval).
  std::vector<TopicPartition> a_partitions;
  for (int32_t p : of_a) a_partitions.push_back({"words", p});
  ASSERT_TRUE(WaitFor(
      [&] {
        auto committed = Committed("count-app", a_partitions);
        std::lock_guard<std::mutex> lock(tracker_a.mu);
        for (int32_t p : of_a) {
          if (committed[{"words", p}].value_or(0) < tracker_a.next_offset[p]) return false;
        }
        return true;
      },
      absl::Seconds(30)));

  // A dies in the middle of the next input, without committing it.
  tracker_a.crash_after = 30;
  std::vector<KV> more = Words(400, 16, 400);
  Produce("words", more, 10000);
  ASSERT_TRUE(WaitFor([&] { return a.state() == State::kError; }, absl::Seconds(30)));
  auto committed = Committed("count-app", a_partitions);
  int64_t uncommitted = 0;  // processed by A after its last commit
  {
    std::lock_guard<std::mutex> lock(tracker_a.mu);
    for (int32_t p : of_a) {
      const int64_t done = tracker_a.next_offset[p];
      const int64_t from = committed[{"words", p}].value_or(0);
      uncommitted += std::max<int64_t>(0, done - from);
    }
  }
  EXPECT_GT(uncommitted, 0);

  // B takes over, restores A's stores and processes A's partitions from
  // A's last commit to the end.
  std::map<int32_t, int64_t> input_end;
  for (int p = 0; p < 4; ++p) input_end[p] = Watermarks({"words", p}).second;
  ASSERT_TRUE(WaitFor(
      [&] {
        std::lock_guard<std::mutex> lock(tracker_b.mu);
        for (int p = 0; p < 4; ++p) {
          if (tracker_b.next_offset[p] != input_end[p]) return false;
        }
        return true;
      },
      absl::Seconds(40)));
  std::vector<KV> all = input;
  all.insert(all.end(), more.begin(), more.end());
  const Counts expected = CountOf(all);
  std::optional<Counts> counts;
  ASSERT_TRUE(WaitFor([&] { return (counts = QueryCounts(b)).has_value(); }));
  ASSERT_EQ(counts->size(), expected.size());
  int64_t doubled = 0;
  for (const auto& [key, n] : expected) {
    EXPECT_GE((*counts)[key], n) << key;  // nothing lost
    doubled += (*counts)[key] - n;
  }
  // At least once: only records A processed after its last commit can be
  // counted twice (their updates reached the changelog B restored, and B
  // processed them again).
  EXPECT_LE(doubled, uncommitted);
  EXPECT_TRUE(b.Close(absl::Seconds(30)));
  a.Close(absl::Seconds(5));
}

}  // namespace
}  // namespace kstreams
