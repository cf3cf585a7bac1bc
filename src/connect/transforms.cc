// The single message transforms of org.apache.kafka.connect.transforms, with
// Connect's config keys, semantics (schemaful: Struct values; schemaless: Map
// values) and messages. Each $Key/$Value pair is one class with `is_key_`.
#include <regex>
#include <set>

#include "absl/strings/ascii.h"
#include "connect/java_text.h"
#include "connect/transforms_internal.h"
#include "kstreams/internal/strings.h"
#include "kstreams/status_macros.h"

namespace kstreams::connect::internal {
namespace {

using ::kstreams::internal::StrCat;

absl::Status DataError(std::string message) { return absl::InvalidArgumentError(std::move(message)); }

// ConfigException(name, value, message).
absl::Status ConfigError(std::string_view name, std::string_view value, std::string_view message) {
  return InvalidConfig(name, value, message);
}

std::string ListText(const std::vector<std::string>& l) {
  return StrCat("[", ::kstreams::internal::StrJoin(l, ", "), "]");
}

absl::StatusOr<const Struct*> RequireStruct(const Value& v, std::string_view purpose) {
  const Struct* s = v.get_if<Struct>();
  if (s == nullptr) {
    return DataError(StrCat("Only Struct objects supported for [", purpose, "], found: ",
                            v.is_null() ? std::string_view("null") : v.JavaClassName()));
  }
  return s;
}

absl::StatusOr<const Map*> RequireMap(const Value& v, std::string_view purpose) {
  const Map* m = v.get_if<Map>();
  if (m == nullptr) {
    return DataError(StrCat("Only Map objects supported in absence of schema for [", purpose, "], found: ",
                            v.is_null() ? std::string_view("null") : v.JavaClassName()));
  }
  return m;
}

// SchemaUtil.copySchemaBasics(schema, SchemaBuilder.struct()).
SchemaBuilder CopyStructBasics(const Schema& schema) {
  SchemaBuilder b = SchemaBuilder::Struct();
  if (schema.name()) b.Name(*schema.name());
  if (schema.version()) b.Version(*schema.version());
  if (schema.doc()) b.Doc(*schema.doc());
  if (schema.parameters()) {
    for (const auto& [k, v] : *schema.parameters()) b.Parameter(k, v);
  }
  return b;
}

// The Struct of a record the transform owns (Apply takes it by value), so
// its field values can be moved into the updated Struct instead of copied.
Struct& Owned(const Struct* s) { return *const_cast<Struct*>(s); }

// The last input schema and the schema a transform made of it, so a stream
// of records with one schema builds the updated schema once (Connect keeps
// an LRU cache of them). A hit is the same schema object, or an equal one.
class SchemaCache {
 public:
  SchemaPtr Get(const SchemaPtr& in) const {
    if (in_ != nullptr && (in_ == in || *in_ == *in)) return out_;
    return nullptr;
  }
  void Put(SchemaPtr in, SchemaPtr out) {
    in_ = std::move(in);
    out_ = std::move(out);
  }

 private:
  SchemaPtr in_, out_;
};

// The base of the $Key/$Value transforms: which side they operate on.
class KeyOrValue : public Transformation {
 public:
  explicit KeyOrValue(bool is_key) : is_key_(is_key) {}

 protected:
  const SchemaPtr& OperatingSchema(const ConnectRecord& r) const { return is_key_ ? r.key_schema : r.value_schema; }
  const Value& OperatingValue(const ConnectRecord& r) const { return is_key_ ? r.key : r.value; }
  ConnectRecord NewRecord(ConnectRecord r, SchemaPtr schema, Value value) const {
    if (is_key_) {
      r.key_schema = std::move(schema);
      r.key = std::move(value);
    } else {
      r.value_schema = std::move(schema);
      r.value = std::move(value);
    }
    return r;
  }
  bool is_key_;
};

#define KSTREAMS_CONNECT_CLASS(base)                                                          \
  std::string_view ClassName() const override {                                              \
    return is_key_ ? "org.apache.kafka.connect.transforms." base "$Key"                      \
                   : "org.apache.kafka.connect.transforms." base "$Value";                   \
  }

// ------------------------------------------------------------ InsertField

class InsertField final : public KeyOrValue {
 public:
  using KeyOrValue::KeyOrValue;
  KSTREAMS_CONNECT_CLASS("InsertField")

  struct FieldSpec {
    std::string name;
    bool optional = true;
  };

