#include "workloads.h"

#include <stdlib.h>

#include <array>
#include <chrono>
#include <cstring>
#include <deque>
#include <filesystem>
#include <optional>

#include "input.h"
#include "kstreams/dsl/consumed.h"
#include "kstreams/dsl/join_windows.h"
#include "kstreams/dsl/kstream.h"
#include "kstreams/dsl/ktable.h"
#include "kstreams/dsl/materialized.h"
#include "kstreams/dsl/produced.h"
#include "kstreams/dsl/repartitioned.h"
#include "kstreams/dsl/stream_joined.h"
#include "kstreams/dsl/streams_builder.h"
#include "kstreams/dsl/windowed_kstream.h"
#include "kstreams/dsl/windows.h"
#include "kstreams/internal/strings.h"
#include "kstreams/serde/windowed_serdes.h"
#include "kstreams/state/key_value_store.h"
#include "kstreams/state/stores.h"
#include "kstreams/sql/engine.h"
#include "nlohmann/json.hpp"
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

// The plan's stores live in a fresh state directory of their own.
void UseTempStateDir(WorkloadPlan& plan) {
  plan.temp_state_dir = TempStateDir();
  plan.config.Set(StreamsConfig::kStateDir, plan.temp_state_dir);
}

// Expects exactly the input records transformed by `map` (which returns
// false for records the workload drops).
template <typename Map>
std::function<std::unique_ptr<OutputCheck>(const InputSchedule&)> ExpectRecords(Map map) {
  return [map](const InputSchedule& input) {
    RecordsCheck::Builder expected;
    std::string key, value;
    input.ForEachStreamRecord([&](const InputRecord& r) {
      key.assign(r.key);
      value.assign(r.value);
      if (map(key, value)) expected.Add(key, value);
    });
    return expected.Build();
  };
}

bool Identity(std::string&, std::string&) { return true; }

// key -> count as key -> its 8-byte big-endian value (the Int64 serde).
absl::flat_hash_map<std::string, std::string> Int64Values(
    const absl::flat_hash_map<std::string, int64_t>& counts) {
  absl::flat_hash_map<std::string, std::string> values;
  for (const auto& [key, n] : counts) values[key] = Int64Bytes(n);
  return values;
}

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
  UseTempStateDir(plan);
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
  UseTempStateDir(plan);
  // The last update of every key is its count over the whole input (Int64
  // serde: 8 bytes big-endian). Uncached, every record forwards one update.
  plan.output_check = [cached](const InputSchedule& input) -> std::unique_ptr<OutputCheck> {
    absl::flat_hash_map<std::string, int64_t> counts;
    input.ForEachStreamRecord([&](const InputRecord& r) { ++counts[std::string(r.key)]; });
    return std::make_unique<LatestPerKeyCheck>(Int64Values(counts),
                                               cached ? -1 : input.stream_records());
  };
  return plan;
}

// source -> GroupByKey().WindowedBy(hopping 1 s, advancing 500 ms).Count()
// (RocksDB window store, cached, logged) -> ToStream -> sink: every record
// updates two windows (SimpleBenchmark's windowed count).
constexpr int64_t kWindowSizeMs = 1000;
constexpr int64_t kWindowAdvanceMs = 500;

// source -> GroupByKey -> hopping windowed Count (cached) -> ToStream.
auto WindowedCountStream(const KStream<Key, Value>& source) {
  using std::chrono::milliseconds;
  return source.GroupByKey()
      .WindowedBy(TimeWindows::OfSizeWithNoGrace(milliseconds(kWindowSizeMs))
                      .AdvanceBy(milliseconds(kWindowAdvanceMs)))
      .Count(Materialized<Key, int64_t>::As("windowed-counts")
                 .WithKeySerde(serdes::Int32())
                 .WithValueSerde(serdes::Int64())
                 .WithCachingEnabled())
      .ToStream();
}

