#include "kafka/consumer.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <utility>

#include "kstreams/internal/strings.h"
#include "kstreams/status_macros.h"

namespace kstreams::internal {

static_assert(kOffsetBeginning == RD_KAFKA_OFFSET_BEGINNING);
static_assert(kOffsetEnd == RD_KAFKA_OFFSET_END);
static_assert(kOffsetStored == RD_KAFKA_OFFSET_STORED);

namespace {

int ToMillis(absl::Duration d) {
  return static_cast<int>(std::clamp<int64_t>(absl::ToInt64Milliseconds(d), 0, 1 << 30));
}

struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* list) const {
    rd_kafka_topic_partition_list_destroy(list);
  }
};
using PartitionListPtr =
    std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;

PartitionListPtr MakeList(const std::vector<TopicPartition>& partitions) {
  PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
  for (const TopicPartition& tp : partitions) {
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition);
  }
  return list;
}

std::vector<TopicPartition> FromList(const rd_kafka_topic_partition_list_t* list) {
  std::vector<TopicPartition> out;
  if (list == nullptr) return out;
  out.reserve(list->cnt);
  for (int i = 0; i < list->cnt; ++i) {
    out.push_back({list->elems[i].topic, list->elems[i].partition});
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The first per-partition error in `list`, as a Status naming the partition.
absl::Status FirstPartitionError(const rd_kafka_topic_partition_list_t* list,
                                 std::string_view operation) {
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& p = list->elems[i];
    if (p.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return KafkaErrorToStatus(p.err, StrCat(operation, " ", p.topic, "-", p.partition));
    }
  }
  return absl::OkStatus();
}

// Converts and destroys an rd_kafka_error_t (nullptr = success).
absl::Status TakeError(rd_kafka_error_t* error, std::string_view operation) {
  if (error == nullptr) return absl::OkStatus();
  absl::Status status =
      KafkaErrorToStatus(rd_kafka_error_code(error), operation, rd_kafka_error_string(error));
  rd_kafka_error_destroy(error);
  return status;
}

std::optional<std::string_view> View(const void* data, size_t size) {
  if (data == nullptr) return std::nullopt;
  return std::string_view(static_cast<const char*>(data), size);
}

}  // namespace

MessageBatch::~MessageBatch() { Clear(); }

MessageBatch::MessageBatch(MessageBatch&& other) noexcept
    : messages_(std::exchange(other.messages_, {})) {}

MessageBatch& MessageBatch::operator=(MessageBatch&& other) noexcept {
  if (this != &other) {
    Clear();
    messages_ = std::exchange(other.messages_, {});
  }
  return *this;
}

void MessageBatch::Clear() {
  for (rd_kafka_message_t* m : messages_) rd_kafka_message_destroy(m);
  messages_.clear();
}

RecordView MessageBatch::operator[](size_t i) const {
  const rd_kafka_message_t& m = *messages_[i];
  RecordView r;
  r.topic = rd_kafka_topic_name(m.rkt);
  r.partition = m.partition;
  r.offset = m.offset;
  rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
  r.timestamp = rd_kafka_message_timestamp(&m, &type);
  r.timestamp_type = type == RD_KAFKA_TIMESTAMP_CREATE_TIME       ? TimestampType::kCreateTime
                     : type == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? TimestampType::kLogAppendTime
                                                                  : TimestampType::kNotAvailable;
  r.key = View(m.key, m.key_len);
  r.value = View(m.payload, m.len);
  return r;
}

