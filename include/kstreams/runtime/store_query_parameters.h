// kstreams/runtime/store_query_parameters.h
//
// StoreQueryParameters: which local store KafkaStreams::Store hands out
// (Java's StoreQueryParameters). The store type is the template argument of
// Store<T>() (Java's QueryableStoreType), e.g. ReadOnlyKeyValueStore<K, V>.
//
// Value type.
//
// Example:
//
//   auto counts = streams.Store<kstreams::ReadOnlyKeyValueStore<std::string, int64_t>>(
//       kstreams::StoreQueryParameters::FromName("counts").WithPartition(2));
#ifndef KSTREAMS_RUNTIME_STORE_QUERY_PARAMETERS_H_
#define KSTREAMS_RUNTIME_STORE_QUERY_PARAMETERS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace kstreams {

class StoreQueryParameters {
 public:
  static StoreQueryParameters FromName(std::string store_name) {
    StoreQueryParameters p;
    p.store_name_ = std::move(store_name);
    return p;
  }
  // Only the instance of the store that belongs to `partition`'s task.
  // Default: every local instance.
  StoreQueryParameters& WithPartition(int32_t partition) & {
    partition_ = partition;
    return *this;
  }
  StoreQueryParameters WithPartition(int32_t partition) && {
    return std::move(WithPartition(std::move(partition)));
  }
  // Also read instances that are not up to date: tasks still restoring, and
  // threads that are rebalancing. Default: only tasks of RUNNING threads
  // that finished restoring (as Java).
  StoreQueryParameters& EnableStaleStores() & {
    stale_stores_ = true;
    return *this;
  }
  StoreQueryParameters EnableStaleStores() && { return std::move(EnableStaleStores()); }

  const std::string& store_name() const { return store_name_; }
  const std::optional<int32_t>& partition() const { return partition_; }
  bool stale_stores_enabled() const { return stale_stores_; }

 private:
  std::string store_name_;
  std::optional<int32_t> partition_;
  bool stale_stores_ = false;
};

}  // namespace kstreams

#endif  // KSTREAMS_RUNTIME_STORE_QUERY_PARAMETERS_H_
