// bench/output_check.h
//
// What a run against a broker (embedded and broker modes, and raw_pipe) must
// have written to its output topic, worked out from the input schedule
// before the run, and checked against the records read back. A check says
// when the output is complete (the run's timer stops at that record) and,
// after that, whether it is exactly right.
//
// Two kinds cover the workloads so far:
//  - RecordsCheck: a known multiset of (key, value) records (passthrough,
//    filter_map, repartition, kv_store, stream_table_join,
//    stream_stream_join): complete once as many records as expected were
//    read; right when an order-independent 64-bit digest of them equals the
//    expected digest.
//  - LatestPerKeyCheck: the final value of every key (aggregations and
//    table joins whose intermediate updates depend on caching and commit
//    timing: count, windowed_count, table_table_join): complete once every
//    expected key's latest value read is its final value (and, optionally,
//    exactly N records were read, as for an uncached count that forwards
//    every update).
//
// Thread-compatible: one reader thread calls Add(); Complete()/Verify() after.
//
// Example (in a workload):
//
//   plan.output_check = [](const InputSchedule& input) {
//     RecordsCheck::Builder expected;
//     input.ForEachStreamRecord([&](const InputRecord& r) { expected.Add(r.key, r.value); });
//     return expected.Build();
//   };
#ifndef KSTREAMS_BENCH_OUTPUT_CHECK_H_
#define KSTREAMS_BENCH_OUTPUT_CHECK_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"

namespace kstreams::bench {

class OutputCheck {
 public:
  virtual ~OutputCheck() = default;
  // One record read back from the output topic (std::nullopt: a Kafka null).
  virtual void Add(std::optional<std::string_view> key, std::optional<std::string_view> value) = 0;
  // Everything the run has to write has been read.
  virtual bool Complete() const = 0;
  // OK when what was read is exactly what the run had to write; else what
  // differs (named, with counts).
  virtual absl::Status Verify() const = 0;
  virtual int64_t records() const = 0;  // read so far
};

// Order-independent digest of (key, value) records: the sum of a 64-bit hash
// per record, so any order of the same multiset gives the same digest.
uint64_t RecordDigest(std::optional<std::string_view> key, std::optional<std::string_view> value);

class RecordsCheck final : public OutputCheck {
 public:
  class Builder {
   public:
    void Add(std::optional<std::string_view> key, std::optional<std::string_view> value) {
      ++records_;
      digest_ += RecordDigest(key, value);
    }
    std::unique_ptr<OutputCheck> Build() const {
      return std::make_unique<RecordsCheck>(records_, digest_);
    }

   private:
    int64_t records_ = 0;
    uint64_t digest_ = 0;
  };

  RecordsCheck(int64_t expected_records, uint64_t expected_digest)
      : expected_records_(expected_records), expected_digest_(expected_digest) {}
  void Add(std::optional<std::string_view> key, std::optional<std::string_view> value) override {
    ++records_;
    digest_ += RecordDigest(key, value);
  }
  bool Complete() const override { return records_ >= expected_records_; }
  absl::Status Verify() const override;
  int64_t records() const override { return records_; }

 private:
  int64_t expected_records_;
  uint64_t expected_digest_;
  int64_t records_ = 0;
  uint64_t digest_ = 0;
};

class LatestPerKeyCheck final : public OutputCheck {
 public:
  // `expected`: key bytes -> final value bytes. `expected_records` >= 0: the
  // run must also write exactly that many records.
  LatestPerKeyCheck(absl::flat_hash_map<std::string, std::string> expected,
                    int64_t expected_records = -1);
  void Add(std::optional<std::string_view> key, std::optional<std::string_view> value) override;
  bool Complete() const override;
  absl::Status Verify() const override;
  int64_t records() const override { return records_; }

 private:
  struct Slot {
    std::string expected;
    std::optional<std::string> latest;
  };
  absl::flat_hash_map<std::string, Slot> keys_;
  int64_t expected_records_;
  int64_t records_ = 0;
  int64_t matching_ = 0;     // keys whose latest value is the final one
  int64_t unexpected_ = 0;   // records with a key not in `expected` (or null)
  std::string first_unexpected_;
};

}  // namespace kstreams::bench

#endif  // KSTREAMS_BENCH_OUTPUT_CHECK_H_
