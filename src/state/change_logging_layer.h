// What the change-logging layers (key-value, window/session, versioned)
// share: on Init they take the store's changelog sink and register the store
// beneath as the changelog's restore target (Java's ProcessorContext.register
// in ChangeLogging*Store.init); on Close they drop the sink. Each layer only
// decides which writes it logs.
//
// Thread-compatible, like the store beneath.
#ifndef KSTREAMS_SRC_STATE_CHANGE_LOGGING_LAYER_H_
#define KSTREAMS_SRC_STATE_CHANGE_LOGGING_LAYER_H_

#include <memory>
#include <utility>

#include "kstreams/state/internal/key_value_bytes_store.h"
#include "kstreams/state/internal/wrapped_state_store.h"
#include "kstreams/status_macros.h"

namespace kstreams::internal {

// REQUIRES: `Store` is a StateStore and a StateRestoreCallback (the bytes
// store interfaces are).
template <typename Store>
class ChangeLoggingLayer : public WrappedStateStore<Store> {
 public:
  absl::Status Init(StateStoreContext& context) override {
    sink_ = context.changelog_sink(this->name());
    KSTREAMS_RETURN_IF_ERROR(this->inner_->Init(context));
    context.RegisterRestore(this->name(), this->inner_.get());
    return absl::OkStatus();
  }
  absl::Status Close() override {
    sink_ = nullptr;
    return this->inner_->Close();
  }

 protected:
  explicit ChangeLoggingLayer(std::unique_ptr<Store> inner)
      : WrappedStateStore<Store>(std::move(inner)) {}

  // Where this store's writes are logged; nullptr: nowhere (before Init,
  // after Close, or when the store's changes go nowhere).
  ChangelogSink* sink_ = nullptr;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_STATE_CHANGE_LOGGING_LAYER_H_
