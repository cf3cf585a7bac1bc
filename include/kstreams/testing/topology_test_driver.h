// kstreams/testing/topology_test_driver.h
//
// TopologyTestDriver runs a Topology synchronously, with no broker and no
// threads, for unit tests (Java's TopologyTestDriver). Input piped into a
// TestInputTopic is serialized with the given serdes, processed at once by the
// task that reads the topic, and whatever sinks write is kept per topic for
// TestOutputTopic to read back (deserialized with the serdes you give, so
// serde bugs show). Records written to a topic the topology also reads
// (repartition topics, or a user topic fed back) are processed right after,
// as on a real cluster. Stream-time punctuators fire as record timestamps
// advance; wall-clock punctuators fire on AdvanceWallClockTime().
//
// As in Java, the driver commits after every record it processes (input
// records and records read back from repartition topics): store caches are
// flushed each time, so caching never delays output. To see caching at work,
// SetCommitAfterEachRecord(false) and call Commit() where a real application
// would commit (every commit.interval.ms).
//
// Errors. Nothing throws but the stores it hands out (GetKeyValueStore and
// the others), which throw kstreams::StateStoreException as every store
// does (README, "Errors"). PipeInput returns the status of processing (e.g. a
// deserialization error under log_and_fail names topic, partition and
// offset); errors are also logged and kept in status(). An output topic that
// no sink writes is an error reported the same way; reading past the end
// returns std::nullopt.
//
// Thread-compatible: use a driver from one thread.
//
// Example:
//
//   kstreams::TopologyTestDriver driver(builder.Build(),
//       {{kstreams::StreamsConfig::kApplicationId, "test"}});
//   auto in = driver.CreateInputTopic<std::string, std::string>("input");
//   auto out = driver.CreateOutputTopic<std::string, int64_t>("output");
//   in.PipeInput("alice", "hello", /*timestamp_ms=*/1000);
//   EXPECT_EQ(out.ReadKeyValue(), (kstreams::KeyValue<std::string, int64_t>{"alice", 5}));
#ifndef KSTREAMS_TESTING_TOPOLOGY_TEST_DRIVER_H_
#define KSTREAMS_TESTING_TOPOLOGY_TEST_DRIVER_H_

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "kstreams/processor/streams_metrics.h"
#include "kstreams/processor/internal/task_context.h"
#include "kstreams/processor/key_value.h"
#include "kstreams/processor/record.h"
#include "kstreams/processor/topology.h"
#include "kstreams/serde/serde.h"
#include "kstreams/state/internal/key_value_store_facade.h"
#include "kstreams/state/internal/window_store_facade.h"
#include "kstreams/state/key_value_store.h"
#include "kstreams/state/session_store.h"
#include "kstreams/state/timestamped_key_value_store.h"
#include "kstreams/state/window_store.h"
#include "kstreams/status_macros.h"
#include "kstreams/streams_config.h"

namespace kstreams {

// A record as a test reads or writes it.
template <typename K, typename V>
struct TestRecord {
  K key;
  V value;
  int64_t timestamp = 0;
  Headers headers;
  friend bool operator==(const TestRecord&, const TestRecord&) = default;
  friend std::ostream& operator<<(std::ostream& os, const TestRecord& r) {
    os << "TestRecord(";
    internal::PrintValue(os, r.key);
    os << ", ";
    internal::PrintValue(os, r.value);
    return os << ", ts=" << r.timestamp << ", headers=" << r.headers.size() << ")";
  }
};

namespace internal {
// One record as a sink produced it, before deserialization.
struct ProducedRecord {
  std::optional<std::string> key;
  std::optional<std::string> value;
  int64_t timestamp = 0;
  Headers headers;
  int32_t partition = -1;
};
}  // namespace internal

template <typename K, typename V>
class TestInputTopic;
template <typename K, typename V>
class TestOutputTopic;

class TopologyTestDriver {
 public:
  // `config` needs no bootstrap.servers; application.id defaults to
  // "dummy-topology-test-driver-app-id" (Java's default), which prefixes
  // internal topic names. The mock wall clock starts at
  // `initial_wall_clock_ms` (default: the real time now).
  explicit TopologyTestDriver(const Topology& topology, StreamsConfig config = {},
                              std::optional<int64_t> initial_wall_clock_ms = std::nullopt);
  ~TopologyTestDriver();
  TopologyTestDriver(const TopologyTestDriver&) = delete;
  TopologyTestDriver& operator=(const TopologyTestDriver&) = delete;

