#include "sql/formats.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

#include "absl/container/inlined_vector.h"
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

// The fast path of the JSON row format: flat objects of BOOLEAN, INT,
// BIGINT, DOUBLE and STRING columns, read and written without building a
// JSON document (the document, a std::map of nodes, cost most of a
// record's time: bench/README.md, "Streaming SQL"). It gives exactly the
// bytes and rows of the document path, and hands every case it does not
// handle to it: escapes and non-ASCII text in strings, nested values,
// numbers as strings and strings as numbers, malformed input.
namespace fast_json {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool FastType(const SqlType& t) {
  switch (t.kind()) {
    case TypeKind::kBoolean:
    case TypeKind::kInt:
    case TypeKind::kBigint:
    case TypeKind::kDouble:
    case TypeKind::kString: return true;
    default: return false;
  }
}

// A token of the input: a string's raw text (no escapes, printable ASCII),
// a number's text (JSON's grammar), true, false or null.
struct Token {
  enum class Kind { kString, kNumber, kTrue, kFalse, kNull } kind;
  std::string_view text;
  bool integral = false;  // a number without fraction or exponent
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  void Skip() {
    while (p_ < in_.size() && IsSpace(in_[p_])) ++p_;
  }
  bool Take(char c) {
    Skip();
    if (p_ < in_.size() && in_[p_] == c) {
      ++p_;
      return true;
    }
    return false;
  }
  bool AtEnd() {
    Skip();
    return p_ == in_.size();
  }
  // False for anything the fast path leaves to the document path.
  bool String(std::string_view& out) {
    if (!Take('"')) return false;
    size_t start = p_;
    while (p_ < in_.size()) {
      unsigned char c = static_cast<unsigned char>(in_[p_]);
      if (c == '"') {
        out = in_.substr(start, p_ - start);
        ++p_;
        return true;
      }
      if (c == '\\' || c < 0x20 || c >= 0x80) return false;
      ++p_;
    }
    return false;
  }
  bool Value(Token& t) {
    Skip();
    if (p_ >= in_.size()) return false;
    char c = in_[p_];
    if (c == '"') {
      t.kind = Token::Kind::kString;
      return String(t.text);
    }
    for (auto [word, kind] : {std::pair{std::string_view("true"), Token::Kind::kTrue},
                              std::pair{std::string_view("false"), Token::Kind::kFalse},
                              std::pair{std::string_view("null"), Token::Kind::kNull}}) {
      if (in_.substr(p_, word.size()) == word) {
        p_ += word.size();
        t.kind = kind;
        return true;
      }
    }
    // -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    size_t start = p_;
    auto digits = [&] {
      size_t d = p_;
      while (p_ < in_.size() && in_[p_] >= '0' && in_[p_] <= '9') ++p_;
      return p_ - d;
    };
    if (p_ < in_.size() && in_[p_] == '-') ++p_;
    size_t int_start = p_;
    size_t n = digits();
    if (n == 0 || (n > 1 && in_[int_start] == '0')) return false;
    t.integral = true;
    if (p_ < in_.size() && in_[p_] == '.') {
      ++p_;
      if (digits() == 0) return false;
      t.integral = false;
    }
    // Exponents (and their overflows) go the document's way.
    if (p_ < in_.size() && (in_[p_] == 'e' || in_[p_] == 'E')) return false;
    t.kind = Token::Kind::kNumber;
    t.text = in_.substr(start, p_ - start);
    // Integers that may not fit an int64 go the document's way.
    return !t.integral || n <= 18;
  }

