// The Kafka wire codec of the streams group client (src/kafka/wire.h,
// protocol_messages.h): messages encoded to bytes derived by hand from the
// schema files of Kafka 4.4 (clients/src/main/resources/common/message/),
// decoded back, and truncated or corrupt input refused with an error naming
// the field, never a crash.
//
// Notation in the derivations: a compact string is uvarint(len + 1) then
// the bytes; a compact array uvarint(n + 1) then the elements, 00 for null;
// a nullable struct 01 then the struct, or FF (-1) for null; every struct
// of a flexible version ends with its tagged-field count, here 00.
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kafka/protocol_errors.h"
#include "kafka/protocol_messages.h"
#include "kafka/wire.h"

namespace kstreams::internal {
namespace protocol_messages_test {

using ::testing::HasSubstr;

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

std::string Hex(const std::string& s) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    const auto b = static_cast<uint8_t>(c);
    if (!out.empty()) out.push_back(' ');
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

TEST(WireWriterTest, PrimitivesAreBigEndianAndVarintsLittleEndianGroupsOf7Bits) {
  WireWriter w;
  w.Int16(-2);              // FF FE
  w.Int32(1000);            // 00 00 03 E8
  w.UInt16(65535);          // FF FF
  w.UnsignedVarint(300);    // 300 = 0b10_0101100: AC (low 7 bits | 0x80), 02
  w.CompactString("ab");    // 03 61 62
  w.CompactNullableString(std::nullopt);  // 00
  w.NullableString("ks");   // int16 length 00 02, 6B 73
  w.NullableString(std::nullopt);         // FF FF
  EXPECT_EQ(Hex(w.data()), "FF FE 00 00 03 E8 FF FF AC 02 03 61 62 00 00 02 6B 73 FF FF");
}

TEST(WireReaderTest, ReadsWhatTheWriterWrote) {
  WireWriter w;
  w.Int8(-5);
  w.Int64(-1);
  w.UnsignedVarint(0xFFFFFFFF);
  w.CompactString("héllo");
  w.Bool(true);
  WireReader r(w.data(), "test");
  EXPECT_EQ(r.Int8("a"), -5);
  EXPECT_EQ(r.Int64("b"), -1);
  EXPECT_EQ(r.UnsignedVarint("c"), 0xFFFFFFFFu);
  EXPECT_EQ(r.CompactString("d"), "héllo");
  EXPECT_TRUE(r.Bool("e"));
  KSTREAMS_EXPECT_OK(r.Finish());
}

TEST(WireReaderTest, VarintOverflowAndBadBooleansAreErrorsNamingTheField) {
  WireReader big(Bytes({0xFF, 0xFF, 0xFF, 0xFF, 0x7F}), "test");
  big.UnsignedVarint("Count");
  EXPECT_THAT(big.status().message(), HasSubstr("field Count: unsigned varint does not fit"));
  WireReader flag(Bytes({0x02}), "test");
  flag.Bool("ShutdownApplication");
  EXPECT_THAT(flag.status().message(),
              HasSubstr("field ShutdownApplication: a boolean must be 0 or 1, got 2"));
}

TEST(RequestHeaderTest, Version2HasAnInt16LengthClientIdThenTaggedFields) {
  // ApiKey 88 = 00 58, ApiVersion 1 = 00 01, CorrelationId 7 = 00 00 00 07,
  // ClientId "ks" with an int16 length (not compact) = 00 02 6B 73,
  // tagged fields 00.
  EXPECT_EQ(Hex(EncodeRequestHeader(ApiKey::kStreamsGroupHeartbeat, 1, 7, "ks")),
            "00 58 00 01 00 00 00 07 00 02 6B 73 00");
}

TEST(ResponseHeaderTest, Version1SkipsTaggedFieldsVersion0DoesNot) {
  std::string response = Bytes({0, 0, 0, 9, 0x00, 0xAA});
  std::string_view body;
  auto id = DecodeResponseHeader(response, /*flexible=*/true, &body);
  KSTREAMS_ASSERT_OK(id.status());
  EXPECT_EQ(*id, 9);
  EXPECT_EQ(Hex(std::string(body)), "AA");
  id = DecodeResponseHeader(response, /*flexible=*/false, &body);
  KSTREAMS_ASSERT_OK(id.status());
  EXPECT_EQ(Hex(std::string(body)), "00 AA");
}

// A join as a streams client sends it: topology with one subtopology, empty
// owned-task lists, an endpoint.
StreamsGroupHeartbeatRequest SmallJoin() {
  StreamsGroupHeartbeatRequest q;
  q.group_id = "g";
  q.member_id = "m";
  q.member_epoch = 0;
  q.rebalance_timeout_ms = 1000;
  StreamsSubtopology sub;
  sub.subtopology_id = "0";
  sub.source_topics = {"in"};
  sub.state_changelog_topics = {StreamsTopicInfo{"c", 0, 0, {}}};
  q.topology = StreamsTopology{0, {sub}};
  q.active_tasks.emplace();  // empty, not null
  q.process_id = "p";
  q.user_endpoint = StreamsEndpoint{"h", 80};
  return q;
}

TEST(StreamsGroupHeartbeatRequestTest, EncodesAJoinAsTheSchemaSays) {
  const std::string expected = Bytes({
      0x02, 'g',               // GroupId "g"
      0x02, 'm',               // MemberId "m"
      0, 0, 0, 0,              // MemberEpoch 0 (join)
      0, 0, 0, 0,              // EndpointInformationEpoch 0
      0x00,                    // InstanceId null
      0x00,                    // RackId null
      0, 0, 0x03, 0xE8,        // RebalanceTimeoutMs 1000
      0x01,                    // Topology present
      0, 0, 0, 0,              //   Epoch 0
      0x02,                    //   Subtopologies: 1 element
      0x02, '0',               //     SubtopologyId "0"
      0x02, 0x03, 'i', 'n',    //     SourceTopics ["in"]
      0x01,                    //     SourceTopicRegex []
      0x02,                    //     StateChangelogTopics: 1 element
      0x02, 'c',               //       Name "c"
      0, 0, 0, 0,              //       Partitions 0
      0, 0,                    //       ReplicationFactor 0
      0x01,                    //       TopicConfigs []
      0x00,                    //       (tags of TopicInfo)
      0x01,                    //     RepartitionSinkTopics []
      0x01,                    //     RepartitionSourceTopics []
      0x01,                    //     CopartitionGroups []
      0x00,                    //     (tags of Subtopology)
      0x00,                    //   (tags of Topology)
      0x01,                    // ActiveTasks [] (empty: owns nothing)
      0x00,                    // StandbyTasks null (unchanged)
      0x00,                    // WarmupTasks null
      0x02, 'p',               // ProcessId "p"
      0x01,                    // UserEndpoint present
      0x02, 'h',               //   Host "h"
      0x00, 0x50,              //   Port 80 (uint16)
      0x00,                    //   (tags of Endpoint)
      0x00,                    // ClientTags null
      0x00,                    // TaskOffsets null
      0x00,                    // TaskEndOffsets null
      0x00,                    // ShutdownApplication false
      0x00,                    // (tags of the request)
  });
  const std::string encoded = EncodeStreamsGroupHeartbeatRequest(SmallJoin(), 1);
  EXPECT_EQ(Hex(encoded), Hex(expected));
  auto decoded = DecodeStreamsGroupHeartbeatRequest(encoded, 1);
  KSTREAMS_ASSERT_OK(decoded.status());
  EXPECT_EQ(*decoded, SmallJoin());
}

TEST(StreamsGroupHeartbeatRequestTest, EveryFieldRoundTrips) {
  StreamsGroupHeartbeatRequest q = SmallJoin();
  q.member_epoch = 12;
  q.endpoint_information_epoch = 3;
  q.instance_id = "instance-1";
  q.rack_id = "rack-a";
  StreamsSubtopology& sub = q.topology->subtopologies[0];
  sub.source_topic_regex = {"orders-.*"};
  sub.state_changelog_topics[0].topic_configs = {{"cleanup.policy", "compact"}};
  sub.repartition_sink_topics = {"app-repartition"};
  sub.repartition_source_topics = {StreamsTopicInfo{"app-repartition", 6, 3, {{"a", "b"}}}};
  sub.copartition_groups = {StreamsCopartitionGroup{{0}, {0}, {0}}};
  StreamsSubtopology second;
  second.subtopology_id = "1";
  second.source_topics = {"app-repartition"};
  q.topology->subtopologies.push_back(second);
  q.active_tasks = std::vector<StreamsTaskIds>{{"0", {0, 1}}, {"1", {2}}};
  q.standby_tasks = std::vector<StreamsTaskIds>{{"0", {2}}};
  q.warmup_tasks = std::vector<StreamsTaskIds>{};
  q.client_tags = std::vector<StreamsKeyValue>{{"zone", "eu-1"}};
  q.task_offsets = std::vector<StreamsTaskOffset>{{"0", 2, 1'000'000'000'000}};
  q.task_end_offsets = std::vector<StreamsTaskOffset>{{"0", 2, 1'000'000'000'001}};
  q.shutdown_application = true;
  auto decoded = DecodeStreamsGroupHeartbeatRequest(EncodeStreamsGroupHeartbeatRequest(q, 1), 1);
  KSTREAMS_ASSERT_OK(decoded.status());
  EXPECT_EQ(*decoded, q);
}

// The broker's answer to a member that got tasks 0 and 2 of subtopology "0",
// while internal topics were still missing, as version 1 lays it out.
std::string HeartbeatResponseV1Bytes() {
  return Bytes({
      0, 0, 0, 0,                    // ThrottleTimeMs 0
      0, 0,                          // ErrorCode 0
      0x00,                          // ErrorMessage null
      0x02, 'm',                     // MemberId "m"
      0, 0, 0, 3,                    // MemberEpoch 3
      0, 0, 0x01, 0xF4,              // HeartbeatIntervalMs 500
      0, 0, 0x3A, 0x98,              // TaskOffsetIntervalMs 15000
      0, 0, 0, 0, 0, 0, 0x27, 0x10,  // AcceptableRecoveryLag 10000 (int64, v1)
      0x02,                          // Status: 1 element
      0x03,                          //   StatusCode 3 (MISSING_INTERNAL_TOPICS)
      0x02, 'x',                     //   StatusDetail "x"
      0x00,                          //   (tags)
      0x02,                          // ActiveTasks: 1 element
      0x02, '0',                     //   SubtopologyId "0"
      0x03, 0, 0, 0, 0, 0, 0, 0, 2,  //   Partitions [0, 2]
      0x00,                          //   (tags)
      0x01,                          // StandbyTasks []
      0x00,                          // WarmupTasks null
      0x00,                          // TopologyDescriptionRequired false (v1)
      0, 0, 0, 1,                    // EndpointInformationEpoch 1
      0x02,                          // PartitionsByUserEndpoint: 1 element
      0x02, 'h', 0x00, 0x50, 0x00,   //   UserEndpoint {"h", 80}
      0x02,                          //   ActivePartitions: 1 element
      0x03, 'i', 'n',                //     Topic "in"
      0x03, 0, 0, 0, 0, 0, 0, 0, 2,  //     Partitions [0, 2]
      0x00,                          //     (tags)
      0x01,                          //   StandbyPartitions []
      0x00,                          //   (tags)
      0x00,                          // (tags of the response)
  });
}

StreamsGroupHeartbeatResponse ExpectedHeartbeatResponse() {
  StreamsGroupHeartbeatResponse p;
  p.member_id = "m";
  p.member_epoch = 3;
  p.heartbeat_interval_ms = 500;
  p.task_offset_interval_ms = 15000;
  p.acceptable_recovery_lag = 10000;
  p.status = std::vector<StreamsGroupHeartbeatResponse::Status>{{3, "x"}};
  p.active_tasks = std::vector<StreamsTaskIds>{{"0", {0, 2}}};
  p.standby_tasks = std::vector<StreamsTaskIds>{};
  p.endpoint_information_epoch = 1;
  p.partitions_by_user_endpoint = std::vector<StreamsGroupHeartbeatResponse::EndpointToPartitions>{
      {StreamsEndpoint{"h", 80}, {{"in", {0, 2}}}, {}}};
  return p;
}

TEST(StreamsGroupHeartbeatResponseTest, DecodesVersion1AsTheSchemaSays) {
  auto decoded = DecodeStreamsGroupHeartbeatResponse(HeartbeatResponseV1Bytes(), 1);
  KSTREAMS_ASSERT_OK(decoded.status());
  EXPECT_EQ(*decoded, ExpectedHeartbeatResponse());
  EXPECT_EQ(StreamsGroupStatusName((*decoded->status)[0].status_code), "MISSING_INTERNAL_TOPICS");
  EXPECT_EQ(Hex(EncodeStreamsGroupHeartbeatResponse(*decoded, 1)), Hex(HeartbeatResponseV1Bytes()));
}

TEST(StreamsGroupHeartbeatResponseTest, Version0HasTheInt32LegacyLagAndNoDescriptionFlag) {
  // v0: AcceptableRecoveryLagLegacy (int32) sits before TaskOffsetIntervalMs,
  // no int64 lag after it and no TopologyDescriptionRequired: 4 + 1 bytes
  // fewer than v1, the lag's 4 bytes at offset 17 (after ThrottleTimeMs 4,
  // ErrorCode 2, ErrorMessage 1, MemberId 2, MemberEpoch 4,
  // HeartbeatIntervalMs 4), then TaskOffsetIntervalMs.
  const std::string v0 = EncodeStreamsGroupHeartbeatResponse(ExpectedHeartbeatResponse(), 0);
  EXPECT_EQ(v0.size(), HeartbeatResponseV1Bytes().size() - 5);
  EXPECT_EQ(Hex(v0.substr(17, 8)), "00 00 27 10 00 00 3A 98");
  auto decoded = DecodeStreamsGroupHeartbeatResponse(v0, 0);
  KSTREAMS_ASSERT_OK(decoded.status());
  EXPECT_EQ(*decoded, ExpectedHeartbeatResponse());
}

TEST(StreamsGroupHeartbeatResponseTest, EveryTruncationIsAnErrorNamingAField) {
  const std::string full = HeartbeatResponseV1Bytes();
  for (size_t n = 0; n < full.size(); ++n) {
    auto decoded = DecodeStreamsGroupHeartbeatResponse(full.substr(0, n), 1);
    ASSERT_FALSE(decoded.ok()) << "prefix of " << n << " bytes";
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(decoded.status().message(),
                HasSubstr("decoding StreamsGroupHeartbeatResponse v1: field "));
  }
  // Cut inside MemberEpoch (after the 9 bytes before it and 2 of its 4).
  auto cut = DecodeStreamsGroupHeartbeatResponse(full.substr(0, 11), 1);
  EXPECT_THAT(cut.status().message(),
              HasSubstr("field MemberEpoch: truncated: needs 4 bytes, 2 left"));
}

TEST(StreamsGroupHeartbeatResponseTest, CorruptLengthsAndTrailingBytesAreRefused) {
  std::string huge = HeartbeatResponseV1Bytes();
  // The Status count at byte 29 (after 4 + 2 + 1 + 2 + 4 + 4 + 4 + 8 bytes):
  // 126 elements cannot fit in what is left.
  huge[29] = static_cast<char>(0x7F);
  auto decoded = DecodeStreamsGroupHeartbeatResponse(huge, 1);
  EXPECT_THAT(decoded.status().message(),
              HasSubstr("field Status: array of 126 elements cannot fit in the"));

  std::string longer = HeartbeatResponseV1Bytes() + "?";
  decoded = DecodeStreamsGroupHeartbeatResponse(longer, 1);
  EXPECT_THAT(decoded.status().message(), HasSubstr("1 bytes left over after the last field"));

  std::string null_member = HeartbeatResponseV1Bytes();
  null_member[7] = 0x00;  // MemberId: null, which the schema does not allow
  decoded = DecodeStreamsGroupHeartbeatResponse(null_member, 1);
  EXPECT_THAT(decoded.status().message(),
              HasSubstr("field MemberId: null where the schema allows no null string"));
}

TEST(StreamsGroupHeartbeatResponseTest, GarbageNeverCrashes) {
  // Every single-byte corruption of a valid response decodes or fails cleanly.
  const std::string full = HeartbeatResponseV1Bytes();
  for (size_t i = 0; i < full.size(); ++i) {
    for (int v : {0x00, 0x01, 0x7F, 0x80, 0xFF}) {
      std::string bad = full;
      bad[i] = static_cast<char>(v);
      (void)DecodeStreamsGroupHeartbeatResponse(bad, 1);
    }
  }
}

TEST(OffsetCommitRequestTest, Version9CarriesMemberIdAndEpoch) {
  OffsetCommitRequest q;
  q.group_id = "g";
  q.generation_id_or_member_epoch = 5;
  q.member_id = "m";
  q.topics = {{"t", {{1, 42, -1, std::nullopt}}}};
  EXPECT_EQ(Hex(EncodeOffsetCommitRequest(q)), Hex(Bytes({
                                                   0x02, 'g',       // GroupId
                                                   0, 0, 0, 5,      // GenerationIdOrMemberEpoch
                                                   0x02, 'm',       // MemberId
                                                   0x00,            // GroupInstanceId null
                                                   0x02,            // Topics: 1
                                                   0x02, 't',       //   Name
                                                   0x02,            //   Partitions: 1
                                                   0, 0, 0, 1,      //     PartitionIndex
                                                   0, 0, 0, 0, 0, 0, 0, 42,  // CommittedOffset
                                                   0xFF, 0xFF, 0xFF, 0xFF,   // CommittedLeaderEpoch -1
                                                   0x00,            //     CommittedMetadata null
                                                   0x00,            //     (tags)
                                                   0x00,            //   (tags)
                                                   0x00,            // (tags)
                                               })));
}

TEST(OffsetCommitResponseTest, DecodesPartitionErrors) {
  auto decoded = DecodeOffsetCommitResponse(Bytes({
      0, 0, 0, 0,        // ThrottleTimeMs
      0x02,              // Topics: 1
      0x02, 't',         //   Name
      0x02,              //   Partitions: 1
      0, 0, 0, 1,        //     PartitionIndex 1
      0, 113,            //     ErrorCode 113 (STALE_MEMBER_EPOCH)
      0x00, 0x00, 0x00,  // tags of partition, topic, response
  }));
  KSTREAMS_ASSERT_OK(decoded.status());
  ASSERT_EQ(decoded->topics.size(), 1u);
  EXPECT_EQ(decoded->topics[0].partitions[0].error_code, 113);
}

TEST(FindCoordinatorResponseTest, DecodesVersion4) {
  auto decoded = DecodeFindCoordinatorResponse(Bytes({
      0, 0, 0, 0,                // ThrottleTimeMs
      0x02,                      // Coordinators: 1
      0x02, 'g',                 //   Key "g"
      0, 0, 0, 1,                //   NodeId 1
      0x02, 'h',                 //   Host "h"
      0, 0, 0x23, 0x84,          //   Port 9092
      0, 0,                      //   ErrorCode 0
      0x00,                      //   ErrorMessage null
      0x00, 0x00,                // tags of coordinator, response
  }));
  KSTREAMS_ASSERT_OK(decoded.status());
  ASSERT_EQ(decoded->coordinators.size(), 1u);
  EXPECT_EQ(decoded->coordinators[0].host, "h");
  EXPECT_EQ(decoded->coordinators[0].port, 9092);
  EXPECT_EQ(decoded->coordinators[0].node_id, 1);
  EXPECT_EQ(Hex(EncodeFindCoordinatorRequest({0, {"g"}})),
            "00 02 02 67 00");  // KeyType 0, CoordinatorKeys ["g"], tags
}

TEST(ApiVersionsResponseTest, DecodesApiRangesAndTheFinalizedFeaturesTag) {
  // FinalizedFeatures (tag 2): [ {"streams.version", max 1, min 1} ] =
  // 02 | 10 "streams.version" (15 bytes) | 00 01 | 00 01 | 00 -> 22 bytes.
  std::string tag = Bytes({0x02, 0x10}) + "streams.version" + Bytes({0, 1, 0, 1, 0});
  ASSERT_EQ(tag.size(), 22u);
  std::string body = Bytes({
      0, 0,                       // ErrorCode 0
      0x02,                       // ApiKeys: 1
      0, 88, 0, 0, 0, 1, 0x00,    //   {88, min 0, max 1} + tags
      0, 0, 0, 0,                 // ThrottleTimeMs
      0x01,                       // 1 tagged field
      0x02, 0x16,                 //   tag 2, 22 bytes
  }) + tag;
  auto decoded = DecodeApiVersionsResponse(body);
  KSTREAMS_ASSERT_OK(decoded.status());
  ASSERT_EQ(decoded->api_keys.size(), 1u);
  EXPECT_EQ(decoded->api_keys[0].api_key, 88);
  EXPECT_EQ(decoded->api_keys[0].max_version, 1);
  ASSERT_EQ(decoded->finalized_features.size(), 1u);
  EXPECT_EQ(decoded->finalized_features[0].name, "streams.version");
  EXPECT_EQ(decoded->finalized_features[0].max_version_level, 1);
  EXPECT_EQ(Hex(EncodeApiVersionsRequest({"ks", "1"})), "03 6B 73 02 31 00");
}

TEST(StreamsGroupDescribeResponseTest, DecodesAGroupWithoutMembers) {
  auto decoded = DecodeStreamsGroupDescribeResponse(Bytes({
      0, 0, 0, 0,                          // ThrottleTimeMs
      0x02,                                // Groups: 1
      0, 0,                                //   ErrorCode
      0x00,                                //   ErrorMessage null
      0x02, 'g',                           //   GroupId "g"
      0x06, 'e', 'm', 'p', 't', 'y',       //   GroupState "empty"
      0, 0, 0, 4,                          //   GroupEpoch 4
      0, 0, 0, 4,                          //   AssignmentEpoch 4
      0xFF,                                //   Topology null
      0x01,                                //   Members []
      0x80, 0, 0, 0,                       //   AuthorizedOperations INT32_MIN
      0x00, 0x00,                          // tags of group, response
  }));
  KSTREAMS_ASSERT_OK(decoded.status());
  ASSERT_EQ(decoded->groups.size(), 1u);
  EXPECT_EQ(decoded->groups[0].group_state, "empty");
  EXPECT_EQ(decoded->groups[0].group_epoch, 4);
  EXPECT_FALSE(decoded->groups[0].topology.has_value());
  EXPECT_EQ(decoded->groups[0].authorized_operations, INT32_MIN);
  EXPECT_EQ(Hex(EncodeStreamsGroupDescribeRequest({{"g"}, false})), "02 02 67 00 00");
}

TEST(KafkaProtocolErrorToStatusTest, NamesTheErrorAndMarksRetriableOnesUnavailable) {
  EXPECT_EQ(KafkaProtocolErrorName(110), "FENCED_MEMBER_EPOCH");
  EXPECT_EQ(KafkaProtocolErrorName(130), "STREAMS_INVALID_TOPOLOGY");
  EXPECT_EQ(KafkaProtocolErrorName(-1), "UNKNOWN_SERVER_ERROR");
  EXPECT_EQ(KafkaProtocolErrorName(9999), "UNKNOWN_ERROR_CODE_9999");
  KSTREAMS_EXPECT_OK(KafkaProtocolErrorToStatus(0, "x"));
  absl::Status fenced = KafkaProtocolErrorToStatus(110, "StreamsGroupHeartbeat v1 of group 'g'",
                                                   "The member epoch is stale.");
  EXPECT_EQ(fenced.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(fenced.message(),
            "StreamsGroupHeartbeat v1 of group 'g' failed: FENCED_MEMBER_EPOCH (110): "
            "The member epoch is stale.");
  for (int16_t retriable : {14, 15, 16}) {
    EXPECT_EQ(KafkaProtocolErrorToStatus(retriable, "x").code(), absl::StatusCode::kUnavailable)
        << KafkaProtocolErrorName(retriable);
  }
  EXPECT_EQ(KafkaProtocolErrorToStatus(69, "x").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(KafkaProtocolErrorToStatus(25, "x").code(), absl::StatusCode::kAborted);
  EXPECT_EQ(KafkaProtocolErrorToStatus(113, "x").code(), absl::StatusCode::kAborted);
  EXPECT_EQ(KafkaProtocolErrorToStatus(130, "x").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(IsCoordinatorMoved(16));
  EXPECT_FALSE(IsCoordinatorMoved(14));
}

}  // namespace protocol_messages_test
}  // namespace kstreams::internal
