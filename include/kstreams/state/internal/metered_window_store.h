// kstreams/state/internal/metered_window_store.h  (internal: not for users)
//
// The typed tops of window and session stores: serialize keys and values
// with the store's serdes (topic "<application.id>-<store>-changelog", as
// Java's metered stores use), build the store keys of segmented_bytes_store.h
// and call the bytes layers beneath. They own the public APIs
// (WindowStore / TimestampedWindowStore / SessionStore) and CachedStateStore
// for the windowed aggregations' flush listeners.
//
// Thread-compatible.
#ifndef KSTREAMS_STATE_INTERNAL_METERED_WINDOW_STORE_H_
#define KSTREAMS_STATE_INTERNAL_METERED_WINDOW_STORE_H_

#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "kstreams/internal/strings.h"
#include "kstreams/internal/topic_names.h"
#include "kstreams/serde/windowed_serdes.h"
#include "kstreams/state/internal/metered_key_value_store.h"
#include "kstreams/state/internal/segmented_bytes_store.h"
#include "kstreams/state/internal/wrapped_state_store.h"
#include "kstreams/state/session_store.h"
#include "kstreams/state/window_store.h"

namespace kstreams::internal {

// Reads Windowed<K> results out of window store keys (the seqnum is
// dropped), for KeyValueIterator. Session store keys are exactly the
// SessionWindowedSerde layout, which reads them.
template <typename K>
class WindowStoreKeyDecoder final : public Serde<Windowed<K>> {
 public:
  WindowStoreKeyDecoder(SerdePtr<K> key_serde, int64_t window_size)
      : key_serde_(std::move(key_serde)), window_size_(window_size) {}
  absl::Status Serialize(std::string_view, const Windowed<K>&, std::string&) const override {
    return absl::UnimplementedError("store keys are written by the store");
  }
  absl::StatusOr<Windowed<K>> Deserialize(std::string_view topic,
                                          std::string_view raw) const override {
    if (raw.size() < kTimestampBytes + kSeqnumBytes) {
      return absl::DataLossError(StrCat("window store key of ", raw.size(), " bytes on topic '",
                                        topic, "' is shorter than its 12-byte suffix"));
    }
    absl::StatusOr<K> key = key_serde_->Deserialize(topic, WindowStoreKeyKey(raw));
    if (!key.ok()) return key.status();
    return Windowed<K>{*std::move(key), TimeWindowOfSize(WindowStoreKeyStart(raw), window_size_)};
  }

