// TopologyDescription: Kafka Streams' TopologyDescription#toString() layout.
//
// Java orders the nodes of a sub-topology, and each node's successors and
// predecessors, with NODE_COMPARATOR: sub-tree size descending, then name.
// Sub-tree sizes grow while Java connects the nodes (in the iteration order
// of a HashMap keyed by node name), and successor/predecessor sets are
// TreeSets filled during that growth, so their order depends on the sizes
// at insertion time. To print exactly what Java prints we replay that
// process: Java's String.hashCode and HashMap bucket order, and TreeMap's
// red-black insertion. Store and topic sets are Java HashSets, printed in
// their bucket order.
#include "kstreams/processor/topology_description.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <numeric>

#include "kstreams/internal/strings.h"

namespace kstreams {
namespace {

using internal::NodeDef;
using internal::NodeKind;

// java.lang.String#hashCode over the UTF-16 code units of UTF-8 `s`.
uint32_t JavaStringHash(std::string_view s) {
  uint32_t h = 0;
  auto add = [&h](uint32_t unit) { h = 31 * h + unit; };
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<uint8_t>(s[i]);
    uint32_t cp = c;
    size_t len = 1;
    if (c >= 0xF0 && i + 3 < s.size()) {
      cp = (c & 0x07u) << 18 | (static_cast<uint8_t>(s[i + 1]) & 0x3Fu) << 12 |
           (static_cast<uint8_t>(s[i + 2]) & 0x3Fu) << 6 | (static_cast<uint8_t>(s[i + 3]) & 0x3Fu);
      len = 4;
    } else if (c >= 0xE0 && i + 2 < s.size()) {
      cp = (c & 0x0Fu) << 12 | (static_cast<uint8_t>(s[i + 1]) & 0x3Fu) << 6 |
           (static_cast<uint8_t>(s[i + 2]) & 0x3Fu);
      len = 3;
    } else if (c >= 0xC0 && i + 1 < s.size()) {
      cp = (c & 0x1Fu) << 6 | (static_cast<uint8_t>(s[i + 1]) & 0x3Fu);
      len = 2;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      add(0xD800 + (cp >> 10));
      add(0xDC00 + (cp & 0x3FF));
    } else {
      add(cp);
    }
    i += len;
  }
  return h;
}

// The bucket of `s` in a java.util.HashMap with `capacity` buckets.
size_t JavaBucket(std::string_view s, size_t capacity) {
  const uint32_t h = JavaStringHash(s);
  return (h ^ (h >> 16)) & (capacity - 1);
}

// Bucket count of a HashMap after `n` puts into a default-constructed one.
size_t CapacityAfterPuts(size_t n) {
  size_t capacity = 16;
  while (n > capacity * 3 / 4) capacity *= 2;
  return capacity;
}

// Bucket count of `new HashSet<>(collection)` with `n` elements.
size_t CapacityOfCopy(size_t n) {
  size_t wanted = std::max<size_t>(static_cast<size_t>(static_cast<float>(n) / 0.75f) + 1, 16);
  size_t capacity = 1;
  while (capacity < wanted) capacity *= 2;
  return capacity;
}

// Iteration order of a Java HashSet<String> holding `items` added in order.
std::vector<std::string> JavaHashSetOrder(std::vector<std::string> items, size_t capacity) {
  std::vector<size_t> bucket(items.size());
  for (size_t i = 0; i < items.size(); ++i) bucket[i] = JavaBucket(items[i], capacity);
  std::vector<size_t> idx(items.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return bucket[a] < bucket[b]; });
  std::vector<std::string> out;
  for (size_t i : idx) {
    if (std::find(out.begin(), out.end(), items[i]) == out.end()) out.push_back(items[i]);
  }
  return out;
}

std::string JavaSetString(const std::vector<std::string>& items) {
  return ::kstreams::internal::StrCat(
      "[", ::kstreams::internal::StrJoin(JavaHashSetOrder(items, CapacityOfCopy(items.size())), ", "),
      "]");
}

