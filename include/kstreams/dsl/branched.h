// kstreams/dsl/branched.h
//
// Branched: how one branch of KStream::Split() is named and what is done
// with it (Java's org.apache.kafka.streams.kstream.Branched). As in Java it
// takes no type arguments: the branch's types come from the split stream.
//
//   - Branched::As("name"): the branch is "<split name><name>" in the map that
//     DefaultBranch()/NoDefaultBranch() return.
//   - Branched::WithFunction(f[, name]): f(branch) -> KStream<K, V> (or
//     std::optional<KStream<K, V>>); the returned stream is put in the map
//     (std::nullopt: nothing is put).
//   - Branched::WithConsumer(f[, name]): f(branch) consumes the branch; it is
//     not put in the map.
// Without a name, a branch is called "<split name><position>" (1 for the first
// Branch(), 2 for the second, ...; 0 for the default branch), as in Java.
//
// Value type; thread-compatible.
//
// Example:
//
//   auto branches = stream.Split(kstreams::Named::As("fruit-"))
//       .Branch(is_apple, kstreams::Branched::As("apples"))
//       .Branch(is_pear, kstreams::Branched::WithConsumer(
//           [](const kstreams::KStream<std::string, Fruit>& s) { s.To("pears"); }))
//       .DefaultBranch();
//   // branches: "fruit-apples" and "fruit-0"
#ifndef KSTREAMS_DSL_BRANCHED_H_
#define KSTREAMS_DSL_BRANCHED_H_

#include <optional>
#include <string>
#include <utility>

namespace kstreams {

namespace internal {
// What Branched::WithFunction / WithConsumer return: the callable and the
// branch name. BranchedKStream<K, V>::Branch checks `f` against its K and V.
template <typename F, bool kConsumer>
struct BranchedChain {
  F f;
  std::optional<std::string> name;
};
}  // namespace internal

class Branched {
 public:
  Branched() = default;

  static Branched As(std::string name) {
    Branched b;
    b.name_ = std::move(name);
    return b;
  }

  // `f` takes the branch (const KStream<K, V>&) and returns KStream<K, V> or
  // std::optional<KStream<K, V>> (a generic lambda works too).
  template <typename F>
  static internal::BranchedChain<F, false> WithFunction(
      F f, std::optional<std::string> name = std::nullopt) {
    return {std::move(f), std::move(name)};
  }

  // `f` takes the branch (const KStream<K, V>&); its result is ignored.
  template <typename F>
  static internal::BranchedChain<F, true> WithConsumer(
      F f, std::optional<std::string> name = std::nullopt) {
    return {std::move(f), std::move(name)};
  }

  const std::optional<std::string>& name() const { return name_; }

 private:
  std::optional<std::string> name_;
};

}  // namespace kstreams

#endif  // KSTREAMS_DSL_BRANCHED_H_
