// A pass-through bytes layer whose range scans copy the entries in range when
// the iterator is created (for global stores, read by several threads).
#include <string>
#include <utility>
#include <vector>

#include "kstreams/state/internal/synchronized_key_value_store.h"
#include "kstreams/state/internal/wrapped_state_store.h"

namespace kstreams::internal {
namespace {

class VectorIterator final : public BytesIterator {
 public:
  VectorIterator(std::vector<std::pair<std::string, std::string>> entries, absl::Status status)
      : entries_(std::move(entries)), status_(std::move(status)) {}
  bool Valid() const override { return pos_ < entries_.size(); }
  std::string_view key() const override { return entries_[pos_].first; }
  std::string_view value() const override { return entries_[pos_].second; }
  void Next() override { ++pos_; }
  absl::Status status() const override { return status_; }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
  absl::Status status_;
  size_t pos_ = 0;
};

std::unique_ptr<BytesIterator> Copy(std::unique_ptr<BytesIterator> it) {
  std::vector<std::pair<std::string, std::string>> entries;
  for (; it->Valid(); it->Next()) entries.emplace_back(it->key(), it->value());
  return std::make_unique<VectorIterator>(std::move(entries), it->status());
}

class CopyingIteratorsStore final : public WrappedStateStore<KeyValueBytesStore> {
 public:
  explicit CopyingIteratorsStore(std::unique_ptr<KeyValueBytesStore> inner)
      : WrappedStateStore(std::move(inner)) {}
  absl::StatusOr<bool> Get(std::string_view key, std::string* value) override {
    return inner_->Get(key, value);
  }
  absl::Status Put(std::string_view key, BytesValue value, int64_t timestamp) override {
    return inner_->Put(key, value, timestamp);
  }
  absl::Status PutAll(
      const std::vector<std::pair<std::string, std::optional<std::string>>>& entries,
      int64_t timestamp) override {
    return inner_->PutAll(entries, timestamp);
  }
  std::unique_ptr<BytesIterator> Range(std::optional<std::string_view> from,
                                       std::optional<std::string_view> to,
                                       bool reverse) override {
    return Copy(inner_->Range(from, to, reverse));
  }
  std::unique_ptr<BytesIterator> PrefixScan(std::string_view prefix) override {
    return Copy(inner_->PrefixScan(prefix));
  }
  uint64_t ApproximateNumEntries() override { return inner_->ApproximateNumEntries(); }
  absl::Status RestoreBatch(std::span<const ChangelogRecord> records) override {
    return inner_->RestoreBatch(records);
  }
};

}  // namespace

std::unique_ptr<KeyValueBytesStore> NewCopyingIteratorsKeyValueBytesStore(
    std::unique_ptr<KeyValueBytesStore> inner) {
  return std::make_unique<CopyingIteratorsStore>(std::move(inner));
}

}  // namespace kstreams::internal
