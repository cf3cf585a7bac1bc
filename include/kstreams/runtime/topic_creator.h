// kstreams/runtime/topic_creator.h
//
// A process-wide registry of in-process topic creators, keyed by
// bootstrap.servers. KafkaStreams creates its internal (repartition) topics
// with the Admin API; a cluster without CreateTopics (librdkafka's mock
// cluster behind kstreams::EmbeddedKafka) cannot do that, so when the broker
// runs in this process, register a creator for its bootstrap servers and
// KafkaStreams uses it instead.
//
// Thread-safe.
//
// Example:
//
//   auto kafka = kstreams::EmbeddedKafka::Start().value();
//   kstreams::ScopedTopicCreator creator(
//       kafka->BootstrapServers(),
//       [k = kafka.get()](std::string_view topic, int32_t partitions) {
//         return k->CreateTopic(topic, partitions);
//       });
//   // KafkaStreams on kafka->BootstrapServers() can now create its topics.
#ifndef KSTREAMS_RUNTIME_TOPIC_CREATOR_H_
#define KSTREAMS_RUNTIME_TOPIC_CREATOR_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace kstreams {

// Creates `topic` with exactly `partitions` partitions; AlreadyExists if it
// exists.
using TopicCreator = std::function<absl::Status(std::string_view topic, int32_t partitions)>;

// Replaces any creator registered for the same bootstrap servers.
void RegisterTopicCreator(std::string bootstrap_servers, TopicCreator creator);
void UnregisterTopicCreator(std::string_view bootstrap_servers);
// The creator registered for `bootstrap_servers`, or an empty function.
TopicCreator FindTopicCreator(std::string_view bootstrap_servers);

// Registers for its lifetime.
class ScopedTopicCreator {
 public:
  ScopedTopicCreator(std::string bootstrap_servers, TopicCreator creator)
      : bootstrap_servers_(bootstrap_servers) {
    RegisterTopicCreator(std::move(bootstrap_servers), std::move(creator));
  }
  ~ScopedTopicCreator() { UnregisterTopicCreator(bootstrap_servers_); }
  ScopedTopicCreator(const ScopedTopicCreator&) = delete;
  ScopedTopicCreator& operator=(const ScopedTopicCreator&) = delete;

 private:
  std::string bootstrap_servers_;
};

}  // namespace kstreams

#endif  // KSTREAMS_RUNTIME_TOPIC_CREATOR_H_
