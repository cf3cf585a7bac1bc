// kstreams/processor/internal/node.h  (internal: not for users)
//
// The runtime form of a topology node. The runtime sees only NodeBase (name,
// Init, Close, wiring); records pass between nodes through typed virtual calls
// (InputNode<K, V>::Process), moved, never serialized.
//
// Errors inside Process travel as exceptions (NodeError, or whatever a user
// callable throws) up to the task, which catches them at the record boundary
// and applies the configured handler. Downstream::Forward attributes an
// exception to the innermost node that raised it.
//
// Thread-compatible: a node instance belongs to one task.
#ifndef KSTREAMS_PROCESSOR_INTERNAL_NODE_H_
#define KSTREAMS_PROCESSOR_INTERNAL_NODE_H_

#include <exception>
#include <functional>
#include <optional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "kstreams/internal/strings.h"
#include "kstreams/internal/topic_names.h"
#include "kstreams/processor/internal/task_context.h"
#include "kstreams/processor/record.h"
#include "kstreams/processor/streams_metrics.h"
#include "kstreams/processor/timestamp_extractor.h"
#include "kstreams/serde/serde.h"

namespace kstreams::internal {

// An error raised while a node processed a record; names the node.
// `cause` is what the node threw (kept for the exception handlers: its type
// goes into ErrorDetails); `handled` marks an error an exception handler
// already answered with FAIL (a sink's serialization error), which the task
// must not hand to another handler.
class NodeError : public std::runtime_error {
 public:
  NodeError(std::string node, absl::Status status, std::exception_ptr cause = nullptr,
            bool handled = false)
      : std::runtime_error(::kstreams::internal::StrCat("node '", node, "': ", status.message())),
        node_(std::move(node)),
        status_(std::move(status)),
        cause_(std::move(cause)),
        handled_(handled) {}
  const std::string& node() const { return node_; }
  const absl::Status& status() const { return status_; }
  const std::exception_ptr& cause() const { return cause_; }
  bool handled() const { return handled_; }

 private:
  std::string node_;
  absl::Status status_;
  std::exception_ptr cause_;
  bool handled_;
};

class NodeBase {
 public:
  explicit NodeBase(std::string name) : name_(std::move(name)) {}
  virtual ~NodeBase() = default;
  NodeBase(const NodeBase&) = delete;
  NodeBase& operator=(const NodeBase&) = delete;

  const std::string& name() const { return name_; }

  // Called once, parents before children... in topology order, after the
  // task's stores are initialized.
  virtual absl::Status Init(TaskContext& task) {
    (void)task;
    return absl::OkStatus();
  }
  virtual void Close() {}

  // The node's metrics, set by the task before Init: `process` counts the
  // records it receives (stream-processor-node-metrics process-rate/total,
  // DEBUG), `e2e_latency` takes *now_ms - the record's timestamp (source
  // and terminal nodes: record-e2e-latency-*, INFO). nullptr: not recorded.
  // `now_ms` is the task's processing time, valid while the task lives.
  void SetMetrics(Sensor* process, Sensor* e2e_latency, const int64_t* now_ms) {
    process_sensor_ = process;
    e2e_sensor_ = e2e_latency;
    now_ms_ = now_ms;
    metered_ = process != nullptr || e2e_latency != nullptr;
  }
  bool metered() const { return metered_; }
  // REQUIRES: metered().
  void RecordMetrics(int64_t record_timestamp) {
    if (process_sensor_ != nullptr) process_sensor_->Record();
    if (e2e_sensor_ != nullptr) {
      e2e_sensor_->Record(static_cast<double>(*now_ms_ - record_timestamp));
    }
  }

  // Wiring at task creation: `child` must accept this node's output type.
  virtual absl::Status AddChild(NodeBase* child) {
    return absl::FailedPreconditionError(::kstreams::internal::StrCat(
        "node '", name_, "' has no output, so '", child->name(),
        "' cannot be its child"));
  }