WorkloadPlan WindowedCount(const BenchParams& p) {
  StreamsBuilder builder;
  WindowedCountStream(Source(builder, p)).To(OutputTopicName(p));
  WorkloadPlan plan = SingleInputPlan(builder.Build(), p);
  UseTempStateDir(plan);
  // Every (key, window) ends with its count over the input: keys in Java's
  // time-windowed layout (key bytes, 8-byte big-endian window start). The
  // input is in time order per partition, so no record is late.
  plan.output_check = [](const InputSchedule& input) -> std::unique_ptr<OutputCheck> {
    absl::flat_hash_map<std::string, int64_t> counts;
    input.ForEachStreamRecord([&](const InputRecord& r) {
      // The windows [start, start + size) holding r: starts are multiples
      // of the advance in (timestamp - size, timestamp].
      const int64_t last = r.timestamp - r.timestamp % kWindowAdvanceMs;
      for (int64_t start = last; start > r.timestamp - kWindowSizeMs && start >= 0;
           start -= kWindowAdvanceMs) {
        ++counts[internal::StrCat(r.key, Int64Bytes(start))];
      }
    });
    return std::make_unique<LatestPerKeyCheck>(Int64Values(counts));
  };
  return plan;
}

// The joins' output value: a 64-bit fingerprint of both values (their first
// 8 bytes), cheap to compute and different for different pairs of values,
// so the broker modes can check which records were joined.
int64_t JoinedValue(std::string_view left, std::string_view right) {
  auto prefix = [](std::string_view v) {
    uint64_t x = 0;
    std::memcpy(&x, v.data(), std::min<size_t>(8, v.size()));
    return x;
  };
  return static_cast<int64_t>(prefix(left) ^ (prefix(right) * 0x9e3779b97f4a7c15ull));
}

Produced<Key, int64_t> JoinedSerdes() {
  return Produced<Key, int64_t>::With(serdes::Int32(), serdes::Int64());
}

Consumed<Key, Value> ValueSerdes() {
  return Consumed<Key, Value>::With(serdes::Int32(), serdes::String());
}

// The stream joined with a table (RocksDB, cached, logged) preloaded with
// every key: every timed record is a stream record that finds its match and
// writes one output record.
WorkloadPlan StreamTableJoin(const BenchParams& p) {
  StreamsBuilder builder;
  const std::string table_topic = TopicName(p, "bench-table");
  auto table = builder.Table<Key, Value>(table_topic, ValueSerdes());
  Source(builder, p)
      .Join(table, [](const Value& v, const Value& t) { return JoinedValue(v, t); })
      .To(OutputTopicName(p), JoinedSerdes());
  WorkloadPlan plan = SingleInputPlan(builder.Build(), p);
  plan.inputs.push_back({table_topic, InputTopic::Kind::kPreload});
  UseTempStateDir(plan);
  plan.output_check = [](const InputSchedule& input) {
    RecordsCheck::Builder expected;
    input.ForEachStreamRecord([&](const InputRecord& r) {
      const std::string_view table_value = input.preload_value(Int32FromBytes(r.key));
      expected.Add(r.key, Int64Bytes(JoinedValue(r.value, table_value)));
    });
    return expected.Build();
  };
  return plan;
}

// Two tables (RocksDB, cached, logged) updated alternately (both inputs are
// timed); every update joins with the other side's current value, once the
// key has one.
WorkloadPlan TableTableJoin(const BenchParams& p) {
  StreamsBuilder builder;
  const std::string right_topic = TopicName(p, "bench-table");
  auto left = builder.Table<Key, Value>(InputTopicName(p), ValueSerdes());
  auto right = builder.Table<Key, Value>(right_topic, ValueSerdes());
  left.Join(right, [](const Value& l, const Value& r) { return JoinedValue(l, r); })
      .ToStream()
      .To(OutputTopicName(p), Produced<Key, std::optional<int64_t>>::With(
                                  serdes::Int32(), serdes::Optional(serdes::Int64())));
  WorkloadPlan plan = SingleInputPlan(builder.Build(), p);
  plan.inputs.push_back({right_topic, InputTopic::Kind::kStream});
  UseTempStateDir(plan);
  // How many updates get forwarded depends on the caches and commit timing;
  // the last output of a key joins the last values of both sides, whatever
  // the order the two topics were read in. Keys only one side has (short
  // runs) write nothing.
  plan.output_check = [](const InputSchedule& input) -> std::unique_ptr<OutputCheck> {
    absl::flat_hash_map<std::string_view, std::string_view> last[2];
    input.ForEachStreamRecord([&](const InputRecord& r) { last[r.input][r.key] = r.value; });
    absl::flat_hash_map<std::string, std::string> expected;
    for (const auto& [key, l] : last[0]) {
      if (auto r = last[1].find(key); r != last[1].end()) {
        expected[std::string(key)] = Int64Bytes(JoinedValue(l, r->second));
      }
    }
    return std::make_unique<LatestPerKeyCheck>(std::move(expected));
  };
  return plan;
}