  absl::Status Configure(const ConfigMap& config) override {
    ConfigDef def;
    for (const char* k : {"topic.field", "partition.field", "offset.field", "timestamp.field", "static.field",
                          "static.value"}) {
      def.Define(k, ConfigType::kString, std::nullopt, Importance::kMedium, "");
    }
    KSTREAMS_ASSIGN_OR_RETURN(ParsedConfig parsed, def.Parse(config));
    topic_ = Spec(parsed.GetString("topic.field"));
    partition_ = Spec(parsed.GetString("partition.field"));
    offset_ = Spec(parsed.GetString("offset.field"));
    timestamp_ = Spec(parsed.GetString("timestamp.field"));
    static_ = Spec(parsed.GetString("static.field"));
    static_value_ = parsed.GetString("static.value");
    if (!topic_ && !partition_ && !offset_ && !timestamp_ && !static_) {
      return absl::InvalidArgumentError(
          "No field insertion configured");
    }
    if (static_ && !static_value_) {
      return ConfigError("static.value", "null", "No value specified for static field: " + static_->name);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::optional<ConnectRecord>> Apply(ConnectRecord r) override {
    const Value& value = OperatingValue(r);
    if (value.is_null()) return std::optional<ConnectRecord>(std::move(r));
    if (offset_ && !sink_offset_) {
      return DataError("Offset insertion is only supported for sink connectors, record is of type: "
                       "class org.apache.kafka.connect.source.SourceRecord");
    }
    const SchemaPtr& schema = OperatingSchema(r);
    if (schema == nullptr) {
      KSTREAMS_ASSIGN_OR_RETURN(const Map* m, RequireMap(value, "field insertion"));
      Map out = *m;
      auto put = [&](const std::optional<FieldSpec>& f, Value v) {
        if (!f) return;
        for (auto& [k, old] : out) {
          if (k == Value(f->name)) {
            old = std::move(v);
            return;
          }
        }
        out.emplace_back(Value(f->name), std::move(v));
      };
      put(topic_, Value(r.topic));
      put(partition_, r.kafka_partition ? Value(*r.kafka_partition) : Value());
      if (sink_offset_) put(offset_, Value(*sink_offset_));
      put(timestamp_, r.timestamp ? Value(*r.timestamp) : Value());
      if (static_) put(static_, Value(*static_value_));
      return std::optional<ConnectRecord>(NewRecord(std::move(r), nullptr, Value(std::move(out))));
    }
    KSTREAMS_ASSIGN_OR_RETURN(const Struct* s, RequireStruct(value, "field insertion"));
    SchemaPtr updated = cache_.Get(schema);
    if (updated == nullptr) {
      SchemaBuilder b = CopyStructBasics(*schema);
      for (const Field& f : schema->fields()) b.Field(f.name, f.schema);
      if (topic_) b.Field(topic_->name, topic_->optional ? Schema::OptionalString() : Schema::String());
      if (partition_) b.Field(partition_->name, partition_->optional ? Schema::OptionalInt32() : Schema::Int32());
      if (offset_) b.Field(offset_->name, offset_->optional ? Schema::OptionalInt64() : Schema::Int64());
      if (timestamp_) b.Field(timestamp_->name, LogicalTimestamp::Schema(timestamp_->optional));
      if (static_) b.Field(static_->name, static_->optional ? Schema::OptionalString() : Schema::String());
      updated = b.Build();
      cache_.Put(schema, updated);
    }
    Struct out(updated);
    for (const Field& f : schema->fields()) out.Set(f.index, std::move(Owned(s).At(f.index)));
    if (topic_) KSTREAMS_RETURN_IF_ERROR(out.Put(topic_->name, Value(r.topic)));
    if (partition_ && r.kafka_partition) KSTREAMS_RETURN_IF_ERROR(out.Put(partition_->name, Value(*r.kafka_partition)));
    if (offset_) KSTREAMS_RETURN_IF_ERROR(out.Put(offset_->name, Value(*sink_offset_)));
    if (timestamp_ && r.timestamp) KSTREAMS_RETURN_IF_ERROR(out.Put(timestamp_->name, Value(DateTime{*r.timestamp})));
    if (static_) KSTREAMS_RETURN_IF_ERROR(out.Put(static_->name, Value(*static_value_)));
    return std::optional<ConnectRecord>(NewRecord(std::move(r), updated, Value(std::move(out))));
  }

 private:
  // "name!" required, "name?" or "name" optional (InsertField.InsertionSpec).
  static std::optional<FieldSpec> Spec(const std::optional<std::string>& text) {
    if (!text || text->empty()) return std::nullopt;
    FieldSpec f{*text, true};
    if (text->back() == '!') {
      f.name.pop_back();
      f.optional = false;
    } else if (text->back() == '?') {
      f.name.pop_back();
    }
    return f;
  }
  std::optional<FieldSpec> topic_, partition_, offset_, timestamp_, static_;
  std::optional<std::string> static_value_;
  SchemaCache cache_;
};

// ------------------------------------------------------------ ReplaceField

class ReplaceField final : public KeyOrValue {
 public:
  using KeyOrValue::KeyOrValue;
  KSTREAMS_CONNECT_CLASS("ReplaceField")

  absl::Status Configure(const ConfigMap& config) override {
    ConfigDef def;
    def.Define("exclude", ConfigType::kList, "", Importance::kMedium, "")
        .Define("include", ConfigType::kList, "", Importance::kMedium, "")
        .Define("blacklist", ConfigType::kList, std::nullopt, Importance::kLow, "")
        .Define("whitelist", ConfigType::kList, std::nullopt, Importance::kLow, "")
        .Define("renames", ConfigType::kList, "", Importance::kMedium, "");
    KSTREAMS_ASSIGN_OR_RETURN(ParsedConfig parsed, def.Parse(config));
    for (const std::string& s : parsed.GetList("exclude")) exclude_.insert(s);
    for (const std::string& s : parsed.GetList("blacklist")) exclude_.insert(s);
    for (const std::string& s : parsed.GetList("include")) include_.insert(s);
    for (const std::string& s : parsed.GetList("whitelist")) include_.insert(s);
    std::vector<std::string> renames = parsed.GetList("renames");
    for (const std::string& mapping : renames) {
      size_t colon = mapping.find(':');
      if (colon == std::string::npos || mapping.find(':', colon + 1) != std::string::npos) {
        return ConfigError("renames", ListText(renames), "Invalid rename mapping: " + mapping);
      }
      std::string from = mapping.substr(0, colon), to = mapping.substr(colon + 1);
      renames_.emplace_back(from, to);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::optional<ConnectRecord>> Apply(ConnectRecord r) override {
    const Value& value = OperatingValue(r);
    if (value.is_null()) return std::optional<ConnectRecord>(std::move(r));
    const SchemaPtr& schema = OperatingSchema(r);
    if (schema == nullptr) {
      KSTREAMS_ASSIGN_OR_RETURN(const Map* m, RequireMap(value, "field replacement"));
      Map out;
      for (const auto& [k, v] : *m) {
        const std::string* name = k.get_if<std::string>();
        if (name == nullptr || !Keep(*name)) continue;
        out.emplace_back(Value(Renamed(*name)), v);
      }
      return std::optional<ConnectRecord>(NewRecord(std::move(r), nullptr, Value(std::move(out))));
    }
    KSTREAMS_ASSIGN_OR_RETURN(const Struct* s, RequireStruct(value, "field replacement"));
    SchemaPtr updated = cache_.Get(schema);
    if (updated == nullptr) {
      SchemaBuilder b = CopyStructBasics(*schema);
      source_index_.clear();
      for (const Field& f : schema->fields()) {
        if (!Keep(f.name)) continue;
        b.Field(Renamed(f.name), f.schema);
        source_index_.push_back(f.index);
      }
      updated = b.Build();
      cache_.Put(schema, updated);
    }
    Struct out(updated);
    for (size_t i = 0; i < source_index_.size(); ++i) {
      out.Set(static_cast<int>(i), std::move(Owned(s).At(source_index_[i])));
    }
    return std::optional<ConnectRecord>(NewRecord(std::move(r), updated, Value(std::move(out))));
  }

 private:
  bool Keep(const std::string& name) const {
    return !exclude_.count(name) && (include_.empty() || include_.count(name));
  }
  std::string Renamed(const std::string& name) const {
    for (const auto& [from, to] : renames_) {
      if (from == name) return to;
    }
    return name;
  }
  std::set<std::string> exclude_, include_;
  std::vector<std::pair<std::string, std::string>> renames_;
  SchemaCache cache_;
  std::vector<int> source_index_;  // per field of the cached schema: the input field
};

// ------------------------------------------------------------ MaskField

absl::StatusOr<Value> CastPrimitive(const Value& v, SchemaType target);  // below

class MaskField final : public KeyOrValue {
 public:
  using KeyOrValue::KeyOrValue;
  KSTREAMS_CONNECT_CLASS("MaskField")

  absl::Status Configure(const ConfigMap& config) override {
    ConfigDef def;
    def.DefineRequired("fields", ConfigType::kList, Importance::kHigh, "",
                       ConfigDef::NonEmptyList())
        .Define("replacement", ConfigType::kString, std::nullopt, Importance::kLow, "",
                [](const ConfigValue& v) -> std::string {
                  auto* s = std::get_if<std::string>(&v);
                  return s != nullptr && s->empty() ? "String must be non-empty" : "";
                });
    KSTREAMS_ASSIGN_OR_RETURN(ParsedConfig parsed, def.Parse(config));
    for (const std::string& f : parsed.GetList("fields")) fields_.insert(f);
    replacement_ = parsed.GetString("replacement");
    return absl::OkStatus();
  }

  absl::StatusOr<std::optional<ConnectRecord>> Apply(ConnectRecord r) override {
    const Value& value = OperatingValue(r);
    if (value.is_null()) return std::optional<ConnectRecord>(std::move(r));
    const SchemaPtr& schema = OperatingSchema(r);
    if (schema == nullptr) {
      KSTREAMS_ASSIGN_OR_RETURN(const Map* m, RequireMap(value, "mask fields"));
      Map out = *m;
      for (auto& [k, v] : out) {
        const std::string* name = k.get_if<std::string>();
        if (name != nullptr && fields_.count(*name)) {
          KSTREAMS_ASSIGN_OR_RETURN(v, Masked(v));
        }
      }
      return std::optional<ConnectRecord>(NewRecord(std::move(r), nullptr, Value(std::move(out))));
    }
    KSTREAMS_ASSIGN_OR_RETURN(const Struct* s, RequireStruct(value, "mask fields"));
    Struct out = *s;
    for (const Field& f : schema->fields()) {
      if (fields_.count(f.name)) {
        KSTREAMS_ASSIGN_OR_RETURN(Value masked, Masked(s->At(f.index)));
        out.Set(f.index, std::move(masked));
      }
    }
    return std::optional<ConnectRecord>(NewRecord(std::move(r), schema, Value(std::move(out))));
  }

 private:
  absl::StatusOr<Value> Masked(const Value& v) const {
    if (v.is_null()) return Value();
    if (replacement_) {
      if (v.is<Array>() || v.is<Map>() || v.is<Struct>() || v.is<DateTime>()) {
        return DataError(StrCat("Cannot mask value of type ", v.JavaClassName(), " with custom replacement."));
      }
      if (v.is<Decimal>()) {
        absl::StatusOr<Decimal> d = Decimal::Parse(*replacement_);
        if (!d.ok()) return DataError(StrCat("Unable to convert ", *replacement_, " (java.lang.String) to number"));
        return Value(*d);
      }
      if (v.is<std::string>()) return Value(*replacement_);
      if (v.is<bool>()) return DataError("Cannot mask value of type class java.lang.Boolean with custom replacement.");
      absl::StatusOr<Value> cast = CastPrimitive(Value(*replacement_), *v.InferredType());
      if (!cast.ok()) {
        return DataError(StrCat("Unable to convert ", *replacement_, " (java.lang.String) to number"));
      }
      return cast;
    }
    struct Zero {
      Value operator()(std::monostate) const { return Value(); }
      Value operator()(bool) const { return Value(false); }
      Value operator()(int8_t) const { return Value(int8_t{0}); }
      Value operator()(int16_t) const { return Value(int16_t{0}); }
      Value operator()(int32_t) const { return Value(int32_t{0}); }
      Value operator()(int64_t) const { return Value(int64_t{0}); }
      Value operator()(float) const { return Value(0.0f); }
      Value operator()(double) const { return Value(0.0); }
      Value operator()(const std::string&) const { return Value(""); }
      Value operator()(const Bytes&) const { return Value(Bytes{}); }
      Value operator()(const Decimal&) const { return Value(Decimal::FromUnscaled(0, 0)); }
      Value operator()(const DateTime&) const { return Value(DateTime{0}); }
      Value operator()(const Struct& s) const { return Value(s); }
      Value operator()(const Array&) const { return Value(Array{}); }
      Value operator()(const Map&) const { return Value(Map{}); }
    };
    if (v.is<Struct>()) return DataError("Cannot mask value of type class org.apache.kafka.connect.data.Struct");
    return std::visit(Zero{}, v.rep());
  }
  std::set<std::string> fields_;
  std::optional<std::string> replacement_;
};

// ------------------------------------------------------------ ValueToKey

class ValueToKey final : public Transformation {
 public:
  std::string_view ClassName() const override { return "org.apache.kafka.connect.transforms.ValueToKey"; }
  absl::Status Configure(const ConfigMap& config) override {
    ConfigDef def;
    def.DefineRequired("fields", ConfigType::kList, Importance::kHigh, "",
                       ConfigDef::NonEmptyList());
    KSTREAMS_ASSIGN_OR_RETURN(ParsedConfig parsed, def.Parse(config));
    fields_ = parsed.GetList("fields");
    return absl::OkStatus();
  }
  absl::StatusOr<std::optional<ConnectRecord>> Apply(ConnectRecord r) override {
    if (r.value_schema == nullptr) {
      KSTREAMS_ASSIGN_OR_RETURN(const Map* m, RequireMap(r.value, "copying fields from value to key"));
      Map key;
      for (const std::string& f : fields_) {
        const Value* v = MapGet(*m, Value(f));
        key.emplace_back(Value(f), v ? *v : Value());
      }
      r.key_schema = nullptr;
      r.key = Value(std::move(key));
      return std::optional<ConnectRecord>(std::move(r));
    }
    KSTREAMS_ASSIGN_OR_RETURN(const Struct* s, RequireStruct(r.value, "copying fields from value to key"));
    SchemaBuilder b = SchemaBuilder::Struct();
    for (const std::string& f : fields_) {
      const Field* field = r.value_schema->FindField(f);
      if (field == nullptr) return DataError("Field does not exist: " + f);
      b.Field(f, field->schema);
    }
    SchemaPtr key_schema = b.Build();
    Struct key(key_schema);
    for (const std::string& f : fields_) KSTREAMS_RETURN_IF_ERROR(key.Put(f, *s->GetWithoutDefault(f)));
    r.key_schema = key_schema;
    r.key = Value(std::move(key));
    return std::optional<ConnectRecord>(std::move(r));
  }

 private:
  std::vector<std::string> fields_;
};

// ------------------------------------------------------------ ExtractField

class ExtractField final : public KeyOrValue {
 public:
  using KeyOrValue::KeyOrValue;
  KSTREAMS_CONNECT_CLASS("ExtractField")
  absl::Status Configure(const ConfigMap& config) override {
    ConfigDef def;
    def.DefineRequired("field", ConfigType::kString, Importance::kMedium, "");
    KSTREAMS_ASSIGN_OR_RETURN(ParsedConfig parsed, def.Parse(config));
    field_ = *parsed.GetString("field");
    return absl::OkStatus();
  }
  absl::StatusOr<std::optional<ConnectRecord>> Apply(ConnectRecord r) override {
    const Value& value = OperatingValue(r);
    const SchemaPtr& schema = OperatingSchema(r);
    if (schema == nullptr) {
      if (value.is_null()) return std::optional<ConnectRecord>(NewRecord(std::move(r), nullptr, Value()));
      KSTREAMS_ASSIGN_OR_RETURN(const Map* m, RequireMap(value, "field extraction"));
      const Value* v = MapGet(*m, Value(field_));
      return std::optional<ConnectRecord>(NewRecord(std::move(r), nullptr, v ? *v : Value()));
    }
    const Field* f = schema->FindField(field_);
    if (schema->type() != SchemaType::kStruct || f == nullptr) {
      return absl::InvalidArgumentError("Unknown field: " + field_);
    }
    if (value.is_null()) return std::optional<ConnectRecord>(NewRecord(std::move(r), f->schema, Value()));
    KSTREAMS_ASSIGN_OR_RETURN(const Struct* s, RequireStruct(value, "field extraction"));
    Value extracted = *s->Get(field_);
    return std::optional<ConnectRecord>(NewRecord(std::move(r), f->schema, std::move(extracted)));
  }

 private:
  std::string field_;
};

// ------------------------------------------------------------ HoistField

class HoistField final : public KeyOrValue {
 public:
  using KeyOrValue::KeyOrValue;
  KSTREAMS_CONNECT_CLASS("HoistField")
  absl::Status Configure(const ConfigMap& config) override {
    ConfigDef def;
    def.DefineRequired("field", ConfigType::kString, Importance::kMedium, "");
    KSTREAMS_ASSIGN_OR_RETURN(ParsedConfig parsed, def.Parse(config));
    field_ = *parsed.GetString("field");
    return absl::OkStatus();
  }
  absl::StatusOr<std::optional<ConnectRecord>> Apply(ConnectRecord r) override {
    const SchemaPtr& schema = OperatingSchema(r);
    Value value = OperatingValue(r);
    if (schema == nullptr) {
      Map m;
      m.emplace_back(Value(field_), std::move(value));
      return std::optional<ConnectRecord>(NewRecord(std::move(r), nullptr, Value(std::move(m))));
    }
    SchemaPtr updated = SchemaBuilder::Struct().Field(field_, schema).Build();
    Struct s(updated);
    KSTREAMS_RETURN_IF_ERROR(s.Put(field_, std::move(value)));
    return std::optional<ConnectRecord>(NewRecord(std::move(r), updated, Value(std::move(s))));
  }

 private:
  std::string field_;
};

// ------------------------------------------------------------ Cast

template <typename T>
struct NarrowVisitor {
    absl::StatusOr<Value> operator()(bool b) const { return Value(static_cast<T>(b ? 1 : 0)); }
    absl::StatusOr<Value> operator()(int8_t x) const { return Value(static_cast<T>(x)); }
    absl::StatusOr<Value> operator()(int16_t x) const { return Value(static_cast<T>(x)); }
    absl::StatusOr<Value> operator()(int32_t x) const { return Value(static_cast<T>(x)); }
    absl::StatusOr<Value> operator()(int64_t x) const { return Value(static_cast<T>(x)); }
    absl::StatusOr<Value> operator()(float x) const { return Value(JavaNumber(x)); }
    absl::StatusOr<Value> operator()(double x) const { return Value(JavaNumber(x)); }
    absl::StatusOr<Value> operator()(const std::string& s) const {
      if constexpr (std::is_floating_point_v<T>) {
        char* end = nullptr;
        std::string t(absl::StripAsciiWhitespace(s));
        double d = std::strtod(t.c_str(), &end);
        if (t.empty() || end != t.c_str() + t.size()) return DataError("Value (" + s + ") was out of range for requested data type");
        return Value(static_cast<T>(d));
      } else {
        int64_t x = 0;
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
        if (ec != std::errc() || p != s.data() + s.size() || x < std::numeric_limits<T>::min() ||
            x > std::numeric_limits<T>::max()) {
          return DataError("Value (" + s + ") was out of range for requested data type");
        }
        return Value(static_cast<T>(x));
      }
    }
    absl::StatusOr<Value> operator()(const Decimal& d) const { return Value(JavaNumber(d.ToDouble())); }
    absl::StatusOr<Value> operator()(const DateTime& t) const { return Value(static_cast<T>(t.epoch_millis)); }
    template <typename Other>
    absl::StatusOr<Value> operator()(const Other&) const {
      return DataError("Unexpected type in Cast transformation");
    }
    // Java's narrowing of a floating value: (long) d, then the integral
    // narrowing; for floating targets a plain conversion.
    static T JavaNumber(double d) {
      if constexpr (std::is_floating_point_v<T>) {
        return static_cast<T>(d);
      } else {
        if (std::isnan(d)) return 0;
        if (sizeof(T) == 8) {
          if (d >= 9.2233720368547758e18) return std::numeric_limits<T>::max();
          if (d <= -9.2233720368547758e18) return std::numeric_limits<T>::min();
          return static_cast<T>(d);
        }
        // (int) d saturates to int, then (short)/(byte) keep the low bits.
        int32_t i = d >= 2147483647.0 ? INT32_MAX : d <= -2147483648.0 ? INT32_MIN : static_cast<int32_t>(d);
        return static_cast<T>(i);
      }
    }
};

template <typename T>
absl::StatusOr<Value> NarrowFrom(const Value& v) {
  return std::visit(NarrowVisitor<T>{}, v.rep());
}

absl::StatusOr<Value> CastPrimitive(const Value& v, SchemaType target) {
  if (v.is_null()) return Value();
  switch (target) {
    case SchemaType::kInt8: return NarrowFrom<int8_t>(v);
    case SchemaType::kInt16: return NarrowFrom<int16_t>(v);
    case SchemaType::kInt32: return NarrowFrom<int32_t>(v);
    case SchemaType::kInt64: return NarrowFrom<int64_t>(v);
    case SchemaType::kFloat32: return NarrowFrom<float>(v);
    case SchemaType::kFloat64: return NarrowFrom<double>(v);
    case SchemaType::kBoolean: {
      if (const std::string* s = v.get_if<std::string>()) return Value(absl::AsciiStrToLower(*s) == "true");
      if (const bool* b = v.get_if<bool>()) return Value(*b);
      KSTREAMS_ASSIGN_OR_RETURN(Value d, NarrowFrom<double>(v));
      return Value(*d.get_if<double>() != 0);
    }
    case SchemaType::kString: {
      if (const Bytes* b = v.get_if<Bytes>()) return Value(Base64Encode(b->data));
      if (const DateTime* t = v.get_if<DateTime>()) {
        return Value(FormatJavaDate("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", t->epoch_millis));
      }
      return Value(v.ToString());
    }
    default:
      return DataError(StrCat("Cast transformation does not support casting to ", SchemaTypeName(target)));
  }
}

class Cast final : public KeyOrValue {
 public:
  using KeyOrValue::KeyOrValue;
  KSTREAMS_CONNECT_CLASS("Cast")

  absl::Status Configure(const ConfigMap& config) override {
    ConfigDef def;
    def.DefineRequired("spec", ConfigType::kList, Importance::kHigh, "");
    KSTREAMS_ASSIGN_OR_RETURN(ParsedConfig parsed, def.Parse(config));
    std::vector<std::string> spec = parsed.GetList("spec");
    if (spec.empty()) {
      return ConfigError("spec", ListText(spec), "Must specify at least one field to cast.");
    }
    for (const std::string& item : spec) {
      size_t colon = item.find(':');
      std::string field, type_name;
      if (colon == std::string::npos) {
        if (spec.size() > 1) {
          return ConfigError("spec", ListText(spec),
                             "Cast transformations that specify a type to cast the entire value to may "
                             "ony specify a single cast in their spec");
        }
        type_name = item;
      } else {
        field = item.substr(0, colon);
        type_name = item.substr(colon + 1);
      }
      std::optional<SchemaType> type = SchemaTypeFromName(std::string(absl::StripAsciiWhitespace(type_name)));
      if (!type) {
        return ConfigError("spec", ListText(spec), "Invalid type found in casting spec: " + type_name);
      }
      if (!IsPrimitive(*type) || *type == SchemaType::kBytes) {
        return ConfigError("spec", ListText(spec),
                           StrCat("Cast transformation does not support casting to/from ",
                                  SchemaTypeName(*type)));
      }
      if (colon == std::string::npos) {
        whole_value_ = *type;
      } else {
        casts_.emplace_back(std::string(absl::StripAsciiWhitespace(field)), *type);
      }
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::optional<ConnectRecord>> Apply(ConnectRecord r) override {
    const Value& value = OperatingValue(r);
    const SchemaPtr& schema = OperatingSchema(r);
    if (value.is_null()) return std::optional<ConnectRecord>(std::move(r));
    if (whole_value_) {
      if (schema != nullptr) KSTREAMS_RETURN_IF_ERROR(CheckSource(schema->type(), ""));
      KSTREAMS_ASSIGN_OR_RETURN(Value cast, CastPrimitive(value, *whole_value_));
      SchemaPtr out_schema = schema == nullptr ? nullptr : Schema::OfType(*whole_value_, schema->optional());
      return std::optional<ConnectRecord>(NewRecord(std::move(r), out_schema, std::move(cast)));
    }
    if (schema == nullptr) {
      KSTREAMS_ASSIGN_OR_RETURN(const Map* m, RequireMap(value, "cast types"));
      Map out = *m;
      for (auto& [k, v] : out) {
        const std::string* name = k.get_if<std::string>();
        if (name == nullptr) continue;
        for (const auto& [f, t] : casts_) {
          if (f == *name) {
            if (v.InferredType() && !IsPrimitive(*v.InferredType())) {
              return DataError(StrCat("Cast transformation does not support casting to/from ",
                                      SchemaTypeName(*v.InferredType())));
            }
            KSTREAMS_ASSIGN_OR_RETURN(v, CastPrimitive(v, t));
          }
        }
      }
      return std::optional<ConnectRecord>(NewRecord(std::move(r), nullptr, Value(std::move(out))));
    }
    KSTREAMS_ASSIGN_OR_RETURN(const Struct* s, RequireStruct(value, "cast types"));
    SchemaPtr updated = cache_.Get(schema);
    if (updated == nullptr) {
      SchemaBuilder b = CopyStructBasics(*schema);
      if (schema->optional()) b.Optional();
      targets_.clear();
      for (const Field& f : schema->fields()) {
        std::optional<SchemaType> target = TargetFor(f.name);
        targets_.push_back(target);
        if (!target) {
          b.Field(f.name, f.schema);
          continue;
        }
        KSTREAMS_RETURN_IF_ERROR(CheckSource(f.schema->type(), f.name));
        SchemaBuilder fb(*target);
        if (f.schema->optional()) fb.Optional();
        if (f.schema->default_value() != nullptr) {
          KSTREAMS_ASSIGN_OR_RETURN(Value d, CastPrimitive(*f.schema->default_value(), *target));
          fb.DefaultValue(std::move(d));
        }
        b.Field(f.name, fb.Build());
      }
      updated = b.Build();
      cache_.Put(schema, updated);
    }
    Struct out(updated);
    for (const Field& f : schema->fields()) {
      const std::optional<SchemaType>& target = targets_[f.index];
      Value& v = Owned(s).At(f.index);
      if (target) {
        KSTREAMS_ASSIGN_OR_RETURN(Value cast, CastPrimitive(v, *target));
        out.Set(f.index, std::move(cast));
      } else {
        out.Set(f.index, std::move(v));
      }
    }
    return std::optional<ConnectRecord>(NewRecord(std::move(r), updated, Value(std::move(out))));
  }

 private:
  std::optional<SchemaType> TargetFor(const std::string& name) const {
    for (const auto& [f, t] : casts_) {
      if (f == name) return t;
    }
    return std::nullopt;
  }
  static absl::Status CheckSource(SchemaType type, std::string_view) {
    if (!IsPrimitive(type)) {
      return DataError(StrCat("Cast transformation does not support casting to/from ", SchemaTypeName(type)));
    }
    return absl::OkStatus();
  }
  std::optional<SchemaType> whole_value_;
  std::vector<std::pair<std::string, SchemaType>> casts_;
  SchemaCache cache_;
  std::vector<std::optional<SchemaType>> targets_;  // per field of the cached input schema
};

// ------------------------------------------------------------ TimestampConverter

class TimestampConverter final : public KeyOrValue {
 public:
  using KeyOrValue::KeyOrValue;
  KSTREAMS_CONNECT_CLASS("TimestampConverter")

  absl::Status Configure(const ConfigMap& config) override {
    ConfigDef def;
    def.Define("field", ConfigType::kString, "", Importance::kHigh, "")
        .DefineRequired("target.type", ConfigType::kString, Importance::kHigh, "",
                        ConfigDef::In({"string", "unix", "Date", "Time", "Timestamp"}))
        .Define("format", ConfigType::kString, "", Importance::kMedium, "")
        .Define("unix.precision", ConfigType::kString, "milliseconds", Importance::kLow, "",
                ConfigDef::In({"nanoseconds", "microseconds", "milliseconds", "seconds"}));
    KSTREAMS_ASSIGN_OR_RETURN(ParsedConfig parsed, def.Parse(config));
    field_ = *parsed.GetString("field");
    target_ = *parsed.GetString("target.type");
    format_ = *parsed.GetString("format");
    std::string precision = *parsed.GetString("unix.precision");
    unix_divisor_num_ = precision == "seconds" ? 1000 : 1;
    unix_scale_ = precision == "microseconds" ? 1000 : precision == "nanoseconds" ? 1000000 : 1;
    if (target_ == "string" && format_.empty()) {
      return ConfigError("format", "", "TimestampConverter requires format option to be specified when using string timestamps");
    }
    if (!format_.empty()) {
      absl::Status s = ValidateJavaDatePattern(format_);
      if (!s.ok()) {
        return ConfigError("format", format_,
                           StrCat("TimestampConverter requires a SimpleDateFormat-compatible pattern for string "
                                  "timestamps: ", format_, " (kstreams supports y M d H m s S and quoted literals)"));
      }
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::optional<ConnectRecord>> Apply(ConnectRecord r) override {
    const Value& value = OperatingValue(r);
    const SchemaPtr& schema = OperatingSchema(r);
    if (field_.empty()) {
      if (value.is_null()) {
        return std::optional<ConnectRecord>(
            NewRecord(std::move(r), schema ? TargetSchema(schema->optional()) : nullptr, Value()));
      }
      KSTREAMS_ASSIGN_OR_RETURN(int64_t millis, ToMillis(value, schema));
      KSTREAMS_ASSIGN_OR_RETURN(Value out, FromMillis(millis));
      return std::optional<ConnectRecord>(
          NewRecord(std::move(r), schema ? TargetSchema(schema->optional()) : nullptr, std::move(out)));
    }
    if (value.is_null()) return std::optional<ConnectRecord>(std::move(r));
    if (schema == nullptr) {
      KSTREAMS_ASSIGN_OR_RETURN(const Map* m, RequireMap(value, "converting timestamp formats"));
      Map out = *m;
      for (auto& [k, v] : out) {
        if (k == Value(field_) && !v.is_null()) {
          KSTREAMS_ASSIGN_OR_RETURN(int64_t millis, ToMillis(v, nullptr));
          KSTREAMS_ASSIGN_OR_RETURN(v, FromMillis(millis));
        }
      }
      return std::optional<ConnectRecord>(NewRecord(std::move(r), nullptr, Value(std::move(out))));
    }
    KSTREAMS_ASSIGN_OR_RETURN(const Struct* s, RequireStruct(value, "converting timestamp formats"));
    SchemaBuilder b = CopyStructBasics(*schema);
    for (const Field& f : schema->fields()) {
      b.Field(f.name, f.name == field_ ? TargetSchema(f.schema->optional()) : f.schema);
    }
    SchemaPtr updated = b.Build();
    Struct out(updated);
    for (const Field& f : schema->fields()) {
      const Value& v = s->At(f.index);
      if (f.name == field_ && !v.is_null()) {
        KSTREAMS_ASSIGN_OR_RETURN(int64_t millis, ToMillis(v, f.schema));
        KSTREAMS_ASSIGN_OR_RETURN(Value converted, FromMillis(millis));
        out.Set(f.index, std::move(converted));
      } else {
        out.Set(f.index, v);
      }
    }
    return std::optional<ConnectRecord>(NewRecord(std::move(r), updated, Value(std::move(out))));
  }

 private:
  SchemaPtr TargetSchema(bool optional) const {
    if (target_ == "string") return optional ? Schema::OptionalString() : Schema::String();
    if (target_ == "unix") return optional ? Schema::OptionalInt64() : Schema::Int64();
    if (target_ == "Date") return LogicalDate::Schema(optional);
    if (target_ == "Time") return LogicalTime::Schema(optional);
    return LogicalTimestamp::Schema(optional);
  }
  absl::StatusOr<int64_t> ToMillis(const Value& v, const SchemaPtr&) const {
    if (const DateTime* t = v.get_if<DateTime>()) return t->epoch_millis;
    if (const int64_t* l = v.get_if<int64_t>()) return *l * unix_divisor_num_ / unix_scale_;
    if (const std::string* s = v.get_if<std::string>()) {
      if (format_.empty()) {
        return DataError("TimestampConverter requires format option to be specified when using string timestamps");
      }
      absl::StatusOr<int64_t> parsed = ParseJavaDate(format_, *s);
      if (!parsed.ok()) {
        return DataError(StrCat("Could not parse timestamp: value (", *s, ") does not match pattern (", format_, ")"));
      }
      return *parsed;
    }
    return DataError(StrCat("TimestampConverter does not support ", v.JavaClassName(),
                            " objects as timestamps"));
  }
  absl::StatusOr<Value> FromMillis(int64_t millis) const {
    constexpr int64_t kDay = 86400000;
    if (target_ == "string") return Value(FormatJavaDate(format_, millis));
    if (target_ == "unix") return Value(millis * unix_scale_ / unix_divisor_num_);
    if (target_ == "Date") {
      int64_t days = millis >= 0 ? millis / kDay : -((-millis + kDay - 1) / kDay);
      return Value(DateTime{days * kDay});
    }
    if (target_ == "Time") {
      int64_t ms = millis % kDay;
      if (ms < 0) ms += kDay;
      return Value(DateTime{ms});
    }
    return Value(DateTime{millis});
  }
  std::string field_, target_, format_;
  int64_t unix_divisor_num_ = 1, unix_scale_ = 1;
};

// ------------------------------------------------------------ Flatten

class Flatten final : public KeyOrValue {
 public:
  using KeyOrValue::KeyOrValue;
  KSTREAMS_CONNECT_CLASS("Flatten")
  absl::Status Configure(const ConfigMap& config) override {
    ConfigDef def;
    def.Define("delimiter", ConfigType::kString, ".", Importance::kMedium, "");
    KSTREAMS_ASSIGN_OR_RETURN(ParsedConfig parsed, def.Parse(config));
    delimiter_ = *parsed.GetString("delimiter");
    auto it = config.find("delimiter");
    if (it != config.end()) delimiter_ = it->second;  // not trimmed
    return absl::OkStatus();
  }
  absl::StatusOr<std::optional<ConnectRecord>> Apply(ConnectRecord r) override {
    const Value& value = OperatingValue(r);
    const SchemaPtr& schema = OperatingSchema(r);
    if (schema == nullptr) {
      if (value.is_null()) return std::optional<ConnectRecord>(std::move(r));
      KSTREAMS_ASSIGN_OR_RETURN(const Map* m, RequireMap(value, "flattening"));
      Map out;
      FlattenMap(*m, "", out);
      return std::optional<ConnectRecord>(NewRecord(std::move(r), nullptr, Value(std::move(out))));
    }
    if (value.is_null()) {
      // The schema is still flattened (Connect does so for tombstones).
      SchemaBuilder b = CopyStructBasics(*schema);
      if (schema->optional()) b.Optional();
      FlattenSchema(*schema, "", false, b);
      return std::optional<ConnectRecord>(NewRecord(std::move(r), b.Build(), Value()));
    }
    KSTREAMS_ASSIGN_OR_RETURN(const Struct* s, RequireStruct(value, "flattening"));
    SchemaBuilder b = CopyStructBasics(*schema);
    if (schema->optional()) b.Optional();
    FlattenSchema(*schema, "", false, b);
    SchemaPtr updated = b.Build();
    Struct out(updated);
    FlattenStruct(s, *schema, "", out);
    return std::optional<ConnectRecord>(NewRecord(std::move(r), updated, Value(std::move(out))));
  }

 private:
  std::string Name(const std::string& prefix, const std::string& name) const {
    return prefix.empty() ? name : prefix + delimiter_ + name;
  }
  void FlattenMap(const Map& m, const std::string& prefix, Map& out) const {
    for (const auto& [k, v] : m) {
      std::string name = Name(prefix, k.ToString());
      if (const Map* inner = v.get_if<Map>()) {
        FlattenMap(*inner, name, out);
      } else {
        out.emplace_back(Value(name), v);
      }
    }
  }
  void FlattenSchema(const Schema& schema, const std::string& prefix, bool optional_parent, SchemaBuilder& b) const {
    for (const Field& f : schema.fields()) {
      std::string name = Name(prefix, f.name);
      bool optional = optional_parent || f.schema->optional();
      if (f.schema->type() == SchemaType::kStruct) {
        FlattenSchema(*f.schema, name, optional, b);
      } else if (optional && !f.schema->optional()) {
        SchemaBuilder copy = SchemaBuilder::CopyOf(*f.schema);
        copy.Optional();
        b.Field(name, copy.Build());
      } else {
        b.Field(name, f.schema);
      }
    }
  }
  void FlattenStruct(const Struct* s, const Schema& schema, const std::string& prefix, Struct& out) const {
    for (const Field& f : schema.fields()) {
      std::string name = Name(prefix, f.name);
      const Value* v = s == nullptr ? nullptr : s->GetWithoutDefault(f.name);
      if (f.schema->type() == SchemaType::kStruct) {
        FlattenStruct(v != nullptr ? v->get_if<Struct>() : nullptr, *f.schema, name, out);
      } else if (v != nullptr) {
        const Field* target = out.schema()->FindField(name);
        out.Set(target->index, *v);
      }
    }
  }
  std::string delimiter_ = ".";
};

// ------------------------------------------------------------ RegexRouter

class RegexRouter final : public Transformation {
 public:
  std::string_view ClassName() const override { return "org.apache.kafka.connect.transforms.RegexRouter"; }
  absl::Status Configure(const ConfigMap& config) override {
    ConfigDef def;
    def.DefineRequired("regex", ConfigType::kString, Importance::kHigh, "")
        .DefineRequired("replacement", ConfigType::kString, Importance::kHigh, "");
    KSTREAMS_ASSIGN_OR_RETURN(ParsedConfig parsed, def.Parse(config));
    std::string regex = *parsed.GetString("regex");
    replacement_ = *parsed.GetString("replacement");
    try {
      regex_ = std::regex(regex);
    } catch (const std::regex_error& e) {
      return ConfigError("regex", regex, "Invalid regex: " + std::string(e.what()));
    }
    return absl::OkStatus();
  }
  absl::StatusOr<std::optional<ConnectRecord>> Apply(ConnectRecord r) override {
    std::smatch m;
    if (std::regex_match(r.topic, m, regex_)) {
      r.topic = m.format(replacement_);
    }
    return std::optional<ConnectRecord>(std::move(r));
  }

 private:
  std::regex regex_;
  std::string replacement_;
};

// ------------------------------------------------------------ TimestampRouter

class TimestampRouter final : public Transformation {
 public:
  std::string_view ClassName() const override { return "org.apache.kafka.connect.transforms.TimestampRouter"; }
  absl::Status Configure(const ConfigMap& config) override {
    ConfigDef def;
    def.Define("topic.format", ConfigType::kString, "${topic}-${timestamp}", Importance::kHigh, "",
               ConfigDef::NonEmptyString())
        .Define("timestamp.format", ConfigType::kString, "yyyyMMdd", Importance::kHigh, "",
                ConfigDef::NonEmptyString());
    KSTREAMS_ASSIGN_OR_RETURN(ParsedConfig parsed, def.Parse(config));
    topic_format_ = *parsed.GetString("topic.format");
    timestamp_format_ = *parsed.GetString("timestamp.format");
    if (!ValidateJavaDatePattern(timestamp_format_).ok()) {
      return ConfigError("timestamp.format", timestamp_format_,
                         "kstreams supports the SimpleDateFormat letters y M d H m s S and quoted literals");
    }
    return absl::OkStatus();
  }
  absl::StatusOr<std::optional<ConnectRecord>> Apply(ConnectRecord r) override {
    if (!r.timestamp) {
      return DataError(StrCat("Timestamp missing on record: ConnectRecord{topic='", r.topic, "'}"));
    }
    std::string ts = FormatJavaDate(timestamp_format_, *r.timestamp);
    std::string topic = topic_format_;
    ReplaceAll(topic, "${topic}", r.topic);
    ReplaceAll(topic, "${timestamp}", ts);
    r.topic = topic;
    return std::optional<ConnectRecord>(std::move(r));
  }

 private:
  static void ReplaceAll(std::string& s, std::string_view from, std::string_view to) {
    for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) {
      s.replace(pos, from.size(), to);
    }
  }
  std::string topic_format_, timestamp_format_;
};

// ------------------------------------------------------------ Filter

class Filter final : public Transformation {
 public:
  std::string_view ClassName() const override { return "org.apache.kafka.connect.transforms.Filter"; }
  absl::Status Configure(const ConfigMap&) override { return absl::OkStatus(); }
  absl::StatusOr<std::optional<ConnectRecord>> Apply(ConnectRecord) override {
    return std::optional<ConnectRecord>();
  }
};

// ------------------------------------------------------------ headers

class InsertHeader final : public Transformation {
 public:
  std::string_view ClassName() const override { return "org.apache.kafka.connect.transforms.InsertHeader"; }
  absl::Status Configure(const ConfigMap& config) override {
    ConfigDef def;
    def.DefineRequired("header", ConfigType::kString, Importance::kHigh, "", ConfigDef::NonEmptyString())
        .DefineRequired("value.literal", ConfigType::kString, Importance::kHigh, "",
                        [](const ConfigValue& v) -> std::string {
                          return std::holds_alternative<std::monostate>(v) ? "Value must be non-null" : "";
                        });
    KSTREAMS_ASSIGN_OR_RETURN(ParsedConfig parsed, def.Parse(config));
    header_ = *parsed.GetString("header");
    literal_ = config.at("value.literal");
    return absl::OkStatus();
  }
  absl::StatusOr<std::optional<ConnectRecord>> Apply(ConnectRecord r) override {
    r.headers.Add(header_, Schema::String(), Value(literal_));
    return std::optional<ConnectRecord>(std::move(r));
  }

 private:
  std::string header_, literal_;
};

class DropHeaders final : public Transformation {
 public:
  std::string_view ClassName() const override { return "org.apache.kafka.connect.transforms.DropHeaders"; }
  absl::Status Configure(const ConfigMap& config) override {
    ConfigDef def;
    def.DefineRequired("headers", ConfigType::kList, Importance::kHigh, "",
                       ConfigDef::NonEmptyList());
    KSTREAMS_ASSIGN_OR_RETURN(ParsedConfig parsed, def.Parse(config));
    headers_ = parsed.GetList("headers");
    return absl::OkStatus();
  }
  absl::StatusOr<std::optional<ConnectRecord>> Apply(ConnectRecord r) override {
    for (const std::string& h : headers_) r.headers.Remove(h);
    return std::optional<ConnectRecord>(std::move(r));
  }

 private:
  std::vector<std::string> headers_;
};

class HeaderFrom final : public KeyOrValue {
 public:
  using KeyOrValue::KeyOrValue;
  KSTREAMS_CONNECT_CLASS("HeaderFrom")
  absl::Status Configure(const ConfigMap& config) override {
    ConfigDef def;
    auto non_empty = ConfigDef::NonEmptyList();
    def.DefineRequired("fields", ConfigType::kList, Importance::kHigh, "", non_empty)
        .DefineRequired("headers", ConfigType::kList, Importance::kHigh, "", non_empty)
        .DefineRequired("operation", ConfigType::kString, Importance::kHigh, "", ConfigDef::In({"move", "copy"}));
    KSTREAMS_ASSIGN_OR_RETURN(ParsedConfig parsed, def.Parse(config));
    fields_ = parsed.GetList("fields");
    headers_ = parsed.GetList("headers");
    move_ = *parsed.GetString("operation") == "move";
    if (fields_.size() != headers_.size()) {
      return ConfigError("headers", ListText(headers_),
                         "'fields' config must have the same number of elements as 'headers' config.");
    }
    return absl::OkStatus();
  }
  absl::StatusOr<std::optional<ConnectRecord>> Apply(ConnectRecord r) override {
    const Value& value = OperatingValue(r);
    const SchemaPtr& schema = OperatingSchema(r);
    if (value.is_null()) return std::optional<ConnectRecord>(std::move(r));
    if (schema == nullptr) {
      KSTREAMS_ASSIGN_OR_RETURN(const Map* m, RequireMap(value, "header from field"));
      Headers headers = r.headers;
      for (size_t i = 0; i < fields_.size(); ++i) {
        const Value* v = MapGet(*m, Value(fields_[i]));
        headers.Add(headers_[i], nullptr, v ? *v : Value());
      }
      Map out;
      for (const auto& [k, v] : *m) {
        const std::string* name = k.get_if<std::string>();
        if (move_ && name != nullptr && Moved(*name)) continue;
        out.emplace_back(k, v);
      }
      r.headers = std::move(headers);
      if (!move_) return std::optional<ConnectRecord>(std::move(r));
      return std::optional<ConnectRecord>(NewRecord(std::move(r), nullptr, Value(std::move(out))));
    }
    KSTREAMS_ASSIGN_OR_RETURN(const Struct* s, RequireStruct(value, "header from field"));
    for (size_t i = 0; i < fields_.size(); ++i) {
      const Field* f = schema->FindField(fields_[i]);
      if (f == nullptr) return DataError(StrCat(fields_[i], " is not a valid field name"));
      r.headers.Add(headers_[i], f->schema, *s->Get(fields_[i]));
    }
    if (!move_) return std::optional<ConnectRecord>(std::move(r));
    SchemaBuilder b = CopyStructBasics(*schema);
    for (const Field& f : schema->fields()) {
      if (!Moved(f.name)) b.Field(f.name, f.schema);
    }
    SchemaPtr updated = b.Build();
    Struct out(updated);
    for (const Field& f : updated->fields()) out.Set(f.index, *s->GetWithoutDefault(f.name));
    return std::optional<ConnectRecord>(NewRecord(std::move(r), updated, Value(std::move(out))));
  }

 private:
  bool Moved(const std::string& name) const {
    return std::find(fields_.begin(), fields_.end(), name) != fields_.end();
  }
  std::vector<std::string> fields_, headers_;
  bool move_ = false;
};

#undef KSTREAMS_CONNECT_CLASS

}  // namespace

std::unique_ptr<Transformation> NewTransformation(std::string_view base, std::optional<bool> is_key) {
  auto keyed = [&](auto tag) -> std::unique_ptr<Transformation> {
    using T = typename decltype(tag)::type;
    if (!is_key) return nullptr;
    return std::make_unique<T>(*is_key);
  };
  auto plain = [&](auto tag) -> std::unique_ptr<Transformation> {
    using T = typename decltype(tag)::type;
    if (is_key) return nullptr;
    return std::make_unique<T>();
  };
  if (base == "InsertField") return keyed(std::type_identity<InsertField>{});
  if (base == "ReplaceField") return keyed(std::type_identity<ReplaceField>{});
  if (base == "MaskField") return keyed(std::type_identity<MaskField>{});
  if (base == "ExtractField") return keyed(std::type_identity<ExtractField>{});
  if (base == "HoistField") return keyed(std::type_identity<HoistField>{});
  if (base == "Cast") return keyed(std::type_identity<Cast>{});
  if (base == "TimestampConverter") return keyed(std::type_identity<TimestampConverter>{});
  if (base == "Flatten") return keyed(std::type_identity<Flatten>{});
  if (base == "HeaderFrom") return keyed(std::type_identity<HeaderFrom>{});
  if (base == "ValueToKey") return plain(std::type_identity<ValueToKey>{});
  if (base == "RegexRouter") return plain(std::type_identity<RegexRouter>{});
  if (base == "TimestampRouter") return plain(std::type_identity<TimestampRouter>{});
  if (base == "Filter") return plain(std::type_identity<Filter>{});
  if (base == "InsertHeader") return plain(std::type_identity<InsertHeader>{});
  if (base == "DropHeaders") return plain(std::type_identity<DropHeaders>{});
  return nullptr;
}

}  // namespace kstreams::connect::internal
