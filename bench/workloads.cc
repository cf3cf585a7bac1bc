#include "workloads.h"

#include <stdlib.h>

#include <filesystem>

#include "input.h"
#include "kstreams/dsl/consumed.h"
#include "kstreams/dsl/kstream.h"
#include "kstreams/dsl/ktable.h"
#include "kstreams/dsl/materialized.h"
#include "kstreams/dsl/produced.h"
#include "kstreams/dsl/repartitioned.h"
#include "kstreams/dsl/streams_builder.h"
#include "kstreams/state/key_value_store.h"
#include "kstreams/state/stores.h"
#include "output_check.h"

namespace kstreams::bench {
namespace {

// Keys are int32 (Java's Integer), values the value_size raw bytes carried as
// std::string (the C++ byte container; Java's byte[] with ByteArraySerde).
using Key = int32_t;
using Value = std::string;

KStream<Key, Value> Source(StreamsBuilder& builder, const BenchParams& p) {
  return builder.Stream<Key, Value>(
      InputTopicName(p), Consumed<Key, Value>::With(serdes::Int32(), serdes::String()));
}

Produced<Key, Value> KeyValueSerdes() {
  return Produced<Key, Value>::With(serdes::Int32(), serdes::String());
}

// A plan reading the one stream input topic and writing the output topic.
WorkloadPlan SingleInputPlan(Topology topology, const BenchParams& p) {
  WorkloadPlan plan;
  plan.topology = std::move(topology);
  plan.inputs.push_back({InputTopicName(p), InputTopic::Kind::kStream});
  plan.output_topic = OutputTopicName(p);
  return plan;
}

// Expects exactly the input records transformed by `map` (which returns
// false for records the workload drops).
template <typename Map>
std::function<std::unique_ptr<OutputCheck>(const InputSchedule&)> ExpectRecords(Map map) {
  return [map](const InputSchedule& input) {
    RecordsCheck::Builder expected;
    std::string key, value;
    input.ForEach([&](const InputRecord& r) {
      key.assign(r.key);
      value.assign(r.value);
      if (map(key, value)) expected.Add(key, value);
    });
    return expected.Build();
  };
}

bool Identity(std::string&, std::string&) { return true; }

// source -> sink: the cost of deserializing, forwarding and serializing.
WorkloadPlan Passthrough(const BenchParams& p) {
  StreamsBuilder builder;
  Source(builder, p).To(OutputTopicName(p), KeyValueSerdes());
  WorkloadPlan plan = SingleInputPlan(builder.Build(), p);
  plan.output_check = ExpectRecords(Identity);
  return plan;
}

// source -> Filter (keeps even keys, about half) -> MapValues (changes the
// first byte in place, so the value is moved, not reallocated) -> sink.
WorkloadPlan FilterMap(const BenchParams& p) {
  StreamsBuilder builder;
  Source(builder, p)
      .Filter([](const Key& key, const Value&) { return key % 2 == 0; })
      .MapValues([](Value v) {
        if (!v.empty()) v[0] = static_cast<char>(v[0] ^ 1);
        return v;
      })
      .To(OutputTopicName(p), KeyValueSerdes());
  WorkloadPlan plan = SingleInputPlan(builder.Build(), p);
  plan.output_check = ExpectRecords([](std::string& key, std::string& value) {
    if (Int32FromBytes(key) % 2 != 0) return false;
    if (!value.empty()) value[0] = static_cast<char>(value[0] ^ 1);
    return true;
  });
  return plan;
}

// source -> SelectKey (key + 1) -> Repartition -> sink: two sub-topologies;
// every record crosses the internal repartition topic (in-process: handed
// from one task to the other as a copy, as the broker would hold it).
WorkloadPlan Repartition(const BenchParams& p) {
  StreamsBuilder builder;
  Source(builder, p)
      .SelectKey([](const Key& key, const Value&) { return key + 1; })
      .Repartition(Repartitioned<Key, Value>::With(serdes::Int32(), serdes::String()))
      .To(OutputTopicName(p), KeyValueSerdes());
  WorkloadPlan plan = SingleInputPlan(builder.Build(), p);
  plan.output_check = ExpectRecords([](std::string& key, std::string&) {
    key = Int32Bytes(Int32FromBytes(key) + 1);
    return true;
  });
  return plan;
}

// The Processor API: per record a KeyValueStore Get, then a Put of the
// record's value, then the record goes on to the sink (SimpleBenchmark's
// processStreamWithStateStore, which puts without forwarding; forwarding
// lets the broker modes see every record processed).
class GetThenPut final : public Processor<Key, Value, Key, Value> {
 public:
  void Init(ProcessorContext<Key, Value>& context) override {
    context_ = &context;
    store_ = context.GetStateStore<KeyValueStore<Key, Value>>("kv");
    if (store_ == nullptr) throw std::runtime_error("no key-value store 'kv'");
  }
  void Process(Record<Key, Value> record) override {
    std::optional<Value> previous = store_->Get(record.key());
    if (previous) previous_bytes_ += static_cast<int64_t>(previous->size());
    store_->Put(record.key(), record.value());
    context_->Forward(std::move(record));
  }

