#include "runtime/checkpoint_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/numbers.h"
#include "kstreams/internal/strings.h"

namespace kstreams::internal {
namespace {

absl::Status Corrupt(const std::filesystem::path& path, std::string_view what) {
  return absl::DataLossError(StrCat("checkpoint file '", path.string(), "' is corrupt: ", what));
}

absl::Status IoError(std::string_view what, const std::filesystem::path& path, int err) {
  return absl::UnavailableError(
      StrCat("cannot ", what, " checkpoint file '", path.string(), "': ", std::strerror(err)));
}

// Splits on runs of whitespace (Java splits on "\\s+").
std::vector<std::string> Fields(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string f; in >> f;) out.push_back(std::move(f));
  return out;
}

absl::Status WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::ErrnoToStatus(errno, "write");
    }
    done += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::map<TopicPartition, int64_t>> CheckpointFile::Read() const {
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec) && !ec) return std::map<TopicPartition, int64_t>{};
  std::ifstream in(path_);
  if (!in) return IoError("read", path_, errno);
  std::string line;
  if (!std::getline(in, line)) return Corrupt(path_, "it is empty (no version line)");
  int version = 0;
  if (!absl::SimpleAtoi(line, &version)) {
    return Corrupt(path_, StrCat("the version line is '", line, "', not a number"));
  }
  if (version != 0) return Corrupt(path_, StrCat("unknown checkpoint version ", version));
  if (!std::getline(in, line)) return Corrupt(path_, "it ended before the entry count");
  int64_t expected = 0;
  if (!absl::SimpleAtoi(line, &expected) || expected < 0) {
    return Corrupt(path_, StrCat("the entry count line is '", line, "'"));
  }
  std::map<TopicPartition, int64_t> offsets;
  int64_t entries = 0;
  for (int line_number = 3; std::getline(in, line); ++line_number) {
    std::vector<std::string> f = Fields(line);
    TopicPartition tp;
    int64_t offset = 0;
    if (f.size() != 3 || !absl::SimpleAtoi(f[1], &tp.partition) ||
        !absl::SimpleAtoi(f[2], &offset)) {
      return Corrupt(path_, StrCat("malformed line ", line_number, ": '", line,
                                   "' (expected 'topic partition offset')"));
    }
    tp.topic = f[0];
    offsets[std::move(tp)] = offset;
    ++entries;
  }
  if (entries != expected || static_cast<int64_t>(offsets.size()) != expected) {
    return Corrupt(path_, StrCat("expected ", expected, " entries but found ", offsets.size()));
  }
  return offsets;
}

absl::Status CheckpointFile::Write(const std::map<TopicPartition, int64_t>& offsets) const {
  if (offsets.empty()) return absl::OkStatus();
  std::string data = StrCat("0\n", offsets.size(), "\n");
  for (const auto& [tp, offset] : offsets) {
    if (offset < 0 && offset != kCheckpointOffsetUnknown) {
      return absl::InvalidArgumentError(StrCat("cannot checkpoint negative offset ", offset,
                                               " for ", tp.ToString(), " in '",
                                               path_.string(), "'"));
    }
    StrAppend(&data, tp.topic, " ", tp.partition, " ", offset, "\n");
  }
  const std::filesystem::path temp = path_.string() + ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return IoError("create the temporary", temp, errno);
  absl::Status s = WriteAll(fd, data);
  if (s.ok() && ::fsync(fd) != 0) s = absl::ErrnoToStatus(errno, "fsync");
  if (::close(fd) != 0 && s.ok()) s = absl::ErrnoToStatus(errno, "close");
  if (!s.ok()) {
    ::unlink(temp.c_str());
    return absl::UnavailableError(
        StrCat("cannot write checkpoint file '", temp.string(), "': ", s.message()));
  }
  if (::rename(temp.c_str(), path_.c_str()) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    return IoError("rename the temporary file over the", path_, err);
  }
  // The rename is durable once the directory entry is.
  int dir = ::open(path_.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return absl::OkStatus();
}

absl::Status CheckpointFile::Delete() const {
  std::error_code ec;
  std::filesystem::remove(path_, ec);
  if (ec) {
    return absl::UnavailableError(
        StrCat("cannot delete checkpoint file '", path_.string(), "': ", ec.message()));
  }
  return absl::OkStatus();
}

}  // namespace kstreams::internal
