// kstreams/log.h
//
// Where kstreams' log lines go. By default, lines at kInfo and above are
// written to stderr. Install a sink to route them into your service's logger
// (or to capture them in tests).
//
// Thread-safe: lines may arrive from any stream thread; the sink must be too.
//
// Example:
//
//   kstreams::SetLogSink([](kstreams::LogLevel level, std::string_view line) {
//     my_logger.Write(static_cast<int>(level), line);
//   });
//   kstreams::SetLogLevel(kstreams::LogLevel::kDebug);
#ifndef KSTREAMS_LOG_H_
#define KSTREAMS_LOG_H_

#include <functional>
#include <string_view>

namespace kstreams {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

using LogSink = std::function<void(LogLevel level, std::string_view line)>;

// Replaces the sink; nullptr restores the stderr default.
void SetLogSink(LogSink sink);
// Lines below `level` are dropped before formatting. Default: kInfo.
void SetLogLevel(LogLevel level);

namespace internal {
bool LogEnabled(LogLevel level);
void LogLine(LogLevel level, std::string_view line);
}  // namespace internal

}  // namespace kstreams

#endif  // KSTREAMS_LOG_H_
