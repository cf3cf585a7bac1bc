// Avro data over avro-c: generic values, encodings checked against bytes
// worked out by hand from the Avro specification (zigzag varints), logical
// types, resolution with defaults, and the struct trait.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/schema/avro_schema.h"
#include "kstreams/schema/avro_traits.h"
#include "kstreams/schema/avro_value.h"

namespace avro_value_test {

using kstreams::avro::Decimal;
using kstreams::avro::GenericValue;
using kstreams::avro::Schema;
using kstreams::avro::Type;
using kstreams::avro::ValueRef;

Schema Parse(std::string_view json) {
  absl::StatusOr<Schema> s = Schema::Parse(json);
  EXPECT_TRUE(s.ok()) << s.status();
  return *s;
}

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

constexpr std::string_view kOrder = R"({"type":"record","name":"Order","namespace":"shop","fields":[
  {"name":"id","type":"long"},{"name":"name","type":"string"},{"name":"qty","type":"int"}]})";

TEST(AvroValueTest, RecordEncodesAsZigzagVarintsInFieldOrder) {
  GenericValue order(Parse(kOrder));
  KSTREAMS_ASSERT_OK(order.Field("id")->SetLong(7));      // zigzag 14
  KSTREAMS_ASSERT_OK(order.Field("name")->SetString("ab"));  // length 2 -> 4, 'a', 'b'
  KSTREAMS_ASSERT_OK(order.Field("qty")->SetInt(-3));     // zigzag 5
  std::string bytes;
  KSTREAMS_ASSERT_OK(kstreams::avro::Encode(order, bytes));
  EXPECT_EQ(bytes, Bytes({0x0e, 0x04, 'a', 'b', 0x05}));
  EXPECT_EQ(order.schema().FullName(), "shop.Order");
}

TEST(AvroValueTest, LongOf64TakesTwoVarintBytes) {
  GenericValue v(Parse(R"("long")"));
  KSTREAMS_ASSERT_OK(v.root().SetLong(64));  // zigzag 128 = 0x80 0x01
  std::string bytes;
  KSTREAMS_ASSERT_OK(kstreams::avro::Encode(v, bytes));
  EXPECT_EQ(bytes, Bytes({0x80, 0x01}));
}

TEST(AvroValueTest, UnionsArraysMapsEnumsAndFixed) {
  Schema schema = Parse(R"({"type":"record","name":"R","fields":[
    {"name":"u","type":["null","string"]},
    {"name":"a","type":{"type":"array","items":"int"}},
    {"name":"m","type":{"type":"map","values":"boolean"}},
    {"name":"e","type":{"type":"enum","name":"Color","symbols":["RED","GREEN"]}},
    {"name":"f","type":{"type":"fixed","name":"Two","size":2}}]})");
  GenericValue v(schema);
  KSTREAMS_ASSERT_OK_AND_ASSIGN(ValueRef u, v.Field("u"));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(ValueRef s, u.SetBranch(Type::kString));
  KSTREAMS_ASSERT_OK(s.SetString("x"));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(ValueRef a, v.Field("a"));
  KSTREAMS_ASSERT_OK(a.Append()->SetInt(1));
  KSTREAMS_ASSERT_OK(a.Append()->SetInt(2));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(ValueRef m, v.Field("m"));
  KSTREAMS_ASSERT_OK(m.MapEntry("k")->SetBool(true));
  KSTREAMS_ASSERT_OK(v.Field("e")->SetEnum("GREEN"));
  KSTREAMS_ASSERT_OK(v.Field("f")->SetFixed("hi"));
  std::string bytes;
  KSTREAMS_ASSERT_OK(kstreams::avro::Encode(v, bytes));
  // union branch 1 (zigzag 2), "x"; array block of 2 (zigzag 4): 1 -> 2,
  // 2 -> 4, end 0; map block of 1 (2): "k", true, end; enum index 1 (2);
  // fixed raw.
  EXPECT_EQ(bytes, Bytes({0x02, 0x02, 'x', 0x04, 0x02, 0x04, 0x00, 0x02, 0x02, 'k', 0x01, 0x00,
                          0x02, 'h', 'i'}));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(GenericValue back, kstreams::avro::Decode(bytes, schema, schema));
  EXPECT_EQ(back, v);
  EXPECT_EQ(*back.Field("e")->GetEnum(), "GREEN");
  EXPECT_EQ(*back.Field("u")->Current()->GetString(), "x");
  EXPECT_EQ(*back.Field("a")->Size(), 2u);
  EXPECT_EQ(*(*back.Field("m")->MapGet("k"))->GetBool(), true);
}