 private:
  std::string name_;
  bool metered_ = false;
  Sensor* process_sensor_ = nullptr;
  Sensor* e2e_sensor_ = nullptr;
  const int64_t* now_ms_ = nullptr;
};

// A node that accepts Record<K, V>.
template <typename K, typename V>
class InputNode : public NodeBase {
 public:
  using NodeBase::NodeBase;
  virtual void Process(Record<K, V>&& record) = 0;
};

// The children a node forwards Record<K, V> to.
template <typename K, typename V>
class Downstream {
 public:
  absl::Status Add(const std::string& parent, NodeBase* child) {
    auto* typed = dynamic_cast<InputNode<K, V>*>(child);
    if (typed == nullptr) {
      return absl::InvalidArgumentError(::kstreams::internal::StrCat(
          "node '", child->name(), "' cannot be a child of '", parent,
          "': the parent forwards Record<", TypeName<K>(), ", ", TypeName<V>(),
          "> but the child accepts a different type"));
    }
    children_.push_back(typed);
    return absl::OkStatus();
  }

  void Forward(Record<K, V>&& record) const {
    const size_t n = children_.size();
    if (n == 0) return;
    for (size_t i = 0; i + 1 < n; ++i) {
      Record<K, V> copy = record;
      Deliver(children_[i], std::move(copy));
    }
    Deliver(children_[n - 1], std::move(record));
  }

  // Forwards only to the child named `child`; an unknown name is an error.
  void ForwardTo(Record<K, V>&& record, std::string_view child) const {
    for (InputNode<K, V>* c : children_) {
      if (c->name() == child) {
        Deliver(c, std::move(record));
        return;
      }
    }
    throw std::invalid_argument(
        ::kstreams::internal::StrCat("Forward to unknown child node '", child, "'"));
  }

  bool empty() const { return children_.empty(); }

 private:
  static void Deliver(InputNode<K, V>* child, Record<K, V>&& record) {
    if (child->metered()) child->RecordMetrics(record.timestamp());
    try {
      child->Process(std::move(record));
    } catch (const NodeError&) {
      throw;
    } catch (const std::exception& e) {
      throw NodeError(child->name(), absl::InternalError(e.what()), std::current_exception());
    } catch (...) {
      throw NodeError(child->name(), absl::InternalError("unknown exception"),
                      std::current_exception());
    }
  }

  std::vector<InputNode<K, V>*> children_;
};

// Base of typed processing nodes: Record<KIn, VIn> in, Record<KOut, VOut> out.
template <typename KIn, typename VIn, typename KOut, typename VOut>
class Node : public InputNode<KIn, VIn> {
 public:
  using InputNode<KIn, VIn>::InputNode;
  absl::Status AddChild(NodeBase* child) override {
    return downstream_.Add(this->name(), child);
  }

 protected:
  Downstream<KOut, VOut> downstream_;
};

// Untyped face of a source node: the task hands it raw consumed records.
class SourceNodeBase : public NodeBase {
 public:
  using NodeBase::NodeBase;
  // The source's own extractor (Consumed::WithTimestampExtractor), set by
  // the task from the topology; nullptr: the configured default.
  TimestampExtractor* timestamp_extractor = nullptr;
  // Deserializes and forwards. A deserialization failure is returned (the
  // task applies the deserialization exception handler); errors downstream
  // are thrown as NodeError.
  virtual absl::Status ProcessRaw(const RawRecord& record) = 0;
};

template <typename K, typename V>
class SourceNode final : public SourceNodeBase {
 public:
  SourceNode(std::string name, SerdePtr<K> key_serde, SerdePtr<V> value_serde)
      : SourceNodeBase(std::move(name)),
        key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)) {}

  absl::Status AddChild(NodeBase* child) override {
    return downstream_.Add(name(), child);
  }

  absl::Status ProcessRaw(const RawRecord& raw) override {
    absl::StatusOr<K> key = raw.key ? key_serde_->Deserialize(raw.topic, *raw.key)
                                    : key_serde_->DeserializeNull(raw.topic);
    if (!key.ok()) {
      return absl::Status(key.status().code(),
                          ::kstreams::internal::StrCat("key: ", key.status().message()));
    }
    absl::StatusOr<V> value = raw.value
                                  ? value_serde_->Deserialize(raw.topic, *raw.value)
                                  : value_serde_->DeserializeNull(raw.topic);
    if (!value.ok()) {
      return absl::Status(value.status().code(),
                          ::kstreams::internal::StrCat("value: ", value.status().message()));
    }
    downstream_.Forward(Record<K, V>(std::move(*key), std::move(*value),
                                     raw.timestamp, raw.headers));
    return absl::OkStatus();
  }

 private:
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  Downstream<K, V> downstream_;
};

