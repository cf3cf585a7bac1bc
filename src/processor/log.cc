#include "kstreams/log.h"

#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>

namespace kstreams {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
std::mutex g_sink_mu;
LogSink& Sink() {
  static LogSink sink;
  return sink;
}

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "DEBUG";
    case LogLevel::kInfo: return "INFO";
    case LogLevel::kWarning: return "WARN";
    case LogLevel::kError: return "ERROR";
  }
  return "?";
}

}  // namespace

void SetLogSink(LogSink sink) {
  std::lock_guard<std::mutex> lock(g_sink_mu);
  Sink() = std::move(sink);
}

void SetLogLevel(LogLevel level) { g_level.store(static_cast<int>(level)); }

namespace internal {

bool LogEnabled(LogLevel level) {
  return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed);
}

void LogLine(LogLevel level, std::string_view line) {
  if (!LogEnabled(level)) return;
  std::lock_guard<std::mutex> lock(g_sink_mu);
  if (Sink()) {
    Sink()(level, line);
  } else {
    std::fprintf(stderr, "[kstreams %s] %.*s\n", LevelName(level),
                 static_cast<int>(line.size()), line.data());
  }
}

}  // namespace internal
}  // namespace kstreams
