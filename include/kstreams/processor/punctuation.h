// kstreams/processor/punctuation.h
//
// Punctuators: callbacks a processor schedules on stream time (advanced by
// record timestamps) or wall-clock time. Semantics are Kafka Streams':
//   - kStreamTime schedules align to 0 and fire as soon as stream time (the
//     largest timestamp the task has seen) reaches the next multiple of the
//     interval; a jump over several intervals fires once.
//   - kWallClockTime schedules fire `interval` after scheduling, then every
//     `interval`; missed intervals fire once.
// The callback receives the current stream or wall-clock time in ms.
//
// Thread-compatible: run on the thread that owns the task.
#ifndef KSTREAMS_PROCESSOR_PUNCTUATION_H_
#define KSTREAMS_PROCESSOR_PUNCTUATION_H_

#include <cstdint>
#include <functional>
#include <memory>

namespace kstreams {

enum class PunctuationType { kStreamTime, kWallClockTime };

using Punctuator = std::function<void(int64_t timestamp_ms)>;

// Handle returned by ProcessorContext::Schedule. Cancel() stops future calls.
// Cheap to copy; all copies refer to the same schedule.
class Cancellable {
 public:
  Cancellable() = default;
  explicit Cancellable(std::shared_ptr<bool> cancelled)
      : cancelled_(std::move(cancelled)) {}
  void Cancel() {
    if (cancelled_) *cancelled_ = true;
  }

 private:
  std::shared_ptr<bool> cancelled_;
};

}  // namespace kstreams

#endif  // KSTREAMS_PROCESSOR_PUNCTUATION_H_
