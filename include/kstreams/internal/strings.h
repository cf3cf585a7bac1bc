// kstreams/internal/strings.h  (internal: not for users)
//
// StrCat / StrAppend / StrJoin over std::string_view. Debian's Abseil is built
// with its own absl::string_view (not std::string_view), so absl::StrCat does
// not accept std::string_view arguments; these do, and absl::string_view too.
#ifndef KSTREAMS_INTERNAL_STRINGS_H_
#define KSTREAMS_INTERNAL_STRINGS_H_

#include <charconv>
#include <concepts>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/string_view.h"

namespace kstreams::internal {

inline void AppendPiece(std::string& out, std::string_view s) { out.append(s); }
inline void AppendPiece(std::string& out, const std::string& s) { out.append(s); }
inline void AppendPiece(std::string& out, const char* s) { out.append(s); }
inline void AppendPiece(std::string& out, char c) { out.push_back(c); }
inline void AppendPiece(std::string& out, bool b) { out.append(b ? "true" : "false"); }
template <typename S>
  requires(std::same_as<S, absl::string_view> &&
           !std::same_as<absl::string_view, std::string_view>)
inline void AppendPiece(std::string& out, S s) {
  out.append(s.data(), s.size());
}
template <typename T>
  requires(std::is_arithmetic_v<T> && !std::same_as<T, bool> && !std::same_as<T, char>)
void AppendPiece(std::string& out, T v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, end);
}

template <typename... Args>
std::string StrCat(const Args&... args) {
  std::string out;
  (AppendPiece(out, args), ...);
  return out;
}

template <typename... Args>
void StrAppend(std::string* out, const Args&... args) {
  (AppendPiece(*out, args), ...);
}

// Joins the elements of `range` (anything AppendPiece accepts) with `sep`.
template <typename Range>
std::string StrJoin(const Range& range, std::string_view sep) {
  std::string out;
  bool first = true;
  for (const auto& item : range) {
    if (!first) out.append(sep);
    first = false;
    AppendPiece(out, item);
  }
  return out;
}

}  // namespace kstreams::internal

#endif  // KSTREAMS_INTERNAL_STRINGS_H_
