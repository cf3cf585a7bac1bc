// kstreams/dsl/kstream.h
//
// KStream<K, V>: an unbounded stream of records, each an independent event.
// A KStream is a cheap handle (the builder's graph, a node name, the serdes
// known so far); every operator checks its arguments, adds a named node to the
// graph and returns a new handle. Nothing runs until the built Topology is
// given to KafkaStreams or a TopologyTestDriver.
//
// Callables are checked at compile time with a message listing the accepted
// signatures. Value callables may take (key, value) or just (value); values
// are passed as rvalues, so a callable taking V by value gets it moved.
//
// Key-changing operators (Map, SelectKey, FlatMap, Process) mark the result
// "repartition required": a later key-based stateful operator (GroupByKey,
// joins) first sends it through an internal repartition topic, so that
// records with equal keys meet in the same task, as in Kafka Streams.
//
// Thread-compatible: build a topology from one thread.
//
// Example:
//
//   kstreams::StreamsBuilder builder;
//   builder.Stream<std::string, std::string>("sentences")
//       .FlatMapValues([](const std::string& s) { return absl::StrSplit(s, ' '); })
//       .Filter([](const std::string&, const std::string& w) { return !w.empty(); })
//       .MapValues([](std::string w) { return absl::AsciiStrToLower(w); })
//       .To("words");
#ifndef KSTREAMS_DSL_KSTREAM_H_
#define KSTREAMS_DSL_KSTREAM_H_

#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "kstreams/dsl/grouped.h"
#include "kstreams/dsl/internal/dsl_forward.h"
#include "kstreams/dsl/internal/graph.h"
#include "kstreams/dsl/internal/join_nodes.h"
#include "kstreams/dsl/internal/sink_partitioner.h"
#include "kstreams/dsl/internal/stateless_nodes.h"
#include "kstreams/dsl/join_windows.h"
#include "kstreams/dsl/joined.h"
#include "kstreams/dsl/materialized.h"
#include "kstreams/dsl/named.h"
#include "kstreams/dsl/printed.h"
#include "kstreams/dsl/produced.h"
#include "kstreams/dsl/repartitioned.h"
#include "kstreams/dsl/stream_joined.h"
#include "kstreams/internal/topic_names.h"
#include "kstreams/processor/processor.h"
#include "kstreams/processor/topology.h"

namespace kstreams {

template <typename K, typename V>
class KStream {
 public:
  using KeyType = K;
  using ValueType = V;

  // Keeps records for which pred(key, value) is true.
  template <typename Pred>
  KStream Filter(Pred pred, const Named& named = {}) const {
    static_assert(!internal::kTakesValueOutOfOptional<Pred, K, V>,
                  KSTREAMS_OPTIONAL_VALUES_MESSAGE);
    static_assert(std::is_invocable_r_v<bool, Pred&, const K&, const V&>,
                  "Filter expects a predicate callable as bool(const K& key, const V& value)");
    return AddFilter(std::move(pred), false, named);
  }
  // Keeps records for which pred(key, value) is false.
  template <typename Pred>
  KStream FilterNot(Pred pred, const Named& named = {}) const {
    static_assert(!internal::kTakesValueOutOfOptional<Pred, K, V>,
                  KSTREAMS_OPTIONAL_VALUES_MESSAGE);
    static_assert(std::is_invocable_r_v<bool, Pred&, const K&, const V&>,
                  "FilterNot expects a predicate callable as bool(const K& key, const V& value)");
    return AddFilter(std::move(pred), true, named);
  }

  // New value per record: f(value) or f(key, value) -> VR. Key unchanged, so
  // no repartitioning is needed afterwards.
  template <typename F>
  auto MapValues(F f, const Named& named = {}) const {
    static_assert(!internal::kTakesValueOutOfOptional<F, K, V>,
                  KSTREAMS_OPTIONAL_VALUES_MESSAGE);
    static_assert(internal::kValueCallable<F, K, V>,
                  "MapValues expects VR(V value) or VR(const K& key, V value)");
    using VR = typename internal::ValueCallResult<F, K, V>::type;
    std::string name = internal::NameFor(*data_, named, "KSTREAM-MAPVALUES-");
    internal::AddProcessorNode<K, V, K, VR>(*data_, name, {node_}, [name, f]() {
      return std::make_unique<internal::MapValuesNode<K, V, VR, F>>(name, f);
    });
    return KStream<K, VR>(data_, name, key_serde_, nullptr, repartition_required_);
  }

