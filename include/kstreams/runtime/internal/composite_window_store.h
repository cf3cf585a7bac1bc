// kstreams/runtime/internal/composite_window_store.h  (internal: not for users)
//
// What KafkaStreams::Store<ReadOnlyWindowStore<K, V>>() and
// Store<ReadOnlySessionStore<K, V>>() return: one read-only view over every
// local instance of a window or session store (one per task), Java's
// CompositeReadOnlyWindowStore and CompositeReadOnlySessionStore.
//
// A timestamped window store (TimestampedWindowStore<K, V>, what windowed
// aggregations materialize) is queryable as ReadOnlyWindowStore<K, V>
// (timestamps dropped, Java's QueryableStoreTypes.windowStore()) and as
// ReadOnlyWindowStore<K, ValueAndTimestamp<V>>; a plain WindowStore<K, V> as
// ReadOnlyWindowStore<K, V>. Session stores as ReadOnlySessionStore<K, V>.
//
// Each call finds the current instances through the LocalStoreProvider, so
// the handle stays valid across rebalances. Under each task's lock, in a
// QueryReadScope (the caching layer stays untouched), the call runs the
// same read on the instance and copies the typed results out; iterators are
// snapshots, independent of the handle. Single-key reads (Fetch(key, start),
// FetchSession) ask the instances in turn until one has a value. Multi-key
// reads concatenate the instances' results in task order, each instance in
// its own store order, as Java does (keys are partitioned: no key is in two
// instances). Single-key iterators (Fetch(key, from, to), FindSessions(key,
// ...), Fetch(key)) also concatenate, which gives the instance that has the
// key.
//
// Errors: as every store, these methods throw kstreams::StateStoreException;
// its status() is Unavailable when the store is not queryable any more
// (migrated, restoring, closed: Java's InvalidStateStoreException). Store<T>()
// itself returns InvalidArgument when the store is not a window (session)
// store of those types.
//
// Thread-safety: thread-safe; any number of threads may query.
#ifndef KSTREAMS_RUNTIME_INTERNAL_COMPOSITE_WINDOW_STORE_H_
#define KSTREAMS_RUNTIME_INTERNAL_COMPOSITE_WINDOW_STORE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kstreams/internal/strings.h"
#include "kstreams/runtime/internal/local_store_provider.h"
#include "kstreams/runtime/store_query_parameters.h"
#include "kstreams/serde/type_name.h"
#include "kstreams/state/internal/query_read_scope.h"
#include "kstreams/state/internal/window_store_facade.h"
#include "kstreams/state/key_value_store.h"
#include "kstreams/state/session_store.h"
#include "kstreams/state/value_and_timestamp.h"
#include "kstreams/state/window_store.h"

namespace kstreams::internal {

// Calls `read` on the ReadOnlyWindowStore<K, V> view of each local instance
// (under its task's lock, in a QueryReadScope) until it returns false.
// Returns the type error when an instance is not a window store of K, V.
template <typename K, typename V>
absl::Status VisitWindowInstances(LocalStoreProvider& provider, const StoreQueryParameters& params,
                                  const std::function<bool(ReadOnlyWindowStore<K, V>&)>& read) {
  absl::Status type_error;
  absl::Status s = provider.ForEachInstance(params, [&](TaskId task, StateStore& instance) {
    QueryReadScope scope;
    if (auto* w = dynamic_cast<WindowStore<K, V>*>(&instance)) return read(*w);
    if constexpr (!IsValueAndTimestamp<V>::value) {
      if (auto* t = dynamic_cast<TimestampedWindowStore<K, V>*>(&instance)) {
        WindowStoreFacade<K, V> facade(t);
        return read(facade);
      }
    }
    type_error = absl::InvalidArgumentError(StrCat(
        "store '", params.store_name(), "' (task ", task.ToString(),
        ") cannot be queried as ReadOnlyWindowStore<", TypeName<K>(), ", ", TypeName<V>(),
        ">: it is not a window store of those key and value types"));
    return false;
  });
  return s.ok() ? type_error : s;
}

template <typename K, typename V>
absl::Status VisitSessionInstances(
    LocalStoreProvider& provider, const StoreQueryParameters& params,
    const std::function<bool(ReadOnlySessionStore<K, V>&)>& read) {
  absl::Status type_error;
  absl::Status s = provider.ForEachInstance(params, [&](TaskId task, StateStore& instance) {
    QueryReadScope scope;
    if (auto* w = dynamic_cast<SessionStore<K, V>*>(&instance)) return read(*w);
    type_error = absl::InvalidArgumentError(StrCat(
        "store '", params.store_name(), "' (task ", task.ToString(),
        ") cannot be queried as ReadOnlySessionStore<", TypeName<K>(), ", ", TypeName<V>(),
        ">: it is not a session store of those key and aggregate types"));
    return false;
  });
  return s.ok() ? type_error : s;
}

// The shared half of the two composites: visiting, copying, error mapping.
template <typename Store>
class CompositeStoreBase {
 protected:
  using Visitor = std::function<absl::Status(LocalStoreProvider&, const StoreQueryParameters&,
                                             const std::function<bool(Store&)>&)>;
  CompositeStoreBase(std::shared_ptr<LocalStoreProvider> provider, StoreQueryParameters params,
                     Visitor visitor)
      : provider_(std::move(provider)), params_(std::move(params)), visitor_(std::move(visitor)) {}

