// kstreams/dsl/cogrouped_kstream.h
//
// CogroupedKStream<K, VA>: several grouped streams aggregated into one table
// (Java's CogroupedKStream). Made by KGroupedStream::Cogroup; each input
// record is folded into its key's aggregate by its own stream's aggregator;
// all inputs share one store and one output. WindowedBy makes the windowed
// forms (time_windowed_cogrouped_kstream.h, session_windowed_cogrouped_kstream.h).
//
// Thread-compatible: build from one thread.
#ifndef KSTREAMS_DSL_COGROUPED_KSTREAM_H_
#define KSTREAMS_DSL_COGROUPED_KSTREAM_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "kstreams/dsl/change.h"
#include "kstreams/dsl/grouped.h"
#include "kstreams/dsl/internal/dsl_forward.h"
#include "kstreams/dsl/internal/fk_join_nodes.h"
#include "kstreams/dsl/internal/graph.h"
#include "kstreams/dsl/internal/join_nodes.h"
#include "kstreams/dsl/internal/stateless_nodes.h"
#include "kstreams/dsl/internal/table_nodes.h"
#include "kstreams/dsl/internal/table_support.h"
#include "kstreams/dsl/internal/window_nodes.h"
#include "kstreams/dsl/materialized.h"
#include "kstreams/dsl/named.h"
#include "kstreams/dsl/suppressed.h"
#include "kstreams/dsl/table_joined.h"
#include "kstreams/dsl/windows.h"
#include "kstreams/internal/topic_names.h"

namespace kstreams {

// Several grouped streams aggregated into one table (Java's
// CogroupedKStream): each input record is folded into its key's aggregate by
// its own stream's aggregator; all share one store and one output.
//
// Example:
//   auto totals = clicks.GroupByKey().Cogroup<int64_t>(add_click)
//                     .Cogroup(purchases.GroupByKey(), add_purchase)
//                     .Aggregate([] { return int64_t{0}; });
template <typename K, typename VA>
class CogroupedKStream {
 public:
  // Adds another grouped stream with its aggregator(key, value, aggregate) -> VA.
  template <typename V, typename Agg>
  CogroupedKStream& Cogroup(const KGroupedStream<K, V>& grouped, Agg aggregator) {
    static_assert(std::is_invocable_r_v<VA, Agg&, const K&, V&&, const VA&>,
                  "Cogroup expects an aggregator VA(const K& key, V value, const VA& aggregate)");
    Input input;
    input.source = [grouped](const std::string& store) {
      return grouped.SourceForAggregation(store);
    };
    input.add = [grouped, aggregator](const std::string& source, const std::string& store,
                                      const std::string& name, std::function<VA()> init,
                                      std::shared_ptr<const bool> send_old,
                                      const internal::WindowingSpec& windowing,
                                      const Merger& merger) {
      if (windowing.kind == internal::WindowingSpec::Kind::kNone) {
        internal::AddProcessorNode<K, V, K, Change<VA>>(
            *grouped.data(), name, {source},
            [name, store, init, aggregator, send_old]() {
              return std::make_unique<
                  internal::StreamAggregateNode<K, V, VA, std::function<VA()>, Agg>>(
                  name, store, send_old, init, aggregator);
            },
            {store});
        return;
      }
      internal::AddProcessorNode<K, V, Windowed<K>, Change<VA>>(
          *grouped.data(), name, {source},
          [name, store, init, aggregator, send_old, windowing, merger]() {
            return internal::NewWindowAggregateNode<K, V, VA, std::function<VA()>, Agg, Merger>(
                name, store, send_old, windowing, init, aggregator, merger);
          },
          {store});
    };
    inputs_.push_back(std::move(input));
    return *this;
  }