  // New key and value per record: f(key, value) -> KeyValue<KR, VR> (or
  // std::pair<KR, VR>). Marks the result for repartitioning.
  template <typename F>
  auto Map(F f, const Named& named = {}) const {
    static_assert(!internal::kTakesValueOutOfOptional<F, K, V>,
                  KSTREAMS_OPTIONAL_VALUES_MESSAGE);
    static_assert(std::is_invocable_v<F&, const K&, const V&>,
                  "Map expects KeyValue<KR, VR>(const K& key, const V& value) "
                  "(std::pair<KR, VR> also accepted)");
    using Result = std::remove_cvref_t<std::invoke_result_t<F&, const K&, const V&>>;
    using KR = typename internal::KeyValueParts<Result>::Key;
    using VR = typename internal::KeyValueParts<Result>::Value;
    std::string name = internal::NameFor(*data_, named, "KSTREAM-MAP-");
    internal::AddProcessorNode<K, V, KR, VR>(*data_, name, {node_}, [name, f]() {
      return std::make_unique<internal::MapNode<K, V, KR, VR, F>>(name, f);
    });
    return KStream<KR, VR>(data_, name, nullptr, nullptr, true);
  }

  // New key per record: f(key, value) -> KR. Marks the result for repartitioning.
  template <typename F>
  auto SelectKey(F f, const Named& named = {}) const {
    static_assert(!internal::kTakesValueOutOfOptional<F, K, V>,
                  KSTREAMS_OPTIONAL_VALUES_MESSAGE);
    static_assert(std::is_invocable_v<F&, const K&, const V&>,
                  "SelectKey expects KR(const K& key, const V& value)");
    using KR = std::remove_cvref_t<std::invoke_result_t<F&, const K&, const V&>>;
    std::string name = internal::NameFor(*data_, named, "KSTREAM-KEY-SELECT-");
    internal::AddProcessorNode<K, V, KR, V>(*data_, name, {node_}, [name, f]() {
      return std::make_unique<internal::SelectKeyNode<K, V, KR, F>>(name, f);
    });
    return KStream<KR, V>(data_, name, nullptr, value_serde_, true);
  }

  // Zero or more records per record: f(key, value) -> an iterable of
  // KeyValue<KR, VR> (or std::pair). Marks the result for repartitioning.
  template <typename F>
  auto FlatMap(F f, const Named& named = {}) const {
    static_assert(!internal::kTakesValueOutOfOptional<F, K, V>,
                  KSTREAMS_OPTIONAL_VALUES_MESSAGE);
    static_assert(std::is_invocable_v<F&, const K&, const V&>,
                  "FlatMap expects a callable (const K& key, const V& value) returning an "
                  "iterable (e.g. std::vector) of KeyValue<KR, VR>");
    using Iterable = std::remove_cvref_t<std::invoke_result_t<F&, const K&, const V&>>;
    using Item = std::remove_cvref_t<decltype(*std::begin(std::declval<Iterable&>()))>;
    using KR = typename internal::KeyValueParts<Item>::Key;
    using VR = typename internal::KeyValueParts<Item>::Value;
    std::string name = internal::NameFor(*data_, named, "KSTREAM-FLATMAP-");
    internal::AddProcessorNode<K, V, KR, VR>(*data_, name, {node_}, [name, f]() {
      return std::make_unique<internal::FlatMapNode<K, V, KR, VR, F>>(name, f);
    });
    return KStream<KR, VR>(data_, name, nullptr, nullptr, true);
  }

  // Zero or more values per record, same key: f(value) or f(key, value) ->
  // an iterable of VR.
  template <typename F>
  auto FlatMapValues(F f, const Named& named = {}) const {
    static_assert(!internal::kTakesValueOutOfOptional<F, K, V>,
                  KSTREAMS_OPTIONAL_VALUES_MESSAGE);
    static_assert(internal::kValueCallable<F, K, V>,
                  "FlatMapValues expects a callable (V value) or (const K& key, V value) "
                  "returning an iterable (e.g. std::vector) of VR");
    using Iterable = typename internal::ValueCallResult<F, K, V>::type;
    using VR = std::remove_cvref_t<decltype(*std::begin(std::declval<Iterable&>()))>;
    std::string name = internal::NameFor(*data_, named, "KSTREAM-FLATMAPVALUES-");
    internal::AddProcessorNode<K, V, K, VR>(*data_, name, {node_}, [name, f]() {
      return std::make_unique<internal::FlatMapValuesNode<K, V, VR, F>>(name, f);
    });
    return KStream<K, VR>(data_, name, key_serde_, nullptr, repartition_required_);
  }

