// Built-in serdes with Java's byte layouts.
#include <bit>
#include <cmath>
#include <cstring>
#include <cxxabi.h>

#include "kstreams/internal/strings.h"
#include "kstreams/serde/serde.h"

namespace kstreams {
namespace internal {

std::string Demangle(const char* mangled) {
  int status = 0;
  char* demangled = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  if (status != 0 || demangled == nullptr) return mangled;
  std::string result(demangled);
  std::free(demangled);
  // The full spelling of std::string hides the point of most messages.
  const std::string long_string =
      "std::__cxx11::basic_string<char, std::char_traits<char>, "
      "std::allocator<char> >";
  for (size_t pos; (pos = result.find(long_string)) != std::string::npos;) {
    result.replace(pos, long_string.size(), "std::string");
  }
  return result;
}

namespace {

absl::Status SizeError(std::string_view serde, std::string_view topic,
                       size_t expected, size_t got) {
  return absl::InvalidArgumentError(::kstreams::internal::StrCat(
      serde, " on topic '", topic, "': expected ", expected, " bytes, got ", got));
}

// Big-endian fixed-width integer, as java.nio.ByteBuffer writes it.
template <typename U>
void PutBigEndian(U v, std::string& out) {
  static_assert(std::is_unsigned_v<U>);
  out.resize(sizeof(U));
  for (size_t i = 0; i < sizeof(U); ++i) {
    out[sizeof(U) - 1 - i] = static_cast<char>(v & 0xff);
    v = static_cast<U>(v >> 8);
  }
}

template <typename U>
U GetBigEndian(std::string_view data) {
  U v = 0;
  for (size_t i = 0; i < sizeof(U); ++i) {
    v = static_cast<U>((v << 8) | static_cast<uint8_t>(data[i]));
  }
  return v;
}

// Integral and floating types of fixed width, carried as their bit pattern.
template <typename T, typename U>
class FixedWidthSerde final : public Serde<T> {
 public:
  explicit FixedWidthSerde(const char* name) : name_(name) {}
  absl::Status Serialize(std::string_view, const T& value,
                         std::string& out) const override {
    if constexpr (std::is_same_v<T, double>) {
      // Java's DoubleSerializer writes Double.doubleToLongBits: every NaN as
      // the canonical 0x7ff8000000000000. (FloatSerializer keeps raw bits.)
      if (std::isnan(value)) {
        PutBigEndian<U>(0x7ff8000000000000ULL, out);
        return absl::OkStatus();
      }
    }
    PutBigEndian<U>(std::bit_cast<U>(value), out);
    return absl::OkStatus();
  }
  absl::StatusOr<T> Deserialize(std::string_view topic,
                                std::string_view data) const override {
    if (data.size() != sizeof(U)) {
      return SizeError(name_, topic, sizeof(U), data.size());
    }
    return std::bit_cast<T>(GetBigEndian<U>(data));
  }

