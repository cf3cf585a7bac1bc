#include "kstreams/processor/topology_description.h"

#include "kstreams/internal/strings.h"


namespace kstreams {

TopologyDescription::TopologyDescription(
    std::shared_ptr<const internal::TopologyData> data)
    : data_(std::move(data)), subtopologies_(data_->Subtopologies()) {}

std::string TopologyDescription::ToString() const {
  std::string out = "Topologies:\n";
  for (const internal::Subtopology& sub : subtopologies_) {
    ::kstreams::internal::StrAppend(&out, "   Sub-topology: ", sub.id, "\n");
    for (const std::string& name : sub.nodes) {
      const internal::NodeDef& node = *data_->FindNode(name);
      auto names = [](const std::vector<std::string>& v) {
        return v.empty() ? std::string("none") : ::kstreams::internal::StrJoin(v, ", ");
      };
      switch (node.kind) {
        case internal::NodeKind::kSource:
          if (node.pattern) {
            ::kstreams::internal::StrAppend(&out, "    Source: ", node.name, " (topic pattern: ",
                            *node.pattern, ")\n");
          } else {
            ::kstreams::internal::StrAppend(&out, "    Source: ", node.name, " (topics: [",
                            ::kstreams::internal::StrJoin(node.topics, ", "), "])\n");
          }
          ::kstreams::internal::StrAppend(&out, "      --> ", names(node.children), "\n");
          break;
        case internal::NodeKind::kProcessor:
          ::kstreams::internal::StrAppend(&out, "    Processor: ", node.name, " (stores: [",
                          ::kstreams::internal::StrJoin(node.stores, ", "), "])\n");
          ::kstreams::internal::StrAppend(&out, "      --> ", names(node.children), "\n");
          ::kstreams::internal::StrAppend(&out, "      <-- ", names(node.parents), "\n");
          break;
        case internal::NodeKind::kSink:
          if (node.dynamic_topic) {
            ::kstreams::internal::StrAppend(&out, "    Sink: ", node.name, " (extractor class: topic-name-extractor)\n");
          } else {
            ::kstreams::internal::StrAppend(&out, "    Sink: ", node.name, " (topic: ", node.sink_topic, ")\n");
          }
          ::kstreams::internal::StrAppend(&out, "      <-- ", names(node.parents), "\n");
          break;
      }
    }
    out += "\n";
  }
  return out;
}

std::string TopologyDescription::ToDot() const {
  std::string out = "digraph topology {\n  rankdir=LR;\n";
  for (const internal::Subtopology& sub : subtopologies_) {
    ::kstreams::internal::StrAppend(&out, "  subgraph cluster_", sub.id, " {\n    label=\"Sub-topology: ",
                    sub.id, "\";\n");
    for (const std::string& name : sub.nodes) {
      ::kstreams::internal::StrAppend(&out, "    \"", name, "\";\n");
    }
    out += "  }\n";
  }
  for (const internal::NodeDef& node : data_->nodes()) {
    for (const std::string& child : node.children) {
      ::kstreams::internal::StrAppend(&out, "  \"", node.name, "\" -> \"", child, "\";\n");
    }
  }
  out += "}\n";
  return out;
}

}  // namespace kstreams
