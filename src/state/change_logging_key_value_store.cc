// The change-logging layer: every write goes to the bytes store beneath and
// then to the store's changelog sink (Java's ChangeLoggingKeyValueBytesStore).
#include "kstreams/state/internal/key_value_bytes_store.h"
#include "state/change_logging_layer.h"

namespace kstreams::internal {
namespace {

class ChangeLoggingKeyValueStore final : public ChangeLoggingLayer<KeyValueBytesStore> {
 public:
  ChangeLoggingKeyValueStore(std::unique_ptr<KeyValueBytesStore> inner, bool timestamped)
      : ChangeLoggingLayer(std::move(inner), timestamped) {}

  absl::StatusOr<bool> Get(std::string_view key, std::string* value) override {
    return inner_->Get(key, value);
  }
  absl::Status Put(std::string_view key, BytesValue value, int64_t timestamp) override {
    absl::Status s = inner_->Put(key, value, timestamp);
    if (s.ok()) Log(key, value, timestamp);
    return s;
  }
  absl::Status PutAll(
      const std::vector<std::pair<std::string, std::optional<std::string>>>& entries,
      int64_t timestamp) override {
    absl::Status s = inner_->PutAll(entries, timestamp);
    if (!s.ok()) return s;
    for (const auto& [key, value] : entries) {
      BytesValue v;
      if (value) v = *value;
      Log(key, v, timestamp);
    }
    return s;
  }
  std::unique_ptr<BytesIterator> Range(std::optional<std::string_view> from,
                                       std::optional<std::string_view> to,
                                       bool reverse) override {
    return inner_->Range(from, to, reverse);
  }
  std::unique_ptr<BytesIterator> PrefixScan(std::string_view prefix) override {
    return inner_->PrefixScan(prefix);
  }
  uint64_t ApproximateNumEntries() override { return inner_->ApproximateNumEntries(); }
  bool SetFlushListener(CacheFlushListener listener, bool send_old_values) override {
    return inner_->SetFlushListener(std::move(listener), send_old_values);
  }
};

}  // namespace

std::unique_ptr<KeyValueBytesStore> NewChangeLoggingKeyValueBytesStore(
    std::unique_ptr<KeyValueBytesStore> inner, bool timestamped) {
  return std::make_unique<ChangeLoggingKeyValueStore>(std::move(inner), timestamped);
}

}  // namespace kstreams::internal
