// kstreams/serde/windowed_serdes.h
//
// Serdes for Windowed<K> keys in Java's binary layouts, so windowed topics
// are shared with Java producers, consumers and Kafka Streams apps
// (WindowedSerdes.TimeWindowedSerde / SessionWindowedSerde):
//
//   time windows     [key bytes][8-byte big-endian window start]
//   session windows  [key bytes][8-byte big-endian session end][8-byte big-endian session start]
//
// Time-windowed bytes carry no end: the deserializer is given the window
// size (as Java's TimeWindowedDeserializer takes window.size.ms) and returns
// [start, start + size), the end saturating at INT64_MAX. Windowed
// aggregations give their KTables these serdes, so their sinks need none.
//
// There is no DefaultSerde<Windowed<K>>: the same C++ type is written in two
// layouts (time or session) and a time-windowed deserializer needs the window
// size, so a default would guess. Pass one of these where a windowed key
// crosses a topic the DSL has no serde for (TestOutputTopic, Produced).
//
// Thread-safety: immutable, like every serde.
//
// Example:
//
//   auto serde = kstreams::serdes::TimeWindowed<std::string>(std::chrono::minutes(1));
//   std::string bytes;
//   KSTREAMS_RETURN_IF_ERROR(serde->Serialize(
//       "t", kstreams::Windowed<std::string>{"alice", kstreams::Window(60'000, 120'000)}, bytes));
//   // bytes == "alice" "\0\0\0\0\0\0\xea\x60"
#ifndef KSTREAMS_SERDE_WINDOWED_SERDES_H_
#define KSTREAMS_SERDE_WINDOWED_SERDES_H_

#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kstreams/internal/big_endian.h"
#include "kstreams/internal/strings.h"
#include "kstreams/serde/serde.h"
// A plain value type with no dependencies of its own; the store and DSL
// layers share it.
#include "kstreams/serde/windowed.h"

namespace kstreams {

namespace internal {
// The time window of `size` starting at `start`; the end saturates instead
// of overflowing (Java's timeWindowForSize).
inline Window TimeWindowOfSize(int64_t start, int64_t size) {
  return Window(start, SaturatingAdd(start, size));
}
}  // namespace internal

// What the time- and session-windowed serdes share (Java's
// WindowedSerializer): the serde of the inner key. The DSL partitions a sink's
// windowed keys by the inner key's bytes alone, as Kafka Streams'
// WindowedStreamPartitioner does, so that every window of a key lands in
// the partition the plain key would.
template <typename K>
class WindowedSerde : public Serde<Windowed<K>> {
 public:
  // The inner key's bytes (Java's serializeBaseKey).
  absl::Status SerializeBaseKey(std::string_view topic, const Windowed<K>& windowed,
                                std::string& out) const {
    return inner_->Serialize(topic, windowed.key, out);
  }

 protected:
  explicit WindowedSerde(SerdePtr<K> inner) : inner_(std::move(inner)) {}
  SerdePtr<K> inner_;
};

template <typename K>
class TimeWindowedSerde final : public WindowedSerde<K> {
 public:
  // REQUIRES: window_size >= 0.
  TimeWindowedSerde(SerdePtr<K> inner, std::chrono::milliseconds window_size)
      : WindowedSerde<K>(std::move(inner)), window_size_(window_size.count()) {}

  absl::Status Serialize(std::string_view topic, const Windowed<K>& windowed,
                         std::string& out) const override {
    absl::Status s = inner_->Serialize(topic, windowed.key, out);
    if (!s.ok()) return s;
    internal::AppendInt64BigEndian(out, windowed.window.start());
    return absl::OkStatus();
  }
  absl::StatusOr<Windowed<K>> Deserialize(std::string_view topic,
                                          std::string_view data) const override {
    if (data.size() < 8) {
      return absl::InvalidArgumentError(internal::StrCat(
          "time-windowed key on topic '", topic, "' needs at least 8 bytes, got ", data.size()));
    }
    absl::StatusOr<K> key = inner_->Deserialize(topic, data.substr(0, data.size() - 8));
    if (!key.ok()) return key.status();
    return Windowed<K>{*std::move(key),
                       internal::TimeWindowOfSize(
                           internal::ReadInt64BigEndian(data.substr(data.size() - 8)),
                           window_size_)};
  }
  int64_t window_size_ms() const { return window_size_; }

 private:
  using WindowedSerde<K>::inner_;
  int64_t window_size_;
};

template <typename K>
class SessionWindowedSerde final : public WindowedSerde<K> {
 public:
  explicit SessionWindowedSerde(SerdePtr<K> inner) : WindowedSerde<K>(std::move(inner)) {}

  absl::Status Serialize(std::string_view topic, const Windowed<K>& windowed,
                         std::string& out) const override {
    absl::Status s = inner_->Serialize(topic, windowed.key, out);
    if (!s.ok()) return s;
    internal::AppendInt64BigEndian(out, windowed.window.end());
    internal::AppendInt64BigEndian(out, windowed.window.start());
    return absl::OkStatus();
  }
  absl::StatusOr<Windowed<K>> Deserialize(std::string_view topic,
                                          std::string_view data) const override {
    if (data.size() < 16) {
      return absl::InvalidArgumentError(internal::StrCat(
          "session-windowed key on topic '", topic, "' needs at least 16 bytes, got ",
          data.size()));
    }
    absl::StatusOr<K> key = inner_->Deserialize(topic, data.substr(0, data.size() - 16));
    if (!key.ok()) return key.status();
    return Windowed<K>{*std::move(key),
                       Window(internal::ReadInt64BigEndian(data.substr(data.size() - 8)),
                              internal::ReadInt64BigEndian(data.substr(data.size() - 16)))};
  }

 private:
  using WindowedSerde<K>::inner_;
};

namespace serdes {
// `inner` defaults to K's default serde.
template <typename K>
SerdePtr<Windowed<K>> TimeWindowed(SerdePtr<K> inner, std::chrono::milliseconds window_size) {
  return std::make_shared<TimeWindowedSerde<K>>(SerdeOrDefault<K>(std::move(inner)), window_size);
}
template <typename K>
SerdePtr<Windowed<K>> TimeWindowed(std::chrono::milliseconds window_size) {
  return TimeWindowed<K>(SerdeFor<K>(), window_size);
}
template <typename K>
SerdePtr<Windowed<K>> SessionWindowed(SerdePtr<K> inner = nullptr) {
  return std::make_shared<SessionWindowedSerde<K>>(SerdeOrDefault<K>(std::move(inner)));
}
}  // namespace serdes

}  // namespace kstreams

#endif  // KSTREAMS_SERDE_WINDOWED_SERDES_H_
