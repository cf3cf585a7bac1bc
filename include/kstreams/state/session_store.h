// kstreams/state/session_store.h
//
// SessionStore<K, AGG>: aggregates per (key, session window), the store
// behind session-windowed aggregations (Java's SessionStore).
//
// A session window is [start, end], both inclusive, in epoch ms. Results
// come in Kafka Streams' order: segment by segment of session ends, within a
// segment by serialized key, then end, then start. Sessions whose end is not
// later than (largest end written - retention period) are gone.
//
// Iterators follow KeyValueIterator's lifetime rules. Errors throw
// StateStoreException.
//
// Thread-compatible: a store and its iterators belong to one StreamThread.
//
// Example:
//
//   auto* sessions = ctx.GetStateStore<kstreams::SessionStore<std::string, int64_t>>("visits");
//   sessions->Put({"alice", kstreams::Window(1000, 4000)}, 2);
//   // Sessions a record at t = 5000 with a 2 s gap could merge with:
//   auto it = sessions->FindSessions("alice", 5000 - 2000, 5000 + 2000);
#ifndef KSTREAMS_STATE_SESSION_STORE_H_
#define KSTREAMS_STATE_SESSION_STORE_H_

#include <cstdint>
#include <optional>

#include "kstreams/processor/state_store.h"
#include "kstreams/serde/windowed.h"
#include "kstreams/state/key_value_store.h"

namespace kstreams {

template <typename K, typename AGG>
class ReadOnlySessionStore {
 public:
  virtual ~ReadOnlySessionStore() = default;
  // Sessions of `key` that end at or after `earliest_session_end_ms` and
  // start at or before `latest_session_start_ms` (the sessions a new record
  // may merge with).
  virtual KeyValueIterator<Windowed<K>, AGG> FindSessions(const K& key,
                                                          int64_t earliest_session_end_ms,
                                                          int64_t latest_session_start_ms) = 0;
  // The same for keys in [key_from, key_to] (nullopt: open end).
  virtual KeyValueIterator<Windowed<K>, AGG> FindSessions(std::optional<K> key_from,
                                                          std::optional<K> key_to,
                                                          int64_t earliest_session_end_ms,
                                                          int64_t latest_session_start_ms) = 0;
  // Every key's sessions ending in [earliest_session_end_ms,
  // latest_session_end_ms] (what emit-on-window-close reads).
  virtual KeyValueIterator<Windowed<K>, AGG> FindSessions(int64_t earliest_session_end_ms,
                                                          int64_t latest_session_end_ms) = 0;
  // Newest first.
  virtual KeyValueIterator<Windowed<K>, AGG> BackwardFindSessions(
      const K& key, int64_t earliest_session_end_ms, int64_t latest_session_start_ms) = 0;
  virtual KeyValueIterator<Windowed<K>, AGG> BackwardFindSessions(
      std::optional<K> key_from, std::optional<K> key_to, int64_t earliest_session_end_ms,
      int64_t latest_session_start_ms) = 0;
  // The aggregate of exactly this session.
  virtual std::optional<AGG> FetchSession(const K& key, int64_t session_start_ms,
                                          int64_t session_end_ms) = 0;
  // Every session of `key` (of keys in [key_from, key_to]).
  virtual KeyValueIterator<Windowed<K>, AGG> Fetch(const K& key) = 0;
  virtual KeyValueIterator<Windowed<K>, AGG> Fetch(std::optional<K> key_from,
                                                   std::optional<K> key_to) = 0;
  virtual KeyValueIterator<Windowed<K>, AGG> BackwardFetch(const K& key) = 0;
};

template <typename K, typename AGG>
class SessionStore : public StateStore, public ReadOnlySessionStore<K, AGG> {
 public:
  using KeyType = K;
  using ValueType = AGG;
  // Writes the aggregate of a session; a value that serializes to null
  // removes it.
  virtual void Put(const Windowed<K>& session, const AGG& aggregate) = 0;
  virtual void Remove(const Windowed<K>& session) = 0;
  virtual int64_t retention_period() const = 0;
};

}  // namespace kstreams

#endif  // KSTREAMS_STATE_SESSION_STORE_H_
