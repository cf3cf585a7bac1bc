#include "kafka/producer.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <utility>

#include "absl/strings/cord.h"
#include "kafka/consumer.h"
#include "kstreams/internal/strings.h"
#include "kstreams/status_macros.h"

namespace kstreams::internal {

namespace {

// librdkafka tells "null" from "empty" by the pointer alone, and an empty
// std::string_view may carry a null data(): point empty-but-present bytes
// here instead.
constexpr char kEmptyBytes[1] = {'\0'};

const void* BytesOrNull(const std::optional<std::string_view>& v) {
  if (!v.has_value()) return nullptr;
  return v->data() != nullptr ? v->data() : kEmptyBytes;
}

int ToMillis(absl::Duration d) {
  return static_cast<int>(std::clamp<int64_t>(absl::ToInt64Milliseconds(d), 0, 1 << 30));
}

constexpr char kTransactionErrorKindPayload[] = "kstreams.kafka.TransactionErrorKind";

struct ErrorDeleter {
  void operator()(rd_kafka_error_t* e) const { rd_kafka_error_destroy(e); }
};

}  // namespace

// Static trampolines from librdkafka's C callbacks to the Producer; the
// opaque pointer is the Producer itself.
struct ProducerCallbacks {
  static void Delivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
    static_cast<Producer*>(opaque)->OnDelivery(*msg);
  }
  static void Error(rd_kafka_t*, int err, const char* reason, void* opaque) {
    static_cast<Producer*>(opaque)->OnError(err, reason);
  }
  // Returns 0: librdkafka frees the document.
  static int Statistics(rd_kafka_t*, char* json, size_t len, void* opaque) {
    static_cast<Producer*>(opaque)->OnStatistics(std::string_view(json, len));
    return 0;
  }
};

TransactionErrorKind TransactionErrorKindOf(const absl::Status& status) {
  auto kind = status.GetPayload(kTransactionErrorKindPayload);
  if (status.ok() || !kind) return TransactionErrorKind::kNone;
  if (*kind == "retriable") return TransactionErrorKind::kRetriable;
  if (*kind == "abortable") return TransactionErrorKind::kAbortable;
  return TransactionErrorKind::kFatal;
}

absl::Status WithTransactionErrorKind(absl::Status status, TransactionErrorKind kind) {
  const char* name = "fatal";
  if (kind == TransactionErrorKind::kRetriable) name = "retriable";
  if (kind == TransactionErrorKind::kAbortable) name = "abortable";
  if (kind != TransactionErrorKind::kNone) {
    status.SetPayload(kTransactionErrorKindPayload, absl::Cord(name));
  }
  return status;
}

absl::StatusOr<std::unique_ptr<Producer>> Producer::Create(KafkaConfigMap config) {
  ProducerOptions options;
  options.config = std::move(config);
  return Create(std::move(options));
}

absl::StatusOr<std::unique_ptr<Producer>> Producer::Create(ProducerOptions options) {
  // Defaults first, user config on top (std::map::insert keeps existing keys).
  KafkaConfigMap config = options.config;
  config.insert({"partitioner", "murmur2_random"});
  // A transactional producer is idempotent (librdkafka refuses otherwise).
  const bool transactional = config.contains("transactional.id");
  config.insert(
      {"enable.idempotence", options.idempotence || transactional ? "true" : "false"});
  KSTREAMS_ASSIGN_OR_RETURN(ConfPtr conf, BuildConf(config));

  std::unique_ptr<Producer> producer(new Producer());
  producer->transactional_ = transactional;
  producer->options_ = std::move(options);
  rd_kafka_conf_set_opaque(conf.get(), producer.get());
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &ProducerCallbacks::Delivery);
  rd_kafka_conf_set_error_cb(conf.get(), &ProducerCallbacks::Error);
  if (producer->options_.on_statistics) {
    rd_kafka_conf_set_stats_cb(conf.get(), &ProducerCallbacks::Statistics);
  }

  char errstr[512] = "";
  // rd_kafka_new takes ownership of conf only on success.
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof(errstr));
  if (rk == nullptr) {
    return absl::InvalidArgumentError(StrCat("create Kafka producer failed: ", errstr));
  }
  conf.release();
  producer->rk_.reset(rk);
  return producer;
}

Producer::~Producer() {
  if (!rk_) return;
  // Never block in a destructor: drop what is not delivered yet. The hooks
  // must not run against a half-destroyed object.
  rd_kafka_purge(rk_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT |
                                RD_KAFKA_PURGE_F_NON_BLOCKING);
  options_.on_delivery = nullptr;
  options_.on_error = nullptr;
  options_.on_statistics = nullptr;
  for (auto& [name, rkt] : topics_) rd_kafka_topic_destroy(rkt);
  topics_.clear();
  rk_.reset();
}