 private:
  const char* name_;
};

class StringSerde final : public Serde<std::string> {
 public:
  absl::Status Serialize(std::string_view, const std::string& value,
                         std::string& out) const override {
    out.assign(value);
    return absl::OkStatus();
  }
  absl::StatusOr<std::string> Deserialize(std::string_view,
                                          std::string_view data) const override {
    return std::string(data);
  }
};

class ByteArraySerde final : public Serde<ByteArray> {
 public:
  absl::Status Serialize(std::string_view, const ByteArray& value,
                         std::string& out) const override {
    out.assign(reinterpret_cast<const char*>(value.data()), value.size());
    return absl::OkStatus();
  }
  absl::StatusOr<ByteArray> Deserialize(std::string_view,
                                        std::string_view data) const override {
    return ByteArray(data.begin(), data.end());
  }
};

class BoolSerde final : public Serde<bool> {
 public:
  absl::Status Serialize(std::string_view, const bool& value,
                         std::string& out) const override {
    out.assign(1, value ? '\x01' : '\x00');
    return absl::OkStatus();
  }
  absl::StatusOr<bool> Deserialize(std::string_view topic,
                                   std::string_view data) const override {
    if (data.size() != 1) return SizeError("BooleanDeserializer", topic, 1, data.size());
    if (data[0] == '\x01') return true;
    if (data[0] == '\x00') return false;
    return absl::InvalidArgumentError(::kstreams::internal::StrCat(
        "BooleanDeserializer on topic '", topic, "': byte ",
        static_cast<int>(static_cast<uint8_t>(data[0])), " is neither 0 nor 1"));
  }
};

class UuidSerdeImpl final : public Serde<Uuid> {
 public:
  absl::Status Serialize(std::string_view, const Uuid& value,
                         std::string& out) const override {
    out = value.ToString();
    return absl::OkStatus();
  }
  absl::StatusOr<Uuid> Deserialize(std::string_view topic,
                                   std::string_view data) const override {
    absl::StatusOr<Uuid> uuid = Uuid::Parse(data);
    if (!uuid.ok()) {
      return absl::InvalidArgumentError(::kstreams::internal::StrCat(
          "UUIDDeserializer on topic '", topic, "': ", uuid.status().message()));
    }
    return uuid;
  }
};

class VoidSerdeImpl final : public Serde<Void> {
 public:
  absl::Status Serialize(std::string_view, const Void&,
                         std::string& out) const override {
    out.clear();  // unreachable: IsNull() is always true
    return absl::OkStatus();
  }
  absl::StatusOr<Void> Deserialize(std::string_view topic,
                                   std::string_view data) const override {
    return absl::InvalidArgumentError(::kstreams::internal::StrCat(
        "VoidDeserializer on topic '", topic, "': expected null, got ",
        data.size(), " bytes"));
  }
  bool IsNull(const Void&) const override { return true; }
  absl::StatusOr<Void> DeserializeNull(std::string_view) const override {
    return Void{};
  }
};

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace
}  // namespace internal

absl::StatusOr<Uuid> Uuid::Parse(std::string_view text) {
  auto error = [&] {
    return absl::InvalidArgumentError(::kstreams::internal::StrCat(
        "'", text.substr(0, 64),
        "' is not a UUID of the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"));
  };
  // Like java.util.UUID.fromString: five '-'-separated hex groups of at most
  // 8, 4, 4, 4 and 12 digits; shorter groups are zero-extended on the left
  // ("1-2-3-4-5" is 00000001-0002-0003-0004-000000000005).
  static constexpr size_t kDigits[5] = {8, 4, 4, 4, 12};
  if (text.size() > 36) return error();
  std::string canonical;
  size_t pos = 0;
  for (size_t g = 0; g < 5; ++g) {
    size_t end = g < 4 ? text.find('-', pos) : text.size();
    if (end == std::string_view::npos) return error();
    std::string_view group = text.substr(pos, end - pos);
    if (group.empty() || group.size() > kDigits[g]) return error();
    canonical.append(kDigits[g] - group.size(), '0');
    canonical.append(group);
    pos = end + 1;
  }
  std::array<uint8_t, 16> bytes{};
  for (size_t b = 0; b < 16; ++b) {
    int hi = internal::HexDigit(canonical[2 * b]);
    int lo = internal::HexDigit(canonical[2 * b + 1]);
    if (hi < 0 || lo < 0) return error();
    bytes[b] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return Uuid(bytes);
}

std::string Uuid::ToString() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(kHex[bytes_[i] >> 4]);
    s.push_back(kHex[bytes_[i] & 0xf]);
  }
  return s;
}

namespace serdes {
using internal::FixedWidthSerde;

SerdePtr<std::string> String() {
  static const auto s = std::make_shared<internal::StringSerde>();
  return s;
}
SerdePtr<ByteArray> ByteArrayRaw() {
  static const auto s = std::make_shared<internal::ByteArraySerde>();
  return s;
}
SerdePtr<int16_t> Int16() {
  static const auto s = std::make_shared<FixedWidthSerde<int16_t, uint16_t>>("ShortDeserializer");
  return s;
}
SerdePtr<int32_t> Int32() {
  static const auto s = std::make_shared<FixedWidthSerde<int32_t, uint32_t>>("IntegerDeserializer");
  return s;
}
SerdePtr<int64_t> Int64() {
  static const auto s = std::make_shared<FixedWidthSerde<int64_t, uint64_t>>("LongDeserializer");
  return s;
}
SerdePtr<float> Float() {
  static const auto s = std::make_shared<FixedWidthSerde<float, uint32_t>>("FloatDeserializer");
  return s;
}
SerdePtr<double> Double() {
  static const auto s = std::make_shared<FixedWidthSerde<double, uint64_t>>("DoubleDeserializer");
  return s;
}
SerdePtr<bool> Bool() {
  static const auto s = std::make_shared<internal::BoolSerde>();
  return s;
}
SerdePtr<Uuid> UuidSerde() {
  static const auto s = std::make_shared<internal::UuidSerdeImpl>();
  return s;
}
SerdePtr<Void> VoidSerde() {
  static const auto s = std::make_shared<internal::VoidSerdeImpl>();
  return s;
}
}  // namespace serdes
}  // namespace kstreams
