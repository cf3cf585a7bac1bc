// The real Apache Kafka cluster of the "realkafka" test tier.
//
// ctest starts one cluster per run of the tier (scripts/kafka.sh, a ctest
// fixture in tests/CMakeLists.txt) and hands its folder to the tests in
// KSTREAMS_KAFKA_DIR (1 broker) or KSTREAMS_KAFKA3_DIR (3 brokers); the file
// `bootstrap` there holds the bootstrap list. Tests of one cluster run one at
// a time (RESOURCE_LOCK), and each starts from an empty cluster
// (ResetCluster: every topic but Kafka's own and every group deleted), so
// each test has its own topics and application.id.
//
// Run by hand:
//   bash scripts/kafka.sh start --dir /tmp/k1
//   KSTREAMS_KAFKA_DIR=/tmp/k1 build/tests/kstreams_integration_tests --gtest_filter='*RealKafka*'
// Without the variable, real-Kafka tests skip with a message saying so.
#ifndef KSTREAMS_TESTS_INTEGRATION_KAFKA_REAL_KAFKA_H_
#define KSTREAMS_TESTS_INTEGRATION_KAFKA_REAL_KAFKA_H_

#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "kafka/admin.h"
#include "kstreams/internal/strings.h"
#include "kstreams/status_macros.h"

namespace kstreams::kafka_test {

// Which broker a parameterized integration test runs against.
enum class Broker { kEmbedded, kReal };

inline std::string BrokerName(const ::testing::TestParamInfo<Broker>& info) {
  return info.param == Broker::kReal ? "RealKafka" : "Embedded";
}

// The cluster folder named by environment variable `env`, or nullopt when
// the variable is unset (the test was not started by ctest's fixture).
inline std::optional<std::string> RealKafkaDir(const char* env = "KSTREAMS_KAFKA_DIR") {
  const char* dir = std::getenv(env);
  if (dir == nullptr || *dir == '\0') return std::nullopt;
  return std::string(dir);
}

// The bootstrap list of the cluster in `dir`.
inline absl::StatusOr<std::string> ReadBootstrap(const std::string& dir) {
  std::ifstream in(dir + "/bootstrap");
  std::string bootstrap;
  if (!(in >> bootstrap)) {
    return absl::FailedPreconditionError(internal::StrCat(
        "no Kafka cluster in '", dir, "' (start one: bash scripts/kafka.sh start --dir ", dir, ")"));
  }
  return bootstrap;
}

inline absl::StatusOr<std::unique_ptr<internal::Admin>> AdminFor(const std::string& bootstrap) {
  return internal::Admin::Create({{"bootstrap.servers", bootstrap}});
}

// Waits until the cluster's metadata satisfies `done(topic -> partitions)`.
template <typename Done>
absl::Status WaitForTopics(internal::Admin& admin, Done done, std::string_view what,
                           absl::Duration timeout = absl::Seconds(30)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    KSTREAMS_ASSIGN_OR_RETURN(auto topics, admin.ListTopics());
    if (done(topics)) return absl::OkStatus();
    if (absl::Now() > deadline) return absl::DeadlineExceededError(internal::StrCat("waiting for ", what));
    absl::SleepFor(absl::Milliseconds(100));
  }
}

// Deletes every topic but Kafka's own (__consumer_offsets, ...) and every
// consumer group without live members, and waits until the metadata shows
// no such topic.
inline absl::Status ResetCluster(const std::string& bootstrap) {
  KSTREAMS_ASSIGN_OR_RETURN(auto admin, AdminFor(bootstrap));
  // A group whose members a failed test left behind stays until their
  // sessions expire; its application.id is that test's own, so it is left.
  KSTREAMS_ASSIGN_OR_RETURN(auto groups, admin->ListGroups());
  for (const std::string& group : groups) {
    absl::Status deleted = admin->DeleteGroups({group});
    if (!deleted.ok() && !absl::StrContains(deleted.message(), "NON_EMPTY_GROUP")) return deleted;
  }
  KSTREAMS_ASSIGN_OR_RETURN(auto topics, admin->ListTopics());
  std::vector<std::string> doomed;
  for (const auto& [t, n] : topics) {
    if (!t.starts_with("__")) doomed.push_back(t);
  }
  KSTREAMS_RETURN_IF_ERROR(admin->DeleteTopics(doomed));
  return WaitForTopics(
      *admin,
      [](const std::map<std::string, int32_t>& now) {
        for (const auto& [t, n] : now) {
          if (!t.starts_with("__")) return false;
        }
        return true;
      },
      "deleted topics to disappear");
}

// Creates `topic` through CreateTopics and waits until metadata shows it.
// Tests write records stamped near the epoch (1970), far past the broker's
// 7-day default retention: the broker's retention check (30 s after start,
// then every 5 minutes) would delete them from under a running test, so the
// topic keeps its records forever unless `configs` says otherwise.
inline absl::Status CreateTopic(const std::string& bootstrap, const std::string& topic,
                                int32_t partitions, int32_t replication_factor = 1,
                                std::map<std::string, std::string> configs = {}) {
  configs.insert({"retention.ms", "-1"});
  KSTREAMS_ASSIGN_OR_RETURN(auto admin, AdminFor(bootstrap));
  KSTREAMS_ASSIGN_OR_RETURN(
      auto results,
      admin->CreateTopics({{topic, partitions, replication_factor, std::move(configs)}}));
  KSTREAMS_RETURN_IF_ERROR(results[topic]);
  return WaitForTopics(
      *admin,
      [&](const std::map<std::string, int32_t>& now) {
        auto it = now.find(topic);
        return it != now.end() && it->second == partitions;
      },
      internal::StrCat("topic '", topic, "' to appear"));
}

}  // namespace kstreams::kafka_test

#endif  // KSTREAMS_TESTS_INTEGRATION_KAFKA_REAL_KAFKA_H_