// Chooses a sink's topic per record (Java's TopicNameExtractor).
template <typename K, typename V>
using TopicNameExtractor = std::function<std::string(const Record<K, V>&)>;

// Chooses a partition per record given the partition count; nullopt lets the
// default partitioner decide (Java's StreamPartitioner).
template <typename K, typename V>
using StreamPartitioner =
    std::function<std::optional<int32_t>(const K&, const V&, int32_t num_partitions)>;

template <typename K, typename V>
class SinkNode final : public InputNode<K, V> {
 public:
  // `topic` is fixed unless `extractor` is set. An internal topic is prefixed
  // with "<application.id>-" at Init, as Kafka Streams names internal topics.
  SinkNode(std::string name, std::string topic, bool internal_topic,
           TopicNameExtractor<K, V> extractor, SerdePtr<K> key_serde,
           SerdePtr<V> value_serde, StreamPartitioner<K, V> partitioner)
      : InputNode<K, V>(std::move(name)),
        topic_(std::move(topic)),
        internal_topic_(internal_topic),
        extractor_(std::move(extractor)),
        key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)),
        partitioner_(std::move(partitioner)) {}

  absl::Status Init(TaskContext& task) override {
    task_ = &task;
    collector_ = &task.collector();
    if (internal_topic_) topic_ = ::kstreams::internal::InternalTopicName(task.application_id(), topic_);
    return absl::OkStatus();
  }

  void Process(Record<K, V>&& record) override {
    std::string extracted;
    std::string_view topic = topic_;
    if (extractor_) {
      extracted = extractor_(record);
      topic = extracted;
    }
    RawBytes key, value;
    if (!key_serde_->IsNull(record.key())) {
      if (!Check(key_serde_->Serialize(topic, record.key(), key_buf_), true, topic,
                 record.timestamp())) {
        return;
      }
      key = key_buf_;
    }
    if (!value_serde_->IsNull(record.value())) {
      if (!Check(value_serde_->Serialize(topic, record.value(), value_buf_), false, topic,
                 record.timestamp())) {
        return;
      }
      value = value_buf_;
    }
    int32_t partition = -1;
    if (partitioner_) {
      std::optional<int32_t> count = collector_->PartitionCount(topic);
      if (count) {
        partition = partitioner_(record.key(), record.value(), *count).value_or(-1);
      }
    }
    collector_->Send(topic, key, value, record.timestamp(), record.headers(), partition);
  }

 private:
  // The check is inlined into Process; the production exception handler is
  // asked out of line so that it does not weigh on the per-record path.
  // False: skip the record (the handler said CONTINUE).
  bool Check(const absl::Status& s, bool key, std::string_view topic, int64_t timestamp) {
    if (s.ok()) [[likely]] return true;
    return HandleSerializationError(s, key, topic, timestamp);
  }
  [[gnu::noinline, gnu::cold]] bool HandleSerializationError(const absl::Status& s, bool key,
                                                             std::string_view topic,
                                                             int64_t timestamp) {
    return !task_->HandleSerializationError(
        this->name(), topic, timestamp, key,
        absl::Status(s.code(), ::kstreams::internal::StrCat("serializing ", key ? "key" : "value",
                                                            " for topic '", topic,
                                                            "': ", s.message())));
  }

  std::string topic_;
  bool internal_topic_;
  TopicNameExtractor<K, V> extractor_;
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  StreamPartitioner<K, V> partitioner_;
  TaskContext* task_ = nullptr;
  RecordCollector* collector_ = nullptr;  // the task's, fixed for its life
  std::string key_buf_, value_buf_;  // reused across records
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_PROCESSOR_INTERNAL_NODE_H_
