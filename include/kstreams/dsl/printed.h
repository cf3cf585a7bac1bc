// kstreams/dsl/printed.h
//
// Printed<K, V>: where and how KStream::Print() writes records (Java's
// org.apache.kafka.streams.kstream.Printed). Each record becomes one line
//
//   [<label>]: <key>, <value>
//
// or "[<label>]: <mapper(key, value)>" with WithKeyValueMapper. The label
// defaults to the print node's name ("KSTREAM-PRINTER-0000000001"). Nulls
// (std::nullopt, kstreams::Void) print as "null" and bools as true/false,
// like Java's String.format("%s").
//
// ToFile(path) truncates the file when Print() adds the node (an unopenable
// path is a building error in the topology's status()); every task of the
// topology appends to the same file. Lines are flushed as they are written.
//
// Value type; thread-compatible. The shared output is synchronized.
//
// Example:
//   stream.Print(kstreams::Printed<std::string, int64_t>::ToSysOut().WithLabel("counts"));
//   // [counts]: alice, 3
#ifndef KSTREAMS_DSL_PRINTED_H_
#define KSTREAMS_DSL_PRINTED_H_

#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>

#include "kstreams/processor/key_value.h"

namespace kstreams {

namespace internal {
// Java's String.valueOf for printing: "null" for nulls, true/false for bools.
template <typename T>
std::string DisplayString(const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    return v ? "true" : "false";
  } else if constexpr (requires { v.has_value(); *v; }) {
    return v.has_value() ? DisplayString(*v) : std::string("null");
  } else {
    std::ostringstream os;
    PrintValue(os, v);
    return os.str();
  }
}
}  // namespace internal

template <typename K, typename V>
class Printed {
 public:
  using Mapper = std::function<std::string(const K&, const V&)>;

  static Printed ToSysOut() { return Printed(); }
  // REQUIRES: `path` is not empty.
  static Printed ToFile(std::string path) {
    Printed p;
    p.path_ = std::move(path);
    return p;
  }
  Printed& WithLabel(std::string label) & {
    label_ = std::move(label);
    return *this;
  }
  Printed WithLabel(std::string label) && { return std::move(WithLabel(std::move(label))); }
  // `mapper(key, value)` returns what follows "[label]: ".
  template <typename F>
  Printed& WithKeyValueMapper(F mapper) & {
    static_assert(std::is_invocable_r_v<std::string, F&, const K&, const V&>,
                  "WithKeyValueMapper expects std::string(const K& key, const V& value)");
    mapper_ = std::move(mapper);
    return *this;
  }
  template <typename F>
  Printed WithKeyValueMapper(F mapper) && {
    return std::move(WithKeyValueMapper(std::move(mapper)));
  }
  Printed& WithName(std::string name) & {
    name_ = std::move(name);
    return *this;
  }
  Printed WithName(std::string name) && { return std::move(WithName(std::move(name))); }

  const std::optional<std::string>& path() const { return path_; }
  const std::optional<std::string>& label() const { return label_; }
  const Mapper& mapper() const { return mapper_; }
  const std::optional<std::string>& name() const { return name_; }

 private:
  Printed() = default;
  std::optional<std::string> path_;  // nullopt: standard output
  std::optional<std::string> label_;
  Mapper mapper_;
  std::optional<std::string> name_;
};

}  // namespace kstreams

#endif  // KSTREAMS_DSL_PRINTED_H_
