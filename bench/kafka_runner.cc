#include "kafka_runner.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "input.h"
#include "kafka/admin.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"
#include "kstreams/internal/strings.h"
#include "kstreams/kafka/embedded_kafka.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "kstreams/processor/state_restore_listener.h"
#include "kstreams/runtime/kafka_streams.h"
#include "kstreams/state/key_value_store.h"
#include "kstreams/runtime/topic_creator.h"
#include "kstreams/status_macros.h"
#include "output_check.h"
#include "runtime/runtime_config.h"

namespace kstreams::bench {
namespace {

using Clock = std::chrono::steady_clock;
using internal::StrCat;

// How long a run may take from Start() to complete output before it fails,
// and how long its output may stop growing while the pipeline runs.
constexpr auto kRunTimeout = std::chrono::minutes(10);
constexpr auto kStallTimeout = std::chrono::seconds(60);
// Bytes a record of the mock broker's log costs beyond key and value
// (record header varints; batch header amortized), and what one partition
// may hold of its ~5 MB before the broker drops the oldest batches.
constexpr int64_t kRecordOverheadBytes = 30;
constexpr int64_t kPartitionBudgetBytes = 3'500'000;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6;
}

int64_t CurrentRssKb() {
  std::ifstream in("/proc/self/statm");
  int64_t size = 0, resident = 0;
  in >> size >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// A moment (steady clock) and the process CPU time then.
struct Mark {
  Clock::time_point at;
  double cpu = 0;
  static Mark Now() { return {Clock::now(), ProcessCpuSeconds()}; }
};

// Where the run's topics live: an embedded broker of its own, or the
// cluster at --bootstrap-servers.
class Cluster {
 public:
  static absl::StatusOr<std::unique_ptr<Cluster>> Start(const BenchParams& params) {
    std::unique_ptr<Cluster> cluster(new Cluster());
    if (params.mode == "embedded") {
      KSTREAMS_ASSIGN_OR_RETURN(cluster->embedded_, EmbeddedKafka::Start(/*brokers=*/1));
      cluster->bootstrap_ = cluster->embedded_->BootstrapServers();
      // The mock broker has no CreateTopics: KafkaStreams creates its
      // internal topics through this.
      cluster->creator_ = std::make_unique<ScopedTopicCreator>(
          cluster->bootstrap_,
          [k = cluster->embedded_.get()](std::string_view topic, int32_t partitions) {
            return k->CreateTopic(topic, partitions);
          });
    } else {
      if (params.bootstrap_servers.empty()) {
        return absl::InvalidArgumentError("--mode broker needs --bootstrap-servers");
      }
      cluster->bootstrap_ = params.bootstrap_servers;
      KSTREAMS_ASSIGN_OR_RETURN(cluster->admin_,
                                internal::Admin::Create({{"bootstrap.servers", cluster->bootstrap_}}));
    }
    return cluster;
  }

  const std::string& bootstrap() const { return bootstrap_; }

  // Creates `topic` with `partitions` partitions. A topic that exists
  // already (or, on a cluster that cannot create topics such as a
  // standalone kstreams-broker, was created beforehand) is used if it has
  // that many partitions; ProduceInput then checks that it was empty.
  absl::Status CreateTopic(const std::string& topic, int32_t partitions) {
    if (embedded_ != nullptr) return embedded_->CreateTopic(topic, partitions);
    internal::NewTopic t;
    t.name = topic;
    t.partitions = partitions;
    t.replication_factor = 1;
    // Input is stamped from kBaseTimestampMs (2023, fixed so windows are the
    // same every run): far past the default 7-day retention, which a real
    // broker would enforce mid-run.
    t.configs = {{"retention.ms", "-1"}};
    KSTREAMS_ASSIGN_OR_RETURN(auto results, admin_->CreateTopics({t}));
    absl::Status s = results[topic];
    if (s.ok()) return s;
    const bool unsupported = internal::IsCreateTopicsUnsupported(s);
    if (!unsupported && !absl::IsAlreadyExists(s)) {
      return absl::Status(s.code(), StrCat("creating benchmark topic '", topic, "' with ",
                                           partitions, " partitions: ", s.message()));
    }
    KSTREAMS_ASSIGN_OR_RETURN(std::optional<int32_t> existing, admin_->PartitionCount(topic));
    if (existing != partitions) {
      const std::string have = existing ? StrCat(" (it has ", *existing, ")") : "";
      if (!unsupported) {
        return absl::FailedPreconditionError(StrCat("topic '", topic, "' exists but not with ",
                                                    partitions, " partitions", have));
      }
      return absl::FailedPreconditionError(StrCat(
          "the cluster at '", bootstrap_, "' cannot create topics; create '", topic, "' with ",
          partitions, " partitions beforehand (e.g. kstreams-broker --topic ", topic, ":",
          partitions, ")", have));
    }
    return absl::OkStatus();
  }

 private:
  Cluster() = default;
  std::unique_ptr<EmbeddedKafka> embedded_;
  std::unique_ptr<ScopedTopicCreator> creator_;
  std::unique_ptr<internal::Admin> admin_;
  std::string bootstrap_;
};

absl::StatusOr<std::unique_ptr<internal::Consumer>> GroupLessConsumer(
    const std::string& bootstrap, internal::KafkaConfigMap extra = {}) {
  internal::ConsumerOptions options;
  options.config = std::move(extra);
  options.config["bootstrap.servers"] = bootstrap;
  return internal::Consumer::Create(std::move(options));
}

// Produces one part of the run's records (not timed): the preload or the
// stream records (then, with `end_markers`, WorkloadPlan::end_markers), to
// the inputs of that kind (`inputs[i].topic` for the records of input i),
// and checks the broker kept them all. In batches as
// Kafka Streams' own producer writes them (linger.ms=100): the mock broker
// answers a Fetch with one batch per partition, so batch size sets how much
// a fetch brings (a real broker sends up to max.partition.fetch.bytes
// whatever the batches).
absl::Status ProduceInput(const Cluster& cluster, const std::vector<InputTopic>& inputs,
                          const InputSchedule& schedule, InputTopic::Kind part,
                          int32_t partitions, bool end_markers = false) {
  KSTREAMS_ASSIGN_OR_RETURN(auto producer, internal::Producer::Create(
                                               {{"bootstrap.servers", cluster.bootstrap()},
                                                {"linger.ms", "100"}}));
  std::vector<int64_t> produced(inputs.size(), 0);
  absl::Status status;
  auto send = [&](const InputRecord& r) {
    if (!status.ok()) return;
    status = producer->Send(inputs[static_cast<size_t>(r.input)].topic, -1, r.key, r.value,
                            r.timestamp, {});
    ++produced[static_cast<size_t>(r.input)];
  };
  if (part == InputTopic::Kind::kPreload) {
    schedule.ForEachPreloadRecord(send);
  } else {
    schedule.ForEachStreamRecord(send);
    if (end_markers) {
      const int64_t timestamp =
          schedule.TimestampOf(schedule.preload_records() + schedule.stream_records()) +
          3'600'000;
      for (size_t i = 0; i < inputs.size() && status.ok(); ++i) {
        if (inputs[i].kind != InputTopic::Kind::kStream) continue;
        const std::string key = Int32Bytes(-1 - static_cast<int32_t>(i));
        for (int32_t p = 0; p < partitions && status.ok(); ++p) {
          status = producer->Send(inputs[i].topic, p, key, std::string_view(), timestamp, {});
          ++produced[i];
        }
      }
    }
  }
  KSTREAMS_RETURN_IF_ERROR(status);
  KSTREAMS_RETURN_IF_ERROR(producer->Flush(absl::Minutes(5)));
  KSTREAMS_RETURN_IF_ERROR(producer->TakeDeliveryStatus());

  KSTREAMS_ASSIGN_OR_RETURN(auto consumer, GroupLessConsumer(cluster.bootstrap()));
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].kind != part) continue;
    const std::string& topic = inputs[i].topic;
    int64_t kept = 0;
    for (int32_t p = 0; p < partitions; ++p) {
      KSTREAMS_ASSIGN_OR_RETURN(auto marks, consumer->WatermarkOffsets({topic, p}));
      if (marks.first != 0) {
        return absl::ResourceExhaustedError(StrCat(
            "the broker dropped input records of '", topic, "' partition ", p, " (low watermark ",
            marks.first, "): its retention is too small for ", produced[i],
            " records in ", partitions, " partitions; use more --partitions or fewer --records"));
      }
      kept += marks.second;
    }
    if (kept != produced[i]) {
      return absl::DataLossError(StrCat("produced ", produced[i], " records to '", topic,
                                        "' but its partitions hold ", kept,
                                        " (is the topic not empty?)"));
    }
  }
  return absl::OkStatus();
}

