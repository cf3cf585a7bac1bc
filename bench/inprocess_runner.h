// bench/inprocess_runner.h
//
// In-process mode: the pure processing cost of a topology. No broker, no
// consumer or producer, and none of the TopologyTestDriver's bookkeeping
// (per-record flush, output queues, offset maps).
//
// Before the timer, per thread (each thread owns the tasks of one
// partition, partition = thread index): the preloaded inputs, processed as
// below, then a commit (see input.h; every thread loads its own copy, since
// its share of the stream has every key). Their output is not counted.
// What is timed, per thread: its share (records/threads) of the stream:
//   for each record: build a RawRecord viewing pre-serialized bytes (as a
//     consumer wrapper would over a fetched message) and TaskCore::Process it
//     in the task that reads its topic;
//   every max.poll.records (1000) records: PunctuateStreamTime/WallClock, as
//     a StreamThread does once per poll loop, and FlushCaches of every task
//     (a commit) when commit.interval.ms has passed (or every
//     params.commit_every records when that is set);
//   at the end: Flush every task (caches, then durable stores).
// What is not timed: building the topology, creating and initializing the
// tasks, generating and serializing the input, the preload.
//
// Output goes to a CountingCollector (see inprocess_runner.cc); records
// written to a topic that another task of the topology reads (repartition
// topics) are handed to that task, as the broker would, after the record
// that produced them.
#ifndef KSTREAMS_BENCH_INPROCESS_RUNNER_H_
#define KSTREAMS_BENCH_INPROCESS_RUNNER_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "run_result.h"
#include "workloads.h"

namespace kstreams::bench {

absl::StatusOr<RunResult> RunInProcess(const Workload& workload, const BenchParams& params);

// The restore workload in-process: per thread, a task of the plan's
// topology with its stores initialized, and, timed, the plan's stream
// records handed as changelog records to the StateRestoreCallback that the
// store `plan.restore_store` registered, in the runtime's batches of
// 10,000, then the store flushed to disk. Afterwards (not timed) every key
// must hold the last value the changelog gave it. output_records = keys.
absl::StatusOr<RunResult> RunRestoreInProcess(const Workload& workload,
                                              const BenchParams& params);

}  // namespace kstreams::bench

#endif  // KSTREAMS_BENCH_INPROCESS_RUNNER_H_
