// kstreams/schema/avro_schema.h
//
// avro::Schema: a parsed Avro schema (the JSON form of the Avro 1.11
// specification). Encoding and decoding go through Apache Avro's C library
// (Debian's libavro, avro-c 1.11); this class also keeps what avro-c drops
// when it parses a schema — field defaults, aliases, enum defaults, logical
// types (decimal, date, timestamp-millis, uuid) — in a small tree of
// avro::Node, which the generic values, the resolution of a writer's schema
// to a reader's, and the compatibility checker read.
//
// Thread-safety: immutable after Parse; copies share one parsed tree and may
// be used from any thread.
//
// Example:
//
//   KSTREAMS_ASSIGN_OR_RETURN(kstreams::avro::Schema schema,
//       kstreams::avro::Schema::Parse(R"({"type":"record","name":"Order",
//           "fields":[{"name":"id","type":"long"}]})"));
//   schema.FullName();          // "Order"
//   schema.CanonicalJson();     // the text the registry compares and stores
#ifndef KSTREAMS_SCHEMA_AVRO_SCHEMA_H_
#define KSTREAMS_SCHEMA_AVRO_SCHEMA_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace kstreams::avro {

// The Avro types (the specification's primitive and complex types).
enum class Type {
  kNull, kBoolean, kInt, kLong, kFloat, kDouble, kBytes, kString,
  kRecord, kEnum, kArray, kMap, kUnion, kFixed,
};
// "null", "boolean", ..., "fixed" (the specification's names).
std::string_view TypeName(Type type);

enum class LogicalType { kNone, kDecimal, kDate, kTimestampMillis, kUuid };

struct Node;

// A field of a record.
struct Field {
  std::string name;
  std::vector<std::string> aliases;
  const Node* type = nullptr;
  // The field's default as JSON text (the specification's JSON encoding of
  // default values), when it has one.
  std::optional<std::string> default_json;
};

// One node of a parsed schema. Named types (record, enum, fixed) appear once;
// references to them point to the same node, so a recursive schema is a
// graph, not a tree. Owned by the Schema; valid while any copy of it lives.
struct Node {
  Type type = Type::kNull;
  std::string name;        // full name of a named type ("ns.Order")
  std::vector<std::string> aliases;  // full names
  std::vector<Field> fields;         // record
  std::vector<std::string> symbols;  // enum
  std::optional<std::string> enum_default;  // enum
  const Node* items = nullptr;       // array
  const Node* values = nullptr;      // map
  std::vector<const Node*> branches; // union
  int32_t size = 0;                  // fixed
  LogicalType logical = LogicalType::kNone;
  int32_t precision = 0, scale = 0;  // decimal

  // The unqualified name ("Order" for "ns.Order").
  std::string_view ShortName() const;
  // Index of the field named `name`, or -1.
  int FieldIndex(std::string_view name) const;
};

class Schema {
 public:
  // Parses a schema in Avro's JSON form. Errors name what is wrong (avro-c's
  // message, or the field/type our own parse rejects).
  static absl::StatusOr<Schema> Parse(std::string_view json);

  const Node& root() const;
  Type type() const { return root().type; }
  // The full name of a named root type; the type's name otherwise.
  std::string FullName() const;
  // A normalized JSON text of the schema (keys sorted, no whitespace, named
  // types defined at their first use). Equal schemas give equal text; it is
  // what the registry stores and what the client caches by.
  const std::string& CanonicalJson() const;
  // The avro-c schema (avro_schema_t); for the schema layer's own use.
  void* raw() const;

  friend bool operator==(const Schema& a, const Schema& b) {
    return a.CanonicalJson() == b.CanonicalJson();
  }

  struct Impl;

 private:
  explicit Schema(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace kstreams::avro

#endif  // KSTREAMS_SCHEMA_AVRO_SCHEMA_H_
