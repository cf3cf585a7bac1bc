// The in-memory bytes store: an ordered std::map. std::string compares with
// char_traits<char>::compare, which is memcmp order (unsigned bytes), the
// order Java's Bytes comparator gives.
#include <map>

#include "kstreams/internal/strings.h"
#include "kstreams/state/internal/key_value_bytes_store.h"

namespace kstreams::internal {
namespace {

using Map = std::map<std::string, std::string, std::less<>>;

class InMemoryKeyValueStore;

// Walks the live map. After the map changed (its version moved), the cursor
// re-seeks past the last key returned, so erasing the current key cannot
// invalidate it.
class InMemoryIterator final : public BytesIterator {
 public:
  InMemoryIterator(const Map* map, const uint64_t* version,
                   std::optional<std::string_view> from, std::optional<std::string_view> to,
                   bool reverse)
      : map_(map), version_(version), seen_version_(*version), reverse_(reverse) {
    if (from) from_ = std::string(*from);
    if (to) to_ = std::string(*to);
    if (from_ && to_ && *from_ > *to_) {
      done_ = true;
      return;
    }
    if (!reverse_) {
      it_ = from_ ? map_->lower_bound(*from_) : map_->begin();
    } else {
      // Position on the last key <= to.
      auto end = to_ ? map_->upper_bound(*to_) : map_->end();
      if (end == map_->begin()) {
        done_ = true;
        return;
      }
      it_ = std::prev(end);
    }
    Settle();
  }

  bool Valid() const override { return !done_; }
  std::string_view key() const override { return current_key_; }
  std::string_view value() const override { return current_value_; }

  void Next() override {
    if (done_) return;
    if (*version_ != seen_version_) {
      // Re-seek relative to the last key returned.
      seen_version_ = *version_;
      if (!reverse_) {
        it_ = map_->upper_bound(current_key_);
      } else {
        auto lb = map_->lower_bound(current_key_);
        if (lb == map_->begin()) {
          done_ = true;
          return;
        }
        it_ = std::prev(lb);
      }
    } else if (!reverse_) {
      ++it_;
    } else {
      if (it_ == map_->begin()) {
        done_ = true;
        return;
      }
      --it_;
    }
    Settle();
  }

 private:
  // Checks bounds at it_ and copies the entry out (so the views stay valid
  // whatever the store does before the next Next()).
  void Settle() {
    if (it_ == map_->end()) {
      done_ = true;
      return;
    }
    if (!reverse_ && to_ && it_->first > *to_) {
      done_ = true;
      return;
    }
    if (reverse_ && from_ && it_->first < *from_) {
      done_ = true;
      return;
    }
    current_key_.assign(it_->first);
    current_value_.assign(it_->second);
  }

  const Map* map_;
  const uint64_t* version_;
  uint64_t seen_version_;
  bool reverse_;
  bool done_ = false;
  std::optional<std::string> from_, to_;
  Map::const_iterator it_;
  std::string current_key_, current_value_;
};

class InMemoryKeyValueStore final : public KeyValueBytesStore {
 public:
  explicit InMemoryKeyValueStore(std::string name) : name_(std::move(name)) {}

  const std::string& name() const override { return name_; }
  absl::Status Init(StateStoreContext&) override {
    open_ = true;
    return absl::OkStatus();
  }
  absl::Status Flush() override { return absl::OkStatus(); }
  absl::Status Close() override {
    open_ = false;
    map_.clear();
    ++version_;
    return absl::OkStatus();
  }
  absl::Status Wipe() override {
    map_.clear();
    ++version_;
    return absl::OkStatus();
  }
  bool persistent() const override { return false; }
  bool is_open() const override { return open_; }

  absl::StatusOr<bool> Get(std::string_view key, std::string* value) override {
    auto it = map_.find(key);
    if (it == map_.end()) return false;
    value->assign(it->second);
    return true;
  }
  absl::Status Put(std::string_view key, BytesValue value, int64_t) override {
    if (!value) {
      auto it = map_.find(key);
      if (it != map_.end()) {
        map_.erase(it);
        ++version_;
      }
      return absl::OkStatus();
    }
    auto it = map_.lower_bound(key);
    if (it != map_.end() && it->first == key) {
      it->second.assign(*value);
    } else {
      map_.emplace_hint(it, std::string(key), std::string(*value));
      ++version_;
    }
    return absl::OkStatus();
  }
  std::unique_ptr<BytesIterator> Range(std::optional<std::string_view> from,
                                       std::optional<std::string_view> to,
                                       bool reverse) override {
    return std::make_unique<InMemoryIterator>(&map_, &version_, from, to, reverse);
  }
  uint64_t ApproximateNumEntries() override { return map_.size(); }

 private:
  std::string name_;
  Map map_;
  uint64_t version_ = 0;  // moves on inserts and erases (not on updates)
  bool open_ = false;
};

}  // namespace

std::unique_ptr<KeyValueBytesStore> NewInMemoryKeyValueBytesStore(std::string name) {
  return std::make_unique<InMemoryKeyValueStore>(std::move(name));
}

}  // namespace kstreams::internal
