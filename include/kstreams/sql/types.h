// kstreams/sql/types.h
//
// The SQL type system of kstreams::sql, ksqlDB's: BOOLEAN, INT, BIGINT,
// DOUBLE, DECIMAL(p, s), STRING, BYTES, TIMESTAMP, DATE, TIME, and the
// composites ARRAY<T>, MAP<K, V> and STRUCT<name T, ...>.
//
// Types are immutable and shared (TypePtr); compare them with TypesEqual.
//
// Thread-safety: immutable, safe to share.
//
// Example:
//
//   kstreams::sql::TypePtr t = kstreams::sql::SqlType::Array(kstreams::sql::SqlType::Int());
//   t->ToString();   // "ARRAY<INTEGER>"
#ifndef KSTREAMS_SQL_TYPES_H_
#define KSTREAMS_SQL_TYPES_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace kstreams::sql {

enum class TypeKind {
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

class SqlType;
using TypePtr = std::shared_ptr<const SqlType>;

class SqlType {
 public:
  struct Field {
    std::string name;
    TypePtr type;
  };

  static TypePtr Boolean();
  static TypePtr Int();
  static TypePtr Bigint();
  static TypePtr Double();
  static TypePtr Decimal(int precision, int scale);
  static TypePtr String();
  static TypePtr Bytes();
  static TypePtr Timestamp();
  static TypePtr Date();
  static TypePtr Time();
  static TypePtr Array(TypePtr element);
  static TypePtr Map(TypePtr key, TypePtr value);
  static TypePtr Struct(std::vector<Field> fields);

  TypeKind kind() const { return kind_; }
  int precision() const { return precision_; }
  int scale() const { return scale_; }
  // ARRAY element; MAP value.
  const TypePtr& element() const { return element_; }
  // MAP key.
  const TypePtr& key() const { return key_; }
  const std::vector<Field>& fields() const { return fields_; }
  // Index of the STRUCT field `name` (exact match), or -1.
  int FieldIndex(const std::string& name) const;

  bool IsNumeric() const {
    return kind_ == TypeKind::kInt || kind_ == TypeKind::kBigint || kind_ == TypeKind::kDouble ||
           kind_ == TypeKind::kDecimal;
  }
  bool IsPrimitive() const {
    return kind_ != TypeKind::kArray && kind_ != TypeKind::kMap && kind_ != TypeKind::kStruct;
  }

  // ksqlDB's spelling: INTEGER, BIGINT, DECIMAL(4, 2), ARRAY<STRING>,
  // STRUCT<`A` INTEGER, `B` STRING>.
  std::string ToString() const;

  explicit SqlType(TypeKind kind) : kind_(kind) {}

 private:
  TypeKind kind_;
  int precision_ = 0;
  int scale_ = 0;
  TypePtr element_;
  TypePtr key_;
  std::vector<Field> fields_;
};

bool TypesEqual(const SqlType& a, const SqlType& b);
inline bool TypesEqual(const TypePtr& a, const TypePtr& b) { return TypesEqual(*a, *b); }

// The common type of two numeric types in arithmetic (ksqlDB's widening:
// INT < BIGINT < DECIMAL < DOUBLE); DECIMAL results widen precision and scale.
TypePtr WiderNumeric(const TypePtr& a, const TypePtr& b);

}  // namespace kstreams::sql

#endif  // KSTREAMS_SQL_TYPES_H_
