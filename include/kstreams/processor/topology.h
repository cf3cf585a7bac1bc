// kstreams/processor/topology.h
//
// Topology: the graph of sources, processors, sinks and state stores that a
// KafkaStreams instance or a TopologyTestDriver runs. Build it with the
// Processor API below or with StreamsBuilder (the DSL), which produces one.
//
// Building never throws: the first mistake (unknown parent, duplicate name,
// mismatched record types, ...) is kept in status() and reported again by
// Describe(), TopologyTestDriver and KafkaStreams. Later calls are ignored.
//
// A topology handed to a driver or KafkaStreams is shared immutably; each task
// creates its own processor and store instances from the suppliers.
//
// Thread-compatible while building; immutable (thread-safe) once running.
//
// Example:
//
//   kstreams::Topology topology;
//   topology.AddSource<std::string, std::string>("src", {"input"})
//       .AddProcessor("upper", [] { return std::make_unique<UpperCase>(); }, {"src"})
//       .AddSink<std::string, std::string>("sink", "output", {"upper"});
//   std::cout << topology.Describe();
#ifndef KSTREAMS_PROCESSOR_TOPOLOGY_H_
#define KSTREAMS_PROCESSOR_TOPOLOGY_H_

#include <concepts>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/status/status.h"
#include "kstreams/processor/internal/topology_data.h"
#include "kstreams/processor/processor.h"
#include "kstreams/processor/timestamp_extractor.h"
#include "kstreams/serde/serde.h"

namespace kstreams {

class TopologyDescription;

// A regular expression naming source topics (std::regex ECMAScript syntax,
// matched against the whole topic name, like Java's Pattern.matcher().matches()).
// Example: kstreams::TopicPattern::Regex("orders-.*")
class TopicPattern {
 public:
  static TopicPattern Regex(std::string regex) { return TopicPattern(std::move(regex), 0); }
  const std::string& regex() const { return regex_; }

 private:
  TopicPattern(std::string regex, int) : regex_(std::move(regex)) {}
  std::string regex_;
};

namespace internal {
// The record types of the processor a supplier makes (Processor or a subclass).
template <typename T>
struct ProcessorTypes;
template <typename P>
struct ProcessorTypes<std::unique_ptr<P>> {
  using KeyIn = typename P::KeyInType;
  using ValueIn = typename P::ValueInType;
  using KeyOut = typename P::KeyOutType;
  using ValueOut = typename P::ValueOutType;
};
}  // namespace internal

class Topology {
 public:
  Topology();

  // Adds a source reading `topics` with the given serdes (defaults by type)
  // and timestamp extractor (default: default.timestamp.extractor).
  template <typename K, typename V>
  Topology& AddSource(std::string name, std::vector<std::string> topics,
                      SerdePtr<K> key_serde = nullptr,
                      SerdePtr<V> value_serde = nullptr,
                      std::shared_ptr<TimestampExtractor> timestamp_extractor = nullptr);
  template <typename K, typename V>
  Topology& AddSource(std::string name, TopicPattern pattern,
                      SerdePtr<K> key_serde = nullptr,
                      SerdePtr<V> value_serde = nullptr,
                      std::shared_ptr<TimestampExtractor> timestamp_extractor = nullptr);

  // Adds a processor made by `supplier` (a callable returning
  // std::unique_ptr<Processor<KIn, VIn, KOut, VOut>>, a new one per call).
  // Every parent must forward Record<KIn, VIn>.
  template <typename Supplier>
  Topology& AddProcessor(std::string name, Supplier supplier,
                         std::vector<std::string> parents);

  // Adds a sink writing to `topic`.
  template <typename K, typename V>
  Topology& AddSink(std::string name, std::string topic,
                    std::vector<std::string> parents,
                    SerdePtr<K> key_serde = nullptr,
                    SerdePtr<V> value_serde = nullptr,
                    internal::StreamPartitioner<K, V> partitioner = nullptr);
  // Adds a sink whose topic `extractor` picks per record.
  template <typename K, typename V>
  Topology& AddSink(std::string name, internal::TopicNameExtractor<K, V> extractor,
                    std::vector<std::string> parents,
                    SerdePtr<K> key_serde = nullptr,
                    SerdePtr<V> value_serde = nullptr,
                    internal::StreamPartitioner<K, V> partitioner = nullptr);

  // Adds a state store made by `builder` (e.g. Stores::KeyValueStoreBuilder),
  // connected to the named processors (which must already exist). Each task
  // builds its own store instance with builder.Build(). Any type with
  // name(), logging_enabled(), log_config() and Build() -> unique_ptr<S>
  // (S derived from StateStore) is accepted.
  template <typename StoreBuilder>
  Topology& AddStateStore(StoreBuilder builder,
                          const std::vector<std::string>& processors = {});

  // Gives processors that already exist access to stores already added.
  Topology& ConnectProcessorAndStateStores(const std::string& processor,
                                           const std::vector<std::string>& stores);

  // The first building error, or OK.
  const absl::Status& status() const { return data_->status(); }

