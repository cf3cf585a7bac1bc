// Schema compatibility: Avro's resolution rules at the schema level, and the
// registry's levels. Expectations follow the Avro specification's
// "Schema Resolution" section and Confluent's level definitions.
#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/schema/compatibility.h"

namespace compatibility_test {

using kstreams::CheckCompatibility;
using kstreams::CompatibilityLevel;
using kstreams::avro::CanRead;
using kstreams::avro::Schema;

Schema S(std::string_view json) {
  absl::StatusOr<Schema> s = Schema::Parse(json);
  EXPECT_TRUE(s.ok()) << s.status() << " " << json;
  return *s;
}

Schema Rec(std::string_view fields) {
  return S(std::string(R"({"type":"record","name":"R","fields":[)") + std::string(fields) + "]}");
}

TEST(CanReadTest, NumericPromotionsGoOneWay) {
  EXPECT_TRUE(CanRead(S(R"("long")"), S(R"("int")")));
  EXPECT_TRUE(CanRead(S(R"("double")"), S(R"("int")")));
  EXPECT_TRUE(CanRead(S(R"("float")"), S(R"("long")")));
  EXPECT_TRUE(CanRead(S(R"("double")"), S(R"("float")")));
  EXPECT_FALSE(CanRead(S(R"("int")"), S(R"("long")")));
  EXPECT_FALSE(CanRead(S(R"("float")"), S(R"("double")")));
  EXPECT_TRUE(CanRead(S(R"("bytes")"), S(R"("string")")));
  EXPECT_TRUE(CanRead(S(R"("string")"), S(R"("bytes")")));
  EXPECT_FALSE(CanRead(S(R"("string")"), S(R"("int")")));
}

TEST(CanReadTest, AddedFieldNeedsADefault) {
  Schema v1 = Rec(R"({"name":"a","type":"int"})");
  Schema with_default = Rec(R"({"name":"a","type":"int"},{"name":"b","type":"int","default":0})");
  Schema without = Rec(R"({"name":"a","type":"int"},{"name":"b","type":"int"})");
  EXPECT_TRUE(CanRead(with_default, v1));
  EXPECT_TRUE(CanRead(v1, with_default));  // the old reader ignores b
  std::vector<std::string> problems = kstreams::avro::ReadIncompatibilities(without, v1);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems[0], ::testing::HasSubstr("/fields/b"));
}

TEST(CanReadTest, FieldAliasesAndNamedTypeAliases) {
  Schema writer = S(R"({"type":"record","name":"a.Old","fields":[{"name":"x","type":"int"}]})");
  Schema reader = S(R"({"type":"record","name":"b.New","aliases":["a.Old"],
                       "fields":[{"name":"y","type":"int","aliases":["x"]}]})");
  EXPECT_TRUE(CanRead(reader, writer));
  Schema unaliased = S(R"({"type":"record","name":"b.New","fields":[{"name":"x","type":"int"}]})");
  EXPECT_FALSE(CanRead(unaliased, writer));
  // The unqualified names match: namespaces differ.
  Schema other_ns = S(R"({"type":"record","name":"c.Old","fields":[{"name":"x","type":"int"}]})");
  EXPECT_TRUE(CanRead(other_ns, writer));
}

TEST(CanReadTest, EnumSymbolsAndDefault) {
  Schema abc = S(R"({"type":"enum","name":"E","symbols":["A","B","C"]})");
  Schema ab = S(R"({"type":"enum","name":"E","symbols":["A","B"]})");
  Schema ab_default = S(R"({"type":"enum","name":"E","symbols":["A","B"],"default":"A"})");
  EXPECT_TRUE(CanRead(abc, ab));
  EXPECT_FALSE(CanRead(ab, abc));
  EXPECT_TRUE(CanRead(ab_default, abc));
}

TEST(CanReadTest, Unions) {
  Schema opt = S(R"(["null","string"])");
  EXPECT_TRUE(CanRead(opt, S(R"("string")")));
  EXPECT_FALSE(CanRead(S(R"("string")"), opt));  // the null branch has no reader
  EXPECT_TRUE(CanRead(S(R"(["null","long"])"), S(R"(["null","int"])")));
  EXPECT_FALSE(CanRead(S(R"(["null","int"])"), S(R"(["null","int","string"])")));
}

TEST(CanReadTest, FixedSizeAndRecursiveTypes) {
  EXPECT_FALSE(CanRead(S(R"({"type":"fixed","name":"F","size":4})"), S(R"({"type":"fixed","name":"F","size":8})")));
  Schema list = S(R"({"type":"record","name":"Node","fields":[{"name":"v","type":"int"},
                      {"name":"next","type":["null","Node"]}]})");
  Schema list_long = S(R"({"type":"record","name":"Node","fields":[{"name":"v","type":"long"},
                           {"name":"next","type":["null","Node"]}]})");
  EXPECT_TRUE(CanRead(list_long, list));
  EXPECT_FALSE(CanRead(list, list_long));
}

TEST(CompatibilityLevelTest, LevelsCheckTheirDirectionAndDepth) {
  Schema v1 = Rec(R"({"name":"a","type":"int"})");
  Schema v2 = Rec(R"({"name":"a","type":"int"},{"name":"b","type":"int","default":0})");
  // v3 drops b's default and a: reads v2 (b present) but not v1.
  Schema v3 = Rec(R"({"name":"b","type":"int"})");
  EXPECT_TRUE(CheckCompatibility(CompatibilityLevel::kBackward, v2, {v1}).empty());
  EXPECT_TRUE(CheckCompatibility(CompatibilityLevel::kBackward, v3, {v1, v2}).empty());
  EXPECT_FALSE(CheckCompatibility(CompatibilityLevel::kBackwardTransitive, v3, {v1, v2}).empty());
  // FORWARD: the old schema reads the new; v2 cannot read v3 (a missing, no default).
  EXPECT_FALSE(CheckCompatibility(CompatibilityLevel::kForward, v3, {v1, v2}).empty());
  EXPECT_TRUE(CheckCompatibility(CompatibilityLevel::kFull, v2, {v1}).empty());
  EXPECT_FALSE(CheckCompatibility(CompatibilityLevel::kFullTransitive, v3, {v1, v2}).empty());
  EXPECT_TRUE(CheckCompatibility(CompatibilityLevel::kNone, S(R"("string")"), {v1}).empty());
}

}  // namespace compatibility_test
