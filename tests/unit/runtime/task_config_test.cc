#include "runtime/task_config.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/state/rocksdb_config_setter.h"
#include "runtime/runtime_config.h"

namespace task_config_test {

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
  EXPECT_EQ((*parsed)->outer_join_emit_interval_ms, 1000);  // Java's InternalConfig default
  EXPECT_EQ((*parsed)->rocksdb.block_cache_bytes, size_t{64} << 20);
  EXPECT_EQ((*parsed)->rocksdb.write_buffer_manager_bytes, size_t{32} << 20);
  EXPECT_FALSE((*parsed)->rocksdb.setter);
  ASSERT_NE((*parsed)->error_handling, nullptr);
  EXPECT_EQ((*parsed)->streams_config.Get("application.id"), "app");
}

TEST(TaskConfig, InvalidValuesNameTheKey) {
  EXPECT_EQ(Error(StreamsConfig{}), "config 'application.id' is required but not set");
  EXPECT_EQ(Error(StreamsConfig{{"application.id", "a"}, {"statestore.cache.max.bytes", "-1"}}),
            "config 'statestore.cache.max.bytes' must be at least 0, got -1");
  EXPECT_EQ(Error(StreamsConfig{{"application.id", "a"}, {"statestore.cache.max.bytes", "x"}}),
            "config 'statestore.cache.max.bytes' must be an integer, got 'x'");
  EXPECT_EQ(Error(StreamsConfig{{"application.id", "a"},
                                {StreamsConfig::kOuterJoinEmitIntervalMs, "soon"}}),
            "config '__emit.interval.ms.kstreams.outer.join.spurious.results.fix__' must be an "
            "integer, got 'soon'");
  EXPECT_EQ(Error(StreamsConfig{{"application.id", "a"},
                                {StreamsConfig::kOuterJoinEmitIntervalMs, "-1"}}),
            "config '__emit.interval.ms.kstreams.outer.join.spurious.results.fix__' must be at "
            "least 0, got -1");
  EXPECT_EQ(Error(StreamsConfig{{"application.id", "a"}, {"rocksdb.block.cache.bytes", "0"}}),
            "config 'rocksdb.block.cache.bytes' must be positive, got 0");
  EXPECT_EQ(Error(StreamsConfig{{"application.id", "a"},
                                {"rocksdb.write.buffer.manager.bytes", "1MB"}}),
            "config 'rocksdb.write.buffer.manager.bytes' must be an integer, got '1MB'");
  EXPECT_EQ(Error(StreamsConfig{{"application.id", "a"}, {"rocksdb.config.setter", "nope"}}),
            "config 'rocksdb.config.setter' names 'nope', which is not registered "
            "(kstreams::RegisterRocksDBConfigSetter)");
  EXPECT_EQ(Error(StreamsConfig{{"application.id", "a"}, {"state.dir", ""}}),
            "config 'state.dir' is empty; name a directory (default: /tmp/kafka-streams)");
  EXPECT_THAT(Error(StreamsConfig{{"application.id", "a"},
                                  {"processing.exception.handler", "ignore"}}),
              ::testing::HasSubstr("config 'processing.exception.handler' names an unknown handler"));
}

TEST(TaskConfig, ARegisteredConfigSetterIsResolvedOnce) {
  static int made = 0;  // the registry outlives the test
  made = 0;
  kstreams::RegisterRocksDBConfigSetter("task-config-test", [] {
    ++made;
    return std::unique_ptr<kstreams::RocksDBConfigSetter>();
  });
  auto parsed = ParseTaskConfig(StreamsConfig{{"application.id", "a"},
                                              {"rocksdb.config.setter", "task-config-test"},
                                              {"rocksdb.block.cache.bytes", "1048576"}});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ((*parsed)->rocksdb.setter_name, "task-config-test");
  EXPECT_EQ((*parsed)->rocksdb.block_cache_bytes, size_t{1} << 20);
  ASSERT_TRUE((*parsed)->rocksdb.setter);
  EXPECT_EQ(made, 0);  // a setter is made per store, when it opens
  (void)(*parsed)->rocksdb.setter();
  EXPECT_EQ(made, 1);
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

}  // namespace task_config_test