// Reads the output topic from the beginning on its own thread and feeds the
// check; remembers when the check became complete.
class OutputReader {
 public:
  // Reads `topic` from `start[p]` of each partition p.
  static absl::StatusOr<std::unique_ptr<OutputReader>> Start(const std::string& bootstrap,
                                                             const std::string& topic,
                                                             const std::vector<int64_t>& start,
                                                             OutputCheck* check) {
    std::unique_ptr<OutputReader> reader(new OutputReader());
    reader->check_ = check;
    reader->topic_ = topic;
    internal::ConsumerOptions options;
    // Out-of-range reads mean the broker dropped output before it was read.
    // The mock broker holds back an empty Fetch response for
    // fetch.wait.max.ms (500 ms by default) even when records arrive in the
    // meantime; the reader is the stopwatch, so it must not wait long.
    options.config = {{"bootstrap.servers", bootstrap},
                      {"auto.offset.reset", "error"},
                      {"fetch.wait.max.ms", "5"}};
    options.on_error = [r = reader.get()](const absl::Status& s) {
      if (absl::IsOutOfRange(s)) r->Fail(s);
    };
    KSTREAMS_ASSIGN_OR_RETURN(reader->consumer_, internal::Consumer::Create(std::move(options)));
    std::map<internal::TopicPartition, int64_t> offsets;
    for (size_t p = 0; p < start.size(); ++p) offsets[{topic, static_cast<int32_t>(p)}] = start[p];
    KSTREAMS_RETURN_IF_ERROR(reader->consumer_->Assign(offsets));
    reader->thread_ = std::thread([r = reader.get()] { r->Run(); });
    return reader;
  }
  ~OutputReader() { Stop(); }

  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  bool done() const { return done_.load(); }
  // REQUIRES: done().
  const Mark& completed() const { return completed_; }
  int64_t bytes() const { return bytes_.load(); }
  int64_t records() const { return records_.load(); }  // read so far
  absl::Status status() const {
    std::lock_guard<std::mutex> lock(mu_);
    return status_;
  }

