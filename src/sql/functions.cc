// The function registry and ksqlDB's built-in functions that kstreams has.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "absl/strings/ascii.h"
#include "kstreams/internal/strings.h"

#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "kstreams/sql/function_registry.h"
#include "sql/time_format.h"

namespace kstreams::sql {
namespace {

using Args = std::vector<TypePtr>;
using Vals = std::vector<Value>;

bool Is(const TypePtr& t, TypeKind k) { return t == nullptr || t->kind() == k; }
bool IsNum(const TypePtr& t) { return t == nullptr || t->IsNumeric(); }

absl::Status ArgError(const std::string& fn, const std::string& signatures, const Args& args) {
  std::vector<std::string> got;
  for (const TypePtr& t : args) got.push_back(t ? t->ToString() : "NULL");
  return absl::InvalidArgumentError(::kstreams::internal::StrCat("function ", fn, " does not accept (",
                                                 ::kstreams::internal::StrJoin(got, ", "), "); it takes ",
                                                 signatures));
}

// A resolver for a fixed signature.
TypeResolver Fixed(std::string fn, std::vector<TypeKind> kinds, TypePtr result,
                   size_t optional_from = SIZE_MAX) {
  return [fn, kinds, result, optional_from](const Args& args) -> absl::StatusOr<TypePtr> {
    std::vector<std::string> names;
    for (TypeKind k : kinds) names.push_back(SqlType(k).ToString());
    std::string sig = ::kstreams::internal::StrCat("(", ::kstreams::internal::StrJoin(names, ", "), ")");
    if (args.size() > kinds.size() || args.size() < std::min(kinds.size(), optional_from)) {
      return ArgError(fn, sig, args);
    }
    for (size_t i = 0; i < args.size(); ++i) {
      bool ok = Is(args[i], kinds[i]) ||
                (kinds[i] == TypeKind::kBigint && Is(args[i], TypeKind::kInt)) ||
                (kinds[i] == TypeKind::kDouble && IsNum(args[i]));
      if (!ok) return ArgError(fn, sig, args);
    }
    return result;
  };
}

// The first argument's type (numeric functions: ABS, ...).
TypeResolver SameNumeric(std::string fn) {
  return [fn](const Args& args) -> absl::StatusOr<TypePtr> {
    if (args.size() != 1 || !IsNum(args[0])) return ArgError(fn, "(a number)", args);
    return args[0] ? args[0] : SqlType::Double();
  };
}

std::string Upper(std::string s) { return absl::AsciiStrToUpper(s); }

void Add(FunctionRegistry& r, std::string name, std::string description, TypeResolver resolve,
         std::function<Value(const Vals&, FunctionContext&)> invoke, bool null_if_any_null = true) {
  absl::Status s = r.RegisterScalar({std::move(name), std::move(description), std::move(resolve),
                                     std::move(invoke), null_if_any_null});
  (void)s;
}

Value Round(const Value& v, int64_t places) {
  double f = std::pow(10.0, static_cast<double>(places));
  double x = v.AsDouble() * f;
  // Java's Math.round / BigDecimal HALF_UP semantics on the scaled value.
  double r = v.kind() == Value::Kind::kDouble ? std::floor(x + 0.5) : (x < 0 ? -std::floor(-x + 0.5) : std::floor(x + 0.5));
  return Value::Double(r / f);
}

void AddScalars(FunctionRegistry& r) {
  using K = TypeKind;
  Add(r, "UCASE", "the string in upper case", Fixed("UCASE", {K::kString}, SqlType::String()),
      [](const Vals& a, FunctionContext&) { return Value::String(Upper(a[0].str())); });
  Add(r, "LCASE", "the string in lower case", Fixed("LCASE", {K::kString}, SqlType::String()),
      [](const Vals& a, FunctionContext&) { return Value::String(absl::AsciiStrToLower(a[0].str())); });
  Add(r, "LEN", "the length of the string", Fixed("LEN", {K::kString}, SqlType::Int()),
      [](const Vals& a, FunctionContext&) { return Value::Int(static_cast<int32_t>(a[0].str().size())); });
  Add(r, "TRIM", "the string without leading and trailing white space",
      Fixed("TRIM", {K::kString}, SqlType::String()),
      [](const Vals& a, FunctionContext&) { return Value::String(std::string(absl::StripAsciiWhitespace(a[0].str()))); });
  Add(r, "LTRIM", "the string without leading white space",
      Fixed("LTRIM", {K::kString}, SqlType::String()),
      [](const Vals& a, FunctionContext&) { return Value::String(std::string(absl::StripLeadingAsciiWhitespace(a[0].str()))); });
  Add(r, "RTRIM", "the string without trailing white space",
      Fixed("RTRIM", {K::kString}, SqlType::String()),
      [](const Vals& a, FunctionContext&) { return Value::String(std::string(absl::StripTrailingAsciiWhitespace(a[0].str()))); });
  Add(r, "REPLACE", "REPLACE(str, old, new): every occurrence of old replaced",
      Fixed("REPLACE", {K::kString, K::kString, K::kString}, SqlType::String()),
      [](const Vals& a, FunctionContext&) {
        if (a[1].str().empty()) return a[0];
        return Value::String(absl::StrReplaceAll(a[0].str(), {{a[1].str(), a[2].str()}}));
      });
  Add(r, "CONCAT", "the strings concatenated; null arguments are skipped",
      [](const Args& args) -> absl::StatusOr<TypePtr> {
        for (const TypePtr& t : args) {
          if (!Is(t, TypeKind::kString) && !Is(t, TypeKind::kBytes)) {
            return ArgError("CONCAT", "(STRING, ...) or (BYTES, ...)", args);
          }
        }
        return SqlType::String();
      },
      [](const Vals& a, FunctionContext&) {
        std::string out;
        for (const Value& v : a) {
          if (!v.is_null()) out += v.str();
        }
        return Value::String(out);
      },
      false);
  Add(r, "CONCAT_WS", "CONCAT_WS(separator, str, ...): the non-null strings joined",
      [](const Args& args) -> absl::StatusOr<TypePtr> {
        if (args.size() < 2) return ArgError("CONCAT_WS", "(STRING separator, STRING, ...)", args);
        for (const TypePtr& t : args) {
          if (!Is(t, TypeKind::kString)) return ArgError("CONCAT_WS", "(STRING separator, STRING, ...)", args);
        }
        return SqlType::String();
      },
      [](const Vals& a, FunctionContext&) {
        if (a[0].is_null()) return Value::Null();
        std::vector<std::string> parts;
        for (size_t i = 1; i < a.size(); ++i) {
          if (!a[i].is_null()) parts.push_back(a[i].str());
        }
        return Value::String(::kstreams::internal::StrJoin(parts, a[0].str()));
      },
      false);
  Add(r, "SUBSTRING",
      "SUBSTRING(str, pos[, length]): from the 1-based pos (negative: from the end)",
      Fixed("SUBSTRING", {K::kString, K::kInt, K::kInt}, SqlType::String(), 2),
      [](const Vals& a, FunctionContext&) {
        const std::string& s = a[0].str();
        int64_t n = static_cast<int64_t>(s.size());
        int64_t pos = a[1].integer();
        int64_t start = pos > 0 ? pos - 1 : pos < 0 ? n + pos : 0;
        if (start < 0) start = 0;
        if (start >= n) return Value::String("");
        int64_t len = a.size() > 2 ? a[2].integer() : n - start;
        if (len <= 0) return Value::String("");
        return Value::String(s.substr(static_cast<size_t>(start), static_cast<size_t>(len)));
      });
  Add(r, "INSTR", "INSTR(str, substring): the 1-based position of substring, or 0",
      Fixed("INSTR", {K::kString, K::kString}, SqlType::Int()),
      [](const Vals& a, FunctionContext&) {
        size_t p = a[0].str().find(a[1].str());
        return Value::Int(p == std::string::npos ? 0 : static_cast<int32_t>(p + 1));
      });
  for (bool left : {true, false}) {
    std::string name = left ? "LPAD" : "RPAD";
    Add(r, name, ::kstreams::internal::StrCat(name, "(str, length, padding)"),
        Fixed(name, {K::kString, K::kInt, K::kString}, SqlType::String()),
        [left](const Vals& a, FunctionContext&) {
          std::string s = a[0].str();
          int64_t len = a[1].integer();
          const std::string& pad = a[2].str();
          if (len < 0 || (pad.empty() && static_cast<int64_t>(s.size()) < len)) return Value::Null();
          if (static_cast<int64_t>(s.size()) >= len) return Value::String(s.substr(0, len));
          std::string fill;
          while (static_cast<int64_t>(fill.size() + s.size()) < len) fill += pad;
          fill.resize(len - s.size());
          return Value::String(left ? fill + s : s + fill);
        });
  }
  Add(r, "SPLIT", "SPLIT(str, delimiter): the parts, as an ARRAY<STRING>",
      Fixed("SPLIT", {K::kString, K::kString}, SqlType::Array(SqlType::String())),
      [](const Vals& a, FunctionContext&) {
        Vals parts;
        if (a[1].str().empty()) {
          for (char c : a[0].str()) parts.push_back(Value::String(std::string(1, c)));
        } else {
          for (absl::string_view p : absl::StrSplit(a[0].str(), a[1].str())) {
            parts.push_back(Value::String(std::string(p)));
          }
        }
        return Value::Array(std::move(parts));
      });
  Add(r, "ABS", "the absolute value", SameNumeric("ABS"), [](const Vals& a, FunctionContext&) {
    const Value& v = a[0];
    switch (v.kind()) {
      case Value::Kind::kInt: return Value::Int(static_cast<int32_t>(std::llabs(v.integer())));
      case Value::Kind::kBigint: return Value::Bigint(std::llabs(v.integer()));
      case Value::Kind::kDecimal: return Value::Decimal(std::fabs(v.real()), v.scale());
      default: return Value::Double(std::fabs(v.real()));
    }
  });
  Add(r, "SIGN", "-1, 0 or 1", [](const Args& args) -> absl::StatusOr<TypePtr> {
        if (args.size() != 1 || !IsNum(args[0])) return ArgError("SIGN", "(a number)", args);
        return SqlType::Int();
      },
      [](const Vals& a, FunctionContext&) {
        double d = a[0].AsDouble();
        return Value::Int(d > 0 ? 1 : d < 0 ? -1 : 0);
      });
  for (bool floor : {true, false}) {
    std::string name = floor ? "FLOOR" : "CEIL";
    Add(r, name, floor ? "the largest integral value not above" : "the smallest integral value not below",
        [name](const Args& args) -> absl::StatusOr<TypePtr> {
          if (args.size() != 1 || !IsNum(args[0])) return ArgError(name, "(a number)", args);
          if (args[0] && args[0]->kind() == TypeKind::kDecimal) {
            return SqlType::Decimal(args[0]->precision() - args[0]->scale() + 1, 0);
          }
          return args[0] ? args[0] : SqlType::Double();
        },
        [floor](const Vals& a, FunctionContext&) {
          const Value& v = a[0];
          double d = floor ? std::floor(v.AsDouble()) : std::ceil(v.AsDouble());
          switch (v.kind()) {
            case Value::Kind::kInt:
            case Value::Kind::kBigint: return v;
            case Value::Kind::kDecimal: return Value::Decimal(d, 0);
            default: return Value::Double(d);
          }
        });
  }
  Add(r, "ROUND",
      "ROUND(x): to the nearest integral value, halves up (DOUBLE -> BIGINT); ROUND(x, places)",
      [](const Args& args) -> absl::StatusOr<TypePtr> {
        if (args.empty() || args.size() > 2 || !IsNum(args[0]) ||
            (args.size() == 2 && !Is(args[1], TypeKind::kInt))) {
          return ArgError("ROUND", "(a number) or (a number, INT places)", args);
        }
        const TypePtr& t = args[0] ? args[0] : SqlType::Double();
        if (t->kind() == TypeKind::kDouble) return args.size() == 1 ? SqlType::Bigint() : t;
        if (t->kind() == TypeKind::kDecimal && args.size() == 1) {
          return SqlType::Decimal(t->precision() - t->scale() + 1, 0);
        }
        return t;
      },
      [](const Vals& a, FunctionContext&) {
        const Value& v = a[0];
        int64_t places = a.size() > 1 ? a[1].integer() : 0;
        switch (v.kind()) {
          case Value::Kind::kInt:
          case Value::Kind::kBigint: {
            if (places >= 0) return v;
            double r = Round(v, places).real();
            return v.kind() == Value::Kind::kInt ? Value::Int(static_cast<int32_t>(r))
                                                 : Value::Bigint(static_cast<int64_t>(r));
          }
          case Value::Kind::kDecimal:
            return Value::Decimal(Round(v, places).real(), a.size() > 1 ? v.scale() : 0);
          default: {
            Value r = Round(v, places);
            if (a.size() == 1) return Value::Bigint(static_cast<int64_t>(r.real()));
            return r;
          }
        }
      });
  Add(r, "SQRT", "the square root", Fixed("SQRT", {K::kDouble}, SqlType::Double()),
      [](const Vals& a, FunctionContext&) { return Value::Double(std::sqrt(a[0].AsDouble())); });
  Add(r, "POWER", "POWER(base, exponent)", Fixed("POWER", {K::kDouble, K::kDouble}, SqlType::Double()),
      [](const Vals& a, FunctionContext&) { return Value::Double(std::pow(a[0].AsDouble(), a[1].AsDouble())); });
  Add(r, "EXP", "e to the power of x", Fixed("EXP", {K::kDouble}, SqlType::Double()),
      [](const Vals& a, FunctionContext&) { return Value::Double(std::exp(a[0].AsDouble())); });
  Add(r, "LN", "the natural logarithm", Fixed("LN", {K::kDouble}, SqlType::Double()),
      [](const Vals& a, FunctionContext&) { return Value::Double(std::log(a[0].AsDouble())); });
  Add(r, "TIMESTAMPTOSTRING",
      "TIMESTAMPTOSTRING(epoch_ms, pattern[, zone]): the BIGINT milliseconds formatted",
      Fixed("TIMESTAMPTOSTRING", {K::kBigint, K::kString, K::kString}, SqlType::String(), 2),
      [](const Vals& a, FunctionContext& ctx) {
        absl::StatusOr<std::string> s = internal::FormatTimestamp(
            a[0].integer(), a[1].str(), a.size() > 2 ? std::string_view(a[2].str()) : "UTC");
        if (!s.ok()) {
          ctx.Error(::kstreams::internal::StrCat("TIMESTAMPTOSTRING: ", s.status().message()));
          return Value::Null();
        }
        return Value::String(*s);
      });
  Add(r, "STRINGTOTIMESTAMP",
      "STRINGTOTIMESTAMP(str, pattern[, zone]): the BIGINT milliseconds of a formatted time",
      Fixed("STRINGTOTIMESTAMP", {K::kString, K::kString, K::kString}, SqlType::Bigint(), 2),
      [](const Vals& a, FunctionContext& ctx) {
        absl::StatusOr<int64_t> ms = internal::ParseTimestamp(
            a[0].str(), a[1].str(), a.size() > 2 ? std::string_view(a[2].str()) : "UTC");
        if (!ms.ok()) {
          ctx.Error(::kstreams::internal::StrCat("STRINGTOTIMESTAMP: ", ms.status().message()));
          return Value::Null();
        }
        return Value::Bigint(*ms);
      });
  Add(r, "FORMAT_TIMESTAMP", "FORMAT_TIMESTAMP(timestamp, pattern[, zone])",
      Fixed("FORMAT_TIMESTAMP", {K::kTimestamp, K::kString, K::kString}, SqlType::String(), 2),
      [](const Vals& a, FunctionContext& ctx) {
        absl::StatusOr<std::string> s = internal::FormatTimestamp(
            a[0].integer(), a[1].str(), a.size() > 2 ? std::string_view(a[2].str()) : "UTC");
        if (!s.ok()) {
          ctx.Error(::kstreams::internal::StrCat("FORMAT_TIMESTAMP: ", s.status().message()));
          return Value::Null();
        }
        return Value::String(*s);
      });
  Add(r, "PARSE_TIMESTAMP", "PARSE_TIMESTAMP(str, pattern[, zone]): a TIMESTAMP",
      Fixed("PARSE_TIMESTAMP", {K::kString, K::kString, K::kString}, SqlType::Timestamp(), 2),
      [](const Vals& a, FunctionContext& ctx) {
        absl::StatusOr<int64_t> ms = internal::ParseTimestamp(
            a[0].str(), a[1].str(), a.size() > 2 ? std::string_view(a[2].str()) : "UTC");
        if (!ms.ok()) {
          ctx.Error(::kstreams::internal::StrCat("PARSE_TIMESTAMP: ", ms.status().message()));
          return Value::Null();
        }
        return Value::Timestamp(*ms);
      });
  Add(r, "UNIX_TIMESTAMP", "UNIX_TIMESTAMP([timestamp]): milliseconds since the epoch",
      Fixed("UNIX_TIMESTAMP", {K::kTimestamp}, SqlType::Bigint(), 0),
      [](const Vals& a, FunctionContext&) {
        if (!a.empty()) return Value::Bigint(a[0].integer());
        return Value::Bigint(absl::ToUnixMillis(absl::Now()));
      });
  Add(r, "COALESCE", "the first non-null argument",
      [](const Args& args) -> absl::StatusOr<TypePtr> {
        TypePtr t;
        for (const TypePtr& a : args) {
          if (!a) continue;
          if (!t) t = a;
          else if (t->IsNumeric() && a->IsNumeric()) t = WiderNumeric(t, a);
          else if (!TypesEqual(t, a)) return ArgError("COALESCE", "arguments of one type", args);
        }
        if (args.empty()) return ArgError("COALESCE", "at least one argument", args);
        return t ? t : SqlType::String();
      },
      [](const Vals& a, FunctionContext&) {
        for (const Value& v : a) {
          if (!v.is_null()) return v;
        }
        return Value::Null();
      },
      false);
  Add(r, "IFNULL", "IFNULL(x, alternative)",
      [](const Args& args) -> absl::StatusOr<TypePtr> {
        if (args.size() != 2) return ArgError("IFNULL", "(x, alternative)", args);
        return args[0] ? args[0] : args[1];
      },
      [](const Vals& a, FunctionContext&) { return a[0].is_null() ? a[1] : a[0]; }, false);
  Add(r, "NULLIF", "NULLIF(x, y): null when x = y, else x",
      [](const Args& args) -> absl::StatusOr<TypePtr> {
        if (args.size() != 2) return ArgError("NULLIF", "(x, y)", args);
        return args[0];
      },
      [](const Vals& a, FunctionContext&) {
        return (!a[1].is_null() && !a[0].is_null() && a[0] == a[1]) ? Value::Null() : a[0];
      },
      false);
  for (bool greatest : {true, false}) {
    std::string name = greatest ? "GREATEST" : "LEAST";
    Add(r, name, greatest ? "the largest non-null argument" : "the smallest non-null argument",
        [name](const Args& args) -> absl::StatusOr<TypePtr> {
          TypePtr t;
          for (const TypePtr& a : args) {
            if (!a) continue;
            if (!t) t = a;
            else if (t->IsNumeric() && a->IsNumeric()) t = WiderNumeric(t, a);
            else if (!TypesEqual(t, a)) return ArgError(name, "arguments of one type", args);
          }
          if (!t) return ArgError(name, "at least one non-null argument", args);
          return t;
        },
        [greatest](const Vals& a, FunctionContext&) {
          Value best;
          for (const Value& v : a) {
            if (v.is_null()) continue;
            if (best.is_null() || (greatest ? CompareValues(v, best) > 0 : CompareValues(v, best) < 0)) best = v;
          }
          return best;
        },
        false);
  }
  Add(r, "ARRAY_LENGTH", "the number of elements of an array",
      [](const Args& args) -> absl::StatusOr<TypePtr> {
        if (args.size() != 1 || !Is(args[0], TypeKind::kArray)) return ArgError("ARRAY_LENGTH", "(ARRAY)", args);
        return SqlType::Int();
      },
      [](const Vals& a, FunctionContext&) { return Value::Int(static_cast<int32_t>(a[0].elements().size())); });
  Add(r, "ARRAY_CONTAINS", "ARRAY_CONTAINS(array, value)",
      [](const Args& args) -> absl::StatusOr<TypePtr> {
        if (args.size() != 2 || !Is(args[0], TypeKind::kArray)) return ArgError("ARRAY_CONTAINS", "(ARRAY, value)", args);
        return SqlType::Boolean();
      },
      [](const Vals& a, FunctionContext&) {
        for (const Value& v : a[0].elements()) {
          if (v == a[1]) return Value::Boolean(true);
        }
        return Value::Boolean(false);
      },
      false);
}

// ---- aggregates

class LambdaAggregator final : public Aggregator {
 public:
  using Step = std::function<Value(const Value&, const Value&)>;
  LambdaAggregator(Value init, Step step, Step merge, std::function<Value(const Value&)> result = nullptr)
      : init_(std::move(init)), step_(std::move(step)), merge_(std::move(merge)), result_(std::move(result)) {}
  Value Initialize() const override { return init_; }
  Value Aggregate(const Value& in, const Value& acc) const override { return step_(in, acc); }
  Value Merge(const Value& a, const Value& b) const override { return merge_(a, b); }
  Value Result(const Value& acc) const override { return result_ ? result_(acc) : acc; }

