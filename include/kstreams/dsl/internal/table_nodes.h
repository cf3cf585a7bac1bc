// kstreams/dsl/internal/table_nodes.h  (internal: not for users)
//
// The nodes behind KTable operators and aggregations. Table nodes forward
// Record<K, Change<V>>. A node with a store forwards through the store's
// record cache when the store has one (the cache's flush listener forwards
// the latest value per key at commit or eviction, as Kafka Streams'
// TimestampedTupleForwarder), else forwards every update itself.
//
// Semantics follow Kafka Streams' KTableSource, KTableFilter,
// KTableMapValues, KTableRepartitionMap, KTableAggregate, KTableReduce,
// KStreamAggregate and KStreamReduce processors.
//
// Thread-compatible: a node instance belongs to one task.
#ifndef KSTREAMS_DSL_INTERNAL_TABLE_NODES_H_
#define KSTREAMS_DSL_INTERNAL_TABLE_NODES_H_

#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "kstreams/dsl/change.h"
#include "kstreams/dsl/internal/stateless_nodes.h"
#include "kstreams/dsl/internal/value_getters.h"
#include "kstreams/processor/internal/node.h"
#include "kstreams/state/internal/metered_key_value_store.h"
#include "kstreams/state/timestamped_key_value_store.h"
#include "kstreams/state/value_and_timestamp.h"

namespace kstreams::internal {

template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};

// True for keys an aggregation must skip (Kafka null keys).
template <typename K>
bool IsNullKey(const K& key) {
  if constexpr (IsOptional<K>::value) {
    return !key.has_value();
  } else if constexpr (std::is_same_v<K, Void>) {
    return true;
  } else {
    (void)key;
    return false;
  }
}

template <typename K, typename V>
TimestampedKeyValueStore<K, V>* GetTimestampedStore(TaskContext& task, const std::string& node,
                                                   const std::string& store_name) {
  auto* store = dynamic_cast<TimestampedKeyValueStore<K, V>*>(task.GetStateStore(store_name));
  if (store == nullptr) {
    throw NodeError(node, absl::InternalError(StrCat("store '", store_name,
                                                     "' is missing or of the wrong type")));
  }
  return store;
}

// Forwards a table node's updates, through the store's cache when it has one.
template <typename K, typename V>
class TableForwarder {
 public:
  // `store` may be nullptr (a node without a store forwards directly).
  void Init(StateStore* store, const Downstream<K, Change<V>>* downstream, bool send_old_values) {
    downstream_ = downstream;
    send_old_values_ = send_old_values;
    auto* cached = dynamic_cast<CachedStateStore<K, ValueAndTimestamp<V>>*>(store);
    if (cached == nullptr) return;
    cached_ = cached->SetFlushListener(
        [this](const K& key, std::optional<ValueAndTimestamp<V>> new_value,
               std::optional<ValueAndTimestamp<V>> old_value, int64_t timestamp) {
          Change<V> change;
          if (new_value) change.new_value = std::move(*new_value).value();
          if (send_old_values_ && old_value) change.old_value = std::move(*old_value).value();
          downstream_->Forward(Record<K, Change<V>>(key, std::move(change), timestamp));
        },
        send_old_values);
  }
  void MaybeForward(Record<K, Change<V>>&& record) {
    if (!cached_) downstream_->Forward(std::move(record));
  }

 private:
  const Downstream<K, Change<V>>* downstream_ = nullptr;
  bool send_old_values_ = false;
  bool cached_ = false;
};

// Materializes a changelog-like stream (a table's source topic, or
// KStream::ToTable): VIn is std::optional<V> (a null value deletes) or V.
// With a versioned store (Java's KTableSource over a versioned store), an
// update older than the key's latest version is forwarded with
// is_latest = false, and one older than the history retention is dropped.
template <typename K, typename V, typename VIn>
class TableSourceNode final : public Node<K, VIn, K, Change<V>> {
 public:
  TableSourceNode(std::string name, std::string store, std::shared_ptr<const bool> send_old)
      : Node<K, VIn, K, Change<V>>(std::move(name)), store_name_(std::move(store)),
        send_old_(std::move(send_old)) {}

  absl::Status Init(TaskContext& task) override {
    task_ = &task;
    store_.Init(task, this->name(), store_name_);
    forwarder_.Init(store_.base(), &this->downstream_, *send_old_);
    return absl::OkStatus();
  }

