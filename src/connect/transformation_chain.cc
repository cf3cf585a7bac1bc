// Predicates, the transformation factory and the chain a connector config
// declares (ConnectorConfig's `transforms` / `predicates`).
#include <regex>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "connect/transforms_internal.h"
#include "kstreams/connect/transformation.h"
#include "kstreams/internal/strings.h"
#include "kstreams/status_macros.h"

namespace kstreams::connect {
namespace {

using ::kstreams::internal::StrCat;

constexpr std::string_view kTransformsPackage = "org.apache.kafka.connect.transforms.";
constexpr std::string_view kPredicatesPackage = "org.apache.kafka.connect.transforms.predicates.";

class TopicNameMatches final : public Predicate {
 public:
  std::string_view ClassName() const override {
    return "org.apache.kafka.connect.transforms.predicates.TopicNameMatches";
  }
  absl::Status Configure(const ConfigMap& config) override {
    ConfigDef def;
    def.DefineRequired("pattern", ConfigType::kString, Importance::kMedium, "", ConfigDef::NonEmptyString());
    KSTREAMS_ASSIGN_OR_RETURN(ParsedConfig parsed, def.Parse(config));
    std::string pattern = *parsed.GetString("pattern");
    try {
      regex_ = std::regex(pattern);
    } catch (const std::regex_error& e) {
      return InvalidConfig("pattern", pattern, StrCat("entry must be a Java-compatible regular expression: ", e.what()));
    }
    return absl::OkStatus();
  }
  bool Test(const ConnectRecord& r) const override { return std::regex_match(r.topic, regex_); }

 private:
  std::regex regex_;
};

class HasHeaderKey final : public Predicate {
 public:
  std::string_view ClassName() const override { return "org.apache.kafka.connect.transforms.predicates.HasHeaderKey"; }
  absl::Status Configure(const ConfigMap& config) override {
    ConfigDef def;
    def.DefineRequired("name", ConfigType::kString, Importance::kMedium, "", ConfigDef::NonEmptyString());
    KSTREAMS_ASSIGN_OR_RETURN(ParsedConfig parsed, def.Parse(config));
    name_ = *parsed.GetString("name");
    return absl::OkStatus();
  }
  bool Test(const ConnectRecord& r) const override { return r.headers.LastWithName(name_) != nullptr; }