 private:
  Value init_;
  Step step_, merge_;
  std::function<Value(const Value&)> result_;
};

Value Plus(const Value& a, const Value& b) {
  if (a.is_null()) return b;
  if (b.is_null()) return a;
  switch (a.kind()) {
    case Value::Kind::kInt: return Value::Int(static_cast<int32_t>(static_cast<uint32_t>(a.integer()) + static_cast<uint32_t>(b.integer())));
    case Value::Kind::kBigint: return Value::Bigint(static_cast<int64_t>(static_cast<uint64_t>(a.integer()) + static_cast<uint64_t>(b.integer())));
    case Value::Kind::kDecimal: return Value::Decimal(a.real() + b.real(), a.scale());
    default: return Value::Double(a.AsDouble() + b.AsDouble());
  }
}

Value ZeroOf(const TypePtr& t) {
  switch (t ? t->kind() : TypeKind::kBigint) {
    case TypeKind::kInt: return Value::Int(0);
    case TypeKind::kBigint: return Value::Bigint(0);
    case TypeKind::kDecimal: return Value::Decimal(0, t->scale());
    default: return Value::Double(0);
  }
}

// Converts a value to the SUM's type (an INT input into a BIGINT sum, ...).
Value AsType(const Value& v, const TypePtr& t) {
  if (v.is_null() || !t) return v;
  switch (t->kind()) {
    case TypeKind::kInt: return Value::Int(static_cast<int32_t>(v.integer()));
    case TypeKind::kBigint: return Value::Bigint(v.kind() == Value::Kind::kDouble ? static_cast<int64_t>(v.real()) : v.integer());
    case TypeKind::kDecimal: return Value::Decimal(v.AsDouble(), t->scale());
    case TypeKind::kDouble: return Value::Double(v.AsDouble());
    default: return v;
  }
}

TypeResolver OneArg(std::string fn, std::function<bool(const TypePtr&)> ok, std::function<TypePtr(const TypePtr&)> result,
                    std::string sig) {
  return [=](const Args& args) -> absl::StatusOr<TypePtr> {
    if (args.size() != 1 || !args[0] || !ok(args[0])) return ArgError(fn, sig, args);
    return result(args[0]);
  };
}

void AddAggregate(FunctionRegistry& r, std::string name, std::string description, TypeResolver resolve,
                  std::function<std::unique_ptr<Aggregator>(const Args&, const Vals&)> make) {
  absl::Status s = r.RegisterAggregate({std::move(name), std::move(description), std::move(resolve), std::move(make)});
  (void)s;
}

Value InsertSorted(Value set, const Value& v, bool distinct, size_t limit) {
  Vals e = set.elements();
  if (distinct && std::find(e.begin(), e.end(), v) != e.end()) return set;
  if (e.size() >= limit) return set;
  e.push_back(v);
  return Value::Array(std::move(e));
}

void AddAggregates(FunctionRegistry& r) {
  AddAggregate(r, "COUNT", "COUNT(*): rows; COUNT(col): rows where col is not null",
               [](const Args& args) -> absl::StatusOr<TypePtr> {
                 if (args.size() > 1) return ArgError("COUNT", "(*) or (a column)", args);
                 return SqlType::Bigint();
               },
               [](const Args& args, const Vals&) {
                 bool star = args.empty();
                 return std::make_unique<LambdaAggregator>(
                     Value::Bigint(0),
                     [star](const Value& in, const Value& acc) {
                       return (star || !in.is_null()) ? Value::Bigint(acc.integer() + 1) : acc;
                     },
                     [](const Value& a, const Value& b) { return Value::Bigint(a.integer() + b.integer()); });
               });
  AddAggregate(r, "SUM", "the sum of the non-null values",
               OneArg("SUM", [](const TypePtr& t) { return t->IsNumeric(); },
                      [](const TypePtr& t) { return t; }, "(INT), (BIGINT), (DOUBLE) or (DECIMAL)"),
               [](const Args& args, const Vals&) {
                 TypePtr t = args[0];
                 return std::make_unique<LambdaAggregator>(
                     ZeroOf(t), [t](const Value& in, const Value& acc) { return in.is_null() ? acc : Plus(acc, AsType(in, t)); },
                     [](const Value& a, const Value& b) { return Plus(a, b); });
               });
  AddAggregate(r, "AVG", "the average of the non-null values, a DOUBLE",
               OneArg("AVG", [](const TypePtr& t) { return t->IsNumeric(); },
                      [](const TypePtr&) { return SqlType::Double(); }, "(a number)"),
               [](const Args&, const Vals&) {
                 // The accumulator: STRUCT<SUM DOUBLE, COUNT BIGINT>, as ksqlDB's.
                 return std::make_unique<LambdaAggregator>(
                     Value::Struct({Value::Double(0), Value::Bigint(0)}),
                     [](const Value& in, const Value& acc) {
                       if (in.is_null()) return acc;
                       return Value::Struct({Value::Double(acc.elements()[0].real() + in.AsDouble()),
                                             Value::Bigint(acc.elements()[1].integer() + 1)});
                     },
                     [](const Value& a, const Value& b) {
                       return Value::Struct({Value::Double(a.elements()[0].real() + b.elements()[0].real()),
                                             Value::Bigint(a.elements()[1].integer() + b.elements()[1].integer())});
                     },
                     [](const Value& acc) {
                       int64_t n = acc.elements()[1].integer();
                       return n == 0 ? Value::Double(0) : Value::Double(acc.elements()[0].real() / static_cast<double>(n));
                     });
               });
  for (bool max : {false, true}) {
    std::string name = max ? "MAX" : "MIN";
    AddAggregate(r, name, max ? "the largest non-null value" : "the smallest non-null value",
                 OneArg(name, [](const TypePtr& t) { return t->IsPrimitive() && t->kind() != TypeKind::kBoolean; },
                        [](const TypePtr& t) { return t; }, "(a number, STRING, BYTES, TIMESTAMP, DATE or TIME)"),
                 [max](const Args&, const Vals&) {
                   auto pick = [max](const Value& a, const Value& b) {
                     if (a.is_null()) return b;
                     if (b.is_null()) return a;
                     int c = CompareValues(a, b);
                     return (max ? c >= 0 : c <= 0) ? a : b;
                   };
                   return std::make_unique<LambdaAggregator>(
                       Value::Null(), [pick](const Value& in, const Value& acc) { return pick(acc, in); }, pick);
                 });
  }
  for (bool latest : {true, false}) {
    std::string name = latest ? "LATEST_BY_OFFSET" : "EARLIEST_BY_OFFSET";
    AddAggregate(r, name,
                 latest ? "the value of the latest row (by offset) where it is not null"
                        : "the value of the earliest row (by offset) where it is not null",
                 OneArg(name, [](const TypePtr&) { return true; }, [](const TypePtr& t) { return t; }, "(a column)"),
                 [latest](const Args&, const Vals&) {
                   // The accumulator: STRUCT<SEQ BIGINT, VAL ...>; SEQ orders
                   // the rows of one group (merging sessions keeps the right one).
                   return std::make_unique<LambdaAggregator>(
                       Value::Struct({Value::Bigint(0), Value::Null()}),
                       [latest](const Value& in, const Value& acc) {
                         if (in.is_null()) return acc;
                         int64_t seq = acc.elements()[0].integer();
                         if (!latest && seq > 0) return acc;
                         return Value::Struct({Value::Bigint(seq + 1), in});
                       },
                       [latest](const Value& a, const Value& b) {
                         if (a.elements()[0].integer() == 0) return b;
                         if (b.elements()[0].integer() == 0) return a;
                         return latest ? b : a;
                       },
                       [](const Value& acc) { return acc.elements()[1]; });
                 });
  }
  for (bool set : {false, true}) {
    std::string name = set ? "COLLECT_SET" : "COLLECT_LIST";
    AddAggregate(r, name,
                 set ? "an ARRAY of the distinct values (at most 1000)" : "an ARRAY of the values (at most 1000)",
                 OneArg(name, [](const TypePtr&) { return true; }, [](const TypePtr& t) { return SqlType::Array(t); },
                        "(a column)"),
                 [set](const Args&, const Vals&) {
                   return std::make_unique<LambdaAggregator>(
                       Value::Array({}),
                       [set](const Value& in, const Value& acc) { return InsertSorted(acc, in, set, 1000); },
                       [set](const Value& a, const Value& b) {
                         Value out = a;
                         for (const Value& v : b.elements()) out = InsertSorted(out, v, set, 1000);
                         return out;
                       });
                 });
  }
  AddAggregate(r, "COUNT_DISTINCT", "the number of distinct non-null values (exact)",
               OneArg("COUNT_DISTINCT", [](const TypePtr&) { return true; },
                      [](const TypePtr&) { return SqlType::Bigint(); }, "(a column)"),
               [](const Args&, const Vals&) {
                 return std::make_unique<LambdaAggregator>(
                     Value::Array({}),
                     [](const Value& in, const Value& acc) {
                       return in.is_null() ? acc : InsertSorted(acc, in, true, SIZE_MAX);
                     },
                     [](const Value& a, const Value& b) {
                       Value out = a;
                       for (const Value& v : b.elements()) out = InsertSorted(out, v, true, SIZE_MAX);
                       return out;
                     },
                     [](const Value& acc) { return Value::Bigint(static_cast<int64_t>(acc.elements().size())); });
               });
  AddAggregate(r, "TOPK", "TOPK(col, k): the k largest non-null values, largest first",
               [](const Args& args) -> absl::StatusOr<TypePtr> {
                 if (args.size() != 2 || !args[0] || !args[0]->IsPrimitive() || !Is(args[1], TypeKind::kInt)) {
                   return ArgError("TOPK", "(a column, INT k)", args);
                 }
                 return SqlType::Array(args[0]);
               },
               [](const Args&, const Vals& literals) {
                 size_t k = literals.empty() || literals[0].is_null() ? 1 : static_cast<size_t>(literals[0].integer());
                 auto add = [k](Value acc, const Value& v) {
                   if (v.is_null()) return acc;
                   Vals e = acc.elements();
                   e.push_back(v);
                   std::stable_sort(e.begin(), e.end(), [](const Value& a, const Value& b) { return CompareValues(a, b) > 0; });
                   if (e.size() > k) e.resize(k);
                   return Value::Array(std::move(e));
                 };
                 return std::make_unique<LambdaAggregator>(
                     Value::Array({}), [add](const Value& in, const Value& acc) { return add(acc, in); },
                     [add](const Value& a, const Value& b) {
                       Value out = a;
                       for (const Value& v : b.elements()) out = add(out, v);
                       return out;
                     });
               });
}

}  // namespace

absl::Status FunctionRegistry::RegisterScalar(ScalarFunction function) {
  function.name = absl::AsciiStrToUpper(function.name);
  if (scalars_.count(function.name) || aggregates_.count(function.name)) {
    return absl::AlreadyExistsError(::kstreams::internal::StrCat("a function named ", function.name, " exists"));
  }
  if (!function.resolve || !function.invoke) {
    return absl::InvalidArgumentError(::kstreams::internal::StrCat("function ", function.name, " needs resolve and invoke"));
  }
  std::string name = function.name;
  scalars_[name] = std::make_shared<const ScalarFunction>(std::move(function));
  return absl::OkStatus();
}

absl::Status FunctionRegistry::RegisterAggregate(AggregateFunction function) {
  function.name = absl::AsciiStrToUpper(function.name);
  if (scalars_.count(function.name) || aggregates_.count(function.name)) {
    return absl::AlreadyExistsError(::kstreams::internal::StrCat("a function named ", function.name, " exists"));
  }
  if (!function.resolve || !function.make) {
    return absl::InvalidArgumentError(::kstreams::internal::StrCat("aggregate ", function.name, " needs resolve and make"));
  }
  std::string name = function.name;
  aggregates_[name] = std::make_shared<const AggregateFunction>(std::move(function));
  return absl::OkStatus();
}

const ScalarFunction* FunctionRegistry::FindScalar(const std::string& name) const {
  auto it = scalars_.find(name);
  return it == scalars_.end() ? nullptr : it->second.get();
}

const AggregateFunction* FunctionRegistry::FindAggregate(const std::string& name) const {
  auto it = aggregates_.find(name);
  return it == aggregates_.end() ? nullptr : it->second.get();
}

std::vector<std::pair<std::string, std::string>> FunctionRegistry::List() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [n, f] : scalars_) out.emplace_back(n, f->description);
  for (const auto& [n, f] : aggregates_) out.emplace_back(n, "(aggregate) " + f->description);
  std::sort(out.begin(), out.end());
  return out;
}

FunctionRegistry FunctionRegistry::WithBuiltins() {
  FunctionRegistry r;
  AddScalars(r);
  AddAggregates(r);
  return r;
}

}  // namespace kstreams::sql
