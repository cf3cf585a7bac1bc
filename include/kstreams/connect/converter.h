// kstreams/connect/converter.h
//
// Converters between Kafka's bytes and Connect's schema + value
// (org.apache.kafka.connect.storage.Converter), found by Connect's class
// names and configured with Connect's keys:
//
//   org.apache.kafka.connect.storage.StringConverter      converter.encoding (UTF-8)
//   org.apache.kafka.connect.converters.ByteArrayConverter
//   org.apache.kafka.connect.json.JsonConverter           schemas.enable (true),
//        decimal.format (BASE64 | NUMERIC), schemas.cache.size,
//        replace.null.with.default (true)
//
// JsonConverter writes the {"schema":...,"payload":...} envelope byte for byte
// as Kafka Connect does (field order, logical types, bytes as base64, numbers
// in Java's text form), and reads what Connect writes.
//
// Null bytes (a Kafka null) are null values; FromConnectData returns nullopt
// for a null it should write as a Kafka null.
//
// Thread-safety: a configured converter is used by one task thread.
//
// Example:
//
//   KSTREAMS_ASSIGN_OR_RETURN(auto json, CreateConverter(
//       "org.apache.kafka.connect.json.JsonConverter", {{"schemas.enable", "false"}},
//       /*is_key=*/false));
//   KSTREAMS_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
//       json->FromConnectData("topic", Schema::Int32(), Value(int32_t{5})));  // "5"
#ifndef KSTREAMS_CONNECT_CONVERTER_H_
#define KSTREAMS_CONNECT_CONVERTER_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kstreams/connect/config_def.h"
#include "kstreams/connect/data.h"

namespace kstreams::connect {

class Converter {
 public:
  virtual ~Converter() = default;
  // Connect's class name ("org.apache.kafka.connect.json.JsonConverter").
  virtual std::string_view ClassName() const = 0;
  virtual absl::Status Configure(const ConfigMap& configs, bool is_key) = 0;
  // Errors: InvalidArgument (Java's DataException), message as Connect's.
  virtual absl::StatusOr<std::optional<std::string>> FromConnectData(std::string_view topic,
                                                                     const SchemaPtr& schema,
                                                                     const Value& value) = 0;
  virtual absl::StatusOr<SchemaAndValue> ToConnectData(std::string_view topic,
                                                       const std::optional<std::string_view>& bytes) = 0;
};

// Creates and configures a converter by class name (also the simple name,
// "JsonConverter"). NotFound for an unknown class, InvalidArgument for a bad
// config.
absl::StatusOr<std::unique_ptr<Converter>> CreateConverter(std::string_view class_name,
                                                           const ConfigMap& configs, bool is_key);

// Header values travel as bytes through a header converter
// (`header.converter`). kstreams' default writes a STRING as its UTF-8
// bytes, null as a null header, BYTES raw, numbers and booleans in Java's
// text form and anything else as schemaless JSON; it reads every header back
// as an optional STRING. (Connect's SimpleHeaderConverter also infers the
// type of numbers and booleans when reading; we do not, yet.)
class HeaderConverter {
 public:
  virtual ~HeaderConverter() = default;
  virtual absl::StatusOr<std::optional<std::string>> FromConnectHeader(std::string_view topic,
                                                                       std::string_view key,
                                                                       const SchemaPtr& schema,
                                                                       const Value& value) = 0;
  virtual absl::StatusOr<SchemaAndValue> ToConnectHeader(std::string_view topic, std::string_view key,
                                                         const std::optional<std::string_view>& bytes) = 0;
};
absl::StatusOr<std::unique_ptr<HeaderConverter>> CreateHeaderConverter(std::string_view class_name,
                                                                       const ConfigMap& configs);

}  // namespace kstreams::connect

#endif  // KSTREAMS_CONNECT_CONVERTER_H_
