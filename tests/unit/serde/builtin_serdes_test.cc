// Built-in serdes: exact bytes worked out by hand from Java's documented
// encodings (java.nio big-endian integers, IEEE-754 bit patterns, UUID
// strings), round trips, and errors naming the topic.
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/serde/serde.h"

namespace {

using ::testing::HasSubstr;
namespace serdes = kstreams::serdes;

std::string Bytes(std::initializer_list<int> b) {
  std::string s;
  for (int v : b) s.push_back(static_cast<char>(v));
  return s;
}

template <typename T>
std::string Ser(const kstreams::SerdePtr<T>& serde, const T& v) {
  std::string out = "garbage to be replaced";
  absl::Status s = serde->Serialize("t", v, out);
  EXPECT_TRUE(s.ok()) << s;
  return out;
}

template <typename T>
T De(const kstreams::SerdePtr<T>& serde, const std::string& bytes) {
  absl::StatusOr<T> v = serde->Deserialize("t", bytes);
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? *v : T{};
}

TEST(Int16SerdeTest, BigEndianTwoBytes) {
  auto s = serdes::Int16();
  EXPECT_EQ(Ser<int16_t>(s, 1), Bytes({0x00, 0x01}));
  EXPECT_EQ(Ser<int16_t>(s, -1), Bytes({0xFF, 0xFF}));
  EXPECT_EQ(Ser<int16_t>(s, 0x1234), Bytes({0x12, 0x34}));
  EXPECT_EQ(Ser<int16_t>(s, std::numeric_limits<int16_t>::min()), Bytes({0x80, 0x00}));
  EXPECT_EQ(De(s, Bytes({0xFF, 0xFE})), -2);
  EXPECT_EQ(De(s, Bytes({0x7F, 0xFF})), 32767);
}

TEST(Int32SerdeTest, BigEndianFourBytes) {
  auto s = serdes::Int32();
  EXPECT_EQ(Ser<int32_t>(s, -1), Bytes({0xFF, 0xFF, 0xFF, 0xFF}));
  EXPECT_EQ(Ser<int32_t>(s, 42), Bytes({0x00, 0x00, 0x00, 0x2A}));
  EXPECT_EQ(Ser<int32_t>(s, 0x01020304), Bytes({0x01, 0x02, 0x03, 0x04}));
  EXPECT_EQ(Ser<int32_t>(s, std::numeric_limits<int32_t>::min()), Bytes({0x80, 0, 0, 0}));
  EXPECT_EQ(De(s, Bytes({0x00, 0x00, 0x01, 0x00})), 256);
  EXPECT_EQ(De(s, Bytes({0x80, 0x00, 0x00, 0x01})), std::numeric_limits<int32_t>::min() + 1);
}

TEST(Int64SerdeTest, BigEndianEightBytes) {
  auto s = serdes::Int64();
  EXPECT_EQ(Ser<int64_t>(s, 1), Bytes({0, 0, 0, 0, 0, 0, 0, 1}));
  EXPECT_EQ(Ser<int64_t>(s, -2), Bytes({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE}));
  EXPECT_EQ(Ser<int64_t>(s, 0x0102030405060708LL), Bytes({1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(Ser<int64_t>(s, std::numeric_limits<int64_t>::max()),
            Bytes({0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}));
  EXPECT_EQ(De(s, Bytes({0, 0, 0, 1, 0, 0, 0, 0})), int64_t{1} << 32);
}

TEST(DoubleSerdeTest, Ieee754BinaryBigEndian) {
  auto s = serdes::Double();
  EXPECT_EQ(Ser<double>(s, 1.0), Bytes({0x3F, 0xF0, 0, 0, 0, 0, 0, 0}));
  // -2.5 = -1.25 * 2^1: sign 1, exponent 1024 (0x400), fraction .25 -> C0 04 00..
  EXPECT_EQ(Ser<double>(s, -2.5), Bytes({0xC0, 0x04, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Ser<double>(s, 0.0), Bytes({0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Ser<double>(s, -0.0), Bytes({0x80, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Ser<double>(s, std::numeric_limits<double>::infinity()),
            Bytes({0x7F, 0xF0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(De(s, Bytes({0x40, 0x09, 0x21, 0xFB, 0x54, 0x44, 0x2D, 0x18})), 3.141592653589793);
  // Java's DoubleSerializer uses doubleToLongBits: any NaN -> 7FF8000000000000.
  double payload_nan = std::bit_cast<double>(uint64_t{0xFFF8000000000123ULL});
  ASSERT_TRUE(std::isnan(payload_nan));
  EXPECT_EQ(Ser<double>(s, payload_nan), Bytes({0x7F, 0xF8, 0, 0, 0, 0, 0, 0}));
}

TEST(FloatSerdeTest, Ieee754BinaryBigEndianRawBits) {
  auto s = serdes::Float();
  EXPECT_EQ(Ser<float>(s, 1.0f), Bytes({0x3F, 0x80, 0x00, 0x00}));
  EXPECT_EQ(Ser<float>(s, -2.5f), Bytes({0xC0, 0x20, 0x00, 0x00}));
  EXPECT_EQ(De(s, Bytes({0x41, 0x20, 0x00, 0x00})), 10.0f);
  // FloatSerializer uses floatToRawIntBits: NaN payloads are kept.
  float nan = std::bit_cast<float>(uint32_t{0xFFC00001u});
  EXPECT_EQ(Ser<float>(s, nan), Bytes({0xFF, 0xC0, 0x00, 0x01}));
}

TEST(BoolSerdeTest, OneByte) {
  auto s = serdes::Bool();
  EXPECT_EQ(Ser<bool>(s, true), Bytes({0x01}));
  EXPECT_EQ(Ser<bool>(s, false), Bytes({0x00}));
  EXPECT_TRUE(De(s, Bytes({0x01})));
  EXPECT_FALSE(De(s, Bytes({0x00})));
  absl::StatusOr<bool> bad = s->Deserialize("flags", Bytes({0x02}));
  EXPECT_EQ(bad.status().message(), "BooleanDeserializer on topic 'flags': byte 2 is neither 0 nor 1");
}

TEST(StringSerdeTest, Utf8BytesUnchanged) {
  auto s = serdes::String();
  EXPECT_EQ(Ser<std::string>(s, "h\xC3\xA9llo"), "h\xC3\xA9llo");
  EXPECT_EQ(Ser<std::string>(s, ""), "");
  EXPECT_EQ(De(s, std::string("a\0b", 3)), std::string("a\0b", 3));
}

TEST(ByteArraySerdeTest, BytesUnchanged) {
  auto s = serdes::ByteArrayRaw();
  EXPECT_EQ(Ser<kstreams::ByteArray>(s, {0x00, 0xFF, 0x10}), Bytes({0x00, 0xFF, 0x10}));
  EXPECT_EQ(De(s, Bytes({0x7F, 0x00})), (kstreams::ByteArray{0x7F, 0x00}));
}

TEST(UuidSerdeTest, JavasCanonicalStringForm) {
  auto s = serdes::UuidSerde();
  KSTREAMS_ASSERT_OK_AND_ASSIGN(kstreams::Uuid u,
                                kstreams::Uuid::Parse("123E4567-E89B-12D3-A456-426614174000"));
  EXPECT_EQ(u.bytes()[0], 0x12);
  EXPECT_EQ(u.bytes()[15], 0x00);
  EXPECT_EQ(Ser(s, u), "123e4567-e89b-12d3-a456-426614174000");  // lower case, 36 bytes
  EXPECT_EQ(De(s, "123e4567-e89b-12d3-a456-426614174000"), u);
  // java.util.UUID.fromString accepts short groups.
  KSTREAMS_ASSERT_OK_AND_ASSIGN(kstreams::Uuid shortform, kstreams::Uuid::Parse("1-2-3-4-5"));
  EXPECT_EQ(shortform.ToString(), "00000001-0002-0003-0004-000000000005");
}

TEST(UuidSerdeTest, ParseErrorsNameTheTopic) {
  auto s = serdes::UuidSerde();
  for (const char* bad : {"", "not-a-uuid", "123e4567-e89b-12d3-a456-42661417400g",
                          "123e4567e89b12d3a456426614174000", "123456789-1-1-1-1",
                          "123e4567-e89b-12d3-a456-426614174000-"}) {
    absl::StatusOr<kstreams::Uuid> r = s->Deserialize("ids", bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_THAT(std::string(r.status().message()), HasSubstr("UUIDDeserializer on topic 'ids'"))
        << bad;
  }
}

TEST(VoidSerdeTest, AlwaysNull) {
  auto s = serdes::VoidSerde();
  EXPECT_TRUE(s->IsNull(kstreams::Void{}));
  KSTREAMS_EXPECT_OK(s->DeserializeNull("t"));
  absl::StatusOr<kstreams::Void> r = s->Deserialize("keys", "x");
  EXPECT_EQ(r.status().message(), "VoidDeserializer on topic 'keys': expected null, got 1 bytes");
}

TEST(OptionalSerdeTest, NulloptIsNullAndValuesUseTheInnerSerde) {
  auto s = kstreams::SerdeFor<std::optional<int32_t>>();
  EXPECT_TRUE(s->IsNull(std::nullopt));
  EXPECT_FALSE(s->IsNull(7));
  EXPECT_EQ(Ser<std::optional<int32_t>>(s, 7), Bytes({0, 0, 0, 7}));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(std::optional<int32_t> null_value, s->DeserializeNull("t"));
  EXPECT_EQ(null_value, std::nullopt);
  EXPECT_EQ(De(s, Bytes({0, 0, 1, 0})), std::optional<int32_t>(256));
  // std::optional<kstreams::Void>: always null.
  EXPECT_TRUE(kstreams::SerdeFor<std::optional<kstreams::Void>>()->IsNull(kstreams::Void{}));
}

TEST(SerdeErrorTest, WrongSizesNameTheTopicAndTheJavaDeserializer) {
  EXPECT_EQ(serdes::Int16()->Deserialize("t1", "abc").status().message(),
            "ShortDeserializer on topic 't1': expected 2 bytes, got 3");
  EXPECT_EQ(serdes::Int32()->Deserialize("t2", "abc").status().message(),
            "IntegerDeserializer on topic 't2': expected 4 bytes, got 3");
  EXPECT_EQ(serdes::Int64()->Deserialize("t3", "").status().message(),
            "LongDeserializer on topic 't3': expected 8 bytes, got 0");
  EXPECT_EQ(serdes::Float()->Deserialize("t4", "abcde").status().message(),
            "FloatDeserializer on topic 't4': expected 4 bytes, got 5");
  EXPECT_EQ(serdes::Double()->Deserialize("t5", "a").status().message(),
            "DoubleDeserializer on topic 't5': expected 8 bytes, got 1");
  EXPECT_EQ(serdes::Bool()->Deserialize("t6", "").status().message(),
            "BooleanDeserializer on topic 't6': expected 1 bytes, got 0");
}

TEST(SerdeErrorTest, NullIntoANonNullableTypeSaysHowToAcceptNulls) {
  absl::StatusOr<int64_t> r = serdes::Int64()->DeserializeNull("counts");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "null bytes on topic 'counts' cannot be deserialized into long; declare the type "
            "as std::optional<...> (or kstreams::Void for keyless topics) to receive nulls");
}

TEST(DefaultSerdeTest, PickedByType) {
  EXPECT_EQ(kstreams::SerdeFor<std::string>(), serdes::String());
  EXPECT_EQ(kstreams::SerdeFor<int16_t>(), serdes::Int16());
  EXPECT_EQ(kstreams::SerdeFor<int32_t>(), serdes::Int32());
  EXPECT_EQ(kstreams::SerdeFor<int64_t>(), serdes::Int64());
  EXPECT_EQ(kstreams::SerdeFor<float>(), serdes::Float());
  EXPECT_EQ(kstreams::SerdeFor<double>(), serdes::Double());
  EXPECT_EQ(kstreams::SerdeFor<bool>(), serdes::Bool());
  EXPECT_EQ(kstreams::SerdeFor<kstreams::Uuid>(), serdes::UuidSerde());
  EXPECT_EQ(kstreams::SerdeFor<kstreams::Void>(), serdes::VoidSerde());
  EXPECT_EQ(kstreams::SerdeFor<kstreams::ByteArray>(), serdes::ByteArrayRaw());
  struct NoSerde {};
  EXPECT_EQ(kstreams::SerdeOrDefault<NoSerde>(nullptr), nullptr);
}

TEST(RoundTripTest, ExtremesSurvive) {
  for (int64_t v : {std::numeric_limits<int64_t>::min(), int64_t{-1}, int64_t{0},
                    std::numeric_limits<int64_t>::max()}) {
    EXPECT_EQ(De(serdes::Int64(), Ser(serdes::Int64(), v)), v);
  }
  for (double v : {std::numeric_limits<double>::lowest(), std::numeric_limits<double>::denorm_min(),
                   -0.0, 1e300}) {
    EXPECT_EQ(std::bit_cast<uint64_t>(De(serdes::Double(), Ser(serdes::Double(), v))),
              std::bit_cast<uint64_t>(v));
  }
}

}  // namespace
