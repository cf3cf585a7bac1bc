// Avro serdes in Confluent's wire format against the string serde on the same
// payload size (issue 19's target: an Avro round trip of a 10-field record at
// most 2x the std::string path). Items = records serialized and deserialized.
//  - BM_AvroRoundTrip10Fields: serdes::Avro<T> of a 10-field struct (3 long,
//    2 int, 2 double, 3 string), registry in-process (ids cached after the
//    first record, as with a remote registry).
//  - BM_GenericAvroRoundTrip10Fields: the same through serdes::GenericAvro.
//  - BM_StringRoundTripSamePayload: serdes::String() of a string as long as
//    the Avro record's bytes.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "kstreams/schema/avro_serdes.h"
#include "kstreams/schema/schema_registry.h"

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

}  // namespace

BENCHMARK_MAIN();
