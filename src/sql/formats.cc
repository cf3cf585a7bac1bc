#include "sql/formats.h"

#include <cmath>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "kstreams/internal/big_endian.h"
#include "kstreams/internal/strings.h"
#include "nlohmann/json.hpp"

namespace kstreams::sql {

std::string FormatName(Format format) {
  switch (format) {
    case Format::kKafka: return "KAFKA";
    case Format::kJson: return "JSON";
    case Format::kDelimited: return "DELIMITED";
    case Format::kNone: return "NONE";
  }
  return "?";
}

namespace internal {

using ::kstreams::internal::StrCat;
using Json = nlohmann::json;

namespace {

const char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64Encode(const std::string& in) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int k = 3; k >= 0; --k) out += kBase64[(n >> (6 * k)) & 63];
  }
  if (i < in.size()) {
    uint32_t n = uint8_t(in[i]) << 16;
    if (i + 1 < in.size()) n |= uint8_t(in[i + 1]) << 8;
    out += kBase64[(n >> 18) & 63];
    out += kBase64[(n >> 12) & 63];
    out += i + 1 < in.size() ? kBase64[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

absl::StatusOr<std::string> Base64Decode(const std::string& in) {
  std::string out;
  uint32_t buf = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    const char* p = std::strchr(kBase64, c);
    if (!p || c == 0) return absl::InvalidArgumentError("not base64");
    buf = (buf << 6) | static_cast<uint32_t>(p - kBase64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buf >> bits) & 0xff);
    }
  }
  return out;
}

Json ToJson(const Value& v, const TypePtr& type) {
  switch (v.kind()) {
    case Value::Kind::kNull: return nullptr;
    case Value::Kind::kBoolean: return v.boolean();
    case Value::Kind::kInt:
    case Value::Kind::kBigint:
    case Value::Kind::kTimestamp:
    case Value::Kind::kDate:
    case Value::Kind::kTime:
      return v.integer();
    case Value::Kind::kDouble:
    case Value::Kind::kDecimal:
      return v.real();
    case Value::Kind::kString: return v.str();
    case Value::Kind::kBytes: return Base64Encode(v.str());
    case Value::Kind::kArray: {
      Json a = Json::array();
      TypePtr et = type ? type->element() : nullptr;
      for (const Value& e : v.elements()) a.push_back(ToJson(e, et));
      return a;
    }
    case Value::Kind::kMap: {
      Json o = Json::object();
      TypePtr vt = type ? type->element() : nullptr;
      const auto& e = v.elements();
      for (size_t i = 0; i + 1 < e.size(); i += 2) o[e[i].ToString()] = ToJson(e[i + 1], vt);
      return o;
    }
    case Value::Kind::kStruct: {
      Json o = Json::object();
      const auto& e = v.elements();
      for (size_t i = 0; i < e.size(); ++i) {
        std::string name = type && i < type->fields().size() ? type->fields()[i].name : StrCat("F", i);
        o[name] = ToJson(e[i], type && i < type->fields().size() ? type->fields()[i].type : nullptr);
      }
      return o;
    }
  }
  return nullptr;
}

const Json* FindField(const Json& object, const std::string& name) {
  auto it = object.find(name);
  if (it != object.end()) return &*it;
  for (auto i = object.begin(); i != object.end(); ++i) {
    if (absl::EqualsIgnoreCase(i.key(), name)) return &*i;
  }
  return nullptr;
}

absl::StatusOr<Value> FromJson(const Json& j, const TypePtr& type);

absl::Status Mismatch(const Json& j, const TypePtr& type) {
  return absl::InvalidArgumentError(
      StrCat("cannot read JSON ", j.dump(), " as ", type ? type->ToString() : "NULL"));
}

