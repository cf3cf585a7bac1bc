// The compatibility checker (kstreams::avro::CanRead) against Apache Avro's
// Java SchemaCompatibility.checkReaderWriterCompatibility, on generated
// pairs: a random schema and copies of it with random evolutions (types
// changed, fields added with or without defaults, removed, renamed with or
// without aliases, enum symbols and defaults, fixed sizes, unions widened or
// narrowed, record names changed with or without aliases), each pair checked
// in both directions. Java runs once for all pairs (scripts/avro_ref.sh).
// KSTREAMS_AVRO_DIFF_SEEDS sets the number of base schemas (default 300).
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kstreams/schema/compatibility.h"

namespace avro_compatibility_diff_test {

// A generated schema: a small tree, rendered to JSON. Each named type is
// defined once (no references), so copies can be mutated freely.
struct Gen {
  std::string kind;  // a primitive name, or record/enum/fixed/array/map/union
  std::string name;
  std::vector<std::string> aliases;
  struct Field {
    std::string name;
    std::vector<std::string> aliases;
    std::shared_ptr<Gen> type;
    bool has_default = false;
  };
  std::vector<Field> fields;
  std::vector<std::string> symbols;
  std::string enum_default;
  int size = 0;
  std::vector<std::shared_ptr<Gen>> children;  // items / values / branches
};
using GenPtr = std::shared_ptr<Gen>;

const std::vector<std::string> kPrimitives = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"};

GenPtr Clone(const GenPtr& g) {
  auto c = std::make_shared<Gen>(*g);
  for (auto& f : c->fields) f.type = Clone(f.type);
  for (auto& ch : c->children) ch = Clone(ch);
  return c;
}

std::string Quote(const std::string& s) { return "\"" + s + "\""; }

std::string List(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + Quote(v[i]);
  return out + "]";
}

// A valid default for `g` (the first branch for a union).
std::string DefaultOf(const Gen& g) {
  const std::string& k = g.kind;
  if (k == "null") return "null";
  if (k == "boolean") return "true";
  if (k == "int" || k == "long") return "1";
  if (k == "float" || k == "double") return "1.5";
  if (k == "bytes" || k == "string") return "\"x\"";
  if (k == "enum") return Quote(g.symbols[0]);
  if (k == "fixed") return Quote(std::string(static_cast<size_t>(g.size), 'y'));
  if (k == "array") return "[]";
  if (k == "map") return "{}";
  if (k == "union") return DefaultOf(*g.children[0]);
  std::string out = "{";  // record: every field's default
  for (size_t i = 0; i < g.fields.size(); ++i) {
    out += (i ? "," : "") + Quote(g.fields[i].name) + ":" + DefaultOf(*g.fields[i].type);
  }
  return out + "}";
}

std::string Render(const Gen& g) {
  const std::string& k = g.kind;
  if (k == "record") {
    std::string out = "{\"type\":\"record\",\"name\":" + Quote(g.name);
    if (!g.aliases.empty()) out += ",\"aliases\":" + List(g.aliases);
    out += ",\"fields\":[";
    for (size_t i = 0; i < g.fields.size(); ++i) {
      const Gen::Field& f = g.fields[i];
      out += std::string(i ? "," : "") + "{\"name\":" + Quote(f.name) + ",\"type\":" + Render(*f.type);
      if (!f.aliases.empty()) out += ",\"aliases\":" + List(f.aliases);
      if (f.has_default) out += ",\"default\":" + DefaultOf(*f.type);
      out += "}";
    }
    return out + "]}";
  }
  if (k == "enum") {
    std::string out = "{\"type\":\"enum\",\"name\":" + Quote(g.name) + ",\"symbols\":" + List(g.symbols);
    if (!g.aliases.empty()) out += ",\"aliases\":" + List(g.aliases);
    if (!g.enum_default.empty()) out += ",\"default\":" + Quote(g.enum_default);
    return out + "}";
  }
  if (k == "fixed") return "{\"type\":\"fixed\",\"name\":" + Quote(g.name) + ",\"size\":" + std::to_string(g.size) + "}";
  if (k == "array") return "{\"type\":\"array\",\"items\":" + Render(*g.children[0]) + "}";
  if (k == "map") return "{\"type\":\"map\",\"values\":" + Render(*g.children[0]) + "}";
  if (k == "union") {
    std::string out = "[";
    for (size_t i = 0; i < g.children.size(); ++i) out += (i ? "," : "") + Render(*g.children[i]);
    return out + "]";
  }
  return Quote(k);
}

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool Coin(int percent) { return Pick(100) < percent; }

