// Murmur2 / Murmur2Partition against values known from the Java client.
#include <string>

#include "gtest/gtest.h"
#include "kafka/kafka_common.h"

namespace kstreams::internal {
namespace {

// Test vectors of Kafka's clients UtilsTest.testMurmur2.
TEST(Murmur2Test, MatchesJavaUtilsTestVectors) {
  EXPECT_EQ(Murmur2("21"), -973932308);
  EXPECT_EQ(Murmur2("foobar"), -790332482);
  EXPECT_EQ(Murmur2("a-little-bit-long-string"), -985981536);
  EXPECT_EQ(Murmur2("a-little-bit-longer-string"), -1486304829);
  EXPECT_EQ(Murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"), -58897971);
  EXPECT_EQ(Murmur2("abc"), 479470107);
}

TEST(Murmur2Test, HashesBytesNotCharacters) {
  // Bytes >= 0x80 must be taken unsigned (Java masks with 0xff).
  const std::string high("\xff\xfe\x80", 3);
  const std::string low("\x7f\x7e\x00", 3);
  EXPECT_NE(Murmur2(high), Murmur2(low));
  EXPECT_EQ(Murmur2(std::string("a\0b", 3)), Murmur2(std::string("a\0b", 3)));
}

TEST(Murmur2PartitionTest, ClearsSignBitThenTakesModulo) {
  // toPositive(-790332482) = -790332482 & 0x7fffffff = 1357151166.
  EXPECT_EQ(Murmur2Partition("foobar", 10), 1357151166 % 10);  // 6
  EXPECT_EQ(Murmur2Partition("foobar", 50), 16);
  // toPositive(-973932308) = 1173551340.
  EXPECT_EQ(Murmur2Partition("21", 7), 1173551340 % 7);
  // A positive hash is used as is: 479470107 % 12 = 3.
  EXPECT_EQ(Murmur2Partition("abc", 12), 479470107 % 12);
  EXPECT_EQ(Murmur2Partition("anything", 1), 0);
}

TEST(TopicPartitionTest, PrintsLikeJava) {
  EXPECT_EQ((TopicPartition{"orders", 3}.ToString()), "orders-3");
}

}  // namespace
}  // namespace kstreams::internal
