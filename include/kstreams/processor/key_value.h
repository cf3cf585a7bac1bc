// kstreams/processor/key_value.h
//
// KeyValue<K, V>: a key and a value (Java's org.apache.kafka.streams.KeyValue).
// Returned by Map/FlatMap callables, read by TestOutputTopic. Value type.
//
// Example:
//   return kstreams::KeyValue<std::string, int64_t>{word, 1};
#ifndef KSTREAMS_PROCESSOR_KEY_VALUE_H_
#define KSTREAMS_PROCESSOR_KEY_VALUE_H_

#include <ostream>
#include <utility>

#include "kstreams/serde/type_name.h"

namespace kstreams {

namespace internal {
// Prints what can be printed (optionals as their value or "null"), so that
// test failures show values.
template <typename T>
void PrintValue(std::ostream& os, const T& v) {
  if constexpr (requires { os << v; }) {
    os << v;
  } else if constexpr (requires { v.has_value(); *v; }) {
    if (v.has_value()) {
      PrintValue(os, *v);
    } else {
      os << "null";
    }
  } else {
    os << "<" << TypeName<T>() << ">";
  }
}
}  // namespace internal

template <typename K, typename V>
struct KeyValue {
  K key;
  V value;

  static KeyValue Pair(K key, V value) { return {std::move(key), std::move(value)}; }
  friend bool operator==(const KeyValue&, const KeyValue&) = default;
  friend auto operator<=>(const KeyValue&, const KeyValue&) = default;
  friend std::ostream& operator<<(std::ostream& os, const KeyValue& kv) {
    os << "KeyValue(";
    internal::PrintValue(os, kv.key);
    os << ", ";
    internal::PrintValue(os, kv.value);
    return os << ")";
  }
};

template <typename K, typename V>
KeyValue(K, V) -> KeyValue<K, V>;

}  // namespace kstreams

#endif  // KSTREAMS_PROCESSOR_KEY_VALUE_H_