absl::StatusOr<Value> FromText(const std::string& s, const TypePtr& type) {
  // A JSON string holding a number or boolean, read as ksqlDB reads it.
  char* end = nullptr;
  switch (type->kind()) {
    case TypeKind::kBoolean: {
      std::string l = absl::AsciiStrToLower(s);
      if (l == "true" || l == "false") return Value::Boolean(l == "true");
      break;
    }
    case TypeKind::kInt:
    case TypeKind::kBigint:
    case TypeKind::kTimestamp:
    case TypeKind::kDate:
    case TypeKind::kTime: {
      long long n = std::strtoll(s.c_str(), &end, 10);
      if (!s.empty() && *end == '\0') return FromJson(Json(static_cast<int64_t>(n)), type);
      break;
    }
    case TypeKind::kDouble:
    case TypeKind::kDecimal: {
      double d = std::strtod(s.c_str(), &end);
      if (!s.empty() && *end == '\0') return FromJson(Json(d), type);
      break;
    }
    default: break;
  }
  return Mismatch(Json(s), type);
}

absl::StatusOr<Value> FromJson(const Json& j, const TypePtr& type) {
  if (j.is_null()) return Value::Null();
  switch (type->kind()) {
    case TypeKind::kBoolean:
      if (j.is_boolean()) return Value::Boolean(j.get<bool>());
      if (j.is_string()) return FromText(j.get<std::string>(), type);
      return Mismatch(j, type);
    case TypeKind::kInt:
    case TypeKind::kBigint:
    case TypeKind::kTimestamp:
    case TypeKind::kDate:
    case TypeKind::kTime: {
      int64_t n;
      if (j.is_number_integer()) n = j.get<int64_t>();
      else if (j.is_number_float()) n = static_cast<int64_t>(j.get<double>());
      else if (j.is_string()) return FromText(j.get<std::string>(), type);
      else return Mismatch(j, type);
      switch (type->kind()) {
        case TypeKind::kInt: return Value::Int(static_cast<int32_t>(n));
        case TypeKind::kBigint: return Value::Bigint(n);
        case TypeKind::kTimestamp: return Value::Timestamp(n);
        case TypeKind::kDate: return Value::Date(static_cast<int32_t>(n));
        default: return Value::Time(static_cast<int32_t>(n));
      }
    }
    case TypeKind::kDouble:
    case TypeKind::kDecimal: {
      if (j.is_string()) return FromText(j.get<std::string>(), type);
      if (!j.is_number()) return Mismatch(j, type);
      double d = j.get<double>();
      return type->kind() == TypeKind::kDouble ? Value::Double(d) : Value::Decimal(d, type->scale());
    }
    case TypeKind::kString:
      if (j.is_string()) return Value::String(j.get<std::string>());
      return Value::String(j.dump());
    case TypeKind::kBytes: {
      if (!j.is_string()) return Mismatch(j, type);
      auto b = Base64Decode(j.get<std::string>());
      if (!b.ok()) return Mismatch(j, type);
      return Value::Bytes(*b);
    }
    case TypeKind::kArray: {
      if (!j.is_array()) return Mismatch(j, type);
      std::vector<Value> out;
      for (const Json& e : j) {
        auto v = FromJson(e, type->element());
        if (!v.ok()) return v.status();
        out.push_back(*v);
      }
      return Value::Array(std::move(out));
    }
    case TypeKind::kMap: {
      if (!j.is_object()) return Mismatch(j, type);
      std::vector<Value> out;
      for (auto it = j.begin(); it != j.end(); ++it) {
        auto k = FromText(it.key(), type->key());
        if (type->key()->kind() == TypeKind::kString) k = Value::String(it.key());
        if (!k.ok()) return k.status();
        auto v = FromJson(it.value(), type->element());
        if (!v.ok()) return v.status();
        out.push_back(*k);
        out.push_back(*v);
      }
      return Value::Map(std::move(out));
    }
    case TypeKind::kStruct: {
      if (!j.is_object()) return Mismatch(j, type);
      std::vector<Value> out;
      for (const SqlType::Field& f : type->fields()) {
        const Json* field = FindField(j, f.name);
        if (!field) {
          out.push_back(Value::Null());
          continue;
        }
        auto v = FromJson(*field, f.type);
        if (!v.ok()) return v.status();
        out.push_back(*v);
      }
      return Value::Struct(std::move(out));
    }
  }
  return Mismatch(j, type);
}

