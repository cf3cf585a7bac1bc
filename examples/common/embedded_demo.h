// The scaffolding the examples share: starting the demo's cluster with its
// topics (EmbeddedKafka, registered so KafkaStreams can create internal
// topics; or, with --kafka, a local Apache Kafka cluster),
// reading an output topic back from the beginning without joining a group,
// a temporary state directory, running until a signal, and flag parsing.
// Only the installed public API: kstreams/kafka/topic_reader.h and
// simple_producer.h stand in for the Kafka client a real application would
// use for this.
#ifndef KSTREAMS_EXAMPLES_COMMON_EMBEDDED_DEMO_H_
#define KSTREAMS_EXAMPLES_COMMON_EMBEDDED_DEMO_H_

#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "kstreams/kafka/create_topics.h"
#include "kstreams/kafka/embedded_kafka.h"
#include "kstreams/kafka/topic_reader.h"
#include "kstreams/runtime/kafka_streams.h"
#include "kstreams/runtime/topic_creator.h"
#include "kstreams/status_macros.h"

namespace kstreams::examples {

// The demos' event time: two hours before the current hour. A real broker
// deletes records older than their topic's retention.ms (7 days by default)
// and refuses ones more than an hour ahead (Kafka 4's
// log.message.timestamp.after.max.ms), so demo input stamped near 1970
// would vanish mid-run and a window-closing record far ahead would bounce.
inline int64_t DemoEventTimeMs() {
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  constexpr int64_t kHourMs = 3'600'000;
  return now / kHourMs * kHourMs - 2 * kHourMs;
}

// Set by ParseFlags when the command line has --kafka: the demo runs on a
// local real Apache Kafka cluster (scripts/kafka.sh) instead of the embedded
// broker.
inline bool& UseRealKafka() {
  static bool real = false;
  return real;
}

// The cluster a self-checking demo runs on, with its topics created:
//  - by default an EmbeddedKafka, registered as the in-process topic creator
//    for its bootstrap servers (it has no CreateTopics API) while this lives;
//  - with --kafka, a 1-broker Apache Kafka cluster started by
//    scripts/kafka.sh in a temporary folder (Java; the first run resolves
//    the broker with Maven), stopped and removed with this object.
class DemoCluster {
 public:
  static absl::StatusOr<std::unique_ptr<DemoCluster>> Start(
      const std::vector<std::string>& topics, int32_t partitions) {
    if (UseRealKafka()) return StartReal(topics, partitions);
    KSTREAMS_ASSIGN_OR_RETURN(std::unique_ptr<EmbeddedKafka> kafka, EmbeddedKafka::Start());
    std::unique_ptr<DemoCluster> cluster(new DemoCluster());
    cluster->bootstrap_ = kafka->BootstrapServers();
    cluster->creator_ = std::make_unique<ScopedTopicCreator>(
        cluster->bootstrap_, [k = kafka.get()](std::string_view topic, int32_t n) {
          return k->CreateTopic(topic, n);
        });
    cluster->kafka_ = std::move(kafka);
    for (const std::string& topic : topics) {
      KSTREAMS_RETURN_IF_ERROR(cluster->kafka_->CreateTopic(topic, partitions));
    }
    return cluster;
  }
  ~DemoCluster() {
    if (real_dir_.empty()) return;
    std::fprintf(stderr, "stopping the local Kafka cluster\n");
    const std::string stop = "bash '" + Script() + "' stop --dir '" + real_dir_ + "' >&2";
    if (std::system(stop.c_str()) != 0) std::fprintf(stderr, "(%s failed)\n", stop.c_str());
    std::error_code ignored;
    std::filesystem::remove_all(real_dir_, ignored);
  }
  DemoCluster(const DemoCluster&) = delete;
  DemoCluster& operator=(const DemoCluster&) = delete;

  const std::string& bootstrap() const { return bootstrap_; }

 private:
  DemoCluster() = default;

  // scripts/kafka.sh of the source tree this example was built from
  // (KSTREAMS_SCRIPTS_DIR overrides).
  static std::string Script() {
    const char* dir = std::getenv("KSTREAMS_SCRIPTS_DIR");
    return std::string(dir != nullptr ? dir : KSTREAMS_SOURCE_DIR "/scripts") + "/kafka.sh";
  }

