#include "sql/expression.h"

#include <cmath>
#include <cstdlib>
#include <limits>

#include "absl/strings/ascii.h"
#include "kstreams/internal/strings.h"
#include "sql/time_format.h"

namespace kstreams::sql::internal {

using ::kstreams::internal::StrCat;

absl::Status ErrorAt(const Location& loc, const std::string& message) {
  return absl::InvalidArgumentError(StrCat("line ", loc.line, ":", loc.column, ": ", message));
}

namespace {

using EvalPtr = std::shared_ptr<const Evaluator>;

template <typename F>
class FnEval final : public Evaluator {
 public:
  explicit FnEval(F f) : f_(std::move(f)) {}
  Value Eval(const Row& row, FunctionContext& ctx) const override { return f_(row, ctx); }

 private:
  F f_;
};

template <typename F>
EvalPtr MakeEval(F f) {
  return std::make_shared<FnEval<F>>(std::move(f));
}

std::string TypeName(const TypePtr& t) { return t ? t->ToString() : "NULL"; }

bool Comparable(const TypePtr& a, const TypePtr& b) {
  if (!a || !b) return true;
  if (a->IsNumeric() && b->IsNumeric()) return true;
  if (a->kind() == TypeKind::kTimestamp && b->kind() == TypeKind::kString) return true;
  if (b->kind() == TypeKind::kTimestamp && a->kind() == TypeKind::kString) return true;
  return TypesEqual(a, b) || a->kind() == b->kind();
}

// A string compared with a TIMESTAMP is read as an ISO timestamp, as ksqlDB does.
Value Normalize(const Value& v, const TypePtr& other) {
  if (v.kind() == Value::Kind::kString && other && other->kind() == TypeKind::kTimestamp) {
    absl::StatusOr<int64_t> ms = ParseIsoTimestamp(v.str());
    if (ms.ok()) return Value::Timestamp(*ms);
  }
  return v;
}

bool LikeMatch(const std::string& s, size_t i, const std::string& p, size_t j, char escape) {
  while (j < p.size()) {
    char c = p[j];
    if (escape && c == escape && j + 1 < p.size()) {
      if (i >= s.size() || s[i] != p[j + 1]) return false;
      ++i;
      j += 2;
      continue;
    }
    if (c == '%') {
      for (size_t k = i; k <= s.size(); ++k) {
        if (LikeMatch(s, k, p, j + 1, escape)) return true;
      }
      return false;
    }
    if (i >= s.size()) return false;
    if (c != '_' && s[i] != c) return false;
    ++i;
    ++j;
  }
  return i == s.size();
}

bool IsAggregateCall(const Expression& e, const FunctionRegistry& registry) {
  return e.kind == Expression::Kind::kFunction && registry.FindAggregate(e.name) != nullptr;
}

class Compiler {
 public:
  Compiler(const Scope& scope, const FunctionRegistry& registry)
      : scope_(scope), registry_(registry) {}

