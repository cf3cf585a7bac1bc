// src/kafka/broker_connection.h  (internal: not for users)
//
// BrokerConnection: one blocking, plaintext TCP connection to one Kafka
// broker, speaking the protocol with our own codec (protocol_messages.h)
// rather than librdkafka, for the RPCs librdkafka does not have (KIP-1071's
// streams group RPCs). Connect() resolves the host, connects within the
// timeout and performs the ApiVersions handshake, so that callers can ask
// which versions of an API the broker serves before they send it.
//
// Every call has a deadline (the connection's request timeout): connect,
// send and receive never block past it. Any I/O failure, timeout or
// unreadable response closes the connection (it cannot be resynchronized);
// further calls fail with Unavailable, and the owner connects again.
// Requests go one at a time (no pipelining): Call() sends one request and
// reads its response, checking the correlation id.
//
// Limits: PLAINTEXT only (no TLS, no SASL: the caller refuses other
// security.protocol values); one request in flight.
//
// Thread-safety: thread-compatible (one owner).
//
// Example:
//
//   KSTREAMS_ASSIGN_OR_RETURN(auto conn, BrokerConnection::Connect("127.0.0.1", 9092, {}));
//   if (!conn->Supports(ApiKey::kStreamsGroupHeartbeat, 1)) ...
//   KSTREAMS_ASSIGN_OR_RETURN(std::string body,
//       conn->Call(ApiKey::kFindCoordinator, 4, EncodeFindCoordinatorRequest(request)));
#ifndef KSTREAMS_SRC_KAFKA_BROKER_CONNECTION_H_
#define KSTREAMS_SRC_KAFKA_BROKER_CONNECTION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kafka/protocol_messages.h"

namespace kstreams::internal {

struct BrokerConnectionOptions {
  // Sent in every request header. Default: "kstreams".
  std::optional<std::string> client_id = "kstreams";
  // Deadline of the connect (with the handshake) and of each call.
  // Default: 10 s.
  absl::Duration timeout = absl::Seconds(10);
};

class BrokerConnection {
 public:
  // Connects to `host`:`port` and performs the ApiVersions handshake.
  // Unavailable naming host:port when nothing answers (refused, unreachable,
  // timed out); DataLoss when the handshake's answer is unreadable.
  static absl::StatusOr<std::unique_ptr<BrokerConnection>> Connect(
      std::string host, int32_t port, BrokerConnectionOptions options);
  ~BrokerConnection();
  BrokerConnection(const BrokerConnection&) = delete;
  BrokerConnection& operator=(const BrokerConnection&) = delete;

  // Sends one request (header v2 + `body`) and returns the response body
  // (after response header v1, or v0 for ApiVersions).
  absl::StatusOr<std::string> Call(ApiKey api_key, int16_t version, std::string_view body);

  // The highest version of `api_key` the broker serves, std::nullopt when
  // it does not serve the API at all.
  std::optional<int16_t> MaxVersion(ApiKey api_key) const;
  // True when the broker serves `version` of `api_key`.
  bool Supports(ApiKey api_key, int16_t version) const;
  // The handshake's answer (finalized features such as streams.version).
  const ApiVersionsResponse& api_versions() const { return api_versions_; }

  // "host:port", for messages.
  const std::string& address() const { return address_; }
  bool connected() const { return fd_ >= 0; }

 private:
  BrokerConnection(int fd, std::string address, BrokerConnectionOptions options);
  absl::Status SendAll(std::string_view bytes, absl::Time deadline);
  absl::Status ReceiveAll(char* out, size_t n, absl::Time deadline);
  absl::Status Fail(absl::Status status);  // closes, returns `status`

  int fd_;
  std::string address_;
  BrokerConnectionOptions options_;
  int32_t next_correlation_id_ = 1;
  ApiVersionsResponse api_versions_;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_KAFKA_BROKER_CONNECTION_H_
