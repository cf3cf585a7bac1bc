// kstreams/state/internal/synchronized_key_value_store.h  (internal: not for users)
//
// The store of a GlobalKTable: the global thread writes it while every
// stream thread's tasks read it (Java's global stores are shared the same
// way). Each call takes the store's mutex (the typed layer reuses buffers, and
// the in-memory map is not safe for concurrent use); range scans copy the
// entries in range while holding it, so iterating later needs no lock.
//
// Thread-safe.
#ifndef KSTREAMS_STATE_INTERNAL_SYNCHRONIZED_KEY_VALUE_STORE_H_
#define KSTREAMS_STATE_INTERNAL_SYNCHRONIZED_KEY_VALUE_STORE_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kstreams/state/internal/key_value_bytes_store.h"
#include "kstreams/state/internal/metered_key_value_store.h"
#include "kstreams/state/key_value_store.h"
#include "kstreams/state/timestamped_key_value_store.h"
#include "kstreams/state/value_and_timestamp.h"

namespace kstreams::internal {

// Range scans of `inner` return a copy of the entries in range, taken when
// the iterator is created.
std::unique_ptr<KeyValueBytesStore> NewCopyingIteratorsKeyValueBytesStore(
    std::unique_ptr<KeyValueBytesStore> inner);

// A store whose calls serialize on a lock of its own. Interactive queries
// (KafkaStreams::Store) read the inner, unsynchronized store through
// WithInnerLocked, as they read a task's stores under the task's lock.
class LockedStateStore {
 public:
  virtual ~LockedStateStore() = default;
  // Runs fn(inner store) while holding the store's lock.
  virtual void WithInnerLocked(const std::function<void(StateStore& inner)>& fn) = 0;
};

template <typename K, typename V, typename Interface>
class SynchronizedKeyValueStore final : public Interface, public LockedStateStore {
 public:
  explicit SynchronizedKeyValueStore(std::unique_ptr<Interface> inner) : inner_(std::move(inner)) {}

  void WithInnerLocked(const std::function<void(StateStore& inner)>& fn) override {
    std::lock_guard<std::mutex> lock(mu_);
    fn(*inner_);
  }

  const std::string& name() const override { return inner_->name(); }
  absl::Status Init(StateStoreContext& context) override {
    std::lock_guard<std::mutex> lock(mu_);
    return inner_->Init(context);
  }
  absl::Status FlushCache() override {
    std::lock_guard<std::mutex> lock(mu_);
    return inner_->FlushCache();
  }
  absl::Status Flush() override {
    std::lock_guard<std::mutex> lock(mu_);
    return inner_->Flush();
  }
  absl::Status Close() override {
    std::lock_guard<std::mutex> lock(mu_);
    return inner_->Close();
  }
  bool persistent() const override { return inner_->persistent(); }
  bool is_open() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return inner_->is_open();
  }

  std::optional<V> Get(const K& key) override {
    std::lock_guard<std::mutex> lock(mu_);
    return inner_->Get(key);
  }
  KeyValueIterator<K, V> Range(std::optional<K> from, std::optional<K> to) override {
    std::lock_guard<std::mutex> lock(mu_);
    return inner_->Range(std::move(from), std::move(to));
  }
  KeyValueIterator<K, V> ReverseRange(std::optional<K> from, std::optional<K> to) override {
    std::lock_guard<std::mutex> lock(mu_);
    return inner_->ReverseRange(std::move(from), std::move(to));
  }
  KeyValueIterator<K, V> All() override {
    std::lock_guard<std::mutex> lock(mu_);
    return inner_->All();
  }
  KeyValueIterator<K, V> ReverseAll() override {
    std::lock_guard<std::mutex> lock(mu_);
    return inner_->ReverseAll();
  }
  KeyValueIterator<K, V> PrefixScanBytes(std::string_view prefix) override {
    std::lock_guard<std::mutex> lock(mu_);
    return inner_->PrefixScanBytes(prefix);
  }
  uint64_t ApproximateNumEntries() override {
    std::lock_guard<std::mutex> lock(mu_);
    return inner_->ApproximateNumEntries();
  }
  const std::string& store_topic() const override { return inner_->store_topic(); }

  void Put(const K& key, const V& value) override {
    std::lock_guard<std::mutex> lock(mu_);
    inner_->Put(key, value);
  }
  std::optional<V> PutIfAbsent(const K& key, const V& value) override {
    std::lock_guard<std::mutex> lock(mu_);
    return inner_->PutIfAbsent(key, value);
  }
  void PutAll(const std::vector<std::pair<K, V>>& entries) override {
    std::lock_guard<std::mutex> lock(mu_);
    inner_->PutAll(entries);
  }
  std::optional<V> Delete(const K& key) override {
    std::lock_guard<std::mutex> lock(mu_);
    return inner_->Delete(key);
  }

 private:
  mutable std::mutex mu_;
  std::unique_ptr<Interface> inner_;
};

// Builds a GlobalKTable's store: Synchronized(Metered(typed) -> copying
// iterators -> bytes). No changelog (the global topic is its log) and no
// cache.
template <typename K, typename V>
class GlobalStoreBuilder {
 public:
  using Store = TimestampedKeyValueStore<K, V>;
  GlobalStoreBuilder(std::string name, std::function<std::unique_ptr<KeyValueBytesStore>()> bytes,
                     SerdePtr<K> key_serde, SerdePtr<ValueAndTimestamp<V>> value_serde)
      : name_(std::move(name)), bytes_(std::move(bytes)), key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)) {}
  const std::string& name() const { return name_; }
  bool logging_enabled() const { return false; }
  std::map<std::string, std::string> log_config() const { return {}; }
  std::unique_ptr<Store> Build() const {
    auto metered = std::make_unique<MeteredKeyValueStore<K, ValueAndTimestamp<V>, Store>>(
        NewCopyingIteratorsKeyValueBytesStore(bytes_()), key_serde_, value_serde_);
    return std::make_unique<SynchronizedKeyValueStore<K, ValueAndTimestamp<V>, Store>>(
        std::move(metered));
  }

 private:
  std::string name_;
  std::function<std::unique_ptr<KeyValueBytesStore>()> bytes_;
  SerdePtr<K> key_serde_;
  SerdePtr<ValueAndTimestamp<V>> value_serde_;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_STATE_INTERNAL_SYNCHRONIZED_KEY_VALUE_STORE_H_