  absl::StatusOr<Compiled> Compile(const ExprPtr& e) {
    std::string text = e->ToString();
    for (const auto& [t, index] : scope_.computed) {
      if (t == text) return Column(index);
    }
    switch (e->kind) {
      case Expression::Kind::kLiteral: {
        Value v = e->literal;
        return Compiled{MakeEval([v](const Row&, FunctionContext&) { return v; }), e->type};
      }
      case Expression::Kind::kColumn: return ResolveColumn(*e);
      case Expression::Kind::kDereference: {
        // "A.B" parses as a qualified column; "S->F" is a struct field.
        auto base = Compile(e->args[0]);
        if (!base.ok()) return base.status();
        if (!base->type || base->type->kind() != TypeKind::kStruct) {
          return ErrorAt(e->loc, StrCat("'->' needs a STRUCT on its left, found ",
                                        TypeName(base->type), " (", e->args[0]->ToString(), ")"));
        }
        int index = base->type->FieldIndex(e->name);
        if (index < 0) {
          std::vector<std::string> names;
          for (const auto& f : base->type->fields()) names.push_back(f.name);
          return ErrorAt(e->loc, StrCat("the STRUCT ", e->args[0]->ToString(), " has no field '",
                                        e->name, "' (fields: ",
                                        ::kstreams::internal::StrJoin(names, ", "), ")"));
        }
        EvalPtr b = base->eval;
        size_t i = static_cast<size_t>(index);
        return Compiled{MakeEval([b, i](const Row& row, FunctionContext& ctx) {
                          Value s = b->Eval(row, ctx);
                          if (s.is_null() || i >= s.elements().size()) return Value::Null();
                          return s.elements()[i];
                        }),
                        base->type->fields()[i].type};
      }
      case Expression::Kind::kSubscript: {
        auto base = Compile(e->args[0]);
        if (!base.ok()) return base.status();
        auto index = Compile(e->args[1]);
        if (!index.ok()) return index.status();
        EvalPtr b = base->eval, x = index->eval;
        if (base->type && base->type->kind() == TypeKind::kArray) {
          if (index->type && index->type->kind() != TypeKind::kInt &&
              index->type->kind() != TypeKind::kBigint) {
            return ErrorAt(e->args[1]->loc, StrCat("an ARRAY index must be an INT, found ",
                                                   TypeName(index->type)));
          }
          // 1-based; negative indexes count from the end; out of range is NULL.
          return Compiled{MakeEval([b, x](const Row& row, FunctionContext& ctx) {
                            Value a = b->Eval(row, ctx), i = x->Eval(row, ctx);
                            if (a.is_null() || i.is_null()) return Value::Null();
                            int64_t n = static_cast<int64_t>(a.elements().size());
                            int64_t k = i.integer() > 0 ? i.integer() - 1 : n + i.integer();
                            if (i.integer() == 0 || k < 0 || k >= n) return Value::Null();
                            return a.elements()[static_cast<size_t>(k)];
                          }),
                          base->type->element()};
        }
        if (base->type && base->type->kind() == TypeKind::kMap) {
          return Compiled{MakeEval([b, x](const Row& row, FunctionContext& ctx) {
                            Value m = b->Eval(row, ctx), k = x->Eval(row, ctx);
                            if (m.is_null() || k.is_null()) return Value::Null();
                            const auto& el = m.elements();
                            for (size_t i = 0; i + 1 < el.size(); i += 2) {
                              if (el[i] == k) return el[i + 1];
                            }
                            return Value::Null();
                          }),
                          base->type->element()};
        }
        return ErrorAt(e->loc, StrCat("a subscript needs an ARRAY or a MAP, found ",
                                      TypeName(base->type), " (", e->args[0]->ToString(), ")"));
      }
      case Expression::Kind::kFunction: return Function(*e);
      case Expression::Kind::kNot: {
        auto a = Compile(e->args[0]);
        if (!a.ok()) return a.status();
        if (a->type && a->type->kind() != TypeKind::kBoolean) {
          return ErrorAt(e->loc, StrCat("NOT needs a BOOLEAN, found ", TypeName(a->type)));
        }
        EvalPtr x = a->eval;
        return Compiled{MakeEval([x](const Row& row, FunctionContext& ctx) {
                          Value v = x->Eval(row, ctx);
                          return v.is_null() ? v : Value::Boolean(!v.boolean());
                        }),
                        SqlType::Boolean()};
      }
      case Expression::Kind::kNegate: {
        auto a = Compile(e->args[0]);
        if (!a.ok()) return a.status();
        if (a->type && !a->type->IsNumeric()) {
          return ErrorAt(e->loc, StrCat("'-' needs a number, found ", TypeName(a->type)));
        }
        EvalPtr x = a->eval;
        return Compiled{MakeEval([x](const Row& row, FunctionContext& ctx) {
                          Value v = x->Eval(row, ctx);
                          switch (v.kind()) {
                            case Value::Kind::kInt: return Value::Int(static_cast<int32_t>(-v.integer()));
                            case Value::Kind::kBigint: return Value::Bigint(-v.integer());
                            case Value::Kind::kDouble: return Value::Double(-v.real());
                            case Value::Kind::kDecimal: return Value::Decimal(-v.real(), v.scale());
                            default: return v;
                          }
                        }),
                        a->type};
      }
      case Expression::Kind::kBinary: return Binary(*e);
      case Expression::Kind::kIsNull: {
        auto a = Compile(e->args[0]);
        if (!a.ok()) return a.status();
        EvalPtr x = a->eval;
        bool neg = e->negated;
        return Compiled{MakeEval([x, neg](const Row& row, FunctionContext& ctx) {
                          return Value::Boolean(x->Eval(row, ctx).is_null() != neg);
                        }),
                        SqlType::Boolean()};
      }
      case Expression::Kind::kLike: {
        auto a = Compile(e->args[0]);
        if (!a.ok()) return a.status();
        auto p = Compile(e->args[1]);
        if (!p.ok()) return p.status();
        for (const auto* c : {&*a, &*p}) {
          if (c->type && c->type->kind() != TypeKind::kString) {
            return ErrorAt(e->loc, StrCat("LIKE needs STRING operands, found ", TypeName(c->type)));
          }
        }
        char escape = 0;
        if (e->args.size() > 2) {
          if (e->args[2]->kind != Expression::Kind::kLiteral ||
              e->args[2]->literal.kind() != Value::Kind::kString ||
              e->args[2]->literal.str().size() != 1) {
            return ErrorAt(e->args[2]->loc, "ESCAPE needs a one-character string literal");
          }
          escape = e->args[2]->literal.str()[0];
        }
        EvalPtr x = a->eval, y = p->eval;
        bool neg = e->negated;
        return Compiled{MakeEval([x, y, neg, escape](const Row& row, FunctionContext& ctx) {
                          Value s = x->Eval(row, ctx), pat = y->Eval(row, ctx);
                          if (s.is_null() || pat.is_null()) return Value::Null();
                          return Value::Boolean(LikeMatch(s.str(), 0, pat.str(), 0, escape) != neg);
                        }),
                        SqlType::Boolean()};
      }
      case Expression::Kind::kBetween: {
        std::vector<Compiled> c;
        for (const ExprPtr& arg : e->args) {
          auto r = Compile(arg);
          if (!r.ok()) return r.status();
          c.push_back(*r);
        }
        if (!Comparable(c[0].type, c[1].type) || !Comparable(c[0].type, c[2].type)) {
          return ErrorAt(e->loc, StrCat("BETWEEN cannot compare ", TypeName(c[0].type), " with ",
                                        TypeName(c[1].type), " and ", TypeName(c[2].type)));
        }
        EvalPtr x = c[0].eval, lo = c[1].eval, hi = c[2].eval;
        TypePtr tx = c[0].type;
        bool neg = e->negated;
        return Compiled{MakeEval([=](const Row& row, FunctionContext& ctx) {
                          Value v = x->Eval(row, ctx), l = lo->Eval(row, ctx), h = hi->Eval(row, ctx);
                          if (v.is_null() || l.is_null() || h.is_null()) return Value::Null();
                          l = Normalize(l, tx);
                          h = Normalize(h, tx);
                          bool in = CompareValues(v, l) >= 0 && CompareValues(v, h) <= 0;
                          return Value::Boolean(in != neg);
                        }),
                        SqlType::Boolean()};
      }
      case Expression::Kind::kIn: {
        std::vector<EvalPtr> list;
        auto first = Compile(e->args[0]);
        if (!first.ok()) return first.status();
        for (size_t i = 1; i < e->args.size(); ++i) {
          auto r = Compile(e->args[i]);
          if (!r.ok()) return r.status();
          if (!Comparable(first->type, r->type)) {
            return ErrorAt(e->args[i]->loc, StrCat("IN cannot compare ", TypeName(first->type),
                                                   " with ", TypeName(r->type)));
          }
          list.push_back(r->eval);
        }
        EvalPtr x = first->eval;
        bool neg = e->negated;
        return Compiled{MakeEval([x, list, neg](const Row& row, FunctionContext& ctx) {
                          Value v = x->Eval(row, ctx);
                          if (v.is_null()) return Value::Null();
                          bool saw_null = false;
                          for (const EvalPtr& item : list) {
                            Value w = item->Eval(row, ctx);
                            if (w.is_null()) {
                              saw_null = true;
                            } else if (CompareValues(v, w) == 0) {
                              return Value::Boolean(!neg);
                            }
                          }
                          return saw_null ? Value::Null() : Value::Boolean(neg);
                        }),
                        SqlType::Boolean()};
      }
      case Expression::Kind::kCase: {
        std::vector<EvalPtr> conds, results;
        EvalPtr otherwise;
        TypePtr type;
        size_t pairs = (e->args.size() - (e->has_else ? 1 : 0)) / 2;
        auto unify = [&](const Compiled& c, const Location& loc) -> absl::Status {
          if (!c.type) return absl::OkStatus();
          if (!type) {
            type = c.type;
          } else if (type->IsNumeric() && c.type->IsNumeric()) {
            type = WiderNumeric(type, c.type);
          } else if (!TypesEqual(type, c.type)) {
            return ErrorAt(loc, StrCat("the results of CASE must have one type: found ",
                                       type->ToString(), " and ", c.type->ToString()));
          }
          return absl::OkStatus();
        };
        for (size_t i = 0; i < pairs; ++i) {
          auto c = Compile(e->args[2 * i]);
          if (!c.ok()) return c.status();
          if (c->type && c->type->kind() != TypeKind::kBoolean) {
            return ErrorAt(e->args[2 * i]->loc, StrCat("WHEN needs a BOOLEAN condition, found ",
                                                       c->type->ToString()));
          }
          auto r = Compile(e->args[2 * i + 1]);
          if (!r.ok()) return r.status();
          if (auto s = unify(*r, e->args[2 * i + 1]->loc); !s.ok()) return s;
          conds.push_back(c->eval);
          results.push_back(r->eval);
        }
        if (e->has_else) {
          auto r = Compile(e->args.back());
          if (!r.ok()) return r.status();
          if (auto s = unify(*r, e->args.back()->loc); !s.ok()) return s;
          otherwise = r->eval;
        }
        TypePtr t = type;
        return Compiled{MakeEval([conds, results, otherwise, t](const Row& row, FunctionContext& ctx) {
                          for (size_t i = 0; i < conds.size(); ++i) {
                            Value c = conds[i]->Eval(row, ctx);
                            if (!c.is_null() && c.boolean()) {
                              Value v = results[i]->Eval(row, ctx);
                              return t && t->IsNumeric() && !v.is_null() ? ToNumeric(v, *t) : v;
                            }
                          }
                          if (!otherwise) return Value::Null();
                          Value v = otherwise->Eval(row, ctx);
                          return t && t->IsNumeric() && !v.is_null() ? ToNumeric(v, *t) : v;
                        }),
                        type};
      }
      case Expression::Kind::kCast: {
        auto a = Compile(e->args[0]);
        if (!a.ok()) return a.status();
        TypePtr to = e->type;
        if (a->type && !a->type->IsPrimitive() && !TypesEqual(a->type, to) &&
            to->kind() != TypeKind::kString) {
          return ErrorAt(e->loc, StrCat("cannot CAST ", a->type->ToString(), " to ", to->ToString()));
        }
        EvalPtr x = a->eval;
        return Compiled{MakeEval([x, to](const Row& row, FunctionContext& ctx) {
                          return CastValue(x->Eval(row, ctx), *to, ctx);
                        }),
                        to};
      }
      case Expression::Kind::kArray:
      case Expression::Kind::kMap:
      case Expression::Kind::kStruct: return Constructor(*e);
    }
    return ErrorAt(e->loc, "unsupported expression");
  }

