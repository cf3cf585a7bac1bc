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
#include "integration/runtime/progress_test_util.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"
#include "kstreams/internal/strings.h"
#include "unit/state/test_store_context.h"

namespace kstreams {
namespace {

using internal::StrCat;

using progress_test::Progress;

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
  std::thread producer(
      [&] { progress_test::ProduceSequences(*bootstrap, kKeys, kPerKey, produced); });

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
  std::map<std::string, Progress> latest =
      progress_test::ReadProgress(*bootstrap, kKeys, kPerKey, absl::Seconds(60));
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
