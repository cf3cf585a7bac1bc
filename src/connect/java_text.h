// src/connect/java_text.h  (internal: not for users)
//
// Text forms that must match what the JVM prints, because Connect's bytes
// depend on them: Double.toString / Float.toString (Jackson writes JSON
// numbers with them; StringConverter and Cast to STRING use them), and
// base64 (Jackson's binary nodes, the standard alphabet with padding).
//
// Thread-safety: pure functions.
#ifndef KSTREAMS_SRC_CONNECT_JAVA_TEXT_H_
#define KSTREAMS_SRC_CONNECT_JAVA_TEXT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace kstreams::connect::internal {

// Java's Double.toString(d) (JDK 19+: the shortest digits that round-trip):
// 1.0, 0.001, 1234567.0, 1.0E7, 1.0E-4, NaN, Infinity, -0.0.
std::string JavaDoubleToString(double d);
// Java's Float.toString(f) (shortest digits for a float).
std::string JavaFloatToString(float f);

std::string Base64Encode(std::string_view bytes);
// Standard alphabet; padding optional; nullopt on a bad character.
std::optional<std::string> Base64Decode(std::string_view text);

// JSON string literal with Jackson's escaping (", \, control characters as
// \n \t \r \b \f or \u00XX; everything else, UTF-8 included, as is).
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace kstreams::connect::internal



namespace kstreams::connect::internal {

// A subset of java.text.SimpleDateFormat, in UTC (Connect's SMTs set the
// format's time zone to UTC): letters y (yyyy, yy), M (MM, M), d, H, m, s,
// S (milliseconds, SSS), quoted literals ('T', '' for a quote) and any
// non-letter as is. Check a pattern with ValidateJavaDatePattern
// (InvalidArgument naming the unsupported letter).
absl::Status ValidateJavaDatePattern(std::string_view pattern);
std::string FormatJavaDate(std::string_view pattern, int64_t epoch_millis);
// Errors: InvalidArgument when `text` does not match the pattern.
absl::StatusOr<int64_t> ParseJavaDate(std::string_view pattern, std::string_view text);

}  // namespace kstreams::connect::internal

#endif  // KSTREAMS_SRC_CONNECT_JAVA_TEXT_H_