  void Process(Record<K, VIn>&& r) override {
    if (IsNullKey(r.key())) {
      task_->RecordDropped(this->name(), "null key in a table update");
      return;
    }
    std::optional<V> value = std::move(r.value());
    std::optional<ValueAndTimestamp<V>> old = store_.Get(r.key());
    const int64_t code = store_.Put(r.key(), value, r.timestamp());
    if (code == TableStoreRef<K, V>::kNotPut) {
      task_->RecordDropped(this->name(),
                           "table update older than the versioned store's history retention");
      return;
    }
    Change<V> change{std::move(value), std::nullopt};
    change.is_latest = code == TableStoreRef<K, V>::kIsLatest;
    if (*send_old_ && old) change.old_value = std::move(*old).value();
    forwarder_.MaybeForward(std::move(r).WithValue(std::move(change)));
  }

 private:
  std::string store_name_;
  std::shared_ptr<const bool> send_old_;
  TaskContext* task_ = nullptr;
  TableStoreRef<K, V> store_;
  TableForwarder<K, V> forwarder_;
};

// Shared by Filter and MapValues: an optional store of the results.
template <typename K, typename V>
class OptionalTableStore {
 public:
  explicit OptionalTableStore(std::optional<std::string> name) : name_(std::move(name)) {}
  void Init(TaskContext& task, const std::string& node,
            const Downstream<K, Change<V>>* downstream, bool send_old) {
    if (name_) store_ = GetTimestampedStore<K, V>(task, node, *name_);
    forwarder_.Init(store_, downstream, send_old);
  }
  bool materialized() const { return store_ != nullptr; }
  std::optional<V> Get(const K& key) {
    std::optional<ValueAndTimestamp<V>> v = store_->Get(key);
    if (!v) return std::nullopt;
    return std::move(*v).value();
  }
  // Stores (when materialized) and forwards.
  void Update(Record<K, Change<V>>&& r) {
    if (store_ != nullptr) {
      if (r.value().new_value) {
        store_->Put(r.key(), ValueAndTimestamp<V>(*r.value().new_value, r.timestamp()));
      } else {
        store_->Delete(r.key());
      }
    }
    forwarder_.MaybeForward(std::move(r));
  }

 private:
  std::optional<std::string> name_;
  TimestampedKeyValueStore<K, V>* store_ = nullptr;
  TableForwarder<K, V> forwarder_;
};

template <typename K, typename V, typename Pred>
class TableFilterNode final : public Node<K, Change<V>, K, Change<V>> {
 public:
  TableFilterNode(std::string name, Pred pred, bool negate, std::optional<std::string> store,
                  std::shared_ptr<const bool> send_old)
      : Node<K, Change<V>, K, Change<V>>(std::move(name)), pred_(std::move(pred)),
        negate_(negate), store_(std::move(store)), send_old_(std::move(send_old)) {}

  absl::Status Init(TaskContext& task) override {
    store_.Init(task, this->name(), &this->downstream_, *send_old_);
    return absl::OkStatus();
  }

  void Process(Record<K, Change<V>>&& r) override {
    std::optional<V> new_value = Keep(r.key(), std::move(r.value().new_value));
    std::optional<V> old_value;
    if (*send_old_) {
      old_value = store_.materialized() ? store_.Get(r.key())
                                        : Keep(r.key(), std::move(r.value().old_value));
    }
    // Nothing passed before or now: downstream already knows the key is absent.
    if (*send_old_ && !old_value && !new_value) return;
    Change<V> out{std::move(new_value), std::move(old_value)};
    out.is_latest = r.value().is_latest;
    store_.Update(std::move(r).WithValue(std::move(out)));
  }

 private:
  std::optional<V> Keep(const K& key, std::optional<V> v) {
    if (v && static_cast<bool>(pred_(key, *v)) != negate_) return v;
    return std::nullopt;
  }
  Pred pred_;
  bool negate_;
  OptionalTableStore<K, V> store_;
  std::shared_ptr<const bool> send_old_;
};

template <typename K, typename V, typename VR, typename F>
class TableMapValuesNode final : public Node<K, Change<V>, K, Change<VR>> {
 public:
  TableMapValuesNode(std::string name, F f, std::optional<std::string> store,
                     std::shared_ptr<const bool> send_old)
      : Node<K, Change<V>, K, Change<VR>>(std::move(name)), f_(std::move(f)),
        store_(std::move(store)), send_old_(std::move(send_old)) {}

  absl::Status Init(TaskContext& task) override {
    store_.Init(task, this->name(), &this->downstream_, *send_old_);
    return absl::OkStatus();
  }

  void Process(Record<K, Change<V>>&& r) override {
    Change<VR> out;
    out.is_latest = r.value().is_latest;
    if (r.value().new_value) out.new_value = Apply(r.key(), std::move(*r.value().new_value));
    if (*send_old_) {
      if (store_.materialized()) {
        out.old_value = store_.Get(r.key());
      } else if (r.value().old_value) {
        out.old_value = Apply(r.key(), std::move(*r.value().old_value));
      }
    }
    store_.Update(std::move(r).WithValue(std::move(out)));
  }

