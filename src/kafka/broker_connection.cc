#include "kafka/broker_connection.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "kafka/protocol_errors.h"
#include "kafka/wire.h"
#include "kstreams/internal/strings.h"
#include "kstreams/status_macros.h"

namespace kstreams::internal {

namespace {

// A response larger than this is a corrupt length prefix, not a message.
constexpr int32_t kMaxResponseBytes = 64 << 20;

// Milliseconds left until `deadline`, at least 0, for poll().
int PollTimeoutMs(absl::Time deadline) {
  const absl::Duration left = deadline - absl::Now();
  if (left <= absl::ZeroDuration()) return 0;
  return static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(left) + 1, 1 << 30));
}

// Waits until `fd` is ready for `events`; DeadlineExceeded past `deadline`.
absl::Status WaitFor(int fd, short events, absl::Time deadline, std::string_view what) {
  while (true) {
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, PollTimeoutMs(deadline));
    if (n > 0) return absl::OkStatus();
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return absl::UnavailableError(StrCat(what, ": poll: ", std::strerror(errno)));
    if (absl::Now() >= deadline) return absl::DeadlineExceededError(StrCat(what, ": timed out"));
  }
}

// Connects a non-blocking socket to one resolved address within `deadline`.
absl::StatusOr<int> ConnectOne(const addrinfo& ai, absl::Time deadline,
                               std::string_view address) {
  const int fd = ::socket(ai.ai_family, ai.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                          ai.ai_protocol);
  if (fd < 0) {
    return absl::UnavailableError(StrCat("connecting to ", address, ": socket: ", std::strerror(errno)));
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (::connect(fd, ai.ai_addr, ai.ai_addrlen) != 0 && errno != EINPROGRESS) {
    const int err = errno;
    ::close(fd);
    return absl::UnavailableError(
        StrCat("connecting to broker ", address, ": ", std::strerror(err)));
  }
  absl::Status ready = WaitFor(fd, POLLOUT, deadline, StrCat("connecting to broker ", address));
  int err = 0;
  socklen_t len = sizeof(err);
  if (ready.ok() && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (!ready.ok() || err != 0) {
    ::close(fd);
    if (!ready.ok()) return absl::UnavailableError(ready.message());
    return absl::UnavailableError(StrCat("connecting to broker ", address, ": ", std::strerror(err)));
  }
  return fd;
}

}  // namespace

absl::StatusOr<std::unique_ptr<BrokerConnection>> BrokerConnection::Connect(
    std::string host, int32_t port, BrokerConnectionOptions options) {
  const std::string address = StrCat(host, ":", port);
  const absl::Time deadline = absl::Now() + options.timeout;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port_text = std::to_string(port);
  const int rc = ::getaddrinfo(host.c_str(), port_text.c_str(), &hints, &found);
  if (rc != 0) {
    return absl::UnavailableError(
        StrCat("resolving broker ", address, ": ", ::gai_strerror(rc)));
  }
  absl::Status last = absl::UnavailableError(StrCat("broker ", address, ": no address"));
  int fd = -1;
  for (addrinfo* ai = found; ai != nullptr && fd < 0; ai = ai->ai_next) {
    absl::StatusOr<int> one = ConnectOne(*ai, deadline, address);
    if (one.ok()) {
      fd = *one;
    } else {
      last = one.status();
    }
  }
  ::freeaddrinfo(found);
  if (fd < 0) return last;
  std::unique_ptr<BrokerConnection> conn(new BrokerConnection(fd, address, std::move(options)));
  KSTREAMS_ASSIGN_OR_RETURN(
      std::string body,
      conn->Call(ApiKey::kApiVersions, ApiVersionsRequest::kVersion,
                 EncodeApiVersionsRequest(ApiVersionsRequest{})));
  KSTREAMS_ASSIGN_OR_RETURN(conn->api_versions_, DecodeApiVersionsResponse(body));
  KSTREAMS_RETURN_IF_ERROR(KafkaProtocolErrorToStatus(
      conn->api_versions_.error_code, StrCat("ApiVersions v3 with broker ", address)));
  return conn;
}

BrokerConnection::BrokerConnection(int fd, std::string address, BrokerConnectionOptions options)
    : fd_(fd), address_(std::move(address)), options_(std::move(options)) {}

BrokerConnection::~BrokerConnection() {
  if (fd_ >= 0) ::close(fd_);
}

absl::Status BrokerConnection::Fail(absl::Status status) {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  return status;
}

absl::Status BrokerConnection::SendAll(std::string_view bytes, absl::Time deadline) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      KSTREAMS_RETURN_IF_ERROR(WaitFor(fd_, POLLOUT, deadline, StrCat("sending to broker ", address_)));
      continue;
    }
    return absl::UnavailableError(StrCat("sending to broker ", address_, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status BrokerConnection::ReceiveAll(char* out, size_t n, absl::Time deadline) {
  while (n > 0) {
    const ssize_t got = ::recv(fd_, out, n, 0);
    if (got > 0) {
      out += got;
      n -= static_cast<size_t>(got);
      continue;
    }
    if (got == 0) {
      return absl::UnavailableError(StrCat("broker ", address_, " closed the connection"));
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      KSTREAMS_RETURN_IF_ERROR(
          WaitFor(fd_, POLLIN, deadline, StrCat("waiting for broker ", address_)));
      continue;
    }
    return absl::UnavailableError(StrCat("receiving from broker ", address_, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> BrokerConnection::Call(ApiKey api_key, int16_t version,
                                                   std::string_view body) {
  const std::string rpc = StrCat(ApiKeyName(static_cast<int16_t>(api_key)), " v", version);
  if (fd_ < 0) {
    return absl::UnavailableError(StrCat(rpc, ": the connection to broker ", address_, " is closed"));
  }
  const absl::Time deadline = absl::Now() + options_.timeout;
  const int32_t correlation_id = next_correlation_id_++;
  std::string header = EncodeRequestHeader(api_key, version, correlation_id, options_.client_id);
  WireWriter frame;
  frame.Int32(static_cast<int32_t>(header.size() + body.size()));
  std::string bytes = frame.Take();
  bytes += header;
  bytes.append(body);
  absl::Status sent = SendAll(bytes, deadline);
  if (!sent.ok()) return Fail(absl::Status(sent.code(), StrCat(rpc, ": ", sent.message())));

  char size_bytes[4];
  absl::Status got = ReceiveAll(size_bytes, sizeof(size_bytes), deadline);
  if (!got.ok()) return Fail(absl::Status(got.code(), StrCat(rpc, ": ", got.message())));
  WireReader size_reader(std::string_view(size_bytes, 4), "response frame");
  const int32_t size = size_reader.Int32("Size");
  if (size < 4 || size > kMaxResponseBytes) {
    return Fail(absl::DataLossError(
        StrCat(rpc, ": broker ", address_, " sent a response of impossible size ", size)));
  }
  std::string response(static_cast<size_t>(size), '\0');
  got = ReceiveAll(response.data(), response.size(), deadline);
  if (!got.ok()) return Fail(absl::Status(got.code(), StrCat(rpc, ": ", got.message())));

  // ApiVersions answers with response header v0 whatever its version.
  const bool flexible_header = api_key != ApiKey::kApiVersions;
  std::string_view response_body;
  absl::StatusOr<int32_t> answered = DecodeResponseHeader(response, flexible_header, &response_body);
  if (!answered.ok()) {
    return Fail(absl::DataLossError(StrCat(rpc, " from broker ", address_, ": ", answered.status().message())));
  }
  if (*answered != correlation_id) {
    return Fail(absl::DataLossError(StrCat(rpc, ": broker ", address_, " answered correlation id ",
                                           *answered, ", expected ", correlation_id)));
  }
  return std::string(response_body);
}

std::optional<int16_t> BrokerConnection::MaxVersion(ApiKey api_key) const {
  for (const auto& v : api_versions_.api_keys) {
    if (v.api_key == static_cast<int16_t>(api_key)) return v.max_version;
  }
  return std::nullopt;
}

bool BrokerConnection::Supports(ApiKey api_key, int16_t version) const {
  for (const auto& v : api_versions_.api_keys) {
    if (v.api_key == static_cast<int16_t>(api_key)) {
      return v.min_version <= version && version <= v.max_version;
    }
  }
  return false;
}

}  // namespace kstreams::internal