  // Input topics default to start at the current mock wall-clock time and not
  // to advance; serdes default by type.
  template <typename K, typename V>
  TestInputTopic<K, V> CreateInputTopic(const std::string& topic,
                                        SerdePtr<K> key_serde = nullptr,
                                        SerdePtr<V> value_serde = nullptr);
  template <typename K, typename V>
  TestInputTopic<K, V> CreateInputTopic(const std::string& topic, SerdePtr<K> key_serde,
                                        SerdePtr<V> value_serde, int64_t start_timestamp_ms,
                                        std::chrono::milliseconds auto_advance);
  template <typename K, typename V>
  TestOutputTopic<K, V> CreateOutputTopic(const std::string& topic,
                                          SerdePtr<K> key_serde = nullptr,
                                          SerdePtr<V> value_serde = nullptr);

  // Advances the mock wall clock and fires due wall-clock punctuators.
  void AdvanceWallClockTime(std::chrono::milliseconds advance);

  // Default true (Java's behaviour). With false, stores (and their caches)
  // are flushed only by Commit().
  void SetCommitAfterEachRecord(bool commit) { commit_after_each_record_ = commit; }
  // Flushes every task's stores, as a commit does: caches forward their
  // latest value per key. Tasks are flushed upstream first, and what a flush
  // writes to a repartition topic is processed before the next task flushes,
  // so one Commit() brings every output up to date.
  absl::Status Commit();
  int64_t wall_clock_ms() const { return wall_clock_ms_; }

  // The first error the driver met (building, processing, reading), or OK.
  const absl::Status& status() const { return status_; }
  // Records skipped by handlers or dropped on purpose by nodes, all tasks.
  int64_t dropped_records() const;
  // Every task's metrics (thread-id "topology-test-driver"), as
  // KafkaStreams::Metrics() lists them (Java's TopologyTestDriver#metrics()).
  std::vector<Metric> Metrics() const;
  // The store named `name` in the task that owns it, or nullptr.
  StateStore* GetStateStoreBase(std::string_view name);
  template <typename S>
  S* GetStateStore(std::string_view name) {
    return dynamic_cast<S*>(GetStateStoreBase(name));
  }
  // The key-value store `name` (Java's getKeyValueStore), or nullptr when
  // there is none of that name and type. Reads and writes go through all of
  // the store's layers (a write here is cached and logged like one from a
  // processor). For the timestamped stores tables and aggregations keep, a
  // view without the timestamps (writes through it store timestamp -1, as
  // Java's facade); the view lives as long as the driver.
  template <typename K, typename V>
  KeyValueStore<K, V>* GetKeyValueStore(std::string_view name) {
    if (auto* plain = GetStateStore<KeyValueStore<K, V>>(name)) return plain;
    auto* timestamped = GetTimestampedKeyValueStore<K, V>(name);
    if (timestamped == nullptr) return nullptr;
    facades_.push_back(std::make_unique<internal::KeyValueStoreFacade<K, V>>(timestamped));
    return static_cast<KeyValueStore<K, V>*>(facades_.back().get());
  }
  template <typename K, typename V>
  TimestampedKeyValueStore<K, V>* GetTimestampedKeyValueStore(std::string_view name) {
    return GetStateStore<TimestampedKeyValueStore<K, V>>(name);
  }
  // The window store `name` (Java's getWindowStore). For the timestamped
  // stores windowed aggregations keep, a view without the timestamps (writes
  // through it store timestamp -1, as Java's facade). nullptr when there is
  // no window store of that name and type.
  template <typename K, typename V>
  WindowStore<K, V>* GetWindowStore(std::string_view name) {
    if (auto* plain = GetStateStore<WindowStore<K, V>>(name)) return plain;
    auto* timestamped = GetTimestampedWindowStore<K, V>(name);
    if (timestamped == nullptr) return nullptr;
    facades_.push_back(std::make_unique<internal::WindowStoreFacade<K, V>>(timestamped));
    return static_cast<WindowStore<K, V>*>(facades_.back().get());
  }
  template <typename K, typename V>
  TimestampedWindowStore<K, V>* GetTimestampedWindowStore(std::string_view name) {
    return GetStateStore<TimestampedWindowStore<K, V>>(name);
  }
  // The session store `name` (Java's getSessionStore), or nullptr.
  template <typename K, typename V>
  SessionStore<K, V>* GetSessionStore(std::string_view name) {
    return GetStateStore<SessionStore<K, V>>(name);
  }
  // Every topic a sink has written to so far, decorated names. Changelogs of
  // logged stores appear as "<application.id>-<store>-changelog" and can be
  // read with CreateOutputTopic like any output topic.
  std::vector<std::string> ProducedTopicNames() const;

  // Library use (TestInputTopic / TestOutputTopic).
  absl::Status PipeRaw(const std::string& topic, internal::RawBytes key,
                       internal::RawBytes value, int64_t timestamp, const Headers& headers);
  std::deque<internal::ProducedRecord>* OutputQueue(const std::string& topic);
  // Logs `status` and keeps it in status() if it is the first error.
  absl::Status Fail(absl::Status status);

