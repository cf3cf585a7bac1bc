// The streams group client (src/kafka/streams_group_client.h) against a real
// Kafka 4.4 broker (the realkafka tier's 1-broker cluster, see real_kafka.h):
// KIP-1071 join, assignment by the broker, describe, a second member taking
// half of the tasks, commits checked against the member epoch, and leave.
// The broker settings these rely on (group.streams.* in scripts/kafka.sh)
// keep heartbeats at 500 ms and the first assignment immediate.
#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integration/kafka/real_kafka.h"
#include "kafka/admin.h"
#include "kafka/protocol_messages.h"
#include "kafka/streams_group_client.h"
#include "kstreams/internal/strings.h"

namespace kstreams {
namespace streams_group_client_it {

using internal::StreamsGroupClient;
using internal::StreamsGroupDescribeResponse;
using internal::StreamsGroupHeartbeatRequest;
using internal::StreamsGroupHeartbeatResponse;
using internal::StreamsGroupStatusName;
using internal::StreamsTaskIds;
using internal::StreamsTopology;
using ::testing::HasSubstr;

// Each test reads its own source topic, <group>-in: a heartbeat right after
// a topic of the same name was deleted and created again (ResetCluster) can
// fail with UNKNOWN_SERVER_ERROR on Kafka 4.4 (NoSuchElementException in the
// broker's EndpointToPartitionsManager: its metadata still has the old topic).
std::string InputOf(const std::string& app) { return app + "-in"; }

// A group id of its own per run: a streams group outlives its members with
// its topology, and the broker refuses another topology under the same
// topology epoch ("Topology updates are not supported yet").
std::string UniqueGroup(const std::string& prefix) {
  return prefix + "-" + StreamsGroupClient::NewMemberId().substr(0, 8);
}

class RealKafkaStreamsGroupIT : public ::testing::Test {
 protected:
  void SetUp() override {
    std::optional<std::string> dir = kafka_test::RealKafkaDir();
    if (!dir.has_value()) GTEST_SKIP() << "KSTREAMS_KAFKA_DIR is not set (realkafka tier)";
    absl::StatusOr<std::string> bootstrap = kafka_test::ReadBootstrap(*dir);
    KSTREAMS_ASSERT_OK(bootstrap.status());
    bootstrap_ = *bootstrap;
    KSTREAMS_ASSERT_OK(kafka_test::ResetCluster(bootstrap_));
  }

  absl::StatusOr<std::unique_ptr<StreamsGroupClient>> Client(const std::string& group) {
    return StreamsGroupClient::Create({{"bootstrap.servers", bootstrap_}}, group,
                                      absl::Seconds(20));
  }

  std::string bootstrap_;
};

// One subtopology "0" reading `kInput` into a store whose changelog the
// broker creates (as Java names it: <application.id>-<store>-changelog).
StreamsTopology OneSubtopology(const std::string& app, bool with_store = true) {
  StreamsTopology topology;
  topology.epoch = 0;
  internal::StreamsSubtopology sub;
  sub.subtopology_id = "0";
  sub.source_topics = {InputOf(app)};
  internal::StreamsTopicInfo changelog;
  changelog.name = app + "-counts-changelog";
  changelog.topic_configs = {{"cleanup.policy", "compact"}};
  if (with_store) sub.state_changelog_topics = {changelog};
  topology.subtopologies = {sub};
  return topology;
}

// A member as the membership loop will run it: it reports the tasks it owns
// (the last assignment received) in each heartbeat.
struct Member {
  std::string id = StreamsGroupClient::NewMemberId();
  int32_t epoch = 0;
  std::set<int32_t> active;  // partitions of subtopology "0"
  // Partition -> the member epoch of the response that assigned it.
  std::map<int32_t, int32_t> assignment_epoch;
  std::vector<std::string> statuses_seen;
  std::optional<StreamsGroupHeartbeatResponse> last;

  // `with_store`: a changelog the broker creates; tests that end before it
  // exists leave it out (it would appear after the next test's cleanup).
  StreamsGroupHeartbeatRequest JoinRequest(const std::string& app, uint16_t port,
                                           bool with_store = true) const {
    StreamsGroupHeartbeatRequest r;
    r.member_id = id;
    r.rebalance_timeout_ms = 30'000;
    r.topology = OneSubtopology(app, with_store);
    r.active_tasks.emplace();
    r.standby_tasks.emplace();
    r.warmup_tasks.emplace();
    r.process_id = StreamsGroupClient::NewMemberId();
    r.user_endpoint = internal::StreamsEndpoint{"localhost", port};
    r.client_tags.emplace();
    r.task_offsets.emplace();
    r.task_end_offsets.emplace();
    return r;
  }

