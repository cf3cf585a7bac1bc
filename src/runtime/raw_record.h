// The one conversion from a consumed record (kafka/) to what the task engine
// processes (RawRecord): the stream tasks and the global stream thread both
// hand consumed records over this way.
//
// Thread-compatible; the result views `record`.
#ifndef KSTREAMS_SRC_RUNTIME_RAW_RECORD_H_
#define KSTREAMS_SRC_RUNTIME_RAW_RECORD_H_

#include "kafka/kafka_common.h"
#include "kstreams/processor/internal/task_context.h"

namespace kstreams::internal {

// `record` as a RawRecord: topic, key and value are views into `record`
// (valid while it lives, unchanged); headers are copied.
inline RawRecord ToRawRecord(const ConsumerRecord& record) {
  RawRecord raw;
  raw.topic = record.topic;
  raw.partition = record.partition;
  raw.offset = record.offset;
  raw.timestamp = record.timestamp;
  if (record.key) raw.key = *record.key;
  if (record.value) raw.value = *record.value;
  for (const OwnedHeader& h : record.headers) raw.headers.Add(h.key, h.value);
  return raw;
}

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_RUNTIME_RAW_RECORD_H_
