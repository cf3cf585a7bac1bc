#include "sql/time_format.h"

#include <cctype>
#include <cstdio>
#include <optional>

#include "kstreams/internal/strings.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace kstreams::sql::internal {
namespace {

absl::StatusOr<absl::TimeZone> Zone(std::string_view name) {
  if (name.empty() || name == "UTC" || name == "Z" || name == "GMT") return absl::UTCTimeZone();
  if ((name[0] == '+' || name[0] == '-') && name.size() >= 3) {
    int sign = name[0] == '-' ? -1 : 1;
    int h = 0, m = 0;
    if (std::sscanf(std::string(name.substr(1)).c_str(), "%d:%d", &h, &m) < 1) {
      return absl::InvalidArgumentError(::kstreams::internal::StrCat("unknown time zone '", name, "'"));
    }
    return absl::FixedTimeZone(sign * (h * 3600 + m * 60));
  }
  absl::TimeZone tz;
  if (!absl::LoadTimeZone(std::string(name), &tz)) {
    return absl::InvalidArgumentError(::kstreams::internal::StrCat("unknown time zone '", name, "'"));
  }
  return tz;
}

std::string Pad(int64_t v, size_t width) {
  std::string s = ::kstreams::internal::StrCat(v < 0 ? -v : v);
  while (s.size() < width) s.insert(s.begin(), '0');
  return v < 0 ? "-" + s : s;
}

}  // namespace

absl::StatusOr<std::string> FormatTimestamp(int64_t epoch_ms, std::string_view pattern,
                                            std::string_view zone) {
  absl::StatusOr<absl::TimeZone> tz = Zone(zone);
  if (!tz.ok()) return tz.status();
  absl::Time t = absl::FromUnixMillis(epoch_ms);
  absl::TimeZone::CivilInfo ci = tz->At(t);
  int64_t millis = ((epoch_ms % 1000) + 1000) % 1000;
  std::string out;
  for (size_t i = 0; i < pattern.size();) {
    char c = pattern[i];
    size_t n = 1;
    while (i + n < pattern.size() && pattern[i + n] == c) ++n;
    if (c == '\'') {
      size_t j = i + 1;
      if (j < pattern.size() && pattern[j] == '\'') {
        out += '\'';
        i += 2;
        continue;
      }
      while (j < pattern.size() && pattern[j] != '\'') out += pattern[j++];
      i = j + 1;
      continue;
    }
    if (!std::isalpha(static_cast<unsigned char>(c))) {
      out.append(n, c);
      i += n;
      continue;
    }
    switch (c) {
      case 'y':
      case 'u':
        out += n == 2 ? Pad(ci.cs.year() % 100, 2) : Pad(ci.cs.year(), n);
        break;
      case 'M': out += Pad(ci.cs.month(), n); break;
      case 'd': out += Pad(ci.cs.day(), n); break;
      case 'H': out += Pad(ci.cs.hour(), n); break;
      case 'h': out += Pad(ci.cs.hour() % 12 == 0 ? 12 : ci.cs.hour() % 12, n); break;
      case 'a': out += ci.cs.hour() < 12 ? "AM" : "PM"; break;
      case 'm': out += Pad(ci.cs.minute(), n); break;
      case 's': out += Pad(ci.cs.second(), n); break;
      case 'S': {
        std::string frac = Pad(millis, 3);
        while (frac.size() < n) frac += '0';
        out += frac.substr(0, n);
        break;
      }
      case 'X':
      case 'Z':
      case 'x': {
        int off = ci.offset / 60;
        if (off == 0 && c == 'X') {
          out += 'Z';
          break;
        }
        std::string sign = off < 0 ? "-" : "+";
        off = off < 0 ? -off : off;
        out += sign + Pad(off / 60, 2) + (n >= 3 || c == 'Z' ? (c == 'Z' ? "" : ":") : "") +
               (n >= 2 || c == 'Z' ? Pad(off % 60, 2) : "");
        break;
      }
      default:
        return absl::InvalidArgumentError(
            ::kstreams::internal::StrCat("unsupported pattern letter '", std::string(1, c), "' in '", pattern, "'"));
    }
    i += n;
  }
  return out;
}

