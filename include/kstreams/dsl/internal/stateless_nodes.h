// kstreams/dsl/internal/stateless_nodes.h  (internal: not for users)
//
// The nodes behind KStream's stateless operators. Each holds the user's
// callable by value and forwards typed records; none allocates per record
// beyond what the callable returns.
#ifndef KSTREAMS_DSL_INTERNAL_STATELESS_NODES_H_
#define KSTREAMS_DSL_INTERNAL_STATELESS_NODES_H_

#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "kstreams/processor/internal/node.h"
#include "kstreams/dsl/printed.h"
#include "kstreams/processor/key_value.h"

namespace kstreams::internal {

// Calls f(key, value) if it takes both, else f(value). The value is offered
// as an rvalue so callables taking it by value get it moved.
template <typename F, typename K, typename V>
decltype(auto) CallWithValue(F& f, const K& key, V&& value) {
  if constexpr (std::is_invocable_v<F&, const K&, V&&>) {
    return f(key, std::forward<V>(value));
  } else {
    return f(std::forward<V>(value));
  }
}

template <typename F, typename K, typename V>
constexpr bool kValueCallable =
    std::is_invocable_v<F&, const K&, V&&> || std::is_invocable_v<F&, V&&>;

// True when the stream's values are std::optional<U> (what KTable::ToStream()
// gives: deletes arrive as std::nullopt, windowed tables included) and `F`
// takes a U where it must take the optional. Checked before an operator's
// own signature check, so the first compile error names the real mistake.
template <typename F, typename K, typename V>
constexpr bool kTakesValueOutOfOptional = false;
template <typename F, typename K, typename U>
constexpr bool kTakesValueOutOfOptional<F, K, std::optional<U>> =
    !(std::is_invocable_v<F&, const K&, std::optional<U>&&> ||
      std::is_invocable_v<F&, std::optional<U>&&>) &&
    (std::is_invocable_v<F&, const K&, U&&> || std::is_invocable_v<F&, U&&>);
#define KSTREAMS_OPTIONAL_VALUES_MESSAGE                                                  \
  "this stream's values are std::optional<V>: KTable::ToStream() (windowed tables "       \
  "included) forwards deletes as std::nullopt, so the callable must take "                \
  "const std::optional<V>& (or first FilterNot the std::nullopt values and MapValues "    \
  "them to V)"

template <typename F, typename K, typename V>
struct ValueCallResult {
  using type = std::remove_cvref_t<decltype(CallWithValue(
      std::declval<F&>(), std::declval<const K&>(), std::declval<V&&>()))>;
};

// The key and value types of what a Map-like callable returns:
// KeyValue<K, V> or std::pair<K, V>.
template <typename T>
struct KeyValueParts;
template <typename K, typename V>
struct KeyValueParts<KeyValue<K, V>> {
  using Key = K;
  using Value = V;
  static K&& KeyOf(KeyValue<K, V>& kv) { return std::move(kv.key); }
  static V&& ValueOf(KeyValue<K, V>& kv) { return std::move(kv.value); }
};
template <typename K, typename V>
struct KeyValueParts<std::pair<K, V>> {
  using Key = K;
  using Value = V;
  static K&& KeyOf(std::pair<K, V>& kv) { return std::move(kv.first); }
  static V&& ValueOf(std::pair<K, V>& kv) { return std::move(kv.second); }
};

template <typename K, typename V, typename Pred>
class FilterNode final : public Node<K, V, K, V> {
 public:
  FilterNode(std::string name, Pred pred, bool negate)
      : Node<K, V, K, V>(std::move(name)), pred_(std::move(pred)), negate_(negate) {}
  void Process(Record<K, V>&& r) override {
    if (static_cast<bool>(pred_(r.key(), r.value())) != negate_) {
      this->downstream_.Forward(std::move(r));
    }
  }

 private:
  Pred pred_;
  bool negate_;
};

template <typename K, typename V, typename VR, typename F>
class MapValuesNode final : public Node<K, V, K, VR> {
 public:
  MapValuesNode(std::string name, F f) : Node<K, V, K, VR>(std::move(name)), f_(std::move(f)) {}
  void Process(Record<K, V>&& r) override {
    VR v = CallWithValue(f_, r.key(), std::move(r.value()));
    if constexpr (std::is_same_v<V, VR>) {
      // Same type: put the new value into the record and forward it, rather
      // than building a second record (moving key and headers again).
      r.value() = std::move(v);
      this->downstream_.Forward(std::move(r));
    } else {
      this->downstream_.Forward(std::move(r).WithValue(std::move(v)));
    }
  }

 private:
  F f_;
};

template <typename K, typename V, typename KR, typename VR, typename F>
class MapNode final : public Node<K, V, KR, VR> {
 public:
  MapNode(std::string name, F f) : Node<K, V, KR, VR>(std::move(name)), f_(std::move(f)) {}
  void Process(Record<K, V>&& r) override {
    auto kv = f_(r.key(), r.value());
    using Parts = KeyValueParts<decltype(kv)>;
    this->downstream_.Forward(Record<KR, VR>(Parts::KeyOf(kv), Parts::ValueOf(kv),
                                             r.timestamp(), std::move(r).headers()));
  }

