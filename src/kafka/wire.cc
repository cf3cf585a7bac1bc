#include "kafka/wire.h"

#include <limits>

#include "kstreams/internal/strings.h"

namespace kstreams::internal {

namespace {

template <typename U>
void PutBigEndian(std::string& out, U v) {
  for (int shift = (sizeof(U) - 1) * 8; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

}  // namespace

void WireWriter::Int8(int8_t v) { data_.push_back(static_cast<char>(v)); }
void WireWriter::Int16(int16_t v) { PutBigEndian(data_, static_cast<uint16_t>(v)); }
void WireWriter::Int32(int32_t v) { PutBigEndian(data_, static_cast<uint32_t>(v)); }
void WireWriter::Int64(int64_t v) { PutBigEndian(data_, static_cast<uint64_t>(v)); }
void WireWriter::UInt16(uint16_t v) { PutBigEndian(data_, v); }

void WireWriter::UnsignedVarint(uint32_t v) {
  while (v >= 0x80) {
    data_.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  data_.push_back(static_cast<char>(v));
}

void WireWriter::CompactString(std::string_view s) {
  UnsignedVarint(static_cast<uint32_t>(s.size()) + 1);
  data_.append(s);
}

void WireWriter::CompactNullableString(const std::optional<std::string>& s) {
  if (!s.has_value()) {
    UnsignedVarint(0);
    return;
  }
  CompactString(*s);
}

void WireWriter::NullableString(const std::optional<std::string>& s) {
  if (!s.has_value()) {
    Int16(-1);
    return;
  }
  Int16(static_cast<int16_t>(s->size()));
  data_.append(*s);
}

void WireWriter::CompactArrayLength(size_t n) { UnsignedVarint(static_cast<uint32_t>(n) + 1); }

void WireReader::Fail(std::string_view field, std::string_view problem) {
  if (!status_.ok()) return;
  status_ = absl::DataLossError(
      StrCat("decoding ", what_, ": field ", field, ": ", problem, " (at byte ", pos_, " of ",
             data_.size(), ")"));
}

std::string_view WireReader::Bytes(size_t n, std::string_view field) {
  if (!ok()) return {};
  if (n > remaining()) {
    Fail(field, StrCat("truncated: needs ", n, " bytes, ", remaining(), " left"));
    return {};
  }
  std::string_view out = data_.substr(pos_, n);
  pos_ += n;
  return out;
}

namespace {

template <typename U>
U GetBigEndian(std::string_view bytes) {
  U v = 0;
  for (char c : bytes) v = static_cast<U>((v << 8) | static_cast<uint8_t>(c));
  return v;
}

}  // namespace

int8_t WireReader::Int8(std::string_view field) {
  std::string_view b = Bytes(1, field);
  return b.empty() ? 0 : static_cast<int8_t>(b[0]);
}
int16_t WireReader::Int16(std::string_view field) {
  return static_cast<int16_t>(GetBigEndian<uint16_t>(Bytes(2, field)));
}
int32_t WireReader::Int32(std::string_view field) {
  return static_cast<int32_t>(GetBigEndian<uint32_t>(Bytes(4, field)));
}
int64_t WireReader::Int64(std::string_view field) {
  return static_cast<int64_t>(GetBigEndian<uint64_t>(Bytes(8, field)));
}
uint16_t WireReader::UInt16(std::string_view field) { return GetBigEndian<uint16_t>(Bytes(2, field)); }

bool WireReader::Bool(std::string_view field) {
  const int8_t v = Int8(field);
  if (v != 0 && v != 1) Fail(field, StrCat("a boolean must be 0 or 1, got ", v));
  return v == 1;
}

uint32_t WireReader::UnsignedVarint(std::string_view field) {
  uint32_t value = 0;
  for (int i = 0; i < 5; ++i) {
    std::string_view b = Bytes(1, field);
    if (!ok()) return 0;
    const auto byte = static_cast<uint8_t>(b[0]);
    if (i == 4 && byte > 0x0f) {
      Fail(field, "unsigned varint does not fit in 32 bits");
      return 0;
    }
    value |= static_cast<uint32_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) return value;
  }
  Fail(field, "unsigned varint longer than 5 bytes");
  return 0;
}

std::optional<std::string> WireReader::CompactNullableString(std::string_view field) {
  const uint32_t n = UnsignedVarint(field);
  if (!ok() || n == 0) return std::nullopt;
  return std::string(Bytes(n - 1, field));
}

std::string WireReader::CompactString(std::string_view field) {
  std::optional<std::string> s = CompactNullableString(field);
  if (!ok()) return {};
  if (!s.has_value()) {
    Fail(field, "null where the schema allows no null string");
    return {};
  }
  return *std::move(s);
}

std::optional<size_t> WireReader::CompactNullableArrayLength(std::string_view field,
                                                             size_t min_element_bytes) {
  const uint32_t n = UnsignedVarint(field);
  if (!ok() || n == 0) return std::nullopt;
  const size_t count = n - 1;
  if (min_element_bytes > 0 && count > remaining() / min_element_bytes) {
    Fail(field, StrCat("array of ", count, " elements cannot fit in the ", remaining(),
                       " bytes left"));
    return std::nullopt;
  }
  return count;
}

size_t WireReader::CompactArrayLength(std::string_view field, size_t min_element_bytes) {
  std::optional<size_t> n = CompactNullableArrayLength(field, min_element_bytes);
  if (!ok()) return 0;
  if (!n.has_value()) {
    Fail(field, "null where the schema allows no null array");
    return 0;
  }
  return *n;
}

bool WireReader::StructPresence(std::string_view field) {
  const int8_t marker = Int8(field);
  if (!ok()) return false;
  if (marker != 1 && marker != -1) {
    Fail(field, StrCat("a nullable struct's marker must be -1 or 1, got ", marker));
    return false;
  }
  return marker == 1;
}

void WireReader::SkipTaggedFields(std::string_view field) {
  ReadTaggedFields(field, [](uint32_t, std::string_view) {});
}

absl::Status WireReader::Finish() {
  if (ok() && remaining() != 0) {
    Fail("(end)", StrCat(remaining(), " bytes left over after the last field"));
  }
  return status_;
}

}  // namespace kstreams::internal
