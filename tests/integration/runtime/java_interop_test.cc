// Java Kafka Streams and kstreams run one application in turn on the real
// cluster (the realkafka tier): the word count of examples/word_count and its
// Java twin (interop/java/src/main/java/kstreams/interop/WordCount.java, run
// through scripts/java_ref.sh) share application.id, topics, store and serdes.
// Each takes over what the other left: the group's committed offsets (input
// and repartition topic) and the "counts" store, restored from the other's
// changelog into an empty state directory. The counts must stay exact across
// every hand-over, computed here independently of either implementation.
//
// And plain Java clients beside a kstreams application
// (interop/java/.../Clients.java): a Java producer (StringSerializer, the
// default partitioner) feeds a windowed count, and a Java consumer reads its
// output with TimeWindowedDeserializer and LongDeserializer; every windowed
// key lands where Kafka Streams' WindowedStreamPartitioner puts it.
#include <signal.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "common/status_matchers.h"
#include "gtest/gtest.h"
#include "integration/kafka/kafka_test_util.h"
#include "integration/kafka/real_kafka.h"
#include "integration/runtime/runtime_test_util.h"
#include "kstreams/internal/big_endian.h"
#include "kstreams/internal/strings.h"
#include "kstreams/kstreams.h"

namespace kstreams {
namespace java_interop_test {
namespace {

using runtime_test::Counts;
using runtime_test::KV;
using runtime_test::RealKafkaIT;
using runtime_test::WaitFor;

constexpr char kApp[] = "word-count-migration";
// The topics of runtime_test::WordCountTopology() and of the Java twin.
constexpr char kInput[] = "lines";
constexpr char kOutput[] = "word-counts";
constexpr int kPartitions = 4;

// `n` lines of 1 to 6 words out of 40, keyed "line<first + i>".
std::vector<KV> Lines(int n, int first, uint32_t seed) {
  std::mt19937 random(seed);
  std::vector<KV> lines;
  for (int i = 0; i < n; ++i) {
    std::string line;
    const int words = 1 + static_cast<int>(random() % 6);
    for (int w = 0; w < words; ++w) {
      line += (w == 0 ? "" : "  ") + std::string("word") + std::to_string(random() % 40);
    }
    lines.emplace_back("line" + std::to_string(first + i), line);
  }
  return lines;
}

void AddCounts(const std::vector<KV>& lines, Counts& counts) {
  for (const auto& [key, line] : lines) {
    for (const std::string& w : runtime_test::SplitWords(line)) ++counts[w];
  }
}

class RealKafkaJavaIT : public RealKafkaIT {
 protected:
  void SetUp() override {
    RealKafkaIT::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    KSTREAMS_ASSERT_OK(CreateTopic(kInput, kPartitions));
    KSTREAMS_ASSERT_OK(CreateTopic(kOutput, kPartitions));
  }

  // Starts the Java twin on an empty state directory `state_dir` and waits
  // until it runs; the first run of the suite compiles it (and, on a fresh
  // machine, resolves Kafka Streams with Maven: scripts/java_ref.sh).
  std::unique_ptr<kafka_test::ChildProcess> StartJava(const std::string& state_dir) {
    auto java = std::make_unique<kafka_test::ChildProcess>();
    const bool started = java->Start(
        "/bin/bash",
        {KSTREAMS_SOURCE_DIR "/scripts/java_ref.sh", "run", "kstreams.interop.WordCount",
         bootstrap_, kApp, kInput, kOutput, StateDir(state_dir).string(),
         "consumer.session.timeout.ms=6000", "consumer.heartbeat.interval.ms=500"});
    EXPECT_TRUE(started) << "could not start scripts/java_ref.sh";
    std::optional<std::string> line = java->ReadLine(absl::Minutes(5));
    EXPECT_EQ(line, "RUNNING") << "the Java twin did not reach RUNNING";
    if (!started || line != "RUNNING") return nullptr;
    return java;
  }

  // The last count the output topic holds for each word.
  Counts OutputCounts() {
    Counts out;
    auto records = kafka_test::ReadToEnd(bootstrap_, kOutput, kPartitions);
    EXPECT_TRUE(records.ok()) << records.status();
    if (!records.ok()) return out;
    for (const auto& r : *records) {
      if (r.key && r.value && r.value->size() == 8) {
        out[*r.key] = internal::ReadInt64BigEndian(*r.value);
      }
    }
    return out;
  }

