// Transient queries: push queries (PushQuery, Engine::StartPushQuery) and
// pull queries (Engine::ExecutePull) over the stores of persistent queries.
#include <chrono>
#include <filesystem>
#include <limits>

#include "kstreams/internal/strings.h"
#include "kstreams/runtime/kafka_streams.h"
#include "kstreams/sql/engine.h"
#include "kstreams/sql/parser.h"
#include "kstreams/sql/push_query.h"
#include "kstreams/state/key_value_store.h"
#include "kstreams/state/session_store.h"
#include "kstreams/state/window_store.h"
#include "sql/expression.h"
#include "sql/planner.h"

namespace kstreams::sql {

using ::kstreams::internal::StrCat;
using internal::ErrorAt;

// ---- PushQuery

void PushQuery::Sink::Deliver(Row row) {
  std::unique_lock lock(mu);
  if (done) return;
  ++delivered;
  if (limit && delivered >= *limit) done = true;
  if (on_row) {
    on_row(row);
  } else {
    queue.push_back(std::move(row));
  }
  cv.notify_all();
}

PushQuery::~PushQuery() { Stop(); }

std::optional<Row> PushQuery::Next(absl::Duration timeout) {
  std::unique_lock lock(sink_->mu);
  auto deadline = std::chrono::steady_clock::now() + absl::ToChronoMilliseconds(timeout);
  sink_->cv.wait_until(lock, deadline, [&] { return !sink_->queue.empty() || sink_->done; });
  if (sink_->queue.empty()) return std::nullopt;
  Row row = std::move(sink_->queue.front());
  sink_->queue.pop_front();
  return row;
}

bool PushQuery::WaitUntilDone(absl::Duration timeout) {
  std::unique_lock lock(sink_->mu);
  auto deadline = std::chrono::steady_clock::now() + absl::ToChronoMilliseconds(timeout);
  return sink_->cv.wait_until(lock, deadline, [&] { return sink_->done; });
}

bool PushQuery::done() const {
  std::unique_lock lock(sink_->mu);
  return sink_->done;
}

int64_t PushQuery::rows() const {
  std::unique_lock lock(sink_->mu);
  return sink_->delivered;
}

void PushQuery::Stop() {
  {
    std::unique_lock lock(sink_->mu);
    sink_->done = true;
    sink_->cv.notify_all();
  }
  if (streams_) {
    streams_->Close();
    streams_.reset();
    // A transient query's state (its aggregation stores) is of no use once
    // it stopped.
    std::error_code ignored;
    if (!state_dir_.empty()) std::filesystem::remove_all(state_dir_, ignored);
  }
}

namespace {

// The one SELECT statement of `sql`.
absl::StatusOr<Statement> OneSelect(std::string_view sql) {
  auto statements = ParseStatements(sql);
  if (!statements.ok()) return statements.status();
  if (statements->size() != 1 || (*statements)[0].kind != Statement::Kind::kSelect) {
    return absl::InvalidArgumentError("expected exactly one SELECT statement");
  }
  return std::move((*statements)[0]);
}

}  // namespace

absl::StatusOr<std::unique_ptr<PushQuery>> Engine::StartPushQuery(
    std::string_view sql, std::function<void(const Row&)> on_row) {
  auto st = OneSelect(sql);
  if (!st.ok()) return st.status();
  if (st->query->emit == Query::Emit::kNone) {
    return ErrorAt(st->loc, "a push query needs EMIT CHANGES (or EMIT FINAL); without it, "
                            "SELECT is a pull query (Engine::ExecutePull)");
  }
  if (!options_.start_queries) {
    return absl::FailedPreconditionError("push queries need started queries (Options::start_queries)");
  }
  std::unique_ptr<PushQuery> push(new PushQuery());
  push->sink_->on_row = std::move(on_row);
  push->sink_->limit = st->query->limit;
  int64_t now_ms = absl::ToUnixMillis(absl::Now());
  push->id_ = StrCat("transient_", next_transient_++, "_", now_ms);
  std::shared_ptr<PushQuery::Sink> sink = push->sink_;
  internal::PlanContext ctx{&sources_, &options_.functions, errors_, push->id_,
                            [sink](Row row) { sink->Deliver(std::move(row)); }};
  auto plan = internal::PlanPersistentQuery(*st, ctx, nullptr);
  if (!plan.ok()) return plan.status();
  push->columns_ = plan->sink.value_columns;
  push->topology_ = std::move(plan->topology);
  std::string app_id = StrCat("_confluent-ksql-", options_.service_id, push->id_);
  StreamsConfig config = QueryConfig(app_id);
  if (properties_.count("auto.offset.reset") == 0) {
    config.Set("consumer.auto.offset.reset", "latest");  // ksqlDB's default
  }
  // Each change is a row to print now, not at the next commit.
  if (options_.streams_config.count(StreamsConfig::kStatestoreCacheMaxBytes) == 0 &&
      properties_.count("ksql.streams.statestore.cache.max.bytes") == 0) {
    config.Set(StreamsConfig::kStatestoreCacheMaxBytes, "0");
  }
  if (auto it = options_.streams_config.find(StreamsConfig::kStateDir);
      it != options_.streams_config.end()) {
    push->state_dir_ = (std::filesystem::path(it->second) / app_id).string();
  }
  push->streams_ = std::make_unique<KafkaStreams>(*push->topology_, config);
  if (absl::Status s = push->streams_->Start(); !s.ok()) {
    return absl::Status(s.code(), StrCat("push query failed to start: ", s.message()));
  }
  return push;
}

// ---- pull queries

namespace {

void Conjuncts(const ExprPtr& e, std::vector<ExprPtr>& out) {
  if (e->kind == Expression::Kind::kBinary && e->op == "AND") {
    Conjuncts(e->args[0], out);
    Conjuncts(e->args[1], out);
  } else {
    out.push_back(e);
  }
}

bool IsColumn(const ExprPtr& e, const std::string& name) {
  return e->kind == Expression::Kind::kColumn && e->name == name;
}

// The value of an expression that references no column, or nullopt.
std::optional<Value> Constant(const ExprPtr& e, const FunctionRegistry& functions) {
  internal::Scope empty;
  auto c = internal::CompileExpression(e, empty, functions);
  if (!c.ok()) return std::nullopt;
  class Collect final : public FunctionContext {
   public:
    void Error(std::string) override { failed = true; }
    bool failed = false;
  } ctx;
  Value v = c->eval->Eval(Row(), ctx);
  if (ctx.failed) return std::nullopt;
  return v;
}

// What the WHERE clause of a pull query narrows the read to. The whole
// WHERE is still evaluated on every row read.
struct Lookup {
  std::optional<std::vector<Value>> keys;  // key = v, key IN (...)
  int64_t window_start_min = std::numeric_limits<int64_t>::min();
  int64_t window_start_max = std::numeric_limits<int64_t>::max();
};

Lookup Narrow(const ExprPtr& where, const DataSource& d, const FunctionRegistry& functions) {
  Lookup out;
  if (!where) return out;
  std::vector<ExprPtr> conjuncts;
  Conjuncts(where, conjuncts);
  const Column* key = d.key_columns.size() == 1 ? &d.key_columns[0] : nullptr;
  auto as_key = [&](const Value& v) {
    if (!v.is_null() && v.kind() != Value::Kind::kString && key->type->IsNumeric()) {
      return internal::ToNumeric(v, *key->type);
    }
    return v;
  };
  auto narrow_start = [&](const std::string& op, int64_t v) {
    if (op == "=" || op == ">=") out.window_start_min = std::max(out.window_start_min, v);
    if (op == ">") out.window_start_min = std::max(out.window_start_min, v + 1);
    if (op == "=" || op == "<=") out.window_start_max = std::min(out.window_start_max, v);
    if (op == "<") out.window_start_max = std::min(out.window_start_max, v - 1);
  };
  for (const ExprPtr& c : conjuncts) {
    if (c->kind == Expression::Kind::kBinary && c->args.size() == 2) {
      ExprPtr col = c->args[0], other = c->args[1];
      std::string op = c->op;
      if (col->kind != Expression::Kind::kColumn) {
        std::swap(col, other);
        if (op == "<") op = ">";
        else if (op == ">") op = "<";
        else if (op == "<=") op = ">=";
        else if (op == ">=") op = "<=";
      }
      std::optional<Value> v = Constant(other, functions);
      if (!v || v->is_null()) continue;
      if (key && op == "=" && IsColumn(col, key->name) && !out.keys) {
        out.keys = std::vector<Value>{as_key(*v)};
      } else if (d.window && IsColumn(col, "WINDOWSTART") && v->kind() != Value::Kind::kString) {
        narrow_start(op, v->integer());
      }
    } else if (c->kind == Expression::Kind::kIn && !c->negated && key &&
               IsColumn(c->args[0], key->name) && !out.keys) {
      std::vector<Value> keys;
      for (size_t i = 1; i < c->args.size(); ++i) {
        std::optional<Value> v = Constant(c->args[i], functions);
        if (!v) {
          keys.clear();
          break;
        }
        if (!v->is_null()) keys.push_back(as_key(*v));
      }
      if (!keys.empty() || c->args.size() == 1) out.keys = std::move(keys);
    } else if (c->kind == Expression::Kind::kBetween && !c->negated && d.window &&
               IsColumn(c->args[0], "WINDOWSTART")) {
      std::optional<Value> lo = Constant(c->args[1], functions);
      std::optional<Value> hi = Constant(c->args[2], functions);
      if (lo && !lo->is_null() && lo->kind() != Value::Kind::kString) narrow_start(">=", lo->integer());
      if (hi && !hi->is_null() && hi->kind() != Value::Kind::kString) narrow_start("<=", hi->integer());
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<PullQueryResult> Engine::ExecutePull(std::string_view sql) {
  auto st = OneSelect(sql);
  if (!st.ok()) return st.status();
  if (st->query->emit != Query::Emit::kNone) {
    return ErrorAt(st->loc, "a push query (EMIT CHANGES) streams its rows: run it with "
                            "Engine::StartPushQuery");
  }
  return Pull(*st);
}

absl::StatusOr<PullQueryResult> Engine::Pull(const Statement& st) {
  const Query& q = *st.query;
  if (!q.joins.empty()) return ErrorAt(q.joins[0].loc, "Pull queries don't support JOIN clauses.");
  if (q.window) return ErrorAt(q.window->loc, "Pull queries don't support WINDOW clauses.");
  if (!q.group_by.empty()) return ErrorAt(q.group_by[0]->loc, "Pull queries don't support GROUP BY clauses.");
  if (!q.partition_by.empty()) {
    return ErrorAt(q.partition_by[0]->loc, "Pull queries don't support PARTITION BY clauses.");
  }
  if (q.having) return ErrorAt(q.having->loc, "Pull queries don't support HAVING clauses.");
  const DataSource* d = FindSource(q.from.name);
  if (!d) return ErrorAt(q.from.loc, StrCat("stream or table '", q.from.name, "' does not exist"));
  if (!d->is_table) {
    return ErrorAt(q.from.loc, StrCat("Pull queries are not supported on streams (", d->name,
                                      " is a stream).\nAdd EMIT CHANGES if you intended to issue "
                                      "a push query."));
  }
  const PersistentQuery* writer = nullptr;
  for (const auto& pq : queries_) {
    if (pq->sink == d->name && pq->id == d->written_by && pq->materialization) writer = pq.get();
  }
  if (!writer) {
    return ErrorAt(q.from.loc, StrCat("The `", d->name, "` table isn't queryable. To derive a "
                                      "queryable table, you can do 'CREATE TABLE QUERYABLE_", d->name,
                                      " AS SELECT * FROM ", d->name, "'. See https://cnfl.io/queries "
                                      "for more info.\nAdd EMIT CHANGES if you intended to issue a "
                                      "push query."));
  }
  if (!writer->streams) {
    return absl::FailedPreconditionError(StrCat("query ", writer->id, " is not running "
                                                "(Options::start_queries is false)"));
  }
  // The row a pull query sees: key columns, value columns, then WINDOWSTART
  // and WINDOWEND for a windowed table. * lists the window after the key,
  // as ksqlDB does.
  const std::string& alias = q.from.alias;
  internal::Scope scope = internal::SourceScope(*d, alias, false);
  std::vector<std::pair<std::string, ExprPtr>> star;
  for (const Column& c : d->key_columns) star.emplace_back(c.name, internal::ColumnExpr(c.name, alias, q.loc));
  if (d->window) {
    for (const char* w : {"WINDOWSTART", "WINDOWEND"}) {
      scope.columns.push_back({w, alias, SqlType::Bigint()});
      star.emplace_back(w, internal::ColumnExpr(w, alias, q.loc));
    }
  }
  for (const Column& c : d->value_columns) star.emplace_back(c.name, internal::ColumnExpr(c.name, alias, q.loc));
  auto items = internal::CompileSelect(q, scope, options_.functions, star);
  if (!items.ok()) return items.status();
  internal::EvalPtr where;
  if (q.where) {
    auto c = internal::CompileExpression(q.where, scope, options_.functions);
    if (!c.ok()) return c.status();
    if (c->type && c->type->kind() != TypeKind::kBoolean) {
      return ErrorAt(q.where->loc, StrCat("WHERE needs a BOOLEAN expression, found ", c->type->ToString()));
    }
    where = c->eval;
  }
  PullQueryResult result;
  std::vector<internal::EvalPtr> projection;
  for (const internal::OutItem& item : *items) {
    result.columns.push_back({item.name, item.compiled.type ? item.compiled.type : SqlType::String()});
    projection.push_back(item.compiled.eval);
  }
  const internal::Materialization& m = *writer->materialization;
  internal::ErrorReporter reporter(writer->id, errors_);
  size_t nkey = d->key_columns.size(), nvalue = d->value_columns.size();
  // Adds the stored entry's row when it passes WHERE.
  auto add = [&](const Row& key, const Row& stored, int64_t start, int64_t end) {
    if (q.limit && static_cast<int64_t>(result.rows.size()) >= *q.limit) return;
    std::optional<Row> value = m.to_value(key, stored, start, end);
    if (!value) return;
    Row row = internal::SourceRow(key, *value, nkey, nvalue, 0, nullptr, false);
    if (d->window) {
      row.push_back(Value::Bigint(start));
      row.push_back(Value::Bigint(end));
    }
    if (!internal::IsTrue(where, row, reporter)) return;
    result.rows.push_back(internal::EvalAll(projection, row, reporter));
  };
  Lookup lookup = Narrow(q.where, *d, options_.functions);
  auto unavailable = [&](const absl::Status& s) {
    return absl::UnavailableError(StrCat("the store of query ", writer->id, " is not queryable now (",
                                         s.message(), "); retry"));
  };
  try {
    switch (m.kind) {
      case internal::Materialization::Kind::kKeyValue: {
        auto store = writer->streams->Store<ReadOnlyKeyValueStore<Row, Row>>(m.store);
        if (!store.ok()) return unavailable(store.status());
        if (lookup.keys) {
          for (const Value& k : *lookup.keys) {
            Row key{k};
            if (std::optional<Row> v = (*store)->Get(key)) add(key, *v, 0, 0);
          }
        } else {
          for (auto it = (*store)->All(); it.Valid(); it.Next()) add(it.key(), it.value(), 0, 0);
        }
        break;
      }
      case internal::Materialization::Kind::kWindow: {
        auto store = writer->streams->Store<ReadOnlyWindowStore<Row, Row>>(m.store);
        if (!store.ok()) return unavailable(store.status());
        int64_t from = std::max<int64_t>(lookup.window_start_min, 0), to = lookup.window_start_max;
        if (lookup.keys) {
          for (const Value& k : *lookup.keys) {
            Row key{k};
            for (auto it = (*store)->Fetch(key, from, to); it.Valid(); it.Next()) {
              add(key, it.value(), it.key(), ::kstreams::internal::SaturatingAdd(it.key(), m.window_size_ms));
            }
          }
        } else {
          for (auto it = (*store)->FetchAll(from, to); it.Valid(); it.Next()) {
            add(it.key().key, it.value(), it.key().window.start(), it.key().window.end());
          }
        }
        break;
      }
      case internal::Materialization::Kind::kSession: {
        auto store = writer->streams->Store<ReadOnlySessionStore<Row, Row>>(m.store);
        if (!store.ok()) return unavailable(store.status());
        auto read = [&](KeyValueIterator<Windowed<Row>, Row> it) {
          for (; it.Valid(); it.Next()) {
            add(it.key().key, it.value(), it.key().window.start(), it.key().window.end());
          }
        };
        if (lookup.keys) {
          for (const Value& k : *lookup.keys) read((*store)->Fetch(Row{k}));
        } else {
          read((*store)->Fetch(std::nullopt, std::nullopt));
        }
        break;
      }
    }
  } catch (const StateStoreException& e) {
    return unavailable(e.status());
  }
  return result;
}

}  // namespace kstreams::sql
