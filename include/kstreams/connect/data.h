// kstreams/connect/data.h
//
// Kafka Connect's data model (org.apache.kafka.connect.data): a Schema
// (INT8..INT64, FLOAT32/64, BOOLEAN, STRING, BYTES, STRUCT, ARRAY, MAP; optional,
// default, name, version, doc, parameters), the logical types Decimal, Date,
// Time and Timestamp, and the values records carry: a `Value` holds null, a
// primitive, a Struct, an array, a map, a Decimal or a DateTime (Java's
// java.util.Date, which the three time logical types use).
//
// Records may carry no schema at all (a null SchemaPtr): the value then says
// what it is (a schemaless JSON object is a Map with string keys, integers are
// INT64, floating numbers FLOAT64, as Connect's JsonConverter reads them).
//
// Thread-safety: a built Schema is immutable and shared (SchemaPtr); Values
// and Structs are plain values (thread-compatible).
//
// Example:
//
//   using namespace kstreams::connect;
//   SchemaPtr schema = SchemaBuilder::Struct().Name("order")
//       .Field("id", Schema::Int64())
//       .Field("price", Decimal::Schema(2))
//       .Field("note", Schema::OptionalString())
//       .Build();
//   Struct order(schema);
//   KSTREAMS_RETURN_IF_ERROR(order.Put("id", int64_t{42}));
//   KSTREAMS_RETURN_IF_ERROR(order.Put("price", *Decimal::Parse("10.25")));
//   KSTREAMS_RETURN_IF_ERROR(order.Validate());   // "note" may stay null
#ifndef KSTREAMS_CONNECT_DATA_H_
#define KSTREAMS_CONNECT_DATA_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace kstreams::connect {

// Schema.Type; SchemaTypeName gives Java's enum name ("INT32", "STRUCT").
enum class SchemaType {
  kInt8, kInt16, kInt32, kInt64, kFloat32, kFloat64, kBoolean, kString, kBytes,
  kStruct, kArray, kMap,
};
std::string_view SchemaTypeName(SchemaType type);
// Parses Java's enum name, case-insensitively (as Cast's spec does).
std::optional<SchemaType> SchemaTypeFromName(std::string_view name);
bool IsPrimitive(SchemaType type);

class Schema;
class Value;
using SchemaPtr = std::shared_ptr<const Schema>;

// Raw bytes (BYTES), distinct from a STRING.
struct Bytes {
  std::string data;
  friend bool operator==(const Bytes&, const Bytes&) = default;
};

// A java.math.BigDecimal: `unscaled` is the unscaled value as big-endian two's
// complement bytes (BigInteger.toByteArray(), minimal length), `scale` the
// number of digits after the point. The logical type Decimal (BYTES with
// parameter "scale").
struct Decimal {
  std::string unscaled;
  int32_t scale = 0;

  static constexpr std::string_view kLogicalName = "org.apache.kafka.connect.data.Decimal";
  static constexpr std::string_view kScaleField = "scale";
  // Decimal.schema(scale) / Decimal.builder(scale).optional().
  static SchemaPtr Schema(int32_t scale, bool optional = false);
  // "10.25", "-3", "1E+3": as new BigDecimal(text). InvalidArgument otherwise.
  static absl::StatusOr<Decimal> Parse(std::string_view text);
  static Decimal FromUnscaled(int64_t unscaled, int32_t scale);
  // BigDecimal.toString() (scientific notation for small exponents, as Java).
  std::string ToString() const;
  // BigDecimal.toPlainString().
  std::string ToPlainString() const;
  // The value as a double (approximate).
  double ToDouble() const;
  friend bool operator==(const Decimal&, const Decimal&) = default;
};

// A java.util.Date: milliseconds since the epoch, UTC. The value of the
// logical types Date (days since epoch, time part zero), Time (ms of the day,
// date part 1970-01-01) and Timestamp.
struct DateTime {
  int64_t epoch_millis = 0;
  friend bool operator==(const DateTime&, const DateTime&) = default;
};

// Logical type names and schemas (Date.SCHEMA, Time.SCHEMA, Timestamp.SCHEMA).
struct LogicalDate {
  static constexpr std::string_view kLogicalName = "org.apache.kafka.connect.data.Date";
  static SchemaPtr Schema(bool optional = false);
};
struct LogicalTime {
  static constexpr std::string_view kLogicalName = "org.apache.kafka.connect.data.Time";
  static SchemaPtr Schema(bool optional = false);
};
struct LogicalTimestamp {
  static constexpr std::string_view kLogicalName = "org.apache.kafka.connect.data.Timestamp";
  static SchemaPtr Schema(bool optional = false);
};

struct Field {
  std::string name;
  int index = 0;
  SchemaPtr schema;
};

// A STRUCT value: a schema and one value per field (null until Put).
class Struct {
 public:
  // REQUIRES: schema is a STRUCT schema.
  explicit Struct(SchemaPtr schema);
  Struct(const Struct&);
  Struct(Struct&&) noexcept;
  Struct& operator=(const Struct&);
  Struct& operator=(Struct&&) noexcept;
  ~Struct();

