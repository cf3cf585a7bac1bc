#include "runtime/changelog_reader.h"

#include <algorithm>
#include <exception>
#include <span>

#include "kafka/consumer.h"
#include "kstreams/internal/strings.h"
#include "kstreams/log.h"
#include "kstreams/status_macros.h"

namespace kstreams::internal {

// --- ConsumerChangelogSource --------------------------------------------------

struct ConsumerChangelogSource::Batch {
  MessageBatch messages;
};

ConsumerChangelogSource::ConsumerChangelogSource() : batch_(std::make_unique<Batch>()) {}
ConsumerChangelogSource::~ConsumerChangelogSource() {
  batch_.reset();  // messages go back to librdkafka before the consumer closes
  consumer_.reset();
}

absl::StatusOr<std::unique_ptr<ConsumerChangelogSource>> ConsumerChangelogSource::Create(
    std::map<std::string, std::string> config) {
  std::unique_ptr<ConsumerChangelogSource> source(new ConsumerChangelogSource());
  ConsumerOptions options;
  options.config = std::move(config);
  options.config["enable.partition.eof"] = "true";
  options.on_partition_eof = [raw = source.get()](const TopicPartition& tp, int64_t offset) {
    raw->eofs_.emplace_back(tp, offset);
  };
  KSTREAMS_ASSIGN_OR_RETURN(source->consumer_, Consumer::Create(std::move(options)));
  return source;
}

absl::StatusOr<std::pair<int64_t, int64_t>> ConsumerChangelogSource::Watermarks(
    const TopicPartition& tp) {
  return consumer_->WatermarkOffsets(tp, absl::Seconds(5));
}

absl::Status ConsumerChangelogSource::Assign(
    const std::map<TopicPartition, int64_t>& start_offsets) {
  batch_->messages = MessageBatch();  // views into the old assignment go
  eofs_.clear();
  return consumer_->Assign(start_offsets);
}

absl::Status ConsumerChangelogSource::Poll(int max_records, absl::Duration timeout,
                                           std::vector<PolledChangelogRecord>* records,
                                           std::vector<std::pair<TopicPartition, int64_t>>* eofs) {
  batch_->messages = MessageBatch();
  KSTREAMS_ASSIGN_OR_RETURN(batch_->messages, consumer_->PollViews(max_records, timeout));
  const MessageBatch& batch = batch_->messages;
  records->reserve(records->size() + batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    RecordView v = batch[i];
    records->push_back(
        PolledChangelogRecord{v.topic, v.partition, v.offset, v.timestamp, v.key, v.value});
  }
  for (auto& eof : eofs_) eofs->push_back(std::move(eof));
  eofs_.clear();
  return absl::OkStatus();
}

// --- ChangelogReader ----------------------------------------------------------

ChangelogReader::ChangelogReader(ChangelogSource* source,
                                 std::shared_ptr<StateRestoreListener> listener,
                                 std::string log_prefix)
    : source_(source), listener_(std::move(listener)), log_prefix_(std::move(log_prefix)) {}

void ChangelogReader::Register(StateManager* task, std::mutex* store_lock) {
  for (StateManager::Changelog& c : task->changelogs()) {
    Entry& e = entries_[c.partition];
    e = Entry();
    e.task = task;
    e.store_lock = store_lock;
    e.changelog = &c;
  }
}

void ChangelogReader::Unregister(const StateManager* task) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.task != task) {
      ++it;
      continue;
    }
    if (it->second.phase == Phase::kRestoring) assignment_changed_ = true;
    it = entries_.erase(it);
  }
}

bool ChangelogReader::IsRestored(const StateManager* task) const {
  for (const auto& [tp, e] : entries_) {
    if (e.task == task && e.phase != Phase::kCompleted) return false;
  }
  return true;
}

bool ChangelogReader::HasPending() const {
  for (const auto& [tp, e] : entries_) {
    if (e.phase != Phase::kCompleted) return true;
  }
  return false;
}

template <typename F>
absl::Status ChangelogReader::Notify(const char* what, const Entry& entry, F&& call) {
  if (!listener_) return absl::OkStatus();
  try {
    call(*listener_);
  } catch (const std::exception& ex) {
    return absl::InternalError(StrCat("the state restore listener threw from ", what, " for store '",
                                      entry.changelog->store_name, "' (changelog ",
                                      entry.changelog->partition.ToString(), "): ", ex.what()));
  } catch (...) {
    return absl::InternalError(StrCat("the state restore listener threw from ", what,
                                      " for store '", entry.changelog->store_name, "'"));
  }
  return absl::OkStatus();
}

