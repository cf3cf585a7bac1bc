// kstreams/runtime/internal/local_store_provider.h  (internal: not for users)
//
// The bridge between KafkaStreams::Store<T>() and the store instances of the
// tasks running in this instance (Java's QueryableStoreProvider and
// StreamThreadStateStoreProvider).
//
// LocalStoreProvider::ForEachInstance visits the local instances of one
// store, each while holding the lock of the task that owns it: the stream
// thread holds the same lock whenever it processes, punctuates, flushes,
// restores or closes that task, so a visitor may read the (thread-compatible)
// store safely. Visitors must copy what they need out, inside a
// QueryReadScope (so caching layers stay untouched), and return quickly: the
// task does not process while they run.
//
// QueryableStoreType<T> turns a provider into the handle Store<T>() returns.
// The key-value specializations live in composite_key_value_store.h; a new
// queryable store type (window, session, versioned) adds its own
// specialization, with a static Create(provider, params) returning
// absl::StatusOr<std::unique_ptr<T>>, in a header that kafka_streams.h (or
// the store type's own header) includes.
//
// Thread-safety: a provider is thread-safe.
#ifndef KSTREAMS_RUNTIME_INTERNAL_LOCAL_STORE_PROVIDER_H_
#define KSTREAMS_RUNTIME_INTERNAL_LOCAL_STORE_PROVIDER_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "kstreams/processor/state_store.h"
#include "kstreams/processor/task_id.h"
#include "kstreams/runtime/store_query_parameters.h"

namespace kstreams::internal {

class LocalStoreProvider {
 public:
  virtual ~LocalStoreProvider() = default;

  // Calls visit(task, store) for each local instance of params.store_name()
  // (in task id order, only the one of params.partition() when set), with
  // the task's lock held, until visit returns false.
  // Errors (what Java throws as InvalidStateStoreException /
  // UnknownStateStoreException):
  //   NotFound        the topology has no store of that name;
  //   Unavailable     no local instance now (the tasks are elsewhere, or
  //                   being assigned), or an instance is not up to date
  //                   (its task is restoring, its thread rebalancing) and
  //                   stale stores are not enabled, or the instance is
  //                   closed or shutting down.
  virtual absl::Status ForEachInstance(
      const StoreQueryParameters& params,
      const std::function<bool(TaskId task, StateStore& store)>& visit) = 0;

  // "<application.id>-<store>-changelog": the topic the store's serdes are
  // called with.
  virtual std::string StoreTopic(const std::string& store_name) const = 0;
};

// Specialized per queryable store type; see the file comment.
template <typename T>
struct QueryableStoreType {
  static_assert(sizeof(T) == 0,
                "KafkaStreams::Store<T>: T must be a queryable store type, e.g. "
                "kstreams::ReadOnlyKeyValueStore<K, V> (include the header of the store type)");
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_RUNTIME_INTERNAL_LOCAL_STORE_PROVIDER_H_
