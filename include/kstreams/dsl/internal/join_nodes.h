// kstreams/dsl/internal/join_nodes.h  (internal: not for users)
//
// The nodes behind KStream-KTable, KStream-GlobalKTable and KTable-KTable
// joins, following Kafka Streams' KStreamKTableJoinProcessor,
// KTableKTableInnerJoin / LeftJoin / RightJoin / OuterJoin and
// KTableKTableJoinMerger, and the value getter of a join result that has no
// store of its own.
//
// Joiners: inner joins call joiner(value, other_value); left joins pass the
// other side as const std::optional<VO>& (std::nullopt: no match); outer
// joins pass both sides as optionals. A joiner may also take the key first
// (Java's ValueJoinerWithKey).
//
// Thread-compatible: a node instance belongs to one task.
#ifndef KSTREAMS_DSL_INTERNAL_JOIN_NODES_H_
#define KSTREAMS_DSL_INTERNAL_JOIN_NODES_H_

#include <algorithm>
#include <limits>
#include <vector>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "kstreams/dsl/change.h"
#include "kstreams/dsl/internal/table_nodes.h"
#include "kstreams/dsl/internal/value_getters.h"
#include "kstreams/processor/internal/node.h"
#include "kstreams/state/key_value_store.h"

namespace kstreams::internal {

enum class JoinKind { kInner, kLeft, kOuter };

// joiner(key, a, b) when it takes the key, else joiner(a, b).
template <typename J, typename K, typename A, typename B>
decltype(auto) CallJoiner(J& joiner, const K& key, A&& a, B&& b) {
  if constexpr (std::is_invocable_v<J&, const K&, A&&, B&&>) {
    return joiner(key, std::forward<A>(a), std::forward<B>(b));
  } else {
    return joiner(std::forward<A>(a), std::forward<B>(b));
  }
}
template <typename J, typename K, typename A, typename B>
constexpr bool kJoinerCallable =
    std::is_invocable_v<J&, const K&, A, B> || std::is_invocable_v<J&, A, B>;
// The joiner's result type; no type (so overloads drop out) when J is not a
// joiner for these arguments.
template <typename J, typename K, typename A, typename B, typename = void>
struct JoinerResultOf {};
template <typename J, typename K, typename A, typename B>
struct JoinerResultOf<J, K, A, B, std::enable_if_t<std::is_invocable_v<J&, const K&, A, B>>> {
  using type = std::remove_cvref_t<std::invoke_result_t<J&, const K&, A, B>>;
};
template <typename J, typename K, typename A, typename B>
struct JoinerResultOf<J, K, A, B,
                      std::enable_if_t<!std::is_invocable_v<J&, const K&, A, B> &&
                                       std::is_invocable_v<J&, A, B>>> {
  using type = std::remove_cvref_t<std::invoke_result_t<J&, A, B>>;
};
template <typename J, typename K, typename A, typename B>
using JoinerResult = typename JoinerResultOf<J, K, A, B>::type;

// The argument types a joiner of each kind gets (left value V, right VO).
template <JoinKind kKind, typename V>
using LeftArg = std::conditional_t<kKind == JoinKind::kOuter, const std::optional<V>&, const V&>;
template <JoinKind kKind, typename VO>
using RightArg =
    std::conditional_t<kKind == JoinKind::kInner, const VO&, const std::optional<VO>&>;
template <JoinKind kKind, typename J, typename K, typename V, typename VO>
constexpr bool kKindJoinerCallable = kJoinerCallable<J, K, LeftArg<kKind, V>, RightArg<kKind, VO>>;
template <JoinKind kKind, typename J, typename K, typename V, typename VO>
using KindJoinerResult = JoinerResult<J, K, LeftArg<kKind, V>, RightArg<kKind, VO>>;

// Calls a joiner of `kKind` with the left and right sides as optionals
// (REQUIRES: present where the kind needs a value).
template <JoinKind kKind, typename VR, typename J, typename K, typename V, typename VO>
VR ApplyJoiner(J& joiner, const K& key, const std::optional<V>& left,
               const std::optional<VO>& right) {
  if constexpr (kKind == JoinKind::kInner) {
    return CallJoiner(joiner, key, *left, *right);
  } else if constexpr (kKind == JoinKind::kLeft) {
    return CallJoiner(joiner, key, *left, right);
  } else {
    return CallJoiner(joiner, key, left, right);
  }
}

template <typename V>
bool IsNullValue(const V& v) {
  if constexpr (IsOptional<V>::value) {
    return !v.has_value();
  } else {
    (void)v;
    return false;
  }
}

// Joined::WithGracePeriod: stream records wait in a time-ordered buffer
// store until the join's stream time passes their timestamp + grace, then
// join with the (versioned) table as of their timestamp, so table updates
// that arrive late but within the grace period are seen (Java's
// KStreamKTableJoinProcessor with a TimeOrderedKeyValueBuffer). A record
// older than stream time - grace joins at once.
template <typename K, typename V>
struct StreamTableGrace {
  int64_t grace_ms = 0;
  std::string store;  // KeyValueStore<std::string, std::string> of raw bytes
  SerdePtr<K> key_serde;
  SerdePtr<V> value_serde;
};

// KStream-KTable and KStream-GlobalKTable joins: each stream record looks up
// selector(key, value) in the table (as of the record's timestamp when the
// table is versioned); table updates never trigger output. Records with a
// null value are dropped; a null lookup key drops the record in an inner
// join and joins it with "no match" in a left join (Kafka Streams 3.7+).
template <typename K, typename V, typename KT, typename VT, typename VR, typename Sel, typename J,
          bool kLeft>
class StreamTableJoinNode final : public Node<K, V, K, VR> {
 public:
  StreamTableJoinNode(std::string name, ValueGetterSupplierPtr<KT, VT> getter, Sel selector,
                      J joiner, std::shared_ptr<const StreamTableGrace<K, V>> grace = nullptr)
      : Node<K, V, K, VR>(std::move(name)), getter_supplier_(std::move(getter)),
        selector_(std::move(selector)), joiner_(std::move(joiner)), grace_(std::move(grace)) {}

