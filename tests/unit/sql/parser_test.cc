#include "kstreams/sql/parser.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sql_parser_test {
namespace {

using ::kstreams::sql::Expression;
using ::kstreams::sql::ParseExpression;
using ::kstreams::sql::ParseStatements;
using ::kstreams::sql::ParseType;
using ::kstreams::sql::Statement;
using ::testing::HasSubstr;

std::string ErrorOf(std::string_view text) {
  auto r = ParseStatements(text);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? "" : std::string(r.status().message());
}

TEST(SqlParser, CreateStreamWithColumnsKeyAndProperties) {
  auto r = ParseStatements(
      "CREATE STREAM pageviews (id INT KEY, `Name` STRING, tags ARRAY<STRING>, "
      "addr STRUCT<city STRING, zip INT>, m MAP<STRING, DECIMAL(4, 2)>) "
      "WITH (kafka_topic='pv', value_format='JSON', partitions=2);");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 1u);
  const Statement& s = (*r)[0];
  EXPECT_EQ(s.kind, Statement::Kind::kCreateSource);
  EXPECT_FALSE(s.is_table);
  EXPECT_EQ(s.name, "PAGEVIEWS");
  ASSERT_EQ(s.elements.size(), 5u);
  EXPECT_EQ(s.elements[0].name, "ID");
  EXPECT_TRUE(s.elements[0].key);
  EXPECT_EQ(s.elements[1].name, "Name");  // quoted: case kept
  EXPECT_EQ(s.elements[2].type->ToString(), "ARRAY<STRING>");
  EXPECT_EQ(s.elements[3].type->ToString(), "STRUCT<`CITY` STRING, `ZIP` INTEGER>");
  EXPECT_EQ(s.elements[4].type->ToString(), "MAP<STRING, DECIMAL(4, 2)>");
  EXPECT_EQ(s.FindProperty("KAFKA_TOPIC")->value.str(), "pv");
  EXPECT_EQ(s.FindProperty("PARTITIONS")->value.integer(), 2);
}

TEST(SqlParser, CreateTableAsSelectWithWindowGroupByHavingEmit) {
  auto r = ParseStatements(
      "CREATE TABLE counts AS SELECT region, COUNT(*) AS n FROM views v "
      "WINDOW HOPPING (SIZE 1 MINUTE, ADVANCE BY 10 SECONDS, GRACE PERIOD 5 SECONDS) "
      "WHERE v.page LIKE '/a%' GROUP BY region HAVING COUNT(*) > 1 EMIT FINAL;");
  ASSERT_TRUE(r.ok()) << r.status();
  const Statement& s = (*r)[0];
  EXPECT_EQ(s.kind, Statement::Kind::kCreateAsSelect);
  EXPECT_TRUE(s.is_table);
  const auto& q = *s.query;
  ASSERT_EQ(q.select.size(), 2u);
  EXPECT_EQ(q.select[1].alias, "N");
  EXPECT_EQ(q.from.name, "VIEWS");
  EXPECT_EQ(q.from.alias, "V");
  EXPECT_EQ(q.window->size_ms, 60000);
  EXPECT_EQ(q.window->advance_ms, 10000);
  EXPECT_EQ(*q.window->grace_ms, 5000);
  EXPECT_EQ(q.where->ToString(), "(V.PAGE LIKE '/a%')");
  EXPECT_EQ(q.group_by.size(), 1u);
  EXPECT_EQ(q.having->ToString(), "(COUNT(*) > 1)");
  EXPECT_EQ(q.emit, kstreams::sql::Query::Emit::kFinal);
}

TEST(SqlParser, JoinsWithinAndOtherStatements) {
  auto r = ParseStatements(
      "CREATE STREAM j AS SELECT * FROM a LEFT JOIN b WITHIN (1 HOUR, 2 HOURS) GRACE PERIOD 1 "
      "MINUTE ON a.id = b.id EMIT CHANGES;\n"
      "INSERT INTO j SELECT * FROM c;\n"
      "INSERT INTO s (a, b) VALUES (1, 'x');\n"
      "DROP TABLE IF EXISTS t DELETE TOPIC; SHOW STREAMS; LIST QUERIES; DESCRIBE EXTENDED s;\n"
      "TERMINATE CSAS_J_0; -- a comment\n"
      "/* block */ SELECT * FROM t WHERE id = 3;");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 9u);
  const auto& j = (*r)[0].query->joins.at(0);
  EXPECT_EQ(j.type, kstreams::sql::JoinSpec::Type::kLeft);
  EXPECT_EQ(*j.within_before_ms, 3600000);
  EXPECT_EQ(*j.within_after_ms, 7200000);
  EXPECT_EQ(*j.grace_ms, 60000);
  EXPECT_EQ((*r)[1].kind, Statement::Kind::kInsertInto);
  EXPECT_EQ((*r)[2].kind, Statement::Kind::kInsertValues);
  EXPECT_EQ((*r)[2].columns, (std::vector<std::string>{"A", "B"}));
  EXPECT_TRUE((*r)[3].if_exists);
  EXPECT_TRUE((*r)[3].delete_topic);
  EXPECT_EQ((*r)[5].name, "QUERIES");
  EXPECT_TRUE((*r)[6].extended);
  EXPECT_EQ((*r)[7].name, "CSAS_J_0");
  EXPECT_EQ((*r)[8].kind, Statement::Kind::kSelect);
  EXPECT_EQ((*r)[8].text, "SELECT * FROM t WHERE id = 3");
}

