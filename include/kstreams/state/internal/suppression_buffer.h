// kstreams/state/internal/suppression_buffer.h  (internal: not for users)
//
// The store behind KTable::Suppress (Java's InMemoryTimeOrderedKeyValueChangeBuffer):
// serialized table updates ordered by buffer time, then key, one per key.
// A key buffered again keeps its place (buffer time) and its "prior" value
// (what downstream last saw), taking the newest new/old values and record
// context. Eviction goes in that order.
//
// The store is in memory and, with logging, rebuilt from its own changelog
// "<application.id>-<store>-changelog": at every commit (FlushCache) each key
// changed since the last one is logged, its buffered entry in Java's V3
// layout (record header "v" = 3), or a tombstone once evicted:
//
//   [8 timestamp][8 offset][4 topic length][topic][4 partition]
//   [4 header count]([4 key length][key][4 value length or -1][value])...
//   [4 prior length or -1][prior][4 old length, -1 or -2 (= prior)][old]
//   [4 new length or -1][new][8 buffer time]
//
// so a buffer written by kstreams restores in Kafka Streams and vice versa.
//
// Thread-compatible: owned by one task.
#ifndef KSTREAMS_STATE_INTERNAL_SUPPRESSION_BUFFER_H_
#define KSTREAMS_STATE_INTERNAL_SUPPRESSION_BUFFER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "kstreams/processor/record.h"
#include "kstreams/processor/state_store.h"
#include "kstreams/state/internal/key_value_bytes_store.h"

namespace kstreams::internal {

// The record a buffered update came with (Java's ProcessorRecordContext).
struct BufferedContext {
  int64_t timestamp = 0;
  int64_t offset = -1;
  std::string topic;
  int32_t partition = -1;
  Headers headers;
};

// An entry leaving the buffer; views valid during the callback.
struct BufferEviction {
  std::string_view key;
  BytesValue new_value;
  BytesValue old_value;
  const BufferedContext* context;
};

class SuppressionBuffer : public StateStore, public StateRestoreCallback {
 public:
  // Buffers an update of `key` (serialized) at buffer `time`.
  virtual void Put(int64_t time, std::string_view key, BytesValue new_value,
                   BytesValue old_value, BufferedContext context) = 0;
  // Evicts entries in (time, key) order while `predicate()` holds, handing
  // each to `emit` before it leaves.
  virtual void EvictWhile(const std::function<bool()>& predicate,
                          const std::function<void(const BufferEviction&)>& emit) = 0;
  // Smallest buffer time (INT64_MAX when empty), entries, and their size as
  // Java estimates it (key + values + record context + 8 bytes each).
  virtual int64_t min_timestamp() const = 0;
  virtual int64_t num_records() const = 0;
  virtual int64_t buffer_size_bytes() const = 0;
};

// `logging`: log to and restore from "<application.id>-<name>-changelog".
std::unique_ptr<SuppressionBuffer> NewInMemorySuppressionBuffer(std::string name, bool logging);

// The builder Topology::AddStateStore takes for a buffer.
class SuppressionBufferBuilder {
 public:
  explicit SuppressionBufferBuilder(std::string name) : name_(std::move(name)) {}
  SuppressionBufferBuilder& WithLoggingEnabled(std::map<std::string, std::string> config = {}) {
    logging_ = true;
    log_config_ = std::move(config);
    return *this;
  }
  SuppressionBufferBuilder& WithLoggingDisabled() {
    logging_ = false;
    log_config_.clear();
    return *this;
  }
  const std::string& name() const { return name_; }
  bool logging_enabled() const { return logging_; }
  const std::map<std::string, std::string>& log_config() const { return log_config_; }
  std::unique_ptr<SuppressionBuffer> Build() const {
    return NewInMemorySuppressionBuffer(name_, logging_);
  }

 private:
  std::string name_;
  bool logging_ = true;
  std::map<std::string, std::string> log_config_;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_STATE_INTERNAL_SUPPRESSION_BUFFER_H_
