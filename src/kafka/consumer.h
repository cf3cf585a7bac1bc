// src/kafka/consumer.h  (internal: not for users)
//
// Consumer: an RAII librdkafka group consumer for a StreamThread. It is set up
// the way Kafka Streams sets up its main consumer where librdkafka allows:
// `partition.assignment.strategy=range` (co-partitions topics with equal
// partition counts, see DESIGN.md), no auto commit, no automatic offset
// store: the runtime commits exactly the offsets it processed, with
// CommitSync().
//
// Rebalances: the OnAssigned / OnRevoked hooks run inside PollBatch()/PollViews()
// (and inside Close() for the final revocation), on the polling thread, like
// Java's ConsumerRebalanceListener. With the eager `range` protocol every
// rebalance revokes the whole assignment, then assigns the new one.
// OnAssigned runs after the partitions are assigned (so it may Seek/Pause);
// OnRevoked runs before they are taken away (so it may still CommitSync).
//
// Thread-safety: thread-compatible; one thread owns it and calls everything.
//
// Example:
//
//   ConsumerOptions options;
//   options.config = {{"bootstrap.servers", bootstrap}, {"group.id", "app"},
//                     {"auto.offset.reset", "earliest"}};
//   options.on_assigned = [](const std::vector<TopicPartition>& tps) { ... };
//   KSTREAMS_ASSIGN_OR_RETURN(auto consumer, Consumer::Create(std::move(options)));
//   KSTREAMS_RETURN_IF_ERROR(consumer->Subscribe({"in"}));
//   KSTREAMS_ASSIGN_OR_RETURN(auto records,
//                             consumer->PollBatch(500, absl::Milliseconds(100)));
//   ... process ...
//   KSTREAMS_RETURN_IF_ERROR(consumer->CommitSync({{{"in", 0}, last_offset + 1}}));
#ifndef KSTREAMS_SRC_KAFKA_CONSUMER_H_
#define KSTREAMS_SRC_KAFKA_CONSUMER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kafka/kafka_common.h"

namespace kstreams::internal {

// Special start offsets for Assign(), with librdkafka's (and Kafka's ListOffsets)
// values.
inline constexpr int64_t kOffsetBeginning = -2;  // earliest retained record
inline constexpr int64_t kOffsetEnd = -1;        // only records produced from now on
inline constexpr int64_t kOffsetStored = -1000;  // the group's committed offset,
                                                 // else auto.offset.reset

// A polled record viewed in place, without copying its bytes. Every view is
// valid only while the MessageBatch it came from is alive.
struct RecordView {
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp = -1;
  TimestampType timestamp_type = TimestampType::kNotAvailable;
  std::optional<std::string_view> key;    // std::nullopt: Kafka null
  std::optional<std::string_view> value;  // std::nullopt: Kafka null
};

// Records returned by Consumer::PollViews(), still in librdkafka's buffers
// (released by the destructor). Move-only; thread-compatible.
class MessageBatch {
 public:
  MessageBatch() = default;
  ~MessageBatch();
  MessageBatch(MessageBatch&& other) noexcept;
  MessageBatch& operator=(MessageBatch&& other) noexcept;
  MessageBatch(const MessageBatch&) = delete;
  MessageBatch& operator=(const MessageBatch&) = delete;

  size_t size() const { return messages_.size(); }
  bool empty() const { return messages_.empty(); }
  // REQUIRES: i < size().
  RecordView operator[](size_t i) const;
  // Headers of record i, in order (views into the batch).
  std::vector<HeaderView> Headers(size_t i) const;
  // Record i copied out of the batch.
  ConsumerRecord ToOwned(size_t i) const;

 private:
  friend class Consumer;
  void Clear();
  std::vector<rd_kafka_message_s*> messages_;
};

struct ConsumerOptions {
  // librdkafka consumer properties; `group.id` is required for Subscribe,
  // CommitSync and Committed (not for Assign). They override
  // the defaults (`partition.assignment.strategy=range`,
  // `enable.auto.commit=false`, `enable.auto.offset.store=false`).
  // Note librdkafka's `auto.offset.reset` default is `latest`; Kafka Streams
  // uses `earliest`. Default: empty.
  KafkaConfigMap config;
  // Rebalance hooks, see the file comment. Default: none.
  // `start_offsets` runs first on an assignment (before it is applied): the
  // offsets it returns are where those partitions start fetching, instead
  // of the group's committed offsets.
  std::function<std::map<TopicPartition, int64_t>(const std::vector<TopicPartition>&)>
      start_offsets;
  std::function<void(const std::vector<TopicPartition>&)> on_assigned;
  std::function<void(const std::vector<TopicPartition>&)> on_revoked;
  // Non-fatal errors librdkafka reports while polling (broker down, unknown
  // subscribed topic...). librdkafka retries these by itself. Default: none.
  std::function<void(const absl::Status&)> on_error;
  // librdkafka's statistics (its JSON document), every
  // `statistics.interval.ms` (which the config must set), inside PollBatch.
  // Default: none.
  std::function<void(std::string_view json)> on_statistics;
  // Partition EOF events, when the config sets `enable.partition.eof=true`:
  // the consumer fetched everything of `tp` up to `offset` (the high
  // watermark at that fetch). They come past trailing transaction markers
  // and compaction gaps, which records alone cannot show (the restore
  // consumer uses them to tell that a changelog is restored to its end).
  // A poll that delivered an EOF event returns without waiting further.
  // Default: none (EOF events are skipped).
  std::function<void(const TopicPartition& tp, int64_t offset)> on_partition_eof;
};

class Consumer {
 public:
  // Errors: InvalidArgument for a bad config.
  static absl::StatusOr<std::unique_ptr<Consumer>> Create(ConsumerOptions options);

