// bench/report.h
//
// One result row per (workload, mode) and its two outputs: a fixed-width
// table for people and a JSON document for tools. The JSON is written by
// hand (the project takes no JSON dependency); its layout is documented in
// bench/README.md.
#ifndef KSTREAMS_BENCH_REPORT_H_
#define KSTREAMS_BENCH_REPORT_H_

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "workloads.h"

namespace kstreams::bench {

struct ResultRow {
  std::string workload;
  std::string mode;
  int64_t records = 0;  // input records
  int32_t value_size = 0;
  int32_t keys = 0;
  int32_t threads = 0;
  double seconds = 0;          // best run
  double records_per_sec = 0;  // input records / seconds
  double mb_per_sec = 0;       // input key+value bytes / 2^20 / seconds
  // input records / CPU seconds of the stream threads (same best run).
  double records_per_cpu_sec = 0;
  // records_per_sec / the raw_pipe ceiling of the same run; absent when no
  // ceiling was measured (in-process mode has none).
  std::optional<double> ratio_to_ceiling;
  // records_per_cpu_sec / the ceiling's.
  std::optional<double> cpu_ratio_to_ceiling;
  int64_t peak_rss_kb = 0;  // getrusage ru_maxrss of the process that ran it
  // Embedded/broker: Start() to RUNNING of the best run (-1: in-process),
  // and the process's RSS just before Start() (the input already produced).
  double startup_seconds = -1;
  int64_t rss_before_start_kb = 0;
  int64_t output_records = 0;
  int64_t output_bytes = 0;
  std::vector<double> run_seconds;  // every repetition, in order
};

void PrintTable(std::ostream& out, const std::vector<ResultRow>& rows);
// `skipped`: (workload, reason) for workloads that could not run. The load
// averages (LoadAverage() before and after the runs) say how busy the
// machine was.
std::string ToJson(const BenchParams& params,
                   const std::vector<ResultRow>& rows,
                   const std::vector<std::pair<std::string, std::string>>& skipped,
                   const std::string& load_before, const std::string& load_after);

// /proc/loadavg's 1, 5 and 15 minute averages, or "" when unavailable.
std::string LoadAverage();

}  // namespace kstreams::bench

#endif  // KSTREAMS_BENCH_REPORT_H_
