// windowed_counts: clicks per user per 1-minute hopping window (a new window
// every 20 s, 5 s of grace for late clicks), one final count per window.
//
//   windowed_counts --bootstrap-servers host:9092 [--input clicks] [--output clicks-per-minute]
//       Runs the topology against a cluster until SIGINT/SIGTERM.
//   windowed_counts [--clicks N] [--users U] [--partitions P]
//       Without --bootstrap-servers: starts an in-process EmbeddedKafka,
//       produces N clicks of U users over ~N/10 s of event time (some out of
//       order within the grace, some too late), then one far-future click per
//       partition so every window closes; runs the topology until every final
//       count computed here independently has been read back from the output
//       topic, checks each window arrived once with that count, prints a few
//       and the throughput, and exits (0 when they agree).
//
// The input is produced and the output read back with kstreams::SimpleProducer
// and kstreams::TopicReader (kstreams/kafka/), small public helpers; a real
// application would use any Kafka client for that. Everything here is the
// installed public API.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "common/embedded_demo.h"
#include "kstreams/kafka/simple_producer.h"
#include "kstreams/kstreams.h"

namespace {

using std::chrono::milliseconds;

constexpr int64_t kSizeMs = 60'000, kAdvanceMs = 20'000, kGraceMs = 5'000;

struct Args {
  std::string bootstrap;
  std::string input = "clicks";
  std::string output = "clicks-per-minute";
  int64_t clicks = 20'000;
  int32_t users = 50;
  int32_t partitions = 4;
};

kstreams::Topology ClicksPerMinute(const Args& args) {
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>(args.input)  // key: user, value: page
      .GroupByKey()
      .WindowedBy(kstreams::TimeWindows::OfSizeAndGrace(milliseconds(kSizeMs),
                                                        milliseconds(kGraceMs))
                      .AdvanceBy(milliseconds(kAdvanceMs)))
      // Suppress holds every update back anyway; without the record cache,
      // updates reach it in stream-time order, so each window is final once.
      .Count(kstreams::Materialized<std::string, int64_t>::As("clicks-per-window")
                 .WithCachingDisabled())
      .Suppress(kstreams::Suppressed::UntilWindowCloses(kstreams::BufferConfig::Unbounded()))
      .ToStream()
      .To(args.output);  // key: user + 8-byte window start; value: 8-byte count
  return builder.Build();
}

int Fail(const absl::Status& s) {
  std::fprintf(stderr, "windowed_counts: %s\n", std::string(s.message()).c_str());
  return 1;
}

int RunAgainstCluster(const Args& args) {
  kstreams::KafkaStreams streams(ClicksPerMinute(args),
                                 {{"application.id", "kstreams-windowed-counts"},
                                  {"bootstrap.servers", args.bootstrap}});
  return kstreams::examples::RunUntilSignal(streams, "windowed_counts");
}

using WindowKey = std::pair<std::string, int64_t>;  // (user, window start)

struct Click {
  std::string user;
  int32_t partition;
  int64_t ts;
};

// Clicks in event-time order per partition, except that about 1 in 20 comes
// up to 10 s late: within the 5 s grace it still counts, beyond it it is
// dropped. A user always goes to the same partition.
std::vector<Click> MakeClicks(const Args& args) {
  std::mt19937 rng(7);
  std::vector<Click> clicks;
  const int64_t base = kstreams::examples::DemoEventTimeMs();
  for (int64_t i = 0; i < args.clicks; ++i) {
    const int32_t user = std::uniform_int_distribution<int32_t>(0, args.users - 1)(rng);
    int64_t ts = base + i * 100;
    if (std::uniform_int_distribution<int>(0, 19)(rng) == 0) {
      ts -= std::uniform_int_distribution<int64_t>(0, 10'000)(rng);
    }
    clicks.push_back({"user-" + std::to_string(user), user % args.partitions, ts});
  }
  return clicks;
}

// Kafka Streams' semantics, computed without kstreams: per partition (task),
// stream time is the largest timestamp so far; a click counts in every window
// [start, start + size) (start a multiple of the advance) that contains it
// and whose end is after stream time - grace.
std::map<WindowKey, int64_t> ExpectedFinalCounts(const std::vector<Click>& clicks,
                                                 int32_t partitions, int64_t* late) {
  std::map<WindowKey, int64_t> counts;
  std::vector<int64_t> stream_time(static_cast<size_t>(partitions), -1);
  for (const Click& c : clicks) {
    int64_t& now = stream_time[static_cast<size_t>(c.partition)];
    now = std::max(now, c.ts);
    for (int64_t start = c.ts / kAdvanceMs * kAdvanceMs; start > c.ts - kSizeMs;
         start -= kAdvanceMs) {
      if (start + kSizeMs > now - kGraceMs) {
        ++counts[{c.user, start}];
      } else {
        ++*late;
      }
    }
  }
  return counts;
}

int RunEmbedded(const Args& args) {
  auto cluster =
      kstreams::examples::DemoCluster::Start({args.input, args.output}, args.partitions);
  if (!cluster.ok()) return Fail(cluster.status());
  const std::string bootstrap = (*cluster)->bootstrap();

  std::vector<Click> clicks = MakeClicks(args);
  int64_t late_windows = 0;
  const std::map<WindowKey, int64_t> expected =
      ExpectedFinalCounts(clicks, args.partitions, &late_windows);
  // One click per partition an hour later: it moves every task's stream time
  // past the last window's end + grace (its own windows stay open).
  const int64_t last_ts = clicks.back().ts;
  for (int32_t p = 0; p < args.partitions; ++p) {
    clicks.push_back({"tick-" + std::to_string(p), p, last_ts + 3'600'000});
  }
  auto producer = kstreams::SimpleProducer::Create(
      {{"bootstrap.servers", bootstrap}, {"linger.ms", "5"}});
  if (!producer.ok()) return Fail(producer.status());
  for (const Click& c : clicks) {
    absl::Status s = (*producer)->Send(args.input, c.user, "/home", c.ts, c.partition);
    if (!s.ok()) return Fail(s);
  }
  if (absl::Status s = (*producer)->Flush(absl::Seconds(60)); !s.ok()) return Fail(s);
  std::printf("produced %lld clicks of %d users to '%s' (%d partitions) on %s\n",
              static_cast<long long>(args.clicks), args.users, args.input.c_str(),
              args.partitions, bootstrap.c_str());

  kstreams::examples::TempStateDir state_dir("kstreams-windowed-counts");
  if (state_dir.path().empty()) {
    return Fail(absl::InternalError("cannot create a temporary state directory"));
  }
  kstreams::KafkaStreams streams(ClicksPerMinute(args),
                                 {{"application.id", "kstreams-windowed-counts"},
                                  {"bootstrap.servers", bootstrap},
                                  {"commit.interval.ms", "200"},
                                  {"state.dir", state_dir.path()}});
  const auto t0 = std::chrono::steady_clock::now();
  if (absl::Status s = streams.Start(); !s.ok()) return Fail(s);

  auto serde = kstreams::serdes::TimeWindowed<std::string>(milliseconds(kSizeMs));
  std::map<WindowKey, int64_t> finals;
  int64_t duplicates = 0;
  absl::Status read = kstreams::examples::ReadFromBeginning(
      bootstrap, args.output, args.partitions, std::chrono::seconds(120),
      [&](const kstreams::TopicReader::Record& r) {
        auto key = serde->Deserialize(args.output, r.key.value_or(""));
        auto count = kstreams::serdes::Int64()->Deserialize(args.output, r.value.value_or(""));
        if (!key.ok() || !count.ok()) return;
        if (!finals.emplace(WindowKey{key->key, key->window.start()}, *count).second) {
          ++duplicates;
        }
      },
      [&] {
        return finals.size() >= expected.size() ||
               streams.state() == kstreams::KafkaStreams::State::kError;
      });
  if (!read.ok()) return Fail(read);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  streams.Close(absl::Seconds(30));

  std::printf("%-10s %-26s %6s %8s\n", "user", "window (event time, ms)", "count", "expected");
  int shown = 0;
  for (const auto& [window, n] : expected) {
    if (shown++ == 6) break;
    auto it = finals.find(window);
    std::printf("%-10s [%lld, +60 s) %6lld %8lld\n", window.first.c_str(),
                static_cast<long long>(window.second),
                static_cast<long long>(it == finals.end() ? -1 : it->second),
                static_cast<long long>(n));
  }
  const bool ok = finals == expected && duplicates == 0;
  std::printf("%s: %zu final window counts (%lld late click-windows dropped), %lld duplicates, "
              "%.2f s including the group join (%.0f clicks/s)\n",
              ok ? "final counts match" : "FINAL COUNTS DIFFER", finals.size(),
              static_cast<long long>(late_windows), static_cast<long long>(duplicates), seconds,
              static_cast<double>(args.clicks) / seconds);
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  kstreams::SetLogLevel(kstreams::LogLevel::kWarning);
  kstreams::examples::ParseFlags(
      argc, argv, "windowed_counts",
      "usage: windowed_counts [--kafka | --bootstrap-servers HOSTS] [--input T] [--output T] "
      "[--clicks N] [--users U] [--partitions P]",
      {}, [&](const std::string& flag, const std::string& value) {
        if (flag == "--bootstrap-servers") args.bootstrap = value;
        else if (flag == "--input") args.input = value;
        else if (flag == "--output") args.output = value;
        else if (flag == "--clicks") args.clicks = std::atoll(value.c_str());
        else if (flag == "--users") args.users = std::atoi(value.c_str());
        else if (flag == "--partitions") args.partitions = std::atoi(value.c_str());
        else return false;
        return true;
      });
  if (args.clicks < 1 || args.users < 1 || args.partitions < 1) {
    std::fprintf(stderr, "windowed_counts: --clicks, --users and --partitions must be positive\n");
    return 2;
  }
  return args.bootstrap.empty() ? RunEmbedded(args) : RunAgainstCluster(args);
}