 private:
  OutputReader() = default;

  void Fail(const absl::Status& s) {
    std::lock_guard<std::mutex> lock(mu_);
    if (status_.ok()) {
      status_ = absl::Status(s.code(), StrCat("reading back '", topic_, "': ", s.message()));
    }
  }

  void Run() {
    while (!stop_ && !done_) {
      absl::StatusOr<internal::MessageBatch> batch =
          consumer_->PollViews(10000, absl::Milliseconds(50));
      if (!batch.ok()) {
        Fail(batch.status());
        return;
      }
      int64_t bytes = 0;
      int64_t records = 0;
      for (size_t i = 0; i < batch->size(); ++i) {
        internal::RecordView r = (*batch)[i];
        check_->Add(r.key, r.value);
        ++records;
        bytes += static_cast<int64_t>((r.key ? r.key->size() : 0) + (r.value ? r.value->size() : 0));
        if (check_->Complete()) {
          completed_ = Mark::Now();
          done_ = true;
          break;
        }
      }
      bytes_ += bytes;
      records_ += records;
    }
  }

  OutputCheck* check_ = nullptr;
  std::string topic_;
  std::unique_ptr<internal::Consumer> consumer_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> done_{false};
  std::atomic<int64_t> bytes_{0};
  std::atomic<int64_t> records_{0};
  Mark completed_;  // written before done_ is set
  mutable std::mutex mu_;
  absl::Status status_;
};

// What is measured: something that consumes the input topics and writes the
// output topic.
class Pipeline {
 public:
  virtual ~Pipeline() = default;
  virtual absl::Status Start() = 0;
  // When every member had its partitions; nullopt before.
  virtual std::optional<Mark> running() const = 0;
  // A failure that stopped the pipeline, or OK.
  virtual absl::Status health() const = 0;
  virtual absl::Status Close() = 0;
};

// Records the first time something happened (from any thread).
class OnceMark {
 public:
  void Set() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!mark_) mark_ = Mark::Now();
  }
  std::optional<Mark> Get() const {
    std::lock_guard<std::mutex> lock(mu_);
    return mark_;
  }

 private:
  mutable std::mutex mu_;
  std::optional<Mark> mark_;
};

class StreamsPipeline final : public Pipeline {
 public:
  StreamsPipeline(const Topology& topology, StreamsConfig config)
      : streams_(topology, std::move(config)) {
    streams_.SetStateListener([this](KafkaStreams::State now, KafkaStreams::State) {
      if (now == KafkaStreams::State::kRunning) running_.Set();
    });
    streams_.SetUncaughtExceptionHandler([this](const absl::Status& error) {
      std::lock_guard<std::mutex> lock(mu_);
      if (error_.ok()) error_ = error;
      return KafkaStreams::StreamThreadExceptionResponse::kShutdownClient;
    });
  }
  absl::Status Start() override { return streams_.Start(); }
  std::optional<Mark> running() const override { return running_.Get(); }
  absl::Status health() const override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!error_.ok()) return error_;
    if (streams_.state() == KafkaStreams::State::kError ||
        streams_.state() == KafkaStreams::State::kPendingError) {
      return absl::InternalError("KafkaStreams went to ERROR");
    }
    return absl::OkStatus();
  }
  absl::Status Close() override {
    if (!streams_.Close(absl::Seconds(60))) {
      return absl::DeadlineExceededError("KafkaStreams did not close within 60 s");
    }
    return health();
  }
  KafkaStreams& streams() { return streams_; }

 private:
  KafkaStreams streams_;
  OnceMark running_;
  mutable std::mutex mu_;
  absl::Status error_;
};

