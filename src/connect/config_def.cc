#include "kstreams/internal/strings.h"
#include "kstreams/connect/config_def.h"

#include <cassert>
#include <charconv>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace kstreams::connect {
namespace {

std::string_view TypeName(ConfigType t) {
  switch (t) {
    case ConfigType::kBoolean: return "BOOLEAN";
    case ConfigType::kString: return "STRING";
    case ConfigType::kInt: return "INT";
    case ConfigType::kShort: return "SHORT";
    case ConfigType::kLong: return "LONG";
    case ConfigType::kDouble: return "DOUBLE";
    case ConfigType::kList: return "LIST";
    case ConfigType::kClass: return "CLASS";
    case ConfigType::kPassword: return "PASSWORD";
  }
  return "?";
}

std::optional<int64_t> ParseLong(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::string ValueText(const ConfigValue& v) {
  struct V {
    std::string operator()(std::monostate) const { return "null"; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(int32_t i) const { return std::to_string(i); }
    std::string operator()(int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return ::kstreams::internal::StrCat(d); }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const std::vector<std::string>& l) const { return ::kstreams::internal::StrJoin(l, ","); }
  };
  return std::visit(V{}, v);
}

std::optional<int64_t> AsNumber(const ConfigValue& v) {
  if (auto* i = std::get_if<int32_t>(&v)) return *i;
  if (auto* l = std::get_if<int64_t>(&v)) return *l;
  return std::nullopt;
}

}  // namespace

absl::Status InvalidConfig(std::string_view name, std::string_view value, std::string_view message) {
  return absl::InvalidArgumentError(
      ::kstreams::internal::StrCat("Invalid value ", value, " for configuration ", name, ": ", message));
}

bool ParsedConfig::GetBool(std::string_view name) const {
  const ConfigValue& v = Get(name);
  assert(std::holds_alternative<bool>(v));
  return std::get<bool>(v);
}
int32_t ParsedConfig::GetInt(std::string_view name) const {
  const ConfigValue& v = Get(name);
  assert(std::holds_alternative<int32_t>(v));
  return std::get<int32_t>(v);
}
int64_t ParsedConfig::GetLong(std::string_view name) const {
  const ConfigValue& v = Get(name);
  if (auto* i = std::get_if<int32_t>(&v)) return *i;
  assert(std::holds_alternative<int64_t>(v));
  return std::get<int64_t>(v);
}
double ParsedConfig::GetDouble(std::string_view name) const {
  const ConfigValue& v = Get(name);
  assert(std::holds_alternative<double>(v));
  return std::get<double>(v);
}
std::optional<std::string> ParsedConfig::GetString(std::string_view name) const {
  const ConfigValue& v = Get(name);
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  return std::nullopt;
}
std::vector<std::string> ParsedConfig::GetList(std::string_view name) const {
  const ConfigValue& v = Get(name);
  if (auto* l = std::get_if<std::vector<std::string>>(&v)) return *l;
  return {};
}
const ConfigValue& ParsedConfig::Get(std::string_view name) const {
  static const ConfigValue kNull;
  auto it = values_.find(name);
  assert(it != values_.end());
  return it == values_.end() ? kNull : it->second;
}

ConfigDef& ConfigDef::Define(std::string name, ConfigType type,
                             std::optional<std::string> default_value, Importance importance,
                             std::string doc, Validator validator) {
  keys_.push_back(Key{std::move(name), type, std::move(default_value), false, importance,
                      std::move(doc), std::move(validator)});
  return *this;
}

ConfigDef& ConfigDef::DefineRequired(std::string name, ConfigType type, Importance importance,
                                     std::string doc, Validator validator) {
  keys_.push_back(Key{std::move(name), type, std::nullopt, true, importance, std::move(doc),
                      std::move(validator)});
  return *this;
}

ConfigDef& ConfigDef::Merge(const ConfigDef& other) {
  for (const Key& k : other.keys_) {
    bool replaced = false;
    for (Key& mine : keys_) {
      if (mine.name == k.name) {
        mine = k;
        replaced = true;
      }
    }
    if (!replaced) keys_.push_back(k);
  }
  return *this;
}

const ConfigDef::Key* ConfigDef::Find(std::string_view name) const {
  for (const Key& k : keys_) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

absl::StatusOr<ConfigValue> ConfigDef::ParseOne(const Key& key, const ConfigMap& props) const {
  auto it = props.find(key.name);
  std::optional<std::string> raw;
  if (it != props.end()) {
    raw = it->second;
  } else if (key.required) {
    return absl::InvalidArgumentError(::kstreams::internal::StrCat("Missing required configuration \"", key.name,
                                                   "\" which has no default value."));
  } else {
    raw = key.default_value;
  }
  ConfigValue value;
  if (raw) {
    std::string text = std::string(absl::StripAsciiWhitespace(*raw));
    switch (key.type) {
      case ConfigType::kBoolean: {
        std::string lower = absl::AsciiStrToLower(text);
        if (lower == "true") {
          value = true;
        } else if (lower == "false") {
          value = false;
        } else {
          return InvalidConfig(key.name, text, "Expected value to be either true or false");
        }
        break;
      }
      case ConfigType::kInt:
      case ConfigType::kShort: {
        std::optional<int64_t> v = ParseLong(text);
        int64_t lo = key.type == ConfigType::kInt ? INT32_MIN : INT16_MIN;
        int64_t hi = key.type == ConfigType::kInt ? INT32_MAX : INT16_MAX;
        if (!v || *v < lo || *v > hi) {
          return InvalidConfig(key.name, text, ::kstreams::internal::StrCat("Not a number of type ", TypeName(key.type)));
        }
        value = static_cast<int32_t>(*v);
        break;
      }
      case ConfigType::kLong: {
        std::optional<int64_t> v = ParseLong(text);
        if (!v) return InvalidConfig(key.name, text, "Not a number of type LONG");
        value = *v;
        break;
      }
      case ConfigType::kDouble: {
        char* end = nullptr;
        double d = std::strtod(text.c_str(), &end);
        if (text.empty() || end != text.c_str() + text.size()) {
          return InvalidConfig(key.name, text, "Not a number of type DOUBLE");
        }
        value = d;
        break;
      }
      case ConfigType::kList: {
        std::vector<std::string> items;
        if (!text.empty()) {
          for (absl::string_view part : absl::StrSplit(text, ',')) {
            items.emplace_back(absl::StripAsciiWhitespace(part));
          }
        }
        value = std::move(items);
        break;
      }
      case ConfigType::kString:
      case ConfigType::kClass:
      case ConfigType::kPassword:
        value = text;
        break;
    }
  }
  if (key.validator) {
    std::string message = key.validator(value);
    if (!message.empty()) {
      std::string shown = key.type == ConfigType::kPassword ? "[hidden]" : ValueText(value);
      return InvalidConfig(key.name, shown, message);
    }
  }
  return value;
}

absl::StatusOr<ParsedConfig> ConfigDef::Parse(const ConfigMap& props) const {
  ParsedConfig parsed;
  parsed.originals_ = props;
  for (const Key& key : keys_) {
    absl::StatusOr<ConfigValue> v = ParseOne(key, props);
    if (!v.ok()) return v.status();
    parsed.values_[key.name] = *std::move(v);
  }
  return parsed;
}

std::vector<std::string> ConfigDef::Validate(const ConfigMap& props) const {
  std::vector<std::string> errors;
  for (const Key& key : keys_) {
    absl::StatusOr<ConfigValue> v = ParseOne(key, props);
    if (!v.ok()) errors.emplace_back(v.status().message());
  }
  return errors;
}

ConfigDef::Validator ConfigDef::AtLeast(int64_t min) {
  return [min](const ConfigValue& v) -> std::string {
    std::optional<int64_t> n = AsNumber(v);
    if (!n) return std::holds_alternative<std::monostate>(v) ? "Value must be non-null" : "";
    if (*n < min) return ::kstreams::internal::StrCat("Value must be at least ", min);
    return "";
  };
}

ConfigDef::Validator ConfigDef::Between(int64_t min, int64_t max) {
  return [min, max](const ConfigValue& v) -> std::string {
    std::optional<int64_t> n = AsNumber(v);
    if (!n) return std::holds_alternative<std::monostate>(v) ? "Value must be non-null" : "";
    if (*n < min) return ::kstreams::internal::StrCat("Value must be at least ", min);
    if (*n > max) return ::kstreams::internal::StrCat("Value must be no more than ", max);
    return "";
  };
}

ConfigDef::Validator ConfigDef::In(std::vector<std::string> allowed) {
  return [allowed = std::move(allowed)](const ConfigValue& v) -> std::string {
    const std::string* s = std::get_if<std::string>(&v);
    for (const std::string& a : allowed) {
      if (s != nullptr && *s == a) return "";
    }
    return ::kstreams::internal::StrCat("String must be one of: ", ::kstreams::internal::StrJoin(allowed, ", "));
  };
}

ConfigDef::Validator ConfigDef::InIgnoreCase(std::vector<std::string> allowed) {
  return [allowed = std::move(allowed)](const ConfigValue& v) -> std::string {
    const std::string* s = std::get_if<std::string>(&v);
    for (const std::string& a : allowed) {
      if (s != nullptr && absl::EqualsIgnoreCase(*s, a)) return "";
    }
    return ::kstreams::internal::StrCat("String must be one of (case insensitive): ", ::kstreams::internal::StrJoin(allowed, ", "));
  };
}

ConfigDef::Validator ConfigDef::NonEmptyString() {
  return [](const ConfigValue& v) -> std::string {
    const std::string* s = std::get_if<std::string>(&v);
    if (s == nullptr || s->empty()) return "String must be non-empty";
    return "";
  };
}

ConfigMap OriginalsWithPrefix(const ConfigMap& config, std::string_view prefix) {
  ConfigMap out;
  for (auto it = config.lower_bound(std::string(prefix)); it != config.end() && it->first.starts_with(prefix);
       ++it) {
    out[it->first.substr(prefix.size())] = it->second;
  }
  return out;
}

ConfigDef::Validator ConfigDef::NonEmptyList() {
  return [](const ConfigValue& v) -> std::string {
    const auto* l = std::get_if<std::vector<std::string>>(&v);
    return l == nullptr || l->empty() ? "Empty list" : "";
  };
}

}  // namespace kstreams::connect
