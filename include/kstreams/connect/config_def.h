// kstreams/connect/config_def.h
//
// ConfigDef: the definition of a plugin's configs (name, type, default,
// importance, validator, doc), as org.apache.kafka.common.config.ConfigDef,
// and what parsing a string map against it gives: typed values, or the first
// error in Java's words ("Missing required configuration \"file\" which has
// no default value.", "Invalid value abc for configuration batch.size: Not a
// number of type INT").
//
// Types parse as Java parses them: BOOLEAN "true"/"false" (any case), INT,
// SHORT, LONG (decimal), DOUBLE, LIST (comma-separated, trimmed, empty string
// = empty list), STRING/CLASS/PASSWORD as given (trimmed; passwords print as
// [hidden]).
//
// Thread-safety: a built ConfigDef is immutable; ParsedConfig is a value.
//
// Example:
//
//   ConfigDef def;
//   def.DefineRequired("file", ConfigType::kString, Importance::kHigh, "Source file.")
//      .Define("batch.size", ConfigType::kInt, "2000", Importance::kLow, "Lines per poll.",
//              ConfigDef::AtLeast(1));
//   KSTREAMS_ASSIGN_OR_RETURN(ParsedConfig parsed, def.Parse(props));
//   int32_t batch = parsed.GetInt("batch.size");
#ifndef KSTREAMS_CONNECT_CONFIG_DEF_H_
#define KSTREAMS_CONNECT_CONFIG_DEF_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace kstreams::connect {

// Connector, task, worker and plugin configs: key -> value, as in the files.
using ConfigMap = std::map<std::string, std::string>;

enum class ConfigType { kBoolean, kString, kInt, kShort, kLong, kDouble, kList, kClass, kPassword };
enum class Importance { kHigh, kMedium, kLow };

// A parsed config value; std::monostate for null (no value, no default).
using ConfigValue =
    std::variant<std::monostate, bool, int32_t, int64_t, double, std::string, std::vector<std::string>>;

class ParsedConfig {
 public:
  // REQUIRES: `name` was defined with a matching type (asserted).
  bool GetBool(std::string_view name) const;
  int32_t GetInt(std::string_view name) const;   // INT and SHORT
  int64_t GetLong(std::string_view name) const;
  double GetDouble(std::string_view name) const;
  // STRING, CLASS, PASSWORD; nullopt when null.
  std::optional<std::string> GetString(std::string_view name) const;
  std::vector<std::string> GetList(std::string_view name) const;
  const ConfigValue& Get(std::string_view name) const;
  // The original string map (every key, defined or not).
  const ConfigMap& originals() const { return originals_; }

 private:
  friend class ConfigDef;
  std::map<std::string, ConfigValue, std::less<>> values_;
  ConfigMap originals_;
};

class ConfigDef {
 public:
  // Returns an error message (empty = fine) for a parsed value; the caller
  // wraps it as "Invalid value <v> for configuration <name>: <message>".
  using Validator = std::function<std::string(const ConfigValue& value)>;

  struct Key {
    std::string name;
    ConfigType type = ConfigType::kString;
    std::optional<std::string> default_value;  // nullopt: null default, or required
    bool required = false;                     // no default at all
    Importance importance = Importance::kMedium;
    std::string doc;
    Validator validator;
  };

  // An optional config; `default_value` nullopt is a null default.
  ConfigDef& Define(std::string name, ConfigType type, std::optional<std::string> default_value,
                    Importance importance, std::string doc, Validator validator = nullptr);
  // A config without default: missing it is an error.
  ConfigDef& DefineRequired(std::string name, ConfigType type, Importance importance,
                            std::string doc, Validator validator = nullptr);
  // Merges another definition in (keys of `other` win on clash).
  ConfigDef& Merge(const ConfigDef& other);

  // Parses every defined key; undefined keys are kept in originals() only.
  // Errors: InvalidArgument with Java's message.
  absl::StatusOr<ParsedConfig> Parse(const ConfigMap& props) const;
  // Every error (not only the first), for a validate call.
  std::vector<std::string> Validate(const ConfigMap& props) const;

  const std::vector<Key>& keys() const { return keys_; }
  const Key* Find(std::string_view name) const;

  // Validators, with Java's messages.
  static Validator AtLeast(int64_t min);                     // "Value must be at least 1"
  static Validator Between(int64_t min, int64_t max);        // "Value must be no more than 5"
  static Validator In(std::vector<std::string> allowed);     // "String must be one of: a, b"
  static Validator InIgnoreCase(std::vector<std::string> allowed);
  static Validator NonEmptyString();                         // "String must be non-empty"
  static Validator NonEmptyList();                           // "Empty list"

 private:
  absl::StatusOr<ConfigValue> ParseOne(const Key& key, const ConfigMap& props) const;
  std::vector<Key> keys_;
};

// The keys under `prefix`, with the prefix removed
// (AbstractConfig.originalsWithPrefix): "transforms.a." of
// {"transforms.a.field": "x"} gives {"field": "x"}.
ConfigMap OriginalsWithPrefix(const ConfigMap& config, std::string_view prefix);

// "Invalid value <value> for configuration <name>: <message>".
absl::Status InvalidConfig(std::string_view name, std::string_view value, std::string_view message);

}  // namespace kstreams::connect

#endif  // KSTREAMS_CONNECT_CONFIG_DEF_H_