// A java.util.TreeSet of node indices under a comparator that reads sizes
// which may change after insertion (as Java's NODE_COMPARATOR does).
class JavaTreeSet {
 public:
  template <typename Less>
  void Insert(int value, const Less& less) {
    if (root_ < 0) {
      root_ = NewNode(value, -1);
      nodes_[root_].red = false;
      return;
    }
    int t = root_;
    int parent = -1;
    bool left = false;
    while (t >= 0) {
      parent = t;
      if (less(value, nodes_[t].value)) {
        left = true;
        t = nodes_[t].left;
      } else if (less(nodes_[t].value, value)) {
        left = false;
        t = nodes_[t].right;
      } else {
        return;  // already present
      }
    }
    int x = NewNode(value, parent);
    (left ? nodes_[parent].left : nodes_[parent].right) = x;
    FixAfterInsertion(x);
  }
  std::vector<int> InOrder() const {
    std::vector<int> out;
    Walk(root_, out);
    return out;
  }

 private:
  struct Entry {
    int value, left = -1, right = -1, parent = -1;
    bool red = true;
  };
  int NewNode(int value, int parent) {
    Entry e;
    e.value = value;
    e.parent = parent;
    nodes_.push_back(e);
    return static_cast<int>(nodes_.size() - 1);
  }
  void Walk(int n, std::vector<int>& out) const {
    if (n < 0) return;
    Walk(nodes_[n].left, out);
    out.push_back(nodes_[n].value);
    Walk(nodes_[n].right, out);
  }
  bool Red(int n) const { return n >= 0 && nodes_[n].red; }
  int Parent(int n) const { return n < 0 ? -1 : nodes_[n].parent; }
  int Left(int n) const { return n < 0 ? -1 : nodes_[n].left; }
  int Right(int n) const { return n < 0 ? -1 : nodes_[n].right; }
  void SetRed(int n, bool red) {
    if (n >= 0) nodes_[n].red = red;
  }
  void RotateLeft(int p) {
    if (p < 0) return;
    int r = nodes_[p].right;
    nodes_[p].right = nodes_[r].left;
    if (nodes_[r].left >= 0) nodes_[nodes_[r].left].parent = p;
    nodes_[r].parent = nodes_[p].parent;
    if (nodes_[p].parent < 0) {
      root_ = r;
    } else if (nodes_[nodes_[p].parent].left == p) {
      nodes_[nodes_[p].parent].left = r;
    } else {
      nodes_[nodes_[p].parent].right = r;
    }
    nodes_[r].left = p;
    nodes_[p].parent = r;
  }
  void RotateRight(int p) {
    if (p < 0) return;
    int l = nodes_[p].left;
    nodes_[p].left = nodes_[l].right;
    if (nodes_[l].right >= 0) nodes_[nodes_[l].right].parent = p;
    nodes_[l].parent = nodes_[p].parent;
    if (nodes_[p].parent < 0) {
      root_ = l;
    } else if (nodes_[nodes_[p].parent].right == p) {
      nodes_[nodes_[p].parent].right = l;
    } else {
      nodes_[nodes_[p].parent].left = l;
    }
    nodes_[l].right = p;
    nodes_[p].parent = l;
  }
  // java.util.TreeMap#fixAfterInsertion.
  void FixAfterInsertion(int x) {
    nodes_[x].red = true;
    while (x >= 0 && x != root_ && Red(Parent(x))) {
      if (Parent(x) == Left(Parent(Parent(x)))) {
        int y = Right(Parent(Parent(x)));
        if (Red(y)) {
          SetRed(Parent(x), false);
          SetRed(y, false);
          SetRed(Parent(Parent(x)), true);
          x = Parent(Parent(x));
        } else {
          if (x == Right(Parent(x))) {
            x = Parent(x);
            RotateLeft(x);
          }
          SetRed(Parent(x), false);
          SetRed(Parent(Parent(x)), true);
          RotateRight(Parent(Parent(x)));
        }
      } else {
        int y = Left(Parent(Parent(x)));
        if (Red(y)) {
          SetRed(Parent(x), false);
          SetRed(y, false);
          SetRed(Parent(Parent(x)), true);
          x = Parent(Parent(x));
        } else {
          if (x == Left(Parent(x))) {
            x = Parent(x);
            RotateRight(x);
          }
          SetRed(Parent(x), false);
          SetRed(Parent(Parent(x)), true);
          RotateLeft(Parent(Parent(x)));
        }
      }
    }
    nodes_[root_].red = false;
  }

  std::vector<Entry> nodes_;
  int root_ = -1;
};

}  // namespace

