// bench/kafka_runner.h
//
// Embedded and broker modes: a workload's topology run by the real
// KafkaStreams runtime against a Kafka-protocol broker, and the ceiling,
// raw_pipe, on the same kind of broker with the same records.
//
// One run (every run gets its own topics; embedded: its own broker):
//  1. Cluster. embedded: a fresh in-process EmbeddedKafka (librdkafka's mock
//     cluster), registered as the topic creator so KafkaStreams can create
//     its repartition and changelog topics; broker: --bootstrap-servers,
//     topics created with the Admin API.
//  2. Topics: every input topic and the output topic with P partitions
//     (--partitions, or PartitionsFor() of the largest input).
//  3. Preload (workloads with a preloaded input; not timed): the preload
//     produced, then processed by a KafkaStreams of the run's configuration
//     until its tasks have committed all of it; that instance closes
//     (writing its checkpoints), so the timed one starts with the tables in
//     its stores and the preloaded partitions committed at their ends.
//  4. Input: the stream records (input.h) produced before anything is
//     timed (then, with WorkloadPlan::end_markers, one marker per
//     partition of each stream input), then checked to be all there (each
//     partition's low watermark 0, the high watermarks adding up to what
//     was produced): the mock broker silently drops the oldest data past
//     ~5 MB per partition.
//  5. A reader (a group-less consumer over every output partition, from its
//     end offset, so nothing a load phase wrote) feeds the workload's
//     OutputCheck as the output arrives.
//  6. The pipeline starts. Timed: from the moment it has its partitions
//     (KafkaStreams RUNNING; raw_pipe: every loop assigned) to the output
//     record that completes the check. Start() to RUNNING (group join: a
//     fixed ~3 s on the mock broker, task and store creation) is reported
//     apart, as startup. An output that stops growing for a minute while
//     the pipeline runs fails the run.
//  7. The pipeline closes; the check verifies the output exactly (count
//     and digest, or every key's final value).
//
// raw_pipe is the ceiling: `threads` plain consumer -> producer loops (one
// consumer in one group and one producer per loop, kstreams' src/kafka
// wrappers over librdkafka) with exactly the client properties the runtime
// gives its clients (internal::ParseRuntimeConfig of the same
// StreamsConfig), forwarding each record's key and value bytes unchanged to
// the output topic and committing offsets every commit.interval.ms after a
// producer flush with every delivery acknowledged (at-least-once, as the
// runtime does). It reads records in place (no copy, no deserialization).
//
// Thread-compatible: one run at a time per process (the benchmark forks one
// process per run).
#ifndef KSTREAMS_BENCH_KAFKA_RUNNER_H_
#define KSTREAMS_BENCH_KAFKA_RUNNER_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "run_result.h"
#include "workloads.h"

namespace kstreams::bench {

// Partitions per topic when --partitions is not given: at least one per
// thread and, on the embedded broker, enough that `records_per_topic`
// records of this size stay within its retention (~5 MB per partition,
// budgeted at 3.5 MB).
int32_t PartitionsFor(const BenchParams& params, int64_t records_per_topic);

// The workload on KafkaStreams (num.stream.threads = params.threads).
absl::StatusOr<RunResult> RunOnKafka(const Workload& workload, const BenchParams& params);

// The restore workload: the run's stream records produced into the
// changelog of the plan's restore_store (partitioned by key, as its tasks
// would have written it), then KafkaStreams started on a fresh state
// directory, so every task restores its store from the beginning. Timed:
// from the first OnRestoreStart to the last OnRestoreEnd (a
// StateRestoreListener); Start() to the first is startup. Then every key
// must read back (KafkaStreams::Store) as its last changelog value and the
// restored count must equal the records produced. output_records = keys.
absl::StatusOr<RunResult> RunRestoreOnKafka(const Workload& workload, const BenchParams& params);

// The ceiling: passthrough's topics, records and output check, processed by
// raw consumer -> producer loops instead of KafkaStreams. Its input is the
// stream records every workload's timed span consumes (a two-input
// workload gets the same records dealt over two topics).
absl::StatusOr<RunResult> RunRawPipe(const BenchParams& params);

}  // namespace kstreams::bench

#endif  // KSTREAMS_BENCH_KAFKA_RUNNER_H_