// Two streams alternating, joined within 10 s (window stores RocksDB,
// logged). Event time advances 1 ms per record, so ~10,000 records of the
// other side lie within 10 s of a record: over 10,000 keys it meets about
// one of them (half of them before it: about 0.5 output records per input).
constexpr int64_t kJoinWindowMs = 10'000;

WorkloadPlan StreamStreamJoin(const BenchParams& p) {
  StreamsBuilder builder;
  const std::string other_topic = TopicName(p, "bench-other");
  auto other = builder.Stream<Key, Value>(other_topic, ValueSerdes());
  Source(builder, p)
      .Join(other, [](const Value& l, const Value& r) { return JoinedValue(l, r); },
            JoinWindows::OfTimeDifferenceWithNoGrace(std::chrono::milliseconds(kJoinWindowMs)),
            StreamJoined<Key, Value, Value>::With(serdes::Int32(), serdes::String(),
                                                  serdes::String()))
      .To(OutputTopicName(p), JoinedSerdes());
  WorkloadPlan plan = SingleInputPlan(builder.Build(), p);
  plan.inputs.push_back({other_topic, InputTopic::Kind::kStream});
  UseTempStateDir(plan);
  plan.records_per_ms = 1;
  // The join's result depends on the order the two sides are read in: a
  // task that runs one side more than the window ahead of the other lets
  // window-store retention drop pairs. Java's default (max.task.idle.ms=0)
  // waits for a partition's data that is on the broker but not fetched yet;
  // kstreams' 0 does not wait (it has no lag-aware idling yet), so the
  // broker modes would depend on fetch timing. Instead: wait up to 10 s for
  // the empty side; end markers, so that no partition runs dry before the
  // other at the end of the input; and room to buffer a whole fetch
  // response (the thread stops polling when its buffers are full, and the
  // mock broker returns a batch of up to 10,000 records per partition), so
  // the partner partition's records can be polled while a task waits.
  plan.config.Set(StreamsConfig::kMaxTaskIdleMs, "10000");
  plan.config.Set("buffered.records.per.partition", "10000");
  plan.end_markers = true;
  // In time order every pair of records of one key, one per side, at most
  // 10 s apart joins exactly once (when the later one arrives).
  plan.output_check = [](const InputSchedule& input) {
    struct Seen {
      int64_t timestamp;
      std::string_view value;
    };
    absl::flat_hash_map<std::string_view, std::array<std::deque<Seen>, 2>> window;
    RecordsCheck::Builder expected;
    input.ForEachStreamRecord([&](const InputRecord& r) {
      std::array<std::deque<Seen>, 2>& sides = window[r.key];
      std::deque<Seen>& others = sides[1 - r.input];
      while (!others.empty() && others.front().timestamp < r.timestamp - kJoinWindowMs) {
        others.pop_front();
      }
      for (const Seen& o : others) {
        expected.Add(r.key, Int64Bytes(r.input == 0 ? JoinedValue(r.value, o.value)
                                                    : JoinedValue(o.value, r.value)));
      }
      sides[r.input].push_back({r.timestamp, r.value});
    });
    return expected.Build();
  };
  return plan;
}

// The memory row: three RocksDB stores per task, each as one application
// would have them: source -> GroupByKey().Count() (cached) -> sink; the same
// source -> hopping windowed Count() (cached) and -> Join(table preloaded
// with every key) (their results consumed by Foreach: only the count's are
// written and checked). With --mode embedded --partitions 100 it is an
// application of 100 tasks x 3 stores under load; its peak RSS is the figure
// (scripts/bench.sh --memory).
WorkloadPlan ThreeStores(const BenchParams& p) {
  StreamsBuilder builder;
  const std::string table_topic = TopicName(p, "bench-table");
  auto table = builder.Table<Key, Value>(table_topic, ValueSerdes());
  KStream<Key, Value> source = Source(builder, p);
  source.GroupByKey()
      .Count(Materialized<Key, int64_t>::As("counts")
                 .WithKeySerde(serdes::Int32())
                 .WithValueSerde(serdes::Int64())
                 .WithCachingEnabled())
      .ToStream()
      .To(OutputTopicName(p));
  WindowedCountStream(source).Foreach([](const auto&, const auto&) {});
  source.Join(table, [](const Value& v, const Value& t) { return JoinedValue(v, t); })
      .Foreach([](const auto&, const auto&) {});
  WorkloadPlan plan = SingleInputPlan(builder.Build(), p);
  plan.inputs.push_back({table_topic, InputTopic::Kind::kPreload});
  UseTempStateDir(plan);
  plan.output_check = [](const InputSchedule& input) -> std::unique_ptr<OutputCheck> {
    absl::flat_hash_map<std::string, int64_t> counts;
    input.ForEachStreamRecord([&](const InputRecord& r) { ++counts[std::string(r.key)]; });
    return std::make_unique<LatestPerKeyCheck>(Int64Values(counts));
  };
  return plan;
}