 private:
  SerdePtr<K> key_serde_;
  int64_t window_size_;
};

// The window start of a window store key (WindowStoreIterator's key).
class WindowStartDecoder final : public Serde<int64_t> {
 public:
  absl::Status Serialize(std::string_view, const int64_t&, std::string&) const override {
    return absl::UnimplementedError("store keys are written by the store");
  }
  absl::StatusOr<int64_t> Deserialize(std::string_view topic,
                                      std::string_view raw) const override {
    if (raw.size() < kTimestampBytes + kSeqnumBytes) {
      return absl::DataLossError(
          StrCat("window store key of ", raw.size(), " bytes on topic '", topic, "'"));
    }
    return WindowStoreKeyStart(raw);
  }
};

// What the window and session tops share: the bytes layers (the StateStore
// lifecycle goes to them), serdes, the changelog topic name and reusable
// buffers. `Interface` is the public store type.
template <typename K, typename V, typename Interface>
class MeteredSegmentedBase : public WrappedStateStore<Interface, SegmentedBytesStore>,
                             public CachedStateStore<Windowed<K>, V> {
  using Wrapped = WrappedStateStore<Interface, SegmentedBytesStore>;

 public:
  // `decoder` reads Windowed<K> out of this store's store keys.
  MeteredSegmentedBase(std::unique_ptr<SegmentedBytesStore> inner, SerdePtr<K> key_serde,
                       SerdePtr<V> value_serde, SerdePtr<Windowed<K>> decoder)
      : Wrapped(std::move(inner)), key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)), decoder_(std::move(decoder)) {}

  absl::Status Init(StateStoreContext& context) override {
    context_ = &context;
    topic_ = ChangelogTopicName(context.application_id(), inner_->name());
    return inner_->Init(context);
  }

  bool SetFlushListener(TypedCacheFlushListener<Windowed<K>, V> listener,
                        bool send_old_values) override {
    if (!listener) return inner_->SetFlushListener(nullptr, send_old_values);
    return inner_->SetFlushListener(
        [this, listener = std::move(listener)](const CacheFlushEntry& e) {
          listener(Decode(decoder_, e.key), DecodeValue(e.new_value), DecodeValue(e.old_value),
                   e.timestamp);
        },
        send_old_values);
  }

  SegmentedBytesStore& inner() { return *inner_; }

 protected:
  using Wrapped::inner_;

  static void Check(const absl::Status& s) {
    if (!s.ok()) throw StateStoreException(s);
  }
  int64_t context_timestamp() const {
    return context_ == nullptr ? -1 : context_->record_timestamp();
  }
  // Serialized `key` into key_buf_.
  void SerializeKey(const K& key) { Check(key_serde_->Serialize(topic_, key, key_buf_)); }
  std::optional<std::string> SerializedKey(const std::optional<K>& key) {
    if (!key) return std::nullopt;
    std::string out;
    Check(key_serde_->Serialize(topic_, *key, out));
    return out;
  }
  template <typename T>
  T Decode(const SerdePtr<T>& serde, std::string_view bytes) const {
    absl::StatusOr<T> v = serde->Deserialize(topic_, bytes);
    if (!v.ok()) throw StateStoreException(v.status());
    return *std::move(v);
  }
  std::optional<V> DecodeValue(const BytesValue& bytes) const {
    if (!bytes) return std::nullopt;
    return Decode(value_serde_, *bytes);
  }
  // Writes raw_buf_ -> value (a null value deletes).
  void PutRaw(const V& value, int64_t timestamp) {
    if (value_serde_->IsNull(value)) {
      Check(inner_->Put(raw_buf_, std::nullopt, timestamp));
      return;
    }
    Check(value_serde_->Serialize(topic_, value, value_buf_));
    Check(inner_->Put(raw_buf_, std::string_view(value_buf_), timestamp));
  }
  std::optional<V> GetRaw() {
    absl::StatusOr<bool> found = inner_->Get(raw_buf_, &value_buf_);
    Check(found.status());
    if (!*found) return std::nullopt;
    return Decode(value_serde_, value_buf_);
  }
  template <typename KeyOut>
  KeyValueIterator<KeyOut, V> Iterate(SerdePtr<KeyOut> key_decoder, const SegmentedRange& range) {
    return KeyValueIterator<KeyOut, V>(inner_->Fetch(range), std::move(key_decoder), value_serde_,
                                       &topic_);
  }

  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  SerdePtr<Windowed<K>> decoder_;
  StateStoreContext* context_ = nullptr;
  std::string topic_;
  std::string key_buf_, raw_buf_, value_buf_;
};

// WindowStore<K, V> (Interface) or TimestampedWindowStore<K, X> (V =
// ValueAndTimestamp<X>, whose writes are stamped with the value's timestamp).
template <typename K, typename V, typename Interface = WindowStore<K, V>>
class MeteredWindowStore final : public MeteredSegmentedBase<K, V, Interface> {
  using Base = MeteredSegmentedBase<K, V, Interface>;

 public:
  MeteredWindowStore(std::unique_ptr<SegmentedBytesStore> inner, SerdePtr<K> key_serde,
                     SerdePtr<V> value_serde, int64_t window_size, bool retain_duplicates)
      : Base(std::move(inner), key_serde, std::move(value_serde),
             std::make_shared<WindowStoreKeyDecoder<K>>(key_serde, window_size)),
        window_size_(window_size), retain_duplicates_(retain_duplicates),
        start_decoder_(std::make_shared<WindowStartDecoder>()) {}

  // WindowStore.
  int64_t window_size() const override { return window_size_; }
  int64_t retention_period() const override { return this->inner_->retention_period(); }
  void Put(const K& key, const V& value, int64_t window_start) override {
    // As Java: with duplicates, a null neither deletes nor is kept.
    if (retain_duplicates_ && this->value_serde_->IsNull(value)) return;
    this->SerializeKey(key);
    this->raw_buf_.clear();
    if (retain_duplicates_) seqnum_ = (seqnum_ + 1) & 0x7fffffff;
    AppendWindowStoreKey(this->raw_buf_, this->key_buf_, window_start,
                         retain_duplicates_ ? seqnum_ : 0);
    int64_t timestamp = this->context_timestamp();
    if constexpr (IsValueAndTimestamp<V>::value) timestamp = value.timestamp();
    this->PutRaw(value, timestamp);
  }

