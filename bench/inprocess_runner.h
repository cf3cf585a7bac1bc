// bench/inprocess_runner.h
//
// In-process mode: the pure processing cost of a topology. No broker, no
// consumer or producer, and none of the TopologyTestDriver's bookkeeping
// (per-record flush, output queues, offset maps).
//
// What is timed, per thread (each thread owns the tasks of one partition,
// partition = thread index, and processes records/threads of the input):
//   for each record: build a RawRecord viewing pre-serialized bytes (as a
//     consumer wrapper would over a fetched message) and TaskCore::Process it;
//   every max.poll.records (1000) records: PunctuateStreamTime/WallClock, as a
//     StreamThread does once per poll loop;
//   every `commit_every` records and at the end: Flush every task, as a commit.
// What is not timed: building the topology, creating and initializing the
// tasks, generating and serializing the input.
//
// Output goes to a CountingCollector (see below); records written to a topic
// that another task of the topology reads (repartition topics) are handed to
// that task, as the broker would, after the record that produced them.
#ifndef KSTREAMS_BENCH_INPROCESS_RUNNER_H_
#define KSTREAMS_BENCH_INPROCESS_RUNNER_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "workloads.h"

namespace kstreams::bench {

struct RunResult {
  int64_t input_records = 0;
  int64_t input_bytes = 0;  // key + value bytes consumed
  int64_t output_records = 0;
  int64_t output_bytes = 0;  // key + value bytes handed to the collector
  double seconds = 0;      // wall clock, first record to last flush
  // CPU time of the worker threads over the same span, summed. Less
  // sensitive than `seconds` to other processes sharing the cores.
  double cpu_seconds = 0;
};

absl::StatusOr<RunResult> RunInProcess(const Workload& workload, const BenchParams& params);

}  // namespace kstreams::bench

#endif  // KSTREAMS_BENCH_INPROCESS_RUNNER_H_
