// The built-in converters: StringConverter, ByteArrayConverter, JsonConverter
// (its envelope as Kafka Connect's connect/json writes it), and the header
// converter. JSON is parsed with nlohmann's ordered_json (object members keep
// their order, as Jackson's ObjectNode does) and written by hand, so numbers
// get Java's text forms and members Connect's order.
#include <cmath>
#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "connect/java_text.h"
#include "kstreams/internal/strings.h"
#include "kstreams/connect/converter.h"
#include "kstreams/status_macros.h"

namespace kstreams::connect {
namespace {

using Json = nlohmann::ordered_json;
using internal::AppendJsonString;

constexpr int64_t kMillisPerDay = 24LL * 60 * 60 * 1000;

absl::Status DataError(std::string message) { return absl::InvalidArgumentError(std::move(message)); }

// ---------------------------------------------------------------- String

class StringConverter final : public Converter {
 public:
  std::string_view ClassName() const override { return "org.apache.kafka.connect.storage.StringConverter"; }
  absl::Status Configure(const ConfigMap& configs, bool) override {
    auto it = configs.find("converter.encoding");
    if (it != configs.end()) {
      std::string enc = absl::AsciiStrToUpper(it->second);
      if (enc != "UTF-8" && enc != "UTF8") {
        return InvalidConfig("converter.encoding", it->second,
                             "kstreams' StringConverter supports UTF-8 only");
      }
    }
    return absl::OkStatus();
  }
  absl::StatusOr<std::optional<std::string>> FromConnectData(std::string_view, const SchemaPtr&,
                                                             const Value& value) override {
    if (value.is_null()) return std::optional<std::string>();
    return std::optional<std::string>(value.ToString());
  }
  absl::StatusOr<SchemaAndValue> ToConnectData(std::string_view,
                                               const std::optional<std::string_view>& bytes) override {
    SchemaAndValue out{Schema::OptionalString(), Value()};
    if (bytes) out.value = Value(std::string(*bytes));
    return out;
  }
};

// ---------------------------------------------------------------- ByteArray

class ByteArrayConverter final : public Converter {
 public:
  std::string_view ClassName() const override { return "org.apache.kafka.connect.converters.ByteArrayConverter"; }
  absl::Status Configure(const ConfigMap&, bool) override { return absl::OkStatus(); }
  absl::StatusOr<std::optional<std::string>> FromConnectData(std::string_view, const SchemaPtr& schema,
                                                             const Value& value) override {
    if (schema != nullptr && schema->type() != SchemaType::kBytes) {
      return DataError(::kstreams::internal::StrCat("Invalid schema type for ByteArrayConverter: ",
                                    SchemaTypeName(schema->type())));
    }
    if (value.is_null()) return std::optional<std::string>();
    const Bytes* b = value.get_if<Bytes>();
    if (b == nullptr) {
      return DataError(::kstreams::internal::StrCat("ByteArrayConverter is not compatible with objects of type class ",
                                    value.JavaClassName()));
    }
    return std::optional<std::string>(b->data);
  }
  absl::StatusOr<SchemaAndValue> ToConnectData(std::string_view,
                                               const std::optional<std::string_view>& bytes) override {
    SchemaAndValue out{Schema::OptionalBytes(), Value()};
    if (bytes) out.value = Value(Bytes{std::string(*bytes)});
    return out;
  }
};

// ---------------------------------------------------------------- JSON

std::string_view JsonTypeName(SchemaType t) {
  switch (t) {
    case SchemaType::kBoolean: return "boolean";
    case SchemaType::kInt8: return "int8";
    case SchemaType::kInt16: return "int16";
    case SchemaType::kInt32: return "int32";
    case SchemaType::kInt64: return "int64";
    case SchemaType::kFloat32: return "float";
    case SchemaType::kFloat64: return "double";
    case SchemaType::kBytes: return "bytes";
    case SchemaType::kString: return "string";
    case SchemaType::kArray: return "array";
    case SchemaType::kMap: return "map";
    case SchemaType::kStruct: return "struct";
  }
  return "?";
}

// Jackson's JsonNodeType names, for messages.
std::string_view NodeType(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null: return "NULL";
    case Json::value_t::object: return "OBJECT";
    case Json::value_t::array: return "ARRAY";
    case Json::value_t::string: return "STRING";
    case Json::value_t::boolean: return "BOOLEAN";
    case Json::value_t::binary: return "BINARY";
    case Json::value_t::discarded: return "MISSING";
    default: return "NUMBER";
  }
}

void AppendDouble(std::string& out, double d) {
  std::string s = internal::JavaDoubleToString(d);
  if (std::isnan(d) || std::isinf(d)) {
    AppendJsonString(out, s);  // Jackson's WRITE_NAN_AS_STRINGS
  } else {
    out += s;
  }
}

void AppendFloat(std::string& out, float f) {
  std::string s = internal::JavaFloatToString(f);
  if (std::isnan(f) || std::isinf(f)) {
    AppendJsonString(out, s);
  } else {
    out += s;
  }
}

class JsonConverter final : public Converter {
 public:
  std::string_view ClassName() const override { return "org.apache.kafka.connect.json.JsonConverter"; }

