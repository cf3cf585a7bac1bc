// Defaults shared by every bytes store layer.
#include "kstreams/state/internal/key_value_bytes_store.h"

namespace kstreams::internal {
namespace {

class EmptyIterator final : public BytesIterator {
 public:
  explicit EmptyIterator(absl::Status status) : status_(std::move(status)) {}
  bool Valid() const override { return false; }
  std::string_view key() const override { return {}; }
  std::string_view value() const override { return {}; }
  void Next() override {}
  absl::Status status() const override { return status_; }

 private:
  absl::Status status_;
};

// Stops the wrapped ascending iterator at the first key without the prefix.
class PrefixIterator final : public BytesIterator {
 public:
  PrefixIterator(std::unique_ptr<BytesIterator> inner, std::string prefix)
      : inner_(std::move(inner)), prefix_(std::move(prefix)) {}
  bool Valid() const override {
    return inner_->Valid() && inner_->key().starts_with(prefix_);
  }
  std::string_view key() const override { return inner_->key(); }
  std::string_view value() const override { return inner_->value(); }
  void Next() override { inner_->Next(); }
  absl::Status status() const override { return inner_->status(); }

 private:
  std::unique_ptr<BytesIterator> inner_;
  std::string prefix_;
};

}  // namespace

std::unique_ptr<BytesIterator> EmptyBytesIterator(absl::Status status) {
  return std::make_unique<EmptyIterator>(std::move(status));
}

absl::Status KeyValueBytesStore::PutAll(
    const std::vector<std::pair<std::string, std::optional<std::string>>>& entries,
    int64_t timestamp) {
  for (const auto& [key, value] : entries) {
    BytesValue v;
    if (value) v = *value;
    absl::Status s = Put(key, v, timestamp);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status KeyValueBytesStore::RestoreBatch(std::span<const ChangelogRecord> records) {
  for (const ChangelogRecord& r : records) {
    absl::Status s = Put(r.key, r.value, r.timestamp);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status KeyValueBytesStore::Wipe() {
  std::vector<std::string> keys;
  {
    std::unique_ptr<BytesIterator> it = Range(std::nullopt, std::nullopt, false);
    for (; it->Valid(); it->Next()) keys.emplace_back(it->key());
    if (absl::Status s = it->status(); !s.ok()) return s;
  }
  for (const std::string& key : keys) {
    absl::Status s = Put(key, std::nullopt, -1);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

std::unique_ptr<BytesIterator> KeyValueBytesStore::PrefixScan(std::string_view prefix) {
  return std::make_unique<PrefixIterator>(Range(prefix, std::nullopt, false),
                                          std::string(prefix));
}

}  // namespace kstreams::internal
