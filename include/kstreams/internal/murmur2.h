// kstreams/internal/murmur2.h  (internal: not for users)
//
// Kafka's murmur2 (Utils.murmur2: 32-bit MurmurHash2, seed 0x9747b28c, as
// the signed int Java returns) and the Java client's keyed partition choice
// (DefaultPartitioner / BuiltInPartitioner): toPositive(murmur2(key)) %
// num_partitions. librdkafka's `partitioner=murmur2_random` places keyed
// records the same way; the DSL uses it where Kafka Streams partitions by
// other bytes than the record key (windowed keys, by their inner key).
#ifndef KSTREAMS_INTERNAL_MURMUR2_H_
#define KSTREAMS_INTERNAL_MURMUR2_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace kstreams::internal {

inline int32_t Murmur2(std::string_view data) {
  // Arithmetic on uint32_t wraps exactly like Java's int multiplication;
  // Java's `>>>` is a logical shift, which is what uint32_t `>>` does.
  constexpr uint32_t kSeed = 0x9747b28c;
  constexpr uint32_t kM = 0x5bd1e995;
  constexpr int kR = 24;
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  const size_t length = data.size();
  uint32_t h = kSeed ^ static_cast<uint32_t>(length);
  const size_t whole_words = length / 4;
  for (size_t i = 0; i < whole_words; ++i) {
    const unsigned char* p = bytes + 4 * i;  // little-endian 4-byte word
    uint32_t k = uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) |
                 (uint32_t{p[3]} << 24);
    k *= kM;
    k ^= k >> kR;
    k *= kM;
    h *= kM;
    h ^= k;
  }
  const unsigned char* tail = bytes + 4 * whole_words;
  switch (length % 4) {
    case 3:
      h ^= uint32_t{tail[2]} << 16;
      [[fallthrough]];
    case 2:
      h ^= uint32_t{tail[1]} << 8;
      [[fallthrough]];
    case 1:
      h ^= uint32_t{tail[0]};
      h *= kM;
  }
  h ^= h >> 13;
  h *= kM;
  h ^= h >> 15;
  return static_cast<int32_t>(h);
}

// REQUIRES: num_partitions > 0.
inline int32_t Murmur2Partition(std::string_view key, int32_t num_partitions) {
  // Java's Utils.toPositive: clear the sign bit (not abs(), which would map
  // Integer.MIN_VALUE to itself).
  const uint32_t positive = static_cast<uint32_t>(Murmur2(key)) & 0x7fffffffu;
  return static_cast<int32_t>(positive % static_cast<uint32_t>(num_partitions));
}

}  // namespace kstreams::internal

#endif  // KSTREAMS_INTERNAL_MURMUR2_H_
