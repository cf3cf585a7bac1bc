// bench/workloads.h
//
// The benchmark workloads, after Kafka Streams' SimpleBenchmark: integer keys
// (big-endian int32, as Java's IntegerSerializer) over a space of `keys`, byte
// values of `value_size`. A workload is one entry in the registry: a name, a
// description and a function that builds its topology. Adding a workload is
// adding one function to workloads.cc.
//
// Workloads whose feature does not exist yet (state stores, windows, joins,
// restoration) are listed with the reason, so `--workload kv_store` says what
// is missing instead of printing numbers that measure something else.
#ifndef KSTREAMS_BENCH_WORKLOADS_H_
#define KSTREAMS_BENCH_WORKLOADS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "kstreams/processor/topology.h"
#include "kstreams/streams_config.h"

namespace kstreams::bench {

// Command-line parameters shared by every workload and mode.
struct BenchParams {
  int64_t records = 5'000'000;
  int32_t value_size = 100;
  int32_t keys = 10'000;
  int32_t threads = 1;
  std::string mode = "inprocess";
  std::string bootstrap_servers;
  // In-process: records between two commits (each commit flushes the tasks).
  int64_t commit_every = 10'000;
  // In-process: bytes of pre-serialized input kept in memory; inputs beyond
  // it cycle through the pool (with fresh offsets and timestamps).
  int64_t pool_bytes = 64ll << 20;
};

// What the runners need from a workload.
struct WorkloadPlan {
  Topology topology;
  // Generated records are written to this topic.
  std::string input_topic;
  // Extra configuration (state.dir, cache size, ...).
  StreamsConfig config;
  // A state directory made for this run; the runner removes it afterwards.
  std::string temp_state_dir;
  // Two-input workloads (joins): generated records alternate between
  // input_topic and these topics (record j goes to topic j % (1 + size)).
  std::vector<std::string> more_input_topics = {};
  // Read before the timer starts: one record per key (a table to join with).
  std::string preload_topic = {};
  // Event time advances 1 ms per this many input records.
  int64_t records_per_ms = 1000;
};

struct Workload {
  std::string name;
  std::string description;
  // Empty when the workload can run; else what it waits for.
  std::string unavailable;
  std::function<WorkloadPlan(const BenchParams&)> build;
};

// In suite order.
const std::vector<Workload>& AllWorkloads();
// nullptr when no workload has that name.
const Workload* FindWorkload(std::string_view name);

}  // namespace kstreams::bench

#endif  // KSTREAMS_BENCH_WORKLOADS_H_
