// SimpleProducer, TopicReader and CreateTopics (include/kstreams/kafka/): the
// public faces of the internal producer, consumer and admin wrappers.
#include "absl/strings/str_cat.h"
#include "kafka/admin.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"
#include "kstreams/kafka/create_topics.h"
#include "kstreams/kafka/simple_producer.h"
#include "kstreams/kafka/topic_reader.h"
#include "kstreams/status_macros.h"

namespace kstreams {

SimpleProducer::SimpleProducer(std::unique_ptr<internal::Producer> producer)
    : producer_(std::move(producer)) {}
SimpleProducer::~SimpleProducer() = default;

absl::StatusOr<std::unique_ptr<SimpleProducer>> SimpleProducer::Create(
    std::map<std::string, std::string> config) {
  KSTREAMS_ASSIGN_OR_RETURN(std::unique_ptr<internal::Producer> producer,
                            internal::Producer::Create(std::move(config)));
  return std::unique_ptr<SimpleProducer>(new SimpleProducer(std::move(producer)));
}

absl::Status SimpleProducer::Send(std::string_view topic, std::optional<std::string_view> key,
                                  std::optional<std::string_view> value, int64_t timestamp_ms,
                                  int32_t partition) {
  return producer_->Send(topic, partition, key, value, timestamp_ms < 0 ? 0 : timestamp_ms, {});
}

absl::Status SimpleProducer::Flush(absl::Duration timeout) {
  KSTREAMS_RETURN_IF_ERROR(producer_->Flush(timeout));
  return producer_->TakeDeliveryStatus();
}

TopicReader::TopicReader(std::unique_ptr<internal::Consumer> consumer)
    : consumer_(std::move(consumer)) {}
TopicReader::~TopicReader() = default;

absl::StatusOr<std::unique_ptr<TopicReader>> TopicReader::Create(
    std::map<std::string, std::string> config, std::string topic, int32_t partitions) {
  internal::ConsumerOptions options;
  options.config = std::move(config);
  KSTREAMS_ASSIGN_OR_RETURN(std::unique_ptr<internal::Consumer> consumer,
                            internal::Consumer::Create(std::move(options)));
  std::map<internal::TopicPartition, int64_t> start;
  for (int32_t p = 0; p < partitions; ++p) start[{topic, p}] = internal::kOffsetBeginning;
  KSTREAMS_RETURN_IF_ERROR(consumer->Assign(start));
  return std::unique_ptr<TopicReader>(new TopicReader(std::move(consumer)));
}

absl::StatusOr<std::vector<TopicReader::Record>> TopicReader::Poll(absl::Duration timeout,
                                                                   int max_records) {
  KSTREAMS_ASSIGN_OR_RETURN(std::vector<internal::ConsumerRecord> batch,
                            consumer_->PollBatch(max_records, timeout));
  std::vector<Record> out;
  out.reserve(batch.size());
  for (internal::ConsumerRecord& r : batch) {
    out.push_back(Record{std::move(r.topic), r.partition, r.offset, r.timestamp,
                         std::move(r.key), std::move(r.value)});
  }
  return out;
}

absl::Status CreateTopics(std::map<std::string, std::string> config,
                          const std::vector<std::string>& topics, int32_t partitions) {
  KSTREAMS_ASSIGN_OR_RETURN(std::unique_ptr<internal::Admin> admin,
                            internal::Admin::Create(std::move(config)));
  std::vector<internal::NewTopic> new_topics;
  for (const std::string& topic : topics) new_topics.push_back({topic, partitions, -1, {}});
  KSTREAMS_ASSIGN_OR_RETURN(auto results, admin->CreateTopics(new_topics));
  for (const auto& [topic, status] : results) {
    if (!status.ok() && !absl::IsAlreadyExists(status)) {
      return absl::Status(status.code(), absl::StrCat("creating topic '", topic, "' with ",
                                                      partitions, " partitions: ",
                                                      status.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace kstreams
