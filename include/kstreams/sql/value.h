// kstreams/sql/value.h
//
// Value: one SQL value (any type of kstreams/sql/types.h, or NULL), and Row,
// the values of a row's columns in schema order. Rows are what flows between
// the nodes of a compiled query (as the key and the value of records).
//
// Representation: primitives inline; INT and BIGINT, TIMESTAMP (ms since the
// epoch), DATE (days since the epoch) and TIME (ms of the day) in an int64;
// DOUBLE in a double; DECIMAL as a double rounded half-up to its scale (so
// precision is that of a double: 15 significant digits, enough for money, not
// for DECIMAL(38)); STRING and BYTES in a std::string; ARRAY, MAP and STRUCT
// share an immutable vector of elements (MAP: key, value, key, value, ...;
// STRUCT: field values in the type's field order).
//
// Thread-safety: values are immutable once built; copies share composites.
//
// Example:
//
//   Value v = Value::String("abc");
//   Row row = {Value::Int(1), Value::Null(), v};
#ifndef KSTREAMS_SQL_VALUE_H_
#define KSTREAMS_SQL_VALUE_H_

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace kstreams::sql {

class Value {
 public:
  enum class Kind {
    kNull,
    kBoolean,
    kInt,
    kBigint,
    kDouble,
    kDecimal,
    kString,
    kBytes,
    kTimestamp,
    kDate,
    kTime,
    kArray,
    kMap,
    kStruct,
  };

  Value() = default;
  static Value Null() { return Value(); }
  static Value Boolean(bool b);
  static Value Int(int32_t i);
  static Value Bigint(int64_t i);
  static Value Double(double d);
  // Rounds half-up to `scale` digits.
  static Value Decimal(double d, int scale);
  static Value String(std::string s);
  static Value Bytes(std::string s);
  static Value Timestamp(int64_t ms);
  static Value Date(int32_t days);
  static Value Time(int32_t ms_of_day);
  static Value Array(std::vector<Value> elements);
  // `entries`: key, value, key, value, ...
  static Value Map(std::vector<Value> entries);
  static Value Struct(std::vector<Value> fields);

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool boolean() const { return i_ != 0; }
  // INT, BIGINT, TIMESTAMP, DATE, TIME.
  int64_t integer() const { return i_; }
  // DOUBLE, DECIMAL.
  double real() const { return d_; }
  int scale() const { return static_cast<int>(i_); }
  // Any numeric kind as a double.
  double AsDouble() const;
  const std::string& str() const { return s_; }
  // ARRAY elements, MAP entries (key, value, ...), STRUCT fields.
  const std::vector<Value>& elements() const;

  // Equality as SQL's = on non-null values of comparable types (1 = 1.0), and
  // NULL equals NULL (for grouping and tests, not for SQL's =).
  friend bool operator==(const Value& a, const Value& b);
  // A total order: NULL first, then by kind, then by value (numbers compare
  // across kinds).
  friend bool operator<(const Value& a, const Value& b);
  friend std::ostream& operator<<(std::ostream& os, const Value& v) { return os << v.ToString(); }

  // ksqlDB's rendering: strings unquoted, NULL as "null", ARRAY as [1, 2],
  // MAP as {a=1}, STRUCT as Struct{A=1}.
  std::string ToString() const;

 private:
  Kind kind_ = Kind::kNull;
  int64_t i_ = 0;
  double d_ = 0;
  std::string s_;
  std::shared_ptr<const std::vector<Value>> elements_;
};

using Row = std::vector<Value>;

// -1, 0, 1; both values non-null and comparable (numbers with numbers,
// strings with strings, ...).
int CompareValues(const Value& a, const Value& b);

std::string RowToString(const Row& row);

}  // namespace kstreams::sql

#endif  // KSTREAMS_SQL_VALUE_H_