  StreamsGroupHeartbeatRequest HeartbeatRequest() const {
    StreamsGroupHeartbeatRequest r;
    r.member_id = id;
    r.member_epoch = epoch;
    r.active_tasks = std::vector<StreamsTaskIds>{
        StreamsTaskIds{"0", std::vector<int32_t>(active.begin(), active.end())}};
    r.standby_tasks.emplace();
    r.warmup_tasks.emplace();
    return r;
  }

  absl::Status Take(absl::StatusOr<StreamsGroupHeartbeatResponse> response) {
    if (!response.ok()) return response.status();
    epoch = response->member_epoch;
    if (response->status.has_value()) {
      for (const auto& s : *response->status) {
        statuses_seen.push_back(StreamsGroupStatusName(s.status_code));
      }
    }
    if (response->active_tasks.has_value()) {
      active.clear();
      for (const StreamsTaskIds& t : *response->active_tasks) {
        EXPECT_EQ(t.subtopology_id, "0");
        active.insert(t.partitions.begin(), t.partitions.end());
      }
      for (auto it = assignment_epoch.begin(); it != assignment_epoch.end();) {
        it = active.contains(it->first) ? std::next(it) : assignment_epoch.erase(it);
      }
      for (int32_t p : active) assignment_epoch.try_emplace(p, epoch);
    }
    last = *std::move(response);
    return absl::OkStatus();
  }
};

std::set<int32_t> ActivePartitions(const StreamsGroupDescribeResponse::Member& m) {
  std::set<int32_t> out;
  for (const StreamsTaskIds& t : m.assignment.active_tasks) {
    out.insert(t.partitions.begin(), t.partitions.end());
  }
  return out;
}

const StreamsGroupDescribeResponse::Member* FindMember(
    const StreamsGroupDescribeResponse::DescribedGroup& g, const std::string& id) {
  for (const auto& m : g.members) {
    if (m.member_id == id) return &m;
  }
  return nullptr;
}

// Joins `member`. Kafka 4.4 may answer a join that comes right after its
// source topic was created with UNKNOWN_SERVER_ERROR (a NoSuchElementException
// in the broker's EndpointToPartitionsManager: the group coordinator's
// metadata does not have the topic yet), so that one error is retried for a
// few seconds, as a membership loop would.
absl::Status JoinGroup(StreamsGroupClient& client, Member& member,
                       const StreamsGroupHeartbeatRequest& join) {
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (true) {
    absl::StatusOr<StreamsGroupHeartbeatResponse> r = client.Join(join);
    if (r.ok() || r.status().code() != absl::StatusCode::kUnknown || absl::Now() > deadline) {
      return member.Take(std::move(r));
    }
    absl::SleepFor(absl::Milliseconds(200));
  }
}

// Heartbeats every member (at most every 100 ms) until `done()`, for at
// most 60 s.
template <typename Done>
void HeartbeatUntil(StreamsGroupClient& client, std::vector<Member*> members, Done done) {
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (!done()) {
    ASSERT_LT(absl::Now(), deadline) << "no stable assignment within 60 s";
    absl::SleepFor(absl::Milliseconds(100));
    for (Member* m : members) KSTREAMS_ASSERT_OK(m->Take(client.Heartbeat(m->HeartbeatRequest())));
  }
}

TEST_F(RealKafkaStreamsGroupIT, BrokerAssignsTasksSplitsThemAndChecksCommitEpochs) {
  const std::string app = UniqueGroup("sg-app");
  const std::string kInput = InputOf(app);
  KSTREAMS_ASSERT_OK(kafka_test::CreateTopic(bootstrap_, kInput, 3));
  auto client = Client(app);
  KSTREAMS_ASSERT_OK(client.status());
  EXPECT_EQ((*client)->heartbeat_version(), 1);

  // One member: the broker creates the changelog (MISSING_INTERNAL_TOPICS
  // until it exists) and assigns it all three tasks.
  Member a;
  KSTREAMS_ASSERT_OK(JoinGroup(**client, a, a.JoinRequest(app, 8080)));
  EXPECT_EQ(a.last->member_id, a.id);
  EXPECT_GT(a.epoch, 0);
  EXPECT_GT(a.last->heartbeat_interval_ms, 0);
  HeartbeatUntil(**client, {&a}, [&] { return a.active == std::set<int32_t>{0, 1, 2}; });
  // What the broker said on the way (kept in the XML report: --gtest_output=xml).
  ::testing::Test::RecordProperty("statuses_before_assignment",
                                  internal::StrJoin(a.statuses_seen, ","));
  ::testing::Test::RecordProperty("epoch_at_assignment", a.epoch);
  for (const std::string& s : a.statuses_seen) {
    EXPECT_THAT(s, ::testing::AnyOf("MISSING_INTERNAL_TOPICS", "ASSIGNMENT_DELAYED")) << s;
  }
  auto admin = kafka_test::AdminFor(bootstrap_);
  KSTREAMS_ASSERT_OK(admin.status());
  auto changelog_partitions = (*admin)->PartitionCount(app + "-counts-changelog");
  KSTREAMS_ASSERT_OK(changelog_partitions.status());
  EXPECT_EQ(*changelog_partitions, 3);  // as many as the source topic

  auto group = (*client)->Describe();
  KSTREAMS_ASSERT_OK(group.status());
  EXPECT_EQ(group->group_id, app);
  ASSERT_EQ(group->members.size(), 1u);
  EXPECT_EQ(group->members[0].member_id, a.id);
  EXPECT_EQ(group->members[0].member_epoch, a.epoch);
  ASSERT_TRUE(group->members[0].user_endpoint.has_value());
  EXPECT_EQ(group->members[0].user_endpoint->port, 8080);
  EXPECT_EQ(ActivePartitions(group->members[0]), (std::set<int32_t>{0, 1, 2}));
  ASSERT_TRUE(group->topology.has_value());
  ASSERT_TRUE(group->topology->subtopologies.has_value());
  ASSERT_EQ(group->topology->subtopologies->size(), 1u);
  EXPECT_EQ((*group->topology->subtopologies)[0].source_topics,
            std::vector<std::string>{kInput});

  // A second member: the broker moves tasks to it once `a` gave them up.
  Member b;
  KSTREAMS_ASSERT_OK(JoinGroup(**client, b, b.JoinRequest(app, 8081)));
  HeartbeatUntil(**client, {&a, &b}, [&] {
    std::set<int32_t> all = a.active;
    all.insert(b.active.begin(), b.active.end());
    return !a.active.empty() && !b.active.empty() && all == std::set<int32_t>{0, 1, 2} &&
           a.active.size() + b.active.size() == 3;
  });
  ::testing::Test::RecordProperty("epochs_after_split",
                                  internal::StrCat(a.epoch, ",", b.epoch));
  group = (*client)->Describe();
  KSTREAMS_ASSERT_OK(group.status());
  ASSERT_EQ(group->members.size(), 2u);
  const auto* da = FindMember(*group, a.id);
  const auto* db = FindMember(*group, b.id);
  ASSERT_NE(da, nullptr);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(ActivePartitions(*da), a.active);
  EXPECT_EQ(ActivePartitions(*db), b.active);

  // Commits carry member id and epoch. The current epoch is accepted; an
  // older one only for tasks the member has owned since that epoch (the
  // broker keeps each task's assignment epoch), a newer one never.
  const int32_t pa = *a.active.begin();
  KSTREAMS_ASSERT_OK((*client)->CommitOffsets(a.id, a.epoch, {{{kInput, pa}, 42}}));
  auto committed = (*client)->FetchOffsets(a.id, a.epoch, {{kInput, pa}});
  KSTREAMS_ASSERT_OK(committed.status());
  EXPECT_EQ(*committed, (std::map<TopicPartition, int64_t>{{{kInput, pa}, 42}}));
  const int32_t pb = *b.active.begin();
  const int32_t b_assigned_at = b.assignment_epoch.at(pb);
  KSTREAMS_ASSERT_OK((*client)->CommitOffsets(b.id, b_assigned_at, {{{kInput, pb}, 7}}));
  absl::Status stale = (*client)->CommitOffsets(b.id, b_assigned_at - 1, {{{kInput, pb}, 8}});
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted) << stale;
  EXPECT_THAT(stale.message(), HasSubstr("STALE_MEMBER_EPOCH"));
  EXPECT_THAT(stale.message(), HasSubstr(internal::StrCat("OffsetCommit v9 of group '", app, "' at broker 127.0.0.1:")));
  EXPECT_THAT(stale.message(), HasSubstr(internal::StrCat(kInput, "-", pb)));
  absl::Status newer = (*client)->CommitOffsets(b.id, b.epoch + 1, {{{kInput, pb}, 8}});
  EXPECT_THAT(newer.message(), HasSubstr("STALE_MEMBER_EPOCH")) << newer;
  absl::Status unknown = (*client)->CommitOffsets("no-such-member", a.epoch, {{{kInput, pa}, 43}});
  EXPECT_EQ(unknown.code(), absl::StatusCode::kAborted) << unknown;
  EXPECT_THAT(unknown.message(), HasSubstr("UNKNOWN_MEMBER_ID"));
  committed = (*client)->FetchOffsets(b.id, b.epoch, {{kInput, pa}, {kInput, pb}});
  KSTREAMS_ASSERT_OK(committed.status());
  EXPECT_EQ(*committed, (std::map<TopicPartition, int64_t>{{{kInput, pa}, 42}, {{kInput, pb}, 7}}));

