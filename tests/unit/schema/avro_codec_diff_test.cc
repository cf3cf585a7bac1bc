// The struct codec of avro_traits.h (Encode/Decode, Avro's binary encoding
// written by hand over avro_binary.h) against avro-c's own encoding, over
// generated records of every type the traits map (primitives with their edge
// values, logical types, optional, arrays, maps, enums, nested records):
//  - Encode(v) equals avro-c's encoding of ToGeneric(v), byte for byte;
//  - Decode reads avro-c's bytes back to a value that encodes to them again,
//    and avro-c reads Encode's bytes back to the same;
//  - every strict prefix of a record is an error for both decoders, and
//    corrupted bytes never crash either (nor, under ASan, leak).
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "gtest/gtest.h"
#include "kstreams/schema/avro_schema.h"
#include "kstreams/schema/avro_traits.h"
#include "kstreams/schema/avro_value.h"

namespace avro_codec_diff_test {

enum class Color { kRed, kGreen, kBlue };
struct Inner {
  int32_t a = 0;
  std::optional<std::string> s;
  std::vector<int64_t> xs;
};
struct Everything {
  bool b = false;
  int32_t i = 0;
  int64_t l = 0;
  float f = 0;
  double d = 0;
  std::string s;
  kstreams::ByteArray bytes;
  kstreams::Uuid uuid;
  absl::CivilDay day;
  absl::Time at;
  std::optional<int64_t> maybe;
  std::vector<std::string> names;
  std::map<std::string, double> weights;
  Color color = Color::kRed;
  std::optional<Color> maybe_color;
  Inner inner;
  std::vector<Inner> inners;
  std::map<std::string, std::vector<std::optional<Inner>>> nested;
};

}  // namespace avro_codec_diff_test

template <>
struct kstreams::avro::AvroEnum<avro_codec_diff_test::Color> {
  static constexpr std::string_view kName = "diff.Color";
  static std::vector<std::string_view> Symbols() { return {"RED", "GREEN", "BLUE"}; }
};
template <>
struct kstreams::avro::AvroRecord<avro_codec_diff_test::Inner> {
  static constexpr std::string_view kName = "diff.Inner";
  static auto Fields() {
    using avro_codec_diff_test::Inner;
    return std::make_tuple(FieldOf("a", &Inner::a), FieldOf("s", &Inner::s), FieldOf("xs", &Inner::xs));
  }
};
template <>
struct kstreams::avro::AvroRecord<avro_codec_diff_test::Everything> {
  static constexpr std::string_view kName = "diff.Everything";
  static auto Fields() {
    using avro_codec_diff_test::Everything;
    return std::make_tuple(
        FieldOf("b", &Everything::b), FieldOf("i", &Everything::i), FieldOf("l", &Everything::l),
        FieldOf("f", &Everything::f), FieldOf("d", &Everything::d), FieldOf("s", &Everything::s),
        FieldOf("bytes", &Everything::bytes), FieldOf("uuid", &Everything::uuid), FieldOf("day", &Everything::day),
        FieldOf("at", &Everything::at), FieldOf("maybe", &Everything::maybe), FieldOf("names", &Everything::names),
        FieldOf("weights", &Everything::weights), FieldOf("color", &Everything::color),
        FieldOf("maybe_color", &Everything::maybe_color), FieldOf("inner", &Everything::inner),
        FieldOf("inners", &Everything::inners), FieldOf("nested", &Everything::nested));
  }
};

namespace avro_codec_diff_test {

using kstreams::avro::AvroType;
using kstreams::avro::BinaryReader;
using kstreams::avro::GenericValue;
using kstreams::avro::Schema;

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  Everything Record() {
    Everything e;
    e.b = Coin();
    e.i = Int32();
    e.l = Int64();
    e.f = Float();
    e.d = Double();
    e.s = String();
    const std::string raw = String();
    e.bytes.assign(raw.begin(), raw.end());
    std::array<uint8_t, 16> u;
    for (uint8_t& b : u) b = static_cast<uint8_t>(rng_());
    e.uuid = kstreams::Uuid(u);
    e.day = absl::CivilDay(1970, 1, 1) + Below(2000001) - 1000000;
    e.at = absl::FromUnixMillis(static_cast<int64_t>(rng_() % (int64_t{1} << 50)) - (int64_t{1} << 49));
    if (Coin()) e.maybe = Int64();
    for (int n = Below(4); n > 0; --n) e.names.push_back(String());
    for (int n = Below(4); n > 0; --n) e.weights[Key()] = Double();
    e.color = static_cast<Color>(Below(3));
    if (Coin()) e.maybe_color = static_cast<Color>(Below(3));
    e.inner = MakeInner();
    for (int n = Below(3); n > 0; --n) e.inners.push_back(MakeInner());
    for (int n = Below(3); n > 0; --n) {
      auto& list = e.nested[Key()];
      for (int m = Below(3); m > 0; --m) list.push_back(Coin() ? std::optional<Inner>() : MakeInner());
    }
    return e;
  }

