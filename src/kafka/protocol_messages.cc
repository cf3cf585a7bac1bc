#include "kafka/protocol_messages.h"

#include <utility>

#include "kafka/wire.h"
#include "kstreams/internal/strings.h"

namespace kstreams::internal {

namespace {

// ---- Array helpers ---------------------------------------------------------

template <typename T, typename WriteOne>
void WriteArray(WireWriter& w, const std::vector<T>& items, WriteOne write_one) {
  w.CompactArrayLength(items.size());
  for (const T& item : items) write_one(w, item);
}

template <typename T, typename WriteOne>
void WriteNullableArray(WireWriter& w, const std::optional<std::vector<T>>& items,
                        WriteOne write_one) {
  if (!items.has_value()) {
    w.NullCompactArray();
    return;
  }
  WriteArray(w, *items, write_one);
}

void WriteStrings(WireWriter& w, const std::vector<std::string>& items) {
  WriteArray(w, items, [](WireWriter& w, const std::string& s) { w.CompactString(s); });
}

template <typename T, typename ReadOne>
std::vector<T> ReadArray(WireReader& r, std::string_view field, ReadOne read_one) {
  std::vector<T> out;
  const size_t n = r.CompactArrayLength(field);
  out.reserve(n);
  for (size_t i = 0; i < n && r.ok(); ++i) out.push_back(read_one(r));
  return out;
}

template <typename T, typename ReadOne>
std::optional<std::vector<T>> ReadNullableArray(WireReader& r, std::string_view field,
                                                ReadOne read_one) {
  std::optional<size_t> n = r.CompactNullableArrayLength(field);
  if (!n.has_value()) return std::nullopt;
  std::vector<T> out;
  out.reserve(*n);
  for (size_t i = 0; i < *n && r.ok(); ++i) out.push_back(read_one(r));
  return out;
}

std::vector<std::string> ReadStrings(WireReader& r, std::string_view field) {
  return ReadArray<std::string>(r, field, [&](WireReader& r) { return r.CompactString(field); });
}

std::vector<int32_t> ReadInt32s(WireReader& r, std::string_view field) {
  std::vector<int32_t> out;
  const size_t n = r.CompactArrayLength(field, 4);
  out.reserve(n);
  for (size_t i = 0; i < n && r.ok(); ++i) out.push_back(r.Int32(field));
  return out;
}

void WriteInt32s(WireWriter& w, const std::vector<int32_t>& items) {
  WriteArray(w, items, [](WireWriter& w, int32_t v) { w.Int32(v); });
}

template <typename T>
absl::StatusOr<T> Finished(WireReader& r, T value) {
  absl::Status status = r.Finish();
  if (!status.ok()) return status;
  return value;
}

// ---- Common streams structs ------------------------------------------------

void WriteKeyValue(WireWriter& w, const StreamsKeyValue& kv) {
  w.CompactString(kv.key);
  w.CompactString(kv.value);
  w.EmptyTaggedFields();
}

StreamsKeyValue ReadKeyValue(WireReader& r) {
  StreamsKeyValue kv;
  kv.key = r.CompactString("KeyValue.Key");
  kv.value = r.CompactString("KeyValue.Value");
  r.SkipTaggedFields("KeyValue");
  return kv;
}

void WriteTopicInfo(WireWriter& w, const StreamsTopicInfo& t) {
  w.CompactString(t.name);
  w.Int32(t.partitions);
  w.Int16(t.replication_factor);
  WriteArray(w, t.topic_configs, WriteKeyValue);
  w.EmptyTaggedFields();
}

StreamsTopicInfo ReadTopicInfo(WireReader& r) {
  StreamsTopicInfo t;
  t.name = r.CompactString("TopicInfo.Name");
  t.partitions = r.Int32("TopicInfo.Partitions");
  t.replication_factor = r.Int16("TopicInfo.ReplicationFactor");
  t.topic_configs = ReadArray<StreamsKeyValue>(r, "TopicInfo.TopicConfigs", ReadKeyValue);
  r.SkipTaggedFields("TopicInfo");
  return t;
}

void WriteEndpoint(WireWriter& w, const StreamsEndpoint& e) {
  w.CompactString(e.host);
  w.UInt16(e.port);
  w.EmptyTaggedFields();
}

StreamsEndpoint ReadEndpoint(WireReader& r) {
  StreamsEndpoint e;
  e.host = r.CompactString("Endpoint.Host");
  e.port = r.UInt16("Endpoint.Port");
  r.SkipTaggedFields("Endpoint");
  return e;
}

void WriteTaskIds(WireWriter& w, const StreamsTaskIds& t) {
  w.CompactString(t.subtopology_id);
  WriteInt32s(w, t.partitions);
  w.EmptyTaggedFields();
}

StreamsTaskIds ReadTaskIds(WireReader& r) {
  StreamsTaskIds t;
  t.subtopology_id = r.CompactString("TaskIds.SubtopologyId");
  t.partitions = ReadInt32s(r, "TaskIds.Partitions");
  r.SkipTaggedFields("TaskIds");
  return t;
}

void WriteTaskOffset(WireWriter& w, const StreamsTaskOffset& t) {
  w.CompactString(t.subtopology_id);
  w.Int32(t.partition);
  w.Int64(t.offset);
  w.EmptyTaggedFields();
}

StreamsTaskOffset ReadTaskOffset(WireReader& r) {
  StreamsTaskOffset t;
  t.subtopology_id = r.CompactString("TaskOffset.SubtopologyId");
  t.partition = r.Int32("TaskOffset.Partition");
  t.offset = r.Int64("TaskOffset.Offset");
  r.SkipTaggedFields("TaskOffset");
  return t;
}

std::vector<int16_t> ReadInt16s(WireReader& r, std::string_view field) {
  std::vector<int16_t> out;
  const size_t n = r.CompactArrayLength(field, 2);
  out.reserve(n);
  for (size_t i = 0; i < n && r.ok(); ++i) out.push_back(r.Int16(field));
  return out;
}

void WriteInt16s(WireWriter& w, const std::vector<int16_t>& items) {
  WriteArray(w, items, [](WireWriter& w, int16_t v) { w.Int16(v); });
}

}  // namespace

std::string ApiKeyName(int16_t api_key) {
  switch (static_cast<ApiKey>(api_key)) {
    case ApiKey::kOffsetCommit: return "OffsetCommit";
    case ApiKey::kOffsetFetch: return "OffsetFetch";
    case ApiKey::kFindCoordinator: return "FindCoordinator";
    case ApiKey::kApiVersions: return "ApiVersions";
    case ApiKey::kStreamsGroupHeartbeat: return "StreamsGroupHeartbeat";
    case ApiKey::kStreamsGroupDescribe: return "StreamsGroupDescribe";
  }
  return StrCat("ApiKey ", api_key);
}

std::string StreamsGroupStatusName(int8_t code) {
  switch (static_cast<StreamsGroupStatusCode>(code)) {
    case StreamsGroupStatusCode::kStaleTopology: return "STALE_TOPOLOGY";
    case StreamsGroupStatusCode::kMissingSourceTopics: return "MISSING_SOURCE_TOPICS";
    case StreamsGroupStatusCode::kIncorrectlyPartitionedTopics:
      return "INCORRECTLY_PARTITIONED_TOPICS";
    case StreamsGroupStatusCode::kMissingInternalTopics: return "MISSING_INTERNAL_TOPICS";
    case StreamsGroupStatusCode::kShutdownApplication: return "SHUTDOWN_APPLICATION";
    case StreamsGroupStatusCode::kAssignmentDelayed: return "ASSIGNMENT_DELAYED";
    case StreamsGroupStatusCode::kMissingClientTags: return "MISSING_CLIENT_TAGS";
  }
  return StrCat("status ", static_cast<int>(code));
}

// ---- Headers ---------------------------------------------------------------

std::string EncodeRequestHeader(ApiKey api_key, int16_t api_version, int32_t correlation_id,
                                const std::optional<std::string>& client_id) {
  WireWriter w;
  w.Int16(static_cast<int16_t>(api_key));
  w.Int16(api_version);
  w.Int32(correlation_id);
  w.NullableString(client_id);
  w.EmptyTaggedFields();
  return w.Take();
}

absl::StatusOr<int32_t> DecodeResponseHeader(std::string_view response, bool flexible,
                                             std::string_view* body) {
  WireReader r(response, flexible ? "ResponseHeader v1" : "ResponseHeader v0");
  const int32_t correlation_id = r.Int32("CorrelationId");
  if (flexible) r.SkipTaggedFields("ResponseHeader");
  if (!r.ok()) return r.status();
  *body = response.substr(r.position());
  return correlation_id;
}

// ---- ApiVersions -----------------------------------------------------------

std::string EncodeApiVersionsRequest(const ApiVersionsRequest& request) {
  WireWriter w;
  w.CompactString(request.client_software_name);
  w.CompactString(request.client_software_version);
  w.EmptyTaggedFields();
  return w.Take();
}

absl::StatusOr<ApiVersionsResponse> DecodeApiVersionsResponse(std::string_view body) {
  WireReader r(body, "ApiVersionsResponse v3");
  ApiVersionsResponse out;
  out.error_code = r.Int16("ErrorCode");
  out.api_keys = ReadArray<ApiVersionsResponse::ApiVersion>(r, "ApiKeys", [](WireReader& r) {
    ApiVersionsResponse::ApiVersion v;
    v.api_key = r.Int16("ApiKeys.ApiKey");
    v.min_version = r.Int16("ApiKeys.MinVersion");
    v.max_version = r.Int16("ApiKeys.MaxVersion");
    r.SkipTaggedFields("ApiKeys");
    return v;
  });
  out.throttle_time_ms = r.Int32("ThrottleTimeMs");
  absl::Status tag_status;
  r.ReadTaggedFields("ApiVersionsResponse", [&](uint32_t tag, std::string_view bytes) {
    if (tag != 2 || !tag_status.ok()) return;  // 2: FinalizedFeatures
    WireReader f(bytes, "ApiVersionsResponse v3 FinalizedFeatures");
    out.finalized_features =
        ReadArray<ApiVersionsResponse::FinalizedFeature>(f, "FinalizedFeatures", [](WireReader& f) {
          ApiVersionsResponse::FinalizedFeature feature;
          feature.name = f.CompactString("FinalizedFeatures.Name");
          feature.max_version_level = f.Int16("FinalizedFeatures.MaxVersionLevel");
          feature.min_version_level = f.Int16("FinalizedFeatures.MinVersionLevel");
          f.SkipTaggedFields("FinalizedFeatures");
          return feature;
        });
    tag_status = f.Finish();
  });
  if (!tag_status.ok()) return tag_status;
  return Finished(r, std::move(out));
}

// ---- FindCoordinator -------------------------------------------------------

std::string EncodeFindCoordinatorRequest(const FindCoordinatorRequest& request) {
  WireWriter w;
  w.Int8(request.key_type);
  WriteStrings(w, request.coordinator_keys);
  w.EmptyTaggedFields();
  return w.Take();
}

absl::StatusOr<FindCoordinatorResponse> DecodeFindCoordinatorResponse(std::string_view body) {
  WireReader r(body, "FindCoordinatorResponse v4");
  FindCoordinatorResponse out;
  out.throttle_time_ms = r.Int32("ThrottleTimeMs");
  out.coordinators =
      ReadArray<FindCoordinatorResponse::Coordinator>(r, "Coordinators", [](WireReader& r) {
        FindCoordinatorResponse::Coordinator c;
        c.key = r.CompactString("Coordinators.Key");
        c.node_id = r.Int32("Coordinators.NodeId");
        c.host = r.CompactString("Coordinators.Host");
        c.port = r.Int32("Coordinators.Port");
        c.error_code = r.Int16("Coordinators.ErrorCode");
        c.error_message = r.CompactNullableString("Coordinators.ErrorMessage");
        r.SkipTaggedFields("Coordinators");
        return c;
      });
  r.SkipTaggedFields("FindCoordinatorResponse");
  return Finished(r, std::move(out));
}

// ---- StreamsGroupHeartbeat -------------------------------------------------

std::string EncodeStreamsGroupHeartbeatRequest(const StreamsGroupHeartbeatRequest& q,
                                               int16_t /*version: v0 and v1 are the same*/) {
  WireWriter w;
  w.CompactString(q.group_id);
  w.CompactString(q.member_id);
  w.Int32(q.member_epoch);
  w.Int32(q.endpoint_information_epoch);
  w.CompactNullableString(q.instance_id);
  w.CompactNullableString(q.rack_id);
  w.Int32(q.rebalance_timeout_ms);
  w.StructPresence(q.topology.has_value());
  if (q.topology.has_value()) {
    w.Int32(q.topology->epoch);
    WriteArray(w, q.topology->subtopologies, [](WireWriter& w, const StreamsSubtopology& s) {
      w.CompactString(s.subtopology_id);
      WriteStrings(w, s.source_topics);
      WriteStrings(w, s.source_topic_regex);
      WriteArray(w, s.state_changelog_topics, WriteTopicInfo);
      WriteStrings(w, s.repartition_sink_topics);
      WriteArray(w, s.repartition_source_topics, WriteTopicInfo);
      WriteArray(w, s.copartition_groups, [](WireWriter& w, const StreamsCopartitionGroup& g) {
        WriteInt16s(w, g.source_topics);
        WriteInt16s(w, g.source_topic_regex);
        WriteInt16s(w, g.repartition_source_topics);
        w.EmptyTaggedFields();
      });
      w.EmptyTaggedFields();
    });
    w.EmptyTaggedFields();
  }
  WriteNullableArray(w, q.active_tasks, WriteTaskIds);
  WriteNullableArray(w, q.standby_tasks, WriteTaskIds);
  WriteNullableArray(w, q.warmup_tasks, WriteTaskIds);
  w.CompactNullableString(q.process_id);
  w.StructPresence(q.user_endpoint.has_value());
  if (q.user_endpoint.has_value()) WriteEndpoint(w, *q.user_endpoint);
  WriteNullableArray(w, q.client_tags, WriteKeyValue);
  WriteNullableArray(w, q.task_offsets, WriteTaskOffset);
  WriteNullableArray(w, q.task_end_offsets, WriteTaskOffset);
  w.Bool(q.shutdown_application);
  w.EmptyTaggedFields();
  return w.Take();
}

absl::StatusOr<StreamsGroupHeartbeatRequest> DecodeStreamsGroupHeartbeatRequest(
    std::string_view body, int16_t version) {
  WireReader r(body, StrCat("StreamsGroupHeartbeatRequest v", version));
  StreamsGroupHeartbeatRequest q;
  q.group_id = r.CompactString("GroupId");
  q.member_id = r.CompactString("MemberId");
  q.member_epoch = r.Int32("MemberEpoch");
  q.endpoint_information_epoch = r.Int32("EndpointInformationEpoch");
  q.instance_id = r.CompactNullableString("InstanceId");
  q.rack_id = r.CompactNullableString("RackId");
  q.rebalance_timeout_ms = r.Int32("RebalanceTimeoutMs");
  if (r.StructPresence("Topology")) {
    StreamsTopology t;
    t.epoch = r.Int32("Topology.Epoch");
    t.subtopologies =
        ReadArray<StreamsSubtopology>(r, "Topology.Subtopologies", [](WireReader& r) {
          StreamsSubtopology s;
          s.subtopology_id = r.CompactString("Subtopology.SubtopologyId");
          s.source_topics = ReadStrings(r, "Subtopology.SourceTopics");
          s.source_topic_regex = ReadStrings(r, "Subtopology.SourceTopicRegex");
          s.state_changelog_topics =
              ReadArray<StreamsTopicInfo>(r, "Subtopology.StateChangelogTopics", ReadTopicInfo);
          s.repartition_sink_topics = ReadStrings(r, "Subtopology.RepartitionSinkTopics");
          s.repartition_source_topics =
              ReadArray<StreamsTopicInfo>(r, "Subtopology.RepartitionSourceTopics", ReadTopicInfo);
          s.copartition_groups = ReadArray<StreamsCopartitionGroup>(
              r, "Subtopology.CopartitionGroups", [](WireReader& r) {
                StreamsCopartitionGroup g;
                g.source_topics = ReadInt16s(r, "CopartitionGroup.SourceTopics");
                g.source_topic_regex = ReadInt16s(r, "CopartitionGroup.SourceTopicRegex");
                g.repartition_source_topics =
                    ReadInt16s(r, "CopartitionGroup.RepartitionSourceTopics");
                r.SkipTaggedFields("CopartitionGroup");
                return g;
              });
          r.SkipTaggedFields("Subtopology");
          return s;
        });
    r.SkipTaggedFields("Topology");
    q.topology = std::move(t);
  }
  q.active_tasks = ReadNullableArray<StreamsTaskIds>(r, "ActiveTasks", ReadTaskIds);
  q.standby_tasks = ReadNullableArray<StreamsTaskIds>(r, "StandbyTasks", ReadTaskIds);
  q.warmup_tasks = ReadNullableArray<StreamsTaskIds>(r, "WarmupTasks", ReadTaskIds);
  q.process_id = r.CompactNullableString("ProcessId");
  if (r.StructPresence("UserEndpoint")) q.user_endpoint = ReadEndpoint(r);
  q.client_tags = ReadNullableArray<StreamsKeyValue>(r, "ClientTags", ReadKeyValue);
  q.task_offsets = ReadNullableArray<StreamsTaskOffset>(r, "TaskOffsets", ReadTaskOffset);
  q.task_end_offsets = ReadNullableArray<StreamsTaskOffset>(r, "TaskEndOffsets", ReadTaskOffset);
  q.shutdown_application = r.Bool("ShutdownApplication");
  r.SkipTaggedFields("StreamsGroupHeartbeatRequest");
  return Finished(r, std::move(q));
}

namespace {

void WriteTopicPartitions(WireWriter& w, const StreamsGroupHeartbeatResponse::TopicPartitions& t) {
  w.CompactString(t.topic);
  WriteInt32s(w, t.partitions);
  w.EmptyTaggedFields();
}

StreamsGroupHeartbeatResponse::TopicPartitions ReadTopicPartitions(WireReader& r) {
  StreamsGroupHeartbeatResponse::TopicPartitions t;
  t.topic = r.CompactString("TopicPartition.Topic");
  t.partitions = ReadInt32s(r, "TopicPartition.Partitions");
  r.SkipTaggedFields("TopicPartition");
  return t;
}

}  // namespace

std::string EncodeStreamsGroupHeartbeatResponse(const StreamsGroupHeartbeatResponse& p,
                                                int16_t version) {
  WireWriter w;
  w.Int32(p.throttle_time_ms);
  w.Int16(p.error_code);
  w.CompactNullableString(p.error_message);
  w.CompactString(p.member_id);
  w.Int32(p.member_epoch);
  w.Int32(p.heartbeat_interval_ms);
  if (version == 0) w.Int32(static_cast<int32_t>(p.acceptable_recovery_lag));
  w.Int32(p.task_offset_interval_ms);
  if (version >= 1) w.Int64(p.acceptable_recovery_lag);
  WriteNullableArray(w, p.status,
                     [](WireWriter& w, const StreamsGroupHeartbeatResponse::Status& s) {
                       w.Int8(s.status_code);
                       w.CompactString(s.status_detail);
                       w.EmptyTaggedFields();
                     });
  WriteNullableArray(w, p.active_tasks, WriteTaskIds);
  WriteNullableArray(w, p.standby_tasks, WriteTaskIds);
  WriteNullableArray(w, p.warmup_tasks, WriteTaskIds);
  if (version >= 1) w.Bool(p.topology_description_required);
  w.Int32(p.endpoint_information_epoch);
  WriteNullableArray(
      w, p.partitions_by_user_endpoint,
      [](WireWriter& w, const StreamsGroupHeartbeatResponse::EndpointToPartitions& e) {
        WriteEndpoint(w, e.user_endpoint);
        WriteArray(w, e.active_partitions, WriteTopicPartitions);
        WriteArray(w, e.standby_partitions, WriteTopicPartitions);
        w.EmptyTaggedFields();
      });
  w.EmptyTaggedFields();
  return w.Take();
}

absl::StatusOr<StreamsGroupHeartbeatResponse> DecodeStreamsGroupHeartbeatResponse(
    std::string_view body, int16_t version) {
  WireReader r(body, StrCat("StreamsGroupHeartbeatResponse v", version));
  StreamsGroupHeartbeatResponse p;
  p.throttle_time_ms = r.Int32("ThrottleTimeMs");
  p.error_code = r.Int16("ErrorCode");
  p.error_message = r.CompactNullableString("ErrorMessage");
  p.member_id = r.CompactString("MemberId");
  p.member_epoch = r.Int32("MemberEpoch");
  p.heartbeat_interval_ms = r.Int32("HeartbeatIntervalMs");
  if (version == 0) p.acceptable_recovery_lag = r.Int32("AcceptableRecoveryLagLegacy");
  p.task_offset_interval_ms = r.Int32("TaskOffsetIntervalMs");
  if (version >= 1) p.acceptable_recovery_lag = r.Int64("AcceptableRecoveryLag");
  p.status = ReadNullableArray<StreamsGroupHeartbeatResponse::Status>(
      r, "Status", [](WireReader& r) {
        StreamsGroupHeartbeatResponse::Status s;
        s.status_code = r.Int8("Status.StatusCode");
        s.status_detail = r.CompactString("Status.StatusDetail");
        r.SkipTaggedFields("Status");
        return s;
      });
  p.active_tasks = ReadNullableArray<StreamsTaskIds>(r, "ActiveTasks", ReadTaskIds);
  p.standby_tasks = ReadNullableArray<StreamsTaskIds>(r, "StandbyTasks", ReadTaskIds);
  p.warmup_tasks = ReadNullableArray<StreamsTaskIds>(r, "WarmupTasks", ReadTaskIds);
  if (version >= 1) p.topology_description_required = r.Bool("TopologyDescriptionRequired");
  p.endpoint_information_epoch = r.Int32("EndpointInformationEpoch");
  p.partitions_by_user_endpoint =
      ReadNullableArray<StreamsGroupHeartbeatResponse::EndpointToPartitions>(
          r, "PartitionsByUserEndpoint", [](WireReader& r) {
            StreamsGroupHeartbeatResponse::EndpointToPartitions e;
            e.user_endpoint = ReadEndpoint(r);
            e.active_partitions = ReadArray<StreamsGroupHeartbeatResponse::TopicPartitions>(
                r, "PartitionsByUserEndpoint.ActivePartitions", ReadTopicPartitions);
            e.standby_partitions = ReadArray<StreamsGroupHeartbeatResponse::TopicPartitions>(
                r, "PartitionsByUserEndpoint.StandbyPartitions", ReadTopicPartitions);
            r.SkipTaggedFields("PartitionsByUserEndpoint");
            return e;
          });
  r.SkipTaggedFields("StreamsGroupHeartbeatResponse");
  return Finished(r, std::move(p));
}

// ---- StreamsGroupDescribe --------------------------------------------------

std::string EncodeStreamsGroupDescribeRequest(const StreamsGroupDescribeRequest& request) {
  WireWriter w;
  WriteStrings(w, request.group_ids);
  w.Bool(request.include_authorized_operations);
  w.EmptyTaggedFields();
  return w.Take();
}

namespace {

StreamsGroupDescribeResponse::Assignment ReadAssignment(WireReader& r) {
  StreamsGroupDescribeResponse::Assignment a;
  a.active_tasks = ReadArray<StreamsTaskIds>(r, "Assignment.ActiveTasks", ReadTaskIds);
  a.standby_tasks = ReadArray<StreamsTaskIds>(r, "Assignment.StandbyTasks", ReadTaskIds);
  a.warmup_tasks = ReadArray<StreamsTaskIds>(r, "Assignment.WarmupTasks", ReadTaskIds);
  r.SkipTaggedFields("Assignment");
  return a;
}

StreamsGroupDescribeResponse::Member ReadMember(WireReader& r) {
  StreamsGroupDescribeResponse::Member m;
  m.member_id = r.CompactString("Members.MemberId");
  m.member_epoch = r.Int32("Members.MemberEpoch");
  m.instance_id = r.CompactNullableString("Members.InstanceId");
  m.rack_id = r.CompactNullableString("Members.RackId");
  m.client_id = r.CompactString("Members.ClientId");
  m.client_host = r.CompactString("Members.ClientHost");
  m.topology_epoch = r.Int32("Members.TopologyEpoch");
  m.process_id = r.CompactString("Members.ProcessId");
  if (r.StructPresence("Members.UserEndpoint")) m.user_endpoint = ReadEndpoint(r);
  m.client_tags = ReadArray<StreamsKeyValue>(r, "Members.ClientTags", ReadKeyValue);
  m.task_offsets = ReadArray<StreamsTaskOffset>(r, "Members.TaskOffsets", ReadTaskOffset);
  m.task_end_offsets =
      ReadArray<StreamsTaskOffset>(r, "Members.TaskEndOffsets", ReadTaskOffset);
  m.assignment = ReadAssignment(r);
  m.target_assignment = ReadAssignment(r);
  m.is_classic = r.Bool("Members.IsClassic");
  r.SkipTaggedFields("Members");
  return m;
}

}  // namespace

absl::StatusOr<StreamsGroupDescribeResponse> DecodeStreamsGroupDescribeResponse(
    std::string_view body) {
  WireReader r(body, "StreamsGroupDescribeResponse v0");
  StreamsGroupDescribeResponse out;
  out.throttle_time_ms = r.Int32("ThrottleTimeMs");
  out.groups = ReadArray<StreamsGroupDescribeResponse::DescribedGroup>(
      r, "Groups", [](WireReader& r) {
        StreamsGroupDescribeResponse::DescribedGroup g;
        g.error_code = r.Int16("Groups.ErrorCode");
        g.error_message = r.CompactNullableString("Groups.ErrorMessage");
        g.group_id = r.CompactString("Groups.GroupId");
        g.group_state = r.CompactString("Groups.GroupState");
        g.group_epoch = r.Int32("Groups.GroupEpoch");
        g.assignment_epoch = r.Int32("Groups.AssignmentEpoch");
        if (r.StructPresence("Groups.Topology")) {
          StreamsGroupDescribeResponse::Topology t;
          t.epoch = r.Int32("Topology.Epoch");
          t.subtopologies = ReadNullableArray<StreamsGroupDescribeResponse::Subtopology>(
              r, "Topology.Subtopologies", [](WireReader& r) {
                StreamsGroupDescribeResponse::Subtopology s;
                s.subtopology_id = r.CompactString("Subtopology.SubtopologyId");
                s.source_topics = ReadStrings(r, "Subtopology.SourceTopics");
                s.repartition_sink_topics = ReadStrings(r, "Subtopology.RepartitionSinkTopics");
                s.state_changelog_topics = ReadArray<StreamsTopicInfo>(
                    r, "Subtopology.StateChangelogTopics", ReadTopicInfo);
                s.repartition_source_topics = ReadArray<StreamsTopicInfo>(
                    r, "Subtopology.RepartitionSourceTopics", ReadTopicInfo);
                r.SkipTaggedFields("Subtopology");
                return s;
              });
          r.SkipTaggedFields("Topology");
          g.topology = std::move(t);
        }
        g.members = ReadArray<StreamsGroupDescribeResponse::Member>(r, "Groups.Members", ReadMember);
        g.authorized_operations = r.Int32("Groups.AuthorizedOperations");
        r.SkipTaggedFields("Groups");
        return g;
      });
  r.SkipTaggedFields("StreamsGroupDescribeResponse");
  return Finished(r, std::move(out));
}

// ---- OffsetCommit ----------------------------------------------------------

std::string EncodeOffsetCommitRequest(const OffsetCommitRequest& q) {
  WireWriter w;
  w.CompactString(q.group_id);
  w.Int32(q.generation_id_or_member_epoch);
  w.CompactString(q.member_id);
  w.CompactNullableString(q.group_instance_id);
  WriteArray(w, q.topics, [](WireWriter& w, const OffsetCommitRequest::Topic& t) {
    w.CompactString(t.name);
    WriteArray(w, t.partitions, [](WireWriter& w, const OffsetCommitRequest::Partition& p) {
      w.Int32(p.partition_index);
      w.Int64(p.committed_offset);
      w.Int32(p.committed_leader_epoch);
      w.CompactNullableString(p.committed_metadata);
      w.EmptyTaggedFields();
    });
    w.EmptyTaggedFields();
  });
  w.EmptyTaggedFields();
  return w.Take();
}

absl::StatusOr<OffsetCommitResponse> DecodeOffsetCommitResponse(std::string_view body) {
  WireReader r(body, "OffsetCommitResponse v9");
  OffsetCommitResponse out;
  out.throttle_time_ms = r.Int32("ThrottleTimeMs");
  out.topics = ReadArray<OffsetCommitResponse::Topic>(r, "Topics", [](WireReader& r) {
    OffsetCommitResponse::Topic t;
    t.name = r.CompactString("Topics.Name");
    t.partitions =
        ReadArray<OffsetCommitResponse::Partition>(r, "Topics.Partitions", [](WireReader& r) {
          OffsetCommitResponse::Partition p;
          p.partition_index = r.Int32("Partitions.PartitionIndex");
          p.error_code = r.Int16("Partitions.ErrorCode");
          r.SkipTaggedFields("Partitions");
          return p;
        });
    r.SkipTaggedFields("Topics");
    return t;
  });
  r.SkipTaggedFields("OffsetCommitResponse");
  return Finished(r, std::move(out));
}

// ---- OffsetFetch -----------------------------------------------------------

std::string EncodeOffsetFetchRequest(const OffsetFetchRequest& q) {
  WireWriter w;
  WriteArray(w, q.groups, [](WireWriter& w, const OffsetFetchRequest::Group& g) {
    w.CompactString(g.group_id);
    w.CompactNullableString(g.member_id);
    w.Int32(g.member_epoch);
    WriteNullableArray(w, g.topics, [](WireWriter& w, const OffsetFetchRequest::Topic& t) {
      w.CompactString(t.name);
      WriteInt32s(w, t.partition_indexes);
      w.EmptyTaggedFields();
    });
    w.EmptyTaggedFields();
  });
  w.Bool(q.require_stable);
  w.EmptyTaggedFields();
  return w.Take();
}

absl::StatusOr<OffsetFetchResponse> DecodeOffsetFetchResponse(std::string_view body) {
  WireReader r(body, "OffsetFetchResponse v9");
  OffsetFetchResponse out;
  out.throttle_time_ms = r.Int32("ThrottleTimeMs");
  out.groups = ReadArray<OffsetFetchResponse::Group>(r, "Groups", [](WireReader& r) {
    OffsetFetchResponse::Group g;
    g.group_id = r.CompactString("Groups.GroupId");
    g.topics = ReadArray<OffsetFetchResponse::Topic>(r, "Groups.Topics", [](WireReader& r) {
      OffsetFetchResponse::Topic t;
      t.name = r.CompactString("Topics.Name");
      t.partitions =
          ReadArray<OffsetFetchResponse::Partition>(r, "Topics.Partitions", [](WireReader& r) {
            OffsetFetchResponse::Partition p;
            p.partition_index = r.Int32("Partitions.PartitionIndex");
            p.committed_offset = r.Int64("Partitions.CommittedOffset");
            p.committed_leader_epoch = r.Int32("Partitions.CommittedLeaderEpoch");
            p.metadata = r.CompactNullableString("Partitions.Metadata");
            p.error_code = r.Int16("Partitions.ErrorCode");
            r.SkipTaggedFields("Partitions");
            return p;
          });
      r.SkipTaggedFields("Topics");
      return t;
    });
    g.error_code = r.Int16("Groups.ErrorCode");
    r.SkipTaggedFields("Groups");
    return g;
  });
  r.SkipTaggedFields("OffsetFetchResponse");
  return Finished(r, std::move(out));
}

}  // namespace kstreams::internal
