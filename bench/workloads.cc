#include "workloads.h"

#include <stdlib.h>

#include <chrono>
#include <filesystem>

#include <chrono>
#include <optional>

#include "kstreams/dsl/consumed.h"
#include "kstreams/dsl/join_windows.h"
#include "kstreams/dsl/stream_joined.h"
#include "kstreams/dsl/kstream.h"
#include "kstreams/dsl/ktable.h"
#include "kstreams/dsl/materialized.h"
#include "kstreams/dsl/produced.h"
#include "kstreams/dsl/repartitioned.h"
#include "kstreams/dsl/streams_builder.h"
#include "kstreams/dsl/windowed_kstream.h"
#include "kstreams/dsl/windows.h"

namespace kstreams::bench {
namespace {

constexpr char kInput[] = "bench-input";
constexpr char kOutput[] = "bench-output";

// Keys are int32 (Java's Integer), values the value_size raw bytes carried as
// std::string (the C++ byte container; Java's byte[] with ByteArraySerde).
using Key = int32_t;
using Value = std::string;

KStream<Key, Value> Source(StreamsBuilder& builder) {
  return builder.Stream<Key, Value>(
      kInput, Consumed<Key, Value>::With(serdes::Int32(), serdes::String()));
}

// source -> sink: the cost of deserializing, forwarding and serializing.
WorkloadPlan Passthrough(const BenchParams&) {
  StreamsBuilder builder;
  Source(builder).To(kOutput, Produced<Key, Value>::With(serdes::Int32(), serdes::String()));
  return {builder.Build(), kInput, {}, {}};
}

// source -> Filter (keeps even keys, about half) -> MapValues (changes the
// first byte in place, so the value is moved, not reallocated) -> sink.
WorkloadPlan FilterMap(const BenchParams&) {
  StreamsBuilder builder;
  Source(builder)
      .Filter([](const Key& key, const Value&) { return key % 2 == 0; })
      .MapValues([](Value v) {
        if (!v.empty()) v[0] = static_cast<char>(v[0] ^ 1);
        return v;
      })
      .To(kOutput, Produced<Key, Value>::With(serdes::Int32(), serdes::String()));
  return {builder.Build(), kInput, {}, {}};
}

// source -> SelectKey (key + 1) -> Repartition -> sink: two sub-topologies;
// every record crosses the internal repartition topic (in-process: handed
// from one task to the other as a copy, as the broker would hold it).
WorkloadPlan Repartition(const BenchParams&) {
  StreamsBuilder builder;
  Source(builder)
      .SelectKey([](const Key& key, const Value&) { return key + 1; })
      .Repartition(Repartitioned<Key, Value>::With(serdes::Int32(), serdes::String()))
      .To(kOutput, Produced<Key, Value>::With(serdes::Int32(), serdes::String()));
  return {builder.Build(), kInput, {}, {}};
}

// The joins' output: the sum of the two value sizes, as a big-endian int64.
class SizeSerde final : public Serde<size_t> {
 public:
  absl::Status Serialize(std::string_view topic, const size_t& v, std::string& out) const override {
    return serdes::Int64()->Serialize(topic, static_cast<int64_t>(v), out);
  }
  absl::StatusOr<size_t> Deserialize(std::string_view topic, std::string_view data) const override {
    absl::StatusOr<int64_t> v = serdes::Int64()->Deserialize(topic, data);
    if (!v.ok()) return v.status();
    return static_cast<size_t>(*v);
  }
};

// A fresh state directory for one run's RocksDB stores.
std::string TempStateDir() {
  std::string dir = (std::filesystem::temp_directory_path() / "kstreams-bench-XXXXXX").string();
  return mkdtemp(dir.data()) != nullptr ? dir : std::string();
}

// source -> GroupByKey().Count() (RocksDB store, logged) -> ToStream -> sink.
// Cached: the record cache absorbs repeated keys between commits; uncached:
// every record is a RocksDB get + put and a forwarded update.
WorkloadPlan Count(bool cached) {
  StreamsBuilder builder;
  auto materialized = Materialized<Key, int64_t>::As("counts")
                          .WithKeySerde(serdes::Int32())
                          .WithValueSerde(serdes::Int64());
  materialized = cached ? std::move(materialized).WithCachingEnabled()
                        : std::move(materialized).WithCachingDisabled();
  Source(builder)
      .GroupByKey()
      .Count(materialized)
      .ToStream()
      .To(kOutput);
  WorkloadPlan plan{builder.Build(), kInput, {}, TempStateDir()};
  plan.config.Set(StreamsConfig::kStateDir, plan.temp_state_dir);
  return plan;
}

// source -> GroupByKey().WindowedBy(hopping 1 s, advancing 500 ms).Count()
// (RocksDB window store, cached, logged) -> ToStream -> sink: every record
// updates two windows (Kafka's SimpleBenchmark windowed count).
WorkloadPlan WindowedCount(const BenchParams&) {
  using std::chrono::milliseconds;
  StreamsBuilder builder;
  Source(builder)
      .GroupByKey()
      .WindowedBy(TimeWindows::OfSizeWithNoGrace(milliseconds(1000)).AdvanceBy(milliseconds(500)))
      .Count(Materialized<Key, int64_t>::As("windowed-counts")
                 .WithKeySerde(serdes::Int32())
                 .WithValueSerde(serdes::Int64())
                 .WithCachingEnabled())
      .ToStream()
      .To(kOutput);
  WorkloadPlan plan{builder.Build(), kInput, {}, TempStateDir()};
  plan.config.Set(StreamsConfig::kStateDir, plan.temp_state_dir);
  return plan;
}

constexpr char kTable[] = "bench-table";
constexpr char kOther[] = "bench-other";

// The stream joined with a table holding every key (loaded before the
// timer): every timed record is a stream record that finds its match.
WorkloadPlan StreamTableJoin() {
  StreamsBuilder builder;
  auto table = builder.Table<Key, Value>(
      kTable, Consumed<Key, Value>::With(serdes::Int32(), serdes::String()));
  Source(builder)
      .Join(table, [](const Value& v, const Value& t) { return v.size() + t.size(); })
      .To(kOutput, Produced<Key, size_t>::With(serdes::Int32(), std::make_shared<SizeSerde>()));
  WorkloadPlan plan{builder.Build(), kInput, {}, TempStateDir()};
  plan.config.Set(StreamsConfig::kStateDir, plan.temp_state_dir);
  plan.preload_topic = kTable;
  return plan;
}

// Two tables updated alternately; every update joins with the other
// side's current value (10,000 keys: after the first few, always found).
WorkloadPlan TableTableJoin() {
  StreamsBuilder builder;
  auto left = builder.Table<Key, Value>(
      kInput, Consumed<Key, Value>::With(serdes::Int32(), serdes::String()));
  auto right = builder.Table<Key, Value>(
      kTable, Consumed<Key, Value>::With(serdes::Int32(), serdes::String()));
  left.Join(right, [](const Value& l, const Value& r) { return l.size() + r.size(); })
      .ToStream()
      .To(kOutput, Produced<Key, std::optional<size_t>>::With(
                       serdes::Int32(), serdes::Optional<size_t>(std::make_shared<SizeSerde>())));
  WorkloadPlan plan{builder.Build(), kInput, {}, TempStateDir()};
  plan.config.Set(StreamsConfig::kStateDir, plan.temp_state_dir);
  plan.more_input_topics = {kTable};
  return plan;
}

// Two streams alternating, joined within 10 s. Event time advances 1 ms per
// record, so a window spans ~10,000 records: with 10,000 keys a record meets
// about one record of the other side.
WorkloadPlan StreamStreamJoin() {
  StreamsBuilder builder;
  auto other = builder.Stream<Key, Value>(
      kOther, Consumed<Key, Value>::With(serdes::Int32(), serdes::String()));
  Source(builder)
      .Join(other, [](const Value& l, const Value& r) { return l.size() + r.size(); },
            JoinWindows::OfTimeDifferenceWithNoGrace(std::chrono::seconds(10)),
            StreamJoined<Key, Value, Value>::With(serdes::Int32(), serdes::String(),
                                                  serdes::String()))
      .To(kOutput, Produced<Key, size_t>::With(serdes::Int32(), std::make_shared<SizeSerde>()));
  WorkloadPlan plan{builder.Build(), kInput, {}, TempStateDir()};
  plan.config.Set(StreamsConfig::kStateDir, plan.temp_state_dir);
  plan.more_input_topics = {kOther};
  plan.records_per_ms = 1;
  return plan;
}

std::vector<Workload> MakeWorkloads() {
  std::vector<Workload> w;
  w.push_back({"passthrough", "source -> sink", "", Passthrough});
  w.push_back({"filter_map", "source -> Filter(even keys) -> MapValues -> sink", "",
               FilterMap});
  w.push_back({"repartition", "source -> SelectKey -> Repartition -> sink (two sub-topologies)",
               "", Repartition});
  // SimpleBenchmark's remaining workloads, added when their features exist.
  w.push_back({"kv_store", "source -> processor doing KeyValueStore get+put (cached, uncached)",
               "needs state stores", nullptr});
  w.push_back({"count", "GroupByKey().Count() -> ToStream -> sink (RocksDB, cached)", "",
               [](const BenchParams&) { return Count(true); }});
  w.push_back({"count_uncached", "GroupByKey().Count() -> ToStream -> sink (RocksDB, no cache)",
               "", [](const BenchParams&) { return Count(false); }});
  w.push_back({"windowed_count",
               "GroupByKey().WindowedBy(hopping 1 s / 500 ms).Count() -> ToStream -> sink "
               "(RocksDB window store, cached)",
               "", WindowedCount});
  w.push_back({"stream_table_join",
               "KStream.Join(KTable) -> sink; table preloaded with every key (RocksDB, cached)",
               "", [](const BenchParams&) { return StreamTableJoin(); }});
  w.push_back({"stream_stream_join",
               "KStream.Join(KStream, 10 s window) -> sink; sides alternate, 1 record/ms",
               "", [](const BenchParams&) { return StreamStreamJoin(); }});
  w.push_back({"table_table_join", "KTable.Join(KTable) -> ToStream -> sink; sides alternate",
               "", [](const BenchParams&) { return TableTableJoin(); }});
  w.push_back({"restore", "restoring a store from its changelog",
               "needs the runtime's state restoration", nullptr});
  return w;
}

}  // namespace

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
