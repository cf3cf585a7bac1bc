// kstreams_bench: throughput of kstreams topologies, after Kafka Streams'
// SimpleBenchmark. See bench/README.md for the workloads, the modes and what
// exactly each one times.
//
//   kstreams_bench --workload all --mode inprocess --records 5000000
//                  --value-size 100 --keys 10000 --threads 1 --json out.json
//
// Each run of each workload happens in a forked child process (unless
// --no-fork), so that its peak RSS (getrusage ru_maxrss) is its own and not
// the maximum of everything the benchmark ran before it.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "inprocess_runner.h"
#include "kafka_runner.h"
#include "kstreams/log.h"
#include "kstreams/internal/strings.h"
#include "kstreams/state/rocksdb_config_setter.h"
#include "report.h"
#include "workloads.h"

namespace kstreams::bench {
namespace {

constexpr char kUsage[] =
    "usage: kstreams_bench [--workload NAME|all] [--mode inprocess|embedded|broker]\n"
    "                      [--records N] [--value-size B] [--keys K] [--threads T]\n"
    "                      [--bootstrap-servers HOSTS] [--json FILE] [--repeat R]\n"
    "                      [--commit-every N] [--pool-mb M] [--partitions P]\n"
    "                      [--config key=value]... [--run-id ID] [--no-fork] [--list]\n"
    "  --workload     a workload (see --list), several (a,b), or 'all' (default: all)\n"
    "  --mode         inprocess: tasks driven directly from in-memory records;\n"
    "                 embedded: KafkaStreams on an in-process broker, beside raw_pipe;\n"
    "                 broker: the same on --bootstrap-servers\n"
    "  --records      input records per run (default 5000000 in-process, 1000000 else)\n"
    "  --value-size   value bytes (default 100); keys are 4-byte int32\n"
    "  --keys         distinct keys (default 10000)\n"
    "  --threads      stream threads, one partition each (default 1)\n"
    "  --repeat       runs per workload; the fastest is reported (default 1)\n"
    "  --commit-every in-process: records between two commits (cache flushes);\n"
    "                 default 0: every commit.interval.ms (100 unless --config sets it)\n"
    "  --pool-mb      MiB of pre-serialized input kept in memory (default 64)\n"
    "  --partitions   embedded/broker: partitions per topic (default: see bench/README.md)\n"
    "  --config       a StreamsConfig entry (embedded/broker: for both pipelines)\n"
    "  --run-id       broker: names the run's topics (default: pid and time)\n"
    "  --no-fork      run in this process (peak RSS is then cumulative)\n";

struct Args {
  BenchParams params;
  std::string workload = "all";
  std::string json;
  std::string run_id;
  int repeat = 1;
  bool records_given = false;
  bool fork = true;
  bool list = false;
};

template <typename T>
bool ParseInt(std::string_view s, T& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

absl::StatusOr<Args> ParseArgs(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::string_view value;
    bool has_value = false;
    if (size_t eq = arg.find('='); eq != std::string_view::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_value = true;
    }
    auto next = [&]() -> absl::StatusOr<std::string_view> {
      if (has_value) return value;
      if (i + 1 >= argc) {
        return absl::InvalidArgumentError(internal::StrCat(arg, " needs a value"));
      }
      return std::string_view(argv[++i]);
    };
    auto integer = [&](auto& out) -> absl::Status {
      absl::StatusOr<std::string_view> v = next();
      if (!v.ok()) return v.status();
      if (!ParseInt(*v, out)) {
        return absl::InvalidArgumentError(internal::StrCat(arg, ": not an integer: '", *v, "'"));
      }
      return absl::OkStatus();
    };
    absl::Status s;
    if (arg == "--workload" || arg == "--mode" || arg == "--bootstrap-servers" ||
        arg == "--json" || arg == "--run-id") {
      absl::StatusOr<std::string_view> v = next();
      if (!v.ok()) return v.status();
      std::string& dst = arg == "--workload" ? a.workload
                         : arg == "--mode"   ? a.params.mode
                         : arg == "--json"   ? a.json
                         : arg == "--run-id" ? a.run_id
                                             : a.params.bootstrap_servers;
      dst.assign(*v);
    } else if (arg == "--config") {
      absl::StatusOr<std::string_view> v = next();
      if (!v.ok()) return v.status();
      const size_t eq2 = v->find('=');
      if (eq2 == std::string_view::npos || eq2 == 0) {
        return absl::InvalidArgumentError(
            internal::StrCat("--config expects key=value, got '", *v, "'"));
      }
      a.params.config.emplace_back(std::string(v->substr(0, eq2)), std::string(v->substr(eq2 + 1)));
    } else if (arg == "--partitions") {
      s = integer(a.params.partitions);
    } else if (arg == "--records") {
      a.records_given = true;
      s = integer(a.params.records);
    } else if (arg == "--value-size") {
      s = integer(a.params.value_size);
    } else if (arg == "--keys") {
      s = integer(a.params.keys);
    } else if (arg == "--threads") {
      s = integer(a.params.threads);
    } else if (arg == "--repeat") {
      s = integer(a.repeat);
    } else if (arg == "--commit-every") {
      s = integer(a.params.commit_every);
    } else if (arg == "--pool-mb") {
      int64_t mb = 0;
      s = integer(mb);
      a.params.pool_bytes = mb << 20;
    } else if (arg == "--no-fork") {
      a.fork = false;
    } else if (arg == "--list") {
      a.list = true;
    } else if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      std::exit(0);
    } else {
      return absl::InvalidArgumentError(internal::StrCat("unknown argument '", arg, "'"));
    }
    if (!s.ok()) return s;
  }
  if (a.params.records < 0 || a.params.value_size < 0 || a.params.keys < 1 ||
      a.params.threads < 1 || a.repeat < 1 || a.params.commit_every < 0 ||
      a.params.pool_bytes < 1) {
    return absl::InvalidArgumentError(
        "--records, --value-size and --commit-every must be >= 0; --keys, --threads, "
        "--repeat and --pool-mb >= 1");
  }
  if (a.params.mode != "inprocess" && a.params.mode != "embedded" && a.params.mode != "broker") {
    return absl::InvalidArgumentError(internal::StrCat(
        "--mode must be inprocess, embedded or broker, got '", a.params.mode, "'"));
  }
  if (a.params.mode == "broker" && a.params.bootstrap_servers.empty()) {
    return absl::InvalidArgumentError("--mode broker needs --bootstrap-servers");
  }
  if (a.params.partitions < 0 || (a.params.partitions > 0 && a.params.partitions < a.params.threads)) {
    return absl::InvalidArgumentError(
        "--partitions must be 0 (automatic) or at least --threads (every thread needs one)");
  }
  if (a.params.mode != "inprocess" && !a.records_given) a.params.records = 1'000'000;
  if (a.run_id.empty()) a.run_id = internal::StrCat(getpid(), "-", time(nullptr));
  return a;
}

// "a,b,c" -> {"a", "b", "c"} (views into `list`).
std::vector<std::string_view> SplitList(std::string_view list) {
  std::vector<std::string_view> out;
  for (size_t start = 0; start <= list.size();) {
    size_t comma = list.find(',', start);
    if (comma == std::string_view::npos) comma = list.size();
    out.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

int64_t PeakRssKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;  // kilobytes on Linux
}

// What a run reports back (through a pipe when forked).
struct RunReport {
  bool ok = false;
  absl::StatusCode code = absl::StatusCode::kOk;
  RunResult result;
  int64_t peak_rss_kb = 0;
  char error[1024] = {};
};

// One run of one workload, or of the raw_pipe ceiling (workload == nullptr).
absl::StatusOr<RunResult> RunOnce(const Workload* workload, const BenchParams& params) {
  if (workload == nullptr) return RunRawPipe(params);
  const bool restore = workload->runner == Workload::Runner::kRestore;
  if (params.mode == "inprocess") {
    return restore ? RunRestoreInProcess(*workload, params) : RunInProcess(*workload, params);
  }
  return restore ? RunRestoreOnKafka(*workload, params) : RunOnKafka(*workload, params);
}

RunReport RunHere(const Workload* workload, const BenchParams& params) {
  RunReport report;
  absl::StatusOr<RunResult> result = RunOnce(workload, params);
  report.peak_rss_kb = PeakRssKb();
  if (result.ok()) {
    report.ok = true;
    report.result = *result;
  } else {
    report.code = result.status().code();
    std::snprintf(report.error, sizeof(report.error), "%s",
                  std::string(result.status().message()).c_str());
  }
  return report;
}

// Runs in a child so that ru_maxrss is this run's alone. Forking happens
// while this process has a single thread.
RunReport RunForked(const Workload* workload, const BenchParams& params) {
  RunReport report;
  int fds[2];
  if (pipe(fds) != 0) {
    std::snprintf(report.error, sizeof(report.error), "pipe: %s", std::strerror(errno));
    return report;
  }
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid < 0) {
    std::snprintf(report.error, sizeof(report.error), "fork: %s", std::strerror(errno));
    return report;
  }
  if (pid == 0) {
    close(fds[0]);
    RunReport child = RunHere(workload, params);
    const char* p = reinterpret_cast<const char*>(&child);
    size_t left = sizeof(child);
    while (left > 0) {
      ssize_t n = write(fds[1], p, left);
      if (n <= 0) _exit(3);
      p += n;
      left -= static_cast<size_t>(n);
    }
    _exit(0);
  }
  close(fds[1]);
  char* p = reinterpret_cast<char*>(&report);
  size_t got = 0;
  while (got < sizeof(report)) {
    ssize_t n = read(fds[0], p + got, sizeof(report) - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  close(fds[0]);
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  if (got != sizeof(report)) {
    report = RunReport();
    std::snprintf(report.error, sizeof(report.error),
                  "benchmark child died (%s %d) before reporting",
                  WIFSIGNALED(wstatus) ? "signal" : "exit status",
                  WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : WEXITSTATUS(wstatus));
  }
  return report;
}

// Folds one run into its row; the fastest run (wall clock) is the row's.
void AddRun(ResultRow& row, const RunResult& res, bool first) {
  row.run_seconds.push_back(res.seconds);
  if (!first && res.seconds >= row.seconds) return;
  row.records = res.input_records;
  row.seconds = res.seconds;
  row.records_per_sec = res.seconds > 0 ? res.input_records / res.seconds : 0;
  row.mb_per_sec = res.seconds > 0 ? res.input_bytes / 1048576.0 / res.seconds : 0;
  row.records_per_cpu_sec = res.cpu_seconds > 0 ? res.input_records / res.cpu_seconds : 0;
  row.output_records = res.output_records;
  row.output_bytes = res.output_bytes;
  row.startup_seconds = res.startup_seconds;
  row.rss_before_start_kb = res.rss_before_start_kb;
}

// `--config rocksdb.config.setter=kstreams-bench` makes the RocksDB stores
// of a run take two more settings from --config, to compare RocksDB options
// in one binary:
//   bench.rocksdb.in.place=true          RocksDBOptions::SetInPlaceUpdates
//   bench.rocksdb.write.buffer.bytes=N   RocksDBOptions::SetWriteBufferSize
class BenchRocksDBSetter final : public RocksDBConfigSetter {
 public:
  void SetConfig(const std::string&, RocksDBOptions& options,
                 const StreamsConfig& config) override {
    if (config.Get("bench.rocksdb.in.place").value_or("false") == "true") {
      options.SetInPlaceUpdates(true);
    }
    if (absl::StatusOr<int64_t> bytes = config.GetInt("bench.rocksdb.write.buffer.bytes");
        config.Get("bench.rocksdb.write.buffer.bytes") && bytes.ok() && *bytes > 0) {
      options.SetWriteBufferSize(static_cast<size_t>(*bytes));
    }
  }
};

int Main(int argc, char** argv) {
  RegisterRocksDBConfigSetter("kstreams-bench",
                              [] { return std::make_unique<BenchRocksDBSetter>(); });
  absl::StatusOr<Args> parsed = ParseArgs(argc, argv);
  if (!parsed.ok()) {
    std::cerr << "kstreams_bench: " << parsed.status().message() << "\n" << kUsage;
    return 2;
  }
  const Args& args = *parsed;
  // The runtime's INFO lines (state changes, assignments) would bury the table.
  SetLogLevel(LogLevel::kWarning);
  if (args.list) {
    for (const Workload& w : AllWorkloads()) {
      std::cout << w.name << ": " << w.description
                << (w.unavailable.empty() ? "" : " [not available yet: " + w.unavailable + "]")
                << "\n";
    }
    return 0;
  }
  std::vector<const Workload*> selected;
  std::vector<std::pair<std::string, std::string>> skipped;
  if (args.workload == "all") {
    for (const Workload& w : AllWorkloads()) {
      if (w.unavailable.empty()) {
        selected.push_back(&w);
      } else {
        skipped.emplace_back(w.name, "not available yet: " + w.unavailable);
      }
    }
  } else {
    for (std::string_view name : SplitList(args.workload)) {
      const Workload* w = FindWorkload(name);
      if (w == nullptr) {
        std::cerr << "kstreams_bench: unknown workload '" << name << "' (see --list)\n";
        return 2;
      }
      if (!w->unavailable.empty()) {
        std::cerr << "kstreams_bench: workload '" << w->name
                  << "' is not available yet: " << w->unavailable << "\n";
        return 2;
      }
      selected.push_back(w);
    }
  }

  // Against a broker, the ceiling comes first (nullptr: raw_pipe) and every
  // row gets its ratio to it.
  const bool on_kafka = args.params.mode != "inprocess";
  const bool needs_ceiling = std::any_of(selected.begin(), selected.end(), [](const Workload* w) {
    return w->runner == Workload::Runner::kProcess;
  });
  if (on_kafka && needs_ceiling) selected.insert(selected.begin(), nullptr);

  const std::string load_before = LoadAverage();
  std::vector<ResultRow> rows;
  for (const Workload* w : selected) {
    const std::string name = w == nullptr ? "raw_pipe" : w->name;
    ResultRow row;
    row.workload = name;
    row.mode = args.params.mode;
    row.value_size = args.params.value_size;
    row.keys = args.params.keys;
    row.threads = args.params.threads;
    bool skip = false;
    for (int r = 0; r < args.repeat && !skip; ++r) {
      BenchParams params = args.params;
      // On a shared cluster every run gets topics (and a group) of its own.
      if (params.mode == "broker") {
        params.topic_prefix = internal::StrCat("kstreams-bench-", args.run_id, "-", name, "-", r, "-");
      }
      RunReport report = args.fork ? RunForked(w, params) : RunHere(w, params);
      if (!report.ok && report.code == absl::StatusCode::kUnimplemented &&
          args.workload == "all") {
        skipped.emplace_back(name, report.error);
        skip = true;
        break;
      }
      if (!report.ok) {
        std::cerr << "kstreams_bench: " << name << " (" << params.mode
                  << ") failed: " << report.error << "\n";
        return 1;
      }
      AddRun(row, report.result, r == 0);
      row.peak_rss_kb = std::max(row.peak_rss_kb, report.peak_rss_kb);
    }
    if (skip) continue;
    // In-process rows and restore (not a consume -> produce pipeline) have
    // no ceiling; raw_pipe is the first row of a broker-mode run.
    if (on_kafka && w == nullptr) {
      row.ratio_to_ceiling = row.cpu_ratio_to_ceiling = 1.0;
    } else if (on_kafka && w->runner == Workload::Runner::kProcess) {
      const ResultRow& ceiling = rows.front();
      if (ceiling.records_per_sec > 0) {
        row.ratio_to_ceiling = row.records_per_sec / ceiling.records_per_sec;
      }
      if (ceiling.records_per_cpu_sec > 0) {
        row.cpu_ratio_to_ceiling = row.records_per_cpu_sec / ceiling.records_per_cpu_sec;
      }
    }
    rows.push_back(std::move(row));
  }

  PrintTable(std::cout, rows);
  std::cout << "load average before/after: " << load_before << " / " << LoadAverage() << "\n";
  for (const auto& [name, reason] : skipped) {
    std::cout << "skipped " << name << ": " << reason << "\n";
  }
  if (!args.json.empty()) {
    std::ofstream out(args.json);
    out << ToJson(args.params, rows, skipped, load_before, LoadAverage());
    out.close();
    if (!out) {
      std::cerr << "kstreams_bench: cannot write " << args.json << "\n";
      return 1;
    }
  }
  return 0;
}

}  // namespace
}  // namespace kstreams::bench

int main(int argc, char** argv) { return kstreams::bench::Main(argc, argv); }
