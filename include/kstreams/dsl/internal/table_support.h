// kstreams/dsl/internal/table_support.h  (internal: not for users)
//
// Building blocks the table DSL shares: store creation from Materialized
// and the "send old values" switch of a table's node chain.
#ifndef KSTREAMS_DSL_INTERNAL_TABLE_SUPPORT_H_
#define KSTREAMS_DSL_INTERNAL_TABLE_SUPPORT_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kstreams/dsl/internal/graph.h"
#include "kstreams/dsl/materialized.h"
#include "kstreams/processor/topology.h"
#include "kstreams/state/stores.h"

namespace kstreams::internal {

// One KTable node's view of old-value propagation (Java's
// enableSendingOldValues): downstream operators that subtract (table
// aggregations) turn it on; a node without a store must then get old values
// from its parent, recursively.
//
// A KTable-KTable join result has both input tables as `join_parents`: its
// join nodes compute old results from old inputs, so they always need old
// values from both sides (Java's KTableKTableJoinMerger).
struct TableOrigin {
  std::shared_ptr<bool> send_old_values = std::make_shared<bool>(false);
  bool materialized = false;
  std::shared_ptr<TableOrigin> parent;
  // Set on the table a windowed aggregation makes: how long after a
  // window's end its result can still change (grace; for sessions grace +
  // inactivity gap). Suppressed::UntilWindowCloses waits this long.
  std::optional<int64_t> window_close_delay_ms;
  std::vector<std::shared_ptr<TableOrigin>> join_parents;
};

// The window close delay of the nearest windowed aggregation upstream
// (Java's GraphGraceSearchUtil), if any.
inline std::optional<int64_t> WindowCloseDelay(const TableOrigin* origin) {
  for (; origin != nullptr; origin = origin->parent.get()) {
    if (origin->window_close_delay_ms) return origin->window_close_delay_ms;
  }
  return std::nullopt;
}

inline void EnableSendingOldValues(TableOrigin& origin) {
  *origin.send_old_values = true;
  if (!origin.materialized && origin.parent) EnableSendingOldValues(*origin.parent);
  for (const auto& p : origin.join_parents) EnableSendingOldValues(*p);
}

// True when `materialized` asks for a versioned store.
template <typename K, typename V>
bool IsVersioned(const Materialized<K, V>& materialized) {
  return dynamic_cast<const VersionedBytesStoreSupplier*>(materialized.supplier().get()) != nullptr;
}

// Serdes of a store: Materialized's, else the stream's, else the
// type's default; records the error and returns false when one is missing.
template <typename K, typename VA>
bool ResolveStoreSerdes(TopologyData& data, const std::string& name,
                        const Materialized<K, VA>& materialized, SerdePtr<K>& key_serde,
                        SerdePtr<VA>& value_serde) {
  key_serde = materialized.key_serde() ? materialized.key_serde()
                                       : SerdeOrDefault<K>(std::move(key_serde));
  value_serde = materialized.value_serde() ? materialized.value_serde()
                                           : SerdeOrDefault<VA>(std::move(value_serde));
  if (key_serde && value_serde) return true;
  data.SetError(absl::InvalidArgumentError(StrCat(
      "state store '", name, "' needs a ", key_serde ? "value" : "key", " serde for ",
      key_serde ? TypeName<VA>() : TypeName<K>(),
      ", which has no default; pass one with Materialized::With")));
  return false;
}

// Adds the store `builder` makes with Materialized's caching and logging.
template <typename Builder, typename K, typename VA>
void AddBuiltStore(const std::shared_ptr<TopologyData>& data_ptr, Builder builder,
                   const Materialized<K, VA>& materialized, bool caching_allowed) {
  if (materialized.caching_enabled() && caching_allowed) {
    builder.WithCachingEnabled();
  } else {
    builder.WithCachingDisabled();
  }
  if (materialized.logging_enabled()) {
    builder.WithLoggingEnabled(materialized.log_config());
  } else {
    builder.WithLoggingDisabled();
  }
  Topology(data_ptr).AddStateStore(std::move(builder));
}

// Adds the timestamped store a table node keeps, named by `materialized` or
// generated as "<prefix><index>" (Java's generated store names). Returns the
// store name; records a topology error when a serde is missing. A versioned
// supplier makes a versioned store where `allow_versioned` (table sources),
// and is an error elsewhere.
template <typename K, typename V>
std::string AddTableStore(const std::shared_ptr<TopologyData>& data_ptr,
                          const Materialized<K, V>& materialized,
                          std::string_view generated_prefix, SerdePtr<K> key_serde,
                          SerdePtr<V> value_serde, bool allow_versioned = false) {
  TopologyData& data = *data_ptr;
  std::string name = NameFor(data, materialized.store_name(), generated_prefix);
  if (!ResolveStoreSerdes(data, name, materialized, key_serde, value_serde)) return name;
  KeyValueBytesStoreSupplierPtr supplier = materialized.supplier();
  if (!supplier) {
    supplier = materialized.store_type() == StoreType::kInMemory
                   ? Stores::InMemoryKeyValueStore(name)
                   : Stores::PersistentKeyValueStore(name);
  }
  if (IsVersioned(materialized)) {
    if (!allow_versioned) {
      data.SetError(absl::InvalidArgumentError(StrCat(
          "state store '", name, "': versioned stores are supported for source tables "
          "(StreamsBuilder::Table, KStream::ToTable) only")));
      return name;
    }
    // No caching layer on versioned stores (as in Java).
    auto builder = Stores::VersionedKeyValueStoreBuilder<K, V>(
        std::dynamic_pointer_cast<const VersionedBytesStoreSupplier>(supplier), key_serde,
        value_serde);
    if (materialized.logging_enabled()) {
      builder.WithLoggingEnabled(materialized.log_config());
    } else {
      builder.WithLoggingDisabled();
    }
    Topology(data_ptr).AddStateStore(std::move(builder));
    return name;
  }
  AddBuiltStore(data_ptr,
                Stores::TimestampedKeyValueStoreBuilder<K, V>(supplier, key_serde, value_serde),
                materialized, /*caching_allowed=*/true);
  return name;
}

}  // namespace kstreams::internal

#endif  // KSTREAMS_DSL_INTERNAL_TABLE_SUPPORT_H_