 private:
  Compiled Column(int index) {
    size_t i = static_cast<size_t>(index);
    return Compiled{MakeEval([i](const Row& row, FunctionContext&) {
                      return i < row.size() ? row[i] : Value::Null();
                    }),
                    scope_.columns[i].type};
  }

  absl::StatusOr<Compiled> ResolveColumn(const Expression& e) {
    int found = -1;
    for (size_t i = 0; i < scope_.columns.size(); ++i) {
      const ScopeColumn& c = scope_.columns[i];
      if (c.name != e.name) continue;
      if (!e.qualifier.empty() && c.source != e.qualifier) continue;
      if (found >= 0) {
        return ErrorAt(e.loc, StrCat("column '", e.name,
                                     "' is ambiguous: qualify it with its source (",
                                     scope_.columns[found].source, ".", e.name, " or ", c.source,
                                     ".", e.name, ")"));
      }
      found = static_cast<int>(i);
    }
    if (found < 0) {
      // "A.B" where A is a STRUCT column: ksqlDB reads it as A->B.
      if (!e.qualifier.empty()) {
        bool source_known = false;
        for (const ScopeColumn& c : scope_.columns) source_known |= c.source == e.qualifier;
        if (!source_known) {
          return ErrorAt(e.loc, StrCat("'", e.qualifier, "' is not a source of this query"));
        }
      }
      if (!scope_.unresolved_hint.empty()) {
        return ErrorAt(e.loc, StrCat("column '", e.ToString(), "' ", scope_.unresolved_hint));
      }
      std::vector<std::string> names;
      for (const ScopeColumn& c : scope_.columns) names.push_back(c.name);
      return ErrorAt(e.loc, StrCat("column '", e.ToString(), "' cannot be resolved (columns: ",
                                   ::kstreams::internal::StrJoin(names, ", "), ")"));
    }
    return Column(found);
  }

