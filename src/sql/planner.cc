#include "sql/planner.h"

#include <set>

#include "absl/strings/ascii.h"
#include "kstreams/dsl/consumed.h"
#include "kstreams/dsl/grouped.h"
#include "kstreams/dsl/join_windows.h"
#include "kstreams/dsl/joined.h"
#include "kstreams/dsl/stream_joined.h"
#include "kstreams/dsl/kgrouped_stream.h"
#include "kstreams/dsl/kstream.h"
#include "kstreams/dsl/ktable.h"
#include "kstreams/dsl/materialized.h"
#include "kstreams/dsl/produced.h"
#include "kstreams/dsl/session_windowed_kstream.h"
#include "kstreams/dsl/streams_builder.h"
#include "kstreams/dsl/suppressed.h"
#include "kstreams/dsl/time_windowed_kstream.h"
#include "kstreams/dsl/windows.h"
#include "kstreams/internal/strings.h"
#include "kstreams/log.h"
#include "kstreams/serde/windowed_serdes.h"
#include "sql/expression.h"
#include "sql/formats.h"
#include "sql/time_format.h"

namespace kstreams::sql::internal {

using ::kstreams::internal::StrCat;
using EvalPtr = std::shared_ptr<const Evaluator>;

void ErrorReporter::Error(std::string message) {
  counter_->fetch_add(1);
  ::kstreams::internal::LogLine(
      LogLevel::kWarning, StrCat("sql query ", query_id_, ": processing error: ", message));
}

absl::StatusOr<Format> ParseFormat(const Property& p) {
  std::string f = absl::AsciiStrToUpper(p.value.str());
  if (f == "JSON") return Format::kJson;
  if (f == "KAFKA") return Format::kKafka;
  if (f == "DELIMITED") return Format::kDelimited;
  if (f == "NONE") return Format::kNone;
  if (f == "AVRO" || f == "PROTOBUF" || f == "JSON_SR" || f == "PROTOBUF_NOSR") {
    return ErrorAt(p.loc, StrCat("the ", f, " format is not supported yet (supported: KAFKA, JSON, DELIMITED)"));
  }
  return ErrorAt(p.loc, StrCat("unknown format '", p.value.str(), "' (supported: KAFKA, JSON, DELIMITED)"));
}

namespace {

constexpr int64_t kDefaultGraceMs = 24LL * 3600 * 1000;  // ksqlDB's default grace

}  // namespace

// Builds the row the source scope describes: key columns, value columns,
// then ROWTIME, ROWPARTITION, ROWOFFSET.
Row SourceRow(const Row& key, const Row& value, size_t nkey, size_t nvalue, int64_t ts,
              const RecordMetadata* md, bool pseudo) {
  Row row;
  row.reserve(nkey + nvalue + 3);
  for (size_t i = 0; i < nkey; ++i) row.push_back(i < key.size() ? key[i] : Value::Null());
  for (size_t i = 0; i < nvalue; ++i) row.push_back(i < value.size() ? value[i] : Value::Null());
  if (pseudo) {
    row.push_back(Value::Bigint(ts));
    row.push_back(md ? Value::Int(md->partition) : Value::Null());
    row.push_back(md ? Value::Bigint(md->offset) : Value::Null());
  }
  return row;
}

Scope SourceScope(const DataSource& ds, const std::string& alias, bool pseudo) {
  Scope s;
  for (const Column& c : ds.key_columns) s.columns.push_back({c.name, alias, c.type});
  for (const Column& c : ds.value_columns) s.columns.push_back({c.name, alias, c.type});
  if (pseudo) {
    s.columns.push_back({"ROWTIME", alias, SqlType::Bigint()});
    s.columns.push_back({"ROWPARTITION", alias, SqlType::Int()});
    s.columns.push_back({"ROWOFFSET", alias, SqlType::Bigint()});
  }
  return s;
}

Row EvalAll(const std::vector<EvalPtr>& exprs, const Row& row, FunctionContext& ctx) {
  Row out;
  out.reserve(exprs.size());
  for (const EvalPtr& e : exprs) out.push_back(e->Eval(row, ctx));
  return out;
}

bool IsTrue(const EvalPtr& e, const Row& row, FunctionContext& ctx) {
  if (!e) return true;
  Value v = e->Eval(row, ctx);
  return !v.is_null() && v.boolean();
}

namespace {
std::string ItemName(const SelectItem& item, int& synthetic) {
  if (!item.alias.empty()) return item.alias;
  const Expression& e = *item.expr;
  if (e.kind == Expression::Kind::kColumn) return e.name;
  if (e.kind == Expression::Kind::kDereference) return e.name;
  return StrCat("KSQL_COL_", synthetic++);
}
}  // namespace

ExprPtr ColumnExpr(const std::string& name, const std::string& qualifier, Location loc) {
  auto e = std::make_shared<Expression>();
  e->kind = Expression::Kind::kColumn;
  e->name = name;
  e->qualifier = qualifier;
  e->loc = loc;
  return e;
}

absl::StatusOr<std::vector<OutItem>> CompileSelect(
    const Query& q, const Scope& scope, const FunctionRegistry& registry,
    const std::vector<std::pair<std::string, ExprPtr>>& star_columns) {
  std::vector<OutItem> out;
  int synthetic = 0;
  std::set<std::string> names;
  for (const SelectItem& item : q.select) {
    std::vector<std::pair<std::string, ExprPtr>> exprs;
    if (item.star) {
      for (const auto& [name, expr] : star_columns) {
        if (item.star_qualifier.empty() || expr->qualifier == item.star_qualifier) {
          exprs.emplace_back(name, expr);
        }
      }
      if (exprs.empty()) {
        return ErrorAt(item.loc, StrCat("'", item.star_qualifier, "' is not a source of this query"));
      }
    } else {
      exprs.emplace_back(ItemName(item, synthetic), item.expr);
    }
    for (auto& [name, expr] : exprs) {
      auto c = CompileExpression(expr, scope, registry);
      if (!c.ok()) return c.status();
      if (!names.insert(name).second) {
        return ErrorAt(item.loc, StrCat("the projection has two columns named ", name,
                                        "; give one an alias with AS"));
      }
      out.push_back({name, expr, *c, item.loc});
    }
  }
  return out;
}

namespace {

SerdePtr<Row> Must(absl::StatusOr<SerdePtr<Row>> s) { return *s; }

// The select processor of a stream: WHERE, key, projection.
class SelectProcessor final : public Processor<Row, Row, Row, Row> {
 public:
  struct Spec {
    size_t nkey = 0, nvalue = 0;
    EvalPtr where;
    std::vector<EvalPtr> key;    // empty: keep the source key
    bool keep_key = false;
    std::vector<EvalPtr> value;
    std::string query_id;
    std::shared_ptr<std::atomic<int64_t>> errors;
    // The value already holds the whole row (after a join).
    bool prebuilt = false;
  };
  explicit SelectProcessor(std::shared_ptr<const Spec> spec)
      : spec_(std::move(spec)), reporter_(spec_->query_id, spec_->errors) {}
  void Init(ProcessorContext<Row, Row>& context) override { context_ = &context; }
  void Process(Record<Row, Row> record) override {
    if (spec_->nvalue > 0 && record.value().empty()) return;  // a null value: skipped, as ksqlDB
    Row row = spec_->prebuilt ? record.value()
                              : SourceRow(record.key(), record.value(), spec_->nkey, spec_->nvalue,
                                          record.timestamp(), context_->record_metadata(), true);
    if (!IsTrue(spec_->where, row, reporter_)) return;
    Row key = spec_->keep_key ? record.key() : EvalAll(spec_->key, row, reporter_);
    Row value = EvalAll(spec_->value, row, reporter_);
    context_->Forward(Record<Row, Row>(std::move(key), std::move(value), record.timestamp(),
                                       record.headers()));
  }

