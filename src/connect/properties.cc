// Java .properties files and connector JSON files, for kstreams-connect.
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "kstreams/connect/standalone_worker.h"
#include "kstreams/internal/strings.h"

namespace kstreams::connect {
namespace {

using ::kstreams::internal::StrCat;

absl::StatusOr<std::string> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(StrCat("cannot read ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\f'; }

std::string Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out.push_back(s[i]);
      continue;
    }
    char c = s[++i];
    switch (c) {
      case 't': out.push_back('\t'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 'f': out.push_back('\f'); break;
      default: out.push_back(c);
    }
  }
  return out;
}

ConfigMap ParseProperties(const std::string& text) {
  ConfigMap out;
  std::vector<std::string> logical;
  std::istringstream in(text);
  std::string line, pending;
  bool continuing = false;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t start = 0;
    while (start < line.size() && IsSpace(line[start])) ++start;
    std::string_view l(line.data() + start, line.size() - start);
    if (!continuing && (l.empty() || l[0] == '#' || l[0] == '!')) continue;
    // A line ending in an odd number of backslashes continues.
    size_t backslashes = 0;
    while (backslashes < l.size() && l[l.size() - 1 - backslashes] == '\\') ++backslashes;
    if (backslashes % 2 == 1) {
      pending += std::string(l.substr(0, l.size() - 1));
      continuing = true;
      continue;
    }
    pending += std::string(l);
    continuing = false;
    logical.push_back(std::move(pending));
    pending.clear();
  }
  if (!pending.empty()) logical.push_back(pending);
  for (const std::string& entry : logical) {
    size_t i = 0;
    std::string key;
    while (i < entry.size()) {
      char c = entry[i];
      if (c == '\\' && i + 1 < entry.size()) {
        key += entry.substr(i, 2);
        i += 2;
        continue;
      }
      if (c == '=' || c == ':' || IsSpace(c)) break;
      key.push_back(c);
      ++i;
    }
    while (i < entry.size() && IsSpace(entry[i])) ++i;
    if (i < entry.size() && (entry[i] == '=' || entry[i] == ':')) ++i;
    while (i < entry.size() && IsSpace(entry[i])) ++i;
    out[Unescape(key)] = Unescape(std::string_view(entry).substr(i));
  }
  return out;
}

}  // namespace

absl::StatusOr<ConfigMap> ReadPropertiesFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadAll(path);
  if (!text.ok()) return text.status();
  return ParseProperties(*text);
}

absl::StatusOr<ConfigMap> ReadConnectorConfigFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadAll(path);
  if (!text.ok()) return text.status();
  size_t first = text->find_first_not_of(" \t\r\n");
  if (first == std::string::npos || (*text)[first] != '{') return ParseProperties(*text);
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return absl::InvalidArgumentError(StrCat(path, " is not valid JSON"));
  ConfigMap out;
  const nlohmann::json* config = &j;
  if (j.contains("config") && j["config"].is_object()) {
    config = &j["config"];
    if (j.contains("name") && j["name"].is_string()) out["name"] = j["name"].get<std::string>();
  }
  for (auto it = config->begin(); it != config->end(); ++it) {
    if (it.value().is_string()) {
      out[it.key()] = it.value().get<std::string>();
    } else if (it.value().is_null()) {
      continue;
    } else {
      out[it.key()] = it.value().dump();  // numbers and booleans as their text
    }
  }
  return out;
}

}  // namespace kstreams::connect
