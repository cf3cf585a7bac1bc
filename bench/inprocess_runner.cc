#include "inprocess_runner.h"

#include <filesystem>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstring>
#include <deque>
#include <latch>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "input.h"
#include "kstreams/internal/strings.h"
#include "kstreams/state/key_value_store.h"
#include "kstreams/status_macros.h"
#include "runtime/task_config.h"
#include "runtime/task_core.h"

namespace kstreams::bench {
namespace {

constexpr char kApplicationId[] = "kstreams-bench";
// Records per poll loop: punctuation is checked once per loop, as StreamThread
// does (kstreams' max.poll.records default).
constexpr int64_t kPollRecords = 1000;

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// A record written to a topic another task reads (a repartition topic).
struct Pending {
  internal::TaskCore* reader = nullptr;  // the task that reads `topic`
  const std::string* topic = nullptr;    // owned by the collector
  std::optional<std::string> key, value;
  int64_t timestamp = 0;
  Headers headers;
};

// Where sink nodes hand their output. Counts records and key + value bytes,
// and copies key and value once into a reused buffer: the one copy a real
// producer hand-off makes (rd_kafka_producev with RD_KAFKA_MSG_F_COPY copies
// both into librdkafka's message). Headers are not copied (the benchmark
// sends none); partitioning (murmur2 of the key) is librdkafka's work and is
// not done here. A record for a topic that a task of this thread reads is
// also queued for that task (a copy, as the broker would hold one).
class CountingCollector final : public internal::RecordCollector {
 public:
  void Send(std::string_view topic, internal::RawBytes key, internal::RawBytes value,
            int64_t timestamp, const Headers& headers, int32_t partition) override {
    (void)partition;
    const size_t k = key ? key->size() : 0;
    const size_t v = value ? value->size() : 0;
    ++records_;
    bytes_ += static_cast<int64_t>(k + v);
    if (scratch_.size() < k + v) scratch_.resize(k + v);
    if (k != 0) std::memcpy(scratch_.data(), key->data(), k);
    if (v != 0) std::memcpy(scratch_.data() + k, value->data(), v);
    if (const Reader& reader = ReaderOf(topic); reader.task != nullptr) {
      Pending p;
      p.reader = reader.task;
      p.topic = &reader.topic;
      if (key) p.key.emplace(*key);
      if (value) p.value.emplace(*value);
      p.timestamp = timestamp;
      p.headers = headers;
      pending_.push_back(std::move(p));
    }
  }

  void set_tasks(const std::vector<internal::TaskCore*>* tasks) { tasks_ = tasks; }
  std::deque<Pending>& pending() { return pending_; }
  int64_t records() const { return records_; }
  int64_t bytes() const { return bytes_; }
  void ResetCounts() { records_ = bytes_ = 0; }

 private:
  struct Reader {
    std::string topic;
    internal::TaskCore* task;  // nullptr when no task of this worker reads it
  };
  // Remembered per topic: a topology writes to few topics.
  const Reader& ReaderOf(std::string_view topic) {
    for (const Reader& r : readers_) {
      if (r.topic == topic) return r;
    }
    internal::TaskCore* task = nullptr;
    for (internal::TaskCore* t : *tasks_) {
      if (t->ConsumesTopic(topic)) {
        task = t;
        break;
      }
    }
    return readers_.push_back({std::string(topic), task}), readers_.back();
  }

