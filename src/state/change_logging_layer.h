// What the change-logging layers (key-value, window/session, versioned)
// share: on Init they take the store's changelog sink and register the store
// beneath as the changelog's restore target (Java's ProcessorContext.register
// in ChangeLogging*Store.init); on Close they drop the sink. Each layer only
// decides which writes it logs.
//
// Timestamped stores (values: 8-byte big-endian timestamp, then the value)
// log Java's layout (ChangeLoggingTimestamped*BytesStore): the plain value,
// with the timestamp as the changelog record's. Their restoration puts the
// record's timestamp back in front, so a changelog written by Kafka Streams
// restores here and the other way round.
//
// Thread-compatible, like the store beneath.
#ifndef KSTREAMS_SRC_STATE_CHANGE_LOGGING_LAYER_H_
#define KSTREAMS_SRC_STATE_CHANGE_LOGGING_LAYER_H_

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kstreams/internal/big_endian.h"
#include "kstreams/state/internal/key_value_bytes_store.h"
#include "kstreams/state/internal/wrapped_state_store.h"
#include "kstreams/status_macros.h"

namespace kstreams::internal {

// The restore target of a timestamped store: each changelog value becomes
// the record's timestamp (8 bytes, big-endian) followed by the value.
class TimestampedRestoreCallback final : public StateRestoreCallback {
 public:
  explicit TimestampedRestoreCallback(StateRestoreCallback* inner) : inner_(inner) {}

  absl::Status RestoreBatch(std::span<const ChangelogRecord> records) override {
    size_t bytes = 0;
    for (const ChangelogRecord& r : records) bytes += r.value ? r.value->size() + 8 : 0;
    values_.clear();
    values_.reserve(bytes);  // no reallocation below: the views stay valid
    converted_.assign(records.begin(), records.end());
    for (ChangelogRecord& r : converted_) {
      if (!r.value) continue;
      const size_t start = values_.size();
      AppendInt64BigEndian(values_, r.timestamp);
      values_.append(*r.value);
      r.value = std::string_view(values_).substr(start);
    }
    return inner_->RestoreBatch(converted_);
  }
  absl::Status Wipe() override { return inner_->Wipe(); }
  absl::StatusOr<std::optional<int64_t>> BeginTransactions() override {
    return inner_->BeginTransactions();
  }
  absl::Status CommitTransaction(int64_t changelog_offset) override {
    return inner_->CommitTransaction(changelog_offset);
  }

 private:
  StateRestoreCallback* inner_;
  std::vector<ChangelogRecord> converted_;  // reused per batch
  std::string values_;
};

// REQUIRES: `Store` is a StateStore and a StateRestoreCallback (the bytes
// store interfaces are).
template <typename Store>
class ChangeLoggingLayer : public WrappedStateStore<Store> {
 public:
  absl::Status Init(StateStoreContext& context) override {
    sink_ = context.changelog_sink(this->name());
    KSTREAMS_RETURN_IF_ERROR(this->inner_->Init(context));
    if (timestamped_restore_) {
      context.RegisterRestore(this->name(), &*timestamped_restore_);
    } else {
      context.RegisterRestore(this->name(), this->inner_.get());
    }
    return absl::OkStatus();
  }
  absl::Status Close() override {
    sink_ = nullptr;
    return this->inner_->Close();
  }

 protected:
  ChangeLoggingLayer(std::unique_ptr<Store> inner, bool timestamped)
      : WrappedStateStore<Store>(std::move(inner)) {
    if (timestamped) timestamped_restore_.emplace(this->inner_.get());
  }

  // Logs one write, in Java's layout for a timestamped store.
  void Log(std::string_view key, BytesValue value, int64_t timestamp) {
    if (sink_ == nullptr) return;
    if (timestamped_restore_ && value && value->size() >= 8) {
      sink_->Log(key, value->substr(8), ReadInt64BigEndian(*value));
    } else {
      sink_->Log(key, value, timestamp);
    }
  }

 private:
  // Where this store's writes are logged; nullptr: nowhere (before Init,
  // after Close, or when the store's changes go nowhere).
  ChangelogSink* sink_ = nullptr;
  // Set for a timestamped store.
  std::optional<TimestampedRestoreCallback> timestamped_restore_;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_STATE_CHANGE_LOGGING_LAYER_H_