  const SchemaPtr& schema() const { return schema_; }
  // Checks the value against the field's schema (Struct.put).
  // Errors: InvalidArgument "<name> is not a valid field name", or the value
  // does not match the field's schema.
  absl::Status Put(std::string_view field, Value value);
  // The field's value, or its schema's default when null (Struct.get).
  // nullptr for an unknown field name.
  const Value* Get(std::string_view field) const;
  // The stored value without the default (Struct.getWithoutDefault).
  const Value* GetWithoutDefault(std::string_view field) const;
  const Value& At(int index) const;
  Value& At(int index);  // unchecked: Set() rules apply to what is stored
  void Set(int index, Value value);
  // Every required field without default is set, and each value matches.
  absl::Status Validate() const;
  // Struct.toString(): "Struct{id=42,name=x}" (null fields left out).
  std::string ToString() const;

  friend bool operator==(const Struct& a, const Struct& b);

 private:
  SchemaPtr schema_;
  std::vector<Value> values_;
};

using Array = std::vector<Value>;
// Map entries in insertion order (Java's maps; JSON objects keep their order).
using Map = std::vector<std::pair<Value, Value>>;

class Value {
 public:
  using Rep = std::variant<std::monostate, bool, int8_t, int16_t, int32_t, int64_t, float, double,
                           std::string, Bytes, Decimal, DateTime, Struct, Array, Map>;
  Value() = default;
  Value(bool v) : rep_(v) {}  // NOLINT: values convert implicitly, like Java's boxing
  Value(int8_t v) : rep_(v) {}
  Value(int16_t v) : rep_(v) {}
  Value(int32_t v) : rep_(v) {}
  Value(int64_t v) : rep_(v) {}
  Value(float v) : rep_(v) {}
  Value(double v) : rep_(v) {}
  Value(std::string v) : rep_(std::move(v)) {}
  Value(std::string_view v) : rep_(std::string(v)) {}
  Value(const char* v) : rep_(std::string(v)) {}
  Value(Bytes v) : rep_(std::move(v)) {}
  Value(Decimal v) : rep_(std::move(v)) {}
  Value(DateTime v) : rep_(v) {}
  Value(Struct v) : rep_(std::move(v)) {}
  Value(Array v) : rep_(std::move(v)) {}
  Value(Map v) : rep_(std::move(v)) {}

  bool is_null() const { return std::holds_alternative<std::monostate>(rep_); }
  template <typename T>
  const T* get_if() const { return std::get_if<T>(&rep_); }
  template <typename T>
  T* get_if() { return std::get_if<T>(&rep_); }
  template <typename T>
  bool is() const { return std::holds_alternative<T>(rep_); }
  const Rep& rep() const { return rep_; }
  Rep& rep() { return rep_; }

  // The schema type a schemaless value of this kind has
  // (ConnectSchema.schemaType(value.getClass())); nullopt for null,
  // Decimal/DateTime map to BYTES/INT64's logical types.
  std::optional<SchemaType> InferredType() const;
  // A short readable form for messages and StringConverter (Java's toString:
  // numbers, strings as is, "[1, 2]", "{a=1}", "Struct{...}").
  std::string ToString() const;
  // The value's Java class name for error messages ("java.lang.Integer").
  std::string_view JavaClassName() const;

  friend bool operator==(const Value& a, const Value& b);

 private:
  Rep rep_;
};

// Looks a key up in a Map (linear; Connect maps are small). nullptr if absent.
const Value* MapGet(const Map& map, const Value& key);

class Schema {
 public:
  SchemaType type() const { return type_; }
  bool optional() const { return optional_; }
  // nullptr when the schema has no default.
  const Value* default_value() const { return default_value_.get(); }
  const std::optional<std::string>& name() const { return name_; }
  const std::optional<int32_t>& version() const { return version_; }
  const std::optional<std::string>& doc() const { return doc_; }
  // nullopt when none were set (Java: null), in insertion order.
  const std::optional<std::vector<std::pair<std::string, std::string>>>& parameters() const {
    return parameters_;
  }
  std::optional<std::string> Parameter(std::string_view key) const;
  // STRUCT only.
  const std::vector<Field>& fields() const { return fields_; }
  const Field* FindField(std::string_view name) const;
  // MAP only (key), MAP and ARRAY (value).
  const SchemaPtr& key_schema() const { return key_schema_; }
  const SchemaPtr& value_schema() const { return value_schema_; }

