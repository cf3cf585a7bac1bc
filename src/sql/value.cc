#include "kstreams/sql/value.h"

#include <cmath>

#include "kstreams/internal/strings.h"

namespace kstreams::sql {
namespace {
const std::vector<Value>& EmptyElements() {
  static const std::vector<Value> empty;
  return empty;
}
bool IsNumericKind(Value::Kind k) {
  return k == Value::Kind::kInt || k == Value::Kind::kBigint || k == Value::Kind::kDouble ||
         k == Value::Kind::kDecimal;
}
bool IsIntegralKind(Value::Kind k) {
  return k == Value::Kind::kInt || k == Value::Kind::kBigint;
}
}  // namespace

Value Value::Boolean(bool b) { Value v; v.kind_ = Kind::kBoolean; v.i_ = b ? 1 : 0; return v; }
Value Value::Int(int32_t i) { Value v; v.kind_ = Kind::kInt; v.i_ = i; return v; }
Value Value::Bigint(int64_t i) { Value v; v.kind_ = Kind::kBigint; v.i_ = i; return v; }
Value Value::Double(double d) { Value v; v.kind_ = Kind::kDouble; v.d_ = d; return v; }
Value Value::Decimal(double d, int scale) {
  Value v;
  v.kind_ = Kind::kDecimal;
  double f = std::pow(10.0, scale);
  // Half-up (away from zero), as java.math.RoundingMode.HALF_UP; the small
  // bias absorbs binary representation error (2.675 is 2.67499999...).
  double scaled = d * f;
  v.d_ = (scaled < 0 ? -std::floor(-scaled + 0.5 + 1e-9) : std::floor(scaled + 0.5 + 1e-9)) / f;
  v.i_ = scale;
  return v;
}
Value Value::String(std::string s) { Value v; v.kind_ = Kind::kString; v.s_ = std::move(s); return v; }
Value Value::Bytes(std::string s) { Value v; v.kind_ = Kind::kBytes; v.s_ = std::move(s); return v; }
Value Value::Timestamp(int64_t ms) { Value v; v.kind_ = Kind::kTimestamp; v.i_ = ms; return v; }
Value Value::Date(int32_t days) { Value v; v.kind_ = Kind::kDate; v.i_ = days; return v; }
Value Value::Time(int32_t ms) { Value v; v.kind_ = Kind::kTime; v.i_ = ms; return v; }
Value Value::Array(std::vector<Value> e) {
  Value v;
  v.kind_ = Kind::kArray;
  v.elements_ = std::make_shared<const std::vector<Value>>(std::move(e));
  return v;
}
Value Value::Map(std::vector<Value> e) {
  Value v;
  v.kind_ = Kind::kMap;
  v.elements_ = std::make_shared<const std::vector<Value>>(std::move(e));
  return v;
}
Value Value::Struct(std::vector<Value> e) {
  Value v;
  v.kind_ = Kind::kStruct;
  v.elements_ = std::make_shared<const std::vector<Value>>(std::move(e));
  return v;
}

const std::vector<Value>& Value::elements() const {
  return elements_ ? *elements_ : EmptyElements();
}

double Value::AsDouble() const {
  return IsIntegralKind(kind_) ? static_cast<double>(i_) : d_;
}

int CompareValues(const Value& a, const Value& b) {
  if (IsNumericKind(a.kind()) && IsNumericKind(b.kind())) {
    if (IsIntegralKind(a.kind()) && IsIntegralKind(b.kind())) {
      return a.integer() < b.integer() ? -1 : a.integer() > b.integer() ? 1 : 0;
    }
    double x = a.AsDouble(), y = b.AsDouble();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.kind() != b.kind()) return a.kind() < b.kind() ? -1 : 1;
  switch (a.kind()) {
    case Value::Kind::kNull: return 0;
    case Value::Kind::kBoolean:
    case Value::Kind::kTimestamp:
    case Value::Kind::kDate:
    case Value::Kind::kTime:
      return a.integer() < b.integer() ? -1 : a.integer() > b.integer() ? 1 : 0;
    case Value::Kind::kString:
    case Value::Kind::kBytes: {
      int c = a.str().compare(b.str());
      return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    default: {
      const auto& x = a.elements();
      const auto& y = b.elements();
      for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
        if (x[i].is_null() || y[i].is_null()) {
          if (x[i].is_null() != y[i].is_null()) return x[i].is_null() ? -1 : 1;
          continue;
        }
        int c = CompareValues(x[i], y[i]);
        if (c != 0) return c;
      }
      return x.size() < y.size() ? -1 : x.size() > y.size() ? 1 : 0;
    }
  }
}

bool operator==(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return a.is_null() && b.is_null();
  return CompareValues(a, b) == 0;
}

bool operator<(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return a.is_null() && !b.is_null();
  return CompareValues(a, b) < 0;
}

namespace {
std::string DoubleToString(double d) {
  // Java's Double.toString for the common cases: always a decimal point.
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == std::floor(d) && std::fabs(d) < 1e7) return ::kstreams::internal::StrCat(static_cast<int64_t>(d), ".0");
  return ::kstreams::internal::StrCat(d);
}
}  // namespace

std::string Value::ToString() const {
  switch (kind_) {
    case Kind::kNull: return "null";
    case Kind::kBoolean: return i_ ? "true" : "false";
    case Kind::kInt:
    case Kind::kBigint:
    case Kind::kTimestamp:
    case Kind::kDate:
    case Kind::kTime:
      return ::kstreams::internal::StrCat(i_);
    case Kind::kDouble: return DoubleToString(d_);
    case Kind::kDecimal: {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%.*f", scale(), d_);
      return buf;
    }
    case Kind::kString:
    case Kind::kBytes:
      return s_;
    case Kind::kArray: {
      std::string out = "[";
      for (size_t i = 0; i < elements().size(); ++i) {
        ::kstreams::internal::StrAppend(&out, i ? ", " : "", elements()[i].ToString());
      }
      return out + "]";
    }
    case Kind::kMap: {
      std::string out = "{";
      for (size_t i = 0; i + 1 < elements().size(); i += 2) {
        ::kstreams::internal::StrAppend(&out, i ? ", " : "", elements()[i].ToString(), "=",
                        elements()[i + 1].ToString());
      }
      return out + "}";
    }
    case Kind::kStruct: {
      std::string out = "Struct{";
      for (size_t i = 0; i < elements().size(); ++i) {
        ::kstreams::internal::StrAppend(&out, i ? "," : "", elements()[i].ToString());
      }
      return out + "}";
    }
  }
  return "?";
}

std::string RowToString(const Row& row) {
  std::string out = "[";
  for (size_t i = 0; i < row.size(); ++i) ::kstreams::internal::StrAppend(&out, i ? ", " : "", row[i].ToString());
  return out + "]";
}

}  // namespace kstreams::sql