  absl::Status Init(TaskContext& task) override {
    task_ = &task;
    getter_ = getter_supplier_->make();
    getter_->Init(task, this->name());
    if (grace_) {
      buffer_ = dynamic_cast<KeyValueStore<std::string, std::string>*>(
          task.GetStateStore(grace_->store));
      if (buffer_ == nullptr) {
        return absl::InternalError(StrCat("buffer store '", grace_->store, "' is missing"));
      }
      // Continue the sequence after what a previous run left buffered.
      for (auto it = buffer_->All(); it.Valid(); it.Next()) {
        seq_ = std::max(seq_, ReadU64(std::string_view(it.key()).substr(8)) + 1);
      }
    }
    return absl::OkStatus();
  }

  void Process(Record<K, V>&& r) override {
    if (IsNullValue(r.value())) {
      task_->RecordDropped(this->name(), "null value in a stream-table join");
      return;
    }
    if (!grace_) return Join(std::move(r));
    const int64_t ts = r.timestamp();
    observed_ = std::max(observed_, ts);
    const int64_t threshold = observed_ - grace_->grace_ms;
    if (ts < threshold) {
      Join(std::move(r));  // too late to wait: join now
    } else {
      Buffer(r);
    }
    Evict(threshold);
  }

 private:
  static void AppendU64(std::string& out, uint64_t v) {
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
  }
  static uint64_t ReadU64(std::string_view in) {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
    return v;
  }
  template <typename T>
  std::string Bytes(const SerdePtr<T>& serde, const T& value) {
    std::string out;
    absl::Status s = serde->Serialize(buffer_->store_topic(), value, out);
    if (!s.ok()) throw NodeError(this->name(), s);
    return out;
  }
  template <typename T>
  T Parse(const SerdePtr<T>& serde, std::string_view bytes) {
    absl::StatusOr<T> v = serde->Deserialize(buffer_->store_topic(), bytes);
    if (!v.ok()) throw NodeError(this->name(), v.status());
    return *std::move(v);
  }

  // Key: timestamp (sign bit flipped, big-endian) and a sequence number, so
  // the store iterates in time order; value: key length, key, value.
  void Buffer(const Record<K, V>& r) {
    std::string key;
    AppendU64(key, static_cast<uint64_t>(r.timestamp()) ^ (uint64_t{1} << 63));
    AppendU64(key, seq_++);
    std::string k = Bytes(grace_->key_serde, r.key());
    std::string value;
    for (int shift = 24; shift >= 0; shift -= 8) {
      value.push_back(static_cast<char>(static_cast<uint32_t>(k.size()) >> shift));
    }
    value += k;
    value += Bytes(grace_->value_serde, r.value());
    buffer_->Put(key, value);
    min_buffered_ = std::min(min_buffered_, r.timestamp());
  }

