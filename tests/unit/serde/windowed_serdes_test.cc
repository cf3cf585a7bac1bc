// Windowed serdes against layouts worked out by hand from Java's
// WindowKeySchema.toBinary (key + 8-byte start) and SessionKeySchema.toBinary
// (key + 8-byte end + 8-byte start).
#include "kstreams/serde/windowed_serdes.h"

#include <chrono>
#include <limits>
#include <string>

#include "gtest/gtest.h"

namespace kstreams {
namespace {

using std::chrono::milliseconds;

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

TEST(TimeWindowedSerde, WritesKeyThenBigEndianStart) {
  auto serde = serdes::TimeWindowed<std::string>(milliseconds(60'000));
  std::string out;
  ASSERT_TRUE(serde->Serialize("t", Windowed<std::string>{"abc", Window(258, 60'258)}, out).ok());
  EXPECT_EQ(out, Bytes({'a', 'b', 'c', 0, 0, 0, 0, 0, 0, 1, 2}));
}

TEST(TimeWindowedSerde, ReadsTheEndFromTheWindowSize) {
  auto serde = serdes::TimeWindowed<int32_t>(milliseconds(500));
  // int32 key 7, start 1'700'000'000'000 = 0x18BCFE56800.
  auto back = serde->Deserialize(
      "t", Bytes({0, 0, 0, 7, 0, 0, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x00}));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, (Windowed<int32_t>{7, Window(1'700'000'000'000, 1'700'000'000'500)}));
}

TEST(TimeWindowedSerde, EndSaturatesForHugeWindows) {
  auto serde = serdes::TimeWindowed<std::string>(milliseconds(std::numeric_limits<int64_t>::max()));
  auto back = serde->Deserialize("t", Bytes({'k', 0, 0, 0, 0, 0, 0, 0, 9}));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->window, Window(9, std::numeric_limits<int64_t>::max()));
}

TEST(TimeWindowedSerde, ShortInputIsAnErrorNamingTheTopic) {
  auto serde = serdes::TimeWindowed<std::string>(milliseconds(1));
  auto back = serde->Deserialize("clicks", "1234567");
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(std::string(back.status().message()),
            "time-windowed key on topic 'clicks' needs at least 8 bytes, got 7");
}

TEST(SessionWindowedSerde, WritesKeyThenEndThenStart) {
  auto serde = serdes::SessionWindowed<std::string>();
  std::string out;
  ASSERT_TRUE(serde->Serialize("t", Windowed<std::string>{"k", Window(1, 258)}, out).ok());
  EXPECT_EQ(out, Bytes({'k', 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 1}));
  auto back = serde->Deserialize("t", out);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, (Windowed<std::string>{"k", Window(1, 258)}));
}

TEST(SessionWindowedSerde, EmptyKeyAndShortInput) {
  auto serde = serdes::SessionWindowed<std::string>(serdes::String());
  auto back = serde->Deserialize("t", Bytes({0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 3}));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, (Windowed<std::string>{"", Window(3, 5)}));
  EXPECT_FALSE(serde->Deserialize("t", std::string(15, '\0')).ok());
}

}  // namespace
}  // namespace kstreams
