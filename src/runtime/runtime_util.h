// Small helpers the runtime's threads share: the wall clock in milliseconds
// and a status with a context prefix.
#ifndef KSTREAMS_SRC_RUNTIME_RUNTIME_UTIL_H_
#define KSTREAMS_SRC_RUNTIME_RUNTIME_UTIL_H_

#include <chrono>
#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "kstreams/internal/strings.h"

namespace kstreams::internal {

// Wall-clock time, in milliseconds since the epoch.
inline int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// `s` with `prefix` before its message (same code).
inline absl::Status Prefixed(const absl::Status& s, std::string_view prefix) {
  return absl::Status(s.code(), StrCat(prefix, s.message()));
}

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_RUNTIME_RUNTIME_UTIL_H_