  void Evict(int64_t threshold) {
    if (min_buffered_ > threshold) return;
    std::vector<std::pair<std::string, std::string>> due;
    min_buffered_ = std::numeric_limits<int64_t>::max();
    for (auto it = buffer_->All(); it.Valid(); it.Next()) {
      const int64_t ts = static_cast<int64_t>(ReadU64(it.key()) ^ (uint64_t{1} << 63));
      if (ts > threshold) {
        min_buffered_ = ts;
        break;
      }
      due.emplace_back(it.key(), it.value());
    }
    for (const auto& [key, value] : due) {
      buffer_->Delete(key);
      const int64_t ts = static_cast<int64_t>(ReadU64(key) ^ (uint64_t{1} << 63));
      uint32_t n = 0;
      for (int i = 0; i < 4; ++i) n = (n << 8) | static_cast<uint8_t>(value[i]);
      std::string_view bytes(value);
      Join(Record<K, V>(Parse(grace_->key_serde, bytes.substr(4, n)),
                        Parse(grace_->value_serde, bytes.substr(4 + n)), ts));
    }
  }

  void Join(Record<K, V>&& r) {
    decltype(auto) lookup = selector_(r.key(), std::as_const(r.value()));
    using Lookup = std::remove_cvref_t<decltype(lookup)>;
    // A selector may return std::optional<KT> for "no key" (GlobalKTable joins).
    constexpr bool kOptionalLookup = IsOptional<Lookup>::value && !std::is_same_v<Lookup, KT>;
    std::optional<VT> other;
    if (IsNullKey(lookup)) {
      if constexpr (!kLeft) {
        task_->RecordDropped(this->name(), "null key in a stream-table join");
        return;
      }
    } else {
      const KT& key = [&]() -> const KT& {
        if constexpr (kOptionalLookup) {
          return *lookup;
        } else {
          return lookup;
        }
      }();
      std::optional<ValueAndTimestamp<VT>> found =
          getter_supplier_->versioned ? getter_->GetAsOf(key, r.timestamp()) : getter_->Get(key);
      if (found) other = std::move(*found).value();
    }
    if constexpr (kLeft) {
      VR out = CallJoiner(joiner_, r.key(), std::as_const(r.value()), std::as_const(other));
      this->downstream_.Forward(std::move(r).WithValue(std::move(out)));
    } else {
      if (!other) return;
      VR out = CallJoiner(joiner_, r.key(), std::as_const(r.value()), std::as_const(*other));
      this->downstream_.Forward(std::move(r).WithValue(std::move(out)));
    }
  }

  ValueGetterSupplierPtr<KT, VT> getter_supplier_;
  Sel selector_;
  J joiner_;
  std::shared_ptr<const StreamTableGrace<K, V>> grace_;
  TaskContext* task_ = nullptr;
  std::unique_ptr<TableValueGetter<KT, VT>> getter_;
  KeyValueStore<std::string, std::string>* buffer_ = nullptr;
  int64_t observed_ = std::numeric_limits<int64_t>::min() / 2;
  int64_t min_buffered_ = std::numeric_limits<int64_t>::min();  // min(): unknown
  uint64_t seq_ = 0;
};

// One side of a KTable-KTable join: an update of this side (value type VS)
// is joined with the other side's current value (VX). `kThisIsLeft` says
// whether this side is the join's left table (V = VS) or the right one.
template <typename K, typename VS, typename VX, typename VR, typename J, JoinKind kKind,
          bool kThisIsLeft>
class TableTableJoinNode final : public Node<K, Change<VS>, K, Change<VR>> {
 public:
  TableTableJoinNode(std::string name, ValueGetterSupplierPtr<K, VX> other, J joiner,
                     std::shared_ptr<const bool> send_old)
      : Node<K, Change<VS>, K, Change<VR>>(std::move(name)), other_supplier_(std::move(other)),
        joiner_(std::move(joiner)), send_old_(std::move(send_old)) {}

  absl::Status Init(TaskContext& task) override {
    task_ = &task;
    other_ = other_supplier_->make();
    other_->Init(task, this->name());
    return absl::OkStatus();
  }

