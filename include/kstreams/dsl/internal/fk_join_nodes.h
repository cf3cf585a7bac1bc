// kstreams/dsl/internal/fk_join_nodes.h  (internal: not for users)
//
// The nodes of a foreign-key KTable join, as Kafka Streams builds it:
//
//   left table ── SubscriptionSend ──> subscription topic (key: foreign key)
//     ──> SubscriptionReceive (subscription store: CombinedKey -> wrapper)
//     ──> SubscriptionJoin (looks up the right table) ──┐
//   right table ── ForeignTableJoin (prefix-scans the    ├─> response topic
//                  subscriptions of the updated key) ────┘   (key: primary key)
//     ──> ResponseJoin (drops responses whose hash is not the current left
//         value's, joins) ──> result table source.
//
// Semantics of SubscriptionSendProcessorSupplier, SubscriptionReceive-,
// SubscriptionJoin-, ForeignTableJoin- and ResponseJoinProcessorSupplier.
//
// Thread-compatible: node instances belong to one task.
#ifndef KSTREAMS_DSL_INTERNAL_FK_JOIN_NODES_H_
#define KSTREAMS_DSL_INTERNAL_FK_JOIN_NODES_H_

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "kstreams/dsl/change.h"
#include "kstreams/dsl/internal/fk_join_wire.h"
#include "kstreams/dsl/internal/join_nodes.h"
#include "kstreams/processor/internal/node.h"
#include "kstreams/state/timestamped_key_value_store.h"

namespace kstreams::internal {

// Serializes with `serde` or throws NodeError naming `node`.
template <typename T>
std::string SerializeOrThrow(const SerdePtr<T>& serde, std::string_view topic, const T& value,
                             const std::string& node) {
  std::string out;
  absl::Status s = serde->Serialize(topic, value, out);
  if (!s.ok()) throw NodeError(node, s);
  return out;
}

// The foreign key of a left value: extractor(value) or extractor(key,
// value), returning KO or std::optional<KO> (nullopt: no foreign key).
template <typename F, typename K, typename V, typename KO>
std::optional<KO> ExtractForeignKey(F& extractor, const K& key, const V& value) {
  auto fk = [&]() {
    if constexpr (std::is_invocable_v<F&, const K&, const V&>) {
      return extractor(key, value);
    } else {
      return extractor(value);
    }
  }();
  if constexpr (IsOptional<decltype(fk)>::value && !IsOptional<KO>::value) {
    return fk;
  } else {
    if (IsNullKey(fk)) return std::nullopt;
    return std::optional<KO>(std::move(fk));
  }
}

template <typename K, typename V, typename KO, typename F>
class FkSubscriptionSendNode final : public Node<K, Change<V>, KO, SubscriptionWrapper<K>> {
 public:
  FkSubscriptionSendNode(std::string name, F extractor, SerdePtr<V> value_serde,
                         SerdePtr<KO> fk_serde, std::string topic, bool left_join)
      : Node<K, Change<V>, KO, SubscriptionWrapper<K>>(std::move(name)),
        extractor_(std::move(extractor)), value_serde_(std::move(value_serde)),
        fk_serde_(std::move(fk_serde)), topic_(std::move(topic)), left_join_(left_join) {}

  absl::Status Init(TaskContext& task) override {
    task_ = &task;
    return absl::OkStatus();
  }

  void Process(Record<K, Change<V>>&& r) override {
    if (!r.value().is_latest) {
      task_->RecordDropped(this->name(), "out-of-order update of a versioned table in a "
                                         "foreign-key join");
      return;
    }
    const std::optional<V>& new_value = r.value().new_value;
    const std::optional<V>& old_value = r.value().old_value;
    std::optional<Hash128> hash;
    if (new_value) {
      hash = Murmur3Hash128(SerializeOrThrow(value_serde_, topic_, *new_value, this->name()));
    }
    const RecordMetadata* meta = task_->record_metadata();
    const int32_t partition = meta != nullptr ? meta->partition : task_->task_id().partition;
    auto send = [&](const KO& fk, SubscriptionInstruction instruction) {
      this->downstream_.Forward(Record<KO, SubscriptionWrapper<K>>(
          fk, SubscriptionWrapper<K>{hash, instruction, r.key(), partition, 1}, r.timestamp(),
          r.headers()));
    };
    if (old_value) {
      std::optional<KO> old_fk = ExtractForeignKey<F, K, V, KO>(extractor_, r.key(), *old_value);
      if (!old_fk) return SkipNullForeignKey();
      if (!new_value) {
        // A delete: remove the subscription and propagate the delete.
        send(*old_fk, SubscriptionInstruction::kDeleteKeyAndPropagate);
        return;
      }
      std::optional<KO> new_fk = ExtractForeignKey<F, K, V, KO>(extractor_, r.key(), *new_value);
      if (!new_fk) return SkipNullForeignKey();
      if (SerializeOrThrow(fk_serde_, topic_, *old_fk, this->name()) !=
          SerializeOrThrow(fk_serde_, topic_, *new_fk, this->name())) {
        // A new foreign key: unsubscribe from the old one.
        send(*old_fk, SubscriptionInstruction::kDeleteKeyNoPropagate);
      }
      // Null if there is no match, to unset the previous result (inner and left).
      send(*new_fk, SubscriptionInstruction::kPropagateNullIfNoFkValAvailable);
    } else if (new_value) {
      std::optional<KO> new_fk = ExtractForeignKey<F, K, V, KO>(extractor_, r.key(), *new_value);
      if (!new_fk) return SkipNullForeignKey();
      send(*new_fk, left_join_ ? SubscriptionInstruction::kPropagateNullIfNoFkValAvailable
                               : SubscriptionInstruction::kPropagateOnlyIfFkValAvailable);
    }
  }

