// kstreams/dsl/internal/window_nodes.h  (internal: not for users)
//
// The nodes behind windowed aggregations, after Kafka Streams'
// KStreamWindowAggregate (time and unlimited windows),
// KStreamSlidingWindowAggregate and KStreamSessionWindowAggregate. They
// forward Record<Windowed<K>, Change<VA>> like table nodes.
//
// Stream time is each node's own observed stream time (the largest timestamp
// it has processed), as in Java. Lateness, exactly as Java compares:
//   time windows     a window accepts a record while end > stream time - grace
//                    (counted once per expired window of the record);
//   sliding windows  a record is dropped when ts + 1 + difference <=
//                    stream time - grace; a window is updated while end >=
//                    stream time - grace;
//   sessions         a record is dropped when its (merged) session's end <
//                    stream time - grace - gap.
//
// Emit strategies. OnWindowUpdate forwards every update, through the
// store's record cache when it has one. OnWindowClose registers no cache
// listener and forwards nothing on updates; when a record moves stream time
// far enough that windows close, it reads those windows back (in window-time
// order, then key) and forwards each one once, before applying the record.
// Differences from Java, on purpose: Java throttles that read to once per
// `__emit.interval.ms.kstreams.windowed.aggregation__` (1 s wall clock) and
// runs it after applying the record; checking every record is cheap here
// (the store is read only when a window boundary was crossed) and keeps
// output deterministic, and reading first means a window that closed can
// never age out of the store before it is emitted. Java keeps the last emit
// time in the commit metadata; kstreams has no such metadata yet, so after a
// restart windows that closed before it but are still retained are emitted
// again (at-least-once).
//
// Thread-compatible: a node instance belongs to one task.
#ifndef KSTREAMS_DSL_INTERNAL_WINDOW_NODES_H_
#define KSTREAMS_DSL_INTERNAL_WINDOW_NODES_H_

#include <algorithm>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "kstreams/dsl/change.h"
#include "kstreams/dsl/internal/table_nodes.h"
#include "kstreams/dsl/windows.h"
#include "kstreams/processor/internal/node.h"
#include "kstreams/state/internal/metered_window_store.h"
#include "kstreams/state/session_store.h"
#include "kstreams/state/window_store.h"

namespace kstreams::internal {

// Which windows a time-window aggregation updates: TimeWindows, or
// UnlimitedWindows (one window [start, INT64_MAX) per key).
struct TimeWindowSpec {
  int64_t size = 0;
  int64_t advance = 0;
  int64_t grace = 0;
  std::optional<int64_t> unlimited_start;

