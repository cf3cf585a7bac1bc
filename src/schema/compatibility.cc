#include "kstreams/schema/compatibility.h"

#include <set>
#include <utility>

#include "kstreams/internal/strings.h"

namespace kstreams {
namespace avro {
namespace {

using ::kstreams::internal::StrCat;

class Checker {
 public:
  std::vector<std::string> problems;

  void Check(const Node& r, const Node& w, const std::string& path) {
    // A pair already under check (recursive types) is assumed compatible,
    // as Java's SchemaCompatibility does.
    if (!in_progress_.insert({&r, &w}).second) return;
    CheckNode(r, w, path);
  }

 private:
  void Fail(const std::string& path, std::string message) {
    problems.push_back(StrCat(path.empty() ? "/" : path, ": ", message));
  }

  static bool NameMatches(const Node& r, const Node& w) {
    if (r.ShortName() == w.ShortName()) return true;
    for (const std::string& alias : r.aliases) {
      if (alias == w.name) return true;
    }
    return false;
  }

  void CheckNode(const Node& r, const Node& w, const std::string& path) {
    if (w.type == Type::kUnion) {
      for (size_t i = 0; i < w.branches.size(); ++i) {
        Check(r, *w.branches[i], StrCat(path, "/", i));
      }
      return;
    }
    if (r.type == Type::kUnion) {
      for (const Node* branch : r.branches) {
        Checker probe;
        probe.in_progress_ = in_progress_;
        probe.Check(*branch, w, path);
        if (probe.problems.empty()) return;
      }
      Fail(path, StrCat("reader union lacks a branch for writer type ", Describe(w)));
      return;
    }
    if (r.type != w.type) {
      if (!Promotable(w.type, r.type)) {
        Fail(path, StrCat("reader type ", Describe(r), " cannot read writer type ", Describe(w)));
      }
      return;
    }
    switch (r.type) {
      case Type::kRecord: {
        if (!NameMatches(r, w)) {
          Fail(path, StrCat("record name ", r.name, " does not match writer's ", w.name));
          return;
        }
        for (const Field& rf : r.fields) {
          int wi = w.FieldIndex(rf.name);
          for (size_t a = 0; wi < 0 && a < rf.aliases.size(); ++a) wi = w.FieldIndex(rf.aliases[a]);
          const std::string field_path = StrCat(path, "/fields/", rf.name);
          if (wi >= 0) {
            Check(*rf.type, *w.fields[static_cast<size_t>(wi)].type, field_path);
          } else if (!rf.default_json) {
            Fail(field_path, "reader field missing from the writer has no default value");
          }
        }
        return;
      }
      case Type::kEnum: {
        if (!NameMatches(r, w)) {
          Fail(path, StrCat("enum name ", r.name, " does not match writer's ", w.name));
          return;
        }
        if (r.enum_default) return;
        std::set<std::string> symbols(r.symbols.begin(), r.symbols.end());
        for (const std::string& s : w.symbols) {
          if (!symbols.count(s)) Fail(path, StrCat("reader enum lacks writer symbol ", s));
        }
        return;
      }
      case Type::kFixed:
        if (!NameMatches(r, w)) {
          Fail(path, StrCat("fixed name ", r.name, " does not match writer's ", w.name));
        } else if (r.size != w.size) {
          Fail(path, StrCat("fixed size ", r.size, " does not match writer's ", w.size));
        }
        return;
      case Type::kArray:
        Check(*r.items, *w.items, StrCat(path, "/items"));
        return;
      case Type::kMap:
        Check(*r.values, *w.values, StrCat(path, "/values"));
        return;
      default:
        return;  // same primitive type
    }
  }

  static bool Promotable(Type w, Type r) {
    switch (w) {
      case Type::kInt: return r == Type::kLong || r == Type::kFloat || r == Type::kDouble;
      case Type::kLong: return r == Type::kFloat || r == Type::kDouble;
      case Type::kFloat: return r == Type::kDouble;
      case Type::kString: return r == Type::kBytes;
      case Type::kBytes: return r == Type::kString;
      default: return false;
    }
  }

  static std::string Describe(const Node& n) {
    return n.name.empty() ? std::string(TypeName(n.type)) : StrCat(TypeName(n.type), " ", n.name);
  }

  std::set<std::pair<const Node*, const Node*>> in_progress_;
};

}  // namespace

std::vector<std::string> ReadIncompatibilities(const Schema& reader, const Schema& writer) {
  Checker checker;
  checker.Check(reader.root(), writer.root(), "");
  return std::move(checker.problems);
}

}  // namespace avro

std::vector<std::string> CheckCompatibility(CompatibilityLevel level, const avro::Schema& candidate,
                                            const std::vector<avro::Schema>& previous) {
  using ::kstreams::internal::StrCat;
  std::vector<std::string> problems;
  if (level == CompatibilityLevel::kNone || previous.empty()) return problems;
  const bool transitive = level == CompatibilityLevel::kBackwardTransitive ||
                          level == CompatibilityLevel::kForwardTransitive ||
                          level == CompatibilityLevel::kFullTransitive;
  const bool backward = level != CompatibilityLevel::kForward && level != CompatibilityLevel::kForwardTransitive;
  const bool forward = level != CompatibilityLevel::kBackward && level != CompatibilityLevel::kBackwardTransitive;
  const size_t first = transitive ? 0 : previous.size() - 1;
  for (size_t i = previous.size(); i-- > first;) {
    if (backward) {
      for (std::string& p : avro::ReadIncompatibilities(candidate, previous[i])) {
        problems.push_back(StrCat("new schema cannot read version #", i + 1, " (backward): ", p));
      }
    }
    if (forward) {
      for (std::string& p : avro::ReadIncompatibilities(previous[i], candidate)) {
        problems.push_back(StrCat("version #", i + 1, " cannot read the new schema (forward): ", p));
      }
    }
  }
  return problems;
}

}  // namespace kstreams