class JsonRowSerde final : public Serde<Row> {
 public:
  JsonRowSerde(std::vector<Column> columns, bool unwrap)
      : columns_(std::move(columns)), unwrap_(unwrap) {}

  absl::Status Serialize(std::string_view, const Row& row, std::string& out) const override {
    if (unwrap_) {
      out = ToJson(row[0], columns_[0].type).dump();
      return absl::OkStatus();
    }
    Json o = Json::object();
    for (size_t i = 0; i < columns_.size() && i < row.size(); ++i) {
      o[columns_[i].name] = ToJson(row[i], columns_[i].type);
    }
    out = o.dump();
    return absl::OkStatus();
  }

  absl::StatusOr<Row> Deserialize(std::string_view topic, std::string_view data) const override {
    Json j = Json::parse(data.begin(), data.end(), nullptr, false);
    if (j.is_discarded()) {
      return absl::InvalidArgumentError(StrCat("invalid JSON on topic '", topic, "': ", data));
    }
    Row row;
    if (unwrap_ || (!j.is_object() && columns_.size() == 1)) {
      auto v = FromJson(j, columns_[0].type);
      if (!v.ok()) return v.status();
      row.push_back(*v);
      return row;
    }
    if (!j.is_object()) {
      return absl::InvalidArgumentError(StrCat("expected a JSON object on topic '", topic, "', got ", j.dump()));
    }
    for (const Column& c : columns_) {
      const Json* field = FindField(j, c.name);
      if (!field) {
        row.push_back(Value::Null());
        continue;
      }
      auto v = FromJson(*field, c.type);
      if (!v.ok()) return absl::InvalidArgumentError(StrCat("column ", c.name, ": ", v.status().message()));
      row.push_back(*v);
    }
    return row;
  }

  bool IsNull(const Row& row) const override { return row.empty() || (unwrap_ && row[0].is_null()); }
  absl::StatusOr<Row> DeserializeNull(std::string_view) const override { return Row(); }

 private:
  std::vector<Column> columns_;
  bool unwrap_;
};

class KafkaRowSerde final : public Serde<Row> {
 public:
  explicit KafkaRowSerde(std::vector<Column> columns) : columns_(std::move(columns)) {}

  absl::Status Serialize(std::string_view, const Row& row, std::string& out) const override {
    out.clear();
    if (columns_.empty() || row.empty() || row[0].is_null()) return absl::OkStatus();
    const Value& v = row[0];
    switch (columns_[0].type->kind()) {
      case TypeKind::kInt: {
        uint32_t u = static_cast<uint32_t>(v.integer());
        for (int s = 24; s >= 0; s -= 8) out += static_cast<char>((u >> s) & 0xff);
        break;
      }
      case TypeKind::kBigint: {
        uint64_t u = static_cast<uint64_t>(v.integer());
        for (int s = 56; s >= 0; s -= 8) out += static_cast<char>((u >> s) & 0xff);
        break;
      }
      case TypeKind::kDouble: {
        double d = v.AsDouble();
        uint64_t u;
        std::memcpy(&u, &d, 8);
        for (int s = 56; s >= 0; s -= 8) out += static_cast<char>((u >> s) & 0xff);
        break;
      }
      default: out = v.str(); break;
    }
    return absl::OkStatus();
  }

