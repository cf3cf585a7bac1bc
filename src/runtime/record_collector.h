// src/runtime/record_collector.h  (internal: not for users)
//
// RecordCollectorImpl: where a StreamThread's sink nodes send. Records go to
// the thread's Producer; keyed records without an explicit partition are
// placed by librdkafka's murmur2_random partitioner, which places keys as the
// Java client does. Every delivery report is checked: under the default
// production handler (`fail`) the first failed send or delivery is kept as
// error() (naming topic and partition) and the thread must fail before its
// next commit, so offsets are never committed past a lost record. Under
// `continue` failures are logged, counted and skipped. A retriable delivery
// failure (a timeout, not enough replicas, no leader) the handler answers
// RETRY to asks for a rewind instead (rewind_requested(); Java's
// TaskCorruptedException): the TaskManager takes every task of the thread
// back to its last commit, so the records are produced again.
//
// Thread-compatible: one StreamThread owns it; delivery reports arrive inside
// the producer calls that thread makes.
#ifndef KSTREAMS_SRC_RUNTIME_RECORD_COLLECTOR_H_
#define KSTREAMS_SRC_RUNTIME_RECORD_COLLECTOR_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "kafka/producer.h"
#include "kstreams/errors/exception_handlers.h"
#include "kstreams/processor/internal/task_context.h"

namespace kstreams::internal {

class RecordCollectorImpl final : public RecordCollector {
 public:
  // `producer` must outlive the collector and call OnDelivery() for every
  // delivery report (ProducerOptions::on_delivery).
  // `handler` must outlive the collector.
  RecordCollectorImpl(Producer* producer, ProductionExceptionHandler* handler);

  void Send(std::string_view topic, RawBytes key, RawBytes value, int64_t timestamp,
            const Headers& headers, int32_t partition) override;
  std::optional<int32_t> PartitionCount(std::string_view topic) override;

  void OnDelivery(const DeliveryResult& result);

  // Changelog offsets for checkpoints: from TrackOffsets(tp) on, the offset
  // of the last acknowledged record of `tp` is kept (delivery reports of
  // other partitions cost one hash lookup of their topic).
  void TrackOffsets(const TopicPartition& tp);
  void UntrackOffsets(const TopicPartition& tp);
  // The offset of the last record of `tp` acknowledged since TrackOffsets,
  // or std::nullopt (none yet, or not tracked).
  std::optional<int64_t> AckedOffset(const TopicPartition& tp) const;

  // Serves delivery reports that are ready, without waiting.
  void Poll() { producer_->Poll(); }
  // Waits for every record sent so far to be acknowledged, then returns the
  // first failure (or OK). The commit protocol calls it before committing.
  absl::Status FlushAndCheck(absl::Duration timeout);
  // Records sent but not acknowledged yet (the producer's queue).
  int InFlight() const { return producer_->InFlight(); }

  // The thread failed: records not delivered yet are dropped (so a dead
  // thread writes nothing more, e.g. while its stores close), and later
  // sends are dropped too.
  void Abandon();
  // exactly_once_v2, after a fatal producer error: sends go to `producer`
  // from now on, and the collector forgets Abandon() and its error.
  // `producer` must outlive the collector (or the next call).
  void ReplaceProducer(Producer* producer);

  // The first send or delivery failure the handler answered FAIL to.
  const absl::Status& error() const { return error_; }
  // A delivery failed since the last TakeRewindRequest() and the handler
  // answered RETRY: what was sent since the last commit must be sent again.
  bool rewind_requested() const { return rewind_requested_; }
  bool TakeRewindRequest() { return std::exchange(rewind_requested_, false); }
  int64_t sent() const { return sent_; }
  int64_t skipped() const { return skipped_; }

 private:
  // Asks the handler; true means RETRY.
  bool Fail(absl::Status status, const ProducedRecordView& record, bool retriable);

  Producer* producer_;
  ProductionExceptionHandler* handler_;
  bool abandoned_ = false;
  bool rewind_requested_ = false;
  absl::Status error_;
  int64_t sent_ = 0;
  int64_t skipped_ = 0;
  std::map<std::string, int32_t, std::less<>> partition_counts_;
  // topic -> partition -> last acked offset (-1: none yet).
  absl::flat_hash_map<std::string, absl::flat_hash_map<int32_t, int64_t>> acked_;
  std::vector<HeaderView> header_views_;  // reused per Send
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_RUNTIME_RECORD_COLLECTOR_H_
