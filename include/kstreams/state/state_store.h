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

#include <filesystem>
#include <string>

#include "absl/status/status.h"
#include "kstreams/processor/task_id.h"
#include "kstreams/streams_config.h"

namespace kstreams {

// What a store learns about the task that owns it.
class StateStoreContext {
 public:
  virtual ~StateStoreContext() = default;
  virtual const std::string& application_id() const = 0;
  virtual TaskId task_id() const = 0;
  // <state.dir>/<application.id>/<task id>; created on demand.
  virtual std::filesystem::path state_dir() const = 0;
  virtual const StreamsConfig& config() const = 0;
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