rd_kafka_topic_s* Producer::TopicHandle(std::string_view topic) {
  if (last_topic_ != nullptr && topic == last_topic_name_) return last_topic_;
  auto it = topics_.find(absl::string_view(topic.data(), topic.size()));
  if (it == topics_.end()) {
    // NULL topic conf: the producer's default topic conf (partitioner etc.).
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_.get(), std::string(topic).c_str(), nullptr);
    if (rkt == nullptr) return nullptr;
    it = topics_.emplace(std::string(topic), rkt).first;
  }
  last_topic_name_ = it->first;  // node_hash_map: the key does not move
  last_topic_ = it->second;
  return last_topic_;
}

absl::Status Producer::Send(std::string_view topic, int32_t partition,
                            std::optional<std::string_view> key,
                            std::optional<std::string_view> value, int64_t timestamp_ms,
                            const std::vector<HeaderView>& headers) {
  rd_kafka_topic_t* rkt = TopicHandle(topic);
  if (rkt == nullptr) {
    return KafkaErrorToStatus(rd_kafka_last_error(), StrCat("produce to ", topic));
  }
  if (transactional_) KSTREAMS_RETURN_IF_ERROR(EnsureTransaction());
  rd_kafka_headers_t* hdrs = nullptr;
  if (!headers.empty()) {
    hdrs = rd_kafka_headers_new(headers.size());
    for (const HeaderView& h : headers) {
      rd_kafka_header_add(hdrs, h.key.data(), static_cast<ssize_t>(h.key.size()),
                          BytesOrNull(h.value),
                          h.value.has_value() ? static_cast<ssize_t>(h.value->size()) : 0);
    }
  }
  std::optional<absl::Time> deadline;  // set on the first full queue
  while (true) {
    rd_kafka_resp_err_t err = rd_kafka_producev(
        rk_.get(), RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(partition),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(const_cast<void*>(BytesOrNull(key)), (key ? key->size() : 0)),
        RD_KAFKA_V_VALUE(const_cast<void*>(BytesOrNull(value)), (value ? value->size() : 0)),
        RD_KAFKA_V_TIMESTAMP(timestamp_ms), RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {  // librdkafka now owns hdrs
      sent_.fetch_add(1, std::memory_order_relaxed);
      return absl::OkStatus();
    }
    // A full local queue drains as delivery reports are served: poll, retry.
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && !deadline) {
      deadline = absl::Now() + options_.queue_full_timeout;
    }
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && absl::Now() < *deadline) {
      rd_kafka_poll(rk_.get(), 100);
      continue;
    }
    if (hdrs != nullptr) rd_kafka_headers_destroy(hdrs);
    std::string what = StrCat("produce to ", topic);
    if (partition >= 0) StrAppend(&what, "-", partition);
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      StrAppend(&what, " (local queue still full after ",
                absl::ToInt64Milliseconds(options_.queue_full_timeout), " ms)");
    }
    return KafkaErrorToStatus(err, what);
  }
}

void Producer::OnDelivery(const rd_kafka_message_s& msg) {
  if (msg.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    acked_.fetch_add(1, std::memory_order_relaxed);
    if (!options_.on_delivery) return;  // the common case costs a count
  } else {
    failed_.fetch_add(1, std::memory_order_relaxed);
  }
  DeliveryResult result;
  result.topic = rd_kafka_topic_name(msg.rkt);
  result.partition = msg.partition;
  if (msg.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    result.offset = msg.offset;
  } else {
    result.status = KafkaErrorToStatus(
        msg.err, StrCat("deliver record to ", result.topic, "-", result.partition));
    absl::MutexLock lock(&mu_);
    if (first_failure_.ok()) first_failure_ = result.status;
  }
  if (options_.on_delivery) options_.on_delivery(result);
}

void Producer::OnError(int err, const char* reason) {
  if (options_.on_error) options_.on_error(KafkaErrorToStatus(err, "Kafka producer", reason));
}

int Producer::Poll(absl::Duration timeout) { return rd_kafka_poll(rk_.get(), ToMillis(timeout)); }

absl::Status Producer::Flush(absl::Duration timeout) {
  rd_kafka_resp_err_t err = rd_kafka_flush(rk_.get(), ToMillis(timeout));
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return absl::OkStatus();
  return KafkaErrorToStatus(err, StrCat("flush producer (", InFlight(),
                                        " records still undelivered after ",
                                        absl::ToInt64Milliseconds(timeout), " ms)"));
}

absl::Status Producer::TakeDeliveryStatus() {
  {
    absl::MutexLock lock(&mu_);
    absl::Status failure = std::exchange(first_failure_, absl::OkStatus());
    if (!failure.ok()) return failure;
  }
  // A fatal error (idempotence broken, e.g. a fenced or out-of-sequence
  // producer) makes the producer unusable even if no report failed yet.
  return FatalError();
}

absl::Status Producer::FatalError() const {
  char reason[512] = "";
  rd_kafka_resp_err_t fatal = rd_kafka_fatal_error(rk_.get(), reason, sizeof(reason));
  if (fatal != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return KafkaErrorToStatus(fatal, "Kafka producer (fatal error)", reason);
  }
  return absl::OkStatus();
}

