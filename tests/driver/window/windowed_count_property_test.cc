// Randomized: hopping-window counts (every update, final results through
// Suppress, the store and the dropped-record count) against a brute-force
// model of Kafka Streams' semantics written independently of the library: a
// record at t is in every window [s, s + size) with s a multiple of the
// advance and s <= t < s + size (found by scanning all starts from 0), and
// counts in it while s + size > (largest timestamp so far) - grace.
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/kstreams.h"
#include "kstreams/testing/topology_test_driver.h"

namespace {

using kstreams::Window;
using kstreams::Windowed;
using std::chrono::milliseconds;
using W = Windowed<std::string>;

constexpr int64_t kSize = 20, kAdvance = 5, kGrace = 7;

struct Input {
  std::string key;
  int64_t ts;
};

// Mostly advancing timestamps with some out of order, some beyond grace.
std::vector<Input> RandomInput(uint32_t seed, int n) {
  std::mt19937 rng(seed);
  std::vector<Input> input;
  int64_t now = 0;
  for (int i = 0; i < n; ++i) {
    now += std::uniform_int_distribution<int64_t>(0, 4)(rng);
    int64_t ts = now - std::uniform_int_distribution<int64_t>(0, 3 * kGrace)(rng) *
                           (std::uniform_int_distribution<int>(0, 3)(rng) == 0);
    input.push_back({"k" + std::to_string(std::uniform_int_distribution<int>(0, 4)(rng)),
                     std::max<int64_t>(0, ts)});
  }
  return input;
}

struct Model {
  std::vector<std::pair<W, int64_t>> updates;  // every accepted update, in order
  std::map<W, int64_t> counts;
  int64_t dropped = 0;
  int64_t stream_time = -1;
};

Model BruteForce(const std::vector<Input>& input) {
  Model m;
  for (const Input& r : input) {
    m.stream_time = std::max(m.stream_time, r.ts);
    for (int64_t start = 0; start <= r.ts; start += kAdvance) {
      if (!(start <= r.ts && r.ts < start + kSize)) continue;
      if (start + kSize <= m.stream_time - kGrace) {
        ++m.dropped;
        continue;
      }
      W w{r.key, Window(start, start + kSize)};
      m.updates.emplace_back(w, ++m.counts[w]);
    }
  }
  return m;
}

kstreams::Topology Topology(bool cached) {
  kstreams::StreamsBuilder builder;
  auto m = kstreams::Materialized<std::string, int64_t>::As("counts").WithRetention(
      milliseconds(1'000'000));  // keep every window, to compare the whole store
  if (!cached) m = std::move(m).WithCachingDisabled();
  auto counts = builder.Stream<std::string, std::string>("input")
                    .GroupByKey()
                    .WindowedBy(kstreams::TimeWindows::OfSizeAndGrace(milliseconds(kSize),
                                                                      milliseconds(kGrace))
                                    .AdvanceBy(milliseconds(kAdvance)))
                    .Count(m);
  counts.ToStream().To("updates");
  counts.Suppress(kstreams::Suppressed::UntilWindowCloses(kstreams::BufferConfig::Unbounded()))
      .ToStream()
      .To("final");
  return builder.Build();
}

class WindowedCountProperty : public ::testing::TestWithParam<uint32_t> {};

TEST_P(WindowedCountProperty, MatchesTheBruteForceModel) {
  const std::vector<Input> input = RandomInput(GetParam(), 400);
  const Model model = BruteForce(input);
  for (bool cached : {false, true}) {
    SCOPED_TRACE(cached ? "cached, random commits" : "uncached");
    kstreams::TopologyTestDriver driver(Topology(cached), {{"application.id", "prop"}}, 0);
    driver.SetCommitAfterEachRecord(!cached);
    auto in = driver.CreateInputTopic<std::string, std::string>("input");
    auto serde = kstreams::serdes::TimeWindowed<std::string>(milliseconds(kSize));
    auto updates = driver.CreateOutputTopic<W, int64_t>("updates", serde, kstreams::serdes::Int64());
    auto finals = driver.CreateOutputTopic<W, int64_t>("final", serde, kstreams::serdes::Int64());
    std::mt19937 commits(GetParam());
    for (const Input& r : input) {
      KSTREAMS_ASSERT_OK(in.PipeInput(r.key, "v", r.ts));
      if (cached && std::uniform_int_distribution<int>(0, 9)(commits) == 0) {
        KSTREAMS_ASSERT_OK(driver.Commit());
      }
    }
    KSTREAMS_ASSERT_OK(driver.Commit());

    std::vector<kstreams::KeyValue<W, int64_t>> seen = updates.ReadKeyValuesToList();
    if (!cached) {  // every update, in order
      ASSERT_EQ(seen.size(), model.updates.size());
      for (size_t i = 0; i < seen.size(); ++i) {
        EXPECT_EQ(seen[i].key, model.updates[i].first) << "update " << i;
        EXPECT_EQ(seen[i].value, model.updates[i].second) << "update " << i;
      }
    }
    std::map<W, int64_t> latest;
    for (const auto& kv : seen) latest[kv.key] = kv.value;
    EXPECT_EQ(latest, model.counts);

    // Final results: every window that closed, with its full count, exactly
    // once. With the cache too: a flush forwards windows in the order of
    // their last update (Java's NamedCache), so a window updated by a late
    // record reaches Suppress before any window updated after it, and those
    // carry timestamps the aggregation had seen when it accepted the late
    // record, i.e. still before the window's close.
    std::map<W, int64_t> expected_finals;
    for (const auto& [w, count] : model.counts) {
      if (w.window.end() + kGrace <= model.stream_time) expected_finals[w] = count;
    }
    std::map<W, int64_t> final_results;
    for (const auto& kv : finals.ReadKeyValuesToList()) {
      const bool first = final_results.insert_or_assign(kv.key, kv.value).second;
      EXPECT_TRUE(first) << "emitted twice: " << kv.key;
    }
    EXPECT_EQ(final_results, expected_finals);

    auto* store = driver.GetWindowStore<std::string, int64_t>("counts");
    ASSERT_NE(store, nullptr);
    std::map<W, int64_t> stored;
    for (auto it = store->All(); it.Valid(); it.Next()) stored[it.key()] = it.value();
    EXPECT_EQ(stored, model.counts);
    EXPECT_EQ(driver.dropped_records(), model.dropped);
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, WindowedCountProperty, ::testing::Values(1u, 2u, 3u, 42u, 2024u));

}  // namespace
