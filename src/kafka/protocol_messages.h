// src/kafka/protocol_messages.h  (internal: not for users)
//
// The Kafka protocol messages the streams group client (streams_group_client.h)
// speaks, each a plain struct with an Encode / Decode pair, written from the
// protocol's own schema files (Apache Kafka 4.4's
// clients/src/main/resources/common/message/<Name>.json):
//
//   ApiVersions            (18)  v3      the handshake: which APIs the broker serves
//   FindCoordinator        (10)  v4      the group's coordinator (key type 0, group)
//   StreamsGroupHeartbeat  (88)  v0-1    KIP-1071 join / heartbeat / leave
//   StreamsGroupDescribe   (89)  v0      KIP-1071 group state, members, assignments
//   OffsetCommit            (8)  v9      commits with member id + member epoch
//   OffsetFetch             (9)  v9      committed offsets, with member id + epoch
//
// Only flexible versions are encoded (compact strings and arrays, tagged
// fields), so every request uses request header v2 and every response
// response header v1, except ApiVersions' response, whose header is always
// v0 (the broker answers it before it knows what the client speaks).
// Field names follow the schema files, in snake_case; a field the schema
// marks nullable is std::optional here. Tagged fields are skipped on decode
// and never sent (none of these messages needs one), except ApiVersions'
// FinalizedFeatures, which names the broker's feature levels
// (streams.version) in errors.
//
// Decode functions never crash on bad input: they return DataLoss naming the
// message, the field and the byte offset (see wire.h).
//
// Thread-safety: plain values; the functions are pure.
#ifndef KSTREAMS_SRC_KAFKA_PROTOCOL_MESSAGES_H_
#define KSTREAMS_SRC_KAFKA_PROTOCOL_MESSAGES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace kstreams::internal {

enum class ApiKey : int16_t {
  kOffsetCommit = 8,
  kOffsetFetch = 9,
  kFindCoordinator = 10,
  kApiVersions = 18,
  kStreamsGroupHeartbeat = 88,
  kStreamsGroupDescribe = 89,
};

// "StreamsGroupHeartbeat" for 88, ... ("ApiKey 123" for others).
std::string ApiKeyName(int16_t api_key);

// ---- Headers ---------------------------------------------------------------

// Request header v2 (flexible): ApiKey int16, ApiVersion int16, CorrelationId
// int32, ClientId as a nullable int16-length string (not compact, even here),
// then tagged fields.
std::string EncodeRequestHeader(ApiKey api_key, int16_t api_version, int32_t correlation_id,
                                const std::optional<std::string>& client_id);

// Reads the response header (v1 with tagged fields when `flexible`, v0
// otherwise) from the front of `response`, returns its correlation id and
// leaves `body` at the message body.
absl::StatusOr<int32_t> DecodeResponseHeader(std::string_view response, bool flexible,
                                             std::string_view* body);

// ---- ApiVersions (18) v3 ---------------------------------------------------

struct ApiVersionsRequest {
  static constexpr int16_t kVersion = 3;
  std::string client_software_name = "kstreams";
  std::string client_software_version = "0";
};

struct ApiVersionsResponse {
  struct ApiVersion {
    int16_t api_key = 0;
    int16_t min_version = 0;
    int16_t max_version = 0;
  };
  struct FinalizedFeature {
    std::string name;
    int16_t max_version_level = 0;
    int16_t min_version_level = 0;
  };
  int16_t error_code = 0;
  std::vector<ApiVersion> api_keys;
  int32_t throttle_time_ms = 0;
  std::vector<FinalizedFeature> finalized_features;  // tagged field 2
};

std::string EncodeApiVersionsRequest(const ApiVersionsRequest& request);
absl::StatusOr<ApiVersionsResponse> DecodeApiVersionsResponse(std::string_view body);

// ---- FindCoordinator (10) v4 -----------------------------------------------