  absl::Status Configure(const ConfigMap& configs, bool) override {
    ConfigDef def;
    def.Define("schemas.enable", ConfigType::kBoolean, "true", Importance::kHigh,
               "Include schemas within each of the serialized values and keys.")
        .Define("schemas.cache.size", ConfigType::kInt, "1000", Importance::kHigh,
                "The maximum number of schemas that can be cached in this converter instance.")
        .Define("decimal.format", ConfigType::kString, "BASE64", Importance::kLow,
                "How to serialize decimals: BASE64 or NUMERIC.",
                ConfigDef::InIgnoreCase({"BASE64", "NUMERIC"}))
        .Define("replace.null.with.default", ConfigType::kBoolean, "true", Importance::kLow,
                "Whether to replace fields that have a default value and that are null to the default value.");
    KSTREAMS_ASSIGN_OR_RETURN(ParsedConfig parsed, def.Parse(configs));
    schemas_enable_ = parsed.GetBool("schemas.enable");
    numeric_decimal_ = absl::EqualsIgnoreCase(*parsed.GetString("decimal.format"), "NUMERIC");
    replace_null_with_default_ = parsed.GetBool("replace.null.with.default");
    return absl::OkStatus();
  }

  absl::StatusOr<std::optional<std::string>> FromConnectData(std::string_view, const SchemaPtr& schema,
                                                             const Value& value) override {
    if (schema == nullptr && value.is_null()) return std::optional<std::string>();
    std::string out;
    if (schemas_enable_) {
      out += "{\"schema\":";
      if (schema == nullptr) {
        out += "null";
      } else {
        KSTREAMS_RETURN_IF_ERROR(AppendSchema(out, *schema));
      }
      out += ",\"payload\":";
      KSTREAMS_RETURN_IF_ERROR(AppendValue(out, schema, value));
      out += "}";
    } else {
      KSTREAMS_RETURN_IF_ERROR(AppendValue(out, schema, value));
    }
    return std::optional<std::string>(std::move(out));
  }

  absl::StatusOr<SchemaAndValue> ToConnectData(std::string_view,
                                               const std::optional<std::string_view>& bytes) override {
    if (!bytes) return SchemaAndValue{};  // a tombstone
    Json json = Json::parse(bytes->begin(), bytes->end(), nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded()) {
      return DataError(
          "Converting byte[] to Kafka Connect data failed due to serialization error: invalid JSON");
    }
    if (schemas_enable_) {
      if (!json.is_object() || json.size() != 2 || !json.contains("schema") || !json.contains("payload")) {
        return DataError(
            "JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields and may not "
            "contain additional fields. If you are trying to deserialize plain JSON data, set "
            "schemas.enable=false in your converter configuration.");
      }
      KSTREAMS_ASSIGN_OR_RETURN(SchemaPtr schema, AsConnectSchema(json["schema"]));
      KSTREAMS_ASSIGN_OR_RETURN(Value value, ConvertToConnect(schema, &json["payload"]));
      return SchemaAndValue{std::move(schema), std::move(value)};
    }
    KSTREAMS_ASSIGN_OR_RETURN(Value value, ConvertToConnect(nullptr, &json));
    return SchemaAndValue{nullptr, std::move(value)};
  }

