// kstreams/dsl/internal/stream_join_nodes.h  (internal: not for users)
//
// The nodes behind KStream-KStream joins, following Kafka Streams 3.1+'s
// KStreamJoinWindow and KStreamKStreamJoin (left and right side):
//   - each side's "windowed" node keeps the record in the side's window
//     store (retaining duplicates) for the join window plus grace, and
//     forwards it;
//   - each side's join node looks the record's key up in the other side's
//     store within [ts - before, ts + after] and forwards one result per
//     match, at max(ts, other ts);
//   - in left/outer joins, a record without a match waits in the shared
//     outer-join store, keyed (timestamp, side, key) and holding a list of
//     values (Java's ListValueStore over TimestampedKeyAndJoinSide /
//     LeftOrRightValue); a later match removes it; once its window has
//     closed (after + grace past it in stream time) it is emitted with "no
//     match". A record arriving after its window closed is emitted at once.
//     Emission scans are throttled by wall-clock time
//     (__emit.interval.ms.kstreams.outer.join.spurious.results.fix__,
//     default 1000 ms, Java's internal config).
//
// Thread-compatible: node instances belong to one task; the time tracker is
// shared by the two join nodes of one task.
#ifndef KSTREAMS_DSL_INTERNAL_STREAM_JOIN_NODES_H_
#define KSTREAMS_DSL_INTERNAL_STREAM_JOIN_NODES_H_

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kstreams/dsl/internal/join_nodes.h"
#include "kstreams/state/key_value_store.h"
#include "kstreams/state/window_store.h"

namespace kstreams::internal {

// Java's KStreamImplJoin.TimeTracker: the stream time both sides have seen,
// the oldest record waiting in the outer store, and the emission throttle.
struct JoinTimeTracker {
  int64_t stream_time = -1;
  int64_t min_time = std::numeric_limits<int64_t>::max();
  int64_t next_time_to_emit = 0;
  int64_t emit_interval_ms = 1000;
};

// One tracker per task, shared by the join's two nodes of that task.
class JoinTimeTrackers {
 public:
  std::shared_ptr<JoinTimeTracker> Get(TaskId task) {
    std::lock_guard<std::mutex> lock(mu_);
    auto& weak = trackers_[task];
    std::shared_ptr<JoinTimeTracker> t = weak.lock();
    if (!t) {
      t = std::make_shared<JoinTimeTracker>();
      weak = t;
    }
    return t;
  }

 private:
  std::mutex mu_;
  std::map<TaskId, std::weak_ptr<JoinTimeTracker>> trackers_;
};

// Keeps each record (non-null keys and values) in the side's window store
// and forwards it.
template <typename K, typename V>
class StreamJoinWindowNode final : public Node<K, V, K, V> {
 public:
  StreamJoinWindowNode(std::string name, std::string store)
      : Node<K, V, K, V>(std::move(name)), store_name_(std::move(store)) {}
  absl::Status Init(TaskContext& task) override {
    store_ = dynamic_cast<WindowStore<K, V>*>(task.GetStateStore(store_name_));
    if (store_ == nullptr) {
      return absl::InternalError(StrCat("window store '", store_name_, "' is missing"));
    }
    return absl::OkStatus();
  }
  void Process(Record<K, V>&& r) override {
    if (IsNullKey(r.key()) || IsNullValue(r.value())) {
      this->downstream_.Forward(std::move(r));
      return;
    }
    // Java forwards first and stores after; storing first gives the same
    // results (the join node reads the other side's store) without copies.
    store_->Put(r.key(), r.value(), r.timestamp());
    this->downstream_.Forward(std::move(r));
  }