// One sub-topology as Java describes it: nodes in NODE_COMPARATOR order,
// each with its successors and predecessors in Java's print order.
struct TopologyDescription::Described {
  int32_t id = 0;
  bool global = false;
  std::vector<const NodeDef*> nodes;
  std::vector<std::vector<const NodeDef*>> successors;    // parallel to nodes
  std::vector<std::vector<const NodeDef*>> predecessors;  // parallel to nodes
};

TopologyDescription::TopologyDescription(std::shared_ptr<const internal::TopologyData> data)
    : data_(std::move(data)), subtopologies_(data_->Subtopologies()) {
  for (const internal::Subtopology& sub : data_->AllSubtopologies()) {
    // Java fills a HashSet with the sources (sorted), then the other nodes
    // (sorted), and copies it into a HashMap it iterates while connecting.
    std::vector<const NodeDef*> defs;
    for (const std::string& name : sub.nodes) defs.push_back(data_->FindNode(name));
    std::vector<size_t> rank(defs.size());
    std::iota(rank.begin(), rank.end(), 0);
    std::sort(rank.begin(), rank.end(), [&](size_t a, size_t b) {
      const bool sa = defs[a]->kind == NodeKind::kSource;
      const bool sb = defs[b]->kind == NodeKind::kSource;
      if (sa != sb) return sa;
      return defs[a]->name < defs[b]->name;
    });
    const size_t capacity = CapacityAfterPuts(defs.size());
    std::vector<size_t> visit = rank;
    std::stable_sort(visit.begin(), visit.end(), [&](size_t a, size_t b) {
      return JavaBucket(defs[a]->name, capacity) < JavaBucket(defs[b]->name, capacity);
    });

    std::map<std::string, int> index;
    for (size_t i = 0; i < defs.size(); ++i) index[defs[i]->name] = static_cast<int>(i);
    std::vector<int> size(defs.size(), 1);
    std::vector<JavaTreeSet> succ(defs.size()), pred(defs.size());
    auto less = [&](int a, int b) {
      if (a == b) return false;
      if (size[a] != size[b]) return size[a] > size[b];
      return defs[a]->name < defs[b]->name;
    };
    // Adds `delta` to `n` and, once per path, to every ancestor connected so far.
    auto update_size = [&](auto& self, int n, int delta) -> void {
      size[n] += delta;
      for (int p : pred[n].InOrder()) self(self, p, delta);
    };
    for (size_t v : visit) {
      const int node = static_cast<int>(v);
      for (const std::string& parent_name : defs[v]->parents) {
        const int parent = index.at(parent_name);
        pred[node].Insert(parent, less);
        succ[parent].Insert(node, less);
        update_size(update_size, parent, size[node]);
      }
    }

    Described d;
    d.id = sub.id;
    d.global = sub.global;
    std::vector<int> order(defs.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), less);
    for (int n : order) {
      d.nodes.push_back(defs[n]);
      d.successors.emplace_back();
      for (int s : succ[n].InOrder()) d.successors.back().push_back(defs[s]);
      d.predecessors.emplace_back();
      for (int p : pred[n].InOrder()) d.predecessors.back().push_back(defs[p]);
    }
    described_.push_back(std::move(d));
  }
}

TopologyDescription::~TopologyDescription() = default;
TopologyDescription::TopologyDescription(const TopologyDescription&) = default;
TopologyDescription& TopologyDescription::operator=(const TopologyDescription&) = default;

std::vector<std::string> TopologyDescription::NodeOrder(int32_t subtopology) const {
  std::vector<std::string> out;
  for (const Described& d : described_) {
    if (d.id != subtopology) continue;
    for (const NodeDef* n : d.nodes) out.push_back(n->name);
  }
  return out;
}

