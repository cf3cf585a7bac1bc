// kstreams/status_macros.h
//
// Early-return helpers for absl::Status / absl::StatusOr<T>. Debian's Abseil
// (20220623) ships no RETURN_IF_ERROR macros, so the project keeps its own.
//
// Example:
//
//   absl::StatusOr<int> ParsePort(std::string_view s);
//   absl::Status Connect(std::string_view s) {
//     KSTREAMS_ASSIGN_OR_RETURN(int port, ParsePort(s));
//     KSTREAMS_RETURN_IF_ERROR(Open(port));
//     return absl::OkStatus();
//   }
#ifndef KSTREAMS_STATUS_MACROS_H_
#define KSTREAMS_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define KSTREAMS_INTERNAL_CONCAT_IMPL(a, b) a##b
#define KSTREAMS_INTERNAL_CONCAT(a, b) KSTREAMS_INTERNAL_CONCAT_IMPL(a, b)

// Evaluates `expr` (an absl::Status) and returns it from the enclosing function
// if it is not OK.
#define KSTREAMS_RETURN_IF_ERROR(expr)                   \
  do {                                                   \
    ::absl::Status kstreams_status_ = (expr);            \
    if (!kstreams_status_.ok()) return kstreams_status_; \
  } while (false)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status from
// the enclosing function, otherwise moves the value into `lhs` (which may be a
// declaration such as `auto x`).
#define KSTREAMS_ASSIGN_OR_RETURN(lhs, rexpr) \
  KSTREAMS_INTERNAL_ASSIGN_OR_RETURN(         \
      KSTREAMS_INTERNAL_CONCAT(kstreams_statusor_, __LINE__), lhs, rexpr)

#define KSTREAMS_INTERNAL_ASSIGN_OR_RETURN(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                       \
  if (!tmp.ok()) return std::move(tmp).status();            \
  lhs = std::move(tmp).value()

// Programmer errors: checked in debug builds, never reachable from user input.
#include <cassert>
#define KSTREAMS_DCHECK(cond) assert(cond)

#endif  // KSTREAMS_STATUS_MACROS_H_
