// kstreams/dsl/internal/window_support.h  (internal: not for users)
//
// The stores of windowed aggregations, made from Materialized as Java's
// WindowStoreMaterializer / SlidingWindowStoreMaterializer /
// SessionStoreMaterializer make them: a generated or given name, a RocksDB
// (or in-memory) store whose retention defaults to the shortest that keeps
// every open window, and a clear topology error naming the store when a
// given retention is shorter.
#ifndef KSTREAMS_DSL_INTERNAL_WINDOW_SUPPORT_H_
#define KSTREAMS_DSL_INTERNAL_WINDOW_SUPPORT_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "kstreams/dsl/internal/graph.h"
#include "kstreams/dsl/internal/table_support.h"
#include "kstreams/dsl/materialized.h"
#include "kstreams/processor/topology.h"
#include "kstreams/state/stores.h"

namespace kstreams::internal {

// What a windowed store must keep: at least `min_retention` ms, explained
// by `rule` and `got` in the error (Java's wording).
struct RetentionRule {
  int64_t min_retention = 0;
  std::string rule;  // "its window size plus the grace period"
  std::string got;   // "size=[60000], grace=[0]"
};

// The retention to use, or nullopt after recording why it is too short.
template <typename K, typename VA>
std::optional<int64_t> ResolveRetention(TopologyData& data, const std::string& name,
                                        const char* store_kind,
                                        const Materialized<K, VA>& materialized,
                                        const RetentionRule& rule) {
  const int64_t retention = materialized.retention().value_or(rule.min_retention);
  if (retention >= rule.min_retention) return retention;
  data.SetError(absl::InvalidArgumentError(StrCat(
      "The retention period of the ", store_kind, " store ", name, " must be no smaller than ",
      rule.rule, ". Got ", rule.got, ", retention=[", retention, "]")));
  return std::nullopt;
}

// Adds the timestamped window store of a time- or sliding-windowed
// aggregation; returns its name.
template <typename K, typename VA>
std::string AddWindowStore(const std::shared_ptr<TopologyData>& data_ptr,
                           const Materialized<K, VA>& materialized,
                           std::string_view generated_prefix, SerdePtr<K> key_serde,
                           SerdePtr<VA> value_serde, int64_t window_size,
                           const RetentionRule& rule, bool caching_allowed) {
  TopologyData& data = *data_ptr;
  std::string name = NameFor(data, materialized.store_name(), generated_prefix);
  if (!ResolveStoreSerdes(data, name, materialized, key_serde, value_serde)) return name;
  if (materialized.supplier() || materialized.session_supplier()) {
    data.SetError(absl::InvalidArgumentError(StrCat(
        "state store '", name, "' of a windowed aggregation needs a window store supplier "
        "(Stores::PersistentWindowStore / InMemoryWindowStore)")));
    return name;
  }
  WindowBytesStoreSupplierPtr supplier = materialized.window_supplier();
  if (!supplier) {
    std::optional<int64_t> retention = ResolveRetention(data, name, "window", materialized, rule);
    if (!retention) return name;
    const std::chrono::milliseconds keep(*retention), size(window_size);
    supplier = materialized.store_type() == StoreType::kInMemory
                   ? Stores::InMemoryWindowStore(name, keep, size, false)
                   : Stores::PersistentTimestampedWindowStore(name, keep, size, false);
  }
  AddBuiltStore(data_ptr,
                Stores::TimestampedWindowStoreBuilder<K, VA>(supplier, key_serde, value_serde),
                materialized, caching_allowed);
  return name;
}

// Adds the session store of a session-windowed aggregation; returns its name.
template <typename K, typename VA>
std::string AddSessionStore(const std::shared_ptr<TopologyData>& data_ptr,
                            const Materialized<K, VA>& materialized,
                            std::string_view generated_prefix, SerdePtr<K> key_serde,
                            SerdePtr<VA> value_serde, const RetentionRule& rule) {
  TopologyData& data = *data_ptr;
  std::string name = NameFor(data, materialized.store_name(), generated_prefix);
  if (!ResolveStoreSerdes(data, name, materialized, key_serde, value_serde)) return name;
  if (materialized.supplier() || materialized.window_supplier()) {
    data.SetError(absl::InvalidArgumentError(StrCat(
        "state store '", name, "' of a session-windowed aggregation needs a session store "
        "supplier (Stores::PersistentSessionStore / InMemorySessionStore)")));
    return name;
  }
  SessionBytesStoreSupplierPtr supplier = materialized.session_supplier();
  if (!supplier) {
    std::optional<int64_t> retention =
        ResolveRetention(data, name, "session", materialized, rule);
    if (!retention) return name;
    const std::chrono::milliseconds keep(*retention);
    supplier = materialized.store_type() == StoreType::kInMemory
                   ? Stores::InMemorySessionStore(name, keep)
                   : Stores::PersistentSessionStore(name, keep);
  }
  AddBuiltStore(data_ptr, Stores::SessionStoreBuilder<K, VA>(supplier, key_serde, value_serde),
                materialized, /*caching_allowed=*/true);
  return name;
}

}  // namespace kstreams::internal

#endif  // KSTREAMS_DSL_INTERNAL_WINDOW_SUPPORT_H_
