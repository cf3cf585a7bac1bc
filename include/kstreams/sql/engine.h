// kstreams/sql/engine.h
//
// kstreams::sql::Engine runs ksqlDB statements inside your process: CREATE
// STREAM / TABLE declare sources over topics; CREATE ... AS SELECT and
// INSERT INTO ... SELECT start persistent queries, each compiled into its
// own kstreams Topology and run by its own KafkaStreams (application.id
// "_confluent-ksql-<service id>query_<query id>", as ksqlDB names them);
// SHOW, DESCRIBE, DROP and TERMINATE manage them. SET and UNSET change the
// properties of the queries started after them ('auto.offset.reset',
// 'ksql.streams.<streams config>').
//
// Transient queries: StartPushQuery() runs `SELECT ... EMIT CHANGES`
// (kstreams/sql/push_query.h); ExecutePull() (and Execute()) answers a pull
// query, `SELECT ... FROM table [WHERE ...]` without EMIT, at once from the
// state store of the persistent query that materializes the table, through
// KafkaStreams' interactive queries: a point lookup for `key = literal`, a
// window-start range for WINDOWSTART bounds, a scan of the store otherwise.
//
// Errors: Execute() returns the first failing statement's error, naming the
// line and column for parse and type errors. Runtime expression errors
// (division by zero, a bad CAST) give NULL, are logged and are counted in
// processing_errors(), as ksqlDB's processing log does; records that cannot
// be deserialized are logged and skipped (log_and_continue, ksqlDB's default).
//
// Thread-safety: thread-compatible: one thread calls Execute and the other
// methods at a time; the queries run on their own stream threads.
//
// Example:
//
//   kstreams::sql::Engine engine({.streams_config = {{"bootstrap.servers", "localhost:9092"}}});
//   auto results = engine.Execute(R"(
//       CREATE STREAM clicks (user STRING KEY, page STRING)
//         WITH (kafka_topic='clicks', value_format='JSON');
//       CREATE TABLE per_user AS SELECT user, COUNT(*) AS n FROM clicks GROUP BY user;)");
//   // results.ok(): the query CTAS_PER_USER_1 runs until engine.Close().
#ifndef KSTREAMS_SQL_ENGINE_H_
#define KSTREAMS_SQL_ENGINE_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "kstreams/processor/topology.h"
#include "kstreams/sql/ast.h"
#include "kstreams/sql/function_registry.h"
#include "kstreams/sql/types.h"
#include "kstreams/streams_config.h"

namespace kstreams {
class KafkaStreams;
class SimpleProducer;
}

namespace kstreams::sql {

class PushQuery;
namespace internal {
struct Materialization;
}

enum class Format { kKafka, kJson, kDelimited, kNone };

// "KAFKA", "JSON", "DELIMITED", "NONE".
std::string FormatName(Format format);

struct Column {
  std::string name;
  TypePtr type;
};

// A stream or table the engine knows: its schema, topic and formats.
struct DataSource {
  std::string name;
  bool is_table = false;
  std::vector<Column> key_columns;
  std::vector<Column> value_columns;
  std::string topic;
  Format key_format = Format::kKafka;
  Format value_format = Format::kJson;
  std::string value_delimiter = ",";
  int partitions = 1;
  std::optional<std::string> timestamp_column;
  std::string timestamp_format;  // for a STRING timestamp column
  // Set when the source is the output of a windowed aggregation: its keys
  // are windowed.
  std::optional<WindowSpec> window;
  // The persistent query writing it, empty for a declared source.
  std::string written_by;
};

// What one statement did.
struct StatementResult {
  std::string statement{};  // its text
  std::string message{};    // "Stream created", "Created query with ID CSAS_OUT_0", ...
  std::string query_id{};   // for statements that started a query
  // A table for SHOW and DESCRIBE: header and rows.
  std::vector<std::string> header{};
  std::vector<std::vector<std::string>> rows{};
};

struct PersistentQuery {
  std::string id;          // CSAS_OUT_0, CTAS_COUNTS_1, INSERTQUERY_2
  std::string statement;   // the SQL text
  std::string sink;        // the source it writes
  std::vector<std::string> sources;
  std::string application_id;
  std::unique_ptr<Topology> topology;
  std::unique_ptr<KafkaStreams> streams;  // null when queries are not started
  // The store holding the sink table's rows (aggregations, table
  // projections); null when pull queries cannot read the sink.
  std::shared_ptr<const internal::Materialization> materialization;
};

// The rows of a pull query, in the store's order.
struct PullQueryResult {
  std::vector<Column> columns;
  std::vector<Row> rows;
};

class Engine {
 public:
  struct Options {
    FunctionRegistry functions = FunctionRegistry::WithBuiltins();
    // Passed to each query's KafkaStreams (bootstrap.servers, state.dir,
    // ...); application.id is set per query.
    std::map<std::string, std::string> streams_config{};
    // When false, queries are compiled but not run (the test runner drives
    // their topologies itself).
    bool start_queries = true;
    // ksqlDB's ksql.service.id. Default: "default_".
    std::string service_id = "default_";
    // Where INSERT INTO ... VALUES writes a record (a null key or value as
    // std::nullopt). Default: a producer on streams_config's
    // bootstrap.servers.
    std::function<absl::Status(const std::string& topic, std::optional<std::string> key,
                               std::optional<std::string> value, int64_t timestamp_ms)>
        produce{};
    // Creates a topic a statement needs (a declared source's, a query's
    // sink), leaving an existing one as it is; called only when queries are
    // started. Default: the creator registered for streams_config's
    // bootstrap.servers (kstreams/runtime/topic_creator.h, for a broker in
    // this process), else the Admin API.
    std::function<absl::Status(const std::string& topic, int partitions)> create_topic{};
  };