 private:
  std::shared_ptr<const Spec> spec_;
  ErrorReporter reporter_;
  ProcessorContext<Row, Row>* context_ = nullptr;
};

// Reads the TIMESTAMP column of a source as the record time.
class ColumnTimestampExtractor final : public TimestampExtractor {
 public:
  ColumnTimestampExtractor(SerdePtr<Row> value_serde, size_t index, std::string format,
                           std::string column)
      : serde_(std::move(value_serde)), index_(index), format_(std::move(format)),
        column_(std::move(column)) {}
  int64_t Extract(const ConsumedRecord& record, int64_t) override {
    if (!record.value) return record.timestamp;
    absl::StatusOr<Row> row = serde_->Deserialize(record.topic, *record.value);
    if (!row.ok() || index_ >= row->size()) return record.timestamp;
    const Value& v = (*row)[index_];
    if (v.is_null()) {
      ::kstreams::internal::LogLine(LogLevel::kWarning,
                                    StrCat("sql: null TIMESTAMP column ", column_, "; record skipped"));
      return -1;
    }
    if (v.kind() == Value::Kind::kString) {
      absl::StatusOr<int64_t> ms = format_.empty() ? ParseIsoTimestamp(v.str())
                                                   : ParseTimestamp(v.str(), format_);
      if (!ms.ok()) {
        ::kstreams::internal::LogLine(LogLevel::kWarning,
                                      StrCat("sql: TIMESTAMP column ", column_, ": ", ms.status().message()));
        return -1;
      }
      return *ms;
    }
    return v.integer();
  }

 private:
  SerdePtr<Row> serde_;
  size_t index_;
  std::string format_;
  std::string column_;
};

struct SinkSettings {
  DataSource sink;
  SerdePtr<Row> key_serde;
  SerdePtr<Row> value_serde;
};

class Planner {
 public:
  Planner(const Statement& st, const PlanContext& ctx, const DataSource* insert_target)
      : st_(st), q_(*st.query), ctx_(ctx), target_(insert_target) {}

  absl::StatusOr<Plan> Run() {
    auto from = Lookup(q_.from);
    if (!from.ok()) return from.status();
    from_ = *from;
    plan_.inputs.push_back(from_->name);
    if (from_->window) {
      return ErrorAt(q_.from.loc, StrCat("reading the windowed source ", from_->name,
                                         " is not supported yet"));
    }
    if (q_.joins.size() > 1) {
      return ErrorAt(q_.joins[1].loc, "joins of more than two sources are not supported yet");
    }
    std::vector<ExprPtr> aggregates;
    for (const SelectItem& item : q_.select) {
      if (item.expr) CollectAggregates(item.expr, *ctx_.functions, aggregates);
    }
    if (q_.having) CollectAggregates(q_.having, *ctx_.functions, aggregates);
    if (q_.limit && !Transient()) return ErrorAt(q_.loc, "LIMIT is only allowed in transient queries");
    absl::Status s;
    if (!q_.joins.empty()) {
      if (!q_.group_by.empty() || !aggregates.empty()) {
        return ErrorAt(q_.loc, "aggregating a join is not supported yet");
      }
      s = Join();
    } else if (!q_.group_by.empty() || !aggregates.empty()) {
      s = Aggregate(aggregates);
    } else if (from_->is_table) {
      s = TableSelect();
    } else {
      s = StreamSelect();
    }
    if (!s.ok()) return s;
    plan_.topology = std::make_unique<Topology>(builder_.Build());
    if (!plan_.topology->status().ok()) return plan_.topology->status();
    return std::move(plan_);
  }

 private:
  bool Transient() const { return static_cast<bool>(ctx_.emit); }

  // Ends the result stream: at the sink topic, or at the transient query's
  // callback.
  void EmitStream(KStream<Row, Row> stream, const SinkSettings& sink) {
    if (Transient()) {
      auto emit = ctx_.emit;
      stream.Foreach([emit](const Row&, const Row& value) { emit(value); }, Named::As("TransientSink"));
      return;
    }
    stream.To(sink.sink.topic, Produced<Row, Row>::With(sink.key_serde, sink.value_serde));
  }

  // The same for a result table's changes; a transient query skips the
  // deletes.
  template <typename K>
  void EmitTable(KTable<K, Row> table, SerdePtr<K> key_serde, SerdePtr<Row> value_serde,
                 const std::string& topic) {
    KStream<K, std::optional<Row>> changes = table.ToStream();
    if (Transient()) {
      auto emit = ctx_.emit;
      changes.Foreach([emit](const K&, const std::optional<Row>& value) {
        if (value) emit(*value);
      }, Named::As("TransientSink"));
      return;
    }
    changes.To(topic, Produced<K, std::optional<Row>>::With(std::move(key_serde),
                                                            serdes::Optional<Row>(std::move(value_serde))));
  }

  absl::StatusOr<const DataSource*> Lookup(const Relation& r) {
    auto it = ctx_.sources->find(r.name);
    if (it == ctx_.sources->end()) {
      return ErrorAt(r.loc, StrCat("stream or table '", r.name, "' does not exist"));
    }
    return &it->second;
  }