void Producer::Purge() {
  rd_kafka_purge(rk_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT |
                                RD_KAFKA_PURGE_F_NON_BLOCKING);
}

DeliveryCounts Producer::delivery_counts() const {
  DeliveryCounts counts;
  counts.sent = sent_.load(std::memory_order_relaxed);
  counts.acked = acked_.load(std::memory_order_relaxed);
  counts.failed = failed_.load(std::memory_order_relaxed);
  return counts;
}

int Producer::InFlight() const { return rd_kafka_outq_len(rk_.get()); }

absl::StatusOr<int32_t> Producer::PartitionCount(std::string_view topic,
                                                 absl::Duration timeout) {
  KSTREAMS_ASSIGN_OR_RETURN(auto counts, FetchPartitionCounts(rk_.get(), ToMillis(timeout)));
  auto it = counts.find(std::string(topic));
  if (it == counts.end()) {
    return absl::NotFoundError(StrCat("topic '", topic, "' does not exist"));
  }
  return it->second;
}

absl::Status Producer::TransactionError(rd_kafka_error_s* raw, std::string_view operation) {
  std::unique_ptr<rd_kafka_error_t, ErrorDeleter> error(raw);
  absl::Status status = KafkaErrorToStatus(rd_kafka_error_code(error.get()), operation,
                                           rd_kafka_error_string(error.get()));
  TransactionErrorKind kind = TransactionErrorKind::kFatal;
  if (rd_kafka_error_txn_requires_abort(error.get())) {
    kind = TransactionErrorKind::kAbortable;
  } else if (rd_kafka_error_is_retriable(error.get())) {
    kind = TransactionErrorKind::kRetriable;
  } else if (!rd_kafka_error_is_fatal(error.get())) {
    // Neither fatal, abortable nor retriable: a wrong call for the
    // transaction's state (a bug, or a previous error); abort to be safe.
    kind = TransactionErrorKind::kAbortable;
  }
  return WithTransactionErrorKind(std::move(status), kind);
}

absl::Status Producer::InitTransactions(absl::Duration timeout) {
  if (!transactional_) {
    return absl::FailedPreconditionError("init transactions: the producer has no transactional.id");
  }
  if (rd_kafka_error_t* e = rd_kafka_init_transactions(rk_.get(), ToMillis(timeout))) {
    return TransactionError(e, "init transactions");
  }
  return absl::OkStatus();
}

absl::Status Producer::EnsureTransaction() {
  if (in_transaction_) return absl::OkStatus();
  if (rd_kafka_error_t* e = rd_kafka_begin_transaction(rk_.get())) {
    return TransactionError(e, "begin transaction");
  }
  in_transaction_ = true;
  return absl::OkStatus();
}

absl::Status Producer::SendOffsetsToTransaction(const std::map<TopicPartition, int64_t>& offsets,
                                                const Consumer& consumer,
                                                absl::Duration timeout) {
  if (offsets.empty()) return absl::OkStatus();
  KSTREAMS_RETURN_IF_ERROR(EnsureTransaction());
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size()));
  for (const auto& [tp, offset] : offsets) {
    rd_kafka_topic_partition_list_add(list, tp.topic.c_str(), tp.partition)->offset = offset;
  }
  rd_kafka_consumer_group_metadata_t* metadata = rd_kafka_consumer_group_metadata(consumer.handle());
  rd_kafka_error_t* e =
      rd_kafka_send_offsets_to_transaction(rk_.get(), list, metadata, ToMillis(timeout));
  rd_kafka_consumer_group_metadata_destroy(metadata);
  rd_kafka_topic_partition_list_destroy(list);
  if (e != nullptr) {
    return TransactionError(e, StrCat("send ", offsets.size(), " offsets to the transaction"));
  }
  return absl::OkStatus();
}

absl::Status Producer::EndTransaction(bool commit, absl::Duration timeout) {
  if (!in_transaction_) return absl::OkStatus();
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    const int ms = ToMillis(deadline - absl::Now());
    rd_kafka_error_t* e = commit ? rd_kafka_commit_transaction(rk_.get(), ms)
                                 : rd_kafka_abort_transaction(rk_.get(), ms);
    if (e == nullptr) break;
    absl::Status s = TransactionError(e, commit ? "commit transaction" : "abort transaction");
    if (TransactionErrorKindOf(s) != TransactionErrorKind::kRetriable || absl::Now() >= deadline) {
      return s;
    }
  }
  in_transaction_ = false;
  return absl::OkStatus();
}

absl::Status Producer::CommitTransaction(absl::Duration timeout) {
  return EndTransaction(/*commit=*/true, timeout);
}

absl::Status Producer::AbortTransaction(absl::Duration timeout) {
  return EndTransaction(/*commit=*/false, timeout);
}

}  // namespace kstreams::internal
