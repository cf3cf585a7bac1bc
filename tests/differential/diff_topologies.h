// The named topologies of the differential tests, in C++. Each is the twin of
// the Java topology of the same name in
// interop/java/src/main/java/kstreams/interop/DiffTopologies.java: the same
// operators in the same order, topic and store names, serdes and windows.
// Keys and stream values are std::optional<std::string> so that null keys
// and null values reach the operators as they reach Java's.
#ifndef KSTREAMS_TESTS_DIFFERENTIAL_DIFF_TOPOLOGIES_H_
#define KSTREAMS_TESTS_DIFFERENTIAL_DIFF_TOPOLOGIES_H_

#include <functional>
#include <string>
#include <vector>

#include "kstreams/processor/topology.h"
#include "kstreams/testing/topology_test_driver.h"

namespace kstreams_diff {

// Appends a store's entries to `lines`, one per entry, in the runner's line
// format ("kv <store> <key> <value> <ts>", "win ...", "sess ..."). Session
// stores are read per key of `keys`.
using StoreDump = std::function<void(kstreams::TopologyTestDriver& driver,
                                     const std::vector<std::string>& keys,
                                     std::vector<std::string>& lines)>;

struct DiffTopology {
  std::string name;
  std::vector<std::string> input_topics;
  std::function<kstreams::Topology()> build;
  std::vector<StoreDump> stores;
};

// Every topology, in a fixed order.
const std::vector<DiffTopology>& AllTopologies();

// "null", or "x" and the bytes in lower-case hex (the runner's byte token).
std::string Token(const std::optional<std::string>& bytes);

}  // namespace kstreams_diff

#endif  // KSTREAMS_TESTS_DIFFERENTIAL_DIFF_TOPOLOGIES_H_
