// kstreams/dsl/suppressed.h
//
// Suppressed and BufferConfig: what KTable::Suppress holds back (Java's
// Suppressed / Suppressed.BufferConfig).
//
//   UntilWindowCloses(buffer)  one final result per window of a windowed
//                              aggregation, forwarded once stream time (at the
//                              suppress node) reaches the window's end + grace
//                              (+ inactivity gap for sessions); deletes are
//                              dropped. The buffer must never emit early
//                              (Unbounded(), or a bound with ShutDownWhenFull()).
//   UntilTimeLimit(wait, buffer)  the latest update of a key, forwarded once
//                              stream time is `wait` past the first update the
//                              buffer holds for it (or earlier, with
//                              EmitEarlyWhenFull(), when the buffer is full).
//
// A full buffer either emits its oldest entries (EmitEarlyWhenFull, the
// default of MaxRecords/MaxBytes) or fails the task with an error naming the
// node (ShutDownWhenFull, the default of Unbounded). The buffer is a store
// ("KTABLE-SUPPRESS-STATE-STORE-<n>", or "<name>-store" with WithName) logged
// to its own changelog, so it survives restarts.
//
// Value types.
//
// Example:
//
//   counts.Suppress(kstreams::Suppressed::UntilWindowCloses(
//                       kstreams::BufferConfig::Unbounded()))
//       .ToStream()
//       .To("final-counts");
#ifndef KSTREAMS_DSL_SUPPRESSED_H_
#define KSTREAMS_DSL_SUPPRESSED_H_

#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>

namespace kstreams {

class BufferConfig {
 public:
  enum class FullStrategy { kEmitEarly, kShutDown };

  // At most `n` records; when full, the oldest are emitted early.
  static BufferConfig MaxRecords(int64_t n) {
    return BufferConfig(n, kUnbounded, FullStrategy::kEmitEarly);
  }
  // At most `n` bytes (keys, values and record context, as Java estimates);
  // when full, the oldest are emitted early.
  static BufferConfig MaxBytes(int64_t n) {
    return BufferConfig(kUnbounded, n, FullStrategy::kEmitEarly);
  }
  // No bound (a full buffer would fail the task; it cannot fill up).
  static BufferConfig Unbounded() {
    return BufferConfig(kUnbounded, kUnbounded, FullStrategy::kShutDown);
  }

  BufferConfig WithMaxRecords(int64_t n) const {
    BufferConfig c = *this;
    c.max_records_ = n;
    return c;
  }
  BufferConfig WithMaxBytes(int64_t n) const {
    BufferConfig c = *this;
    c.max_bytes_ = n;
    return c;
  }
  // Unbounded, failing when full (Java's withNoBound).
  BufferConfig WithNoBound() const {
    BufferConfig c = Unbounded();
    c.logging_ = logging_;
    c.log_config_ = log_config_;
    return c;
  }
  BufferConfig EmitEarlyWhenFull() const {
    BufferConfig c = *this;
    c.strategy_ = FullStrategy::kEmitEarly;
    return c;
  }
  BufferConfig ShutDownWhenFull() const {
    BufferConfig c = *this;
    c.strategy_ = FullStrategy::kShutDown;
    return c;
  }
  // The buffer's changelog (default: enabled, with `config` topic configs).
  BufferConfig WithLoggingEnabled(std::map<std::string, std::string> config = {}) const {
    BufferConfig c = *this;
    c.logging_ = true;
    c.log_config_ = std::move(config);
    return c;
  }
  BufferConfig WithLoggingDisabled() const {
    BufferConfig c = *this;
    c.logging_ = false;
    c.log_config_.clear();
    return c;
  }

  int64_t max_records() const { return max_records_; }
  int64_t max_bytes() const { return max_bytes_; }
  FullStrategy full_strategy() const { return strategy_; }
  bool logging_enabled() const { return logging_; }
  const std::map<std::string, std::string>& log_config() const { return log_config_; }

 private:
  static constexpr int64_t kUnbounded = std::numeric_limits<int64_t>::max();
  BufferConfig(int64_t records, int64_t bytes, FullStrategy strategy)
      : max_records_(records), max_bytes_(bytes), strategy_(strategy) {}

  int64_t max_records_;
  int64_t max_bytes_;
  FullStrategy strategy_;
  bool logging_ = true;
  std::map<std::string, std::string> log_config_;
};

class Suppressed {
 public:
  static Suppressed UntilWindowCloses(BufferConfig buffer) {
    return Suppressed(true, 0, std::move(buffer));
  }
  static Suppressed UntilTimeLimit(std::chrono::milliseconds time_to_wait_for_more_events,
                                   BufferConfig buffer) {
    return Suppressed(false, time_to_wait_for_more_events.count(), std::move(buffer));
  }
  // Names the node; the buffer store is then "<name>-store".
  Suppressed WithName(std::string name) const {
    Suppressed s = *this;
    s.name_ = std::move(name);
    return s;
  }

  bool until_window_closes() const { return final_results_; }
  int64_t time_to_wait_ms() const { return wait_ms_; }
  const BufferConfig& buffer_config() const { return buffer_; }
  const std::optional<std::string>& name() const { return name_; }

 private:
  Suppressed(bool final_results, int64_t wait_ms, BufferConfig buffer)
      : final_results_(final_results), wait_ms_(wait_ms), buffer_(std::move(buffer)) {}
  bool final_results_;
  int64_t wait_ms_;
  BufferConfig buffer_;
  std::optional<std::string> name_;
};

}  // namespace kstreams

#endif  // KSTREAMS_DSL_SUPPRESSED_H_
