#include "kstreams/schema/avro_value.h"

#include <avro.h>

#include <cstdlib>
#include <cstring>

#include <nlohmann/json.hpp>

#include "kstreams/internal/strings.h"
#include "kstreams/schema/avro_binary.h"
#include "schema/avro_internal.h"

namespace kstreams::avro {

using ::kstreams::internal::StrCat;
using internal::AvroError;
using internal::Raw;
using internal::RawSchema;
using Json = nlohmann::json;

namespace {

absl::Status WrongType(const Node& node, std::string_view wanted) {
  std::string actual(TypeName(node.type));
  if (!node.name.empty()) actual = StrCat(actual, " '", node.name, "'");
  return absl::InvalidArgumentError(StrCat("Avro value is a ", actual, ", not a ", wanted));
}

absl::Status Check(int rc, std::string_view what) {
  return rc == 0 ? absl::OkStatus() : AvroError(what);
}

absl::Status NeedLogical(const Node& node, LogicalType logical, std::string_view name) {
  if (node.logical != logical) return WrongType(node, name);
  return absl::OkStatus();
}

}  // namespace

// ---- Decimal -------------------------------------------------------------

Decimal Decimal::FromInt64(int64_t unscaled, int32_t scale) {
  std::string bytes(8, '\0');
  for (int i = 7; i >= 0; --i) {
    bytes[i] = static_cast<char>(static_cast<uint64_t>(unscaled) >> (8 * (7 - i)));
  }
  // Minimal two's complement (Java's BigInteger.toByteArray): drop leading
  // bytes that only repeat the sign.
  size_t start = 0;
  while (start < 7) {
    const auto b = static_cast<uint8_t>(bytes[start]);
    const auto next = static_cast<uint8_t>(bytes[start + 1]);
    if ((b == 0x00 && (next & 0x80) == 0) || (b == 0xff && (next & 0x80) != 0)) {
      ++start;
    } else {
      break;
    }
  }
  return Decimal{bytes.substr(start), scale};
}

absl::StatusOr<int64_t> Decimal::UnscaledInt64() const {
  if (unscaled.empty()) return 0;
  if (unscaled.size() > 8) {
    return absl::OutOfRangeError(StrCat("decimal of ", unscaled.size(), " bytes does not fit int64"));
  }
  uint64_t v = (static_cast<uint8_t>(unscaled[0]) & 0x80) ? ~uint64_t{0} : 0;
  for (char c : unscaled) v = (v << 8) | static_cast<uint8_t>(c);
  return static_cast<int64_t>(v);
}

std::string Decimal::ToString() const {
  absl::StatusOr<int64_t> v = UnscaledInt64();
  if (!v.ok()) return "<decimal out of int64 range>";
  const bool negative = *v < 0;
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(*v) : static_cast<uint64_t>(*v);
  std::string digits = std::to_string(magnitude);
  if (scale > 0) {
    if (digits.size() <= static_cast<size_t>(scale)) {
      digits.insert(0, static_cast<size_t>(scale) - digits.size() + 1, '0');
    }
    digits.insert(digits.size() - static_cast<size_t>(scale), ".");
  }
  return negative ? "-" + digits : digits;
}

// ---- ValueRef ------------------------------------------------------------

Type ValueRef::type() const { return node_->type; }

absl::Status ValueRef::SetNull() {
  if (type() != Type::kNull) return WrongType(*node_, "null");
  avro_value_t v = Raw(*this);
  return Check(avro_value_set_null(&v), "set null");
}

absl::StatusOr<bool> ValueRef::GetBool() const {
  if (type() != Type::kBoolean) return WrongType(*node_, "boolean");
  avro_value_t v = Raw(*this);
  int out = 0;
  KSTREAMS_RETURN_IF_ERROR(Check(avro_value_get_boolean(&v, &out), "get boolean"));
  return out != 0;
}
absl::Status ValueRef::SetBool(bool b) {
  if (type() != Type::kBoolean) return WrongType(*node_, "boolean");
  avro_value_t v = Raw(*this);
  return Check(avro_value_set_boolean(&v, b ? 1 : 0), "set boolean");
}

absl::StatusOr<int32_t> ValueRef::GetInt() const {
  if (type() != Type::kInt) return WrongType(*node_, "int");
  avro_value_t v = Raw(*this);
  int32_t out = 0;
  KSTREAMS_RETURN_IF_ERROR(Check(avro_value_get_int(&v, &out), "get int"));
  return out;
}
absl::Status ValueRef::SetInt(int32_t i) {
  switch (type()) {
    case Type::kLong: return SetLong(i);
    case Type::kFloat: return SetFloat(static_cast<float>(i));
    case Type::kDouble: return SetDouble(i);
    case Type::kInt: break;
    default: return WrongType(*node_, "int");
  }
  avro_value_t v = Raw(*this);
  return Check(avro_value_set_int(&v, i), "set int");
}

absl::StatusOr<int64_t> ValueRef::GetLong() const {
  if (type() != Type::kLong) return WrongType(*node_, "long");
  avro_value_t v = Raw(*this);
  int64_t out = 0;
  KSTREAMS_RETURN_IF_ERROR(Check(avro_value_get_long(&v, &out), "get long"));
  return out;
}
absl::Status ValueRef::SetLong(int64_t l) {
  switch (type()) {
    case Type::kFloat: return SetFloat(static_cast<float>(l));
    case Type::kDouble: return SetDouble(static_cast<double>(l));
    case Type::kLong: break;
    default: return WrongType(*node_, "long");
  }
  avro_value_t v = Raw(*this);
  return Check(avro_value_set_long(&v, l), "set long");
}

absl::StatusOr<float> ValueRef::GetFloat() const {
  if (type() != Type::kFloat) return WrongType(*node_, "float");
  avro_value_t v = Raw(*this);
  float out = 0;
  KSTREAMS_RETURN_IF_ERROR(Check(avro_value_get_float(&v, &out), "get float"));
  return out;
}
absl::Status ValueRef::SetFloat(float f) {
  if (type() == Type::kDouble) return SetDouble(f);
  if (type() != Type::kFloat) return WrongType(*node_, "float");
  avro_value_t v = Raw(*this);
  return Check(avro_value_set_float(&v, f), "set float");
}

absl::StatusOr<double> ValueRef::GetDouble() const {
  if (type() != Type::kDouble) return WrongType(*node_, "double");
  avro_value_t v = Raw(*this);
  double out = 0;
  KSTREAMS_RETURN_IF_ERROR(Check(avro_value_get_double(&v, &out), "get double"));
  return out;
}
absl::Status ValueRef::SetDouble(double d) {
  if (type() != Type::kDouble) return WrongType(*node_, "double");
  avro_value_t v = Raw(*this);
  return Check(avro_value_set_double(&v, d), "set double");
}

absl::StatusOr<std::string_view> ValueRef::GetString() const {
  if (type() != Type::kString) return WrongType(*node_, "string");
  avro_value_t v = Raw(*this);
  const char* s = nullptr;
  size_t size = 0;
  KSTREAMS_RETURN_IF_ERROR(Check(avro_value_get_string(&v, &s, &size), "get string"));
  // avro-c counts the terminating NUL.
  return std::string_view(s, size == 0 ? 0 : size - 1);
}
absl::Status ValueRef::SetString(std::string_view s) {
  if (type() != Type::kString) return WrongType(*node_, "string");
  avro_value_t v = Raw(*this);
  std::string copy(s);  // avro-c wants a NUL-terminated buffer, size included
  return Check(avro_value_set_string_len(&v, copy.c_str(), copy.size() + 1), "set string");
}

absl::StatusOr<std::string_view> ValueRef::GetBytes() const {
  if (type() != Type::kBytes) return WrongType(*node_, "bytes");
  avro_value_t v = Raw(*this);
  const void* buf = nullptr;
  size_t size = 0;
  KSTREAMS_RETURN_IF_ERROR(Check(avro_value_get_bytes(&v, &buf, &size), "get bytes"));
  return std::string_view(static_cast<const char*>(buf), size);
}
absl::Status ValueRef::SetBytes(std::string_view b) {
  if (type() != Type::kBytes) return WrongType(*node_, "bytes");
  avro_value_t v = Raw(*this);
  // avro-c refuses a null buffer, which an empty view may have.
  char empty = 0;
  return Check(avro_value_set_bytes(&v, b.empty() ? &empty : const_cast<char*>(b.data()), b.size()), "set bytes");
}

absl::StatusOr<std::string_view> ValueRef::GetFixed() const {
  if (type() != Type::kFixed) return WrongType(*node_, "fixed");
  avro_value_t v = Raw(*this);
  const void* buf = nullptr;
  size_t size = 0;
  KSTREAMS_RETURN_IF_ERROR(Check(avro_value_get_fixed(&v, &buf, &size), "get fixed"));
  return std::string_view(static_cast<const char*>(buf), size);
}
absl::Status ValueRef::SetFixed(std::string_view b) {
  if (type() != Type::kFixed) return WrongType(*node_, "fixed");
  if (b.size() != static_cast<size_t>(node_->size)) {
    return absl::InvalidArgumentError(StrCat("fixed '", node_->name, "' holds ", node_->size,
                                             " bytes, not ", b.size()));
  }
  avro_value_t v = Raw(*this);
  return Check(avro_value_set_fixed(&v, const_cast<char*>(b.data()), b.size()), "set fixed");
}

absl::StatusOr<std::string_view> ValueRef::GetEnum() const {
  if (type() != Type::kEnum) return WrongType(*node_, "enum");
  avro_value_t v = Raw(*this);
  int index = 0;
  KSTREAMS_RETURN_IF_ERROR(Check(avro_value_get_enum(&v, &index), "get enum"));
  if (index < 0 || static_cast<size_t>(index) >= node_->symbols.size()) {
    return absl::InternalError("enum index out of range");
  }
  return std::string_view(node_->symbols[static_cast<size_t>(index)]);
}
absl::Status ValueRef::SetEnum(std::string_view symbol) {
  if (type() != Type::kEnum) return WrongType(*node_, "enum");
  for (size_t i = 0; i < node_->symbols.size(); ++i) {
    if (node_->symbols[i] == symbol) {
      avro_value_t v = Raw(*this);
      return Check(avro_value_set_enum(&v, static_cast<int>(i)), "set enum");
    }
  }
  return absl::InvalidArgumentError(StrCat("'", symbol, "' is not a symbol of enum '", node_->name, "'"));
}

absl::StatusOr<Decimal> ValueRef::GetDecimal() const {
  KSTREAMS_RETURN_IF_ERROR(NeedLogical(*node_, LogicalType::kDecimal, "decimal"));
  absl::StatusOr<std::string_view> raw = type() == Type::kFixed ? GetFixed() : GetBytes();
  if (!raw.ok()) return raw.status();
  return Decimal{std::string(*raw), node_->scale};
}
absl::Status ValueRef::SetDecimal(const Decimal& d) {
  KSTREAMS_RETURN_IF_ERROR(NeedLogical(*node_, LogicalType::kDecimal, "decimal"));
  if (d.scale != node_->scale) {
    return absl::InvalidArgumentError(StrCat("decimal of scale ", d.scale, " written to a field of scale ",
                                             node_->scale));
  }
  if (type() == Type::kBytes) return SetBytes(d.unscaled);
  const size_t size = static_cast<size_t>(node_->size);
  if (d.unscaled.size() > size) return absl::OutOfRangeError("decimal does not fit its fixed size");
  const char fill = (!d.unscaled.empty() && (static_cast<uint8_t>(d.unscaled[0]) & 0x80)) ? '\xff' : '\0';
  return SetFixed(std::string(size - d.unscaled.size(), fill) + d.unscaled);
}

absl::StatusOr<absl::CivilDay> ValueRef::GetDate() const {
  KSTREAMS_RETURN_IF_ERROR(NeedLogical(*node_, LogicalType::kDate, "date"));
  KSTREAMS_ASSIGN_OR_RETURN(int32_t days, GetInt());
  return absl::CivilDay(1970, 1, 1) + days;
}
absl::Status ValueRef::SetDate(absl::CivilDay day) {
  KSTREAMS_RETURN_IF_ERROR(NeedLogical(*node_, LogicalType::kDate, "date"));
  return SetInt(static_cast<int32_t>(day - absl::CivilDay(1970, 1, 1)));
}

absl::StatusOr<absl::Time> ValueRef::GetTimestampMillis() const {
  KSTREAMS_RETURN_IF_ERROR(NeedLogical(*node_, LogicalType::kTimestampMillis, "timestamp-millis"));
  KSTREAMS_ASSIGN_OR_RETURN(int64_t ms, GetLong());
  return absl::FromUnixMillis(ms);
}
absl::Status ValueRef::SetTimestampMillis(absl::Time t) {
  KSTREAMS_RETURN_IF_ERROR(NeedLogical(*node_, LogicalType::kTimestampMillis, "timestamp-millis"));
  return SetLong(absl::ToUnixMillis(t));
}

absl::StatusOr<Uuid> ValueRef::GetUuid() const {
  KSTREAMS_RETURN_IF_ERROR(NeedLogical(*node_, LogicalType::kUuid, "uuid"));
  KSTREAMS_ASSIGN_OR_RETURN(std::string_view text, GetString());
  return Uuid::Parse(text);
}
absl::Status ValueRef::SetUuid(const Uuid& u) {
  KSTREAMS_RETURN_IF_ERROR(NeedLogical(*node_, LogicalType::kUuid, "uuid"));
  return SetString(u.ToString());
}

absl::StatusOr<ValueRef> ValueRef::Field(std::string_view name) const {
  if (type() != Type::kRecord) return WrongType(*node_, "record");
  const int index = node_->FieldIndex(name);
  if (index < 0) {
    return absl::NotFoundError(StrCat("record '", node_->name, "' has no field '", name, "'"));
  }
  return FieldAt(static_cast<size_t>(index));
}

absl::StatusOr<ValueRef> ValueRef::FieldAt(size_t index) const {
  if (type() != Type::kRecord) return WrongType(*node_, "record");
  if (index >= node_->fields.size()) return absl::OutOfRangeError("field index out of range");
  avro_value_t v = Raw(*this);
  avro_value_t child;
  KSTREAMS_RETURN_IF_ERROR(Check(avro_value_get_by_index(&v, index, &child, nullptr), "get field"));
  return ValueRef(child.iface, child.self, node_->fields[index].type);
}

absl::StatusOr<size_t> ValueRef::Size() const {
  if (type() != Type::kArray && type() != Type::kMap) return WrongType(*node_, "array or map");
  avro_value_t v = Raw(*this);
  size_t size = 0;
  KSTREAMS_RETURN_IF_ERROR(Check(avro_value_get_size(&v, &size), "get size"));
  return size;
}

absl::StatusOr<ValueRef> ValueRef::Element(size_t index) const {
  if (type() != Type::kArray) return WrongType(*node_, "array");
  KSTREAMS_ASSIGN_OR_RETURN(size_t size, Size());
  if (index >= size) return absl::OutOfRangeError(StrCat("array index ", index, " >= size ", size));
  avro_value_t v = Raw(*this);
  avro_value_t child;
  KSTREAMS_RETURN_IF_ERROR(Check(avro_value_get_by_index(&v, index, &child, nullptr), "get element"));
  return ValueRef(child.iface, child.self, node_->items);
}

absl::StatusOr<ValueRef> ValueRef::Append() {
  if (type() != Type::kArray) return WrongType(*node_, "array");
  avro_value_t v = Raw(*this);
  avro_value_t child;
  KSTREAMS_RETURN_IF_ERROR(Check(avro_value_append(&v, &child, nullptr), "append"));
  return ValueRef(child.iface, child.self, node_->items);
}

absl::StatusOr<ValueRef> ValueRef::MapEntry(std::string_view key) {
  if (type() != Type::kMap) return WrongType(*node_, "map");
  avro_value_t v = Raw(*this);
  avro_value_t child;
  std::string k(key);
  KSTREAMS_RETURN_IF_ERROR(Check(avro_value_add(&v, k.c_str(), &child, nullptr, nullptr), "map add"));
  return ValueRef(child.iface, child.self, node_->values);
}

absl::StatusOr<std::optional<ValueRef>> ValueRef::MapGet(std::string_view key) const {
  if (type() != Type::kMap) return WrongType(*node_, "map");
  avro_value_t v = Raw(*this);
  avro_value_t child;
  std::string k(key);
  if (avro_value_get_by_name(&v, k.c_str(), &child, nullptr) != 0) return std::optional<ValueRef>();
  return std::optional<ValueRef>(ValueRef(child.iface, child.self, node_->values));
}

absl::StatusOr<std::pair<std::string_view, ValueRef>> ValueRef::MapAt(size_t index) const {
  if (type() != Type::kMap) return WrongType(*node_, "map");
  avro_value_t v = Raw(*this);
  avro_value_t child;
  const char* key = nullptr;
  KSTREAMS_RETURN_IF_ERROR(Check(avro_value_get_by_index(&v, index, &child, &key), "map entry"));
  return std::make_pair(std::string_view(key), ValueRef(child.iface, child.self, node_->values));
}

absl::Status ValueRef::Clear() {
  if (type() != Type::kArray && type() != Type::kMap) return WrongType(*node_, "array or map");
  avro_value_t v = Raw(*this);
  return Check(avro_value_reset(&v), "clear");
}

absl::StatusOr<int> ValueRef::Branch() const {
  if (type() != Type::kUnion) return WrongType(*node_, "union");
  avro_value_t v = Raw(*this);
  int d = -1;
  KSTREAMS_RETURN_IF_ERROR(Check(avro_value_get_discriminant(&v, &d), "get branch"));
  return d;
}

absl::StatusOr<ValueRef> ValueRef::Current() const {
  KSTREAMS_ASSIGN_OR_RETURN(int d, Branch());
  if (d < 0) return absl::FailedPreconditionError("union has no branch selected");
  avro_value_t v = Raw(*this);
  avro_value_t child;
  KSTREAMS_RETURN_IF_ERROR(Check(avro_value_get_current_branch(&v, &child), "get branch"));
  return ValueRef(child.iface, child.self, node_->branches[static_cast<size_t>(d)]);
}

absl::StatusOr<ValueRef> ValueRef::SetBranch(int index) {
  if (type() != Type::kUnion) return WrongType(*node_, "union");
  if (index < 0 || static_cast<size_t>(index) >= node_->branches.size()) {
    return absl::OutOfRangeError(StrCat("union has no branch ", index));
  }
  avro_value_t v = Raw(*this);
  avro_value_t child;
  KSTREAMS_RETURN_IF_ERROR(Check(avro_value_set_branch(&v, index, &child), "set branch"));
  return ValueRef(child.iface, child.self, node_->branches[static_cast<size_t>(index)]);
}

absl::StatusOr<ValueRef> ValueRef::SetBranch(Type t, std::string_view name) {
  if (type() != Type::kUnion) return WrongType(*node_, "union");
  for (size_t i = 0; i < node_->branches.size(); ++i) {
    const Node* b = node_->branches[i];
    if (b->type == t && (name.empty() || b->name == name || b->ShortName() == name)) {
      return SetBranch(static_cast<int>(i));
    }
  }
  return absl::NotFoundError(StrCat("union has no ", TypeName(t), " branch ", name));
}

std::string ValueRef::ToJson() const {
  avro_value_t v = Raw(*this);
  char* json = nullptr;
  if (avro_value_to_json(&v, 1, &json) != 0) return "<unprintable Avro value>";
  std::string out(json);
  std::free(json);
  return out;
}

// ---- GenericValue --------------------------------------------------------

GenericValue::GenericValue(Schema schema) : schema_(std::move(schema)) {
  avro_value_iface_t* iface = avro_generic_class_from_schema(RawSchema(schema_));
  avro_value_t v;
  avro_generic_value_new(iface, &v);
  iface_ = v.iface;
  self_ = v.self;
  avro_value_iface_decref(iface);  // the value holds its own reference
}

GenericValue::~GenericValue() {
  if (self_ != nullptr) {
    avro_value_t v{static_cast<avro_value_iface_t*>(iface_), self_};
    avro_value_decref(&v);
  }
}

GenericValue::GenericValue(const GenericValue& other) : GenericValue(other.schema_) {
  avro_value_t dst{static_cast<avro_value_iface_t*>(iface_), self_};
  avro_value_t src{static_cast<avro_value_iface_t*>(other.iface_), other.self_};
  avro_value_copy_fast(&dst, &src);
}

GenericValue& GenericValue::operator=(const GenericValue& other) {
  if (this != &other) {
    GenericValue copy(other);
    *this = std::move(copy);
  }
  return *this;
}

GenericValue::GenericValue(GenericValue&& other) noexcept
    : schema_(other.schema_), iface_(other.iface_), self_(other.self_) {
  other.iface_ = nullptr;
  other.self_ = nullptr;
}

GenericValue& GenericValue::operator=(GenericValue&& other) noexcept {
  if (this != &other) {
    std::swap(schema_, other.schema_);
    std::swap(iface_, other.iface_);
    std::swap(self_, other.self_);
  }
  return *this;
}

ValueRef GenericValue::root() const { return ValueRef(iface_, self_, &schema_.root()); }

bool operator==(const GenericValue& a, const GenericValue& b) {
  if (!(a.schema_ == b.schema_)) return false;
  avro_value_t va{static_cast<avro_value_iface_t*>(a.iface_), a.self_};
  avro_value_t vb{static_cast<avro_value_iface_t*>(b.iface_), b.self_};
  return avro_value_equal_fast(&va, &vb) != 0;
}

// ---- Encoding ------------------------------------------------------------

absl::Status EncodeTo(ValueRef value, std::string& out) {
  avro_value_t v = Raw(value);
  size_t size = 0;
  KSTREAMS_RETURN_IF_ERROR(Check(avro_value_sizeof(&v, &size), "Avro encode"));
  const size_t start = out.size();
  out.resize(start + size);
  avro_writer_t writer = avro_writer_memory(out.data() + start, static_cast<int64_t>(size));
  const int rc = avro_value_write(writer, &v);
  avro_writer_free(writer);
  if (rc != 0) {
    out.resize(start);
    return AvroError("Avro encode");
  }
  return absl::OkStatus();
}

absl::Status Encode(const GenericValue& value, std::string& out) {
  out.clear();
  return EncodeTo(value.root(), out);
}

// ---- Defaults ------------------------------------------------------------

namespace {

absl::Status SetFromJson(ValueRef target, const Json& j) {
  const Node& n = target.node();
  auto bad = [&] {
    return absl::InvalidArgumentError(StrCat("default ", j.dump(), " does not fit ", TypeName(n.type),
                                             n.name.empty() ? "" : StrCat(" '", n.name, "'")));
  };
  // ISO-8859-1: each char is one byte (code points 0..255).
  auto latin1 = [&](std::string& out) -> bool {
    if (!j.is_string()) return false;
    const std::string utf8 = j.get<std::string>();
    for (size_t i = 0; i < utf8.size(); ++i) {
      const auto c = static_cast<uint8_t>(utf8[i]);
      if (c < 0x80) {
        out.push_back(static_cast<char>(c));
      } else if ((c & 0xe0) == 0xc0 && i + 1 < utf8.size()) {
        const uint32_t cp = ((c & 0x1fu) << 6) | (static_cast<uint8_t>(utf8[i + 1]) & 0x3fu);
        if (cp > 0xff) return false;
        out.push_back(static_cast<char>(cp));
        ++i;
      } else {
        return false;
      }
    }
    return true;
  };
  switch (n.type) {
    case Type::kNull:
      if (!j.is_null()) return bad();
      return target.SetNull();
    case Type::kBoolean:
      if (!j.is_boolean()) return bad();
      return target.SetBool(j.get<bool>());
    case Type::kInt:
      if (!j.is_number_integer()) return bad();
      return target.SetInt(j.get<int32_t>());
    case Type::kLong:
      if (!j.is_number_integer()) return bad();
      return target.SetLong(j.get<int64_t>());
    case Type::kFloat:
      if (!j.is_number()) return bad();
      return target.SetFloat(j.get<float>());
    case Type::kDouble:
      if (!j.is_number()) return bad();
      return target.SetDouble(j.get<double>());
    case Type::kString:
      if (!j.is_string()) return bad();
      return target.SetString(j.get<std::string>());
    case Type::kBytes: {
      std::string bytes;
      if (!latin1(bytes)) return bad();
      return target.SetBytes(bytes);
    }
    case Type::kFixed: {
      std::string bytes;
      if (!latin1(bytes)) return bad();
      return target.SetFixed(bytes);
    }
    case Type::kEnum:
      if (!j.is_string()) return bad();
      return target.SetEnum(j.get<std::string>());
    case Type::kArray: {
      if (!j.is_array()) return bad();
      KSTREAMS_RETURN_IF_ERROR(target.Clear());
      for (const Json& e : j) {
        KSTREAMS_ASSIGN_OR_RETURN(ValueRef child, target.Append());
        KSTREAMS_RETURN_IF_ERROR(SetFromJson(child, e));
      }
      return absl::OkStatus();
    }
    case Type::kMap: {
      if (!j.is_object()) return bad();
      KSTREAMS_RETURN_IF_ERROR(target.Clear());
      for (auto it = j.begin(); it != j.end(); ++it) {
        KSTREAMS_ASSIGN_OR_RETURN(ValueRef child, target.MapEntry(it.key()));
        KSTREAMS_RETURN_IF_ERROR(SetFromJson(child, it.value()));
      }
      return absl::OkStatus();
    }
    case Type::kRecord: {
      if (!j.is_object()) return bad();
      for (size_t i = 0; i < n.fields.size(); ++i) {
        KSTREAMS_ASSIGN_OR_RETURN(ValueRef child, target.FieldAt(i));
        if (j.contains(n.fields[i].name)) {
          KSTREAMS_RETURN_IF_ERROR(SetFromJson(child, j[n.fields[i].name]));
        } else if (n.fields[i].default_json) {
          KSTREAMS_RETURN_IF_ERROR(SetFromDefaultJson(child, *n.fields[i].default_json));
        } else {
          return bad();
        }
      }
      return absl::OkStatus();
    }
    case Type::kUnion: {
      // The specification: a union's default is of its first branch.
      KSTREAMS_ASSIGN_OR_RETURN(ValueRef child, target.SetBranch(0));
      return SetFromJson(child, j);
    }
  }
  return bad();
}

}  // namespace

absl::Status SetFromDefaultJson(ValueRef target, std::string_view json) {
  Json j = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return absl::InvalidArgumentError(StrCat("default is not JSON: ", json));
  try {
    return SetFromJson(target, j);
  } catch (const Json::exception& e) {
    return absl::InvalidArgumentError(StrCat("bad default ", json, ": ", e.what()));
  }
}

// ---- Resolution ----------------------------------------------------------

namespace {

bool SameName(const Node& writer, const Node& reader) {
  if (writer.name == reader.name || writer.ShortName() == reader.ShortName()) return true;
  for (const std::string& alias : reader.aliases) {
    if (alias == writer.name) return true;
  }
  return false;
}

// Whether data of `w` can be read as `r` without looking inside (the type
// level of the specification's resolution rules), for choosing a union branch.
bool Matches(const Node& w, const Node& r, bool allow_promotion) {
  if (w.type == r.type) {
    switch (w.type) {
      case Type::kRecord: case Type::kEnum: case Type::kFixed: return SameName(w, r);
      default: return true;
    }
  }
  if (!allow_promotion) return false;
  switch (w.type) {
    case Type::kInt: return r.type == Type::kLong || r.type == Type::kFloat || r.type == Type::kDouble;
    case Type::kLong: return r.type == Type::kFloat || r.type == Type::kDouble;
    case Type::kFloat: return r.type == Type::kDouble;
    case Type::kString: return r.type == Type::kBytes;
    case Type::kBytes: return r.type == Type::kString;
    default: return false;
  }
}

absl::Status Mismatch(const Node& w, const Node& r) {
  return absl::InvalidArgumentError(StrCat("cannot read writer type ", TypeName(w.type), " ", w.name,
                                           " as reader type ", TypeName(r.type), " ", r.name));
}

// Copies a decoded writer value into a reader value, following Avro's
// resolution rules.
absl::Status Project(ValueRef w, ValueRef r) {
  const Node& wn = w.node();
  const Node& rn = r.node();
  if (wn.type == Type::kUnion) {
    KSTREAMS_ASSIGN_OR_RETURN(ValueRef branch, w.Current());
    return Project(branch, r);
  }
  if (rn.type == Type::kUnion) {
    for (bool promote : {false, true}) {
      for (size_t i = 0; i < rn.branches.size(); ++i) {
        if (Matches(wn, *rn.branches[i], promote)) {
          KSTREAMS_ASSIGN_OR_RETURN(ValueRef branch, r.SetBranch(static_cast<int>(i)));
          return Project(w, branch);
        }
      }
    }
    return absl::InvalidArgumentError(StrCat("no branch of the reader's union matches writer type ",
                                             TypeName(wn.type), " ", wn.name));
  }
  if (!Matches(wn, rn, true)) return Mismatch(wn, rn);
  switch (rn.type) {
    case Type::kNull: return r.SetNull();
    case Type::kBoolean: { KSTREAMS_ASSIGN_OR_RETURN(bool b, w.GetBool()); return r.SetBool(b); }
    case Type::kInt: { KSTREAMS_ASSIGN_OR_RETURN(int32_t i, w.GetInt()); return r.SetInt(i); }
    case Type::kLong:
    case Type::kFloat:
    case Type::kDouble:
      switch (wn.type) {
        case Type::kInt: { KSTREAMS_ASSIGN_OR_RETURN(int32_t i, w.GetInt()); return r.SetInt(i); }
        case Type::kLong: { KSTREAMS_ASSIGN_OR_RETURN(int64_t l, w.GetLong()); return r.SetLong(l); }
        case Type::kFloat: { KSTREAMS_ASSIGN_OR_RETURN(float f, w.GetFloat()); return r.SetFloat(f); }
        default: { KSTREAMS_ASSIGN_OR_RETURN(double d, w.GetDouble()); return r.SetDouble(d); }
      }
    case Type::kString:
    case Type::kBytes: {
      KSTREAMS_ASSIGN_OR_RETURN(std::string_view s, wn.type == Type::kString ? w.GetString() : w.GetBytes());
      return rn.type == Type::kString ? r.SetString(s) : r.SetBytes(s);
    }
    case Type::kFixed: {
      if (wn.size != rn.size) return Mismatch(wn, rn);
      KSTREAMS_ASSIGN_OR_RETURN(std::string_view s, w.GetFixed());
      return r.SetFixed(s);
    }
    case Type::kEnum: {
      KSTREAMS_ASSIGN_OR_RETURN(std::string_view symbol, w.GetEnum());
      absl::Status set = r.SetEnum(symbol);
      if (set.ok() || !rn.enum_default) return set;
      return r.SetEnum(*rn.enum_default);
    }
    case Type::kArray: {
      KSTREAMS_RETURN_IF_ERROR(r.Clear());
      KSTREAMS_ASSIGN_OR_RETURN(size_t size, w.Size());
      for (size_t i = 0; i < size; ++i) {
        KSTREAMS_ASSIGN_OR_RETURN(ValueRef we, w.Element(i));
        KSTREAMS_ASSIGN_OR_RETURN(ValueRef re, r.Append());
        KSTREAMS_RETURN_IF_ERROR(Project(we, re));
      }
      return absl::OkStatus();
    }
    case Type::kMap: {
      KSTREAMS_RETURN_IF_ERROR(r.Clear());
      KSTREAMS_ASSIGN_OR_RETURN(size_t size, w.Size());
      for (size_t i = 0; i < size; ++i) {
        KSTREAMS_ASSIGN_OR_RETURN(auto entry, w.MapAt(i));
        KSTREAMS_ASSIGN_OR_RETURN(ValueRef re, r.MapEntry(entry.first));
        KSTREAMS_RETURN_IF_ERROR(Project(entry.second, re));
      }
      return absl::OkStatus();
    }
    case Type::kRecord: {
      for (size_t i = 0; i < rn.fields.size(); ++i) {
        const avro::Field& rf = rn.fields[i];
        int wi = wn.FieldIndex(rf.name);
        for (size_t a = 0; wi < 0 && a < rf.aliases.size(); ++a) wi = wn.FieldIndex(rf.aliases[a]);
        KSTREAMS_ASSIGN_OR_RETURN(ValueRef rv, r.FieldAt(i));
        if (wi >= 0) {
          KSTREAMS_ASSIGN_OR_RETURN(ValueRef wv, w.FieldAt(static_cast<size_t>(wi)));
          absl::Status s = Project(wv, rv);
          if (!s.ok()) return absl::Status(s.code(), StrCat("field '", rf.name, "': ", s.message()));
        } else if (rf.default_json) {
          KSTREAMS_RETURN_IF_ERROR(SetFromDefaultJson(rv, *rf.default_json));
        } else {
          return absl::InvalidArgumentError(StrCat("reader field '", rf.name, "' of record '", rn.name,
                                                   "' is not in the writer's schema and has no default"));
        }
      }
      return absl::OkStatus();
    }
    case Type::kUnion: break;
  }
  return Mismatch(wn, rn);
}

}  // namespace

// ---- Checking bytes before avro-c reads them ------------------------------
//
// avro-c allocates a string's, bytes' or block's announced length before it
// knows whether the input holds it (and leaks the allocation when the read
// then fails): 5 corrupt bytes can make it allocate gigabytes. So the bytes
// are first walked with the writer's schema, every length checked against
// the bytes left, every index against its union or enum; avro-c only reads
// bytes that passed.

absl::Status BinaryReader::status() const {
  return absl::InvalidArgumentError(StrCat("Avro decode: ", error_ == nullptr ? "malformed input" : error_,
                                           " at byte ", offset(), " of ", static_cast<size_t>(end_ - begin_)));
}

namespace {

// The fewest bytes a value of `n` encodes in (a lower bound; a record nested
// deeper than a few levels counts as 0).
size_t MinEncodedSize(const Node& n, int depth = 0) {
  switch (n.type) {
    case Type::kNull: return 0;
    case Type::kFloat: return 4;
    case Type::kDouble: return 8;
    case Type::kFixed: return static_cast<size_t>(n.size);
    case Type::kRecord: {
      if (depth > 8) return 0;
      size_t sum = 0;
      for (const avro::Field& f : n.fields) sum += MinEncodedSize(*f.type, depth + 1);
      return sum;
    }
    default: return 1;  // a varint, a length, a block count, an index
  }
}

bool SkipValue(const Node& n, BinaryReader& in) {
  switch (n.type) {
    case Type::kNull: return true;
    case Type::kBoolean: { bool b; return in.ReadBool(b); }
    case Type::kInt: { int32_t i; return in.ReadInt(i); }
    case Type::kLong: { int64_t l; return in.ReadLong(l); }
    case Type::kFloat: { float f; return in.ReadFloat(f); }
    case Type::kDouble: { double d; return in.ReadDouble(d); }
    case Type::kString:
    case Type::kBytes: { std::string_view s; return in.ReadBytes(s); }
    case Type::kFixed: { std::string_view s; return in.ReadFixed(static_cast<size_t>(n.size), s); }
    case Type::kEnum: { size_t i; return in.ReadIndex(n.symbols.size(), i); }
    case Type::kUnion: {
      size_t i = 0;
      return in.ReadIndex(n.branches.size(), i) && SkipValue(*n.branches[i], in);
    }
    case Type::kRecord:
      for (const avro::Field& f : n.fields) {
        if (!SkipValue(*f.type, in)) return false;
      }
      return true;
    case Type::kArray:
    case Type::kMap: {
      const bool map = n.type == Type::kMap;
      const Node& item = map ? *n.values : *n.items;
      const size_t min = MinEncodedSize(item) + (map ? 1 : 0);
      for (;;) {
        size_t count = 0;
        if (!in.ReadBlockCount(min, count)) return false;
        if (count == 0) return true;
        for (size_t i = 0; i < count; ++i) {
          std::string_view key;
          if (map && !in.ReadBytes(key)) return false;
          if (!SkipValue(item, in)) return false;
        }
      }
    }
  }
  return false;
}

}  // namespace

absl::Status CheckEncoding(const Schema& writer, std::string_view data) {
  BinaryReader in(data);
  if (!SkipValue(writer.root(), in)) return in.status();
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Decoder>> Decoder::Create(Schema writer, Schema reader) {
  std::unique_ptr<Decoder> d(new Decoder(std::move(writer), std::move(reader)));
  if (d->writer_.CanonicalJson() == d->reader_.CanonicalJson()) return d;  // plain read
  avro_value_iface_t* resolved =
      avro_resolved_writer_new(RawSchema(d->writer_), RawSchema(d->reader_));
  if (resolved != nullptr) {
    d->resolved_iface_ = resolved;
  } else {
    d->writer_iface_ = avro_generic_class_from_schema(RawSchema(d->writer_));
  }
  return d;
}

Decoder::~Decoder() {
  if (resolved_iface_ != nullptr) avro_value_iface_decref(static_cast<avro_value_iface_t*>(resolved_iface_));
  if (writer_iface_ != nullptr) avro_value_iface_decref(static_cast<avro_value_iface_t*>(writer_iface_));
}

absl::StatusOr<GenericValue> Decoder::Decode(std::string_view data) const {
  KSTREAMS_RETURN_IF_ERROR(CheckEncoding(writer_, data));
  GenericValue out(reader_);
  avro_reader_t reader = avro_reader_memory(data.data(), static_cast<int64_t>(data.size()));
  absl::Status status;
  if (resolved_iface_ != nullptr) {
    avro_value_t resolved;
    avro_resolved_writer_new_value(static_cast<avro_value_iface_t*>(resolved_iface_), &resolved);
    avro_value_t dest = Raw(out.root());
    avro_resolved_writer_set_dest(&resolved, &dest);
    if (avro_value_read(reader, &resolved) != 0) status = AvroError("Avro decode");
    avro_value_decref(&resolved);
  } else if (writer_iface_ != nullptr) {
    avro_value_t written;
    avro_generic_value_new(static_cast<avro_value_iface_t*>(writer_iface_), &written);
    if (avro_value_read(reader, &written) != 0) {
      status = AvroError("Avro decode");
    } else {
      status = Project(ValueRef(written.iface, written.self, &writer_.root()), out.root());
    }
    avro_value_decref(&written);
  } else {
    avro_value_t dest = Raw(out.root());
    if (avro_value_read(reader, &dest) != 0) status = AvroError("Avro decode");
  }
  avro_reader_free(reader);
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<GenericValue> Decode(std::string_view data, const Schema& writer, const Schema& reader) {
  KSTREAMS_ASSIGN_OR_RETURN(std::unique_ptr<Decoder> decoder, Decoder::Create(writer, reader));
  return decoder->Decode(data);
}

}  // namespace kstreams::avro