std::string TopologyDescription::ToString() const {
  using ::kstreams::internal::StrAppend;
  auto names = [](const std::vector<const NodeDef*>& nodes) {
    if (nodes.empty()) return std::string("none");
    std::string out;
    for (const NodeDef* n : nodes) {
      if (!out.empty()) out += ", ";
      out += n->name;
    }
    return out;
  };
  // Java: "Topologies:\n " then "  " before each sub-topology, each ending
  // with a blank line; so only the first is indented by three spaces.
  std::string out = "Topologies:\n ";
  for (const Described& d : described_) {
    if (d.global) {
      // Java's GlobalStore#toString: source and processor, no blank line.
      StrAppend(&out, "  Sub-topology: ", d.id, " for global store (will not generate tasks)\n");
      for (size_t i = 0; i < d.nodes.size(); ++i) {
        const NodeDef& node = *d.nodes[i];
        if (node.kind == NodeKind::kSource) {
          StrAppend(&out, "    Source: ", node.name, " (topics: ", JavaSetString(node.topics),
                    ")\n      --> ", names(d.successors[i]), "\n");
        } else {
          StrAppend(&out, "    Processor: ", node.name, " (stores: ", JavaSetString(node.stores),
                    ")\n      --> ", names(d.successors[i]), "\n      <-- ",
                    names(d.predecessors[i]), "\n");
        }
      }
      continue;
    }
    StrAppend(&out, "  Sub-topology: ", d.id, "\n");
    for (size_t i = 0; i < d.nodes.size(); ++i) {
      const NodeDef& node = *d.nodes[i];
      switch (node.kind) {
        case NodeKind::kSource:
          StrAppend(&out, "    Source: ", node.name, " (topics: ",
                    node.pattern ? *node.pattern : JavaSetString(node.topics), ")\n      --> ",
                    names(d.successors[i]), "\n");
          break;
        case NodeKind::kProcessor:
          StrAppend(&out, "    Processor: ", node.name, " (stores: ", JavaSetString(node.stores),
                    ")\n      --> ", names(d.successors[i]), "\n      <-- ",
                    names(d.predecessors[i]), "\n");
          break;
        case NodeKind::kSink:
          if (node.dynamic_topic) {
            StrAppend(&out, "    Sink: ", node.name, " (extractor class: ", kExtractorClass,
                      ")\n      <-- ", names(d.predecessors[i]), "\n");
          } else {
            StrAppend(&out, "    Sink: ", node.name, " (topic: ", node.sink_topic,
                      ")\n      <-- ", names(d.predecessors[i]), "\n");
          }
          break;
      }
    }
    out += "\n";
  }
  return out;
}

namespace {
std::string DotEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}
std::string DotId(std::string_view s) { return "\"" + DotEscape(s) + "\""; }
}  // namespace

std::string TopologyDescription::ToDot() const {
  using ::kstreams::internal::StrAppend;
  std::string out = "digraph topology {\n  rankdir=LR;\n";
  std::vector<std::string> topics;  // in first-mention order
  auto topic = [&](const std::string& t) {
    if (std::find(topics.begin(), topics.end(), t) == topics.end()) topics.push_back(t);
    return DotId("topic:" + t);
  };
  std::string edges;
  for (const Described& d : described_) {
    StrAppend(&out, "  subgraph cluster_", d.id, " {\n    label=\"Sub-topology: ", d.id, "\";\n");
    for (size_t i = 0; i < d.nodes.size(); ++i) {
      const NodeDef& node = *d.nodes[i];
      const char* kind = node.kind == NodeKind::kSource      ? "Source"
                         : node.kind == NodeKind::kProcessor ? "Processor"
                                                             : "Sink";
      const char* shape = node.kind == NodeKind::kSource      ? "invhouse"
                          : node.kind == NodeKind::kProcessor ? "box"
                                                              : "house";
      StrAppend(&out, "    ", DotId(node.name), " [shape=", shape, ", label=",
                ::kstreams::internal::StrCat("\"", kind, "\\n", DotEscape(node.name), "\""), "];\n");
      if (node.kind == NodeKind::kSource) {
        if (node.pattern) {
          StrAppend(&edges, "  ", topic("pattern: " + *node.pattern), " -> ", DotId(node.name), ";\n");
        }
        for (const std::string& t : node.topics) {
          StrAppend(&edges, "  ", topic(t), " -> ", DotId(node.name), ";\n");
        }
      }
      for (const NodeDef* s : d.successors[i]) {
        StrAppend(&edges, "  ", DotId(node.name), " -> ", DotId(s->name), ";\n");
      }
      if (node.kind == NodeKind::kSink) {
        StrAppend(&edges, "  ", DotId(node.name), " -> ",
                  topic(node.dynamic_topic ? std::string(kExtractorClass) : node.sink_topic),
                  ";\n");
      }
    }
    out += "  }\n";
  }
  for (const std::string& t : topics) {
    StrAppend(&out, "  ", DotId("topic:" + t), " [shape=ellipse, label=", DotId(t), "];\n");
  }
  out += edges;
  out += "}\n";
  return out;
}

}  // namespace kstreams
