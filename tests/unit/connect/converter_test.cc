// Converters and the data model. Every expected byte string below is written
// out by hand from Kafka Connect's JsonConverter rules (asJsonSchema member
// order: type, fields/items/keys+values, optional, name, version, doc,
// parameters, default; struct fields end with "field"; bytes and BASE64
// decimals as standard base64; numbers in Java's Double/Float.toString form).
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/connect/config_def.h"
#include "kstreams/connect/connector.h"
#include "kstreams/connect/converter.h"
#include "kstreams/connect/data.h"
#include "kstreams/testing/status_matchers.h"

namespace connect_converter_test {
namespace {

using ::kstreams::connect::Array;
using ::kstreams::connect::Bytes;
using ::kstreams::connect::ConfigDef;
using ::kstreams::connect::ConfigMap;
using ::kstreams::connect::ConfigType;
using ::kstreams::connect::Converter;
using ::kstreams::connect::CreateConverter;
using ::kstreams::connect::DateTime;
using ::kstreams::connect::Decimal;
using ::kstreams::connect::Importance;
using ::kstreams::connect::LogicalDate;
using ::kstreams::connect::LogicalTimestamp;
using ::kstreams::connect::Map;
using ::kstreams::connect::Schema;
using ::kstreams::connect::SchemaBuilder;
using ::kstreams::connect::SchemaPtr;
using ::kstreams::connect::Struct;
using ::kstreams::connect::Value;
using ::testing::HasSubstr;

std::unique_ptr<Converter> Json(ConfigMap configs = {}) {
  auto c = CreateConverter("org.apache.kafka.connect.json.JsonConverter", configs, false);
  EXPECT_TRUE(c.ok()) << c.status();
  return *std::move(c);
}

std::string ToJson(Converter& c, const SchemaPtr& schema, const Value& value) {
  auto bytes = c.FromConnectData("t", schema, value);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  if (!bytes.ok() || !bytes->has_value()) return "<null>";
  return **bytes;
}

TEST(ConnectJsonConverter, WritesStructEnvelopeAsConnectDoes) {
  SchemaPtr schema = SchemaBuilder::Struct()
                         .Name("order")
                         .Field("id", Schema::Int64())
                         .Field("price", Decimal::Schema(2))
                         .Field("note", Schema::OptionalString())
                         .Field("tags", SchemaBuilder::Array(Schema::String()).Build())
                         .Build();
  Struct order(schema);
  KSTREAMS_ASSERT_OK(order.Put("id", int64_t{42}));
  KSTREAMS_ASSERT_OK(order.Put("price", *Decimal::Parse("10.25")));
  KSTREAMS_ASSERT_OK(order.Put("tags", Array{Value("a")}));
  auto json = Json();
  EXPECT_EQ(ToJson(*json, schema, Value(order)),
            R"({"schema":{"type":"struct","fields":[)"
            R"({"type":"int64","optional":false,"field":"id"},)"
            R"({"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"},"field":"price"},)"
            R"({"type":"string","optional":true,"field":"note"},)"
            R"({"type":"array","items":{"type":"string","optional":false},"optional":false,"field":"tags"}],)"
            R"("optional":false,"name":"order"},)"
            R"("payload":{"id":42,"price":"BAE=","note":null,"tags":["a"]}})");
}

TEST(ConnectJsonConverter, ReadsBackWhatItWrites) {
  SchemaPtr schema = SchemaBuilder::Struct()
                         .Field("id", Schema::Int32())
                         .Field("when", LogicalTimestamp::Schema())
                         .Field("m", SchemaBuilder::Map(Schema::Int32(), Schema::String()).Build())
                         .Build();
  Struct s(schema);
  KSTREAMS_ASSERT_OK(s.Put("id", int32_t{7}));
  KSTREAMS_ASSERT_OK(s.Put("when", DateTime{1700000000123}));
  KSTREAMS_ASSERT_OK(s.Put("m", Map{{Value(int32_t{1}), Value("a")}}));
  auto json = Json();
  std::string bytes = ToJson(*json, schema, Value(s));
  EXPECT_THAT(bytes, HasSubstr(R"("payload":{"id":7,"when":1700000000123,"m":[[1,"a"]]})"));
  auto back = json->ToConnectData("t", bytes);
  KSTREAMS_ASSERT_OK(back.status());
  EXPECT_TRUE(kstreams::connect::SameSchema(back->schema, schema));
  EXPECT_EQ(back->value, Value(s));
}

TEST(ConnectJsonConverter, LogicalTypesAndNumbersUseConnectEncodings) {
  auto json = Json({{"schemas.enable", "false"}});
  EXPECT_EQ(ToJson(*json, LogicalDate::Schema(), DateTime{3 * 86400000LL}), "3");
  EXPECT_EQ(ToJson(*json, Schema::Float64(), 1.0), "1.0");
  EXPECT_EQ(ToJson(*json, Schema::Float64(), 1e20), "1.0E20");
  EXPECT_EQ(ToJson(*json, Schema::Float64(), 0.0001), "1.0E-4");
  EXPECT_EQ(ToJson(*json, Schema::Float64(), 1234567.5), "1234567.5");
  EXPECT_EQ(ToJson(*json, Schema::Float32(), 0.1f), "0.1");
  EXPECT_EQ(ToJson(*json, Schema::BytesSchema(), Bytes{"\x01\x02"}), "\"AQI=\"");
  // 10.2345: unscaled 102345 = 0x018FC9.
  EXPECT_EQ(ToJson(*json, Decimal::Schema(4), *Decimal::Parse("10.2345")), "\"AY/J\"");
  auto numeric = Json({{"schemas.enable", "false"}, {"decimal.format", "NUMERIC"}});
  EXPECT_EQ(ToJson(*numeric, Decimal::Schema(4), *Decimal::Parse("10.2345")), "10.2345");
  EXPECT_EQ(ToJson(*json, Schema::String(), "a\"b\n"), R"("a\"b\n")");
  // A Date with a time part is refused, as Date.fromLogical refuses it.
  EXPECT_FALSE(json->FromConnectData("t", LogicalDate::Schema(), DateTime{1}).ok());
}

TEST(ConnectJsonConverter, SchemalessAndNulls) {
  auto json = Json();
  Map m{{Value("a"), Value(int64_t{1})}, {Value("b"), Value(Array{Value(true), Value()})}};
  EXPECT_EQ(ToJson(*json, nullptr, m), R"({"schema":null,"payload":{"a":1,"b":[true,null]}})");
  // Null schema and value: a Kafka null.
  auto null_bytes = json->FromConnectData("t", nullptr, Value());
  KSTREAMS_ASSERT_OK(null_bytes.status());
  EXPECT_FALSE(null_bytes->has_value());
  SchemaPtr with_default = SchemaBuilder::Int32().Optional().DefaultValue(int32_t{7}).Build();
  EXPECT_EQ(ToJson(*json, with_default, Value()),
            R"({"schema":{"type":"int32","optional":true,"default":7},"payload":7})");
  auto required_null = json->FromConnectData("t", Schema::Int32(), Value());
  EXPECT_THAT(required_null.status().message(), HasSubstr("null value for field that is required"));

  auto plain = Json({{"schemas.enable", "false"}});
  auto read = plain->ToConnectData("t", std::string_view(R"({"x":1.5,"y":2})"));
  KSTREAMS_ASSERT_OK(read.status());
  EXPECT_EQ(read->schema, nullptr);
  EXPECT_EQ(read->value, Value(Map{{Value("x"), Value(1.5)}, {Value("y"), Value(int64_t{2})}}));
  auto refused = json->ToConnectData("t", std::string_view(R"({"x":1})"));
  EXPECT_THAT(refused.status().message(), HasSubstr("requires \"schema\" and \"payload\" fields"));
  auto tombstone = json->ToConnectData("t", std::nullopt);
  KSTREAMS_ASSERT_OK(tombstone.status());
  EXPECT_TRUE(tombstone->value.is_null());
}

TEST(ConnectJsonConverter, RejectsBadDecimalFormat) {
  auto c = CreateConverter("JsonConverter", {{"decimal.format", "HEX"}}, false);
  EXPECT_THAT(c.status().message(),
              HasSubstr("Invalid value HEX for configuration decimal.format"));
}

TEST(ConnectStringAndByteArrayConverters, FollowConnect) {
  auto s = CreateConverter("org.apache.kafka.connect.storage.StringConverter", {}, false);
  KSTREAMS_ASSERT_OK(s.status());
  EXPECT_EQ(ToJson(**s, Schema::Int32(), int32_t{5}), "5");
  auto back = (*s)->ToConnectData("t", std::string_view("x"));
  KSTREAMS_ASSERT_OK(back.status());
  EXPECT_EQ(back->value, Value("x"));
  EXPECT_TRUE(back->schema->optional());
  auto b = CreateConverter("org.apache.kafka.connect.converters.ByteArrayConverter", {}, false);
  KSTREAMS_ASSERT_OK(b.status());
  EXPECT_THAT((*b)->FromConnectData("t", Schema::String(), "x").status().message(),
              HasSubstr("Invalid schema type for ByteArrayConverter: STRING"));
  EXPECT_EQ(ToJson(**b, Schema::BytesSchema(), Bytes{"raw"}), "raw");
  EXPECT_FALSE(CreateConverter("com.example.Nope", {}, false).ok());
}

TEST(ConnectDecimal, ParsesAndPrintsAsBigDecimal) {
  auto d = Decimal::Parse("-1.5");
  KSTREAMS_ASSERT_OK(d.status());
  EXPECT_EQ(d->unscaled, std::string("\xF1", 1));
  EXPECT_EQ(d->scale, 1);
  EXPECT_EQ(d->ToString(), "-1.5");
  EXPECT_EQ(Decimal::FromUnscaled(1, 8).ToString(), "1E-8");
  EXPECT_EQ(Decimal::FromUnscaled(1, 6).ToString(), "0.000001");
  EXPECT_EQ(Decimal::Parse("1E+3")->ToString(), "1E+3");
  EXPECT_EQ(Decimal::FromUnscaled(128, 0).unscaled, std::string("\x00\x80", 2));
  EXPECT_EQ(Decimal::FromUnscaled(-128, 0).unscaled, std::string("\x80", 1));
}

TEST(ConnectConfigDef, ParsesAndRejectsAsJava) {
  ConfigDef def;
  def.DefineRequired("file", ConfigType::kString, Importance::kHigh, "file")
      .Define("batch.size", ConfigType::kInt, "2000", Importance::kLow, "lines", ConfigDef::AtLeast(1))
      .Define("topics", ConfigType::kList, "", Importance::kHigh, "topics");
  EXPECT_EQ(def.Parse({}).status().message(),
            "Missing required configuration \"file\" which has no default value.");
  EXPECT_EQ(def.Parse({{"file", "f"}, {"batch.size", "x"}}).status().message(),
            "Invalid value x for configuration batch.size: Not a number of type INT");
  EXPECT_EQ(def.Parse({{"file", "f"}, {"batch.size", "0"}}).status().message(),
            "Invalid value 0 for configuration batch.size: Value must be at least 1");
  auto parsed = def.Parse({{"file", "f"}, {"topics", "a, b"}});
  KSTREAMS_ASSERT_OK(parsed.status());
  EXPECT_EQ(parsed->GetInt("batch.size"), 2000);
  EXPECT_THAT(parsed->GetList("topics"), ::testing::ElementsAre("a", "b"));
}

TEST(ConnectConnectorUtils, GroupPartitionsSplitsEvenly) {
  auto groups = kstreams::connect::GroupPartitions({"a", "b", "c", "d", "e"}, 2);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_THAT(groups[0], ::testing::ElementsAre("a", "b", "c"));
  EXPECT_THAT(groups[1], ::testing::ElementsAre("d", "e"));
}

TEST(ConnectStruct, PutChecksTheFieldSchema) {
  SchemaPtr schema = SchemaBuilder::Struct().Field("id", Schema::Int32()).Build();
  Struct s(schema);
  EXPECT_THAT(s.Put("id", "x").message(),
              HasSubstr("Invalid Java object for schema with type INT32: class java.lang.String for field: \"id\""));
  EXPECT_THAT(s.Put("nope", int32_t{1}).message(), HasSubstr("nope is not a valid field name"));
  EXPECT_THAT(s.Validate().message(), HasSubstr("Invalid value: null used for required field: \"id\""));
}

}  // namespace
}  // namespace connect_converter_test
