// kstreams/serde/windowed.h
//
// Window and Windowed<K>: a key together with the time window it belongs to
// (Java's Window / Windowed), the keys of window and session stores and of
// windowed KTables. Windows are [start, end) for time windows and [start,
// end] for sessions, in milliseconds, as in Kafka Streams.
//
// It sits in serde/, beside the windowed serdes that give it Java's byte
// layouts, so serdes, stores and the DSL can all use it without serde/
// depending on state/. (kstreams/state/windowed.h still includes this header.)
//
// Thread-safety: plain value types.
//
// Example:
//
//   kstreams::Windowed<std::string> w{"alice", kstreams::Window(60'000, 120'000)};
//   std::cout << w;  // [alice@60000/120000]
#ifndef KSTREAMS_SERDE_WINDOWED_H_
#define KSTREAMS_SERDE_WINDOWED_H_

#include <compare>
#include <cstdint>
#include <limits>
#include <ostream>
#include <type_traits>

namespace kstreams {

namespace internal {
// a + b, saturating at INT64_MAX (window ends and retentions of unlimited
// windows). REQUIRES: b >= 0.
inline int64_t SaturatingAdd(int64_t a, int64_t b) {
  return a > std::numeric_limits<int64_t>::max() - b ? std::numeric_limits<int64_t>::max()
                                                     : a + b;
}
}  // namespace internal

class Window {
 public:
  Window(int64_t start_ms, int64_t end_ms) : start_ms_(start_ms), end_ms_(end_ms) {}
  int64_t start() const { return start_ms_; }
  int64_t end() const { return end_ms_; }
  friend bool operator==(const Window&, const Window&) = default;
  friend auto operator<=>(const Window&, const Window&) = default;  // start, then end
  friend std::ostream& operator<<(std::ostream& os, const Window& w) {
    return os << "Window{start=" << w.start_ms_ << ", end=" << w.end_ms_ << "}";
  }

 private:
  int64_t start_ms_;
  int64_t end_ms_;
};

template <typename K>
struct Windowed {
  K key;
  Window window;
  friend bool operator==(const Windowed&, const Windowed&) = default;
  // Key, then window (when K is ordered): lets Windowed keys index std::map.
  friend auto operator<=>(const Windowed&, const Windowed&) = default;
  friend std::ostream& operator<<(std::ostream& os, const Windowed& w)
    requires requires(std::ostream& o, const K& k) { o << k; }
  {
    return os << "[" << w.key << "@" << w.window.start() << "/" << w.window.end() << "]";
  }
};

namespace internal {
// True for Windowed<K>, with K as `Key`.
template <typename T>
struct IsWindowed : std::false_type {};
template <typename K>
struct IsWindowed<Windowed<K>> : std::true_type {
  using Key = K;
};

}  // namespace internal

}  // namespace kstreams

#endif  // KSTREAMS_SERDE_WINDOWED_H_
