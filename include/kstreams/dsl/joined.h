// kstreams/dsl/joined.h
//
// Joined<K, V, VO>: options of KStream::Join / LeftJoin with a KTable: the
// join node's name (which also names the repartition topic
// "<name>-repartition" when the stream's key changed upstream) and the serdes
// of that repartition topic (key, stream value; VO's serde is accepted for
// Java compatibility). Value type.
//
// Example:
//   views.Join(users, joiner,
//              kstreams::Joined<std::string, PageView, User>::As("enrich-views"));
#ifndef KSTREAMS_DSL_JOINED_H_
#define KSTREAMS_DSL_JOINED_H_

#include <chrono>
#include <optional>
#include <string>

#include "kstreams/serde/serde.h"

namespace kstreams {

template <typename K, typename V, typename VO>
class Joined {
 public:
  Joined() = default;
  static Joined As(std::string name) { return Joined().WithName(std::move(name)); }
  static Joined With(SerdePtr<K> key_serde, SerdePtr<V> value_serde,
                     SerdePtr<VO> other_value_serde = nullptr) {
    Joined j;
    j.key_serde_ = std::move(key_serde);
    j.value_serde_ = std::move(value_serde);
    j.other_value_serde_ = std::move(other_value_serde);
    return j;
  }
  Joined& WithName(std::string name) & {
    name_ = std::move(name);
    return *this;
  }
  Joined WithName(std::string name) && { return std::move(WithName(std::move(name))); }
  Joined& WithKeySerde(SerdePtr<K> serde) & {
    key_serde_ = std::move(serde);
    return *this;
  }
  Joined WithKeySerde(SerdePtr<K> serde) && { return std::move(WithKeySerde(std::move(serde))); }
  Joined& WithValueSerde(SerdePtr<V> serde) & {
    value_serde_ = std::move(serde);
    return *this;
  }
  Joined WithValueSerde(SerdePtr<V> serde) && {
    return std::move(WithValueSerde(std::move(serde)));
  }
  // Stream records wait up to `grace` of stream time before they are joined,
  // as of their own timestamp, with the table (Java's
  // Joined.withGracePeriod). REQUIRES a versioned table (materialized with
  // Stores::PersistentVersionedKeyValueStore); the wait happens in a
  // change-logged buffer store "<join name>-Buffer".
  Joined& WithGracePeriod(std::chrono::milliseconds grace) & {
    grace_ = grace;
    return *this;
  }
  Joined WithGracePeriod(std::chrono::milliseconds grace) && {
    return std::move(WithGracePeriod(std::move(grace)));
  }
  Joined& WithOtherValueSerde(SerdePtr<VO> serde) & {
    other_value_serde_ = std::move(serde);
    return *this;
  }
  Joined WithOtherValueSerde(SerdePtr<VO> serde) && {
    return std::move(WithOtherValueSerde(std::move(serde)));
  }

  const std::optional<std::string>& name() const { return name_; }
  const SerdePtr<K>& key_serde() const { return key_serde_; }
  const SerdePtr<V>& value_serde() const { return value_serde_; }
  const SerdePtr<VO>& other_value_serde() const { return other_value_serde_; }
  const std::optional<std::chrono::milliseconds>& grace_period() const { return grace_; }

 private:
  std::optional<std::string> name_;
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  SerdePtr<VO> other_value_serde_;
  std::optional<std::chrono::milliseconds> grace_;
};

}  // namespace kstreams

#endif  // KSTREAMS_DSL_JOINED_H_
