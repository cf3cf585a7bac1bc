#include "input.h"

#include <algorithm>
#include <cstring>

namespace kstreams::bench {
namespace {

uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace

std::string Int32Bytes(int32_t key) {
  const uint32_t k = static_cast<uint32_t>(key);
  return {static_cast<char>(k >> 24), static_cast<char>(k >> 16), static_cast<char>(k >> 8),
          static_cast<char>(k)};
}

std::string Int64Bytes(int64_t v) {
  std::string bytes(8, '\0');
  for (int b = 0; b < 8; ++b) {
    bytes[static_cast<size_t>(b)] = static_cast<char>(static_cast<uint64_t>(v) >> (56 - 8 * b));
  }
  return bytes;
}

int32_t Int32FromBytes(std::string_view bytes) {
  const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
  return static_cast<int32_t>((uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) |
                              (uint32_t{b[2]} << 8) | uint32_t{b[3]});
}

InputPool::InputPool(const BenchParams& p, const WorkloadPlan& plan) : value_size_(p.value_size) {
  const int64_t record_bytes = 4 + static_cast<int64_t>(p.value_size);
  count_ = std::clamp<int64_t>(p.pool_bytes / record_bytes, 1,
                               std::max<int64_t>(p.records + p.keys, 1));
  data_.resize(static_cast<size_t>(count_ * record_bytes));
  uint64_t state = 20240601;
  char* out = data_.data();
  for (int64_t i = 0; i < count_; ++i) {
    const auto key = static_cast<int32_t>(SplitMix64(state) % static_cast<uint64_t>(p.keys));
    std::memcpy(out, Int32Bytes(key).data(), 4);
    out += 4;
    if (plan.make_value) {
      plan.make_value(key, SplitMix64(state), out, p.value_size);
    } else {
      for (int32_t b = 0; b < p.value_size; b += 8) {
        const uint64_t r = SplitMix64(state);
        std::memcpy(out + b, &r, std::min<size_t>(8, static_cast<size_t>(p.value_size - b)));
      }
    }
    out += p.value_size;
  }
}

InputSchedule::InputSchedule(const InputPool& pool, const BenchParams& params,
                             const WorkloadPlan& plan)
    : pool_(&pool), keys_(params.keys), records_per_ms_(std::max<int64_t>(plan.records_per_ms, 1)) {
  const std::vector<InputTopic>& inputs = plan.inputs;
  for (size_t i = 0; i < inputs.size(); ++i) {
    (inputs[i].kind == InputTopic::Kind::kPreload ? preload_inputs_ : stream_inputs_)
        .push_back(static_cast<int32_t>(i));
  }
  if (!preload_inputs_.empty()) {
    for (int32_t k = 0; k < params.keys; ++k) preload_keys_.push_back(Int32Bytes(k));
  }
  preload_records_ = static_cast<int64_t>(preload_inputs_.size()) * keys_;
  stream_records_ = stream_inputs_.empty() ? 0 : params.records;
}

int64_t InputSchedule::stream_bytes() const {
  return stream_records_ * (4 + static_cast<int64_t>(pool_->value_size()));
}

InputSchedule::StreamCursor::StreamCursor(const InputSchedule& schedule, int64_t begin)
    : schedule_(&schedule),
      j_(begin),
      pool_index_(begin % schedule.pool_->size()),
      slot_(schedule.stream_inputs_.empty()
                ? 0
                : static_cast<size_t>(begin) % schedule.stream_inputs_.size()),
      until_tick_(schedule.records_per_ms_ -
                  (schedule.preload_records_ + begin) % schedule.records_per_ms_) {
  record_.input = schedule.stream_inputs_.empty() ? -1 : schedule.stream_inputs_[slot_];
  record_.key = schedule.pool_->key(pool_index_);
  record_.value = schedule.pool_->value(pool_index_);
  record_.timestamp = schedule.TimestampOf(schedule.preload_records_ + begin);
}

}  // namespace kstreams::bench
