// kstreams/processor/processor.h
//
// The Processor API: write a Processor<KIn, VIn, KOut, VOut>, give the
// topology a supplier that makes a new instance per task, and forward records
// through the ProcessorContext it receives in Init().
//
// Thread-compatible: each task owns its processor instances; Init, Process,
// punctuators and Close all run on the thread that owns the task.
//
// Example:
//
//   class UpperCase : public kstreams::Processor<std::string, std::string,
//                                                std::string, std::string> {
//    public:
//     void Init(kstreams::ProcessorContext<std::string, std::string>& ctx) override {
//       ctx_ = &ctx;
//     }
//     void Process(kstreams::Record<std::string, std::string> r) override {
//       std::string v = absl::AsciiStrToUpper(r.value());
//       ctx_->Forward(std::move(r).WithValue(std::move(v)));
//     }
//    private:
//     kstreams::ProcessorContext<std::string, std::string>* ctx_ = nullptr;
//   };
//   topology.AddProcessor("upper", [] { return std::make_unique<UpperCase>(); },
//                         {"source"});
#ifndef KSTREAMS_PROCESSOR_PROCESSOR_H_
#define KSTREAMS_PROCESSOR_PROCESSOR_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "kstreams/processor/internal/node.h"
#include "kstreams/processor/punctuation.h"
#include "kstreams/processor/record.h"
#include "kstreams/processor/state_store.h"
#include "kstreams/processor/streams_metrics.h"
#include "kstreams/processor/task_id.h"

namespace kstreams {

// What every processor context offers, whatever its output type.
class ProcessorContextBase {
 public:
  virtual ~ProcessorContextBase() = default;
  virtual const std::string& application_id() const = 0;
  virtual TaskId task_id() const = 0;
  // Topic, partition and offset of the record being processed; nullptr in a
  // punctuator.
  virtual const RecordMetadata* record_metadata() const = 0;
  // Largest record timestamp the task has seen; -1 before the first record.
  virtual int64_t current_stream_time_ms() const = 0;
  virtual int64_t current_system_time_ms() const = 0;
  virtual Cancellable Schedule(std::chrono::milliseconds interval,
                               PunctuationType type, Punctuator punctuator) = 0;
  // Asks the task to commit as soon as it can.
  virtual void Commit() = 0;
  virtual const StreamsConfig& app_config() const = 0;

  // The store named `name` connected to this processor, as S (e.g.
  // KeyValueStore<K, V>), or nullptr if there is none or it is not an S.
  template <typename S>
  S* GetStateStore(std::string_view name) {
    return dynamic_cast<S*>(GetStateStoreBase(name));
  }
  virtual StateStore* GetStateStoreBase(std::string_view name) = 0;
  // The task's metrics (Java's ProcessorContext#metrics()): sensors added
  // here carry the tags thread-id and task-id, are listed by
  // KafkaStreams::Metrics() and go away when the task closes.
  virtual StreamsMetrics& metrics() = 0;
};

template <typename KOut, typename VOut>
class ProcessorContext : public ProcessorContextBase {
 public:
  // Sends `record` to every child (or only the child named `child`).
  virtual void Forward(Record<KOut, VOut> record) = 0;
  virtual void Forward(Record<KOut, VOut> record, std::string_view child) = 0;
};

template <typename KIn, typename VIn, typename KOut, typename VOut>
class Processor {
 public:
  using KeyInType = KIn;
  using ValueInType = VIn;
  using KeyOutType = KOut;
  using ValueOutType = VOut;
  virtual ~Processor() = default;
  virtual void Init(ProcessorContext<KOut, VOut>& context) { (void)context; }
  virtual void Process(Record<KIn, VIn> record) = 0;
  virtual void Close() {}
};

// A record whose key a FixedKeyProcessor may not change (Java's
// FixedKeyRecord): only value, timestamp and headers can be replaced, so the
// stream needs no repartitioning afterwards.
template <typename K, typename V>
class FixedKeyRecord {
 public:
  const K& key() const { return record_.key(); }
  const V& value() const& { return record_.value(); }
  V&& value() && { return std::move(record_).value(); }
  int64_t timestamp() const { return record_.timestamp(); }
  const Headers& headers() const { return record_.headers(); }

  template <typename V2>
  FixedKeyRecord<K, V2> WithValue(V2 value) const& {
    return FixedKeyRecord<K, V2>(record_.WithValue(std::move(value)));
  }
  template <typename V2>
  FixedKeyRecord<K, V2> WithValue(V2 value) && {
    return FixedKeyRecord<K, V2>(std::move(record_).WithValue(std::move(value)));
  }
  FixedKeyRecord WithTimestamp(int64_t ts) && {
    return FixedKeyRecord(std::move(record_).WithTimestamp(ts));
  }
  FixedKeyRecord WithHeaders(Headers headers) && {
    return FixedKeyRecord(std::move(record_).WithHeaders(std::move(headers)));
  }

  // Library use: converting to and from Record.
  explicit FixedKeyRecord(Record<K, V> record) : record_(std::move(record)) {}
  Record<K, V>&& ToRecord() && { return std::move(record_); }