TEST(AvroValueTest, WrongTypeIsAnErrorNotACrash) {
  GenericValue order(Parse(kOrder));
  absl::Status s = order.Field("name")->SetInt(1);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(order.Field("nope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(Schema::Parse(R"({"type":"record","name":"X","fields":[{"name":"a","type":"Nope"}]})").ok());
  EXPECT_FALSE(Schema::Parse("not json").ok());
  // The specification forbids these; avro-c alone would accept them.
  EXPECT_FALSE(Schema::Parse(R"(["int","int"])").ok());
  EXPECT_FALSE(Schema::Parse(R"(["null",["int","string"]])").ok());
  EXPECT_FALSE(Schema::Parse(R"({"type":"record","name":"X","fields":[{"name":"a","type":"int"},
    {"name":"a","type":"long"}]})").ok());
}

TEST(AvroValueTest, TruncatedOrCorruptBytesAreErrors) {
  Schema order = Parse(kOrder);
  // Cut after the id: the name's length is missing.
  EXPECT_FALSE(kstreams::avro::Decode(Bytes({0x0e}), order, order).ok());
  // A string length of 2^31 with 1 byte behind it.
  Schema text = Parse(R"("string")");
  EXPECT_FALSE(kstreams::avro::Decode(Bytes({0x80, 0x80, 0x80, 0x80, 0x10, 'x'}), text, text).ok());
  // A negative length.
  EXPECT_FALSE(kstreams::avro::Decode(Bytes({0x01, 'x'}), text, text).ok());
  // A union index out of range.
  Schema opt = Parse(R"(["null","string"])");
  EXPECT_FALSE(kstreams::avro::Decode(Bytes({0x08}), opt, opt).ok());
}

// Lengths and counts that overflow or exceed the input are errors before
// anything is allocated for them (avro-c would allocate the announced size
// first; under LeakSanitizer these cases showed gigabyte leaks).
TEST(AvroValueTest, LengthsBeyondTheInputAreErrors) {
  auto decode_fails = [](std::string_view schema_json, const std::string& bytes) {
    Schema schema = Parse(schema_json);
    absl::StatusOr<GenericValue> v = kstreams::avro::Decode(bytes, schema, schema);
    EXPECT_FALSE(v.ok()) << schema_json;
    if (!v.ok()) {
      EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument) << v.status();
    }
    return v.ok() ? std::string() : std::string(v.status().message());
  };
  // INT64_MAX (zigzag 0xfffffffffffffffe), 2^31, and one byte too many.
  const std::string int64_max = Bytes({0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01});
  const std::string two_31 = Bytes({0x80, 0x80, 0x80, 0x80, 0x10});
  for (std::string_view type : {R"("string")", R"("bytes")"}) {
    decode_fails(type, int64_max + "x");
    decode_fails(type, two_31 + "xy");
    decode_fails(type, Bytes({0x06, 'a', 'b'}));  // length 3, 2 bytes
    EXPECT_THAT(decode_fails(type, Bytes({0x06, 'a', 'b'})), testing::HasSubstr("length exceeds the bytes left"));
  }
  // A varint of 11 bytes.
  decode_fails(R"("long")", Bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}));
  // fixed: 16 bytes declared, 3 given.
  decode_fails(R"({"type":"fixed","name":"F","size":16})", "abc");
  // Arrays and maps: counts beyond what the bytes left can hold, positive
  // and negative (a negative count is followed by the block's byte size).
  for (std::string_view type : {R"({"type":"array","items":"long"})", R"({"type":"array","items":"string"})",
                                R"({"type":"map","values":"long"})", R"({"type":"map","values":"null"})"}) {
    decode_fails(type, two_31 + "abc");
    decode_fails(type, int64_max + "abc");
    decode_fails(type, Bytes({0x7f}) + "abc");                           // count -64, no size
    decode_fails(type, Bytes({0x03}) + int64_max + "abc");               // count -2, size INT64_MAX
    decode_fails(type, Bytes({0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}));
  }
  // Items of zero bytes: a few bytes may not announce billions of them.
  EXPECT_THAT(decode_fails(R"({"type":"array","items":"null"})", two_31 + Bytes({0x00})),
              testing::HasSubstr("too many empty items"));
  // A map key longer than the input, inside a record.
  decode_fails(R"({"type":"record","name":"R","fields":[{"name":"m","type":{"type":"map","values":"int"}}]})",
               Bytes({0x02}) + two_31 + "k");
  // An enum symbol out of range.
  decode_fails(R"({"type":"enum","name":"E","symbols":["A","B"]})", Bytes({0x04}));
  // Within bounds, the same shapes decode: 1000 nulls in 3 bytes, an array
  // in two blocks (the second with its byte size).
  Schema nulls = Parse(R"({"type":"array","items":"null"})");
  KSTREAMS_ASSERT_OK_AND_ASSIGN(GenericValue many, kstreams::avro::Decode(Bytes({0xd0, 0x0f, 0x00}), nulls, nulls));
  EXPECT_EQ(*many.root().Size(), 1000u);
  Schema longs = Parse(R"({"type":"array","items":"long"})");
  KSTREAMS_ASSERT_OK_AND_ASSIGN(GenericValue blocks,
                                kstreams::avro::Decode(Bytes({0x02, 0x02, 0x03, 0x04, 0x04, 0x06, 0x00}), longs, longs));
  ASSERT_EQ(*blocks.root().Size(), 3u);
  EXPECT_EQ(*blocks.root().Element(2)->GetLong(), 3);
}