 private:
  void SkipNullForeignKey() {
    task_->RecordDropped(this->name(), "null foreign key in a foreign-key join");
  }
  F extractor_;
  SerdePtr<V> value_serde_;
  SerdePtr<KO> fk_serde_;
  std::string topic_;
  bool left_join_;
  TaskContext* task_ = nullptr;
};

// Keeps the subscriptions of the foreign keys this task owns.
template <typename KO, typename K>
class FkSubscriptionReceiveNode final
    : public Node<KO, SubscriptionWrapper<K>, KO, SubscriptionWrapper<K>> {
 public:
  FkSubscriptionReceiveNode(std::string name, std::string store, SerdePtr<KO> fk_serde,
                            SerdePtr<K> pk_serde, std::string topic)
      : Node<KO, SubscriptionWrapper<K>, KO, SubscriptionWrapper<K>>(std::move(name)),
        store_name_(std::move(store)), fk_serde_(std::move(fk_serde)),
        pk_serde_(std::move(pk_serde)), topic_(std::move(topic)) {}
  absl::Status Init(TaskContext& task) override {
    task_ = &task;
    store_ = GetTimestampedStore<std::string, SubscriptionWrapper<K>>(task, this->name(),
                                                                      store_name_);
    return absl::OkStatus();
  }
  void Process(Record<KO, SubscriptionWrapper<K>>&& r) override {
    if (IsNullKey(r.key())) {
      task_->RecordDropped(this->name(), "null foreign key in a subscription");
      return;
    }
    std::string key = CombinedKeyPrefix(SerializeOrThrow(fk_serde_, topic_, r.key(), this->name()));
    key += SerializeOrThrow(pk_serde_, topic_, r.value().primary_key, this->name());
    const SubscriptionInstruction inst = r.value().instruction;
    if (inst == SubscriptionInstruction::kDeleteKeyAndPropagate ||
        inst == SubscriptionInstruction::kDeleteKeyNoPropagate) {
      store_->Delete(key);
    } else {
      store_->Put(key, ValueAndTimestamp<SubscriptionWrapper<K>>(r.value(), r.timestamp()));
    }
    this->downstream_.Forward(std::move(r));
  }

 private:
  std::string store_name_;
  SerdePtr<KO> fk_serde_;
  SerdePtr<K> pk_serde_;
  std::string topic_;
  TaskContext* task_ = nullptr;
  TimestampedKeyValueStore<std::string, SubscriptionWrapper<K>>* store_ = nullptr;
};

// Answers a new subscription with the right table's current value.
template <typename KO, typename VO, typename K>
class FkSubscriptionJoinNode final
    : public Node<KO, SubscriptionWrapper<K>, K, SubscriptionResponseWrapper<VO>> {
 public:
  FkSubscriptionJoinNode(std::string name, ValueGetterSupplierPtr<KO, VO> foreign)
      : Node<KO, SubscriptionWrapper<K>, K, SubscriptionResponseWrapper<VO>>(std::move(name)),
        foreign_supplier_(std::move(foreign)) {}
  absl::Status Init(TaskContext& task) override {
    foreign_ = foreign_supplier_->make();
    foreign_->Init(task, this->name());
    return absl::OkStatus();
  }
  void Process(Record<KO, SubscriptionWrapper<K>>&& r) override {
    const SubscriptionWrapper<K>& w = r.value();
    std::optional<ValueAndTimestamp<VO>> found = foreign_->Get(r.key());
    const int64_t ts = found ? std::max(r.timestamp(), found->timestamp()) : r.timestamp();
    std::optional<VO> value;
    if (found) value = std::move(*found).value();
    switch (w.instruction) {
      case SubscriptionInstruction::kDeleteKeyAndPropagate:
        Respond(r, std::nullopt, ts);
        break;
      case SubscriptionInstruction::kPropagateNullIfNoFkValAvailable:
        Respond(r, std::move(value), ts);
        break;
      case SubscriptionInstruction::kPropagateOnlyIfFkValAvailable:
        if (value) Respond(r, std::move(value), ts);
        break;
      case SubscriptionInstruction::kDeleteKeyNoPropagate:
        break;
    }
  }

 private:
  void Respond(const Record<KO, SubscriptionWrapper<K>>& r, std::optional<VO> value, int64_t ts) {
    this->downstream_.Forward(Record<K, SubscriptionResponseWrapper<VO>>(
        r.value().primary_key,
        SubscriptionResponseWrapper<VO>{r.value().hash, std::move(value),
                                        r.value().primary_partition, 0},
        ts, r.headers()));
  }
  ValueGetterSupplierPtr<KO, VO> foreign_supplier_;
  std::unique_ptr<TableValueGetter<KO, VO>> foreign_;
};

// An update of the right table answers every subscription to its key.
template <typename KO, typename VO, typename K>
class FkForeignTableJoinNode final
    : public Node<KO, Change<VO>, K, SubscriptionResponseWrapper<VO>> {
 public:
  FkForeignTableJoinNode(std::string name, std::string store, SerdePtr<KO> fk_serde,
                         std::string topic)
      : Node<KO, Change<VO>, K, SubscriptionResponseWrapper<VO>>(std::move(name)),
        store_name_(std::move(store)), fk_serde_(std::move(fk_serde)), topic_(std::move(topic)) {}
  absl::Status Init(TaskContext& task) override {
    task_ = &task;
    store_ = GetTimestampedStore<std::string, SubscriptionWrapper<K>>(task, this->name(),
                                                                      store_name_);
    return absl::OkStatus();
  }
  void Process(Record<KO, Change<VO>>&& r) override {
    if (IsNullKey(r.key())) {
      task_->RecordDropped(this->name(), "null key in a foreign-key join's right table");
      return;
    }
    if (!r.value().is_latest) {
      task_->RecordDropped(this->name(), "out-of-order update of a versioned table in a "
                                         "foreign-key join");
      return;
    }
    const std::string prefix =
        CombinedKeyPrefix(SerializeOrThrow(fk_serde_, topic_, r.key(), this->name()));
    for (auto it = store_->PrefixScanBytes(prefix); it.Valid(); it.Next()) {
      const ValueAndTimestamp<SubscriptionWrapper<K>>& sub = it.value();
      this->downstream_.Forward(Record<K, SubscriptionResponseWrapper<VO>>(
          sub.value().primary_key,
          SubscriptionResponseWrapper<VO>{sub.value().hash, r.value().new_value,
                                          sub.value().primary_partition, 0},
          std::max(r.timestamp(), sub.timestamp()), r.headers()));
    }
  }

 private:
  std::string store_name_;
  SerdePtr<KO> fk_serde_;
  std::string topic_;
  TaskContext* task_ = nullptr;
  TimestampedKeyValueStore<std::string, SubscriptionWrapper<K>>* store_ = nullptr;
};

// Joins a response with the left table's current value if the response
// answers that value (same hash); stale responses are dropped.
template <typename K, typename V, typename VO, typename VR, typename J, bool kLeft>
class FkResponseJoinNode final
    : public Node<K, SubscriptionResponseWrapper<VO>, K, std::optional<VR>> {
 public:
  FkResponseJoinNode(std::string name, ValueGetterSupplierPtr<K, V> left, SerdePtr<V> value_serde,
                     std::string topic, J joiner)
      : Node<K, SubscriptionResponseWrapper<VO>, K, std::optional<VR>>(std::move(name)),
        left_supplier_(std::move(left)), value_serde_(std::move(value_serde)),
        topic_(std::move(topic)), joiner_(std::move(joiner)) {}
  absl::Status Init(TaskContext& task) override {
    task_ = &task;
    left_ = left_supplier_->make();
    left_->Init(task, this->name());
    return absl::OkStatus();
  }
  void Process(Record<K, SubscriptionResponseWrapper<VO>>&& r) override {
    std::optional<ValueAndTimestamp<V>> current = left_->Get(r.key());
    std::optional<Hash128> hash;
    if (current) {
      hash = Murmur3Hash128(SerializeOrThrow(value_serde_, topic_, current->value(), this->name()));
    }
    if (hash != r.value().hash) {
      task_->RecordDropped(this->name(), "stale foreign-key join response (hash mismatch)");
      return;
    }
    std::optional<VR> result;
    const std::optional<VO>& foreign = r.value().foreign_value;
    if (current && (foreign || kLeft)) {
      if constexpr (kLeft) {
        result = CallJoiner(joiner_, r.key(), current->value(), foreign);
      } else {
        result = CallJoiner(joiner_, r.key(), current->value(), *foreign);
      }
    }
    this->downstream_.Forward(std::move(r).WithValue(std::move(result)));
  }

 private:
  ValueGetterSupplierPtr<K, V> left_supplier_;
  SerdePtr<V> value_serde_;
  std::string topic_;
  J joiner_;
  TaskContext* task_ = nullptr;
  std::unique_ptr<TableValueGetter<K, V>> left_;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_DSL_INTERNAL_FK_JOIN_NODES_H_
