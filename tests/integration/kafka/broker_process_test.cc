// kstreams-broker as a child process: prints its bootstrap list, serves
// clients, exits cleanly on SIGTERM.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integration/kafka/kafka_test_util.h"
#include "kafka/admin.h"
#include "kafka/producer.h"

namespace kstreams {
namespace {

using kafka_test::ProducerConfig;
using kafka_test::ReadTopic;
using kafka_test::RunCommand;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

// A running kstreams-broker.
class BrokerProcess : public kafka_test::ChildProcess {
 public:
  bool Start(const std::vector<std::string>& args) {
    return ChildProcess::Start(KSTREAMS_BROKER_PATH, args);
  }
};

TEST(BrokerProcessTest, ServesClientsOnPrintedBootstrapAndStopsOnSigterm) {
  BrokerProcess broker;
  ASSERT_TRUE(broker.Start({"--brokers", "2", "--topic", "events:3", "--topic=other:1"}));
  std::optional<std::string> bootstrap = broker.ReadLine();
  ASSERT_TRUE(bootstrap.has_value());
  EXPECT_THAT(*bootstrap, MatchesRegex("127\\.0\\.0\\.1:[0-9]+,127\\.0\\.0\\.1:[0-9]+"));

  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto admin,
                                internal::Admin::Create({{"bootstrap.servers", *bootstrap}}));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto topics, admin->ListTopics());
  EXPECT_EQ(topics, (std::map<std::string, int32_t>{{"events", 3}, {"other", 1}}));

  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto producer, internal::Producer::Create(ProducerConfig(*bootstrap)));
  for (int i = 0; i < 6; ++i) {
    KSTREAMS_ASSERT_OK(producer->Send("events", i % 3, "k", internal::StrCat(i), 10 + i, {}));
  }
  KSTREAMS_ASSERT_OK(producer->Flush(absl::Seconds(10)));
  KSTREAMS_ASSERT_OK(producer->TakeDeliveryStatus());
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto records, ReadTopic(*bootstrap, "events", 3, 6));
  std::vector<std::string> values;
  for (const auto& r : records) values.push_back(internal::StrCat(r.partition, ":", *r.value));
  EXPECT_EQ(values, (std::vector<std::string>{"0:0", "0:3", "1:1", "1:4", "2:2", "2:5"}));

  const int status = broker.SignalAndWait(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// A free loopback port (bound to 0, read back, released).
int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// Issue 16: --port P gives a bootstrap address that survives restarts.
TEST(BrokerProcessTest, PortFlagGivesTheSameBootstrapAddressAcrossRestarts) {
  const std::string port = internal::StrCat(FreePort());
  const std::string expected = "127.0.0.1:" + port;
  for (int run = 0; run < 2; ++run) {
    BrokerProcess broker;
    ASSERT_TRUE(broker.Start({"--brokers", "2", "--port", port, "--topic", "events:2"}));
    std::optional<std::string> bootstrap = broker.ReadLine();
    ASSERT_EQ(bootstrap, expected) << "run " << run;
    KSTREAMS_ASSERT_OK_AND_ASSIGN(auto admin,
                                  internal::Admin::Create({{"bootstrap.servers", expected}}));
    KSTREAMS_ASSERT_OK_AND_ASSIGN(auto topics, admin->ListTopics());
    EXPECT_EQ(topics, (std::map<std::string, int32_t>{{"events", 2}}));
    KSTREAMS_ASSERT_OK_AND_ASSIGN(auto producer,
                                  internal::Producer::Create(ProducerConfig(expected)));
    KSTREAMS_ASSERT_OK(producer->Send("events", 1, "k", "v", 10, {}));
    KSTREAMS_ASSERT_OK(producer->Flush(absl::Seconds(10)));
    KSTREAMS_ASSERT_OK(producer->TakeDeliveryStatus());
    KSTREAMS_ASSERT_OK_AND_ASSIGN(auto records, ReadTopic(expected, "events", 2, 1));
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].value, std::optional<std::string>("v"));
    producer.reset();
    admin.reset();
    const int status = broker.SignalAndWait(SIGTERM);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
}

TEST(BrokerProcessTest, BadArgumentsGiveUsageAndExitCode2) {
  const std::string bad_count = RunCommand(
      internal::StrCat(KSTREAMS_BROKER_PATH, " --brokers 0 2>&1; echo rc=$?"));
  EXPECT_THAT(bad_count, HasSubstr("--brokers wants a number from 1 to 16, got '0'"));
  EXPECT_THAT(bad_count, HasSubstr("usage: kstreams-broker"));
  EXPECT_THAT(bad_count, HasSubstr("rc=2"));
  const std::string bad_topic =
      RunCommand(internal::StrCat(KSTREAMS_BROKER_PATH, " --topic orders 2>&1; echo rc=$?"));
  EXPECT_THAT(bad_topic, HasSubstr("--topic wants name:partitions"));
  EXPECT_THAT(bad_topic, HasSubstr("rc=2"));
  const std::string unknown =
      RunCommand(internal::StrCat(KSTREAMS_BROKER_PATH, " --partitions 3 2>&1; echo rc=$?"));
  EXPECT_THAT(unknown, HasSubstr("unknown argument '--partitions'"));
  EXPECT_THAT(unknown, HasSubstr("rc=2"));
}

}  // namespace
}  // namespace kstreams
