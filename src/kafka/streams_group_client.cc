#include "kafka/streams_group_client.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <random>
#include <set>
#include <utility>

#include "absl/time/clock.h"
#include "kafka/protocol_errors.h"
#include "kstreams/internal/strings.h"
#include "kstreams/status_macros.h"

namespace kstreams::internal {

namespace {

// Pause between retries of a coordinator that moved or is loading.
constexpr absl::Duration kRetryBackoff = absl::Milliseconds(100);

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

absl::StatusOr<std::vector<BrokerAddress>> ParseBootstrapServers(std::string_view servers) {
  std::vector<BrokerAddress> out;
  while (!servers.empty()) {
    const size_t comma = servers.find(',');
    std::string_view entry = Trim(servers.substr(0, comma));
    servers = comma == std::string_view::npos ? std::string_view() : servers.substr(comma + 1);
    if (entry.empty()) continue;
    const std::string_view original = entry;
    if (const size_t scheme = entry.find("://"); scheme != std::string_view::npos) {
      entry.remove_prefix(scheme + 3);
    }
    const size_t colon = entry.rfind(':');
    auto bad = [&](std::string_view why) {
      return absl::InvalidArgumentError(
          StrCat("bootstrap.servers: '", original, "' is not host:port (", why, ")"));
    };
    if (colon == std::string_view::npos || colon == 0) return bad("no port");
    std::string_view host = entry.substr(0, colon);
    std::string_view port_text = entry.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    int32_t port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port <= 0 ||
        port > 65535) {
      return bad("bad port");
    }
    out.push_back({std::string(host), port});
  }
  if (out.empty()) return absl::InvalidArgumentError("bootstrap.servers is empty");
  return out;
}

absl::StatusOr<std::unique_ptr<StreamsGroupClient>> StreamsGroupClient::Create(
    const KafkaConfigMap& config, std::string group_id, absl::Duration timeout) {
  if (auto it = config.find("security.protocol");
      it != config.end() && Lower(Trim(it->second)) != "plaintext") {
    return absl::UnimplementedError(
        StrCat("security.protocol=", it->second,
               ": the streams group client speaks PLAINTEXT only (no TLS or SASL yet)"));
  }
  auto servers = config.find("bootstrap.servers");
  if (servers == config.end()) {
    return absl::InvalidArgumentError("the streams group client needs bootstrap.servers");
  }
  KSTREAMS_ASSIGN_OR_RETURN(std::vector<BrokerAddress> bootstrap,
                            ParseBootstrapServers(servers->second));
  if (group_id.empty()) return absl::InvalidArgumentError("the streams group id is empty");
  BrokerConnectionOptions options;
  options.timeout = timeout;
  if (auto it = config.find("client.id"); it != config.end()) options.client_id = it->second;
  std::unique_ptr<StreamsGroupClient> client(
      new StreamsGroupClient(std::move(bootstrap), std::move(options), std::move(group_id)));
  KSTREAMS_RETURN_IF_ERROR(client->EnsureCoordinator(absl::Now() + timeout));
  return client;
}

StreamsGroupClient::StreamsGroupClient(std::vector<BrokerAddress> bootstrap,
                                       BrokerConnectionOptions options, std::string group_id)
    : bootstrap_(std::move(bootstrap)), options_(std::move(options)), group_id_(std::move(group_id)) {}

std::string StreamsGroupClient::NewMemberId() {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::random_device device;
  std::mt19937_64 rng((static_cast<uint64_t>(device()) << 32) ^ device());
  uint8_t bytes[16];
  for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng());
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (uint8_t b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 0x3f]);
  return out;  // 128 bits -> 22 characters, no padding
}

std::string StreamsGroupClient::coordinator_address() const {
  return coordinator_ != nullptr ? coordinator_->address() : std::string();
}

std::string StreamsGroupClient::Context(ApiKey api_key, int16_t version) const {
  return StrCat(ApiKeyName(static_cast<int16_t>(api_key)), " v", version, " of group '", group_id_,
                "' at broker ", coordinator_ != nullptr ? coordinator_->address() : "(none)");
}

absl::StatusOr<std::unique_ptr<BrokerConnection>> StreamsGroupClient::ConnectToAnyBootstrap(
    absl::Time deadline) {
  std::vector<std::string> failures;
  for (const BrokerAddress& b : bootstrap_) {
    BrokerConnectionOptions options = options_;
    options.timeout = std::max(deadline - absl::Now(), absl::Milliseconds(1));
    absl::StatusOr<std::unique_ptr<BrokerConnection>> conn =
        BrokerConnection::Connect(b.host, b.port, options);
    if (conn.ok()) return conn;
    failures.push_back(std::string(conn.status().message()));
  }
  return absl::UnavailableError(StrCat("streams group '", group_id_,
                                       "': no bootstrap broker answered: ",
                                       StrJoin(failures, "; ")));
}

