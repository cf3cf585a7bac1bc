// The application as a separate process on a separate kstreams-broker
// process: SIGKILLed in the middle of its input, started again on the same
// state directory, it restores its store and carries on; no input record is
// missing from the final aggregate (tests/apps/progress_app.cc tracks, per
// key, the next expected sequence number and any gap).
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integration/kafka/kafka_test_util.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"
#include "kstreams/internal/strings.h"
#include "unit/state/test_store_context.h"

namespace kstreams {
namespace {

using internal::StrCat;

struct Progress {
  long long next = 0, gaps = 0, dups = 0;
};

Progress Parse(const std::string& value) {
  Progress p;
  std::sscanf(value.c_str(), "%lld,%lld,%lld", &p.next, &p.gaps, &p.dups);
  return p;
}

TEST(ProcessRestartIT, KilledApplicationRestartsWithoutLosingInput) {
  constexpr int kKeys = 8;
  constexpr int kPerKey = 1000;
  kafka_test::ChildProcess broker;
  ASSERT_TRUE(broker.Start(KSTREAMS_BROKER_PATH,
                           {"--topic", "events:4", "--topic", "progress-out:4", "--topic",
                            "progress-app-progress-changelog:4"}));
  std::optional<std::string> bootstrap = broker.ReadLine();
  ASSERT_TRUE(bootstrap.has_value());
  const std::filesystem::path state_dir = testing::NewTempDir();
  const std::vector<std::string> app_args = {"--bootstrap-servers", *bootstrap, "--state-dir",
                                             state_dir.string()};

  auto app = std::make_unique<kafka_test::ChildProcess>();
  ASSERT_TRUE(app->Start(KSTREAMS_PROGRESS_APP_PATH, app_args));
  ASSERT_EQ(app->ReadLine(absl::Seconds(30)), "running");

  // Input keeps coming, in small bursts, while the application is killed
  // and restarted.
  std::atomic<int> produced{0};
  std::thread producer([&] {
    auto p = internal::Producer::Create(kafka_test::ProducerConfig(*bootstrap));
    ASSERT_TRUE(p.ok()) << p.status();
    for (int seq = 0; seq < kPerKey; ++seq) {
      for (int k = 0; k < kKeys; ++k) {
        KSTREAMS_ASSERT_OK((*p)->Send("events", -1, StrCat("k", k), StrCat(seq), 1000 + seq, {}));
      }
      produced += kKeys;
      if (seq % 25 == 24) {
        KSTREAMS_ASSERT_OK((*p)->Flush(absl::Seconds(10)));
        absl::SleepFor(absl::Milliseconds(50));
      }
    }
    KSTREAMS_ASSERT_OK((*p)->Flush(absl::Seconds(10)));
    KSTREAMS_ASSERT_OK((*p)->TakeDeliveryStatus());
  });

  // Mid-stream: a third of the input is there, the rest still coming.
  ASSERT_TRUE([&] {
    for (int i = 0; i < 1000 && produced < kKeys * kPerKey / 3; ++i) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    return produced >= kKeys * kPerKey / 3;
  }());
  const int killed = app->SignalAndWait(SIGKILL);
  EXPECT_TRUE(WIFSIGNALED(killed) && WTERMSIG(killed) == SIGKILL) << killed;
  const int produced_at_kill = produced;

  app = std::make_unique<kafka_test::ChildProcess>();
  ASSERT_TRUE(app->Start(KSTREAMS_PROGRESS_APP_PATH, app_args));
  ASSERT_EQ(app->ReadLine(absl::Seconds(30)), "running");
  producer.join();

  // Read the output back independently until every key reached the end.
  internal::ConsumerOptions options;
  options.config = {{"bootstrap.servers", *bootstrap}};
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto consumer, internal::Consumer::Create(std::move(options)));
  std::map<internal::TopicPartition, int64_t> start;
  for (int p = 0; p < 4; ++p) start[{"progress-out", p}] = internal::kOffsetBeginning;
  KSTREAMS_ASSERT_OK(consumer->Assign(start));
  std::map<std::string, Progress> latest;
  auto complete = [&] {
    if (latest.size() != kKeys) return false;
    for (const auto& [key, p] : latest) {
      if (p.next != kPerKey) return false;
    }
    return true;
  };
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (!complete() && absl::Now() < deadline) {
    KSTREAMS_ASSERT_OK_AND_ASSIGN(auto batch, consumer->PollBatch(10000, absl::Milliseconds(100)));
    for (const auto& r : batch) {
      if (r.key && r.value) latest[*r.key] = Parse(*r.value);
    }
  }
  ASSERT_EQ(latest.size(), static_cast<size_t>(kKeys));
  long long dups = 0;
  for (const auto& [key, p] : latest) {
    EXPECT_EQ(p.next, kPerKey) << key;
    EXPECT_EQ(p.gaps, 0) << key << ": input records lost";
    dups += p.dups;
  }
  // At least once: only what the killed instance processed after its last
  // commit comes again; never more than the input produced before the kill.
  EXPECT_LE(dups, produced_at_kill);
  std::printf("killed after %d of %d records produced; %lld records seen twice\n",
              produced_at_kill, kKeys * kPerKey, dups);

  const int stopped = app->SignalAndWait(SIGTERM);
  EXPECT_TRUE(WIFEXITED(stopped) && WEXITSTATUS(stopped) == 0) << stopped;
  std::filesystem::remove_all(state_dir);
}

}  // namespace
}  // namespace kstreams