  // ReadOnlyWindowStore.
  std::optional<V> Fetch(const K& key, int64_t window_start) override {
    if (retain_duplicates_) {
      WindowStoreIterator<V> it = Fetch(key, window_start, window_start);
      if (!it.Valid()) return std::nullopt;
      return it.value();
    }
    this->SerializeKey(key);
    this->raw_buf_.clear();
    AppendWindowStoreKey(this->raw_buf_, this->key_buf_, window_start, 0);
    return this->GetRaw();
  }
  WindowStoreIterator<V> Fetch(const K& key, int64_t time_from, int64_t time_to) override {
    return this->Iterate(start_decoder_, KeyRange(key, time_from, time_to, false));
  }
  WindowStoreIterator<V> BackwardFetch(const K& key, int64_t time_from,
                                       int64_t time_to) override {
    return this->Iterate(start_decoder_, KeyRange(key, time_from, time_to, true));
  }
  KeyValueIterator<Windowed<K>, V> Fetch(std::optional<K> key_from, std::optional<K> key_to,
                                         int64_t time_from, int64_t time_to) override {
    return this->Iterate(this->decoder_, Range(key_from, key_to, time_from, time_to, false));
  }
  KeyValueIterator<Windowed<K>, V> BackwardFetch(std::optional<K> key_from,
                                                 std::optional<K> key_to, int64_t time_from,
                                                 int64_t time_to) override {
    return this->Iterate(this->decoder_, Range(key_from, key_to, time_from, time_to, true));
  }
  KeyValueIterator<Windowed<K>, V> All() override {
    return this->Iterate(this->decoder_, SegmentedRange{});
  }
  KeyValueIterator<Windowed<K>, V> BackwardAll() override {
    SegmentedRange range;
    range.reverse = true;
    return this->Iterate(this->decoder_, range);
  }
  KeyValueIterator<Windowed<K>, V> FetchAll(int64_t time_from, int64_t time_to) override {
    return this->Iterate(this->decoder_, Range({}, {}, time_from, time_to, false));
  }
  KeyValueIterator<Windowed<K>, V> BackwardFetchAll(int64_t time_from, int64_t time_to) override {
    return this->Iterate(this->decoder_, Range({}, {}, time_from, time_to, true));
  }

  // Library use (emit-on-window-close): FetchAll that also sees windows
  // retention has just hidden, while their segment exists.
  KeyValueIterator<Windowed<K>, V> FetchAllIncludingExpired(int64_t time_from, int64_t time_to) {
    SegmentedRange range = Range({}, {}, time_from, time_to, false);
    range.include_expired = true;
    return this->Iterate(this->decoder_, range);
  }

 private:
  SegmentedRange KeyRange(const K& key, int64_t time_from, int64_t time_to, bool reverse) {
    this->SerializeKey(key);
    SegmentedRange range;
    range.key_from = this->key_buf_;
    range.key_to = this->key_buf_;
    range.time_from = time_from;
    range.time_to = time_to;
    range.reverse = reverse;
    return range;
  }
  SegmentedRange Range(const std::optional<K>& key_from, const std::optional<K>& key_to,
                       int64_t time_from, int64_t time_to, bool reverse) {
    SegmentedRange range;
    range.key_from = this->SerializedKey(key_from);
    range.key_to = this->SerializedKey(key_to);
    range.time_from = time_from;
    range.time_to = time_to;
    range.reverse = reverse;
    return range;
  }

  int64_t window_size_;
  bool retain_duplicates_;
  int32_t seqnum_ = 0;
  SerdePtr<int64_t> start_decoder_;
};

template <typename K, typename AGG>
class MeteredSessionStore final : public MeteredSegmentedBase<K, AGG, SessionStore<K, AGG>> {
  using Base = MeteredSegmentedBase<K, AGG, SessionStore<K, AGG>>;
  static constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

 public:
  MeteredSessionStore(std::unique_ptr<SegmentedBytesStore> inner, SerdePtr<K> key_serde,
                      SerdePtr<AGG> value_serde)
      : Base(std::move(inner), key_serde, std::move(value_serde),
             std::make_shared<SessionWindowedSerde<K>>(key_serde)) {}

