#include "kstreams/internal/strings.h"
#include "kstreams/connect/data.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "connect/java_text.h"

namespace kstreams::connect {
namespace {

constexpr std::string_view kTypeNames[] = {"INT8",    "INT16",   "INT32",  "INT64",
                                           "FLOAT32", "FLOAT64", "BOOLEAN", "STRING",
                                           "BYTES",   "STRUCT",  "ARRAY",  "MAP"};

// Magnitude helpers for Decimal: base-256 big-endian unsigned numbers.
using Magnitude = std::vector<uint8_t>;

void MulAdd(Magnitude& m, int mul, int add) {
  int carry = add;
  for (size_t i = m.size(); i-- > 0;) {
    int v = m[i] * mul + carry;
    m[i] = static_cast<uint8_t>(v & 0xFF);
    carry = v >> 8;
  }
  while (carry > 0) {
    m.insert(m.begin(), static_cast<uint8_t>(carry & 0xFF));
    carry >>= 8;
  }
}

// Divides by 10 in place, returns the remainder.
int DivTen(Magnitude& m) {
  int rem = 0;
  for (auto& b : m) {
    int cur = rem * 256 + b;
    b = static_cast<uint8_t>(cur / 10);
    rem = cur % 10;
  }
  while (!m.empty() && m.front() == 0) m.erase(m.begin());
  return rem;
}

void Negate(Magnitude& m) {  // two's complement over the current width
  for (auto& b : m) b = static_cast<uint8_t>(~b);
  for (size_t i = m.size(); i-- > 0;) {
    if (++m[i] != 0) break;
  }
}

// Sign + magnitude -> minimal two's complement bytes (BigInteger.toByteArray).
std::string ToTwosComplement(bool negative, Magnitude m) {
  while (!m.empty() && m.front() == 0) m.erase(m.begin());
  if (m.empty()) return std::string(1, '\0');
  m.insert(m.begin(), 0);  // room for the sign bit
  if (negative) Negate(m);
  // Drop redundant leading sign bytes.
  while (m.size() > 1 && ((m[0] == 0x00 && !(m[1] & 0x80)) || (m[0] == 0xFF && (m[1] & 0x80)))) {
    m.erase(m.begin());
  }
  return std::string(m.begin(), m.end());
}

// Two's complement -> sign + decimal digits of the magnitude.
std::pair<bool, std::string> ToSignedDigits(const std::string& bytes) {
  if (bytes.empty()) return {false, "0"};
  Magnitude m(bytes.begin(), bytes.end());
  bool negative = (m[0] & 0x80) != 0;
  if (negative) Negate(m);
  while (!m.empty() && m.front() == 0) m.erase(m.begin());
  std::string digits;
  while (!m.empty()) digits.push_back(static_cast<char>('0' + DivTen(m)));
  if (digits.empty()) digits = "0";
  std::reverse(digits.begin(), digits.end());
  return {negative, digits};
}

SchemaPtr MakePrimitive(SchemaType type, bool optional) {
  SchemaBuilder b(type);
  if (optional) b.Optional();
  return b.Build();
}

bool TypeMatches(const Schema& schema, const Value& value) {
  const std::optional<std::string>& name = schema.name();
  if (name) {
    if (*name == Decimal::kLogicalName) return value.is<Decimal>();
    if (*name == LogicalDate::kLogicalName || *name == LogicalTime::kLogicalName ||
        *name == LogicalTimestamp::kLogicalName) {
      return value.is<DateTime>();
    }
  }
  switch (schema.type()) {
    case SchemaType::kInt8: return value.is<int8_t>();
    case SchemaType::kInt16: return value.is<int16_t>();
    case SchemaType::kInt32: return value.is<int32_t>();
    case SchemaType::kInt64: return value.is<int64_t>();
    case SchemaType::kFloat32: return value.is<float>();
    case SchemaType::kFloat64: return value.is<double>();
    case SchemaType::kBoolean: return value.is<bool>();
    case SchemaType::kString: return value.is<std::string>();
    case SchemaType::kBytes: return value.is<Bytes>();
    case SchemaType::kStruct: return value.is<Struct>();
    case SchemaType::kArray: return value.is<Array>();
    case SchemaType::kMap: return value.is<Map>();
  }
  return false;
}

}  // namespace

std::string_view SchemaTypeName(SchemaType type) { return kTypeNames[static_cast<int>(type)]; }

std::optional<SchemaType> SchemaTypeFromName(std::string_view name) {
  std::string upper = absl::AsciiStrToUpper(std::string(name));
  for (int i = 0; i < 12; ++i) {
    if (kTypeNames[i] == upper) return static_cast<SchemaType>(i);
  }
  return std::nullopt;
}

bool IsPrimitive(SchemaType type) {
  return type != SchemaType::kStruct && type != SchemaType::kArray && type != SchemaType::kMap;
}

// ---- Decimal

SchemaPtr Decimal::Schema(int32_t scale, bool optional) {
  SchemaBuilder b = SchemaBuilder::BytesType();
  b.Name(std::string(kLogicalName)).Parameter(std::string(kScaleField), std::to_string(scale)).Version(1);
  if (optional) b.Optional();
  return b.Build();
}

absl::StatusOr<Decimal> Decimal::Parse(std::string_view text) {
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  Magnitude m;
  int frac_digits = 0;
  bool seen_point = false, seen_digit = false;
  size_t i = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      MulAdd(m, 10, c - '0');
      seen_digit = true;
      if (seen_point) ++frac_digits;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  int64_t exponent = 0;
  if (i < s.size()) {
    if (s[i] != 'e' && s[i] != 'E') {
      return absl::InvalidArgumentError(::kstreams::internal::StrCat("Not a decimal number: ", text));
    }
    std::string_view e = s.substr(i + 1);
    if (!e.empty() && e[0] == '+') e.remove_prefix(1);
    auto [p, ec] = std::from_chars(e.data(), e.data() + e.size(), exponent);
    if (ec != std::errc() || p != e.data() + e.size() || e.empty()) {
      return absl::InvalidArgumentError(::kstreams::internal::StrCat("Not a decimal number: ", text));
    }
  }
  if (!seen_digit) return absl::InvalidArgumentError(::kstreams::internal::StrCat("Not a decimal number: ", text));
  Decimal d;
  d.scale = static_cast<int32_t>(frac_digits - exponent);
  d.unscaled = ToTwosComplement(negative, std::move(m));
  return d;
}

Decimal Decimal::FromUnscaled(int64_t unscaled, int32_t scale) {
  Magnitude m;
  uint64_t mag = unscaled < 0 ? 0 - static_cast<uint64_t>(unscaled) : static_cast<uint64_t>(unscaled);
  for (int i = 7; i >= 0; --i) m.push_back(static_cast<uint8_t>(mag >> (8 * i)));
  Decimal d;
  d.unscaled = ToTwosComplement(unscaled < 0, std::move(m));
  d.scale = scale;
  return d;
}

std::string Decimal::ToString() const {
  auto [negative, coeff] = ToSignedDigits(unscaled);
  int64_t adjusted = -static_cast<int64_t>(scale) + static_cast<int64_t>(coeff.size()) - 1;
  std::string out = negative ? "-" : "";
  if (scale >= 0 && adjusted >= -6) return out + ToPlainString().substr(negative ? 1 : 0);
  out += coeff.substr(0, 1);
  if (coeff.size() > 1) out += "." + coeff.substr(1);
  out += "E";
  if (adjusted >= 0) out += "+";
  out += std::to_string(adjusted);
  return out;
}

std::string Decimal::ToPlainString() const {
  auto [negative, coeff] = ToSignedDigits(unscaled);
  std::string out = negative ? "-" : "";
  if (scale <= 0) {
    out += coeff;
    if (coeff != "0") out += std::string(-scale, '0');
    return out;
  }
  if (coeff.size() > static_cast<size_t>(scale)) {
    out += coeff.substr(0, coeff.size() - scale) + "." + coeff.substr(coeff.size() - scale);
  } else {
    out += "0." + std::string(scale - coeff.size(), '0') + coeff;
  }
  return out;
}

double Decimal::ToDouble() const { return std::strtod(ToString().c_str(), nullptr); }

SchemaPtr LogicalDate::Schema(bool optional) {
  SchemaBuilder b = SchemaBuilder::Int32();
  b.Name(std::string(kLogicalName)).Version(1);
  if (optional) b.Optional();
  return b.Build();
}
SchemaPtr LogicalTime::Schema(bool optional) {
  SchemaBuilder b = SchemaBuilder::Int32();
  b.Name(std::string(kLogicalName)).Version(1);
  if (optional) b.Optional();
  return b.Build();
}
SchemaPtr LogicalTimestamp::Schema(bool optional) {
  SchemaBuilder b = SchemaBuilder::Int64();
  b.Name(std::string(kLogicalName)).Version(1);
  if (optional) b.Optional();
  return b.Build();
}

// ---- Struct

Struct::Struct(SchemaPtr schema) : schema_(std::move(schema)) {
  values_.resize(schema_ ? schema_->fields().size() : 0);
}
Struct::Struct(const Struct&) = default;
Struct::Struct(Struct&&) noexcept = default;
Struct& Struct::operator=(const Struct&) = default;
Struct& Struct::operator=(Struct&&) noexcept = default;
Struct::~Struct() = default;

absl::Status Struct::Put(std::string_view field, Value value) {
  const Field* f = schema_->FindField(field);
  if (f == nullptr) return absl::InvalidArgumentError(::kstreams::internal::StrCat(field, " is not a valid field name"));
  absl::Status s = ValidateValue(f->schema, value, f->name);
  if (!s.ok()) return s;
  values_[f->index] = std::move(value);
  return absl::OkStatus();
}

const Value* Struct::Get(std::string_view field) const {
  const Field* f = schema_->FindField(field);
  if (f == nullptr) return nullptr;
  const Value& v = values_[f->index];
  if (v.is_null() && f->schema->default_value() != nullptr) return f->schema->default_value();
  return &v;
}

const Value* Struct::GetWithoutDefault(std::string_view field) const {
  const Field* f = schema_->FindField(field);
  return f == nullptr ? nullptr : &values_[f->index];
}

const Value& Struct::At(int index) const { return values_[index]; }
Value& Struct::At(int index) { return values_[index]; }
void Struct::Set(int index, Value value) { values_[index] = std::move(value); }

absl::Status Struct::Validate() const {
  for (const Field& f : schema_->fields()) {
    absl::Status s = ValidateValue(f.schema, values_[f.index], f.name);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

std::string Struct::ToString() const {
  std::string out = "Struct{";
  bool first = true;
  for (const Field& f : schema_->fields()) {
    const Value& v = values_[f.index];
    if (v.is_null()) continue;
    if (!first) out += ",";
    first = false;
    out += f.name + "=" + v.ToString();
  }
  return out + "}";
}

bool operator==(const Struct& a, const Struct& b) {
  return SameSchema(a.schema_, b.schema_) && a.values_ == b.values_;
}

// ---- Value

bool operator==(const Value& a, const Value& b) { return a.rep_ == b.rep_; }

std::optional<SchemaType> Value::InferredType() const {
  switch (rep_.index()) {
    case 1: return SchemaType::kBoolean;
    case 2: return SchemaType::kInt8;
    case 3: return SchemaType::kInt16;
    case 4: return SchemaType::kInt32;
    case 5: return SchemaType::kInt64;
    case 6: return SchemaType::kFloat32;
    case 7: return SchemaType::kFloat64;
    case 8: return SchemaType::kString;
    case 9: return SchemaType::kBytes;
    case 10: return SchemaType::kBytes;
    case 11: return SchemaType::kInt64;
    case 12: return SchemaType::kStruct;
    case 13: return SchemaType::kArray;
    case 14: return SchemaType::kMap;
    default: return std::nullopt;
  }
}

std::string Value::ToString() const {
  struct Visitor {
    std::string operator()(std::monostate) const { return "null"; }
    std::string operator()(bool v) const { return v ? "true" : "false"; }
    std::string operator()(int8_t v) const { return std::to_string(v); }
    std::string operator()(int16_t v) const { return std::to_string(v); }
    std::string operator()(int32_t v) const { return std::to_string(v); }
    std::string operator()(int64_t v) const { return std::to_string(v); }
    std::string operator()(float v) const { return internal::JavaFloatToString(v); }
    std::string operator()(double v) const { return internal::JavaDoubleToString(v); }
    std::string operator()(const std::string& v) const { return v; }
    std::string operator()(const Bytes& v) const { return internal::Base64Encode(v.data); }
    std::string operator()(const Decimal& v) const { return v.ToString(); }
    std::string operator()(const DateTime& v) const { return std::to_string(v.epoch_millis); }
    std::string operator()(const Struct& v) const { return v.ToString(); }
    std::string operator()(const Array& v) const {
      std::string out = "[";
      for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i].ToString();
      return out + "]";
    }
    std::string operator()(const Map& v) const {
      std::string out = "{";
      for (size_t i = 0; i < v.size(); ++i) {
        out += (i ? ", " : "") + v[i].first.ToString() + "=" + v[i].second.ToString();
      }
      return out + "}";
    }
  };
  return std::visit(Visitor{}, rep_);
}

std::string_view Value::JavaClassName() const {
  static constexpr std::string_view kNames[] = {
      "null", "java.lang.Boolean", "java.lang.Byte", "java.lang.Short", "java.lang.Integer",
      "java.lang.Long", "java.lang.Float", "java.lang.Double", "java.lang.String", "[B",
      "java.math.BigDecimal", "java.util.Date", "org.apache.kafka.connect.data.Struct",
      "java.util.ArrayList", "java.util.HashMap"};
  return kNames[rep_.index()];
}

const Value* MapGet(const Map& map, const Value& key) {
  for (const auto& [k, v] : map) {
    if (k == key) return &v;
  }
  return nullptr;
}

// ---- Schema

std::optional<std::string> Schema::Parameter(std::string_view key) const {
  if (!parameters_) return std::nullopt;
  for (const auto& [k, v] : *parameters_) {
    if (k == key) return v;
  }
  return std::nullopt;
}

const Field* Schema::FindField(std::string_view name) const {
  for (const Field& f : fields_) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

#define KSTREAMS_CONNECT_SCHEMA_CONSTANT(Fn, type, optional) \
  SchemaPtr Schema::Fn() {                                   \
    static const SchemaPtr kSchema = MakePrimitive(type, optional); \
    return kSchema;                                          \
  }
KSTREAMS_CONNECT_SCHEMA_CONSTANT(Int8, SchemaType::kInt8, false)
KSTREAMS_CONNECT_SCHEMA_CONSTANT(Int16, SchemaType::kInt16, false)
KSTREAMS_CONNECT_SCHEMA_CONSTANT(Int32, SchemaType::kInt32, false)
KSTREAMS_CONNECT_SCHEMA_CONSTANT(Int64, SchemaType::kInt64, false)
KSTREAMS_CONNECT_SCHEMA_CONSTANT(Float32, SchemaType::kFloat32, false)
KSTREAMS_CONNECT_SCHEMA_CONSTANT(Float64, SchemaType::kFloat64, false)
KSTREAMS_CONNECT_SCHEMA_CONSTANT(Boolean, SchemaType::kBoolean, false)
KSTREAMS_CONNECT_SCHEMA_CONSTANT(String, SchemaType::kString, false)
KSTREAMS_CONNECT_SCHEMA_CONSTANT(BytesSchema, SchemaType::kBytes, false)
KSTREAMS_CONNECT_SCHEMA_CONSTANT(OptionalInt8, SchemaType::kInt8, true)
KSTREAMS_CONNECT_SCHEMA_CONSTANT(OptionalInt16, SchemaType::kInt16, true)
KSTREAMS_CONNECT_SCHEMA_CONSTANT(OptionalInt32, SchemaType::kInt32, true)
KSTREAMS_CONNECT_SCHEMA_CONSTANT(OptionalInt64, SchemaType::kInt64, true)
KSTREAMS_CONNECT_SCHEMA_CONSTANT(OptionalFloat32, SchemaType::kFloat32, true)
KSTREAMS_CONNECT_SCHEMA_CONSTANT(OptionalFloat64, SchemaType::kFloat64, true)
KSTREAMS_CONNECT_SCHEMA_CONSTANT(OptionalBoolean, SchemaType::kBoolean, true)
KSTREAMS_CONNECT_SCHEMA_CONSTANT(OptionalString, SchemaType::kString, true)
KSTREAMS_CONNECT_SCHEMA_CONSTANT(OptionalBytes, SchemaType::kBytes, true)
#undef KSTREAMS_CONNECT_SCHEMA_CONSTANT

SchemaPtr Schema::OfType(SchemaType type, bool optional) {
  switch (type) {
    case SchemaType::kInt8: return optional ? OptionalInt8() : Int8();
    case SchemaType::kInt16: return optional ? OptionalInt16() : Int16();
    case SchemaType::kInt32: return optional ? OptionalInt32() : Int32();
    case SchemaType::kInt64: return optional ? OptionalInt64() : Int64();
    case SchemaType::kFloat32: return optional ? OptionalFloat32() : Float32();
    case SchemaType::kFloat64: return optional ? OptionalFloat64() : Float64();
    case SchemaType::kBoolean: return optional ? OptionalBoolean() : Boolean();
    case SchemaType::kString: return optional ? OptionalString() : String();
    case SchemaType::kBytes: return optional ? OptionalBytes() : BytesSchema();
    default: return MakePrimitive(type, optional);
  }
}

bool operator==(const Schema& a, const Schema& b) {
  if (&a == &b) return true;
  if (a.type_ != b.type_ || a.optional_ != b.optional_ || a.name_ != b.name_ ||
      a.version_ != b.version_ || a.doc_ != b.doc_ || a.parameters_ != b.parameters_) {
    return false;
  }
  if ((a.default_value_ == nullptr) != (b.default_value_ == nullptr)) return false;
  if (a.default_value_ && !(*a.default_value_ == *b.default_value_)) return false;
  if (a.fields_.size() != b.fields_.size()) return false;
  for (size_t i = 0; i < a.fields_.size(); ++i) {
    if (a.fields_[i].name != b.fields_[i].name || !SameSchema(a.fields_[i].schema, b.fields_[i].schema)) {
      return false;
    }
  }
  return SameSchema(a.key_schema_, b.key_schema_) && SameSchema(a.value_schema_, b.value_schema_);
}

std::string Schema::ToString() const {
  if (name_) return ::kstreams::internal::StrCat("Schema{", *name_, ":", SchemaTypeName(type_), "}");
  return ::kstreams::internal::StrCat("Schema{", SchemaTypeName(type_), "}");
}

bool SameSchema(const SchemaPtr& a, const SchemaPtr& b) {
  if (a == b) return true;
  if (a == nullptr || b == nullptr) return false;
  return *a == *b;
}

absl::Status ValidateValue(const SchemaPtr& schema, const Value& value, std::string_view field_name) {
  if (schema == nullptr) return absl::OkStatus();
  if (value.is_null()) {
    if (!schema->optional() && schema->default_value() == nullptr) {
      return absl::InvalidArgumentError(::kstreams::internal::StrCat(
          "Invalid value: null used for required field: \"", field_name,
          "\", schema type: ", SchemaTypeName(schema->type())));
    }
    return absl::OkStatus();
  }
  if (!TypeMatches(*schema, value)) {
    std::string where = field_name.empty() ? "" : ::kstreams::internal::StrCat(" for field: \"", field_name, "\"");
    if (schema->name()) {
      return absl::InvalidArgumentError(::kstreams::internal::StrCat("Invalid Java object for schema \"", *schema->name(),
                                                     "\" with type ", SchemaTypeName(schema->type()),
                                                     ": class ", value.JavaClassName(), where));
    }
    return absl::InvalidArgumentError(::kstreams::internal::StrCat("Invalid Java object for schema with type ",
                                                   SchemaTypeName(schema->type()), ": class ",
                                                   value.JavaClassName(), where));
  }
  switch (schema->type()) {
    case SchemaType::kStruct: {
      const Struct& s = *value.get_if<Struct>();
      if (!SameSchema(s.schema(), schema)) return absl::InvalidArgumentError("Struct schemas do not match.");
      return s.Validate();
    }
    case SchemaType::kArray:
      for (const Value& v : *value.get_if<Array>()) {
        absl::Status st = ValidateValue(schema->value_schema(), v, "entry");
        if (!st.ok()) return st;
      }
      return absl::OkStatus();
    case SchemaType::kMap:
      for (const auto& [k, v] : *value.get_if<Map>()) {
        absl::Status st = ValidateValue(schema->key_schema(), k, "key");
        if (!st.ok()) return st;
        st = ValidateValue(schema->value_schema(), v, "value");
        if (!st.ok()) return st;
      }
      return absl::OkStatus();
    default:
      return absl::OkStatus();
  }
}

// ---- SchemaBuilder

SchemaBuilder::SchemaBuilder(SchemaType type) : type_(type) {}

SchemaBuilder SchemaBuilder::Array(SchemaPtr value_schema) {
  SchemaBuilder b(SchemaType::kArray);
  b.value_schema_ = std::move(value_schema);
  return b;
}

SchemaBuilder SchemaBuilder::Map(SchemaPtr key_schema, SchemaPtr value_schema) {
  SchemaBuilder b(SchemaType::kMap);
  b.key_schema_ = std::move(key_schema);
  b.value_schema_ = std::move(value_schema);
  return b;
}

SchemaBuilder SchemaBuilder::CopyOf(const Schema& schema, bool with_fields_and_optionality) {
  SchemaBuilder b(schema.type());
  b.name_ = schema.name_;
  b.version_ = schema.version_;
  b.doc_ = schema.doc_;
  b.parameters_ = schema.parameters_;
  b.key_schema_ = schema.key_schema_;
  b.value_schema_ = schema.value_schema_;
  if (with_fields_and_optionality) {
    b.optional_ = schema.optional_;
    b.default_value_ = schema.default_value_;
    b.fields_ = schema.fields_;
  }
  return b;
}

SchemaBuilder& SchemaBuilder::Parameter(std::string key, std::string value) {
  if (!parameters_) parameters_.emplace();
  for (auto& [k, v] : *parameters_) {
    if (k == key) {
      v = std::move(value);
      return *this;
    }
  }
  parameters_->emplace_back(std::move(key), std::move(value));
  return *this;
}

SchemaBuilder& SchemaBuilder::DefaultValue(Value value) {
  default_value_ = std::make_shared<const Value>(std::move(value));
  return *this;
}

SchemaBuilder& SchemaBuilder::Field(std::string name, SchemaPtr schema) {
  int index = static_cast<int>(fields_.size());
  fields_.push_back(kstreams::connect::Field{std::move(name), index, std::move(schema)});
  return *this;
}

SchemaPtr SchemaBuilder::Build() const {
  auto s = std::make_shared<Schema>();
  s->type_ = type_;
  s->optional_ = optional_;
  s->default_value_ = default_value_;
  s->name_ = name_;
  s->version_ = version_;
  s->doc_ = doc_;
  s->parameters_ = parameters_;
  s->fields_ = fields_;
  s->key_schema_ = key_schema_;
  s->value_schema_ = value_schema_;
  return s;
}

}  // namespace kstreams::connect
