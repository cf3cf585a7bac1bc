// kstreams/schema/avro_binary.h
//
// Avro's binary encoding, primitive by primitive: zigzag varints, IEEE 754
// little-endian floats, length-prefixed strings and bytes, blocked arrays and
// maps. The struct codec of avro_traits.h (Encode/Decode) writes and reads
// records through it without going through avro-c's generic values, and the
// generic decoder checks a record's bytes with it before avro-c reads them.
//
// Reading never trusts a length: a string, bytes or fixed longer than the
// bytes left, or an array/map block announcing more items than the bytes
// left can hold, is an error before anything is allocated. Items that encode
// in zero bytes (null, an empty record) are limited to kMaxEmptyItems per
// record, so a few bytes cannot announce billions of them.
//
// Thread-safety: BinaryReader and BinaryWriter are cursors owned by one
// thread.
#ifndef KSTREAMS_SCHEMA_AVRO_BINARY_H_
#define KSTREAMS_SCHEMA_AVRO_BINARY_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace kstreams::avro {

// The most array items or map entries of zero encoded size one record may
// announce.
inline constexpr size_t kMaxEmptyItems = size_t{1} << 20;

// Appends Avro's encoding of values to a string. Writes go to a buffer of
// the writer's own (on the stack), appended to the string when full and when
// the writer is destroyed: a field costs a few stores, not a call to append.
// Do not touch the string while the writer lives.
class BinaryWriter {
 public:
  explicit BinaryWriter(std::string& out) : out_(out) {}
  ~BinaryWriter() { Spill(); }
  BinaryWriter(const BinaryWriter&) = delete;
  BinaryWriter& operator=(const BinaryWriter&) = delete;

  [[gnu::always_inline]] void Long(int64_t v) {
    uint64_t z = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
    char* p = Room(10);
    size_t n = 0;
    while (z >= 0x80) {
      p[n++] = static_cast<char>((z & 0x7f) | 0x80);
      z >>= 7;
    }
    p[n++] = static_cast<char>(z);
    n_ += n;
  }
  void Int(int32_t v) { Long(v); }
  void Bool(bool v) {
    *Room(1) = v ? '\1' : '\0';
    ++n_;
  }
  void Float(float v) {
    uint32_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    char* p = Room(4);
    for (int i = 0; i < 4; ++i) p[i] = static_cast<char>(bits >> (8 * i));
    n_ += 4;
  }
  void Double(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    char* p = Room(8);
    for (int i = 0; i < 8; ++i) p[i] = static_cast<char>(bits >> (8 * i));
    n_ += 8;
  }
  // string and bytes: the length, then the bytes.
  void Bytes(std::string_view b) {
    Long(static_cast<int64_t>(b.size()));
    Raw(b);
  }
  // fixed: the bytes alone.
  void Raw(std::string_view b) {
    if (b.size() <= kBuffer - n_) {
      if (!b.empty()) std::memcpy(buf_ + n_, b.data(), b.size());
      n_ += b.size();
      return;
    }
    Spill();
    out_.append(b);
  }

 private:
  static constexpr size_t kBuffer = 256;

  char* Room(size_t n) {  // REQUIRES: n <= kBuffer
    if (kBuffer - n_ < n) Spill();
    return buf_ + n_;
  }
  void Spill() {
    out_.append(buf_, n_);
    n_ = 0;
  }

  std::string& out_;
  size_t n_ = 0;
  char buf_[kBuffer];
};

// A cursor over one record's bytes. Each Read* returns false on malformed or
// truncated input and leaves the reason for status().
class BinaryReader {
 public:
  explicit BinaryReader(std::string_view data) : begin_(data.data()), pos_(data.data()), end_(data.data() + data.size()) {}

  size_t remaining() const { return static_cast<size_t>(end_ - pos_); }
  size_t offset() const { return static_cast<size_t>(pos_ - begin_); }