std::vector<HeaderView> MessageBatch::Headers(size_t i) const {
  std::vector<HeaderView> out;
  rd_kafka_headers_t* hdrs = nullptr;  // owned by the message
  if (rd_kafka_message_headers(messages_[i], &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR) return out;
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  for (size_t h = 0;
       rd_kafka_header_get_all(hdrs, h, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++h) {
    out.push_back({name, View(value, size)});
  }
  return out;
}

ConsumerRecord MessageBatch::ToOwned(size_t i) const {
  const RecordView v = (*this)[i];
  ConsumerRecord r;
  r.topic = std::string(v.topic);
  r.partition = v.partition;
  r.offset = v.offset;
  r.timestamp = v.timestamp;
  r.timestamp_type = v.timestamp_type;
  if (v.key) r.key = std::string(*v.key);
  if (v.value) r.value = std::string(*v.value);
  for (const HeaderView& h : Headers(i)) {
    std::optional<std::string> value;
    if (h.value) value = std::string(*h.value);
    r.headers.push_back({std::string(h.key), std::move(value)});
  }
  return r;
}

struct ConsumerCallbacks {
  static void Rebalance(rd_kafka_t*, rd_kafka_resp_err_t err,
                        rd_kafka_topic_partition_list_t* partitions, void* opaque) {
    static_cast<Consumer*>(opaque)->OnRebalance(err, partitions);
  }
  static void Error(rd_kafka_t*, int err, const char* reason, void* opaque) {
    static_cast<Consumer*>(opaque)->OnError(err, reason);
  }
  // Returns 0: librdkafka frees the document.
  static int Statistics(rd_kafka_t*, char* json, size_t len, void* opaque) {
    static_cast<Consumer*>(opaque)->OnStatistics(std::string_view(json, len));
    return 0;
  }
};

absl::StatusOr<std::unique_ptr<Consumer>> Consumer::Create(ConsumerOptions options) {
  KafkaConfigMap config = options.config;
  const bool has_group_id = config.find("group.id") != config.end();
  if (!has_group_id) {
    // librdkafka refuses even manual assignment without a group.id. This one
    // is never joined (Subscribe, CommitSync and Committed refuse to run
    // without the user's group.id), so it only has to be unlikely to clash.
    config["group.id"] = StrCat("kstreams-assign-only-", reinterpret_cast<uintptr_t>(&options));
  }
  config.insert({"partition.assignment.strategy", "range"});
  config.insert({"enable.auto.commit", "false"});
  config.insert({"enable.auto.offset.store", "false"});
  KSTREAMS_ASSIGN_OR_RETURN(ConfPtr conf, BuildConf(config));

  std::unique_ptr<Consumer> consumer(new Consumer());
  consumer->options_ = std::move(options);
  consumer->has_group_id_ = has_group_id;
  // Only the cooperative-sticky assignor uses the incremental protocol.
  consumer->cooperative_ =
      config["partition.assignment.strategy"].find("cooperative") != std::string::npos;
  rd_kafka_conf_set_opaque(conf.get(), consumer.get());
  rd_kafka_conf_set_rebalance_cb(conf.get(), &ConsumerCallbacks::Rebalance);
  rd_kafka_conf_set_error_cb(conf.get(), &ConsumerCallbacks::Error);
  if (consumer->options_.on_statistics) {
    rd_kafka_conf_set_stats_cb(conf.get(), &ConsumerCallbacks::Statistics);
  }

  char errstr[512] = "";
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), errstr, sizeof(errstr));
  if (rk == nullptr) {
    return absl::InvalidArgumentError(StrCat("create Kafka consumer failed: ", errstr));
  }
  conf.release();  // owned by rk now
  consumer->rk_.reset(rk);
  // One queue for records, rebalances and errors, so a single poll serves all
  // callbacks on the owning thread.
  rd_kafka_poll_set_consumer(rk);
  return consumer;
}

Consumer::~Consumer() {
  if (rk_ && !closed_) (void)Close();
}