TEST(AvroValueTest, LogicalTypes) {
  Schema schema = Parse(R"({"type":"record","name":"L","fields":[
    {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
    {"name":"day","type":{"type":"int","logicalType":"date"}},
    {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},
    {"name":"id","type":{"type":"string","logicalType":"uuid"}}]})");
  GenericValue v(schema);
  KSTREAMS_ASSERT_OK(v.Field("price")->SetDecimal(Decimal::FromInt64(-1234, 2)));
  KSTREAMS_ASSERT_OK(v.Field("day")->SetDate(absl::CivilDay(1970, 1, 3)));
  KSTREAMS_ASSERT_OK(v.Field("at")->SetTimestampMillis(absl::FromUnixMillis(1000)));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto uuid, kstreams::Uuid::Parse("00000000-0000-0000-0000-000000000001"));
  KSTREAMS_ASSERT_OK(v.Field("id")->SetUuid(uuid));
  std::string bytes;
  KSTREAMS_ASSERT_OK(kstreams::avro::Encode(v, bytes));
  // -1234 = 0xfb2e (two's complement, minimal): length 2 (zigzag 4); date 2
  // days (4); 1000 ms (zigzag 2000 = 0xd0 0x0f); uuid as a 36-char string (72 = 0x48).
  EXPECT_EQ(bytes.substr(0, 7), Bytes({0x04, 0xfb, 0x2e, 0x04, 0xd0, 0x0f, 0x48}));
  EXPECT_EQ(v.Field("price")->GetDecimal()->ToString(), "-12.34");
  EXPECT_EQ(*v.Field("day")->GetDate(), absl::CivilDay(1970, 1, 3));
  EXPECT_EQ(*v.Field("id")->GetUuid(), uuid);
  EXPECT_EQ(v.Field("day")->SetDecimal(Decimal::FromInt64(1, 2)).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Decimal::FromInt64(128, 0).unscaled, Bytes({0x00, 0x80}));
  EXPECT_EQ(*Decimal::FromInt64(-129, 0).UnscaledInt64(), -129);
}

TEST(AvroValueTest, ResolutionFillsDefaultsPromotesAndDropsFields) {
  Schema writer = Parse(R"({"type":"record","name":"Order","fields":[
    {"name":"id","type":"int"},{"name":"gone","type":"string"},{"name":"tag","type":"string"}]})");
  Schema reader = Parse(R"({"type":"record","name":"Order","fields":[
    {"name":"id","type":"long"},{"name":"label","type":"bytes","aliases":["tag"]},
    {"name":"qty","type":"int","default":1},
    {"name":"note","type":["null","string"],"default":null}]})");
  // id 5 (0x0a), gone "z", tag "t"
  const std::string bytes = Bytes({0x0a, 0x02, 'z', 0x02, 't'});
  KSTREAMS_ASSERT_OK_AND_ASSIGN(GenericValue v, kstreams::avro::Decode(bytes, writer, reader));
  EXPECT_EQ(*v.Field("id")->GetLong(), 5);
  EXPECT_EQ(*v.Field("label")->GetBytes(), "t");
  EXPECT_EQ(*v.Field("qty")->GetInt(), 1);
  EXPECT_EQ(v.Field("note")->Current()->type(), Type::kNull);
}

