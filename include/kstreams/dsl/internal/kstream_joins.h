// kstreams/dsl/internal/kstream_joins.h  (internal: not for users)
//
// Definitions of KStream's stream-stream joins (declared in kstream.h), as
// Kafka Streams' KStreamImplJoin builds them: per side a "windowed" node and
// a window store (KSTREAM-WINDOWED-, "<join-this name>-store"), per side a
// join node (KSTREAM-JOINTHIS- / -JOINOTHER-, KSTREAM-OUTERTHIS- /
// -OUTEROTHER- for outer sides), a KSTREAM-MERGE- node, and for left/outer
// joins the shared outer-join store (KSTREAM-OUTERSHARED-<n>-store).
#ifndef KSTREAMS_DSL_INTERNAL_KSTREAM_JOINS_H_
#define KSTREAMS_DSL_INTERNAL_KSTREAM_JOINS_H_

#include <memory>
#include <string>

#include "kstreams/dsl/internal/stream_join_nodes.h"
#include "kstreams/dsl/kstream.h"
#include "kstreams/state/stores.h"

namespace kstreams {

template <typename K, typename V>
template <internal::JoinKind kKind, typename VO, typename J>
auto KStream<K, V>::StreamStreamJoin(const KStream<K, VO>& other, J joiner,
                                     const JoinWindows& windows,
                                     const StreamJoined<K, V, VO>& joined) const {
  static_assert(internal::kKindJoinerCallable<kKind, J, K, V, VO>,
                "KStream::Join(KStream) expects VR(const V& value, const VO& other); LeftJoin "
                "VR(const V&, const std::optional<VO>&); OuterJoin VR(const std::optional<V>&, "
                "const std::optional<VO>&); each may take const K& key first");
  using VR = internal::KindJoinerResult<kKind, J, K, V, VO>;
  constexpr bool kLeftOuter = kKind != internal::JoinKind::kInner;
  constexpr bool kRightOuter = kKind == internal::JoinKind::kOuter;
  internal::TopologyData& data = *data_;
  const std::optional<std::string>& name = joined.name();
  SerdePtr<K> key_serde = SerdeOrDefault<K>(joined.key_serde() ? joined.key_serde()
                                            : key_serde_           ? key_serde_
                                                                   : other.key_serde());
  SerdePtr<V> left_serde =
      SerdeOrDefault<V>(joined.value_serde() ? joined.value_serde() : value_serde_);
  SerdePtr<VO> right_serde = SerdeOrDefault<VO>(
      joined.other_value_serde() ? joined.other_value_serde() : other.value_serde());
  if (!windows.valid()) {
    data.SetError(absl::InvalidArgumentError(
        "JoinWindows: before + after must not be negative, nor the grace period"));
    return KStream<K, VR>(data_, node_, key_serde, nullptr, false);
  }
  if (!key_serde || !left_serde || !right_serde) {
    data.SetError(absl::InvalidArgumentError(internal::StrCat(
        "stream-stream join of '", node_, "' and '", other.node_name(),
        "' needs serdes for its window stores; pass them with StreamJoined::With")));
    return KStream<K, VR>(data_, node_, key_serde, nullptr, false);
  }
  KStream<K, V> left = *this;
  KStream<K, VO> right = other;
  if (repartition_required_) {
    left = ThroughRepartitionTopic(name ? *name + "-left" : node_, key_serde, left_serde,
                                   std::nullopt, nullptr);
  }
  if (other.repartition_required()) {
    right = other.ThroughRepartitionTopic(name ? *name + "-right" : other.node_name(), key_serde,
                                          right_serde, std::nullopt, nullptr);
  }
  data.AddCopartitionGroup({left.node_name(), right.node_name()});

  // Java's naming order.
  auto named = [&](const char* suffix, const char* prefix) {
    return name ? *name + suffix : internal::GeneratedName(data, prefix);
  };
  const std::string this_windowed = named("-this-windowed", "KSTREAM-WINDOWED-");
  const std::string other_windowed = named("-other-windowed", "KSTREAM-WINDOWED-");
  const std::string this_generated =
      internal::GeneratedName(data, kRightOuter ? "KSTREAM-OUTERTHIS-" : "KSTREAM-JOINTHIS-");
  const std::string other_generated =
      internal::GeneratedName(data, kLeftOuter ? "KSTREAM-OUTEROTHER-" : "KSTREAM-JOINOTHER-");
  const char* this_suffix = kRightOuter ? "-outer-this-join" : "-this-join";
  const char* other_suffix = kLeftOuter ? "-outer-other-join" : "-other-join";
  const std::string this_join = name ? *name + this_suffix : this_generated;
  const std::string other_join = name ? *name + other_suffix : other_generated;
  const std::string merge = named("-merge", "KSTREAM-MERGE-");
  const std::string& store_base = joined.store_name() ? *joined.store_name() : std::string();
  const std::string this_store =
      (joined.store_name() ? store_base + this_suffix : this_generated) + "-store";
  const std::string other_store =
      (joined.store_name() ? store_base + other_suffix : other_generated) + "-store";

  auto spec = std::make_shared<internal::StreamJoinSpec<K, V, VO>>();
  spec->key_serde = key_serde;
  spec->left_serde = left_serde;
  spec->right_serde = right_serde;
  spec->windows_before_ms = windows.before_ms();
  spec->windows_after_ms = windows.after_ms();
  spec->grace_ms = windows.grace_ms();

  Topology topology(data_);
  const std::chrono::milliseconds retention(windows.size() + windows.grace_ms());
  const std::chrono::milliseconds size(windows.size());
  auto add_window_store = [&]<typename VT>(const std::string& store,
                                           const SerdePtr<VT>& value_serde) {
    auto builder = Stores::WindowStoreBuilder<K, VT>(
        Stores::PersistentWindowStore(store, retention, size, /*retain_duplicates=*/true),
        key_serde, value_serde);
    if (joined.logging_enabled()) {
      builder.WithLoggingEnabled(joined.log_config());
    } else {
      builder.WithLoggingDisabled();
    }
    topology.AddStateStore(std::move(builder));
  };
  add_window_store(this_store, left_serde);
  add_window_store(other_store, right_serde);
  std::vector<std::string> outer_stores;
  if (kLeftOuter) {
    const std::string outer_base =
        joined.store_name()
            ? store_base + "-outer-shared-join"
            : "KSTREAM-OUTERSHARED-" +
                  this_generated.substr(std::string_view(kRightOuter ? "KSTREAM-OUTERTHIS-"
                                                                     : "KSTREAM-JOINTHIS-")
                                            .size());
    spec->outer_store = outer_base + "-store";
    auto builder = Stores::KeyValueStoreBuilder<std::string, std::string>(
        Stores::PersistentKeyValueStore(*spec->outer_store), serdes::String(), serdes::String());
    if (joined.logging_enabled()) {
      builder.WithLoggingEnabled(joined.log_config());
    } else {
      builder.WithLoggingDisabled();
    }
    topology.AddStateStore(std::move(builder));
    outer_stores.push_back(*spec->outer_store);
  }

  internal::AddProcessorNode<K, V, K, V>(
      data, this_windowed, {left.node_name()},
      [this_windowed, this_store]() {
        return std::make_unique<internal::StreamJoinWindowNode<K, V>>(this_windowed, this_store);
      },
      {this_store});
  internal::AddProcessorNode<K, VO, K, VO>(
      data, other_windowed, {right.node_name()},
      [other_windowed, other_store]() {
        return std::make_unique<internal::StreamJoinWindowNode<K, VO>>(other_windowed,
                                                                       other_store);
      },
      {other_store});
  std::vector<std::string> this_stores{other_store};
  this_stores.insert(this_stores.end(), outer_stores.begin(), outer_stores.end());
  std::vector<std::string> other_stores{this_store};
  other_stores.insert(other_stores.end(), outer_stores.begin(), outer_stores.end());
  std::shared_ptr<const internal::StreamJoinSpec<K, V, VO>> shared = spec;
  internal::AddProcessorNode<K, V, K, VR>(
      data, this_join, {this_windowed},
      [this_join, other_store, shared, joiner]() {
        return std::make_unique<internal::StreamStreamJoinNode<K, V, VO, VR, J, kKind, true>>(
            this_join, other_store, shared, joiner);
      },
      this_stores);
  internal::AddProcessorNode<K, VO, K, VR>(
      data, other_join, {other_windowed},
      [other_join, this_store, shared, joiner]() {
        return std::make_unique<internal::StreamStreamJoinNode<K, V, VO, VR, J, kKind, false>>(
            other_join, this_store, shared, joiner);
      },
      other_stores);
  internal::AddProcessorNode<K, VR, K, VR>(data, merge, {this_join, other_join}, [merge]() {
    return std::make_unique<internal::PassThroughNode<K, VR>>(merge);
  });
  return KStream<K, VR>(data_, merge, key_serde, nullptr, false);
}

template <typename K, typename V>
template <typename VO, typename J>
auto KStream<K, V>::Join(const KStream<K, VO>& other, J joiner, const JoinWindows& windows,
                         const StreamJoined<K, V, VO>& joined) const {
  return StreamStreamJoin<internal::JoinKind::kInner>(other, std::move(joiner), windows, joined);
}
template <typename K, typename V>
template <typename VO, typename J>
auto KStream<K, V>::LeftJoin(const KStream<K, VO>& other, J joiner, const JoinWindows& windows,
                             const StreamJoined<K, V, VO>& joined) const {
  return StreamStreamJoin<internal::JoinKind::kLeft>(other, std::move(joiner), windows, joined);
}
template <typename K, typename V>
template <typename VO, typename J>
auto KStream<K, V>::OuterJoin(const KStream<K, VO>& other, J joiner, const JoinWindows& windows,
                              const StreamJoined<K, V, VO>& joined) const {
  return StreamStreamJoin<internal::JoinKind::kOuter>(other, std::move(joiner), windows, joined);
}

}  // namespace kstreams

#endif  // KSTREAMS_DSL_INTERNAL_KSTREAM_JOINS_H_
