// Compiles one persistent query (CREATE STREAM|TABLE ... AS SELECT, INSERT
// INTO ... SELECT) into a kstreams Topology built with the typed DSL over
// rows: KStream<Row, Row>, KTable<Row, Row> and KTable<Windowed<Row>, Row>.
//
// The shapes follow ksqlDB's physical plans:
//   stream -> [select: WHERE, projection, PARTITION BY] -> sink
//   table  -> filter (WHERE) -> mapValues (projection) -> sink
//   stream -> [pre-aggregate: WHERE, group key, aggregate inputs]
//          -> groupByKey (through "<app>-Aggregate-GroupBy-repartition" when the
//             key changes) -> [windowedBy] -> aggregate
//             ("Aggregate-Aggregate-Materialize") -> [suppress, EMIT FINAL]
//          -> filter (HAVING) -> mapValues (projection) -> toStream -> sink
//   stream-table join: [rekey through "<app>-Join-left-repartition"] -> leftJoin
//          / join -> projection -> sink
#ifndef KSTREAMS_SRC_SQL_PLANNER_H_
#define KSTREAMS_SRC_SQL_PLANNER_H_

#include <atomic>
#include <functional>
#include <optional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kstreams/processor/record.h"
#include "kstreams/processor/topology.h"
#include "kstreams/sql/ast.h"
#include "kstreams/sql/engine.h"
#include "kstreams/sql/function_registry.h"
#include "sql/expression.h"

namespace kstreams::sql::internal {

// Counts and logs a query's runtime expression errors (ksqlDB's processing
// log). Thread-safe: the counter is shared by every task of every query.
class ErrorReporter final : public FunctionContext {
 public:
  ErrorReporter(std::string query_id, std::shared_ptr<std::atomic<int64_t>> counter)
      : query_id_(std::move(query_id)), counter_(std::move(counter)) {}
  void Error(std::string message) override;

 private:
  std::string query_id_;
  std::shared_ptr<std::atomic<int64_t>> counter_;
};

struct PlanContext {
  const std::map<std::string, DataSource>* sources = nullptr;
  const FunctionRegistry* functions = nullptr;
  std::shared_ptr<std::atomic<int64_t>> errors;
  std::string query_id;
  // Set for a transient (push) query: each result row (the projection, in
  // its order) goes here instead of a sink topic, and the projection need
  // not include the key. Called on the query's stream threads.
  std::function<void(Row)> emit{};
};

// Where a persistent query keeps the rows of the table it writes, for pull
// queries: the state store, and how a stored entry becomes the table's row.
struct Materialization {
  enum class Kind { kKeyValue, kWindow, kSession };
  std::string store;
  Kind kind = Kind::kKeyValue;
  int64_t window_size_ms = 0;  // kWindow
  // The table's value columns for a stored (key, value) in the window
  // [window_start, window_end) (0, 0 when not windowed); nullopt when the
  // row is filtered out (HAVING, a table's WHERE). Thread-safe.
  std::function<std::optional<Row>(const Row& key, const Row& stored, int64_t window_start,
                                   int64_t window_end)>
      to_value;
};

struct Plan {
  DataSource sink;
  std::unique_ptr<Topology> topology;
  std::vector<std::string> inputs;
  // Set when the query's result table is materialized in a store it owns.
  std::shared_ptr<const Materialization> materialization;
};

// `statement` is a kCreateAsSelect or kInsertInto; for INSERT INTO,
// `insert_target` is the existing sink, whose schema the query must produce.
// For a transient query (`context.emit` set), `statement` is a kSelect and
// the plan's sink describes the result columns only.
absl::StatusOr<Plan> PlanPersistentQuery(const Statement& statement, const PlanContext& context,
                                         const DataSource* insert_target);

// What the planner and the pull queries share.

using EvalPtr = std::shared_ptr<const Evaluator>;

// The row a source scope describes: key columns, value columns, then (with
// `pseudo`) ROWTIME, ROWPARTITION, ROWOFFSET from `metadata` and `timestamp`.
Row SourceRow(const Row& key, const Row& value, size_t nkey, size_t nvalue, int64_t timestamp,
              const RecordMetadata* metadata, bool pseudo);
// The scope of a source's columns under `alias` (with the pseudo-columns).
Scope SourceScope(const DataSource& source, const std::string& alias, bool pseudo);
// Every expression's value on `row`.
Row EvalAll(const std::vector<EvalPtr>& exprs, const Row& row, FunctionContext& context);
// True when `e` is null (no predicate) or TRUE on `row`.
bool IsTrue(const EvalPtr& e, const Row& row, FunctionContext& context);
// A column reference.
ExprPtr ColumnExpr(const std::string& name, const std::string& qualifier, Location loc);

// One output column of the projection.
struct OutItem {
  std::string name;
  ExprPtr expr;
  Compiled compiled;
  Location loc;
};

// Expands * and compiles the select list in `scope`. `star_columns` are
// what * stands for, with the names they get.
absl::StatusOr<std::vector<OutItem>> CompileSelect(
    const Query& query, const Scope& scope, const FunctionRegistry& registry,
    const std::vector<std::pair<std::string, ExprPtr>>& star_columns);

// Formats from a WITH clause: FORMAT, KEY_FORMAT, VALUE_FORMAT.
absl::StatusOr<Format> ParseFormat(const Property& property);

}  // namespace kstreams::sql::internal

#endif  // KSTREAMS_SRC_SQL_PLANNER_H_
