// Interop with independent Kafka clients: kcat (librdkafka's CLI, but its own
// code paths) and kafka-python (a pure-Python client) read what our Producer
// wrote, and our Consumer reads what kcat wrote.
#include <algorithm>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integration/kafka/kafka_test_util.h"
#include "kafka/producer.h"
#include "kstreams/kafka/embedded_kafka.h"

namespace kstreams {
namespace {

using kafka_test::ProducerConfig;
using kafka_test::ReadTopic;
using kafka_test::RunCommand;
using ::testing::ElementsAre;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// Produces k1=v1, k2=v2, k3=v3 to a 1-partition topic.
void ProduceThree(EmbeddedKafka& kafka, const std::string& topic) {
  KSTREAMS_ASSERT_OK(kafka.CreateTopic(topic, 1));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto producer,
                                internal::Producer::Create(ProducerConfig(kafka.BootstrapServers())));
  for (int i = 1; i <= 3; ++i) {
    KSTREAMS_ASSERT_OK(producer->Send(topic, -1, internal::StrCat("k", i),
                                      internal::StrCat("v", i), 1000 * i, {}));
  }
  KSTREAMS_ASSERT_OK(producer->Flush(absl::Seconds(10)));
  KSTREAMS_ASSERT_OK(producer->TakeDeliveryStatus());
}

TEST(InteropTest, KcatReadsWhatOurProducerWrote) {
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto kafka, EmbeddedKafka::Start());
  ProduceThree(*kafka, "to-kcat");
  const std::string out = RunCommand(internal::StrCat(
      "timeout 20 kcat -C -q -b ", kafka->BootstrapServers(),
      " -t to-kcat -o beginning -e -f '%k=%s@%T\\n' 2>/dev/null"));
  EXPECT_THAT(Lines(out), ElementsAre("k1=v1@1000", "k2=v2@2000", "k3=v3@3000"));
}

TEST(InteropTest, KafkaPythonReadsWhatOurProducerWrote) {
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto kafka, EmbeddedKafka::Start());
  ProduceThree(*kafka, "to-python");
  // Debian's kafka-python lives in /usr/bin/python3's site-packages (not in
  // whatever python3 comes first on PATH).
  const std::string script = internal::StrCat(
      "from kafka import KafkaConsumer\n"
      "c = KafkaConsumer('to-python', bootstrap_servers='", kafka->BootstrapServers(), "',\n"
      "                  auto_offset_reset='earliest', consumer_timeout_ms=5000)\n"
      "n = 0\n"
      "for m in c:\n"
      "    print('%s=%s@%d' % (m.key.decode(), m.value.decode(), m.timestamp), flush=True)\n"
      "    n += 1\n"
      "    if n == 3: break\n");
  const std::string out =
      RunCommand(internal::StrCat("timeout 30 /usr/bin/python3 -c \"", script, "\" 2>&1"));
  EXPECT_THAT(Lines(out), ElementsAre("k1=v1@1000", "k2=v2@2000", "k3=v3@3000")) << out;
}

TEST(InteropTest, OurConsumerReadsWhatKcatWrote) {
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto kafka, EmbeddedKafka::Start());
  KSTREAMS_ASSERT_OK(kafka->CreateTopic("from-kcat", 1));
  RunCommand(internal::StrCat("printf 'a=1\\nb=2\\nc=\\n' | timeout 20 kcat -P -q -b ",
                              kafka->BootstrapServers(), " -t from-kcat -p 0 -K= 2>&1"));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto records,
                                ReadTopic(kafka->BootstrapServers(), "from-kcat", 1, 3));
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].key, "a");
  EXPECT_EQ(records[0].value, "1");
  EXPECT_EQ(records[1].key, "b");
  EXPECT_EQ(records[1].value, "2");
  EXPECT_EQ(records[2].key, "c");
  EXPECT_EQ(records[2].value, std::optional<std::string>(""));  // kcat sends empty, not null
}

}  // namespace
}  // namespace kstreams
