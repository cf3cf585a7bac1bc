// src/runtime/process_id.h  (internal: not for users)
//
// The identity of one KafkaStreams instance (Java's processId, kept by
// StateDirectory): a random UUID stored in
// `<state.dir>/<application.id>/kafka-streams-process-metadata` as Java's
// JSON, `{"processId":"<uuid>"}`, so an instance restarted on the same state
// directory keeps it (and a directory written by Java is read as Java reads
// it: unknown fields are ignored). It names the clients and threads
// (`<client.id or application.id-processId>-StreamThread-N`, Java's scheme)
// and is what exactly-once will derive transactional.id from.
//
// The application directory is locked (its `.lock`, flock) while the
// instance runs, as Java's state directory lock: a second instance on the
// same state.dir (in this process or another) cannot share the file, so it
// gets a fresh UUID that is not stored (logged). A missing or unreadable
// file gets a new UUID, written atomically.
//
// Thread-compatible.
//
// Example:
//
//   KSTREAMS_ASSIGN_OR_RETURN(ProcessIdentity id, AcquireProcessId(app_dir));
//   std::string client_id = StrCat(application_id, "-", id.process_id);
#ifndef KSTREAMS_SRC_RUNTIME_PROCESS_ID_H_
#define KSTREAMS_SRC_RUNTIME_PROCESS_ID_H_

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "state/state_directory_lock.h"

namespace kstreams::internal {

inline constexpr char kProcessFileName[] = "kafka-streams-process-metadata";

struct ProcessIdentity {
  std::string process_id;  // lower-case canonical UUID
  // Held while the instance runs; nullptr when another instance holds the
  // directory (the id is then not stored).
  std::unique_ptr<StateDirectoryLock> lock;
};

// The process id of the instance whose application state directory is
// `app_dir` (`<state.dir>/<application.id>`). Never fails: I/O problems fall
// back to an unstored random UUID, with a warning.
ProcessIdentity AcquireProcessId(const std::filesystem::path& app_dir);

// The processId of a kafka-streams-process-metadata file's JSON, or
// std::nullopt when it has none that parses as a UUID.
std::optional<std::string> ParseProcessFile(std::string_view json);

// A random (version 4) UUID in canonical form.
std::string RandomUuid();

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_RUNTIME_PROCESS_ID_H_