 private:
  // JsonConverter.asJsonSchema: type, its members, optional, name, version,
  // doc, parameters, default (and "field" last, added by the struct).
  absl::Status AppendSchemaBody(std::string& out, const Schema& schema) {
    out += "{\"type\":\"";
    out += JsonTypeName(schema.type());
    out += "\"";
    switch (schema.type()) {
      case SchemaType::kArray:
        out += ",\"items\":";
        KSTREAMS_RETURN_IF_ERROR(AppendSchema(out, *schema.value_schema()));
        break;
      case SchemaType::kMap:
        out += ",\"keys\":";
        KSTREAMS_RETURN_IF_ERROR(AppendSchema(out, *schema.key_schema()));
        out += ",\"values\":";
        KSTREAMS_RETURN_IF_ERROR(AppendSchema(out, *schema.value_schema()));
        break;
      case SchemaType::kStruct:
        out += ",\"fields\":[";
        for (size_t i = 0; i < schema.fields().size(); ++i) {
          const Field& f = schema.fields()[i];
          if (i > 0) out += ",";
          KSTREAMS_RETURN_IF_ERROR(AppendSchemaBody(out, *f.schema));
          out += ",\"field\":";
          AppendJsonString(out, f.name);
          out += "}";
        }
        out += "]";
        break;
      default:
        break;
    }
    out += ",\"optional\":";
    out += schema.optional() ? "true" : "false";
    if (schema.name()) {
      out += ",\"name\":";
      AppendJsonString(out, *schema.name());
    }
    if (schema.version()) ::kstreams::internal::StrAppend(&out, ",\"version\":", *schema.version());
    if (schema.doc()) {
      out += ",\"doc\":";
      AppendJsonString(out, *schema.doc());
    }
    if (schema.parameters()) {
      out += ",\"parameters\":{";
      bool first = true;
      for (const auto& [k, v] : *schema.parameters()) {
        if (!first) out += ",";
        first = false;
        AppendJsonString(out, k);
        out += ":";
        AppendJsonString(out, v);
      }
      out += "}";
    }
    if (schema.default_value() != nullptr) {
      out += ",\"default\":";
      // The default is written through the schema itself (its own default
      // is never needed: the value is not null).
      KSTREAMS_RETURN_IF_ERROR(AppendValue(out, SchemaPtr(SchemaPtr(), &schema), *schema.default_value()));
    }
    return absl::OkStatus();
  }

  absl::Status AppendSchema(std::string& out, const Schema& schema) {
    KSTREAMS_RETURN_IF_ERROR(AppendSchemaBody(out, schema));
    out += "}";
    return absl::OkStatus();
  }

  absl::Status AppendLogical(std::string& out, const Schema& schema, const Value& value, bool* handled) {
    *handled = true;
    const std::string& name = *schema.name();
    if (name == Decimal::kLogicalName) {
      const Decimal* d = value.get_if<Decimal>();
      if (d == nullptr) {
        return DataError(::kstreams::internal::StrCat("Invalid type for Decimal, expected BigDecimal but was class ",
                                      value.JavaClassName()));
      }
      std::optional<std::string> scale = schema.Parameter(Decimal::kScaleField);
      if (scale && *scale != std::to_string(d->scale)) {
        return DataError(::kstreams::internal::StrCat("BigDecimal has mismatching scale value for given Decimal schema"));
      }
      if (numeric_decimal_) {
        out += d->ToString();
      } else {
        AppendJsonString(out, internal::Base64Encode(d->unscaled));
      }
      return absl::OkStatus();
    }
    bool is_date = name == LogicalDate::kLogicalName, is_time = name == LogicalTime::kLogicalName,
         is_ts = name == LogicalTimestamp::kLogicalName;
    if (is_date || is_time || is_ts) {
      const DateTime* t = value.get_if<DateTime>();
      std::string_view what = is_date ? "Date" : is_time ? "Time" : "Timestamp";
      if (t == nullptr) {
        return DataError(::kstreams::internal::StrCat("Invalid type for ", what, ", expected Date but was class ",
                                      value.JavaClassName()));
      }
      if (is_date) {
        if (t->epoch_millis % kMillisPerDay != 0) {
          return DataError("Kafka Connect Date type should not have any time fields set to non-zero values.");
        }
        ::kstreams::internal::StrAppend(&out, t->epoch_millis / kMillisPerDay);
      } else if (is_time) {
        if (t->epoch_millis < 0 || t->epoch_millis >= kMillisPerDay) {
          return DataError("Kafka Connect Time type should not have any date fields set to non-zero values.");
        }
        ::kstreams::internal::StrAppend(&out, t->epoch_millis);
      } else {
        ::kstreams::internal::StrAppend(&out, t->epoch_millis);
      }
      return absl::OkStatus();
    }
    *handled = false;
    return absl::OkStatus();
  }