struct FindCoordinatorRequest {
  static constexpr int16_t kVersion = 4;
  static constexpr int8_t kKeyTypeGroup = 0;
  int8_t key_type = kKeyTypeGroup;
  std::vector<std::string> coordinator_keys;
};

struct FindCoordinatorResponse {
  struct Coordinator {
    std::string key;
    int32_t node_id = -1;
    std::string host;
    int32_t port = -1;
    int16_t error_code = 0;
    std::optional<std::string> error_message;
  };
  int32_t throttle_time_ms = 0;
  std::vector<Coordinator> coordinators;
};

std::string EncodeFindCoordinatorRequest(const FindCoordinatorRequest& request);
absl::StatusOr<FindCoordinatorResponse> DecodeFindCoordinatorResponse(std::string_view body);

// ---- StreamsGroupHeartbeat (88) v0-1 ---------------------------------------

// Common structs of the streams group messages.
struct StreamsKeyValue {
  std::string key;
  std::string value;
  bool operator==(const StreamsKeyValue&) const = default;
};

struct StreamsTopicInfo {
  std::string name;
  // 0: no partition count enforced (always 0 for changelog topics).
  int32_t partitions = 0;
  // 0: the broker's default replication factor.
  int16_t replication_factor = 0;
  std::vector<StreamsKeyValue> topic_configs;
  bool operator==(const StreamsTopicInfo&) const = default;
};

struct StreamsEndpoint {
  std::string host;
  uint16_t port = 0;
  bool operator==(const StreamsEndpoint&) const = default;
};

// A task set: one subtopology's partitions (Java's TaskId = subtopology +
// partition, grouped by subtopology on the wire).
struct StreamsTaskIds {
  std::string subtopology_id;
  std::vector<int32_t> partitions;
  bool operator==(const StreamsTaskIds&) const = default;
};

struct StreamsTaskOffset {
  std::string subtopology_id;
  int32_t partition = 0;
  int64_t offset = 0;
  bool operator==(const StreamsTaskOffset&) const = default;
};

struct StreamsCopartitionGroup {
  // Indexes into the subtopology's source_topics, source_topic_regex and
  // repartition_source_topics.
  std::vector<int16_t> source_topics;
  std::vector<int16_t> source_topic_regex;
  std::vector<int16_t> repartition_source_topics;
  bool operator==(const StreamsCopartitionGroup&) const = default;
};

struct StreamsSubtopology {
  std::string subtopology_id;
  std::vector<std::string> source_topics;
  std::vector<std::string> source_topic_regex;
  std::vector<StreamsTopicInfo> state_changelog_topics;
  std::vector<std::string> repartition_sink_topics;
  std::vector<StreamsTopicInfo> repartition_source_topics;
  std::vector<StreamsCopartitionGroup> copartition_groups;
  bool operator==(const StreamsSubtopology&) const = default;
};

struct StreamsTopology {
  int32_t epoch = 0;
  std::vector<StreamsSubtopology> subtopologies;
  bool operator==(const StreamsTopology&) const = default;
};

struct StreamsGroupHeartbeatRequest {
  static constexpr int16_t kMaxVersion = 1;
  std::string group_id;
  std::string member_id;
  // 0 joins, -1 leaves, -2 a static member leaving to rejoin.
  int32_t member_epoch = 0;
  int32_t endpoint_information_epoch = 0;
  std::optional<std::string> instance_id;
  std::optional<std::string> rack_id;
  // -1: unchanged since the last heartbeat.
  int32_t rebalance_timeout_ms = -1;
  // Sent with member_epoch 0 only.
  std::optional<StreamsTopology> topology;
  // Null: unchanged since the last heartbeat (as every optional below).
  std::optional<std::vector<StreamsTaskIds>> active_tasks;
  std::optional<std::vector<StreamsTaskIds>> standby_tasks;
  std::optional<std::vector<StreamsTaskIds>> warmup_tasks;
  std::optional<std::string> process_id;
  std::optional<StreamsEndpoint> user_endpoint;
  std::optional<std::vector<StreamsKeyValue>> client_tags;
  std::optional<std::vector<StreamsTaskOffset>> task_offsets;
  std::optional<std::vector<StreamsTaskOffset>> task_end_offsets;
  bool shutdown_application = false;
  bool operator==(const StreamsGroupHeartbeatRequest&) const = default;
};

