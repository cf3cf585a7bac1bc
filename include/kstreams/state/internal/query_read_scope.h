// kstreams/state/internal/query_read_scope.h  (internal: not for users)
//
// QueryReadScope marks the calling thread, for the scope's lifetime, as an
// interactive-query reader (KafkaStreams::Store) rather than the stream
// thread that owns the store. Caching layers then serve reads without
// changing the cache: no entry is added on a miss, no LRU order or statistic
// changes, so nothing can be evicted or flushed from a query thread. Kafka
// Streams' caching stores make the same distinction (they only update the
// cache from the owning stream thread).
//
// The stream thread and the query thread never touch a store at the same
// time: the runtime holds the owning task's query lock around both (see
// src/runtime/README.md); this scope only keeps the read side read-only.
//
// Thread-safety: a thread-local flag; scopes nest.
//
// Example:
//
//   {
//     kstreams::internal::QueryReadScope scope;
//     found = bytes_store.Get(key, &value);   // read-only through the cache
//   }
#ifndef KSTREAMS_STATE_INTERNAL_QUERY_READ_SCOPE_H_
#define KSTREAMS_STATE_INTERNAL_QUERY_READ_SCOPE_H_

namespace kstreams::internal {

class QueryReadScope {
 public:
  QueryReadScope() : previous_(depth_flag()) { depth_flag() = true; }
  ~QueryReadScope() { depth_flag() = previous_; }
  QueryReadScope(const QueryReadScope&) = delete;
  QueryReadScope& operator=(const QueryReadScope&) = delete;

  // True inside a scope on this thread.
  static bool active() { return depth_flag(); }

 private:
  static bool& depth_flag() {
    static thread_local bool in_query = false;
    return in_query;
  }
  bool previous_;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_STATE_INTERNAL_QUERY_READ_SCOPE_H_