  // Leaving (epoch -1) removes the member at once.
  KSTREAMS_ASSERT_OK((*client)->Leave(a.id));
  group = (*client)->Describe();
  KSTREAMS_ASSERT_OK(group.status());
  ASSERT_EQ(group->members.size(), 1u);
  EXPECT_EQ(group->members[0].member_id, b.id);
  // `b` then gets every task.
  HeartbeatUntil(**client, {&b}, [&] { return b.active == std::set<int32_t>{0, 1, 2}; });
  KSTREAMS_ASSERT_OK((*client)->Leave(b.id));
}

TEST_F(RealKafkaStreamsGroupIT, HeartbeatWithAnOldEpochIsFenced) {
  const std::string app = UniqueGroup("sg-fenced");
  KSTREAMS_ASSERT_OK(kafka_test::CreateTopic(bootstrap_, InputOf(app), 3));
  auto client = Client(app);
  KSTREAMS_ASSERT_OK(client.status());
  Member a;
  KSTREAMS_ASSERT_OK(JoinGroup(**client, a, a.JoinRequest(app, 8080, /*with_store=*/false)));
  StreamsGroupHeartbeatRequest wrong = a.HeartbeatRequest();
  wrong.member_epoch = a.epoch + 5;
  auto fenced = (*client)->Heartbeat(wrong);
  ASSERT_FALSE(fenced.ok());
  EXPECT_EQ(fenced.status().code(), absl::StatusCode::kAborted) << fenced.status();
  EXPECT_THAT(fenced.status().message(), HasSubstr("FENCED_MEMBER_EPOCH"));
  EXPECT_THAT(fenced.status().message(),
              HasSubstr(internal::StrCat("StreamsGroupHeartbeat v1 of group '", app, "' at broker 127.0.0.1:")));
  (void)(*client)->Leave(a.id);
}

TEST_F(RealKafkaStreamsGroupIT, DescribeOfAnUnknownGroupIsNotFound) {
  auto client = Client("sg-nobody");
  KSTREAMS_ASSERT_OK(client.status());
  auto group = (*client)->Describe();
  EXPECT_EQ(group.status().code(), absl::StatusCode::kNotFound) << group.status();
  EXPECT_THAT(group.status().message(), HasSubstr("GROUP_ID_NOT_FOUND"));
}

TEST_F(RealKafkaStreamsGroupIT, JoinWithoutATopologyIsAnInvalidRequest) {
  auto client = Client("sg-invalid");
  KSTREAMS_ASSERT_OK(client.status());
  Member a;
  StreamsGroupHeartbeatRequest join = a.JoinRequest("sg-invalid", 8080, /*with_store=*/false);
  join.topology.reset();
  auto answer = (*client)->Heartbeat(join);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kInvalidArgument) << answer.status();
  EXPECT_THAT(answer.status().message(), HasSubstr("INVALID_REQUEST (42): Topology must be non-null"));
}

}  // namespace streams_group_client_it
}  // namespace kstreams