 private:
  class Impl;
  absl::Status ProcessPending();

  std::unique_ptr<Impl> impl_;
  // Views handed out by GetKeyValueStore / GetWindowStore; they point into the tasks' stores.
  std::vector<std::unique_ptr<StateStore>> facades_;
  int64_t wall_clock_ms_ = 0;
  bool commit_after_each_record_ = true;
  absl::Status status_;
};

template <typename K, typename V>
class TestInputTopic {
 public:
  // Pipes one record; the timestamp defaults to the topic's current time,
  // which then advances by the auto-advance step. Returns the processing
  // status (also kept in the driver's status()).
  absl::Status PipeInput(const K& key, const V& value) {
    return Pipe(&key, &value, NextTimestamp(), {});
  }
  absl::Status PipeInput(const K& key, const V& value, int64_t timestamp_ms,
                         const Headers& headers = {}) {
    return Pipe(&key, &value, timestamp_ms, headers);
  }
  // Value only: the key is a Kafka null (K must be std::optional or Void).
  absl::Status PipeInput(const V& value) {
    return Pipe(nullptr, &value, NextTimestamp(), {});
  }
  absl::Status PipeInput(const V& value, int64_t timestamp_ms) {
    return Pipe(nullptr, &value, timestamp_ms, {});
  }
  // A record with a null value (a tombstone for tables).
  absl::Status PipeTombstone(const K& key) { return Pipe(&key, nullptr, NextTimestamp(), {}); }
  absl::Status PipeTombstone(const K& key, int64_t timestamp_ms) {
    return Pipe(&key, nullptr, timestamp_ms, {});
  }
  absl::Status PipeValueList(const std::vector<V>& values) {
    for (const V& v : values) KSTREAMS_RETURN_IF_ERROR(PipeInput(v));
    return absl::OkStatus();
  }
  absl::Status PipeKeyValueList(const std::vector<KeyValue<K, V>>& records) {
    for (const auto& kv : records) KSTREAMS_RETURN_IF_ERROR(PipeInput(kv.key, kv.value));
    return absl::OkStatus();
  }
  absl::Status PipeRecordList(const std::vector<TestRecord<K, V>>& records) {
    for (const auto& r : records) {
      KSTREAMS_RETURN_IF_ERROR(PipeInput(r.key, r.value, r.timestamp, r.headers));
    }
    return absl::OkStatus();
  }
  // Moves the topic's current time forward.
  void AdvanceTime(std::chrono::milliseconds advance) { current_time_ += advance.count(); }

 private:
  friend class TopologyTestDriver;
  TestInputTopic(TopologyTestDriver* driver, std::string topic, SerdePtr<K> key_serde,
                 SerdePtr<V> value_serde, int64_t start, int64_t advance)
      : driver_(driver), topic_(std::move(topic)), key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)), current_time_(start), advance_(advance) {}

  int64_t NextTimestamp() {
    int64_t ts = current_time_;
    current_time_ += advance_;
    return ts;
  }

  absl::Status Pipe(const K* key, const V* value, int64_t ts, const Headers& headers) {
    internal::RawBytes raw_key, raw_value;
    std::string key_buf, value_buf;
    if (key != nullptr && !key_serde_->IsNull(*key)) {
      KSTREAMS_RETURN_IF_ERROR(key_serde_->Serialize(topic_, *key, key_buf));
      raw_key = key_buf;
    }
    if (value != nullptr && !value_serde_->IsNull(*value)) {
      KSTREAMS_RETURN_IF_ERROR(value_serde_->Serialize(topic_, *value, value_buf));
      raw_value = value_buf;
    }
    return driver_->PipeRaw(topic_, raw_key, raw_value, ts, headers);
  }

  TopologyTestDriver* driver_;
  std::string topic_;
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  int64_t current_time_;
  int64_t advance_;
};

template <typename K, typename V>
class TestOutputTopic {
 public:
  // Each Read* consumes records in the order they were produced; std::nullopt
  // (or an empty list) when there are none or they do not deserialize (the
  // error is logged and kept in the driver's status()).
  std::optional<V> ReadValue() {
    auto r = ReadRecord();
    if (!r) return std::nullopt;
    return std::move(r->value);
  }
  std::optional<KeyValue<K, V>> ReadKeyValue() {
    auto r = ReadRecord();
    if (!r) return std::nullopt;
    return KeyValue<K, V>{std::move(r->key), std::move(r->value)};
  }
  std::optional<TestRecord<K, V>> ReadRecord();
  std::vector<V> ReadValuesToList() {
    std::vector<V> out;
    while (auto v = ReadValue()) out.push_back(std::move(*v));
    return out;
  }
  std::vector<KeyValue<K, V>> ReadKeyValuesToList() {
    std::vector<KeyValue<K, V>> out;
    while (auto kv = ReadKeyValue()) out.push_back(std::move(*kv));
    return out;
  }
  std::vector<TestRecord<K, V>> ReadRecordsToList() {
    std::vector<TestRecord<K, V>> out;
    while (auto r = ReadRecord()) out.push_back(std::move(*r));
    return out;
  }
  // Latest value per key; a null value (tombstone) removes the key.
  std::map<K, V> ReadKeyValuesToMap();
  bool IsEmpty() const { return queue_ == nullptr || queue_->empty(); }
  size_t GetQueueSize() const { return queue_ == nullptr ? 0 : queue_->size(); }

