// kstreams/kafka/embedded_kafka.h
//
// EmbeddedKafka: an in-process Kafka cluster for demos, examples, tests and
// benchmarks, built on librdkafka's mock cluster. Its brokers listen on
// loopback TCP ports and speak the Kafka protocol, so any client works
// against BootstrapServers(): kstreams, kcat, kafka-python, a Java client.
// The standalone executable `kstreams-broker` runs the same cluster.
//
// Limits of the mock cluster (librdkafka 2.0.2), to design tests around:
//  - No Admin CreateTopics/DeleteTopics/DescribeConfigs: clients get an
//    "unsupported" error. Create topics with CreateTopic() (exact partition
//    count); otherwise a topic is auto-created with 4 partitions on the first
//    metadata request that names it (replication: min(3, brokers)).
//  - Each partition keeps roughly the last 5 MB / 100k message sets; older
//    data is silently dropped. No compaction (cleanup.policy is ignored), so a
//    large changelog cannot be restored from it.
//  - The first join of a consumer group waits ~3 s (group initial rebalance
//    delay). A rebalance after a member joins or leaves took about
//    session.timeout.ms in our tests (~2 s with 3000), so group tests should
//    lower session.timeout.ms and heartbeat.interval.ms. A killed member stays
//    in the group until its session times out (librdkafka's default: 45 s).
//  - Offset commits sent during a rebalance (e.g. from a revocation callback)
//    are refused with REBALANCE_IN_PROGRESS; a real broker accepts them from
//    members of the current generation.
//  - Transactions are accepted but not enforced: TxnOffsetCommit stores
//    nothing, aborted records stay visible, no producer fencing.
//  - Broker ids are 1..brokers. Data lives in memory and dies with the object.
//
// Fault injection: SetBrokerDown/SetBrokerUp, PushRequestErrors, SetRtt.
//
// Thread-safety: thread-safe (the mock cluster runs on its own thread and
// every method posts a request to it).
//
// Example:
//
//   KSTREAMS_ASSIGN_OR_RETURN(std::unique_ptr<kstreams::EmbeddedKafka> kafka,
//                             kstreams::EmbeddedKafka::Start(/*brokers=*/3));
//   KSTREAMS_RETURN_IF_ERROR(kafka->CreateTopic("orders", /*partitions=*/6));
//   config["bootstrap.servers"] = kafka->BootstrapServers();
//   kafka->PushRequestErrors(kstreams::EmbeddedKafka::ApiKey::kProduce,
//                            {kstreams::EmbeddedKafka::kNotLeaderOrFollower});
#ifndef KSTREAMS_KAFKA_EMBEDDED_KAFKA_H_
#define KSTREAMS_KAFKA_EMBEDDED_KAFKA_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace kstreams {

class EmbeddedKafka {
 public:
  // Kafka protocol request types (their API keys) that fault injection can
  // target.
  enum class ApiKey : int16_t {
    kProduce = 0,
    kFetch = 1,
    kListOffsets = 2,
    kMetadata = 3,
    kOffsetCommit = 8,
    kOffsetFetch = 9,
    kFindCoordinator = 10,
    kJoinGroup = 11,
    kHeartbeat = 12,
    kLeaveGroup = 13,
    kSyncGroup = 14,
    kInitProducerId = 22,
    kAddPartitionsToTxn = 24,
    kAddOffsetsToTxn = 25,
    kEndTxn = 26,
    kTxnOffsetCommit = 28,
  };

  // Some Kafka protocol error codes for PushRequestErrors (any other Kafka
  // error code may be passed as an int16_t too).
  static constexpr int16_t kNone = 0;
  static constexpr int16_t kLeaderNotAvailable = 5;
  static constexpr int16_t kNotLeaderOrFollower = 6;
  static constexpr int16_t kRequestTimedOut = 7;
  static constexpr int16_t kNetworkException = 13;
  static constexpr int16_t kCoordinatorLoadInProgress = 14;
  static constexpr int16_t kCoordinatorNotAvailable = 15;
  static constexpr int16_t kNotCoordinator = 16;
  static constexpr int16_t kNotEnoughReplicas = 19;
  static constexpr int16_t kRebalanceInProgress = 27;
  static constexpr int16_t kTopicAuthorizationFailed = 29;

  // Starts a cluster of `brokers` brokers (ids 1..brokers) on loopback
  // ephemeral ports. Errors: InvalidArgument if brokers < 1; Internal if the
  // mock cluster cannot start.
  static absl::StatusOr<std::unique_ptr<EmbeddedKafka>> Start(int brokers = 1);

  // Stops the brokers; connected clients see their connections drop.
  ~EmbeddedKafka();
  EmbeddedKafka(const EmbeddedKafka&) = delete;
  EmbeddedKafka& operator=(const EmbeddedKafka&) = delete;

  // "127.0.0.1:port,..." for `bootstrap.servers`.
  const std::string& BootstrapServers() const;
  int broker_count() const;

  // Creates `name` with exactly `partitions` partitions.
  // Errors: InvalidArgument for bad counts (replication > brokers too);
  // AlreadyExists if the topic exists.
  absl::Status CreateTopic(std::string_view name, int32_t partitions,
                           int32_t replication_factor = 1);

  // Takes broker `broker_id` (1-based) off the network / brings it back.
  // While down it closes client connections and refuses new ones.
  absl::Status SetBrokerDown(int32_t broker_id);
  absl::Status SetBrokerUp(int32_t broker_id);

  // The next requests of type `api` (to any broker) fail with `errors`, one
  // per request, in order; librdkafka's clients retry retriable ones.
  void PushRequestErrors(ApiKey api, const std::vector<int16_t>& errors);

  // Adds `rtt_ms` of latency to every response of broker `broker_id`.
  absl::Status SetRtt(int32_t broker_id, int rtt_ms);

 private:
  struct Impl;
  explicit EmbeddedKafka(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kstreams

#endif  // KSTREAMS_KAFKA_EMBEDDED_KAFKA_H_