 private:
  VR Apply(const K& key, V&& v) {
    if constexpr (std::is_invocable_v<F&, const K&, V&&>) {
      return f_(key, std::move(v));
    } else {
      return f_(std::move(v));
    }
  }
  F f_;
  OptionalTableStore<K, VR> store_;
  std::shared_ptr<const bool> send_old_;
};

// KTable::ToStream: the new value of each update (std::nullopt for deletes).
template <typename K, typename V>
class TableToStreamNode final : public Node<K, Change<V>, K, std::optional<V>> {
 public:
  using Node<K, Change<V>, K, std::optional<V>>::Node;
  void Process(Record<K, Change<V>>&& r) override {
    std::optional<V> v = std::move(r.value().new_value);
    this->downstream_.Forward(std::move(r).WithValue(std::move(v)));
  }
};

// KTable::GroupBy: sends the old value to its old group (to be subtracted)
// and the new value to its new group (to be added); one record when both
// groups are the same.
template <typename K, typename V, typename KR, typename VR, typename F>
class TableRepartitionMapNode final : public Node<K, Change<V>, KR, Change<VR>> {
 public:
  TableRepartitionMapNode(std::string name, F f)
      : Node<K, Change<V>, KR, Change<VR>>(std::move(name)), f_(std::move(f)) {}
  void Process(Record<K, Change<V>>&& r) override {
    std::optional<KeyValue<KR, VR>> new_pair, old_pair;
    if (r.value().new_value) new_pair = Select(r.key(), *r.value().new_value);
    if (r.value().old_value) old_pair = Select(r.key(), *r.value().old_value);
    const int64_t ts = r.timestamp();
    if (old_pair && new_pair && old_pair->key == new_pair->key) {
      this->downstream_.Forward(Record<KR, Change<VR>>(
          std::move(new_pair->key),
          Change<VR>{std::move(new_pair->value), std::move(old_pair->value)}, ts, r.headers()));
      return;
    }
    if (old_pair) {
      this->downstream_.Forward(Record<KR, Change<VR>>(
          std::move(old_pair->key), Change<VR>{std::nullopt, std::move(old_pair->value)}, ts,
          r.headers()));
    }
    if (new_pair) {
      this->downstream_.Forward(Record<KR, Change<VR>>(
          std::move(new_pair->key), Change<VR>{std::move(new_pair->value), std::nullopt}, ts,
          r.headers()));
    }
  }

 private:
  KeyValue<KR, VR> Select(const K& key, const V& value) {
    auto kv = f_(key, value);
    using Parts = KeyValueParts<decltype(kv)>;
    return KeyValue<KR, VR>{Parts::KeyOf(kv), Parts::ValueOf(kv)};
  }
  F f_;
};

// Base of the stateful aggregation nodes: the store and the forwarder.
template <typename KIn, typename VIn, typename K, typename VA>
class AggregateNodeBase : public Node<KIn, VIn, K, Change<VA>> {
 public:
  AggregateNodeBase(std::string name, std::string store, std::shared_ptr<const bool> send_old)
      : Node<KIn, VIn, K, Change<VA>>(std::move(name)), store_name_(std::move(store)),
        send_old_(std::move(send_old)) {}

  absl::Status Init(TaskContext& task) override {
    task_ = &task;
    store_ = GetTimestampedStore<K, VA>(task, this->name(), store_name_);
    forwarder_.Init(store_, &this->downstream_, *send_old_);
    return absl::OkStatus();
  }

 protected:
  // Stores `new_agg` (nullopt deletes) and forwards the change.
  void PutAndForward(Record<KIn, VIn>&& r, std::optional<VA> new_agg, std::optional<VA> old_agg,
                     int64_t timestamp) {
    if (new_agg) {
      store_->Put(r.key(), ValueAndTimestamp<VA>(*new_agg, timestamp));
    } else {
      store_->Delete(r.key());
    }
    if (!*send_old_) old_agg.reset();
    forwarder_.MaybeForward(Record<K, Change<VA>>(
        std::move(r).key(), Change<VA>{std::move(new_agg), std::move(old_agg)}, timestamp));
  }
  bool SkipNullKey(const K& key) {
    if (!IsNullKey(key)) return false;
    task_->RecordDropped(this->name(), "null key in an aggregation");
    return true;
  }
  // Stream aggregations (Count, Reduce, Aggregate, cogroup inputs) ignore
  // records with a null value, as Kafka Streams' KStreamAggregate and
  // KStreamReduce do ("records with null key or value are ignored").
  template <typename V>
  bool SkipNullKeyOrValue(const K& key, const V& value) {
    if (SkipNullKey(key)) return true;
    if (!IsNullKey(value)) return false;
    task_->RecordDropped(this->name(), "null value in an aggregation");
    return true;
  }

