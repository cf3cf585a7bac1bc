// The word count of the README on the embedded broker: its output topic,
// read back by an independent client (kafka-python), equals the counts
// computed here from the input lines.
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integration/kafka/kafka_test_util.h"
#include "integration/runtime/runtime_test_util.h"
#include "kstreams/kstreams.h"

namespace kstreams {
namespace {

using runtime_test::KV;
using runtime_test::RuntimeIT;
using runtime_test::WaitFor;

using WordCountIT = runtime_test::BrokerIT;
KSTREAMS_INSTANTIATE_ON_BOTH_BROKERS(WordCountIT);

TEST_P(WordCountIT, OutputReadByKafkaPythonEqualsIndependentCounts) {
  KSTREAMS_ASSERT_OK(CreateTopic("lines", 3));
  KSTREAMS_ASSERT_OK(CreateTopic("word-counts", 3));
  static const char* kWords[] = {"kafka", "streams", "c++", "state", "table", "topic", "log"};
  std::vector<KV> lines;
  std::map<std::string, int64_t> expected;
  for (int i = 0; i < 300; ++i) {
    std::string line;
    for (int w = 0; w <= i % 4; ++w) {
      std::string word = kWords[(i * 5 + w * 3) % 7];
      line += (w ? "  " : "") + word;
      ++expected[word];
    }
    lines.emplace_back("line-" + std::to_string(i), line);
  }
  Produce("lines", lines);
  KafkaStreams streams(runtime_test::WordCountTopology(), Config("word-count"));
  KSTREAMS_ASSERT_OK(streams.Start());
  ASSERT_TRUE(WaitFor([&] { return runtime_test::QueryCounts(streams) == expected; },
                      absl::Seconds(30)));
  ASSERT_TRUE(streams.Close(absl::Seconds(30)));  // everything flushed and sent

  // kafka-python reads every partition to its end and keeps the latest
  // count per word (values are Java LongSerializer bytes: big-endian int64).
  const std::string script = internal::StrCat(
      "import struct\n"
      "from kafka import KafkaConsumer, TopicPartition\n"
      "c = KafkaConsumer(bootstrap_servers='", bootstrap_, "', group_id=None,\n"
      "                  enable_auto_commit=False, auto_offset_reset='earliest')\n"
      "parts = [TopicPartition('word-counts', p) for p in sorted(c.partitions_for_topic('word-counts'))]\n"
      "c.assign(parts)\n"
      "c.seek_to_beginning(*parts)\n"
      "ends = c.end_offsets(parts)\n"
      "latest = {}\n"
      "while any(c.position(tp) < ends[tp] for tp in parts):\n"
      "    for tp, msgs in c.poll(timeout_ms=500).items():\n"
      "        for m in msgs:\n"
      "            latest[m.key.decode()] = struct.unpack('>q', m.value)[0]\n"
      "for word in sorted(latest):\n"
      "    print('%s %d' % (word, latest[word]))\n");
  const std::string out = kafka_test::RunCommand(
      internal::StrCat("timeout 60 /usr/bin/python3 -c \"", script, "\" 2>&1"));
  std::map<std::string, int64_t> read_back;
  std::istringstream in(out);
  for (std::string word; in >> word;) in >> read_back[word];
  EXPECT_EQ(read_back, expected) << out;
}

}  // namespace
}  // namespace kstreams