absl::Status ChangelogReader::Initialize(Entry& e) {
  StateManager::Changelog& c = *e.changelog;
  absl::StatusOr<std::pair<int64_t, int64_t>> watermarks = source_->Watermarks(c.partition);
  if (!watermarks.ok()) {
    // Transient (a broker away): the next round tries again.
    if (absl::Now() - last_watermark_warning_ > absl::Seconds(10)) {
      last_watermark_warning_ = absl::Now();
      LogLine(LogLevel::kWarning,
              StrCat(log_prefix_, ": cannot read the end offset of changelog ",
                     c.partition.ToString(), " (store '", c.store_name, "'), retrying: ",
                     watermarks.status().message()));
    }
    return absl::OkStatus();
  }
  const auto [low, end] = *watermarks;
  const std::string task = e.task->task_id().ToString();
  bool wipe = c.persistent;
  int64_t start = low;
  if (c.offset) {
    const int64_t next = *c.offset + 1;
    if (next > end) {
      LogLine(LogLevel::kWarning,
              StrCat(log_prefix_, ": task ", task, ": the checkpointed offset ", *c.offset,
                     " of store '", c.store_name, "' is past the end of changelog ",
                     c.partition.ToString(), " (offsets ", low, " to ", end,
                     "): the changelog was recreated or truncated, so the store is wiped and "
                     "restored from the beginning"));
      c.offset.reset();
    } else {
      wipe = false;
      start = std::max(next, low);
      if (next < low) {
        // Retention dropped records the store has not seen: replaying what
        // is left over the local state loses less than wiping it.
        LogLine(LogLevel::kWarning,
                StrCat(log_prefix_, ": task ", task, ": changelog ", c.partition.ToString(),
                       " no longer has offsets ", next, " to ", low - 1, " after store '",
                       c.store_name, "''s checkpoint (retention dropped them); restoring from ",
                       low, " over the local state: updates in that range are lost"));
      }
    }
  }
  if (wipe) {
    absl::Status s;
    {
      std::lock_guard<std::mutex> lock(*e.store_lock);
      s = c.callback->Wipe();
    }
    if (absl::IsUnimplemented(s)) {
      LogLine(LogLevel::kWarning,
              StrCat(log_prefix_, ": task ", task, ": store '", c.store_name,
                     "' has no usable checkpoint and cannot be wiped; restoring its changelog "
                     "over what it holds"));
    } else if (!s.ok()) {
      return absl::Status(s.code(), StrCat("task ", task, ": wiping store '", c.store_name,
                                           "' before restoring it: ", s.message()));
    }
  }
  e.end = end;
  e.position = start;
  LogLine(LogLevel::kInfo,
          StrCat(log_prefix_, ": task ", task, ": restoring store '", c.store_name, "' from ",
                 c.partition.ToString(), " offsets ", start, " to ", end,
                 wipe ? " (no usable checkpoint: wiped first)" : ""));
  KSTREAMS_RETURN_IF_ERROR(Notify("OnRestoreStart", e, [&](StateRestoreListener& l) {
    l.OnRestoreStart(c.partition, c.store_name, start, end);
  }));
  if (start >= end) return Complete(e);
  e.phase = Phase::kRestoring;
  assignment_changed_ = true;
  return absl::OkStatus();
}

absl::Status ChangelogReader::Complete(Entry& e) {
  // The partition stays assigned while others restore (its records are
  // skipped): a new assignment would make librdkafka drop what it has
  // prefetched for every partition and fetch it again, once per completed
  // partition. Restore() releases the assignment when nothing restores.
  e.phase = Phase::kCompleted;
  const StateManager::Changelog& c = *e.changelog;
  LogLine(LogLevel::kInfo, StrCat(log_prefix_, ": task ", e.task->task_id().ToString(),
                                  ": restored store '", c.store_name, "' from ",
                                  c.partition.ToString(), ": ", e.restored, " records"));
  return Notify("OnRestoreEnd", e, [&](StateRestoreListener& l) {
    l.OnRestoreEnd(c.partition, c.store_name, e.restored);
  });
}

