// kstreams/dsl/consumed.h
//
// Consumed<K, V>: how StreamsBuilder::Stream/Table read a topic: serdes (the
// type's default serdes when not given), the timestamp extractor (default:
// default.timestamp.extractor; kstreams/processor/timestamp_extractor.h) and
// the source node's name. Value type.
//
// Example:
//   builder.Stream<std::string, int64_t>(
//       "clicks", kstreams::Consumed<std::string, int64_t>::With(
//                     kstreams::serdes::String(), kstreams::serdes::Int64()));
#ifndef KSTREAMS_DSL_CONSUMED_H_
#define KSTREAMS_DSL_CONSUMED_H_

#include <memory>
#include <optional>
#include <string>

#include "kstreams/processor/timestamp_extractor.h"
#include "kstreams/serde/serde.h"

namespace kstreams {

template <typename K, typename V>
class Consumed {
 public:
  Consumed() = default;
  static Consumed With(SerdePtr<K> key_serde, SerdePtr<V> value_serde) {
    Consumed c;
    c.key_serde_ = std::move(key_serde);
    c.value_serde_ = std::move(value_serde);
    return c;
  }
  static Consumed As(std::string name) { return Consumed().WithName(std::move(name)); }
  // Java's Consumed.with(TimestampExtractor).
  static Consumed With(std::shared_ptr<TimestampExtractor> extractor) {
    Consumed c;
    c.timestamp_extractor_ = std::move(extractor);
    return c;
  }
  Consumed& WithTimestampExtractor(std::shared_ptr<TimestampExtractor> extractor) & {
    timestamp_extractor_ = std::move(extractor);
    return *this;
  }
  Consumed WithTimestampExtractor(std::shared_ptr<TimestampExtractor> extractor) && {
    return std::move(WithTimestampExtractor(std::move(extractor)));
  }
  Consumed& WithKeySerde(SerdePtr<K> serde) & {
    key_serde_ = std::move(serde);
    return *this;
  }
  Consumed WithKeySerde(SerdePtr<K> serde) && { return std::move(WithKeySerde(std::move(serde))); }
  Consumed& WithValueSerde(SerdePtr<V> serde) & {
    value_serde_ = std::move(serde);
    return *this;
  }
  Consumed WithValueSerde(SerdePtr<V> serde) && {
    return std::move(WithValueSerde(std::move(serde)));
  }
  Consumed& WithName(std::string name) & {
    name_ = std::move(name);
    return *this;
  }
  Consumed WithName(std::string name) && { return std::move(WithName(std::move(name))); }

  const SerdePtr<K>& key_serde() const { return key_serde_; }
  const SerdePtr<V>& value_serde() const { return value_serde_; }
  const std::shared_ptr<TimestampExtractor>& timestamp_extractor() const {
    return timestamp_extractor_;
  }
  std::optional<std::string> name() const {
    return name_.empty() ? std::nullopt : std::optional<std::string>(name_);
  }

 private:
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  std::shared_ptr<TimestampExtractor> timestamp_extractor_;
  // Empty: none. (Not std::optional: GCC 12 reports a false
  // -Wmaybe-uninitialized for a defaulted Consumed{} holding one.)
  std::string name_;
};

}  // namespace kstreams

#endif  // KSTREAMS_DSL_CONSUMED_H_