  // Calls f(key, value) for each record and forwards it unchanged.
  template <typename F>
  KStream Peek(F f, const Named& named = {}) const {
    static_assert(!internal::kTakesValueOutOfOptional<F, K, V>,
                  KSTREAMS_OPTIONAL_VALUES_MESSAGE);
    static_assert(std::is_invocable_v<F&, const K&, const V&>,
                  "Peek expects void(const K& key, const V& value)");
    std::string name = internal::NameFor(*data_, named, "KSTREAM-PEEK-");
    internal::AddProcessorNode<K, V, K, V>(*data_, name, {node_}, [name, f]() {
      return std::make_unique<internal::PeekNode<K, V, F>>(name, f, true);
    });
    return KStream(data_, name, key_serde_, value_serde_, repartition_required_);
  }

  // Calls f(key, value) for each record; terminal.
  template <typename F>
  void Foreach(F f, const Named& named = {}) const {
    static_assert(!internal::kTakesValueOutOfOptional<F, K, V>,
                  KSTREAMS_OPTIONAL_VALUES_MESSAGE);
    static_assert(std::is_invocable_v<F&, const K&, const V&>,
                  "Foreach expects void(const K& key, const V& value)");
    std::string name = internal::NameFor(*data_, named, "KSTREAM-FOREACH-");
    internal::AddProcessorNode<K, V, K, V>(*data_, name, {node_}, [name, f]() {
      return std::make_unique<internal::PeekNode<K, V, F>>(name, f, false);
    });
  }

  // Splits the stream into branches by predicates (see branched_kstream.h).
  // `named` names the split node; branch names are built from it.
  BranchedKStream<K, V> Split(const Named& named = {}) const;

  // Writes each record as a line "[label]: key, value" to standard output or
  // a file (see printed.h); terminal.
  void Print(const Printed<K, V>& printed) const {
    internal::TopologyData& data = *data_;
    std::string name = internal::NameFor(data, printed.name(), "KSTREAM-PRINTER-");
    std::shared_ptr<internal::PrintSink> sink =
        printed.path() ? std::make_shared<internal::PrintSink>(*printed.path())
                       : std::make_shared<internal::PrintSink>();
    if (printed.path() && !(sink->is_file_open() && sink->ok())) {
      data.SetError(absl::InvalidArgumentError(::kstreams::internal::StrCat(
          "Print '", name, "': cannot open file '", *printed.path(), "' for writing")));
      return;
    }
    std::string label = printed.label() ? *printed.label() : name;
    internal::AddProcessorNode<K, V, K, V>(
        data, name, {node_}, [name, sink, label, mapper = printed.mapper()]() {
          return std::make_unique<internal::PrintNode<K, V>>(name, sink, label, mapper);
        });
  }

  // The records of this stream and `other`, interleaved as they arrive.
  KStream Merge(const KStream& other, const Named& named = {}) const {
    std::string name = internal::NameFor(*data_, named, "KSTREAM-MERGE-");
    internal::AddProcessorNode<K, V, K, V>(*data_, name, {node_, other.node_}, [name]() {
      return std::make_unique<internal::PassThroughNode<K, V>>(name);
    });
    return KStream(data_, name, key_serde_ ? key_serde_ : other.key_serde_,
                   value_serde_ ? value_serde_ : other.value_serde_,
                   repartition_required_ || other.repartition_required_);
  }