absl::Status StreamsGroupClient::CheckStreamsApis(const BrokerConnection& conn) const {
  struct Needed {
    ApiKey key;
    int16_t version;
  };
  const Needed needed[] = {{ApiKey::kStreamsGroupHeartbeat, 0},
                           {ApiKey::kStreamsGroupDescribe, StreamsGroupDescribeRequest::kVersion},
                           {ApiKey::kFindCoordinator, FindCoordinatorRequest::kVersion},
                           {ApiKey::kOffsetCommit, OffsetCommitRequest::kVersion},
                           {ApiKey::kOffsetFetch, OffsetFetchRequest::kVersion}};
  std::string features;
  int16_t streams_version = 0;
  for (const auto& f : conn.api_versions().finalized_features) {
    features += StrCat(features.empty() ? "" : ", ", f.name, "=", f.max_version_level);
    if (f.name == "streams.version") streams_version = f.max_version_level;
  }
  for (const Needed& n : needed) {
    if (conn.Supports(n.key, n.version)) continue;
    const std::optional<int16_t> max = conn.MaxVersion(n.key);
    return absl::FailedPreconditionError(StrCat(
        "broker ", conn.address(), " does not serve ", ApiKeyName(static_cast<int16_t>(n.key)),
        " (API key ", static_cast<int16_t>(n.key), ") v", n.version,
        max.has_value() ? StrCat(" (it serves up to v", *max, ")") : std::string(" at all"),
        ", which streams group '", group_id_,
        "' needs: the streams group protocol (KIP-1071) needs Kafka 4.2 or later with the "
        "feature streams.version >= 1 (finalized features: ",
        features.empty() ? "none" : features, ")"));
  }
  // Kafka 4.4 lists APIs 88 and 89 even when streams.version is 0, and then
  // answers every streams group RPC with UNSUPPORTED_VERSION: the feature
  // level is what says whether the protocol is on.
  if (streams_version < 1) {
    return absl::FailedPreconditionError(StrCat(
        "broker ", conn.address(), " lists StreamsGroupHeartbeat (API key 88) but has the "
        "streams group protocol (KIP-1071) off, which streams group '", group_id_,
        "' needs: its finalized feature streams.version is ", streams_version,
        ", not >= 1 (finalized features: ", features.empty() ? "none" : features,
        "; enable it with kafka-features.sh upgrade --feature streams.version=1, or format "
        "the cluster with --feature streams.version=1)"));
  }
  return absl::OkStatus();
}

absl::Status StreamsGroupClient::EnsureCoordinator(absl::Time deadline) {
  if (coordinator_ != nullptr && coordinator_->connected()) return absl::OkStatus();
  coordinator_.reset();
  while (true) {
    KSTREAMS_ASSIGN_OR_RETURN(std::unique_ptr<BrokerConnection> bootstrap,
                              ConnectToAnyBootstrap(deadline));
    KSTREAMS_RETURN_IF_ERROR(CheckStreamsApis(*bootstrap));
    FindCoordinatorRequest request;
    request.coordinator_keys = {group_id_};
    const std::string context = StrCat("FindCoordinator v", FindCoordinatorRequest::kVersion,
                                       " of group '", group_id_, "' at broker ",
                                       bootstrap->address());
    KSTREAMS_ASSIGN_OR_RETURN(std::string body,
                              bootstrap->Call(ApiKey::kFindCoordinator,
                                              FindCoordinatorRequest::kVersion,
                                              EncodeFindCoordinatorRequest(request)));
    KSTREAMS_ASSIGN_OR_RETURN(FindCoordinatorResponse response,
                              DecodeFindCoordinatorResponse(body));
    if (response.coordinators.size() != 1) {
      return absl::DataLossError(StrCat(context, ": expected one coordinator, got ",
                                        response.coordinators.size()));
    }
    const FindCoordinatorResponse::Coordinator& c = response.coordinators[0];
    absl::Status status = KafkaProtocolErrorToStatus(c.error_code, context, c.error_message);
    if (status.ok()) {
      if (StrCat(c.host, ":", c.port) == bootstrap->address()) {
        coordinator_ = std::move(bootstrap);
      } else {
        BrokerConnectionOptions options = options_;
        options.timeout = std::max(deadline - absl::Now(), absl::Milliseconds(1));
        KSTREAMS_ASSIGN_OR_RETURN(coordinator_, BrokerConnection::Connect(c.host, c.port, options));
        KSTREAMS_RETURN_IF_ERROR(CheckStreamsApis(*coordinator_));
      }
      heartbeat_version_ = std::min<int16_t>(
          StreamsGroupHeartbeatRequest::kMaxVersion,
          coordinator_->MaxVersion(ApiKey::kStreamsGroupHeartbeat).value_or(0));
      return absl::OkStatus();
    }
    // The coordinator is not elected yet (__consumer_offsets being created,
    // a broker starting): ask again until the deadline.
    if (status.code() != absl::StatusCode::kUnavailable || absl::Now() + kRetryBackoff > deadline) {
      return status;
    }
    absl::SleepFor(kRetryBackoff);
  }
}