  static TimeWindowSpec Of(const TimeWindows& w) {
    return {w.size_ms(), w.advance_ms(), w.grace_period_ms(), std::nullopt};
  }
  static TimeWindowSpec Of(const UnlimitedWindows& w) {
    return {w.size_ms(), 1, 0, w.start_ms()};
  }
  int64_t End(int64_t start) const { return SaturatingAdd(start, size); }
  // Start of the newest window containing `timestamp`.
  int64_t LastWindowStart(int64_t timestamp) const {
    return unlimited_start ? *unlimited_start : timestamp / advance * advance;
  }
  // Calls fn(start) for every window containing `timestamp`, oldest first.
  template <typename F>
  void ForEachWindow(int64_t timestamp, F fn) const {
    if (unlimited_start) {
      if (timestamp >= *unlimited_start) fn(*unlimited_start);
      return;
    }
    const int64_t lowest = timestamp - size + advance;
    for (int64_t start = (lowest < 0 ? 0 : lowest) / advance * advance; start <= timestamp;
         start += advance) {
      fn(start);
    }
  }
};

// The aggregate before a key's first value in a window: the initializer's
// result, or (Reduce, Init = nullptr_t) none, the first value becoming the
// aggregate.
template <typename VA, typename Init>
std::optional<VA> InitialAggregate(Init& init) {
  if constexpr (std::is_same_v<Init, std::nullptr_t>) {
    (void)init;
    return std::nullopt;
  } else {
    return init();
  }
}

// aggregator(key, value, aggregate), or for Reduce without an aggregate yet
// the value itself. Takes a copy of `value` unless `last` (one record may
// update several windows).
template <typename K, typename V, typename VA, typename Agg>
VA ApplyAggregator(Agg& agg, const K& key, V& value, const std::optional<VA>& aggregate,
                   bool last) {
  if (!aggregate) {
    if constexpr (std::is_convertible_v<V, VA>) {
      return last ? VA(std::move(value)) : VA(value);
    } else {
      // Unreachable: only Reduce (VA = V) starts without an aggregate.
      throw std::logic_error("windowed aggregation without an initial aggregate");
    }
  }
  if (last) return agg(key, std::move(value), *aggregate);
  V copy = value;
  return agg(key, std::move(copy), *aggregate);
}

template <typename S>
S* GetWindowedStore(TaskContext& task, const std::string& node, const std::string& store_name) {
  auto* store = dynamic_cast<S*>(task.GetStateStore(store_name));
  if (store == nullptr) {
    throw NodeError(node, absl::InternalError(StrCat("store '", store_name,
                                                     "' is missing or of the wrong type")));
  }
  return store;
}

// Window aggregations over a timestamped window store: shared state and
// the emit-on-window-close bookkeeping.
template <typename K, typename V, typename VA>
class WindowAggregateNodeBase : public Node<K, V, Windowed<K>, Change<VA>> {
 public:
  WindowAggregateNodeBase(std::string name, std::string store,
                          std::shared_ptr<const bool> send_old, EmitStrategy::Type emit)
      : Node<K, V, Windowed<K>, Change<VA>>(std::move(name)), store_name_(std::move(store)),
        send_old_(std::move(send_old)), emit_final_(emit == EmitStrategy::Type::kOnWindowClose) {}

  absl::Status Init(TaskContext& task) override {
    task_ = &task;
    store_ = GetWindowedStore<TimestampedWindowStore<K, VA>>(task, this->name(), store_name_);
    // Emitting final results forwards directly; the cache must not forward.
    forwarder_.Init(emit_final_ ? nullptr : store_, &this->downstream_, *send_old_);
    return absl::OkStatus();
  }

 protected:
  using Forwarded = Record<Windowed<K>, Change<VA>>;

  bool SkipNullKey(const K& key) {
    if (!IsNullKey(key)) return false;
    task_->RecordDropped(this->name(), "null key in a windowed aggregation");
    return true;
  }
  // Sliding-window aggregations also skip null values (Java's
  // KStreamSlidingWindowAggregate; its time-window twin skips null keys only).
  bool SkipNullKeyOrValue(const K& key, const V& value) {
    if (SkipNullKey(key)) return true;
    if (!IsNullKey(value)) return false;
    task_->RecordDropped(this->name(), "null value in a sliding-window aggregation");
    return true;
  }
  void DropExpired(int64_t timestamp, int64_t start, int64_t end, int64_t close) {
    task_->RecordDropped(this->name(),
                         StrCat("record for an expired window (timestamp ", timestamp,
                                ", window [", start, ",", end, "], expiration ", close,
                                ", stream time ", observed_, ")"));
  }
  // Stores the new aggregate and, when emitting updates, forwards it.
  void PutAndForward(const K& key, const Window& window, VA new_agg, std::optional<VA> old_agg,
                     int64_t timestamp, const Headers& headers) {
    store_->Put(key, ValueAndTimestamp<VA>(new_agg, timestamp), window.start());
    if (emit_final_) return;
    if (!*send_old_) old_agg.reset();
    forwarder_.MaybeForward(Forwarded(Windowed<K>{key, window},
                                      Change<VA>{std::move(new_agg), std::move(old_agg)},
                                      timestamp, headers));
  }
  // Forwards, once, every window starting in [lower, upper] (closed windows),
  // in window-start then key order (Java's time-ordered store order).
  void EmitClosed(int64_t lower, int64_t upper, const Headers& headers) {
    auto* metered = dynamic_cast<MeteredWindowStore<K, ValueAndTimestamp<VA>,
                                                    TimestampedWindowStore<K, VA>>*>(store_);
    KeyValueIterator<Windowed<K>, ValueAndTimestamp<VA>> it =
        metered != nullptr ? metered->FetchAllIncludingExpired(lower, upper)
                           : store_->FetchAll(lower, upper);
    std::vector<std::pair<Windowed<K>, ValueAndTimestamp<VA>>> closed = it.ToVector();
    std::stable_sort(closed.begin(), closed.end(), [](const auto& a, const auto& b) {
      return a.first.window.start() < b.first.window.start();
    });
    for (auto& [windowed, value] : closed) {
      const int64_t ts = value.timestamp();
      this->downstream_.Forward(
          Forwarded(std::move(windowed), Change<VA>{std::move(value).value(), std::nullopt}, ts,
                    headers));
    }
  }