  // Closes (leaving the group, see Close()) if not closed yet.
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Subscribes to exactly these topics (replacing any previous subscription).
  absl::Status Subscribe(const std::vector<std::string>& topics);
  // Subscribes to every topic whose whole name matches `regex` (librdkafka's
  // POSIX-like regex syntax). librdkafka needs a leading '^' to tell a pattern
  // from a name: "metrics-.*|logs" is sent as "^(metrics-.*|logs)$"; a
  // pattern that already starts with '^' is sent as written. Topics created
  // later are picked up on metadata refresh
  // (`topic.metadata.refresh.interval.ms`).
  absl::Status SubscribePattern(std::string_view regex);

  // Manual assignment without group membership (Kafka Streams' restore and
  // global consumers): fetch exactly these partitions, each from its start
  // offset (an offset, or kOffsetBeginning / kOffsetEnd / kOffsetStored).
  // Replaces the previous assignment; an empty map unassigns everything.
  // REQUIRES: not subscribed.
  absl::Status Assign(const std::map<TopicPartition, int64_t>& start_offsets);

  // Waits up to `timeout` for the first record, then takes whatever else is
  // already fetched, up to `max_records`. Rebalance hooks run in here.
  // Errors: only fatal consumer errors; transient ones go to on_error and
  // partition EOF events are skipped.
  absl::StatusOr<std::vector<ConsumerRecord>> PollBatch(int max_records,
                                                        absl::Duration timeout);
  // Same as PollBatch, without copying the records' bytes.
  absl::StatusOr<MessageBatch> PollViews(int max_records, absl::Duration timeout);

  // Commits `offsets` (the NEXT offset to read per partition, i.e. last
  // processed + 1, as in Kafka) synchronously. Errors name the first
  // partition that failed.
  absl::Status CommitSync(const std::map<TopicPartition, int64_t>& offsets);

  // The group's committed offsets (next offset to read) for `partitions`;
  // std::nullopt for a partition with no committed offset.
  absl::StatusOr<std::map<TopicPartition, std::optional<int64_t>>> Committed(
      const std::vector<TopicPartition>& partitions,
      absl::Duration timeout = absl::Seconds(10));

  // Next fetch of `tp` starts at `offset`. REQUIRES: tp is assigned.
  // `timeout` zero: asynchronous (returns at once; a later failure surfaces
  // as a consumer error).
  absl::Status Seek(const TopicPartition& tp, int64_t offset,
                    absl::Duration timeout = absl::Seconds(10));
  // Stops / restarts fetching these partitions (assignment is unchanged).
  absl::Status Pause(const std::vector<TopicPartition>& partitions);
  absl::Status Resume(const std::vector<TopicPartition>& partitions);

  // (low, high) watermarks of `tp` from its leader: the first retained offset
  // and the offset the next produced record will get (the "end offset").
  absl::StatusOr<std::pair<int64_t, int64_t>> WatermarkOffsets(
      const TopicPartition& tp, absl::Duration timeout = absl::Seconds(10));

  // (low, high) watermarks of `tp` as last seen in fetch responses, without
  // asking the broker; std::nullopt while unknown (nothing fetched yet).
  std::optional<std::pair<int64_t, int64_t>> CachedWatermarkOffsets(const TopicPartition& tp) const;

  // The currently assigned partitions, sorted.
  absl::StatusOr<std::vector<TopicPartition>> Assignment() const;

  // Leaves the group (the revocation hook runs first, so offsets can be
  // committed), then stops the consumer. Idempotent. After Close() only the
  // destructor may be called.
  absl::Status Close();

  // The librdkafka handle, for other src/kafka code.
  rd_kafka_s* handle() const { return rk_.get(); }

 private:
  Consumer() = default;
  friend struct ConsumerCallbacks;
  void OnRebalance(int err, void* partitions);
  void OnError(int err, const char* reason);
  void OnStatistics(std::string_view json) {
    if (options_.on_statistics) options_.on_statistics(json);
  }

  ConsumerOptions options_;
  KafkaHandlePtr rk_;
  bool closed_ = false;
  bool has_group_id_ = false;
  bool subscribed_ = false;
  bool cooperative_ = false;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_KAFKA_CONSUMER_H_
