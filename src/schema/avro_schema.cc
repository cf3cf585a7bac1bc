#include "kstreams/schema/avro_schema.h"

#include <avro.h>

#include <deque>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "kstreams/internal/strings.h"

namespace kstreams::avro {

using ::kstreams::internal::StrCat;
using Json = nlohmann::json;

std::string_view TypeName(Type type) {
  switch (type) {
    case Type::kNull: return "null";
    case Type::kBoolean: return "boolean";
    case Type::kInt: return "int";
    case Type::kLong: return "long";
    case Type::kFloat: return "float";
    case Type::kDouble: return "double";
    case Type::kBytes: return "bytes";
    case Type::kString: return "string";
    case Type::kRecord: return "record";
    case Type::kEnum: return "enum";
    case Type::kArray: return "array";
    case Type::kMap: return "map";
    case Type::kUnion: return "union";
    case Type::kFixed: return "fixed";
  }
  return "?";
}

std::string_view Node::ShortName() const {
  const size_t dot = name.rfind('.');
  return dot == std::string::npos ? std::string_view(name) : std::string_view(name).substr(dot + 1);
}

int Node::FieldIndex(std::string_view n) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == n) return static_cast<int>(i);
  }
  return -1;
}

struct Schema::Impl {
  std::string canonical;
  avro_schema_t raw = nullptr;
  std::deque<Node> nodes;  // stable addresses
  const Node* root = nullptr;
  ~Impl() {
    if (raw != nullptr) avro_schema_decref(raw);
  }
};

namespace {

std::optional<Type> PrimitiveType(std::string_view name) {
  if (name == "null") return Type::kNull;
  if (name == "boolean") return Type::kBoolean;
  if (name == "int") return Type::kInt;
  if (name == "long") return Type::kLong;
  if (name == "float") return Type::kFloat;
  if (name == "double") return Type::kDouble;
  if (name == "bytes") return Type::kBytes;
  if (name == "string") return Type::kString;
  return std::nullopt;
}

// Builds the Node graph of a schema's JSON.
class NodeBuilder {
 public:
  explicit NodeBuilder(std::deque<Node>& nodes) : nodes_(nodes) {}

  absl::StatusOr<const Node*> Build(const Json& j, const std::string& ns) {
    if (j.is_string()) return FromName(j.get<std::string>(), ns);
    if (j.is_array()) {
      Node& n = nodes_.emplace_back();
      n.type = Type::kUnion;
      std::set<std::string> seen;
      for (const Json& b : j) {
        absl::StatusOr<const Node*> branch = Build(b, ns);
        if (!branch.ok()) return branch.status();
        // The specification: no union directly inside a union, and at most
        // one branch of each unnamed type or of each name.
        const Node& bn = **branch;
        if (bn.type == Type::kUnion) return absl::InvalidArgumentError("a union may not contain a union");
        const std::string key = bn.name.empty() ? std::string(TypeName(bn.type)) : bn.name;
        if (!seen.insert(key).second) {
          return absl::InvalidArgumentError(StrCat("duplicate in union: ", key));
        }
        n.branches.push_back(*branch);
      }
      return &n;
    }
    if (!j.is_object() || !j.contains("type")) {
      return absl::InvalidArgumentError(StrCat("not an Avro schema: ", j.dump()));
    }
    const Json& t = j["type"];
    if (!t.is_string()) return Build(t, ns);
    const std::string type = t.get<std::string>();
    if (type == "record" || type == "error") return Record(j, ns);
    if (type == "enum") return Enum(j, ns);
    if (type == "fixed") return Fixed(j, ns);
    if (type == "array" || type == "map") {
      Node& n = nodes_.emplace_back();
      n.type = type == "array" ? Type::kArray : Type::kMap;
      const char* key = type == "array" ? "items" : "values";
      if (!j.contains(key)) return absl::InvalidArgumentError(StrCat(type, " without ", key));
      absl::StatusOr<const Node*> inner = Build(j[key], ns);
      if (!inner.ok()) return inner.status();
      (type == "array" ? n.items : n.values) = *inner;
      return &n;
    }
    if (std::optional<Type> p = PrimitiveType(type)) {
      Node& n = nodes_.emplace_back();
      n.type = *p;
      const std::string logical = j.value("logicalType", "");
      if (logical == "date" && n.type == Type::kInt) n.logical = LogicalType::kDate;
      if (logical == "timestamp-millis" && n.type == Type::kLong) n.logical = LogicalType::kTimestampMillis;
      if (logical == "uuid" && n.type == Type::kString) n.logical = LogicalType::kUuid;
      if (logical == "decimal" && n.type == Type::kBytes) SetDecimal(n, j);
      return &n;
    }
    return FromName(type, ns);
  }

 private:
  static std::string FullName(const std::string& name, const std::string& ns) {
    if (name.find('.') != std::string::npos || ns.empty()) return name;
    return StrCat(ns, ".", name);
  }
  static std::string NamespaceOf(const std::string& full) {
    const size_t dot = full.rfind('.');
    return dot == std::string::npos ? "" : full.substr(0, dot);
  }
  static void SetDecimal(Node& n, const Json& j) {
    const int precision = j.value("precision", 0);
    const int scale = j.value("scale", 0);
    if (precision <= 0 || scale < 0 || scale > precision) return;  // ignored, as Java does
    n.logical = LogicalType::kDecimal;
    n.precision = precision;
    n.scale = scale;
  }