  // Writes every record to `topic`. Serdes: Produced's, else the stream's
  // known ones, else the types' defaults.
  // Partitions: Produced's partitioner, else windowed keys by their inner
  // key (Java's WindowedStreamPartitioner), else the key's murmur2 as Java's
  // producer does.
  void To(const std::string& topic, const Produced<K, V>& produced = {}) const {
    std::string name = internal::NameFor(*data_, produced.name(), "KSTREAM-SINK-");
    SerdePtr<K> key_serde = produced.key_serde() ? produced.key_serde() : key_serde_;
    auto partitioner = internal::SinkPartitioner<K, V>(produced.partitioner(), key_serde, topic);
    Topology(data_).AddSink<K, V>(name, topic, {node_}, std::move(key_serde),
                                  produced.value_serde() ? produced.value_serde() : value_serde_,
                                  std::move(partitioner));
  }
  // Writes each record to the topic `extractor(record)` names.
  void To(TopicNameExtractor<K, V> extractor, const Produced<K, V>& produced = {}) const {
    std::string name = internal::NameFor(*data_, produced.name(), "KSTREAM-SINK-");
    SerdePtr<K> key_serde = produced.key_serde() ? produced.key_serde() : key_serde_;
    auto partitioner = internal::SinkPartitioner<K, V>(produced.partitioner(), key_serde, "");
    Topology(data_).AddSink<K, V>(name, std::move(extractor), {node_}, std::move(key_serde),
                                  produced.value_serde() ? produced.value_serde() : value_serde_,
                                  std::move(partitioner));
  }

  // Sends the stream through an internal topic "<application.id>-<name>-repartition"
  // (name: Repartitioned's, else generated "KSTREAM-REPARTITION-<n>"), so that it is
  // partitioned by its current key.
  KStream Repartition(const Repartitioned<K, V>& repartitioned = {}) const {
    std::string base = internal::NameFor(*data_, repartitioned.name(), "KSTREAM-REPARTITION-");
    return ThroughRepartitionTopic(
        base, repartitioned.key_serde() ? repartitioned.key_serde() : key_serde_,
        repartitioned.value_serde() ? repartitioned.value_serde() : value_serde_,
        repartitioned.partitions(), repartitioned.partitioner());
  }

  // Runs a Processor API processor on each record. `supplier` returns a new
  // std::unique_ptr<Processor<K, V, KOut, VOut>> (or subclass) per call.
  // `stores` must have been added with StreamsBuilder::AddStateStore.
  // Marks the result for repartitioning (the processor may change keys).
  template <typename Supplier>
  auto Process(Supplier supplier, const Named& named = {},
               std::vector<std::string> stores = {}) const {
    using Made = std::invoke_result_t<Supplier&>;
    using Types = internal::ProcessorTypes<Made>;
    using KOut = typename Types::KeyOut;
    using VOut = typename Types::ValueOut;
    static_assert(std::is_same_v<typename Types::KeyIn, K> &&
                      std::is_same_v<typename Types::ValueIn, V>,
                  "Process expects a supplier of Processor<K, V, KOut, VOut> whose input "
                  "types are this stream's key and value types");
    std::string name = internal::NameFor(*data_, named, "KSTREAM-PROCESSOR-");
    internal::AddProcessorNode<K, V, KOut, VOut>(
        *data_, name, {node_},
        [name, supplier]() mutable {
          return std::make_unique<internal::ProcessorNode<K, V, KOut, VOut>>(name, supplier());
        },
        std::move(stores));
    return KStream<KOut, VOut>(data_, name, nullptr, nullptr, true);
  }

  // Runs a FixedKeyProcessor<K, V, VOut> on each record; keys cannot change,
  // so no repartitioning is needed afterwards.
  template <typename Supplier>
  auto ProcessValues(Supplier supplier, const Named& named = {},
                     std::vector<std::string> stores = {}) const {
    using Made = typename std::invoke_result_t<Supplier&>::element_type;
    using VOut = typename Made::ValueOutType;
    static_assert(std::is_same_v<typename Made::KeyType, K> &&
                      std::is_same_v<typename Made::ValueInType, V>,
                  "ProcessValues expects a supplier of FixedKeyProcessor<K, V, VOut> "
                  "matching this stream's key and value types");
    std::string name = internal::NameFor(*data_, named, "KSTREAM-PROCESSVALUES-");
    internal::AddProcessorNode<K, V, K, VOut>(
        *data_, name, {node_},
        [name, supplier]() mutable {
          return std::make_unique<internal::FixedKeyProcessorNode<K, V, VOut>>(name, supplier());
        },
        std::move(stores));
    return KStream<K, VOut>(data_, name, key_serde_, nullptr, repartition_required_);
  }

