// kstreams/processor/topology_description.h
//
// TopologyDescription: what Topology::Describe() returns. ToString() prints
// the layout of Kafka Streams' TopologyDescription#toString(), so the output
// can be diffed against a Java application's:
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
// ToDot() renders the same graph for Graphviz (`dot -Tsvg`).
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
  explicit TopologyDescription(std::shared_ptr<const internal::TopologyData> data);

  std::string ToString() const;
  std::string ToDot() const;
  // The sub-topologies, numbered as in ToString().
  const std::vector<internal::Subtopology>& subtopologies() const { return subtopologies_; }

  friend std::ostream& operator<<(std::ostream& os, const TopologyDescription& d) {
    return os << d.ToString();
  }

 private:
  std::shared_ptr<const internal::TopologyData> data_;
  std::vector<internal::Subtopology> subtopologies_;
};

}  // namespace kstreams

#endif  // KSTREAMS_PROCESSOR_TOPOLOGY_DESCRIPTION_H_