  // The sink's formats, topic and partitions from the WITH clause and the
  // source; the serdes for its columns.
  absl::StatusOr<SinkSettings> Sink(std::vector<Column> keys, std::vector<Column> values,
                                    bool is_table, std::optional<WindowSpec> window) {
    SinkSettings out;
    DataSource& d = out.sink;
    if (Transient()) {
      // The result columns, in projection order: all in `values`.
      d.is_table = is_table;
      d.value_columns = std::move(values);
      d.window = window;
      d.key_format = Format::kKafka;
      d.value_format = Format::kJson;
    } else if (target_) {
      d = *target_;
      auto same = [](const std::vector<Column>& a, const std::vector<Column>& b) {
        if (a.size() != b.size()) return false;
        for (size_t i = 0; i < a.size(); ++i) {
          if (a[i].name != b[i].name || !TypesEqual(a[i].type, b[i].type)) return false;
        }
        return true;
      };
      if (!same(keys, d.key_columns) || !same(values, d.value_columns)) {
        return ErrorAt(q_.loc, StrCat("Incompatible schema between results and sink: the query "
                                      "does not produce the columns of ", d.name));
      }
      if (d.is_table != is_table) {
        return ErrorAt(q_.loc, StrCat("INSERT INTO ", d.name, ": the query produces a ",
                                      is_table ? "TABLE" : "STREAM"));
      }
    } else {
      d.name = st_.name;
      d.is_table = is_table;
      d.key_columns = std::move(keys);
      d.value_columns = std::move(values);
      d.topic = st_.name;
      d.key_format = from_->key_format;
      d.value_format = from_->value_format;
      d.value_delimiter = from_->value_delimiter;
      d.partitions = from_->partitions;
      d.window = window;
      for (const Property& p : st_.properties) {
        if (p.name == "KAFKA_TOPIC") {
          d.topic = p.value.str();
        } else if (p.name == "FORMAT" || p.name == "KEY_FORMAT" || p.name == "VALUE_FORMAT") {
          auto f = ParseFormat(p);
          if (!f.ok()) return f.status();
          if (p.name != "VALUE_FORMAT") d.key_format = *f;
          if (p.name != "KEY_FORMAT") d.value_format = *f;
        } else if (p.name == "PARTITIONS") {
          d.partitions = static_cast<int>(p.value.integer());
        } else if (p.name == "VALUE_DELIMITER") {
          d.value_delimiter = p.value.str();
        } else if (p.name == "REPLICAS" || p.name == "RETENTION_MS") {
          // Accepted; topic creation is the broker's business.
        } else {
          return ErrorAt(p.loc, StrCat("unsupported property ", p.name,
                                       " for CREATE ... AS SELECT (supported: KAFKA_TOPIC, FORMAT, "
                                       "KEY_FORMAT, VALUE_FORMAT, PARTITIONS, VALUE_DELIMITER)"));
        }
      }
      if (d.key_columns.empty() && d.key_format != Format::kKafka && d.key_format != Format::kNone) {
        d.key_format = Format::kKafka;
      }
    }
    d.written_by = ctx_.query_id;
    auto ks = MakeRowSerde(d.key_format, d.key_columns, true);
    if (!ks.ok()) return ErrorAt(q_.loc, std::string(ks.status().message()));
    auto vs = MakeRowSerde(d.value_format, d.value_columns, false, d.value_delimiter);
    if (!vs.ok()) return ErrorAt(q_.loc, std::string(vs.status().message()));
    out.key_serde = *ks;
    out.value_serde = *vs;
    return out;
  }

  std::pair<SerdePtr<Row>, SerdePtr<Row>> SourceSerdes(const DataSource& ds) {
    return {Must(MakeRowSerde(ds.key_format, ds.key_columns, true)),
            Must(MakeRowSerde(ds.value_format, ds.value_columns, false, ds.value_delimiter))};
  }

  Consumed<Row, Row> SourceConsumed(const DataSource& ds) {
    auto [ks, vs] = SourceSerdes(ds);
    Consumed<Row, Row> consumed = Consumed<Row, Row>::With(ks, vs);
    consumed.WithName(StrCat("KsqlTopic-", ds.name));
    if (ds.timestamp_column) {
      for (size_t i = 0; i < ds.value_columns.size(); ++i) {
        if (ds.value_columns[i].name == *ds.timestamp_column) {
          consumed.WithTimestampExtractor(std::make_shared<ColumnTimestampExtractor>(
              vs, i, ds.timestamp_format, *ds.timestamp_column));
        }
      }
    }
    return consumed;
  }

  std::vector<std::pair<std::string, ExprPtr>> StarColumns(const DataSource& ds,
                                                           const std::string& alias) {
    std::vector<std::pair<std::string, ExprPtr>> out;
    for (const Column& c : ds.key_columns) out.emplace_back(c.name, ColumnExpr(c.name, alias, q_.loc));
    for (const Column& c : ds.value_columns) out.emplace_back(c.name, ColumnExpr(c.name, alias, q_.loc));
    return out;
  }