  std::string store_name_;
  std::shared_ptr<const bool> send_old_;
  bool emit_final_;
  TaskContext* task_ = nullptr;
  TimestampedWindowStore<K, VA>* store_ = nullptr;
  TableForwarder<Windowed<K>, VA> forwarder_;
  int64_t observed_ = -1;
  int64_t last_emit_close_ = -1;  // Java's lastEmitWindowCloseTime
};

// TimeWindowedKStream over TimeWindows or UnlimitedWindows.
template <typename K, typename V, typename VA, typename Init, typename Agg>
class TimeWindowAggregateNode final : public WindowAggregateNodeBase<K, V, VA> {
  using Base = WindowAggregateNodeBase<K, V, VA>;

 public:
  TimeWindowAggregateNode(std::string name, std::string store,
                          std::shared_ptr<const bool> send_old, TimeWindowSpec windows,
                          EmitStrategy::Type emit, Init init, Agg agg)
      : Base(std::move(name), std::move(store), std::move(send_old), emit), windows_(windows),
        init_(std::move(init)), agg_(std::move(agg)) {}

  void Process(Record<K, V>&& r) override {
    if (this->SkipNullKey(r.key())) return;
    const int64_t ts = r.timestamp();
    this->observed_ = std::max(this->observed_, ts);
    const int64_t close = this->observed_ - windows_.grace;
    if (this->emit_final_) MaybeEmitFinal(close, r.headers());
    // The last window a record updates gets the value moved in.
    const int64_t last_start = windows_.LastWindowStart(ts);
    windows_.ForEachWindow(ts, [&](int64_t start) {
      const int64_t end = windows_.End(start);
      if (end <= close) {
        this->DropExpired(ts, start, end, close);
        return;
      }
      std::optional<ValueAndTimestamp<VA>> old = this->store_->Fetch(r.key(), start);
      std::optional<VA> old_agg;
      int64_t new_ts = ts;
      if (old) {
        old_agg = old->value();
        new_ts = std::max(ts, old->timestamp());
      } else {
        old_agg = InitialAggregate<VA>(init_);
      }
      VA new_agg = ApplyAggregator<K, V, VA>(agg_, r.key(), r.value(), old_agg,
                                             start == last_start);
      this->PutAndForward(r.key(), Window(start, end), std::move(new_agg), std::move(old_agg),
                          new_ts, r.headers());
    });
  }

 private:
  // Windows with end <= close are final: starts up to close - size.
  void MaybeEmitFinal(int64_t close, const Headers& headers) {
    if (this->last_emit_close_ != -1 && this->last_emit_close_ >= close) return;
    const int64_t upper = close - windows_.size;
    if (upper < 0) return;  // no window has closed yet
    const int64_t lower =
        this->last_emit_close_ == -1 ? 0 : this->last_emit_close_ - windows_.size + 1;
    // Nothing new unless a window start (a multiple of advance) lies in [lower, upper].
    const int64_t first_start = (lower + windows_.advance - 1) / windows_.advance * windows_.advance;
    if (first_start > upper) return;
    this->EmitClosed(lower, upper, headers);
    this->last_emit_close_ = close;
  }

  TimeWindowSpec windows_;
  Init init_;
  Agg agg_;
};

// TimeWindowedKStream over SlidingWindows (Java's processReverse and
// processEarly): windows [start, start + difference] keyed by start; each
// record updates the windows containing it, creates its left window [t -
// difference, t] and, when a later record falls after it, its right window
// [t + 1, t + 1 + difference]; records before `difference` share the window
// [0, difference].
template <typename K, typename V, typename VA, typename Init, typename Agg>
class SlidingWindowAggregateNode final : public WindowAggregateNodeBase<K, V, VA> {
  using Base = WindowAggregateNodeBase<K, V, VA>;
  using Stored = ValueAndTimestamp<VA>;