  // JsonConverter.convertToJson.
  absl::Status AppendValue(std::string& out, const SchemaPtr& schema, const Value& value) {
    if (value.is_null()) {
      if (schema == nullptr) {
        out += "null";
        return absl::OkStatus();
      }
      if (schema->default_value() != nullptr && replace_null_with_default_) {
        return AppendValue(out, schema, *schema->default_value());
      }
      if (schema->optional()) {
        out += "null";
        return absl::OkStatus();
      }
      return DataError("Conversion error: null value for field that is required and has no default value");
    }
    if (schema != nullptr && schema->name()) {
      bool handled = false;
      KSTREAMS_RETURN_IF_ERROR(AppendLogical(out, *schema, value, &handled));
      if (handled) return absl::OkStatus();
    }
    SchemaType type;
    if (schema == nullptr) {
      if (value.is<Decimal>() || value.is<DateTime>()) {
        return DataError(::kstreams::internal::StrCat("Java class class ", value.JavaClassName(),
                                      " does not have corresponding schema type."));
      }
      type = *value.InferredType();
    } else {
      type = schema->type();
    }
    auto mismatch = [&]() {
      return DataError(::kstreams::internal::StrCat("Invalid type for ",
                                    schema ? SchemaTypeName(schema->type()) : "unknown schema",
                                    ": class ", value.JavaClassName()));
    };
    switch (type) {
      case SchemaType::kInt8:
        if (!value.is<int8_t>()) return mismatch();
        ::kstreams::internal::StrAppend(&out, *value.get_if<int8_t>());
        return absl::OkStatus();
      case SchemaType::kInt16:
        if (!value.is<int16_t>()) return mismatch();
        ::kstreams::internal::StrAppend(&out, *value.get_if<int16_t>());
        return absl::OkStatus();
      case SchemaType::kInt32:
        if (!value.is<int32_t>()) return mismatch();
        ::kstreams::internal::StrAppend(&out, *value.get_if<int32_t>());
        return absl::OkStatus();
      case SchemaType::kInt64:
        if (!value.is<int64_t>()) return mismatch();
        ::kstreams::internal::StrAppend(&out, *value.get_if<int64_t>());
        return absl::OkStatus();
      case SchemaType::kFloat32:
        if (!value.is<float>()) return mismatch();
        AppendFloat(out, *value.get_if<float>());
        return absl::OkStatus();
      case SchemaType::kFloat64:
        if (!value.is<double>()) return mismatch();
        AppendDouble(out, *value.get_if<double>());
        return absl::OkStatus();
      case SchemaType::kBoolean:
        if (!value.is<bool>()) return mismatch();
        out += *value.get_if<bool>() ? "true" : "false";
        return absl::OkStatus();
      case SchemaType::kString:
        if (!value.is<std::string>()) return mismatch();
        AppendJsonString(out, *value.get_if<std::string>());
        return absl::OkStatus();
      case SchemaType::kBytes:
        if (!value.is<Bytes>()) {
          return DataError(::kstreams::internal::StrCat("Invalid type for bytes type: class ", value.JavaClassName()));
        }
        AppendJsonString(out, internal::Base64Encode(value.get_if<Bytes>()->data));
        return absl::OkStatus();
      case SchemaType::kArray: {
        if (!value.is<Array>()) return mismatch();
        out += "[";
        bool first = true;
        for (const Value& elem : *value.get_if<Array>()) {
          if (!first) out += ",";
          first = false;
          KSTREAMS_RETURN_IF_ERROR(AppendValue(out, schema ? schema->value_schema() : nullptr, elem));
        }
        out += "]";
        return absl::OkStatus();
      }
      case SchemaType::kMap: {
        if (!value.is<Map>()) return mismatch();
        const Map& map = *value.get_if<Map>();
        bool object_mode;
        if (schema == nullptr) {
          object_mode = true;
          for (const auto& [k, v] : map) {
            if (!k.is<std::string>()) {
              object_mode = false;
              break;
            }
          }
        } else {
          object_mode = schema->key_schema()->type() == SchemaType::kString;
        }
        SchemaPtr key_schema = schema ? schema->key_schema() : nullptr;
        SchemaPtr value_schema = schema ? schema->value_schema() : nullptr;
        out += object_mode ? "{" : "[";
        bool first = true;
        for (const auto& [k, v] : map) {
          if (!first) out += ",";
          first = false;
          if (object_mode) {
            // Jackson's asText() of the converted key: the string itself.
            std::string key_json;
            KSTREAMS_RETURN_IF_ERROR(AppendValue(key_json, key_schema, k));
            const std::string* ks = k.get_if<std::string>();
            AppendJsonString(out, ks != nullptr ? *ks : key_json);
            out += ":";
            KSTREAMS_RETURN_IF_ERROR(AppendValue(out, value_schema, v));
          } else {
            out += "[";
            KSTREAMS_RETURN_IF_ERROR(AppendValue(out, key_schema, k));
            out += ",";
            KSTREAMS_RETURN_IF_ERROR(AppendValue(out, value_schema, v));
            out += "]";
          }
        }
        out += object_mode ? "}" : "]";
        return absl::OkStatus();
      }
      case SchemaType::kStruct: {
        if (!value.is<Struct>()) return mismatch();
        const Struct& s = *value.get_if<Struct>();
        if (schema == nullptr || !SameSchema(s.schema(), schema)) return DataError("Mismatching schema.");
        out += "{";
        bool first = true;
        for (const Field& f : schema->fields()) {
          if (!first) out += ",";
          first = false;
          AppendJsonString(out, f.name);
          out += ":";
          KSTREAMS_RETURN_IF_ERROR(AppendValue(out, f.schema, s.At(f.index)));
        }
        out += "}";
        return absl::OkStatus();
      }
    }
    return DataError(::kstreams::internal::StrCat("Couldn't convert ", value.ToString(), " to JSON."));
  }

