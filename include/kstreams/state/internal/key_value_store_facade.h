// kstreams/state/internal/key_value_store_facade.h  (internal: not for users)
//
// A TimestampedKeyValueStore<K, V> seen as a KeyValueStore<K, V> (Java's
// KeyValueStoreFacade, what TopologyTestDriver.getKeyValueStore returns for
// the stores tables and aggregations keep): reads drop the timestamps;
// writes store timestamp -1 (Java's NO_TIMESTAMP). Lifecycle calls go to the
// store.
//
// Thread-compatible, like the store.
//
// Example (what the driver does):
//
//   auto* timestamped = driver.GetTimestampedKeyValueStore<std::string, int64_t>("counts");
//   kstreams::internal::KeyValueStoreFacade<std::string, int64_t> plain(timestamped);
//   std::optional<int64_t> n = plain.Get("a");
#ifndef KSTREAMS_STATE_INTERNAL_KEY_VALUE_STORE_FACADE_H_
#define KSTREAMS_STATE_INTERNAL_KEY_VALUE_STORE_FACADE_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kstreams/state/internal/timestamp_dropping_facade.h"
#include "kstreams/state/key_value_store.h"
#include "kstreams/state/timestamped_key_value_store.h"

namespace kstreams::internal {

template <typename K, typename V>
class KeyValueStoreFacade final
    : public TimestampDroppingFacade<KeyValueStore<K, V>, TimestampedKeyValueStore<K, V>> {
  using Base = TimestampDroppingFacade<KeyValueStore<K, V>, TimestampedKeyValueStore<K, V>>;
  using Base::inner_;
  using Base::Strip;

 public:
  using Base::Base;

  std::optional<V> Get(const K& key) override { return ValueOf(inner_->Get(key)); }
  KeyValueIterator<K, V> Range(std::optional<K> from, std::optional<K> to) override {
    return Strip(inner_->Range(std::move(from), std::move(to)));
  }
  KeyValueIterator<K, V> ReverseRange(std::optional<K> from, std::optional<K> to) override {
    return Strip(inner_->ReverseRange(std::move(from), std::move(to)));
  }
  KeyValueIterator<K, V> All() override { return Strip(inner_->All()); }
  KeyValueIterator<K, V> ReverseAll() override { return Strip(inner_->ReverseAll()); }
  KeyValueIterator<K, V> PrefixScanBytes(std::string_view prefix) override {
    return Strip(inner_->PrefixScanBytes(prefix));
  }
  uint64_t ApproximateNumEntries() override { return inner_->ApproximateNumEntries(); }
  const std::string& store_topic() const override { return inner_->store_topic(); }

  void Put(const K& key, const V& value) override { inner_->Put(key, Stamped(value)); }
  std::optional<V> PutIfAbsent(const K& key, const V& value) override {
    return ValueOf(inner_->PutIfAbsent(key, Stamped(value)));
  }
  void PutAll(const std::vector<std::pair<K, V>>& entries) override {
    std::vector<std::pair<K, ValueAndTimestamp<V>>> stamped;
    stamped.reserve(entries.size());
    for (const auto& [k, v] : entries) stamped.emplace_back(k, Stamped(v));
    inner_->PutAll(stamped);
  }
  std::optional<V> Delete(const K& key) override { return ValueOf(inner_->Delete(key)); }

 private:
  static ValueAndTimestamp<V> Stamped(const V& value) { return ValueAndTimestamp<V>(value, -1); }
  static std::optional<V> ValueOf(std::optional<ValueAndTimestamp<V>> v) {
    if (!v) return std::nullopt;
    return std::move(*v).value();
  }
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_STATE_INTERNAL_KEY_VALUE_STORE_FACADE_H_
