// bench/input.h
//
// The benchmark's input: deterministic records every mode and every output
// check agree on. Keys are 4-byte big-endian int32 (Java's IntegerSerializer)
// drawn uniformly from [0, keys) with a fixed seed; values are `value_size`
// random bytes. They are serialized once, into an InputPool, before any
// timer starts.
//
// A run's records (InputSchedule) are, in this order:
//  1. for each table input of the workload (InputTopic::Kind::kTable): one
//     record per key, keys 0..keys-1 in order (the table's contents, e.g. the
//     table side of a join), stamped before the stream;
//  2. the `records` stream records, dealt in turn to the stream inputs
//     (record j goes to stream input j % stream inputs).
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

// Pre-serialized records, contiguous in one buffer (4 key bytes then the
// value bytes, record after record). At most params.pool_bytes are kept
// (at least one record, at most params.records + keys); record j of a longer
// run reads pool record j % size(), so the bytes a run reads are far larger
// than the CPU caches but memory stays bounded.
class InputPool {
 public:
  explicit InputPool(const BenchParams& params);
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

// One record of a run, viewing the pool (or the schedule's table keys).
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

  int64_t table_records() const { return table_records_; }
  int64_t stream_records() const { return stream_records_; }
  int64_t total_records() const { return table_records_ + stream_records_; }
  // Key + value bytes of every record of the run.
  int64_t total_bytes() const;

  // Calls fn(const InputRecord&) for every record of the run, in order.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    ForEachTableRecord(fn);
    ForEachStreamRecord(0, stream_records_, fn);
  }
  // The table records (part 1 of the schedule).
  template <typename Fn>
  void ForEachTableRecord(Fn&& fn) const {
    int64_t i = 0;
    InputRecord r;
    for (int32_t input : table_inputs_) {
      r.input = input;
      for (int64_t k = 0; k < keys_; ++k, ++i) {
        r.key = table_keys_[static_cast<size_t>(k)];
        r.value = pool_->value(k % pool_->size());
        r.timestamp = TimestampOf(i);
        fn(r);
      }
    }
  }
  // Stream records [begin, end) (part 2; 0 <= begin <= end <= stream_records()).
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
  int64_t keys_;
  int64_t records_per_ms_;
  std::vector<int32_t> table_inputs_;
  std::vector<int32_t> stream_inputs_;
  std::vector<std::string> table_keys_;
  int64_t table_records_ = 0;
  int64_t stream_records_ = 0;
};

}  // namespace kstreams::bench

#endif  // KSTREAMS_BENCH_INPUT_H_
