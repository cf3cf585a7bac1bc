// kstreams_recovery_bench: how long a count store takes to recover after a
// SIGKILL under exactly_once_v2: Kafka Streams' way (the store wiped and
// restored from its whole changelog) against kstreams' transactional store
// (the committed state kept, only the changelog tail replayed), from the
// same crash in the same run. See bench/README.md ("Crash recovery").
//
//   kstreams_recovery_bench [--keys N] [--partitions P] [--bootstrap-servers HOSTS]
//
// 1. An in-process EmbeddedKafka (or the cluster at HOSTS; topics are then
//    named after the pid) gets "<app>-in" and the changelog with P
//    partitions, and N records, one per key.
// 2. A child process (this program again, --child) counts them per key under
//    exactly_once_v2 into the RocksDB store "counts" (N keys). Once it has
//    written all N keys to the changelog, N/10 more updates are produced, and
//    the child is SIGKILLed halfway through them, mid-transaction.
// 3. Its state directory is copied; in the copy the stores' directories are
//    deleted: what Kafka Streams does after a crash under EOS (wipe, then
//    restore everything).
// 4. A KafkaStreams instance starts on each directory in turn
//    (auto.offset.reset=latest, so it processes nothing new: the mock broker
//    keeps no transactional offsets), timed from its assignment until every
//    task runs, and from the first OnRestoreStart to the last OnRestoreEnd.
//    Both must end with every key's count in the store.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kafka/consumer.h"
#include "kafka/producer.h"
#include "kstreams/kafka/embedded_kafka.h"
#include "kstreams/kstreams.h"
#include "kstreams/processor/state_restore_listener.h"
#include "kstreams/runtime/topic_creator.h"
#include "kstreams/internal/strings.h"
#include "kstreams/status_macros.h"

