// Windowed state on Kafka: a windowed count with Suppress(UntilWindowCloses)
// and a session count, run by KafkaStreams on both brokers, closed
// and restarted (from the checkpoint, then from nothing but the changelogs).
// The suppression buffer is in memory: it comes back from its changelog at
// every start. Each window's final count must reach the output exactly once,
// with the right value, across both restarts; the window and session stores
// answer KafkaStreams::Store queries. (Checked to fail when the buffer's
// restore is made a no-op: the windows buffered at each close never come
// out.)
//
// Expected values are derived by hand from the input (commented below; all
// times there are after t0_):
// 10 s tumbling windows without grace, a window [s, s + 10 s) is closed once
// its task's stream time reaches s + 10 s; sessions with a 5 s gap merge a
// record at t with sessions ending at or after t - 5 s (Java's findSessions
// bounds are inclusive).
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integration/runtime/runtime_test_util.h"
#include "kstreams/kstreams.h"

namespace kstreams {
namespace {

using runtime_test::RecordingRestoreListener;
using runtime_test::BrokerIT;
using runtime_test::WaitFor;
using std::chrono::hours;
using std::chrono::milliseconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using WindowCounts = ReadOnlyWindowStore<std::string, int64_t>;
using SessionCounts = ReadOnlySessionStore<std::string, int64_t>;
using StampedWindowCounts = ReadOnlyWindowStore<std::string, ValueAndTimestamp<int64_t>>;

constexpr int kUsers = 6;  // u0..u5

// clicks -> per user: 10 s window counts -> Suppress -> final-out as
// ("u<i>@<window start>", "<count>"); and 5 s-gap session counts in
// "sessions". Both stores keep an hour, so that the queries below still see
// closed windows (the default retention, size + grace, would drop a window
// as soon as it closes).
Topology FinalCountsTopology() {
  StreamsBuilder builder;
  KStream<std::string, std::string> clicks = builder.Stream<std::string, std::string>("clicks");
  clicks.GroupByKey()
      .WindowedBy(TimeWindows::OfSizeWithNoGrace(milliseconds(10'000)))
      // Uncached: updates reach Suppress in stream-time order, so each
      // window's final result is emitted once (see docs on caching).
      .Count(Materialized<std::string, int64_t>::As("clicks-per-window")
                 .WithRetention(hours(1))
                 .WithCachingDisabled())
      .Suppress(Suppressed::UntilWindowCloses(BufferConfig::Unbounded()))
      .ToStream()
      .Map([](const Windowed<std::string>& w, const std::optional<int64_t>& n) {
        return std::make_pair(w.key + "@" + std::to_string(w.window.start()),
                              n ? std::to_string(*n) : std::string("null"));
      })
      .To("final-out");
  clicks.GroupByKey()
      .WindowedBy(SessionWindows::OfInactivityGapWithNoGrace(milliseconds(5'000)))
      .Count(Materialized<std::string, int64_t>::As("sessions").WithRetention(hours(1)));
  return builder.Build();
}

struct Click {
  std::string user;
  int64_t ts;
};

std::string User(int i) { return "u" + std::to_string(i); }

// On both brokers. Times are relative to t0_, the current hour minus two
// hours (a multiple of every window size): a real broker deletes windowed
// changelog records older than retention.ms (store retention + 1 day)
// before now, as it would for Java's application, so records stamped near
// 1970 would be gone before the restores; and it refuses records more than
// an hour in the future.
class WindowedRestartIT : public BrokerIT {
 protected:
  void SetUp() override {
    BrokerIT::SetUp();
    if (IsSkipped()) return;
    KSTREAMS_ASSERT_OK(CreateTopic("clicks", 2));
    KSTREAMS_ASSERT_OK(CreateTopic("final-out", 2));
  }
  // The record time `ms` after t0_.
  int64_t T(int64_t ms) const { return t0_ + ms; }
  // Sends the clicks in the order given (each partition sees its clicks in
  // timestamp order: the callers list them so).
  void Send(const std::vector<Click>& clicks) {
    KSTREAMS_ASSERT_OK_AND_ASSIGN(
        auto producer, internal::Producer::Create(kafka_test::ProducerConfig(bootstrap_)));
    for (const Click& c : clicks) {
      KSTREAMS_ASSERT_OK(producer->Send("clicks", -1, c.user, "page", c.ts, {}));
    }
    KSTREAMS_ASSERT_OK(producer->Flush(absl::Seconds(10)));
    KSTREAMS_ASSERT_OK(producer->TakeDeliveryStatus());
  }
  // Every final result so far, as "key=value", after the output has
  // `expected` records.
  std::multiset<std::string> Finals(size_t expected) {
    auto records = kafka_test::ReadTopic(bootstrap_, "final-out", 2, expected, absl::Seconds(60));
    EXPECT_TRUE(records.ok()) << records.status();
    std::multiset<std::string> out;
    if (!records.ok()) return out;
    for (const auto& r : *records) out.insert(r.key.value_or("?") + "=" + r.value.value_or("?"));
    return out;
  }
  // Records in final-out (sum of end offsets), read after a clean close:
  // nothing more can arrive, so this is exactly what was emitted.
  int64_t FinalOutSize() {
    return Watermarks({"final-out", 0}).second + Watermarks({"final-out", 1}).second;
  }
  // Dropped records over the instance's tasks.
  static int64_t Dropped(const KafkaStreams& streams) {
    int64_t n = 0;
    for (const auto& thread : streams.LocalThreadsMetadata()) {
      for (const auto& task : thread.active_tasks) n += task.dropped_records;
    }
    return n;
  }
  // The count of `user`'s window at `start`, once queryable.
  std::optional<int64_t> WindowCount(const KafkaStreams& streams, const std::string& user,
                                     int64_t start) {
    auto store = streams.Store<WindowCounts>("clicks-per-window");
    if (!store.ok()) return std::nullopt;
    try {
      return (*store)->Fetch(user, start);
    } catch (const StateStoreException&) {
      return std::nullopt;
    }
  }

  static constexpr int64_t kHourMs = 3'600'000;
  const int64_t t0_ = absl::ToUnixMillis(absl::Now()) / kHourMs * kHourMs - 2 * kHourMs;
};
KSTREAMS_INSTANTIATE_ON_BOTH_BROKERS(WindowedRestartIT);

// Final results expected for window `start`, per user: see the inputs.
void ExpectWindow(std::multiset<std::string>& expected, int64_t start, int even, int odd) {
  for (int i = 0; i < kUsers; ++i) {
    expected.insert(User(i) + "@" + std::to_string(start) + "=" +
                    std::to_string(i % 2 == 0 ? even : odd));
  }
}

TEST_P(WindowedRestartIT, FinalResultsExactlyOnceAcrossCheckpointedAndFullRestores) {
  // Phase 1. Per user u<i>: 1000+i, 2000+i and, for even i, 3000+i (window
  // 0: 3 clicks for even users, 2 for odd); 12000+i (window 10000: 1);
  // 20000+i (window 20000), which closes windows 0 and 10000. Then a late
  // click of u0 at 500: window 0 has closed and a session ending at 500 is
  // past its gap, so both aggregations drop it (two drops).
  std::vector<Click> phase1;
  for (int64_t base : {1000, 2000, 3000, 12000, 20000}) {
    for (int i = 0; i < kUsers; ++i) {
      if (base == 3000 && i % 2 != 0) continue;
      phase1.push_back({User(i), T(base + i)});
    }
  }
  phase1.push_back({"u0", T(500)});
  Send(phase1);
  std::multiset<std::string> expected;
  ExpectWindow(expected, T(0), 3, 2);
  ExpectWindow(expected, T(10'000), 1, 1);
  {
    KafkaStreams streams(FinalCountsTopology(), Config("windowed-app"));
    KSTREAMS_ASSERT_OK(streams.Start());
    EXPECT_EQ(Finals(expected.size()), expected);
    // The window store: every task's instance, timestamps dropped or kept.
    ASSERT_TRUE(WaitFor([&] { return WindowCount(streams, "u5", T(20'000)) == 1; },
                        absl::Seconds(30)));
    // The late click, counted as dropped in its task's metadata (as of the
    // last commit).
    EXPECT_TRUE(WaitFor([&] { return Dropped(streams) == 2; })) << Dropped(streams);
    KSTREAMS_ASSERT_OK_AND_ASSIGN(auto windows, streams.Store<WindowCounts>("clicks-per-window"));
    EXPECT_EQ(windows->Fetch("u0", T(0)), 3);
    EXPECT_EQ(windows->Fetch("u1", T(0)), 2);
    EXPECT_EQ(windows->Fetch("u1", T(5'000)), std::nullopt);
    EXPECT_EQ(windows->Fetch("nobody", T(0)), std::nullopt);
    EXPECT_THAT(windows->Fetch("u2", T(0), T(30'000)).ToVector(),
                ElementsAre(Pair(T(0), 3), Pair(T(10'000), 1), Pair(T(20'000), 1)));
    EXPECT_THAT(windows->BackwardFetch("u3", T(10'000), T(30'000)).ToVector(),
                ElementsAre(Pair(T(20'000), 1), Pair(T(10'000), 1)));
    EXPECT_EQ(windows->All().ToVector().size(), 3u * kUsers);
    EXPECT_EQ(windows->FetchAll(T(10'000), T(10'000)).ToVector().size(), 1u * kUsers);
    std::vector<std::pair<Windowed<std::string>, int64_t>> u0_to_u1 =
        windows->Fetch(std::string("u0"), std::string("u1"), T(0), T(0)).ToVector();
    std::map<std::string, int64_t> by_user;
    for (const auto& [w, n] : u0_to_u1) by_user[w.key] = n;
    EXPECT_THAT(by_user, ElementsAre(Pair("u0", 3), Pair("u1", 2)));
    KSTREAMS_ASSERT_OK_AND_ASSIGN(auto stamped,
                                  streams.Store<StampedWindowCounts>("clicks-per-window"));
    // The timestamp of the window's latest click.
    EXPECT_EQ(stamped->Fetch("u0", T(0)), ValueAndTimestamp<int64_t>::Make(3, T(3000)));
    EXPECT_EQ(stamped->Fetch("u1", T(10'000)), ValueAndTimestamp<int64_t>::Make(1, T(12'001)));
    // The session store. u0: 1000, 2000, 3000 | 12000 | 20000 (gaps of
    // 9000 and 8000 > 5000). u1: 1001, 2001 | 12001 | 20001.
    KSTREAMS_ASSERT_OK_AND_ASSIGN(auto sessions, streams.Store<SessionCounts>("sessions"));
    EXPECT_THAT(sessions->Fetch("u0").ToVector(),
                ElementsAre(Pair(Windowed<std::string>{"u0", Window(T(1000), T(3000))}, 3),
                            Pair(Windowed<std::string>{"u0", Window(T(12'000), T(12'000))}, 1),
                            Pair(Windowed<std::string>{"u0", Window(T(20'000), T(20'000))}, 1)));
    EXPECT_EQ(sessions->FetchSession("u1", T(1001), T(2001)), 2);
    EXPECT_EQ(sessions->FetchSession("u1", T(1001), T(2000)), std::nullopt);
    EXPECT_EQ(sessions->FindSessions("u1", T(12'001), T(12'001)).ToVector().size(), 1u);
    // Wrong types are reported at Store().
    auto wrong_value = streams.Store<ReadOnlyWindowStore<std::string, std::string>>(
        "clicks-per-window");
    EXPECT_TRUE(absl::IsInvalidArgument(wrong_value.status())) << wrong_value.status();
    EXPECT_THAT(std::string(wrong_value.status().message()),
                HasSubstr("cannot be queried as ReadOnlyWindowStore<"));
    auto not_sessions = streams.Store<SessionCounts>("clicks-per-window");
    EXPECT_TRUE(absl::IsInvalidArgument(not_sessions.status())) << not_sessions.status();
    auto not_windows = streams.Store<WindowCounts>("sessions");
    EXPECT_TRUE(absl::IsInvalidArgument(not_windows.status())) << not_windows.status();
    ASSERT_TRUE(streams.Close(absl::Seconds(30)));
    EXPECT_THROW(windows->Fetch("u0", T(0)), StateStoreException);
  }
  EXPECT_EQ(FinalOutSize(), static_cast<int64_t>(expected.size()));

  // Phase 2, restarted over the checkpointed local state. Odd users click
  // at 25000+i (window 20000: 2 clicks for odd users, 1 for even); then
  // everyone at 30000+i, which closes window 20000 (the even users' window
  // 20000 gets no update: its result comes from the restored buffer).
  // Windows 0 and 10000 must not come out again.
  std::vector<Click> phase2;
  for (int i = 1; i < kUsers; i += 2) phase2.push_back({User(i), T(25'000 + i)});
  for (int i = 0; i < kUsers; ++i) phase2.push_back({User(i), T(30'000 + i)});
  Send(phase2);
  ExpectWindow(expected, T(20'000), 1, 2);
  {
    KafkaStreams streams(FinalCountsTopology(), Config("windowed-app"));
    KSTREAMS_ASSERT_OK(streams.Start());
    EXPECT_EQ(Finals(expected.size()), expected);
    ASSERT_TRUE(WaitFor([&] { return WindowCount(streams, "u5", T(30'000)) == 1; },
                        absl::Seconds(30)));
    ASSERT_TRUE(streams.Close(absl::Seconds(30)));
  }
  EXPECT_EQ(FinalOutSize(), static_cast<int64_t>(expected.size()));

  // Phase 3, restarted with no local state at all: the window store, the
  // session store and the suppression buffer come back from their
  // changelogs. Even users click at 35000+i (window 30000: 2 clicks);
  // everyone at 40000+i, closing window 30000. The odd users' window 30000
  // (1 click, from phase 2) gets no update here: its final result can only
  // come from the restored suppression buffer.
  std::filesystem::remove_all(StateDir());
  std::vector<Click> phase3;
  for (int i = 0; i < kUsers; i += 2) phase3.push_back({User(i), T(35'000 + i)});
  for (int i = 0; i < kUsers; ++i) phase3.push_back({User(i), T(40'000 + i)});
  Send(phase3);
  ExpectWindow(expected, T(30'000), 2, 1);
  auto restored = std::make_shared<RecordingRestoreListener>();
  {
    KafkaStreams streams(FinalCountsTopology(), Config("windowed-app"));
    streams.SetGlobalStateRestoreListener(restored);
    KSTREAMS_ASSERT_OK(streams.Start());
    EXPECT_EQ(Finals(expected.size()), expected);
    ASSERT_TRUE(WaitFor([&] { return WindowCount(streams, "u5", T(40'000)) == 1; },
                        absl::Seconds(30)));
    KSTREAMS_ASSERT_OK_AND_ASSIGN(auto windows, streams.Store<WindowCounts>("clicks-per-window"));
    // Restored windows of every phase.
    EXPECT_THAT(windows->Fetch("u0", T(0), T(40'000)).ToVector(),
                ElementsAre(Pair(T(0), 3), Pair(T(10'000), 1), Pair(T(20'000), 1),
                            Pair(T(30'000), 2), Pair(T(40'000), 1)));
    EXPECT_THAT(windows->Fetch("u1", T(0), T(40'000)).ToVector(),
                ElementsAre(Pair(T(0), 2), Pair(T(10'000), 1), Pair(T(20'000), 2),
                            Pair(T(30'000), 1), Pair(T(40'000), 1)));
    // u0: ... | 30000, then 35000 and 40000 each within 5 s of the
    // session's end. u1: 20001, 25001, 30001 chain (gaps of exactly 5000)
    // | 40001.
    KSTREAMS_ASSERT_OK_AND_ASSIGN(auto sessions, streams.Store<SessionCounts>("sessions"));
    EXPECT_THAT(sessions->Fetch("u0").ToVector(),
                ElementsAre(Pair(Windowed<std::string>{"u0", Window(T(1000), T(3000))}, 3),
                            Pair(Windowed<std::string>{"u0", Window(T(12'000), T(12'000))}, 1),
                            Pair(Windowed<std::string>{"u0", Window(T(20'000), T(20'000))}, 1),
                            Pair(Windowed<std::string>{"u0", Window(T(30'000), T(40'000))}, 3)));
    EXPECT_THAT(sessions->Fetch("u1").ToVector(),
                ElementsAre(Pair(Windowed<std::string>{"u1", Window(T(1001), T(2001))}, 2),
                            Pair(Windowed<std::string>{"u1", Window(T(12'001), T(12'001))}, 1),
                            Pair(Windowed<std::string>{"u1", Window(T(20'001), T(30'001))}, 3),
                            Pair(Windowed<std::string>{"u1", Window(T(40'001), T(40'001))}, 1)));
    ASSERT_TRUE(streams.Close(absl::Seconds(30)));
  }
  EXPECT_EQ(FinalOutSize(), static_cast<int64_t>(expected.size()));
  // Everything came from the changelogs: the three stores' changelogs of
  // both tasks were replayed.
  std::set<std::string> restored_topics;
  for (const auto& [tp, p] : restored->partitions()) {
    if (p.total.value_or(0) > 0) restored_topics.insert(tp.topic);
  }
  EXPECT_EQ(restored_topics.size(), 3u);
  EXPECT_TRUE(restored_topics.count("windowed-app-clicks-per-window-changelog"));
  EXPECT_TRUE(restored_topics.count("windowed-app-sessions-changelog"));
}

}  // namespace
}  // namespace kstreams
