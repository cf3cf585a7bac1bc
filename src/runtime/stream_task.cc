#include "runtime/stream_task.h"

#include <chrono>

#include "kstreams/status_macros.h"
#include "runtime/raw_record.h"

namespace kstreams::internal {

absl::StatusOr<std::unique_ptr<StreamTask>> StreamTask::Create(
    std::shared_ptr<const TopologyData> topology, const Subtopology& subtopology,
    TaskCore::Options options, const std::vector<TopicPartition>& partitions,
    int64_t max_task_idle_ms, PartitionGroup::CachedEndOffset cached_end_offset) {
  TaskId id = options.task_id;
  std::string application_id = options.config->application_id;
  KSTREAMS_ASSIGN_OR_RETURN(std::unique_ptr<TaskCore> core,
                            TaskCore::Create(std::move(topology), subtopology,
                                             std::move(options)));
  return std::unique_ptr<StreamTask>(new StreamTask(id, std::move(core),
                                                    PartitionGroup(partitions, max_task_idle_ms,
                                                                   std::move(cached_end_offset)),
                                                    partitions, std::move(application_id)));
}

absl::Status StreamTask::InitStores() {
  std::lock_guard<std::mutex> lock(store_lock());
  KSTREAMS_RETURN_IF_ERROR(core_->InitStores());
  state_ = std::make_unique<StateManager>(application_id_, id_, core_->state_dir(),
                                          core_->restore_registrations());
  state_->LoadCheckpoint();
  state_->set_restore_sensor(core_->task_metrics().restore);
  restoring_ = true;
  queryable_->core = core_.get();
  return absl::OkStatus();
}

absl::Status StreamTask::CompleteRestoration() {
  std::lock_guard<std::mutex> lock(store_lock());
  KSTREAMS_RETURN_IF_ERROR(core_->InitNodes());
  restoring_ = false;
  queryable_->up_to_date = true;
  return absl::OkStatus();
}

absl::StatusOr<int64_t> StreamTask::Process(int64_t max_records, int64_t now_ms) {
  if (restoring_) return 0;
  std::lock_guard<std::mutex> lock(store_lock());
  core_->SetProcessingTime(now_ms);
  // DEBUG: process-latency, measured per batch (two clock reads per batch,
  // not per record) and recorded as the batch's average per record.
  Sensor* latency = core_->task_metrics().process_latency;
  std::chrono::steady_clock::time_point started;
  if (latency != nullptr) started = std::chrono::steady_clock::now();
  int64_t processed = 0;
  while (processed < max_records) {
    std::optional<TopicPartition> tp = group_.NextPartition(now_ms);
    if (!tp) break;
    if (group_.enforced()) {
      if (Sensor* enforced = core_->task_metrics().enforced_processing) enforced->Record();
    }
    const ConsumerRecord& record = group_.Head(*tp);
    absl::Status s = core_->Process(ToRawRecord(record));
    // The record counts as consumed even when a handler skipped it.
    int64_t next_offset = record.offset + 1;
    group_.Pop(*tp);
    KSTREAMS_RETURN_IF_ERROR(s);
    uncommitted_[*tp] = next_offset;
    ++processed;
  }
  if (latency != nullptr && processed > 0) {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
    latency->Record(static_cast<double>(ns) / static_cast<double>(processed));
  }
  if (processed > 0) KSTREAMS_RETURN_IF_ERROR(core_->PunctuateStreamTime());
  return processed;
}

absl::Status StreamTask::PunctuateWallClock() {
  if (restoring_) return absl::OkStatus();
  std::lock_guard<std::mutex> lock(store_lock());
  return core_->PunctuateWallClock();
}

absl::Status StreamTask::FlushCaches() {
  std::lock_guard<std::mutex> lock(store_lock());
  return core_->FlushCaches();
}

absl::Status StreamTask::Flush() {
  std::lock_guard<std::mutex> lock(store_lock());
  return core_->Flush();
}

absl::Status StreamTask::CommitStoreTransactions() {
  std::lock_guard<std::mutex> lock(store_lock());
  return state_->CommitTransactions();
}

void StreamTask::MarkCommitted() {
  for (const auto& [tp, offset] : uncommitted_) committed_[tp] = offset;
  uncommitted_.clear();
}

void StreamTask::Close() {
  std::lock_guard<std::mutex> lock(store_lock());
  queryable_->core = nullptr;
  queryable_->up_to_date = false;
  core_->Close();
}

}  // namespace kstreams::internal