  // Groups by the current key for aggregation. If the key changed upstream,
  // the aggregation first repartitions through
  // "<application.id>-<grouped name or store name>-repartition".
  KGroupedStream<K, V> GroupByKey(const Grouped<K, V>& grouped = {}) const;
  // Groups by selector(key, value) -> KR (a new key: always repartitions).
  template <typename F, typename KR = std::remove_cvref_t<std::invoke_result_t<F&, const K&, const V&>>>
  KGroupedStream<KR, V> GroupBy(F selector, const Grouped<KR, V>& grouped = {}) const;
  // The stream as a table: the latest value per key (repartitions first if
  // the key changed upstream).
  KTable<K, V> ToTable(const Named& named = {}, const Materialized<K, V>& materialized = {}) const;
  KTable<K, V> ToTable(const Materialized<K, V>& materialized) const {
    return ToTable(Named(), materialized);
  }

  // KStream-KTable joins (Java's KStream#join / leftJoin with a KTable): each
  // record is joined with the table's current value for its key (the value
  // as of the record's timestamp when the table is versioned); table updates
  // produce no output. Output: the record's key and timestamp with
  // joiner(value, table_value) -> VR. Join drops records without a match;
  // LeftJoin calls joiner(value, std::nullopt) for them. A joiner may take
  // the key first. Records with a null value (and, in Join, a null key) are
  // dropped and counted. If the stream's key changed upstream it is first
  // repartitioned through "<Joined name or upstream node>-repartition". The
  // stream and the table must be co-partitioned (checked at startup).
  template <typename VT, typename J>
  auto Join(const KTable<K, VT>& table, J joiner, const Joined<K, V, VT>& joined = {}) const;
  template <typename VT, typename J>
  auto LeftJoin(const KTable<K, VT>& table, J joiner, const Joined<K, V, VT>& joined = {}) const;

  // KStream-KStream windowed joins (Java's KStream#join / leftJoin /
  // outerJoin with JoinWindows): a record joins every record of the other
  // stream with the same key whose timestamp lies in the window around its
  // own (see join_windows.h); output timestamp = the larger of the two. Both
  // sides are kept in window stores for the window plus grace. LeftJoin and
  // OuterJoin emit a record without a match (joiner with std::nullopt for the
  // missing side) only once its window has closed (Kafka Streams 3.1+: no
  // early, later-contradicted results). Joiners: Join VR(const V&, const
  // VO&); LeftJoin VR(const V&, const std::optional<VO>&); OuterJoin
  // VR(const std::optional<V>&, const std::optional<VO>&); each may take the
  // key first. Records with a null key or value are dropped (a null key with
  // a value is emitted at once as unmatched by the outer side). A side whose
  // key changed upstream is repartitioned first.
  template <typename VO, typename J>
  auto Join(const KStream<K, VO>& other, J joiner, const JoinWindows& windows,
            const StreamJoined<K, V, VO>& joined = {}) const;
  template <typename VO, typename J>
  auto LeftJoin(const KStream<K, VO>& other, J joiner, const JoinWindows& windows,
                const StreamJoined<K, V, VO>& joined = {}) const;
  template <typename VO, typename J>
  auto OuterJoin(const KStream<K, VO>& other, J joiner, const JoinWindows& windows,
                 const StreamJoined<K, V, VO>& joined = {}) const;

  // KStream-GlobalKTable joins: each record looks up
  // key_selector(key, value) -> KG in the global table, whose store every
  // instance holds whole, so neither side is repartitioned. Joiners as for
  // KTable joins; a null lookup key drops the record in Join and joins it
  // with "no match" in LeftJoin. Output: the stream record's key and
  // timestamp.
  template <typename KG, typename VG, typename Sel, typename J>
  auto Join(const GlobalKTable<KG, VG>& table, Sel key_selector, J joiner,
            const Named& named = {}) const;
  template <typename KG, typename VG, typename Sel, typename J>
  auto LeftJoin(const GlobalKTable<KG, VG>& table, Sel key_selector, J joiner,
                const Named& named = {}) const;