 private:
  ProcessorContext<Key, Value>* context_ = nullptr;
  KeyValueStore<Key, Value>* store_ = nullptr;
  int64_t previous_bytes_ = 0;
};

WorkloadPlan KvStore(const BenchParams& p, bool cached) {
  auto store = Stores::KeyValueStoreBuilder<Key, Value>(Stores::PersistentKeyValueStore("kv"),
                                                        serdes::Int32(), serdes::String());
  if (cached) store.WithCachingEnabled();
  Topology topology;
  topology.AddSource<Key, Value>("source", {InputTopicName(p)}, serdes::Int32(), serdes::String())
      .AddProcessor("get-then-put", [] { return std::make_unique<GetThenPut>(); }, {"source"})
      .AddStateStore(std::move(store), {"get-then-put"})
      .AddSink<Key, Value>("sink", OutputTopicName(p), {"get-then-put"}, serdes::Int32(),
                           serdes::String());
  WorkloadPlan plan = SingleInputPlan(std::move(topology), p);
  plan.temp_state_dir = TempStateDir();
  plan.config.Set(StreamsConfig::kStateDir, plan.temp_state_dir);
  plan.output_check = ExpectRecords(Identity);
  return plan;
}

// source -> GroupByKey().Count() (RocksDB store, logged) -> ToStream -> sink.
// Cached: the record cache absorbs repeated keys between commits; uncached:
// every record is a RocksDB get + put and a forwarded update.
WorkloadPlan Count(const BenchParams& p, bool cached) {
  StreamsBuilder builder;
  auto materialized = Materialized<Key, int64_t>::As("counts")
                          .WithKeySerde(serdes::Int32())
                          .WithValueSerde(serdes::Int64());
  materialized = cached ? std::move(materialized).WithCachingEnabled()
                        : std::move(materialized).WithCachingDisabled();
  Source(builder, p).GroupByKey().Count(materialized).ToStream().To(OutputTopicName(p));
  WorkloadPlan plan = SingleInputPlan(builder.Build(), p);
  plan.temp_state_dir = TempStateDir();
  plan.config.Set(StreamsConfig::kStateDir, plan.temp_state_dir);
  // The last update of every key is its count over the whole input (Int64
  // serde: 8 bytes big-endian). Uncached, every record forwards one update.
  plan.output_check = [cached](const InputSchedule& input) -> std::unique_ptr<OutputCheck> {
    absl::flat_hash_map<std::string, int64_t> counts;
    input.ForEach([&](const InputRecord& r) { ++counts[std::string(r.key)]; });
    absl::flat_hash_map<std::string, std::string> expected;
    for (const auto& [key, n] : counts) {
      std::string bytes(8, '\0');
      for (int b = 0; b < 8; ++b) bytes[b] = static_cast<char>(static_cast<uint64_t>(n) >> (56 - 8 * b));
      expected[key] = std::move(bytes);
    }
    return std::make_unique<LatestPerKeyCheck>(std::move(expected),
                                               cached ? -1 : input.total_records());
  };
  return plan;
}

std::vector<Workload> MakeWorkloads() {
  std::vector<Workload> w;
  w.push_back({"passthrough", "source -> sink", "", Passthrough});
  w.push_back({"filter_map", "source -> Filter(even keys) -> MapValues -> sink", "",
               FilterMap});
  w.push_back({"repartition", "source -> SelectKey -> Repartition -> sink (two sub-topologies)",
               "", Repartition});
  w.push_back({"kv_store", "source -> processor: KeyValueStore Get + Put (RocksDB, cached) -> sink",
               "", [](const BenchParams& p) { return KvStore(p, /*cached=*/true); }});
  w.push_back({"kv_store_uncached",
               "source -> processor: KeyValueStore Get + Put (RocksDB, no cache) -> sink", "",
               [](const BenchParams& p) { return KvStore(p, /*cached=*/false); }});
  w.push_back({"count", "GroupByKey().Count() -> ToStream -> sink (RocksDB, cached)", "",
               [](const BenchParams& p) { return Count(p, /*cached=*/true); }});
  w.push_back({"count_uncached", "GroupByKey().Count() -> ToStream -> sink (RocksDB, no cache)",
               "", [](const BenchParams& p) { return Count(p, /*cached=*/false); }});
  // SimpleBenchmark's remaining workloads, added when their features exist.
  w.push_back({"windowed_count", "GroupByKey().WindowedBy(hopping 1 s / 500 ms).Count()",
               "needs windows and window stores", nullptr});
  w.push_back({"stream_table_join", "KStream.Join(KTable)", "needs KTable and joins", nullptr});
  w.push_back({"stream_stream_join", "KStream.Join(KStream, JoinWindows)",
               "needs windowed joins", nullptr});
  w.push_back({"table_table_join", "KTable.Join(KTable)", "needs KTable and joins", nullptr});
  w.push_back({"restore",
               "rebuild the RocksDB store of kv_store_uncached from a changelog of `records` "
               "records (10,000 keys)",
               "",
               [](const BenchParams& p) {
                 WorkloadPlan plan = KvStore(p, /*cached=*/false);
                 plan.restore_store = "kv";
                 return plan;
               },
               Workload::Runner::kRestore});
  return w;
}

}  // namespace

std::string TopicName(const BenchParams& params, std::string_view name) {
  return params.topic_prefix + std::string(name);
}

std::string TempStateDir() {
  std::string dir = (std::filesystem::temp_directory_path() / "kstreams-bench-XXXXXX").string();
  return mkdtemp(dir.data()) != nullptr ? dir : std::string();
}

StreamsConfig RunConfig(const WorkloadPlan& plan, const BenchParams& params) {
  StreamsConfig config;
  config.Set(StreamsConfig::kCommitIntervalMs, std::to_string(kBenchCommitIntervalMs));
  for (const auto& [key, value] : plan.config.values()) config.Set(key, value);
  for (const auto& [key, value] : params.config) config.Set(key, value);
  return config;
}

const std::vector<Workload>& AllWorkloads() {
  static const std::vector<Workload> workloads = MakeWorkloads();
  return workloads;
}

const Workload* FindWorkload(std::string_view name) {
  for (const Workload& w : AllWorkloads()) {
    if (w.name == name) return &w;
  }
  return nullptr;
}

}  // namespace kstreams::bench