TEST(AvroValueTest, ResolutionWithoutDefaultFailsNamingTheField) {
  Schema writer = Parse(R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"}]})");
  Schema reader = Parse(R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},
    {"name":"b","type":"int"}]})");
  absl::StatusOr<GenericValue> v = kstreams::avro::Decode(Bytes({0x02}), writer, reader);
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(std::string(v.status().message()), ::testing::HasSubstr("'b'"));
}

TEST(AvroValueTest, EnumUnknownSymbolTakesTheReadersDefault) {
  Schema writer = Parse(R"({"type":"enum","name":"E","symbols":["A","B","C"]})");
  Schema reader = Parse(R"({"type":"enum","name":"E","symbols":["A","B","UNKNOWN"],"default":"UNKNOWN"})");
  KSTREAMS_ASSERT_OK_AND_ASSIGN(GenericValue v, kstreams::avro::Decode(Bytes({0x04}), writer, reader));
  EXPECT_EQ(*v.root().GetEnum(), "UNKNOWN");
}

struct Line {
  std::string sku;
  int32_t qty = 0;
  friend bool operator==(const Line&, const Line&) = default;
};
enum class Status { kNew, kShipped };
struct Order {
  int64_t id = 0;
  std::optional<std::string> note;
  std::vector<Line> lines;
  std::map<std::string, double> attrs;
  Status status = Status::kNew;
  friend bool operator==(const Order&, const Order&) = default;
};

}  // namespace avro_value_test

template <>
struct kstreams::avro::AvroRecord<avro_value_test::Line> {
  static constexpr std::string_view kName = "shop.Line";
  static auto Fields() {
    return std::make_tuple(FieldOf("sku", &avro_value_test::Line::sku),
                           FieldOf("qty", &avro_value_test::Line::qty, "1"));
  }
};
template <>
struct kstreams::avro::AvroEnum<avro_value_test::Status> {
  static constexpr std::string_view kName = "shop.Status";
  static std::vector<std::string_view> Symbols() { return {"NEW", "SHIPPED"}; }
};
template <>
struct kstreams::avro::AvroRecord<avro_value_test::Order> {
  static constexpr std::string_view kName = "shop.Order";
  static auto Fields() {
    using avro_value_test::Order;
    return std::make_tuple(FieldOf("id", &Order::id), FieldOf("note", &Order::note),
                           FieldOf("lines", &Order::lines), FieldOf("attrs", &Order::attrs),
                           FieldOf("status", &Order::status));
  }
};

namespace avro_value_test {

TEST(AvroTraitsTest, StructMapsToASchemaAndBack) {
  const std::string json = kstreams::avro::SchemaJsonOf<Order>();
  EXPECT_EQ(json,
            R"({"type":"record","name":"shop.Order","fields":[{"name":"id","type":"long"},)"
            R"({"name":"note","type":["null","string"],"default":null},)"
            R"({"name":"lines","type":{"type":"array","items":{"type":"record","name":"shop.Line",)"
            R"("fields":[{"name":"sku","type":"string"},{"name":"qty","type":"int","default":1}]}}},)"
            R"({"name":"attrs","type":{"type":"map","values":"double"}},)"
            R"({"name":"status","type":{"type":"enum","name":"shop.Status","symbols":["NEW","SHIPPED"]}}]})");
  Schema schema = Parse(json);
  Order order{42, "gift", {{"A", 2}, {"B", 1}}, {{"w", 1.5}}, Status::kShipped};
  GenericValue v(schema);
  KSTREAMS_ASSERT_OK(kstreams::avro::ToGeneric(order, v.root()));
  std::string bytes;
  KSTREAMS_ASSERT_OK(kstreams::avro::Encode(v, bytes));
  // id 42 -> 84 (0x54); note branch 1 (0x02) "gift" (0x08 ...).
  EXPECT_EQ(bytes.substr(0, 7), Bytes({0x54, 0x02, 0x08, 'g', 'i', 'f', 't'}));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(GenericValue back, kstreams::avro::Decode(bytes, schema, schema));
  Order out;
  KSTREAMS_ASSERT_OK(kstreams::avro::FromGeneric(back.root(), out));
  EXPECT_EQ(out, order);
}

}  // namespace avro_value_test
