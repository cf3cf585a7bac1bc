// Group membership through the Consumer wrapper: rebalance hooks, commits,
// pattern subscriptions, pause/resume, on both brokers (the embedded one and
// the realkafka tier's cluster: runtime_test::BrokerIT). The mock cluster
// delays the first join of a group by ~3 s, so each test here takes a few
// seconds.
#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integration/kafka/kafka_test_util.h"
#include "integration/runtime/runtime_test_util.h"
#include "kafka/consumer.h"
#include "kafka/kafka_common.h"
#include "kafka/producer.h"

namespace kstreams {
namespace {

using internal::Consumer;
using internal::ConsumerOptions;
using internal::TopicPartition;
using kafka_test::GroupConsumerConfig;
using kafka_test::ProducerConfig;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

using ConsumerGroupTest = runtime_test::BrokerIT;
KSTREAMS_INSTANTIATE_ON_BOTH_BROKERS(ConsumerGroupTest);

// What one member's hooks saw, in order.
struct HookLog {
  std::vector<std::vector<TopicPartition>> assigned;
  std::vector<std::vector<TopicPartition>> revoked;
  std::vector<TopicPartition> current;  // assigned minus revoked

  ConsumerOptions Options(const std::string& bootstrap, const std::string& group) {
    ConsumerOptions options;
    options.config = GroupConsumerConfig(bootstrap, group);
    options.on_assigned = [this](const std::vector<TopicPartition>& tps) {
      assigned.push_back(tps);
      current = tps;  // eager protocol: an assignment replaces everything
    };
    options.on_revoked = [this](const std::vector<TopicPartition>& tps) {
      revoked.push_back(tps);
      current.clear();
    };
    return options;
  }
};

// Polls every consumer until `done()` or `timeout`.
template <typename Done>
bool PollUntil(const std::vector<Consumer*>& consumers, Done done,
               absl::Duration timeout = absl::Seconds(30)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() >= deadline) return false;
    for (Consumer* c : consumers) {
      auto batch = c->PollBatch(100, absl::Milliseconds(50));
      if (!batch.ok()) return false;
    }
  }
  return true;
}

std::vector<TopicPartition> Partitions(const std::string& topic, std::vector<int32_t> ids) {
  std::vector<TopicPartition> out;
  for (int32_t p : ids) out.push_back({topic, p});
  return out;
}

TEST_P(ConsumerGroupTest, RangeAssignmentSplitsAndRevokesOnJoinAndLeave) {
  KSTREAMS_ASSERT_OK(CreateTopic("in", 4));
  HookLog log_a;
  HookLog log_b;
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto a,
                                Consumer::Create(log_a.Options(bootstrap_, "g")));
  KSTREAMS_ASSERT_OK(a->Subscribe({"in"}));
  ASSERT_TRUE(PollUntil({a.get()}, [&] { return !log_a.assigned.empty(); }));
  EXPECT_THAT(log_a.assigned[0], ElementsAre(TopicPartition{"in", 0}, TopicPartition{"in", 1},
                                             TopicPartition{"in", 2}, TopicPartition{"in", 3}));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto assignment, a->Assignment());
  EXPECT_EQ(assignment, log_a.assigned[0]);

  // A second member: eager rebalance revokes all of A's partitions, then the
  // range assignor gives each member two consecutive partitions.
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto b,
                                Consumer::Create(log_b.Options(bootstrap_, "g")));
  KSTREAMS_ASSERT_OK(b->Subscribe({"in"}));
  // The group may go through more than one rebalance before it settles.
  ASSERT_TRUE(PollUntil({a.get(), b.get()}, [&] {
    return log_a.current.size() == 2 && log_b.current.size() == 2;
  }));
  // Eager protocol: before each new assignment, the whole previous one was
  // revoked.
  ASSERT_GE(log_a.assigned.size(), 2u);
  ASSERT_EQ(log_a.revoked.size(), log_a.assigned.size() - 1);
  for (size_t i = 0; i < log_a.revoked.size(); ++i) {
    EXPECT_EQ(log_a.revoked[i], log_a.assigned[i]);
  }
  std::vector<TopicPartition> both = log_a.current;
  both.insert(both.end(), log_b.current.begin(), log_b.current.end());
  std::sort(both.begin(), both.end());
  EXPECT_EQ(both, Partitions("in", {0, 1, 2, 3}));
  EXPECT_TRUE(log_a.current == Partitions("in", {0, 1}) ||
              log_a.current == Partitions("in", {2, 3}));

  // B leaves (Close sends LeaveGroup): its hook sees its final revocation and
  // A gets everything back without waiting for a session timeout.
  const std::vector<TopicPartition> b_had = log_b.current;
  const size_t b_revocations = log_b.revoked.size();
  KSTREAMS_ASSERT_OK(b->Close());
  ASSERT_EQ(log_b.revoked.size(), b_revocations + 1);
  EXPECT_EQ(log_b.revoked.back(), b_had);
  ASSERT_TRUE(PollUntil({a.get()}, [&] { return log_a.current.size() == 4; }));
  EXPECT_EQ(log_a.current, Partitions("in", {0, 1, 2, 3}));
}

