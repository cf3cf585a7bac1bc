// kstreams/processor/state_store.h
//
// StateStore: the untyped lifecycle every store has (key-value, window,
// session). A task creates its own store instances from the topology's store
// builders, initializes them before its processors, flushes them at commit and
// closes them when the task closes.
//
// Thread-compatible: one StreamThread (or the test driver) owns each instance.
// Local queries from other threads go through the read-only wrappers that
// KafkaStreams::Store hands out.
//
// It sits in processor/, as Java keeps StateStore and StateStoreContext in
// org.apache.kafka.streams.processor: processors, the topology and the task
// see stores through it without including state/, and the stores in state/
// implement it. (kstreams/state/state_store.h still includes this header.)
#ifndef KSTREAMS_PROCESSOR_STATE_STORE_H_
#define KSTREAMS_PROCESSOR_STATE_STORE_H_

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kstreams/processor/streams_metrics.h"
#include "kstreams/processor/task_id.h"
#include "kstreams/streams_config.h"

namespace kstreams {

namespace internal {
class ChangelogSink;
class ThreadCache;
struct RocksDBSettings;
}  // namespace internal

// One record of a store's changelog topic, as restoration reads it back.
// Views are valid only during the RestoreBatch call that receives them.
struct ChangelogRecord {
  std::string_view key;
  std::optional<std::string_view> value;  // std::nullopt: a tombstone (delete)
  int64_t timestamp = 0;
  int64_t offset = 0;
};

// Writes changelog records straight into a store's bottom (bytes) layer,
// bypassing caching and change-logging (Java's BatchingStateRestoreCallback).
// Records arrive in changelog offset order; the store applies them as the
// writes they were (a tombstone deletes). An error fails the task's
// restoration and names the store.
class StateRestoreCallback {
 public:
  virtual ~StateRestoreCallback() = default;
  virtual absl::Status RestoreBatch(std::span<const ChangelogRecord> records) = 0;
  // Drops everything the store holds locally, so that a restoration from the
  // beginning of the changelog rebuilds exactly what the changelog says. The
  // runtime calls it, before the first RestoreBatch, for a persistent store
  // with no usable checkpoint (first start, checkpoint deleted or corrupt, or
  // a checkpointed offset the changelog no longer has). Default:
  // Unimplemented; the runtime then restores over the existing contents (what
  // Kafka Streams does under at_least_once) and logs that it did.
  virtual absl::Status Wipe() {
    return absl::UnimplementedError("this store cannot wipe its local state");
  }

  // Transactional stores (processing.guarantee=exactly_once_v2). Kafka
  // Streams wipes every store after a crash under EOS and restores it in
  // full; a transactional store instead keeps the task's uncommitted writes
  // apart, so that what it holds on disk is always a committed state, and
  // knows the changelog offset of that state: restoration replays only the
  // changelog after it.
  //
  // Called by the runtime once, after Init and before any RestoreBatch or
  // write. From then on the store keeps its writes apart until
  // CommitTransaction: reads through the store (the task) see them;
  // interactive queries (QueryReadScope), the disk and a reopened store do
  // not. Returns the offset of the last changelog record the store's
  // committed contents include (RestoreBatch advances it too), or
  // std::nullopt when it knows none. Default: Unimplemented: the store
  // writes through, and after a crash the runtime wipes and restores it.
  virtual absl::StatusOr<std::optional<int64_t>> BeginTransactions() {
    return absl::UnimplementedError("this store is not transactional");
  }
  // The thread's transaction committed, and the store's changelog with it
  // up to `changelog_offset`: makes the writes kept apart durable and
  // visible together with that offset, in one atomic write, and starts
  // keeping the next ones apart. Closing the store without it drops them
  // (an aborted transaction, a dirty close, a crash).
  // REQUIRES: BeginTransactions() succeeded.
  virtual absl::Status CommitTransaction(int64_t changelog_offset) {
    (void)changelog_offset;
    return absl::UnimplementedError("this store is not transactional");
  }
};

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
  // The rocksdb.* settings, parsed once when the task's client started, or
  // nullptr (a store used on its own parses config()).
  virtual const internal::RocksDBSettings* rocksdb_settings() const { return nullptr; }
  // The record cache of the thread that owns the task, or nullptr (no caching).
  virtual internal::ThreadCache* thread_cache() { return nullptr; }
  // The timestamp of the record being processed (the punctuation time inside
  // a punctuator); store writes are stamped with it. -1 before any record.
  virtual int64_t record_timestamp() const { return -1; }
  // Called from Init by the change-logging layer of a logged store (Java's
  // ProcessorContext.register): the runtime replays the changelog
  // "<application.id>-<store_name>-changelog" (task partition) through
  // `restore` before the task processes anything. `restore` stays valid until
  // the store is closed. Stores without logging do not register. The default
  // (test driver, stores used on their own) restores nothing.
  virtual void RegisterRestore(const std::string& store_name, StateRestoreCallback* restore) {
    (void)store_name;
    (void)restore;
  }
  // The task's metrics, for the store's sensors (stream-state-metrics), or
  // nullptr (a store used on its own records none).
  virtual StreamsMetrics* metrics() { return nullptr; }
};

class StateStore {
 public:
  virtual ~StateStore() = default;
  virtual const std::string& name() const = 0;
  virtual absl::Status Init(StateStoreContext& context) = 0;
  // Writes down what caching layers hold (forwarding their pending updates
  // to flush listeners and changelogs). Every commit calls it; stores
  // without a cache have nothing to do.
  virtual absl::Status FlushCache() { return absl::OkStatus(); }
  // FlushCache(), then makes every write so far durable on disk (RocksDB
  // memtables flushed). Called before a checkpoint is written and on close,
  // not on every commit (as in Kafka Streams, whose RocksDB flush follows
  // the checkpoint cadence).
  virtual absl::Status Flush() = 0;
  virtual absl::Status Close() = 0;
  virtual bool persistent() const = 0;
  virtual bool is_open() const = 0;
};

}  // namespace kstreams

#endif  // KSTREAMS_PROCESSOR_STATE_STORE_H_