absl::StatusOr<int64_t> ChangelogReader::Restore(int max_records, absl::Duration timeout) {
  for (auto& [tp, e] : entries_) {
    if (e.phase == Phase::kRegistered) KSTREAMS_RETURN_IF_ERROR(Initialize(e));
  }
  if (assignment_changed_) {
    std::map<TopicPartition, int64_t> assignment;
    for (const auto& [tp, e] : entries_) {
      if (e.phase == Phase::kRestoring) assignment[tp] = e.position;
    }
    absl::Status s = source_->Assign(assignment);
    if (!s.ok()) {
      return absl::Status(s.code(), StrCat("assigning changelogs to the restore consumer: ",
                                           s.message()));
    }
    assignment_changed_ = false;
  }
  bool restoring = false;
  for (const auto& [tp, e] : entries_) restoring |= e.phase == Phase::kRestoring;
  if (!restoring) return 0;

  polled_.clear();
  eofs_.clear();
  absl::Status polled = source_->Poll(max_records, timeout, &polled_, &eofs_);
  if (!polled.ok()) {
    return absl::Status(polled.code(),
                        StrCat("polling the restore consumer: ", polled.message()));
  }
  // Sort the records into per-partition batches, in order.
  std::vector<Entry*> touched;
  Entry* current = nullptr;
  std::string_view current_topic;
  int32_t current_partition = -1;
  for (const PolledChangelogRecord& r : polled_) {
    if (current == nullptr || r.partition != current_partition || r.topic != current_topic) {
      auto it = entries_.find(TopicPartition{std::string(r.topic), r.partition});
      current = it == entries_.end() ? nullptr : &it->second;
      current_topic = r.topic;
      current_partition = r.partition;
    }
    Entry* e = current;
    if (e == nullptr || e->phase != Phase::kRestoring || r.offset < e->position) continue;
    if (r.offset >= e->end) {
      e->reached_end = true;
      continue;
    }
    e->position = r.offset + 1;
    if (!r.key) {
      LogLine(LogLevel::kWarning,
              StrCat(log_prefix_, ": changelog ", e->changelog->partition.ToString(),
                     " has a record without a key at offset ", r.offset,
                     "; skipping it for restoration"));
      continue;
    }
    if (e->batch.empty()) touched.push_back(e);
    e->batch.push_back(ChangelogRecord{*r.key, r.value, r.timestamp, r.offset});
  }
  for (const auto& [tp, offset] : eofs_) {
    auto it = entries_.find(tp);
    if (it != entries_.end() && it->second.phase == Phase::kRestoring &&
        offset >= it->second.end) {
      it->second.reached_end = true;
    }
  }

  int64_t total = 0;
  for (Entry* e : touched) {
    StateManager::Changelog& c = *e->changelog;
    const int64_t first = e->batch.front().offset;
    const int64_t last = e->batch.back().offset;
    const int64_t n = static_cast<int64_t>(e->batch.size());
    absl::Status s;
    {
      std::lock_guard<std::mutex> lock(*e->store_lock);
      s = c.callback->RestoreBatch(std::span<const ChangelogRecord>(e->batch));
    }
    e->batch.clear();
    if (!s.ok()) {
      return absl::Status(s.code(), StrCat("task ", e->task->task_id().ToString(),
                                           ": restoring store '", c.store_name, "' from ",
                                           c.partition.ToString(), " offsets ", first, " to ",
                                           last, ": ", s.message()));
    }
    c.offset = last;
    e->restored += n;
    total += n;
    if (Sensor* restored = e->task->restore_sensor()) restored->Record(static_cast<double>(n));
    KSTREAMS_RETURN_IF_ERROR(Notify("OnBatchRestored", *e, [&](StateRestoreListener& l) {
      l.OnBatchRestored(c.partition, c.store_name, last, n);
    }));
  }
  restoring = false;
  for (auto& [tp, e] : entries_) {
    if (e.phase == Phase::kRestoring && (e.position >= e.end || e.reached_end)) {
      KSTREAMS_RETURN_IF_ERROR(Complete(e));
    }
    restoring |= e.phase == Phase::kRestoring;
  }
  if (!restoring) {
    // Every changelog is restored: stop fetching them all.
    absl::Status s = source_->Assign({});
    if (!s.ok()) {
      return absl::Status(s.code(), StrCat("unassigning the restored changelogs: ", s.message()));
    }
  }
  return total;
}

}  // namespace kstreams::internal
