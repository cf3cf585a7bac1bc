// kstreams/processor/timestamp_extractor.h
//
// TimestampExtractor: the timestamp a consumed record gets (Java's
// org.apache.kafka.streams.processor.TimestampExtractor). Stream time, window
// assignment, grace, suppression and the timestamps of the records a source
// forwards all use the extracted timestamp, not the broker's.
//
// Set one for the whole application with the config key
// `default.timestamp.extractor` (a built-in by name, below), or in code with
// StreamsConfig::SetTimestampExtractor, or per source with
// Consumed::WithTimestampExtractor (which wins).
//
// A negative extracted timestamp is never processed: the record is skipped,
// counted in dropped_records and logged (Java's RecordQueue does the same).
// What the built-ins do with a record whose own timestamp is negative (-1 is
// Kafka's "no timestamp"):
//   FailOnInvalidTimestamp (default)     throws: the processing exception
//       handler decides (log_and_fail fails the task naming topic,
//       partition and offset; log_and_continue skips the record)
//   LogAndSkipOnInvalidTimestamp         returns it: skipped and counted
//   UsePartitionTimeOnInvalidTimestamp   the partition's time (the largest
//       timestamp extracted so far on that partition); when there is none
//       yet, throws like FailOnInvalidTimestamp
//   WallclockTimestampExtractor          always the wall clock (the mock
//       clock under TopologyTestDriver)
// Config names: fail_on_invalid_timestamp, log_and_skip_on_invalid_timestamp,
// use_partition_time_on_invalid_timestamp, wallclock; Java's class names
// (org.apache.kafka.streams.processor.FailOnInvalidTimestamp, ...) and the
// bare class names are accepted too.
//
// Difference from Java: the extractor sees the record's bytes (C++ has no
// Object-typed deserialized record); deserialize inside it when the
// timestamp is in the payload. Anything an extractor throws goes to the
// processing exception handler (Java treats it as fatal).
//
// Thread-safety: one extractor object serves every task of every stream
// thread; Extract must be safe to call concurrently.
//
// Example:
//
//   class EventTime final : public kstreams::TimestampExtractor {
//    public:
//     int64_t Extract(const kstreams::ConsumedRecord& record,
//                     int64_t partition_time) override {
//       // value "<millis>,<payload>"
//       return std::stoll(std::string(record.value->substr(0, record.value->find(','))));
//     }
//   };
//   builder.Stream<std::string, std::string>(
//       "events", kstreams::Consumed<std::string, std::string>()
//                     .WithTimestampExtractor(std::make_shared<EventTime>()));
#ifndef KSTREAMS_PROCESSOR_TIMESTAMP_EXTRACTOR_H_
#define KSTREAMS_PROCESSOR_TIMESTAMP_EXTRACTOR_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "kstreams/processor/record.h"

namespace kstreams {

// A consumed record as bytes. Views are valid during the call only.
struct ConsumedRecord {
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp = 0;  // the record's own (CreateTime or LogAppendTime)
  std::optional<std::string_view> key;    // nullopt: Kafka null
  std::optional<std::string_view> value;  // nullopt: Kafka null
  const Headers* headers = nullptr;       // never nullptr when passed
};

// Thrown by the built-ins that fail on a negative timestamp.
class InvalidTimestampError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class TimestampExtractor {
 public:
  virtual ~TimestampExtractor() = default;
  // The timestamp of `record`. `partition_time` is the largest timestamp
  // extracted so far on the record's partition, -1 before the first.
  // A negative result skips the record; a throw goes to the processing
  // exception handler.
  virtual int64_t Extract(const ConsumedRecord& record, int64_t partition_time) = 0;
};

// The record's own timestamp; throws InvalidTimestampError when it is
// negative. The default.
class FailOnInvalidTimestamp : public TimestampExtractor {
 public:
  int64_t Extract(const ConsumedRecord& record, int64_t partition_time) override;
};

// The record's own timestamp; a negative one is logged and the record skipped.
class LogAndSkipOnInvalidTimestamp final : public TimestampExtractor {
 public:
  int64_t Extract(const ConsumedRecord& record, int64_t partition_time) override;
};

// The record's own timestamp; a negative one is replaced by the partition's
// time, or throws InvalidTimestampError before the partition has one.
class UsePartitionTimeOnInvalidTimestamp final : public TimestampExtractor {
 public:
  int64_t Extract(const ConsumedRecord& record, int64_t partition_time) override;
};

// The wall clock at extraction, whatever the record carries. `clock`
// defaults to the system clock; the test driver gives its mock clock.
class WallclockTimestampExtractor final : public TimestampExtractor {
 public:
  explicit WallclockTimestampExtractor(std::function<int64_t()> clock = nullptr)
      : clock_(std::move(clock)) {}
  int64_t Extract(const ConsumedRecord& record, int64_t partition_time) override;

 private:
  std::function<int64_t()> clock_;
};

}  // namespace kstreams

#endif  // KSTREAMS_PROCESSOR_TIMESTAMP_EXTRACTOR_H_
