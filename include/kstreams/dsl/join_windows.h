// kstreams/dsl/join_windows.h
//
// JoinWindows: which records of two streams join (Java's JoinWindows): a
// left record at time t joins right records in [t - before, t + after];
// symmetric windows have before = after = the time difference. The grace
// period admits out-of-order records for that long after a window ends;
// only then do left/outer joins emit "no match" results (so they are never
// emitted early and then contradicted, as in Kafka Streams 3.1+). Times in
// milliseconds. Value type.
//
// Example:
//   left.Join(right, joiner,
//             kstreams::JoinWindows::OfTimeDifferenceAndGrace(std::chrono::seconds(10),
//                                                              std::chrono::seconds(5)));
#ifndef KSTREAMS_DSL_JOIN_WINDOWS_H_
#define KSTREAMS_DSL_JOIN_WINDOWS_H_

#include <chrono>
#include <cstdint>

namespace kstreams {

class JoinWindows {
 public:
  static JoinWindows OfTimeDifferenceWithNoGrace(std::chrono::milliseconds difference) {
    return JoinWindows(difference.count(), difference.count(), 0);
  }
  static JoinWindows OfTimeDifferenceAndGrace(std::chrono::milliseconds difference,
                                              std::chrono::milliseconds grace) {
    return JoinWindows(difference.count(), difference.count(), grace.count());
  }
  // Changes how far before a left record right records may be (the after
  // side is kept).
  JoinWindows Before(std::chrono::milliseconds before) const {
    return JoinWindows(before.count(), after_ms_, grace_ms_);
  }
  // Changes how far after a left record right records may be.
  JoinWindows After(std::chrono::milliseconds after) const {
    return JoinWindows(before_ms_, after.count(), grace_ms_);
  }

  int64_t before_ms() const { return before_ms_; }
  int64_t after_ms() const { return after_ms_; }
  int64_t grace_ms() const { return grace_ms_; }
  // before + after: the span of one window (Java's size()).
  int64_t size() const { return before_ms_ + after_ms_; }
  // Java rejects windows with before + after < 0 and negative grace.
  bool valid() const { return before_ms_ + after_ms_ >= 0 && grace_ms_ >= 0; }

 private:
  JoinWindows(int64_t before, int64_t after, int64_t grace)
      : before_ms_(before), after_ms_(after), grace_ms_(grace) {}
  int64_t before_ms_;
  int64_t after_ms_;
  int64_t grace_ms_;
};

}  // namespace kstreams

#endif  // KSTREAMS_DSL_JOIN_WINDOWS_H_
