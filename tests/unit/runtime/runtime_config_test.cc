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
  EXPECT_THAT(Error(Base().Set("processing.guarantee", "exactly_once")),
              HasSubstr("'processing.guarantee'"));
  EXPECT_THAT(Error(Base().Set("application.id", "a b")), HasSubstr("'application.id'"));
  EXPECT_THAT(Error(Base().Set("consumer.group.id", "g")), HasSubstr("group.id"));
  EXPECT_THAT(Error(Base().Set("default.production.exception.handler", "maybe")),
              HasSubstr("'default.production.exception.handler'"));
}

TEST(RuntimeConfig, BadHandlerExtractorStateDirAndStandbysAreRefusedBeforeAnythingRuns) {
  // Before: each of these was accepted here, and the thread died later (an
  // unusable handler class), state went to the working directory (empty
  // state.dir), or the setting was silently ignored (standbys).
  EXPECT_EQ(Error(Base().Set("processing.exception.handler", "com.acme.SkipExceptionHandler")),
            "config 'processing.exception.handler' names an unknown handler "
            "'com.acme.SkipExceptionHandler'; accepted: log_and_fail, log_and_continue, "
            "LogAndFailProcessingExceptionHandler, LogAndContinueProcessingExceptionHandler "
            "(or set an object in code)");
  EXPECT_EQ(Error(Base().Set("state.dir", "")),
            "config 'state.dir' is empty; name a directory (default: /tmp/kafka-streams)");
  EXPECT_EQ(Error(Base().Set("num.standby.replicas", "1")),
            "config 'num.standby.replicas'='1' is not supported yet (kstreams has no standby "
            "tasks); set it to 0");
  EXPECT_EQ(Error(Base().Set("default.timestamp.extractor", "x")).substr(0, 68),
            "config 'default.timestamp.extractor' names an unknown timestamp extr");
  EXPECT_TRUE(ParseRuntimeConfig(Base().Set("num.standby.replicas", "0")).ok());
}

TEST(RuntimeConfig, WindowstoreChangelogAdditionalRetentionIsANonNegativeInteger) {
  constexpr char kKey[] = "windowstore.changelog.additional.retention.ms";
  auto defaults = ParseRuntimeConfig(Base());
  ASSERT_TRUE(defaults.ok()) << defaults.status();
  EXPECT_EQ(defaults->windowstore_changelog_additional_retention_ms, 86'400'000);  // 1 day
  auto set = ParseRuntimeConfig(Base().Set(kKey, "0"));
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->windowstore_changelog_additional_retention_ms, 0);
  EXPECT_THAT(set->producer, Not(Contains(Pair(kKey, "0"))));  // a kstreams key
  EXPECT_EQ(Error(Base().Set(kKey, "-1")),
            "config 'windowstore.changelog.additional.retention.ms' must be at least 0, got -1");
  EXPECT_THAT(Error(Base().Set(kKey, "one day")),
              HasSubstr("'windowstore.changelog.additional.retention.ms'"));
}

TEST(RuntimeConfig, HandlerAndDeadLetterKeysStayOutOfTheClients) {
  auto rc = ParseRuntimeConfig(Base()
                                   .Set("errors.dead.letter.queue.topic.name", "dlq")
                                   .Set("default.timestamp.extractor", "wallclock")
                                   .Set("num.standby.replicas", "0"));
  ASSERT_TRUE(rc.ok()) << rc.status();
  for (const char* key : {"errors.dead.letter.queue.topic.name", "default.timestamp.extractor",
                          "num.standby.replicas"}) {
    EXPECT_FALSE(rc->producer.contains(key)) << key;
    EXPECT_FALSE(rc->consumer.contains(key)) << key;
  }
  EXPECT_EQ(rc->error_handling->dead_letter_queue_topic, "dlq");
}

}  // namespace

namespace {

TEST(RuntimeConfig, AtLeastOnceIsTheDefaultWithA30SecondCommitInterval) {
  auto rc = ParseRuntimeConfig(Base());
  ASSERT_TRUE(rc.ok()) << rc.status();
  EXPECT_FALSE(rc->exactly_once);
  EXPECT_EQ(rc->commit_interval_ms, 30000);
  EXPECT_FALSE(rc->consumer.contains("isolation.level"));
  EXPECT_FALSE(rc->producer.contains("transactional.id"));
}

TEST(RuntimeConfig, ExactlyOnceV2CommitsEvery100MsAndReadsCommitted) {
  auto rc = ParseRuntimeConfig(Base().Set("processing.guarantee", "exactly_once_v2"));
  ASSERT_TRUE(rc.ok()) << rc.status();
  EXPECT_TRUE(rc->exactly_once);
  EXPECT_EQ(rc->commit_interval_ms, 100);
  EXPECT_THAT(rc->consumer, Contains(Pair("isolation.level", "read_committed")));
  EXPECT_THAT(rc->restore_consumer, Contains(Pair("isolation.level", "read_committed")));
  EXPECT_THAT(rc->producer, Contains(Pair("enable.idempotence", "true")));
  EXPECT_THAT(rc->producer, Contains(Pair("transaction.timeout.ms", "10000")));
  // The stream threads add transactional.id (application.id, process id,
  // thread index).
  EXPECT_FALSE(rc->producer.contains("transactional.id"));
}

TEST(RuntimeConfig, ExactlyOnceV2KeepsAnExplicitCommitInterval) {
  auto rc = ParseRuntimeConfig(Base()
                                   .Set("processing.guarantee", "exactly_once_v2")
                                   .Set("commit.interval.ms", "30000")
                                   .Set("producer.transaction.timeout.ms", "20000"));
  ASSERT_TRUE(rc.ok()) << rc.status();
  EXPECT_EQ(rc->commit_interval_ms, 30000);
  EXPECT_THAT(rc->producer, Contains(Pair("transaction.timeout.ms", "20000")));
}

TEST(RuntimeConfig, RemovedGuaranteesAndConflictingClientKeysAreRefused) {
  // Deprecated in Kafka 3.0, removed in 4.0.
  EXPECT_EQ(Error(Base().Set("processing.guarantee", "exactly_once")),
            "config 'processing.guarantee'='exactly_once' was removed (as in Kafka Streams "
            "4.0); use exactly_once_v2");
  EXPECT_EQ(Error(Base().Set("processing.guarantee", "exactly_once_beta")),
            "config 'processing.guarantee'='exactly_once_beta' was removed (as in Kafka "
            "Streams 4.0); use exactly_once_v2");
  EXPECT_THAT(Error(Base().Set("processing.guarantee", "exactly_twice")),
              HasSubstr("must be at_least_once or exactly_once_v2"));
  StreamsConfig eos = Base().Set("processing.guarantee", "exactly_once_v2");
  EXPECT_THAT(Error(StreamsConfig(eos).Set("consumer.isolation.level", "read_uncommitted")),
              HasSubstr("'isolation.level'='read_uncommitted' conflicts"));
  EXPECT_THAT(Error(StreamsConfig(eos).Set("producer.transactional.id", "mine")),
              HasSubstr("'producer.transactional.id'"));
}

}  // namespace