 private:
  std::string store_name_;
  WindowStore<K, V>* store_ = nullptr;
};

// What the two join nodes share: the outer store's layout and the serdes to
// read what the other side put there.
template <typename K, typename V, typename VO>
struct StreamJoinSpec {
  SerdePtr<K> key_serde;
  SerdePtr<V> left_serde;
  SerdePtr<VO> right_serde;
  int64_t windows_before_ms = 0;
  int64_t windows_after_ms = 0;
  int64_t grace_ms = 0;
  std::optional<std::string> outer_store;  // left and outer joins
  std::shared_ptr<JoinTimeTrackers> trackers = std::make_shared<JoinTimeTrackers>();
};

// The join node of one side. VS: this side's value type, VX: the other's;
// kThisIsLeft: this side is the join's left stream; kOuterThis: records of
// this side without a match are emitted with "no match" (left side of a left
// join, both sides of an outer join).
template <typename K, typename V, typename VO, typename VR, typename J, JoinKind kKind,
          bool kThisIsLeft>
class StreamStreamJoinNode final
    : public Node<K, std::conditional_t<kThisIsLeft, V, VO>, K, VR> {
  using VS = std::conditional_t<kThisIsLeft, V, VO>;
  using VX = std::conditional_t<kThisIsLeft, VO, V>;
  static constexpr bool kOuterThis =
      kKind == JoinKind::kOuter || (kKind == JoinKind::kLeft && kThisIsLeft);

 public:
  StreamStreamJoinNode(std::string name, std::string other_store,
                       std::shared_ptr<const StreamJoinSpec<K, V, VO>> spec, J joiner)
      : Node<K, VS, K, VR>(std::move(name)), other_store_name_(std::move(other_store)),
        spec_(std::move(spec)), joiner_(std::move(joiner)) {
    // The left side looks [before, after] around its records; the right
    // side the mirror image.
    before_ = kThisIsLeft ? spec_->windows_before_ms : spec_->windows_after_ms;
    after_ = kThisIsLeft ? spec_->windows_after_ms : spec_->windows_before_ms;
  }

  absl::Status Init(TaskContext& task) override {
    task_ = &task;
    other_ = dynamic_cast<WindowStore<K, VX>*>(task.GetStateStore(other_store_name_));
    if (other_ == nullptr) {
      return absl::InternalError(StrCat("window store '", other_store_name_, "' is missing"));
    }
    if (spec_->outer_store) {
      outer_ = dynamic_cast<KeyValueStore<std::string, std::string>*>(
          task.GetStateStore(*spec_->outer_store));
      if (outer_ == nullptr) {
        return absl::InternalError(StrCat("store '", *spec_->outer_store, "' is missing"));
      }
    }
    tracker_ = spec_->trackers->Get(task.task_id());
    tracker_->emit_interval_ms = task.outer_join_emit_interval_ms();
    return absl::OkStatus();
  }

  void Process(Record<K, VS>&& r) override {
    const int64_t ts = r.timestamp();
    tracker_->stream_time = std::max(tracker_->stream_time, ts);
    if constexpr (kOuterThis) {
      if (IsNullKey(r.key()) && !IsNullValue(r.value())) {
        ForwardUnmatched(std::move(r));
        return;
      }
    }
    if (IsNullKey(r.key()) || IsNullValue(r.value())) {
      task_->RecordDropped(this->name(), "null key or value in a stream-stream join");
      return;
    }
    if constexpr (kKind != JoinKind::kInner) {
      if (outer_ != nullptr && ts == tracker_->stream_time) EmitClosedUnmatched(r);
    }
    const int64_t from = std::max<int64_t>(0, ts - before_);
    const int64_t to = std::max<int64_t>(0, ts + after_);
    bool matched = false;
    for (auto it = other_->Fetch(r.key(), from, to); it.Valid(); it.Next()) {
      matched = true;
      const int64_t other_ts = it.key();
      if (outer_ != nullptr) {
        // The other record found a match: it must not be emitted unmatched.
        const std::string other_key = OuterKey(r.key(), other_ts, !kThisIsLeft);
        if (outer_->Get(other_key)) outer_->Delete(other_key);
      }
      VR out = Join(r.key(), std::optional<VS>(r.value()), std::optional<VX>(it.value()));
      this->downstream_.Forward(
          Record<K, VR>(r.key(), std::move(out), std::max(ts, other_ts), r.headers()));
    }
    if constexpr (kOuterThis) {
      if (matched) return;
      if (outer_ == nullptr || to < tracker_->stream_time) {
        ForwardUnmatched(std::move(r));  // its window has already closed
        return;
      }
      tracker_->min_time = std::min(tracker_->min_time, ts);
      const std::string key = OuterKey(r.key(), ts, kThisIsLeft);
      std::string list = outer_->Get(key).value_or("");
      AppendOuterValue(list, kThisIsLeft, Serialize(this_serde(), r.value()));
      outer_->Put(key, list);
    }
  }

 private:
  VR Join(const K& key, const std::optional<VS>& mine, const std::optional<VX>& other) {
    if constexpr (kThisIsLeft) {
      return ApplyJoiner<kKind, VR>(joiner_, key, mine, other);
    } else {
      return ApplyJoiner<kKind, VR>(joiner_, key, other, mine);
    }
  }
  // REQUIRES: kOuterThis (the joiner accepts "no match" for the other side).
  void ForwardUnmatched(Record<K, VS>&& r) {
    VR out = Join(r.key(), std::optional<VS>(r.value()), std::nullopt);
    this->downstream_.Forward(std::move(r).WithValue(std::move(out)));
  }

  const SerdePtr<VS>& this_serde() const {
    if constexpr (kThisIsLeft) {
      return spec_->left_serde;
    } else {
      return spec_->right_serde;
    }
  }
  template <typename T>
  std::string Serialize(const SerdePtr<T>& serde, const T& value) const {
    std::string out;
    absl::Status s = serde->Serialize(outer_->store_topic(), value, out);
    if (!s.ok()) throw StateStoreException(s);
    return out;
  }
  template <typename T>
  T Deserialize(const SerdePtr<T>& serde, std::string_view bytes) const {
    absl::StatusOr<T> v = serde->Deserialize(outer_->store_topic(), bytes);
    if (!v.ok()) throw StateStoreException(v.status());
    return *std::move(v);
  }

  // TimestampedKeyAndJoinSide: timestamp (8, big-endian), side (1: left),
  // key bytes, so the store iterates by time.
  std::string OuterKey(const K& key, int64_t ts, bool left) const {
    std::string out;
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.push_back(static_cast<char>(static_cast<uint64_t>(ts) >> shift));
    }
    out.push_back(left ? 1 : 0);
    out += Serialize(spec_->key_serde, key);
    return out;
  }
  // A list of LeftOrRightValue: per entry size (4, big-endian), side (1),
  // value bytes.
  static void AppendOuterValue(std::string& list, bool left, const std::string& value) {
    const auto n = static_cast<uint32_t>(value.size() + 1);
    for (int shift = 24; shift >= 0; shift -= 8) list.push_back(static_cast<char>(n >> shift));
    list.push_back(left ? 1 : 0);
    list += value;
  }

