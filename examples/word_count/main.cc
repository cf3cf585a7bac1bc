// word_count: the classic Kafka Streams demo, on kstreams.
//
//   word_count --bootstrap-servers host:9092 [--input lines] [--output word-counts]
//       Runs the topology against a cluster until SIGINT/SIGTERM.
//   word_count [--lines N] [--partitions P] [--config key=value]...
//       Without --bootstrap-servers: starts an in-process EmbeddedKafka,
//       creates the topics, produces N sample lines, runs the topology until
//       the latest count of every word read back from the output topic equals
//       the count computed here independently, prints the counts and the
//       throughput, and exits (0 when they agree).
//
// The sample input is produced and the output read back with
// kstreams::SimpleProducer and kstreams::TopicReader (kstreams/kafka/), small
// public helpers; a real application would use any Kafka client for that.
// Everything here is the installed public API.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "common/embedded_demo.h"
#include "kstreams/kafka/embedded_kafka.h"
#include "kstreams/kafka/simple_producer.h"
#include "kstreams/kstreams.h"
#include "kstreams/runtime/kafka_streams.h"
#include "kstreams/runtime/topic_creator.h"

namespace {

struct Args {
  std::string bootstrap;
  std::string input = "lines";
  std::string output = "word-counts";
  int64_t lines = 2000;
  int32_t partitions = 4;
  std::vector<std::pair<std::string, std::string>> extra;  // --config key=value
};

std::vector<std::string> Words(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

kstreams::Topology WordCount(const Args& args) {
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>(args.input)
      .FlatMapValues([](const std::string& line) { return Words(line); })
      .GroupBy([](const std::string&, const std::string& word) { return word; })
      .Count(kstreams::Materialized<std::string, int64_t>::As("counts"))
      .ToStream()
      .To(args.output);
  return builder.Build();
}

int Fail(const absl::Status& s) {
  std::fprintf(stderr, "word_count: %s\n", std::string(s.message()).c_str());
  return 1;
}

int RunAgainstCluster(const Args& args) {
  kstreams::StreamsConfig config{{"application.id", "kstreams-word-count"},
                                 {"bootstrap.servers", args.bootstrap}};
  for (const auto& [k, v] : args.extra) config.Set(k, v);
  kstreams::KafkaStreams streams(WordCount(args), config);
  return kstreams::examples::RunUntilSignal(streams, "word_count");
}

int RunEmbedded(const Args& args) {
  auto cluster = kstreams::examples::DemoCluster::Start({args.input, args.output},
                                                          args.partitions);
  if (!cluster.ok()) return Fail(cluster.status());
  const std::string bootstrap = (*cluster)->bootstrap();

  // Sample lines from a small vocabulary; the expected counts are computed
  // here, independently of the topology.
  static const char* kVocabulary[] = {"kafka", "streams", "in",    "c++", "fast",
                                      "state", "table",   "count", "word", "topic"};
  auto producer = kstreams::SimpleProducer::Create(
      {{"bootstrap.servers", bootstrap}, {"linger.ms", "5"}});
  if (!producer.ok()) return Fail(producer.status());
  std::map<std::string, int64_t> expected;
  int64_t words = 0;
  const int64_t base_ms = kstreams::examples::DemoEventTimeMs();
  for (int64_t i = 0; i < args.lines; ++i) {
    std::string line;
    for (int64_t w = 0; w < 1 + i % 5; ++w) {
      std::string word = kVocabulary[(i * 7 + w * 3) % 10];
      line += (w ? " " : "") + word;
      ++expected[word];
      ++words;
    }
    absl::Status s = (*producer)->Send(args.input, "line-" + std::to_string(i), line, base_ms + i);
    if (!s.ok()) return Fail(s);
  }
  if (absl::Status s = (*producer)->Flush(absl::Seconds(60)); !s.ok()) return Fail(s);
  std::printf("produced %lld lines (%lld words) to '%s' (%d partitions) on %s\n",
              static_cast<long long>(args.lines), static_cast<long long>(words),
              args.input.c_str(), args.partitions, bootstrap.c_str());

  // The embedded broker starts empty every run: state lives in a fresh
  // directory, removed at exit. (State from an earlier run would not be
  // trusted anyway: its checkpoints point past the new, empty changelogs,
  // so the stores would be wiped and restored from them.)
  kstreams::examples::TempStateDir state_dir("kstreams-word-count");
  if (state_dir.path().empty()) {
    return Fail(absl::InternalError("cannot create a temporary state directory"));
  }
  kstreams::StreamsConfig config{{"application.id", "kstreams-word-count"},
                                 {"bootstrap.servers", bootstrap},
                                 {"commit.interval.ms", "500"},
                                 {"state.dir", state_dir.path()}};
  for (const auto& [k, v] : args.extra) config.Set(k, v);
  kstreams::KafkaStreams streams(WordCount(args), config);
  const auto t0 = std::chrono::steady_clock::now();
  auto running_at = std::make_shared<std::atomic<int64_t>>(0);
  streams.SetStateListener([running_at, t0](auto now, auto) {
    if (now == kstreams::KafkaStreams::State::kRunning && running_at->load() == 0) {
      running_at->store((std::chrono::steady_clock::now() - t0).count());
    }
  });
  if (absl::Status s = streams.Start(); !s.ok()) return Fail(s);

  // Read the output back without joining a group: the latest count per word.
  std::map<std::string, int64_t> counts;
  absl::Status read = kstreams::examples::ReadFromBeginning(
      bootstrap, args.output, args.partitions, std::chrono::seconds(120),
      [&](const kstreams::TopicReader::Record& r) {
        absl::StatusOr<int64_t> count =
            kstreams::serdes::Int64()->Deserialize(args.output, r.value.value_or(""));
        if (r.key && count.ok()) counts[*r.key] = *count;
      },
      [&] {
        return counts == expected || streams.state() == kstreams::KafkaStreams::State::kError;
      });
  if (!read.ok()) return Fail(read);
  const auto done = std::chrono::steady_clock::now();
  streams.Close(absl::Seconds(30));

  std::printf("%-10s %8s %8s\n", "word", "counted", "expected");
  for (const auto& [word, n] : expected) {
    std::printf("%-10s %8lld %8lld\n", word.c_str(), static_cast<long long>(counts[word]),
                static_cast<long long>(n));
  }
  const double total = std::chrono::duration<double>(done - t0).count();
  const double processing =
      total - std::chrono::duration<double>(std::chrono::steady_clock::duration(running_at->load()))
                  .count();
  std::printf("%s: %lld lines (%lld words) in %.2f s after RUNNING (%.2f s incl. group join): "
              "%.0f lines/s\n",
              counts == expected ? "counts match" : "COUNTS DIFFER",
              static_cast<long long>(args.lines), static_cast<long long>(words), processing, total,
              processing > 0 ? static_cast<double>(args.lines) / processing : 0.0);
  return counts == expected ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  kstreams::SetLogLevel(kstreams::LogLevel::kWarning);
  kstreams::examples::ParseFlags(
      argc, argv, "word_count",
      "usage: word_count [--kafka | --bootstrap-servers HOSTS] [--input T] [--output T] "
      "[--lines N] [--partitions P] [--config key=value]...",
      {}, [&](const std::string& flag, const std::string& value) {
        if (flag == "--bootstrap-servers") args.bootstrap = value;
        else if (flag == "--input") args.input = value;
        else if (flag == "--output") args.output = value;
        else if (flag == "--lines") args.lines = std::atoll(value.c_str());
        else if (flag == "--partitions") args.partitions = std::atoi(value.c_str());
        else if (flag == "--config") {
          args.extra.push_back(kstreams::examples::ConfigEntry("word_count", value));
        } else {
          return false;
        }
        return true;
      });
  if (args.lines < 1 || args.partitions < 1) {
    std::fprintf(stderr, "word_count: --lines and --partitions must be positive\n");
    return 2;
  }
  return args.bootstrap.empty() ? RunEmbedded(args) : RunAgainstCluster(args);
}
