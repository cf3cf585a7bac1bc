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

#include "input.h"
#include "kstreams/internal/strings.h"
#include "processor/task_core.h"

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
  double cpu_seconds = 0;
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

absl::Status PunctuateAll(Worker& w) {
  for (internal::TaskCore* t : w.tasks) {
    absl::Status s = t->PunctuateStreamTime();
    if (s.ok()) s = t->PunctuateWallClock();
    if (!s.ok()) return s;
  }
  return Drain(w);
}

// The timed loop of one worker: the table records (every worker loads its
// own copy of each table), then its share of the stream.
absl::Status Run(Worker& w, const InputSchedule& schedule, const WorkloadPlan& plan,
                 const BenchParams& params, std::chrono::milliseconds commit_interval) {
  const bool has_pending_readers = w.tasks.size() > 1;
  int64_t until_poll = kPollRecords;
  // Record-based commits (--commit-every), or every commit.interval.ms,
  // looked at once per poll loop as a stream thread does.
  int64_t until_commit = params.commit_every > 0 ? params.commit_every : -1;
  auto last_commit = std::chrono::steady_clock::now();
  int64_t bytes = 0;
  absl::Status s;
  internal::RawRecord raw;
  raw.partition = w.partition;
  // Everything a record needs besides its bytes; returns false on error.
  auto process = [&](const InputRecord& r) {
    internal::TaskCore* task = w.input_tasks[static_cast<size_t>(r.input)];
    raw.topic = plan.inputs[static_cast<size_t>(r.input)].topic;
    raw.offset = w.input_offsets[static_cast<size_t>(r.input)]++;
    raw.timestamp = r.timestamp;
    raw.key = r.key;
    raw.value = r.value;
    bytes += static_cast<int64_t>(r.key.size() + r.value.size());
    if (s = task->Process(raw); !s.ok()) return false;
    if (has_pending_readers) {
      if (s = Drain(w); !s.ok()) return false;
    }
    if (--until_poll == 0) {
      until_poll = kPollRecords;
      if (s = PunctuateAll(w); !s.ok()) return false;
      if (until_commit < 0) {
        const auto now = std::chrono::steady_clock::now();
        if (now - last_commit >= commit_interval) {
          last_commit = now;
          if (s = FlushAll(w, /*durable=*/false); !s.ok()) return false;
        }
      }
    }
    if (until_commit > 0 && --until_commit == 0) {
      until_commit = params.commit_every;
      if (s = FlushAll(w, /*durable=*/false); !s.ok()) return false;
    }
    return true;
  };
  bool ok = true;
  schedule.ForEachTableRecord([&](const InputRecord& r) { ok = ok && process(r); });
  if (!ok) return s;
  w.consumed_records = schedule.table_records();
  for (InputSchedule::StreamCursor c(schedule, w.begin); c.position() < w.end; c.Next()) {
    if (!process(c.record())) return s;
  }
  w.consumed_records += w.end - w.begin;
  w.consumed_bytes = bytes;
  return FlushAll(w, /*durable=*/true);
}

}  // namespace

absl::StatusOr<RunResult> RunInProcess(const Workload& workload, const BenchParams& params) {
  if (params.records < 0 || params.value_size < 0 || params.keys < 1 || params.threads < 1 ||
      params.commit_every < 0) {
    return absl::InvalidArgumentError(
        "records, value-size, commit-every must be >= 0; keys, threads >= 1");
  }
  WorkloadPlan plan = workload.build(params);
  if (!plan.topology.status().ok()) return plan.topology.status();
  if (plan.inputs.empty()) {
    return absl::InvalidArgumentError(
        internal::StrCat("workload '", workload.name, "' names no input topic"));
  }
  StreamsConfig config = RunConfig(plan, params);
  if (!config.Get(StreamsConfig::kApplicationId)) {
    config.Set(StreamsConfig::kApplicationId, kApplicationId);
  }
  absl::StatusOr<int64_t> interval_ms = config.GetInt(StreamsConfig::kCommitIntervalMs);
  if (!interval_ms.ok()) return interval_ms.status();
  const std::chrono::milliseconds commit_interval(*interval_ms);
  const std::string app_id = *config.Get(StreamsConfig::kApplicationId);
  const InputPool pool(params);
  const InputSchedule schedule(pool, params, plan);

  std::vector<std::unique_ptr<Worker>> workers;
  for (int32_t t = 0; t < params.threads; ++t) {
    auto w = std::make_unique<Worker>();
    w->partition = t;
    w->begin = schedule.stream_records() * t / params.threads;
    w->end = schedule.stream_records() * (t + 1) / params.threads;
    for (const internal::Subtopology& sub : plan.topology.data().Subtopologies()) {
      internal::TaskCore::Options options;
      options.application_id = app_id;
      options.task_id = TaskId{sub.id, t};
      options.config = config;
      options.collector = &w->collector;
      auto task = internal::TaskCore::Create(plan.topology.shared_data(), sub, std::move(options));
      if (!task.ok()) return task.status();
      if (absl::Status s = (*task)->Init(); !s.ok()) return s;
      w->tasks.push_back(task->get());
      w->owned.push_back(std::move(*task));
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
    workers.push_back(std::move(w));
  }

  std::latch ready(params.threads);
  std::latch go(1);
  std::vector<std::thread> threads;
  for (auto& w : workers) {
    threads.emplace_back([&, worker = w.get()] {
      ready.count_down();
      go.wait();
      const double cpu_start = ThreadCpuSeconds();
      worker->status = Run(*worker, schedule, plan, params, commit_interval);
      worker->cpu_seconds = ThreadCpuSeconds() - cpu_start;
    });
  }
  ready.wait();
  const auto start = std::chrono::steady_clock::now();
  go.count_down();
  for (std::thread& t : threads) t.join();
  const auto stop = std::chrono::steady_clock::now();

  RunResult result;
  result.seconds = std::chrono::duration<double>(stop - start).count();
  for (auto& w : workers) {
    if (!w->status.ok()) return w->status;
    result.input_records += w->consumed_records;
    result.cpu_seconds += w->cpu_seconds;
    result.input_bytes += w->consumed_bytes;
    result.output_records += w->collector.records();
    result.output_bytes += w->collector.bytes();
    for (auto& t : w->owned) t->Close();
    w->owned.clear();
  }
  if (!plan.temp_state_dir.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(plan.temp_state_dir, ignored);
  }
  return result;
}

}  // namespace kstreams::bench
