// kstreams/dsl/branched_kstream.h
//
// BranchedKStream<K, V>: what KStream::Split() returns (Java's
// BranchedKStream). Each Branch(predicate, Branched) adds a branch; a record
// goes to the FIRST branch whose predicate it satisfies, else to the default
// branch (DefaultBranch()), else nowhere (NoDefaultBranch()). Finish with
// DefaultBranch() or NoDefaultBranch(), which return the branches by name:
// "<split name><branch name>", or "<split name><position>" for unnamed
// branches (1, 2, ... in the order added; 0 for the default branch). The split
// name is Named::As's, else a generated "KSTREAM-BRANCH-0000000001", so an
// unnamed first branch is "KSTREAM-BRANCH-00000000011", as in Java.
//
// Thread-compatible; like KStream, a handle into the builder's graph.
//
// Example:
//
//   auto branches = stream.Split(kstreams::Named::As("split-"))
//       .Branch([](const std::string&, int v) { return v < 0; },
//               kstreams::Branched::As("negative"))
//       .DefaultBranch(kstreams::Branched::As("other"));
//   branches.at("split-negative").To("negatives");
//   branches.at("split-other").To("others");
#ifndef KSTREAMS_DSL_BRANCHED_KSTREAM_H_
#define KSTREAMS_DSL_BRANCHED_KSTREAM_H_

#include <map>
#include <optional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "kstreams/dsl/branched.h"
#include "kstreams/dsl/internal/dsl_forward.h"
#include "kstreams/dsl/internal/graph.h"
#include "kstreams/dsl/internal/stateless_nodes.h"
#include "kstreams/dsl/named.h"

namespace kstreams {

template <typename K, typename V>
class BranchedKStream {
 public:
  // Adds a branch for records satisfying pred(key, value) and no earlier
  // predicate, named by `branched`.
  template <typename Pred>
  BranchedKStream& Branch(Pred pred, const Branched& branched = {}) {
    if (AddPredicate(std::move(pred))) {
      AddBranch(branched.name(), std::to_string(spec_->predicates.size()),
                [](KStream<K, V> branch) { return std::optional<KStream<K, V>>(branch); });
    }
    return *this;
  }
  // The same, with the branch handed to Branched::WithFunction's or
  // WithConsumer's callable.
  template <typename Pred, typename F, bool kConsumer>
  BranchedKStream& Branch(Pred pred, internal::BranchedChain<F, kConsumer> branched) {
    CheckChain<F, kConsumer>();
    if (AddPredicate(std::move(pred))) {
      AddBranch(branched.name, std::to_string(spec_->predicates.size()),
                Chain<kConsumer>(branched.f));
    }
    return *this;
  }

  // Adds the branch for records no predicate matched; returns all branches.
  std::map<std::string, KStream<K, V>> DefaultBranch(const Branched& branched = {}) {
    if (!finished_) {
      spec_->has_default = true;
      AddBranch(branched.name(), "0",
                [](KStream<K, V> branch) { return std::optional<KStream<K, V>>(branch); });
      finished_ = true;
    }
    return branches_;
  }
  template <typename F, bool kConsumer>
  std::map<std::string, KStream<K, V>> DefaultBranch(
      internal::BranchedChain<F, kConsumer> branched) {
    CheckChain<F, kConsumer>();
    if (!finished_) {
      spec_->has_default = true;
      AddBranch(branched.name, "0", Chain<kConsumer>(branched.f));
      finished_ = true;
    }
    return branches_;
  }
  // Records no predicate matched are dropped; returns all branches.
  std::map<std::string, KStream<K, V>> NoDefaultBranch() {
    finished_ = true;
    return branches_;
  }

  // Library use: made by KStream::Split.
  BranchedKStream(const KStream<K, V>& source, const Named& named)
      : source_(source), spec_(std::make_shared<internal::BranchSpec<K, V>>()) {
    internal::TopologyData& data = *source_.data();
    split_name_ = internal::NameFor(data, named, "KSTREAM-BRANCH-");
    internal::AddProcessorNode<K, V, K, V>(
        data, split_name_, {source_.node_name()},
        [name = split_name_, spec = std::shared_ptr<const internal::BranchSpec<K, V>>(spec_)]() {
          return std::make_unique<internal::BranchNode<K, V>>(name, spec);
        });
  }

 private:
  template <typename F, bool kConsumer>
  static constexpr void CheckChain() {
    if constexpr (kConsumer) {
      static_assert(std::is_invocable_v<F&, const KStream<K, V>&>,
                    "Branched::WithConsumer expects void(const KStream<K, V>&) for the split "
                    "stream's K and V");
    } else {
      static_assert(std::is_invocable_v<F&, const KStream<K, V>&>,
                    "Branched::WithFunction expects KStream<K, V>(const KStream<K, V>&) or "
                    "std::optional<KStream<K, V>>(const KStream<K, V>&) for the split "
                    "stream's K and V");
      if constexpr (std::is_invocable_v<F&, const KStream<K, V>&>) {
        static_assert(
            std::is_convertible_v<std::invoke_result_t<F&, const KStream<K, V>&>,
                                  std::optional<KStream<K, V>>>,
            "Branched::WithFunction's function must return KStream<K, V> or "
            "std::optional<KStream<K, V>> of the split stream's K and V");
      }
    }
  }
  // The branch's stream for the result map (std::nullopt: none).
  template <bool kConsumer, typename F>
  static auto Chain(F& f) {
    return [&f](KStream<K, V> branch) -> std::optional<KStream<K, V>> {
      if constexpr (kConsumer) {
        f(static_cast<const KStream<K, V>&>(branch));
        return std::nullopt;
      } else {
        return f(static_cast<const KStream<K, V>&>(branch));
      }
    };
  }
  template <typename Pred>
  bool AddPredicate(Pred pred) {
    static_assert(std::is_invocable_r_v<bool, Pred&, const K&, const V&>,
                  "Branch expects a predicate callable as bool(const K& key, const V& value)");
    if (finished_) {
      source_.data()->SetError(absl::FailedPreconditionError(::kstreams::internal::StrCat(
          "Split '", split_name_, "': Branch() called after DefaultBranch()/NoDefaultBranch()")));
      return false;
    }
    spec_->predicates.emplace_back(std::move(pred));
    return true;
  }
  template <typename Apply>
  void AddBranch(const std::optional<std::string>& name, const std::string& position,
                 Apply&& apply) {
    std::string child = split_name_ + (name ? *name : position);
    spec_->children.push_back(child);
    internal::AddProcessorNode<K, V, K, V>(*source_.data(), child, {split_name_}, [child]() {
      return std::make_unique<internal::PassThroughNode<K, V>>(child);
    });
    KStream<K, V> branch(source_.data(), child, source_.key_serde(), source_.value_serde(),
                         source_.repartition_required());
    std::optional<KStream<K, V>> result = apply(std::move(branch));
    if (result) branches_.insert_or_assign(child, std::move(*result));
  }

  KStream<K, V> source_;
  std::string split_name_;
  std::shared_ptr<internal::BranchSpec<K, V>> spec_;
  std::map<std::string, KStream<K, V>> branches_;
  bool finished_ = false;
};

}  // namespace kstreams

// The stream it splits.
#include "kstreams/dsl/kstream.h"

#endif  // KSTREAMS_DSL_BRANCHED_KSTREAM_H_
