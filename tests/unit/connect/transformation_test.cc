// Single message transforms and predicates: expected records follow Connect's
// documented behaviour of each SMT (field order: existing fields, then the
// inserted ones; schemaless values are Maps).
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/connect/transformation.h"
#include "kstreams/testing/status_matchers.h"

namespace connect_transformation_test {
namespace {

using ::kstreams::connect::Array;
using ::kstreams::connect::ConfigMap;
using ::kstreams::connect::ConnectRecord;
using ::kstreams::connect::CreateTransformation;
using ::kstreams::connect::DateTime;
using ::kstreams::connect::LogicalTimestamp;
using ::kstreams::connect::Map;
using ::kstreams::connect::Schema;
using ::kstreams::connect::SchemaBuilder;
using ::kstreams::connect::SchemaPtr;
using ::kstreams::connect::StringMap;
using ::kstreams::connect::Struct;
using ::kstreams::connect::TransformationChain;
using ::kstreams::connect::Value;
using ::testing::HasSubstr;

SchemaPtr PersonSchema() {
  static const SchemaPtr schema = SchemaBuilder::Struct()
                                      .Name("person")
                                      .Field("id", Schema::Int32())
                                      .Field("name", Schema::String())
                                      .Field("age", Schema::OptionalInt64())
                                      .Build();
  return schema;
}

ConnectRecord Person(int32_t id, std::string name, std::optional<int64_t> age) {
  Struct s(PersonSchema());
  EXPECT_TRUE(s.Put("id", id).ok());
  EXPECT_TRUE(s.Put("name", std::move(name)).ok());
  if (age) {
    EXPECT_TRUE(s.Put("age", *age).ok());
  }
  ConnectRecord r;
  r.topic = "people";
  r.kafka_partition = 3;
  r.value_schema = PersonSchema();
  r.value = Value(std::move(s));
  r.timestamp = 1000;
  return r;
}

ConnectRecord Schemaless(Value value, std::string topic = "people") {
  ConnectRecord r;
  r.topic = std::move(topic);
  r.value = std::move(value);
  r.timestamp = 1000;
  return r;
}

ConnectRecord ApplyOne(std::string_view type, const ConfigMap& config, ConnectRecord r) {
  auto t = CreateTransformation(type, config);
  EXPECT_TRUE(t.ok()) << t.status();
  auto out = (*t)->Apply(std::move(r));
  EXPECT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(out->has_value());
  return **out;
}

TEST(ConnectInsertField, AppendsFieldsToStructAndMap) {
  ConnectRecord out = ApplyOne("org.apache.kafka.connect.transforms.InsertField$Value",
                               {{"topic.field", "t!"}, {"partition.field", "p"}, {"timestamp.field", "ts"},
                                {"static.field", "src"}, {"static.value", "db"}},
                               Person(1, "ann", std::nullopt));
  const auto& fields = out.value_schema->fields();
  ASSERT_EQ(fields.size(), 7u);
  EXPECT_EQ(fields[3].name, "t");
  EXPECT_FALSE(fields[3].schema->optional());
  EXPECT_EQ(fields[4].name, "p");
  EXPECT_TRUE(fields[4].schema->optional());
  EXPECT_TRUE(kstreams::connect::SameSchema(fields[5].schema, LogicalTimestamp::Schema(true)));
  EXPECT_EQ(out.value_schema->name(), "person");
  const Struct& s = *out.value.get_if<Struct>();
  EXPECT_EQ(*s.Get("t"), Value("people"));
  EXPECT_EQ(*s.Get("p"), Value(int32_t{3}));
  EXPECT_EQ(*s.Get("ts"), Value(DateTime{1000}));
  EXPECT_EQ(*s.Get("src"), Value("db"));

  ConnectRecord m = ApplyOne("InsertField$Value", {{"topic.field", "t"}, {"timestamp.field", "ts"}},
                             Schemaless(StringMap({{"a", int64_t{1}}})));
  EXPECT_EQ(m.value, StringMap({{"a", int64_t{1}}, {"t", "people"}, {"ts", int64_t{1000}}}));
  // A tombstone passes unchanged.
  ConnectRecord tomb = ApplyOne("InsertField$Value", {{"topic.field", "t"}}, Schemaless(Value()));
  EXPECT_TRUE(tomb.value.is_null());
}

TEST(ConnectInsertField, OffsetOnlyForSinkRecords) {
  auto t = CreateTransformation("InsertField$Value", {{"offset.field", "o"}});
  KSTREAMS_ASSERT_OK(t.status());
  auto out = (*t)->Apply(Schemaless(StringMap({{"a", int64_t{1}}})));
  EXPECT_THAT(out.status().message(), HasSubstr("Offset insertion is only supported for sink connectors"));
  (*t)->SetSinkOffset(77);
  out = (*t)->Apply(Schemaless(StringMap({{"a", int64_t{1}}})));
  KSTREAMS_ASSERT_OK(out.status());
  EXPECT_EQ((*out)->value, StringMap({{"a", int64_t{1}}, {"o", int64_t{77}}}));
}

TEST(ConnectReplaceField, IncludesExcludesAndRenames) {
  ConnectRecord out = ApplyOne("org.apache.kafka.connect.transforms.ReplaceField$Value",
                               {{"exclude", "age"}, {"renames", "name:full_name,id:pk"}},
                               Person(1, "ann", 30));
  ASSERT_EQ(out.value_schema->fields().size(), 2u);
  EXPECT_EQ(out.value_schema->fields()[0].name, "pk");
  EXPECT_EQ(out.value_schema->fields()[1].name, "full_name");
  EXPECT_EQ(*out.value.get_if<Struct>()->Get("full_name"), Value("ann"));

  ConnectRecord m = ApplyOne("ReplaceField$Value", {{"include", "a,b"}},
                             Schemaless(StringMap({{"a", int64_t{1}}, {"b", "x"}, {"c", true}})));
  EXPECT_EQ(m.value, StringMap({{"a", int64_t{1}}, {"b", "x"}}));
  EXPECT_THAT(CreateTransformation("ReplaceField$Value", {{"renames", "a:b:c"}}).status().message(),
              HasSubstr("Invalid value [a:b:c] for configuration renames: Invalid rename mapping: a:b:c"));
}

TEST(ConnectMaskField, MasksWithZeroOrReplacement) {
  ConnectRecord out = ApplyOne("MaskField$Value", {{"fields", "name,age"}}, Person(1, "ann", 30));
  const Struct& s = *out.value.get_if<Struct>();
  EXPECT_EQ(*s.Get("name"), Value(""));
  EXPECT_EQ(*s.Get("age"), Value(int64_t{0}));
  EXPECT_EQ(*s.Get("id"), Value(int32_t{1}));
  ConnectRecord r = ApplyOne("MaskField$Value", {{"fields", "age"}, {"replacement", "99"}}, Person(1, "ann", 30));
  EXPECT_EQ(*r.value.get_if<Struct>()->Get("age"), Value(int64_t{99}));
  EXPECT_FALSE(CreateTransformation("MaskField$Value", {}).ok());
}

TEST(ConnectValueToKeyAndExtractField, BuildKeyThenExtract) {
  ConnectRecord keyed = ApplyOne("org.apache.kafka.connect.transforms.ValueToKey", {{"fields", "id"}},
                                 Person(7, "bo", std::nullopt));
  ASSERT_NE(keyed.key_schema, nullptr);
  EXPECT_EQ(keyed.key_schema->fields().size(), 1u);
  EXPECT_EQ(*keyed.key.get_if<Struct>()->Get("id"), Value(int32_t{7}));
  ConnectRecord extracted = ApplyOne("ExtractField$Key", {{"field", "id"}}, keyed);
  EXPECT_EQ(extracted.key, Value(int32_t{7}));
  EXPECT_TRUE(kstreams::connect::SameSchema(extracted.key_schema, Schema::Int32()));
  auto missing = CreateTransformation("ValueToKey", {{"fields", "nope"}});
  KSTREAMS_ASSERT_OK(missing.status());
  EXPECT_THAT((*missing)->Apply(Person(1, "a", std::nullopt)).status().message(),
              HasSubstr("Field does not exist: nope"));
}

TEST(ConnectHoistField, WrapsValue) {
  ConnectRecord r;
  r.value_schema = Schema::Int64();
  r.value = int64_t{5};
  ConnectRecord out = ApplyOne("HoistField$Value", {{"field", "n"}}, r);
  EXPECT_EQ(out.value_schema->fields()[0].name, "n");
  EXPECT_EQ(*out.value.get_if<Struct>()->Get("n"), Value(int64_t{5}));
  ConnectRecord m = ApplyOne("HoistField$Value", {{"field", "n"}}, Schemaless(Value("x")));
  EXPECT_EQ(m.value, StringMap({{"n", "x"}}));
}

TEST(ConnectCast, CastsFieldsAndWholeValues) {
  ConnectRecord out = ApplyOne("org.apache.kafka.connect.transforms.Cast$Value", {{"spec", "id:string,age:int8"}},
                               Person(12, "ann", 300));
  const Struct& s = *out.value.get_if<Struct>();
  EXPECT_EQ(*s.Get("id"), Value("12"));
  EXPECT_EQ(*s.Get("age"), Value(int8_t{44}));  // (byte) 300, as Java narrows
  EXPECT_TRUE(out.value_schema->FindField("age")->schema->optional());
  ConnectRecord whole = ApplyOne("Cast$Value", {{"spec", "float64"}}, Schemaless(Value("2.5")));
  EXPECT_EQ(whole.value, Value(2.5));
  EXPECT_THAT(CreateTransformation("Cast$Value", {{"spec", "a:struct"}}).status().message(),
              HasSubstr("Cast transformation does not support casting to/from STRUCT"));
  EXPECT_THAT(CreateTransformation("Cast$Value", {{"spec", "a:nope"}}).status().message(),
              HasSubstr("Invalid type found in casting spec: nope"));
}

TEST(ConnectTimestampConverter, ConvertsBetweenRepresentations) {
  ConnectRecord r = Schemaless(StringMap({{"ts", int64_t{1700000000123}}}));
  ConnectRecord s = ApplyOne("TimestampConverter$Value",
                             {{"field", "ts"}, {"target.type", "string"}, {"format", "yyyy-MM-dd'T'HH:mm:ss.SSS"}},
                             r);
  EXPECT_EQ(s.value, StringMap({{"ts", "2023-11-14T22:13:20.123"}}));
  ConnectRecord back = ApplyOne("TimestampConverter$Value",
                                {{"field", "ts"}, {"target.type", "unix"}, {"format", "yyyy-MM-dd'T'HH:mm:ss.SSS"}},
                                s);
  EXPECT_EQ(back.value, StringMap({{"ts", int64_t{1700000000123}}}));
  ConnectRecord whole;
  whole.value_schema = Schema::Int64();
  whole.value = int64_t{1700000000123};
  ConnectRecord date = ApplyOne("TimestampConverter$Value", {{"target.type", "Date"}}, whole);
  EXPECT_EQ(date.value, Value(DateTime{19675LL * 86400000}));
  EXPECT_EQ(date.value_schema->name(), "org.apache.kafka.connect.data.Date");
  EXPECT_FALSE(CreateTransformation("TimestampConverter$Value", {{"target.type", "string"}}).ok());
}

TEST(ConnectFlatten, FlattensNestedStructsAndMaps) {
  SchemaPtr inner = SchemaBuilder::Struct().Optional().Field("city", Schema::String()).Build();
  SchemaPtr outer = SchemaBuilder::Struct().Field("id", Schema::Int32()).Field("addr", inner).Build();
  Struct in(inner);
  KSTREAMS_ASSERT_OK(in.Put("city", "Oslo"));
  Struct out_s(outer);
  KSTREAMS_ASSERT_OK(out_s.Put("id", int32_t{1}));
  KSTREAMS_ASSERT_OK(out_s.Put("addr", in));
  ConnectRecord r;
  r.value_schema = outer;
  r.value = out_s;
  ConnectRecord out = ApplyOne("Flatten$Value", {{"delimiter", "_"}}, r);
  ASSERT_EQ(out.value_schema->fields().size(), 2u);
  EXPECT_EQ(out.value_schema->fields()[1].name, "addr_city");
  EXPECT_TRUE(out.value_schema->fields()[1].schema->optional());  // inside an optional struct
  EXPECT_EQ(*out.value.get_if<Struct>()->Get("addr_city"), Value("Oslo"));
  ConnectRecord m = ApplyOne("Flatten$Value", {}, Schemaless(StringMap({{"a", StringMap({{"b", int64_t{1}}})}})));
  EXPECT_EQ(m.value, StringMap({{"a.b", int64_t{1}}}));
}

TEST(ConnectRouters, RenameTopics) {
  ConnectRecord r = ApplyOne("org.apache.kafka.connect.transforms.RegexRouter",
                             {{"regex", "(.*)-raw"}, {"replacement", "$1-clean"}}, Schemaless(Value(), "orders-raw"));
  EXPECT_EQ(r.topic, "orders-clean");
  ConnectRecord untouched = ApplyOne("RegexRouter", {{"regex", "x(.*)"}, {"replacement", "$1"}},
                                     Schemaless(Value(), "orders"));
  EXPECT_EQ(untouched.topic, "orders");
  ConnectRecord ts = Schemaless(Value(), "logs");
  ts.timestamp = 1700000000123;
  EXPECT_EQ(ApplyOne("TimestampRouter", {}, ts).topic, "logs-20231114");
}

TEST(ConnectHeaderTransforms, InsertDropAndHeaderFrom) {
  ConnectRecord r = ApplyOne("InsertHeader", {{"header", "h"}, {"value.literal", "v"}}, Person(1, "a", 2));
  ASSERT_NE(r.headers.LastWithName("h"), nullptr);
  EXPECT_EQ(r.headers.LastWithName("h")->value, Value("v"));
  r = ApplyOne("DropHeaders", {{"headers", "h"}}, r);
  EXPECT_TRUE(r.headers.empty());
  ConnectRecord moved = ApplyOne("HeaderFrom$Value", {{"fields", "name"}, {"headers", "n"}, {"operation", "move"}}, r);
  EXPECT_EQ(moved.headers.LastWithName("n")->value, Value("a"));
  EXPECT_EQ(moved.value_schema->FindField("name"), nullptr);
  EXPECT_THAT(CreateTransformation("HeaderFrom$Value", {{"fields", "a,b"}, {"headers", "x"}, {"operation", "copy"}})
                  .status()
                  .message(),
              HasSubstr("'fields' config must have the same number of elements as 'headers' config."));
}

TEST(ConnectTransformationChain, PredicatesGuardTransforms) {
  ConfigMap config = {
      {"transforms", "dropTombstones, tag"},
      {"transforms.dropTombstones.type", "org.apache.kafka.connect.transforms.Filter"},
      {"transforms.dropTombstones.predicate", "isTombstone"},
      {"transforms.tag.type", "org.apache.kafka.connect.transforms.InsertField$Value"},
      {"transforms.tag.static.field", "src"},
      {"transforms.tag.static.value", "x"},
      {"transforms.tag.predicate", "isOrders"},
      {"transforms.tag.negate", "true"},
      {"predicates", "isTombstone,isOrders"},
      {"predicates.isTombstone.type", "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone"},
      {"predicates.isOrders.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches"},
      {"predicates.isOrders.pattern", "orders.*"},
  };
  auto chain = TransformationChain::Create(config);
  KSTREAMS_ASSERT_OK(chain.status());
  auto dropped = chain->Apply(Schemaless(Value()));
  KSTREAMS_ASSERT_OK(dropped.status());
  EXPECT_FALSE(dropped->has_value());
  auto orders = chain->Apply(Schemaless(StringMap({{"a", int64_t{1}}}), "orders-1"));
  EXPECT_EQ((*orders)->value, StringMap({{"a", int64_t{1}}}));
  auto other = chain->Apply(Schemaless(StringMap({{"a", int64_t{1}}}), "people"));
  EXPECT_EQ((*other)->value, StringMap({{"a", int64_t{1}}, {"src", "x"}}));

  EXPECT_THAT(TransformationChain::Create({{"transforms", "a"}}).status().message(),
              HasSubstr("Missing required configuration \"transforms.a.type\""));
  EXPECT_THAT(TransformationChain::Create({{"transforms", "a"}, {"transforms.a.type", "com.example.Nope"}})
                  .status()
                  .message(),
              HasSubstr("Invalid value com.example.Nope for configuration transforms.a.type"));
  EXPECT_FALSE(TransformationChain::Create({{"transforms", "a"},
                                            {"transforms.a.type", "Filter"},
                                            {"transforms.a.predicate", "undeclared"}})
                   .ok());
  auto failing = TransformationChain::Create({{"transforms", "x"}, {"transforms.x.type", "ExtractField$Value"},
                                              {"transforms.x.field", "f"}});
  KSTREAMS_ASSERT_OK(failing.status());
  auto err = failing->Apply(Schemaless(Value("not a map")));
  EXPECT_THAT(err.status().message(), HasSubstr("Only Map objects supported in absence of schema"));
  EXPECT_EQ(failing->failed_class(), "org.apache.kafka.connect.transforms.ExtractField$Value");
}

}  // namespace
}  // namespace connect_transformation_test