template <typename Response, typename Decode, typename ErrorOf>
absl::StatusOr<Response> StreamsGroupClient::CallCoordinator(ApiKey api_key, int16_t version,
                                                             const std::string& body,
                                                             Decode decode, ErrorOf error_of) {
  const absl::Time deadline = absl::Now() + options_.timeout;
  while (true) {
    absl::Status status = EnsureCoordinator(deadline);
    if (status.ok()) {
      absl::StatusOr<std::string> answer = coordinator_->Call(api_key, version, body);
      if (answer.ok()) {
        absl::StatusOr<Response> response = decode(*answer);
        if (!response.ok()) {
          return absl::Status(response.status().code(),
                              StrCat(Context(api_key, version), ": ", response.status().message()));
        }
        const auto [code, message] = error_of(*response);
        status = KafkaProtocolErrorToStatus(code, Context(api_key, version), message);
        if (status.ok()) return response;
        if (IsCoordinatorMoved(code)) coordinator_.reset();
        if (status.code() != absl::StatusCode::kUnavailable) return status;
      } else {
        status = absl::Status(answer.status().code(),
                              StrCat(Context(api_key, version), ": ", answer.status().message()));
        if (status.code() != absl::StatusCode::kUnavailable &&
            status.code() != absl::StatusCode::kDeadlineExceeded) {
          return status;
        }
        coordinator_.reset();
      }
    }
    if (status.code() != absl::StatusCode::kUnavailable &&
        status.code() != absl::StatusCode::kDeadlineExceeded) {
      return status;
    }
    if (absl::Now() + kRetryBackoff > deadline) return status;
    absl::SleepFor(kRetryBackoff);
  }
}

absl::StatusOr<StreamsGroupHeartbeatResponse> StreamsGroupClient::Join(
    StreamsGroupHeartbeatRequest request) {
  KSTREAMS_DCHECK(request.topology.has_value());
  request.member_epoch = 0;
  return Heartbeat(std::move(request));
}

absl::StatusOr<StreamsGroupHeartbeatResponse> StreamsGroupClient::Heartbeat(
    StreamsGroupHeartbeatRequest request) {
  request.group_id = group_id_;
  // Chosen at the last coordinator discovery (v0 and v1 requests are the
  // same bytes; only the response differs).
  const int16_t version = heartbeat_version_;
  return CallCoordinator<StreamsGroupHeartbeatResponse>(
      ApiKey::kStreamsGroupHeartbeat, version,
      EncodeStreamsGroupHeartbeatRequest(request, version),
      [version](std::string_view body) { return DecodeStreamsGroupHeartbeatResponse(body, version); },
      [](const StreamsGroupHeartbeatResponse& r) {
        return std::pair(r.error_code, r.error_message);
      });
}

absl::Status StreamsGroupClient::Leave(std::string member_id,
                                       std::optional<std::string> instance_id) {
  StreamsGroupHeartbeatRequest request;
  request.member_id = std::move(member_id);
  request.member_epoch = instance_id.has_value() ? -2 : -1;
  request.instance_id = std::move(instance_id);
  return Heartbeat(std::move(request)).status();
}