 public:
  SlidingWindowAggregateNode(std::string name, std::string store,
                             std::shared_ptr<const bool> send_old, SlidingWindows windows,
                             EmitStrategy::Type emit, Init init, Agg agg)
      : Base(std::move(name), std::move(store), std::move(send_old), emit),
        difference_(windows.time_difference_ms()), grace_(windows.grace_period_ms()),
        init_(std::move(init)), agg_(std::move(agg)) {}

  void Process(Record<K, V>&& r) override {
    if (this->SkipNullKeyOrValue(r.key(), r.value())) return;
    const int64_t ts = r.timestamp();
    this->observed_ = std::max(this->observed_, ts);
    const int64_t close = this->observed_ - grace_;
    if (ts + 1 + difference_ <= close) {
      this->DropExpired(ts, ts - difference_, ts, close);
      return;
    }
    if (this->emit_final_) MaybeEmitFinal(close, r.headers());
    if (ts < difference_) {
      ProcessEarly(r, close);
    } else {
      ProcessReverse(r, close);
    }
  }

 private:
  // Windows of this key from ts - 2 * difference to ts + 1, newest first.
  void ProcessReverse(Record<K, V>& r, int64_t close) {
    const int64_t ts = r.timestamp();
    std::set<int64_t> starts;
    std::optional<Stored> left_agg, right_agg;
    bool left_exists = false, right_exists = false;
    std::optional<int64_t> previous_ts;
    std::vector<std::pair<Windowed<K>, Stored>> windows =
        this->store_->BackwardFetch(r.key(), r.key(), std::max<int64_t>(0, ts - 2 * difference_),
                                    ts + 1)
            .ToVector();
    for (auto& [windowed, value] : windows) {
      const int64_t start = windowed.window.start();
      starts.insert(start);
      const int64_t end = start + difference_;
      const int64_t max_ts = value.timestamp();
      if (start == ts + 1) {
        right_exists = true;
      } else if (end > ts) {
        if (!right_agg) right_agg = value;
        Update(windowed.window, &value, r, close);
      } else if (end == ts) {
        left_exists = true;
        Update(windowed.window, &value, r, close);
        if (max_ts < ts) {
          previous_ts = max_ts;
        } else {
          return;  // the record's windows already exist (Java returns here)
        }
      } else {  // end < ts
        left_agg = value;
        previous_ts = max_ts;
        break;
      }
    }
    CreateWindows(r, close, starts, right_agg, left_agg, left_exists, right_exists, previous_ts);
  }

  // Records with ts < difference: their left window would start before 0,
  // so they go to [0, difference].
  void ProcessEarly(Record<K, V>& r, int64_t close) {
    const int64_t ts = r.timestamp();
    std::optional<std::pair<Windowed<K>, Stored>> combined;
    std::optional<Stored> right_agg;
    bool right_exists = false;
    std::set<int64_t> starts;
    std::optional<int64_t> previous_ts;
    std::vector<std::pair<Windowed<K>, Stored>> windows =
        this->store_->Fetch(r.key(), r.key(), 0, ts + 1).ToVector();
    for (auto& entry : windows) {
      const int64_t start = entry.first.window.start();
      starts.insert(start);
      const int64_t max_ts = entry.second.timestamp();
      if (start == 0) {
        combined = entry;
        if (max_ts < ts) previous_ts = max_ts;
      } else if (start <= ts) {
        right_agg = entry.second;
        Update(entry.first.window, &entry.second, r, close);
      } else if (start == ts + 1) {
        right_exists = true;
      }
    }
    // With no right window found, the combined window holds exactly what the
    // record's right window needs, when it holds a later record.
    if (!right_agg && combined && combined->second.timestamp() > ts) {
      right_agg = combined->second;
    }
    if (!right_exists && RightWindowNotEmpty(right_agg, ts)) {
      CreateRightWindow(r, *right_agg);
    }
    if (previous_ts && !starts.contains(*previous_ts + 1)) {
      CreatePreviousRightWindow(*previous_ts + 1, r, close);
    }
    if (!combined) {
      Update(Window(0, difference_), nullptr, r, close);
    } else {
      Update(combined->first.window, &combined->second, r, close);
    }
  }

