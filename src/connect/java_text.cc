#include "connect/java_text.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace kstreams::connect::internal {
namespace {

// `sci` is std::to_chars' shortest scientific form ("d.ddde+XX"): digits and
// decimal exponent, then laid out as Java lays a double or float out.
std::string JavaLayout(const char* begin, const char* end) {
  std::string s(begin, end);
  bool negative = false;
  if (!s.empty() && s[0] == '-') {
    negative = true;
    s.erase(0, 1);
  }
  size_t e = s.find('e');
  std::string mantissa = s.substr(0, e);
  int exponent = std::atoi(s.c_str() + e + 1);
  std::string digits;
  for (char c : mantissa) {
    if (c != '.') digits.push_back(c);
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  std::string out = negative ? "-" : "";
  if (digits == "0") return out + "0.0";
  if (exponent >= -3 && exponent < 7) {
    // Plain notation, at least one digit after the point.
    if (exponent >= 0) {
      std::string int_part = digits.substr(0, std::min<size_t>(digits.size(), exponent + 1));
      while (static_cast<int>(int_part.size()) < exponent + 1) int_part.push_back('0');
      std::string frac = digits.size() > static_cast<size_t>(exponent + 1)
                             ? digits.substr(exponent + 1)
                             : "0";
      return out + int_part + "." + frac;
    }
    return out + "0." + std::string(-exponent - 1, '0') + digits;
  }
  out += digits.substr(0, 1);
  out += ".";
  out += digits.size() > 1 ? digits.substr(1) : "0";
  out += "E";
  out += std::to_string(exponent);
  return out;
}

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

std::string JavaDoubleToString(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
  return JavaLayout(buf, end);
}

std::string JavaFloatToString(float f) {
  if (std::isnan(f)) return "NaN";
  if (std::isinf(f)) return f > 0 ? "Infinity" : "-Infinity";
  if (f == 0) return std::signbit(f) ? "-0.0" : "0.0";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), f, std::chars_format::scientific);
  return JavaLayout(buf, end);
}

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                 static_cast<uint8_t>(bytes[i + 2]);
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
    out.push_back(kAlphabet[n & 63]);
  }
  if (i + 1 == bytes.size()) {
    uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out += "==";
  } else if (i + 2 == bytes.size()) {
    uint32_t n = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8);
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    const char* p = std::strchr(kAlphabet, c);
    if (p == nullptr || c == '\0') return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(p - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

void AppendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out.push_back('"');
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out.push_back(kHex[(c >> 4) & 0xF]);
          out.push_back(kHex[c & 0xF]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

}  // namespace kstreams::connect::internal

namespace kstreams::connect::internal {
namespace {

// Days since 1970-01-01 <-> civil date (proleptic Gregorian), as in
// Howard Hinnant's date algorithms.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

struct Token {
  char letter = 0;  // 0: literal
  int count = 0;
  std::string literal;
};

absl::StatusOr<std::vector<Token>> Tokenize(std::string_view pattern) {
  std::vector<Token> tokens;
  for (size_t i = 0; i < pattern.size();) {
    char c = pattern[i];
    if (c == '\'') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '\'') {
        tokens.push_back(Token{0, 0, "'"});
        i += 2;
        continue;
      }
      size_t end = pattern.find('\'', i + 1);
      if (end == std::string_view::npos) {
        return absl::InvalidArgumentError("Unterminated quote in date pattern");
      }
      tokens.push_back(Token{0, 0, std::string(pattern.substr(i + 1, end - i - 1))});
      i = end + 1;
      continue;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      if (std::string_view("yMdHmsS").find(c) == std::string_view::npos) {
        return absl::InvalidArgumentError(std::string("Unsupported date pattern letter '") + c + "'");
      }
      size_t j = i;
      while (j < pattern.size() && pattern[j] == c) ++j;
      tokens.push_back(Token{c, static_cast<int>(j - i), ""});
      i = j;
      continue;
    }
    tokens.push_back(Token{0, 0, std::string(1, c)});
    ++i;
  }
  return tokens;
}

std::string Pad(int64_t v, int width) {
  std::string s = std::to_string(v < 0 ? -v : v);
  while (static_cast<int>(s.size()) < width) s.insert(s.begin(), '0');
  return v < 0 ? "-" + s : s;
}

}  // namespace

absl::Status ValidateJavaDatePattern(std::string_view pattern) { return Tokenize(pattern).status(); }

std::string FormatJavaDate(std::string_view pattern, int64_t epoch_millis) {
  absl::StatusOr<std::vector<Token>> tokens = Tokenize(pattern);
  if (!tokens.ok()) return "";
  int64_t days = epoch_millis >= 0 ? epoch_millis / 86400000 : -((-epoch_millis + 86399999) / 86400000);
  int64_t ms_of_day = epoch_millis - days * 86400000;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  std::string out;
  for (const Token& t : *tokens) {
    switch (t.letter) {
      case 0: out += t.literal; break;
      case 'y': out += t.count == 2 ? Pad(y % 100, 2) : Pad(y, t.count); break;
      case 'M': out += Pad(m, t.count); break;
      case 'd': out += Pad(d, t.count); break;
      case 'H': out += Pad(ms_of_day / 3600000, t.count); break;
      case 'm': out += Pad(ms_of_day / 60000 % 60, t.count); break;
      case 's': out += Pad(ms_of_day / 1000 % 60, t.count); break;
      case 'S': out += Pad(ms_of_day % 1000, t.count); break;
    }
  }
  return out;
}

absl::StatusOr<int64_t> ParseJavaDate(std::string_view pattern, std::string_view text) {
  absl::StatusOr<std::vector<Token>> tokens = Tokenize(pattern);
  if (!tokens.ok()) return tokens.status();
  int64_t fields[128] = {};
  fields['y'] = 1970;
  fields['M'] = 1;
  fields['d'] = 1;
  size_t pos = 0;
  auto bad = [&]() {
    return absl::InvalidArgumentError(std::string("Unparseable date: \"") + std::string(text) + "\"");
  };
  for (size_t i = 0; i < tokens->size(); ++i) {
    const Token& t = (*tokens)[i];
    if (t.letter == 0) {
      if (text.substr(pos, t.literal.size()) != t.literal) return bad();
      pos += t.literal.size();
      continue;
    }
    // A number: exactly `count` digits when the next token is a number too
    // (adjacent fields), else as many digits as there are.
    bool adjacent = i + 1 < tokens->size() && (*tokens)[i + 1].letter != 0;
    size_t start = pos;
    if (t.letter == 'y' && pos < text.size() && text[pos] == '-') ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' &&
           (!adjacent || static_cast<int>(pos - start) < t.count)) {
      ++pos;
    }
    if (pos == start) return bad();
    fields[static_cast<int>(t.letter)] = std::stoll(std::string(text.substr(start, pos - start)));
  }
  if (pos != text.size()) return bad();
  int64_t days = DaysFromCivil(fields['y'], static_cast<unsigned>(fields['M']), static_cast<unsigned>(fields['d']));
  return days * 86400000 + fields['H'] * 3600000 + fields['m'] * 60000 + fields['s'] * 1000 + fields['S'];
}

}  // namespace kstreams::connect::internal
