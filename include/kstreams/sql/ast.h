// kstreams/sql/ast.h
//
// The syntax tree the parser (kstreams/sql/parser.h) produces: statements,
// queries and expressions, each node with the line and column where it
// starts, so that the analyzer's errors can point at it. Identifiers are
// already normalized as ksqlDB normalizes them: unquoted ones upper-cased,
// `quoted` ones kept as written.
//
// Thread-safety: immutable once parsed; expressions are shared (ExprPtr).
#ifndef KSTREAMS_SQL_AST_H_
#define KSTREAMS_SQL_AST_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kstreams/sql/types.h"
#include "kstreams/sql/value.h"

namespace kstreams::sql {

struct Location {
  int line = 1;
  int column = 1;
};

struct Expression;
using ExprPtr = std::shared_ptr<const Expression>;

struct Expression {
  enum class Kind {
    kLiteral,      // literal, literal_type
    kColumn,       // name, qualifier (may be empty)
    kDereference,  // args[0] -> name
    kSubscript,    // args[0][args[1]]
    kFunction,     // name(args...); star for COUNT(*)
    kNot,          // NOT args[0]
    kNegate,       // -args[0]
    kBinary,       // args[0] op args[1]; op: + - * / % = <> < <= > >= AND OR
    kIsNull,       // args[0] IS [NOT] NULL
    kLike,         // args[0] [NOT] LIKE args[1] [ESCAPE args[2]]
    kBetween,      // args[0] [NOT] BETWEEN args[1] AND args[2]
    kIn,           // args[0] [NOT] IN (args[1..])
    kCase,         // CASE WHEN args[2i] THEN args[2i+1] ... [ELSE last]; has_else
    kCast,         // CAST(args[0] AS type)
    kArray,        // ARRAY[args...]
    kMap,          // MAP(k := v, ...): args alternate key, value
    kStruct,       // STRUCT(name := v, ...): names, args
  };
  Kind kind = Kind::kLiteral;
  Location loc;
  std::string name;
  std::string qualifier;
  std::string op;
  Value literal;
  TypePtr type;  // literal type, or CAST's target
  std::vector<ExprPtr> args;
  std::vector<std::string> names;  // STRUCT field names
  bool negated = false;
  bool star = false;
  bool has_else = false;

  // SQL text of the expression, as ksqlDB prints it in generated names
  // and errors.
  std::string ToString() const;
};

struct TableElement {
  std::string name;
  TypePtr type;
  bool key = false;  // KEY or PRIMARY KEY
  bool primary_key = false;
  Location loc;
};

struct Property {
  std::string name;  // upper-cased
  Value value;
  Location loc;
};

struct SelectItem {
  ExprPtr expr;       // null for *
  std::string alias;  // empty when none was given
  bool star = false;
  std::string star_qualifier;
  Location loc;
};

struct Relation {
  std::string name;
  std::string alias;  // the name when none was given
  Location loc;
};

struct WindowSpec {
  enum class Type { kTumbling, kHopping, kSession };
  Type type = Type::kTumbling;
  int64_t size_ms = 0;
  int64_t advance_ms = 0;
  std::optional<int64_t> grace_ms;
  std::optional<int64_t> retention_ms;
  Location loc;
};

struct JoinSpec {
  enum class Type { kInner, kLeft, kRight, kFull };
  Type type = Type::kInner;
  Relation right;
  ExprPtr on;
  std::optional<int64_t> within_before_ms;
  std::optional<int64_t> within_after_ms;
  std::optional<int64_t> grace_ms;
  Location loc;
};

struct Query {
  enum class Emit { kNone, kChanges, kFinal };
  std::vector<SelectItem> select;
  Relation from;
  std::vector<JoinSpec> joins;
  std::optional<WindowSpec> window;
  ExprPtr where;
  std::vector<ExprPtr> group_by;
  std::vector<ExprPtr> partition_by;
  ExprPtr having;
  Emit emit = Emit::kNone;
  std::optional<int64_t> limit;
  Location loc;
};

struct Statement {
  enum class Kind {
    kCreateSource,    // CREATE STREAM|TABLE name (elements) WITH (...)
    kCreateAsSelect,  // CREATE STREAM|TABLE name [WITH (...)] AS query
    kInsertInto,      // INSERT INTO name query
    kInsertValues,    // INSERT INTO name [(columns)] VALUES (values)
    kDrop,            // DROP STREAM|TABLE [IF EXISTS] name [DELETE TOPIC]
    kShow,            // SHOW|LIST STREAMS|TABLES|QUERIES|TOPICS|FUNCTIONS
    kDescribe,        // DESCRIBE [EXTENDED] name | DESCRIBE FUNCTION name
    kTerminate,       // TERMINATE query_id | ALL
    kSelect,          // a push or pull query
    kSet,             // SET 'name' = 'value': name, properties[0]
    kUnset,           // UNSET 'name': name
  };
  Kind kind = Kind::kSelect;
  bool is_table = false;
  bool or_replace = false;
  bool if_not_exists = false;
  bool if_exists = false;
  bool delete_topic = false;
  bool extended = false;
  std::string name;  // source, query id, or what SHOW lists
  std::vector<TableElement> elements;
  std::vector<Property> properties;
  std::optional<Query> query;
  std::vector<std::string> columns;  // INSERT ... (columns) VALUES
  std::vector<ExprPtr> values;
  std::string text;  // the statement's text, without the final ';'
  Location loc;

  // The property `name` (upper-case), or null.
  const Property* FindProperty(const std::string& name) const;
};

}  // namespace kstreams::sql

#endif  // KSTREAMS_SQL_AST_H_
