// Avro serdes in Confluent's wire format against the string serde on the same
// payload size (issue 19's target: an Avro round trip of a 10-field record at
// most 2x the std::string path). Items = records serialized and deserialized.
//  - BM_AvroRoundTrip10Fields: serdes::Avro<T> of a 10-field struct (3 long,
//    2 int, 2 double, 3 string), registry in-process (ids cached after the
//    first record, as with a remote registry).
//  - BM_AvroCValuesRoundTrip10Fields: what serdes::Avro<T> did per record
//    before its direct codec (the "before" figure): the struct through
//    avro-c's generic value (ToGeneric), avro-c's encoding, avro-c's decoding
//    (avro::Decoder, cached), back to the struct (FromGeneric); framing and
//    registry caches left out.
//  - BM_GenericAvroRoundTrip10Fields: the same through serdes::GenericAvro.
//  - BM_StringRoundTripSamePayload: serdes::String() of a string as long as
//    the Avro record's bytes.
//  - BM_AvroCountTaskCore: a count over Avro values in-process, records/s:
//    TaskCore::Process of pre-serialized records (int32 keys over 10,000,
//    10-field Avro values in Confluent's framing, 10,000 distinct ones)
//    through Stream(Int32, Avro<Event>) -> GroupByKey -> Count (RocksDB,
//    cached, logged) -> ToStream -> sink, a commit (Flush) every 100,000
//    records, as the bench/ "count" workload runs in-process.
//  - BM_StringCountTaskCore: the same count over String values of the same
//    size, for reference.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "kstreams/kstreams.h"
#include "kstreams/schema/avro_serdes.h"
#include "kstreams/schema/schema_registry.h"
#include "runtime/task_config.h"
#include "runtime/task_core.h"

namespace {

struct Event {
  int64_t id = 0, user = 0, ts = 0;
  int32_t kind = 0, count = 0;
  double price = 0, weight = 0;
  std::string page, ref, agent;
};

}  // namespace

template <>
struct kstreams::avro::AvroRecord<Event> {
  static constexpr std::string_view kName = "bench.Event";
  static auto Fields() {
    return std::make_tuple(FieldOf("id", &Event::id), FieldOf("user", &Event::user), FieldOf("ts", &Event::ts),
                           FieldOf("kind", &Event::kind), FieldOf("count", &Event::count),
                           FieldOf("price", &Event::price), FieldOf("weight", &Event::weight),
                           FieldOf("page", &Event::page), FieldOf("ref", &Event::ref),
                           FieldOf("agent", &Event::agent));
  }
};