  absl::StatusOr<Row> Deserialize(std::string_view topic, std::string_view data) const override {
    if (columns_.empty()) return Row();
    auto size_error = [&](size_t want) {
      return absl::InvalidArgumentError(StrCat("KAFKA format on topic '", topic, "': ",
                                               columns_[0].type->ToString(), " needs ", want,
                                               " bytes, got ", data.size()));
    };
    uint64_t u = 0;
    switch (columns_[0].type->kind()) {
      case TypeKind::kInt:
        if (data.size() != 4) return size_error(4);
        for (char c : data) u = (u << 8) | static_cast<uint8_t>(c);
        return Row{Value::Int(static_cast<int32_t>(static_cast<uint32_t>(u)))};
      case TypeKind::kBigint:
        if (data.size() != 8) return size_error(8);
        for (char c : data) u = (u << 8) | static_cast<uint8_t>(c);
        return Row{Value::Bigint(static_cast<int64_t>(u))};
      case TypeKind::kDouble: {
        if (data.size() != 8) return size_error(8);
        for (char c : data) u = (u << 8) | static_cast<uint8_t>(c);
        double d;
        std::memcpy(&d, &u, 8);
        return Row{Value::Double(d)};
      }
      case TypeKind::kBytes: return Row{Value::Bytes(std::string(data))};
      default: return Row{Value::String(std::string(data))};
    }
  }

  bool IsNull(const Row& row) const override {
    return columns_.empty() || row.empty() || row[0].is_null();
  }
  absl::StatusOr<Row> DeserializeNull(std::string_view) const override {
    return columns_.empty() ? Row() : Row{Value::Null()};
  }

 private:
  std::vector<Column> columns_;
};

std::string DelimitedField(const Value& v, char delimiter) {
  if (v.is_null()) return "";
  std::string s = v.kind() == Value::Kind::kBytes ? Base64Encode(v.str()) : v.ToString();
  if (v.kind() == Value::Kind::kString &&
      (s.find(delimiter) != std::string::npos || s.find('"') != std::string::npos ||
       s.find('\n') != std::string::npos)) {
    std::string q = "\"";
    for (char c : s) {
      if (c == '"') q += '"';
      q += c;
    }
    return q + "\"";
  }
  return s;
}

class DelimitedRowSerde final : public Serde<Row> {
 public:
  DelimitedRowSerde(std::vector<Column> columns, char delimiter)
      : columns_(std::move(columns)), delimiter_(delimiter) {}

  absl::Status Serialize(std::string_view, const Row& row, std::string& out) const override {
    out.clear();
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) out += delimiter_;
      out += DelimitedField(row[i], delimiter_);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<Row> Deserialize(std::string_view topic, std::string_view data) const override {
    std::vector<std::pair<std::string, bool>> fields;  // text, was quoted
    std::string cur;
    bool quoted = false, in_quotes = false;
    for (size_t i = 0; i < data.size(); ++i) {
      char c = data[i];
      if (in_quotes) {
        if (c == '"') {
          if (i + 1 < data.size() && data[i + 1] == '"') {
            cur += '"';
            ++i;
          } else {
            in_quotes = false;
          }
        } else {
          cur += c;
        }
      } else if (c == '"' && cur.empty()) {
        in_quotes = quoted = true;
      } else if (c == delimiter_) {
        fields.emplace_back(std::move(cur), quoted);
        cur.clear();
        quoted = false;
      } else {
        cur += c;
      }
    }
    fields.emplace_back(std::move(cur), quoted);
    if (fields.size() != columns_.size()) {
      return absl::InvalidArgumentError(StrCat("DELIMITED value on topic '", topic, "' has ",
                                               fields.size(), " fields, expected ",
                                               columns_.size(), ": ", data));
    }
    Row row;
    for (size_t i = 0; i < fields.size(); ++i) {
      const auto& [text, was_quoted] = fields[i];
      if (text.empty() && !was_quoted) {
        row.push_back(Value::Null());
        continue;
      }
      const TypePtr& t = columns_[i].type;
      if (t->kind() == TypeKind::kString) {
        row.push_back(Value::String(text));
        continue;
      }
      if (t->kind() == TypeKind::kBytes) {
        auto b = Base64Decode(text);
        if (!b.ok()) return absl::InvalidArgumentError(StrCat("column ", columns_[i].name, ": not base64"));
        row.push_back(Value::Bytes(*b));
        continue;
      }
      auto v = FromText(text, t);
      if (!v.ok()) {
        return absl::InvalidArgumentError(StrCat("DELIMITED column ", columns_[i].name, " on topic '",
                                                 topic, "': '", text, "' is not a ", t->ToString()));
      }
      row.push_back(*v);
    }
    return row;
  }

