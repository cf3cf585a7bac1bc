// src/kafka/admin.h  (internal: not for users)
//
// Admin: topic creation and topic metadata for the runtime's internal-topic
// management (repartition and changelog topics); DeleteRecords (purging
// committed repartition records); DescribeTopicConfigs, DeleteTopics,
// ListGroups and DeleteGroups (tests on a real cluster).
//
// librdkafka's mock cluster (EmbeddedKafka) does not implement CreateTopics:
// CreateTopics() then reports absl::StatusCode::kUnimplemented for each topic
// (IsCreateTopicsUnsupported() is true), and the runtime should fall back to
// EmbeddedKafka::CreateTopic or rely on auto-creation (4 partitions).
//
// Thread-safety: thread-compatible.
//
// Example:
//
//   KSTREAMS_ASSIGN_OR_RETURN(auto admin, Admin::Create({{"bootstrap.servers", b}}));
//   KSTREAMS_ASSIGN_OR_RETURN(auto results, admin->CreateTopics(
//       {{"app-store-changelog", 4, 1, {{"cleanup.policy", "compact"}}}}));
//   if (!results["app-store-changelog"].ok()) ...
#ifndef KSTREAMS_SRC_KAFKA_ADMIN_H_
#define KSTREAMS_SRC_KAFKA_ADMIN_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kafka/kafka_common.h"

namespace kstreams::internal {

struct NewTopic {
  std::string name;
  int32_t partitions = 1;
  // -1: the broker's default.replication.factor (brokers from Kafka 2.4 on).
  int32_t replication_factor = 1;
  // Topic configs, e.g. {"cleanup.policy", "compact"}.
  std::map<std::string, std::string> configs;
};

// True when `status` is CreateTopics' answer from a broker that lacks the API
// (librdkafka's mock cluster).
bool IsCreateTopicsUnsupported(const absl::Status& status);

class Admin {
 public:
  // `config`: librdkafka client properties (bootstrap.servers, ...).
  static absl::StatusOr<std::unique_ptr<Admin>> Create(KafkaConfigMap config);
  ~Admin();
  Admin(const Admin&) = delete;
  Admin& operator=(const Admin&) = delete;

  // Creates `topics`; the map holds one status per topic name (AlreadyExists
  // when it exists, Unimplemented when the broker lacks CreateTopics).
  // The outer status fails only for bad arguments (InvalidArgument).
  absl::StatusOr<std::map<std::string, absl::Status>> CreateTopics(
      const std::vector<NewTopic>& topics, absl::Duration timeout = absl::Seconds(30));

  // Every topic the cluster knows -> its partition count. Does not create.
  absl::StatusOr<std::map<std::string, int32_t>> ListTopics(
      absl::Duration timeout = absl::Seconds(10));

  // Partition count of `topic`, std::nullopt when it does not exist.
  absl::StatusOr<std::optional<int32_t>> PartitionCount(
      std::string_view topic, absl::Duration timeout = absl::Seconds(10));

  // The configs of `topic` as the broker reports them (DescribeConfigs):
  // name -> value, defaults included. NotFound when the topic is missing.
  absl::StatusOr<std::map<std::string, std::string>> DescribeTopicConfigs(
      std::string_view topic, absl::Duration timeout = absl::Seconds(10));

  // Deletes the records before `offsets` (DeleteRecords, Java's
  // Admin.deleteRecords): each partition's log start offset moves up to its
  // offset. The first failing partition's error is returned, naming it.
  absl::Status DeleteRecords(const std::map<TopicPartition, int64_t>& offsets,
                             absl::Duration timeout = absl::Seconds(10));

  // Deletes `topics`; topics that do not exist are not an error.
  absl::Status DeleteTopics(const std::vector<std::string>& topics,
                            absl::Duration timeout = absl::Seconds(30));

  // Ids of the consumer groups the cluster knows (ListGroups); asked again
  // while a broker is still loading its group coordinator (just started).
  absl::StatusOr<std::vector<std::string>> ListGroups(absl::Duration timeout = absl::Seconds(10));

  // Deletes `groups` (they must be empty: no live member); missing ones are
  // not an error.
  absl::Status DeleteGroups(const std::vector<std::string>& groups,
                            absl::Duration timeout = absl::Seconds(10));

 private:
  Admin() = default;
  KafkaHandlePtr rk_;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_KAFKA_ADMIN_H_
