// The change-logging layer of window and session stores (Java's
// ChangeLoggingWindowBytesStore / ChangeLoggingSessionBytesStore): every
// write goes beneath, then to the changelog with the store key as record key
// (the layouts are Java's, so the topic restores either way), and the store
// beneath is registered as the changelog's restore target.
#include "kstreams/state/internal/segmented_bytes_store.h"
#include "kstreams/status_macros.h"
#include "state/change_logging_layer.h"

namespace kstreams::internal {
namespace {

class ChangeLoggingSegmentedStore final : public ChangeLoggingLayer<SegmentedBytesStore> {
 public:
  ChangeLoggingSegmentedStore(std::unique_ptr<SegmentedBytesStore> inner, bool timestamped)
      : ChangeLoggingLayer(std::move(inner), timestamped) {}

  SegmentedKeyKind kind() const override { return inner_->kind(); }
  int64_t retention_period() const override { return inner_->retention_period(); }
  int64_t segment_interval() const override { return inner_->segment_interval(); }
  int64_t observed_stream_time() const override { return inner_->observed_stream_time(); }

  absl::StatusOr<bool> Get(std::string_view raw, std::string* value) override {
    return inner_->Get(raw, value);
  }
  // Logged even when the store drops the write as expired, as Java does: the
  // changelog stays the history of writes, and restoration drops it again.
  absl::Status Put(std::string_view raw, BytesValue value, int64_t timestamp) override {
    KSTREAMS_RETURN_IF_ERROR(inner_->Put(raw, value, timestamp));
    Log(raw, value, timestamp);
    return absl::OkStatus();
  }
  absl::Status PutAll(std::span<const BytesWrite> writes) override {
    KSTREAMS_RETURN_IF_ERROR(inner_->PutAll(writes));
    for (const BytesWrite& w : writes) Log(w.key, w.value, w.timestamp);
    return absl::OkStatus();
  }
  std::unique_ptr<BytesIterator> Fetch(const SegmentedRange& range) override {
    return inner_->Fetch(range);
  }
  bool SetFlushListener(CacheFlushListener listener, bool send_old_values) override {
    return inner_->SetFlushListener(std::move(listener), send_old_values);
  }
};

}  // namespace

std::unique_ptr<SegmentedBytesStore> NewChangeLoggingSegmentedBytesStore(
    std::unique_ptr<SegmentedBytesStore> inner, bool timestamped) {
  return std::make_unique<ChangeLoggingSegmentedStore>(std::move(inner), timestamped);
}

}  // namespace kstreams::internal
