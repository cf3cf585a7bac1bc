// kstreams/dsl/produced.h
//
// Produced<K, V>: how KStream::To writes a topic: serdes (the stream's known
// serdes, else the type's defaults, when not given), an optional
// StreamPartitioner, and the sink node's name. Value type.
//
// Example:
//   counts.To("word-counts", kstreams::Produced<std::string, int64_t>::With(
//                                kstreams::serdes::String(), kstreams::serdes::Int64()));
#ifndef KSTREAMS_DSL_PRODUCED_H_
#define KSTREAMS_DSL_PRODUCED_H_

#include <optional>
#include <string>

#include "kstreams/processor/internal/node.h"
#include "kstreams/serde/serde.h"

namespace kstreams {

// Picks the partition of a record: (key, value, partition count) -> partition,
// or std::nullopt for the default (murmur2 of the key bytes, as Java).
template <typename K, typename V>
using StreamPartitioner = internal::StreamPartitioner<K, V>;

// Picks the topic of a record (Java's TopicNameExtractor).
template <typename K, typename V>
using TopicNameExtractor = internal::TopicNameExtractor<K, V>;

template <typename K, typename V>
class Produced {
 public:
  Produced() = default;
  static Produced With(SerdePtr<K> key_serde, SerdePtr<V> value_serde) {
    Produced p;
    p.key_serde_ = std::move(key_serde);
    p.value_serde_ = std::move(value_serde);
    return p;
  }
  static Produced As(std::string name) { return Produced().WithName(std::move(name)); }
  static Produced StreamPartitioned(StreamPartitioner<K, V> partitioner) {
    return Produced().WithStreamPartitioner(std::move(partitioner));
  }
  Produced& WithKeySerde(SerdePtr<K> serde) & {
    key_serde_ = std::move(serde);
    return *this;
  }
  Produced WithKeySerde(SerdePtr<K> serde) && { return std::move(WithKeySerde(std::move(serde))); }
  Produced& WithValueSerde(SerdePtr<V> serde) & {
    value_serde_ = std::move(serde);
    return *this;
  }
  Produced WithValueSerde(SerdePtr<V> serde) && {
    return std::move(WithValueSerde(std::move(serde)));
  }
  Produced& WithStreamPartitioner(StreamPartitioner<K, V> partitioner) & {
    partitioner_ = std::move(partitioner);
    return *this;
  }
  Produced WithStreamPartitioner(StreamPartitioner<K, V> partitioner) && {
    return std::move(WithStreamPartitioner(std::move(partitioner)));
  }
  Produced& WithName(std::string name) & {
    name_ = std::move(name);
    return *this;
  }
  Produced WithName(std::string name) && { return std::move(WithName(std::move(name))); }

  const SerdePtr<K>& key_serde() const { return key_serde_; }
  const SerdePtr<V>& value_serde() const { return value_serde_; }
  const StreamPartitioner<K, V>& partitioner() const { return partitioner_; }
  const std::optional<std::string>& name() const { return name_; }

 private:
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  StreamPartitioner<K, V> partitioner_;
  std::optional<std::string> name_;
};

}  // namespace kstreams

#endif  // KSTREAMS_DSL_PRODUCED_H_
