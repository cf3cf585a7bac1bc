#include "output_check.h"

#include <functional>

#include "kstreams/internal/strings.h"

namespace kstreams::bench {
namespace {

uint64_t Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint64_t HashOf(std::optional<std::string_view> bytes) {
  // Distinct for null, empty and non-empty (std::hash is stable within a
  // process, which is all a check needs).
  if (!bytes) return 0x6e756c6cull;
  return Mix(std::hash<std::string_view>{}(*bytes) + bytes->size());
}

std::string Printable(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes.substr(0, 16)) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  if (bytes.size() > 16) out += "...";
  return out;
}

}  // namespace

uint64_t RecordDigest(std::optional<std::string_view> key, std::optional<std::string_view> value) {
  return Mix(HashOf(key) * 0x9e3779b97f4a7c15ull + HashOf(value));
}

absl::Status RecordsCheck::Verify() const {
  if (records_ != expected_records_) {
    return absl::DataLossError(internal::StrCat("read ", records_, " output records, expected ",
                                                expected_records_));
  }
  if (digest_ != expected_digest_) {
    return absl::DataLossError(internal::StrCat(
        "read the expected number of output records (", records_,
        ") but not the expected ones: their keys or values differ"));
  }
  return absl::OkStatus();
}

LatestPerKeyCheck::LatestPerKeyCheck(absl::flat_hash_map<std::string, std::string> expected,
                                     int64_t expected_records)
    : expected_records_(expected_records) {
  keys_.reserve(expected.size());
  for (auto& [key, value] : expected) keys_[key].expected = std::move(value);
}

void LatestPerKeyCheck::Add(std::optional<std::string_view> key,
                            std::optional<std::string_view> value) {
  ++records_;
  auto it = key ? keys_.find(absl::string_view(key->data(), key->size())) : keys_.end();
  if (it == keys_.end()) {
    if (unexpected_++ == 0) first_unexpected_ = key ? Printable(*key) : "null";
    return;
  }
  Slot& slot = it->second;
  const bool was = slot.latest && *slot.latest == slot.expected;
  if (value) {
    slot.latest.emplace(*value);
  } else {
    slot.latest.reset();
  }
  const bool is = slot.latest && *slot.latest == slot.expected;
  matching_ += static_cast<int64_t>(is) - static_cast<int64_t>(was);
}

bool LatestPerKeyCheck::Complete() const {
  return matching_ == static_cast<int64_t>(keys_.size()) &&
         (expected_records_ < 0 || records_ >= expected_records_);
}

absl::Status LatestPerKeyCheck::Verify() const {
  if (unexpected_ > 0) {
    return absl::DataLossError(internal::StrCat(unexpected_, " output records have a key (first: ",
                                                first_unexpected_, ") the input cannot produce"));
  }
  if (matching_ != static_cast<int64_t>(keys_.size())) {
    for (const auto& [key, slot] : keys_) {
      if (slot.latest && *slot.latest == slot.expected) continue;
      return absl::DataLossError(internal::StrCat(
          keys_.size() - static_cast<size_t>(matching_), " of ", keys_.size(),
          " keys do not end with their expected value; e.g. key ", Printable(key), ": expected ",
          Printable(slot.expected), ", read ", slot.latest ? Printable(*slot.latest) : "nothing"));
    }
  }
  if (expected_records_ >= 0 && records_ != expected_records_) {
    return absl::DataLossError(internal::StrCat("read ", records_, " output records, expected ",
                                                expected_records_));
  }
  return absl::OkStatus();
}

}  // namespace kstreams::bench
