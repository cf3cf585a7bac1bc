#include "sql/expression.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/sql/parser.h"

namespace sql_expression_test {
namespace {

using ::kstreams::sql::FunctionContext;
using ::kstreams::sql::FunctionRegistry;
using ::kstreams::sql::Row;
using ::kstreams::sql::SqlType;
using ::kstreams::sql::Value;
using ::kstreams::sql::internal::Scope;

class Errors : public FunctionContext {
 public:
  void Error(std::string message) override { messages.push_back(std::move(message)); }
  std::vector<std::string> messages;
};

class SqlExpression : public ::testing::Test {
 protected:
  SqlExpression() {
    scope_.columns = {
        {"I", "S", SqlType::Int()},
        {"B", "S", SqlType::Bigint()},
        {"D", "S", SqlType::Double()},
        {"STR", "S", SqlType::String()},
        {"N", "S", SqlType::Int()},  // always null
        {"ARR", "S", SqlType::Array(SqlType::Int())},
        {"M", "S", SqlType::Map(SqlType::String(), SqlType::Bigint())},
        {"ST", "S", SqlType::Struct({{"CITY", SqlType::String()}, {"ZIP", SqlType::Int()}})},
        {"TS", "S", SqlType::Timestamp()},
        {"DEC", "S", SqlType::Decimal(4, 2)},
    };
    row_ = {Value::Int(7),
            Value::Bigint(10'000'000'000),
            Value::Double(2.5),
            Value::String("Hello"),
            Value::Null(),
            Value::Array({Value::Int(1), Value::Int(2), Value::Int(3)}),
            Value::Map({Value::String("k"), Value::Bigint(9)}),
            Value::Struct({Value::String("Paris"), Value::Int(75001)}),
            Value::Timestamp(1'600'000'000'123),
            Value::Decimal(12.34, 2)};
  }

  // Compiles and evaluates `text`; returns "<value> : <type>".
  std::string Eval(const std::string& text) {
    auto e = kstreams::sql::ParseExpression(text);
    if (!e.ok()) return std::string(e.status().message());
    auto c = kstreams::sql::internal::CompileExpression(*e, scope_, registry_);
    if (!c.ok()) return std::string(c.status().message());
    Value v = c->eval->Eval(row_, errors_);
    return v.ToString() + " : " + (c->type ? c->type->ToString() : "NULL");
  }

  Scope scope_;
  Row row_;
  FunctionRegistry registry_ = FunctionRegistry::WithBuiltins();
  Errors errors_;
};

TEST_F(SqlExpression, Arithmetic) {
  EXPECT_EQ(Eval("I + 1"), "8 : INTEGER");
  EXPECT_EQ(Eval("I * B"), "70000000000 : BIGINT");
  EXPECT_EQ(Eval("I / 2"), "3 : INTEGER");
  EXPECT_EQ(Eval("I % 4"), "3 : INTEGER");
  EXPECT_EQ(Eval("I + D"), "9.5 : DOUBLE");
  EXPECT_EQ(Eval("-I"), "-7 : INTEGER");
  EXPECT_EQ(Eval("DEC + 1"), "13.34 : DECIMAL(13, 2)");
  EXPECT_EQ(Eval("STR + ' world'"), "Hello world : STRING");
  EXPECT_EQ(Eval("I + N"), "null : INTEGER");
  EXPECT_EQ(Eval("2147483647 + 1"), "-2147483648 : INTEGER");  // Java wraps
}

TEST_F(SqlExpression, DivisionByZeroIsNullAndAnError) {
  EXPECT_EQ(Eval("I / 0"), "null : INTEGER");
  EXPECT_EQ(Eval("I % 0"), "null : INTEGER");
  EXPECT_EQ(Eval("DEC / 0"), "null : DECIMAL(15, 13)");
  EXPECT_EQ(errors_.messages.size(), 3u);
  EXPECT_EQ(errors_.messages[0], "division by zero: 7/0");
  EXPECT_EQ(Eval("D / 0"), "Infinity : DOUBLE");  // IEEE-754, as Java
  EXPECT_EQ(errors_.messages.size(), 3u);
}

TEST_F(SqlExpression, ComparisonLogicAndThreeValuedNulls) {
  EXPECT_EQ(Eval("I = 7"), "true : BOOLEAN");
  EXPECT_EQ(Eval("I <> 7.0"), "false : BOOLEAN");
  EXPECT_EQ(Eval("STR < 'World'"), "true : BOOLEAN");
  EXPECT_EQ(Eval("N = 1"), "null : BOOLEAN");
  EXPECT_EQ(Eval("N = 1 OR TRUE"), "true : BOOLEAN");
  EXPECT_EQ(Eval("N = 1 AND FALSE"), "false : BOOLEAN");
  EXPECT_EQ(Eval("N = 1 AND TRUE"), "null : BOOLEAN");
  EXPECT_EQ(Eval("NOT (I > 3)"), "false : BOOLEAN");
  EXPECT_EQ(Eval("N IS NULL"), "true : BOOLEAN");
  EXPECT_EQ(Eval("I IS NOT NULL"), "true : BOOLEAN");
  EXPECT_EQ(Eval("TS > '2020-01-01T00:00:00'"), "true : BOOLEAN");
}

TEST_F(SqlExpression, LikeBetweenInCase) {
  EXPECT_EQ(Eval("STR LIKE 'H%o'"), "true : BOOLEAN");
  EXPECT_EQ(Eval("STR LIKE 'h%'"), "false : BOOLEAN");
  EXPECT_EQ(Eval("STR NOT LIKE '_ello'"), "false : BOOLEAN");
  EXPECT_EQ(Eval("'50%' LIKE '50!%' ESCAPE '!'"), "true : BOOLEAN");
  EXPECT_EQ(Eval("I BETWEEN 1 AND 7"), "true : BOOLEAN");
  EXPECT_EQ(Eval("I NOT BETWEEN 1 AND 7"), "false : BOOLEAN");
  EXPECT_EQ(Eval("I IN (1, 7)"), "true : BOOLEAN");
  EXPECT_EQ(Eval("I IN (1, N)"), "null : BOOLEAN");
  EXPECT_EQ(Eval("I NOT IN (1, 2)"), "true : BOOLEAN");
  EXPECT_EQ(Eval("CASE WHEN I > 5 THEN 'big' WHEN I > 1 THEN 'small' END"), "big : STRING");
  EXPECT_EQ(Eval("CASE I WHEN 1 THEN 1 ELSE 2.5E0 END"), "2.5 : DOUBLE");
  EXPECT_EQ(Eval("CASE WHEN I > 100 THEN 1 END"), "null : INTEGER");
}

TEST_F(SqlExpression, CastStructArrayMap) {
  EXPECT_EQ(Eval("CAST(I AS STRING)"), "7 : STRING");
  EXPECT_EQ(Eval("CAST('42' AS BIGINT)"), "42 : BIGINT");
  EXPECT_EQ(Eval("CAST(D AS INT)"), "2 : INTEGER");
  EXPECT_EQ(Eval("CAST(12.345 AS DECIMAL(4, 2))"), "12.35 : DECIMAL(4, 2)");
  EXPECT_EQ(Eval("CAST(TS AS STRING)"), "2020-09-13T12:26:40.123 : STRING");
  EXPECT_EQ(Eval("CAST('x' AS INT)"), "null : INTEGER");
  ASSERT_EQ(errors_.messages.size(), 1u);
  EXPECT_EQ(errors_.messages[0], "cannot CAST 'x' to INTEGER: not an integer in range");
  EXPECT_EQ(Eval("ST->CITY"), "Paris : STRING");
  EXPECT_EQ(Eval("ARR[1]"), "1 : INTEGER");
  EXPECT_EQ(Eval("ARR[-1]"), "3 : INTEGER");
  EXPECT_EQ(Eval("ARR[4]"), "null : INTEGER");
  EXPECT_EQ(Eval("M['k']"), "9 : BIGINT");
  EXPECT_EQ(Eval("M['z']"), "null : BIGINT");
  EXPECT_EQ(Eval("ARRAY[1, 2]"), "[1, 2] : ARRAY<INTEGER>");
  EXPECT_EQ(Eval("STRUCT(A := 1, B := 'x')->B"), "x : STRING");
  EXPECT_EQ(Eval("MAP('a' := 1)['a']"), "1 : INTEGER");
}

TEST_F(SqlExpression, ScalarFunctions) {
  EXPECT_EQ(Eval("UCASE(STR)"), "HELLO : STRING");
  EXPECT_EQ(Eval("LCASE(STR)"), "hello : STRING");
  EXPECT_EQ(Eval("CONCAT(STR, '-', CAST(I AS STRING))"), "Hello-7 : STRING");
  EXPECT_EQ(Eval("SUBSTRING(STR, 2)"), "ello : STRING");
  EXPECT_EQ(Eval("SUBSTRING(STR, 2, 3)"), "ell : STRING");
  EXPECT_EQ(Eval("SUBSTRING(STR, -3)"), "llo : STRING");
  EXPECT_EQ(Eval("LEN(STR)"), "5 : INTEGER");
  EXPECT_EQ(Eval("TRIM('  a b ')"), "a b : STRING");
  EXPECT_EQ(Eval("REPLACE(STR, 'l', 'L')"), "HeLLo : STRING");
  EXPECT_EQ(Eval("ABS(-I)"), "7 : INTEGER");
  EXPECT_EQ(Eval("ROUND(D)"), "3 : BIGINT");
  EXPECT_EQ(Eval("ROUND(-2.5E0)"), "-2 : BIGINT");  // Math.round: half up
  EXPECT_EQ(Eval("ROUND(DEC, 1)"), "12.30 : DECIMAL(4, 2)");
  EXPECT_EQ(Eval("FLOOR(D)"), "2.0 : DOUBLE");
  EXPECT_EQ(Eval("CEIL(D)"), "3.0 : DOUBLE");
  EXPECT_EQ(Eval("TIMESTAMPTOSTRING(1600000000123, 'yyyy-MM-dd HH:mm:ss.SSS')"),
            "2020-09-13 12:26:40.123 : STRING");
  EXPECT_EQ(Eval("TIMESTAMPTOSTRING(0, 'yyyy-MM-dd HH:mm', '+02:00')"),
            "1970-01-01 02:00 : STRING");
  EXPECT_EQ(Eval("STRINGTOTIMESTAMP('2020-09-13 12:26:40.123', 'yyyy-MM-dd HH:mm:ss.SSS')"),
            "1600000000123 : BIGINT");
  EXPECT_EQ(Eval("STRINGTOTIMESTAMP('nope', 'yyyy')"), "null : BIGINT");
  EXPECT_EQ(errors_.messages.size(), 1u);
  EXPECT_EQ(Eval("COALESCE(N, I)"), "7 : INTEGER");
  EXPECT_EQ(Eval("UCASE(N)"), "line 1:1: function UCASE does not accept (INTEGER); it takes (STRING)");
}

TEST_F(SqlExpression, AnalyzerErrorsNameLineAndColumn) {
  EXPECT_EQ(Eval("I + NAM"),
            "line 1:5: column 'NAM' cannot be resolved (columns: I, B, D, STR, N, ARR, M, ST, "
            "TS, DEC)");
  EXPECT_EQ(Eval("I + STR"),
            "line 1:3: operator + needs numbers, found INTEGER and STRING ((I + STR))");
  EXPECT_EQ(Eval("I = 'a'"), "line 1:3: cannot compare INTEGER with STRING ((I = 'a'))");
  EXPECT_EQ(Eval("NOPE(I)"), "line 1:1: unknown function 'NOPE'");
  EXPECT_EQ(Eval("ST->COUNTRY"),
            "line 1:3: the STRUCT ST has no field 'COUNTRY' (fields: CITY, ZIP)");
  EXPECT_EQ(Eval("I[1]"), "line 1:2: a subscript needs an ARRAY or a MAP, found INTEGER (I)");
  EXPECT_EQ(Eval("X.I"), "line 1:1: 'X' is not a source of this query");
  EXPECT_EQ(Eval("COUNT(I)"),
            "line 1:1: aggregate function COUNT is not allowed here (only in the SELECT list or "
            "HAVING of a query with GROUP BY)");
  EXPECT_EQ(Eval("CASE WHEN I THEN 1 END"),
            "line 1:11: WHEN needs a BOOLEAN condition, found INTEGER");
}

TEST_F(SqlExpression, UserScalarFunction) {
  ASSERT_TRUE(registry_
                  .RegisterScalar({.name = "double_it",
                                   .description = "twice",
                                   .resolve = [](const std::vector<kstreams::sql::TypePtr>&)
                                       -> absl::StatusOr<kstreams::sql::TypePtr> {
                                     return SqlType::Bigint();
                                   },
                                   .invoke = [](const std::vector<Value>& a, FunctionContext&) {
                                     return Value::Bigint(2 * a[0].integer());
                                   }})
                  .ok());
  EXPECT_EQ(Eval("DOUBLE_IT(I)"), "14 : BIGINT");
  EXPECT_FALSE(registry_.RegisterScalar({.name = "UCASE"}).ok());
}

}  // namespace
}  // namespace sql_expression_test
