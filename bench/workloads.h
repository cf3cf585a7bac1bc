// bench/workloads.h
//
// The benchmark workloads, after Kafka Streams' SimpleBenchmark: integer keys
// (big-endian int32, as Java's IntegerSerializer) over a space of `keys`, byte
// values of `value_size` (see input.h). A workload is one entry in the
// registry: a name, a description and a function that builds its plan: the
// topology, its input topics (one or more, timed or preloaded), its output
// topic and, for the modes that read the output back from a broker, what
// that output must be. Adding a workload is adding one function to
// workloads.cc.
//
// Workloads whose feature does not exist yet are listed with the reason, so
// `--workload NAME` says what is missing instead of printing numbers that
// measure something else.
//
// Topic names: use InputTopicName / OutputTopicName / TopicName(params, ...)
// so that broker-mode runs on a shared cluster get names of their own.
#ifndef KSTREAMS_BENCH_WORKLOADS_H_
#define KSTREAMS_BENCH_WORKLOADS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kstreams/processor/topology.h"
#include "kstreams/streams_config.h"

namespace kstreams::bench {

class InputSchedule;
class OutputCheck;

// commit.interval.ms of every mode unless --config sets it. Kafka Streams'
// 30 s default would hold a cached aggregation's output back for up to 30 s
// after the input is processed (the broker modes wait for the output), and
// a run lasts seconds.
inline constexpr int64_t kBenchCommitIntervalMs = 100;

// Command-line parameters shared by every workload and mode.
struct BenchParams {
  int64_t records = 5'000'000;
  int32_t value_size = 100;
  int32_t keys = 10'000;
  int32_t threads = 1;
  std::string mode = "inprocess";
  std::string bootstrap_servers;
  // In-process: records between two commits (each flushes the caches);
  // 0: commit every commit.interval.ms of wall time, as a stream thread does.
  int64_t commit_every = 0;
  // In-process: bytes of pre-serialized input kept in memory; inputs beyond
  // it cycle through the pool (with fresh offsets and timestamps).
  int64_t pool_bytes = 64ll << 20;
  // Embedded/broker: partitions of every input and output topic; 0 = as
  // many as the embedded broker's retention needs (see kafka_runner.h).
  int32_t partitions = 0;
  // Prepended to every topic name (broker mode: "kstreams-bench-<run id>-").
  std::string topic_prefix;
  // Extra StreamsConfig entries (--config key=value), after the workload's.
  std::vector<std::pair<std::string, std::string>> config;
};

// One input topic of a workload.
struct InputTopic {
  enum class Kind {
    // Takes part in the measured stream: the run's `records` records are
    // dealt to the stream inputs in turn (whether the topology reads the
    // topic as a KStream or as a KTable, as table_table_join does).
    kStream,
    // Loaded before the timer starts, with one record per key (keys
    // 0..keys-1), stamped before the stream: the table side of a
    // stream-table join. Neither timed nor counted in the results; see
    // input.h and the runners for how each mode loads it.
    kPreload,
  };
  std::string topic;
  Kind kind = Kind::kStream;
};

// What the runners need from a workload.
struct WorkloadPlan {
  Topology topology;
  std::vector<InputTopic> inputs;
  // The topic whose records the broker modes read back and check.
  std::string output_topic;
  // Extra configuration (state.dir, cache size, ...).
  StreamsConfig config;
  // A state directory made for this run; the runner removes it afterwards.
  std::string temp_state_dir;
  // Event time advances 1 ms every this many records of the run (a windowed
  // join wants fewer, so that its window spans a realistic record count).
  int64_t records_per_ms = 1000;
  // Embedded/broker modes: after the stream records, one end marker in
  // every partition of every stream input: key -1 - (input index), which no
  // stream record has, an empty value, stamped an hour after the last stream
  // record. A task that keeps its input partitions in time order
  // (max.task.idle.ms > 0) then never waits at the end of the input for a
  // partition that has nothing more to give: the markers come last. They
  // are not counted; the output check must expect nothing of them.
  bool end_markers = false;
  // The restore workload: the logged store whose changelog the run's stream
  // records are, restored instead of processed (Workload::Runner::kRestore).
  std::string restore_store;
  // Embedded/broker modes: what `output_topic` must hold once the input is
  // processed (see output_check.h). Empty: the workload runs in-process only.
  std::function<std::unique_ptr<OutputCheck>(const InputSchedule&)> output_check;
  // The input values, when not random bytes: writes exactly `size` bytes
  // at `out` for a record of `key`, from the random `seed` (the SQL
  // workloads' JSON rows). Called while the input pool is made, before any
  // timer.
  std::function<void(int32_t key, uint64_t seed, char* out, int32_t size)> make_value;
  // Lives as long as the plan: what the topology's code refers to (the SQL
  // engine that compiled it).
  std::shared_ptr<const void> keep_alive;
};

struct Workload {
  // How a run goes: records processed through the topology, or a store
  // rebuilt from its changelog (the plan's records are the changelog).
  enum class Runner { kProcess, kRestore };
  std::string name;
  std::string description;
  // Empty when the workload can run; else what it waits for.
  std::string unavailable;
  std::function<WorkloadPlan(const BenchParams&)> build;
  Runner runner = Runner::kProcess;
};

// In suite order.
const std::vector<Workload>& AllWorkloads();
// nullptr when no workload has that name.
const Workload* FindWorkload(std::string_view name);

std::string TopicName(const BenchParams& params, std::string_view name);
inline std::string InputTopicName(const BenchParams& params) {
  return TopicName(params, "bench-input");
}
inline std::string OutputTopicName(const BenchParams& params) {
  return TopicName(params, "bench-output");
}

// A fresh directory for one run's state stores ("" if none could be made).
std::string TempStateDir();

// The StreamsConfig of a run: commit.interval.ms = kBenchCommitIntervalMs,
// then the workload's entries, then --config's.
StreamsConfig RunConfig(const WorkloadPlan& plan, const BenchParams& params);

}  // namespace kstreams::bench

#endif  // KSTREAMS_BENCH_WORKLOADS_H_
