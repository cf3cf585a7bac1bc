// kstreams/schema/avro_value.h
//
// Generic Avro data: avro::GenericValue owns one value of a schema (an avro-c
// generic value underneath); avro::ValueRef is a view into a part of it — a
// field of a record, an element of an array, a map entry, the current branch
// of a union. Records are read and written by field name; logical types have
// their own accessors (decimal, date, timestamp-millis, uuid).
//
// Encode/Decode use avro-c's binary encoding. Decode(bytes, writer, reader)
// reads data written with `writer` as `reader` (Avro's schema resolution):
// avro-c resolves what it can (avro_resolved_writer: promotions, reordered
// and dropped fields, enums and unions by name); what avro-c 1.11 cannot —
// a reader field missing from the writer, filled from its default, field
// aliases, enum defaults — is resolved here, from the writer's decoded value.
//
// Errors: accessors return absl::Status; asking a value for the wrong type
// (GetInt on a string, Field on an array) is an InvalidArgument error naming
// both types, never undefined behaviour.
//
// Thread-safety: thread-compatible. A GenericValue is a plain value; a
// ValueRef is valid while its GenericValue lives and the part it views is
// not removed (a union switched to another branch, an array cleared).
//
// Example:
//
//   kstreams::avro::GenericValue order(schema);   // record Order {id, lines}
//   KSTREAMS_RETURN_IF_ERROR(order.Field("id")->SetLong(7));
//   KSTREAMS_ASSIGN_OR_RETURN(auto line, order.Field("lines")->Append());
//   KSTREAMS_RETURN_IF_ERROR(line.Field("sku")->SetString("A-1"));
//   std::string bytes;
//   KSTREAMS_RETURN_IF_ERROR(kstreams::avro::Encode(order, bytes));
#ifndef KSTREAMS_SCHEMA_AVRO_VALUE_H_
#define KSTREAMS_SCHEMA_AVRO_VALUE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "kstreams/schema/avro_schema.h"
#include "kstreams/serde/serde.h"

namespace kstreams::avro {

// An Avro decimal: an unscaled two's-complement big-endian integer and the
// schema's scale (value = unscaled * 10^-scale).
struct Decimal {
  std::string unscaled;  // big-endian two's complement, as Avro stores it
  int32_t scale = 0;

  static Decimal FromInt64(int64_t unscaled, int32_t scale);
  // The unscaled value, when it fits.
  absl::StatusOr<int64_t> UnscaledInt64() const;
  // "12.34" for unscaled 1234, scale 2 (unscaled values that fit int64).
  std::string ToString() const;
  friend bool operator==(const Decimal&, const Decimal&) = default;
};

class GenericValue;

class ValueRef {
 public:
  Type type() const;
  const Node& node() const { return *node_; }

  // Scalars. Getters fail on another type; setters too (no conversions,
  // except that SetInt on a long/float/double field widens, as Avro
  // promotes).
  absl::Status SetNull();
  absl::StatusOr<bool> GetBool() const;
  absl::Status SetBool(bool v);
  absl::StatusOr<int32_t> GetInt() const;
  absl::Status SetInt(int32_t v);
  absl::StatusOr<int64_t> GetLong() const;
  absl::Status SetLong(int64_t v);
  absl::StatusOr<float> GetFloat() const;
  absl::Status SetFloat(float v);
  absl::StatusOr<double> GetDouble() const;
  absl::Status SetDouble(double v);
  // string, bytes and fixed. The view is valid until the value changes.
  absl::StatusOr<std::string_view> GetString() const;
  absl::Status SetString(std::string_view v);
  absl::StatusOr<std::string_view> GetBytes() const;
  absl::Status SetBytes(std::string_view v);
  absl::StatusOr<std::string_view> GetFixed() const;
  absl::Status SetFixed(std::string_view v);  // REQUIRES size == schema size
  // Enums by symbol.
  absl::StatusOr<std::string_view> GetEnum() const;
  absl::Status SetEnum(std::string_view symbol);

  // Logical types (the field's schema must carry the logical type).
  absl::StatusOr<Decimal> GetDecimal() const;
  absl::Status SetDecimal(const Decimal& d);  // rescales nothing: scales must match
  absl::StatusOr<absl::CivilDay> GetDate() const;
  absl::Status SetDate(absl::CivilDay day);
  absl::StatusOr<absl::Time> GetTimestampMillis() const;
  absl::Status SetTimestampMillis(absl::Time t);
  absl::StatusOr<Uuid> GetUuid() const;
  absl::Status SetUuid(const Uuid& u);