// ---- Streaming SQL over JSON rows, beside the hand-written DSL doing the
// same work (parse the JSON value, compute, write JSON).

// The JSON row of the SQL workloads, exactly `size` bytes:
// {"REGION":"region-07","AMOUNT":123,"NOTE":"ggg..."}, NOTE filling the rest
// (a --value-size under 50 cuts the row: invalid JSON, skipped).
void JsonRow(int32_t key, uint64_t seed, char* out, int32_t size) {
  std::string row = internal::StrCat("{\"REGION\":\"region-", key % 20 < 10 ? "0" : "", key % 20,
                                     "\",\"AMOUNT\":", seed % 1000, ",\"NOTE\":\"");
  const int64_t fill = static_cast<int64_t>(size) - static_cast<int64_t>(row.size()) - 2;
  row.append(static_cast<size_t>(std::max<int64_t>(fill, 0)), static_cast<char>('a' + seed % 26));
  row += "\"}";
  row.resize(static_cast<size_t>(size), ' ');
  std::memcpy(out, row.data(), static_cast<size_t>(size));
}

constexpr char kSqlSource[] =
    "CREATE STREAM bench_in (id INT KEY, region STRING, amount INT, note STRING) "
    "WITH (kafka_topic='%s', value_format='JSON');";

// The topology kstreams::sql compiles for `statement` over the stream
// bench_in (the input topic, JSON rows); the engine stays with the plan.
WorkloadPlan SqlPlan(const BenchParams& p, const std::string& statement, const char* query_id) {
  sql::Engine::Options options;
  options.start_queries = false;
  auto engine = std::make_shared<sql::Engine>(std::move(options));
  std::string source = kSqlSource;
  source.replace(source.find("%s"), 2, InputTopicName(p));
  std::string text = source + statement;
  const std::string out = OutputTopicName(p);
  text.replace(text.find("%s", source.size()), 2, out);
  absl::StatusOr<std::vector<sql::StatementResult>> done = engine->Execute(text);
  const sql::PersistentQuery* query = engine->FindQuery(query_id);
  if (!done.ok() || query == nullptr) {
    std::fprintf(stderr, "the SQL workload does not compile: %s\n",
                 std::string(done.status().message()).c_str());
    std::abort();
  }
  WorkloadPlan plan = SingleInputPlan(*query->topology, p);
  plan.make_value = JsonRow;
  plan.keep_alive = engine;
  return plan;
}

// The row as a hand-written application would hold it.
struct JsonClick {
  bool valid = false;  // the value parsed as a JSON object
  std::string region;
  int32_t amount = 0;
  std::string note;
};

JsonClick ParseClick(const Value& bytes) {
  JsonClick c;
  nlohmann::json j = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return c;
  c.valid = true;
  if (auto it = j.find("REGION"); it != j.end() && it->is_string()) c.region = it->get<std::string>();
  if (auto it = j.find("AMOUNT"); it != j.end() && it->is_number()) c.amount = it->get<int32_t>();
  if (auto it = j.find("NOTE"); it != j.end() && it->is_string()) c.note = it->get<std::string>();
  return c;
}

// WHERE amount % 2 = 0, SELECT id, region, amount * 2 AS amount2.
WorkloadPlan SqlFilterProject(const BenchParams& p) {
  WorkloadPlan plan = SqlPlan(p,
                              "CREATE STREAM bench_out WITH (kafka_topic='%s') AS "
                              "SELECT id, region, amount * 2 AS amount2 FROM bench_in "
                              "WHERE amount % 2 = 0;",
                              "CSAS_BENCH_OUT_0");
  return plan;
}

