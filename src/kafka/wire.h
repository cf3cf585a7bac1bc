// src/kafka/wire.h  (internal: not for users)
//
// The Kafka wire format's primitive types, as the protocol's schema files
// (clients/src/main/resources/common/message/*.json in Apache Kafka) use
// them: big-endian int8/16/32/64 and uint16, booleans, unsigned varints, and
// the "flexible version" forms of strings and arrays (compact: length + 1 as
// an unsigned varint, 0 meaning null) with tagged fields after every struct.
// The messages built on them live in protocol_messages.h.
//
// WireReader never throws and never reads past its input: the first problem
// (truncated input, a length beyond what is left, a negative length where
// none may be) is kept with the name of the field being read, every later
// read returns zero / empty, and status() reports it. Array lengths are
// checked against the bytes left before anything is allocated, so a corrupt
// length cannot make a decoder allocate gigabytes.
//
// Thread-safety: thread-compatible (one owner per object).
//
// Example:
//
//   WireWriter w;
//   w.Int32(7);
//   w.CompactString("group");
//   w.EmptyTaggedFields();
//   WireReader r(w.data(), "MyMessage v0");
//   int32_t n = r.Int32("Count");
//   std::string g = r.CompactString("GroupId");
//   r.SkipTaggedFields("MyMessage");
//   KSTREAMS_RETURN_IF_ERROR(r.Finish());  // also refuses trailing bytes
#ifndef KSTREAMS_SRC_KAFKA_WIRE_H_
#define KSTREAMS_SRC_KAFKA_WIRE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace kstreams::internal {

class WireWriter {
 public:
  void Int8(int8_t v);
  void Int16(int16_t v);
  void Int32(int32_t v);
  void Int64(int64_t v);
  void UInt16(uint16_t v);
  void Bool(bool v) { Int8(v ? 1 : 0); }
  void UnsignedVarint(uint32_t v);
  // Flexible versions: length + 1 as an unsigned varint, then the bytes.
  void CompactString(std::string_view s);
  // Null is length 0.
  void CompactNullableString(const std::optional<std::string>& s);
  // The request header's ClientId: int16 length (-1 = null), then the bytes,
  // even in flexible header versions.
  void NullableString(const std::optional<std::string>& s);
  // An array's element count + 1; the caller writes the elements.
  void CompactArrayLength(size_t n);
  void NullCompactArray() { UnsignedVarint(0); }
  // A nullable struct's marker: -1 null, 1 present (then the struct).
  void StructPresence(bool present) { Int8(present ? 1 : -1); }
  // No tagged fields: a count of 0.
  void EmptyTaggedFields() { UnsignedVarint(0); }

  const std::string& data() const { return data_; }
  std::string Take() { return std::move(data_); }

 private:
  std::string data_;
};

class WireReader {
 public:
  // `what` names the message for errors ("StreamsGroupHeartbeatResponse v1").
  // `data` must outlive the reader.
  WireReader(std::string_view data, std::string what) : data_(data), what_(std::move(what)) {}

  int8_t Int8(std::string_view field);
  int16_t Int16(std::string_view field);
  int32_t Int32(std::string_view field);
  int64_t Int64(std::string_view field);
  uint16_t UInt16(std::string_view field);
  bool Bool(std::string_view field);
  uint32_t UnsignedVarint(std::string_view field);
  // A null compact string is an error here (the field is not nullable).
  std::string CompactString(std::string_view field);
  std::optional<std::string> CompactNullableString(std::string_view field);
  // The element count of a compact array, std::nullopt for null. An error
  // when the count could not fit in the bytes left, each element taking at
  // least `min_element_bytes`.
  std::optional<size_t> CompactNullableArrayLength(std::string_view field,
                                                   size_t min_element_bytes = 1);
  // As above, where null is an error; 0 after an error.
  size_t CompactArrayLength(std::string_view field, size_t min_element_bytes = 1);
  // A nullable struct's marker: true when present.
  bool StructPresence(std::string_view field);
  // Skips the tagged fields of a struct (their contents are not needed).
  void SkipTaggedFields(std::string_view field);

  // Reads `count` tagged fields' headers and hands each (tag, bytes) to `on_tag`.
  template <typename OnTag>
  void ReadTaggedFields(std::string_view field, OnTag on_tag) {
    const uint32_t count = UnsignedVarint(field);
    for (uint32_t i = 0; i < count && ok(); ++i) {
      const uint32_t tag = UnsignedVarint(field);
      const uint32_t size = UnsignedVarint(field);
      std::string_view bytes = Bytes(size, field);
      if (ok()) on_tag(tag, bytes);
    }
  }

  bool ok() const { return status_.ok(); }
  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }
  const absl::Status& status() const { return status_; }
  // The status; an error when bytes are left over.
  absl::Status Finish();
  // Records an error found by the caller (a value out of range).
  void Fail(std::string_view field, std::string_view problem);

 private:
  std::string_view Bytes(size_t n, std::string_view field);

  std::string_view data_;
  size_t pos_ = 0;
  std::string what_;
  absl::Status status_;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_KAFKA_WIRE_H_