  // Records.
  absl::StatusOr<ValueRef> Field(std::string_view name) const;
  absl::StatusOr<ValueRef> FieldAt(size_t index) const;

  // Arrays and maps: number of elements / entries.
  absl::StatusOr<size_t> Size() const;
  absl::StatusOr<ValueRef> Element(size_t index) const;   // array
  absl::StatusOr<ValueRef> Append();                      // array
  // Maps: the entry for `key`, added (with a zero value) when absent.
  absl::StatusOr<ValueRef> MapEntry(std::string_view key);
  absl::StatusOr<std::optional<ValueRef>> MapGet(std::string_view key) const;
  // The index-th entry in insertion order: (key, value).
  absl::StatusOr<std::pair<std::string_view, ValueRef>> MapAt(size_t index) const;
  absl::Status Clear();  // empties an array or a map

  // Unions.
  absl::StatusOr<int> Branch() const;
  absl::StatusOr<ValueRef> Current() const;
  // Selects branch `index` and returns it (a fresh zero value when the
  // branch changes).
  absl::StatusOr<ValueRef> SetBranch(int index);
  // Selects the first branch of type `t` (named types: also by full name).
  absl::StatusOr<ValueRef> SetBranch(Type t, std::string_view name = {});

  // JSON text (avro-c's rendering), for messages and printing.
  std::string ToJson() const;

  // The avro-c value (avro_value_t*), for the schema layer's own use.
  void* raw_iface() const { return iface_; }
  void* raw_self() const { return self_; }
  ValueRef(void* iface, void* self, const Node* node) : iface_(iface), self_(self), node_(node) {}

 private:
  void* iface_;
  void* self_;
  const Node* node_;
};

// One owned Avro value of a schema, initially zero (0, "", empty arrays,
// the first branch of each union).
class GenericValue {
 public:
  explicit GenericValue(Schema schema);
  ~GenericValue();
  GenericValue(const GenericValue& other);
  GenericValue& operator=(const GenericValue& other);
  GenericValue(GenericValue&& other) noexcept;
  GenericValue& operator=(GenericValue&& other) noexcept;

  const Schema& schema() const { return schema_; }
  ValueRef root() const;

  // Shortcuts to root().
  absl::StatusOr<ValueRef> Field(std::string_view name) const { return root().Field(name); }
  Type type() const { return schema_.type(); }
  std::string ToJson() const { return root().ToJson(); }

  // Same schema and equal data (avro-c's avro_value_equal).
  friend bool operator==(const GenericValue& a, const GenericValue& b);
  friend std::ostream& operator<<(std::ostream& os, const GenericValue& v) {
    return os << v.ToJson();
  }

 private:
  Schema schema_;
  void* iface_ = nullptr;  // avro_value_iface_t*
  void* self_ = nullptr;   // avro_value_t.self
};

// Appends nothing: replaces `out` with the Avro binary encoding of `value`.
absl::Status Encode(const GenericValue& value, std::string& out);
absl::Status EncodeTo(ValueRef value, std::string& out);  // appends

// Decodes `data` written with `writer` into a value of `reader` (Avro's
// schema resolution). Fails when the data is short or corrupt, or when
// `writer` cannot be resolved to `reader`.
absl::StatusOr<GenericValue> Decode(std::string_view data, const Schema& writer,
                                    const Schema& reader);

// A reusable decoder for one (writer, reader) pair: the resolution is worked
// out once. Thread-compatible (a decoder per thread, or a lock).
class Decoder {
 public:
  static absl::StatusOr<std::unique_ptr<Decoder>> Create(Schema writer, Schema reader);
  ~Decoder();
  absl::StatusOr<GenericValue> Decode(std::string_view data) const;

 private:
  Decoder(Schema writer, Schema reader) : writer_(std::move(writer)), reader_(std::move(reader)) {}
  Schema writer_;
  Schema reader_;
  void* resolved_iface_ = nullptr;  // avro-c's resolved writer, when it resolves alone
  void* writer_iface_ = nullptr;    // otherwise: decode as the writer, then project
};

// Whether `data` starts with a well-formed encoding of a `writer` value:
// every length within the bytes left, every union branch and enum symbol
// in range (avro_binary.h). Decoder::Decode checks it before avro-c reads.
absl::Status CheckEncoding(const Schema& writer, std::string_view data);

// Sets `target` from a JSON text in the specification's encoding of default
// values (bytes and fixed as ISO-8859-1 strings; a union as its first branch).
absl::Status SetFromDefaultJson(ValueRef target, std::string_view json);

}  // namespace kstreams::avro

#endif  // KSTREAMS_SCHEMA_AVRO_VALUE_H_
