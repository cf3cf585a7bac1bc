// kstreams/dsl/internal/value_getters.h  (internal: not for users)
//
// Value getters: how a join reads the current value of a key from a KTable
// (Java's KTableValueGetter / KTableValueGetterSupplier). A materialized
// table reads its store; a table without a store (Filter/MapValues/join
// without Materialized) computes the value from its parent's getter, so
// joining any KTable works without extra stores. A getter supplier also lists
// the stores it reads, which the join node must be connected to (that is what
// puts both sides of a join into one sub-topology).
//
// TableStoreRef is the one view a table node has of its store, timestamped or
// versioned (Java's KeyValueStoreWrapper).
//
// Thread-compatible: each task makes its own getters.
#ifndef KSTREAMS_DSL_INTERNAL_VALUE_GETTERS_H_
#define KSTREAMS_DSL_INTERNAL_VALUE_GETTERS_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "kstreams/internal/strings.h"
#include "kstreams/processor/internal/node.h"
#include "kstreams/state/timestamped_key_value_store.h"
#include "kstreams/state/value_and_timestamp.h"
#include "kstreams/state/versioned_key_value_store.h"

namespace kstreams::internal {

// A table node's store: a TimestampedKeyValueStore, or a
// VersionedKeyValueStore when the table was materialized with a versioned
// supplier.
template <typename K, typename V>
class TableStoreRef {
 public:
  // Put() codes, as VersionedKeyValueStore's.
  static constexpr int64_t kIsLatest = VersionedKeyValueStore<K, V>::kPutReturnCodeValidToUndefined;
  static constexpr int64_t kNotPut = VersionedKeyValueStore<K, V>::kPutReturnCodeNotPut;

  void Init(TaskContext& task, const std::string& node, const std::string& store_name) {
    StateStore* store = task.GetStateStore(store_name);
    timestamped_ = dynamic_cast<TimestampedKeyValueStore<K, V>*>(store);
    if (timestamped_ == nullptr) versioned_ = dynamic_cast<VersionedKeyValueStore<K, V>*>(store);
    if (timestamped_ == nullptr && versioned_ == nullptr) {
      throw NodeError(node, absl::InternalError(StrCat("store '", store_name,
                                                       "' is missing or of the wrong type")));
    }
    base_ = store;
  }
  StateStore* base() const { return base_; }
  bool versioned() const { return versioned_ != nullptr; }

  std::optional<ValueAndTimestamp<V>> Get(const K& key) {
    if (timestamped_ != nullptr) return timestamped_->Get(key);
    return Convert(versioned_->Get(key));
  }
  // The value at `as_of` (versioned stores); the latest otherwise.
  std::optional<ValueAndTimestamp<V>> GetAsOf(const K& key, int64_t as_of) {
    if (timestamped_ != nullptr) return timestamped_->Get(key);
    return Convert(versioned_->Get(key, as_of));
  }
  // Writes (nullopt deletes) and returns kIsLatest, kNotPut (a versioned
  // store dropped a write older than its history retention) or the valid-to
  // time of an out-of-order versioned write.
  int64_t Put(const K& key, std::optional<V> value, int64_t timestamp) {
    if (versioned_ != nullptr) {
      return value ? versioned_->Put(key, *value, timestamp)
                   : versioned_->PutTombstone(key, timestamp);
    }
    if (value) {
      timestamped_->Put(key, ValueAndTimestamp<V>(std::move(*value), timestamp));
    } else {
      timestamped_->Delete(key);
    }
    return kIsLatest;
  }