  GenPtr Type(int depth, bool allow_union = true) {
    const int choice = depth <= 0 ? Pick(8) : Pick(14);
    auto g = std::make_shared<Gen>();
    if (choice < 8) {
      g->kind = kPrimitives[static_cast<size_t>(choice)];
    } else if (choice < 10) {
      g->kind = "record";
      g->name = "R" + std::to_string(names_++);
      const int n = 1 + Pick(3);
      for (int i = 0; i < n; ++i) {
        Gen::Field f{std::string(1, static_cast<char>('a' + i)), {}, Type(depth - 1), Coin(40)};
        g->fields.push_back(f);
      }
    } else if (choice == 10) {
      g->kind = "enum";
      g->name = "E" + std::to_string(names_++);
      const int n = 1 + Pick(4);
      for (int i = 0; i < n; ++i) g->symbols.push_back(std::string(1, static_cast<char>('A' + i)));
      if (Coin(30)) g->enum_default = g->symbols[0];
    } else if (choice == 11) {
      g->kind = "fixed";
      g->name = "F" + std::to_string(names_++);
      g->size = Coin(50) ? 2 : 4;
    } else if (choice == 12) {
      g->kind = Coin(50) ? "array" : "map";
      g->children.push_back(Type(depth - 1));
    } else if (allow_union) {
      g->kind = "union";
      std::vector<std::string> used;
      const int n = 2 + Pick(2);
      for (int i = 0; i < n; ++i) {
        GenPtr b = Type(depth - 1, /*allow_union=*/false);
        const std::string key = b->kind == "record" || b->kind == "enum" || b->kind == "fixed" ? b->name : b->kind;
        if (std::find(used.begin(), used.end(), key) != used.end()) continue;
        used.push_back(key);
        g->children.push_back(b);
      }
      if (g->children.size() < 2) return g->children[0];
    } else {
      g->kind = "string";
    }
    return g;
  }

  // Every node of `g` (pre-order), for choosing where to mutate.
  void Nodes(const GenPtr& g, std::vector<GenPtr>& out) {
    out.push_back(g);
    for (auto& f : g->fields) Nodes(f.type, out);
    for (auto& c : g->children) Nodes(c, out);
  }

  // One random evolution somewhere in `g` (a copy).
  GenPtr Mutate(const GenPtr& base) {
    GenPtr g = Clone(base);
    std::vector<GenPtr> nodes;
    Nodes(g, nodes);
    GenPtr n = nodes[static_cast<size_t>(Pick(static_cast<int>(nodes.size())))];
    const std::string k = n->kind;
    if (k == "record") {
      switch (Pick(6)) {
        case 0: n->fields.push_back({"z" + std::to_string(Pick(3)), {}, Type(1), Coin(50)}); break;
        case 1: if (n->fields.size() > 1) n->fields.erase(n->fields.begin() + Pick(static_cast<int>(n->fields.size()))); break;
        case 2: {
          auto& f = n->fields[static_cast<size_t>(Pick(static_cast<int>(n->fields.size())))];
          if (Coin(60)) f.aliases.push_back(f.name);
          f.name += "2";
          break;
        }
        case 3: {
          auto& f = n->fields[static_cast<size_t>(Pick(static_cast<int>(n->fields.size())))];
          f.has_default = !f.has_default;
          break;
        }
        case 4:
          if (Coin(50)) n->aliases.push_back(n->name);
          n->name += "X";
          break;
        default: {
          auto& f = n->fields[static_cast<size_t>(Pick(static_cast<int>(n->fields.size())))];
          f.type = Coin(50) ? Type(1) : Wrap(f.type);
        }
      }
    } else if (k == "enum") {
      switch (Pick(4)) {
        case 0: n->symbols.push_back(std::string(1, static_cast<char>('A' + n->symbols.size()))); break;
        case 1: if (n->symbols.size() > 1) { n->symbols.pop_back(); if (n->enum_default == std::string(1, static_cast<char>('A' + n->symbols.size()))) n->enum_default.clear(); } break;
        case 2: n->enum_default = n->enum_default.empty() ? n->symbols[0] : ""; break;
        default: if (Coin(50)) n->aliases.push_back(n->name); n->name += "X";
      }
    } else if (k == "fixed") {
      if (Coin(50)) n->size = n->size == 2 ? 4 : 2; else n->name += "X";
    } else if (k == "union") {
      if (n->children.size() > 2 && Coin(50)) {
        n->children.erase(n->children.begin() + Pick(static_cast<int>(n->children.size())));
      } else {
        n->kind = kPrimitives[static_cast<size_t>(Pick(8))];  // the union becomes a primitive
        n->children.clear();
      }
    } else if (k == "array" || k == "map") {
      if (Coin(50)) n->children[0] = Type(1); else n->kind = k == "array" ? "map" : "array";
    } else {
      n->kind = kPrimitives[static_cast<size_t>(Pick(8))];
    }
    return g;
  }

