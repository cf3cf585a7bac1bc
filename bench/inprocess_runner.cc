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

#include "kstreams/internal/strings.h"
#include "processor/task_core.h"

namespace kstreams::bench {
namespace {

constexpr char kApplicationId[] = "kstreams-bench";
// Input timestamps start here and advance 1 ms every
// WorkloadPlan::records_per_ms records (1000 by default).
constexpr int64_t kBaseTimestampMs = 1'700'000'000'000;
// Records per poll loop: punctuation is checked once per loop, as StreamThread
// does (kstreams' max.poll.records default).
constexpr int64_t kPollRecords = 1000;

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// The input, serialized before the timer starts: records of a 4-byte
// big-endian int32 key (uniformly random over [0, keys)) followed by
// value_size random bytes, contiguous in one buffer. At most pool_bytes are
// kept; record j of the run reads pool record j % size().
class InputPool {
 public:
  explicit InputPool(const BenchParams& p) : value_size_(p.value_size) {
    const int64_t record_bytes = 4 + static_cast<int64_t>(p.value_size);
    count_ = std::clamp<int64_t>(p.pool_bytes / record_bytes, 1, std::max<int64_t>(p.records, 1));
    data_.resize(static_cast<size_t>(count_ * record_bytes));
    uint64_t state = 20240601;
    char* out = data_.data();
    for (int64_t i = 0; i < count_; ++i) {
      const uint32_t key = static_cast<uint32_t>(SplitMix64(state) % static_cast<uint64_t>(p.keys));
      out[0] = static_cast<char>(key >> 24);
      out[1] = static_cast<char>(key >> 16);
      out[2] = static_cast<char>(key >> 8);
      out[3] = static_cast<char>(key);
      out += 4;
      for (int32_t b = 0; b < p.value_size; b += 8) {
        const uint64_t r = SplitMix64(state);
        std::memcpy(out + b, &r, std::min<size_t>(8, static_cast<size_t>(p.value_size - b)));
      }
      out += p.value_size;
    }
  }
  int64_t size() const { return count_; }
  std::string_view key(int64_t i) const {
    return std::string_view(data_.data() + i * (4 + value_size_), 4);
  }
  std::string_view value(int64_t i) const {
    return std::string_view(data_.data() + i * (4 + value_size_) + 4,
                            static_cast<size_t>(value_size_));
  }