  void CreateWindows(Record<K, V>& r, int64_t close, const std::set<int64_t>& starts,
                     const std::optional<Stored>& right_agg, const std::optional<Stored>& left_agg,
                     bool left_exists, bool right_exists, std::optional<int64_t> previous_ts) {
    const int64_t ts = r.timestamp();
    // The previous record's right window, when it is missing and holds this record.
    if (previous_ts) {
      const int64_t start = *previous_ts + 1;
      if (!starts.contains(start) && start + difference_ >= ts) {
        CreatePreviousRightWindow(start, r, close);
      }
    }
    // This record's left window [ts - difference, ts].
    if (!left_exists) {
      const bool left_has_previous = previous_ts && ts - difference_ <= *previous_ts;
      if (left_has_previous) {
        const Stored previous(left_agg->value(), ts);
        Update(Window(ts - difference_, ts), &previous, r, close);
      } else {
        Update(Window(ts - difference_, ts), nullptr, r, close);
      }
    }
    // This record's right window, when a later record needs it.
    if (!right_exists && RightWindowNotEmpty(right_agg, ts)) CreateRightWindow(r, *right_agg);
  }

  bool RightWindowNotEmpty(const std::optional<Stored>& right_agg, int64_t ts) const {
    return right_agg && right_agg->timestamp() > ts;
  }
  // [ts + 1, ts + 1 + difference] holds exactly what `right_agg` holds.
  void CreateRightWindow(Record<K, V>& r, const Stored& right_agg) {
    const Window window(r.timestamp() + 1, r.timestamp() + 1 + difference_);
    this->store_->Put(r.key(), right_agg, window.start());
    if (this->emit_final_) return;
    this->forwarder_.MaybeForward(typename Base::Forwarded(
        Windowed<K>{r.key(), window}, Change<VA>{right_agg.value(), std::nullopt},
        right_agg.timestamp(), r.headers()));
  }
  void CreatePreviousRightWindow(int64_t start, Record<K, V>& r, int64_t close) {
    Update(Window(start, start + difference_), nullptr, r, close);
  }

  // Adds the record to `window`, whose current aggregate is `current`
  // (nullptr: a new window, starting from the initial aggregate, stamped
  // with the record's time).
  void Update(const Window& window, const Stored* current, Record<K, V>& r, int64_t close) {
    if (window.end() < close) {
      this->DropExpired(r.timestamp(), window.start(), window.end(), close);
      return;
    }
    std::optional<VA> old_agg =
        current != nullptr ? std::optional<VA>(current->value()) : InitialAggregate<VA>(init_);
    const int64_t new_ts =
        !old_agg ? r.timestamp() : std::max(r.timestamp(), current ? current->timestamp()
                                                                   : r.timestamp());
    VA new_agg = ApplyAggregator<K, V, VA>(agg_, r.key(), r.value(), old_agg, /*last=*/false);
    this->PutAndForward(r.key(), window, std::move(new_agg), std::move(old_agg), new_ts,
                        r.headers());
  }

  // Windows with end < close are final: starts up to close - difference - 1.
  void MaybeEmitFinal(int64_t close, const Headers& headers) {
    if (this->last_emit_close_ != -1 && this->last_emit_close_ >= close) return;
    const int64_t upper = close - difference_ - 1;
    if (upper < 0) return;
    const int64_t lower =
        this->last_emit_close_ == -1 ? 0 : this->last_emit_close_ - difference_;
    if (lower <= upper) this->EmitClosed(lower, upper, headers);
    this->last_emit_close_ = close;
  }