TEST_P(ConsumerGroupTest, CommittedOffsetsAreReadBackAndResumedFrom) {
  KSTREAMS_ASSERT_OK(CreateTopic("orders", 2));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto producer,
                                internal::Producer::Create(ProducerConfig(bootstrap_)));
  for (int i = 0; i < 10; ++i) {
    KSTREAMS_ASSERT_OK(producer->Send("orders", 0, "k", internal::StrCat("v", i), 1 + i, {}));
  }
  KSTREAMS_ASSERT_OK(producer->Flush(absl::Seconds(10)));

  HookLog log;
  KSTREAMS_ASSERT_OK_AND_ASSIGN(
      auto consumer, Consumer::Create(log.Options(bootstrap_, "app")));
  KSTREAMS_ASSERT_OK(consumer->Subscribe({"orders"}));
  std::vector<int64_t> offsets;
  ASSERT_TRUE(PollUntil({}, [&] {
    auto batch = consumer->PollBatch(100, absl::Milliseconds(50));
    if (batch.ok()) {
      for (const auto& r : *batch) offsets.push_back(r.offset);
    }
    return offsets.size() >= 10;
  }));
  EXPECT_THAT(offsets, ElementsAre(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
  // Pretend records 0..5 were processed: commit the next offset to read.
  KSTREAMS_ASSERT_OK(consumer->CommitSync({{{"orders", 0}, 6}}));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto committed,
                                consumer->Committed(Partitions("orders", {0, 1})));
  EXPECT_EQ(committed[(TopicPartition{"orders", 0})], 6);
  EXPECT_EQ(committed[(TopicPartition{"orders", 1})], std::nullopt);
  KSTREAMS_ASSERT_OK(consumer->Close());

  // Another client of the same group sees the commit and resumes from it.
  ConsumerOptions options;
  options.config = GroupConsumerConfig(bootstrap_, "app");
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto next, Consumer::Create(std::move(options)));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(committed, next->Committed(Partitions("orders", {0})));
  EXPECT_EQ(committed[(TopicPartition{"orders", 0})], 6);
  KSTREAMS_ASSERT_OK(next->Assign({{{"orders", 0}, internal::kOffsetStored}}));
  std::vector<std::string> values;
  ASSERT_TRUE(PollUntil({}, [&] {
    auto batch = next->PollBatch(100, absl::Milliseconds(50));
    if (batch.ok()) {
      for (const auto& r : *batch) values.push_back(r.value.value_or("<null>"));
    }
    return values.size() >= 4;
  }));
  EXPECT_THAT(values, ElementsAre("v6", "v7", "v8", "v9"));
}

TEST_P(ConsumerGroupTest, RevocationHookRunsWhilePartitionsAreStillAssigned) {
  KSTREAMS_ASSERT_OK(CreateTopic("work", 2));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto producer,
                                internal::Producer::Create(ProducerConfig(bootstrap_)));
  for (int i = 0; i < 4; ++i) {
    KSTREAMS_ASSERT_OK(producer->Send("work", i % 2, "k", internal::StrCat(i), 1 + i, {}));
  }
  KSTREAMS_ASSERT_OK(producer->Flush(absl::Seconds(10)));

  // Like a StreamThread, the hook tries to commit what was processed while
  // the partitions still belong to this member. A real broker accepts that
  // commit (same generation, rebalance still preparing); librdkafka's mock
  // refuses it with REBALANCE_IN_PROGRESS (-> Aborted), so both are allowed
  // on the mock, and what this test pins down there is the ordering.
  Consumer* self = nullptr;
  std::map<TopicPartition, int64_t> processed;
  std::vector<absl::Status> commit_results;
  std::vector<std::vector<TopicPartition>> assigned_in_hook;
  HookLog log_a;
  ConsumerOptions options_a = log_a.Options(bootstrap_, "committer");
  options_a.on_revoked = [&](const std::vector<TopicPartition>& tps) {
    log_a.revoked.push_back(tps);
    assigned_in_hook.push_back(self->Assignment().value_or(std::vector<TopicPartition>{}));
    commit_results.push_back(self->CommitSync(processed));
  };
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto a, Consumer::Create(std::move(options_a)));
  self = a.get();
  KSTREAMS_ASSERT_OK(a->Subscribe({"work"}));
  ASSERT_TRUE(PollUntil({}, [&] {
    auto batch = a->PollBatch(100, absl::Milliseconds(50));
    if (batch.ok()) {
      for (const auto& r : *batch) processed[{r.topic, r.partition}] = r.offset + 1;
    }
    return processed.size() == 2 && processed.begin()->second == 2 &&
           processed.rbegin()->second == 2;
  }));

  HookLog log_b;
  KSTREAMS_ASSERT_OK_AND_ASSIGN(
      auto b, Consumer::Create(log_b.Options(bootstrap_, "committer")));
  KSTREAMS_ASSERT_OK(b->Subscribe({"work"}));
  ASSERT_TRUE(PollUntil({a.get(), b.get()}, [&] { return !log_b.assigned.empty(); }));
  ASSERT_FALSE(commit_results.empty());
  EXPECT_EQ(assigned_in_hook[0], Partitions("work", {0, 1}));
  EXPECT_EQ(log_a.revoked[0], Partitions("work", {0, 1}));
  const absl::Status& commit = commit_results[0];
  EXPECT_TRUE(commit.ok() || absl::IsAborted(commit)) << commit;
  if (real()) KSTREAMS_EXPECT_OK(commit);
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto committed, b->Committed(Partitions("work", {0, 1})));
  const std::optional<int64_t> expected =
      commit.ok() ? std::optional<int64_t>(2) : std::nullopt;
  EXPECT_EQ(committed[(TopicPartition{"work", 0})], expected);
  EXPECT_EQ(committed[(TopicPartition{"work", 1})], expected);
}

