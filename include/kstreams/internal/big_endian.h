// kstreams/internal/big_endian.h  (internal: not for users)
//
// Fixed-width big-endian integers, as java.nio.ByteBuffer writes them: the
// timestamps and sequence numbers inside windowed keys and store keys.
#ifndef KSTREAMS_INTERNAL_BIG_ENDIAN_H_
#define KSTREAMS_INTERNAL_BIG_ENDIAN_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace kstreams::internal {

inline void AppendInt64BigEndian(std::string& out, int64_t v) {
  const auto u = static_cast<uint64_t>(v);
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(u >> shift));
}
inline void AppendInt32BigEndian(std::string& out, int32_t v) {
  const auto u = static_cast<uint32_t>(v);
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(u >> shift));
}
// REQUIRES: bytes.size() >= 8 (4 for the 32-bit form).
inline int64_t ReadInt64BigEndian(std::string_view bytes) {
  uint64_t u = 0;
  for (size_t i = 0; i < 8; ++i) u = (u << 8) | static_cast<uint8_t>(bytes[i]);
  return static_cast<int64_t>(u);
}
inline int32_t ReadInt32BigEndian(std::string_view bytes) {
  uint32_t u = 0;
  for (size_t i = 0; i < 4; ++i) u = (u << 8) | static_cast<uint8_t>(bytes[i]);
  return static_cast<int32_t>(u);
}

}  // namespace kstreams::internal

#endif  // KSTREAMS_INTERNAL_BIG_ENDIAN_H_