  int64_t difference_;
  int64_t grace_;
  Init init_;
  Agg agg_;
};

// Forwards session updates, through the store's cache when it has one, with
// the session end as timestamp (Java's SessionCacheFlushListener).
template <typename K, typename VA>
class SessionForwarder {
 public:
  void Init(StateStore* store, const Downstream<Windowed<K>, Change<VA>>* downstream,
            bool send_old_values) {
    downstream_ = downstream;
    send_old_values_ = send_old_values;
    auto* cached = dynamic_cast<CachedStateStore<Windowed<K>, VA>*>(store);
    if (cached == nullptr) return;
    cached_ = cached->SetFlushListener(
        [this](const Windowed<K>& key, std::optional<VA> new_value, std::optional<VA> old_value,
               int64_t) {
          if (!send_old_values_) old_value.reset();
          downstream_->Forward(Record<Windowed<K>, Change<VA>>(
              key, Change<VA>{std::move(new_value), std::move(old_value)}, key.window.end()));
        },
        send_old_values);
  }
  void MaybeForward(Record<Windowed<K>, Change<VA>>&& record) {
    if (!cached_) downstream_->Forward(std::move(record));
  }

 private:
  const Downstream<Windowed<K>, Change<VA>>* downstream_ = nullptr;
  bool send_old_values_ = false;
  bool cached_ = false;
};

// SessionWindowedKStream: finds the sessions of the key within the gap of
// the record, merges them (removing each, forwarding a tombstone for it)
// into one session with the record's value added.
template <typename K, typename V, typename VA, typename Initializer, typename Agg,
          typename Merger>
class SessionWindowAggregateNode final : public Node<K, V, Windowed<K>, Change<VA>> {
  using Forwarded = Record<Windowed<K>, Change<VA>>;

 public:
  SessionWindowAggregateNode(std::string name, std::string store,
                             std::shared_ptr<const bool> send_old, SessionWindows windows,
                             EmitStrategy::Type emit, Initializer init, Agg agg,
                             Merger merger)
      : Node<K, V, Windowed<K>, Change<VA>>(std::move(name)), store_name_(std::move(store)),
        send_old_(std::move(send_old)), gap_(windows.inactivity_gap_ms()),
        grace_(windows.grace_period_ms()),
        emit_final_(emit == EmitStrategy::Type::kOnWindowClose), init_(std::move(init)),
        agg_(std::move(agg)), merger_(std::move(merger)) {}

  absl::Status Init(TaskContext& task) override {
    task_ = &task;
    store_ = GetWindowedStore<SessionStore<K, VA>>(task, this->name(), store_name_);
    forwarder_.Init(emit_final_ ? nullptr : store_, &this->downstream_, *send_old_);
    return absl::OkStatus();
  }

  void Process(Record<K, V>&& r) override {
    if (IsNullKey(r.key())) {
      task_->RecordDropped(this->name(), "null key in a session-windowed aggregation");
      return;
    }
    const int64_t ts = r.timestamp();
    observed_ = std::max(observed_, ts);
    const int64_t close = observed_ - grace_ - gap_;
    if (emit_final_) MaybeEmitFinal(close, r.headers());

    std::vector<std::pair<Windowed<K>, VA>> merged =
        store_->FindSessions(r.key(), ts - gap_, ts + gap_).ToVector();
    std::optional<VA> agg = InitialAggregate<VA>(init_);
    int64_t start = ts, end = ts;
    for (const auto& [session, value] : merged) {
      agg = agg ? merger_(r.key(), *agg, value) : value;
      start = std::min(start, session.window.start());
      end = std::max(end, session.window.end());
    }
    if (end < close) {
      task_->RecordDropped(this->name(),
                           StrCat("record for an expired session (timestamp ", ts, ", window [",
                                  start, ",", end, "], expiration ", close, ", stream time ",
                                  observed_, ")"));
      return;
    }
    if (start != ts || end != ts) {
      for (auto& [session, value] : merged) {
        store_->Remove(session);
        Forward(session, std::nullopt, std::move(value), r.headers());
      }
    }
    VA new_agg = ApplyAggregator<K, V, VA>(agg_, r.key(), r.value(), agg, /*last=*/true);
    Windowed<K> session{r.key(), Window(start, end)};
    store_->Put(session, new_agg);
    Forward(session, std::move(new_agg), std::nullopt, r.headers());
  }

 private:
  void Forward(const Windowed<K>& session, std::optional<VA> new_agg, std::optional<VA> old_agg,
               const Headers& headers) {
    if (emit_final_) return;
    if (!*send_old_) old_agg.reset();
    forwarder_.MaybeForward(Forwarded(session, Change<VA>{std::move(new_agg), std::move(old_agg)},
                                      session.window.end(), headers));
  }

