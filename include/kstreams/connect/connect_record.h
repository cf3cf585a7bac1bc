// kstreams/connect/connect_record.h
//
// What flows through Connect: ConnectRecord (topic, Kafka partition, key and
// value each with an optional schema, timestamp, headers), SourceRecord (plus
// the source partition and source offset the source task read it at) and
// SinkRecord (plus the Kafka offset it was consumed at). Headers carry a
// schema and a value each, as Connect's do (org.apache.kafka.connect.header).
//
// Source partitions and offsets are schemaless Maps with string keys, as in
// Java (`Map<String, ?>`): {"filename": "/tmp/in.txt"} and {"position": 42}.
//
// Thread-safety: plain values (thread-compatible).
//
// Example:
//
//   kstreams::connect::SourceRecord r;
//   r.source_partition = kstreams::connect::StringMap({{"filename", "in.txt"}});
//   r.source_offset = kstreams::connect::StringMap({{"position", int64_t{42}}});
//   r.topic = "lines";
//   r.value_schema = kstreams::connect::Schema::String();
//   r.value = "hello";
#ifndef KSTREAMS_CONNECT_CONNECT_RECORD_H_
#define KSTREAMS_CONNECT_CONNECT_RECORD_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kstreams/connect/data.h"

namespace kstreams::connect {

struct Header {
  std::string key;
  SchemaPtr schema;
  Value value;
  friend bool operator==(const Header& a, const Header& b) {
    return a.key == b.key && SameSchema(a.schema, b.schema) && a.value == b.value;
  }
};

// ConnectHeaders: ordered, duplicates allowed.
class Headers {
 public:
  Headers() = default;
  Headers& Add(std::string key, SchemaPtr schema, Value value) {
    headers_.push_back(Header{std::move(key), std::move(schema), std::move(value)});
    return *this;
  }
  Headers& AddString(std::string key, std::optional<std::string> value) {
    if (value) return Add(std::move(key), Schema::String(), Value(std::move(*value)));
    return Add(std::move(key), Schema::OptionalString(), Value());
  }
  // Removes every header named `key`.
  Headers& Remove(std::string_view key);
  // The last header named `key`, or nullptr.
  const Header* LastWithName(std::string_view key) const;
  size_t size() const { return headers_.size(); }
  bool empty() const { return headers_.empty(); }
  auto begin() const { return headers_.begin(); }
  auto end() const { return headers_.end(); }
  const std::vector<Header>& all() const { return headers_; }
  friend bool operator==(const Headers&, const Headers&) = default;

 private:
  std::vector<Header> headers_;
};

struct ConnectRecord {
  std::string topic;
  std::optional<int32_t> kafka_partition;  // nullopt: the producer picks
  SchemaPtr key_schema;                     // null: schemaless
  Value key;
  SchemaPtr value_schema;
  Value value;
  std::optional<int64_t> timestamp;  // ms since epoch
  kstreams::connect::Headers headers;
};

struct SourceRecord : ConnectRecord {
  Value source_partition;  // a Map with string keys (or null)
  Value source_offset;     // a Map with string keys (or null)
};

enum class TimestampType { kNoTimestampType, kCreateTime, kLogAppendTime };

struct SinkRecord : ConnectRecord {
  int64_t kafka_offset = -1;
  TimestampType timestamp_type = TimestampType::kNoTimestampType;
  // Where the record was consumed: the original topic/partition/offset, kept
  // even when an SMT renames the topic (SinkRecord.originalTopic()).
  std::string original_topic;
  int32_t original_kafka_partition = -1;
  int64_t original_kafka_offset = -1;
};

// A Map with string keys: StringMap({{"position", int64_t{42}}}).
inline Value StringMap(std::initializer_list<std::pair<std::string, Value>> entries) {
  Map map;
  for (const auto& [k, v] : entries) map.emplace_back(Value(k), v);
  return Value(std::move(map));
}

}  // namespace kstreams::connect

#endif  // KSTREAMS_CONNECT_CONNECT_RECORD_H_
