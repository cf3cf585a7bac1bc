// StateDirectoryLock: an exclusive lock on a task's state directory
// (<state.dir>/<application.id>/<task id>), held while a task owns its
// stores, so that two instances (or two threads of one instance) never open
// the same stores. It is a `.lock` file in the directory locked with
// flock(LOCK_EX | LOCK_NB): the kernel drops it when the process dies, so a
// crash leaves no stale lock. flock locks belong to the open file, so a
// second lock attempt from the same process fails too.
//
// Thread-safety: Acquire may be called from any thread; a lock object is
// owned by one.
//
// Example:
//
//   KSTREAMS_ASSIGN_OR_RETURN(std::unique_ptr<StateDirectoryLock> lock,
//                             StateDirectoryLock::Acquire(task_dir));
//   ... open stores ...   // the lock is released when `lock` is destroyed
#ifndef KSTREAMS_SRC_STATE_STATE_DIRECTORY_LOCK_H_
#define KSTREAMS_SRC_STATE_STATE_DIRECTORY_LOCK_H_

#include <filesystem>
#include <memory>

#include "absl/status/statusor.h"

namespace kstreams::internal {

class StateDirectoryLock {
 public:
  // Creates `dir` if needed and locks it. FailedPreconditionError naming the
  // directory when another owner holds the lock; other errors for I/O.
  static absl::StatusOr<std::unique_ptr<StateDirectoryLock>> Acquire(
      const std::filesystem::path& dir);
  ~StateDirectoryLock();
  StateDirectoryLock(const StateDirectoryLock&) = delete;
  StateDirectoryLock& operator=(const StateDirectoryLock&) = delete;

  const std::filesystem::path& dir() const { return dir_; }

 private:
  StateDirectoryLock(std::filesystem::path dir, int fd) : dir_(std::move(dir)), fd_(fd) {}
  std::filesystem::path dir_;
  int fd_;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_STATE_STATE_DIRECTORY_LOCK_H_