  // Schema.INT8_SCHEMA ... and the OPTIONAL_*_SCHEMA constants.
  static SchemaPtr Int8();
  static SchemaPtr Int16();
  static SchemaPtr Int32();
  static SchemaPtr Int64();
  static SchemaPtr Float32();
  static SchemaPtr Float64();
  static SchemaPtr Boolean();
  static SchemaPtr String();
  static SchemaPtr BytesSchema();
  static SchemaPtr OptionalInt8();
  static SchemaPtr OptionalInt16();
  static SchemaPtr OptionalInt32();
  static SchemaPtr OptionalInt64();
  static SchemaPtr OptionalFloat32();
  static SchemaPtr OptionalFloat64();
  static SchemaPtr OptionalBoolean();
  static SchemaPtr OptionalString();
  static SchemaPtr OptionalBytes();
  // The primitive schema of `type` (optional or not).
  static SchemaPtr OfType(SchemaType type, bool optional);

  // Deep equality (ConnectSchema.equals).
  friend bool operator==(const Schema& a, const Schema& b);
  // "Schema{INT32}", "Schema{name:STRUCT}" as ConnectSchema.toString.
  std::string ToString() const;

 private:
  friend class SchemaBuilder;
  SchemaType type_ = SchemaType::kInt32;
  bool optional_ = false;
  std::shared_ptr<const Value> default_value_;
  std::optional<std::string> name_;
  std::optional<int32_t> version_;
  std::optional<std::string> doc_;
  std::optional<std::vector<std::pair<std::string, std::string>>> parameters_;
  std::vector<Field> fields_;
  SchemaPtr key_schema_;
  SchemaPtr value_schema_;
};

// Null-safe schema equality (both null, or equal).
bool SameSchema(const SchemaPtr& a, const SchemaPtr& b);

// Checks `value` against `schema` (ConnectSchema.validateValue): null only for
// optional schemas or ones with a default, the right C++ type for the schema
// type and logical type, struct schemas equal, elements recursively.
// `schema` may be null (anything goes). Errors: InvalidArgument (Java's
// DataException message).
absl::Status ValidateValue(const SchemaPtr& schema, const Value& value,
                           std::string_view field_name = {});

// SchemaBuilder: fluent, then Build(). Setting a property twice is allowed
// here (Java refuses; we keep the last).
class SchemaBuilder {
 public:
  explicit SchemaBuilder(SchemaType type);
  static SchemaBuilder Int8() { return SchemaBuilder(SchemaType::kInt8); }
  static SchemaBuilder Int16() { return SchemaBuilder(SchemaType::kInt16); }
  static SchemaBuilder Int32() { return SchemaBuilder(SchemaType::kInt32); }
  static SchemaBuilder Int64() { return SchemaBuilder(SchemaType::kInt64); }
  static SchemaBuilder Float32() { return SchemaBuilder(SchemaType::kFloat32); }
  static SchemaBuilder Float64() { return SchemaBuilder(SchemaType::kFloat64); }
  static SchemaBuilder Bool() { return SchemaBuilder(SchemaType::kBoolean); }
  static SchemaBuilder String() { return SchemaBuilder(SchemaType::kString); }
  static SchemaBuilder BytesType() { return SchemaBuilder(SchemaType::kBytes); }
  static SchemaBuilder Struct() { return SchemaBuilder(SchemaType::kStruct); }
  static SchemaBuilder Array(SchemaPtr value_schema);
  static SchemaBuilder Map(SchemaPtr key_schema, SchemaPtr value_schema);
  // A builder starting as a copy of `schema` (SchemaUtil.copySchemaBasics
  // copies type, name, version, doc, parameters; `with_fields` also copies
  // fields, optional and default).
  static SchemaBuilder CopyOf(const Schema& schema, bool with_fields_and_optionality = true);

  SchemaBuilder& Optional() { optional_ = true; return *this; }
  SchemaBuilder& Required() { optional_ = false; return *this; }
  SchemaBuilder& Name(std::string name) { name_ = std::move(name); return *this; }
  SchemaBuilder& Version(int32_t version) { version_ = version; return *this; }
  SchemaBuilder& Doc(std::string doc) { doc_ = std::move(doc); return *this; }
  SchemaBuilder& Parameter(std::string key, std::string value);
  SchemaBuilder& DefaultValue(Value value);
  SchemaBuilder& Field(std::string name, SchemaPtr schema);

  SchemaType type() const { return type_; }
  bool optional() const { return optional_; }
  const std::vector<kstreams::connect::Field>& fields() const { return fields_; }

  // REQUIRES: fields only on STRUCT builders.
  SchemaPtr Build() const;

 private:
  SchemaType type_;
  bool optional_ = false;
  std::shared_ptr<const Value> default_value_;
  std::optional<std::string> name_;
  std::optional<int32_t> version_;
  std::optional<std::string> doc_;
  std::optional<std::vector<std::pair<std::string, std::string>>> parameters_;
  std::vector<kstreams::connect::Field> fields_;
  SchemaPtr key_schema_;
  SchemaPtr value_schema_;
};

// A schema and a value (SchemaAndValue): what converters produce.
struct SchemaAndValue {
  SchemaPtr schema;
  Value value;
};

}  // namespace kstreams::connect

#endif  // KSTREAMS_CONNECT_DATA_H_