 private:
  friend class TopologyTestDriver;
  TestOutputTopic(TopologyTestDriver* driver, std::string topic,
                  std::deque<internal::ProducedRecord>* queue, SerdePtr<K> key_serde,
                  SerdePtr<V> value_serde)
      : driver_(driver), topic_(std::move(topic)), queue_(queue),
        key_serde_(std::move(key_serde)), value_serde_(std::move(value_serde)) {}

  TopologyTestDriver* driver_;
  std::string topic_;
  std::deque<internal::ProducedRecord>* queue_;  // nullptr: unknown topic
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
};

// ---------------------------------------------------------------------------
// Implementation.

template <typename K, typename V>
TestInputTopic<K, V> TopologyTestDriver::CreateInputTopic(const std::string& topic,
                                                          SerdePtr<K> key_serde,
                                                          SerdePtr<V> value_serde) {
  return CreateInputTopic<K, V>(topic, std::move(key_serde), std::move(value_serde),
                                wall_clock_ms_, std::chrono::milliseconds(0));
}

template <typename K, typename V>
TestInputTopic<K, V> TopologyTestDriver::CreateInputTopic(
    const std::string& topic, SerdePtr<K> key_serde, SerdePtr<V> value_serde,
    int64_t start_timestamp_ms, std::chrono::milliseconds auto_advance) {
  return TestInputTopic<K, V>(this, topic, SerdeOrDefault<K>(std::move(key_serde)),
                              SerdeOrDefault<V>(std::move(value_serde)),
                              start_timestamp_ms, auto_advance.count());
}

template <typename K, typename V>
TestOutputTopic<K, V> TopologyTestDriver::CreateOutputTopic(const std::string& topic,
                                                            SerdePtr<K> key_serde,
                                                            SerdePtr<V> value_serde) {
  return TestOutputTopic<K, V>(this, topic, OutputQueue(topic),
                               SerdeOrDefault<K>(std::move(key_serde)),
                               SerdeOrDefault<V>(std::move(value_serde)));
}

namespace internal {
// Logs and records a read error in the driver.
void ReportOutputError(TopologyTestDriver* driver, const absl::Status& status);
}  // namespace internal

template <typename K, typename V>
std::optional<TestRecord<K, V>> TestOutputTopic<K, V>::ReadRecord() {
  if (queue_ == nullptr || queue_->empty()) return std::nullopt;
  internal::ProducedRecord raw = std::move(queue_->front());
  queue_->pop_front();
  absl::StatusOr<K> key = raw.key ? key_serde_->Deserialize(topic_, *raw.key)
                                  : key_serde_->DeserializeNull(topic_);
  absl::StatusOr<V> value = raw.value ? value_serde_->Deserialize(topic_, *raw.value)
                                      : value_serde_->DeserializeNull(topic_);
  if (!key.ok() || !value.ok()) {
    internal::ReportOutputError(
        driver_, absl::InvalidArgumentError(::kstreams::internal::StrCat(
                     "reading output topic '", topic_, "': ",
                     key.ok() ? "value: " : "key: ",
                     key.ok() ? value.status().message() : key.status().message())));
    return std::nullopt;
  }
  return TestRecord<K, V>{std::move(*key), std::move(*value), raw.timestamp,
                          std::move(raw.headers)};
}

template <typename K, typename V>
std::map<K, V> TestOutputTopic<K, V>::ReadKeyValuesToMap() {
  std::map<K, V> out;
  while (queue_ != nullptr && !queue_->empty()) {
    if (!queue_->front().value.has_value()) {
      // Tombstone: deserialize the key only.
      internal::ProducedRecord raw = std::move(queue_->front());
      queue_->pop_front();
      absl::StatusOr<K> key = raw.key ? key_serde_->Deserialize(topic_, *raw.key)
                                      : key_serde_->DeserializeNull(topic_);
      if (key.ok()) out.erase(*key);
      continue;
    }
    auto r = ReadRecord();
    if (!r) break;
    out.insert_or_assign(std::move(r->key), std::move(r->value));
  }
  return out;
}

}  // namespace kstreams

#endif  // KSTREAMS_TESTING_TOPOLOGY_TEST_DRIVER_H_