void Consumer::OnRebalance(int err, void* partitions_ptr) {
  auto* partitions = static_cast<rd_kafka_topic_partition_list_t*>(partitions_ptr);
  rd_kafka_t* rk = rk_.get();  // set: callbacks only run inside our polls
  // Not rd_kafka_rebalance_protocol(): it can hang when called from this
  // callback around close (confluentinc/librdkafka#4041).
  const bool cooperative = cooperative_;
  absl::Status status;
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    if (options_.start_offsets) {
      std::map<TopicPartition, int64_t> start = options_.start_offsets(FromList(partitions));
      for (int i = 0; i < partitions->cnt; ++i) {
        rd_kafka_topic_partition_t& p = partitions->elems[i];
        auto it = start.find(TopicPartition{p.topic, p.partition});
        if (it != start.end()) p.offset = it->second;
      }
    }
    // Assign first so the hook can seek or pause the new partitions.
    if (cooperative) {
      status = TakeError(rd_kafka_incremental_assign(rk, partitions), "assign partitions");
    } else {
      status = KafkaErrorToStatus(rd_kafka_assign(rk, partitions), "assign partitions");
    }
    if (options_.on_assigned) options_.on_assigned(FromList(partitions));
  } else if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
    // The hook runs while the partitions are still ours (it may commit).
    // A lost assignment (session timed out) is reported the same way.
    if (options_.on_revoked) options_.on_revoked(FromList(partitions));
    if (cooperative) {
      status = TakeError(rd_kafka_incremental_unassign(rk, partitions), "unassign partitions");
    } else {
      status = KafkaErrorToStatus(rd_kafka_assign(rk, nullptr), "unassign partitions");
    }
  } else {
    // A failed rebalance: drop everything, the group will hand it out again.
    status = KafkaErrorToStatus(err, "consumer group rebalance");
    rd_kafka_assign(rk, nullptr);
  }
  if (!status.ok() && options_.on_error) options_.on_error(status);
}

void Consumer::OnError(int err, const char* reason) {
  if (options_.on_error) options_.on_error(KafkaErrorToStatus(err, "Kafka consumer", reason));
}

absl::Status Consumer::Subscribe(const std::vector<std::string>& topics) {
  if (topics.empty()) return absl::InvalidArgumentError("subscribe needs at least one topic");
  if (!has_group_id_) return absl::InvalidArgumentError("subscribe needs 'group.id' in the config");
  PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
  for (const std::string& t : topics) {
    rd_kafka_topic_partition_list_add(list.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
  }
  subscribed_ = true;
  return KafkaErrorToStatus(rd_kafka_subscribe(rk_.get(), list.get()),
                            StrCat("subscribe to [", StrJoin(topics, ", "), "]"));
}

absl::Status Consumer::SubscribePattern(std::string_view regex) {
  if (regex.empty()) return absl::InvalidArgumentError("subscribe needs a non-empty pattern");
  if (!has_group_id_) return absl::InvalidArgumentError("subscribe needs 'group.id' in the config");
  // librdkafka treats a subscription starting with '^' as a regex. Java's
  // Pattern subscription matches the whole name, so an unanchored pattern is
  // grouped and anchored at both ends ("a|b" -> "^(a|b)$"); one that already
  // starts with '^' is taken as written.
  std::string pattern(regex);
  if (pattern.front() != '^') pattern = StrCat("^(", pattern, ")$");
  PartitionListPtr list(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(list.get(), pattern.c_str(), RD_KAFKA_PARTITION_UA);
  subscribed_ = true;
  return KafkaErrorToStatus(rd_kafka_subscribe(rk_.get(), list.get()),
                            StrCat("subscribe to pattern '", pattern, "'"));
}

absl::Status Consumer::Assign(const std::map<TopicPartition, int64_t>& start_offsets) {
  PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(start_offsets.size())));
  for (const auto& [tp, offset] : start_offsets) {
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset = offset;
  }
  return KafkaErrorToStatus(rd_kafka_assign(rk_.get(), list.get()),
                            StrCat("assign ", start_offsets.size(), " partitions"));
}

absl::StatusOr<std::pair<int64_t, int64_t>> Consumer::WatermarkOffsets(const TopicPartition& tp,
                                                                       absl::Duration timeout) {
  int64_t low = -1;
  int64_t high = -1;
  rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
      rk_.get(), tp.topic.c_str(), tp.partition, &low, &high, ToMillis(timeout));
  if (err == RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION ||
      err == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE) {
    // librdkafka 2.0 asks the leader it has cached and does not refresh its
    // metadata on these errors: after a broker failure every retry went to
    // the old leader until the periodic refresh (5 min), and a task restoring
    // from that partition stalled. Fetch the topic's metadata (which updates
    // the cache), then ask once more.
    if (rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_.get(), tp.topic.c_str(), nullptr)) {
      const rd_kafka_metadata_t* metadata = nullptr;
      if (rd_kafka_metadata(rk_.get(), 0, rkt, &metadata, ToMillis(timeout)) ==
          RD_KAFKA_RESP_ERR_NO_ERROR) {
        rd_kafka_metadata_destroy(metadata);
      }
      rd_kafka_topic_destroy(rkt);
    }
    err = rd_kafka_query_watermark_offsets(rk_.get(), tp.topic.c_str(), tp.partition, &low, &high,
                                           ToMillis(timeout));
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return KafkaErrorToStatus(err, StrCat("query watermark offsets of ", tp.ToString()));
  }
  return std::make_pair(low, high);
}

