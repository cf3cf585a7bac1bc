// kstreams/dsl/windows.h
//
// Window definitions for windowed aggregations (KGroupedStream::WindowedBy,
// CogroupedKStream::WindowedBy), with Kafka Streams' semantics:
//
//   TimeWindows       fixed-size windows aligned to the epoch, [start, end):
//                     tumbling (advance = size) or hopping (AdvanceBy);
//                     a record at t belongs to every window with
//                     start <= t < start + size.
//   SlidingWindows    windows of a fixed time difference defined by the
//                     records themselves, [start, end] both inclusive: each
//                     record creates a window ending at it (and one starting
//                     just after it when later records need one).
//   SessionWindows    per-key sessions of activity, [start, end] both
//                     inclusive; records closer than the inactivity gap join
//                     (and bridge) sessions.
//   UnlimitedWindows  one window per key from a start time on, never closed.
//
// Grace: a window accepts records until stream time (the highest record
// timestamp the aggregation has seen) passes its end + grace; later records
// for it are dropped and counted (dropped-records), never merged. Exact
// comparisons per type are in docs/dsl.md.
//
// Invalid arguments (zero size, negative grace, advance outside (0, size])
// are kept in status(); WindowedBy reports them in Topology::status(), where
// Java throws IllegalArgumentException.
//
// Value types; thread-compatible.
//
// Example:
//
//   using std::chrono::minutes, std::chrono::seconds;
//   auto hopping = kstreams::TimeWindows::OfSizeAndGrace(minutes(5), seconds(30))
//                      .AdvanceBy(minutes(1));
//   auto sessions = kstreams::SessionWindows::OfInactivityGapWithNoGrace(minutes(10));
#ifndef KSTREAMS_DSL_WINDOWS_H_
#define KSTREAMS_DSL_WINDOWS_H_

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "kstreams/internal/strings.h"
#include "kstreams/serde/windowed.h"

namespace kstreams {

class TimeWindows {
 public:
  // Tumbling windows of `size` that accept no late records.
  static TimeWindows OfSizeWithNoGrace(std::chrono::milliseconds size) {
    return OfSizeAndGrace(size, std::chrono::milliseconds(0));
  }
  // Tumbling windows of `size` accepting records up to `grace` after their end.
  static TimeWindows OfSizeAndGrace(std::chrono::milliseconds size,
                                    std::chrono::milliseconds grace) {
    TimeWindows w(size.count(), size.count(), grace.count());
    if (w.size_ <= 0) {
      w.status_ = absl::InvalidArgumentError(internal::StrCat(
          "TimeWindows: window size must be larger than zero, got ", w.size_, " ms"));
    } else if (w.grace_ < 0) {
      w.status_ = absl::InvalidArgumentError(internal::StrCat(
          "TimeWindows: grace period must not be negative, got ", w.grace_, " ms"));
    }
    return w;
  }
  // Hopping windows: a new window every `advance`, 0 < advance <= size.
  TimeWindows AdvanceBy(std::chrono::milliseconds advance) const {
    TimeWindows w = *this;
    w.advance_ = advance.count();
    if (w.status_.ok() && (w.advance_ <= 0 || w.advance_ > w.size_)) {
      w.status_ = absl::InvalidArgumentError(internal::StrCat(
          "TimeWindows: window advancement interval should be more than zero and less than "
          "window duration which is ",
          w.size_, " ms, but given advancement interval is: ", w.advance_, " ms"));
    }
    return w;
  }

  int64_t size_ms() const { return size_; }
  int64_t advance_ms() const { return advance_; }
  int64_t grace_period_ms() const { return grace_; }
  const absl::Status& status() const { return status_; }

  // Start of the earliest window containing `timestamp` (Java's windowsFor).
  int64_t FirstWindowStartFor(int64_t timestamp) const {
    const int64_t lowest = timestamp - size_ + advance_;
    return (lowest < 0 ? 0 : lowest) / advance_ * advance_;
  }
  // End of the window starting at `start` (saturating).
  int64_t WindowEnd(int64_t start) const { return internal::SaturatingAdd(start, size_); }
  // Every window containing `timestamp`, oldest first.
  std::vector<Window> WindowsFor(int64_t timestamp) const {
    std::vector<Window> windows;
    for (int64_t start = FirstWindowStartFor(timestamp); start <= timestamp; start += advance_) {
      windows.emplace_back(start, WindowEnd(start));
    }
    return windows;
  }

