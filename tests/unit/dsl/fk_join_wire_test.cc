// Foreign-key join wire formats and hash: byte layouts from Kafka Streams'
// SubscriptionWrapperSerde / SubscriptionResponseWrapperSerde comments, hash
// values from an independent Python implementation of MurmurHash3_x64_128
// (seed 0 values agree with the published reference vectors).
#include <string>

#include "common/status_matchers.h"
#include "gtest/gtest.h"
#include "kstreams/dsl/internal/fk_join_wire.h"

namespace kstreams::internal {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

TEST(Murmur3Hash128, MatchesReferenceValues) {
  EXPECT_EQ(Murmur3Hash128("", 0), (Hash128{0, 0}));
  EXPECT_EQ(Murmur3Hash128("hello", 0), (Hash128{0xcbd8a7b341bd9b02ull, 0x5b1e906a48ae1d19ull}));
  EXPECT_EQ(Murmur3Hash128("The quick brown fox jumps over the lazy dog", 0),
            (Hash128{0xe34bbc7bbc071b6cull, 0x7a433ca9c49a9347ull}));
  // Kafka's seed, default argument.
  EXPECT_EQ(Murmur3Hash128(""), (Hash128{0x9d2764a018e32942ull, 0x8c3cf3b035938518ull}));
  EXPECT_EQ(Murmur3Hash128("a"), (Hash128{0x3361634e7e0f5188ull, 0xe9c7dda24eae326bull}));
  EXPECT_EQ(Murmur3Hash128("hello"), (Hash128{0x30bfb4f39919e764ull, 0x566aea857401d1c6ull}));
  std::string ramp;
  for (int i = 0; i < 31; ++i) ramp.push_back(static_cast<char>(i));  // one block + 15-byte tail
  EXPECT_EQ(Murmur3Hash128(ramp), (Hash128{0x7cb11ca7d8a75abcull, 0xeb1b7433891174bdull}));
}

TEST(SubscriptionWrapperSerde, WritesJavasLayout) {
  SubscriptionWrapperSerde<std::string> serde(serdes::String());
  SubscriptionWrapper<std::string> w{Hash128{1, 2},
                                     SubscriptionInstruction::kPropagateNullIfNoFkValAvailable,
                                     "k", 3, 1};
  std::string out;
  KSTREAMS_ASSERT_OK(serde.Serialize("t", w, out));
  EXPECT_EQ(out, Bytes({0x01, 0x02, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 'k', 0, 0, 0, 3}));
  auto back = serde.Deserialize("t", out);
  KSTREAMS_ASSERT_OK(back);
  EXPECT_EQ(back->hash, w.hash);
  EXPECT_EQ(back->instruction, w.instruction);
  EXPECT_EQ(back->primary_key, "k");
  EXPECT_EQ(back->primary_partition, 3);

  w.hash.reset();  // a delete carries no hash: the high bit of the first byte says so
  w.instruction = SubscriptionInstruction::kDeleteKeyAndPropagate;
  KSTREAMS_ASSERT_OK(serde.Serialize("t", w, out));
  EXPECT_EQ(out, Bytes({0x81, 0x01, 'k', 0, 0, 0, 3}));
  back = serde.Deserialize("t", out);
  KSTREAMS_ASSERT_OK(back);
  EXPECT_FALSE(back->hash.has_value());
  EXPECT_EQ(serde.Deserialize("t", Bytes({0x01, 0x09, 'k', 0, 0, 0, 0})).status().code(),
            absl::StatusCode::kInvalidArgument);  // instruction 9 does not exist
}

TEST(SubscriptionResponseWrapperSerde, WritesJavasLayout) {
  SubscriptionResponseWrapperSerde<std::string> serde(serdes::String());
  SubscriptionResponseWrapper<std::string> r{Hash128{0, 0x0102}, "v", 5, 0};
  std::string out;
  KSTREAMS_ASSERT_OK(serde.Serialize("t", r, out));
  EXPECT_EQ(out, Bytes({0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 'v'}));
  r.foreign_value.reset();
  r.hash.reset();
  KSTREAMS_ASSERT_OK(serde.Serialize("t", r, out));
  EXPECT_EQ(out, Bytes({0x80}));  // no hash, no value
  auto back = serde.Deserialize("t", out);
  KSTREAMS_ASSERT_OK(back);
  EXPECT_FALSE(back->hash.has_value());
  EXPECT_FALSE(back->foreign_value.has_value());
}

}  // namespace
}  // namespace kstreams::internal