  // The aggregate per key, starting from initializer() -> VA.
  template <typename Init>
  KTable<K, VA> Aggregate(Init initializer, const Named& named = {},
                          const Materialized<K, VA>& materialized = {}) const {
    static_assert(std::is_invocable_r_v<VA, Init&>, "Aggregate expects an initializer VA()");
    std::string store = internal::AddTableStore<K, VA>(
        data_, materialized, "COGROUPKSTREAM-AGGREGATE-STATE-STORE-", key_serde_, nullptr);
    auto origin = std::make_shared<internal::TableOrigin>();
    origin->materialized = true;
    return Build<K>(std::function<VA()>(std::move(initializer)), named, store, {}, nullptr,
                    materialized.key_serde() ? materialized.key_serde() : key_serde_,
                    materialized.value_serde(), origin);
  }
  template <typename Init>
  KTable<K, VA> Aggregate(Init initializer, const Materialized<K, VA>& materialized) const {
    return Aggregate(std::move(initializer), Named(), materialized);
  }

  // Windows the cogrouped aggregation (see windowed_kstream.h).
  TimeWindowedCogroupedKStream<K, VA> WindowedBy(const TimeWindows& windows) const;
  TimeWindowedCogroupedKStream<K, VA> WindowedBy(const SlidingWindows& windows) const;
  TimeWindowedCogroupedKStream<K, VA> WindowedBy(const UnlimitedWindows& windows) const;
  SessionWindowedCogroupedKStream<K, VA> WindowedBy(const SessionWindows& windows) const;

  // Library use.
  using Merger = std::function<VA(const K&, const VA&, const VA&)>;
  CogroupedKStream(std::shared_ptr<internal::TopologyData> data, SerdePtr<K> key_serde)
      : data_(std::move(data)), key_serde_(std::move(key_serde)) {}
  const std::shared_ptr<internal::TopologyData>& data() const { return data_; }
  const SerdePtr<K>& key_serde() const { return key_serde_; }
  // Adds every input's aggregation node (repartitions first, then nodes, as
  // Java's CogroupedStreamAggregateBuilder draws names) over `store` and the
  // merge node; returns the table. KOut is K, or Windowed<K> when windowed.
  template <typename KOut>
  KTable<KOut, VA> Build(std::function<VA()> init, const Named& named, const std::string& store,
                         const internal::WindowingSpec& windowing, const Merger& merger,
                         SerdePtr<KOut> key_serde, SerdePtr<VA> value_serde,
                         std::shared_ptr<internal::TableOrigin> origin) const {
    internal::TopologyData& data = *data_;
    std::vector<std::string> sources;
    for (const Input& input : inputs_) sources.push_back(input.source(store));
    std::vector<std::string> parents;
    for (size_t i = 0; i < inputs_.size(); ++i) {
      std::string name =
          named.name() ? internal::StrCat(*named.name(), "-cogroup-agg-", i)
                       : internal::GeneratedName(data, "COGROUPKSTREAM-AGGREGATE-");
      inputs_[i].add(sources[i], store, name, init, origin->send_old_values, windowing, merger);
      parents.push_back(name);
    }
    std::string merge = named.name() ? *named.name() + "-cogroup-merge"
                                     : internal::GeneratedName(data, "COGROUPKSTREAM-MERGE-");
    internal::AddProcessorNode<KOut, Change<VA>, KOut, Change<VA>>(data, merge, parents,
                                                                  [merge]() {
      return std::make_unique<internal::PassThroughNode<KOut, Change<VA>>>(merge);
    });
    return KTable<KOut, VA>(data_, merge, std::move(key_serde), std::move(value_serde), store,
                            std::move(origin));
  }

 private:
  struct Input {
    // The node the input's aggregation reads (a repartition source if needed).
    std::function<std::string(const std::string& store)> source;
    std::function<void(const std::string& source, const std::string& store,
                       const std::string& name, std::function<VA()> init,
                       std::shared_ptr<const bool> send_old,
                       const internal::WindowingSpec& windowing, const Merger& merger)>
        add;
  };
  std::shared_ptr<internal::TopologyData> data_;
  SerdePtr<K> key_serde_;
  std::vector<Input> inputs_;
};

}  // namespace kstreams

// CogroupedKStream::WindowedBy, and the types its operators return.
#include "kstreams/dsl/internal/cogrouped_kstream_inl.h"

#endif  // KSTREAMS_DSL_COGROUPED_KSTREAM_H_
