#include "state/state_directory_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
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
    if (err == EWOULDBLOCK) {
      // The holder wrote who it is into the file (below).
      char buf[128] = {};
      ssize_t n = ::pread(fd, buf, sizeof(buf) - 1, 0);
      ::close(fd);
      std::string holder = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
      while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\0')) holder.pop_back();
      return absl::FailedPreconditionError(StrCat(
          "state directory '", dir.string(),
          "' is locked by another KafkaStreams instance or thread",
          holder.empty() ? "" : StrCat(" (", holder, ")"), " (lock file '",
          file.string(), "'); is another instance with the same application.id "
          "and state.dir running?"));
    }
    ::close(fd);
    return absl::UnavailableError(StrCat("cannot lock '", file.string(),
                                         "': ", std::strerror(err)));
  }
  // Name the holder for whoever is refused next.
  std::string holder = StrCat("held by process ", static_cast<int64_t>(::getpid()));
  if (::ftruncate(fd, 0) == 0) {
    (void)!::pwrite(fd, holder.data(), holder.size(), 0);
  }
  return std::unique_ptr<StateDirectoryLock>(new StateDirectoryLock(dir, fd));
}

StateDirectoryLock::~StateDirectoryLock() {
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
}

}  // namespace kstreams::internal