  static void Check(const absl::Status& s) {
    if (!s.ok()) throw StateStoreException(s);
  }
  void Visit(const std::function<bool(Store&)>& read) {
    Check(visitor_(*provider_, params_, read));
  }
  // Concatenates what `open` returns on each instance, copied out.
  template <typename IK, typename IV>
  KeyValueIterator<IK, IV> Collect(const std::function<KeyValueIterator<IK, IV>(Store&)>& open) {
    std::vector<std::pair<IK, IV>> all;
    Visit([&](Store& store) {
      std::vector<std::pair<IK, IV>> part = open(store).ToVector();
      all.insert(all.end(), std::make_move_iterator(part.begin()),
                 std::make_move_iterator(part.end()));
      return true;
    });
    return KeyValueIterator<IK, IV>(std::move(all));
  }
  // The first instance's non-empty answer.
  template <typename T>
  std::optional<T> First(const std::function<std::optional<T>(Store&)>& get) {
    std::optional<T> found;
    Visit([&](Store& store) {
      found = get(store);
      return !found.has_value();
    });
    return found;
  }

 private:
  std::shared_ptr<LocalStoreProvider> provider_;
  StoreQueryParameters params_;
  Visitor visitor_;
};

template <typename K, typename V>
class CompositeReadOnlyWindowStore final : public ReadOnlyWindowStore<K, V>,
                                           CompositeStoreBase<ReadOnlyWindowStore<K, V>> {
  using Store = ReadOnlyWindowStore<K, V>;
  using Base = CompositeStoreBase<Store>;
  using WindowedIt = KeyValueIterator<Windowed<K>, V>;

 public:
  static absl::StatusOr<std::unique_ptr<Store>> Create(std::shared_ptr<LocalStoreProvider> provider,
                                                       StoreQueryParameters params) {
    // Checks the types (and that the store is queryable) now.
    absl::Status s = VisitWindowInstances<K, V>(*provider, params, [](Store&) { return true; });
    if (!s.ok()) return s;
    return std::unique_ptr<Store>(
        new CompositeReadOnlyWindowStore(std::move(provider), std::move(params)));
  }

  std::optional<V> Fetch(const K& key, int64_t window_start_ms) override {
    return this->template First<V>([&](Store& s) { return s.Fetch(key, window_start_ms); });
  }
  WindowStoreIterator<V> Fetch(const K& key, int64_t time_from, int64_t time_to) override {
    return this->template Collect<int64_t, V>(
        [&](Store& s) { return s.Fetch(key, time_from, time_to); });
  }
  WindowedIt Fetch(std::optional<K> key_from, std::optional<K> key_to, int64_t time_from,
                   int64_t time_to) override {
    return this->template Collect<Windowed<K>, V>(
        [&](Store& s) { return s.Fetch(key_from, key_to, time_from, time_to); });
  }
  WindowStoreIterator<V> BackwardFetch(const K& key, int64_t time_from, int64_t time_to) override {
    return this->template Collect<int64_t, V>(
        [&](Store& s) { return s.BackwardFetch(key, time_from, time_to); });
  }
  WindowedIt BackwardFetch(std::optional<K> key_from, std::optional<K> key_to, int64_t time_from,
                           int64_t time_to) override {
    return this->template Collect<Windowed<K>, V>(
        [&](Store& s) { return s.BackwardFetch(key_from, key_to, time_from, time_to); });
  }
  WindowedIt All() override {
    return this->template Collect<Windowed<K>, V>([](Store& s) { return s.All(); });
  }
  WindowedIt BackwardAll() override {
    return this->template Collect<Windowed<K>, V>([](Store& s) { return s.BackwardAll(); });
  }
  WindowedIt FetchAll(int64_t time_from, int64_t time_to) override {
    return this->template Collect<Windowed<K>, V>(
        [&](Store& s) { return s.FetchAll(time_from, time_to); });
  }
  WindowedIt BackwardFetchAll(int64_t time_from, int64_t time_to) override {
    return this->template Collect<Windowed<K>, V>(
        [&](Store& s) { return s.BackwardFetchAll(time_from, time_to); });
  }

 private:
  CompositeReadOnlyWindowStore(std::shared_ptr<LocalStoreProvider> provider,
                               StoreQueryParameters params)
      : Base(std::move(provider), std::move(params), &VisitWindowInstances<K, V>) {}
};

template <typename K, typename V>
class CompositeReadOnlySessionStore final : public ReadOnlySessionStore<K, V>,
                                            CompositeStoreBase<ReadOnlySessionStore<K, V>> {
  using Store = ReadOnlySessionStore<K, V>;
  using Base = CompositeStoreBase<Store>;
  using WindowedIt = KeyValueIterator<Windowed<K>, V>;

 public:
  static absl::StatusOr<std::unique_ptr<Store>> Create(std::shared_ptr<LocalStoreProvider> provider,
                                                       StoreQueryParameters params) {
    absl::Status s = VisitSessionInstances<K, V>(*provider, params, [](Store&) { return true; });
    if (!s.ok()) return s;
    return std::unique_ptr<Store>(
        new CompositeReadOnlySessionStore(std::move(provider), std::move(params)));
  }

  WindowedIt FindSessions(const K& key, int64_t earliest_session_end_ms,
                          int64_t latest_session_start_ms) override {
    return Concat([&](Store& s) {
      return s.FindSessions(key, earliest_session_end_ms, latest_session_start_ms);
    });
  }
  WindowedIt FindSessions(std::optional<K> key_from, std::optional<K> key_to,
                          int64_t earliest_session_end_ms,
                          int64_t latest_session_start_ms) override {
    return Concat([&](Store& s) {
      return s.FindSessions(key_from, key_to, earliest_session_end_ms, latest_session_start_ms);
    });
  }
  WindowedIt FindSessions(int64_t earliest_session_end_ms, int64_t latest_session_end_ms) override {
    return Concat([&](Store& s) {
      return s.FindSessions(earliest_session_end_ms, latest_session_end_ms);
    });
  }
  WindowedIt BackwardFindSessions(const K& key, int64_t earliest_session_end_ms,
                                  int64_t latest_session_start_ms) override {
    return Concat([&](Store& s) {
      return s.BackwardFindSessions(key, earliest_session_end_ms, latest_session_start_ms);
    });
  }
  WindowedIt BackwardFindSessions(std::optional<K> key_from, std::optional<K> key_to,
                                  int64_t earliest_session_end_ms,
                                  int64_t latest_session_start_ms) override {
    return Concat([&](Store& s) {
      return s.BackwardFindSessions(key_from, key_to, earliest_session_end_ms,
                                    latest_session_start_ms);
    });
  }
  std::optional<V> FetchSession(const K& key, int64_t session_start_ms,
                                int64_t session_end_ms) override {
    return this->template First<V>(
        [&](Store& s) { return s.FetchSession(key, session_start_ms, session_end_ms); });
  }
  WindowedIt Fetch(const K& key) override {
    return Concat([&](Store& s) { return s.Fetch(key); });
  }
  WindowedIt Fetch(std::optional<K> key_from, std::optional<K> key_to) override {
    return Concat([&](Store& s) { return s.Fetch(key_from, key_to); });
  }
  WindowedIt BackwardFetch(const K& key) override {
    return Concat([&](Store& s) { return s.BackwardFetch(key); });
  }

 private:
  CompositeReadOnlySessionStore(std::shared_ptr<LocalStoreProvider> provider,
                                StoreQueryParameters params)
      : Base(std::move(provider), std::move(params), &VisitSessionInstances<K, V>) {}
  WindowedIt Concat(const std::function<WindowedIt(Store&)>& open) {
    return this->template Collect<Windowed<K>, V>(open);
  }
};

template <typename K, typename V>
struct QueryableStoreType<ReadOnlyWindowStore<K, V>> {
  static absl::StatusOr<std::unique_ptr<ReadOnlyWindowStore<K, V>>> Create(
      std::shared_ptr<LocalStoreProvider> provider, StoreQueryParameters params) {
    return CompositeReadOnlyWindowStore<K, V>::Create(std::move(provider), std::move(params));
  }
};

template <typename K, typename V>
struct QueryableStoreType<ReadOnlySessionStore<K, V>> {
  static absl::StatusOr<std::unique_ptr<ReadOnlySessionStore<K, V>>> Create(
      std::shared_ptr<LocalStoreProvider> provider, StoreQueryParameters params) {
    return CompositeReadOnlySessionStore<K, V>::Create(std::move(provider), std::move(params));
  }
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_RUNTIME_INTERNAL_COMPOSITE_WINDOW_STORE_H_