TEST_P(ConsumerGroupTest, PatternSubscriptionAssignsOnlyMatchingTopics) {
  KSTREAMS_ASSERT_OK(CreateTopic("metrics-a", 1));
  KSTREAMS_ASSERT_OK(CreateTopic("metrics-b", 2));
  KSTREAMS_ASSERT_OK(CreateTopic("logs", 1));
  KSTREAMS_ASSERT_OK(CreateTopic("xmetrics-c", 1));
  HookLog log;
  KSTREAMS_ASSERT_OK_AND_ASSIGN(
      auto consumer, Consumer::Create(log.Options(bootstrap_, "pattern")));
  KSTREAMS_ASSERT_OK(consumer->SubscribePattern("metrics-.*|logs"));
  ASSERT_TRUE(PollUntil({consumer.get()}, [&] { return !log.assigned.empty(); }));
  // Whole-name match: "xmetrics-c" is not picked although it contains a match.
  EXPECT_THAT(log.assigned[0],
              ElementsAre(TopicPartition{"logs", 0}, TopicPartition{"metrics-a", 0},
                          TopicPartition{"metrics-b", 0}, TopicPartition{"metrics-b", 1}));
}

TEST_P(ConsumerGroupTest, PausedPartitionDeliversNothingUntilResumed) {
  KSTREAMS_ASSERT_OK(CreateTopic("p", 2));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto producer,
                                internal::Producer::Create(ProducerConfig(bootstrap_)));
  for (int p = 0; p < 2; ++p) {
    for (int i = 0; i < 3; ++i) {
      KSTREAMS_ASSERT_OK(producer->Send("p", p, "k", internal::StrCat(p, "-", i), 1, {}));
    }
  }
  KSTREAMS_ASSERT_OK(producer->Flush(absl::Seconds(10)));
  ConsumerOptions options;
  options.config = {{"bootstrap.servers", bootstrap_}};
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto consumer, Consumer::Create(std::move(options)));
  KSTREAMS_ASSERT_OK(consumer->Assign({{{"p", 0}, internal::kOffsetBeginning},
                                       {{"p", 1}, internal::kOffsetBeginning}}));
  KSTREAMS_ASSERT_OK(consumer->Pause({{"p", 1}}));
  std::multiset<int32_t> partitions;
  const absl::Time quiet_until = absl::Now() + absl::Seconds(2);
  while (absl::Now() < quiet_until) {
    KSTREAMS_ASSERT_OK_AND_ASSIGN(auto batch, consumer->PollBatch(100, absl::Milliseconds(50)));
    for (const auto& r : batch) partitions.insert(r.partition);
  }
  EXPECT_THAT(partitions, UnorderedElementsAre(0, 0, 0));
  KSTREAMS_ASSERT_OK(consumer->Resume({{"p", 1}}));
  ASSERT_TRUE(PollUntil({}, [&] {
    auto batch = consumer->PollBatch(100, absl::Milliseconds(50));
    if (batch.ok()) {
      for (const auto& r : *batch) partitions.insert(r.partition);
    }
    return partitions.size() >= 6;
  }));
  EXPECT_THAT(partitions, UnorderedElementsAre(0, 0, 0, 1, 1, 1));
}

TEST(ConsumerGroupNoBrokerTest, GroupOperationsWithoutGroupIdAreRefused) {
  ConsumerOptions options;
  options.config = {{"bootstrap.servers", "127.0.0.1:1"}};
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto consumer, Consumer::Create(std::move(options)));
  EXPECT_TRUE(absl::IsInvalidArgument(consumer->Subscribe({"t"})));
  EXPECT_TRUE(absl::IsInvalidArgument(consumer->CommitSync({{{"t", 0}, 1}})));
  EXPECT_TRUE(absl::IsInvalidArgument(consumer->Committed({{"t", 0}}).status()));
}

}  // namespace
}  // namespace kstreams
