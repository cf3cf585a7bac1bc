// kstreams/state/state_store.h
//
// StateStore: the untyped lifecycle every store has (key-value, window,
// session). A task creates its own store instances from the topology's store
// builders, initializes them before its processors, flushes them at commit and
// closes them when the task closes.
//
// Thread-compatible: one StreamThread (or the test driver) owns each instance.
// Local queries from other threads go through the read-only wrappers that
// KafkaStreams::Store hands out.
#ifndef KSTREAMS_STATE_STATE_STORE_H_
#define KSTREAMS_STATE_STATE_STORE_H_

#include <cstdint>
#include <filesystem>
#include <string>

#include "absl/status/status.h"
#include "kstreams/processor/task_id.h"
#include "kstreams/streams_config.h"

namespace kstreams {

namespace internal {
class ChangelogSink;
class ThreadCache;
}  // namespace internal

// What a store learns about the task that owns it.
class StateStoreContext {
 public:
  virtual ~StateStoreContext() = default;
  virtual const std::string& application_id() const = 0;
  virtual TaskId task_id() const = 0;
  // <state.dir>/<application.id>/<task id>; created on demand.
  virtual std::filesystem::path state_dir() const = 0;
  virtual const StreamsConfig& config() const = 0;

  // Library use (the store layers in src/state); the defaults suit a store
  // used on its own, outside a task.
  //
  // The sink for the changelog of store `store_name`, or nullptr when its
  // changes go nowhere. Valid until the store is closed.
  virtual internal::ChangelogSink* changelog_sink(const std::string& store_name) {
    (void)store_name;
    return nullptr;
  }
  // The record cache of the thread that owns the task, or nullptr (no caching).
  virtual internal::ThreadCache* thread_cache() { return nullptr; }
  // The timestamp of the record being processed (the punctuation time inside
  // a punctuator); store writes are stamped with it. -1 before any record.
  virtual int64_t record_timestamp() const { return -1; }
};

class StateStore {
 public:
  virtual ~StateStore() = default;
  virtual const std::string& name() const = 0;
  virtual absl::Status Init(StateStoreContext& context) = 0;
  // Makes every write so far durable in the store and its changelog path.
  virtual absl::Status Flush() = 0;
  virtual absl::Status Close() = 0;
  virtual bool persistent() const = 0;
  virtual bool is_open() const = 0;
};

}  // namespace kstreams

#endif  // KSTREAMS_STATE_STATE_STORE_H_
