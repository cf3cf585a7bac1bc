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
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kstreams/processor/topology.h"
#include "kstreams/sql/ast.h"
#include "kstreams/sql/engine.h"
#include "kstreams/sql/function_registry.h"

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
};

struct Plan {
  DataSource sink;
  std::unique_ptr<Topology> topology;
  std::vector<std::string> inputs;
};

// `statement` is a kCreateAsSelect or kInsertInto; for INSERT INTO,
// `insert_target` is the existing sink, whose schema the query must produce.
absl::StatusOr<Plan> PlanPersistentQuery(const Statement& statement, const PlanContext& context,
                                         const DataSource* insert_target);

// Formats from a WITH clause: FORMAT, KEY_FORMAT, VALUE_FORMAT.
absl::StatusOr<Format> ParseFormat(const Property& property);

}  // namespace kstreams::sql::internal

#endif  // KSTREAMS_SRC_SQL_PLANNER_H_