 private:
  std::string name_;
};

class RecordIsTombstone final : public Predicate {
 public:
  std::string_view ClassName() const override {
    return "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone";
  }
  absl::Status Configure(const ConfigMap&) override { return absl::OkStatus(); }
  bool Test(const ConnectRecord& r) const override { return r.value.is_null(); }
};

std::vector<std::string> Aliases(const ConfigMap& config, const std::string& key) {
  std::vector<std::string> out;
  auto it = config.find(key);
  if (it == config.end()) return out;
  for (absl::string_view part : absl::StrSplit(it->second, ',')) {
    std::string alias(absl::StripAsciiWhitespace(part));
    if (!alias.empty()) out.push_back(alias);
  }
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Transformation>> CreateTransformation(std::string_view class_name,
                                                                     const ConfigMap& config) {
  std::string_view name = class_name;
  if (name.starts_with(kTransformsPackage)) name.remove_prefix(kTransformsPackage.size());
  std::optional<bool> is_key;
  std::string_view base = name;
  size_t dollar = name.find('$');
  if (dollar != std::string_view::npos) {
    std::string_view nested = name.substr(dollar + 1);
    base = name.substr(0, dollar);
    if (nested == "Key") {
      is_key = true;
    } else if (nested == "Value") {
      is_key = false;
    } else {
      base = "";
    }
  }
  std::unique_ptr<Transformation> t;
  if (name.find('.') == std::string_view::npos) t = internal::NewTransformation(base, is_key);
  if (t == nullptr) {
    return absl::NotFoundError(StrCat("Class ", class_name, " could not be found."));
  }
  KSTREAMS_RETURN_IF_ERROR(t->Configure(config));
  return t;
}

absl::StatusOr<std::unique_ptr<Predicate>> CreatePredicate(std::string_view class_name, const ConfigMap& config) {
  std::string_view name = class_name;
  if (name.starts_with(kPredicatesPackage)) name.remove_prefix(kPredicatesPackage.size());
  std::unique_ptr<Predicate> p;
  if (name == "TopicNameMatches") {
    p = std::make_unique<TopicNameMatches>();
  } else if (name == "HasHeaderKey") {
    p = std::make_unique<HasHeaderKey>();
  } else if (name == "RecordIsTombstone") {
    p = std::make_unique<RecordIsTombstone>();
  } else {
    return absl::NotFoundError(StrCat("Class ", class_name, " could not be found."));
  }
  KSTREAMS_RETURN_IF_ERROR(p->Configure(config));
  return p;
}

struct TransformationChain::Stage {
  std::string alias;
  std::unique_ptr<Transformation> transformation;
  std::unique_ptr<Predicate> predicate;  // may be null
  bool negate = false;
};

TransformationChain::TransformationChain() = default;
TransformationChain::TransformationChain(TransformationChain&&) noexcept = default;
TransformationChain& TransformationChain::operator=(TransformationChain&&) noexcept = default;
TransformationChain::~TransformationChain() = default;

absl::StatusOr<TransformationChain> TransformationChain::Create(const ConfigMap& config) {
  std::map<std::string, std::pair<std::string, ConfigMap>> predicates;  // alias -> (class, config)
  for (const std::string& alias : Aliases(config, "predicates")) {
    std::string prefix = StrCat("predicates.", alias, ".");
    ConfigMap sub = OriginalsWithPrefix(config, prefix);
    auto type = sub.find("type");
    if (type == sub.end()) {
      return absl::InvalidArgumentError(
          StrCat("Missing required configuration \"", prefix, "type\" which has no default value."));
    }
    predicates[alias] = {type->second, sub};
  }
  TransformationChain chain;
  for (const std::string& alias : Aliases(config, "transforms")) {
    std::string prefix = StrCat("transforms.", alias, ".");
    ConfigMap sub = OriginalsWithPrefix(config, prefix);
    auto type = sub.find("type");
    if (type == sub.end()) {
      return absl::InvalidArgumentError(
          StrCat("Missing required configuration \"", prefix, "type\" which has no default value."));
    }
    auto stage = std::make_unique<Stage>();
    stage->alias = alias;
    absl::StatusOr<std::unique_ptr<Transformation>> t = CreateTransformation(type->second, sub);
    if (!t.ok()) {
      if (absl::IsNotFound(t.status())) {
        return InvalidConfig(prefix + "type", type->second, std::string(t.status().message()));
      }
      return absl::InvalidArgumentError(StrCat("Transform '", alias, "' (", type->second,
                                               ") refused its configuration: ", t.status().message()));
    }
    stage->transformation = *std::move(t);
    auto predicate = sub.find("predicate");
    auto negate = sub.find("negate");
    if (predicate != sub.end() && !predicate->second.empty()) {
      auto p = predicates.find(predicate->second);
      if (p == predicates.end()) {
        return InvalidConfig(prefix + "predicate", predicate->second,
                             "Predicate '" + predicate->second + "' is not declared in 'predicates'");
      }
      absl::StatusOr<std::unique_ptr<Predicate>> created = CreatePredicate(p->second.first, p->second.second);
      if (!created.ok()) {
        if (absl::IsNotFound(created.status())) {
          return InvalidConfig(StrCat("predicates.", predicate->second, ".type"), p->second.first,
                               std::string(created.status().message()));
        }
        return absl::InvalidArgumentError(StrCat("Predicate '", predicate->second, "' (", p->second.first,
                                                 ") refused its configuration: ", created.status().message()));
      }
      stage->predicate = *std::move(created);
      if (negate != sub.end()) {
        std::string v = absl::AsciiStrToLower(std::string(absl::StripAsciiWhitespace(negate->second)));
        if (v != "true" && v != "false") {
          return InvalidConfig(prefix + "negate", negate->second, "Expected value to be either true or false");
        }
        stage->negate = v == "true";
      }
    } else if (negate != sub.end()) {
      return InvalidConfig(prefix + "negate", negate->second,
                           "'negate' may only be set together with 'predicate'");
    }
    chain.stages_.push_back(std::move(stage));
  }
  return chain;
}

absl::StatusOr<std::optional<ConnectRecord>> TransformationChain::Apply(ConnectRecord record,
                                                                        std::optional<int64_t> sink_offset) {
  failed_class_.clear();
  std::optional<ConnectRecord> current(std::move(record));
  for (const auto& stage : stages_) {
    if (stage->predicate != nullptr && stage->predicate->Test(*current) == stage->negate) continue;
    stage->transformation->SetSinkOffset(sink_offset);
    absl::StatusOr<std::optional<ConnectRecord>> out = stage->transformation->Apply(std::move(*current));
    if (!out.ok()) {
      failed_class_ = std::string(stage->transformation->ClassName());
      return absl::Status(out.status().code(), StrCat("Transform '", stage->alias, "' (", failed_class_,
                                                      ") failed: ", out.status().message()));
    }
    if (!out->has_value()) return std::optional<ConnectRecord>();
    current = std::move(**out);
  }
  return current;
}

}  // namespace kstreams::connect
