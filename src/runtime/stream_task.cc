#include "runtime/stream_task.h"

#include "kstreams/status_macros.h"

namespace kstreams::internal {

absl::StatusOr<std::unique_ptr<StreamTask>> StreamTask::Create(
    std::shared_ptr<const TopologyData> topology, const Subtopology& subtopology,
    TaskCore::Options options, const std::vector<TopicPartition>& partitions,
    int64_t max_task_idle_ms) {
  TaskId id = options.task_id;
  KSTREAMS_ASSIGN_OR_RETURN(std::unique_ptr<TaskCore> core,
                            TaskCore::Create(std::move(topology), subtopology,
                                             std::move(options)));
  return std::unique_ptr<StreamTask>(
      new StreamTask(id, std::move(core), PartitionGroup(partitions, max_task_idle_ms)));
}

absl::StatusOr<int64_t> StreamTask::Process(int64_t max_records, int64_t now_ms) {
  int64_t processed = 0;
  while (processed < max_records) {
    std::optional<TopicPartition> tp = group_.NextPartition(now_ms);
    if (!tp) break;
    const ConsumerRecord& record = group_.Head(*tp);
    RawRecord raw;
    raw.topic = record.topic;
    raw.partition = record.partition;
    raw.offset = record.offset;
    raw.timestamp = record.timestamp;
    if (record.key) raw.key = *record.key;
    if (record.value) raw.value = *record.value;
    for (const OwnedHeader& h : record.headers) raw.headers.Add(h.key, h.value);
    absl::Status s = core_->Process(raw);
    // The record counts as consumed even when a handler skipped it.
    int64_t next_offset = record.offset + 1;
    group_.Pop(*tp);
    KSTREAMS_RETURN_IF_ERROR(s);
    uncommitted_[*tp] = next_offset;
    ++processed;
  }
  if (processed > 0) KSTREAMS_RETURN_IF_ERROR(core_->PunctuateStreamTime());
  return processed;
}

}  // namespace kstreams::internal
