// Creating clients with bad configs fails early with a clear message (no
// broker is contacted).
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kafka/admin.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"

namespace kstreams::internal {
namespace {

using ::testing::HasSubstr;

TEST(ClientConfigTest, ProducerRejectsBadValueNamingIt) {
  auto producer = Producer::Create(KafkaConfigMap{{"acks", "maybe"}});
  ASSERT_FALSE(producer.ok());
  EXPECT_EQ(producer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(producer.status().message()), HasSubstr("'acks'='maybe'"));
}

TEST(ClientConfigTest, ConsumerRejectsUnknownKey) {
  ConsumerOptions options;
  options.config = {{"group.id", "g"}, {"no.such.key", "1"}};
  auto consumer = Consumer::Create(std::move(options));
  ASSERT_FALSE(consumer.ok());
  EXPECT_THAT(std::string(consumer.status().message()), HasSubstr("'no.such.key'"));
}

TEST(ClientConfigTest, UserConfigOverridesProducerDefaults) {
  // The default partitioner can be replaced (e.g. by librdkafka's own
  // consistent_random) and an invalid one is reported.
  auto ok = Producer::Create(KafkaConfigMap{{"partitioner", "consistent_random"}});
  EXPECT_TRUE(ok.ok()) << ok.status();
  auto bad = Producer::Create(KafkaConfigMap{{"partitioner", "nonsense"}});
  EXPECT_FALSE(bad.ok());
}

TEST(ClientConfigTest, AdminRejectsBadValue) {
  auto admin = Admin::Create({{"socket.timeout.ms", "-5"}});
  ASSERT_FALSE(admin.ok());
  EXPECT_EQ(admin.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kstreams::internal
