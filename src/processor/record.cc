#include "kstreams/processor/record.h"

#include <algorithm>

namespace kstreams {

Headers& Headers::Remove(std::string_view key) {
  std::erase_if(headers_, [&](const Header& h) { return h.key == key; });
  return *this;
}

const Header* Headers::LastHeader(std::string_view key) const {
  for (auto it = headers_.rbegin(); it != headers_.rend(); ++it) {
    if (it->key == key) return &*it;
  }
  return nullptr;
}

std::vector<Header> Headers::All(std::string_view key) const {
  std::vector<Header> out;
  for (const Header& h : headers_) {
    if (h.key == key) out.push_back(h);
  }
  return out;
}

}  // namespace kstreams