  const std::vector<internal::TaskCore*>* tasks_ = nullptr;
  int64_t records_ = 0;
  int64_t bytes_ = 0;
  std::string scratch_;
  std::deque<Reader> readers_;  // a deque: Pending points into it
  std::deque<Pending> pending_;
};

// One stream thread's share: the tasks of one partition and its collector.
struct Worker {
  int32_t partition = 0;
  CountingCollector collector;
  std::vector<std::unique_ptr<internal::TaskCore>> owned;
  std::vector<internal::TaskCore*> tasks;
  // Per input topic of the plan: the task reading it.
  std::vector<internal::TaskCore*> input_tasks;
  std::vector<int64_t> input_offsets;  // next offset per input topic
  int64_t begin = 0, end = 0;  // stream records [begin, end)
  int64_t consumed_records = 0;
  int64_t consumed_bytes = 0;
  int64_t queued_offset = 0;  // next offset of records handed between tasks
  absl::Status status;
};

// Processes the records sinks wrote to topics that tasks of this worker read.
absl::Status Drain(Worker& w) {
  while (!w.collector.pending().empty()) {
    Pending p = std::move(w.collector.pending().front());
    w.collector.pending().pop_front();
    internal::RawRecord raw;
    raw.topic = *p.topic;
    raw.partition = w.partition;
    raw.offset = w.queued_offset++;
    raw.timestamp = p.timestamp;
    if (p.key) raw.key = *p.key;
    if (p.value) raw.value = *p.value;
    raw.headers = std::move(p.headers);
    absl::Status s = p.reader->Process(raw);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

// A commit flushes the caches; the last one also makes the stores durable
// (as closing a task does).
absl::Status FlushAll(Worker& w, bool durable) {
  for (internal::TaskCore* t : w.tasks) {
    absl::Status s = durable ? t->Flush() : t->FlushCaches();
    if (!s.ok()) return s;
  }
  return Drain(w);
}

// The wall-clock time end-to-end latencies are measured against, set once
// per poll loop as a stream thread does (StreamTask::Process).
void SetProcessingTime(Worker& w) {
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  for (internal::TaskCore* t : w.tasks) t->SetProcessingTime(now_ms);
}

absl::Status PunctuateAll(Worker& w) {
  SetProcessingTime(w);
  for (internal::TaskCore* t : w.tasks) {
    absl::Status s = t->PunctuateStreamTime();
    if (s.ok()) s = t->PunctuateWallClock();
    if (!s.ok()) return s;
  }
  return Drain(w);
}

// Hands input records to the tasks that read their topics, with a stream
// thread's cadence: punctuation every max.poll.records records, and a
// commit every commit.interval.ms of wall time (looked at once per poll
// loop, as a stream thread does) or every --commit-every records.
class Feeder {
 public:
  Feeder(Worker& w, const WorkloadPlan& plan, const BenchParams& params,
         std::chrono::milliseconds commit_interval)
      : w_(w),
        plan_(plan),
        commit_every_(params.commit_every),
        commit_interval_(commit_interval),
        has_pending_readers_(w.tasks.size() > 1) {
    raw_.partition = w.partition;
    Restart();
  }

  // Starts the cadence afresh (when the timer starts).
  void Restart() {
    SetProcessingTime(w_);
    until_poll_ = kPollRecords;
    until_commit_ = commit_every_ > 0 ? commit_every_ : -1;
    last_commit_ = std::chrono::steady_clock::now();
  }

  absl::Status Feed(const InputRecord& r) {
    const auto input = static_cast<size_t>(r.input);
    raw_.topic = plan_.inputs[input].topic;
    raw_.offset = w_.input_offsets[input]++;
    raw_.timestamp = r.timestamp;
    raw_.key = r.key;
    raw_.value = r.value;
    KSTREAMS_RETURN_IF_ERROR(w_.input_tasks[input]->Process(raw_));
    if (has_pending_readers_) KSTREAMS_RETURN_IF_ERROR(Drain(w_));
    if (--until_poll_ == 0) {
      until_poll_ = kPollRecords;
      KSTREAMS_RETURN_IF_ERROR(PunctuateAll(w_));
      if (until_commit_ < 0) {
        const auto now = std::chrono::steady_clock::now();
        if (now - last_commit_ >= commit_interval_) {
          last_commit_ = now;
          KSTREAMS_RETURN_IF_ERROR(FlushAll(w_, /*durable=*/false));
        }
      }
    }
    if (until_commit_ > 0 && --until_commit_ == 0) {
      until_commit_ = commit_every_;
      KSTREAMS_RETURN_IF_ERROR(FlushAll(w_, /*durable=*/false));
    }
    return absl::OkStatus();
  }

 private:
  Worker& w_;
  const WorkloadPlan& plan_;
  const int64_t commit_every_;
  const std::chrono::milliseconds commit_interval_;
  const bool has_pending_readers_;
  internal::RawRecord raw_;
  int64_t until_poll_ = 0;
  int64_t until_commit_ = 0;
  std::chrono::steady_clock::time_point last_commit_;
};

// Not timed: the preloaded inputs (every worker loads its own copy, since
// every worker's share of the stream has every key), then a commit, so
// the timed part starts with the tables in their stores and no output
// pending. Their output is not counted.
absl::Status Preload(Worker& w, Feeder& feeder, const InputSchedule& schedule) {
  absl::Status s;
  schedule.ForEachPreloadRecord([&](const InputRecord& r) {
    if (s.ok()) s = feeder.Feed(r);
  });
  KSTREAMS_RETURN_IF_ERROR(s);
  KSTREAMS_RETURN_IF_ERROR(FlushAll(w, /*durable=*/false));
  w.collector.ResetCounts();
  return absl::OkStatus();
}

// The timed loop of one worker: its share of the stream records.
absl::Status Run(Worker& w, Feeder& feeder, const InputSchedule& schedule) {
  feeder.Restart();
  int64_t bytes = 0;
  for (InputSchedule::StreamCursor c(schedule, w.begin); c.position() < w.end; c.Next()) {
    const InputRecord& r = c.record();
    bytes += static_cast<int64_t>(r.key.size() + r.value.size());
    KSTREAMS_RETURN_IF_ERROR(feeder.Feed(r));
  }
  w.consumed_records = w.end - w.begin;
  w.consumed_bytes = bytes;
  return FlushAll(w, /*durable=*/true);
}

// Runs job(t) for t in [0, threads) on threads of their own, all released
// at once; returns the wall seconds from the release to the last one done
// and adds each thread's CPU seconds to *cpu_seconds.
template <typename Job>
double RunTimed(int32_t threads, double* cpu_seconds, Job job) {
  std::latch ready(threads);
  std::latch go(1);
  std::vector<double> cpu(static_cast<size_t>(threads), 0);
  std::vector<std::thread> running;
  for (int32_t t = 0; t < threads; ++t) {
    running.emplace_back([&, t] {
      ready.count_down();
      go.wait();
      const double cpu_start = ThreadCpuSeconds();
      job(t);
      cpu[static_cast<size_t>(t)] = ThreadCpuSeconds() - cpu_start;
    });
  }
  ready.wait();
  const auto start = std::chrono::steady_clock::now();
  go.count_down();
  for (std::thread& t : running) t.join();
  const auto stop = std::chrono::steady_clock::now();
  for (double c : cpu) *cpu_seconds += c;
  return std::chrono::duration<double>(stop - start).count();
}

absl::Status CheckParams(const BenchParams& params) {
  if (params.records < 0 || params.value_size < 0 || params.keys < 1 || params.threads < 1 ||
      params.commit_every < 0) {
    return absl::InvalidArgumentError(
        "records, value-size, commit-every must be >= 0; keys, threads >= 1");
  }
  return absl::OkStatus();
}

// The run's StreamsConfig with an application.id.
StreamsConfig InProcessConfig(const WorkloadPlan& plan, const BenchParams& params) {
  StreamsConfig config = RunConfig(plan, params);
  if (!config.Get(StreamsConfig::kApplicationId)) {
    config.Set(StreamsConfig::kApplicationId, kApplicationId);
  }
  return config;
}

void RemoveStateDir(const WorkloadPlan& plan) {
  if (plan.temp_state_dir.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(plan.temp_state_dir, ignored);
}

// Records restored per StateRestoreCallback::RestoreBatch call: the
// runtime's restore round (StreamThread's kRestoreRecordsPerRound).
constexpr int64_t kRestoreBatchRecords = 10'000;

}  // namespace

absl::StatusOr<RunResult> RunInProcess(const Workload& workload, const BenchParams& params) {
  KSTREAMS_RETURN_IF_ERROR(CheckParams(params));
  WorkloadPlan plan = workload.build(params);
  KSTREAMS_RETURN_IF_ERROR(plan.topology.status());
  if (plan.inputs.empty()) {
    return absl::InvalidArgumentError(
        internal::StrCat("workload '", workload.name, "' names no input topic"));
  }
  const StreamsConfig config = InProcessConfig(plan, params);
  KSTREAMS_ASSIGN_OR_RETURN(std::shared_ptr<const internal::TaskConfig> task_config,
                            internal::ParseTaskConfig(config));
  KSTREAMS_ASSIGN_OR_RETURN(int64_t interval_ms, config.GetInt(StreamsConfig::kCommitIntervalMs));
  const std::chrono::milliseconds commit_interval(interval_ms);
  const InputPool pool(params, plan);
  const InputSchedule schedule(pool, params, plan);

  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<std::unique_ptr<Feeder>> feeders;
  for (int32_t t = 0; t < params.threads; ++t) {
    auto w = std::make_unique<Worker>();
    w->partition = t;
    w->begin = schedule.stream_records() * t / params.threads;
    w->end = schedule.stream_records() * (t + 1) / params.threads;
    for (const internal::Subtopology& sub : plan.topology.data().Subtopologies()) {
      internal::TaskCore::Options options;
      options.task_id = TaskId{sub.id, t};
      options.config = task_config;
      options.collector = &w->collector;
      KSTREAMS_ASSIGN_OR_RETURN(
          auto task, internal::TaskCore::Create(plan.topology.shared_data(), sub, std::move(options)));
      KSTREAMS_RETURN_IF_ERROR(task->Init());
      w->tasks.push_back(task.get());
      w->owned.push_back(std::move(task));
    }
    for (const InputTopic& input : plan.inputs) {
      internal::TaskCore* reader = nullptr;
      for (internal::TaskCore* task : w->tasks) {
        if (task->ConsumesTopic(input.topic)) reader = task;
      }
      if (reader == nullptr) {
        return absl::InvalidArgumentError(internal::StrCat(
            "workload '", workload.name, "': no task reads input topic '", input.topic, "'"));
      }
      w->input_tasks.push_back(reader);
      w->input_offsets.push_back(0);
    }
    w->collector.set_tasks(&w->tasks);
    auto feeder = std::make_unique<Feeder>(*w, plan, params, commit_interval);
    KSTREAMS_RETURN_IF_ERROR(Preload(*w, *feeder, schedule));
    workers.push_back(std::move(w));
    feeders.push_back(std::move(feeder));
  }

  RunResult result;
  result.seconds = RunTimed(params.threads, &result.cpu_seconds, [&](int32_t t) {
    Worker& w = *workers[static_cast<size_t>(t)];
    w.status = Run(w, *feeders[static_cast<size_t>(t)], schedule);
  });
  for (auto& w : workers) {
    KSTREAMS_RETURN_IF_ERROR(w->status);
    result.input_records += w->consumed_records;
    result.input_bytes += w->consumed_bytes;
    result.output_records += w->collector.records();
    result.output_bytes += w->collector.bytes();
    for (auto& t : w->owned) t->Close();
    w->owned.clear();
  }
  RemoveStateDir(plan);
  return result;
}

absl::StatusOr<RunResult> RunRestoreInProcess(const Workload& workload,
                                              const BenchParams& params) {
  KSTREAMS_RETURN_IF_ERROR(CheckParams(params));
  WorkloadPlan plan = workload.build(params);
  KSTREAMS_RETURN_IF_ERROR(plan.topology.status());
  const StreamsConfig config = InProcessConfig(plan, params);
  KSTREAMS_ASSIGN_OR_RETURN(std::shared_ptr<const internal::TaskConfig> task_config,
                            internal::ParseTaskConfig(config));
  const InputPool pool(params, plan);
  const InputSchedule schedule(pool, params, plan);

  // Per thread, the task of partition t with its stores initialized (not
  // its nodes: the runtime restores between the two) and the callback its
  // store `restore_store` registered.
  struct Restorer {
    CountingCollector collector;
    std::unique_ptr<internal::TaskCore> task;
    StateRestoreCallback* callback = nullptr;
    int64_t begin = 0, end = 0;  // changelog records [begin, end)
    absl::Status status;
  };
  std::vector<std::unique_ptr<Restorer>> restorers;
  for (int32_t t = 0; t < params.threads; ++t) {
    auto r = std::make_unique<Restorer>();
    r->begin = schedule.stream_records() * t / params.threads;
    r->end = schedule.stream_records() * (t + 1) / params.threads;
    for (const internal::Subtopology& sub : plan.topology.data().Subtopologies()) {
      if (std::find(sub.stores.begin(), sub.stores.end(), plan.restore_store) == sub.stores.end()) {
        continue;
      }
      internal::TaskCore::Options options;
      options.task_id = TaskId{sub.id, t};
      options.config = task_config;
      options.collector = &r->collector;
      KSTREAMS_ASSIGN_OR_RETURN(r->task, internal::TaskCore::Create(plan.topology.shared_data(),
                                                                    sub, std::move(options)));
      KSTREAMS_RETURN_IF_ERROR(r->task->InitStores());
      for (const auto& registration : r->task->restore_registrations()) {
        if (registration.store_name == plan.restore_store) r->callback = registration.callback;
      }
    }
    if (r->callback == nullptr) {
      return absl::InvalidArgumentError(internal::StrCat(
          "workload '", workload.name, "': no logged store '", plan.restore_store,
          "' registered for restoration"));
    }
    restorers.push_back(std::move(r));
  }

  // Timed: the changelog records handed over in the runtime's batches, then
  // the store made durable (what closing the restored task would do).
  RunResult result;
  result.seconds = RunTimed(params.threads, &result.cpu_seconds, [&](int32_t t) {
    Restorer& r = *restorers[static_cast<size_t>(t)];
    std::vector<ChangelogRecord> batch;
    batch.reserve(static_cast<size_t>(kRestoreBatchRecords));
    InputSchedule::StreamCursor c(schedule, r.begin);
    while (r.status.ok() && c.position() < r.end) {
      batch.clear();
      for (; c.position() < r.end && static_cast<int64_t>(batch.size()) < kRestoreBatchRecords;
           c.Next()) {
        const InputRecord& in = c.record();
        batch.push_back({in.key, in.value, in.timestamp, c.position()});
      }
      r.status = r.callback->RestoreBatch(batch);
    }
    if (r.status.ok()) r.status = r.task->Flush();
  });

  // Not timed: every key holds the last value its share of the changelog
  // gave it.
  for (size_t t = 0; t < restorers.size(); ++t) {
    Restorer& r = *restorers[t];
    KSTREAMS_RETURN_IF_ERROR(r.status);
    absl::flat_hash_map<std::string_view, std::string_view> last;
    schedule.ForEachStreamRecord(r.begin, r.end,
                                 [&](const InputRecord& in) { last[in.key] = in.value; });
    auto* store = dynamic_cast<KeyValueStore<int32_t, std::string>*>(
        r.task->GetStateStore(plan.restore_store));
    if (store == nullptr) {
      return absl::InternalError(
          internal::StrCat("store '", plan.restore_store, "' is not a KeyValueStore<int32, bytes>"));
    }
    for (const auto& [key, value] : last) {
      std::optional<std::string> got = store->Get(Int32FromBytes(key));
      if (got != value) {
        return absl::DataLossError(internal::StrCat(
            "after restoring, key ", Int32FromBytes(key), " of partition ", t, " holds ",
            got ? internal::StrCat(got->size(), " bytes that differ from its last changelog value")
                : std::string("nothing")));
      }
    }
    result.input_records += r.end - r.begin;
    result.output_records += static_cast<int64_t>(last.size());
    r.task->Close();
  }
  result.input_bytes = result.input_records * (4 + static_cast<int64_t>(params.value_size));
  RemoveStateDir(plan);
  return result;
}

}  // namespace kstreams::bench