std::optional<std::pair<int64_t, int64_t>> Consumer::CachedWatermarkOffsets(
    const TopicPartition& tp) const {
  int64_t low = RD_KAFKA_OFFSET_INVALID;
  int64_t high = RD_KAFKA_OFFSET_INVALID;
  if (rd_kafka_get_watermark_offsets(rk_.get(), tp.topic.c_str(), tp.partition, &low, &high) !=
          RD_KAFKA_RESP_ERR_NO_ERROR ||
      high < 0) {
    return std::nullopt;
  }
  return std::make_pair(low, high);
}

absl::StatusOr<MessageBatch> Consumer::PollViews(int max_records, absl::Duration timeout) {
  MessageBatch batch;
  const absl::Time deadline = absl::Now() + timeout;
  bool eof_delivered = false;
  while (static_cast<int>(batch.messages_.size()) < max_records) {
    // Block (until the deadline) only for the first record (or EOF event);
    // then drain what is already fetched without waiting.
    const bool waiting = batch.messages_.empty() && !eof_delivered;
    const int wait_ms = waiting ? ToMillis(deadline - absl::Now()) : 0;
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_.get(), wait_ms);
    if (m == nullptr) {
      if (!waiting || absl::Now() >= deadline) break;
      continue;
    }
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      batch.messages_.push_back(m);
      continue;
    }
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      if (options_.on_partition_eof && m->rkt != nullptr) {
        options_.on_partition_eof(TopicPartition{rd_kafka_topic_name(m->rkt), m->partition},
                                  m->offset);
        eof_delivered = true;
      }
      rd_kafka_message_destroy(m);
      continue;
    }
    std::string where = "consume";
    if (m->rkt != nullptr) {
      StrAppend(&where, " from ", rd_kafka_topic_name(m->rkt), "-", m->partition);
    }
    absl::Status status = KafkaErrorToStatus(m->err, where, rd_kafka_message_errstr(m));
    rd_kafka_message_destroy(m);
    char fatal_reason[512];
    rd_kafka_resp_err_t fatal =
        rd_kafka_fatal_error(rk_.get(), fatal_reason, sizeof(fatal_reason));
    if (fatal != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return KafkaErrorToStatus(fatal, "Kafka consumer (fatal)", fatal_reason);
    }
    if (options_.on_error) options_.on_error(status);
  }
  return batch;
}

absl::StatusOr<std::vector<ConsumerRecord>> Consumer::PollBatch(int max_records,
                                                                 absl::Duration timeout) {
  KSTREAMS_ASSIGN_OR_RETURN(MessageBatch batch, PollViews(max_records, timeout));
  std::vector<ConsumerRecord> records;
  records.reserve(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) records.push_back(batch.ToOwned(i));
  return records;
}

absl::Status Consumer::CommitSync(const std::map<TopicPartition, int64_t>& offsets) {
  if (offsets.empty()) return absl::OkStatus();
  if (!has_group_id_) return absl::InvalidArgumentError("commit needs 'group.id' in the config");
  PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
  for (const auto& [tp, offset] : offsets) {
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset = offset;
  }
  rd_kafka_resp_err_t err = rd_kafka_commit(rk_.get(), list.get(), /*async=*/0);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return KafkaErrorToStatus(err, StrCat("commit offsets for ", offsets.begin()->first.ToString(),
                                          offsets.size() > 1 ? " and others" : ""));
  }
  return FirstPartitionError(list.get(), "commit offset for");
}

