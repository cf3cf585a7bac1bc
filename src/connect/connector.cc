#include "kstreams/internal/strings.h"
#include "kstreams/connect/connector.h"

#include <algorithm>

#include "absl/base/thread_annotations.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"

namespace kstreams::connect {
namespace {

struct Registry {
  absl::Mutex mu;
  std::map<std::string, ConnectorPlugins::Factory> factories ABSL_GUARDED_BY(mu);
};

Registry& GlobalRegistry() {
  static Registry* registry = new Registry();
  return *registry;
}

std::string_view SimpleName(std::string_view class_name) {
  size_t dot = class_name.rfind('.');
  return dot == std::string_view::npos ? class_name : class_name.substr(dot + 1);
}

bool Matches(std::string_view registered, std::string_view wanted) {
  if (registered == wanted) return true;
  std::string_view simple = SimpleName(registered);
  if (simple == wanted) return true;
  return simple.ends_with("Connector") &&
         simple.substr(0, simple.size() - std::string_view("Connector").size()) == wanted;
}

}  // namespace

// The built-in connectors register themselves (file_stream.cc).
void RegisterBuiltinConnectors();

Headers& Headers::Remove(std::string_view key) {
  headers_.erase(std::remove_if(headers_.begin(), headers_.end(),
                                [&](const Header& h) { return h.key == key; }),
                 headers_.end());
  return *this;
}

const Header* Headers::LastWithName(std::string_view key) const {
  for (auto it = headers_.rbegin(); it != headers_.rend(); ++it) {
    if (it->key == key) return &*it;
  }
  return nullptr;
}

std::vector<std::vector<std::string>> GroupPartitions(const std::vector<std::string>& elements,
                                                      int num_groups) {
  std::vector<std::vector<std::string>> groups;
  if (num_groups <= 0) return groups;
  size_t n = elements.size();
  size_t per = n / num_groups, extra = n % num_groups;
  size_t pos = 0;
  for (int g = 0; g < num_groups; ++g) {
    size_t count = per + (static_cast<size_t>(g) < extra ? 1 : 0);
    groups.emplace_back(elements.begin() + pos, elements.begin() + pos + count);
    pos += count;
  }
  return groups;
}

void ConnectorPlugins::Register(std::string class_name, Factory factory) {
  Registry& r = GlobalRegistry();
  absl::MutexLock lock(&r.mu);
  r.factories[std::move(class_name)] = std::move(factory);
}

absl::StatusOr<std::unique_ptr<Connector>> ConnectorPlugins::Create(std::string_view class_name) {
  RegisterBuiltinConnectors();
  Registry& r = GlobalRegistry();
  Factory factory;
  {
    absl::MutexLock lock(&r.mu);
    for (const auto& [name, f] : r.factories) {
      if (Matches(name, class_name)) {
        factory = f;
        break;
      }
    }
  }
  if (!factory) {
    return absl::NotFoundError(::kstreams::internal::StrCat("Failed to find any class that implements Connector and which name matches ",
                                            class_name, ", available connectors are: ",
                                            ::kstreams::internal::StrJoin(ClassNames(), ", ")));
  }
  return factory();
}

std::vector<std::string> ConnectorPlugins::ClassNames() {
  RegisterBuiltinConnectors();
  Registry& r = GlobalRegistry();
  absl::MutexLock lock(&r.mu);
  std::vector<std::string> names;
  for (const auto& [name, f] : r.factories) names.push_back(name);
  return names;
}

}  // namespace kstreams::connect
