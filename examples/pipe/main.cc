// pipe: a stateless kstreams application (Filter + MapValues + To).
//
//   pipe --bootstrap-servers host:9092 [--input in] [--output out]
//       Runs the topology against a cluster until SIGINT/SIGTERM. The input
//       topic must exist.
//   pipe [--records N] [--partitions P] [--config key=value]... [--quiet]
//       Without --bootstrap-servers: starts an in-process EmbeddedKafka,
//       creates the topics, produces N sample records, runs the topology
//       until every expected output record is read back, prints the results
//       and the throughput, and exits.
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
#include <string>
#include <vector>

#include "common/embedded_demo.h"
#include "kstreams/kafka/embedded_kafka.h"
#include "kstreams/kafka/simple_producer.h"
#include "kstreams/kstreams.h"

namespace {

struct Args {
  std::string bootstrap;
  std::string input = "pipe-input";
  std::string output = "pipe-output";
  int64_t records = 20;
  int32_t partitions = 4;
  bool quiet = false;
  std::vector<std::pair<std::string, std::string>> extra;  // --config key=value
};

// Drops events whose value ends in "0", upper-cases the rest.
kstreams::Topology BuildTopology(const Args& args) {
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>(args.input)
      .Filter([](const std::string&, const std::string& v) { return !v.ends_with("0"); })
      .MapValues([](const std::string& v) {
        std::string out = v;
        for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return out;
      })
      .To(args.output);
  return builder.Build();
}

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

int Fail(const absl::Status& s) {
  std::fprintf(stderr, "pipe: %s\n", std::string(s.message()).c_str());
  return 1;
}

int RunAgainstCluster(const Args& args) {
  kstreams::StreamsConfig config{{"application.id", "kstreams-pipe"},
                                 {"bootstrap.servers", args.bootstrap}};
  for (const auto& [k, v] : args.extra) config.Set(k, v);
  kstreams::KafkaStreams streams(BuildTopology(args), config);
  return kstreams::examples::RunUntilSignal(streams, "pipe");
}

int RunEmbedded(const Args& args) {
  auto cluster = kstreams::examples::DemoCluster::Start({args.input, args.output},
                                                          args.partitions);
  if (!cluster.ok()) return Fail(cluster.status());
  const std::string bootstrap = (*cluster)->bootstrap();

  // Sample input: "user-<i % 100>" -> "event <i>".
  auto producer = kstreams::SimpleProducer::Create(
      {{"bootstrap.servers", bootstrap}, {"linger.ms", "5"}});
  if (!producer.ok()) return Fail(producer.status());
  int64_t expected = 0;
  const int64_t base_ms = kstreams::examples::DemoEventTimeMs();
  for (int64_t i = 0; i < args.records; ++i) {
    std::string key = "user-" + std::to_string(i % 100);
    std::string value = "event " + std::to_string(i);
    if (i % 10 != 0) ++expected;
    absl::Status s = (*producer)->Send(args.input, key, value, base_ms + i);
    if (!s.ok()) return Fail(s);
  }
  if (absl::Status s = (*producer)->Flush(absl::Seconds(60)); !s.ok()) return Fail(s);
  if (!args.quiet) {
    std::printf("produced %lld records to %s (%d partitions) on %s\n",
                static_cast<long long>(args.records), args.input.c_str(), args.partitions,
                bootstrap.c_str());
  }

  kstreams::StreamsConfig config{{"application.id", "kstreams-pipe"},
                                 {"bootstrap.servers", bootstrap},
                                 {"commit.interval.ms", "1000"}};
  for (const auto& [k, v] : args.extra) config.Set(k, v);
  kstreams::KafkaStreams streams(BuildTopology(args), config);
  auto running_at = std::make_shared<std::atomic<int64_t>>(0);
  const auto t0 = std::chrono::steady_clock::now();
  streams.SetStateListener([running_at, t0](auto now, auto) {
    if (now == kstreams::KafkaStreams::State::kRunning && running_at->load() == 0) {
      running_at->store((std::chrono::steady_clock::now() - t0).count());
    }
  });
  if (absl::Status s = streams.Start(); !s.ok()) return Fail(s);

  // Read the output back without joining a group.
  std::vector<std::string> shown;
  int64_t got = 0;
  absl::Status read = kstreams::examples::ReadFromBeginning(
      bootstrap, args.output, args.partitions, std::chrono::seconds(120),
      [&](const kstreams::TopicReader::Record& r) {
        if (shown.size() < 10) {
          shown.push_back(r.key.value_or("null") + " -> " + r.value.value_or("null") +
                          "  (partition " + std::to_string(r.partition) + ")");
        }
        ++got;
      },
      [&] { return got >= expected; });
  if (!read.ok()) return Fail(read);
  const auto done = std::chrono::steady_clock::now();
  streams.Close(absl::Seconds(30));

  if (!args.quiet) {
    for (const std::string& line : shown) std::printf("%s\n", line.c_str());
    if (got > static_cast<int64_t>(shown.size())) {
      std::printf("... %lld more\n", static_cast<long long>(got - shown.size()));
    }
  }
  double running = Seconds(std::chrono::steady_clock::duration(running_at->load()));
  double processing = Seconds(done - t0) - running;
  std::printf("read %lld of %lld expected output records; %lld input records in %.2f s after "
              "RUNNING (%.2f s total incl. group join): %.0f input records/s\n",
              static_cast<long long>(got), static_cast<long long>(expected),
              static_cast<long long>(args.records), processing, Seconds(done - t0),
              processing > 0 ? static_cast<double>(args.records) / processing : 0.0);
  return got == expected ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  kstreams::SetLogLevel(kstreams::LogLevel::kWarning);
  kstreams::examples::ParseFlags(
      argc, argv, "pipe",
      "usage: pipe [--kafka | --bootstrap-servers host:port] [--input t] [--output t] "
      "[--records N] [--partitions P] [--config key=value]... [--quiet]",
      {"--quiet"}, [&](const std::string& flag, const std::string& value) {
        if (flag == "--bootstrap-servers") args.bootstrap = value;
        else if (flag == "--input") args.input = value;
        else if (flag == "--output") args.output = value;
        else if (flag == "--records") args.records = std::atoll(value.c_str());
        else if (flag == "--partitions") args.partitions = std::atoi(value.c_str());
        else if (flag == "--quiet") args.quiet = true;
        else if (flag == "--config") args.extra.push_back(kstreams::examples::ConfigEntry("pipe", value));
        else return false;
        return true;
      });
  return args.bootstrap.empty() ? RunEmbedded(args) : RunAgainstCluster(args);
}
