#include "connect/offset_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "kstreams/internal/strings.h"
#include "kstreams/status_macros.h"

namespace kstreams::connect::internal {

using ::kstreams::internal::StrCat;

FileOffsetStore::FileOffsetStore(std::string path) : path_(std::move(path)) {}

absl::StatusOr<std::unique_ptr<FileOffsetStore>> FileOffsetStore::Open(std::string path) {
  std::unique_ptr<FileOffsetStore> store(new FileOffsetStore(path));
  KSTREAMS_ASSIGN_OR_RETURN(auto json, CreateConverter("JsonConverter", {{"schemas.enable", "false"}}, true));
  absl::MutexLock lock(&store->mu_);
  store->json_ = std::move(json);
  std::ifstream in(path, std::ios::binary);
  if (!in) return store;  // no file yet: no offsets
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  if (text.empty()) return store;
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_array()) {
    return absl::DataLossError(StrCat("offset file ", path, " is not a kstreams-connect offset file"));
  }
  for (const auto& entry : j) {
    if (!entry.is_array() || entry.size() != 2) {
      return absl::DataLossError(StrCat("offset file ", path, " has a malformed entry"));
    }
    store->entries_[entry[0].dump()] = entry[1].dump();
  }
  return store;
}

absl::StatusOr<std::string> FileOffsetStore::KeyOf(const std::string& connector, const Value& partition) {
  absl::MutexLock lock(&mu_);
  Array key{Value(connector), partition};
  KSTREAMS_ASSIGN_OR_RETURN(std::optional<std::string> bytes, json_->FromConnectData("", nullptr, Value(key)));
  return bytes.value_or("null");
}

std::optional<Value> FileOffsetStore::Get(const std::string& connector, const Value& partition) {
  absl::StatusOr<std::string> key = KeyOf(connector, partition);
  if (!key.ok()) return std::nullopt;
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(*key);
  if (it == entries_.end()) return std::nullopt;
  absl::StatusOr<SchemaAndValue> v = json_->ToConnectData("", std::string_view(it->second));
  if (!v.ok()) return std::nullopt;
  return v->value;
}

absl::Status FileOffsetStore::Put(const std::string& connector,
                                  const std::vector<std::pair<Value, Value>>& offsets) {
  std::vector<std::pair<std::string, std::string>> serialized;
  for (const auto& [partition, offset] : offsets) {
    KSTREAMS_ASSIGN_OR_RETURN(std::string key, KeyOf(connector, partition));
    absl::MutexLock lock(&mu_);
    KSTREAMS_ASSIGN_OR_RETURN(std::optional<std::string> value, json_->FromConnectData("", nullptr, offset));
    serialized.emplace_back(std::move(key), value.value_or("null"));
  }
  absl::MutexLock lock(&mu_);
  for (auto& [k, v] : serialized) entries_[k] = v;
  return WriteFileLocked();
}

absl::Status FileOffsetStore::WriteFileLocked() {
  std::string text = "[";
  bool first = true;
  for (const auto& [k, v] : entries_) {
    if (!first) text += ",\n";
    first = false;
    text += "[" + k + "," + v + "]";
  }
  text += "]\n";
  const std::string tmp = path_ + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return absl::InternalError(StrCat("cannot write offset file ", tmp));
  size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n <= 0) {
      ::close(fd);
      return absl::InternalError(StrCat("cannot write offset file ", tmp));
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) return absl::InternalError(StrCat("cannot sync offset file ", tmp));
  if (std::rename(tmp.c_str(), path_.c_str()) != 0) {
    return absl::InternalError(StrCat("cannot rename ", tmp, " to ", path_));
  }
  std::string dir = path_.find('/') == std::string::npos ? "." : path_.substr(0, path_.rfind('/'));
  if (dir.empty()) dir = "/";
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return absl::OkStatus();
}

}  // namespace kstreams::connect::internal