// The ceiling: per thread, one consumer (group member) and one producer
// forwarding records as they are, with the runtime's client properties.
class RawPipe final : public Pipeline {
 public:
  RawPipe(internal::RuntimeConfig config, std::string input, std::string output, int32_t partitions)
      : config_(std::move(config)),
        input_(std::move(input)),
        output_(std::move(output)),
        partitions_(partitions) {}
  ~RawPipe() override { (void)Close(); }

  absl::Status Start() override {
    for (int t = 0; t < config_.num_stream_threads; ++t) {
      auto loop = std::make_unique<Loop>();
      loop->offsets.assign(static_cast<size_t>(partitions_), -1);
      internal::ProducerOptions producer_options;
      producer_options.config = config_.producer;
      producer_options.config["client.id"] = StrCat(config_.application_id, "-", t, "-producer");
      KSTREAMS_ASSIGN_OR_RETURN(loop->producer,
                                internal::Producer::Create(std::move(producer_options)));
      internal::ConsumerOptions consumer_options;
      consumer_options.config = config_.consumer;
      consumer_options.config["group.id"] = config_.application_id;
      consumer_options.config["client.id"] = StrCat(config_.application_id, "-", t, "-consumer");
      consumer_options.on_assigned = [this, l = loop.get()](const auto& partitions) {
        if (!partitions.empty() && !l->assigned.exchange(true) &&
            ++assigned_loops_ == config_.num_stream_threads) {
          running_.Set();
        }
      };
      consumer_options.on_revoked = [this, l = loop.get()](const auto&) {
        if (absl::Status s = Commit(*l); !s.ok()) Fail(s);
      };
      KSTREAMS_ASSIGN_OR_RETURN(loop->consumer,
                                internal::Consumer::Create(std::move(consumer_options)));
      KSTREAMS_RETURN_IF_ERROR(loop->consumer->Subscribe({input_}));
      loops_.push_back(std::move(loop));
    }
    for (auto& loop : loops_) {
      loop->thread = std::thread([this, l = loop.get()] {
        absl::Status s = Run(*l);
        if (!s.ok()) Fail(s);
      });
    }
    return absl::OkStatus();
  }
  std::optional<Mark> running() const override { return running_.Get(); }
  absl::Status health() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return error_;
  }
  absl::Status Close() override {
    stop_ = true;
    for (auto& loop : loops_) {
      if (loop->thread.joinable()) loop->thread.join();
    }
    loops_.clear();
    return health();
  }

 private:
  struct Loop {
    std::unique_ptr<internal::Producer> producer;
    std::unique_ptr<internal::Consumer> consumer;
    std::vector<int64_t> offsets;  // next offset to commit per partition; -1: none
    std::atomic<bool> assigned{false};
    std::thread thread;
  };

  void Fail(const absl::Status& s) {
    std::lock_guard<std::mutex> lock(mu_);
    if (error_.ok()) error_ = absl::Status(s.code(), StrCat("raw_pipe: ", s.message()));
  }

  // At-least-once, as the runtime commits: every record sent is acked
  // before the offsets that produced it are committed.
  absl::Status Commit(Loop& l) {
    std::map<internal::TopicPartition, int64_t> offsets;
    for (size_t p = 0; p < l.offsets.size(); ++p) {
      if (l.offsets[p] >= 0) offsets[{input_, static_cast<int32_t>(p)}] = l.offsets[p];
    }
    if (offsets.empty()) return absl::OkStatus();
    KSTREAMS_RETURN_IF_ERROR(l.producer->Flush(absl::Seconds(60)));
    KSTREAMS_RETURN_IF_ERROR(l.producer->TakeDeliveryStatus());
    absl::Status s = l.consumer->CommitSync(offsets);
    if (!s.ok() && !absl::IsAborted(s) && !absl::IsUnavailable(s)) return s;
    std::fill(l.offsets.begin(), l.offsets.end(), -1);
    return absl::OkStatus();
  }

  absl::Status Run(Loop& l) {
    auto last_commit = Clock::now();
    const auto interval = std::chrono::milliseconds(config_.commit_interval_ms);
    const auto poll = absl::Milliseconds(config_.poll_ms);
    const int max_records = static_cast<int>(config_.max_poll_records);
    while (!stop_) {
      KSTREAMS_ASSIGN_OR_RETURN(internal::MessageBatch batch,
                                l.consumer->PollViews(max_records, poll));
      for (size_t i = 0; i < batch.size(); ++i) {
        const internal::RecordView r = batch[i];
        KSTREAMS_RETURN_IF_ERROR(l.producer->Send(output_, -1, r.key, r.value, r.timestamp, {}));
        if (r.partition >= 0 && static_cast<size_t>(r.partition) < l.offsets.size()) {
          l.offsets[static_cast<size_t>(r.partition)] = r.offset + 1;
        }
      }
      l.producer->Poll();
      KSTREAMS_RETURN_IF_ERROR(l.producer->TakeDeliveryStatus());
      if (Clock::now() - last_commit >= interval) {
        KSTREAMS_RETURN_IF_ERROR(Commit(l));
        last_commit = Clock::now();
      }
    }
    KSTREAMS_RETURN_IF_ERROR(Commit(l));
    return l.consumer->Close();
  }

  internal::RuntimeConfig config_;
  std::string input_, output_;
  int32_t partitions_;
  std::vector<std::unique_ptr<Loop>> loops_;
  std::atomic<bool> stop_{false};
  std::atomic<int> assigned_loops_{0};
  OnceMark running_;
  mutable std::mutex mu_;
  absl::Status error_;
};