  // Sessions ending before close are final: ends in [last close, close - 1],
  // forwarded in end, then key order (Java's time-ordered session store).
  void MaybeEmitFinal(int64_t close, const Headers& headers) {
    if (last_emit_close_ != -1 && last_emit_close_ >= close) return;
    const int64_t upper = close - 1;
    if (upper < 0) return;
    const int64_t lower = std::max<int64_t>(0, last_emit_close_);
    if (upper >= lower) {
      auto* metered = dynamic_cast<MeteredSessionStore<K, VA>*>(store_);
      KeyValueIterator<Windowed<K>, VA> it = metered != nullptr
                                                 ? metered->FindSessionsIncludingExpired(lower, upper)
                                                 : store_->FindSessions(lower, upper);
      std::vector<std::pair<Windowed<K>, VA>> closed = it.ToVector();
      std::stable_sort(closed.begin(), closed.end(), [](const auto& a, const auto& b) {
        return a.first.window.end() < b.first.window.end();
      });
      for (auto& [session, value] : closed) {
        const int64_t end = session.window.end();
        this->downstream_.Forward(Forwarded(std::move(session),
                                            Change<VA>{std::move(value), std::nullopt}, end,
                                            headers));
      }
    }
    last_emit_close_ = close;
  }

  std::string store_name_;
  std::shared_ptr<const bool> send_old_;
  int64_t gap_;
  int64_t grace_;
  bool emit_final_;
  Initializer init_;
  Agg agg_;
  Merger merger_;
  TaskContext* task_ = nullptr;
  SessionStore<K, VA>* store_ = nullptr;
  SessionForwarder<K, VA> forwarder_;
  int64_t observed_ = -1;
  int64_t last_emit_close_ = -1;
};

// How an aggregation windows its input (a DSL handle's choice, copied into
// each node factory).
struct WindowingSpec {
  enum class Kind { kNone, kTime, kSliding, kSession };
  Kind kind = Kind::kNone;
  TimeWindowSpec time;                    // kTime (TimeWindows or UnlimitedWindows)
  std::optional<SlidingWindows> sliding;  // kSliding
  std::optional<SessionWindows> session;  // kSession
  EmitStrategy::Type emit = EmitStrategy::Type::kOnWindowUpdate;
};

// The node of a windowed aggregation. Init = std::nullptr_t means Reduce
// (the first value is the aggregate); Merger is used by session windows.
template <typename K, typename V, typename VA, typename Init, typename Agg,
          typename Merger = std::nullptr_t>
std::unique_ptr<NodeBase> NewWindowAggregateNode(const std::string& name, const std::string& store,
                                                 std::shared_ptr<const bool> send_old,
                                                 const WindowingSpec& windowing, Init init,
                                                 Agg agg, Merger merger = nullptr) {
  switch (windowing.kind) {
    case WindowingSpec::Kind::kTime:
      return std::make_unique<TimeWindowAggregateNode<K, V, VA, Init, Agg>>(
          name, store, std::move(send_old), windowing.time, windowing.emit, std::move(init),
          std::move(agg));
    case WindowingSpec::Kind::kSliding:
      return std::make_unique<SlidingWindowAggregateNode<K, V, VA, Init, Agg>>(
          name, store, std::move(send_old), *windowing.sliding, windowing.emit, std::move(init),
          std::move(agg));
    case WindowingSpec::Kind::kSession:
      if constexpr (!std::is_same_v<Merger, std::nullptr_t>) {
        return std::make_unique<SessionWindowAggregateNode<K, V, VA, Init, Agg, Merger>>(
            name, store, std::move(send_old), *windowing.session, windowing.emit,
            std::move(init), std::move(agg), std::move(merger));
      }
      break;
    case WindowingSpec::Kind::kNone:
      break;
  }
  throw std::logic_error("NewWindowAggregateNode: no windowed node for this windowing");
}

}  // namespace kstreams::internal

#endif  // KSTREAMS_DSL_INTERNAL_WINDOW_NODES_H_
