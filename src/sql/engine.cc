#include "kstreams/sql/engine.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "kstreams/internal/strings.h"
#include "kstreams/kafka/create_topics.h"
#include "kstreams/kafka/simple_producer.h"
#include "kstreams/processor/topology_description.h"
#include "kstreams/runtime/kafka_streams.h"
#include "kstreams/runtime/topic_creator.h"
#include "kstreams/sql/parser.h"
#include "sql/expression.h"
#include "sql/formats.h"
#include "sql/planner.h"

namespace kstreams::sql {

using ::kstreams::internal::StrCat;
using internal::ErrorAt;

Engine::Engine(Options options)
    : options_(std::move(options)), errors_(std::make_shared<std::atomic<int64_t>>(0)) {}

Engine::~Engine() { Close(); }

void Engine::Close() {
  for (auto& q : queries_) {
    if (q->streams) q->streams->Close();
  }
}

const DataSource* Engine::FindSource(const std::string& name) const {
  auto it = sources_.find(name);
  return it == sources_.end() ? nullptr : &it->second;
}

const PersistentQuery* Engine::FindQuery(const std::string& id) const {
  for (const auto& q : queries_) {
    if (q->id == id) return q.get();
  }
  return nullptr;
}

std::vector<const PersistentQuery*> Engine::Queries() const {
  std::vector<const PersistentQuery*> out;
  for (const auto& q : queries_) out.push_back(q.get());
  return out;
}

absl::StatusOr<std::string> Engine::Describe(const std::string& query_id) const {
  const PersistentQuery* q = FindQuery(query_id);
  if (!q) return absl::NotFoundError(StrCat("no query with id ", query_id));
  return q->topology->Describe().ToString();
}

absl::StatusOr<std::vector<StatementResult>> Engine::Execute(std::string_view sql) {
  auto statements = ParseStatements(sql);
  if (!statements.ok()) return statements.status();
  std::vector<StatementResult> out;
  for (const Statement& st : *statements) {
    auto r = ExecuteOne(st);
    if (!r.ok()) return r.status();
    r->statement = st.text;
    out.push_back(std::move(*r));
  }
  return out;
}

absl::StatusOr<StatementResult> Engine::ExecuteOne(const Statement& st) {
  switch (st.kind) {
    case Statement::Kind::kCreateSource: return CreateSource(st);
    case Statement::Kind::kCreateAsSelect:
    case Statement::Kind::kInsertInto: return CreateAsSelect(st);
    case Statement::Kind::kInsertValues: return InsertValues(st);
    case Statement::Kind::kShow: return Show(st);
    case Statement::Kind::kDescribe: return DescribeSource(st);
    case Statement::Kind::kDrop: return Drop(st);
    case Statement::Kind::kTerminate: return Terminate(st);
    case Statement::Kind::kSet:
    case Statement::Kind::kUnset: return SetProperty(st);
    case Statement::Kind::kSelect: {
      if (st.query->emit != Query::Emit::kNone) {
        return ErrorAt(st.loc, "a push query (EMIT CHANGES) streams its rows: run it with "
                               "Engine::StartPushQuery, or at the kstreams-sql prompt");
      }
      auto pulled = Pull(st);
      if (!pulled.ok()) return pulled.status();
      StatementResult r;
      for (const Column& c : pulled->columns) r.header.push_back(c.name);
      for (const Row& row : pulled->rows) {
        std::vector<std::string> cells;
        for (const Value& v : row) cells.push_back(v.ToString());
        r.rows.push_back(std::move(cells));
      }
      return r;
    }
  }
  return absl::InternalError("unknown statement");
}

absl::StatusOr<StatementResult> Engine::CreateSource(const Statement& st) {
  const char* kind = st.is_table ? "table" : "stream";
  if (auto it = sources_.find(st.name); it != sources_.end()) {
    if (st.if_not_exists) return StatementResult{.message = StrCat(st.is_table ? "Table" : "Stream", " already exists")};
    if (!st.or_replace) {
      return ErrorAt(st.loc, StrCat("Cannot add ", kind, " '", st.name, "': A ",
                                    it->second.is_table ? "table" : "stream",
                                    " with the same name already exists"));
    }
  }
  DataSource d;
  d.name = st.name;
  d.is_table = st.is_table;
  for (const TableElement& e : st.elements) {
    for (const char* reserved : {"ROWTIME", "ROWPARTITION", "ROWOFFSET", "WINDOWSTART", "WINDOWEND"}) {
      if (e.name == reserved) {
        return ErrorAt(e.loc, StrCat("'", e.name, "' is a reserved column name (a pseudo-column)"));
      }
    }
    for (const Column& c : d.key_columns) {
      if (c.name == e.name) return ErrorAt(e.loc, StrCat("duplicate column name '", e.name, "'"));
    }
    for (const Column& c : d.value_columns) {
      if (c.name == e.name) return ErrorAt(e.loc, StrCat("duplicate column name '", e.name, "'"));
    }
    if (e.key) {
      if (st.is_table && !e.primary_key) {
        return ErrorAt(e.loc, StrCat("Column `", e.name,
                                     "` is a 'KEY' column: please use 'PRIMARY KEY' for tables."));
      }
      if (!st.is_table && e.primary_key) {
        return ErrorAt(e.loc, StrCat("Column `", e.name,
                                     "` is a 'PRIMARY KEY' column: please use 'KEY' for streams."));
      }
      d.key_columns.push_back({e.name, e.type});
    } else {
      d.value_columns.push_back({e.name, e.type});
    }
  }
  if (st.is_table && d.key_columns.empty()) {
    return ErrorAt(st.loc, "Tables require a PRIMARY KEY. Please define the PRIMARY KEY.");
  }
  bool has_value_format = false;
  for (const Property& p : st.properties) {
    if (p.name == "KAFKA_TOPIC") {
      d.topic = p.value.str();
    } else if (p.name == "FORMAT" || p.name == "KEY_FORMAT" || p.name == "VALUE_FORMAT") {
      auto f = internal::ParseFormat(p);
      if (!f.ok()) return f.status();
      if (p.name != "VALUE_FORMAT") d.key_format = *f;
      if (p.name != "KEY_FORMAT") {
        d.value_format = *f;
        has_value_format = true;
      }
    } else if (p.name == "PARTITIONS") {
      d.partitions = static_cast<int>(p.value.integer());
    } else if (p.name == "TIMESTAMP") {
      d.timestamp_column = absl::AsciiStrToUpper(p.value.str());
    } else if (p.name == "TIMESTAMP_FORMAT") {
      d.timestamp_format = p.value.str();
    } else if (p.name == "VALUE_DELIMITER") {
      d.value_delimiter = p.value.str();
    } else if (p.name == "REPLICAS" || p.name == "RETENTION_MS" || p.name == "WRAP_SINGLE_VALUE") {
      // Accepted and ignored.
    } else {
      return ErrorAt(p.loc, StrCat("unsupported property ", p.name,
                                   " (supported: KAFKA_TOPIC, FORMAT, KEY_FORMAT, VALUE_FORMAT, "
                                   "PARTITIONS, TIMESTAMP, TIMESTAMP_FORMAT, VALUE_DELIMITER)"));
    }
  }
  if (d.topic.empty()) {
    return ErrorAt(st.loc, "Missing required property \"KAFKA_TOPIC\" which has no default value.");
  }
  if (!has_value_format) {
    return ErrorAt(st.loc, "Missing required property \"VALUE_FORMAT\" which has no default value.");
  }
  if (d.timestamp_column) {
    const Column* tc = nullptr;
    for (const Column& c : d.value_columns) {
      if (c.name == *d.timestamp_column) tc = &c;
    }
    if (!tc) {
      return ErrorAt(st.loc, StrCat("The TIMESTAMP column set in the WITH clause does not exist in "
                                    "the value columns: ", *d.timestamp_column));
    }
    TypeKind k = tc->type->kind();
    if (k != TypeKind::kBigint && k != TypeKind::kTimestamp && k != TypeKind::kString) {
      return ErrorAt(st.loc, StrCat("the TIMESTAMP column ", tc->name,
                                    " must be BIGINT, TIMESTAMP or STRING, not ", tc->type->ToString()));
    }
    if (k == TypeKind::kString && d.timestamp_format.empty()) {
      return ErrorAt(st.loc, "A STRING TIMESTAMP column needs TIMESTAMP_FORMAT");
    }
  }
  if (auto ks = internal::MakeRowSerde(d.key_format, d.key_columns, true); !ks.ok()) {
    return ErrorAt(st.loc, std::string(ks.status().message()));
  }
  if (auto vs = internal::MakeRowSerde(d.value_format, d.value_columns, false, d.value_delimiter);
      !vs.ok()) {
    return ErrorAt(st.loc, std::string(vs.status().message()));
  }
  if (options_.start_queries) {
    if (absl::Status s = CreateTopic(d.topic, d.partitions); !s.ok()) return s;
  }
  sources_[d.name] = d;
  return StatementResult{.message = st.is_table ? "Table created" : "Stream created"};
}

absl::StatusOr<StatementResult> Engine::CreateAsSelect(const Statement& st) {
  const DataSource* target = nullptr;
  std::string id;
  if (st.kind == Statement::Kind::kInsertInto) {
    target = FindSource(st.name);
    if (!target) return ErrorAt(st.loc, StrCat("INSERT INTO: stream or table '", st.name, "' does not exist"));
    if (!target->written_by.empty() && target->window) {
      return ErrorAt(st.loc, StrCat("INSERT INTO a windowed source (", st.name, ") is not supported"));
    }
    id = StrCat("INSERTQUERY_", next_query_);
  } else {
    if (const DataSource* existing = FindSource(st.name)) {
      if (st.if_not_exists) return StatementResult{.message = "Source already exists"};
      return ErrorAt(st.loc, StrCat("Cannot add ", st.is_table ? "table" : "stream", " '", st.name,
                                    "': A ", existing->is_table ? "table" : "stream",
                                    " with the same name already exists"));
    }
    id = StrCat(st.is_table ? "CTAS_" : "CSAS_", st.name, "_", next_query_);
  }
  internal::PlanContext ctx{&sources_, &options_.functions, errors_, id};
  auto plan = internal::PlanPersistentQuery(st, ctx, target);
  if (!plan.ok()) return plan.status();
  ++next_query_;
  auto q = std::make_unique<PersistentQuery>();
  q->id = id;
  q->statement = st.text;
  q->sink = plan->sink.name;
  q->sources = plan->inputs;
  q->application_id = StrCat("_confluent-ksql-", options_.service_id, "query_", id);
  q->topology = std::move(plan->topology);
  q->materialization = std::move(plan->materialization);
  if (options_.start_queries) {
    if (absl::Status s = CreateTopic(plan->sink.topic, plan->sink.partitions); !s.ok()) return s;
    q->streams = std::make_unique<KafkaStreams>(*q->topology, QueryConfig(q->application_id));
    if (absl::Status s = q->streams->Start(); !s.ok()) {
      return absl::Status(s.code(), StrCat("query ", id, " failed to start: ", s.message()));
    }
  }
  if (!target) sources_[plan->sink.name] = plan->sink;
  queries_.push_back(std::move(q));
  return StatementResult{.message = StrCat("Created query with ID ", id), .query_id = id};
}

StreamsConfig Engine::QueryConfig(const std::string& application_id) const {
  StreamsConfig config;
  for (const auto& [k, v] : options_.streams_config) config.Set(k, v);
  config.Set(StreamsConfig::kApplicationId, application_id);
  if (options_.streams_config.count(StreamsConfig::kDeserializationExceptionHandler) == 0) {
    config.Set(StreamsConfig::kDeserializationExceptionHandler, "log_and_continue");
  }
  for (const auto& [k, v] : properties_) {
    if (k == "auto.offset.reset") {
      config.Set("consumer.auto.offset.reset", v);
    } else if (k.starts_with("ksql.streams.")) {
      config.Set(k.substr(13), v);
    }
  }
  return config;
}

absl::StatusOr<StatementResult> Engine::SetProperty(const Statement& st) {
  const std::string& name = st.name;
  if (name != "auto.offset.reset" && !name.starts_with("ksql.streams.")) {
    return ErrorAt(st.loc, StrCat("Not recognizable as a property kstreams-sql supports: ", name,
                                  " (supported: 'auto.offset.reset', 'ksql.streams.<streams config>')"));
  }
  if (st.kind == Statement::Kind::kUnset) {
    properties_.erase(name);
    return StatementResult{.message = StrCat("Successfully unset local property '", name, "'.")};
  }
  std::string value = st.properties[0].value.str();
  if (name == "auto.offset.reset" && value != "earliest" && value != "latest") {
    return ErrorAt(st.properties[0].loc,
                   StrCat("Invalid value ", value, " for configuration auto.offset.reset: "
                          "String must be one of: latest, earliest"));
  }
  properties_[name] = value;
  return StatementResult{.message = StrCat("Successfully changed local property '", name, "' to '",
                                           value, "'.")};
}

absl::Status Engine::CreateTopic(const std::string& topic, int partitions) {
  if (options_.create_topic) return options_.create_topic(topic, partitions);
  auto it = options_.streams_config.find(StreamsConfig::kBootstrapServers);
  if (it == options_.streams_config.end()) return absl::OkStatus();
  // A broker in this process (the embedded one) registers its creator.
  if (TopicCreator creator = FindTopicCreator(it->second)) {
    absl::Status s = creator(topic, partitions);
    return s.code() == absl::StatusCode::kAlreadyExists ? absl::OkStatus() : s;
  }
  return CreateTopics({{"bootstrap.servers", it->second}}, {topic}, partitions);
}

absl::StatusOr<StatementResult> Engine::InsertValues(const Statement& st) {
  const DataSource* d = FindSource(st.name);
  if (!d) return ErrorAt(st.loc, StrCat("INSERT INTO: stream or table '", st.name, "' does not exist"));
  if (!d->written_by.empty()) {
    return ErrorAt(st.loc, StrCat("Cannot insert values into ", st.name,
                                  ": it is the sink of query ", d->written_by));
  }
  std::vector<std::string> columns = st.columns;
  if (columns.empty()) {
    for (const Column& c : d->key_columns) columns.push_back(c.name);
    for (const Column& c : d->value_columns) columns.push_back(c.name);
  }
  if (columns.size() != st.values.size()) {
    return ErrorAt(st.loc, StrCat("Expected a value for each column: ", columns.size(),
                                  " columns but ", st.values.size(), " values"));
  }
  Row key(d->key_columns.size()), value(d->value_columns.size());
  int64_t ts = 0;
  internal::Scope empty;
  class Collect : public FunctionContext {
   public:
    void Error(std::string m) override { error = std::move(m); }
    std::string error;
  } ctx;
  for (size_t i = 0; i < columns.size(); ++i) {
    auto c = internal::CompileExpression(st.values[i], empty, options_.functions);
    if (!c.ok()) return c.status();
    Value v = c->eval->Eval(Row(), ctx);
    if (!ctx.error.empty()) return ErrorAt(st.values[i]->loc, ctx.error);
    if (columns[i] == "ROWTIME") {
      ts = v.integer();
      continue;
    }
    const Column* col = nullptr;
    Value* slot = nullptr;
    for (size_t k = 0; k < d->key_columns.size(); ++k) {
      if (d->key_columns[k].name == columns[i]) col = &d->key_columns[k], slot = &key[k];
    }
    for (size_t k = 0; k < d->value_columns.size(); ++k) {
      if (d->value_columns[k].name == columns[i]) col = &d->value_columns[k], slot = &value[k];
    }
    if (!col) return ErrorAt(st.loc, StrCat("column '", columns[i], "' does not exist in ", d->name));
    if (!v.is_null() && c->type && !TypesEqual(c->type, col->type)) {
      if (c->type->IsNumeric() && col->type->IsNumeric()) {
        v = internal::ToNumeric(v, *col->type);
      } else if (c->type->kind() == TypeKind::kString && col->type->IsPrimitive()) {
        v = internal::CastValue(v, *col->type, ctx);
        if (!ctx.error.empty()) return ErrorAt(st.values[i]->loc, ctx.error);
      } else {
        return ErrorAt(st.values[i]->loc, StrCat("Expected type ", col->type->ToString(), " for column ",
                                                 col->name, " but got ", v.ToString(), " (",
                                                 c->type->ToString(), ")"));
      }
    }
    *slot = v;
  }
  auto ks = internal::MakeRowSerde(d->key_format, d->key_columns, true);
  auto vs = internal::MakeRowSerde(d->value_format, d->value_columns, false, d->value_delimiter);
  if (!ks.ok()) return ks.status();
  if (!vs.ok()) return vs.status();
  std::optional<std::string> kb, vb;
  if (!(*ks)->IsNull(key)) {
    kb.emplace();
    if (absl::Status s = (*ks)->Serialize(d->topic, key, *kb); !s.ok()) return s;
  }
  vb.emplace();
  if (absl::Status s = (*vs)->Serialize(d->topic, value, *vb); !s.ok()) return s;
  if (options_.produce) {
    if (absl::Status s = options_.produce(d->topic, kb, vb, ts); !s.ok()) return s;
  } else {
    if (!producer_) {
      auto it = options_.streams_config.find(StreamsConfig::kBootstrapServers);
      if (it == options_.streams_config.end()) {
        return ErrorAt(st.loc, "INSERT INTO ... VALUES needs bootstrap.servers or a produce hook");
      }
      auto p = SimpleProducer::Create({{"bootstrap.servers", it->second}});
      if (!p.ok()) return p.status();
      producer_ = std::move(*p);
    }
    if (absl::Status s = producer_->Send(d->topic, kb, vb, ts); !s.ok()) return s;
    if (absl::Status s = producer_->Flush(absl::Seconds(30)); !s.ok()) return s;
  }
  return StatementResult{.message = "Inserted 1 row"};
}

absl::StatusOr<StatementResult> Engine::Show(const Statement& st) {
  StatementResult r;
  if (st.name == "STREAMS" || st.name == "TABLES") {
    bool tables = st.name == "TABLES";
    r.header = {tables ? "Table Name" : "Stream Name", "Kafka Topic", "Key Format", "Value Format",
                "Windowed"};
    for (const auto& [name, d] : sources_) {
      if (d.is_table != tables) continue;
      r.rows.push_back({name, d.topic, FormatName(d.key_format), FormatName(d.value_format),
                        d.window ? "true" : "false"});
    }
  } else if (st.name == "QUERIES") {
    r.header = {"Query ID", "Query Type", "Status", "Sink Name", "Sink Kafka Topic", "Query String"};
    for (const auto& q : queries_) {
      const DataSource* sink = FindSource(q->sink);
      std::string status = "RUNNING";
      if (q->streams) {
        status = q->streams->state() == KafkaStreams::State::kError ? "ERROR" : "RUNNING";
      } else if (!options_.start_queries) {
        status = "NOT STARTED";
      }
      r.rows.push_back({q->id, "PERSISTENT", status, q->sink, sink ? sink->topic : "", q->statement});
    }
  } else if (st.name == "FUNCTIONS") {
    r.header = {"Function Name", "Description"};
    for (auto& [n, d] : options_.functions.List()) r.rows.push_back({n, d});
  } else {
    return ErrorAt(st.loc, StrCat("SHOW ", st.name, " is not supported yet"));
  }
  return r;
}

absl::StatusOr<StatementResult> Engine::DescribeSource(const Statement& st) {
  StatementResult r;
  if (!st.columns.empty() && st.columns[0] == "FUNCTION") {
    const ScalarFunction* s = options_.functions.FindScalar(st.name);
    const AggregateFunction* a = options_.functions.FindAggregate(st.name);
    if (!s && !a) return ErrorAt(st.loc, StrCat("unknown function '", st.name, "'"));
    r.header = {"Name", "Type", "Description"};
    r.rows.push_back({st.name, s ? "SCALAR" : "AGGREGATE", s ? s->description : a->description});
    return r;
  }
  const DataSource* d = FindSource(st.name);
  if (!d) return ErrorAt(st.loc, StrCat("Could not find STREAM/TABLE '", st.name, "' in the Metastore"));
  r.header = {"Field", "Type"};
  for (const Column& c : d->key_columns) {
    r.rows.push_back({c.name, StrCat(c.type->ToString(), d->is_table ? " (primary key)" : " (key)")});
  }
  if (d->window) {
    const char* kind = d->window->type == WindowSpec::Type::kSession ? "SESSION"
                       : d->window->type == WindowSpec::Type::kHopping ? "HOPPING" : "TUMBLING";
    r.rows.back()[1] += StrCat(" (Window type: ", kind, ")");
  }
  for (const Column& c : d->value_columns) r.rows.push_back({c.name, c.type->ToString()});
  if (st.extended) {
    r.rows.push_back({"", ""});
    r.rows.push_back({"Type", d->is_table ? "TABLE" : "STREAM"});
    r.rows.push_back({"Kafka topic", StrCat(d->topic, " (partitions: ", d->partitions, ")")});
    r.rows.push_back({"Key format", FormatName(d->key_format)});
    r.rows.push_back({"Value format", FormatName(d->value_format)});
    if (d->timestamp_column) r.rows.push_back({"Timestamp field", *d->timestamp_column});
    for (const auto& q : queries_) {
      if (q->sink == d->name) r.rows.push_back({"Written by", q->id});
      if (std::find(q->sources.begin(), q->sources.end(), d->name) != q->sources.end()) {
        r.rows.push_back({"Read by", q->id});
      }
    }
  }
  return r;
}

absl::StatusOr<StatementResult> Engine::Drop(const Statement& st) {
  const DataSource* d = FindSource(st.name);
  if (!d) {
    if (st.if_exists) return StatementResult{.message = StrCat("Source `", st.name, "` does not exist.")};
    return ErrorAt(st.loc, StrCat("Source ", st.name, " does not exist."));
  }
  if (d->is_table != st.is_table) {
    return ErrorAt(st.loc, StrCat("Incompatible data source type is ", d->is_table ? "TABLE" : "STREAM",
                                  ", but statement was DROP ", st.is_table ? "TABLE" : "STREAM"));
  }
  std::vector<std::string> writers, readers;
  for (const auto& q : queries_) {
    if (q->sink == st.name) writers.push_back(q->id);
    if (std::find(q->sources.begin(), q->sources.end(), st.name) != q->sources.end()) readers.push_back(q->id);
  }
  if (!writers.empty() || !readers.empty()) {
    return ErrorAt(st.loc, StrCat("Cannot drop ", st.name, ". The following queries ",
                                  writers.empty() ? "read from" : "write into", " this source: [",
                                  ::kstreams::internal::StrJoin(writers.empty() ? readers : writers, ", "),
                                  "]. You need to terminate them before dropping ", st.name, "."));
  }
  std::string topic = d->topic;
  sources_.erase(st.name);
  return StatementResult{.message = StrCat("Source `", st.name, "` (topic: ", topic, ") was dropped.")};
}

absl::StatusOr<StatementResult> Engine::Terminate(const Statement& st) {
  std::vector<std::string> ids;
  for (auto it = queries_.begin(); it != queries_.end();) {
    if (st.name == "ALL" || absl::AsciiStrToUpper((*it)->id) == st.name) {
      if ((*it)->streams) (*it)->streams->Close();
      const DataSource* sink = FindSource((*it)->sink);
      if (sink && sink->written_by == (*it)->id) sources_[(*it)->sink].written_by.clear();
      ids.push_back((*it)->id);
      it = queries_.erase(it);
    } else {
      ++it;
    }
  }
  if (ids.empty() && st.name != "ALL") {
    return ErrorAt(st.loc, StrCat("Unknown queryId: ", st.name));
  }
  return StatementResult{.message = StrCat("Query terminated: ", ::kstreams::internal::StrJoin(ids, ", "))};
}

}  // namespace kstreams::sql
