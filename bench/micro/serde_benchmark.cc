// Built-in serdes: serialize into a reused buffer (as SinkNode does) and
// deserialize from bytes (as SourceNode does), per call.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "kstreams/serde/serde.h"

namespace {

template <typename T>
void SerializeLoop(benchmark::State& state, const kstreams::SerdePtr<T>& serde, const T& value,
                   size_t bytes) {
  std::string out;
  for (auto _ : state) {
    absl::Status s = serde->Serialize("topic", value, out);
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}

template <typename T>
void DeserializeLoop(benchmark::State& state, const kstreams::SerdePtr<T>& serde, const T& value,
                     size_t bytes) {
  std::string in;
  if (!serde->Serialize("topic", value, in).ok()) {
    state.SkipWithError("serialize failed");
    return;
  }
  for (auto _ : state) {
    absl::StatusOr<T> v = serde->Deserialize("topic", in);
    benchmark::DoNotOptimize(v);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}

void BM_Int32Serialize(benchmark::State& state) {
  SerializeLoop<int32_t>(state, kstreams::serdes::Int32(), 123456789, 4);
}
void BM_Int32Deserialize(benchmark::State& state) {
  DeserializeLoop<int32_t>(state, kstreams::serdes::Int32(), 123456789, 4);
}
void BM_Int64Serialize(benchmark::State& state) {
  SerializeLoop<int64_t>(state, kstreams::serdes::Int64(), 1234567890123456789ll, 8);
}
void BM_Int64Deserialize(benchmark::State& state) {
  DeserializeLoop<int64_t>(state, kstreams::serdes::Int64(), 1234567890123456789ll, 8);
}
void BM_DoubleSerialize(benchmark::State& state) {
  SerializeLoop<double>(state, kstreams::serdes::Double(), 3.14159, 8);
}
void BM_DoubleDeserialize(benchmark::State& state) {
  DeserializeLoop<double>(state, kstreams::serdes::Double(), 3.14159, 8);
}
// Arg: string length in bytes.
void BM_StringSerialize(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  SerializeLoop<std::string>(state, kstreams::serdes::String(), std::string(n, 'x'), n);
}
void BM_StringDeserialize(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  DeserializeLoop<std::string>(state, kstreams::serdes::String(), std::string(n, 'x'), n);
}

BENCHMARK(BM_Int32Serialize);
BENCHMARK(BM_Int32Deserialize);
BENCHMARK(BM_Int64Serialize);
BENCHMARK(BM_Int64Deserialize);
BENCHMARK(BM_DoubleSerialize);
BENCHMARK(BM_DoubleDeserialize);
BENCHMARK(BM_StringSerialize)->Arg(10)->Arg(100)->Arg(1024);
BENCHMARK(BM_StringDeserialize)->Arg(10)->Arg(100)->Arg(1024);

}  // namespace

BENCHMARK_MAIN();
