// Broker faults while KafkaStreams counts: the broker going down and coming
// back, and error answers to Produce, Fetch and OffsetCommit requests. The
// client retries or skips a commit; no input record is lost from the counts
// and no thread dies.
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integration/runtime/runtime_test_util.h"
#include "kstreams/kstreams.h"

namespace kstreams {
namespace {

using runtime_test::Counts;
using runtime_test::KV;
using runtime_test::QueryCounts;
using runtime_test::RuntimeIT;
using runtime_test::WaitFor;
using runtime_test::Words;
using State = KafkaStreams::State;
using ApiKey = EmbeddedKafka::ApiKey;

class FaultsIT : public RuntimeIT {
 protected:
  // Latest count per key in the output topic, read independently.
  Counts OutputCounts(size_t at_least) {
    Counts latest;
    for (const auto& r : Read("counts-out", 2, at_least)) {
      auto n = serdes::Int64()->Deserialize("counts-out", r.value.value_or(""));
      EXPECT_TRUE(n.ok()) << n.status();
      if (n.ok()) latest[*r.key] = std::max(latest[*r.key], *n);
    }
    return latest;
  }
};

TEST_F(FaultsIT, BrokerOutageAndRequestErrorsLoseNoRecord) {
  KSTREAMS_ASSERT_OK(kafka_->CreateTopic("words", 2));
  KSTREAMS_ASSERT_OK(kafka_->CreateTopic("counts-out", 2));
  KafkaStreams streams(runtime_test::CountTopology(/*caching=*/false), Config("faulty"));
  KSTREAMS_ASSERT_OK(streams.Start());
  Counts expected;
  int produced = 0;
  auto produce = [&](int n) {
    std::vector<KV> batch = Words(n, 10, produced);
    for (const auto& [k, v] : batch) ++expected[k];
    Produce("words", batch, 1000 + produced);
    produced += n;
  };
  produce(200);
  ASSERT_TRUE(WaitFor([&] { return QueryCounts(streams) == expected; }, absl::Seconds(30)));

  // Error answers: retriable produce errors (the changelog and output
  // writes are retried), fetch errors (the consumer refetches), and
  // refused offset commits (skipped; the next commit covers them).
  kafka_->PushRequestErrors(ApiKey::kProduce,
                            {EmbeddedKafka::kNotLeaderOrFollower, EmbeddedKafka::kRequestTimedOut,
                             EmbeddedKafka::kNotEnoughReplicas});
  kafka_->PushRequestErrors(ApiKey::kFetch, {EmbeddedKafka::kNotLeaderOrFollower,
                                             EmbeddedKafka::kLeaderNotAvailable});
  kafka_->PushRequestErrors(ApiKey::kOffsetCommit,
                            {EmbeddedKafka::kCoordinatorNotAvailable,
                             EmbeddedKafka::kNotCoordinator, EmbeddedKafka::kRequestTimedOut});
  produce(200);
  ASSERT_TRUE(WaitFor([&] { return QueryCounts(streams) == expected; }, absl::Seconds(30)));

  // The broker goes away for a while, with input waiting in the producer.
  KSTREAMS_ASSERT_OK(kafka_->SetBrokerDown(1));
  std::thread during([&] { produce(200); });
  // The outage itself: a fixed 1.5 s, not a wait for something. What is
  // tested is riding out an outage that lasts longer than several of the
  // clients' request, commit (100 ms) and heartbeat (500 ms) intervals.
  absl::SleepFor(absl::Milliseconds(1500));
  KSTREAMS_ASSERT_OK(kafka_->SetBrokerUp(1));
  during.join();
  produce(100);
  std::optional<Counts> final_counts;
  ASSERT_TRUE(WaitFor([&] { return (final_counts = QueryCounts(streams)) == expected; },
                      absl::Seconds(40)))
      << ::testing::PrintToString(final_counts) << " vs " << ::testing::PrintToString(expected);
  EXPECT_EQ(streams.state(), State::kRunning);
  ASSERT_EQ(streams.LocalThreadsMetadata().size(), 1u);
  EXPECT_THAT(streams.LocalThreadsMetadata()[0].thread_name, ::testing::EndsWith("StreamThread-1"));
  EXPECT_TRUE(streams.Close(absl::Seconds(30)));
  // The output topic's latest count per key agrees (each update was
  // written; retried sends may repeat one, never skip one).
  EXPECT_EQ(OutputCounts(static_cast<size_t>(produced)), expected);
}

}  // namespace
}  // namespace kstreams