WorkloadPlan DslJsonFilterProject(const BenchParams& p) {
  StreamsBuilder builder;
  Source(builder, p)
      .MapValues([](const Value& v) { return ParseClick(v); })
      .Filter([](const Key&, const JsonClick& c) { return c.valid && c.amount % 2 == 0; })
      .MapValues([](const JsonClick& c) {
        nlohmann::json out = nlohmann::json::object();
        out["REGION"] = c.region;
        out["AMOUNT2"] = c.amount * 2;
        return out.dump();
      })
      .To(OutputTopicName(p), KeyValueSerdes());
  WorkloadPlan plan = SingleInputPlan(builder.Build(), p);
  plan.make_value = JsonRow;
  return plan;
}

// SELECT id, COUNT(*) ... WINDOW HOPPING (1 s, advancing 500 ms, no grace)
// GROUP BY id: windowed_count's windows, over JSON rows.
WorkloadPlan SqlWindowedCount(const BenchParams& p) {
  WorkloadPlan plan = SqlPlan(p,
                              "CREATE TABLE bench_out WITH (kafka_topic='%s') AS "
                              "SELECT id, COUNT(*) AS n FROM bench_in "
                              "WINDOW HOPPING (SIZE 1 SECOND, ADVANCE BY 500 MILLISECONDS, "
                              "GRACE PERIOD 0 SECONDS) GROUP BY id;",
                              "CTAS_BENCH_OUT_0");
  UseTempStateDir(plan);
  return plan;
}

WorkloadPlan DslJsonWindowedCount(const BenchParams& p) {
  using std::chrono::milliseconds;
  StreamsBuilder builder;
  // A hand-written application deserializes the row too (here its region).
  WindowedCountStream(Source(builder, p).MapValues([](const Value& v) { return ParseClick(v).region; }))
      .MapValues([](const std::optional<int64_t>& n) {
        return n ? internal::StrCat("{\"N\":", *n, "}") : std::string();
      })
      .To(OutputTopicName(p), Produced<Windowed<Key>, Value>::With(
                                  serdes::TimeWindowed<Key>(serdes::Int32(), milliseconds(kWindowSizeMs)),
                                  serdes::String()));
  WorkloadPlan plan = SingleInputPlan(builder.Build(), p);
  plan.make_value = JsonRow;
  UseTempStateDir(plan);
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
  w.push_back({"windowed_count",
               "GroupByKey().WindowedBy(hopping 1 s / 500 ms).Count() -> ToStream -> sink "
               "(RocksDB window store, cached)",
               "", WindowedCount});
  w.push_back({"stream_table_join",
               "KStream.Join(KTable) -> sink; the table preloaded with every key (RocksDB, cached)",
               "", StreamTableJoin});
  w.push_back({"stream_stream_join",
               "KStream.Join(KStream, 10 s window) -> sink; the sides alternate, 1 record/ms",
               "", StreamStreamJoin});
  w.push_back({"table_table_join",
               "KTable.Join(KTable) -> ToStream -> sink; the sides alternate (RocksDB, cached)", "",
               TableTableJoin});
  w.push_back({"three_stores",
               "Count + windowed Count + Join(table): 3 RocksDB stores per task (the memory "
               "row: --mode embedded --partitions 100)",
               "", ThreeStores});
  w.push_back({"sql_filter_project",
               "kstreams::sql: CREATE STREAM ... AS SELECT id, region, amount * 2 ... WHERE "
               "amount % 2 = 0 over JSON rows (value size >= 50)",
               "", SqlFilterProject});
  w.push_back({"dsl_json_filter_project",
               "sql_filter_project written with the DSL: MapValues (parse the JSON, nlohmann) -> "
               "Filter -> MapValues (JSON out) -> sink",
               "", DslJsonFilterProject});
  w.push_back({"sql_windowed_count",
               "kstreams::sql: CREATE TABLE ... AS SELECT id, COUNT(*) ... WINDOW HOPPING (1 s, "
               "500 ms) GROUP BY id over JSON rows (RocksDB window store, cached)",
               "", SqlWindowedCount});
  w.push_back({"dsl_json_windowed_count",
               "sql_windowed_count written with the DSL: MapValues (parse the JSON) -> "
               "GroupByKey -> hopping Count (cached) -> ToStream -> MapValues (JSON out) -> sink",
               "", DslJsonWindowedCount});
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
