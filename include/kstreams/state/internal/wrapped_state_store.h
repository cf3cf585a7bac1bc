// kstreams/state/internal/wrapped_state_store.h  (internal: not for users)
//
// What every store layer that wraps another store shares (Java's
// WrappedStateStore): it holds the store beneath and forwards the StateStore
// lifecycle to it (name, Init, FlushCache, Flush, Close, persistent,
// is_open). A layer overrides only what it changes: the change-logging
// layers Init and Close (they register the restore target and drop the sink),
// the caching layers FlushCache, Flush and Close (they write their entries
// down first), the typed (metered) tops Init (they learn the topic name).
//
// `Interface` is what the layer implements, `Inner` the type of the store
// beneath, `Holder` how the layer holds it: std::unique_ptr<Inner> when it
// owns it (every layer of a store's stack), Inner* when it only views a
// store someone else owns (the timestamp-dropping facades).
//
// Thread-compatible, like the store beneath.
//
// Example:
//
//   class LoggingLayer final : public WrappedStateStore<KeyValueBytesStore> {
//    public:
//     using WrappedStateStore::WrappedStateStore;
//     absl::Status Put(std::string_view key, BytesValue value, int64_t ts) override {
//       ...  // inner_->Put(...), then log
//     }
//     ...  // the rest of KeyValueBytesStore; the lifecycle is forwarded
//   };
#ifndef KSTREAMS_STATE_INTERNAL_WRAPPED_STATE_STORE_H_
#define KSTREAMS_STATE_INTERNAL_WRAPPED_STATE_STORE_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "kstreams/processor/state_store.h"

namespace kstreams::internal {

template <typename Interface, typename Inner = Interface,
          typename Holder = std::unique_ptr<Inner>>
class WrappedStateStore : public Interface {
 public:
  const std::string& name() const override { return inner_->name(); }
  absl::Status Init(StateStoreContext& context) override { return inner_->Init(context); }
  absl::Status FlushCache() override { return inner_->FlushCache(); }
  absl::Status Flush() override { return inner_->Flush(); }
  absl::Status Close() override { return inner_->Close(); }
  bool persistent() const override { return inner_->persistent(); }
  bool is_open() const override { return inner_->is_open(); }

  // The store beneath this layer.
  Inner& wrapped() const { return *inner_; }

 protected:
  explicit WrappedStateStore(Holder inner) : inner_(std::move(inner)) {}

  Holder inner_;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_STATE_INTERNAL_WRAPPED_STATE_STORE_H_