absl::StatusOr<std::map<TopicPartition, std::optional<int64_t>>> Consumer::Committed(
    const std::vector<TopicPartition>& partitions, absl::Duration timeout) {
  if (!has_group_id_) {
    return absl::InvalidArgumentError("committed offsets need 'group.id' in the config");
  }
  PartitionListPtr list = MakeList(partitions);
  rd_kafka_resp_err_t err = rd_kafka_committed(rk_.get(), list.get(), ToMillis(timeout));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return KafkaErrorToStatus(err, "read committed offsets");
  }
  KSTREAMS_RETURN_IF_ERROR(FirstPartitionError(list.get(), "read committed offset for"));
  std::map<TopicPartition, std::optional<int64_t>> out;
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& p = list->elems[i];
    std::optional<int64_t> offset;
    if (p.offset >= 0) offset = p.offset;  // RD_KAFKA_OFFSET_INVALID: none committed
    out[{p.topic, p.partition}] = offset;
  }
  return out;
}

absl::Status Consumer::Seek(const TopicPartition& tp, int64_t offset, absl::Duration timeout) {
  PartitionListPtr list(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset = offset;
  const std::string what = StrCat("seek ", tp.ToString(), " to offset ", offset);
  KSTREAMS_RETURN_IF_ERROR(
      TakeError(rd_kafka_seek_partitions(rk_.get(), list.get(), ToMillis(timeout)), what));
  // An asynchronous seek (timeout 0) leaves its partition "in progress".
  if (timeout == absl::ZeroDuration() && list->elems[0].err == RD_KAFKA_RESP_ERR__IN_PROGRESS) {
    return absl::OkStatus();
  }
  return FirstPartitionError(list.get(), "seek");
}

absl::Status Consumer::Pause(const std::vector<TopicPartition>& partitions) {
  PartitionListPtr list = MakeList(partitions);
  KSTREAMS_RETURN_IF_ERROR(
      KafkaErrorToStatus(rd_kafka_pause_partitions(rk_.get(), list.get()), "pause partitions"));
  return FirstPartitionError(list.get(), "pause");
}

absl::Status Consumer::Resume(const std::vector<TopicPartition>& partitions) {
  PartitionListPtr list = MakeList(partitions);
  KSTREAMS_RETURN_IF_ERROR(
      KafkaErrorToStatus(rd_kafka_resume_partitions(rk_.get(), list.get()), "resume partitions"));
  return FirstPartitionError(list.get(), "resume");
}

absl::StatusOr<std::vector<TopicPartition>> Consumer::Assignment() const {
  rd_kafka_topic_partition_list_t* raw = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_assignment(rk_.get(), &raw);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return KafkaErrorToStatus(err, "read assignment");
  PartitionListPtr list(raw);
  return FromList(list.get());
}

absl::Status Consumer::Close() {
  if (closed_) return absl::OkStatus();
  closed_ = true;
  // librdkafka 2.0 can hang forever in rd_kafka_assign() when an assignment
  // arrives in the rebalance callback while rd_kafka_consumer_close() runs
  // (confluentinc/librdkafka#4884, #4527). So leave the subscription first and
  // serve the resulting revocation (hook included) while the consumer is
  // still open, then close. Records fetched meanwhile are dropped unprocessed
  // (their offsets are not committed, so nothing is lost).
  if (subscribed_) {
    rd_kafka_unsubscribe(rk_.get());
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (absl::Now() < deadline) {
      if (rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_.get(), 50)) {
        rd_kafka_message_destroy(m);
        continue;
      }
      rd_kafka_topic_partition_list_t* assignment = nullptr;
      if (rd_kafka_assignment(rk_.get(), &assignment) != RD_KAFKA_RESP_ERR_NO_ERROR) break;
      const bool empty = assignment->cnt == 0;
      rd_kafka_topic_partition_list_destroy(assignment);
      if (empty) break;
    }
  }
  // Sends LeaveGroup, so the remaining members rebalance at once instead of
  // after session.timeout.ms.
  return KafkaErrorToStatus(rd_kafka_consumer_close(rk_.get()), "close consumer");
}

}  // namespace kstreams::internal