std::string ApplicationId(const std::string& name, const BenchParams& params) {
  return params.topic_prefix.empty() ? StrCat("kstreams-bench-", name)
                                     : StrCat(params.topic_prefix, "app");
}

// Waits until `done()`, or fails with the pipeline's error, the `also`
// status, or a timeout describing `what`.
template <typename Done, typename Also>
absl::Status AwaitRun(const Pipeline& pipeline, const Mark& start, const std::string& what,
                      Done done, Also also) {
  while (!done()) {
    KSTREAMS_RETURN_IF_ERROR(pipeline.health());
    KSTREAMS_RETURN_IF_ERROR(also());
    if (Clock::now() - start.at > kRunTimeout) {
      return absl::DeadlineExceededError(StrCat(
          what, " after ", std::chrono::duration_cast<std::chrono::seconds>(kRunTimeout).count(),
          " s"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return absl::OkStatus();
}

// The StreamsConfig both pipelines of a run are configured from.
StreamsConfig PipelineConfig(const WorkloadPlan& plan, const BenchParams& params,
                             const std::string& application_id, const std::string& bootstrap) {
  StreamsConfig config = RunConfig(plan, params);
  config.Set(StreamsConfig::kApplicationId, application_id);
  config.Set(StreamsConfig::kBootstrapServers, bootstrap);
  config.Set(StreamsConfig::kNumStreamThreads, std::to_string(params.threads));
  return config;
}

using PipelineFactory = std::function<absl::StatusOr<std::unique_ptr<Pipeline>>(
    const WorkloadPlan& plan, const StreamsConfig& config, int32_t partitions)>;

// Records of `topics` that the tasks of `streams` have processed and
// committed: the sum of their committed offsets (every partition starts at 0).
int64_t CommittedRecords(const KafkaStreams& streams,
                         const absl::flat_hash_set<std::string>& topics) {
  int64_t n = 0;
  for (const KafkaStreams::ThreadMetadata& thread : streams.LocalThreadsMetadata()) {
    for (const KafkaStreams::TaskMetadata& task : thread.active_tasks) {
      for (const auto& [tp, offset] : task.committed_offsets) {
        if (topics.contains(tp.topic)) n += offset;
      }
    }
  }
  return n;
}

// The load phase of a workload with preloaded inputs (not timed): KafkaStreams
// with the run's configuration (its application.id and state directory)
// processes the preload until all of it is committed, then closes, writing
// its checkpoints. The timed instance then starts with the tables in its
// stores and the preloaded partitions' offsets committed at their ends.
absl::Status LoadPreload(const WorkloadPlan& plan, const StreamsConfig& config,
                         const InputSchedule& schedule) {
  absl::flat_hash_set<std::string> topics;
  for (const InputTopic& input : plan.inputs) {
    if (input.kind == InputTopic::Kind::kPreload) topics.insert(input.topic);
  }
  // When the last member leaves, the mock broker holds the next join back
  // for the leaver's session.timeout.ms - 1 s (librdkafka 2.0.2's mock
  // group goes through a rebalance with no members): 44 s with the default.
  // 6 s is a real broker's minimum (group.min.session.timeout.ms).
  StreamsConfig load_config = config;
  load_config.Set("consumer.session.timeout.ms", "6000");
  load_config.Set("consumer.heartbeat.interval.ms", "2000");
  StreamsPipeline pipeline(plan.topology, load_config);
  const Mark start = Mark::Now();
  absl::Status failure = pipeline.Start();
  if (failure.ok()) {
    failure = AwaitRun(
        pipeline, start, "loading the preloaded inputs was still not committed",
        [&] { return CommittedRecords(pipeline.streams(), topics) >= schedule.preload_records(); },
        [] { return absl::OkStatus(); });
  }
  absl::Status closed = pipeline.Close();
  KSTREAMS_RETURN_IF_ERROR(failure);
  return closed;
}

// The end offset of every partition of `topic`.
absl::StatusOr<std::vector<int64_t>> EndOffsets(const Cluster& cluster, const std::string& topic,
                                                int32_t partitions) {
  KSTREAMS_ASSIGN_OR_RETURN(auto consumer, GroupLessConsumer(cluster.bootstrap()));
  std::vector<int64_t> ends;
  for (int32_t p = 0; p < partitions; ++p) {
    KSTREAMS_ASSIGN_OR_RETURN(auto marks, consumer->WatermarkOffsets({topic, p}));
    ends.push_back(marks.second);
  }
  return ends;
}

// Steps 1-7 of the file comment, for any pipeline.
absl::StatusOr<RunResult> Run(const std::string& name, const WorkloadPlan& plan,
                              const BenchParams& params, const PipelineFactory& make_pipeline) {
  if (plan.inputs.empty()) {
    return absl::InvalidArgumentError(StrCat("workload '", name, "' names no input topic"));
  }
  if (!plan.output_check) {
    return absl::UnimplementedError(StrCat(
        "workload '", name, "' has no output check, so it cannot run in ", params.mode,
        " mode (the run is over when its output is complete); run it --mode inprocess"));
  }
  const InputPool pool(params, plan);
  const InputSchedule schedule(pool, params, plan);
  int64_t per_topic = 0;
  {
    std::vector<int64_t> counts(plan.inputs.size(), 0);
    auto count = [&](const InputRecord& r) { ++counts[static_cast<size_t>(r.input)]; };
    schedule.ForEachPreloadRecord(count);
    schedule.ForEachStreamRecord(count);
    per_topic = *std::max_element(counts.begin(), counts.end());
  }
  const int32_t partitions = params.partitions > 0 ? params.partitions
                                                   : PartitionsFor(params, per_topic);

  KSTREAMS_ASSIGN_OR_RETURN(std::unique_ptr<Cluster> cluster, Cluster::Start(params));
  for (const InputTopic& input : plan.inputs) {
    KSTREAMS_RETURN_IF_ERROR(cluster->CreateTopic(input.topic, partitions));
  }
  KSTREAMS_RETURN_IF_ERROR(cluster->CreateTopic(plan.output_topic, partitions));
  StreamsConfig config =
      PipelineConfig(plan, params, ApplicationId(name, params), cluster->bootstrap());
  if (schedule.preload_records() > 0) {
    KSTREAMS_RETURN_IF_ERROR(
        ProduceInput(*cluster, plan.inputs, schedule, InputTopic::Kind::kPreload, partitions));
    KSTREAMS_RETURN_IF_ERROR(LoadPreload(plan, config, schedule));
  }
  KSTREAMS_RETURN_IF_ERROR(
      ProduceInput(*cluster, plan.inputs, schedule, InputTopic::Kind::kStream, partitions,
                   plan.end_markers));
  std::unique_ptr<OutputCheck> check = plan.output_check(schedule);

  KSTREAMS_ASSIGN_OR_RETURN(std::unique_ptr<Pipeline> pipeline,
                            make_pipeline(plan, config, partitions));
  // Only what the timed pipeline writes (not the load phase's output).
  KSTREAMS_ASSIGN_OR_RETURN(std::vector<int64_t> output_start,
                            EndOffsets(*cluster, plan.output_topic, partitions));
  KSTREAMS_ASSIGN_OR_RETURN(
      std::unique_ptr<OutputReader> reader,
      OutputReader::Start(cluster->bootstrap(), plan.output_topic, output_start, check.get()));

  RunResult result;
  result.rss_before_start_kb = CurrentRssKb();
  const Mark start = Mark::Now();
  KSTREAMS_RETURN_IF_ERROR(pipeline->Start());
  // An output that stops growing while the pipeline runs will not complete:
  // fail then rather than at kRunTimeout.
  int64_t last_records = 0;
  Clock::time_point last_progress = Clock::now();
  absl::Status failure = AwaitRun(
      *pipeline, start, StrCat("the output of '", name, "' was still incomplete"),
      [&] { return reader->done(); },
      [&]() -> absl::Status {
        KSTREAMS_RETURN_IF_ERROR(reader->status());
        const Clock::time_point now = Clock::now();
        if (const int64_t n = reader->records(); n != last_records || !pipeline->running()) {
          last_records = n;
          last_progress = now;
        } else if (now - last_progress > kStallTimeout) {
          return absl::DeadlineExceededError(StrCat(
              "the output of '", name, "' stopped growing (no record for ",
              std::chrono::duration_cast<std::chrono::seconds>(kStallTimeout).count(), " s)"));
        }
        return absl::OkStatus();
      });
  if (!failure.ok() && absl::IsDeadlineExceeded(failure)) {
    failure = absl::DeadlineExceededError(StrCat(failure.message(), ": read ", reader->records(),
                                                 " records; ", check->Verify().message()));
  }
  reader->Stop();
  absl::Status closed = pipeline->Close();
  KSTREAMS_RETURN_IF_ERROR(failure);
  KSTREAMS_RETURN_IF_ERROR(closed);
  KSTREAMS_RETURN_IF_ERROR(check->Verify());
  std::optional<Mark> running = pipeline->running();
  if (!running) return absl::InternalError(StrCat("'", name, "' completed but never ran"));

  const Mark& done = reader->completed();
  result.input_records = schedule.stream_records();
  result.input_bytes = schedule.stream_bytes();
  result.output_records = check->records();
  result.output_bytes = reader->bytes();
  result.seconds = Seconds(done.at - running->at);
  result.cpu_seconds = done.cpu - running->cpu;
  result.startup_seconds = Seconds(running->at - start.at);
  return result;
}

// Hears the restoration of every changelog partition; done once all ended.
class RestoreProgress final : public StateRestoreListener {
 public:
  explicit RestoreProgress(int32_t partitions) : partitions_(partitions) {}
  void OnRestoreStart(const TopicPartition&, const std::string&, int64_t, int64_t) override {
    started_.Set();
  }
  void OnRestoreEnd(const TopicPartition&, const std::string&, int64_t total) override {
    std::lock_guard<std::mutex> lock(mu_);
    restored_ += total;
    if (++ended_ == partitions_) done_ = Mark::Now();
  }
  std::optional<Mark> started() const { return started_.Get(); }
  std::optional<Mark> done() const {
    std::lock_guard<std::mutex> lock(mu_);
    return done_;
  }
  int64_t restored() const {
    std::lock_guard<std::mutex> lock(mu_);
    return restored_;
  }

 private:
  const int32_t partitions_;
  OnceMark started_;
  mutable std::mutex mu_;
  int32_t ended_ = 0;
  int64_t restored_ = 0;
  std::optional<Mark> done_;
};

// Every key of `expected` holds its value in the store `store` of `streams`.
absl::Status CheckRestoredStore(const KafkaStreams& streams, const std::string& store,
                                const absl::flat_hash_map<std::string, std::string>& expected) {
  auto view = streams.Store<ReadOnlyKeyValueStore<int32_t, std::string>>(store);
  if (!view.ok()) return view.status();
  int64_t wrong = 0;
  std::string first;
  try {
    for (const auto& [key, value] : expected) {
      std::optional<std::string> got = (*view)->Get(Int32FromBytes(key));
      if (got == value) continue;
      if (wrong++ == 0) first = StrCat(Int32FromBytes(key), got ? " (different value)" : " (absent)");
    }
  } catch (const StateStoreException& e) {
    return e.status();
  }
  if (wrong > 0) {
    return absl::DataLossError(StrCat("after restoration ", wrong, " of ", expected.size(),
                                      " keys of store '", store,
                                      "' do not hold their last changelog value; e.g. key ",
                                      first));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RunResult> RunRestoreOnKafka(const Workload& workload, const BenchParams& params) {
  WorkloadPlan plan = workload.build(params);
  KSTREAMS_RETURN_IF_ERROR(plan.topology.status());
  const std::string application_id = ApplicationId(workload.name, params);
  const std::string changelog = StrCat(application_id, "-", plan.restore_store, "-changelog");
  const InputPool pool(params, plan);
  const InputSchedule schedule(pool, params, plan);
  const int32_t partitions = params.partitions > 0
                                 ? params.partitions
                                 : PartitionsFor(params, schedule.stream_records());
  // The last value of every key: what the restored store must hold.
  absl::flat_hash_map<std::string, std::string> expected;
  schedule.ForEachStreamRecord([&](const InputRecord& r) { expected[std::string(r.key)] = r.value; });

  KSTREAMS_ASSIGN_OR_RETURN(std::unique_ptr<Cluster> cluster, Cluster::Start(params));
  for (const InputTopic& input : plan.inputs) {
    KSTREAMS_RETURN_IF_ERROR(cluster->CreateTopic(input.topic, partitions));
  }
  KSTREAMS_RETURN_IF_ERROR(cluster->CreateTopic(plan.output_topic, partitions));
  // The changelog, partitioned as the store's tasks wrote it (by key).
  KSTREAMS_RETURN_IF_ERROR(cluster->CreateTopic(changelog, partitions));
  KSTREAMS_RETURN_IF_ERROR(ProduceInput(*cluster, {{changelog, InputTopic::Kind::kStream}},
                                        schedule, InputTopic::Kind::kStream, partitions));

  StreamsConfig config = PipelineConfig(plan, params, application_id, cluster->bootstrap());
  StreamsPipeline pipeline(plan.topology, config);
  auto progress = std::make_shared<RestoreProgress>(partitions);
  pipeline.streams().SetGlobalStateRestoreListener(progress);

  RunResult result;
  result.rss_before_start_kb = CurrentRssKb();
  const Mark start = Mark::Now();
  absl::Status failure = pipeline.Start();
  if (failure.ok()) {
    failure = AwaitRun(
        pipeline, start, StrCat("restoring '", changelog, "' was still not done"),
        [&] { return progress->done().has_value(); }, [] { return absl::OkStatus(); });
  }
  // Queries need the client RUNNING (restoration done, the tasks processing).
  if (failure.ok()) {
    failure = AwaitRun(
        pipeline, start, "KafkaStreams was not RUNNING after restoring",
        [&] { return pipeline.streams().state() == KafkaStreams::State::kRunning; },
        [] { return absl::OkStatus(); });
  }
  if (failure.ok()) failure = CheckRestoredStore(pipeline.streams(), plan.restore_store, expected);
  absl::Status closed = pipeline.Close();
  std::error_code ignored;
  std::filesystem::remove_all(plan.temp_state_dir, ignored);
  KSTREAMS_RETURN_IF_ERROR(failure);
  KSTREAMS_RETURN_IF_ERROR(closed);
  if (progress->restored() != schedule.stream_records()) {
    return absl::DataLossError(StrCat("restored ", progress->restored(), " changelog records of ",
                                      schedule.stream_records()));
  }
  const Mark begun = *progress->started();
  const Mark done = *progress->done();
  result.input_records = schedule.stream_records();
  result.input_bytes = schedule.stream_bytes();
  result.output_records = static_cast<int64_t>(expected.size());
  result.seconds = Seconds(done.at - begun.at);
  result.cpu_seconds = done.cpu - begun.cpu;
  result.startup_seconds = Seconds(begun.at - start.at);
  return result;
}

int32_t PartitionsFor(const BenchParams& params, int64_t records_per_topic) {
  int64_t n = params.threads;
  if (params.mode == "embedded") {
    const int64_t bytes = records_per_topic * (4 + params.value_size + kRecordOverheadBytes);
    n = std::max<int64_t>(n, (bytes + kPartitionBudgetBytes - 1) / kPartitionBudgetBytes);
  }
  return static_cast<int32_t>(std::max<int64_t>(n, 1));
}

absl::StatusOr<RunResult> RunOnKafka(const Workload& workload, const BenchParams& params) {
  WorkloadPlan plan = workload.build(params);
  KSTREAMS_RETURN_IF_ERROR(plan.topology.status());
  if (plan.temp_state_dir.empty()) {
    plan.temp_state_dir = TempStateDir();
    plan.config.Set(StreamsConfig::kStateDir, plan.temp_state_dir);
  }
  absl::StatusOr<RunResult> result =
      Run(workload.name, plan, params,
          [](const WorkloadPlan& plan, const StreamsConfig& config, int32_t)
              -> absl::StatusOr<std::unique_ptr<Pipeline>> {
            return std::make_unique<StreamsPipeline>(plan.topology, config);
          });
  std::error_code ignored;
  std::filesystem::remove_all(plan.temp_state_dir, ignored);
  return result;
}

absl::StatusOr<RunResult> RunRawPipe(const BenchParams& params) {
  const Workload* passthrough = FindWorkload("passthrough");
  if (passthrough == nullptr) return absl::InternalError("no passthrough workload");
  WorkloadPlan plan = passthrough->build(params);
  return Run("raw_pipe", plan, params,
             [](const WorkloadPlan& plan, const StreamsConfig& config, int32_t partitions)
                 -> absl::StatusOr<std::unique_ptr<Pipeline>> {
               KSTREAMS_ASSIGN_OR_RETURN(internal::RuntimeConfig rc,
                                         internal::ParseRuntimeConfig(config));
               return std::make_unique<RawPipe>(std::move(rc), plan.inputs[0].topic,
                                                plan.output_topic, partitions);
             });
}

}  // namespace kstreams::bench
