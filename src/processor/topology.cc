#include "kstreams/processor/topology.h"

#include "kstreams/processor/topology_description.h"

namespace kstreams {

Topology::Topology() : data_(std::make_shared<internal::TopologyData>()) {}

Topology& Topology::ConnectProcessorAndStateStores(
    const std::string& processor, const std::vector<std::string>& stores) {
  for (const std::string& s : stores) data_->ConnectStore(s, processor);
  return *this;
}

TopologyDescription Topology::Describe() const { return TopologyDescription(data_); }

}  // namespace kstreams
