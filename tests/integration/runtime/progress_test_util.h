// Helpers for the tests that run tests/apps/progress_app.cc as separate
// processes: its input (per key, sequence numbers 0, 1, 2, ... on "events")
// produced in bursts from a thread, and its output ("progress-out": per key
// "next,gaps,dups") read back until every key reached the end.
#ifndef KSTREAMS_TESTS_INTEGRATION_RUNTIME_PROGRESS_TEST_UTIL_H_
#define KSTREAMS_TESTS_INTEGRATION_RUNTIME_PROGRESS_TEST_UTIL_H_

#include <atomic>
#include <cstdio>
#include <map>
#include <string>

#include "absl/time/clock.h"
#include "common/status_matchers.h"
#include "gtest/gtest.h"
#include "integration/kafka/kafka_test_util.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"
#include "kstreams/internal/strings.h"

namespace kstreams::progress_test {

struct Progress {
  long long next = 0, gaps = 0, dups = 0;
};

inline Progress Parse(const std::string& value) {
  Progress p;
  std::sscanf(value.c_str(), "%lld,%lld,%lld", &p.next, &p.gaps, &p.dups);
  return p;
}

// Produces sequence numbers 0..per_key-1 for keys k0..k<keys-1> to "events",
// flushing and pausing every 25 rounds; `produced` counts what was sent.
inline void ProduceSequences(const std::string& bootstrap, int keys, int per_key,
                             std::atomic<int>& produced) {
  auto p = internal::Producer::Create(kafka_test::ProducerConfig(bootstrap));
  ASSERT_TRUE(p.ok()) << p.status();
  for (int seq = 0; seq < per_key; ++seq) {
    for (int k = 0; k < keys; ++k) {
      KSTREAMS_ASSERT_OK((*p)->Send("events", -1, internal::StrCat("k", k),
                                    internal::StrCat(seq), 1000 + seq, {}));
    }
    produced += keys;
    if (seq % 25 == 24) {
      KSTREAMS_ASSERT_OK((*p)->Flush(absl::Seconds(10)));
      absl::SleepFor(absl::Milliseconds(40));
    }
  }
  KSTREAMS_ASSERT_OK((*p)->Flush(absl::Seconds(10)));
  KSTREAMS_ASSERT_OK((*p)->TakeDeliveryStatus());
}

// Every "progress-out" update per key, in order, read with `isolation_level`
// (read_committed: what an exactly-once application committed) until every
// key's latest update reached `per_key` or `timeout` passed.
inline std::map<std::string, std::vector<Progress>> ReadProgressUpdates(
    const std::string& bootstrap, int keys, int per_key, absl::Duration timeout,
    const std::string& isolation_level = "read_committed") {
  internal::ConsumerOptions options;
  options.config = {{"bootstrap.servers", bootstrap}, {"isolation.level", isolation_level}};
  auto consumer = internal::Consumer::Create(std::move(options));
  EXPECT_TRUE(consumer.ok()) << consumer.status();
  std::map<std::string, std::vector<Progress>> updates;
  if (!consumer.ok()) return updates;
  std::map<internal::TopicPartition, int64_t> start;
  for (int p = 0; p < 4; ++p) start[{"progress-out", p}] = internal::kOffsetBeginning;
  EXPECT_TRUE((*consumer)->Assign(start).ok());
  auto complete = [&] {
    if (static_cast<int>(updates.size()) != keys) return false;
    for (const auto& [key, u] : updates) {
      if (u.back().next != per_key) return false;
    }
    return true;
  };
  const absl::Time deadline = absl::Now() + timeout;
  while (!complete() && absl::Now() < deadline) {
    auto batch = (*consumer)->PollBatch(10000, absl::Milliseconds(100));
    if (!batch.ok()) break;
    for (const auto& r : *batch) {
      if (r.key && r.value) updates[*r.key].push_back(Parse(*r.value));
    }
  }
  return updates;
}

// The latest "progress-out" value per key (4 partitions, read_committed),
// read until every key reached `per_key` or `timeout` passed.
inline std::map<std::string, Progress> ReadProgress(const std::string& bootstrap, int keys,
                                                    int per_key, absl::Duration timeout) {
  std::map<std::string, Progress> latest;
  for (const auto& [key, updates] : ReadProgressUpdates(bootstrap, keys, per_key, timeout)) {
    latest[key] = updates.back();
  }
  return latest;
}

}  // namespace kstreams::progress_test

#endif  // KSTREAMS_TESTS_INTEGRATION_RUNTIME_PROGRESS_TEST_UTIL_H_
