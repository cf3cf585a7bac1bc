// kstreams/state/value_and_timestamp.h
//
// ValueAndTimestamp<V>: a value with the timestamp of the record that last
// updated it, as timestamped stores (and the KTables built on them) keep it.
// Stored as Java stores it: the 8-byte big-endian timestamp followed by the
// value's own bytes, so a changelog written by kstreams reads in Java.
//
// Thread-safety: a plain value type; the serde is immutable.
//
// Example:
//
//   auto v = kstreams::ValueAndTimestamp<int64_t>::Make(3, /*timestamp=*/1000);
//   store->Put("alice", v);
#ifndef KSTREAMS_STATE_VALUE_AND_TIMESTAMP_H_
#define KSTREAMS_STATE_VALUE_AND_TIMESTAMP_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kstreams/serde/serde.h"

namespace kstreams {

template <typename V>
class ValueAndTimestamp {
 public:
  using ValueType = V;
  static ValueAndTimestamp Make(V value, int64_t timestamp) {
    return ValueAndTimestamp(std::move(value), timestamp);
  }
  ValueAndTimestamp(V value, int64_t timestamp)
      : value_(std::move(value)), timestamp_(timestamp) {}

  const V& value() const& { return value_; }
  V&& value() && { return std::move(value_); }
  int64_t timestamp() const { return timestamp_; }

  friend bool operator==(const ValueAndTimestamp&, const ValueAndTimestamp&) = default;
  friend std::ostream& operator<<(std::ostream& os, const ValueAndTimestamp& v)
    requires requires(std::ostream& o, const V& x) { o << x; }
  {
    return os << "<" << v.value_ << ", " << v.timestamp_ << ">";
  }

 private:
  V value_;
  int64_t timestamp_;
};

namespace internal {
template <typename T>
struct IsValueAndTimestamp : std::false_type {};
template <typename V>
struct IsValueAndTimestamp<ValueAndTimestamp<V>> : std::true_type {};
}  // namespace internal

// 8-byte big-endian timestamp, then the inner serde's bytes (Java's
// ValueAndTimestampSerializer layout).
template <typename V>
class ValueAndTimestampSerde final : public Serde<ValueAndTimestamp<V>> {
 public:
  explicit ValueAndTimestampSerde(SerdePtr<V> inner) : inner_(std::move(inner)) {}

  absl::Status Serialize(std::string_view topic, const ValueAndTimestamp<V>& v,
                         std::string& out) const override {
    // The inner serde replaces `out`; serialize it first and prepend.
    absl::Status s = inner_->Serialize(topic, v.value(), out);
    if (!s.ok()) return s;
    char ts[8];
    uint64_t u = static_cast<uint64_t>(v.timestamp());
    for (int i = 7; i >= 0; --i) {
      ts[i] = static_cast<char>(u & 0xff);
      u >>= 8;
    }
    out.insert(0, ts, 8);
    return absl::OkStatus();
  }

  absl::StatusOr<ValueAndTimestamp<V>> Deserialize(std::string_view topic,
                                                   std::string_view data) const override {
    if (data.size() < 8) {
      return absl::InvalidArgumentError(::kstreams::internal::StrCat(
          "ValueAndTimestamp on topic '", topic, "' needs at least 8 bytes, got ",
          data.size()));
    }
    uint64_t u = 0;
    for (int i = 0; i < 8; ++i) u = (u << 8) | static_cast<unsigned char>(data[i]);
    absl::StatusOr<V> value = inner_->Deserialize(topic, data.substr(8));
    if (!value.ok()) return value.status();
    return ValueAndTimestamp<V>(*std::move(value), static_cast<int64_t>(u));
  }

 private:
  SerdePtr<V> inner_;
};

}  // namespace kstreams

#endif  // KSTREAMS_STATE_VALUE_AND_TIMESTAMP_H_
