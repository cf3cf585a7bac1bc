// The scaffolding the examples share when they run on an in-process broker:
// starting EmbeddedKafka with their topics (and registering it so KafkaStreams
// can create internal topics), a throwaway state directory, and reading an
// output topic back from the beginning without joining a group. Uses kstreams' internal client wrappers
// (src/kafka); a real application would use any Kafka client for this.
#ifndef KSTREAMS_EXAMPLES_COMMON_EMBEDDED_DEMO_H_
#define KSTREAMS_EXAMPLES_COMMON_EMBEDDED_DEMO_H_

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kafka/consumer.h"
#include "kstreams/kafka/embedded_kafka.h"
#include "kstreams/runtime/topic_creator.h"
#include "kstreams/status_macros.h"

namespace kstreams::examples {

// An EmbeddedKafka whose topics KafkaStreams can create: the broker has no
// CreateTopics API, so it is registered as the in-process topic creator for
// its bootstrap servers for as long as this object lives.
class EmbeddedCluster {
 public:
  static absl::StatusOr<std::unique_ptr<EmbeddedCluster>> Start(
      const std::vector<std::string>& topics, int32_t partitions) {
    KSTREAMS_ASSIGN_OR_RETURN(std::unique_ptr<EmbeddedKafka> kafka, EmbeddedKafka::Start());
    std::unique_ptr<EmbeddedCluster> cluster(new EmbeddedCluster(std::move(kafka)));
    for (const std::string& topic : topics) {
      KSTREAMS_RETURN_IF_ERROR(cluster->kafka_->CreateTopic(topic, partitions));
    }
    return cluster;
  }
  const std::string& bootstrap() const { return bootstrap_; }

 private:
  explicit EmbeddedCluster(std::unique_ptr<EmbeddedKafka> kafka)
      : kafka_(std::move(kafka)),
        bootstrap_(kafka_->BootstrapServers()),
        creator_(bootstrap_, [k = kafka_.get()](std::string_view topic, int32_t partitions) {
          return k->CreateTopic(topic, partitions);
        }) {}

  std::unique_ptr<EmbeddedKafka> kafka_;
  std::string bootstrap_;
  ScopedTopicCreator creator_;
};

// A fresh temporary state.dir, removed when this goes out of scope: the
// embedded broker starts empty every run, so local state from an earlier run
// must not be reused (the runtime does not yet wipe stores that have no
// checkpoint, as Kafka Streams does after an unclean stop).
class ScopedStateDir {
 public:
  static absl::StatusOr<std::unique_ptr<ScopedStateDir>> Create(const std::string& prefix) {
    std::string dir = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (mkdtemp(dir.data()) == nullptr) {
      return absl::InternalError("cannot create a temporary state directory");
    }
    return std::unique_ptr<ScopedStateDir>(new ScopedStateDir(std::move(dir)));
  }
  ~ScopedStateDir() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  const std::string& path() const { return dir_; }

 private:
  explicit ScopedStateDir(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
};

// Reads every partition of `topic` from the beginning, handing each record to
// `on_record`, until `done()` is true or `timeout` has passed.
inline absl::Status ReadFromBeginning(
    const std::string& bootstrap, const std::string& topic, int32_t partitions,
    std::chrono::seconds timeout,
    const std::function<void(const internal::ConsumerRecord&)>& on_record,
    const std::function<bool()>& done) {
  internal::ConsumerOptions options;
  options.config = {{"bootstrap.servers", bootstrap}};
  KSTREAMS_ASSIGN_OR_RETURN(auto consumer, internal::Consumer::Create(std::move(options)));
  std::map<internal::TopicPartition, int64_t> start;
  for (int32_t p = 0; p < partitions; ++p) start[{topic, p}] = internal::kOffsetBeginning;
  KSTREAMS_RETURN_IF_ERROR(consumer->Assign(start));
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    KSTREAMS_ASSIGN_OR_RETURN(auto batch, consumer->PollBatch(10000, absl::Milliseconds(100)));
    for (const auto& record : batch) on_record(record);
  }
  return absl::OkStatus();
}

}  // namespace kstreams::examples

#endif  // KSTREAMS_EXAMPLES_COMMON_EMBEDDED_DEMO_H_
