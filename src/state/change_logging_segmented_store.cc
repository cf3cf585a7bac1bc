// The change-logging layer of window and session stores (Java's
// ChangeLoggingWindowBytesStore / ChangeLoggingSessionBytesStore): every
// write goes beneath, then to the changelog with the store key as record key
// (the layouts are Java's, so the topic restores either way), and the store
// beneath is registered as the changelog's restore target.
#include "kstreams/state/internal/segmented_bytes_store.h"
#include "kstreams/status_macros.h"

namespace kstreams::internal {
namespace {

class ChangeLoggingSegmentedStore final : public SegmentedBytesStore {
 public:
  explicit ChangeLoggingSegmentedStore(std::unique_ptr<SegmentedBytesStore> inner)
      : inner_(std::move(inner)) {}

  const std::string& name() const override { return inner_->name(); }
  absl::Status Init(StateStoreContext& context) override {
    sink_ = context.changelog_sink(name());
    KSTREAMS_RETURN_IF_ERROR(inner_->Init(context));
    context.RegisterRestore(name(), inner_.get());
    return absl::OkStatus();
  }
  absl::Status FlushCache() override { return inner_->FlushCache(); }
  absl::Status Flush() override { return inner_->Flush(); }
  absl::Status Close() override {
    sink_ = nullptr;
    return inner_->Close();
  }
  bool persistent() const override { return inner_->persistent(); }
  bool is_open() const override { return inner_->is_open(); }
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
    if (sink_ != nullptr) sink_->Log(raw, value, timestamp);
    return absl::OkStatus();
  }
  absl::Status PutAll(std::span<const BytesWrite> writes) override {
    KSTREAMS_RETURN_IF_ERROR(inner_->PutAll(writes));
    if (sink_ != nullptr) {
      for (const BytesWrite& w : writes) sink_->Log(w.key, w.value, w.timestamp);
    }
    return absl::OkStatus();
  }
  std::unique_ptr<BytesIterator> Fetch(const SegmentedRange& range) override {
    return inner_->Fetch(range);
  }
  bool SetFlushListener(CacheFlushListener listener, bool send_old_values) override {
    return inner_->SetFlushListener(std::move(listener), send_old_values);
  }

 private:
  std::unique_ptr<SegmentedBytesStore> inner_;
  ChangelogSink* sink_ = nullptr;
};

}  // namespace

std::unique_ptr<SegmentedBytesStore> NewChangeLoggingSegmentedBytesStore(
    std::unique_ptr<SegmentedBytesStore> inner) {
  return std::make_unique<ChangeLoggingSegmentedStore>(std::move(inner));
}

}  // namespace kstreams::internal