// The status codes of StreamsGroupHeartbeatResponse.Status.
enum class StreamsGroupStatusCode : int8_t {
  kStaleTopology = 0,
  kMissingSourceTopics = 1,
  kIncorrectlyPartitionedTopics = 2,
  kMissingInternalTopics = 3,
  kShutdownApplication = 4,
  kAssignmentDelayed = 5,
  kMissingClientTags = 6,  // v1 only
};

// "MISSING_INTERNAL_TOPICS" for 3, ... ("status 42" for unknown codes).
std::string StreamsGroupStatusName(int8_t code);

struct StreamsGroupHeartbeatResponse {
  struct Status {
    int8_t status_code = 0;
    std::string status_detail;
    bool operator==(const Status&) const = default;
  };
  struct TopicPartitions {
    std::string topic;
    std::vector<int32_t> partitions;
    bool operator==(const TopicPartitions&) const = default;
  };
  struct EndpointToPartitions {
    StreamsEndpoint user_endpoint;
    std::vector<TopicPartitions> active_partitions;
    std::vector<TopicPartitions> standby_partitions;
    bool operator==(const EndpointToPartitions&) const = default;
  };
  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;
  std::optional<std::string> error_message;
  std::string member_id;
  int32_t member_epoch = 0;
  int32_t heartbeat_interval_ms = 0;
  // v0's AcceptableRecoveryLagLegacy (int32) or v1's AcceptableRecoveryLag
  // (int64; -1 when the broker does not support the setting).
  int64_t acceptable_recovery_lag = -1;
  int32_t task_offset_interval_ms = 0;
  std::optional<std::vector<Status>> status;
  // Null: unchanged since the last heartbeat.
  std::optional<std::vector<StreamsTaskIds>> active_tasks;
  std::optional<std::vector<StreamsTaskIds>> standby_tasks;
  std::optional<std::vector<StreamsTaskIds>> warmup_tasks;
  bool topology_description_required = false;  // v1
  int32_t endpoint_information_epoch = 0;
  std::optional<std::vector<EndpointToPartitions>> partitions_by_user_endpoint;
  bool operator==(const StreamsGroupHeartbeatResponse&) const = default;
};

std::string EncodeStreamsGroupHeartbeatRequest(const StreamsGroupHeartbeatRequest& request,
                                               int16_t version);
absl::StatusOr<StreamsGroupHeartbeatRequest> DecodeStreamsGroupHeartbeatRequest(
    std::string_view body, int16_t version);
// Encoding a response is for tests (hand-checked bytes, round trips).
std::string EncodeStreamsGroupHeartbeatResponse(const StreamsGroupHeartbeatResponse& response,
                                                int16_t version);
absl::StatusOr<StreamsGroupHeartbeatResponse> DecodeStreamsGroupHeartbeatResponse(
    std::string_view body, int16_t version);

// ---- StreamsGroupDescribe (89) v0 ------------------------------------------

struct StreamsGroupDescribeRequest {
  static constexpr int16_t kVersion = 0;
  std::vector<std::string> group_ids;
  bool include_authorized_operations = false;
};

