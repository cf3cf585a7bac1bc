#include "report.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <thread>

#include "kstreams/internal/strings.h"

namespace kstreams::bench {
namespace {

std::string Format(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), format, v);
  return buf;
}

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// JSON has no NaN or infinity.
std::string JsonNumber(double v) {
  if (!std::isfinite(v)) return "null";
  return Format("%.10g", v);
}

// "model name" of the first CPU in /proc/cpuinfo, or "".
std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("model name", 0) == 0) {
      size_t colon = line.find(':');
      return colon == std::string::npos ? "" : line.substr(line.find_first_not_of(' ', colon + 1));
    }
  }
  return "";
}

}  // namespace

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one.empty() ? "" : internal::StrCat(one, " ", five, " ", fifteen);
}

void PrintTable(std::ostream& out, const std::vector<ResultRow>& rows) {
  char line[320];
  std::snprintf(line, sizeof(line),
                "%-20s %-10s %11s %6s %9s %13s %9s %7s %10s %13s %9s %9s\n", "workload", "mode",
                "records", "value", "seconds", "records/s", "MB/s", "ratio", "peak RSS",
                "records/cpu-s", "cpu ratio", "startup s");
  out << line;
  for (const ResultRow& r : rows) {
    auto optional = [](const std::optional<double>& v) {
      return v ? Format("%.2f", *v) : std::string("-");
    };
    std::string startup = r.startup_seconds >= 0 ? Format("%.2f", r.startup_seconds) : "-";
    std::snprintf(line, sizeof(line),
                  "%-20s %-10s %11lld %6d %9.3f %13.0f %9.1f %7s %7lld MB %13.0f %9s %9s\n",
                  r.workload.c_str(), r.mode.c_str(), static_cast<long long>(r.records),
                  r.value_size, r.seconds, r.records_per_sec, r.mb_per_sec,
                  optional(r.ratio_to_ceiling).c_str(), static_cast<long long>(r.peak_rss_kb / 1024),
                  r.records_per_cpu_sec, optional(r.cpu_ratio_to_ceiling).c_str(), startup.c_str());
    out << line;
  }
}

std::string ToJson(const BenchParams& params, const std::vector<ResultRow>& rows,
                   const std::vector<std::pair<std::string, std::string>>& skipped,
                   const std::string& load_before, const std::string& load_after) {
  using internal::StrCat;
  std::string config;
  for (const auto& [key, value] : params.config) {
    config += StrCat(config.empty() ? "" : ", ", JsonString(key), ": ", JsonString(value));
  }
  auto optional = [](const std::optional<double>& v) {
    return v ? JsonNumber(*v) : std::string("null");
  };
  std::string commit_interval_ms = std::to_string(kBenchCommitIntervalMs);
  for (const auto& [key, value] : params.config) {
    if (key == StreamsConfig::kCommitIntervalMs) commit_interval_ms = value;
  }
  std::string j = "{\n";
  j += StrCat("  \"machine\": {\"hardware_concurrency\": ", std::thread::hardware_concurrency(),
              ", \"cpu_model\": ", JsonString(CpuModel()),
              ", \"load_average_before\": ", JsonString(load_before),
              ", \"load_average_after\": ", JsonString(load_after), "},\n");
  j += StrCat("  \"params\": {\"records\": ", params.records,
              ", \"value_size\": ", params.value_size, ", \"keys\": ", params.keys,
              ", \"threads\": ", params.threads, ", \"mode\": ", JsonString(params.mode),
              ", \"commit_every\": ", params.commit_every,
              ", \"commit_interval_ms\": ", JsonString(commit_interval_ms),
              ", \"pool_bytes\": ", params.pool_bytes,
              ", \"partitions\": ", params.partitions, ", \"config\": {", config, "}},\n");
  j += "  \"results\": [";
  for (size_t i = 0; i < rows.size(); ++i) {
    const ResultRow& r = rows[i];
    std::string runs;
    for (size_t k = 0; k < r.run_seconds.size(); ++k) {
      runs += StrCat(k ? ", " : "", JsonNumber(r.run_seconds[k]));
    }
    j += StrCat(i ? ",\n    " : "\n    ", "{\"workload\": ", JsonString(r.workload),
                ", \"mode\": ", JsonString(r.mode), ", \"records\": ", r.records,
                ", \"value_size\": ", r.value_size, ", \"keys\": ", r.keys,
                ", \"threads\": ", r.threads, ", \"seconds\": ", JsonNumber(r.seconds),
                ", \"records_per_sec\": ", JsonNumber(r.records_per_sec),
                ", \"mb_per_sec\": ", JsonNumber(r.mb_per_sec),
                ", \"records_per_cpu_sec\": ", JsonNumber(r.records_per_cpu_sec),
                ", \"ratio_to_ceiling\": ", optional(r.ratio_to_ceiling),
                ", \"cpu_ratio_to_ceiling\": ", optional(r.cpu_ratio_to_ceiling),
                ", \"peak_rss_kb\": ", r.peak_rss_kb,
                ", \"rss_before_start_kb\": ", r.rss_before_start_kb,
                ", \"startup_seconds\": ",
                r.startup_seconds >= 0 ? JsonNumber(r.startup_seconds) : std::string("null"),
                ", \"output_records\": ", r.output_records,
                ", \"output_bytes\": ", r.output_bytes, ", \"run_seconds\": [", runs, "]}");
  }
  j += rows.empty() ? "],\n" : "\n  ],\n";
  j += "  \"skipped\": [";
  for (size_t i = 0; i < skipped.size(); ++i) {
    j += StrCat(i ? ", " : "", "{\"workload\": ", JsonString(skipped[i].first),
                ", \"reason\": ", JsonString(skipped[i].second), "}");
  }
  j += "]\n}\n";
  return j;
}

}  // namespace kstreams::bench