 private:
  Record<K, V> record_;
};

template <typename K, typename VOut>
class FixedKeyProcessorContext : public ProcessorContextBase {
 public:
  virtual void Forward(FixedKeyRecord<K, VOut> record) = 0;
  virtual void Forward(FixedKeyRecord<K, VOut> record, std::string_view child) = 0;
};

template <typename K, typename VIn, typename VOut>
class FixedKeyProcessor {
 public:
  using KeyType = K;
  using ValueInType = VIn;
  using ValueOutType = VOut;
  virtual ~FixedKeyProcessor() = default;
  virtual void Init(FixedKeyProcessorContext<K, VOut>& context) { (void)context; }
  virtual void Process(FixedKeyRecord<K, VIn> record) = 0;
  virtual void Close() {}
};

// A supplier must return a new instance each call: each task gets its own.
template <typename KIn, typename VIn, typename KOut, typename VOut>
using ProcessorSupplier =
    std::function<std::unique_ptr<Processor<KIn, VIn, KOut, VOut>>()>;
template <typename K, typename VIn, typename VOut>
using FixedKeyProcessorSupplier =
    std::function<std::unique_ptr<FixedKeyProcessor<K, VIn, VOut>>()>;

namespace internal {

// Shared implementation of the untyped context methods over a TaskContext.
template <typename Base>
class ContextAdapter : public Base {
 public:
  const std::string& application_id() const override { return task_->application_id(); }
  TaskId task_id() const override { return task_->task_id(); }
  const RecordMetadata* record_metadata() const override { return task_->record_metadata(); }
  int64_t current_stream_time_ms() const override { return task_->stream_time(); }
  int64_t current_system_time_ms() const override { return task_->wall_clock_ms(); }
  Cancellable Schedule(std::chrono::milliseconds interval, PunctuationType type,
                       Punctuator punctuator) override {
    return task_->Schedule(interval.count(), type, std::move(punctuator));
  }
  void Commit() override { task_->RequestCommit(); }
  const StreamsConfig& app_config() const override { return task_->config(); }
  StateStore* GetStateStoreBase(std::string_view name) override {
    return task_->GetStateStore(name);
  }
  StreamsMetrics& metrics() override {
    StreamsMetrics* m = task_->metrics();
    return m != nullptr ? *m : DisabledStreamsMetrics();
  }
  void Attach(TaskContext* task) { task_ = task; }

 private:
  TaskContext* task_ = nullptr;
};

// Runs a user Processor as a node.
template <typename KIn, typename VIn, typename KOut, typename VOut>
class ProcessorNode final : public Node<KIn, VIn, KOut, VOut> {
 public:
  ProcessorNode(std::string name,
                std::unique_ptr<Processor<KIn, VIn, KOut, VOut>> processor)
      : Node<KIn, VIn, KOut, VOut>(std::move(name)),
        processor_(std::move(processor)),
        context_(&this->downstream_) {}

  absl::Status Init(TaskContext& task) override {
    context_.Attach(&task);
    processor_->Init(context_);
    return absl::OkStatus();
  }
  void Process(Record<KIn, VIn>&& record) override {
    processor_->Process(std::move(record));
  }
  void Close() override { processor_->Close(); }

 private:
  class Context final : public ContextAdapter<ProcessorContext<KOut, VOut>> {
   public:
    explicit Context(Downstream<KOut, VOut>* downstream) : downstream_(downstream) {}
    void Forward(Record<KOut, VOut> record) override {
      downstream_->Forward(std::move(record));
    }
    void Forward(Record<KOut, VOut> record, std::string_view child) override {
      downstream_->ForwardTo(std::move(record), child);
    }

   private:
    Downstream<KOut, VOut>* downstream_;
  };

  std::unique_ptr<Processor<KIn, VIn, KOut, VOut>> processor_;
  Context context_;
};

// Runs a user FixedKeyProcessor as a node.
template <typename K, typename VIn, typename VOut>
class FixedKeyProcessorNode final : public Node<K, VIn, K, VOut> {
 public:
  FixedKeyProcessorNode(std::string name,
                        std::unique_ptr<FixedKeyProcessor<K, VIn, VOut>> processor)
      : Node<K, VIn, K, VOut>(std::move(name)),
        processor_(std::move(processor)),
        context_(&this->downstream_) {}

  absl::Status Init(TaskContext& task) override {
    context_.Attach(&task);
    processor_->Init(context_);
    return absl::OkStatus();
  }
  void Process(Record<K, VIn>&& record) override {
    processor_->Process(FixedKeyRecord<K, VIn>(std::move(record)));
  }
  void Close() override { processor_->Close(); }

 private:
  class Context final : public ContextAdapter<FixedKeyProcessorContext<K, VOut>> {
   public:
    explicit Context(Downstream<K, VOut>* downstream) : downstream_(downstream) {}
    void Forward(FixedKeyRecord<K, VOut> record) override {
      downstream_->Forward(std::move(record).ToRecord());
    }
    void Forward(FixedKeyRecord<K, VOut> record, std::string_view child) override {
      downstream_->ForwardTo(std::move(record).ToRecord(), child);
    }

   private:
    Downstream<K, VOut>* downstream_;
  };

  std::unique_ptr<FixedKeyProcessor<K, VIn, VOut>> processor_;
  Context context_;
};

}  // namespace internal
}  // namespace kstreams

#endif  // KSTREAMS_PROCESSOR_PROCESSOR_H_