struct StreamsGroupDescribeResponse {
  struct Subtopology {
    std::string subtopology_id;
    std::vector<std::string> source_topics;
    std::vector<std::string> repartition_sink_topics;
    std::vector<StreamsTopicInfo> state_changelog_topics;
    std::vector<StreamsTopicInfo> repartition_source_topics;
  };
  struct Topology {
    int32_t epoch = 0;
    std::optional<std::vector<Subtopology>> subtopologies;
  };
  struct Assignment {
    std::vector<StreamsTaskIds> active_tasks;
    std::vector<StreamsTaskIds> standby_tasks;
    std::vector<StreamsTaskIds> warmup_tasks;
  };
  struct Member {
    std::string member_id;
    int32_t member_epoch = 0;
    std::optional<std::string> instance_id;
    std::optional<std::string> rack_id;
    std::string client_id;
    std::string client_host;
    int32_t topology_epoch = 0;
    std::string process_id;
    std::optional<StreamsEndpoint> user_endpoint;
    std::vector<StreamsKeyValue> client_tags;
    std::vector<StreamsTaskOffset> task_offsets;
    std::vector<StreamsTaskOffset> task_end_offsets;
    Assignment assignment;
    Assignment target_assignment;
    bool is_classic = false;
  };
  struct DescribedGroup {
    int16_t error_code = 0;
    std::optional<std::string> error_message;
    std::string group_id;
    std::string group_state;
    int32_t group_epoch = 0;
    int32_t assignment_epoch = 0;
    std::optional<Topology> topology;
    std::vector<Member> members;
    int32_t authorized_operations = 0;
  };
  int32_t throttle_time_ms = 0;
  std::vector<DescribedGroup> groups;
};

std::string EncodeStreamsGroupDescribeRequest(const StreamsGroupDescribeRequest& request);
absl::StatusOr<StreamsGroupDescribeResponse> DecodeStreamsGroupDescribeResponse(
    std::string_view body);

// ---- OffsetCommit (8) v9 ---------------------------------------------------

struct OffsetCommitRequest {
  static constexpr int16_t kVersion = 9;
  struct Partition {
    int32_t partition_index = 0;
    int64_t committed_offset = 0;
    int32_t committed_leader_epoch = -1;
    std::optional<std::string> committed_metadata;
  };
  struct Topic {
    std::string name;
    std::vector<Partition> partitions;
  };
  std::string group_id;
  // The streams group's member epoch.
  int32_t generation_id_or_member_epoch = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::vector<Topic> topics;
};

struct OffsetCommitResponse {
  struct Partition {
    int32_t partition_index = 0;
    int16_t error_code = 0;
  };
  struct Topic {
    std::string name;
    std::vector<Partition> partitions;
  };
  int32_t throttle_time_ms = 0;
  std::vector<Topic> topics;
};

std::string EncodeOffsetCommitRequest(const OffsetCommitRequest& request);
absl::StatusOr<OffsetCommitResponse> DecodeOffsetCommitResponse(std::string_view body);

// ---- OffsetFetch (9) v9 ----------------------------------------------------

struct OffsetFetchRequest {
  static constexpr int16_t kVersion = 9;
  struct Topic {
    std::string name;
    std::vector<int32_t> partition_indexes;
  };
  struct Group {
    std::string group_id;
    std::optional<std::string> member_id;
    int32_t member_epoch = -1;
    // Null: every committed partition of the group.
    std::optional<std::vector<Topic>> topics;
  };
  std::vector<Group> groups;
  bool require_stable = false;
};

struct OffsetFetchResponse {
  struct Partition {
    int32_t partition_index = 0;
    int64_t committed_offset = -1;
    int32_t committed_leader_epoch = -1;
    std::optional<std::string> metadata;
    int16_t error_code = 0;
  };
  struct Topic {
    std::string name;
    std::vector<Partition> partitions;
  };
  struct Group {
    std::string group_id;
    std::vector<Topic> topics;
    int16_t error_code = 0;
  };
  int32_t throttle_time_ms = 0;
  std::vector<Group> groups;
};

std::string EncodeOffsetFetchRequest(const OffsetFetchRequest& request);
absl::StatusOr<OffsetFetchResponse> DecodeOffsetFetchResponse(std::string_view body);

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_KAFKA_PROTOCOL_MESSAGES_H_
