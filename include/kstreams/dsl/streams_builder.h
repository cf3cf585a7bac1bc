// kstreams/dsl/streams_builder.h
//
// StreamsBuilder: the entry point of the DSL. Stream() reads topics into a
// KStream; operators on the returned handles add nodes; Build() returns the
// Topology to run. Errors in building (a missing serde, a duplicate name)
// are kept in the topology's status() and reported when it is run.
//
// Thread-compatible.
//
// Example:
//
//   kstreams::StreamsBuilder builder;
//   builder.Stream<std::string, std::string>("input")
//       .MapValues([](std::string v) { return v + "!"; })
//       .To("output");
//   kstreams::Topology topology = builder.Build();
#ifndef KSTREAMS_DSL_STREAMS_BUILDER_H_
#define KSTREAMS_DSL_STREAMS_BUILDER_H_

#include <memory>
#include <string>
#include <vector>

#include "kstreams/dsl/consumed.h"
#include "kstreams/dsl/global_ktable.h"
#include "kstreams/dsl/kstream.h"
#include "kstreams/processor/topology.h"
#include "kstreams/state/internal/synchronized_key_value_store.h"

namespace kstreams {

class StreamsBuilder {
 public:
  StreamsBuilder() : data_(std::make_shared<internal::TopologyData>()) {}

  // A stream of the records of `topic` (or several topics, or every topic
  // matching a pattern). Serdes: Consumed's, else the types' defaults.
  template <typename K, typename V>
  KStream<K, V> Stream(const std::string& topic, const Consumed<K, V>& consumed = {}) {
    return Stream<K, V>(std::vector<std::string>{topic}, consumed);
  }
  template <typename K, typename V>
  KStream<K, V> Stream(std::vector<std::string> topics, const Consumed<K, V>& consumed = {}) {
    std::string name = internal::NameFor(*data_, consumed.name(), "KSTREAM-SOURCE-");
    Topology(data_).AddSource<K, V>(name, std::move(topics), consumed.key_serde(),
                                    consumed.value_serde(), consumed.timestamp_extractor());
    return KStream<K, V>(data_, name, consumed.key_serde(), consumed.value_serde(), false);
  }
  template <typename K, typename V>
  KStream<K, V> Stream(const TopicPattern& pattern, const Consumed<K, V>& consumed = {}) {
    std::string name = internal::NameFor(*data_, consumed.name(), "KSTREAM-SOURCE-");
    Topology(data_).AddSource<K, V>(name, pattern, consumed.key_serde(), consumed.value_serde(),
                                    consumed.timestamp_extractor());
    return KStream<K, V>(data_, name, consumed.key_serde(), consumed.value_serde(), false);
  }

  // A table of the latest value per key of `topic` (a null value deletes the
  // key). Always materialized in a timestamped store: named by
  // Materialized::As, else "<topic>-STATE-STORE-<n>". Serdes: Materialized's,
  // else Consumed's, else the types' defaults.
  template <typename K, typename V>
  KTable<K, V> Table(const std::string& topic, const Consumed<K, V>& consumed = {},
                     const Materialized<K, V>& materialized = {}) {
    SerdePtr<K> key_serde = materialized.key_serde() ? materialized.key_serde() : consumed.key_serde();
    SerdePtr<V> value_serde =
        materialized.value_serde() ? materialized.value_serde() : consumed.value_serde();
    std::string store = internal::AddTableStore<K, V>(data_, materialized, topic + "-STATE-STORE-",
                                                      key_serde, value_serde,
                                                      /*allow_versioned=*/true);
    std::string source = internal::NameFor(*data_, consumed.name(), "KSTREAM-SOURCE-");
    std::string table_source = consumed.name() ? *consumed.name() + "-table-source"
                                               : internal::GeneratedName(*data_, "KTABLE-SOURCE-");
    SerdePtr<V> value_or_default = SerdeOrDefault<V>(value_serde);
    Topology(data_).AddSource<K, std::optional<V>>(
        source, {topic}, SerdeOrDefault<K>(key_serde),
        value_or_default ? serdes::Optional<V>(value_or_default) : nullptr,
        consumed.timestamp_extractor());
    auto origin = std::make_shared<internal::TableOrigin>();
    origin->materialized = true;
    internal::AddProcessorNode<K, std::optional<V>, K, Change<V>>(
        *data_, table_source, {source},
        [table_source, store, send_old = origin->send_old_values]() {
          return std::make_unique<internal::TableSourceNode<K, V, std::optional<V>>>(
              table_source, store, send_old);
        },
        {store});
    return KTable<K, V>(data_, table_source, key_serde, value_serde, materialized.store_name(),
                        origin,
                        internal::StoreGetterSupplier<K, V>(store, internal::IsVersioned(materialized)));
  }
  template <typename K, typename V>
  KTable<K, V> Table(const std::string& topic, const Materialized<K, V>& materialized) {
    return Table<K, V>(topic, Consumed<K, V>(), materialized);
  }

