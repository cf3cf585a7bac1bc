// src/runtime/checkpoint_file.h  (internal: not for users)
//
// CheckpointFile: a task's `.checkpoint` file, in Kafka Streams' format
// (OffsetCheckpoint), so a state directory reads the same in both:
//
//   0                      <- format version
//   2                      <- number of entries
//   app-counts-changelog 3 1041
//   app-other-changelog 3 77
//
// Each entry is the changelog offset of the LAST record a persistent store
// holds on disk (restoration resumes at offset + 1); -4 (Java's
// OFFSET_UNKNOWN) means the store holds nothing of its changelog.
//
// Writes are atomic: a temporary file "<path>.tmp" is written and fsynced,
// renamed over the file, and the directory is fsynced, so a crash leaves
// either the old or the new checkpoint, never a torn one.
//
// Thread-compatible.
//
// Example:
//
//   CheckpointFile file(task_dir / ".checkpoint");
//   KSTREAMS_RETURN_IF_ERROR(file.Write({{{"app-counts-changelog", 3}, 1041}}));
//   KSTREAMS_ASSIGN_OR_RETURN(auto offsets, file.Read());
#ifndef KSTREAMS_SRC_RUNTIME_CHECKPOINT_FILE_H_
#define KSTREAMS_SRC_RUNTIME_CHECKPOINT_FILE_H_

#include <cstdint>
#include <filesystem>
#include <map>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kstreams/topic_partition.h"

namespace kstreams::internal {

// The file name Kafka Streams uses inside a task directory.
inline constexpr char kCheckpointFileName[] = ".checkpoint";
// Java's OffsetCheckpoint.OFFSET_UNKNOWN: a store with no changelog offset.
inline constexpr int64_t kCheckpointOffsetUnknown = -4;

class CheckpointFile {
 public:
  explicit CheckpointFile(std::filesystem::path path) : path_(std::move(path)) {}

  // The entries; an empty map when the file does not exist. A malformed file
  // (unknown version, bad line, wrong entry count) is DataLoss naming the
  // file and what is wrong; I/O errors are Unavailable.
  absl::StatusOr<std::map<TopicPartition, int64_t>> Read() const;

  // Replaces the file atomically. An empty map writes nothing (as Java).
  // Offsets must be >= 0 or kCheckpointOffsetUnknown (InvalidArgument else).
  absl::Status Write(const std::map<TopicPartition, int64_t>& offsets) const;

  // Removes the file if it exists.
  absl::Status Delete() const;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_RUNTIME_CHECKPOINT_FILE_H_
