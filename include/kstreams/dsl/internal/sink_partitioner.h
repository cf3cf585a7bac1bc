// kstreams/dsl/internal/sink_partitioner.h  (internal: not for users)
//
// The partitioner of a DSL sink (KStream::To, Java's StreamSinkNode): the
// user's (Produced::WithStreamPartitioner) when set; else, for windowed keys
// written with a windowed serde, Java's WindowedStreamPartitioner (the
// murmur2 partition of the inner key's bytes, so every window of a key lands
// where the plain key would, and a Java consumer or Kafka Streams
// application finds it there); else none (the producer's murmur2 of the
// whole serialized key).
#ifndef KSTREAMS_DSL_INTERNAL_SINK_PARTITIONER_H_
#define KSTREAMS_DSL_INTERNAL_SINK_PARTITIONER_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "kstreams/internal/murmur2.h"
#include "kstreams/processor/internal/node.h"
#include "kstreams/serde/windowed.h"
#include "kstreams/serde/windowed_serdes.h"

namespace kstreams::internal {

// `topic`: the sink's topic, handed to the inner key's serializer ("" when a
// TopicNameExtractor chooses it per record).
template <typename K, typename V>
StreamPartitioner<K, V> SinkPartitioner(StreamPartitioner<K, V> user, const SerdePtr<K>& key_serde,
                                        std::string topic) {
  if (user) return user;
  if constexpr (IsWindowed<K>::value) {
    using Inner = typename IsWindowed<K>::Key;
    auto windowed = std::dynamic_pointer_cast<const WindowedSerde<Inner>>(key_serde);
    if (windowed != nullptr) {
      return [windowed = std::move(windowed), topic = std::move(topic)](
                 const K& key, const V&, int32_t num_partitions) -> std::optional<int32_t> {
        std::string bytes;
        // A key that does not serialize fails at the sink's own
        // serialization, which reports it; the partition does not matter.
        if (!windowed->SerializeBaseKey(topic, key, bytes).ok()) return std::nullopt;
        return Murmur2Partition(bytes, num_partitions);
      };
    }
  }
  return nullptr;
}

}  // namespace kstreams::internal

#endif  // KSTREAMS_DSL_INTERNAL_SINK_PARTITIONER_H_
