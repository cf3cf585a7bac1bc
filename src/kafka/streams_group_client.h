// src/kafka/streams_group_client.h  (internal: not for users)
//
// StreamsGroupClient: the RPCs of Kafka's streams group protocol (KIP-1071)
// for one group: join, heartbeat and leave (StreamsGroupHeartbeat, API key
// 88), describe (StreamsGroupDescribe, 89), and the offset commits and
// fetches of a member (OffsetCommit v9 / OffsetFetch v9, which carry the
// member id and the member epoch a streams group checks). librdkafka speaks
// none of these, so this client has its own connections
// (broker_connection.h) to the same `bootstrap.servers`.
//
// This is the transport only, the part under Java's StreamsMembershipManager
// and StreamsGroupHeartbeatRequestManager: it keeps no member state (the
// caller passes member id and epoch), runs no heartbeat thread and does not
// reconcile assignments. The runtime's membership loop is built on it.
//
// Coordinator: Create() asks a bootstrap broker (the first that answers) for
// the group's coordinator (FindCoordinator v4, key type group) and connects
// to it; every RPC goes to it. When the coordinator moved or is not ready
// (NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS)
// or its connection broke, a call finds the coordinator again and retries
// until its timeout, then returns Unavailable.
//
// Errors name the RPC, the group, the broker and Kafka's error name, e.g.
// "StreamsGroupHeartbeat v1 of group 'app' at broker 127.0.0.1:9092 failed:
// FENCED_MEMBER_EPOCH (110): ..." (status codes: protocol_errors.h).
// A broker that does not serve the streams group RPCs (before Kafka 4.2), or
// serves them with the protocol off (its finalized feature streams.version
// below 1: Kafka 4.4 then still lists APIs 88 and 89 but answers them with
// UNSUPPORTED_VERSION), gives FailedPrecondition at Create() naming the
// broker and the missing API or feature.
//
// Config keys read: `bootstrap.servers` (required), `client.id`,
// `security.protocol` (PLAINTEXT only: anything else is Unimplemented, a
// limit of this client; no TLS, no SASL yet).
//
// Thread-safety: thread-compatible (one owner; calls block).
//
// Example:
//
//   KSTREAMS_ASSIGN_OR_RETURN(auto client, StreamsGroupClient::Create(
//       {{"bootstrap.servers", bootstrap}}, "my-app"));
//   StreamsGroupHeartbeatRequest join;
//   join.member_id = StreamsGroupClient::NewMemberId();
//   join.topology = StreamsTopology{...};
//   join.process_id = ...;  // first heartbeat: every field set (nulls mean "unchanged")
//   KSTREAMS_ASSIGN_OR_RETURN(StreamsGroupHeartbeatResponse r, client->Join(join));
//   ... heartbeat every r.heartbeat_interval_ms with member_epoch = r.member_epoch ...
//   KSTREAMS_RETURN_IF_ERROR(client->CommitOffsets(member_id, epoch, {{{"in", 0}, 42}}));
//   KSTREAMS_RETURN_IF_ERROR(client->Leave(member_id));
#ifndef KSTREAMS_SRC_KAFKA_STREAMS_GROUP_CLIENT_H_
#define KSTREAMS_SRC_KAFKA_STREAMS_GROUP_CLIENT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kafka/broker_connection.h"
#include "kafka/kafka_common.h"
#include "kafka/protocol_messages.h"
#include "kstreams/topic_partition.h"

namespace kstreams::internal {

// One bootstrap address.
struct BrokerAddress {
  std::string host;
  int32_t port = 0;
};

// "h1:9092,h2:9093" (an optional "PLAINTEXT://" prefix, IPv6 in brackets)
// -> addresses; InvalidArgument naming the bad entry.
absl::StatusOr<std::vector<BrokerAddress>> ParseBootstrapServers(std::string_view servers);

class StreamsGroupClient {
 public:
  // Finds the coordinator of `group_id` and connects to it. `timeout` bounds
  // each connect and each call (retries included).
  static absl::StatusOr<std::unique_ptr<StreamsGroupClient>> Create(
      const KafkaConfigMap& config, std::string group_id,
      absl::Duration timeout = absl::Seconds(10));

  // A fresh member id (the streams client generates its own, KIP-1071):
  // 22 characters of URL-safe base64 of 16 random bytes, as Java's Uuid.
  static std::string NewMemberId();

  // Joins: sends `request` with member_epoch 0 and the group id.
  // REQUIRES: request.topology has a value (the broker refuses a join
  // without one).
  absl::StatusOr<StreamsGroupHeartbeatResponse> Join(StreamsGroupHeartbeatRequest request);
  // Sends `request` as is (its group id set to this client's group).
  // OK means ErrorCode 0: the response's Status list (MISSING_INTERNAL_TOPICS,
  // ...) is the caller's to act on.
  absl::StatusOr<StreamsGroupHeartbeatResponse> Heartbeat(StreamsGroupHeartbeatRequest request);
  // Leaves: a heartbeat with member epoch -1 (-2 for a static member, which
  // keeps its assignment for its return).
  absl::Status Leave(std::string member_id, std::optional<std::string> instance_id = std::nullopt);

  // The group as the coordinator sees it (StreamsGroupDescribe v0).
  // NotFound when the group does not exist.
  absl::StatusOr<StreamsGroupDescribeResponse::DescribedGroup> Describe();

  // Commits `offsets` (the next offset to read) as member `member_id` at
  // `member_epoch`. A partition's error fails the whole call, naming the
  // partition (STALE_MEMBER_EPOCH, UNKNOWN_MEMBER_ID: Aborted).
  absl::Status CommitOffsets(const std::string& member_id, int32_t member_epoch,
                             const std::map<TopicPartition, int64_t>& offsets);
  // The committed offsets of `partitions`; a partition without one is left
  // out of the map.
  absl::StatusOr<std::map<TopicPartition, int64_t>> FetchOffsets(
      const std::string& member_id, int32_t member_epoch,
      const std::vector<TopicPartition>& partitions);

  const std::string& group_id() const { return group_id_; }
  // "host:port" of the coordinator, empty while none is known.
  std::string coordinator_address() const;
  // The StreamsGroupHeartbeat version in use (the highest both sides speak).
  int16_t heartbeat_version() const { return heartbeat_version_; }

 private:
  StreamsGroupClient(std::vector<BrokerAddress> bootstrap, BrokerConnectionOptions options,
                     std::string group_id);
  // Connects to the coordinator when there is no live connection to it.
  absl::Status EnsureCoordinator(absl::Time deadline);
  absl::StatusOr<std::unique_ptr<BrokerConnection>> ConnectToAnyBootstrap(absl::Time deadline);
  absl::Status CheckStreamsApis(const BrokerConnection& conn) const;
  // Sends one request to the coordinator and decodes the answer with
  // `decode`; `error_of(response)` gives its top-level error code.
  // Retries coordinator moves and broken connections until the deadline.
  template <typename Response, typename Decode, typename ErrorOf>
  absl::StatusOr<Response> CallCoordinator(ApiKey api_key, int16_t version,
                                           const std::string& body, Decode decode,
                                           ErrorOf error_of);
  std::string Context(ApiKey api_key, int16_t version) const;

  std::vector<BrokerAddress> bootstrap_;
  BrokerConnectionOptions options_;
  std::string group_id_;
  std::unique_ptr<BrokerConnection> coordinator_;
  int16_t heartbeat_version_ = 0;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_KAFKA_STREAMS_GROUP_CLIENT_H_