  std::string store_name_;
  std::shared_ptr<const bool> send_old_;
  TaskContext* task_ = nullptr;
  TimestampedKeyValueStore<K, VA>* store_ = nullptr;
  TableForwarder<K, VA> forwarder_;
};

// KGroupedStream::Aggregate / Count, and each input of a cogroup.
template <typename K, typename V, typename VA, typename Init, typename Agg>
class StreamAggregateNode final : public AggregateNodeBase<K, V, K, VA> {
 public:
  StreamAggregateNode(std::string name, std::string store, std::shared_ptr<const bool> send_old,
                      Init init, Agg agg)
      : AggregateNodeBase<K, V, K, VA>(std::move(name), std::move(store), std::move(send_old)),
        init_(std::move(init)), agg_(std::move(agg)) {}

  void Process(Record<K, V>&& r) override {
    if (this->SkipNullKeyOrValue(r.key(), r.value())) return;
    std::optional<ValueAndTimestamp<VA>> old = this->store_->Get(r.key());
    // As Kafka Streams: the first update's old value is the initializer's.
    VA old_agg = old ? old->value() : init_();
    int64_t ts = old ? std::max(r.timestamp(), old->timestamp()) : r.timestamp();
    VA new_agg = agg_(r.key(), std::move(r.value()), old_agg);
    this->PutAndForward(std::move(r), std::move(new_agg), std::move(old_agg), ts);
  }

 private:
  Init init_;
  Agg agg_;
};

// KGroupedStream::Reduce.
template <typename K, typename V, typename Red>
class StreamReduceNode final : public AggregateNodeBase<K, V, K, V> {
 public:
  StreamReduceNode(std::string name, std::string store, std::shared_ptr<const bool> send_old,
                   Red red)
      : AggregateNodeBase<K, V, K, V>(std::move(name), std::move(store), std::move(send_old)),
        red_(std::move(red)) {}

  void Process(Record<K, V>&& r) override {
    if (this->SkipNullKeyOrValue(r.key(), r.value())) return;
    std::optional<ValueAndTimestamp<V>> old = this->store_->Get(r.key());
    std::optional<V> old_agg;
    int64_t ts = r.timestamp();
    V new_agg = [&] {
      if (!old) return std::move(r.value());
      ts = std::max(r.timestamp(), old->timestamp());
      old_agg = old->value();
      return red_(*old_agg, std::move(r.value()));
    }();
    this->PutAndForward(std::move(r), std::move(new_agg), std::move(old_agg), ts);
  }

 private:
  Red red_;
};

// KGroupedTable::Aggregate / Count / Reduce: subtract the old value, then
// add the new one. `Init` returns the initial aggregate; for Reduce (no
// initializer) the first value becomes the aggregate.
template <typename K, typename V, typename VA, typename Init, typename Add, typename Sub>
class TableAggregateNode final : public AggregateNodeBase<K, Change<V>, K, VA> {
 public:
  TableAggregateNode(std::string name, std::string store, std::shared_ptr<const bool> send_old,
                     Init init, Add add, Sub sub)
      : AggregateNodeBase<K, Change<V>, K, VA>(std::move(name), std::move(store),
                                               std::move(send_old)),
        init_(std::move(init)), add_(std::move(add)), sub_(std::move(sub)) {}

  void Process(Record<K, Change<V>>&& r) override {
    if (this->SkipNullKey(r.key())) return;
    std::optional<ValueAndTimestamp<VA>> old = this->store_->Get(r.key());
    std::optional<VA> old_agg;
    if (old) old_agg = old->value();
    int64_t ts = r.timestamp();
    std::optional<VA> agg = old_agg;
    if (r.value().old_value && agg) {
      agg = sub_(r.key(), std::move(*r.value().old_value), std::move(*agg));
      ts = std::max(r.timestamp(), old->timestamp());
    }
    if (r.value().new_value) {
      if (agg) {
        agg = add_(r.key(), std::move(*r.value().new_value), std::move(*agg));
      } else if constexpr (std::is_same_v<Init, std::nullptr_t>) {
        agg = std::move(*r.value().new_value);  // Reduce: the first value
      } else {
        agg = add_(r.key(), std::move(*r.value().new_value), init_());
      }
      if (old) ts = std::max(r.timestamp(), old->timestamp());
    }
    this->PutAndForward(std::move(r), std::move(agg), std::move(old_agg), ts);
  }

 private:
  Init init_;
  Add add_;
  Sub sub_;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_DSL_INTERNAL_TABLE_NODES_H_