  absl::StatusOr<SchemaPtr> AsConnectSchema(const Json& j) {
    if (j.is_null()) return SchemaPtr();
    auto type_it = j.find("type");
    if (!j.is_object() || type_it == j.end() || !type_it->is_string()) {
      return DataError("Schema must contain 'type' field");
    }
    const std::string type = type_it->get<std::string>();
    std::optional<SchemaBuilder> builder;
    static const std::pair<std::string_view, SchemaType> kPrimitives[] = {
        {"boolean", SchemaType::kBoolean}, {"int8", SchemaType::kInt8},       {"int16", SchemaType::kInt16},
        {"int32", SchemaType::kInt32},     {"int64", SchemaType::kInt64},     {"float", SchemaType::kFloat32},
        {"double", SchemaType::kFloat64},  {"bytes", SchemaType::kBytes},     {"string", SchemaType::kString}};
    for (const auto& [n, t] : kPrimitives) {
      if (type == n) builder.emplace(t);
    }
    if (!builder) {
      if (type == "array") {
        auto items = j.find("items");
        if (items == j.end() || items->is_null()) return DataError("Array schema did not specify the element type");
        KSTREAMS_ASSIGN_OR_RETURN(SchemaPtr elem, AsConnectSchema(*items));
        builder.emplace(SchemaBuilder::Array(elem));
      } else if (type == "map") {
        auto keys = j.find("keys");
        if (keys == j.end()) return DataError("Map schema did not specify the key type");
        auto values = j.find("values");
        if (values == j.end()) return DataError("Map schema did not specify the value type");
        KSTREAMS_ASSIGN_OR_RETURN(SchemaPtr ks, AsConnectSchema(*keys));
        KSTREAMS_ASSIGN_OR_RETURN(SchemaPtr vs, AsConnectSchema(*values));
        builder.emplace(SchemaBuilder::Map(ks, vs));
      } else if (type == "struct") {
        builder.emplace(SchemaBuilder::Struct());
        auto fields = j.find("fields");
        if (fields == j.end() || !fields->is_array()) {
          return DataError("Struct schema's \"fields\" argument is not an array.");
        }
        for (const Json& f : *fields) {
          auto fname = f.find("field");
          if (fname == f.end() || !fname->is_string()) {
            return DataError("Struct schema's field name not specified properly");
          }
          KSTREAMS_ASSIGN_OR_RETURN(SchemaPtr fs, AsConnectSchema(f));
          builder->Field(fname->get<std::string>(), fs);
        }
      } else {
        return DataError(::kstreams::internal::StrCat("Unknown schema type: ", type));
      }
    }
    auto optional = j.find("optional");
    if (optional != j.end() && optional->is_boolean() && optional->get<bool>()) {
      builder->Optional();
    }
    auto name = j.find("name");
    if (name != j.end() && name->is_string()) builder->Name(name->get<std::string>());
    auto version = j.find("version");
    if (version != j.end() && version->is_number_integer()) builder->Version(version->get<int32_t>());
    auto doc = j.find("doc");
    if (doc != j.end() && doc->is_string()) builder->Doc(doc->get<std::string>());
    auto params = j.find("parameters");
    if (params != j.end() && params->is_object()) {
      for (auto it = params->begin(); it != params->end(); ++it) {
        if (!it.value().is_string()) return DataError("Schema parameters must have string values.");
        builder->Parameter(it.key(), it.value().get<std::string>());
      }
    }
    auto def = j.find("default");
    if (def != j.end()) {
      SchemaPtr partial = builder->Build();
      KSTREAMS_ASSIGN_OR_RETURN(Value dv, ConvertToConnect(partial, &*def));
      builder->DefaultValue(std::move(dv));
    }
    return builder->Build();
  }

