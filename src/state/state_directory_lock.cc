#include "state/state_directory_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "kstreams/internal/strings.h"

namespace kstreams::internal {

absl::StatusOr<std::unique_ptr<StateDirectoryLock>> StateDirectoryLock::Acquire(
    const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return absl::UnavailableError(StrCat("cannot create state directory '", dir.string(),
                                         "': ", ec.message()));
  }
  std::filesystem::path file = dir / ".lock";
  int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::UnavailableError(StrCat("cannot open lock file '", file.string(),
                                         "': ", std::strerror(errno)));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return absl::FailedPreconditionError(StrCat(
          "state directory '", dir.string(),
          "' is locked by another KafkaStreams instance or thread (lock file '",
          file.string(), "'); is another instance with the same application.id "
          "and state.dir running?"));
    }
    return absl::UnavailableError(StrCat("cannot lock '", file.string(),
                                         "': ", std::strerror(err)));
  }
  return std::unique_ptr<StateDirectoryLock>(new StateDirectoryLock(dir, fd));
}

StateDirectoryLock::~StateDirectoryLock() {
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
}

}  // namespace kstreams::internal
