// Error conversion and config building (no broker needed).
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kafka/kafka_common.h"
#include "kafka/producer.h"
#include "kstreams/log.h"

namespace kstreams::internal {
namespace {

using ::testing::HasSubstr;

// Numeric librdkafka codes (rd_kafka_resp_err_t) so this test needs no
// librdkafka header, like every file outside src/kafka.
constexpr int kNoError = 0;
constexpr int kLocalTimedOut = -185;            // RD_KAFKA_RESP_ERR__TIMED_OUT
constexpr int kLocalUnsupportedFeature = -165;  // RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE
constexpr int kUnknownTopicOrPart = 3;
constexpr int kNotLeader = 6;
constexpr int kTopicAlreadyExists = 36;
constexpr int kProducerFenced = 90;

TEST(KafkaErrorToStatusTest, NoErrorIsOk) {
  EXPECT_TRUE(KafkaErrorToStatus(kNoError, "anything").ok());
}

TEST(KafkaErrorToStatusTest, MapsCodesToStatusCodes) {
  EXPECT_EQ(KafkaErrorToStatus(kLocalTimedOut, "x").code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(KafkaErrorToStatus(kLocalUnsupportedFeature, "x").code(),
            absl::StatusCode::kUnimplemented);
  EXPECT_EQ(KafkaErrorToStatus(kUnknownTopicOrPart, "x").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(KafkaErrorToStatus(kNotLeader, "x").code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(KafkaErrorToStatus(kTopicAlreadyExists, "x").code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(KafkaErrorToStatus(kProducerFenced, "x").code(), absl::StatusCode::kAborted);
}

TEST(KafkaErrorToStatusTest, MessageNamesOperationDetailAndErrorName) {
  absl::Status s = KafkaErrorToStatus(kUnknownTopicOrPart, "commit offsets for orders-3");
  EXPECT_THAT(std::string(s.message()), HasSubstr("commit offsets for orders-3 failed: "));
  EXPECT_THAT(std::string(s.message()), HasSubstr("(UNKNOWN_TOPIC_OR_PART)"));
  absl::Status d = KafkaErrorToStatus(kNotLeader, "produce to t-1", "broker 2 is not leader");
  EXPECT_THAT(std::string(d.message()), HasSubstr("produce to t-1 failed: broker 2 is not leader"));
}

TEST(BuildConfTest, AcceptsKnownProperties) {
  auto conf = BuildConf({{"bootstrap.servers", "127.0.0.1:1"}, {"linger.ms", "5"}});
  EXPECT_TRUE(conf.ok()) << conf.status();
}

TEST(BuildConfTest, BadKeyIsNamed) {
  auto conf = BuildConf({{"no.such.property", "1"}});
  ASSERT_FALSE(conf.ok());
  EXPECT_EQ(conf.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(conf.status().message()),
              HasSubstr("invalid Kafka client config 'no.such.property'='1'"));
}

TEST(BuildConfTest, BadValueIsNamed) {
  auto conf = BuildConf({{"linger.ms", "soon"}});
  ASSERT_FALSE(conf.ok());
  EXPECT_EQ(conf.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(conf.status().message()), HasSubstr("'linger.ms'='soon'"));
}

TEST(LibrdkafkaLogTest, SyslogLevelsMapToKstreamsLevels) {
  EXPECT_EQ(LogLevelOfSyslogLevel(0), LogLevel::kError);
  EXPECT_EQ(LogLevelOfSyslogLevel(3), LogLevel::kError);
  EXPECT_EQ(LogLevelOfSyslogLevel(4), LogLevel::kWarning);
  EXPECT_EQ(LogLevelOfSyslogLevel(5), LogLevel::kInfo);
  EXPECT_EQ(LogLevelOfSyslogLevel(6), LogLevel::kInfo);
  EXPECT_EQ(LogLevelOfSyslogLevel(7), LogLevel::kDebug);
}

TEST(LibrdkafkaLogTest, ClientLogLinesGoThroughTheLogSink) {
  // Before: librdkafka printed these to stderr, past SetLogSink.
  std::mutex mu;
  std::vector<std::pair<LogLevel, std::string>> lines;
  SetLogSink([&](LogLevel level, std::string_view line) {
    std::lock_guard<std::mutex> lock(mu);
    lines.emplace_back(level, std::string(line));
  });
  {
    // Nothing listens on port 1: librdkafka logs the refused connection.
    auto producer = Producer::Create(
        KafkaConfigMap{{"bootstrap.servers", "127.0.0.1:1"}, {"client.id", "log-test"}});
    ASSERT_TRUE(producer.ok()) << producer.status();
    bool seen = false;
    for (int i = 0; i < 200 && !seen; ++i) {
      (*producer)->Poll(absl::Milliseconds(50));
      std::lock_guard<std::mutex> lock(mu);
      for (const auto& [level, line] : lines) {
        if (line.starts_with("librdkafka ") && line.find("[log-test#producer-") != std::string::npos &&
            line.find("127.0.0.1:1") != std::string::npos &&
            (level == LogLevel::kError || level == LogLevel::kWarning || level == LogLevel::kInfo)) {
          seen = true;
        }
      }
    }
    EXPECT_TRUE(seen) << "no librdkafka line reached the sink; got " << lines.size() << " lines";
  }
  SetLogSink(nullptr);
}

}  // namespace
}  // namespace kstreams::internal