  // JsonConverter.convertToConnect; `j` nullptr for a missing member.
  absl::StatusOr<Value> ConvertToConnect(const SchemaPtr& schema, const Json* j) {
    SchemaType type;
    if (schema != nullptr) {
      type = schema->type();
      if (j == nullptr || j->is_null()) {
        if (schema->default_value() != nullptr) return *schema->default_value();
        if (schema->optional()) return Value();
        return DataError(::kstreams::internal::StrCat("Invalid null value for required ", SchemaTypeName(type), " field"));
      }
    } else {
      if (j == nullptr || j->is_null()) return Value();
      if (j->is_boolean()) {
        type = SchemaType::kBoolean;
      } else if (j->is_number_integer()) {
        type = SchemaType::kInt64;
      } else if (j->is_number_float()) {
        type = SchemaType::kFloat64;
      } else if (j->is_array()) {
        type = SchemaType::kArray;
      } else if (j->is_object()) {
        type = SchemaType::kMap;
      } else {
        type = SchemaType::kString;
      }
    }
    if (schema != nullptr && schema->name()) {
      const std::string& name = *schema->name();
      if (name == Decimal::kLogicalName) {
        int32_t scale = 0;
        if (auto s = schema->Parameter(Decimal::kScaleField)) scale = std::atoi(s->c_str());
        if (j->is_number_integer()) return Value(*Decimal::Parse(j->dump()));
        if (j->is_number_float()) {
          // Jackson keeps the literal's digits; nlohmann keeps a double, whose
          // shortest form gives the same digits for literals of up to 15
          // significant digits.
          char buf[64];
          auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), j->get<double>());
          return Value(*Decimal::Parse(std::string_view(buf, end - buf)));
        }
        if (j->is_string()) {
          std::optional<std::string> raw = internal::Base64Decode(j->get<std::string>());
          if (!raw) return DataError("Invalid bytes for Decimal field");
          return Value(Decimal{*raw, scale});
        }
        return DataError(::kstreams::internal::StrCat(
            "Invalid type for Decimal, underlying representation should be numeric or bytes but was ",
            NodeType(*j)));
      }
      if (name == LogicalDate::kLogicalName || name == LogicalTime::kLogicalName) {
        bool date = name == LogicalDate::kLogicalName;
        if (!j->is_number_integer() || j->get<int64_t>() < INT32_MIN || j->get<int64_t>() > INT32_MAX) {
          return DataError(::kstreams::internal::StrCat("Invalid type for ", date ? "Date" : "Time",
                                        ", underlying representation should be integer but was ",
                                        NodeType(*j)));
        }
        int64_t v = j->get<int64_t>();
        return Value(DateTime{date ? v * kMillisPerDay : v});
      }
      if (name == LogicalTimestamp::kLogicalName) {
        if (!j->is_number_integer()) {
          return DataError(::kstreams::internal::StrCat(
              "Invalid type for Timestamp, underlying representation should be integral but was ",
              NodeType(*j)));
        }
        return Value(DateTime{j->get<int64_t>()});
      }
    }
    // Jackson's lenient accessors: a node of another kind reads as 0 / false / null.
    auto as_long = [&]() -> int64_t {
      if (j->is_number_integer()) return j->get<int64_t>();
      if (j->is_number_float()) return static_cast<int64_t>(j->get<double>());
      return 0;
    };
    auto as_double = [&]() -> double { return j->is_number() ? j->get<double>() : 0.0; };
    switch (type) {
      case SchemaType::kBoolean: return Value(j->is_boolean() && j->get<bool>());
      case SchemaType::kInt8: return Value(static_cast<int8_t>(static_cast<int32_t>(as_long())));
      case SchemaType::kInt16: return Value(static_cast<int16_t>(static_cast<int32_t>(as_long())));
      case SchemaType::kInt32: return Value(static_cast<int32_t>(as_long()));
      case SchemaType::kInt64: return Value(as_long());
      case SchemaType::kFloat32: return Value(static_cast<float>(as_double()));
      case SchemaType::kFloat64: return Value(as_double());
      case SchemaType::kString:
        if (!j->is_string()) return Value();
        return Value(j->get<std::string>());
      case SchemaType::kBytes: {
        if (!j->is_string()) return Value();
        std::optional<std::string> raw = internal::Base64Decode(j->get<std::string>());
        if (!raw) return DataError("Invalid bytes field");
        return Value(Bytes{*raw});
      }
      case SchemaType::kArray: {
        Array out;
        if (j->is_array()) {
          for (const Json& e : *j) {
            KSTREAMS_ASSIGN_OR_RETURN(Value v, ConvertToConnect(schema ? schema->value_schema() : nullptr, &e));
            out.push_back(std::move(v));
          }
        }
        return Value(std::move(out));
      }
      case SchemaType::kMap: {
        Map out;
        SchemaPtr ks = schema ? schema->key_schema() : nullptr;
        SchemaPtr vs = schema ? schema->value_schema() : nullptr;
        if (schema == nullptr || ks->type() == SchemaType::kString) {
          if (!j->is_object()) {
            return DataError(::kstreams::internal::StrCat("Maps with string fields should be encoded as JSON objects, but found ",
                                          NodeType(*j)));
          }
          for (auto it = j->begin(); it != j->end(); ++it) {
            KSTREAMS_ASSIGN_OR_RETURN(Value v, ConvertToConnect(vs, &it.value()));
            out.emplace_back(Value(it.key()), std::move(v));
          }
        } else {
          if (!j->is_array()) {
            return DataError(::kstreams::internal::StrCat(
                "Maps with non-string fields should be encoded as JSON array of tuples, but found ",
                NodeType(*j)));
          }
          for (const Json& e : *j) {
            if (!e.is_array()) {
              return DataError(::kstreams::internal::StrCat("Found invalid map entry instead of array tuple: ", NodeType(e)));
            }
            if (e.size() != 2) {
              return DataError(::kstreams::internal::StrCat("Found invalid map entry, expected length 2 but found :", e.size()));
            }
            KSTREAMS_ASSIGN_OR_RETURN(Value k, ConvertToConnect(ks, &e[0]));
            KSTREAMS_ASSIGN_OR_RETURN(Value v, ConvertToConnect(vs, &e[1]));
            out.emplace_back(std::move(k), std::move(v));
          }
        }
        return Value(std::move(out));
      }
      case SchemaType::kStruct: {
        if (!j->is_object()) {
          return DataError(::kstreams::internal::StrCat("Structs should be encoded as JSON objects, but found ", NodeType(*j)));
        }
        Struct out(schema);
        for (const Field& f : schema->fields()) {
          auto it = j->find(f.name);
          KSTREAMS_ASSIGN_OR_RETURN(Value v, ConvertToConnect(f.schema, it == j->end() ? nullptr : &*it));
          KSTREAMS_RETURN_IF_ERROR(out.Put(f.name, std::move(v)));
        }
        return Value(std::move(out));
      }
    }
    return DataError("Unknown schema type");
  }

  bool schemas_enable_ = true;
  bool numeric_decimal_ = false;
  bool replace_null_with_default_ = true;
};

