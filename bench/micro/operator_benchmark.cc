// The cost of moving one record through typed nodes:
//  - BM_MapValuesHops/N, BM_FilterHops/N: a Record<int32_t, std::string>
//    (100-byte value) forwarded through N MapValues (value moved, first byte
//    changed) or N Filter (always true) nodes into a terminal node. The
//    terminal node hands the value back, so no iteration allocates: what is
//    measured is the hop (virtual call, exception guard, record moves).
//  - BM_TaskCorePassthrough/B: TaskCore::Process of one raw record (int32
//    key, B-byte value) through source -> sink of a DSL topology into a
//    collector that only counts: deserialize, forward, serialize, hand off.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "kstreams/dsl/internal/stateless_nodes.h"
#include "kstreams/kstreams.h"
#include "runtime/task_config.h"
#include "runtime/task_core.h"

namespace {

using kstreams::Record;
using kstreams::internal::InputNode;
using kstreams::internal::NodeBase;

using Value = std::string;

// Keeps the last value so the next iteration reuses its buffer.
class Terminal final : public InputNode<int32_t, Value> {
 public:
  Terminal() : InputNode("terminal") {}
  void Process(Record<int32_t, Value>&& r) override { value = std::move(r).value(); }
  Value value;
};

struct FlipFirstByte {
  Value operator()(Value v) const {
    v[0] = static_cast<char>(v[0] ^ 1);
    return v;
  }
};
struct KeepAll {
  bool operator()(const int32_t&, const Value&) const { return true; }
};

template <typename MakeNode>
void Hops(benchmark::State& state, MakeNode make) {
  const int n = static_cast<int>(state.range(0));
  std::vector<std::unique_ptr<NodeBase>> nodes;
  for (int i = 0; i < n; ++i) nodes.push_back(make(i));
  auto terminal = std::make_unique<Terminal>();
  for (int i = 0; i + 1 < n; ++i) {
    if (!nodes[i]->AddChild(nodes[i + 1].get()).ok()) state.SkipWithError("wiring failed");
  }
  if (!nodes[n - 1]->AddChild(terminal.get()).ok()) state.SkipWithError("wiring failed");
  auto* first = static_cast<InputNode<int32_t, Value>*>(nodes[0].get());
  terminal->value.assign(100, 'v');
  int64_t ts = 0;
  for (auto _ : state) {
    first->Process(Record<int32_t, Value>(42, std::move(terminal->value), ++ts));
  }
  benchmark::DoNotOptimize(terminal->value.data());
  state.SetItemsProcessed(state.iterations());
}

void BM_MapValuesHops(benchmark::State& state) {
  Hops(state, [](int i) -> std::unique_ptr<NodeBase> {
    return std::make_unique<kstreams::internal::MapValuesNode<int32_t, Value, Value, FlipFirstByte>>(
        "map-" + std::to_string(i), FlipFirstByte{});
  });
}
void BM_FilterHops(benchmark::State& state) {
  Hops(state, [](int i) -> std::unique_ptr<NodeBase> {
    return std::make_unique<kstreams::internal::FilterNode<int32_t, Value, KeepAll>>(
        "filter-" + std::to_string(i), KeepAll{}, false);
  });
}
BENCHMARK(BM_MapValuesHops)->Arg(1)->Arg(2)->Arg(4)->Arg(8);
BENCHMARK(BM_FilterHops)->Arg(1)->Arg(2)->Arg(4)->Arg(8);

class CountingCollector final : public kstreams::internal::RecordCollector {
 public:
  void Send(std::string_view, kstreams::internal::RawBytes key,
            kstreams::internal::RawBytes value, int64_t, const kstreams::Headers&,
            int32_t) override {
    ++records;
    bytes += (key ? key->size() : 0) + (value ? value->size() : 0);
  }
  int64_t records = 0;
  size_t bytes = 0;
};

// Arg: value size in bytes.
void BM_TaskCorePassthrough(benchmark::State& state) {
  kstreams::StreamsBuilder builder;
  builder
      .Stream<int32_t, Value>("in", kstreams::Consumed<int32_t, Value>::With(
                                        kstreams::serdes::Int32(), kstreams::serdes::String()))
      .To("out");
  kstreams::Topology topology = builder.Build();
  CountingCollector collector;
  kstreams::internal::TaskCore::Options options;
  options.config = *kstreams::internal::ParseTaskConfig(
      kstreams::StreamsConfig{{kstreams::StreamsConfig::kApplicationId, "micro"}});
  options.task_id = kstreams::TaskId{0, 0};
  options.collector = &collector;
  auto task = kstreams::internal::TaskCore::Create(
      topology.shared_data(), topology.data().Subtopologies().at(0), std::move(options));
  if (!task.ok() || !(*task)->Init().ok()) {
    state.SkipWithError("task creation failed");
    return;
  }
  const std::string key("\x00\x00\x01\x02", 4);
  const std::string value(static_cast<size_t>(state.range(0)), 'v');
  kstreams::internal::RawRecord raw;
  raw.topic = "in";
  raw.key = key;
  raw.value = value;
  for (auto _ : state) {
    ++raw.offset;
    ++raw.timestamp;
    absl::Status s = (*task)->Process(raw);
    if (!s.ok()) [[unlikely]] {
      state.SkipWithError("process failed");
      break;
    }
  }
  benchmark::DoNotOptimize(collector.records);
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * (key.size() + value.size())));
}
BENCHMARK(BM_TaskCorePassthrough)->Arg(100)->Arg(1024);

}  // namespace

BENCHMARK_MAIN();