  explicit Engine(Options options);
  Engine() : Engine(Options()) {}
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Parses and runs the statements in order; stops at the first error (the
  // statements before it stay done). A pull query's rows come back as
  // text in the result's header and rows; a push query is refused (use
  // StartPushQuery).
  absl::StatusOr<std::vector<StatementResult>> Execute(std::string_view sql);

  // Starts one push query, `SELECT ... EMIT CHANGES [LIMIT n]`. With
  // `on_row`, each row goes to it (on a stream thread); otherwise take the
  // rows with PushQuery::Next(). The query runs until its LIMIT, Stop(), or
  // its destruction, which must come before the engine's.
  // Errors: those of the statement (line:column), FailedPrecondition when
  // queries are not started (Options::start_queries).
  absl::StatusOr<std::unique_ptr<PushQuery>> StartPushQuery(
      std::string_view sql, std::function<void(const Row&)> on_row = {});

  // Runs one pull query, `SELECT ... FROM table [WHERE ...]`, against the
  // store of the running query that writes `table`.
  // Errors: InvalidArgument for a stream or a table no query materializes
  // (worded as ksqlDB's), Unavailable while the query's store is not
  // queryable yet (it is starting or rebalancing: retry).
  absl::StatusOr<PullQueryResult> ExecutePull(std::string_view sql);

  // The properties SET so far.
  const std::map<std::string, std::string>& properties() const { return properties_; }

  // Stops every query.
  void Close();

  const DataSource* FindSource(const std::string& name) const;
  const PersistentQuery* FindQuery(const std::string& id) const;
  // In creation order.
  std::vector<const PersistentQuery*> Queries() const;
  // The topology of a query, as Topology::Describe() prints it.
  absl::StatusOr<std::string> Describe(const std::string& query_id) const;

  // Runtime expression errors so far, over all queries.
  int64_t processing_errors() const { return errors_->load(); }
  const FunctionRegistry& functions() const { return options_.functions; }

 private:
  absl::StatusOr<StatementResult> ExecuteOne(const Statement& statement);
  absl::StatusOr<StatementResult> CreateSource(const Statement& statement);
  absl::StatusOr<StatementResult> CreateAsSelect(const Statement& statement);
  absl::StatusOr<StatementResult> Show(const Statement& statement);
  absl::StatusOr<StatementResult> DescribeSource(const Statement& statement);
  absl::StatusOr<StatementResult> Drop(const Statement& statement);
  absl::StatusOr<StatementResult> Terminate(const Statement& statement);
  absl::StatusOr<StatementResult> InsertValues(const Statement& statement);
  absl::StatusOr<StatementResult> SetProperty(const Statement& statement);
  absl::StatusOr<PullQueryResult> Pull(const Statement& statement);
  absl::Status CreateTopic(const std::string& topic, int partitions);
  // The config of a query's KafkaStreams.
  StreamsConfig QueryConfig(const std::string& application_id) const;

  Options options_;
  std::map<std::string, DataSource> sources_;
  std::vector<std::unique_ptr<PersistentQuery>> queries_;
  int next_query_ = 0;
  int next_transient_ = 0;
  std::map<std::string, std::string> properties_;
  std::shared_ptr<std::atomic<int64_t>> errors_;
  std::unique_ptr<SimpleProducer> producer_;
};

}  // namespace kstreams::sql

#endif  // KSTREAMS_SQL_ENGINE_H_
