// src/runtime/changelog_reader.h  (internal: not for users)
//
// ChangelogReader: restores the logged stores of a stream thread's new tasks
// from their changelog topics (Java's StoreChangelogReader), through one
// group-less restore consumer per thread (ChangelogSource).
//
// For each registered changelog partition, the first Restore() round reads
// its watermarks and decides where to start:
//   - a persistent store with a checkpointed offset o: at o + 1. When o + 1
//     is past the end offset (the changelog was recreated or truncated) the
//     checkpoint cannot be honoured: the store is wiped
//     (StateRestoreCallback::Wipe) and restored from the beginning. When
//     o + 1 is before the first retained offset (retention dropped records
//     the store never saw), it restores from that first offset over its
//     local state, with a warning (wiping would lose more);
//   - a persistent store without a checkpointed offset (first start, deleted
//     or corrupt checkpoint): wiped, then restored from the beginning;
//   - an in-memory store: from the beginning (it starts empty).
// The end is the changelog's end offset at that moment (records arriving
// later are not waited for; only this task writes its changelog).
// Then each round polls once (at most `max_records` records, so the stream
// thread returns to its main consumer in time), hands each partition's
// records to its store's callback in one batch (records at or past the end
// offset are dropped; records without a key are skipped with a warning, as
// Java does; tombstones are deletes), and completes a partition once its
// position reached the end offset, or an EOF event says the fetch reached
// it: compaction gaps and trailing transaction markers, which no record
// shows, end restoration too. A completed partition stays assigned (its
// records are skipped) until no partition restores any more, when the
// round unassigns them all: re-assigning the others at each completion
// would make librdkafka drop and re-fetch everything they had prefetched.
//
// The StateRestoreListener hears OnRestoreStart / OnBatchRestored /
// OnRestoreEnd with Java's arguments; a listener that throws fails the
// round. Callbacks and wipes run with the task's store lock held.
//
// Thread-compatible: owned by one StreamThread.
#ifndef KSTREAMS_SRC_RUNTIME_CHANGELOG_READER_H_
#define KSTREAMS_SRC_RUNTIME_CHANGELOG_READER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kstreams/processor/state_restore_listener.h"
#include "kstreams/topic_partition.h"
#include "runtime/state_manager.h"

namespace kstreams::internal {

class Consumer;

// One record read from a changelog; views are valid until the next Poll().
struct PolledChangelogRecord {
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp = 0;
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;  // std::nullopt: a tombstone
};

// What the reader needs of a restore consumer (a fake in unit tests).
class ChangelogSource {
 public:
  virtual ~ChangelogSource() = default;
  // (first retained offset, end offset) of `tp`.
  virtual absl::StatusOr<std::pair<int64_t, int64_t>> Watermarks(const TopicPartition& tp) = 0;
  // Fetch exactly these partitions, each from its offset (replaces).
  virtual absl::Status Assign(const std::map<TopicPartition, int64_t>& start_offsets) = 0;
  // Up to `max_records` records of the assigned partitions, in offset order
  // per partition, waiting up to `timeout` for the first; and the EOF
  // events seen (partition, offset the fetch reached).
  virtual absl::Status Poll(int max_records, absl::Duration timeout,
                            std::vector<PolledChangelogRecord>* records,
                            std::vector<std::pair<TopicPartition, int64_t>>* eofs) = 0;
};

// A ChangelogSource over a group-less Consumer created with
// `enable.partition.eof=true` whose on_partition_eof hook calls OnEof().
class ConsumerChangelogSource final : public ChangelogSource {
 public:
  // Creates the restore consumer from `config` (librdkafka properties).
  static absl::StatusOr<std::unique_ptr<ConsumerChangelogSource>> Create(
      std::map<std::string, std::string> config);
  ~ConsumerChangelogSource() override;

  absl::StatusOr<std::pair<int64_t, int64_t>> Watermarks(const TopicPartition& tp) override;
  absl::Status Assign(const std::map<TopicPartition, int64_t>& start_offsets) override;
  absl::Status Poll(int max_records, absl::Duration timeout,
                    std::vector<PolledChangelogRecord>* records,
                    std::vector<std::pair<TopicPartition, int64_t>>* eofs) override;

 private:
  ConsumerChangelogSource();
  struct Batch;
  std::unique_ptr<Consumer> consumer_;
  std::unique_ptr<Batch> batch_;  // keeps the last Poll()'s records alive
  std::vector<std::pair<TopicPartition, int64_t>> eofs_;
};

class ChangelogReader {
 public:
  // `listener` may be null. `log_prefix` names the thread in messages.
  ChangelogReader(ChangelogSource* source, std::shared_ptr<StateRestoreListener> listener,
                  std::string log_prefix);

  // Registers every changelog of `task` (whose offsets were loaded from the
  // checkpoint). `store_lock` is held around the store callbacks. Both
  // must stay valid until Unregister(task).
  void Register(StateManager* task, std::mutex* store_lock);
  // Forgets the changelogs of `task` (closing or revoked).
  void Unregister(const StateManager* task);

  // One round (see the file comment). Returns how many records were
  // restored. Errors name the store, changelog partition and offsets; a
  // Watermarks() failure is retried in the next round.
  absl::StatusOr<int64_t> Restore(int max_records, absl::Duration timeout);

  // True when every changelog of `task` is restored to its end offset.
  bool IsRestored(const StateManager* task) const;
  // True while some changelog is not restored yet.
  bool HasPending() const;

 private:
  enum class Phase { kRegistered, kRestoring, kCompleted };
  struct Entry {
    StateManager* task = nullptr;
    std::mutex* store_lock = nullptr;
    StateManager::Changelog* changelog = nullptr;
    Phase phase = Phase::kRegistered;
    int64_t end = 0;       // end offset found at initialization (exclusive)
    int64_t position = 0;  // next offset to read
    int64_t restored = 0;
    bool reached_end = false;  // a record at or past `end`, or an EOF there
    std::vector<ChangelogRecord> batch;  // this round's records
  };

  absl::Status Initialize(Entry& entry);
  absl::Status Complete(Entry& entry);
  // Runs a listener call, turning an exception into an error.
  template <typename F>
  absl::Status Notify(const char* what, const Entry& entry, F&& call);

  ChangelogSource* source_;
  std::shared_ptr<StateRestoreListener> listener_;
  std::string log_prefix_;
  std::map<TopicPartition, Entry> entries_;
  bool assignment_changed_ = false;
  absl::Time last_watermark_warning_ = absl::InfinitePast();
  std::vector<PolledChangelogRecord> polled_;
  std::vector<std::pair<TopicPartition, int64_t>> eofs_;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_RUNTIME_CHANGELOG_READER_H_