  void Process(Record<K, Change<VS>>&& r) override {
    if (IsNullKey(r.key())) {
      task_->RecordDropped(this->name(), "null key in a table-table join");
      return;
    }
    if (!r.value().is_latest) {
      task_->RecordDropped(this->name(),
                           "out-of-order update of a versioned table in a table-table join");
      return;
    }
    std::optional<ValueAndTimestamp<VX>> found = other_->Get(r.key());
    std::optional<VX> other;
    int64_t other_ts = -1;
    if (found) {
      other_ts = found->timestamp();
      other = std::move(*found).value();
    }
    std::optional<VS>& new_value = r.value().new_value;
    std::optional<VS>& old_value = r.value().old_value;
    const bool send_old = *send_old_;
    Change<VR> out;
    int64_t ts = std::max(r.timestamp(), other_ts);
    if constexpr (kKind == JoinKind::kInner) {
      if (!other) return;
      if (new_value) out.new_value = Join(r.key(), new_value, other);
      if (send_old && old_value) out.old_value = Join(r.key(), old_value, other);
    } else if constexpr (kKind == JoinKind::kLeft && !kThisIsLeft) {
      // The right side of a left join (Java's KTableKTableRightJoin): the
      // left value must exist; this side may be absent.
      if (!other) return;
      out.new_value = Join(r.key(), new_value, other);
      if (send_old) out.old_value = Join(r.key(), old_value, other);
    } else if constexpr (kKind == JoinKind::kLeft) {
      if (!other && !new_value && !old_value) return;
      if (new_value) out.new_value = Join(r.key(), new_value, other);
      if (send_old && old_value) out.old_value = Join(r.key(), old_value, other);
    } else {
      if (!other && !new_value && !old_value) return;
      if (!other) ts = r.timestamp();
      if (other || new_value) out.new_value = Join(r.key(), new_value, other);
      if (send_old && (other || old_value)) out.old_value = Join(r.key(), old_value, other);
    }
    this->downstream_.Forward(Record<K, Change<VR>>(std::move(r).key(), std::move(out), ts,
                                                    std::move(r).headers()));
  }

 private:
  VR Join(const K& key, const std::optional<VS>& mine, const std::optional<VX>& other) {
    if constexpr (kThisIsLeft) {
      return ApplyJoiner<kKind, VR>(joiner_, key, mine, other);
    } else {
      return ApplyJoiner<kKind, VR>(joiner_, key, other, mine);
    }
  }

  ValueGetterSupplierPtr<K, VX> other_supplier_;
  J joiner_;
  std::shared_ptr<const bool> send_old_;
  TaskContext* task_ = nullptr;
  std::unique_ptr<TableValueGetter<K, VX>> other_;
};

// Merges both sides' results (Java's KTableKTableJoinMerger): stores them
// when the join is materialized, and forwards.
template <typename K, typename VR>
class TableJoinMergerNode final : public Node<K, Change<VR>, K, Change<VR>> {
 public:
  TableJoinMergerNode(std::string name, std::optional<std::string> store,
                      std::shared_ptr<const bool> send_old)
      : Node<K, Change<VR>, K, Change<VR>>(std::move(name)), store_(std::move(store)),
        send_old_(std::move(send_old)) {}
  absl::Status Init(TaskContext& task) override {
    store_.Init(task, this->name(), &this->downstream_, *send_old_);
    return absl::OkStatus();
  }
  void Process(Record<K, Change<VR>>&& r) override {
    if (!*send_old_) r.value().old_value.reset();
    store_.Update(std::move(r));
  }

 private:
  OptionalTableStore<K, VR> store_;
  std::shared_ptr<const bool> send_old_;
};

// The value of a join result computed from both sides' getters, for a join
// without a store of its own (Java's KTableKTable*JoinValueGetter).
template <typename K, typename V, typename VO, typename VR, typename J, JoinKind kKind>
class TableJoinValueGetter final : public TableValueGetter<K, VR> {
 public:
  TableJoinValueGetter(std::unique_ptr<TableValueGetter<K, V>> left,
                       std::unique_ptr<TableValueGetter<K, VO>> right, J joiner)
      : left_(std::move(left)), right_(std::move(right)), joiner_(std::move(joiner)) {}
  void Init(TaskContext& task, const std::string& node) override {
    left_->Init(task, node);
    right_->Init(task, node);
  }
  std::optional<ValueAndTimestamp<VR>> Get(const K& key) override {
    std::optional<ValueAndTimestamp<V>> l = left_->Get(key);
    if (!l && kKind != JoinKind::kOuter) return std::nullopt;
    std::optional<ValueAndTimestamp<VO>> r = right_->Get(key);
    if (!r && kKind == JoinKind::kInner) return std::nullopt;
    if (!l && !r) return std::nullopt;
    int64_t ts = std::max(l ? l->timestamp() : -1, r ? r->timestamp() : -1);
    std::optional<V> lv;
    std::optional<VO> rv;
    if (l) lv = std::move(*l).value();
    if (r) rv = std::move(*r).value();
    return ValueAndTimestamp<VR>(ApplyJoiner<kKind, VR>(joiner_, key, lv, rv), ts);
  }

 private:
  std::unique_ptr<TableValueGetter<K, V>> left_;
  std::unique_ptr<TableValueGetter<K, VO>> right_;
  J joiner_;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_DSL_INTERNAL_JOIN_NODES_H_