  absl::StatusOr<Compiled> Function(const Expression& e) {
    if (registry_.FindAggregate(e.name)) {
      return ErrorAt(e.loc, StrCat("aggregate function ", e.name,
                                   " is not allowed here (only in the SELECT list or HAVING of a "
                                   "query with GROUP BY)"));
    }
    const ScalarFunction* fn = registry_.FindScalar(e.name);
    if (!fn) return ErrorAt(e.loc, StrCat("unknown function '", e.name, "'"));
    std::vector<EvalPtr> args;
    std::vector<TypePtr> types;
    if (absl::Status s = CompileArgs(e, args, types); !s.ok()) return s;
    absl::StatusOr<TypePtr> type = fn->resolve(types);
    if (!type.ok()) return ErrorAt(e.loc, std::string(type.status().message()));
    // Arguments are converted to the function's numeric expectations at run
    // time by the function itself; a BIGINT parameter given an INT works
    // because integers share one representation.
    return Compiled{MakeEval([fn, args](const Row& row, FunctionContext& ctx) {
                      std::vector<Value> values;
                      values.reserve(args.size());
                      for (const EvalPtr& a : args) {
                        values.push_back(a->Eval(row, ctx));
                        if (fn->null_if_any_null && values.back().is_null()) return Value::Null();
                      }
                      return fn->invoke(values, ctx);
                    }),
                    *type};
  }

