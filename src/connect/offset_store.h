// src/connect/offset_store.h  (internal: not for users)
//
// FileOffsetStore: the standalone worker's source offsets
// (`offset.storage.file.filename`), as Connect's FileOffsetBackingStore keeps
// them: a map from the serialized key ["<connector>", {source partition}] to
// the serialized offset, both written with JsonConverter (schemas.enable
// false), so the keys are the ones Connect's offsets topic uses. The file is
// JSON ([[key, offset], ...]) and is replaced atomically (write a temporary
// file, fsync, rename, fsync the directory) at each flush.
//
// Thread-safety: thread-safe (the tasks of a worker share one store).
#ifndef KSTREAMS_SRC_CONNECT_OFFSET_STORE_H_
#define KSTREAMS_SRC_CONNECT_OFFSET_STORE_H_

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "kstreams/connect/connector.h"
#include "kstreams/connect/converter.h"

namespace kstreams::connect::internal {

class FileOffsetStore {
 public:
  // Loads the file if it exists. Errors: DataLoss for a file that is not ours.
  static absl::StatusOr<std::unique_ptr<FileOffsetStore>> Open(std::string path);

  // The offset stored for (connector, partition), or nullopt.
  std::optional<Value> Get(const std::string& connector, const Value& partition);
  // Stores offsets and writes the file. `offsets`: partition -> offset.
  absl::Status Put(const std::string& connector, const std::vector<std::pair<Value, Value>>& offsets);

  // The serialized key: ["connector",{"filename":"a.txt"}].
  absl::StatusOr<std::string> KeyOf(const std::string& connector, const Value& partition);

 private:
  explicit FileOffsetStore(std::string path);
  absl::Status WriteFileLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string path_;
  absl::Mutex mu_;
  std::unique_ptr<Converter> json_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> entries_ ABSL_GUARDED_BY(mu_);  // key json -> offset json
};

}  // namespace kstreams::connect::internal

#endif  // KSTREAMS_SRC_CONNECT_OFFSET_STORE_H_
