// kstreams/dsl/grouped.h
//
// Grouped<K, V>: options of KStream::GroupBy/GroupByKey and KTable::GroupBy:
// the name (which also names the repartition topic "<name>-repartition") and
// the serdes used for that topic. Value type.
//
// Example:
//   words.GroupBy(by_word, kstreams::Grouped<std::string, std::string>::As("by-word"));
#ifndef KSTREAMS_DSL_GROUPED_H_
#define KSTREAMS_DSL_GROUPED_H_

#include <optional>
#include <string>

#include "kstreams/serde/serde.h"

namespace kstreams {

template <typename K, typename V>
class Grouped {
 public:
  Grouped() = default;
  static Grouped As(std::string name) { return Grouped().WithName(std::move(name)); }
  static Grouped With(SerdePtr<K> key_serde, SerdePtr<V> value_serde) {
    Grouped g;
    g.key_serde_ = std::move(key_serde);
    g.value_serde_ = std::move(value_serde);
    return g;
  }
  Grouped& WithName(std::string name) & {
    name_ = std::move(name);
    return *this;
  }
  Grouped WithName(std::string name) && { return std::move(WithName(std::move(name))); }
  Grouped& WithKeySerde(SerdePtr<K> serde) & {
    key_serde_ = std::move(serde);
    return *this;
  }
  Grouped WithKeySerde(SerdePtr<K> serde) && { return std::move(WithKeySerde(std::move(serde))); }
  Grouped& WithValueSerde(SerdePtr<V> serde) & {
    value_serde_ = std::move(serde);
    return *this;
  }
  Grouped WithValueSerde(SerdePtr<V> serde) && {
    return std::move(WithValueSerde(std::move(serde)));
  }

  const std::optional<std::string>& name() const { return name_; }
  const SerdePtr<K>& key_serde() const { return key_serde_; }
  const SerdePtr<V>& value_serde() const { return value_serde_; }

 private:
  std::optional<std::string> name_;
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
};

}  // namespace kstreams

#endif  // KSTREAMS_DSL_GROUPED_H_