  // SessionStore.
  int64_t retention_period() const override { return this->inner_->retention_period(); }
  void Put(const Windowed<K>& session, const AGG& aggregate) override {
    SetRaw(session.key, session.window.start(), session.window.end());
    this->PutRaw(aggregate, this->context_timestamp());
  }
  void Remove(const Windowed<K>& session) override {
    SetRaw(session.key, session.window.start(), session.window.end());
    this->Check(this->inner_->Put(this->raw_buf_, std::nullopt, this->context_timestamp()));
  }

  // ReadOnlySessionStore.
  KeyValueIterator<Windowed<K>, AGG> FindSessions(const K& key, int64_t earliest_end,
                                                  int64_t latest_start) override {
    return Find(key, key, earliest_end, kMax, latest_start, false);
  }
  KeyValueIterator<Windowed<K>, AGG> FindSessions(std::optional<K> key_from,
                                                  std::optional<K> key_to, int64_t earliest_end,
                                                  int64_t latest_start) override {
    return Find(key_from, key_to, earliest_end, kMax, latest_start, false);
  }
  KeyValueIterator<Windowed<K>, AGG> FindSessions(int64_t earliest_end,
                                                  int64_t latest_end) override {
    return Find({}, {}, earliest_end, latest_end, kMax, false);
  }
  KeyValueIterator<Windowed<K>, AGG> BackwardFindSessions(const K& key, int64_t earliest_end,
                                                          int64_t latest_start) override {
    return Find(key, key, earliest_end, kMax, latest_start, true);
  }
  KeyValueIterator<Windowed<K>, AGG> BackwardFindSessions(std::optional<K> key_from,
                                                          std::optional<K> key_to,
                                                          int64_t earliest_end,
                                                          int64_t latest_start) override {
    return Find(key_from, key_to, earliest_end, kMax, latest_start, true);
  }
  std::optional<AGG> FetchSession(const K& key, int64_t start, int64_t end) override {
    SetRaw(key, start, end);
    return this->GetRaw();
  }
  KeyValueIterator<Windowed<K>, AGG> Fetch(const K& key) override {
    return Find(key, key, 0, kMax, kMax, false);
  }
  KeyValueIterator<Windowed<K>, AGG> Fetch(std::optional<K> key_from,
                                           std::optional<K> key_to) override {
    return Find(key_from, key_to, 0, kMax, kMax, false);
  }
  KeyValueIterator<Windowed<K>, AGG> BackwardFetch(const K& key) override {
    return Find(key, key, 0, kMax, kMax, true);
  }

  // Library use (emit-on-window-close): sessions ending in [from, to], also
  // those retention has just hidden while their segment exists.
  KeyValueIterator<Windowed<K>, AGG> FindSessionsIncludingExpired(int64_t earliest_end,
                                                                  int64_t latest_end) {
    SegmentedRange range = MakeRange({}, {}, earliest_end, latest_end, kMax, false);
    range.include_expired = true;
    return this->Iterate(this->decoder_, range);
  }

 private:
  void SetRaw(const K& key, int64_t start, int64_t end) {
    this->SerializeKey(key);
    this->raw_buf_.clear();
    AppendSessionStoreKey(this->raw_buf_, this->key_buf_, end, start);
  }
  SegmentedRange MakeRange(const std::optional<K>& key_from, const std::optional<K>& key_to,
                           int64_t earliest_end, int64_t latest_end, int64_t latest_start,
                           bool reverse) {
    SegmentedRange range;
    range.key_from = this->SerializedKey(key_from);
    range.key_to = this->SerializedKey(key_to);
    range.time_from = earliest_end;
    range.time_to = latest_end;
    range.latest_start = latest_start;
    range.reverse = reverse;
    return range;
  }
  KeyValueIterator<Windowed<K>, AGG> Find(const std::optional<K>& key_from,
                                          const std::optional<K>& key_to, int64_t earliest_end,
                                          int64_t latest_end, int64_t latest_start,
                                          bool reverse) {
    return this->Iterate(this->decoder_, MakeRange(key_from, key_to, earliest_end, latest_end,
                                                   latest_start, reverse));
  }
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_STATE_INTERNAL_METERED_WINDOW_STORE_H_
