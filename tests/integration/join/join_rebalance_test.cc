// A stream-table join run by two instances of one application, across two
// rebalances: a second instance joins (and restores the table partitions it
// is given from their changelogs), table updates arrive while both run, then
// the first instance leaves and the second takes every task over, restoring
// the rest of the table. Every view must be joined exactly once with the
// user's region as of the view (the table updates are in the table before
// the views that must see them are produced), whichever instance joins it.
//
// Expected values are computed here from the input: view v is of user
// u = v % kUsers and reads "page<v>@<region of u when v is produced>".
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integration/runtime/runtime_test_util.h"
#include "kstreams/kstreams.h"

namespace kstreams {
namespace {

using runtime_test::KV;
using runtime_test::RecordingRestoreListener;
using runtime_test::RuntimeIT;
using runtime_test::WaitFor;
using ::testing::UnorderedElementsAreArray;

constexpr int kPartitions = 4;
constexpr int kUsers = 40;
constexpr int kViewsPerRound = 80;
constexpr char kApp[] = "enrich";
constexpr char kChangelog[] = "enrich-users-STATE-STORE-0000000000-changelog";

Topology ViewsWithRegions() {
  StreamsBuilder builder;
  auto users = builder.Table<std::string, std::string>("users");
  builder.Stream<std::string, std::string>("views")
      .LeftJoin(users, [](const std::string& page, const std::optional<std::string>& region) {
        return page + "@" + region.value_or("unknown");
      })
      .To("views-with-region");
  return builder.Build();
}

std::set<int32_t> TasksOf(const KafkaStreams& streams) {
  std::set<int32_t> partitions;
  for (const auto& thread : streams.LocalThreadsMetadata()) {
    for (const auto& task : thread.active_tasks) {
      if (!task.restoring) partitions.insert(task.task_id.partition);
    }
  }
  return partitions;
}

class JoinRebalanceIT : public runtime_test::BrokerIT {
 protected:
  // Views kViewsPerRound * round .. + kViewsPerRound, produced at
  // timestamps after every table update so far; `expected` gets their joins
  // with `regions`.
  void ProduceViews(int round, const std::map<std::string, std::string>& regions,
                    std::vector<KV>& expected) {
    std::vector<KV> views;
    for (int v = round * kViewsPerRound; v < (round + 1) * kViewsPerRound; ++v) {
      const std::string user = "u" + std::to_string(v % kUsers);
      views.emplace_back(user, "page" + std::to_string(v));
      expected.emplace_back(user, "page" + std::to_string(v) + "@" + regions.at(user));
    }
    Produce("views", views, 100'000 * (round + 1));
  }

  std::vector<KV> Joined(size_t count) {
    std::vector<KV> out;
    for (const auto& r : Read("views-with-region", kPartitions, count)) {
      out.emplace_back(r.key.value_or("<null>"), r.value.value_or("<null>"));
    }
    return out;
  }
};
KSTREAMS_INSTANTIATE_ON_BOTH_BROKERS(JoinRebalanceIT);

TEST_P(JoinRebalanceIT, BothInstancesJoinWithTheCurrentTableAcrossRebalances) {
  for (const char* topic : {"users", "views", "views-with-region"}) {
    KSTREAMS_ASSERT_OK(CreateTopic(topic, kPartitions));
  }
  std::map<std::string, std::string> regions;
  std::vector<KV> users;
  for (int u = 0; u < kUsers; ++u) {
    const std::string user = "u" + std::to_string(u);
    regions[user] = "r" + std::to_string(u % 3);
    users.emplace_back(user, regions[user]);
  }
  Produce("users", users, 10);
  std::vector<KV> expected;

  // Round 0: instance A alone holds all four tasks.
  KafkaStreams a(ViewsWithRegions(), Config(kApp, "a"));
  KSTREAMS_ASSERT_OK(a.Start());
  Read(kChangelog, kPartitions, users.size());  // the whole table is in A's stores
  ProduceViews(0, regions, expected);
  ASSERT_THAT(Joined(expected.size()), UnorderedElementsAreArray(expected));
  // ... and committed: a commit that meets the coming rebalance can be
  // refused (the embedded broker refuses commits while the group
  // rebalances), and the views it covered would be joined again by their
  // next owner, as at_least_once allows.
  std::vector<TopicPartition> views;
  for (int p = 0; p < kPartitions; ++p) views.push_back({"views", p});
  ASSERT_TRUE(WaitFor([&] {
    for (const auto& [tp, offset] : Committed(kApp, views)) {
      if (offset != Watermarks(tp).second) return false;
    }
    return true;
  }));

  // Instance B joins: the group rebalances, B gets some tasks and restores
  // their table partitions from the changelog (it has no local state).
  KafkaStreams b(ViewsWithRegions(), Config(kApp, "b"));
  auto restored_by_b = std::make_shared<RecordingRestoreListener>();
  b.SetGlobalStateRestoreListener(restored_by_b);
  KSTREAMS_ASSERT_OK(b.Start());
  std::set<int32_t> of_a, of_b;
  ASSERT_TRUE(WaitFor(
      [&] {
        of_a = TasksOf(a);
        of_b = TasksOf(b);
        return a.state() == KafkaStreams::State::kRunning &&
               b.state() == KafkaStreams::State::kRunning && !of_b.empty() &&
               of_a.size() + of_b.size() == kPartitions;
      },
      absl::Seconds(60)))
      << "tasks of A: " << ::testing::PrintToString(of_a)
      << ", of B: " << ::testing::PrintToString(of_b);
  int64_t restored_users = 0;
  for (int32_t p : of_b) {
    const auto restored = restored_by_b->partitions();
    const TopicPartition changelog{kChangelog, p};
    ASSERT_TRUE(restored.contains(changelog)) << p;
    EXPECT_EQ(restored.at(changelog).total, Watermarks(changelog).second) << p;
    restored_users += restored.at(changelog).total.value_or(0);
  }
  EXPECT_GT(restored_users, 0);

  // Round 1: a quarter of the users move while both instances run; the
  // updates are in the table (its changelog) before the views are produced.
  for (int u = 0; u < kUsers; u += 4) regions["u" + std::to_string(u)] = "moved";
  std::vector<KV> moves;
  for (int u = 0; u < kUsers; u += 4) moves.emplace_back("u" + std::to_string(u), "moved");
  Produce("users", moves, 50'000);
  Read(kChangelog, kPartitions, users.size() + moves.size());
  ProduceViews(1, regions, expected);
  ASSERT_THAT(Joined(expected.size()), UnorderedElementsAreArray(expected));

  // A leaves cleanly (it commits before giving its tasks up); B takes them
  // over, restoring the rest of the table, updates included.
  ASSERT_TRUE(a.Close(absl::Seconds(30)));
  ASSERT_TRUE(WaitFor([&] { return TasksOf(b).size() == kPartitions; }, absl::Seconds(60)))
      << ::testing::PrintToString(TasksOf(b));
  // Round 2: B alone.
  ProduceViews(2, regions, expected);
  // Exactly once each: hand-overs after a commit replay nothing.
  ASSERT_THAT(Joined(expected.size()), UnorderedElementsAreArray(expected));
  EXPECT_FALSE(kafka_test::ReadTopic(bootstrap_, "views-with-region", kPartitions,
                                     expected.size() + 1, absl::Seconds(2))
                   .ok());
  EXPECT_TRUE(b.Close(absl::Seconds(30)));
}

}  // namespace
}  // namespace kstreams