  // A table of `topic` replicated whole into every instance (see
  // global_ktable.h). Store: Materialized's name and supplier, else
  // "<topic>-STATE-STORE-<n>" in RocksDB; never cached or change-logged.
  template <typename K, typename V>
  GlobalKTable<K, V> GlobalTable(const std::string& topic, const Consumed<K, V>& consumed = {},
                                 const Materialized<K, V>& materialized = {}) {
    SerdePtr<K> key_serde = SerdeOrDefault<K>(materialized.key_serde() ? materialized.key_serde()
                                                                       : consumed.key_serde());
    SerdePtr<V> value_serde = SerdeOrDefault<V>(
        materialized.value_serde() ? materialized.value_serde() : consumed.value_serde());
    std::string store = internal::NameFor(*data_, materialized.store_name(), topic + "-STATE-STORE-");
    std::string source = internal::NameFor(*data_, consumed.name(), "KSTREAM-SOURCE-");
    std::string table_source = consumed.name() ? *consumed.name() + "-table-source"
                                               : internal::GeneratedName(*data_, "KTABLE-SOURCE-");
    if (!key_serde || !value_serde) {
      data_->SetError(absl::InvalidArgumentError(internal::StrCat(
          "global table of '", topic, "' needs a ", key_serde ? "value" : "key",
          " serde, which has no default; pass one with Consumed::With")));
      return GlobalKTable<K, V>(data_, store, nullptr);
    }
    if (internal::IsVersioned(materialized)) {
      data_->SetError(absl::InvalidArgumentError(internal::StrCat(
          "global table of '", topic, "': versioned stores are not supported for global tables")));
      return GlobalKTable<K, V>(data_, store, nullptr);
    }
    KeyValueBytesStoreSupplierPtr supplier = materialized.supplier();
    if (!supplier) supplier = Stores::PersistentKeyValueStore(store);
    Topology topology(data_);
    topology.AddStateStore(internal::GlobalStoreBuilder<K, V>(
        store, [supplier] { return supplier->Get(); }, key_serde,
        std::make_shared<ValueAndTimestampSerde<V>>(value_serde)));
    topology.AddSource<K, std::optional<V>>(source, {topic}, key_serde,
                                            serdes::Optional<V>(value_serde),
                                            consumed.timestamp_extractor());
    auto send_old = std::make_shared<const bool>(false);
    internal::AddProcessorNode<K, std::optional<V>, K, Change<V>>(
        *data_, table_source, {source},
        [table_source, store, send_old]() {
          return std::make_unique<internal::TableSourceNode<K, V, std::optional<V>>>(
              table_source, store, send_old);
        },
        {store});
    data_->MarkGlobal(source);
    data_->MarkGlobal(table_source);
    return GlobalKTable<K, V>(data_, store, internal::StoreGetterSupplier<K, V>(store, false));
  }
  template <typename K, typename V>
  GlobalKTable<K, V> GlobalTable(const std::string& topic, const Materialized<K, V>& materialized) {
    return GlobalTable<K, V>(topic, Consumed<K, V>(), materialized);
  }

  // Adds a store for processors added later with KStream::Process /
  // ProcessValues (which name it in their `stores` argument).
  template <typename StoreBuilder>
  StreamsBuilder& AddStateStore(StoreBuilder builder) {
    Topology(data_).AddStateStore(std::move(builder));
    return *this;
  }

  // The topology built so far. The builder may be used further; later
  // additions show in topologies built later.
  Topology Build() const { return Topology(data_); }

  // Library use.
  const std::shared_ptr<internal::TopologyData>& data() const { return data_; }

 private:
  std::shared_ptr<internal::TopologyData> data_;
};

}  // namespace kstreams

#endif  // KSTREAMS_DSL_STREAMS_BUILDER_H_