 private:
  static std::optional<ValueAndTimestamp<V>> Convert(std::optional<VersionedRecord<V>> r) {
    if (!r) return std::nullopt;
    return ValueAndTimestamp<V>(std::move(r->value), r->timestamp);
  }
  TimestampedKeyValueStore<K, V>* timestamped_ = nullptr;
  VersionedKeyValueStore<K, V>* versioned_ = nullptr;
  StateStore* base_ = nullptr;
};

template <typename K, typename V>
class TableValueGetter {
 public:
  virtual ~TableValueGetter() = default;
  // `node` names the node that reads, for errors.
  virtual void Init(TaskContext& task, const std::string& node) = 0;
  virtual std::optional<ValueAndTimestamp<V>> Get(const K& key) = 0;
  // Versioned tables: the value valid at `as_of`; others: the latest.
  virtual std::optional<ValueAndTimestamp<V>> GetAsOf(const K& key, int64_t as_of) {
    (void)as_of;
    return Get(key);
  }
};

template <typename K, typename V>
struct TableValueGetterSupplier {
  std::function<std::unique_ptr<TableValueGetter<K, V>>()> make;
  std::vector<std::string> stores;  // the stores the getters read
  bool versioned = false;           // reads a versioned store (GetAsOf is meaningful)
};
template <typename K, typename V>
using ValueGetterSupplierPtr = std::shared_ptr<const TableValueGetterSupplier<K, V>>;

template <typename K, typename V>
class StoreValueGetter final : public TableValueGetter<K, V> {
 public:
  explicit StoreValueGetter(std::string store) : store_name_(std::move(store)) {}
  void Init(TaskContext& task, const std::string& node) override {
    store_.Init(task, node, store_name_);
  }
  std::optional<ValueAndTimestamp<V>> Get(const K& key) override { return store_.Get(key); }
  std::optional<ValueAndTimestamp<V>> GetAsOf(const K& key, int64_t as_of) override {
    return store_.GetAsOf(key, as_of);
  }

 private:
  std::string store_name_;
  TableStoreRef<K, V> store_;
};

template <typename K, typename V>
ValueGetterSupplierPtr<K, V> StoreGetterSupplier(const std::string& store, bool versioned) {
  auto s = std::make_shared<TableValueGetterSupplier<K, V>>();
  s->make = [store]() -> std::unique_ptr<TableValueGetter<K, V>> {
    return std::make_unique<StoreValueGetter<K, V>>(store);
  };
  s->stores = {store};
  s->versioned = versioned;
  return s;
}

// A getter computed from a parent getter: `f(key, parent value)` ->
// std::optional<VR> (nullopt: absent), timestamp kept.
template <typename K, typename V, typename VR, typename F>
class DerivedValueGetter final : public TableValueGetter<K, VR> {
 public:
  DerivedValueGetter(std::unique_ptr<TableValueGetter<K, V>> parent, F f)
      : parent_(std::move(parent)), f_(std::move(f)) {}
  void Init(TaskContext& task, const std::string& node) override { parent_->Init(task, node); }
  std::optional<ValueAndTimestamp<VR>> Get(const K& key) override {
    return Apply(key, parent_->Get(key));
  }
  std::optional<ValueAndTimestamp<VR>> GetAsOf(const K& key, int64_t as_of) override {
    return Apply(key, parent_->GetAsOf(key, as_of));
  }

 private:
  std::optional<ValueAndTimestamp<VR>> Apply(const K& key, std::optional<ValueAndTimestamp<V>> v) {
    if (!v) return std::nullopt;
    const int64_t ts = v->timestamp();
    std::optional<VR> r = f_(key, std::move(*v).value());
    if (!r) return std::nullopt;
    return ValueAndTimestamp<VR>(std::move(*r), ts);
  }
  std::unique_ptr<TableValueGetter<K, V>> parent_;
  F f_;
};

template <typename K, typename V, typename VR, typename F>
ValueGetterSupplierPtr<K, VR> DerivedGetterSupplier(ValueGetterSupplierPtr<K, V> parent, F f) {
  if (!parent) return nullptr;
  auto s = std::make_shared<TableValueGetterSupplier<K, VR>>();
  s->make = [parent, f]() -> std::unique_ptr<TableValueGetter<K, VR>> {
    return std::make_unique<DerivedValueGetter<K, V, VR, F>>(parent->make(), f);
  };
  s->stores = parent->stores;
  s->versioned = parent->versioned;
  return s;
}

}  // namespace kstreams::internal

#endif  // KSTREAMS_DSL_INTERNAL_VALUE_GETTERS_H_
