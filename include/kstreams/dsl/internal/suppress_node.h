// kstreams/dsl/internal/suppress_node.h  (internal: not for users)
//
// The node behind KTable::Suppress (Java's KTableSuppressProcessor): buffers
// each update (serialized, in the suppression buffer store), then emits what
// has waited long enough: entries whose buffer time <= stream time - wait,
// where stream time is the largest timestamp this node has seen and the
// buffer time is the window end (UntilWindowCloses) or the record time
// (UntilTimeLimit). Over capacity it emits the oldest entries or fails.
// Emitted records carry the timestamp and headers of the update that last
// changed the entry.
//
// Thread-compatible: a node instance belongs to one task.
#ifndef KSTREAMS_DSL_INTERNAL_SUPPRESS_NODE_H_
#define KSTREAMS_DSL_INTERNAL_SUPPRESS_NODE_H_

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "kstreams/dsl/change.h"
#include "kstreams/internal/topic_names.h"
#include "kstreams/processor/internal/node.h"
#include "kstreams/serde/windowed.h"
#include "kstreams/state/internal/suppression_buffer.h"

namespace kstreams::internal {

struct SuppressSpec {
  int64_t wait_ms = 0;
  bool window_end_time = false;  // buffer time: window end, else record time
  int64_t max_records = 0;
  int64_t max_bytes = 0;
  bool shut_down_when_full = false;
  bool safe_to_drop_tombstones = false;  // final results drop deletes
};

template <typename K, typename V>
class SuppressNode final : public Node<K, Change<V>, K, Change<V>> {
 public:
  SuppressNode(std::string name, std::string store, SuppressSpec spec, SerdePtr<K> key_serde,
               SerdePtr<V> value_serde)
      : Node<K, Change<V>, K, Change<V>>(std::move(name)), store_name_(std::move(store)),
        spec_(spec), key_serde_(std::move(key_serde)), value_serde_(std::move(value_serde)) {}

  absl::Status Init(TaskContext& task) override {
    task_ = &task;
    buffer_ = dynamic_cast<SuppressionBuffer*>(task.GetStateStore(store_name_));
    if (buffer_ == nullptr) {
      return absl::InternalError(StrCat("suppression buffer '", store_name_, "' is missing"));
    }
    topic_ = ChangelogTopicName(task.application_id(), store_name_);
    return absl::OkStatus();
  }

  void Process(Record<K, Change<V>>&& r) override {
    observed_ = std::max(observed_, r.timestamp());
    int64_t time = r.timestamp();
    if constexpr (IsWindowed<K>::value) {
      if (spec_.window_end_time) time = r.key().window.end();
    }
    Check(key_serde_->Serialize(topic_, r.key(), key_buf_), "key");
    BytesValue new_value = Serialize(r.value().new_value, new_buf_);
    BytesValue old_value = Serialize(r.value().old_value, old_buf_);
    BufferedContext context;
    context.timestamp = r.timestamp();
    if (const RecordMetadata* m = task_->record_metadata()) {
      context.topic = m->topic;
      context.partition = m->partition;
      context.offset = m->offset;
    }
    context.headers = std::move(r).headers();
    buffer_->Put(time, key_buf_, new_value, old_value, std::move(context));
    EnforceConstraints();
  }

 private:
  void EnforceConstraints() {
    const int64_t expiry = observed_ - spec_.wait_ms;
    auto emit = [this](const BufferEviction& e) { Emit(e); };
    buffer_->EvictWhile([&] { return buffer_->min_timestamp() <= expiry; }, emit);
    if (!OverCapacity()) return;
    if (!spec_.shut_down_when_full) {
      buffer_->EvictWhile([this] { return OverCapacity(); }, emit);
      return;
    }
    throw NodeError(this->name(),
                    absl::ResourceExhaustedError(StrCat(
                        this->name(), " buffer exceeded its max capacity. Currently [",
                        buffer_->num_records(), "/", spec_.max_records, "] records and [",
                        buffer_->buffer_size_bytes(), "/", spec_.max_bytes, "] bytes.")));
  }
  bool OverCapacity() const {
    return buffer_->num_records() > spec_.max_records ||
           buffer_->buffer_size_bytes() > spec_.max_bytes;
  }
  void Emit(const BufferEviction& e) {
    if (!e.new_value && spec_.safe_to_drop_tombstones) return;
    Change<V> change{Deserialize(e.new_value), Deserialize(e.old_value)};
    this->downstream_.Forward(Record<K, Change<V>>(Decode(key_serde_, e.key), std::move(change),
                                                   e.context->timestamp, e.context->headers));
  }

  BytesValue Serialize(const std::optional<V>& value, std::string& buf) {
    if (!value || value_serde_->IsNull(*value)) return std::nullopt;
    Check(value_serde_->Serialize(topic_, *value, buf), "value");
    return std::string_view(buf);
  }
  std::optional<V> Deserialize(const BytesValue& bytes) const {
    if (!bytes) return std::nullopt;
    return Decode(value_serde_, *bytes);
  }
  template <typename T>
  T Decode(const SerdePtr<T>& serde, std::string_view bytes) const {
    absl::StatusOr<T> v = serde->Deserialize(topic_, bytes);
    if (!v.ok()) throw NodeError(this->name(), v.status());
    return *std::move(v);
  }
  void Check(const absl::Status& s, const char* what) const {
    if (!s.ok()) {
      throw NodeError(this->name(), absl::Status(s.code(), StrCat("serializing the ", what,
                                                                  " for suppression buffer '",
                                                                  store_name_, "': ",
                                                                  s.message())));
    }
  }

  std::string store_name_;
  SuppressSpec spec_;
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  TaskContext* task_ = nullptr;
  SuppressionBuffer* buffer_ = nullptr;
  std::string topic_;
  std::string key_buf_, new_buf_, old_buf_;
  int64_t observed_ = -1;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_DSL_INTERNAL_SUPPRESS_NODE_H_