absl::StatusOr<StreamsGroupDescribeResponse::DescribedGroup> StreamsGroupClient::Describe() {
  StreamsGroupDescribeRequest request;
  request.group_ids = {group_id_};
  KSTREAMS_ASSIGN_OR_RETURN(
      StreamsGroupDescribeResponse response,
      CallCoordinator<StreamsGroupDescribeResponse>(
          ApiKey::kStreamsGroupDescribe, StreamsGroupDescribeRequest::kVersion,
          EncodeStreamsGroupDescribeRequest(request), DecodeStreamsGroupDescribeResponse,
          [](const StreamsGroupDescribeResponse& r) {
            // The group's own error code (one group asked for).
            if (r.groups.size() != 1) return std::pair<int16_t, std::optional<std::string>>(0, {});
            return std::pair(r.groups[0].error_code, r.groups[0].error_message);
          }));
  if (response.groups.size() != 1) {
    return absl::DataLossError(StrCat(Context(ApiKey::kStreamsGroupDescribe, 0),
                                      ": expected one group, got ", response.groups.size()));
  }
  return std::move(response.groups[0]);
}

absl::Status StreamsGroupClient::CommitOffsets(const std::string& member_id,
                                               int32_t member_epoch,
                                               const std::map<TopicPartition, int64_t>& offsets) {
  OffsetCommitRequest request;
  request.group_id = group_id_;
  request.member_id = member_id;
  request.generation_id_or_member_epoch = member_epoch;
  for (const auto& [tp, offset] : offsets) {
    if (request.topics.empty() || request.topics.back().name != tp.topic) {
      request.topics.push_back({tp.topic, {}});
    }
    request.topics.back().partitions.push_back({tp.partition, offset, -1, std::nullopt});
  }
  KSTREAMS_ASSIGN_OR_RETURN(
      OffsetCommitResponse response,
      CallCoordinator<OffsetCommitResponse>(
          ApiKey::kOffsetCommit, OffsetCommitRequest::kVersion, EncodeOffsetCommitRequest(request),
          DecodeOffsetCommitResponse,
          // OffsetCommit has no top-level error: a coordinator error comes
          // on every partition; retry on the first partition's.
          [](const OffsetCommitResponse& r) {
            for (const auto& t : r.topics) {
              for (const auto& p : t.partitions) {
                if (IsCoordinatorMoved(p.error_code) ||
                    p.error_code ==
                        static_cast<int16_t>(KafkaProtocolError::kCoordinatorLoadInProgress)) {
                  return std::pair<int16_t, std::optional<std::string>>(p.error_code, {});
                }
              }
            }
            return std::pair<int16_t, std::optional<std::string>>(0, {});
          }));
  for (const auto& t : response.topics) {
    for (const auto& p : t.partitions) {
      KSTREAMS_RETURN_IF_ERROR(KafkaProtocolErrorToStatus(
          p.error_code,
          StrCat(Context(ApiKey::kOffsetCommit, OffsetCommitRequest::kVersion), " (member ",
                 member_id, ", epoch ", member_epoch, ") for ", t.name, "-", p.partition_index)));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::map<TopicPartition, int64_t>> StreamsGroupClient::FetchOffsets(
    const std::string& member_id, int32_t member_epoch,
    const std::vector<TopicPartition>& partitions) {
  OffsetFetchRequest request;
  OffsetFetchRequest::Group group;
  group.group_id = group_id_;
  group.member_id = member_id;
  group.member_epoch = member_epoch;
  std::map<std::string, std::set<int32_t>> by_topic;
  for (const TopicPartition& tp : partitions) by_topic[tp.topic].insert(tp.partition);
  group.topics.emplace();
  for (const auto& [topic, ps] : by_topic) {
    group.topics->push_back({topic, std::vector<int32_t>(ps.begin(), ps.end())});
  }
  request.groups.push_back(std::move(group));
  KSTREAMS_ASSIGN_OR_RETURN(
      OffsetFetchResponse response,
      CallCoordinator<OffsetFetchResponse>(
          ApiKey::kOffsetFetch, OffsetFetchRequest::kVersion, EncodeOffsetFetchRequest(request),
          DecodeOffsetFetchResponse, [](const OffsetFetchResponse& r) {
            if (r.groups.size() != 1) return std::pair<int16_t, std::optional<std::string>>(0, {});
            return std::pair<int16_t, std::optional<std::string>>(r.groups[0].error_code, {});
          }));
  std::map<TopicPartition, int64_t> out;
  for (const auto& g : response.groups) {
    for (const auto& t : g.topics) {
      for (const auto& p : t.partitions) {
        KSTREAMS_RETURN_IF_ERROR(KafkaProtocolErrorToStatus(
            p.error_code, StrCat(Context(ApiKey::kOffsetFetch, OffsetFetchRequest::kVersion),
                                 " for ", t.name, "-", p.partition_index)));
        if (p.committed_offset >= 0) out[TopicPartition{t.name, p.partition_index}] = p.committed_offset;
      }
    }
  }
  return out;
}

}  // namespace kstreams::internal
