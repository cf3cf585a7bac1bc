// The analyzer's expression half: resolves the columns and functions of an
// Expression against a Scope, checks types, and compiles it into an
// Evaluator tree that computes a Value from a Row. Errors name the line and
// column of the offending expression:
//
//   line 1:30: column 'NAM' cannot be resolved (columns: ID, NAME, ROWTIME, ...)
//
// Runtime semantics are ksqlDB's: NULL propagates; an error (integer
// division by zero, a failed CAST, a function's error) makes the value NULL
// and is reported to the FunctionContext (logged and counted by the engine).
#ifndef KSTREAMS_SRC_SQL_EXPRESSION_H_
#define KSTREAMS_SRC_SQL_EXPRESSION_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kstreams/sql/ast.h"
#include "kstreams/sql/function_registry.h"
#include "kstreams/sql/types.h"
#include "kstreams/sql/value.h"

namespace kstreams::sql::internal {

struct ScopeColumn {
  std::string name;
  std::string source;  // the alias of the source it comes from; may be empty
  TypePtr type;
};

// The columns an expression may reference (by index into the row), and
// expressions already computed into columns (GROUP BY expressions and
// aggregate calls, matched by their text).
struct Scope {
  std::vector<ScopeColumn> columns;
  std::vector<std::pair<std::string, int>> computed;
  // Where an unresolved column is a clearer error, e.g. "is not part of
  // GROUP BY".
  std::string unresolved_hint;
};

class Evaluator {
 public:
  virtual ~Evaluator() = default;
  virtual Value Eval(const Row& row, FunctionContext& ctx) const = 0;
};

struct Compiled {
  std::shared_ptr<const Evaluator> eval;
  TypePtr type;  // null only for the NULL literal
};

absl::StatusOr<Compiled> CompileExpression(const ExprPtr& expr, const Scope& scope,
                                           const FunctionRegistry& registry);

// The aggregate calls in `expr`, outermost first (not those nested inside
// another aggregate's arguments).
void CollectAggregates(const ExprPtr& expr, const FunctionRegistry& registry,
                       std::vector<ExprPtr>& out);

// Converts between types as CAST does; errors go to ctx (and give NULL).
Value CastValue(const Value& v, const SqlType& to, FunctionContext& ctx);

// Makes `v` (of a numeric type) a value of numeric type `t`.
Value ToNumeric(const Value& v, const SqlType& t);

// "line L:C: " + message.
absl::Status ErrorAt(const Location& loc, const std::string& message);

}  // namespace kstreams::sql::internal

#endif  // KSTREAMS_SRC_SQL_EXPRESSION_H_
