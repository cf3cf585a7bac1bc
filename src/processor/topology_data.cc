#include "kstreams/processor/internal/topology_data.h"

#include <algorithm>
#include <numeric>
#include <set>

#include "kstreams/internal/strings.h"

namespace kstreams::internal {

void TopologyData::AddNode(NodeDef def) {
  if (!status_.ok()) return;
  if (def.name.empty()) {
    SetError(absl::InvalidArgumentError("node name must not be empty"));
    return;
  }
  if (node_index_.contains(def.name)) {
    SetError(absl::AlreadyExistsError(
        ::kstreams::internal::StrCat("node '", def.name, "' is already in the topology")));
    return;
  }
  if (def.kind != NodeKind::kSource && def.parents.empty()) {
    SetError(absl::InvalidArgumentError(
        ::kstreams::internal::StrCat("node '", def.name, "' needs at least one parent")));
    return;
  }
  for (const std::string& parent_name : def.parents) {
    auto it = node_index_.find(parent_name);
    if (it == node_index_.end()) {
      SetError(absl::NotFoundError(::kstreams::internal::StrCat(
          "parent '", parent_name, "' of node '", def.name,
          "' is not in the topology (add parents before their children)")));
      return;
    }
    NodeDef& parent = nodes_[it->second];
    if (parent.kind == NodeKind::kSink) {
      SetError(absl::InvalidArgumentError(::kstreams::internal::StrCat(
          "sink '", parent_name, "' cannot be the parent of '", def.name, "'")));
      return;
    }
    if (parent.output && def.input && parent.output->type != def.input->type) {
      SetError(absl::InvalidArgumentError(::kstreams::internal::StrCat(
          "node '", def.name, "' accepts ", def.input->name, " but its parent '",
          parent_name, "' forwards ", parent.output->name)));
      return;
    }
  }
  for (const std::string& parent_name : def.parents) {
    nodes_[node_index_[parent_name]].children.push_back(def.name);
  }
  node_index_[def.name] = nodes_.size();
  nodes_.push_back(std::move(def));
}

void TopologyData::AddStore(StoreDef def) {
  if (!status_.ok()) return;
  if (FindStore(def.name) != nullptr) {
    SetError(absl::AlreadyExistsError(
        ::kstreams::internal::StrCat("state store '", def.name, "' is already in the topology")));
    return;
  }
  std::vector<std::string> processors = std::move(def.processors);
  def.processors.clear();
  std::string name = def.name;
  stores_.push_back(std::move(def));
  for (const std::string& p : processors) ConnectStore(name, p);
}

void TopologyData::ConnectStore(const std::string& store,
                                const std::string& processor) {
  if (!status_.ok()) return;
  auto it = node_index_.find(processor);
  if (it == node_index_.end() || nodes_[it->second].kind != NodeKind::kProcessor) {
    SetError(absl::NotFoundError(::kstreams::internal::StrCat(
        "cannot connect state store '", store, "' to '", processor,
        "': no processor of that name")));
    return;
  }
  auto store_it = std::find_if(stores_.begin(), stores_.end(),
                               [&](const StoreDef& s) { return s.name == store; });
  if (store_it == stores_.end()) {
    SetError(absl::NotFoundError(::kstreams::internal::StrCat(
        "cannot connect state store '", store, "' to '", processor,
        "': no store of that name (add it with AddStateStore first)")));
    return;
  }
  NodeDef& node = nodes_[it->second];
  if (std::find(node.stores.begin(), node.stores.end(), store) == node.stores.end()) {
    node.stores.push_back(store);
    store_it->processors.push_back(processor);
  }
}

void TopologyData::AddInternalTopic(InternalTopicDef def) {
  if (!status_.ok()) return;
  std::string name = def.name;
  internal_topics_.emplace(std::move(name), std::move(def));
}

void TopologyData::AddCopartitionGroup(std::vector<std::string> nodes) {
  if (!status_.ok()) return;
  copartition_groups_.push_back(std::move(nodes));
}

void TopologyData::MarkGlobal(const std::string& node) {
  auto it = node_index_.find(node);
  if (it != node_index_.end()) nodes_[it->second].global = true;
}

std::vector<std::vector<std::string>> TopologyData::CopartitionGroups() const {
  std::vector<std::vector<std::string>> groups;
  for (const std::vector<std::string>& nodes : copartition_groups_) {
    std::set<std::string> topics;
    std::vector<std::string> pending = nodes;
    std::set<std::string> seen;
    while (!pending.empty()) {
      std::string name = std::move(pending.back());
      pending.pop_back();
      if (!seen.insert(name).second) continue;
      const NodeDef* node = FindNode(name);
      if (node == nullptr) continue;
      topics.insert(node->topics.begin(), node->topics.end());
      pending.insert(pending.end(), node->parents.begin(), node->parents.end());
    }
    groups.emplace_back(topics.begin(), topics.end());
  }
  return groups;
}

const NodeDef* TopologyData::FindNode(std::string_view name) const {
  auto it = node_index_.find(std::string(name));
  return it == node_index_.end() ? nullptr : &nodes_[it->second];
}

const StoreDef* TopologyData::FindStore(std::string_view name) const {
  for (const StoreDef& s : stores_) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::vector<Subtopology> TopologyData::Subtopologies() const {
  std::vector<Subtopology> all = AllSubtopologies();
  std::erase_if(all, [](const Subtopology& s) { return s.global; });
  return all;
}

std::vector<Subtopology> TopologyData::GlobalSubtopologies() const {
  std::vector<Subtopology> all = AllSubtopologies();
  std::erase_if(all, [](const Subtopology& s) { return !s.global; });
  return all;
}

std::vector<Subtopology> TopologyData::AllSubtopologies() const {
  // Union-find over node indices.
  std::vector<size_t> root(nodes_.size());
  std::iota(root.begin(), root.end(), 0);
  auto find = [&](size_t i) {
    while (root[i] != i) i = root[i] = root[root[i]];
    return i;
  };
  auto unite = [&](size_t a, size_t b) { root[find(a)] = find(b); };
  for (size_t i = 0; i < nodes_.size(); ++i) {
    for (const std::string& p : nodes_[i].parents) unite(i, node_index_.at(p));
  }
  for (const StoreDef& s : stores_) {
    for (size_t i = 1; i < s.processors.size(); ++i) {
      unite(node_index_.at(s.processors[0]), node_index_.at(s.processors[i]));
    }
  }
  // Numbering as Java's InternalTopologyBuilder#makeNodeGroups: components in
  // the order of their alphabetically first source node name, then (for
  // components without sources) of their first node name.
  std::vector<size_t> order(nodes_.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const bool source_a = nodes_[a].kind == NodeKind::kSource;
    const bool source_b = nodes_[b].kind == NodeKind::kSource;
    if (source_a != source_b) return source_a;
    return nodes_[a].name < nodes_[b].name;
  });
  absl::flat_hash_map<size_t, size_t> group_of_root;
  for (size_t i : order) {
    size_t r = find(i);
    if (!group_of_root.contains(r)) {
      size_t id = group_of_root.size();
      group_of_root[r] = id;
    }
  }
  std::vector<Subtopology> result(group_of_root.size());
  for (size_t g = 0; g < result.size(); ++g) result[g].id = static_cast<int32_t>(g);
  for (size_t i = 0; i < nodes_.size(); ++i) {
    auto it = group_of_root.find(find(i));
    Subtopology& sub = result[it->second];
    const NodeDef& node = nodes_[i];
    sub.nodes.push_back(node.name);
    sub.global = sub.global || node.global;
    for (const std::string& t : node.topics) sub.source_topics.push_back(t);
    if (node.pattern) sub.source_patterns.push_back(*node.pattern);
    if (node.kind == NodeKind::kSink && !node.dynamic_topic) {
      sub.sink_topics.push_back(node.sink_topic);
    }
    for (const std::string& s : node.stores) {
      if (std::find(sub.stores.begin(), sub.stores.end(), s) == sub.stores.end()) {
        sub.stores.push_back(s);
      }
    }
  }
  return result;
}

}  // namespace kstreams::internal
