// src/kafka/producer.h  (internal: not for users)
//
// Producer: an RAII librdkafka producer for the runtime's RecordCollector.
// Keyed records are placed like the Java client places them
// (`partitioner=murmur2_random` unless the config overrides it), bytes are
// copied at Send (callers may reuse their buffers at once), and every delivery
// report is counted so a commit can check that everything sent since the
// previous commit was acknowledged.
//
// Thread-safety: thread-compatible (one StreamThread owns it). Delivery
// reports, the delivery hook and the error hook run inside Poll()/Flush()/
// Send() on the calling thread. The delivery counters are atomic, so
// delivery_counts() may be read from another thread (each counter is exact;
// the three are not read as one snapshot).
//
// Example:
//
//   KSTREAMS_ASSIGN_OR_RETURN(auto producer,
//       Producer::Create({{"bootstrap.servers", bootstrap}}));
//   KSTREAMS_RETURN_IF_ERROR(producer->Send("out", /*partition=*/-1, "k", "v",
//                                           /*timestamp_ms=*/1000, {}));
//   KSTREAMS_RETURN_IF_ERROR(producer->Flush(absl::Seconds(10)));
//   KSTREAMS_RETURN_IF_ERROR(producer->TakeDeliveryStatus());  // all acked?
#ifndef KSTREAMS_SRC_KAFKA_PRODUCER_H_
#define KSTREAMS_SRC_KAFKA_PRODUCER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/node_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "kafka/kafka_common.h"

struct rd_kafka_topic_s;  // librdkafka's topic handle
struct rd_kafka_error_s;  // librdkafka's rich error (transactions)

namespace kstreams::internal {

class Consumer;

// What a failed transactional call (Producer::*Transaction*) asks of its
// caller, as librdkafka classifies the error. Carried in the absl::Status
// (a payload); read it with TransactionErrorKindOf().
enum class TransactionErrorKind {
  kNone,       // OK, or not a transactional call's error
  kRetriable,  // call the same method again (e.g. a timeout)
  kAbortable,  // the transaction must be aborted (AbortTransaction), then go on
  kFatal,      // the producer is unusable (fenced, ...): destroy it, make a new one
};
TransactionErrorKind TransactionErrorKindOf(const absl::Status& status);
// `status` (not OK) marked with `kind`, as the transactional calls return it
// (tests use it to fake them).
absl::Status WithTransactionErrorKind(absl::Status status, TransactionErrorKind kind);

// The outcome of one produced record, as its delivery report tells it.
struct DeliveryResult {
  std::string topic;
  int32_t partition = -1;  // the partition chosen (also for failures, if known)
  int64_t offset = -1;     // -1 when the broker did not assign one
  absl::Status status;     // OK when the broker acknowledged the record
};

struct ProducerOptions {
  // librdkafka producer properties (`bootstrap.servers`, `acks`, `linger.ms`,
  // ...). They override the defaults below. Default: empty.
  KafkaConfigMap config;
  // Sets `enable.idempotence` (exactly-once per partition, no reordering on
  // retry). Default: false (true with a `transactional.id`).
  bool idempotence = false;
  // How long Send() keeps polling and retrying when librdkafka's local queue
  // is full (`queue.buffering.max.messages`/`.kbytes`) before giving up with
  // ResourceExhausted. Default: 30 s.
  absl::Duration queue_full_timeout = absl::Seconds(30);
  // Called for every delivery report (inside Poll/Flush/Send). Lets the
  // runtime learn changelog offsets for checkpoints. Default: none.
  std::function<void(const DeliveryResult&)> on_delivery;
  // Called for client-level errors librdkafka reports outside any one record
  // (all brokers down, fatal idempotence errors...). Default: none.
  std::function<void(const absl::Status&)> on_error;
  // librdkafka's statistics (its JSON document), every
  // `statistics.interval.ms` (which the config must set), inside Poll/Flush/
  // Send. Default: none.
  std::function<void(std::string_view json)> on_statistics;
};

// Delivery report counts since the producer was created.
struct DeliveryCounts {
  int64_t sent = 0;    // records accepted by Send()
  int64_t acked = 0;   // delivery reports with success
  int64_t failed = 0;  // delivery reports with an error
};

class Producer {
 public:
  // Creates the producer. Errors: InvalidArgument for a bad config key/value.
  static absl::StatusOr<std::unique_ptr<Producer>> Create(ProducerOptions options);
  // Convenience: default options with `config`.
  static absl::StatusOr<std::unique_ptr<Producer>> Create(KafkaConfigMap config);