 private:
  std::string_view in_;
  size_t p_ = 0;
};

// The column's value from `t`, or false to take the document path.
bool Convert(const Token& t, const SqlType& type, Value& out) {
  if (t.kind == Token::Kind::kNull) {
    out = Value::Null();
    return true;
  }
  switch (type.kind()) {
    case TypeKind::kBoolean:
      if (t.kind != Token::Kind::kTrue && t.kind != Token::Kind::kFalse) return false;
      out = Value::Boolean(t.kind == Token::Kind::kTrue);
      return true;
    case TypeKind::kInt:
    case TypeKind::kBigint: {
      if (t.kind != Token::Kind::kNumber || !t.integral) return false;
      int64_t n = 0;
      std::from_chars(t.text.data(), t.text.data() + t.text.size(), n);
      out = type.kind() == TypeKind::kInt ? Value::Int(static_cast<int32_t>(n)) : Value::Bigint(n);
      return true;
    }
    case TypeKind::kDouble: {
      if (t.kind != Token::Kind::kNumber) return false;
      double d = 0;
      std::from_chars(t.text.data(), t.text.data() + t.text.size(), d);
      out = Value::Double(d);
      return true;
    }
    case TypeKind::kString:
      if (t.kind != Token::Kind::kString) return false;
      out = Value::String(std::string(t.text));
      return true;
    default: return false;
  }
}

// Reads a flat object into `row` (one value per column, matched as
// FindField matches: the exact name, else the first name equal ignoring
// case in the document's (sorted) order; the last of duplicate names).
// False to take the document path.
bool ReadRow(std::string_view data, const std::vector<Column>& columns, Row& row) {
  Reader r(data);
  if (!r.Take('{')) return false;
  struct Slot {
    Token exact{}, loose{};
    std::string_view loose_name;
    bool has_exact = false, has_loose = false;
  };
  absl::InlinedVector<Slot, 16> slots(columns.size());
  if (!r.Take('}')) {
    do {
      std::string_view name;
      Token t{};
      if (!r.String(name) || !r.Take(':') || !r.Value(t)) return false;
      for (size_t i = 0; i < columns.size(); ++i) {
        Slot& slot = slots[i];
        if (name == columns[i].name) {
          slot.exact = t;
          slot.has_exact = true;
        } else if (absl::EqualsIgnoreCase(absl::string_view(name.data(), name.size()),
                                          columns[i].name) &&
                   (!slot.has_loose || name <= slot.loose_name)) {
          slot.loose = t;
          slot.loose_name = name;
          slot.has_loose = true;
        }
      }
    } while (r.Take(','));
    if (!r.Take('}')) return false;
  }
  if (!r.AtEnd()) return false;
  row.assign(columns.size(), Value::Null());
  for (size_t i = 0; i < columns.size(); ++i) {
    const Slot& slot = slots[i];
    if (!slot.has_exact && !slot.has_loose) continue;
    if (!Convert(slot.has_exact ? slot.exact : slot.loose, *columns[i].type, row[i])) return false;
  }
  return true;
}

// Appends `s` as nlohmann's dump writes it, for printable ASCII; false for
// anything else.
bool AppendString(std::string_view s, std::string& out) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x80) return false;
  }
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return true;
}

}  // namespace fast_json

class JsonRowSerde final : public Serde<Row> {
 public:
  JsonRowSerde(std::vector<Column> columns, bool unwrap)
      : columns_(std::move(columns)), unwrap_(unwrap) {
    fast_ = !unwrap_;
    for (const Column& c : columns_) fast_ = fast_ && fast_json::FastType(*c.type);
    // The document writes its members in name order (a std::map).
    for (size_t i = 0; i < columns_.size(); ++i) by_name_.push_back(i);
    std::sort(by_name_.begin(), by_name_.end(),
              [&](size_t a, size_t b) { return columns_[a].name < columns_[b].name; });
  }

  absl::Status Serialize(std::string_view, const Row& row, std::string& out) const override {
    if (unwrap_) {
      out = ToJson(row[0], columns_[0].type).dump();
      return absl::OkStatus();
    }
    if (row.size() >= columns_.size()) {
      out.clear();
      out += '{';
      bool first = true;
      for (size_t i : by_name_) {
        if (!first) out += ',';
        first = false;
        if (!fast_json::AppendString(columns_[i].name, out)) {
          out += Json(columns_[i].name).dump();
        }
        out += ':';
        const Value& v = row[i];
        switch (v.kind()) {
          case Value::Kind::kNull: out += "null"; break;
          case Value::Kind::kBoolean: out += v.boolean() ? "true" : "false"; break;
          case Value::Kind::kInt:
          case Value::Kind::kBigint:
          case Value::Kind::kTimestamp:
          case Value::Kind::kDate:
          case Value::Kind::kTime: ::kstreams::internal::StrAppend(&out, v.integer()); break;
          case Value::Kind::kString:
            if (fast_json::AppendString(v.str(), out)) break;
            [[fallthrough]];
          default: out += ToJson(v, columns_[i].type).dump(); break;
        }
      }
      out += '}';
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
    if (fast_) {
      Row row;
      if (fast_json::ReadRow(data, columns_, row)) return row;
    }
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
  bool fast_ = false;            // every column has a fast_json type
  std::vector<size_t> by_name_;  // column indexes in name order
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