// ---------------------------------------------------------------- headers

class SimpleHeaderConverter final : public HeaderConverter {
 public:
  absl::StatusOr<std::optional<std::string>> FromConnectHeader(std::string_view topic, std::string_view,
                                                               const SchemaPtr& schema,
                                                               const Value& value) override {
    if (value.is_null()) return std::optional<std::string>();
    if (const Bytes* b = value.get_if<Bytes>()) return std::optional<std::string>(b->data);
    if (value.is<Struct>() || value.is<Array>() || value.is<Map>()) {
      return json_.FromConnectData(topic, schema, value);
    }
    return std::optional<std::string>(value.ToString());
  }
  absl::StatusOr<SchemaAndValue> ToConnectHeader(std::string_view, std::string_view,
                                                 const std::optional<std::string_view>& bytes) override {
    SchemaAndValue out{Schema::OptionalString(), Value()};
    if (bytes) out.value = Value(std::string(*bytes));
    return out;
  }
  absl::Status Configure() { return json_.Configure({{"schemas.enable", "false"}}, false); }

 private:
  JsonConverter json_;
};

std::string_view SimpleName(std::string_view class_name) {
  size_t dot = class_name.rfind('.');
  return dot == std::string_view::npos ? class_name : class_name.substr(dot + 1);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Converter>> CreateConverter(std::string_view class_name,
                                                           const ConfigMap& configs, bool is_key) {
  std::string_view simple = SimpleName(class_name);
  std::unique_ptr<Converter> converter;
  if (simple == "StringConverter") {
    converter = std::make_unique<StringConverter>();
  } else if (simple == "ByteArrayConverter") {
    converter = std::make_unique<ByteArrayConverter>();
  } else if (simple == "JsonConverter") {
    converter = std::make_unique<JsonConverter>();
  } else {
    return absl::NotFoundError(::kstreams::internal::StrCat(
        "Unknown converter class ", class_name,
        " (kstreams has org.apache.kafka.connect.storage.StringConverter, "
        "org.apache.kafka.connect.converters.ByteArrayConverter and "
        "org.apache.kafka.connect.json.JsonConverter)"));
  }
  if (class_name != simple && class_name != converter->ClassName()) {
    return absl::NotFoundError(::kstreams::internal::StrCat("Unknown converter class ", class_name));
  }
  KSTREAMS_RETURN_IF_ERROR(converter->Configure(configs, is_key));
  return converter;
}

absl::StatusOr<std::unique_ptr<HeaderConverter>> CreateHeaderConverter(std::string_view class_name,
                                                                       const ConfigMap&) {
  std::string_view simple = SimpleName(class_name);
  if (simple != "SimpleHeaderConverter" && simple != "StringConverter") {
    return absl::NotFoundError(::kstreams::internal::StrCat(
        "Unknown header converter class ", class_name,
        " (kstreams has org.apache.kafka.connect.storage.SimpleHeaderConverter)"));
  }
  auto converter = std::make_unique<SimpleHeaderConverter>();
  KSTREAMS_RETURN_IF_ERROR(converter->Configure());
  return std::unique_ptr<HeaderConverter>(std::move(converter));
}

}  // namespace kstreams::connect
