// kstreams/kafka/simple_producer.h
//
// SimpleProducer: a minimal Kafka producer for feeding topics from tools,
// tests and examples (sample input, fixtures) without another client
// library. Records are bytes (serialize with a kstreams::Serde first); keyed
// records without a partition go where the Java client would put them
// (murmur2 of the key), like the records KafkaStreams produces. It is not
// meant as a full client: no transactions, no per-record callbacks.
//
// Errors: Create() fails on invalid librdkafka properties (naming the key);
// Send() fails when the local queue stays full; Flush() reports the first
// record the cluster did not acknowledge.
//
// Thread-compatible: use one instance from one thread.
//
// Example:
//
//   KSTREAMS_ASSIGN_OR_RETURN(auto producer, kstreams::SimpleProducer::Create(
//       {{"bootstrap.servers", "localhost:9092"}, {"linger.ms", "5"}}));
//   KSTREAMS_RETURN_IF_ERROR(producer->Send("lines", "line-1", "a b a"));
//   KSTREAMS_RETURN_IF_ERROR(producer->Flush(absl::Seconds(10)));  // all acked
#ifndef KSTREAMS_KAFKA_SIMPLE_PRODUCER_H_
#define KSTREAMS_KAFKA_SIMPLE_PRODUCER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace kstreams {
namespace internal {
class Producer;
}  // namespace internal

class SimpleProducer {
 public:
  // `config`: librdkafka producer properties; `bootstrap.servers` is
  // required.
  static absl::StatusOr<std::unique_ptr<SimpleProducer>> Create(
      std::map<std::string, std::string> config);
  // Records not yet delivered are dropped: Flush() first to keep them.
  ~SimpleProducer();
  SimpleProducer(const SimpleProducer&) = delete;
  SimpleProducer& operator=(const SimpleProducer&) = delete;

  // Queues one record (std::nullopt key or value: null; a null value is a
  // tombstone). `timestamp_ms` 0: the current time. `partition` -1: the Java
  // client's partitioner.
  absl::Status Send(std::string_view topic, std::optional<std::string_view> key,
                    std::optional<std::string_view> value, int64_t timestamp_ms = 0,
                    int32_t partition = -1);
  // Waits until every record sent so far is delivered (or `timeout`), then
  // returns the first delivery error since the last Flush, or OK.
  absl::Status Flush(absl::Duration timeout);

 private:
  explicit SimpleProducer(std::unique_ptr<internal::Producer> producer);
  std::unique_ptr<internal::Producer> producer_;
};

}  // namespace kstreams

#endif  // KSTREAMS_KAFKA_SIMPLE_PRODUCER_H_