  bool IsNull(const Row& row) const override { return row.empty(); }
  absl::StatusOr<Row> DeserializeNull(std::string_view) const override { return Row(); }

 private:
  std::vector<Column> columns_;
  char delimiter_;
};

// ---- state serde: kind byte, then payload.
void Encode(const Value& v, std::string& out) {
  out += static_cast<char>(v.kind());
  auto put64 = [&](uint64_t u) {
    for (int s = 56; s >= 0; s -= 8) out += static_cast<char>((u >> s) & 0xff);
  };
  switch (v.kind()) {
    case Value::Kind::kNull: break;
    case Value::Kind::kBoolean:
    case Value::Kind::kInt:
    case Value::Kind::kBigint:
    case Value::Kind::kTimestamp:
    case Value::Kind::kDate:
    case Value::Kind::kTime:
      put64(static_cast<uint64_t>(v.integer()));
      break;
    case Value::Kind::kDouble:
    case Value::Kind::kDecimal: {
      uint64_t u;
      double d = v.real();
      std::memcpy(&u, &d, 8);
      put64(u);
      if (v.kind() == Value::Kind::kDecimal) put64(static_cast<uint64_t>(v.scale()));
      break;
    }
    case Value::Kind::kString:
    case Value::Kind::kBytes:
      put64(v.str().size());
      out += v.str();
      break;
    default:
      put64(v.elements().size());
      for (const Value& e : v.elements()) Encode(e, out);
      break;
  }
}

bool Decode(std::string_view& in, Value& v) {
  auto get64 = [&](uint64_t& u) {
    if (in.size() < 8) return false;
    u = 0;
    for (int i = 0; i < 8; ++i) u = (u << 8) | static_cast<uint8_t>(in[i]);
    in.remove_prefix(8);
    return true;
  };
  if (in.empty()) return false;
  auto kind = static_cast<Value::Kind>(in[0]);
  in.remove_prefix(1);
  uint64_t u = 0;
  switch (kind) {
    case Value::Kind::kNull: v = Value::Null(); return true;
    case Value::Kind::kBoolean: if (!get64(u)) return false; v = Value::Boolean(u != 0); return true;
    case Value::Kind::kInt: if (!get64(u)) return false; v = Value::Int(static_cast<int32_t>(u)); return true;
    case Value::Kind::kBigint: if (!get64(u)) return false; v = Value::Bigint(static_cast<int64_t>(u)); return true;
    case Value::Kind::kTimestamp: if (!get64(u)) return false; v = Value::Timestamp(static_cast<int64_t>(u)); return true;
    case Value::Kind::kDate: if (!get64(u)) return false; v = Value::Date(static_cast<int32_t>(u)); return true;
    case Value::Kind::kTime: if (!get64(u)) return false; v = Value::Time(static_cast<int32_t>(u)); return true;
    case Value::Kind::kDouble:
    case Value::Kind::kDecimal: {
      if (!get64(u)) return false;
      double d;
      std::memcpy(&d, &u, 8);
      if (kind == Value::Kind::kDouble) {
        v = Value::Double(d);
        return true;
      }
      uint64_t scale;
      if (!get64(scale)) return false;
      v = Value::Decimal(d, static_cast<int>(scale));
      return true;
    }
    case Value::Kind::kString:
    case Value::Kind::kBytes: {
      if (!get64(u) || in.size() < u) return false;
      std::string s(in.substr(0, u));
      in.remove_prefix(u);
      v = kind == Value::Kind::kString ? Value::String(std::move(s)) : Value::Bytes(std::move(s));
      return true;
    }
    case Value::Kind::kArray:
    case Value::Kind::kMap:
    case Value::Kind::kStruct: {
      if (!get64(u)) return false;
      std::vector<Value> e(u);
      for (uint64_t i = 0; i < u; ++i) {
        if (!Decode(in, e[i])) return false;
      }
      v = kind == Value::Kind::kArray ? Value::Array(std::move(e))
          : kind == Value::Kind::kMap ? Value::Map(std::move(e)) : Value::Struct(std::move(e));
      return true;
    }
  }
  return false;
}