  // ["null", t] around a non-union t.
  GenPtr Wrap(const GenPtr& t) {
    if (t->kind == "union" || t->kind == "null") return t;
    auto u = std::make_shared<Gen>();
    u->kind = "union";
    auto null = std::make_shared<Gen>();
    null->kind = "null";
    u->children = {null, t};
    return u;
  }

 private:
  std::mt19937 rng_;
  int names_ = 0;
};

TEST(AvroCompatibilityDiffTest, AgreesWithJavaSchemaCompatibility) {
  int seeds = 300;
  if (const char* env = std::getenv("KSTREAMS_AVRO_DIFF_SEEDS")) seeds = std::atoi(env);
  std::vector<std::pair<std::string, std::string>> pairs;  // (reader, writer)
  for (int seed = 0; seed < seeds; ++seed) {
    Generator gen(static_cast<uint32_t>(seed));
    GenPtr base = gen.Type(3);
    GenPtr evolved = base;
    for (int step = 0; step < 3; ++step) {
      evolved = gen.Mutate(evolved);
      const std::string a = Render(*base), b = Render(*evolved);
      pairs.emplace_back(a, b);
      pairs.emplace_back(b, a);
    }
  }
  const std::string dir = ::testing::TempDir();
  const std::string in_path = dir + "/avro_pairs.tsv", out_path = dir + "/avro_answers.txt";
  {
    std::ofstream in(in_path);
    for (const auto& [r, w] : pairs) in << r << '\t' << w << '\n';
  }
  const std::string command = std::string("bash '") + KSTREAMS_SOURCE_DIR + "/scripts/avro_ref.sh' check < '" +
                              in_path + "' > '" + out_path + "'";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  std::ifstream out(out_path);
  std::string answer;
  int compared = 0, compatible = 0, invalid = 0;
  std::vector<std::string> differences;
  for (const auto& [r, w] : pairs) {
    ASSERT_TRUE(std::getline(out, answer)) << "Java answered fewer lines than pairs";
    auto reader = kstreams::avro::Schema::Parse(r);
    auto writer = kstreams::avro::Schema::Parse(w);
    if (answer.rfind("ERROR", 0) == 0 || !reader.ok() || !writer.ok()) {
      // Both must agree the schema is invalid.
      if (answer.rfind("ERROR", 0) != 0 || (reader.ok() && writer.ok())) {
        differences.push_back("validity: java " + answer + ", ours " +
                              (reader.ok() ? std::string("ok") : std::string(reader.status().message())) + " / " +
                              (writer.ok() ? std::string("ok") : std::string(writer.status().message())) +
                              "\n  reader " + r + "\n  writer " + w);
      }
      ++invalid;
      continue;
    }
    ++compared;
    const bool ours = kstreams::avro::CanRead(*reader, *writer);
    const bool java = answer == "COMPATIBLE";
    compatible += java;
    if (ours != java) {
      differences.push_back(std::string("java ") + answer + ", ours " + (ours ? "COMPATIBLE" : "INCOMPATIBLE") +
                            "\n  reader " + r + "\n  writer " + w);
    }
  }
  std::printf("avro compatibility differential: %zu pairs, %d compared (%d compatible), %d invalid, %zu differences\n",
              pairs.size(), compared, compatible, invalid, differences.size());
  for (size_t i = 0; i < differences.size() && i < 20; ++i) ADD_FAILURE() << differences[i];
  EXPECT_TRUE(differences.empty()) << differences.size() << " differences";
}

}  // namespace avro_compatibility_diff_test