 private:
  Inner MakeInner() {
    Inner in;
    in.a = Int32();
    if (Coin()) in.s = String();
    for (int n = Below(4); n > 0; --n) in.xs.push_back(Int64());
    return in;
  }
  bool Coin() { return rng_() % 2 == 0; }
  int Below(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }
  int32_t Int32() {
    static constexpr int32_t kEdges[] = {0, 1, -1, 63, 64, -64, -65, std::numeric_limits<int32_t>::max(),
                                         std::numeric_limits<int32_t>::min()};
    if (Below(3) == 0) return kEdges[Below(std::size(kEdges))];
    return static_cast<int32_t>(rng_() >> Below(32));
  }
  int64_t Int64() {
    static constexpr int64_t kEdges[] = {0, 1, -1, 8191, 8192, -8193, std::numeric_limits<int64_t>::max(),
                                         std::numeric_limits<int64_t>::min()};
    if (Below(3) == 0) return kEdges[Below(std::size(kEdges))];
    return static_cast<int64_t>(rng_() >> Below(64));
  }
  float Float() {
    static const float kEdges[] = {0.0f, -0.0f, 1.5f, std::numeric_limits<float>::infinity(),
                                   std::numeric_limits<float>::denorm_min(), std::numeric_limits<float>::max()};
    if (Below(3) == 0) return kEdges[Below(std::size(kEdges))];
    return std::uniform_real_distribution<float>(-1e6f, 1e6f)(rng_);
  }
  double Double() {
    static const double kEdges[] = {0.0, -0.0, 0.1, -std::numeric_limits<double>::infinity(),
                                    std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::lowest()};
    if (Below(3) == 0) return kEdges[Below(std::size(kEdges))];
    return std::uniform_real_distribution<double>(-1e12, 1e12)(rng_);
  }
  std::string String() {
    // Lengths around the varint boundary at 64, bytes of every value.
    const int n = Below(4) == 0 ? 60 + Below(10) : Below(12);
    std::string s;
    for (int k = 0; k < n; ++k) s.push_back(static_cast<char>(rng_()));
    return s;
  }

  // avro-c keeps map keys as C strings: no NUL in them.
  std::string Key() {
    std::string s;
    for (int k = Below(10); k >= 0; --k) s.push_back(static_cast<char>('a' + Below(26)));
    return s;
  }

  std::mt19937_64 rng_;
};

std::string DirectEncoding(const Everything& e) {
  std::string out;
  {
    kstreams::avro::BinaryWriter writer(out);
    EXPECT_TRUE(AvroType<Everything>::Encode(e, writer));
  }
  return out;
}

std::string AvroCEncoding(const Schema& schema, const Everything& e) {
  GenericValue v(schema);
  absl::Status to_generic = kstreams::avro::ToGeneric(e, v.root());
  EXPECT_TRUE(to_generic.ok()) << to_generic;
  std::string out;
  EXPECT_TRUE(kstreams::avro::Encode(v, out).ok());
  return out;
}

TEST(AvroCodecDiffTest, DirectEncodingIsAvroCsByteForByte) {
  KSTREAMS_ASSERT_OK_AND_ASSIGN(Schema schema, Schema::Parse(kstreams::avro::SchemaJsonOf<Everything>()));
  Generator gen(20261208);
  int records = 0;
  size_t total_bytes = 0;
  for (int n = 0; n < 1500; ++n) {
    const Everything e = gen.Record();
    const std::string direct = DirectEncoding(e);
    const std::string avro_c = AvroCEncoding(schema, e);
    ASSERT_EQ(direct, avro_c) << "record " << n;
    // Decode reads avro-c's bytes to a value that encodes to them again.
    BinaryReader in(avro_c);
    Everything back;
    ASSERT_TRUE(AvroType<Everything>::Decode(in, back)) << in.status();
    EXPECT_EQ(in.remaining(), 0u);
    EXPECT_EQ(DirectEncoding(back), avro_c) << "record " << n;
    // avro-c reads the direct bytes to the same.
    KSTREAMS_ASSERT_OK_AND_ASSIGN(GenericValue generic, kstreams::avro::Decode(direct, schema, schema));
    Everything from_generic;
    KSTREAMS_ASSERT_OK(kstreams::avro::FromGeneric(generic.root(), from_generic));
    EXPECT_EQ(DirectEncoding(from_generic), direct) << "record " << n;
    ++records;
    total_bytes += direct.size();
  }
  EXPECT_EQ(records, 1500);
  EXPECT_GT(total_bytes, 1500u * 100);
}

TEST(AvroCodecDiffTest, PrefixesAndCorruptionsAreErrorsNotCrashes) {
  KSTREAMS_ASSERT_OK_AND_ASSIGN(Schema schema, Schema::Parse(kstreams::avro::SchemaJsonOf<Everything>()));
  Generator gen(7);
  std::mt19937_64 rng(11);
  for (int n = 0; n < 60; ++n) {
    const std::string bytes = DirectEncoding(gen.Record());
    for (size_t cut = 0; cut < bytes.size(); ++cut) {
      const std::string prefix = bytes.substr(0, cut);
      BinaryReader in(prefix);
      Everything back;
      EXPECT_FALSE(AvroType<Everything>::Decode(in, back)) << "record " << n << " cut at " << cut;
      EXPECT_FALSE(kstreams::avro::Decode(prefix, schema, schema).ok()) << "record " << n << " cut at " << cut;
    }
    for (int k = 0; k < 50; ++k) {
      std::string corrupt = bytes;
      for (int flips = 1 + static_cast<int>(rng() % 3); flips > 0; --flips) {
        corrupt[rng() % corrupt.size()] = static_cast<char>(rng());
      }
      BinaryReader in(corrupt);
      Everything back;
      const bool direct_ok = AvroType<Everything>::Decode(in, back);
      const bool check_ok = kstreams::avro::CheckEncoding(schema, corrupt).ok();
      // The same bytes are well-formed for both or for neither (a UUID that
      // is not one is the codec's alone to reject).
      if (direct_ok) {
        EXPECT_TRUE(check_ok);
      }
      (void)kstreams::avro::Decode(corrupt, schema, schema);
    }
  }
}

}  // namespace avro_codec_diff_test
