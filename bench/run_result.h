// bench/run_result.h
//
// What one run of one workload measured, in any mode. Plain value type.
#ifndef KSTREAMS_BENCH_RUN_RESULT_H_
#define KSTREAMS_BENCH_RUN_RESULT_H_

#include <cstdint>

namespace kstreams::bench {

struct RunResult {
  int64_t input_records = 0;
  int64_t input_bytes = 0;  // key + value bytes consumed
  int64_t output_records = 0;
  int64_t output_bytes = 0;  // key + value bytes written (in-process) / read back
  // Wall clock of the measured span. In-process: first record to last
  // flush. Embedded/broker: from the moment the pipeline has its partitions
  // (KafkaStreams RUNNING, raw_pipe's assignment) to the last output record
  // read back.
  double seconds = 0;
  // CPU time over the same span. In-process: the worker threads, summed.
  // Embedded/broker: the whole process (the pipeline's threads, librdkafka's,
  // the output reader's and, embedded, the broker's). Less sensitive than
  // `seconds` to other processes sharing the cores.
  double cpu_seconds = 0;
  // Embedded/broker: from Start() to RUNNING (group join, task and store
  // creation); not part of `seconds`. Negative when not measured.
  double startup_seconds = -1;
  // Embedded/broker: resident set size just before Start(), the input
  // already produced (with the embedded broker it holds the input).
  int64_t rss_before_start_kb = 0;
};

}  // namespace kstreams::bench

#endif  // KSTREAMS_BENCH_RUN_RESULT_H_