  // Splits the projection into key and value columns: the items that are
  // (an alias of) `key_exprs` become the key, in the key's order.
  // A transient query's result has no key: every item is a value.
  absl::Status SplitKey(const std::vector<OutItem>& items, const std::vector<ExprPtr>& key_exprs,
                        const std::string& what, std::vector<Column>& keys,
                        std::vector<EvalPtr>& key_evals, std::vector<Column>& values,
                        std::vector<EvalPtr>& value_evals) {
    std::vector<bool> used(items.size(), false);
    for (const ExprPtr& k : key_exprs) {
      if (Transient()) break;
      std::string text = k->ToString();
      bool found = false;
      for (size_t i = 0; i < items.size(); ++i) {
        const Expression& e = *items[i].expr;
        bool match = e.ToString() == text ||
                     (k->kind == Expression::Kind::kColumn && e.kind == Expression::Kind::kColumn &&
                      e.name == k->name && (e.qualifier.empty() || k->qualifier.empty()));
        if (!used[i] && match) {
          used[i] = true;
          keys.push_back({items[i].name, items[i].compiled.type});
          key_evals.push_back(items[i].compiled.eval);
          found = true;
          break;
        }
      }
      if (!found) {
        return ErrorAt(q_.loc, StrCat("Key missing from projection (ie, SELECT). The query used to "
                                      "build `", st_.name, "` must include the ", what, " ",
                                      text, " in its projection (eg, SELECT ", text, "...)."));
      }
    }
    if (!Transient() && items.size() == key_exprs.size()) {
      return ErrorAt(q_.loc, "The projection contains no value columns.");
    }
    for (size_t i = 0; i < items.size(); ++i) {
      if (used[i]) continue;
      if (!items[i].compiled.type) {
        return ErrorAt(items[i].loc, StrCat("cannot infer the type of column ", items[i].name,
                                            " (a bare NULL); CAST it"));
      }
      values.push_back({items[i].name, items[i].compiled.type});
      value_evals.push_back(items[i].compiled.eval);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<EvalPtr> CompilePredicate(const ExprPtr& e, const Scope& scope, const char* clause) {
    if (!e) return EvalPtr();
    auto c = CompileExpression(e, scope, *ctx_.functions);
    if (!c.ok()) return c.status();
    if (c->type && c->type->kind() != TypeKind::kBoolean) {
      return ErrorAt(e->loc, StrCat(clause, " needs a BOOLEAN expression, found ", c->type->ToString()));
    }
    return c->eval;
  }

  absl::Status StreamSelect() {
    if (q_.emit == Query::Emit::kFinal) {
      return ErrorAt(q_.loc, "EMIT FINAL is only supported on windowed aggregations");
    }
    const std::string& alias = q_.from.alias;
    Scope scope = SourceScope(*from_, alias, true);
    auto items = CompileSelect(q_, scope, *ctx_.functions, StarColumns(*from_, alias));
    if (!items.ok()) return items.status();
    auto where = CompilePredicate(q_.where, scope, "WHERE");
    if (!where.ok()) return where.status();
    auto spec = std::make_shared<SelectProcessor::Spec>();
    spec->nkey = from_->key_columns.size();
    spec->nvalue = from_->value_columns.size();
    spec->where = *where;
    spec->query_id = ctx_.query_id;
    spec->errors = ctx_.errors;
    std::vector<Column> keys, values;
    std::vector<ExprPtr> key_exprs = q_.partition_by;
    bool keyless = false;
    if (key_exprs.size() == 1 && key_exprs[0]->kind == Expression::Kind::kLiteral &&
        key_exprs[0]->literal.is_null()) {
      keyless = true;  // PARTITION BY NULL
      key_exprs.clear();
    }
    if (q_.partition_by.empty()) {
      for (const Column& c : from_->key_columns) key_exprs.push_back(ColumnExpr(c.name, "", q_.loc));
    }
    for (const ExprPtr& k : q_.partition_by) {
      if (keyless) break;
      auto c = CompileExpression(k, scope, *ctx_.functions);
      if (!c.ok()) return c.status();
    }
    auto s = SplitKey(*items, key_exprs, q_.partition_by.empty() ? "key column" : "partitioning expression",
                      keys, spec->key, values, spec->value);
    if (!s.ok()) return s;
    auto sink = Sink(keys, values, false, std::nullopt);
    if (!sink.ok()) return sink.status();
    KStream<Row, Row> stream = builder_.Stream<Row, Row>(from_->topic, SourceConsumed(*from_));
    std::shared_ptr<const SelectProcessor::Spec> frozen = spec;
    EmitStream(stream.Process([frozen]() { return std::make_unique<SelectProcessor>(frozen); },
                              Named::As("Project")),
               *sink);
    plan_.sink = sink->sink;
    return absl::OkStatus();
  }

  absl::Status TableSelect() {
    if (q_.emit == Query::Emit::kFinal) {
      return ErrorAt(q_.loc, "EMIT FINAL is only supported on windowed aggregations");
    }
    if (st_.kind == Statement::Kind::kCreateAsSelect && !st_.is_table) {
      return ErrorAt(q_.loc, "Invalid result type. Your SELECT query produces a TABLE. Please use "
                             "CREATE TABLE AS SELECT statement instead.");
    }
    if (!q_.partition_by.empty()) {
      return ErrorAt(q_.partition_by[0]->loc, "PARTITION BY is not supported on a TABLE source");
    }
    const std::string& alias = q_.from.alias;
    Scope scope = SourceScope(*from_, alias, false);
    scope.unresolved_hint = "cannot be resolved (pseudo-columns such as ROWTIME are not supported "
                            "on table sources yet)";
    auto items = CompileSelect(q_, scope, *ctx_.functions, StarColumns(*from_, alias));
    if (!items.ok()) return items.status();
    auto where = CompilePredicate(q_.where, scope, "WHERE");
    if (!where.ok()) return where.status();
    std::vector<Column> keys, values;
    std::vector<EvalPtr> key_evals, value_evals;
    std::vector<ExprPtr> key_exprs;
    for (const Column& c : from_->key_columns) key_exprs.push_back(ColumnExpr(c.name, "", q_.loc));
    auto s = SplitKey(*items, key_exprs, "key column", keys, key_evals, values, value_evals);
    if (!s.ok()) return s;
    auto sink = Sink(keys, values, true, std::nullopt);
    if (!sink.ok()) return sink.status();
    auto [ks, vs] = SourceSerdes(*from_);
    KTable<Row, Row> table = builder_.Table<Row, Row>(
        from_->topic, SourceConsumed(*from_),
        Materialized<Row, Row>::As(StrCat("KsqlTopic-", from_->name, "-Reduce")).WithKeySerde(ks).WithValueSerde(vs));
    size_t nkey = from_->key_columns.size(), nvalue = from_->value_columns.size();
    auto reporter = std::make_shared<ErrorReporter>(ctx_.query_id, ctx_.errors);
    EvalPtr w = *where;
    if (w) {
      table = table.Filter([=](const Row& key, const Row& value) {
        return IsTrue(w, SourceRow(key, value, nkey, nvalue, 0, nullptr, false), *reporter);
      });
    }
    EmitTable(table.MapValues([=](const Row& key, const Row& value) {
                return EvalAll(value_evals, SourceRow(key, value, nkey, nvalue, 0, nullptr, false),
                               *reporter);
              }),
              sink->key_serde, sink->value_serde, sink->sink.topic);
    auto m = std::make_shared<Materialization>();
    m->store = StrCat("KsqlTopic-", from_->name, "-Reduce");
    m->to_value = [=](const Row& key, const Row& value, int64_t, int64_t) -> std::optional<Row> {
      Row row = SourceRow(key, value, nkey, nvalue, 0, nullptr, false);
      if (w && !IsTrue(w, row, *reporter)) return std::nullopt;
      return EvalAll(value_evals, row, *reporter);
    };
    plan_.materialization = std::move(m);
    plan_.sink = sink->sink;
    return absl::OkStatus();
  }

  // ---- joins

  // The column of `ds` (alias `alias`) that `e` names, or -1.
  static int ColumnOf(const Expression& e, const DataSource& ds, const std::string& alias,
                      bool& is_key) {
    if (e.kind != Expression::Kind::kColumn) return -1;
    if (!e.qualifier.empty() && e.qualifier != alias) return -1;
    for (size_t i = 0; i < ds.key_columns.size(); ++i) {
      if (ds.key_columns[i].name == e.name) {
        is_key = true;
        return static_cast<int>(i);
      }
    }
    for (size_t i = 0; i < ds.value_columns.size(); ++i) {
      if (ds.value_columns[i].name == e.name) {
        is_key = false;
        return static_cast<int>(ds.key_columns.size() + i);
      }
    }
    return -1;
  }

  // A stream side of a join: its rows (key, value, pseudo-columns) as the
  // value, keyed by the join column.
  KStream<Row, Row> JoinSide(const DataSource& ds, int join_column, bool join_on_key,
                             const std::string& name) {
    auto spec = std::make_shared<SelectProcessor::Spec>();
    spec->nkey = ds.key_columns.size();
    spec->nvalue = ds.value_columns.size();
    spec->query_id = ctx_.query_id;
    spec->errors = ctx_.errors;
    spec->keep_key = join_on_key;
    size_t index = static_cast<size_t>(join_column);
    size_t width = ds.key_columns.size() + ds.value_columns.size() + 3;
    class ColumnAt final : public Evaluator {
     public:
      explicit ColumnAt(size_t i) : i_(i) {}
      Value Eval(const Row& row, FunctionContext&) const override { return row[i_]; }
     private:
      size_t i_;
    };
    spec->key = {std::make_shared<ColumnAt>(index)};
    for (size_t i = 0; i < width; ++i) spec->value.push_back(std::make_shared<ColumnAt>(i));
    std::shared_ptr<const SelectProcessor::Spec> frozen = spec;
    KStream<Row, Row> stream = builder_.Stream<Row, Row>(ds.topic, SourceConsumed(ds));
    KStream<Row, Row> out = stream.Process(
        [frozen]() { return std::make_unique<SelectProcessor>(frozen); }, Named::As(name));
    if (join_on_key) out = KStream<Row, Row>(out.data(), out.node_name(), nullptr, nullptr, false);
    return out;
  }

  absl::Status Join() {
    const JoinSpec& j = q_.joins[0];
    auto right = Lookup(j.right);
    if (!right.ok()) return right.status();
    const DataSource* r = *right;
    plan_.inputs.push_back(r->name);
    if (r->window) return ErrorAt(j.right.loc, "joining a windowed source is not supported yet");
    const std::string& la = q_.from.alias;
    const std::string& ra = j.right.alias;
    if (la == ra) return ErrorAt(j.right.loc, StrCat("both sides of the join are named ", la, "; give one an alias"));
    if (j.type == JoinSpec::Type::kRight) return ErrorAt(j.loc, "RIGHT JOIN is not supported yet");
    bool ls = !from_->is_table, rs = !r->is_table;
    if (ls && rs && !j.within_before_ms) {
      return ErrorAt(j.loc, "Stream-Stream joins must have a WITHIN clause specified.");
    }
    if (!(ls && rs) && j.within_before_ms) {
      return ErrorAt(j.loc, "A WITHIN clause is only allowed on stream-stream joins.");
    }
    if (!ls && rs) {
      return ErrorAt(j.loc, "a TABLE joined with a STREAM is not supported: put the stream first");
    }
    if (ls && !rs && j.type == JoinSpec::Type::kFull) {
      return ErrorAt(j.loc, "Full outer joins between streams and tables are not supported.");
    }
    // ON a = b, one column of each side.
    const Expression& on = *j.on;
    if (on.kind != Expression::Kind::kBinary || on.op != "=") {
      return ErrorAt(on.loc, "a join needs an equality of one column of each side in ON (a.x = b.y)");
    }
    bool lk = false, rk = false;
    int lc = ColumnOf(*on.args[0], *from_, la, lk), rc = ColumnOf(*on.args[1], *r, ra, rk);
    ExprPtr lexpr = on.args[0], rexpr = on.args[1];
    if (lc < 0 || rc < 0) {
      lc = ColumnOf(*on.args[1], *from_, la, lk);
      rc = ColumnOf(*on.args[0], *r, ra, rk);
      std::swap(lexpr, rexpr);
    }
    if (lc < 0 || rc < 0) {
      return ErrorAt(on.loc, StrCat("ON must compare a column of ", la, " with a column of ", ra,
                                    " (", on.ToString(), ")"));
    }
    const Column& lcol = lc < static_cast<int>(from_->key_columns.size())
                             ? from_->key_columns[lc] : from_->value_columns[lc - from_->key_columns.size()];
    const Column& rcol = rc < static_cast<int>(r->key_columns.size())
                             ? r->key_columns[rc] : r->value_columns[rc - r->key_columns.size()];
    if (!TypesEqual(lcol.type, rcol.type)) {
      return ErrorAt(on.loc, StrCat("the join columns must have one type: ", la, ".", lcol.name, " is ",
                                    lcol.type->ToString(), ", ", ra, ".", rcol.name, " is ",
                                    rcol.type->ToString()));
    }
    if (r->is_table && !(rk && r->key_columns.size() == 1)) {
      return ErrorAt(on.loc, StrCat("a join with the table ", r->name, " must be on its PRIMARY KEY "
                                    "(foreign-key joins are not supported yet)"));
    }
    if (from_->is_table && !(lk && from_->key_columns.size() == 1)) {
      return ErrorAt(on.loc, StrCat("a table-table join must be on the PRIMARY KEY of ", from_->name,
                                    " (foreign-key joins are not supported yet)"));
    }
    // The joined row: left columns (with pseudo-columns for a stream), then
    // the right's.
    Scope scope = SourceScope(*from_, la, ls);
    Scope rscope = SourceScope(*r, ra, rs);
    scope.columns.insert(scope.columns.end(), rscope.columns.begin(), rscope.columns.end());
    std::vector<std::pair<std::string, ExprPtr>> star;
    std::vector<std::pair<const DataSource*, std::string>> sides = {{from_, la}, {r, ra}};
    for (const auto& [ds, alias] : sides) {
      for (const auto& [name, e] : StarColumns(*ds, alias)) {
        star.emplace_back(StrCat(alias, "_", name), e);
      }
    }
    auto items = CompileSelect(q_, scope, *ctx_.functions, star);
    if (!items.ok()) return items.status();
    auto where = CompilePredicate(q_.where, scope, "WHERE");
    if (!where.ok()) return where.status();
    if (!q_.partition_by.empty()) {
      return ErrorAt(q_.partition_by[0]->loc, "PARTITION BY on a join is not supported yet");
    }
    // The result is keyed by the join column; either side's may be projected.
    std::vector<Column> keys, values;
    auto spec = std::make_shared<SelectProcessor::Spec>();
    spec->prebuilt = true;
    spec->where = *where;
    spec->query_id = ctx_.query_id;
    spec->errors = ctx_.errors;
    auto left_key = ColumnExpr(lcol.name, la, q_.loc);
    bool left_in_projection = false;
    for (const OutItem& it : *items) {
      left_in_projection |= it.expr->kind == Expression::Kind::kColumn && it.expr->name == lcol.name &&
                            (it.expr->qualifier.empty() || it.expr->qualifier == la);
    }
    ExprPtr key_expr = left_in_projection || j.type != JoinSpec::Type::kInner
                           ? left_key : ColumnExpr(rcol.name, ra, q_.loc);
    // SplitKey matches items by their text: qualify unqualified references.
    std::vector<OutItem> qualified = *items;
    for (OutItem& it : qualified) {
      if (it.expr->kind == Expression::Kind::kColumn && it.expr->qualifier.empty()) {
        for (const ScopeColumn& c : scope.columns) {
          if (c.name == it.expr->name) {
            it.expr = ColumnExpr(c.name, c.source, it.expr->loc);
            break;
          }
        }
      }
    }
    auto s = SplitKey(qualified, {key_expr}, "join expression", keys, spec->key, values, spec->value);
    if (!s.ok()) return s;
    bool table_result = !ls;
    auto sink = Sink(keys, values, table_result, std::nullopt);
    if (!sink.ok()) return sink.status();
    if (st_.kind == Statement::Kind::kCreateAsSelect && st_.is_table != table_result) {
      return ErrorAt(q_.loc, table_result
          ? "Invalid result type. Your SELECT query produces a TABLE. Please use CREATE TABLE AS SELECT statement instead."
          : "Invalid result type. Your SELECT query produces a STREAM. Please use CREATE STREAM AS SELECT statement instead.");
    }
    size_t lwidth = from_->key_columns.size() + from_->value_columns.size() + (ls ? 3 : 0);
    size_t rwidth = r->key_columns.size() + r->value_columns.size() + (rs ? 3 : 0);
    auto concat = [lwidth, rwidth](const Row* a, const Row* b) {
      Row out;
      out.reserve(lwidth + rwidth);
      for (size_t i = 0; i < lwidth; ++i) out.push_back(a && i < a->size() ? (*a)[i] : Value::Null());
      for (size_t i = 0; i < rwidth; ++i) out.push_back(b && i < b->size() ? (*b)[i] : Value::Null());
      return out;
    };
    bool left = j.type == JoinSpec::Type::kLeft, full = j.type == JoinSpec::Type::kFull;
    auto join_key_serde = MakeRowSerde(r->key_format, {rcol}, true);
    if (!join_key_serde.ok()) return ErrorAt(on.loc, std::string(join_key_serde.status().message()));
    std::shared_ptr<const SelectProcessor::Spec> frozen = spec;
    auto project = [frozen]() { return std::make_unique<SelectProcessor>(frozen); };
    if (ls) {
      KStream<Row, Row> lstream = JoinSide(*from_, lc, lk && from_->key_columns.size() == 1, "PrependAliasLeft");
      std::optional<KStream<Row, Row>> joined;
      if (!rs) {
        // Stream-table: the table row is its key and value columns.
        size_t rk_n = r->key_columns.size(), rv_n = r->value_columns.size();
        auto [tks, tvs] = SourceSerdes(*r);
        KTable<Row, Row> table = builder_.Table<Row, Row>(
            r->topic, SourceConsumed(*r),
            Materialized<Row, Row>::As(StrCat("KafkaTopic_Right-Reduce")).WithKeySerde(tks).WithValueSerde(tvs));
        Joined<Row, Row, Row> jd = Joined<Row, Row, Row>::With(*join_key_serde, StateSerde(), tvs);
        jd.WithName("Join");
        if (left) {
          joined.emplace(lstream.LeftJoin(table, [=](const Row& key, const Row& l, const std::optional<Row>& t) {
            Row rrow;
            if (t) rrow = SourceRow(key, *t, rk_n, rv_n, 0, nullptr, false);
            return concat(&l, t ? &rrow : nullptr);
          }, jd));
        } else {
          joined.emplace(lstream.Join(table, [=](const Row& key, const Row& l, const Row& t) {
            Row rrow = SourceRow(key, t, rk_n, rv_n, 0, nullptr, false);
            return concat(&l, &rrow);
          }, jd));
        }
      } else {
        KStream<Row, Row> rstream = JoinSide(*r, rc, rk && r->key_columns.size() == 1, "PrependAliasRight");
        auto grace = std::chrono::milliseconds(j.grace_ms.value_or(kDefaultGraceMs));
        JoinWindows windows = JoinWindows::OfTimeDifferenceAndGrace(
                                  std::chrono::milliseconds(*j.within_before_ms), grace)
                                  .Before(std::chrono::milliseconds(*j.within_before_ms))
                                  .After(std::chrono::milliseconds(*j.within_after_ms));
        StreamJoined<Row, Row, Row> sj = StreamJoined<Row, Row, Row>::With(*join_key_serde, StateSerde(), StateSerde());
        sj.WithName("Join");
        if (full) {
          joined.emplace(lstream.OuterJoin(rstream, [=](const std::optional<Row>& l, const std::optional<Row>& o) {
            return concat(l ? &*l : nullptr, o ? &*o : nullptr);
          }, windows, sj));
        } else if (left) {
          joined.emplace(lstream.LeftJoin(rstream, [=](const Row& l, const std::optional<Row>& o) {
            return concat(&l, o ? &*o : nullptr);
          }, windows, sj));
        } else {
          joined.emplace(lstream.Join(rstream, [=](const Row& l, const Row& o) { return concat(&l, &o); }, windows, sj));
        }
      }
      EmitStream(joined->Process(project, Named::As("Project")), *sink);
    } else {
      // Table-table on the primary keys.
      size_t lk_n = from_->key_columns.size(), lv_n = from_->value_columns.size();
      size_t rk_n = r->key_columns.size(), rv_n = r->value_columns.size();
      auto [lks, lvs] = SourceSerdes(*from_);
      auto [rks, rvs] = SourceSerdes(*r);
      KTable<Row, Row> lt = builder_.Table<Row, Row>(
          from_->topic, SourceConsumed(*from_),
          Materialized<Row, Row>::As("KafkaTopic_Left-Reduce").WithKeySerde(lks).WithValueSerde(lvs));
      KTable<Row, Row> rt = builder_.Table<Row, Row>(
          r->topic, SourceConsumed(*r),
          Materialized<Row, Row>::As("KafkaTopic_Right-Reduce").WithKeySerde(rks).WithValueSerde(rvs));
      auto row_of = [](const Row& key, const Row& v, size_t nk, size_t nv) {
        return SourceRow(key, v, nk, nv, 0, nullptr, false);
      };
      std::optional<KTable<Row, Row>> joined;
      if (full) {
        joined.emplace(lt.OuterJoin(rt, [=](const Row& key, const std::optional<Row>& l, const std::optional<Row>& o) {
          Row a, b;
          if (l) a = row_of(key, *l, lk_n, lv_n);
          if (o) b = row_of(key, *o, rk_n, rv_n);
          return concat(l ? &a : nullptr, o ? &b : nullptr);
        }));
      } else if (left) {
        joined.emplace(lt.LeftJoin(rt, [=](const Row& key, const Row& l, const std::optional<Row>& o) {
          Row a = row_of(key, l, lk_n, lv_n), b;
          if (o) b = row_of(key, *o, rk_n, rv_n);
          return concat(&a, o ? &b : nullptr);
        }));
      } else {
        joined.emplace(lt.Join(rt, [=](const Row& key, const Row& l, const Row& o) {
          Row a = row_of(key, l, lk_n, lv_n), b = row_of(key, o, rk_n, rv_n);
          return concat(&a, &b);
        }));
      }
      auto reporter = std::make_shared<ErrorReporter>(ctx_.query_id, ctx_.errors);
      if (spec->where) {
        joined.emplace(joined->Filter([frozen, reporter](const Row&, const Row& row) {
          return IsTrue(frozen->where, row, *reporter);
        }));
      }
      EmitTable(joined->MapValues([frozen, reporter](const Row& row) {
                  return EvalAll(frozen->value, row, *reporter);
                }),
                sink->key_serde, sink->value_serde, sink->sink.topic);
    }
    plan_.sink = sink->sink;
    return absl::OkStatus();
  }

  struct AggregateCall {
    ExprPtr call;
    EvalPtr input;  // null for COUNT(*)
    std::shared_ptr<const Aggregator> aggregator;
    TypePtr type;
  };

  absl::Status Aggregate(const std::vector<ExprPtr>& found) {
    if (from_->is_table) {
      return ErrorAt(q_.loc, "aggregating a TABLE is not supported yet (aggregate a STREAM)");
    }
    if (st_.kind == Statement::Kind::kCreateAsSelect && !st_.is_table) {
      return ErrorAt(q_.loc, "Invalid result type. Your SELECT query produces a TABLE. Please use "
                             "CREATE TABLE AS SELECT statement instead.");
    }
    if (q_.group_by.empty()) {
      return ErrorAt(found[0]->loc, "an aggregate function needs a GROUP BY clause");
    }
    if (!q_.partition_by.empty()) {
      return ErrorAt(q_.partition_by[0]->loc, "PARTITION BY cannot be combined with GROUP BY");
    }
    if (q_.emit == Query::Emit::kFinal && !q_.window) {
      return ErrorAt(q_.loc, "EMIT FINAL is only supported on windowed aggregations");
    }
    const std::string& alias = q_.from.alias;
    Scope scope = SourceScope(*from_, alias, true);
    auto where = CompilePredicate(q_.where, scope, "WHERE");
    if (!where.ok()) return where.status();
    // Group key.
    std::vector<EvalPtr> group_evals;
    std::vector<Column> group_columns;
    int synthetic = 0;
    for (const ExprPtr& g : q_.group_by) {
      auto c = CompileExpression(g, scope, *ctx_.functions);
      if (!c.ok()) return c.status();
      if (!c->type) return ErrorAt(g->loc, "cannot GROUP BY NULL");
      group_evals.push_back(c->eval);
      group_columns.push_back({g->kind == Expression::Kind::kColumn ? g->name : StrCat("KSQL_COL_", synthetic++), c->type});
    }
    // Aggregate calls (deduplicated by their text).
    std::vector<AggregateCall> calls;
    std::set<std::string> seen;
    for (const ExprPtr& f : found) {
      if (!seen.insert(f->ToString()).second) continue;
      const AggregateFunction* fn = ctx_.functions->FindAggregate(f->name);
      AggregateCall call;
      call.call = f;
      std::vector<TypePtr> types;
      std::vector<Value> literals;
      for (size_t i = 0; i < f->args.size(); ++i) {
        std::vector<ExprPtr> nested;
        CollectAggregates(f->args[i], *ctx_.functions, nested);
        if (!nested.empty()) return ErrorAt(nested[0]->loc, "aggregate functions cannot be nested");
        auto c = CompileExpression(f->args[i], scope, *ctx_.functions);
        if (!c.ok()) return c.status();
        types.push_back(c->type);
        if (i == 0) {
          call.input = c->eval;
        } else {
          if (f->args[i]->kind != Expression::Kind::kLiteral) {
            return ErrorAt(f->args[i]->loc, StrCat("argument ", i + 1, " of ", f->name, " must be a literal"));
          }
          literals.push_back(f->args[i]->literal);
        }
      }
      if (f->star && f->name != "COUNT") {
        return ErrorAt(f->loc, StrCat(f->name, "(*) is not allowed; only COUNT(*)"));
      }
      auto type = fn->resolve(types);
      if (!type.ok()) return ErrorAt(f->loc, std::string(type.status().message()));
      call.type = *type;
      call.aggregator = fn->make(types, literals);
      calls.push_back(std::move(call));
    }
    // The scope after aggregation: group key columns, aggregate results,
    // WINDOWSTART and WINDOWEND.
    Scope post;
    for (size_t i = 0; i < group_columns.size(); ++i) {
      post.columns.push_back({group_columns[i].name, alias, group_columns[i].type});
      post.computed.emplace_back(q_.group_by[i]->ToString(), static_cast<int>(i));
    }
    for (size_t i = 0; i < calls.size(); ++i) {
      post.columns.push_back({StrCat("$AGG", i), "", calls[i].type});
      post.computed.emplace_back(calls[i].call->ToString(), static_cast<int>(group_columns.size() + i));
    }
    if (q_.window) {
      post.columns.push_back({"WINDOWSTART", alias, SqlType::Bigint()});
      post.columns.push_back({"WINDOWEND", alias, SqlType::Bigint()});
    }
    post.unresolved_hint = "is not part of GROUP BY and not inside an aggregate function";
    std::vector<std::pair<std::string, ExprPtr>> star;
    for (const ExprPtr& g : q_.group_by) star.emplace_back(g->kind == Expression::Kind::kColumn ? g->name : g->ToString(), g);
    auto items = CompileSelect(q_, post, *ctx_.functions, star);
    if (!items.ok()) return items.status();
    auto having = CompilePredicate(q_.having, post, "HAVING");
    if (!having.ok()) return having.status();
    std::vector<Column> keys, values;
    std::vector<EvalPtr> key_evals, value_evals;
    auto s = SplitKey(*items, q_.group_by, "GROUP BY expression", keys, key_evals, values, value_evals);
    if (!s.ok()) return s;
    // ksqlDB keys the result by the GROUP BY expressions, in their order.
    auto sink = Sink(keys, values, true, q_.window);
    if (!sink.ok()) return sink.status();

    // Pre-aggregation: WHERE, group key, aggregate inputs.
    auto spec = std::make_shared<SelectProcessor::Spec>();
    spec->nkey = from_->key_columns.size();
    spec->nvalue = from_->value_columns.size();
    spec->where = *where;
    spec->key = group_evals;
    spec->query_id = ctx_.query_id;
    spec->errors = ctx_.errors;
    auto null_input = std::make_shared<FnNull>();
    for (const AggregateCall& c : calls) spec->value.push_back(c.input ? c.input : null_input);
    // Grouping by exactly the source key needs no repartition.
    bool same_key = group_columns.size() == from_->key_columns.size();
    for (size_t i = 0; same_key && i < q_.group_by.size(); ++i) {
      const Expression& g = *q_.group_by[i];
      same_key = g.kind == Expression::Kind::kColumn && g.name == from_->key_columns[i].name;
    }
    spec->keep_key = same_key;
    auto group_key_serde = Transient() ? MakeRowSerde(from_->key_format, group_columns, true)
                                       : MakeRowSerde(sink->sink.key_format, sink->sink.key_columns, true);
    if (!group_key_serde.ok()) return ErrorAt(q_.loc, std::string(group_key_serde.status().message()));
    KStream<Row, Row> stream = builder_.Stream<Row, Row>(from_->topic, SourceConsumed(*from_));
    std::shared_ptr<const SelectProcessor::Spec> frozen = spec;
    KStream<Row, Row> pre = stream.Process(
        [frozen]() { return std::make_unique<SelectProcessor>(frozen); }, Named::As("Aggregate-Prepare"));
    if (same_key) pre = KStream<Row, Row>(pre.data(), pre.node_name(), nullptr, nullptr, false);
    Grouped<Row, Row> grouped = Grouped<Row, Row>::With(*group_key_serde, StateSerde());
    grouped.WithName("Aggregate-GroupBy");
    KGroupedStream<Row, Row> grouped_stream = pre.GroupByKey(grouped);

    std::vector<std::shared_ptr<const Aggregator>> aggs;
    for (const AggregateCall& c : calls) aggs.push_back(c.aggregator);
    auto init = [aggs]() {
      Row acc;
      for (const auto& a : aggs) acc.push_back(a->Initialize());
      return acc;
    };
    auto step = [aggs](const Row&, Row value, const Row& acc) {
      Row out;
      out.reserve(aggs.size());
      for (size_t i = 0; i < aggs.size(); ++i) out.push_back(aggs[i]->Aggregate(value[i], acc[i]));
      return out;
    };
    Materialized<Row, Row> materialized = Materialized<Row, Row>::As("Aggregate-Aggregate-Materialize");
    materialized.WithKeySerde(*group_key_serde).WithValueSerde(StateSerde());
    if (q_.window && q_.window->retention_ms) {
      materialized.WithRetention(std::chrono::milliseconds(*q_.window->retention_ms));
    }
    Finish finish{aggs, *having, value_evals, group_columns.size(), std::make_shared<ErrorReporter>(ctx_.query_id, ctx_.errors)};
    auto m = std::make_shared<Materialization>();
    m->store = "Aggregate-Aggregate-Materialize";
    m->kind = !q_.window ? Materialization::Kind::kKeyValue
              : q_.window->type == WindowSpec::Type::kSession ? Materialization::Kind::kSession
                                                              : Materialization::Kind::kWindow;
    m->window_size_ms = q_.window ? q_.window->size_ms : 0;
    bool windowed = q_.window.has_value();
    m->to_value = [finish, windowed](const Row& key, const Row& acc, int64_t start,
                                     int64_t end) -> std::optional<Row> {
      Row row = PostRowOf(key, acc, finish);
      if (windowed) {
        row.push_back(Value::Bigint(start));
        row.push_back(Value::Bigint(end));
      }
      if (finish.having && !IsTrue(finish.having, row, *finish.reporter)) return std::nullopt;
      return EvalAll(finish.values, row, *finish.reporter);
    };
    plan_.materialization = std::move(m);
    if (!q_.window) {
      KTable<Row, Row> table = grouped_stream.Aggregate(init, step, materialized);
      FinishTable(table, finish, sink->key_serde, sink->value_serde, sink->sink.topic);
    } else {
      const WindowSpec& w = *q_.window;
      auto grace = std::chrono::milliseconds(w.grace_ms.value_or(kDefaultGraceMs));
      if (w.type == WindowSpec::Type::kSession) {
        auto merge = [aggs](const Row&, const Row& a, const Row& b) {
          Row out;
          for (size_t i = 0; i < aggs.size(); ++i) out.push_back(aggs[i]->Merge(a[i], b[i]));
          return out;
        };
        KTable<Windowed<Row>, Row> table =
            grouped_stream
                .WindowedBy(SessionWindows::OfInactivityGapAndGrace(std::chrono::milliseconds(w.size_ms), grace))
                .Aggregate(init, step, merge, materialized);
        if (q_.emit == Query::Emit::kFinal) {
          table = table.Suppress(Suppressed::UntilWindowCloses(BufferConfig::Unbounded()));
        }
        FinishTable(table, finish, serdes::SessionWindowed<Row>(sink->key_serde), sink->value_serde,
                    sink->sink.topic);
      } else {
        auto windows = TimeWindows::OfSizeAndGrace(std::chrono::milliseconds(w.size_ms), grace)
                           .AdvanceBy(std::chrono::milliseconds(w.advance_ms));
        KTable<Windowed<Row>, Row> table =
            grouped_stream.WindowedBy(windows).Aggregate(init, step, materialized);
        if (q_.emit == Query::Emit::kFinal) {
          table = table.Suppress(Suppressed::UntilWindowCloses(BufferConfig::Unbounded()));
        }
        FinishTable(table, finish,
                    serdes::TimeWindowed<Row>(sink->key_serde, std::chrono::milliseconds(w.size_ms)),
                    sink->value_serde, sink->sink.topic);
      }
    }
    plan_.sink = sink->sink;
    return absl::OkStatus();
  }

  class FnNull final : public Evaluator {
   public:
    Value Eval(const Row&, FunctionContext&) const override { return Value::Null(); }
  };

  struct Finish {
    std::vector<std::shared_ptr<const Aggregator>> aggs;
    EvalPtr having;
    std::vector<EvalPtr> values;
    size_t nkey;
    std::shared_ptr<ErrorReporter> reporter;
  };

  // The row after aggregation without the window: group key, aggregates.
  static Row PostRowOf(const Row& k, const Row& acc, const Finish& f) {
    Row row;
    for (size_t i = 0; i < f.nkey; ++i) row.push_back(i < k.size() ? k[i] : Value::Null());
    for (size_t i = 0; i < f.aggs.size(); ++i) {
      row.push_back(i < acc.size() ? f.aggs[i]->Result(acc[i]) : Value::Null());
    }
    return row;
  }

  template <typename K>
  static Row PostRow(const K& key, const Row& acc, const Finish& f) {
    Row row;
    if constexpr (std::is_same_v<K, Row>) {
      row = PostRowOf(key, acc, f);
    } else {
      row = PostRowOf(key.key, acc, f);
    }
    if constexpr (!std::is_same_v<K, Row>) {
      row.push_back(Value::Bigint(key.window.start()));
      row.push_back(Value::Bigint(key.window.end()));
    }
    return row;
  }

  template <typename K>
  void FinishTable(KTable<K, Row> table, const Finish& f, SerdePtr<K> key_serde,
                   SerdePtr<Row> value_serde, const std::string& topic) {
    if (f.having) {
      table = table.Filter([f](const K& key, const Row& acc) {
        return IsTrue(f.having, PostRow(key, acc, f), *f.reporter);
      }, Named::As("Aggregate-HavingFilter"));
    }
    EmitTable(table.MapValues([f](const K& key, const Row& acc) {
                return EvalAll(f.values, PostRow(key, acc, f), *f.reporter);
              }, Named::As("Aggregate-Project")),
              key_serde, value_serde, topic);
  }

  const Statement& st_;
  const Query& q_;
  const PlanContext& ctx_;
  const DataSource* target_;
  const DataSource* from_ = nullptr;
  StreamsBuilder builder_;
  Plan plan_;
};

}  // namespace

absl::StatusOr<Plan> PlanPersistentQuery(const Statement& statement, const PlanContext& context,
                                         const DataSource* insert_target) {
  Planner p(statement, context, insert_target);
  return p.Run();
}

}  // namespace kstreams::sql::internal
