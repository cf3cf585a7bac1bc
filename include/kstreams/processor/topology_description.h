// kstreams/processor/topology_description.h
//
// TopologyDescription: what Topology::Describe() returns. ToString() prints
// exactly what Kafka Streams' TopologyDescription#toString() prints for the
// same topology, so the two can be diffed:
//
//   Topologies:
//      Sub-topology: 0
//       Source: KSTREAM-SOURCE-0000000000 (topics: [input])
//         --> KSTREAM-MAPVALUES-0000000001
//       Processor: KSTREAM-MAPVALUES-0000000001 (stores: [])
//         --> KSTREAM-SINK-0000000002
//         <-- KSTREAM-SOURCE-0000000000
//       Sink: KSTREAM-SINK-0000000002 (topic: output)
//         <-- KSTREAM-MAPVALUES-0000000001
//
//     Sub-topology: 1
//       ...
//
// Java's quirks are kept: only the first "Sub-topology" line is indented by
// three spaces (the others by two); every sub-topology ends with a blank
// line; nodes are ordered by sub-tree size (descending), then name;
// successors and predecessors in the order Java's TreeSets give them; topic
// and store sets in Java HashSet order; a pattern source prints as
// "(topics: <regex>)"; an internal topic prints undecorated (without the
// "<application.id>-" prefix). One difference: a sink with a topic-name
// extractor prints "(extractor class: topic-name-extractor)", where Java
// prints the extractor object's toString().
//
// ToDot() renders the same graph for Graphviz (`dot -Tsvg`): one cluster per
// sub-topology, nodes in the ToString() order, and topics as ellipses linking
// sinks to the sources that read them.
//
// Immutable value; thread-safe.
#ifndef KSTREAMS_PROCESSOR_TOPOLOGY_DESCRIPTION_H_
#define KSTREAMS_PROCESSOR_TOPOLOGY_DESCRIPTION_H_

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "kstreams/processor/internal/topology_data.h"

namespace kstreams {

class TopologyDescription {
 public:
  // What a sink with a TopicNameExtractor prints as its extractor class.
  static constexpr char kExtractorClass[] = "topic-name-extractor";

  explicit TopologyDescription(std::shared_ptr<const internal::TopologyData> data);
  ~TopologyDescription();
  TopologyDescription(const TopologyDescription&);
  TopologyDescription& operator=(const TopologyDescription&);

  std::string ToString() const;
  std::string ToDot() const;
  // The sub-topologies, numbered as in ToString() (nodes in definition order).
  const std::vector<internal::Subtopology>& subtopologies() const { return subtopologies_; }
  // The node names of sub-topology `id` in ToString() order.
  std::vector<std::string> NodeOrder(int32_t id) const;

  friend std::ostream& operator<<(std::ostream& os, const TopologyDescription& d) {
    return os << d.ToString();
  }

 private:
  struct Described;
  std::shared_ptr<const internal::TopologyData> data_;
  std::vector<internal::Subtopology> subtopologies_;
  std::vector<Described> described_;
};

}  // namespace kstreams

#endif  // KSTREAMS_PROCESSOR_TOPOLOGY_DESCRIPTION_H_