TEST(SqlParser, ExpressionPrecedenceAndForms) {
  auto e = ParseExpression("a + b * c - -d > 3 AND NOT x IS NULL OR y BETWEEN 1 AND 2");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ((*e)->ToString(),
            "(((((A + (B * C)) - -D) > 3) AND (NOT (X IS NULL))) OR (Y BETWEEN 1 AND 2))");
  e = ParseExpression("CASE WHEN s->f[1] IN (1, 2) THEN CAST(m['k'] AS BIGINT) ELSE 0 END");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ((*e)->ToString(),
            "(CASE WHEN (S->F[1] IN (1, 2)) THEN CAST(M['k'] AS BIGINT) ELSE 0 END)");
  e = ParseExpression("x NOT LIKE 'a\\_%' ESCAPE '\\'");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_TRUE((*e)->negated);
  e = ParseExpression("1.50");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)->type->ToString(), "DECIMAL(3, 2)");
  e = ParseExpression("1.5E2");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)->type->ToString(), "DOUBLE");
  e = ParseExpression("-2147483648");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)->type->ToString(), "INTEGER");
  e = ParseExpression("'it''s'");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)->literal.str(), "it's");
}

TEST(SqlParser, SetAndUnsetTakeQuotedPropertyNames) {
  auto r = ParseStatements("SET 'auto.offset.reset' = 'earliest';\nUNSET 'auto.offset.reset';");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].kind, Statement::Kind::kSet);
  EXPECT_EQ((*r)[0].name, "auto.offset.reset");
  ASSERT_EQ((*r)[0].properties.size(), 1u);
  EXPECT_EQ((*r)[0].properties[0].value.str(), "earliest");
  EXPECT_EQ((*r)[1].kind, Statement::Kind::kUnset);
  EXPECT_EQ((*r)[1].name, "auto.offset.reset");
  EXPECT_EQ(ErrorOf("SET auto = 'x';"),
            "line 1:5: expected a quoted property name ('auto.offset.reset'), found 'auto'");
  EXPECT_EQ(ErrorOf("SET 'a' 'x';"),
            "line 1:9: expected '=' after the property name, found string 'x'");
}

TEST(SqlParser, ErrorsNameLineColumnAndWhatWasExpected) {
  EXPECT_EQ(ErrorOf("CREATE STREAM s (id INT KEY name STRING) WITH (kafka_topic='t');"),
            "line 1:29: expected ')' or ',' after a column definition, found 'name'");
  EXPECT_EQ(ErrorOf("SELECT a,\n  b\nWHERE t;"),
            "line 3:1: expected FROM or ',' after the select list, found 'WHERE'");
  EXPECT_EQ(ErrorOf("CREATE STREAM s (id FLOAT) WITH (kafka_topic='t');"),
            "line 1:21: unknown type 'FLOAT': expected BOOLEAN, INT, BIGINT, DOUBLE, DECIMAL, "
            "STRING, BYTES, TIMESTAMP, DATE, TIME, ARRAY, MAP or STRUCT");
  EXPECT_EQ(ErrorOf("CREATE VIEW v AS SELECT * FROM t;"),
            "line 1:8: expected STREAM or TABLE after CREATE, found 'VIEW'");
  EXPECT_EQ(ErrorOf("SELECT * FROM t WHERE a = 'open"),
            "line 1:27: expected ' to close the string, found the end of input");
  EXPECT_EQ(ErrorOf("SELECT * FROM t WINDOW TUMBLING (SIZE 10 WEEKS)"),
            "line 1:42: expected a time unit (MILLISECONDS, SECONDS, MINUTES, HOURS, DAYS), "
            "found 'WEEKS'");
  EXPECT_EQ(ErrorOf("SELECT (a + FROM t"), "line 1:13: expected an expression, found 'FROM'");
  EXPECT_EQ(ErrorOf("SELECT a FROM t; BOGUS"),
            "line 1:18: expected CREATE, INSERT, DROP, SHOW, LIST, DESCRIBE, TERMINATE, SET, UNSET "
            "or SELECT, "
            "found 'BOGUS'");
  EXPECT_THAT(ErrorOf("CREATE STREAM s (d DECIMAL(3, 5)) WITH (kafka_topic='t');"),
              HasSubstr("line 1:20: DECIMAL(3, 5) is invalid"));
  EXPECT_EQ(ErrorOf("SELECT a ^ b FROM t"), "line 1:10: unexpected character '^'");
}

TEST(SqlParser, ParsesTypes) {
  auto t = ParseType("MAP<STRING, ARRAY<STRUCT<`a` INT, B BIGINT>>>");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ((*t)->ToString(), "MAP<STRING, ARRAY<STRUCT<`a` INTEGER, `B` BIGINT>>>");
}

}  // namespace
}  // namespace sql_parser_test
