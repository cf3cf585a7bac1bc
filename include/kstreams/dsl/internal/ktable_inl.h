// kstreams/dsl/internal/ktable_inl.h  (internal: not for users)
//
// The members of KTable (ktable.h) that build other DSL types: GroupBy
// (a KGroupedTable) and Suppress (the suppression buffer and its node).
// ktable.h includes it at its end; it brings every type KTable's operators
// return.
#ifndef KSTREAMS_DSL_INTERNAL_KTABLE_INL_H_
#define KSTREAMS_DSL_INTERNAL_KTABLE_INL_H_

#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "kstreams/dsl/internal/suppress_node.h"
#include "kstreams/dsl/internal/table_nodes.h"
#include "kstreams/dsl/internal/table_support.h"
#include "kstreams/dsl/kgrouped_table.h"
#include "kstreams/dsl/kstream.h"
#include "kstreams/dsl/ktable.h"
#include "kstreams/dsl/suppressed.h"

namespace kstreams {

template <typename K, typename V>
template <typename F>
auto KTable<K, V>::GroupBy(
    F selector,
    const Grouped<typename internal::KeyValueParts<
                      std::remove_cvref_t<std::invoke_result_t<F&, const K&, const V&>>>::Key,
                  typename internal::KeyValueParts<
                      std::remove_cvref_t<std::invoke_result_t<F&, const K&, const V&>>>::Value>&
        grouped) const {
  using Result = std::remove_cvref_t<std::invoke_result_t<F&, const K&, const V&>>;
  using KR = typename internal::KeyValueParts<Result>::Key;
  using VR = typename internal::KeyValueParts<Result>::Value;
  EnableSendingOldValues();
  std::string name = internal::NameFor(*data_, grouped.name(), "KTABLE-SELECT-");
  internal::AddProcessorNode<K, Change<V>, KR, Change<VR>>(*data_, name, {node_}, [name, selector]() {
    return std::make_unique<internal::TableRepartitionMapNode<K, V, KR, VR, F>>(name, selector);
  });
  return KGroupedTable<KR, VR>(data_, name, grouped.name(), grouped.key_serde(),
                               grouped.value_serde());
}

// ---------------------------------------------------------------------------
// KTable::Suppress.

template <typename K, typename V>
KTable<K, V> KTable<K, V>::Suppress(const Suppressed& suppressed) const {
  internal::TopologyData& data = *data_;
  const BufferConfig& buffer = suppressed.buffer_config();
  internal::SuppressSpec spec;
  spec.max_records = buffer.max_records();
  spec.max_bytes = buffer.max_bytes();
  spec.shut_down_when_full = buffer.full_strategy() == BufferConfig::FullStrategy::kShutDown;
  std::string name = internal::NameFor(data, suppressed.name(), "KTABLE-SUPPRESS-");
  if (suppressed.until_window_closes()) {
    std::optional<int64_t> delay = internal::WindowCloseDelay(origin_.get());
    if (!internal::IsWindowed<K>::value || !delay) {
      data.SetError(absl::InvalidArgumentError(internal::StrCat(
          "Suppress '", name, "': Suppressed::UntilWindowCloses needs the table of a windowed "
          "aggregation upstream (window close time is only defined for windows)")));
    }
    if (!spec.shut_down_when_full) {
      data.SetError(absl::InvalidArgumentError(internal::StrCat(
          "Suppress '", name, "': Suppressed::UntilWindowCloses needs a buffer that never "
          "emits early: BufferConfig::Unbounded() or a bound with ShutDownWhenFull()")));
    }
    spec.wait_ms = delay.value_or(0);
    spec.window_end_time = true;
    spec.safe_to_drop_tombstones = true;
  } else {
    spec.wait_ms = suppressed.time_to_wait_ms();
    if (spec.wait_ms < 0) {
      data.SetError(absl::InvalidArgumentError(internal::StrCat(
          "Suppress '", name, "': the time limit must not be negative, got ", spec.wait_ms,
          " ms")));
    }
  }
  std::string store = suppressed.name()
                          ? *suppressed.name() + "-store"
                          : internal::GeneratedName(data, "KTABLE-SUPPRESS-STATE-STORE-");
  SerdePtr<K> key_serde = SerdeOrDefault<K>(key_serde_);
  SerdePtr<V> value_serde = SerdeOrDefault<V>(value_serde_);
  if (!key_serde || !value_serde) {
    data.SetError(absl::InvalidArgumentError(internal::StrCat(
        "suppression buffer '", store, "' needs a ", key_serde ? "value" : "key",
        " serde for ", key_serde ? TypeName<V>() : TypeName<K>(),
        ", which has no default; give the table one (Materialized::With)")));
  }
  // The buffer keeps the value downstream last saw for each key: the old values.
  EnableSendingOldValues();
  internal::SuppressionBufferBuilder buffer_builder(store);
  if (buffer.logging_enabled()) {
    buffer_builder.WithLoggingEnabled(buffer.log_config());
  } else {
    buffer_builder.WithLoggingDisabled();
  }
  internal::AddProcessorNode<K, Change<V>, K, Change<V>>(
      data, name, {node_}, [name, store, spec, key_serde, value_serde]() {
        return std::make_unique<internal::SuppressNode<K, V>>(name, store, spec, key_serde,
                                                              value_serde);
      });
  Topology(data_).AddStateStore(std::move(buffer_builder), {name});
  auto origin = Child(false);
  return KTable(data_, name, key_serde_, value_serde_, std::nullopt, origin);
}

}  // namespace kstreams

#endif  // KSTREAMS_DSL_INTERNAL_KTABLE_INL_H_