 private:
  F f_;
};

template <typename K, typename V, typename KR, typename F>
class SelectKeyNode final : public Node<K, V, KR, V> {
 public:
  SelectKeyNode(std::string name, F f) : Node<K, V, KR, V>(std::move(name)), f_(std::move(f)) {}
  void Process(Record<K, V>&& r) override {
    KR key = f_(r.key(), r.value());
    this->downstream_.Forward(std::move(r).WithKey(std::move(key)));
  }

 private:
  F f_;
};

template <typename K, typename V, typename KR, typename VR, typename F>
class FlatMapNode final : public Node<K, V, KR, VR> {
 public:
  FlatMapNode(std::string name, F f) : Node<K, V, KR, VR>(std::move(name)), f_(std::move(f)) {}
  void Process(Record<K, V>&& r) override {
    auto results = f_(r.key(), r.value());
    for (auto& kv : results) {
      using Parts = KeyValueParts<std::remove_cvref_t<decltype(kv)>>;
      this->downstream_.Forward(
          Record<KR, VR>(Parts::KeyOf(kv), Parts::ValueOf(kv), r.timestamp(), r.headers()));
    }
  }

 private:
  F f_;
};

template <typename K, typename V, typename VR, typename F>
class FlatMapValuesNode final : public Node<K, V, K, VR> {
 public:
  FlatMapValuesNode(std::string name, F f)
      : Node<K, V, K, VR>(std::move(name)), f_(std::move(f)) {}
  void Process(Record<K, V>&& r) override {
    auto results = CallWithValue(f_, r.key(), std::move(r.value()));
    for (auto& v : results) {
      this->downstream_.Forward(Record<K, VR>(r.key(), std::move(v), r.timestamp(), r.headers()));
    }
  }

 private:
  F f_;
};

// Peek (forwards) and Foreach (terminal).
template <typename K, typename V, typename F>
class PeekNode final : public Node<K, V, K, V> {
 public:
  PeekNode(std::string name, F f, bool forward)
      : Node<K, V, K, V>(std::move(name)), f_(std::move(f)), forward_(forward) {}
  void Process(Record<K, V>&& r) override {
    f_(r.key(), r.value());
    if (forward_) this->downstream_.Forward(std::move(r));
  }

 private:
  F f_;
  bool forward_;
};

// Forwards unchanged: merge points and the repartition pass-through filter.
template <typename K, typename V>
class PassThroughNode final : public Node<K, V, K, V> {
 public:
  using Node<K, V, K, V>::Node;
  void Process(Record<K, V>&& r) override { this->downstream_.Forward(std::move(r)); }
};

// The branches of a Split(): filled in as Branch()/DefaultBranch() are
// called, read by every BranchNode the tasks create afterwards.
template <typename K, typename V>
struct BranchSpec {
  std::vector<std::function<bool(const K&, const V&)>> predicates;
  std::vector<std::string> children;  // one per predicate, then the default
  bool has_default = false;
};

// Sends each record to the child of the first predicate it satisfies, else to
// the default branch if there is one, else nowhere (as Java's KStreamBranch).
template <typename K, typename V>
class BranchNode final : public Node<K, V, K, V> {
 public:
  BranchNode(std::string name, std::shared_ptr<const BranchSpec<K, V>> spec)
      : Node<K, V, K, V>(std::move(name)), spec_(std::move(spec)) {}
  void Process(Record<K, V>&& r) override {
    const BranchSpec<K, V>& spec = *spec_;
    for (size_t i = 0; i < spec.predicates.size(); ++i) {
      if (spec.predicates[i](r.key(), r.value())) {
        this->downstream_.ForwardTo(std::move(r), spec.children[i]);
        return;
      }
    }
    if (spec.has_default) this->downstream_.ForwardTo(std::move(r), spec.children.back());
  }

 private:
  std::shared_ptr<const BranchSpec<K, V>> spec_;
};

// Where Print() writes: standard output or a file, shared by all tasks.
class PrintSink {
 public:
  PrintSink() = default;  // standard output
  explicit PrintSink(const std::string& path) : file_(path, std::ios::out | std::ios::trunc) {}
  bool ok() const { return !file_.is_open() || file_.good(); }
  bool is_file_open() const { return file_.is_open(); }
  void WriteLine(const std::string& line) {
    std::lock_guard<std::mutex> lock(mu_);
    std::ostream& os = file_.is_open() ? static_cast<std::ostream&>(file_) : std::cout;
    os << line << '\n';
    os.flush();
  }

 private:
  std::mutex mu_;
  std::ofstream file_;
};

// Writes "[label]: key, value" (or the mapper's text) per record; terminal.
template <typename K, typename V>
class PrintNode final : public Node<K, V, K, V> {
 public:
  using Mapper = std::function<std::string(const K&, const V&)>;
  PrintNode(std::string name, std::shared_ptr<PrintSink> sink, std::string label, Mapper mapper)
      : Node<K, V, K, V>(std::move(name)),
        sink_(std::move(sink)),
        prefix_("[" + label + "]: "),
        mapper_(std::move(mapper)) {}
  void Process(Record<K, V>&& r) override {
    std::string line = prefix_;
    if (mapper_) {
      line += mapper_(r.key(), r.value());
    } else {
      line += DisplayString(r.key());
      line += ", ";
      line += DisplayString(r.value());
    }
    sink_->WriteLine(line);
  }

 private:
  std::shared_ptr<PrintSink> sink_;
  std::string prefix_;
  Mapper mapper_;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_DSL_INTERNAL_STATELESS_NODES_H_
