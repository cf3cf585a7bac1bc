#include "runtime/runtime_config.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace {

using kstreams::StreamsConfig;
using kstreams::internal::ParseRuntimeConfig;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::Contains;
using ::testing::Not;

StreamsConfig Base() {
  return StreamsConfig{{"application.id", "app"}, {"bootstrap.servers", "h:9092"}};
}

std::string Error(const StreamsConfig& config) {
  auto rc = ParseRuntimeConfig(config);
  EXPECT_FALSE(rc.ok());
  return rc.ok() ? "" : std::string(rc.status().message());
}

TEST(RuntimeConfig, PrefixedKeysGoToOneClientAndOthersToAll) {
  StreamsConfig config = Base();
  config.Set("consumer.fetch.min.bytes", "10")
      .Set("producer.linger.ms", "7")
      .Set("admin.request.timeout.ms", "999")
      .Set("socket.timeout.ms", "1234")
      .Set("commit.interval.ms", "50");
  auto rc = ParseRuntimeConfig(config);
  ASSERT_TRUE(rc.ok()) << rc.status();
  EXPECT_EQ(rc->commit_interval_ms, 50);
  EXPECT_THAT(rc->consumer, Contains(Pair("fetch.min.bytes", "10")));
  EXPECT_THAT(rc->consumer, Contains(Pair("socket.timeout.ms", "1234")));
  EXPECT_THAT(rc->consumer, Contains(Pair("bootstrap.servers", "h:9092")));
  EXPECT_THAT(rc->consumer, Contains(Pair("auto.offset.reset", "earliest")));
  EXPECT_THAT(rc->producer, Contains(Pair("linger.ms", "7")));
  EXPECT_THAT(rc->producer, Not(Contains(Pair("fetch.min.bytes", "10"))));
  EXPECT_THAT(rc->admin, Contains(Pair("request.timeout.ms", "999")));
  EXPECT_THAT(rc->admin, Contains(Pair("socket.timeout.ms", "1234")));
  // kstreams keys never reach librdkafka.
  EXPECT_THAT(rc->producer, Not(Contains(Pair("commit.interval.ms", "50"))));
  EXPECT_THAT(rc->producer, Not(Contains(Pair("application.id", "app"))));
}

TEST(RuntimeConfig, ErrorsNameTheKey) {
  EXPECT_THAT(Error(StreamsConfig{{"bootstrap.servers", "h"}}), HasSubstr("'application.id'"));
  EXPECT_THAT(Error(StreamsConfig{{"application.id", "a"}}), HasSubstr("'bootstrap.servers'"));
  EXPECT_THAT(Error(Base().Set("num.stream.threads", "0")), HasSubstr("'num.stream.threads'"));
  EXPECT_THAT(Error(Base().Set("commit.interval.ms", "x")), HasSubstr("'commit.interval.ms'"));
  EXPECT_THAT(Error(Base().Set("processing.guarantee", "exactly_once_v2")),
              HasSubstr("not supported yet"));
  EXPECT_THAT(Error(Base().Set("application.id", "a b")), HasSubstr("'application.id'"));
  EXPECT_THAT(Error(Base().Set("consumer.group.id", "g")), HasSubstr("group.id"));
  EXPECT_THAT(Error(Base().Set("default.production.exception.handler", "maybe")),
              HasSubstr("'default.production.exception.handler'"));
}

}  // namespace