  // Emits the waiting records whose window (after + grace, seen from their
  // side) has closed, oldest first, and removes them (Java's
  // emitNonJoinedOuterRecords).
  void EmitClosedUnmatched(const Record<K, VS>& current) {
    JoinTimeTracker& t = *tracker_;
    // min_time is max() when nothing is known to wait (e.g. after a restart
    // restored the store): scan then, as Java does (its sum wraps around).
    if (t.min_time != std::numeric_limits<int64_t>::max() &&
        t.min_time + after_ + spec_->grace_ms >= t.stream_time) {
      return;
    }
    const int64_t now = task_->wall_clock_ms();
    if (now < t.next_time_to_emit) return;
    t.next_time_to_emit = now + t.emit_interval_ms;
    t.min_time = std::numeric_limits<int64_t>::max();
    std::vector<std::string> emitted;
    bool left_open = false, right_open = false;
    for (auto it = outer_->All(); it.Valid(); it.Next()) {
      const std::string& key = it.key();
      int64_t ts = 0;
      for (int i = 0; i < 8; ++i) ts = (ts << 8) | static_cast<uint8_t>(key[i]);
      const bool left = key[8] != 0;
      t.min_time = ts;
      if (left_open && right_open) break;
      const int64_t lookback = left ? spec_->windows_after_ms : spec_->windows_before_ms;
      if (ts + lookback + spec_->grace_ms >= t.stream_time) {
        (left ? left_open : right_open) = true;
        continue;
      }
      const K k = Deserialize(spec_->key_serde, std::string_view(key).substr(9));
      std::string_view list = it.value();
      while (list.size() >= 5) {
        uint32_t n = 0;
        for (int i = 0; i < 4; ++i) n = (n << 8) | static_cast<uint8_t>(list[i]);
        std::string_view entry = list.substr(4, n);
        list.remove_prefix(std::min<size_t>(list.size(), 4 + n));
        std::string_view bytes = entry.substr(1);
        std::optional<V> lv;
        std::optional<VO> rv;
        if (entry[0] != 0) {
          lv = Deserialize(spec_->left_serde, bytes);
        } else {
          rv = Deserialize(spec_->right_serde, bytes);
        }
        this->downstream_.Forward(Record<K, VR>(
            k, ApplyJoiner<kKind, VR>(joiner_, k, lv, rv), ts, current.headers()));
      }
      emitted.push_back(key);
    }
    for (const std::string& key : emitted) outer_->Delete(key);
  }

  std::string other_store_name_;
  std::shared_ptr<const StreamJoinSpec<K, V, VO>> spec_;
  J joiner_;
  int64_t before_ = 0;
  int64_t after_ = 0;
  TaskContext* task_ = nullptr;
  WindowStore<K, VX>* other_ = nullptr;
  KeyValueStore<std::string, std::string>* outer_ = nullptr;
  std::shared_ptr<JoinTimeTracker> tracker_;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_DSL_INTERNAL_STREAM_JOIN_NODES_H_
