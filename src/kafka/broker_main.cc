// kstreams-broker: runs an EmbeddedKafka (librdkafka's mock cluster) as a
// standalone process, for demos, examples and clients in other languages.
//
//   kstreams-broker [--brokers N] [--topic name:partitions]...
//
// Prints the bootstrap servers as one line on stdout once the cluster is up,
// then runs until SIGINT or SIGTERM. See EmbeddedKafka for the mock's limits.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kstreams/kafka/embedded_kafka.h"

namespace {

constexpr char kUsage[] =
    "usage: kstreams-broker [--brokers N] [--topic name:partitions]...\n"
    "  Runs an in-process Kafka cluster (librdkafka's mock cluster) on loopback,\n"
    "  prints its bootstrap servers on stdout and runs until SIGINT/SIGTERM.\n"
    "  --brokers N               number of brokers, 1..16 (default 1)\n"
    "  --topic name:partitions   create a topic with that many partitions\n"
    "                            (repeatable; other topics are auto-created\n"
    "                            with 4 partitions on first use)\n";

int UsageError(const std::string& message) {
  std::fprintf(stderr, "kstreams-broker: %s\n%s", message.c_str(), kUsage);
  return 2;
}

// Parses a whole decimal number in [min, max]; false otherwise.
bool ParseInt(std::string_view s, int min, int max, int* out) {
  if (s.empty() || s.size() > 9) return false;
  int value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  if (value < min || value > max) return false;
  *out = value;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int brokers = 1;
  std::vector<std::pair<std::string, int>> topics;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    // Accept both "--flag value" and "--flag=value".
    std::string_view flag = arg;
    std::string_view value;
    bool has_value = false;
    if (auto eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
      flag = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_value = true;
    }
    if (flag != "--brokers" && flag != "--topic") {
      return UsageError("unknown argument '" + std::string(arg) + "'");
    }
    if (!has_value) {
      if (i + 1 >= argc) return UsageError(std::string(flag) + " needs a value");
      value = argv[++i];
    }
    if (flag == "--brokers") {
      if (!ParseInt(value, 1, 16, &brokers)) {
        return UsageError("--brokers wants a number from 1 to 16, got '" + std::string(value) +
                          "'");
      }
    } else {
      const size_t colon = value.rfind(':');
      int partitions = 0;
      if (colon == std::string_view::npos || colon == 0 ||
          !ParseInt(value.substr(colon + 1), 1, 100000, &partitions)) {
        return UsageError("--topic wants name:partitions (partitions >= 1), got '" +
                          std::string(value) + "'");
      }
      topics.emplace_back(std::string(value.substr(0, colon)), partitions);
    }
  }

  // Block the signals before librdkafka starts its threads (they inherit the
  // mask), so that only sigwait() below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto kafka = kstreams::EmbeddedKafka::Start(brokers);
  if (!kafka.ok()) {
    std::fprintf(stderr, "kstreams-broker: %s\n", kafka.status().ToString().c_str());
    return 1;
  }
  for (const auto& [name, partitions] : topics) {
    absl::Status s = (*kafka)->CreateTopic(name, partitions);
    if (!s.ok()) {
      std::fprintf(stderr, "kstreams-broker: %s\n", s.ToString().c_str());
      return 1;
    }
  }
  std::printf("%s\n", (*kafka)->BootstrapServers().c_str());
  std::fflush(stdout);

  int received = 0;
  sigwait(&signals, &received);
  std::fprintf(stderr, "kstreams-broker: %s received, shutting down\n",
               received == SIGINT ? "SIGINT" : "SIGTERM");
  return 0;
}