  // Sub-topologies, nodes and stores in Kafka Streams' TopologyDescription
  // layout (see topology_description.h).
  TopologyDescription Describe() const;

  // Library use.
  explicit Topology(std::shared_ptr<internal::TopologyData> data)
      : data_(std::move(data)) {}
  internal::TopologyData& data() { return *data_; }
  const internal::TopologyData& data() const { return *data_; }
  std::shared_ptr<const internal::TopologyData> shared_data() const { return data_; }

 private:
  template <typename K, typename V>
  Topology& AddSourceImpl(std::string name, std::vector<std::string> topics,
                          std::optional<std::string> pattern, SerdePtr<K> key_serde,
                          SerdePtr<V> value_serde,
                          std::shared_ptr<TimestampExtractor> timestamp_extractor);
  template <typename K, typename V>
  Topology& AddSinkImpl(std::string name, std::string topic,
                        internal::TopicNameExtractor<K, V> extractor,
                        std::vector<std::string> parents, SerdePtr<K> key_serde,
                        SerdePtr<V> value_serde,
                        internal::StreamPartitioner<K, V> partitioner);
  template <typename T>
  bool RequireSerde(const SerdePtr<T>& serde, const std::string& node,
                    const char* what);

  std::shared_ptr<internal::TopologyData> data_;
};

// ---------------------------------------------------------------------------
// Implementation.

template <typename StoreBuilder>
Topology& Topology::AddStateStore(StoreBuilder builder,
                                  const std::vector<std::string>& processors) {
  static_assert(requires(const StoreBuilder& b) {
    { b.name() } -> std::convertible_to<std::string>;
    { b.logging_enabled() } -> std::convertible_to<bool>;
    { b.Build() };
  }, "AddStateStore needs a store builder, e.g. kstreams::Stores::KeyValueStoreBuilder(...)");
  if constexpr (requires { builder.status(); }) {
    // A supplier made with invalid arguments (e.g. a window larger than its
    // retention) is reported here, as Java throws it from Stores.
    if (!builder.status().ok()) {
      data_->SetError(builder.status());
      return *this;
    }
  }
  internal::StoreDef def;
  def.name = builder.name();
  def.logging_enabled = builder.logging_enabled();
  def.changelog_config = builder.log_config();
  if constexpr (requires { builder.windowed_changelog_retention_ms(); }) {
    def.windowed_changelog_retention_ms = builder.windowed_changelog_retention_ms();
  }
  def.processors = processors;
  def.factory = [b = std::move(builder)](bool caching_allowed) -> std::unique_ptr<StateStore> {
    // With statestore.cache.max.bytes = 0 the store has no caching layer at
    // all (Java's InternalTopologyBuilder disables caching on every store),
    // so a delete of a key the store never held is still forwarded.
    if constexpr (std::copy_constructible<StoreBuilder> &&
                  requires(StoreBuilder& c) {
                    { c.caching_enabled() } -> std::convertible_to<bool>;
                    c.WithCachingDisabled();
                  }) {
      if (!caching_allowed && b.caching_enabled()) {
        StoreBuilder uncached = b;
        uncached.WithCachingDisabled();
        return uncached.Build();
      }
    }
    return b.Build();
  };
  data_->AddStore(std::move(def));
  return *this;
}

template <typename T>
bool Topology::RequireSerde(const SerdePtr<T>& serde, const std::string& node,
                            const char* what) {
  if (serde) return true;
  data_->SetError(absl::InvalidArgumentError(
      ::kstreams::internal::StrCat("node '", node, "' needs a ", what, " serde for ",
                   TypeName<T>(), ", which has no default; pass one")));
  return false;
}

template <typename K, typename V>
Topology& Topology::AddSourceImpl(std::string name, std::vector<std::string> topics,
                                  std::optional<std::string> pattern,
                                  SerdePtr<K> key_serde, SerdePtr<V> value_serde,
                                  std::shared_ptr<TimestampExtractor> timestamp_extractor) {
  key_serde = SerdeOrDefault<K>(std::move(key_serde));
  value_serde = SerdeOrDefault<V>(std::move(value_serde));
  if (!RequireSerde(key_serde, name, "key") || !RequireSerde(value_serde, name, "value")) {
    return *this;
  }
  if (topics.empty() && !pattern) {
    data_->SetError(absl::InvalidArgumentError(
        ::kstreams::internal::StrCat("source '", name, "' needs at least one topic")));
    return *this;
  }
  for (const internal::NodeDef& n : data_->nodes()) {
    for (const std::string& t : topics) {
      if (std::find(n.topics.begin(), n.topics.end(), t) != n.topics.end()) {
        data_->SetError(absl::AlreadyExistsError(::kstreams::internal::StrCat(
            "topic '", t, "' is already read by source '", n.name,
            "'; a topic can feed only one source node")));
        return *this;
      }
    }
  }
  internal::NodeDef def;
  def.kind = internal::NodeKind::kSource;
  def.name = name;
  def.topics = std::move(topics);
  def.pattern = std::move(pattern);
  def.timestamp_extractor = std::move(timestamp_extractor);
  def.output = internal::RecordType::Of<K, V>();
  def.factory = [name, key_serde, value_serde]() -> std::unique_ptr<internal::NodeBase> {
    return std::make_unique<internal::SourceNode<K, V>>(name, key_serde, value_serde);
  };
  data_->AddNode(std::move(def));
  return *this;
}

template <typename K, typename V>
Topology& Topology::AddSource(std::string name, std::vector<std::string> topics,
                              SerdePtr<K> key_serde, SerdePtr<V> value_serde,
                              std::shared_ptr<TimestampExtractor> timestamp_extractor) {
  return AddSourceImpl<K, V>(std::move(name), std::move(topics), std::nullopt,
                             std::move(key_serde), std::move(value_serde),
                             std::move(timestamp_extractor));
}

template <typename K, typename V>
Topology& Topology::AddSource(std::string name, TopicPattern pattern,
                              SerdePtr<K> key_serde, SerdePtr<V> value_serde,
                              std::shared_ptr<TimestampExtractor> timestamp_extractor) {
  try {
    std::regex check(pattern.regex());
  } catch (const std::regex_error& e) {
    data_->SetError(absl::InvalidArgumentError(::kstreams::internal::StrCat(
        "source '", name, "': invalid topic pattern '", pattern.regex(), "': ", e.what())));
    return *this;
  }
  return AddSourceImpl<K, V>(std::move(name), {}, pattern.regex(),
                             std::move(key_serde), std::move(value_serde),
                             std::move(timestamp_extractor));
}

template <typename Supplier>
Topology& Topology::AddProcessor(std::string name, Supplier supplier,
                                 std::vector<std::string> parents) {
  using Made = std::invoke_result_t<Supplier&>;
  using Types = internal::ProcessorTypes<Made>;
  using KIn = typename Types::KeyIn;
  using VIn = typename Types::ValueIn;
  using KOut = typename Types::KeyOut;
  using VOut = typename Types::ValueOut;
  internal::NodeDef def;
  def.kind = internal::NodeKind::kProcessor;
  def.name = name;
  def.parents = std::move(parents);
  def.input = internal::RecordType::Of<KIn, VIn>();
  def.output = internal::RecordType::Of<KOut, VOut>();
  def.factory = [name, supplier = std::move(supplier)]() mutable
      -> std::unique_ptr<internal::NodeBase> {
    std::unique_ptr<Processor<KIn, VIn, KOut, VOut>> p = supplier();
    return std::make_unique<internal::ProcessorNode<KIn, VIn, KOut, VOut>>(name, std::move(p));
  };
  data_->AddNode(std::move(def));
  return *this;
}

template <typename K, typename V>
Topology& Topology::AddSinkImpl(std::string name, std::string topic,
                                internal::TopicNameExtractor<K, V> extractor,
                                std::vector<std::string> parents,
                                SerdePtr<K> key_serde, SerdePtr<V> value_serde,
                                internal::StreamPartitioner<K, V> partitioner) {
  key_serde = SerdeOrDefault<K>(std::move(key_serde));
  value_serde = SerdeOrDefault<V>(std::move(value_serde));
  if (!RequireSerde(key_serde, name, "key") || !RequireSerde(value_serde, name, "value")) {
    return *this;
  }
  internal::NodeDef def;
  def.kind = internal::NodeKind::kSink;
  def.name = name;
  def.parents = std::move(parents);
  def.input = internal::RecordType::Of<K, V>();
  def.sink_topic = topic;
  def.dynamic_topic = static_cast<bool>(extractor);
  const bool internal_topic = data_->IsInternalTopic(topic);
  def.factory = [=]() -> std::unique_ptr<internal::NodeBase> {
    return std::make_unique<internal::SinkNode<K, V>>(
        name, topic, internal_topic, extractor, key_serde, value_serde, partitioner);
  };
  data_->AddNode(std::move(def));
  return *this;
}

template <typename K, typename V>
Topology& Topology::AddSink(std::string name, std::string topic,
                            std::vector<std::string> parents, SerdePtr<K> key_serde,
                            SerdePtr<V> value_serde,
                            internal::StreamPartitioner<K, V> partitioner) {
  if (topic.empty()) {
    data_->SetError(absl::InvalidArgumentError(
        ::kstreams::internal::StrCat("sink '", name, "' needs a topic")));
    return *this;
  }
  return AddSinkImpl<K, V>(std::move(name), std::move(topic), nullptr,
                           std::move(parents), std::move(key_serde),
                           std::move(value_serde), std::move(partitioner));
}

template <typename K, typename V>
Topology& Topology::AddSink(std::string name,
                            internal::TopicNameExtractor<K, V> extractor,
                            std::vector<std::string> parents, SerdePtr<K> key_serde,
                            SerdePtr<V> value_serde,
                            internal::StreamPartitioner<K, V> partitioner) {
  return AddSinkImpl<K, V>(std::move(name), "", std::move(extractor),
                           std::move(parents), std::move(key_serde),
                           std::move(value_serde), std::move(partitioner));
}

}  // namespace kstreams

#endif  // KSTREAMS_PROCESSOR_TOPOLOGY_H_