 private:
  TimeWindows(int64_t size, int64_t advance, int64_t grace)
      : size_(size), advance_(advance), grace_(grace) {}
  int64_t size_;
  int64_t advance_;
  int64_t grace_;
  absl::Status status_;
};

class SlidingWindows {
 public:
  // Windows of `time_difference` (max time between the first and last record
  // of a window, both inclusive) that accept no late records.
  static SlidingWindows OfTimeDifferenceWithNoGrace(std::chrono::milliseconds time_difference) {
    return OfTimeDifferenceAndGrace(time_difference, std::chrono::milliseconds(0));
  }
  static SlidingWindows OfTimeDifferenceAndGrace(std::chrono::milliseconds time_difference,
                                                 std::chrono::milliseconds grace) {
    SlidingWindows w(time_difference.count(), grace.count());
    if (w.difference_ < 0) {
      w.status_ = absl::InvalidArgumentError(internal::StrCat(
          "SlidingWindows: window time difference must not be negative, got ", w.difference_,
          " ms"));
    } else if (w.grace_ < 0) {
      w.status_ = absl::InvalidArgumentError(internal::StrCat(
          "SlidingWindows: grace period must not be negative, got ", w.grace_, " ms"));
    }
    return w;
  }

  int64_t time_difference_ms() const { return difference_; }
  int64_t grace_period_ms() const { return grace_; }
  const absl::Status& status() const { return status_; }

 private:
  SlidingWindows(int64_t difference, int64_t grace) : difference_(difference), grace_(grace) {}
  int64_t difference_;
  int64_t grace_;
  absl::Status status_;
};

class SessionWindows {
 public:
  // Sessions closed after `gap` of inactivity, accepting no late records.
  static SessionWindows OfInactivityGapWithNoGrace(std::chrono::milliseconds gap) {
    return OfInactivityGapAndGrace(gap, std::chrono::milliseconds(0));
  }
  static SessionWindows OfInactivityGapAndGrace(std::chrono::milliseconds gap,
                                                std::chrono::milliseconds grace) {
    SessionWindows w(gap.count(), grace.count());
    if (w.gap_ <= 0) {
      w.status_ = absl::InvalidArgumentError(internal::StrCat(
          "SessionWindows: gap time cannot be zero or negative, got ", w.gap_, " ms"));
    } else if (w.grace_ < 0) {
      w.status_ = absl::InvalidArgumentError(internal::StrCat(
          "SessionWindows: grace period must not be negative, got ", w.grace_, " ms"));
    }
    return w;
  }

  int64_t inactivity_gap_ms() const { return gap_; }
  int64_t grace_period_ms() const { return grace_; }
  const absl::Status& status() const { return status_; }

 private:
  SessionWindows(int64_t gap, int64_t grace) : gap_(gap), grace_(grace) {}
  int64_t gap_;
  int64_t grace_;
  absl::Status status_;
};

class UnlimitedWindows {
 public:
  // One window per key starting at 0.
  static UnlimitedWindows Of() { return UnlimitedWindows(0); }
  // One window per key starting at `start_ms` (>= 0); earlier records are
  // in no window.
  UnlimitedWindows StartOn(int64_t start_ms) const {
    UnlimitedWindows w(start_ms);
    if (start_ms < 0) {
      w.status_ = absl::InvalidArgumentError(internal::StrCat(
          "UnlimitedWindows: start time must not be negative, got ", start_ms, " ms"));
    }
    return w;
  }

  int64_t start_ms() const { return start_; }
  int64_t size_ms() const { return std::numeric_limits<int64_t>::max(); }
  int64_t grace_period_ms() const { return 0; }
  const absl::Status& status() const { return status_; }

 private:
  explicit UnlimitedWindows(int64_t start) : start_(start) {}
  int64_t start_;
  absl::Status status_;
};

// When a windowed aggregation forwards (Java 3.3's EmitStrategy):
//   OnWindowUpdate  every update (through the record cache when the store
//                   has one): the default;
//   OnWindowClose   only the final result of each window, once stream time
//                   passes its end + grace (TimeWindows, SlidingWindows and
//                   SessionWindows).
class EmitStrategy {
 public:
  enum class Type { kOnWindowUpdate, kOnWindowClose };
  static EmitStrategy OnWindowUpdate() { return EmitStrategy(Type::kOnWindowUpdate); }
  static EmitStrategy OnWindowClose() { return EmitStrategy(Type::kOnWindowClose); }
  Type type() const { return type_; }

 private:
  explicit EmitStrategy(Type type) : type_(type) {}
  Type type_;
};

}  // namespace kstreams

#endif  // KSTREAMS_DSL_WINDOWS_H_
