// kstreams/sql/function_registry.h
//
// The functions SQL statements can call: scalar functions (UCASE, CONCAT,
// ROUND, TIMESTAMPTOSTRING, ...) and aggregate functions (COUNT, SUM, AVG,
// TOPK, ...). FunctionRegistry::WithBuiltins() holds ksqlDB's common ones;
// register your own C++ functions on it before giving it to the Engine.
//
// Runtime errors: a function that cannot compute a result (a bad argument, a
// string that does not parse) calls ctx.Error(message) and returns
// Value::Null(). As in ksqlDB, the row goes on with a null, and the error is
// logged and counted (Engine::processing_errors()).
//
// Thread-safety: register everything before the registry is used; after
// that it is read-only and functions may be called from any stream thread
// at once (they must not keep mutable state outside the accumulator).
//
// Example (a scalar function):
//
//   kstreams::sql::FunctionRegistry registry = kstreams::sql::FunctionRegistry::WithBuiltins();
//   registry.RegisterScalar({
//       .name = "DOUBLE_IT",
//       .description = "twice its BIGINT argument",
//       .resolve = [](const std::vector<kstreams::sql::TypePtr>& args)
//           -> absl::StatusOr<kstreams::sql::TypePtr> {
//         if (args.size() != 1) return absl::InvalidArgumentError("DOUBLE_IT takes one argument");
//         return kstreams::sql::SqlType::Bigint();
//       },
//       .invoke = [](const std::vector<kstreams::sql::Value>& args, kstreams::sql::FunctionContext&) {
//         return kstreams::sql::Value::Bigint(2 * args[0].integer());
//       }});
#ifndef KSTREAMS_SQL_FUNCTION_REGISTRY_H_
#define KSTREAMS_SQL_FUNCTION_REGISTRY_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kstreams/sql/types.h"
#include "kstreams/sql/value.h"

namespace kstreams::sql {

// What a function may report while computing a value.
class FunctionContext {
 public:
  virtual ~FunctionContext() = default;
  // Reports a runtime error for the current row; the function then returns
  // Value::Null().
  virtual void Error(std::string message) = 0;
};

// Argument types -> the result type, or an error saying which signatures are
// accepted. An argument type is null for a NULL literal.
using TypeResolver = std::function<absl::StatusOr<TypePtr>(const std::vector<TypePtr>& args)>;

struct ScalarFunction {
  std::string name{};  // upper-case
  std::string description{};
  TypeResolver resolve{};
  std::function<Value(const std::vector<Value>& args, FunctionContext& ctx)> invoke{};
  // When true (the default), a null argument gives a null result without
  // calling `invoke`.
  bool null_if_any_null = true;
};

// The state of one aggregate over one group. Accumulators are Values, kept
// in the aggregation's state store; Aggregate and Merge return new ones.
class Aggregator {
 public:
  virtual ~Aggregator() = default;
  virtual Value Initialize() const = 0;
  // `input` is the argument's value (null for COUNT(*)).
  virtual Value Aggregate(const Value& input, const Value& accumulator) const = 0;
  // Merges two sessions' accumulators (SESSION windows).
  virtual Value Merge(const Value& a, const Value& b) const = 0;
  // The result the query sees.
  virtual Value Result(const Value& accumulator) const { return accumulator; }
};

struct AggregateFunction {
  std::string name{};  // upper-case
  std::string description{};
  // Types of the arguments (the first is the aggregated column; the others
  // must be literals, as TOPK's k). COUNT(*) resolves with no arguments.
  TypeResolver resolve{};
  // Makes the aggregator for the resolved argument types and the literal
  // values of the arguments after the first.
  std::function<std::unique_ptr<Aggregator>(const std::vector<TypePtr>& arg_types,
                                            const std::vector<Value>& literal_args)>
      make{};
};

class FunctionRegistry {
 public:
  // An empty registry.
  FunctionRegistry() = default;
  // ksqlDB's built-in functions supported by kstreams (see src/sql/README.md).
  static FunctionRegistry WithBuiltins();

  // Errors when a function of that name (any kind) exists.
  absl::Status RegisterScalar(ScalarFunction function);
  absl::Status RegisterAggregate(AggregateFunction function);

  // Null when unknown. `name` is upper-case.
  const ScalarFunction* FindScalar(const std::string& name) const;
  const AggregateFunction* FindAggregate(const std::string& name) const;
  // Every function name with its description, sorted by name.
  std::vector<std::pair<std::string, std::string>> List() const;

 private:
  std::map<std::string, std::shared_ptr<const ScalarFunction>> scalars_;
  std::map<std::string, std::shared_ptr<const AggregateFunction>> aggregates_;
};

}  // namespace kstreams::sql

#endif  // KSTREAMS_SQL_FUNCTION_REGISTRY_H_