class StateRowSerde final : public Serde<Row> {
 public:
  absl::Status Serialize(std::string_view, const Row& row, std::string& out) const override {
    out.clear();
    Encode(Value::Array(row), out);
    return absl::OkStatus();
  }
  absl::StatusOr<Row> Deserialize(std::string_view topic, std::string_view data) const override {
    Value v;
    if (!Decode(data, v) || v.kind() != Value::Kind::kArray) {
      return absl::DataLossError(StrCat("corrupt SQL aggregation state on topic '", topic, "'"));
    }
    return v.elements();
  }
  absl::StatusOr<Row> DeserializeNull(std::string_view) const override { return Row(); }
};

}  // namespace

std::string ValueToJson(const Value& v, const TypePtr& type) { return ToJson(v, type).dump(); }

absl::StatusOr<Value> ValueFromJsonText(std::string_view json, const TypePtr& type) {
  Json j = Json::parse(json.begin(), json.end(), nullptr, false);
  if (j.is_discarded()) return absl::InvalidArgumentError(StrCat("invalid JSON: ", json));
  return FromJson(j, type);
}

absl::StatusOr<SerdePtr<Row>> MakeRowSerde(Format format, const std::vector<Column>& columns,
                                           bool is_key, const std::string& delimiter) {
  switch (format) {
    case Format::kJson:
      return SerdePtr<Row>(std::make_shared<JsonRowSerde>(columns, is_key && columns.size() == 1));
    case Format::kKafka:
    case Format::kNone:
      if (columns.size() > 1) {
        return absl::InvalidArgumentError(
            StrCat("the KAFKA format supports a single column, found ", columns.size(),
                   is_key ? " key columns" : " value columns"));
      }
      for (const Column& c : columns) {
        TypeKind k = c.type->kind();
        if (k != TypeKind::kInt && k != TypeKind::kBigint && k != TypeKind::kDouble &&
            k != TypeKind::kString && k != TypeKind::kBytes) {
          return absl::InvalidArgumentError(
              StrCat("the KAFKA format does not support ", c.type->ToString(), " (column ",
                     c.name, "): use INT, BIGINT, DOUBLE, STRING or BYTES"));
        }
      }
      return SerdePtr<Row>(std::make_shared<KafkaRowSerde>(columns));
    case Format::kDelimited:
      for (const Column& c : columns) {
        if (!c.type->IsPrimitive()) {
          return absl::InvalidArgumentError(StrCat("the DELIMITED format does not support ",
                                                   c.type->ToString(), " (column ", c.name, ")"));
        }
      }
      return SerdePtr<Row>(std::make_shared<DelimitedRowSerde>(
          columns, delimiter.empty() ? ',' : delimiter == "TAB" ? '\t' : delimiter == "SPACE" ? ' ' : delimiter[0]));
  }
  return absl::InvalidArgumentError("unknown format");
}

SerdePtr<Row> StateSerde() {
  static const SerdePtr<Row> serde = std::make_shared<StateRowSerde>();
  return serde;
}

}  // namespace internal
}  // namespace kstreams::sql
