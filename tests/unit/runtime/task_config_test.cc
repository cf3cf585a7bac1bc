#include "runtime/task_config.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/runtime_config.h"

namespace {

using kstreams::StreamsConfig;
using kstreams::internal::ParseRuntimeConfig;
using kstreams::internal::ParseTaskConfig;

std::string Error(const StreamsConfig& config) {
  auto parsed = ParseTaskConfig(config);
  EXPECT_FALSE(parsed.ok());
  return parsed.ok() ? "" : std::string(parsed.status().message());
}

TEST(TaskConfig, DefaultsAreKafkaStreams) {
  auto parsed = ParseTaskConfig(StreamsConfig{{"application.id", "app"}});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ((*parsed)->application_id, "app");
  EXPECT_EQ((*parsed)->cache_max_bytes, 10485760);
  EXPECT_EQ((*parsed)->state_dir, "/tmp/kafka-streams");
  ASSERT_NE((*parsed)->error_handling, nullptr);
  EXPECT_EQ((*parsed)->streams_config.Get("application.id"), "app");
}

TEST(TaskConfig, InvalidValuesNameTheKey) {
  EXPECT_EQ(Error(StreamsConfig{}), "config 'application.id' is required but not set");
  EXPECT_EQ(Error(StreamsConfig{{"application.id", "a"}, {"statestore.cache.max.bytes", "-1"}}),
            "config 'statestore.cache.max.bytes' must be at least 0, got -1");
  EXPECT_EQ(Error(StreamsConfig{{"application.id", "a"}, {"statestore.cache.max.bytes", "x"}}),
            "config 'statestore.cache.max.bytes' must be an integer, got 'x'");
  EXPECT_EQ(Error(StreamsConfig{{"application.id", "a"}, {"state.dir", ""}}),
            "config 'state.dir' is empty; name a directory (default: /tmp/kafka-streams)");
  EXPECT_THAT(Error(StreamsConfig{{"application.id", "a"},
                                  {"processing.exception.handler", "ignore"}}),
              ::testing::HasSubstr("config 'processing.exception.handler' names an unknown handler"));
}

TEST(TaskConfig, TheRuntimeSharesOneParsedCopyWithEveryTask) {
  auto rc = ParseRuntimeConfig(StreamsConfig{{"application.id", "app"},
                                             {"bootstrap.servers", "h:9092"},
                                             {"statestore.cache.max.bytes", "1024"},
                                             {"state.dir", "/var/lib/x"}});
  ASSERT_TRUE(rc.ok()) << rc.status();
  ASSERT_NE(rc->task, nullptr);
  EXPECT_EQ(rc->task->cache_max_bytes, 1024);
  EXPECT_EQ(rc->task->state_dir, "/var/lib/x");
  EXPECT_EQ(rc->error_handling, rc->task->error_handling);
  auto bad = ParseRuntimeConfig(StreamsConfig{{"application.id", "app"},
                                              {"bootstrap.servers", "h:9092"},
                                              {"statestore.cache.max.bytes", "-5"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "config 'statestore.cache.max.bytes' must be at least 0, got -5");
}

}  // namespace
