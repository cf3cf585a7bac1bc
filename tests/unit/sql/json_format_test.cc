// The JSON row format: flat rows of primitive columns take a fast path that
// must give exactly the rows and bytes of the JSON-document path, which still
// handles everything else (escapes, nested values, numbers as strings, bad
// input). Expected values worked out by hand from ksqlDB's reading rules.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sql/formats.h"

namespace sql_json_format_test {
namespace {

using ::kstreams::sql::Column;
using ::kstreams::sql::Format;
using ::kstreams::sql::Row;
using ::kstreams::sql::SqlType;
using ::kstreams::sql::Value;

// Declared out of name order: the writer orders members by name.
std::vector<Column> Columns() {
  return {{"I", SqlType::Int()},
          {"L", SqlType::Bigint()},
          {"D", SqlType::Double()},
          {"S", SqlType::String()},
          {"B", SqlType::Boolean()}};
}

std::string Read(std::string_view json) {
  auto serde = kstreams::sql::internal::MakeRowSerde(Format::kJson, Columns(), false);
  EXPECT_TRUE(serde.ok());
  absl::StatusOr<Row> row = (*serde)->Deserialize("t", json);
  if (!row.ok()) return "error: " + std::string(row.status().message());
  return kstreams::sql::RowToString(*row);
}

std::string Write(const Row& row) {
  auto serde = kstreams::sql::internal::MakeRowSerde(Format::kJson, Columns(), false);
  EXPECT_TRUE(serde.ok());
  std::string out;
  EXPECT_TRUE((*serde)->Serialize("t", row, out).ok());
  return out;
}

TEST(SqlJsonFormat, ReadsFlatRowsAsTheDocumentPathDoes) {
  EXPECT_EQ(Read(R"({"I":1,"L":-9000000000,"D":2.5,"S":"x","B":true})"),
            "[1, -9000000000, 2.5, x, true]");
  EXPECT_EQ(Read(R"( { "B" : false , "D" : 3 } )"), "[null, null, 3.0, null, false]");
  EXPECT_EQ(Read(R"({})"), "[null, null, null, null, null]");
  EXPECT_EQ(Read(R"({"I":null,"S":null})"), "[null, null, null, null, null]");
  // Names: the exact one wins, else any case; the last of duplicates.
  EXPECT_EQ(Read(R"({"i":5,"s":"lower"})"), "[5, null, null, lower, null]");
  EXPECT_EQ(Read(R"({"s":"lower","S":"exact"})"), "[null, null, null, exact, null]");
  EXPECT_EQ(Read(R"({"I":1,"I":2})"), "[2, null, null, null, null]");
  // Unknown members, nested or not, are skipped.
  EXPECT_EQ(Read(R"({"X":"y","N":{"a":[1,2]},"I":3})"), "[3, null, null, null, null]");
}

TEST(SqlJsonFormat, ReadsWhatTheFastPathLeavesToTheDocument) {
  EXPECT_EQ(Read(R"({"I":"42","D":"1.25","B":"TRUE"})"), "[42, null, 1.25, null, true]");
  EXPECT_EQ(Read(R"({"S":7,"I":2.9})"), "[2, null, null, 7, null]");
  EXPECT_EQ(Read(R"({"S":"a\"b\u00e9"})"), "[null, null, null, a\"b\xc3\xa9, null]");
  EXPECT_EQ(Read(R"({"S":"caf)" "\xc3\xa9" R"("})"), "[null, null, null, caf\xc3\xa9, null]");
  EXPECT_EQ(Read(R"({"D":1e3})"), "[null, null, 1000.0, null, null]");
  EXPECT_THAT(Read(R"({"I":1,})"), ::testing::StartsWith("error: invalid JSON"));
  EXPECT_THAT(Read(R"({"I":01})"), ::testing::StartsWith("error: invalid JSON"));
  EXPECT_THAT(Read(R"({"I":1} x)"), ::testing::StartsWith("error: invalid JSON"));
  EXPECT_THAT(Read(R"({"B":1})"), ::testing::StartsWith("error: column B"));
}

TEST(SqlJsonFormat, WritesMembersInNameOrderWithTheDocumentsEscapes) {
  EXPECT_EQ(Write({Value::Int(7), Value::Bigint(-9000000000), Value::Double(1.5),
                   Value::String("q\"u\\ote"), Value::Boolean(true)}),
            R"({"B":true,"D":1.5,"I":7,"L":-9000000000,"S":"q\"u\\ote"})");
  EXPECT_EQ(Write({Value::Null(), Value::Null(), Value::Double(2), Value::String("l1\nl2\t\xc3\xa9"),
                   Value::Null()}),
            "{\"B\":null,\"D\":2.0,\"I\":null,\"L\":null,\"S\":\"l1\\nl2\\t\xc3\xa9\"}");
}

}  // namespace
}  // namespace sql_json_format_test