  // Does not flush: records not yet delivered are dropped (purged) so that
  // destruction never blocks. Call Flush() first to keep them.
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Queues one record. `partition` -1 lets the partitioner choose (by key;
  // null keys go to a random partition). `key`/`value` std::nullopt are
  // Kafka nulls (a tombstone value), distinct from empty strings.
  // `timestamp_ms` is the record's CreateTime; note librdkafka treats 0 as
  // "now", so a record cannot be sent with timestamp 0 exactly.
  // Errors: ResourceExhausted if the local queue stays full for
  // queue_full_timeout; InvalidArgument/NotFound for bad topic/partition;
  // the returned status names the topic. An OK return means queued, not
  // delivered: see TakeDeliveryStatus().
  absl::Status Send(std::string_view topic, int32_t partition,
                    std::optional<std::string_view> key,
                    std::optional<std::string_view> value, int64_t timestamp_ms,
                    const std::vector<HeaderView>& headers);

  // Serves delivery reports and error callbacks, waiting up to `timeout` for
  // the first one. Returns how many events were served.
  int Poll(absl::Duration timeout = absl::ZeroDuration());

  // Waits until every queued record has a delivery report, or `timeout`.
  // Errors: DeadlineExceeded naming how many records are still in flight.
  // A successful Flush says nothing about whether deliveries succeeded: check
  // TakeDeliveryStatus().
  absl::Status Flush(absl::Duration timeout);

  // The first delivery failure since the previous call (OK if none), then
  // forgets it; or the producer's fatal error (which is never forgotten). Call after a successful Flush() at each commit: OK means every
  // record sent since the last commit was acknowledged.
  absl::Status TakeDeliveryStatus();

  // Drops every record not yet delivered (queued or in flight) without
  // waiting; their delivery reports fail with a purge error. For a stream
  // thread that dies: nothing it queued lands after it gave up.
  void Purge();

  DeliveryCounts delivery_counts() const;

  // Records queued or in flight (librdkafka's outq length).
  int InFlight() const;

  // Partition count of `topic` from cluster metadata (does not auto-create).
  // Errors: NotFound when the cluster does not know the topic.
  absl::StatusOr<int32_t> PartitionCount(std::string_view topic,
                                         absl::Duration timeout = absl::Seconds(10));

  // --- Transactions (a producer made with `transactional.id` set).
  //
  // InitTransactions once (it fences older producers of the same
  // transactional.id and aborts their open transaction); then each Send
  // outside a transaction begins one (rd_kafka_begin_transaction, a local
  // call), and CommitTransaction / AbortTransaction end it. Errors carry a
  // TransactionErrorKind (TransactionErrorKindOf).
  bool transactional() const { return transactional_; }
  // True between the first Send (or SendOffsetsToTransaction) after
  // InitTransactions / a commit / an abort and the next commit or abort.
  bool in_transaction() const { return in_transaction_; }
  absl::Status InitTransactions(absl::Duration timeout);
  // Adds the consumer's offsets (next offset to read per partition) to the
  // transaction, with the consumer's group metadata (group id, generation,
  // member id: the group coordinator refuses a zombie's offsets). Begins a
  // transaction when none is open.
  absl::Status SendOffsetsToTransaction(const std::map<TopicPartition, int64_t>& offsets,
                                        const Consumer& consumer, absl::Duration timeout);
  // Flushes, then commits the open transaction (if any). Retriable errors
  // are retried until `timeout`.
  absl::Status CommitTransaction(absl::Duration timeout);
  // Aborts the open transaction (if any): records not delivered yet are
  // dropped, delivered ones are marked aborted (read_committed consumers
  // never see them).
  absl::Status AbortTransaction(absl::Duration timeout);
  // The producer's fatal error (fenced by a newer producer with the same
  // transactional.id, an idempotence failure...), or OK. Once set, the
  // producer is unusable for good.
  absl::Status FatalError() const;

  // The librdkafka handle, for other src/kafka code (e.g. transactions).
  rd_kafka_s* handle() const { return rk_.get(); }

 private:
  Producer() = default;
  friend struct ProducerCallbacks;
  void OnDelivery(const rd_kafka_message_s& msg);
  void OnError(int err, const char* reason);
  void OnStatistics(std::string_view json) {
    if (options_.on_statistics) options_.on_statistics(json);
  }

  // librdkafka's handle for `topic`, made on first use and kept: producev
  // by handle skips librdkafka's per-record lookup of the topic by name (a
  // lock, a scan and a reference count), and the name needs no copy.
  rd_kafka_topic_s* TopicHandle(std::string_view topic);
  // Begins a transaction when the producer is transactional and none is open.
  absl::Status EnsureTransaction();
  // CommitTransaction / AbortTransaction: retriable errors are retried
  // until `timeout`.
  absl::Status EndTransaction(bool commit, absl::Duration timeout);
  // Takes ownership of `error` (non-null); the status names `operation`
  // and carries the error's TransactionErrorKind.
  absl::Status TransactionError(rd_kafka_error_s* error, std::string_view operation);

  ProducerOptions options_;
  KafkaHandlePtr rk_;
  // Topic handles, destroyed before rk_; the last one used is tried first.
  absl::node_hash_map<std::string, rd_kafka_topic_s*> topics_;
  std::string_view last_topic_name_;
  rd_kafka_topic_s* last_topic_ = nullptr;
  // Counted without a lock: Send and the delivery reports are on the
  // hot path (one of each per record).
  bool transactional_ = false;
  bool in_transaction_ = false;
  std::atomic<int64_t> sent_{0};
  std::atomic<int64_t> acked_{0};
  std::atomic<int64_t> failed_{0};
  mutable absl::Mutex mu_;
  absl::Status first_failure_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_KAFKA_PRODUCER_H_
