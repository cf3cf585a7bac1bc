// kstreams/dsl/internal/graph.h  (internal: not for users)
//
// Helpers the DSL uses to add nodes to the TopologyData it builds.
#ifndef KSTREAMS_DSL_INTERNAL_GRAPH_H_
#define KSTREAMS_DSL_INTERNAL_GRAPH_H_

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kstreams/dsl/named.h"
#include "kstreams/processor/internal/topology_data.h"

namespace kstreams::internal {

// "<prefix><10-digit index>", Java's generated node and store names.
inline std::string GeneratedName(TopologyData& data, std::string_view prefix) {
  char digits[16];
  std::snprintf(digits, sizeof(digits), "%010d", data.NextIndex());
  return std::string(prefix) + digits;
}

// The user's name if given, else a generated one.
inline std::string NameFor(TopologyData& data, const std::optional<std::string>& given,
                           std::string_view prefix) {
  if (given && !given->empty()) return *given;
  return GeneratedName(data, prefix);
}
inline std::string NameFor(TopologyData& data, const Named& named, std::string_view prefix) {
  return NameFor(data, named.name(), prefix);
}

// Adds a processing node made by `factory` (returning a node accepting
// Record<KIn, VIn> and forwarding Record<KOut, VOut>).
template <typename KIn, typename VIn, typename KOut, typename VOut, typename Factory>
void AddProcessorNode(TopologyData& data, const std::string& name,
                      std::vector<std::string> parents, Factory factory,
                      std::vector<std::string> stores = {}) {
  NodeDef def;
  def.kind = NodeKind::kProcessor;
  def.name = name;
  def.parents = std::move(parents);
  def.input = RecordType::Of<KIn, VIn>();
  def.output = RecordType::Of<KOut, VOut>();
  def.factory = [factory = std::move(factory)]() mutable -> std::unique_ptr<NodeBase> {
    return factory();
  };
  data.AddNode(std::move(def));
  for (const std::string& s : stores) data.ConnectStore(s, name);
}

}  // namespace kstreams::internal

#endif  // KSTREAMS_DSL_INTERNAL_GRAPH_H_