  absl::StatusOr<const Node*> FromName(const std::string& name, const std::string& ns) {
    if (std::optional<Type> p = PrimitiveType(name)) {
      Node& n = nodes_.emplace_back();
      n.type = *p;
      return &n;
    }
    auto it = named_.find(FullName(name, ns));
    if (it == named_.end()) it = named_.find(name);
    if (it == named_.end()) return absl::InvalidArgumentError(StrCat("unknown type '", name, "'"));
    return it->second;
  }

  absl::StatusOr<Node*> Named(const Json& j, const std::string& ns, Type type) {
    if (!j.contains("name") || !j["name"].is_string()) {
      return absl::InvalidArgumentError(StrCat(TypeName(type), " without a name: ", j.dump()));
    }
    std::string own_ns = ns;
    if (j.contains("namespace") && j["namespace"].is_string()) own_ns = j["namespace"].get<std::string>();
    Node& n = nodes_.emplace_back();
    n.type = type;
    n.name = FullName(j["name"].get<std::string>(), own_ns);
    if (j.contains("aliases") && j["aliases"].is_array()) {
      for (const Json& a : j["aliases"]) {
        if (a.is_string()) n.aliases.push_back(FullName(a.get<std::string>(), NamespaceOf(n.name)));
      }
    }
    if (!named_.emplace(n.name, &n).second) {
      return absl::InvalidArgumentError(StrCat("type '", n.name, "' is defined twice"));
    }
    return &n;
  }

  absl::StatusOr<const Node*> Record(const Json& j, const std::string& ns) {
    absl::StatusOr<Node*> node = Named(j, ns, Type::kRecord);
    if (!node.ok()) return node.status();
    Node& n = **node;
    if (!j.contains("fields") || !j["fields"].is_array()) {
      return absl::InvalidArgumentError(StrCat("record '", n.name, "' without fields"));
    }
    const std::string inner_ns = NamespaceOf(n.name);
    for (const Json& f : j["fields"]) {
      if (!f.is_object() || !f.contains("name") || !f.contains("type")) {
        return absl::InvalidArgumentError(StrCat("bad field in record '", n.name, "': ", f.dump()));
      }
      Field field;
      field.name = f["name"].get<std::string>();
      if (n.FieldIndex(field.name) >= 0) {
        return absl::InvalidArgumentError(StrCat("duplicate field '", field.name, "' in record '", n.name, "'"));
      }
      absl::StatusOr<const Node*> type = Build(f["type"], inner_ns);
      if (!type.ok()) return type.status();
      field.type = *type;
      if (f.contains("default")) field.default_json = f["default"].dump();
      if (f.contains("aliases") && f["aliases"].is_array()) {
        for (const Json& a : f["aliases"]) {
          if (a.is_string()) field.aliases.push_back(a.get<std::string>());
        }
      }
      n.fields.push_back(std::move(field));
    }
    return &n;
  }

  absl::StatusOr<const Node*> Enum(const Json& j, const std::string& ns) {
    absl::StatusOr<Node*> node = Named(j, ns, Type::kEnum);
    if (!node.ok()) return node.status();
    Node& n = **node;
    if (!j.contains("symbols") || !j["symbols"].is_array()) {
      return absl::InvalidArgumentError(StrCat("enum '", n.name, "' without symbols"));
    }
    for (const Json& s : j["symbols"]) n.symbols.push_back(s.get<std::string>());
    if (j.contains("default") && j["default"].is_string()) n.enum_default = j["default"].get<std::string>();
    return &n;
  }

  absl::StatusOr<const Node*> Fixed(const Json& j, const std::string& ns) {
    absl::StatusOr<Node*> node = Named(j, ns, Type::kFixed);
    if (!node.ok()) return node.status();
    Node& n = **node;
    if (!j.contains("size") || !j["size"].is_number_integer()) {
      return absl::InvalidArgumentError(StrCat("fixed '", n.name, "' without a size"));
    }
    n.size = j["size"].get<int32_t>();
    if (j.value("logicalType", "") == "decimal") SetDecimal(n, j);
    return &n;
  }

  std::deque<Node>& nodes_;
  std::map<std::string, Node*> named_;
};

}  // namespace

absl::StatusOr<Schema> Schema::Parse(std::string_view text) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return absl::InvalidArgumentError(StrCat("schema is not valid JSON: ", text));
  }
  auto impl = std::make_shared<Impl>();
  impl->canonical = j.dump();
  try {
    NodeBuilder builder(impl->nodes);
    absl::StatusOr<const Node*> root = builder.Build(j, "");
    if (!root.ok()) {
      return absl::InvalidArgumentError(StrCat("invalid Avro schema: ", root.status().message()));
    }
    impl->root = *root;
  } catch (const Json::exception& e) {
    return absl::InvalidArgumentError(StrCat("invalid Avro schema: ", e.what()));
  }
  if (avro_schema_from_json_length(impl->canonical.data(), impl->canonical.size(), &impl->raw) != 0) {
    impl->raw = nullptr;
    return absl::InvalidArgumentError(StrCat("invalid Avro schema: ", avro_strerror()));
  }
  return Schema(std::move(impl));
}

const Node& Schema::root() const { return *impl_->root; }
const std::string& Schema::CanonicalJson() const { return impl_->canonical; }
void* Schema::raw() const { return impl_->raw; }

std::string Schema::FullName() const {
  const Node& r = root();
  return r.name.empty() ? std::string(TypeName(r.type)) : r.name;
}

}  // namespace kstreams::avro