absl::StatusOr<int64_t> ParseTimestamp(std::string_view text, std::string_view pattern,
                                       std::string_view zone) {
  absl::StatusOr<absl::TimeZone> tz = Zone(zone);
  if (!tz.ok()) return tz.status();
  int64_t year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, millis = 0;
  bool pm = false, has_ampm = false;
  std::optional<int> offset_seconds;
  size_t p = 0;
  auto bad = [&]() {
    return absl::InvalidArgumentError(
        ::kstreams::internal::StrCat("text '", text, "' does not match the pattern '", pattern, "'"));
  };
  auto number = [&](size_t min_digits, size_t max_digits, int64_t& out) -> bool {
    size_t start = p;
    bool neg = false;
    if (p < text.size() && text[p] == '-' ) { neg = true; ++p; start = p; }
    while (p < text.size() && p - start < max_digits && std::isdigit(static_cast<unsigned char>(text[p]))) ++p;
    if (p - start < min_digits) return false;
    out = std::stoll(std::string(text.substr(start, p - start)));
    if (neg) out = -out;
    return true;
  };
  for (size_t i = 0; i < pattern.size();) {
    char c = pattern[i];
    size_t n = 1;
    while (i + n < pattern.size() && pattern[i + n] == c) ++n;
    if (c == '\'') {
      size_t j = i + 1;
      while (j < pattern.size() && pattern[j] != '\'') {
        if (p >= text.size() || text[p] != pattern[j]) return bad();
        ++p;
        ++j;
      }
      i = j + 1;
      continue;
    }
    if (!std::isalpha(static_cast<unsigned char>(c))) {
      for (size_t k = 0; k < n; ++k) {
        if (p >= text.size() || text[p] != c) return bad();
        ++p;
      }
      i += n;
      continue;
    }
    // A field followed directly by another field reads exactly its width.
    bool adjacent = i + n < pattern.size() && std::isalpha(static_cast<unsigned char>(pattern[i + n]));
    size_t max = adjacent ? n : 9;
    bool ok = true;
    switch (c) {
      case 'y':
      case 'u':
        ok = number(1, n == 2 ? 2 : max, year);
        if (n == 2) year += 2000;
        break;
      case 'M': ok = number(1, adjacent ? n : 2, month); break;
      case 'd': ok = number(1, adjacent ? n : 2, day); break;
      case 'H':
      case 'h': ok = number(1, adjacent ? n : 2, hour); break;
      case 'm': ok = number(1, adjacent ? n : 2, minute); break;
      case 's': ok = number(1, adjacent ? n : 2, second); break;
      case 'S': {
        size_t start = p;
        int64_t v = 0;
        ok = number(1, n, v);
        size_t digits = p - start;
        for (size_t k = digits; k < 3; ++k) v *= 10;
        for (size_t k = 3; k < digits; ++k) v /= 10;
        millis = v;
        break;
      }
      case 'a':
        has_ampm = true;
        if (text.substr(p, 2) == "PM" || text.substr(p, 2) == "pm") pm = true;
        else if (text.substr(p, 2) != "AM" && text.substr(p, 2) != "am") ok = false;
        p += 2;
        break;
      case 'X':
      case 'Z':
      case 'x': {
        if (p < text.size() && text[p] == 'Z') {
          offset_seconds = 0;
          ++p;
          break;
        }
        if (p >= text.size() || (text[p] != '+' && text[p] != '-')) {
          ok = false;
          break;
        }
        int sign = text[p] == '-' ? -1 : 1;
        ++p;
        int64_t h = 0, m = 0;
        ok = number(2, 2, h);
        if (ok && p < text.size() && text[p] == ':') ++p;
        if (ok && p < text.size() && std::isdigit(static_cast<unsigned char>(text[p]))) ok = number(2, 2, m);
        offset_seconds = static_cast<int>(sign * (h * 3600 + m * 60));
        break;
      }
      default:
        return absl::InvalidArgumentError(
            ::kstreams::internal::StrCat("unsupported pattern letter '", std::string(1, c), "' in '", pattern, "'"));
    }
    if (!ok) return bad();
    i += n;
  }
  if (p != text.size()) return bad();
  if (has_ampm) hour = hour % 12 + (pm ? 12 : 0);
  absl::CivilSecond cs(year, month, day, hour, minute, second);
  if (cs.month() != month || cs.day() != day || cs.hour() != hour) return bad();
  absl::Time t = offset_seconds ? absl::FromCivil(cs, absl::FixedTimeZone(*offset_seconds))
                                : absl::FromCivil(cs, *tz);
  return absl::ToUnixMillis(t) + millis;
}

std::string FormatIsoTimestamp(int64_t epoch_ms) {
  return *FormatTimestamp(epoch_ms, "yyyy-MM-dd'T'HH:mm:ss.SSS");
}

absl::StatusOr<int64_t> ParseIsoTimestamp(std::string_view text) {
  for (const char* p : {"yyyy-MM-dd'T'HH:mm:ss.SSS", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm",
                        "yyyy-MM-dd'T'HH:mm:ss.SSSX", "yyyy-MM-dd'T'HH:mm:ssX", "yyyy-MM-dd"}) {
    absl::StatusOr<int64_t> v = ParseTimestamp(text, p);
    if (v.ok()) return v;
  }
  return absl::InvalidArgumentError(
      ::kstreams::internal::StrCat("'", text, "' is not a timestamp (expected yyyy-MM-ddTHH:mm:ss.SSS)"));
}

std::string FormatIsoDate(int64_t days) {
  return *FormatTimestamp(days * 86'400'000, "yyyy-MM-dd");
}

absl::StatusOr<int64_t> ParseIsoDate(std::string_view text) {
  absl::StatusOr<int64_t> ms = ParseTimestamp(text, "yyyy-MM-dd");
  if (!ms.ok()) return ms.status();
  return *ms / 86'400'000;
}

std::string FormatIsoTime(int64_t ms) { return *FormatTimestamp(ms, "HH:mm:ss"); }

absl::StatusOr<int64_t> ParseIsoTime(std::string_view text) {
  for (const char* p : {"HH:mm:ss.SSS", "HH:mm:ss", "HH:mm"}) {
    absl::StatusOr<int64_t> v = ParseTimestamp(text, p);
    if (v.ok()) return v;
  }
  return absl::InvalidArgumentError(::kstreams::internal::StrCat("'", text, "' is not a time (expected HH:mm:ss)"));
}

}  // namespace kstreams::sql::internal