namespace {

Event Sample() {
  return Event{123456789, 42, 1700000000000, 3, 7, 19.99, 0.25, "/products/42", "https://example.com/", "bench/1.0"};
}

std::unique_ptr<kstreams::SchemaRegistry> Registry() { return std::move(*kstreams::SchemaRegistry::Start({})); }

void BM_AvroRoundTrip10Fields(benchmark::State& state) {
  auto registry = Registry();
  kstreams::AvroSerdeConfig config;
  config.client = registry->Client();
  auto serde = kstreams::serdes::Avro<Event>(config);
  const Event event = Sample();
  std::string bytes;
  for (auto _ : state) {
    if (!serde->Serialize("events", event, bytes).ok()) return state.SkipWithError("serialize failed");
    absl::StatusOr<Event> back = serde->Deserialize("events", bytes);
    if (!back.ok()) return state.SkipWithError("deserialize failed");
    benchmark::DoNotOptimize(back->id);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["bytes"] = static_cast<double>(bytes.size());
}
BENCHMARK(BM_AvroRoundTrip10Fields);

void BM_AvroCValuesRoundTrip10Fields(benchmark::State& state) {
  auto schema = *kstreams::avro::Schema::Parse(kstreams::avro::SchemaJsonOf<Event>());
  auto decoder = *kstreams::avro::Decoder::Create(schema, schema);
  const Event event = Sample();
  std::string bytes;
  for (auto _ : state) {
    kstreams::avro::GenericValue value(schema);
    if (!kstreams::avro::ToGeneric(event, value.root()).ok()) return state.SkipWithError("fill failed");
    if (!kstreams::avro::Encode(value, bytes).ok()) return state.SkipWithError("encode failed");
    auto back = decoder->Decode(bytes);
    if (!back.ok()) return state.SkipWithError("decode failed");
    Event out;
    if (!kstreams::avro::FromGeneric(back->root(), out).ok()) return state.SkipWithError("read failed");
    benchmark::DoNotOptimize(out.id);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AvroCValuesRoundTrip10Fields);

void BM_GenericAvroRoundTrip10Fields(benchmark::State& state) {
  auto registry = Registry();
  kstreams::AvroSerdeConfig config;
  config.client = registry->Client();
  auto schema = *kstreams::avro::Schema::Parse(kstreams::avro::SchemaJsonOf<Event>());
  kstreams::avro::GenericValue value(schema);
  if (!kstreams::avro::ToGeneric(Sample(), value.root()).ok()) return state.SkipWithError("fill failed");
  auto serde = kstreams::serdes::GenericAvro(config, schema);
  std::string bytes;
  for (auto _ : state) {
    if (!serde->Serialize("events", value, bytes).ok()) return state.SkipWithError("serialize failed");
    auto back = serde->Deserialize("events", bytes);
    if (!back.ok()) return state.SkipWithError("deserialize failed");
    benchmark::DoNotOptimize(back->root().raw_self());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GenericAvroRoundTrip10Fields);

void BM_StringRoundTripSamePayload(benchmark::State& state) {
  // The Avro record above encodes to 5 + 72 bytes.
  auto registry = Registry();
  kstreams::AvroSerdeConfig config;
  config.client = registry->Client();
  std::string avro_bytes;
  (void)kstreams::serdes::Avro<Event>(config)->Serialize("events", Sample(), avro_bytes);
  const std::string payload(avro_bytes.size(), 'x');
  auto serde = kstreams::serdes::String();
  std::string bytes;
  for (auto _ : state) {
    if (!serde->Serialize("events", payload, bytes).ok()) return state.SkipWithError("serialize failed");
    absl::StatusOr<std::string> back = serde->Deserialize("events", bytes);
    if (!back.ok()) return state.SkipWithError("deserialize failed");
    benchmark::DoNotOptimize(back->data());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["bytes"] = static_cast<double>(bytes.size());
}
BENCHMARK(BM_StringRoundTripSamePayload);

// A sink that only counts what the task forwards.
class CountingCollector final : public kstreams::internal::RecordCollector {
 public:
  void Send(std::string_view, kstreams::internal::RawBytes, kstreams::internal::RawBytes, int64_t,
            const kstreams::Headers&, int32_t) override {
    ++records;
  }
  int64_t records = 0;
};

constexpr int32_t kKeys = 10'000;
constexpr int64_t kCommitEvery = 100'000;

// Counts pre-serialized records whose values `value_serde` reads.
template <typename V>
void CountOver(benchmark::State& state, kstreams::SerdePtr<V> value_serde, const std::vector<std::string>& values) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "kstreams-avro-count-bench";
  std::filesystem::remove_all(dir);
  kstreams::StreamsBuilder builder;
  builder.Stream<int32_t, V>("in", kstreams::Consumed<int32_t, V>::With(kstreams::serdes::Int32(), value_serde))
      .GroupByKey(kstreams::Grouped<int32_t, V>::With(kstreams::serdes::Int32(), value_serde))
      .Count(kstreams::Materialized<int32_t, int64_t>::As("counts")
                 .WithKeySerde(kstreams::serdes::Int32())
                 .WithValueSerde(kstreams::serdes::Int64())
                 .WithCachingEnabled())
      .ToStream()
      .To("out");
  kstreams::Topology topology = builder.Build();
  CountingCollector collector;
  kstreams::internal::TaskCore::Options options;
  options.config = *kstreams::internal::ParseTaskConfig(kstreams::StreamsConfig{
      {kstreams::StreamsConfig::kApplicationId, "avro-count"}, {"state.dir", dir.string()}});
  options.task_id = kstreams::TaskId{0, 0};
  options.collector = &collector;
  auto task = kstreams::internal::TaskCore::Create(topology.shared_data(), topology.data().Subtopologies().at(0),
                                                   std::move(options));
  if (!task.ok() || !(*task)->Init().ok()) return state.SkipWithError("task creation failed");
  std::vector<std::string> keys;
  std::mt19937 rng(42);
  for (int i = 0; i < 1 << 16; ++i) {
    const auto k = static_cast<uint32_t>(rng() % kKeys);
    keys.push_back(std::string{static_cast<char>(k >> 24), static_cast<char>(k >> 16), static_cast<char>(k >> 8),
                               static_cast<char>(k)});
  }
  kstreams::internal::RawRecord raw;
  raw.topic = "in";
  int64_t n = 0;
  for (auto _ : state) {
    raw.key = keys[static_cast<size_t>(n) & 0xffff];
    raw.value = values[static_cast<size_t>(n) % values.size()];
    ++raw.offset;
    ++raw.timestamp;
    if (!(*task)->Process(raw).ok()) [[unlikely]] return state.SkipWithError("process failed");
    if (++n % kCommitEvery == 0 && !(*task)->Flush().ok()) return state.SkipWithError("commit failed");
  }
  state.SetItemsProcessed(state.iterations());
  benchmark::DoNotOptimize(collector.records);
  task->reset();
  std::filesystem::remove_all(dir);
}

std::vector<std::string> AvroValues(const kstreams::SerdePtr<Event>& serde) {
  std::vector<std::string> values;
  for (int i = 0; i < 10'000; ++i) {
    Event e = Sample();
    e.id = i;
    e.user = i % 977;
    e.ts += i;
    e.count = i % 13;
    e.price = i * 0.01;
    e.page = "/products/" + std::to_string(i % 500);
    std::string bytes;
    if (!serde->Serialize("in", e, bytes).ok()) return {};
    values.push_back(std::move(bytes));
  }
  return values;
}

void BM_AvroCountTaskCore(benchmark::State& state) {
  auto registry = Registry();
  kstreams::AvroSerdeConfig config;
  config.client = registry->Client();
  auto serde = kstreams::serdes::Avro<Event>(config);
  const std::vector<std::string> values = AvroValues(serde);
  if (values.empty()) return state.SkipWithError("serialize failed");
  CountOver<Event>(state, serde, values);
  state.counters["value_bytes"] = static_cast<double>(values[0].size());
}
BENCHMARK(BM_AvroCountTaskCore)->MinTime(2);

void BM_StringCountTaskCore(benchmark::State& state) {
  auto registry = Registry();
  kstreams::AvroSerdeConfig config;
  config.client = registry->Client();
  std::vector<std::string> values = AvroValues(kstreams::serdes::Avro<Event>(config));
  for (std::string& v : values) v.assign(v.size(), 'x');
  CountOver<std::string>(state, kstreams::serdes::String(), values);
}
BENCHMARK(BM_StringCountTaskCore)->MinTime(2);

}  // namespace

BENCHMARK_MAIN();