  bool ReadLong(int64_t& v) {
    uint64_t z = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (pos_ == end_) return Fail("truncated varint");
      const auto b = static_cast<uint8_t>(*pos_++);
      z |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        v = static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
        return true;
      }
    }
    return Fail("varint longer than 10 bytes");
  }
  bool ReadInt(int32_t& v) {
    uint32_t z = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (pos_ == end_) return Fail("truncated varint");
      const auto b = static_cast<uint8_t>(*pos_++);
      z |= static_cast<uint32_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        v = static_cast<int32_t>(z >> 1) ^ -static_cast<int32_t>(z & 1);
        return true;
      }
    }
    return Fail("int varint longer than 5 bytes");
  }
  bool ReadBool(bool& v) {
    if (pos_ == end_) return Fail("truncated boolean");
    v = *pos_++ != 0;
    return true;
  }
  bool ReadFloat(float& v) {
    if (remaining() < 4) return Fail("truncated float");
    uint32_t bits = 0;
    for (int i = 3; i >= 0; --i) bits = (bits << 8) | static_cast<uint8_t>(pos_[i]);
    std::memcpy(&v, &bits, sizeof v);
    pos_ += 4;
    return true;
  }
  bool ReadDouble(double& v) {
    if (remaining() < 8) return Fail("truncated double");
    uint64_t bits = 0;
    for (int i = 7; i >= 0; --i) bits = (bits << 8) | static_cast<uint8_t>(pos_[i]);
    std::memcpy(&v, &bits, sizeof v);
    pos_ += 8;
    return true;
  }
  // A string's or bytes' length, then a view of its bytes (valid as long as
  // the input is).
  bool ReadBytes(std::string_view& out) {
    int64_t n = 0;
    if (!ReadLong(n)) return false;
    if (n < 0) return Fail("negative length");
    if (static_cast<uint64_t>(n) > remaining()) return Fail("length exceeds the bytes left");
    out = std::string_view(pos_, static_cast<size_t>(n));
    pos_ += n;
    return true;
  }
  bool ReadFixed(size_t size, std::string_view& out) {
    if (size > remaining()) return Fail("fixed exceeds the bytes left");
    out = std::string_view(pos_, size);
    pos_ += size;
    return true;
  }
  // A union's branch index or an enum's symbol index, checked against `n`.
  bool ReadIndex(size_t n, size_t& index) {
    int64_t i = 0;
    if (!ReadLong(i)) return false;
    if (i < 0 || static_cast<uint64_t>(i) >= n) return Fail("index out of range");
    index = static_cast<size_t>(i);
    return true;
  }
  // The item count of the next array/map block (0: the end). A negative
  // count is followed by the block's byte size, which is checked and
  // skipped. `min_item_size` is the fewest bytes one item encodes in.
  bool ReadBlockCount(size_t min_item_size, size_t& count) {
    int64_t n = 0;
    if (!ReadLong(n)) return false;
    if (n < 0) {
      if (n == INT64_MIN) return Fail("bad block count");
      n = -n;
      int64_t bytes = 0;
      if (!ReadLong(bytes)) return false;
      if (bytes < 0 || static_cast<uint64_t>(bytes) > remaining()) return Fail("block size exceeds the bytes left");
    }
    const auto c = static_cast<uint64_t>(n);
    if (min_item_size == 0) {
      if (c > kMaxEmptyItems - empty_items_) return Fail("too many empty items");
      empty_items_ += static_cast<size_t>(c);
    } else if (c > remaining() / min_item_size) {
      return Fail("block count exceeds the bytes left");
    }
    count = static_cast<size_t>(c);
    return true;
  }

  // Why the last Read* failed, with the offset.
  absl::Status status() const;
  // Marks the input malformed (`why`: a literal); returns false.
  bool Fail(const char* why) {
    error_ = why;
    return false;
  }

 private:
  const char* begin_;
  const char* pos_;
  const char* end_;
  const char* error_ = nullptr;
  size_t empty_items_ = 0;
};

}  // namespace kstreams::avro

#endif  // KSTREAMS_SCHEMA_AVRO_BINARY_H_
