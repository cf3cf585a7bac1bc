// The storage under a segmented (window / session) store: where segments
// live and how they are created and dropped. The segmented store
// (segmented_bytes_store.cc) does everything else: segment ids, retention,
// range queries across segments. Backends: in-memory maps, RocksDB column
// families (rocksdb_segmented_store.cc).
//
// Thread-compatible: owned by one store.
#ifndef KSTREAMS_SRC_STATE_SEGMENT_BACKEND_H_
#define KSTREAMS_SRC_STATE_SEGMENT_BACKEND_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kstreams/state/internal/key_value_bytes_store.h"
#include "kstreams/state/internal/segmented_bytes_store.h"

namespace kstreams::internal {

class SegmentBackend {
 public:
  virtual ~SegmentBackend() = default;
  // Opens the storage of store `name`; returns the ids of the segments it
  // already holds (a persistent store reopened), ascending.
  virtual absl::StatusOr<std::vector<int64_t>> Open(StateStoreContext& context,
                                                    const std::string& name) = 0;
  // Segment `id`, opened or created. Ordered bytes store semantics (Get,
  // Put, Range); its Init/Flush/Close are no-ops, the backend does those.
  // The segment stays readable while anyone holds it, even after Drop.
  virtual absl::StatusOr<std::shared_ptr<KeyValueBytesStore>> Segment(int64_t id) = 0;
  // Frees segment `id`'s storage (iterators still holding it may finish).
  virtual absl::Status Drop(int64_t id) = 0;
  virtual absl::Status Flush() = 0;
  // REQUIRES: every segment it handed out has been released.
  virtual absl::Status Close() = 0;
  virtual bool persistent() const = 0;
};

// The segmented store over `backend`.
std::unique_ptr<SegmentedBytesStore> NewSegmentedBytesStore(
    std::string name, SegmentedKeyKind kind, int64_t retention_ms, int64_t segment_interval_ms,
    std::unique_ptr<SegmentBackend> backend);

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_STATE_SEGMENT_BACKEND_H_
