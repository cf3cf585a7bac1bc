// progress_app: the KafkaStreams application the separate-process restart
// test runs, SIGKILLs and runs again (tests/integration/runtime/
// process_restart_test.cc).
//
//   progress_app --bootstrap-servers HOSTS --state-dir DIR [--guarantee G]
//                [--cache-max-bytes N]
//
// G is processing.guarantee (at_least_once, the default, commits every
// 200 ms; exactly_once_v2 commits at its default interval, 100 ms). N is
// statestore.cache.max.bytes (0: every update goes to the changelog and
// the output at once, not at the next commit).
//
// Input "events": per key, values "0", "1", "2", ... (sequence numbers, in
// order within the key's partition). For each key it keeps, in the logged
// RocksDB store "progress", "next,gaps,dups": the next sequence number it
// expects, how many numbers it never saw (a lost record), and how many it
// saw again (at-least-once reprocessing); each update goes to
// "progress-out". Prints "running" once RUNNING; SIGTERM/SIGINT close it
// cleanly (exit 0), after it prints "restored N of E": the changelog
// records its stores restored, and the end offsets of their changelog
// partitions summed (what a full restore would read, markers included). The topics, changelog included, must exist (the test's
// kstreams-broker creates them).
#include <atomic>
#include <cstdio>
#include <string>

#include "apps/app_runner.h"
#include "kstreams/kstreams.h"

namespace {

class CountingRestoreListener final : public kstreams::StateRestoreListener {
 public:
  void OnRestoreStart(const kstreams::TopicPartition&, const std::string&, int64_t,
                      int64_t ending_offset) override {
    ends += ending_offset;
  }
  void OnRestoreEnd(const kstreams::TopicPartition&, const std::string&,
                    int64_t total_restored) override {
    restored += total_restored;
  }
  std::atomic<long long> restored{0};
  std::atomic<long long> ends{0};
};

std::string Advance(const std::string& progress, const std::string& value) {
  long long next = 0, gaps = 0, dups = 0;
  std::sscanf(progress.c_str(), "%lld,%lld,%lld", &next, &gaps, &dups);
  const long long seq = std::stoll(value);
  if (seq < next) {
    ++dups;
  } else {
    gaps += seq - next;
    next = seq + 1;
  }
  return std::to_string(next) + "," + std::to_string(gaps) + "," + std::to_string(dups);
}

}  // namespace

int main(int argc, char** argv) {
  std::string bootstrap, state_dir, guarantee = "at_least_once", cache_bytes;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--bootstrap-servers") bootstrap = argv[i + 1];
    if (flag == "--state-dir") state_dir = argv[i + 1];
    if (flag == "--guarantee") guarantee = argv[i + 1];
    if (flag == "--cache-max-bytes") cache_bytes = argv[i + 1];
  }
  if (bootstrap.empty() || state_dir.empty()) {
    std::fprintf(stderr, "usage: progress_app --bootstrap-servers HOSTS --state-dir DIR\n");
    return 2;
  }
  kstreams::SetLogLevel(kstreams::LogLevel::kWarning);
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("events")
      .GroupByKey()
      .Aggregate([] { return std::string("0,0,0"); },
                 [](const std::string&, const std::string& value, const std::string& progress) {
                   return Advance(progress, value);
                 },
                 kstreams::Materialized<std::string, std::string>::As("progress"))
      .ToStream()
      .To("progress-out");
  kstreams::StreamsConfig config{{"application.id", "progress-app"},
                                 {"bootstrap.servers", bootstrap},
                                 {"state.dir", state_dir},
                                 {"processing.guarantee", guarantee},
                                 {"consumer.session.timeout.ms", "3000"},
                                 {"consumer.heartbeat.interval.ms", "300"},
                                 {"producer.linger.ms", "5"}};
  if (guarantee == "at_least_once") config.Set("commit.interval.ms", "200");
  if (!cache_bytes.empty()) config.Set("statestore.cache.max.bytes", cache_bytes);
  kstreams::KafkaStreams streams(builder.Build(), config);
  auto listener = std::make_shared<CountingRestoreListener>();
  streams.SetGlobalStateRestoreListener(listener);
  return kstreams::test_apps::RunUntilSignalled("progress_app", streams, [&] {
    std::printf("restored %lld of %lld\n", listener->restored.load(), listener->ends.load());
    std::fflush(stdout);
  });
}
