// kstreams/processor/record.h
//
// Record<K, V>: what flows between processors: a typed key and value, a
// timestamp in milliseconds since the epoch, and Kafka headers. Between nodes
// records stay typed and are moved, not copied; a node forwarding to several
// children copies for all but the last.
//
// Thread-compatible value types.
//
// Example:
//
//   kstreams::Record<std::string, int64_t> r("alice", 3, /*timestamp=*/1000);
//   auto doubled = std::move(r).WithValue(r.value() * 2);   // same key, ts
//   auto renamed = doubled.WithKey(std::string("bob"));     // copy, new key
#ifndef KSTREAMS_PROCESSOR_RECORD_H_
#define KSTREAMS_PROCESSOR_RECORD_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kstreams {

// One Kafka header. Values are bytes and may be null; keys may repeat.
struct Header {
  std::string key;
  std::optional<std::string> value;
  friend bool operator==(const Header&, const Header&) = default;
};

// Ordered Kafka headers (duplicate keys allowed, as in Kafka).
class Headers {
 public:
  using value_type = Header;
  using const_iterator = std::vector<Header>::const_iterator;
  using iterator = const_iterator;

  Headers() = default;
  Headers(std::initializer_list<Header> headers) : headers_(headers) {}

  Headers& Add(std::string key, std::optional<std::string> value) {
    headers_.push_back({std::move(key), std::move(value)});
    return *this;
  }
  // Removes every header named `key`.
  Headers& Remove(std::string_view key);
  // The last header named `key`, or nullptr. Valid until the next mutation.
  const Header* LastHeader(std::string_view key) const;
  // Every header named `key`, in order.
  std::vector<Header> All(std::string_view key) const;

  bool empty() const { return headers_.empty(); }
  size_t size() const { return headers_.size(); }
  auto begin() const { return headers_.begin(); }
  auto end() const { return headers_.end(); }
  friend bool operator==(const Headers&, const Headers&) = default;

 private:
  std::vector<Header> headers_;
};

template <typename K, typename V>
class Record {
 public:
  using KeyType = K;
  using ValueType = V;

  Record(K key, V value, int64_t timestamp, Headers headers = {})
      : key_(std::move(key)),
        value_(std::move(value)),
        timestamp_(timestamp),
        headers_(std::move(headers)) {}

  const K& key() const& { return key_; }
  K& key() & { return key_; }
  K&& key() && { return std::move(key_); }
  const V& value() const& { return value_; }
  V& value() & { return value_; }
  V&& value() && { return std::move(value_); }
  int64_t timestamp() const { return timestamp_; }
  const Headers& headers() const& { return headers_; }
  Headers& headers() & { return headers_; }
  Headers&& headers() && { return std::move(headers_); }

  // Copies of this record with one part replaced. The && forms move the rest.
  template <typename K2>
  Record<K2, V> WithKey(K2 key) const& {
    return Record<K2, V>(std::move(key), value_, timestamp_, headers_);
  }
  template <typename K2>
  Record<K2, V> WithKey(K2 key) && {
    return Record<K2, V>(std::move(key), std::move(value_), timestamp_,
                         std::move(headers_));
  }
  template <typename V2>
  Record<K, V2> WithValue(V2 value) const& {
    return Record<K, V2>(key_, std::move(value), timestamp_, headers_);
  }
  template <typename V2>
  Record<K, V2> WithValue(V2 value) && {
    return Record<K, V2>(std::move(key_), std::move(value), timestamp_,
                         std::move(headers_));
  }
  Record WithTimestamp(int64_t timestamp) const& {
    Record r = *this;
    r.timestamp_ = timestamp;
    return r;
  }
  Record WithTimestamp(int64_t timestamp) && {
    timestamp_ = timestamp;
    return std::move(*this);
  }
  Record WithHeaders(Headers headers) const& {
    Record r = *this;
    r.headers_ = std::move(headers);
    return r;
  }
  Record WithHeaders(Headers headers) && {
    headers_ = std::move(headers);
    return std::move(*this);
  }

  friend bool operator==(const Record&, const Record&) = default;

 private:
  K key_;
  V value_;
  int64_t timestamp_;
  Headers headers_;
};

// Where the record being processed came from. Absent inside punctuators and
// for records that a punctuator forwards.
struct RecordMetadata {
  std::string topic;
  int32_t partition = -1;
  int64_t offset = -1;
};

}  // namespace kstreams

#endif  // KSTREAMS_PROCESSOR_RECORD_H_
