// kstreams/dsl/branched.h
//
// Branched<K, V>: how one branch of KStream::Split() is named and what is done
// with it (Java's org.apache.kafka.streams.kstream.Branched).
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
//       .Branch(is_apple, kstreams::Branched<std::string, Fruit>::As("apples"))
//       .Branch(is_pear, kstreams::Branched<std::string, Fruit>::WithConsumer(
//           [](const kstreams::KStream<std::string, Fruit>& s) { s.To("pears"); }))
//       .DefaultBranch();
//   // branches: "fruit-apples" and "fruit-0"
#ifndef KSTREAMS_DSL_BRANCHED_H_
#define KSTREAMS_DSL_BRANCHED_H_

#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

namespace kstreams {

template <typename K, typename V>
class KStream;

template <typename K, typename V>
class Branched {
 public:
  // What a branch turns into; std::nullopt puts nothing in the result map.
  using Chain = std::function<std::optional<KStream<K, V>>(const KStream<K, V>&)>;

  Branched() = default;

  static Branched As(std::string name) {
    Branched b;
    b.name_ = std::move(name);
    return b;
  }

  // `f` takes the branch (const KStream<K, V>&) and returns KStream<K, V> or
  // std::optional<KStream<K, V>>.
  template <typename F>
  static Branched WithFunction(F f, std::optional<std::string> name = std::nullopt) {
    static_assert(std::is_invocable_v<F&, const KStream<K, V>&>,
                  "Branched::WithFunction expects KStream<K, V>(const KStream<K, V>&) or "
                  "std::optional<KStream<K, V>>(const KStream<K, V>&)");
    Branched b;
    b.name_ = std::move(name);
    b.chain_ = [f = std::move(f)](const KStream<K, V>& s) mutable
        -> std::optional<KStream<K, V>> { return f(s); };
    return b;
  }

  // `f` takes the branch (const KStream<K, V>&); its result is ignored.
  template <typename F>
  static Branched WithConsumer(F f, std::optional<std::string> name = std::nullopt) {
    static_assert(std::is_invocable_v<F&, const KStream<K, V>&>,
                  "Branched::WithConsumer expects void(const KStream<K, V>&)");
    Branched b;
    b.name_ = std::move(name);
    b.consumer_ = true;
    b.chain_ = [f = std::move(f)](const KStream<K, V>& s) mutable
        -> std::optional<KStream<K, V>> {
      f(s);
      return std::nullopt;
    };
    return b;
  }

  const std::optional<std::string>& name() const { return name_; }
  const Chain& chain() const { return chain_; }
  bool consumer() const { return consumer_; }

 private:
  std::optional<std::string> name_;
  Chain chain_;
  bool consumer_ = false;
};

}  // namespace kstreams

#endif  // KSTREAMS_DSL_BRANCHED_H_