  // Waits until the output holds `expected`; says what it holds if not.
  void ExpectOutput(const Counts& expected, const char* after) {
    Counts got;
    EXPECT_TRUE(WaitFor(
        [&] {
          got = OutputCounts();
          return got == expected;
        },
        absl::Seconds(90)))
        << after << ": " << got.size() << " words in the output, " << expected.size()
        << " expected; " << DescribeTopics();
  }
};

// Runs a Java client (interop/java/.../Clients.java) with `args` and the
// file `stdin_file` on its stdin; returns its stdout.
std::string RunJavaClients(const std::string& args, const std::string& stdin_file = "/dev/null") {
  return kafka_test::RunCommand("bash '" KSTREAMS_SOURCE_DIR
                                "/scripts/java_ref.sh' run kstreams.interop.Clients " +
                                args + " < '" + stdin_file + "'");
}

TEST_F(RealKafkaJavaIT, JavaClientsFeedAWindowedCountAndReadItsWindowedKeys) {
  constexpr int kRecords = 400;
  constexpr int64_t kWindowMs = 10'000;
  KSTREAMS_ASSERT_OK(CreateTopic("clicks", kPartitions));
  KSTREAMS_ASSERT_OK(CreateTopic("clicks-per-window", kPartitions));
  // 20 users, a click every 100 ms from 1 s on: 40 s, four 10 s windows.
  std::map<std::pair<std::string, int64_t>, int64_t> expected;  // (user, start) -> count
  const std::filesystem::path input = StateDir() / "clicks.tsv";
  std::filesystem::create_directories(StateDir());
  {
    std::ofstream out(input);
    for (int i = 0; i < kRecords; ++i) {
      const std::string user = "user" + std::to_string(i * 7 % 20);
      const int64_t ts = 1000 + 100 * i;
      out << user << "\tpage" << i % 5 << "\t" << ts << "\n";
      ++expected[{user, ts / kWindowMs * kWindowMs}];
    }
  }
  EXPECT_EQ(RunJavaClients(internal::StrCat("produce ", bootstrap_, " clicks"), input.string()),
            internal::StrCat("PRODUCED ", kRecords, "\n"));

  StreamsBuilder builder;
  builder.Stream<std::string, std::string>("clicks")
      .GroupByKey()
      .WindowedBy(TimeWindows::OfSizeWithNoGrace(std::chrono::milliseconds(kWindowMs)))
      .Count(Materialized<std::string, int64_t>::As("clicks-per-window").WithCachingDisabled())
      .ToStream()
      .To("clicks-per-window");
  KafkaStreams streams(builder.Build(), Config("windowed-interop"));
  KSTREAMS_ASSERT_OK(streams.Start());
  // Uncached: one output record per input record.
  const std::string consumed = RunJavaClients(internal::StrCat(
      "consume-windowed-counts ", bootstrap_, " clicks-per-window ", kWindowMs, " ", kRecords));
  ASSERT_TRUE(streams.Close(absl::Seconds(30)));

  // "user start end count partition expected_partition" per record.
  std::map<std::pair<std::string, int64_t>, int64_t> last;
  std::istringstream lines(consumed);
  int records = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("END ")) {
      EXPECT_EQ(line, internal::StrCat("END ", kRecords));
      continue;
    }
    std::istringstream f(line);
    std::string user;
    int64_t start = 0, end = 0, count = 0;
    int partition = -1, java_partition = -2;
    ASSERT_TRUE(f >> user >> start >> end >> count >> partition >> java_partition) << line;
    ++records;
    EXPECT_EQ(end - start, kWindowMs) << line;
    EXPECT_EQ(partition, java_partition) << "windowed key in another partition than Java's: "
                                         << line;
    // Per window, the counts come in order 1, 2, 3, ... (one partition each).
    int64_t& previous = last[std::make_pair(user, start)];
    EXPECT_EQ(count, previous + 1) << line;
    previous = count;
  }
  EXPECT_EQ(records, kRecords) << consumed;
  EXPECT_EQ(last, expected);
}

TEST_F(RealKafkaJavaIT, WordCountMigratesFromJavaToCppAndBack) {
  Counts expected;
  // 1. Java counts the first lines, and stops.
  const std::vector<KV> first = Lines(300, 0, 1);
  AddCounts(first, expected);
  const size_t first_words = expected.size();
  Produce(kInput, first);
  {
    auto java = StartJava("java-1");
    ASSERT_NE(java, nullptr);
    ExpectOutput(expected, "Java, first lines");
    // Stopped as an operator would: a clean close that commits, writes its
    // checkpoints and leaves the group.
    java->SignalAndWait(SIGTERM);
  }

  // 2. kstreams takes over on an empty state directory: it restores "counts"
  // from the changelog Java wrote, resumes at Java's committed offsets and
  // counts on from Java's counts.
  const std::vector<KV> second = Lines(300, 300, 2);
  AddCounts(second, expected);
  {
    auto listener = std::make_shared<runtime_test::RecordingRestoreListener>();
    KafkaStreams streams(runtime_test::WordCountTopology(), Config(kApp, "cpp"));
    streams.SetGlobalStateRestoreListener(listener);
    KSTREAMS_ASSERT_OK(streams.Start());
    Produce(kInput, second, 10000);
    ASSERT_TRUE(WaitFor([&] { return runtime_test::QueryCounts(streams) == expected; },
                        absl::Seconds(90)))
        << "kstreams' store after the hand-over from Java; " << DescribeTopics();
    ExpectOutput(expected, "kstreams after Java");
    // Every word of the first lines came back from Java's changelog (one
    // record per word at least; more until the log cleaner compacts it).
    EXPECT_GE(listener->TotalRestored(), static_cast<int64_t>(first_words));
    ASSERT_TRUE(streams.Close(absl::Seconds(30)));
  }

  // 3. Java takes over again, on an empty state directory too: it restores
  // from the changelog kstreams wrote after its own.
  const std::vector<KV> third = Lines(300, 600, 3);
  AddCounts(third, expected);
  Produce(kInput, third, 20000);
  auto java = StartJava("java-2");
  ASSERT_NE(java, nullptr);
  ExpectOutput(expected, "Java after kstreams");
  java->SignalAndWait(SIGTERM);
}

}  // namespace
}  // namespace java_interop_test
}  // namespace kstreams
