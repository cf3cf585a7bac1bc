// kstreams/processor/internal/topology_data.h  (internal: not for users)
//
// The immutable plan a Topology describes: node definitions with factories,
// store definitions and internal topics. Tasks instantiate nodes and stores
// from it (a fresh set per task); Describe() prints it.
#ifndef KSTREAMS_PROCESSOR_INTERNAL_TOPOLOGY_DATA_H_
#define KSTREAMS_PROCESSOR_INTERNAL_TOPOLOGY_DATA_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <typeindex>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kstreams/internal/topic_names.h"
#include "kstreams/processor/internal/node.h"
#include "kstreams/processor/state_store.h"

namespace kstreams {
class TimestampExtractor;
}  // namespace kstreams

namespace kstreams::internal {

enum class NodeKind { kSource, kProcessor, kSink };

// The record type a node accepts or forwards, for checks at wiring time.
struct RecordType {
  std::type_index type;
  std::string name;  // "Record<K, V>" spelled out, for messages
  template <typename K, typename V>
  static RecordType Of() {
    return {std::type_index(typeid(Record<K, V>)),
            "Record<" + TypeName<K>() + ", " + TypeName<V>() + ">"};
  }
};

struct NodeDef {
  NodeKind kind = NodeKind::kProcessor;
  std::string name;
  std::vector<std::string> parents;   // in the order given
  std::vector<std::string> children;  // in the order they were connected
  std::function<std::unique_ptr<NodeBase>()> factory;
  std::optional<RecordType> input;   // absent for sources
  std::optional<RecordType> output;  // absent for sinks
  // Sources: topics (as given; internal ones undecorated) or a regex.
  std::vector<std::string> topics;
  std::optional<std::string> pattern;
  // Sources: their own timestamp extractor (nullptr: the configured default).
  std::shared_ptr<TimestampExtractor> timestamp_extractor;
  // Sinks: the topic, or empty with `dynamic_topic` when an extractor picks it.
  std::string sink_topic;
  bool dynamic_topic = false;
  // Names of stores this node may access.
  std::vector<std::string> stores;
  // Part of a global store's sub-topology (a GlobalKTable's source and
  // processor): run by the global thread, never by tasks.
  bool global = false;
};

// A store the topology needs; each task builds its own instance.
struct StoreDef {
  std::string name;
  // A new instance; `caching_allowed` false (statestore.cache.max.bytes = 0)
  // builds it without its caching layer, as Java's InternalTopologyBuilder.
  std::function<std::unique_ptr<StateStore>(bool caching_allowed)> factory;
  bool logging_enabled = false;
  std::map<std::string, std::string> changelog_config;
  // Windowed and session stores whose log config leaves retention.ms unset:
  // the store's retention. The runtime then sets the changelog's
  // retention.ms to it plus windowstore.changelog.additional.retention.ms
  // (changelog_config holds it plus the default, 1 day).
  std::optional<int64_t> windowed_changelog_retention_ms;
  std::vector<std::string> processors;  // connected nodes
};

// A topic the application owns: created by the runtime, named
// "<application.id>-<name>" at run time.
struct InternalTopicDef {
  std::string name;  // undecorated, e.g. "KSTREAM-AGGREGATE-STATE-STORE-0000000003-repartition"
  std::optional<int32_t> partitions;  // fixed count, else the runtime derives it
};

struct Subtopology {
  int32_t id = 0;
  std::vector<std::string> nodes;  // in definition order
  std::vector<std::string> source_topics;  // undecorated, definition order
  std::vector<std::string> source_patterns;
  std::vector<std::string> sink_topics;     // fixed ones only
  std::vector<std::string> stores;
  // A global store's sub-topology ("for global store (will not generate
  // tasks)"): its source topics are read whole by every instance.
  bool global = false;
};

class TopologyData {
 public:
  // Mutators record the first error (unknown parent, duplicate name, type
  // mismatch) in status() and ignore later calls, so building code can chain.
  void AddNode(NodeDef def);
  void AddStore(StoreDef def);
  void ConnectStore(const std::string& store, const std::string& processor);
  void AddInternalTopic(InternalTopicDef def);
  // The inputs of a join (node names): their source topics must be
  // co-partitioned (Java's copartitionSources).
  void AddCopartitionGroup(std::vector<std::string> nodes);
  // Marks a node as part of a global store's sub-topology.
  void MarkGlobal(const std::string& node);
  void SetError(absl::Status status) {
    if (status_.ok()) status_ = std::move(status);
  }

  const absl::Status& status() const { return status_; }
  const std::vector<NodeDef>& nodes() const { return nodes_; }
  const NodeDef* FindNode(std::string_view name) const;
  const std::vector<StoreDef>& stores() const { return stores_; }
  const StoreDef* FindStore(std::string_view name) const;
  const std::map<std::string, InternalTopicDef>& internal_topics() const {
    return internal_topics_;
  }
  bool IsInternalTopic(std::string_view topic) const {
    return internal_topics_.find(std::string(topic)) != internal_topics_.end();
  }
  // The topic a source or sink reads or writes at run time: an internal
  // topic gets the "<application.id>-" prefix (InternalTopicName), any other
  // is used as named.
  std::string RuntimeTopicName(std::string_view application_id, const std::string& topic) const {
    return IsInternalTopic(topic) ? InternalTopicName(application_id, topic) : topic;
  }

  // Per co-partition group, the source topics (undecorated) feeding its
  // nodes within their sub-topology, sorted and without duplicates.
  std::vector<std::vector<std::string>> CopartitionGroups() const;

  // Connected components of nodes (parent edges and shared stores), numbered
  // as Kafka Streams numbers them: in the order of each component's
  // alphabetically smallest source node name. Nodes are in definition order.
  // Only the components that make tasks; global stores' components are
  // numbered with them but returned by GlobalSubtopologies().
  std::vector<Subtopology> Subtopologies() const;
  std::vector<Subtopology> GlobalSubtopologies() const;
  // Every component, tasks' and global ones, in id order.
  std::vector<Subtopology> AllSubtopologies() const;

  // Next index for generated names ("KSTREAM-FILTER-0000000003"): one counter
  // per topology, shared by nodes and stores, as in Java.
  int NextIndex() { return next_index_++; }

 private:
  std::vector<NodeDef> nodes_;
  absl::flat_hash_map<std::string, size_t> node_index_;
  std::vector<StoreDef> stores_;
  std::map<std::string, InternalTopicDef> internal_topics_;
  std::vector<std::vector<std::string>> copartition_groups_;  // node names
  absl::Status status_;
  int next_index_ = 0;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_PROCESSOR_INTERNAL_TOPOLOGY_DATA_H_
