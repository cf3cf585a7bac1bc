// kstreams/dsl/repartitioned.h
//
// Repartitioned<K, V>: KStream::Repartition's options: the repartition topic's
// base name ("<application.id>-<name>-repartition"), its partition count
// (default: the runtime derives it from the upstream source topics), serdes
// and a StreamPartitioner. Value type.
//
// Example:
//   stream.SelectKey(by_user).Repartition(
//       kstreams::Repartitioned<std::string, Click>::As("by-user").WithNumberOfPartitions(8));
#ifndef KSTREAMS_DSL_REPARTITIONED_H_
#define KSTREAMS_DSL_REPARTITIONED_H_

#include <cstdint>
#include <optional>
#include <string>

#include "kstreams/dsl/produced.h"
#include "kstreams/serde/serde.h"

namespace kstreams {

template <typename K, typename V>
class Repartitioned {
 public:
  Repartitioned() = default;
  static Repartitioned As(std::string name) { return Repartitioned().WithName(std::move(name)); }
  static Repartitioned With(SerdePtr<K> key_serde, SerdePtr<V> value_serde) {
    Repartitioned r;
    r.key_serde_ = std::move(key_serde);
    r.value_serde_ = std::move(value_serde);
    return r;
  }
  static Repartitioned NumberOfPartitions(int32_t n) {
    return Repartitioned().WithNumberOfPartitions(n);
  }
  Repartitioned& WithName(std::string name) & {
    name_ = std::move(name);
    return *this;
  }
  Repartitioned WithName(std::string name) && { return std::move(WithName(std::move(name))); }
  Repartitioned& WithNumberOfPartitions(int32_t n) & {
    partitions_ = n;
    return *this;
  }
  Repartitioned WithNumberOfPartitions(int32_t n) && {
    return std::move(WithNumberOfPartitions(std::move(n)));
  }
  Repartitioned& WithKeySerde(SerdePtr<K> serde) & {
    key_serde_ = std::move(serde);
    return *this;
  }
  Repartitioned WithKeySerde(SerdePtr<K> serde) && {
    return std::move(WithKeySerde(std::move(serde)));
  }
  Repartitioned& WithValueSerde(SerdePtr<V> serde) & {
    value_serde_ = std::move(serde);
    return *this;
  }
  Repartitioned WithValueSerde(SerdePtr<V> serde) && {
    return std::move(WithValueSerde(std::move(serde)));
  }
  Repartitioned& WithStreamPartitioner(StreamPartitioner<K, V> partitioner) & {
    partitioner_ = std::move(partitioner);
    return *this;
  }
  Repartitioned WithStreamPartitioner(StreamPartitioner<K, V> partitioner) && {
    return std::move(WithStreamPartitioner(std::move(partitioner)));
  }

  const std::optional<std::string>& name() const { return name_; }
  const std::optional<int32_t>& partitions() const { return partitions_; }
  const SerdePtr<K>& key_serde() const { return key_serde_; }
  const SerdePtr<V>& value_serde() const { return value_serde_; }
  const StreamPartitioner<K, V>& partitioner() const { return partitioner_; }

 private:
  std::optional<std::string> name_;
  std::optional<int32_t> partitions_;
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  StreamPartitioner<K, V> partitioner_;
};

}  // namespace kstreams

#endif  // KSTREAMS_DSL_REPARTITIONED_H_
