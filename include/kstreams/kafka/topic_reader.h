// kstreams/kafka/topic_reader.h
//
// TopicReader: reads every partition of one topic from the beginning without
// joining a consumer group, for tools, tests and examples that check what an
// application wrote. Records come back as bytes (deserialize with a
// kstreams::Serde), in each partition's order.
//
// Errors: Create() fails on invalid librdkafka properties (naming the key);
// Poll() fails on a fatal consumer error.
//
// Thread-compatible: use one instance from one thread.
//
// Example:
//
//   KSTREAMS_ASSIGN_OR_RETURN(auto reader, kstreams::TopicReader::Create(
//       {{"bootstrap.servers", "localhost:9092"}}, "word-counts", /*partitions=*/4));
//   KSTREAMS_ASSIGN_OR_RETURN(auto records, reader->Poll(absl::Milliseconds(100)));
//   for (const kstreams::TopicReader::Record& r : records) { /* r.key, r.value */ }
#ifndef KSTREAMS_KAFKA_TOPIC_READER_H_
#define KSTREAMS_KAFKA_TOPIC_READER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace kstreams {
namespace internal {
class Consumer;
}  // namespace internal

class TopicReader {
 public:
  // One record as stored in the topic.
  struct Record {
    std::string topic;
    int32_t partition = 0;
    int64_t offset = 0;
    int64_t timestamp = -1;  // ms since epoch; -1 when not available
    std::optional<std::string> key;
    std::optional<std::string> value;
  };

  // Reads partitions 0 .. partitions - 1 of `topic` from their first
  // retained record. `config`: librdkafka consumer properties;
  // `bootstrap.servers` is required.
  static absl::StatusOr<std::unique_ptr<TopicReader>> Create(
      std::map<std::string, std::string> config, std::string topic, int32_t partitions);
  ~TopicReader();
  TopicReader(const TopicReader&) = delete;
  TopicReader& operator=(const TopicReader&) = delete;

  // The records that arrive within `timeout` (at most `max_records`); empty
  // when there is nothing new.
  absl::StatusOr<std::vector<Record>> Poll(absl::Duration timeout, int max_records = 10000);

 private:
  explicit TopicReader(std::unique_ptr<internal::Consumer> consumer);
  std::unique_ptr<internal::Consumer> consumer_;
};

}  // namespace kstreams

#endif  // KSTREAMS_KAFKA_TOPIC_READER_H_