namespace kstreams {
namespace {

using internal::StrCat;

using Clock = std::chrono::steady_clock;

constexpr char kApplicationId[] = "recovery-bench";
constexpr char kStore[] = "counts";

std::string Key(int64_t i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "k%09lld", static_cast<long long>(i));
  return buf;
}

Topology CountTopology(const std::string& input) {
  StreamsBuilder builder;
  builder.Stream<std::string, std::string>(input).GroupByKey().Count(
      Materialized<std::string, int64_t>::As(kStore));
  return builder.Build();
}

StreamsConfig AppConfig(const std::string& bootstrap, const std::filesystem::path& state_dir) {
  return StreamsConfig{{"application.id", kApplicationId},
                       {"bootstrap.servers", bootstrap},
                       {"state.dir", state_dir.string()},
                       {"processing.guarantee", "exactly_once_v2"},
                       // A killed member holds its partitions this long on
                       // the mock broker (which refuses a join with less
                       // than 6 s): the restart's join waits for it.
                       {"consumer.session.timeout.ms", "6000"},
                       {"consumer.heartbeat.interval.ms", "500"}};
}

// The child: counts until killed.
int RunChild(const std::string& bootstrap, const std::string& state_dir,
             const std::string& input) {
  SetLogLevel(LogLevel::kWarning);
  KafkaStreams streams(CountTopology(input), AppConfig(bootstrap, state_dir));
  if (absl::Status s = streams.Start(); !s.ok()) {
    std::fprintf(stderr, "child: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  while (streams.state() != KafkaStreams::State::kError) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return 1;
}

class RestoreTimes final : public StateRestoreListener {
 public:
  void OnRestoreStart(const TopicPartition&, const std::string&, int64_t, int64_t) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!first_start_) first_start_ = Clock::now();
  }
  void OnRestoreEnd(const TopicPartition&, const std::string&, int64_t total) override {
    std::lock_guard<std::mutex> lock(mu_);
    last_end_ = Clock::now();
    restored_ += total;
  }
  double restore_seconds() const {
    std::lock_guard<std::mutex> lock(mu_);
    if (!first_start_ || !last_end_) return 0;
    return std::chrono::duration<double>(*last_end_ - *first_start_).count();
  }
  int64_t restored() const {
    std::lock_guard<std::mutex> lock(mu_);
    return restored_;
  }

 private:
  mutable std::mutex mu_;
  std::optional<Clock::time_point> first_start_, last_end_;
  int64_t restored_ = 0;
};

struct Recovery {
  // From the assignment (the thread leaves STARTING: the group join, which
  // on the mock broker waits for the killed member's session, is not
  // counted) until every task runs: stores opened (RocksDB replaying its
  // WAL), wiped, restored.
  double seconds_to_running = 0;
  double restore_seconds = 0;     // first OnRestoreStart to last OnRestoreEnd
  int64_t restored = 0;
};

absl::StatusOr<Recovery> Recover(const std::string& bootstrap, const std::filesystem::path& dir,
                                 const std::string& input, int partitions, int64_t keys) {
  StreamsConfig config = AppConfig(bootstrap, dir);
  config.Set("consumer.auto.offset.reset", "latest");
  KafkaStreams streams(CountTopology(input), config);
  auto times = std::make_shared<RestoreTimes>();
  streams.SetGlobalStateRestoreListener(times);
  const Clock::time_point start = Clock::now();
  KSTREAMS_RETURN_IF_ERROR(streams.Start());
  Recovery out;
  const Clock::time_point deadline = start + std::chrono::minutes(10);
  std::optional<Clock::time_point> assigned;
  while (true) {
    if (Clock::now() > deadline) return absl::DeadlineExceededError("recovery took over 10 min");
    if (streams.state() == KafkaStreams::State::kError) {
      return absl::InternalError("the recovering instance failed");
    }
    int running = 0;
    for (const KafkaStreams::ThreadMetadata& t : streams.LocalThreadsMetadata()) {
      if (!assigned && t.thread_state != "CREATED" && t.thread_state != "STARTING") {
        assigned = Clock::now();
      }
      for (const KafkaStreams::TaskMetadata& task : t.active_tasks) running += !task.restoring;
    }
    if (running == partitions) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  out.seconds_to_running =
      std::chrono::duration<double>(Clock::now() - assigned.value_or(start)).count();
  out.restore_seconds = times->restore_seconds();
  out.restored = times->restored();
  // Every key has its count (at least the first round's 1).
  auto store = streams.Store<ReadOnlyKeyValueStore<std::string, int64_t>>(kStore);
  if (!store.ok()) return store.status();
  int64_t found = 0;
  for (int64_t i = 0; i < keys; i += std::max<int64_t>(1, keys / 1000)) {
    std::optional<int64_t> count = (*store)->Get(Key(i));
    if (count && *count >= 1) ++found;
  }
  const int64_t sampled = (keys + std::max<int64_t>(1, keys / 1000) - 1) /
                          std::max<int64_t>(1, keys / 1000);
  if (found != sampled) {
    return absl::DataLossError(
        StrCat("after recovery ", found, " of ", sampled, " sampled keys have their count"));
  }
  streams.Close(absl::Seconds(30));
  return out;
}

absl::StatusOr<int64_t> ChangelogEnd(const std::string& bootstrap, const std::string& changelog,
                                     int partitions) {
  internal::ConsumerOptions options;
  options.config = {{"bootstrap.servers", bootstrap}};
  KSTREAMS_ASSIGN_OR_RETURN(auto consumer, internal::Consumer::Create(std::move(options)));
  int64_t end = 0;
  for (int p = 0; p < partitions; ++p) {
    KSTREAMS_ASSIGN_OR_RETURN(auto marks, consumer->WatermarkOffsets({changelog, p}));
    end += marks.second;
  }
  return end;
}

absl::Status Produce(internal::Producer& producer, const std::string& topic, int64_t from,
                     int64_t to, int64_t keys) {
  for (int64_t i = from; i < to; ++i) {
    KSTREAMS_RETURN_IF_ERROR(
        producer.Send(topic, -1, Key((i * 7919) % keys), std::string_view("1"), 0, {}));
  }
  KSTREAMS_RETURN_IF_ERROR(producer.Flush(absl::Minutes(5)));
  return producer.TakeDeliveryStatus();
}

absl::Status WaitForChangelog(const std::string& bootstrap, const std::string& changelog,
                              int partitions, int64_t at_least) {
  const Clock::time_point deadline = Clock::now() + std::chrono::minutes(10);
  while (Clock::now() < deadline) {
    KSTREAMS_ASSIGN_OR_RETURN(int64_t end, ChangelogEnd(bootstrap, changelog, partitions));
    if (end >= at_least) return absl::OkStatus();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return absl::DeadlineExceededError(StrCat("the changelog never reached ", at_least));
}

absl::Status Run(int64_t keys, int partitions, std::string bootstrap, const char* self) {
  std::unique_ptr<EmbeddedKafka> embedded;
  std::unique_ptr<ScopedTopicCreator> creator;
  const bool on_embedded = bootstrap.empty();
  const std::string suffix = on_embedded ? "" : StrCat("-", ::getpid());
  const std::string input = StrCat(kApplicationId, "-in", suffix);
  const std::string changelog = StrCat(kApplicationId, "-", kStore, "-changelog");
  if (on_embedded) {
    KSTREAMS_ASSIGN_OR_RETURN(embedded, EmbeddedKafka::Start(1));
    bootstrap = embedded->BootstrapServers();
    KSTREAMS_RETURN_IF_ERROR(embedded->CreateTopic(input, partitions));
    KSTREAMS_RETURN_IF_ERROR(embedded->CreateTopic(changelog, partitions));
    creator = std::make_unique<ScopedTopicCreator>(
        bootstrap, [k = embedded.get()](std::string_view topic, int32_t n) {
          return k->CreateTopic(topic, n);
        });
  } else {
    return absl::UnimplementedError("--bootstrap-servers: not yet (embedded broker only)");
  }
  const std::filesystem::path root =
      std::filesystem::temp_directory_path() / StrCat("kstreams-recovery-bench-", ::getpid());
  std::filesystem::remove_all(root);
  const std::filesystem::path crashed = root / "tail", wiped = root / "wiped";
  std::filesystem::create_directories(crashed);

  KSTREAMS_ASSIGN_OR_RETURN(auto producer,
                            internal::Producer::Create(
                                {{"bootstrap.servers", bootstrap}, {"linger.ms", "100"}}));
  std::printf("producing %lld keys into %d partitions...\n", static_cast<long long>(keys),
              partitions);
  std::fflush(stdout);
  KSTREAMS_RETURN_IF_ERROR(Produce(*producer, input, 0, keys, keys));

  const pid_t child = fork();
  if (child == 0) {
    execl(self, self, "--child", bootstrap.c_str(), crashed.c_str(), input.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  if (child < 0) return absl::InternalError("fork failed");
  const Clock::time_point processing = Clock::now();
  absl::Status s = WaitForChangelog(bootstrap, changelog, partitions, keys);
  const double first_round = std::chrono::duration<double>(Clock::now() - processing).count();
  if (s.ok()) {
    // Updates in flight when the process dies: an open transaction, and
    // commits its store may not have made yet.
    s = Produce(*producer, input, keys, keys + keys / 10, keys);
  }
  if (s.ok()) s = WaitForChangelog(bootstrap, changelog, partitions, keys + keys / 20);
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  KSTREAMS_RETURN_IF_ERROR(s);
  KSTREAMS_ASSIGN_OR_RETURN(int64_t end, ChangelogEnd(bootstrap, changelog, partitions));
  std::printf("child counted %lld keys in %.1f s, SIGKILLed with %lld changelog offsets\n",
              static_cast<long long>(keys), first_round, static_cast<long long>(end));
  std::fflush(stdout);

  // Kafka Streams after a crash under EOS: no checkpoint, so every store is
  // wiped and restored in full. Here: a copy without the store directories.
  std::filesystem::copy(crashed, wiped, std::filesystem::copy_options::recursive);
  for (const auto& task : std::filesystem::directory_iterator(wiped / kApplicationId)) {
    if (task.is_directory()) std::filesystem::remove_all(task.path() / "rocksdb");
  }
  SetLogLevel(LogLevel::kWarning);
  KSTREAMS_ASSIGN_OR_RETURN(Recovery tail, Recover(bootstrap, crashed, input, partitions, keys));
  std::printf("tail replay: restored %lld records\n", static_cast<long long>(tail.restored));
  std::fflush(stdout);
  KSTREAMS_ASSIGN_OR_RETURN(Recovery full, Recover(bootstrap, wiped, input, partitions, keys));
  std::filesystem::remove_all(root);

  std::printf("%-28s %12s %14s %14s\n", "recovery after SIGKILL", "restored", "restore s",
              "assigned->run s");
  std::printf("%-28s %12lld %14.3f %14.3f\n", "wipe and restore (Java)",
              static_cast<long long>(full.restored), full.restore_seconds,
              full.seconds_to_running);
  std::printf("%-28s %12lld %14.3f %14.3f\n", "tail replay (kstreams)",
              static_cast<long long>(tail.restored), tail.restore_seconds,
              tail.seconds_to_running);
  std::printf("ratio (wipe / tail): restore %.1fx, assigned to running %.1fx\n",
              full.restore_seconds / std::max(tail.restore_seconds, 1e-6),
              full.seconds_to_running / std::max(tail.seconds_to_running, 1e-6));
  return absl::OkStatus();
}

}  // namespace
}  // namespace kstreams

int main(int argc, char** argv) {
  if (argc == 5 && std::string(argv[1]) == "--child") {
    return kstreams::RunChild(argv[2], argv[3], argv[4]);
  }
  int64_t keys = 1'000'000;
  int partitions = 20;
  std::string bootstrap;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--keys") {
      keys = std::atoll(argv[i + 1]);
    } else if (flag == "--partitions") {
      partitions = std::atoi(argv[i + 1]);
    } else if (flag == "--bootstrap-servers") {
      bootstrap = argv[i + 1];
    } else {
      std::fprintf(stderr,
                   "usage: kstreams_recovery_bench [--keys N] [--partitions P] "
                   "[--bootstrap-servers HOSTS]\n");
      return 2;
    }
  }
  kstreams::SetLogLevel(kstreams::LogLevel::kWarning);
  absl::Status s = kstreams::Run(keys, partitions, bootstrap, "/proc/self/exe");
  if (!s.ok()) {
    std::fprintf(stderr, "kstreams_recovery_bench: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  return 0;
}