  static absl::StatusOr<std::unique_ptr<DemoCluster>> StartReal(
      const std::vector<std::string>& topics, int32_t partitions) {
    std::unique_ptr<DemoCluster> cluster(new DemoCluster());
    std::string dir = (std::filesystem::temp_directory_path() / "kstreams-kafka-XXXXXX").string();
    if (mkdtemp(dir.data()) == nullptr) {
      return absl::InternalError("cannot create a folder for the local Kafka cluster");
    }
    cluster->real_dir_ = dir;
    std::fprintf(stderr, "starting a local Kafka cluster in %s (scripts/kafka.sh)\n", dir.c_str());
    const std::string start = "bash '" + Script() + "' start --dir '" + dir + "'";
    FILE* out = popen(start.c_str(), "r");
    char line[4096] = "";
    const bool read = out != nullptr && std::fgets(line, sizeof(line), out) != nullptr;
    const int rc = out != nullptr ? pclose(out) : -1;
    cluster->bootstrap_ = read ? std::string(line, std::strcspn(line, "\n")) : "";
    if (rc != 0 || cluster->bootstrap_.empty()) {
      return absl::UnavailableError("could not start a local Kafka cluster: '" + start +
                                    "' failed (its output is above)");
    }
    KSTREAMS_RETURN_IF_ERROR(
        CreateTopics({{"bootstrap.servers", cluster->bootstrap_}}, topics, partitions));
    return cluster;
  }

  std::string bootstrap_;
  std::string real_dir_;                      // the real cluster's folder
  std::unique_ptr<EmbeddedKafka> kafka_;      // or the embedded broker
  std::unique_ptr<ScopedTopicCreator> creator_;
};

// Reads every partition of `topic` from the beginning, handing each record to
// `on_record`, until `done()` is true or `timeout` has passed.
inline absl::Status ReadFromBeginning(
    const std::string& bootstrap, const std::string& topic, int32_t partitions,
    std::chrono::seconds timeout,
    const std::function<void(const TopicReader::Record&)>& on_record,
    const std::function<bool()>& done) {
  KSTREAMS_ASSIGN_OR_RETURN(
      auto reader, TopicReader::Create({{"bootstrap.servers", bootstrap}}, topic, partitions));
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    KSTREAMS_ASSIGN_OR_RETURN(auto batch, reader->Poll(absl::Milliseconds(100)));
    for (const auto& record : batch) on_record(record);
  }
  return absl::OkStatus();
}

// Runs `streams` until SIGINT or SIGTERM (or until it fails), then closes
// it: what each example does against a real cluster. Returns the exit code.
inline int RunUntilSignal(KafkaStreams& streams, const char* program) {
  static std::atomic<bool> stop{false};
  std::signal(SIGINT, [](int) { stop = true; });
  std::signal(SIGTERM, [](int) { stop = true; });
  if (absl::Status s = streams.Start(); !s.ok()) {
    std::fprintf(stderr, "%s: %s\n", program, std::string(s.message()).c_str());
    return 1;
  }
  while (!stop && streams.state() != KafkaStreams::State::kError) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  streams.Close(absl::Seconds(30));
  return streams.state() == KafkaStreams::State::kError ? 1 : 0;
}

// A fresh temporary state directory, removed with the object: the embedded
// broker starts empty every run, so an example's state does too.
class TempStateDir {
 public:
  explicit TempStateDir(const std::string& prefix) {
    std::string dir = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (mkdtemp(dir.data()) != nullptr) path_ = dir;
  }
  ~TempStateDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempStateDir(const TempStateDir&) = delete;
  TempStateDir& operator=(const TempStateDir&) = delete;
  // Empty when the directory could not be created.
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Parses "--flag value" arguments, and the value-less flags in `switches`
// (given an empty value). `--kafka` (every example's: run the demo on a
// local real Kafka cluster, see DemoCluster) is handled here. `on_flag(flag,
// value)` returns false for a flag it does not know; that, or a missing
// value, prints `usage` and exits with 2.
inline void ParseFlags(int argc, char** argv, const char* program, const char* usage,
                       const std::set<std::string>& switches,
                       const std::function<bool(const std::string&, const std::string&)>& on_flag) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--kafka") {
      UseRealKafka() = true;
      continue;
    }
    std::string value;
    if (!switches.contains(flag)) {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s: %s needs a value\n%s\n", program, flag.c_str(), usage);
        std::exit(2);
      }
      value = argv[++i];
    }
    if (!on_flag(flag, value)) {
      std::fprintf(stderr, "%s\n", usage);
      std::exit(2);
    }
  }
}

// The (key, value) of a "--config key=value" argument; exits with 2 when
// there is no '='.
inline std::pair<std::string, std::string> ConfigEntry(const char* program,
                                                       const std::string& key_value) {
  const size_t eq = key_value.find('=');
  if (eq == std::string::npos) {
    std::fprintf(stderr, "%s: --config expects key=value, got '%s'\n", program,
                 key_value.c_str());
    std::exit(2);
  }
  return {key_value.substr(0, eq), key_value.substr(eq + 1)};
}

}  // namespace kstreams::examples

#endif  // KSTREAMS_EXAMPLES_COMMON_EMBEDDED_DEMO_H_
