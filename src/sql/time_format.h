// Java SimpleDateFormat / DateTimeFormatter patterns, the part ksqlDB's
// TIMESTAMPTOSTRING, STRINGTOTIMESTAMP, FORMAT_DATE, ... use: y M d H h a m s
// S (fraction digits), X/Z (zone offset), 'quoted text'; other characters are
// literal. Time zones: "UTC" (the default), fixed offsets "+01:00", or IANA
// names when the system has the zone database.
#ifndef KSTREAMS_SRC_SQL_TIME_FORMAT_H_
#define KSTREAMS_SRC_SQL_TIME_FORMAT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace kstreams::sql::internal {

absl::StatusOr<std::string> FormatTimestamp(int64_t epoch_ms, std::string_view pattern,
                                            std::string_view zone = "UTC");
absl::StatusOr<int64_t> ParseTimestamp(std::string_view text, std::string_view pattern,
                                       std::string_view zone = "UTC");
// ISO-8601 as ksqlDB prints and reads TIMESTAMP values in strings:
// "2021-01-02T03:04:05.006" (UTC).
std::string FormatIsoTimestamp(int64_t epoch_ms);
absl::StatusOr<int64_t> ParseIsoTimestamp(std::string_view text);
std::string FormatIsoDate(int64_t days);
absl::StatusOr<int64_t> ParseIsoDate(std::string_view text);
std::string FormatIsoTime(int64_t ms_of_day);
absl::StatusOr<int64_t> ParseIsoTime(std::string_view text);

}  // namespace kstreams::sql::internal

#endif  // KSTREAMS_SRC_SQL_TIME_FORMAT_H_