 private:
  int64_t value_size_;
  int64_t count_ = 0;
  std::string data_;
};

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
  CountingCollector collector;
  std::vector<std::unique_ptr<internal::TaskCore>> owned;
  std::vector<internal::TaskCore*> tasks;
  internal::TaskCore* input_task = nullptr;  // reads the first input topic
  std::vector<internal::TaskCore*> input_tasks;  // per input topic
  int64_t begin = 0, end = 0;  // input records [begin, end)
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
    raw.partition = w.input_task->task_id().partition;
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

// The timed loop of one worker. Record j goes to topics[j % topics.size()].
absl::Status Run(Worker& w, const InputPool& pool, const std::vector<std::string>& topics,
                 int64_t records_per_ms, const BenchParams& params) {
  const int32_t partition = w.input_task->task_id().partition;
  const int64_t pool_size = pool.size();
  const bool has_pending_readers = w.tasks.size() > 1;
  const size_t num_topics = topics.size();
  int64_t pool_index = w.begin % pool_size;
  int64_t timestamp = kBaseTimestampMs + w.begin / records_per_ms;
  int64_t until_tick = records_per_ms - w.begin % records_per_ms;
  int64_t until_poll = kPollRecords;
  int64_t until_commit = params.commit_every;
  int64_t bytes = 0;
  size_t topic_index = 0;
  absl::Status s;
  for (int64_t offset = 0, n = w.end - w.begin; offset < n; ++offset) {
    internal::RawRecord raw;
    raw.topic = topics[topic_index];
    raw.partition = partition;
    raw.offset = offset;
    raw.timestamp = timestamp;
    raw.key = pool.key(pool_index);
    raw.value = pool.value(pool_index);
    bytes += static_cast<int64_t>(raw.key->size() + raw.value->size());
    if (++pool_index == pool_size) pool_index = 0;
    if (--until_tick == 0) {
      ++timestamp;
      until_tick = records_per_ms;
    }
    internal::TaskCore* task = w.input_tasks[topic_index];
    if (++topic_index == num_topics) topic_index = 0;
    if (s = task->Process(raw); !s.ok()) return s;
    if (has_pending_readers) {
      if (s = Drain(w); !s.ok()) return s;
    }
    if (--until_poll == 0) {
      until_poll = kPollRecords;
      if (s = PunctuateAll(w); !s.ok()) return s;
    }
    if (--until_commit == 0) {
      until_commit = params.commit_every;
      if (s = FlushAll(w, /*durable=*/false); !s.ok()) return s;
    }
  }
  w.consumed_bytes = bytes;
  return FlushAll(w, /*durable=*/true);
}

// Untimed: one record per key in [0, keys) on `topic`, then a commit
// (e.g. the table of a stream-table join).
absl::Status Preload(Worker& w, internal::TaskCore* task, const std::string& topic,
                     const InputPool& pool, int32_t keys) {
  for (int64_t i = 0; i < keys; ++i) {
    internal::RawRecord raw;
    raw.topic = topic;
    raw.partition = task->task_id().partition;
    raw.offset = i;
    raw.timestamp = kBaseTimestampMs - 1;
    std::string key(4, '\0');
    key[0] = static_cast<char>(i >> 24);
    key[1] = static_cast<char>(i >> 16);
    key[2] = static_cast<char>(i >> 8);
    key[3] = static_cast<char>(i);
    raw.key = key;
    raw.value = pool.value(i % pool.size());
    if (absl::Status s = task->Process(raw); !s.ok()) return s;
  }
  return FlushAll(w, /*durable=*/false);
}

}  // namespace

absl::StatusOr<RunResult> RunInProcess(const Workload& workload, const BenchParams& params) {
  if (params.records < 0 || params.value_size < 0 || params.keys < 1 || params.threads < 1 ||
      params.commit_every < 1) {
    return absl::InvalidArgumentError(
        "records, value-size must be >= 0; keys, threads, commit-every >= 1");
  }
  WorkloadPlan plan = workload.build(params);
  if (!plan.topology.status().ok()) return plan.topology.status();
  StreamsConfig config = plan.config;
  if (!config.Get(StreamsConfig::kApplicationId)) {
    config.Set(StreamsConfig::kApplicationId, kApplicationId);
  }
  const std::string app_id = *config.Get(StreamsConfig::kApplicationId);
  const InputPool pool(params);
  std::vector<std::string> topics{plan.input_topic};
  topics.insert(topics.end(), plan.more_input_topics.begin(), plan.more_input_topics.end());

  std::vector<std::unique_ptr<Worker>> workers;
  for (int32_t t = 0; t < params.threads; ++t) {
    auto w = std::make_unique<Worker>();
    w->begin = params.records * t / params.threads;
    w->end = params.records * (t + 1) / params.threads;
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
    for (const std::string& topic : topics) {
      internal::TaskCore* reader = nullptr;
      for (internal::TaskCore* t : w->tasks) {
        if (t->ConsumesTopic(topic)) reader = t;
      }
      if (reader == nullptr) {
        return absl::InvalidArgumentError(internal::StrCat(
            "workload '", workload.name, "': no task reads '", topic, "'"));
      }
      w->input_tasks.push_back(reader);
    }
    w->input_task = w->input_tasks.front();
    w->collector.set_tasks(&w->tasks);
    if (!plan.preload_topic.empty()) {
      internal::TaskCore* reader = nullptr;
      for (internal::TaskCore* t : w->tasks) {
        if (t->ConsumesTopic(plan.preload_topic)) reader = t;
      }
      if (reader == nullptr) {
        return absl::InvalidArgumentError(internal::StrCat(
            "workload '", workload.name, "': no task reads '", plan.preload_topic, "'"));
      }
      if (absl::Status s = Preload(*w, reader, plan.preload_topic, pool, params.keys); !s.ok()) {
        return s;
      }
    }
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
      worker->status = Run(*worker, pool, topics, plan.records_per_ms, params);
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
    result.input_records += w->end - w->begin;
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