  absl::StatusOr<Compiled> Binary(const Expression& e) {
    auto a = Compile(e.args[0]);
    if (!a.ok()) return a.status();
    auto b = Compile(e.args[1]);
    if (!b.ok()) return b.status();
    EvalPtr x = a->eval, y = b->eval;
    const std::string op = e.op;
    if (op == "AND" || op == "OR") {
      for (const auto* c : {&*a, &*b}) {
        if (c->type && c->type->kind() != TypeKind::kBoolean) {
          return ErrorAt(e.loc, StrCat(op, " needs BOOLEAN operands, found ", c->type->ToString()));
        }
      }
      bool is_and = op == "AND";
      return Compiled{MakeEval([x, y, is_and](const Row& row, FunctionContext& ctx) {
                        Value l = x->Eval(row, ctx);
                        if (!l.is_null() && l.boolean() != is_and) return l;  // short circuit
                        Value r = y->Eval(row, ctx);
                        if (!r.is_null() && r.boolean() != is_and) return r;
                        if (l.is_null() || r.is_null()) return Value::Null();
                        return Value::Boolean(is_and);
                      }),
                      SqlType::Boolean()};
    }
    if (op == "=" || op == "<>" || op == "<" || op == "<=" || op == ">" || op == ">=") {
      if (!Comparable(a->type, b->type)) {
        return ErrorAt(e.loc, StrCat("cannot compare ", TypeName(a->type), " with ",
                                     TypeName(b->type), " (", e.ToString(), ")"));
      }
      if (a->type && (a->type->kind() == TypeKind::kBoolean || !a->type->IsPrimitive()) &&
          op != "=" && op != "<>") {
        return ErrorAt(e.loc, StrCat("operator ", op, " cannot compare ", a->type->ToString()));
      }
      TypePtr ta = a->type, tb = b->type;
      int kind = op == "=" ? 0 : op == "<>" ? 1 : op == "<" ? 2 : op == "<=" ? 3 : op == ">" ? 4 : 5;
      return Compiled{MakeEval([x, y, kind, ta, tb](const Row& row, FunctionContext& ctx) {
                        Value l = x->Eval(row, ctx), r = y->Eval(row, ctx);
                        if (l.is_null() || r.is_null()) return Value::Null();
                        int c = CompareValues(Normalize(l, tb), Normalize(r, ta));
                        bool out = kind == 0 ? c == 0 : kind == 1 ? c != 0 : kind == 2 ? c < 0
                                 : kind == 3 ? c <= 0 : kind == 4 ? c > 0 : c >= 0;
                        return Value::Boolean(out);
                      }),
                      SqlType::Boolean()};
    }
    // Arithmetic. '+' on strings concatenates, as in ksqlDB.
    if (op == "+" && (a->type || b->type) &&
        (!a->type || a->type->kind() == TypeKind::kString) &&
        (!b->type || b->type->kind() == TypeKind::kString)) {
      return Compiled{MakeEval([x, y](const Row& row, FunctionContext& ctx) {
                        Value l = x->Eval(row, ctx), r = y->Eval(row, ctx);
                        if (l.is_null() || r.is_null()) return Value::Null();
                        return Value::String(l.str() + r.str());
                      }),
                      SqlType::String()};
    }
    for (const auto* c : {&*a, &*b}) {
      if (c->type && !c->type->IsNumeric()) {
        return ErrorAt(e.loc, StrCat("operator ", op, " needs numbers, found ", TypeName(a->type),
                                     " and ", TypeName(b->type), " (", e.ToString(), ")"));
      }
    }
    TypePtr t = a->type && b->type ? WiderNumeric(a->type, b->type) : a->type ? a->type : b->type;
    if (!t) t = SqlType::Int();
    if (t->kind() == TypeKind::kDecimal && a->type && b->type) {
      // ksqlDB's DECIMAL result scales (a simplified form of SQL Server's rules).
      int sa = a->type->kind() == TypeKind::kDecimal ? a->type->scale() : 0;
      int sb = b->type->kind() == TypeKind::kDecimal ? b->type->scale() : 0;
      int pa = a->type->kind() == TypeKind::kDecimal ? a->type->precision() : a->type->kind() == TypeKind::kInt ? 10 : 19;
      int pb = b->type->kind() == TypeKind::kDecimal ? b->type->precision() : b->type->kind() == TypeKind::kInt ? 10 : 19;
      int scale = sa, precision = pa;
      if (op == "+" || op == "-") {
        scale = std::max(sa, sb);
        precision = std::max(pa - sa, pb - sb) + scale + 1;
      } else if (op == "*") {
        scale = sa + sb;
        precision = pa + pb + 1;
      } else if (op == "/") {
        scale = std::max(6, sa + pb + 1);
        precision = pa - sa + sb + scale;
      } else {
        scale = std::max(sa, sb);
        precision = std::min(pa - sa, pb - sb) + scale;
      }
      t = SqlType::Decimal(std::min(38, precision), std::min(38, scale));
    }
    char o = op[0];
    TypePtr rt = t;
    return Compiled{MakeEval([x, y, o, rt](const Row& row, FunctionContext& ctx) {
                      Value l = x->Eval(row, ctx), r = y->Eval(row, ctx);
                      if (l.is_null() || r.is_null()) return Value::Null();
                      switch (rt->kind()) {
                        case TypeKind::kInt:
                        case TypeKind::kBigint: {
                          int64_t p = l.integer(), q = r.integer();
                          if ((o == '/' || o == '%') && q == 0) {
                            ctx.Error(StrCat("division by zero: ", p, o, q));
                            return Value::Null();
                          }
                          // Java's wrapping arithmetic.
                          uint64_t up = static_cast<uint64_t>(p), uq = static_cast<uint64_t>(q);
                          int64_t v = o == '+' ? static_cast<int64_t>(up + uq)
                                    : o == '-' ? static_cast<int64_t>(up - uq)
                                    : o == '*' ? static_cast<int64_t>(up * uq)
                                    : (p == std::numeric_limits<int64_t>::min() && q == -1) ? (o == '/' ? p : 0)
                                    : o == '/' ? p / q : p % q;
                          if (rt->kind() == TypeKind::kInt) return Value::Int(static_cast<int32_t>(v));
                          return Value::Bigint(v);
                        }
                        case TypeKind::kDecimal: {
                          double p = l.AsDouble(), q = r.AsDouble();
                          if ((o == '/' || o == '%') && q == 0) {
                            ctx.Error(StrCat("division by zero: ", l.ToString(), o, r.ToString()));
                            return Value::Null();
                          }
                          double v = o == '+' ? p + q : o == '-' ? p - q : o == '*' ? p * q
                                   : o == '/' ? p / q : std::fmod(p, q);
                          return Value::Decimal(v, rt->scale());
                        }
                        default: {
                          // DOUBLE follows IEEE-754 as Java does (x / 0.0 is Infinity).
                          double p = l.AsDouble(), q = r.AsDouble();
                          double v = o == '+' ? p + q : o == '-' ? p - q : o == '*' ? p * q
                                   : o == '/' ? p / q : std::fmod(p, q);
                          return Value::Double(v);
                        }
                      }
                    }),
                    t};
  }

