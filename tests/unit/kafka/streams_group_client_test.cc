// StreamsGroupClient without a Kafka broker: config checks, a closed port, and
// a fake broker (a loopback socket answering ApiVersions) that lacks the
// streams group APIs. The RPCs themselves run against a real broker in
// tests/integration/kafka/streams_group_client_test.cc.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <thread>
#include <utility>

#include "absl/status/status.h"
#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kafka/streams_group_client.h"
#include "kafka/wire.h"
#include "kstreams/internal/strings.h"

namespace kstreams::internal {
namespace streams_group_client_test {

using ::testing::HasSubstr;

// A loopback listening socket on an ephemeral port.
struct Listener {
  int fd = -1;
  int port = 0;
  Listener() {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    socklen_t len = sizeof(addr);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
  }
  ~Listener() {
    if (fd >= 0) ::close(fd);
  }
};

TEST(ParseBootstrapServersTest, AcceptsListsPrefixesAndIpv6) {
  auto parsed = ParseBootstrapServers(" a:1, PLAINTEXT://b:2 ,[::1]:3");
  KSTREAMS_ASSERT_OK(parsed.status());
  ASSERT_EQ(parsed->size(), 3u);
  EXPECT_EQ((*parsed)[0].host, "a");
  EXPECT_EQ((*parsed)[1].host, "b");
  EXPECT_EQ((*parsed)[1].port, 2);
  EXPECT_EQ((*parsed)[2].host, "::1");
  EXPECT_THAT(ParseBootstrapServers("a:x").status().message(),
              HasSubstr("bootstrap.servers: 'a:x' is not host:port"));
  EXPECT_THAT(ParseBootstrapServers("host").status().message(), HasSubstr("no port"));
  EXPECT_EQ(ParseBootstrapServers(" , ").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(StreamsGroupClientTest, OnlyPlaintextIsSupported) {
  auto client = StreamsGroupClient::Create(
      {{"bootstrap.servers", "127.0.0.1:1"}, {"security.protocol", "SASL_SSL"}}, "g");
  EXPECT_EQ(client.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(client.status().message(), HasSubstr("security.protocol=SASL_SSL"));
}

TEST(StreamsGroupClientTest, AClosedPortIsUnavailableNamingHostAndPort) {
  int port = 0;
  {
    Listener bound;  // bound, never listening: connecting is refused
    port = bound.port;
    auto client = StreamsGroupClient::Create(
        {{"bootstrap.servers", StrCat("127.0.0.1:", port)}}, "g", absl::Seconds(2));
    EXPECT_EQ(client.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_THAT(client.status().message(), HasSubstr(StrCat("127.0.0.1:", port)));
    EXPECT_THAT(client.status().message(), HasSubstr("no bootstrap broker answered"));
  }
}

TEST(StreamsGroupClientTest, MemberIdsAre22UrlSafeCharactersAndDiffer) {
  const std::string a = StreamsGroupClient::NewMemberId();
  const std::string b = StreamsGroupClient::NewMemberId();
  EXPECT_EQ(a.size(), 22u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
}

// Answers one ApiVersions request as a broker without the streams group
// protocol: streams.version finalized at 0, and APIs 88 and 89 listed (as
// Kafka 4.4 does then) or not (a broker before 4.2).
void ServeBrokerWithoutStreams(int listen_fd, bool lists_streams_apis) {
  const int fd = ::accept(listen_fd, nullptr, nullptr);
  if (fd < 0) return;
  char size_bytes[4];
  if (::recv(fd, size_bytes, 4, MSG_WAITALL) != 4) return;
  WireReader size_reader(std::string_view(size_bytes, 4), "size");
  std::string request(static_cast<size_t>(size_reader.Int32("Size")), '\0');
  if (::recv(fd, request.data(), request.size(), MSG_WAITALL) != static_cast<ssize_t>(request.size())) return;
  WireReader header(request, "header");
  header.Int16("ApiKey");
  header.Int16("ApiVersion");
  const int32_t correlation_id = header.Int32("CorrelationId");

  WireWriter body;
  body.Int32(correlation_id);  // response header v0
  body.Int16(0);               // ErrorCode
  const int16_t apis[][3] = {{8, 2, 10}, {9, 1, 10}, {10, 0, 6}, {18, 0, 4}, {88, 0, 1}, {89, 0, 1}};
  const size_t listed = lists_streams_apis ? 6 : 4;
  body.CompactArrayLength(listed);
  for (size_t i = 0; i < listed; ++i) {
    const auto& api = apis[i];
    body.Int16(api[0]);
    body.Int16(api[1]);
    body.Int16(api[2]);
    body.EmptyTaggedFields();
  }
  body.Int32(0);  // ThrottleTimeMs
  WireWriter features;
  features.CompactArrayLength(1);
  features.CompactString("streams.version");
  features.Int16(0);
  features.Int16(0);
  features.EmptyTaggedFields();
  body.UnsignedVarint(1);  // one tagged field
  body.UnsignedVarint(2);  // FinalizedFeatures
  body.UnsignedVarint(static_cast<uint32_t>(features.data().size()));
  std::string bytes = body.Take() + features.data();
  WireWriter frame;
  frame.Int32(static_cast<int32_t>(bytes.size()));
  const std::string out = frame.Take() + bytes;
  (void)::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
  ::close(fd);
}

// Create() against ServeBrokerWithoutStreams: the error, and the port.
std::pair<absl::Status, int> CreateAgainstBrokerWithoutStreams(bool lists_streams_apis) {
  Listener broker;
  EXPECT_EQ(::listen(broker.fd, 1), 0);
  std::thread server(ServeBrokerWithoutStreams, broker.fd, lists_streams_apis);
  auto client = StreamsGroupClient::Create(
      {{"bootstrap.servers", StrCat("127.0.0.1:", broker.port)}}, "app", absl::Seconds(5));
  server.join();
  return {client.status(), broker.port};
}

TEST(StreamsGroupClientTest, ABrokerWithoutTheStreamsApisIsAFailedPreconditionNamingIt) {
  auto [status, port] = CreateAgainstBrokerWithoutStreams(/*lists_streams_apis=*/false);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_THAT(status.message(),
              HasSubstr(StrCat("broker 127.0.0.1:", port,
                               " does not serve StreamsGroupHeartbeat (API key 88) v0 at all")));
  EXPECT_THAT(status.message(), HasSubstr("streams.version=0"));
}

TEST(StreamsGroupClientTest, StreamsVersion0IsAFailedPreconditionEvenWhenTheApisAreListed) {
  auto [status, port] = CreateAgainstBrokerWithoutStreams(/*lists_streams_apis=*/true);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_THAT(status.message(),
              HasSubstr(StrCat("broker 127.0.0.1:", port,
                               " lists StreamsGroupHeartbeat (API key 88) but has the streams "
                               "group protocol (KIP-1071) off")));
  EXPECT_THAT(status.message(), HasSubstr("streams.version is 0"));
}

}  // namespace streams_group_client_test
}  // namespace kstreams::internal
