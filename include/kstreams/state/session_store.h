// kstreams/state/session_store.h
//
// SessionStore<K, AGG>: aggregates per (key, session window), for session
// windowed aggregations (Java's SessionStore). Declared here for the
// windowing work; no implementation exists yet.
//
// A session window is [start, end], both inclusive, in epoch ms. Iterators
// follow KeyValueIterator's lifetime rules. Errors throw StateStoreException.
//
// Thread-compatible.
#ifndef KSTREAMS_STATE_SESSION_STORE_H_
#define KSTREAMS_STATE_SESSION_STORE_H_

#include <cstdint>
#include <optional>

#include "kstreams/state/key_value_store.h"
#include "kstreams/state/state_store.h"
#include "kstreams/state/windowed.h"

namespace kstreams {

template <typename K, typename AGG>
class ReadOnlySessionStore {
 public:
  virtual ~ReadOnlySessionStore() = default;
  // Sessions of `key` that end at or after `earliest_session_end_ms` and
  // start at or before `latest_session_start_ms` (the sessions a new record
  // may merge with), oldest first.
  virtual KeyValueIterator<Windowed<K>, AGG> FindSessions(const K& key,
                                                          int64_t earliest_session_end_ms,
                                                          int64_t latest_session_start_ms) = 0;
  virtual KeyValueIterator<Windowed<K>, AGG> FindSessions(std::optional<K> key_from,
                                                          std::optional<K> key_to,
                                                          int64_t earliest_session_end_ms,
                                                          int64_t latest_session_start_ms) = 0;
  virtual KeyValueIterator<Windowed<K>, AGG> BackwardFindSessions(
      const K& key, int64_t earliest_session_end_ms, int64_t latest_session_start_ms) = 0;
  // The aggregate of exactly this session.
  virtual std::optional<AGG> FetchSession(const K& key, int64_t session_start_ms,
                                          int64_t session_end_ms) = 0;
  // Every session of `key`.
  virtual KeyValueIterator<Windowed<K>, AGG> Fetch(const K& key) = 0;
  virtual KeyValueIterator<Windowed<K>, AGG> BackwardFetch(const K& key) = 0;
};

template <typename K, typename AGG>
class SessionStore : public StateStore, public ReadOnlySessionStore<K, AGG> {
 public:
  // Writes the aggregate of a session; a value that serializes to null
  // removes it.
  virtual void Put(const Windowed<K>& session, const AGG& aggregate) = 0;
  virtual void Remove(const Windowed<K>& session) = 0;
};

}  // namespace kstreams

#endif  // KSTREAMS_STATE_SESSION_STORE_H_