  // Library use.
  const std::string& node_name() const { return node_; }
  const SerdePtr<K>& key_serde() const { return key_serde_; }
  const SerdePtr<V>& value_serde() const { return value_serde_; }
  bool repartition_required() const { return repartition_required_; }
  const std::shared_ptr<internal::TopologyData>& data() const { return data_; }
  KStream(std::shared_ptr<internal::TopologyData> data, std::string node, SerdePtr<K> key_serde,
          SerdePtr<V> value_serde, bool repartition_required)
      : data_(std::move(data)),
        node_(std::move(node)),
        key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)),
        repartition_required_(repartition_required) {}

  // Adds filter -> sink -> topic "<base>-repartition" -> source, named as
  // Kafka Streams names them, and returns the stream read back from the topic.
  KStream ThroughRepartitionTopic(const std::string& base, SerdePtr<K> key_serde,
                                  SerdePtr<V> value_serde, std::optional<int32_t> partitions,
                                  StreamPartitioner<K, V> partitioner) const {
    internal::TopologyData& data = *data_;
    const std::string topic =
        base.ends_with(internal::kRepartitionTopicSuffix) ? base : internal::RepartitionTopicBase(base);
    // Generated names are always drawn, to keep the index counter as Java's.
    std::string sink = internal::GeneratedName(data, "KSTREAM-SINK-");
    std::string filter = internal::GeneratedName(data, "KSTREAM-FILTER-");
    std::string source = internal::GeneratedName(data, "KSTREAM-SOURCE-");
    if (!IsGeneratedName(base)) {
      sink = topic + "-sink";
      filter = topic + "-filter";
      source = topic + "-source";
    }
    data.AddInternalTopic({topic, partitions});
    internal::AddProcessorNode<K, V, K, V>(data, filter, {node_}, [filter]() {
      return std::make_unique<internal::PassThroughNode<K, V>>(filter);
    });
    Topology topology(data_);
    topology.AddSink<K, V>(sink, topic, {filter}, key_serde, value_serde, std::move(partitioner));
    topology.AddSource<K, V>(source, {topic}, SerdeOrDefault<K>(key_serde),
                             SerdeOrDefault<V>(value_serde));
    return KStream(data_, source, key_serde, value_serde, false);
  }

 private:
  template <typename Pred>
  KStream AddFilter(Pred pred, bool negate, const Named& named) const {
    std::string name = internal::NameFor(*data_, named, "KSTREAM-FILTER-");
    internal::AddProcessorNode<K, V, K, V>(*data_, name, {node_}, [name, pred, negate]() {
      return std::make_unique<internal::FilterNode<K, V, Pred>>(name, pred, negate);
    });
    return KStream(data_, name, key_serde_, value_serde_, repartition_required_);
  }

  template <bool kLeft, typename VT, typename J>
  auto StreamTableJoin(const KTable<K, VT>& table, J joiner, const Joined<K, V, VT>& joined) const;
  template <internal::JoinKind kKind, typename VO, typename J>
  auto StreamStreamJoin(const KStream<K, VO>& other, J joiner, const JoinWindows& windows,
                        const StreamJoined<K, V, VO>& joined) const;
  template <bool kLeft, typename KG, typename VG, typename Sel, typename J>
  auto GlobalTableJoin(const GlobalKTable<KG, VG>& table, Sel selector, J joiner,
                       const Named& named) const;

  // True for names like "KSTREAM-REPARTITION-0000000003" (Java: "KSTREAM.*-[0-9]{10}").
  static bool IsGeneratedName(std::string_view name) {
    if (!name.starts_with("KSTREAM") || name.size() < 11) return false;
    std::string_view tail = name.substr(name.size() - 11);
    if (tail[0] != '-') return false;
    for (char c : tail.substr(1)) {
      if (c < '0' || c > '9') return false;
    }
    return true;
  }

  std::shared_ptr<internal::TopologyData> data_;
  std::string node_;
  SerdePtr<K> key_serde_;    // nullptr: unknown, the type's default applies
  SerdePtr<V> value_serde_;  // nullptr: unknown, the type's default applies
  bool repartition_required_ = false;
};

}  // namespace kstreams

// KStream members that build other DSL types (Split, GroupBy, ToTable, the
// joins), and the types its operators return.
#include "kstreams/dsl/internal/kstream_inl.h"

#endif  // KSTREAMS_DSL_KSTREAM_H_
