#include "kstreams/sql/types.h"

#include <algorithm>

#include "kstreams/internal/strings.h"

namespace kstreams::sql {
namespace {
TypePtr Simple(TypeKind kind) { return std::make_shared<const SqlType>(kind); }
}  // namespace

TypePtr SqlType::Boolean() { static const TypePtr t = Simple(TypeKind::kBoolean); return t; }
TypePtr SqlType::Int() { static const TypePtr t = Simple(TypeKind::kInt); return t; }
TypePtr SqlType::Bigint() { static const TypePtr t = Simple(TypeKind::kBigint); return t; }
TypePtr SqlType::Double() { static const TypePtr t = Simple(TypeKind::kDouble); return t; }
TypePtr SqlType::String() { static const TypePtr t = Simple(TypeKind::kString); return t; }
TypePtr SqlType::Bytes() { static const TypePtr t = Simple(TypeKind::kBytes); return t; }
TypePtr SqlType::Timestamp() { static const TypePtr t = Simple(TypeKind::kTimestamp); return t; }
TypePtr SqlType::Date() { static const TypePtr t = Simple(TypeKind::kDate); return t; }
TypePtr SqlType::Time() { static const TypePtr t = Simple(TypeKind::kTime); return t; }

TypePtr SqlType::Decimal(int precision, int scale) {
  auto t = std::make_shared<SqlType>(TypeKind::kDecimal);
  t->precision_ = precision;
  t->scale_ = scale;
  return t;
}

TypePtr SqlType::Array(TypePtr element) {
  auto t = std::make_shared<SqlType>(TypeKind::kArray);
  t->element_ = std::move(element);
  return t;
}

TypePtr SqlType::Map(TypePtr key, TypePtr value) {
  auto t = std::make_shared<SqlType>(TypeKind::kMap);
  t->key_ = std::move(key);
  t->element_ = std::move(value);
  return t;
}

TypePtr SqlType::Struct(std::vector<Field> fields) {
  auto t = std::make_shared<SqlType>(TypeKind::kStruct);
  t->fields_ = std::move(fields);
  return t;
}

int SqlType::FieldIndex(const std::string& name) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::string SqlType::ToString() const {
  switch (kind_) {
    case TypeKind::kBoolean: return "BOOLEAN";
    case TypeKind::kInt: return "INTEGER";
    case TypeKind::kBigint: return "BIGINT";
    case TypeKind::kDouble: return "DOUBLE";
    case TypeKind::kDecimal: return ::kstreams::internal::StrCat("DECIMAL(", precision_, ", ", scale_, ")");
    case TypeKind::kString: return "STRING";
    case TypeKind::kBytes: return "BYTES";
    case TypeKind::kTimestamp: return "TIMESTAMP";
    case TypeKind::kDate: return "DATE";
    case TypeKind::kTime: return "TIME";
    case TypeKind::kArray: return ::kstreams::internal::StrCat("ARRAY<", element_->ToString(), ">");
    case TypeKind::kMap:
      return ::kstreams::internal::StrCat("MAP<", key_->ToString(), ", ", element_->ToString(), ">");
    case TypeKind::kStruct: {
      std::string out = "STRUCT<";
      for (size_t i = 0; i < fields_.size(); ++i) {
        ::kstreams::internal::StrAppend(&out, i ? ", " : "", "`", fields_[i].name, "` ",
                        fields_[i].type->ToString());
      }
      return out + ">";
    }
  }
  return "?";
}

bool TypesEqual(const SqlType& a, const SqlType& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case TypeKind::kDecimal:
      return a.precision() == b.precision() && a.scale() == b.scale();
    case TypeKind::kArray:
      return TypesEqual(a.element(), b.element());
    case TypeKind::kMap:
      return TypesEqual(a.key(), b.key()) && TypesEqual(a.element(), b.element());
    case TypeKind::kStruct:
      if (a.fields().size() != b.fields().size()) return false;
      for (size_t i = 0; i < a.fields().size(); ++i) {
        if (a.fields()[i].name != b.fields()[i].name ||
            !TypesEqual(a.fields()[i].type, b.fields()[i].type)) {
          return false;
        }
      }
      return true;
    default:
      return true;
  }
}

namespace {
int Rank(TypeKind k) {
  switch (k) {
    case TypeKind::kInt: return 0;
    case TypeKind::kBigint: return 1;
    case TypeKind::kDecimal: return 2;
    default: return 3;
  }
}
// The DECIMAL an integer type converts to (ksqlDB: INT -> DECIMAL(10, 0),
// BIGINT -> DECIMAL(19, 0)).
TypePtr AsDecimal(const TypePtr& t) {
  if (t->kind() == TypeKind::kInt) return SqlType::Decimal(10, 0);
  if (t->kind() == TypeKind::kBigint) return SqlType::Decimal(19, 0);
  return t;
}
}  // namespace

TypePtr WiderNumeric(const TypePtr& a, const TypePtr& b) {
  int ra = Rank(a->kind()), rb = Rank(b->kind());
  if (ra == 3 || rb == 3) return SqlType::Double();
  if (ra == 2 || rb == 2) {
    TypePtr da = AsDecimal(a), db = AsDecimal(b);
    int scale = std::max(da->scale(), db->scale());
    int integral = std::max(da->precision() - da->scale(), db->precision() - db->scale());
    return SqlType::Decimal(std::min(38, integral + scale), scale);
  }
  return ra >= rb ? a : b;
}

}  // namespace kstreams::sql
