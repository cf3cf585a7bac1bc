// src/kafka/kafka_common.h  (internal: not for users)
//
// Shared vocabulary of the kafka/ layer: TopicPartition, owned consumer
// records, header views for sends, the one librdkafka-error -> absl::Status
// conversion, and the config builder. No librdkafka header is included here:
// librdkafka types are only forward-declared, so src/runtime can include this
// file without seeing <librdkafka/...> (DESIGN.md: only src/kafka includes it).
//
// Thread-safety: the free functions are thread-safe; the value types are
// thread-compatible.
//
// Example:
//
//   KSTREAMS_ASSIGN_OR_RETURN(ConfPtr conf,
//                             BuildConf({{"bootstrap.servers", "127.0.0.1:9092"}}));
//   TopicPartition tp{"orders", 3};
//   std::string s = tp.ToString();   // "orders-3", as Java prints it
#ifndef KSTREAMS_SRC_KAFKA_KAFKA_COMMON_H_
#define KSTREAMS_SRC_KAFKA_KAFKA_COMMON_H_

#include <compare>
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
#include "kstreams/internal/murmur2.h"  // Murmur2Partition, for this layer's users
#include "kstreams/log.h"
#include "kstreams/topic_partition.h"

// librdkafka's opaque handle types, as <librdkafka/rdkafka.h> declares them.
struct rd_kafka_s;
struct rd_kafka_conf_s;
struct rd_kafka_message_s;

namespace kstreams::internal {

// A partition of a topic: the public kstreams::TopicPartition
// (kstreams/topic_partition.h), printed "topic-partition" as Java.
using TopicPartition = ::kstreams::TopicPartition;

// A header to send: views into caller-owned bytes (copied by Send).
// `value == std::nullopt` is a Kafka null header value.
struct HeaderView {
  std::string_view key;
  std::optional<std::string_view> value;
};

// A header of a consumed record (owned bytes).
struct OwnedHeader {
  std::string key;
  std::optional<std::string> value;
  friend bool operator==(const OwnedHeader&, const OwnedHeader&) = default;
};

// How a consumed record's timestamp was set (Kafka's TimestampType).
enum class TimestampType { kNotAvailable, kCreateTime, kLogAppendTime };

// One consumed record, owning its bytes. `key`/`value` are std::nullopt when
// Kafka's key/value is null (as opposed to empty).
struct ConsumerRecord {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp = -1;  // ms since epoch; -1 when not available
  TimestampType timestamp_type = TimestampType::kNotAvailable;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<OwnedHeader> headers;
};

// The one place a librdkafka error code (an rd_kafka_resp_err_t, passed as
// int so this header needs no librdkafka include) becomes an absl::Status.
// `operation` names what failed, including topic/partition where relevant
// ("commit offsets for orders-3"); `detail` is librdkafka's own message when
// it has a more specific one than the code's description (may be empty).
// Returns OK for RD_KAFKA_RESP_ERR_NO_ERROR.
//
// Code mapping (callers test with absl::IsXxx):
//   timeouts                                  -> DeadlineExceeded
//   unknown topic / partition                 -> NotFound
//   topic already exists                      -> AlreadyExists
//   feature/API not supported by the broker   -> Unimplemented   (e.g. Admin
//                                                CreateTopics on the mock cluster)
//   invalid argument/config/partitions/...    -> InvalidArgument
//   fenced / rebalance / generation errors    -> Aborted
//   authorization / authentication            -> PermissionDenied / Unauthenticated
//   offset out of range / no offset           -> OutOfRange
//   local queue full, message too large       -> ResourceExhausted
//   transport / broker / coordinator / leader -> Unavailable (retriable)
//   wrong client state, destroyed handle      -> FailedPrecondition
//   anything else                             -> Internal
absl::Status KafkaErrorToStatus(int rd_kafka_resp_err, std::string_view operation,
                                std::string_view detail = {});

// Deleters so librdkafka handles live in std::unique_ptr.
struct RdKafkaConfDeleter {
  void operator()(rd_kafka_conf_s* conf) const;
};
struct RdKafkaDeleter {
  void operator()(rd_kafka_s* rk) const;  // rd_kafka_destroy
};
using ConfPtr = std::unique_ptr<rd_kafka_conf_s, RdKafkaConfDeleter>;
using KafkaHandlePtr = std::unique_ptr<rd_kafka_s, RdKafkaDeleter>;

// librdkafka configuration properties, applied in map order.
using KafkaConfigMap = std::map<std::string, std::string>;

// kstreams' level for a librdkafka (syslog) log level: 0-3 error, 4
// warning, 5-6 info, 7 debug. librdkafka's lines reach the log sink as
// "librdkafka <facility> [<client name>]: <text>".
LogLevel LogLevelOfSyslogLevel(int level);

// Builds an rd_kafka_conf_t from `config`. A bad key or value gives
// InvalidArgument naming the key, the value and librdkafka's reason:
//   "invalid Kafka client config 'acks'='maybe': Invalid value ..."
absl::StatusOr<ConfPtr> BuildConf(const KafkaConfigMap& config);

// Topic name -> partition count of every topic the cluster knows, read with a
// metadata request for all topics (asking for one named topic would make a
// broker with auto-creation create it). `rk` is any client handle.
absl::StatusOr<std::map<std::string, int32_t>> FetchPartitionCounts(
    rd_kafka_s* rk, int timeout_ms);


}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_KAFKA_KAFKA_COMMON_H_
