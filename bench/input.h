// bench/input.h
//
// The benchmark's input: deterministic records every mode and every output
// check agree on. Keys are 4-byte big-endian int32 (Java's IntegerSerializer)
// drawn uniformly from [0, keys) with a fixed seed; values are `value_size`
// random bytes. They are serialized once, into an InputPool, before any
// timer starts.
//
// A run's records (InputSchedule) are, in this order:
//  1. the preload: for each preloaded input of the workload
//     (InputTopic::Kind::kPreload), one record per key, keys 0..keys-1 in
//     order, the value of key k being pool value k % pool size (the table's
//     contents, e.g. the table side of a stream-table join), stamped before
//     the stream. Loaded before the timer starts; not part of the results;
//  2. the `records` stream records, dealt in turn to the stream inputs
//     (record j goes to stream input j % stream inputs): what is measured.
// Timestamps start at kBaseTimestampMs and advance 1 ms every
// WorkloadPlan::records_per_ms records of the whole run (1000 by default).
//
// Thread-safety: immutable after construction; share freely.
#ifndef KSTREAMS_BENCH_INPUT_H_
#define KSTREAMS_BENCH_INPUT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "workloads.h"

namespace kstreams::bench {

inline constexpr int64_t kBaseTimestampMs = 1'700'000'000'000;

// The 4 big-endian bytes of `key`, as Java's IntegerSerializer writes them.
std::string Int32Bytes(int32_t key);
int32_t Int32FromBytes(std::string_view bytes);  // REQUIRES: bytes.size() == 4
// The 8 big-endian bytes of `v` (Java's LongSerializer).
std::string Int64Bytes(int64_t v);

// Pre-serialized records, contiguous in one buffer (4 key bytes then the
// value bytes, record after record). At most params.pool_bytes are kept
// (at least one record, at most params.records + keys); record j of a longer
// run reads pool record j % size(), so the bytes a run reads are far larger
// than the CPU caches but memory stays bounded.
class InputPool {
 public:
  // Values are random bytes, or plan.make_value's.
  InputPool(const BenchParams& params, const WorkloadPlan& plan);
  int64_t size() const { return count_; }
  int32_t value_size() const { return value_size_; }
  // REQUIRES: 0 <= i < size().
  std::string_view key(int64_t i) const {
    return std::string_view(data_.data() + i * (4 + value_size_), 4);
  }
  std::string_view value(int64_t i) const {
    return std::string_view(data_.data() + i * (4 + value_size_) + 4,
                            static_cast<size_t>(value_size_));
  }

 private:
  int32_t value_size_;
  int64_t count_ = 0;
  std::string data_;
};

// One record of a run, viewing the pool (or the schedule's preload keys).
struct InputRecord {
  int32_t input = 0;  // index into WorkloadPlan::inputs
  std::string_view key;
  std::string_view value;
  int64_t timestamp = 0;
};

// The records of one run of a workload, in schedule order (see the file
// comment). Cheap to walk: ForEach builds no strings.
class InputSchedule {
 public:
  // `pool` must outlive the schedule.
  InputSchedule(const InputPool& pool, const BenchParams& params, const WorkloadPlan& plan);

  int64_t preload_records() const { return preload_records_; }
  int64_t stream_records() const { return stream_records_; }
  // Key + value bytes of the stream records.
  int64_t stream_bytes() const;
  // The value every preloaded input holds for `key` (0 <= key < keys).
  std::string_view preload_value(int32_t key) const { return pool_->value(key % pool_->size()); }

  // The preload (part 1 of the schedule), in order.
  template <typename Fn>
  void ForEachPreloadRecord(Fn&& fn) const {
    int64_t i = 0;
    InputRecord r;
    for (int32_t input : preload_inputs_) {
      r.input = input;
      for (int32_t k = 0; k < keys_; ++k, ++i) {
        r.key = preload_keys_[static_cast<size_t>(k)];
        r.value = preload_value(k);
        r.timestamp = TimestampOf(i);
        fn(r);
      }
    }
  }
  // Every stream record (part 2), in order.
  template <typename Fn>
  void ForEachStreamRecord(Fn&& fn) const {
    ForEachStreamRecord(0, stream_records_, fn);
  }
  // Stream records [begin, end) (0 <= begin <= end <= stream_records()).
  template <typename Fn>
  void ForEachStreamRecord(int64_t begin, int64_t end, Fn&& fn) const {
    for (StreamCursor c(*this, begin); c.position() < end; c.Next()) fn(c.record());
  }

  // Walks the stream records from `begin` on without a division per record
  // (the in-process runner's hot loop uses it directly).
  class StreamCursor {
   public:
    StreamCursor(const InputSchedule& schedule, int64_t begin);
    int64_t position() const { return j_; }
    const InputRecord& record() const { return record_; }
    void Next() {
      ++j_;
      if (++pool_index_ == schedule_->pool_->size()) pool_index_ = 0;
      if (++slot_ == schedule_->stream_inputs_.size()) slot_ = 0;
      if (--until_tick_ == 0) {
        ++record_.timestamp;
        until_tick_ = schedule_->records_per_ms_;
      }
      record_.input = schedule_->stream_inputs_[slot_];
      record_.key = schedule_->pool_->key(pool_index_);
      record_.value = schedule_->pool_->value(pool_index_);
    }

   private:
    const InputSchedule* schedule_;
    int64_t j_;
    int64_t pool_index_;
    size_t slot_;
    int64_t until_tick_;
    InputRecord record_;
  };

  // Record i of the whole run, stamped as the schedule stamps it.
  int64_t TimestampOf(int64_t i) const { return kBaseTimestampMs + i / records_per_ms_; }

 private:
  const InputPool* pool_;
  int32_t keys_;
  int64_t records_per_ms_;
  std::vector<int32_t> preload_inputs_;
  std::vector<int32_t> stream_inputs_;
  std::vector<std::string> preload_keys_;
  int64_t preload_records_ = 0;
  int64_t stream_records_ = 0;
};

}  // namespace kstreams::bench

#endif  // KSTREAMS_BENCH_INPUT_H_
