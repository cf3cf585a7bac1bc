#include "runtime/process_id.h"

#include <array>
#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <system_error>

#include "kstreams/internal/strings.h"
#include "kstreams/log.h"
#include "kstreams/serde/serde.h"

namespace kstreams::internal {

std::string RandomUuid() {
  std::random_device rd;
  std::array<uint8_t, 16> bytes;
  for (size_t i = 0; i < bytes.size(); i += 4) {
    uint32_t r = rd();
    for (size_t j = 0; j < 4; ++j) bytes[i + j] = static_cast<uint8_t>(r >> (8 * j));
  }
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3f) | 0x80);  // IETF variant
  return Uuid(bytes).ToString();
}

std::optional<std::string> ParseProcessFile(std::string_view json) {
  constexpr std::string_view kField = "\"processId\"";
  size_t at = json.find(kField);
  if (at == std::string_view::npos) return std::nullopt;
  at = json.find_first_not_of(" \t\r\n", at + kField.size());
  if (at == std::string_view::npos || json[at] != ':') return std::nullopt;
  at = json.find_first_not_of(" \t\r\n", at + 1);
  if (at == std::string_view::npos || json[at] != '"') return std::nullopt;
  size_t end = json.find('"', at + 1);
  if (end == std::string_view::npos) return std::nullopt;
  absl::StatusOr<Uuid> uuid = Uuid::Parse(json.substr(at + 1, end - at - 1));
  if (!uuid.ok()) return std::nullopt;
  return uuid->ToString();
}

namespace {

// Writes `content` to `file` atomically (temp file, then rename).
bool WriteAtomically(const std::filesystem::path& file, const std::string& content) {
  std::filesystem::path tmp = file;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << content;
    out.flush();
    if (!out) return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  return !ec;
}

}  // namespace

ProcessIdentity AcquireProcessId(const std::filesystem::path& app_dir) {
  ProcessIdentity identity;
  absl::StatusOr<std::unique_ptr<StateDirectoryLock>> lock = StateDirectoryLock::Acquire(app_dir);
  if (!lock.ok()) {
    identity.process_id = RandomUuid();
    LogLine(absl::IsFailedPrecondition(lock.status()) ? LogLevel::kInfo : LogLevel::kWarning,
            StrCat("process id ", identity.process_id, " is not kept in '", app_dir.string(),
                   "': ", lock.status().message()));
    return identity;
  }
  identity.lock = *std::move(lock);
  const std::filesystem::path file = app_dir / kProcessFileName;
  std::ifstream in(file);
  if (in) {
    std::stringstream content;
    content << in.rdbuf();
    if (std::optional<std::string> id = ParseProcessFile(content.str())) {
      identity.process_id = *id;
      return identity;
    }
    LogLine(LogLevel::kWarning,
            StrCat("'", file.string(), "' holds no processId; a new one is written"));
  }
  identity.process_id = RandomUuid();
  if (!WriteAtomically(file, StrCat("{\"processId\":\"", identity.process_id, "\"}"))) {
    LogLine(LogLevel::kWarning, StrCat("cannot write '", file.string(), "'; process id ",
                                       identity.process_id, " is not kept"));
  }
  return identity;
}

}  // namespace kstreams::internal
