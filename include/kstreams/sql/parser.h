// kstreams/sql/parser.h
//
// Parses ksqlDB statements into the syntax tree of kstreams/sql/ast.h. A
// hand-written lexer and recursive-descent parser; an error names the line
// and the column of the offending token and what was expected there:
//
//   line 1:22: expected ')' or ',' after a column definition, found 'VALUES'
//
// Thread-safety: stateless functions.
//
// Example:
//
//   absl::StatusOr<std::vector<kstreams::sql::Statement>> statements =
//       kstreams::sql::ParseStatements(
//           "CREATE STREAM s (id INT KEY, name STRING) "
//           "WITH (kafka_topic='s', value_format='JSON');");
#ifndef KSTREAMS_SQL_PARSER_H_
#define KSTREAMS_SQL_PARSER_H_

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "kstreams/sql/ast.h"

namespace kstreams::sql {

// Parses one or more statements separated by ';' (the last ';' optional).
// Comments: "-- ..." to the end of the line, and "/* ... */".
absl::StatusOr<std::vector<Statement>> ParseStatements(std::string_view text);

// Parses a single expression (the whole text).
absl::StatusOr<ExprPtr> ParseExpression(std::string_view text);

// Parses a type: "ARRAY<STRUCT<A INT>>", "DECIMAL(4, 2)".
absl::StatusOr<TypePtr> ParseType(std::string_view text);

}  // namespace kstreams::sql

#endif  // KSTREAMS_SQL_PARSER_H_