  // Compiles every argument of `e`.
  absl::Status CompileArgs(const Expression& e, std::vector<EvalPtr>& args,
                           std::vector<TypePtr>& types) {
    for (const ExprPtr& a : e.args) {
      auto c = Compile(a);
      if (!c.ok()) return c.status();
      args.push_back(c->eval);
      types.push_back(c->type);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<Compiled> Constructor(const Expression& e) {
    std::vector<EvalPtr> args;
    std::vector<TypePtr> types;
    if (absl::Status s = CompileArgs(e, args, types); !s.ok()) return s;
    if (e.kind == Expression::Kind::kStruct) {
      std::vector<SqlType::Field> fields;
      for (size_t i = 0; i < types.size(); ++i) {
        fields.push_back({e.names[i], types[i] ? types[i] : SqlType::String()});
      }
      return Compiled{MakeEval([args](const Row& row, FunctionContext& ctx) {
                        std::vector<Value> v;
                        for (const EvalPtr& a : args) v.push_back(a->Eval(row, ctx));
                        return Value::Struct(std::move(v));
                      }),
                      SqlType::Struct(std::move(fields))};
    }
    // ARRAY and MAP: one element (value) type; numbers widen.
    auto unify = [&](size_t from, size_t step) -> absl::StatusOr<TypePtr> {
      TypePtr t;
      for (size_t i = from; i < types.size(); i += step) {
        if (!types[i]) continue;
        if (!t) t = types[i];
        else if (t->IsNumeric() && types[i]->IsNumeric()) t = WiderNumeric(t, types[i]);
        else if (!TypesEqual(t, types[i])) {
          return ErrorAt(e.args[i]->loc, StrCat("elements must have one type: found ",
                                                t->ToString(), " and ", types[i]->ToString()));
        }
      }
      return t ? t : SqlType::String();
    };
    bool is_map = e.kind == Expression::Kind::kMap;
    auto vt = unify(is_map ? 1 : 0, is_map ? 2 : 1);
    if (!vt.ok()) return vt.status();
    TypePtr value_type = *vt;
    TypePtr key_type = SqlType::String();
    if (is_map) {
      auto kt = unify(0, 2);
      if (!kt.ok()) return kt.status();
      key_type = *kt;
    }
    return Compiled{MakeEval([args, value_type, is_map](const Row& row, FunctionContext& ctx) {
                      std::vector<Value> v;
                      for (size_t i = 0; i < args.size(); ++i) {
                        Value x = args[i]->Eval(row, ctx);
                        bool is_value = !is_map || i % 2 == 1;
                        if (is_value && value_type->IsNumeric() && !x.is_null()) x = ToNumeric(x, *value_type);
                        v.push_back(std::move(x));
                      }
                      return is_map ? Value::Map(std::move(v)) : Value::Array(std::move(v));
                    }),
                    is_map ? SqlType::Map(key_type, value_type) : SqlType::Array(value_type)};
  }

  const Scope& scope_;
  const FunctionRegistry& registry_;
};

}  // namespace

absl::StatusOr<Compiled> CompileExpression(const ExprPtr& expr, const Scope& scope,
                                           const FunctionRegistry& registry) {
  Compiler c(scope, registry);
  return c.Compile(expr);
}

void CollectAggregates(const ExprPtr& expr, const FunctionRegistry& registry,
                       std::vector<ExprPtr>& out) {
  if (IsAggregateCall(*expr, registry)) {
    out.push_back(expr);
    return;
  }
  for (const ExprPtr& a : expr->args) CollectAggregates(a, registry, out);
}

Value ToNumeric(const Value& v, const SqlType& t) {
  if (v.is_null()) return v;
  switch (t.kind()) {
    case TypeKind::kInt:
      return Value::Int(static_cast<int32_t>(v.kind() == Value::Kind::kDouble || v.kind() == Value::Kind::kDecimal
                                                  ? static_cast<int64_t>(v.real()) : v.integer()));
    case TypeKind::kBigint:
      return Value::Bigint(v.kind() == Value::Kind::kDouble || v.kind() == Value::Kind::kDecimal
                               ? static_cast<int64_t>(v.real()) : v.integer());
    case TypeKind::kDecimal: return Value::Decimal(v.AsDouble(), t.scale());
    case TypeKind::kDouble: return Value::Double(v.AsDouble());
    default: return v;
  }
}

Value CastValue(const Value& v, const SqlType& to, FunctionContext& ctx) {
  if (v.is_null()) return v;
  auto fail = [&](const std::string& why) {
    ctx.Error(StrCat("cannot CAST '", v.ToString(), "' to ", to.ToString(), ": ", why));
    return Value::Null();
  };
  bool numeric = v.kind() == Value::Kind::kInt || v.kind() == Value::Kind::kBigint ||
                 v.kind() == Value::Kind::kDouble || v.kind() == Value::Kind::kDecimal;
  switch (to.kind()) {
    case TypeKind::kString:
      switch (v.kind()) {
        case Value::Kind::kTimestamp: return Value::String(FormatIsoTimestamp(v.integer()));
        case Value::Kind::kDate: return Value::String(FormatIsoDate(v.integer()));
        case Value::Kind::kTime: return Value::String(FormatIsoTime(v.integer()));
        default: return Value::String(v.ToString());
      }
    case TypeKind::kInt:
    case TypeKind::kBigint:
    case TypeKind::kDouble:
    case TypeKind::kDecimal: {
      if (numeric) {
        if (to.kind() == TypeKind::kDecimal &&
            std::fabs(v.AsDouble()) >= std::pow(10.0, to.precision() - to.scale())) {
          return fail("out of range");
        }
        return ToNumeric(v, to);
      }
      if (v.kind() != Value::Kind::kString) return fail("not a number");
      std::string s(absl::StripAsciiWhitespace(v.str()));
      char* end = nullptr;
      if (to.kind() == TypeKind::kInt || to.kind() == TypeKind::kBigint) {
        errno = 0;
        long long n = std::strtoll(s.c_str(), &end, 10);
        if (s.empty() || *end != '\0' || errno == ERANGE ||
            (to.kind() == TypeKind::kInt &&
             (n > std::numeric_limits<int32_t>::max() || n < std::numeric_limits<int32_t>::min()))) {
          return fail("not an integer in range");
        }
        return to.kind() == TypeKind::kInt ? Value::Int(static_cast<int32_t>(n)) : Value::Bigint(n);
      }
      double d = std::strtod(s.c_str(), &end);
      if (s.empty() || *end != '\0') return fail("not a number");
      return ToNumeric(Value::Double(d), to);
    }
    case TypeKind::kBoolean: {
      if (v.kind() == Value::Kind::kBoolean) return v;
      if (v.kind() != Value::Kind::kString) return fail("not a boolean");
      std::string s = absl::AsciiStrToLower(absl::StripAsciiWhitespace(v.str()));
      if (s == "true" || s == "t" || s == "yes" || s == "y") return Value::Boolean(true);
      if (s == "false" || s == "f" || s == "no" || s == "n") return Value::Boolean(false);
      return fail("not a boolean");
    }
    case TypeKind::kTimestamp: {
      if (v.kind() == Value::Kind::kTimestamp) return v;
      if (v.kind() == Value::Kind::kDate) return Value::Timestamp(v.integer() * 86'400'000);
      if (v.kind() != Value::Kind::kString) return fail("not a timestamp");
      absl::StatusOr<int64_t> ms = ParseIsoTimestamp(v.str());
      if (!ms.ok()) return fail(std::string(ms.status().message()));
      return Value::Timestamp(*ms);
    }
    case TypeKind::kDate: {
      if (v.kind() == Value::Kind::kDate) return v;
      if (v.kind() == Value::Kind::kTimestamp) {
        int64_t ms = v.integer();
        return Value::Date(static_cast<int32_t>((ms >= 0 ? ms : ms - 86'399'999) / 86'400'000));
      }
      if (v.kind() != Value::Kind::kString) return fail("not a date");
      absl::StatusOr<int64_t> d = ParseIsoDate(v.str());
      if (!d.ok()) return fail(std::string(d.status().message()));
      return Value::Date(static_cast<int32_t>(*d));
    }
    case TypeKind::kTime: {
      if (v.kind() == Value::Kind::kTime) return v;
      if (v.kind() == Value::Kind::kTimestamp) {
        return Value::Time(static_cast<int32_t>(((v.integer() % 86'400'000) + 86'400'000) % 86'400'000));
      }
      if (v.kind() != Value::Kind::kString) return fail("not a time");
      absl::StatusOr<int64_t> t = ParseIsoTime(v.str());
      if (!t.ok()) return fail(std::string(t.status().message()));
      return Value::Time(static_cast<int32_t>(*t));
    }
    case TypeKind::kBytes:
      if (v.kind() == Value::Kind::kBytes) return v;
      return fail("only BYTES cast to BYTES");
    default:
      return v;  // composites: same type (checked by the analyzer)
  }
}

}  // namespace kstreams::sql::internal
