// kstreams/kafka/create_topics.h
//
// CreateTopics: creates topics on a Kafka cluster through the Admin API, for
// tools, tests and examples that set up their input and output topics
// (KafkaStreams creates its own internal topics). Not for the embedded
// broker, which has no CreateTopics API: use EmbeddedKafka::CreateTopic
// there.
//
// Thread-safe (each call uses its own admin client).
//
// Example:
//
//   KSTREAMS_RETURN_IF_ERROR(kstreams::CreateTopics(
//       {{"bootstrap.servers", "localhost:9092"}}, {"lines", "word-counts"}, 4));
#ifndef KSTREAMS_KAFKA_CREATE_TOPICS_H_
#define KSTREAMS_KAFKA_CREATE_TOPICS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace kstreams {

// Creates each of `topics` with `partitions` partitions and the broker's
// default replication factor. A topic that exists already is left as it is.
// `config`: librdkafka admin properties; `bootstrap.servers` is required.
// Errors name the topic the cluster refused.
absl::Status CreateTopics(std::map<std::string, std::string> config,
                          const std::vector<std::string>& topics, int32_t partitions);

}  // namespace kstreams

#endif  // KSTREAMS_KAFKA_CREATE_TOPICS_H_
