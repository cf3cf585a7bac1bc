// src/kafka/protocol_errors.h  (internal: not for users)
//
// Kafka protocol error codes (the ErrorCode fields of responses) as names and
// as absl::Status: the one place a protocol error code read off the wire by
// our own client (streams_group_client.h) becomes a Status. (librdkafka's
// rd_kafka_resp_err_t has its own place, KafkaErrorToStatus in
// kafka_common.h; librdkafka 2.0.2 predates the streams group codes.)
//
// Status codes: the errors Kafka's Java client treats as retriable (the
// coordinator moved, is loading or unavailable; a request timed out) are
// Unavailable: retry after rediscovering the coordinator. A member that lost
// its place (FENCED_MEMBER_EPOCH, STALE_MEMBER_EPOCH, UNKNOWN_MEMBER_ID,
// ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS, STREAMS_TOPOLOGY_FENCED) is
// Aborted: rejoin. GROUP_ID_NOT_FOUND is NotFound; authorization failures
// are PermissionDenied; invalid requests and topologies InvalidArgument;
// UNSUPPORTED_VERSION Unimplemented; GROUP_MAX_SIZE_REACHED
// ResourceExhausted; anything else Unknown.
//
// Thread-safety: pure functions.
#ifndef KSTREAMS_SRC_KAFKA_PROTOCOL_ERRORS_H_
#define KSTREAMS_SRC_KAFKA_PROTOCOL_ERRORS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace kstreams::internal {

// Kafka 4.4's name for `code` ("FENCED_MEMBER_EPOCH" for 110), or
// "UNKNOWN_ERROR_CODE_<n>" for a code it does not know.
std::string KafkaProtocolErrorName(int16_t code);

// Some protocol error codes this client branches on.
enum class KafkaProtocolError : int16_t {
  kNone = 0,
  kCoordinatorLoadInProgress = 14,
  kCoordinatorNotAvailable = 15,
  kNotCoordinator = 16,
  kIllegalGeneration = 22,
  kUnknownMemberId = 25,
  kRebalanceInProgress = 27,
  kUnsupportedVersion = 35,
  kGroupIdNotFound = 69,
  kFencedMemberEpoch = 110,
  kStaleMemberEpoch = 113,
  kStreamsInvalidTopology = 130,
  kStreamsInvalidTopologyEpoch = 131,
  kStreamsTopologyFenced = 132,
};

// True for the coordinator errors after which the client must find the
// coordinator again (NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE).
bool IsCoordinatorMoved(int16_t code);

// OK for 0; otherwise "<context> failed: <NAME> (<code>)[: <message>]" with
// the status code above. `context` names the RPC, the group and the broker.
absl::Status KafkaProtocolErrorToStatus(int16_t code, std::string_view context,
                                        const std::optional<std::string>& message = std::nullopt);

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_KAFKA_PROTOCOL_ERRORS_H_
