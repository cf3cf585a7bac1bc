// kstreams/dsl/internal/fk_join_wire.h  (internal: not for users)
//
// What a foreign-key join sends between its two sides, in Kafka Streams'
// byte layouts (so a Java application can read the internal topics):
//   - SubscriptionWrapper<K> on "<app>-...-SUBSCRIPTION-REGISTRATION-<n>-topic"
//     (key: the foreign key): {1 bit hash-is-null}{7 bits version = 1}
//     {1 byte instruction}{16 bytes hash, unless null}{primary key bytes}
//     {4 bytes primary partition};
//   - SubscriptionResponseWrapper<VO> on "...-SUBSCRIPTION-RESPONSE-<n>-topic"
//     (key: the primary key): {1 bit hash-is-null}{7 bits version = 0}
//     {16 bytes hash, unless null}{foreign value bytes, absent for null};
//   - the subscription store's key, CombinedKey: {4 bytes foreign key
//     length}{foreign key bytes}{primary key bytes}.
// The hash is Murmur3 x64 128-bit (seed 104729, Kafka's Murmur3.hash128) of
// the serialized left value; a response whose hash differs from the current
// left value's is stale and discarded.
//
// Thread-safety: value types and immutable serdes.
#ifndef KSTREAMS_DSL_INTERNAL_FK_JOIN_WIRE_H_
#define KSTREAMS_DSL_INTERNAL_FK_JOIN_WIRE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kstreams/internal/strings.h"
#include "kstreams/serde/serde.h"
#include "kstreams/status_macros.h"

namespace kstreams::internal {

using Hash128 = std::array<uint64_t, 2>;

// Kafka Streams' Murmur3.hash128(data): MurmurHash3_x64_128, seed 104729.
Hash128 Murmur3Hash128(std::string_view data, uint32_t seed = 104729);

// Java's SubscriptionWrapper.Instruction values.
enum class SubscriptionInstruction : uint8_t {
  kDeleteKeyNoPropagate = 0,
  kDeleteKeyAndPropagate = 1,
  kPropagateNullIfNoFkValAvailable = 2,
  kPropagateOnlyIfFkValAvailable = 3,
};

template <typename K>
struct SubscriptionWrapper {
  std::optional<Hash128> hash;  // nullopt: the left value was deleted
  SubscriptionInstruction instruction = SubscriptionInstruction::kDeleteKeyNoPropagate;
  K primary_key;
  int32_t primary_partition = -1;
  uint8_t version = 1;
};

template <typename V>
struct SubscriptionResponseWrapper {
  std::optional<Hash128> hash;
  std::optional<V> foreign_value;
  // Where the response goes back to (not serialized, as in Java).
  int32_t primary_partition = -1;
  uint8_t version = 0;
};

inline void AppendU64(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}
inline uint64_t ReadU64(std::string_view in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}
inline void AppendU32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}
inline uint32_t ReadU32(std::string_view in) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

template <typename K>
class SubscriptionWrapperSerde final : public Serde<SubscriptionWrapper<K>> {
 public:
  explicit SubscriptionWrapperSerde(SerdePtr<K> primary_key_serde)
      : pk_(std::move(primary_key_serde)) {}
  absl::Status Serialize(std::string_view topic, const SubscriptionWrapper<K>& w,
                         std::string& out) const override {
    std::string pk;
    KSTREAMS_RETURN_IF_ERROR(pk_->Serialize(topic, w.primary_key, pk));
    out.clear();
    out.push_back(static_cast<char>(w.hash ? w.version : (w.version | 0x80)));
    out.push_back(static_cast<char>(w.instruction));
    if (w.hash) {
      AppendU64(out, (*w.hash)[0]);
      AppendU64(out, (*w.hash)[1]);
    }
    out += pk;
    if (w.version > 0) AppendU32(out, static_cast<uint32_t>(w.primary_partition));
    return absl::OkStatus();
  }
  absl::StatusOr<SubscriptionWrapper<K>> Deserialize(std::string_view topic,
                                                     std::string_view data) const override {
    if (data.size() < 2) return Corrupt(topic, "shorter than 2 bytes");
    SubscriptionWrapper<K> w{std::nullopt, {}, K{}, -1, 1};
    w.version = static_cast<uint8_t>(data[0]) & 0x7f;
    const bool hash_null = (static_cast<uint8_t>(data[0]) & 0x80) != 0;
    if (w.version > 1) {
      return absl::InvalidArgumentError(StrCat("subscription on topic '", topic,
                                               "' has unsupported version ", w.version));
    }
    const auto inst = static_cast<uint8_t>(data[1]);
    if (inst > 3) return Corrupt(topic, "unknown instruction");
    w.instruction = static_cast<SubscriptionInstruction>(inst);
    std::string_view rest = data.substr(2);
    if (!hash_null) {
      if (rest.size() < 16) return Corrupt(topic, "truncated hash");
      w.hash = Hash128{ReadU64(rest), ReadU64(rest.substr(8))};
      rest.remove_prefix(16);
    }
    if (w.version > 0) {
      if (rest.size() < 4) return Corrupt(topic, "truncated partition");
      w.primary_partition = static_cast<int32_t>(ReadU32(rest.substr(rest.size() - 4)));
      rest.remove_suffix(4);
    }
    absl::StatusOr<K> pk = pk_->Deserialize(topic, rest);
    if (!pk.ok()) return pk.status();
    w.primary_key = *std::move(pk);
    return w;
  }

 private:
  static absl::Status Corrupt(std::string_view topic, const char* why) {
    return absl::InvalidArgumentError(
        StrCat("corrupt subscription on topic '", topic, "': ", why));
  }
  SerdePtr<K> pk_;
};

template <typename V>
class SubscriptionResponseWrapperSerde final : public Serde<SubscriptionResponseWrapper<V>> {
 public:
  explicit SubscriptionResponseWrapperSerde(SerdePtr<V> value_serde)
      : value_(std::move(value_serde)) {}
  absl::Status Serialize(std::string_view topic, const SubscriptionResponseWrapper<V>& w,
                         std::string& out) const override {
    std::string value;
    if (w.foreign_value && !value_->IsNull(*w.foreign_value)) {
      KSTREAMS_RETURN_IF_ERROR(value_->Serialize(topic, *w.foreign_value, value));
    }
    out.clear();
    out.push_back(static_cast<char>(w.hash ? w.version : (w.version | 0x80)));
    if (w.hash) {
      AppendU64(out, (*w.hash)[0]);
      AppendU64(out, (*w.hash)[1]);
    }
    out += value;
    return absl::OkStatus();
  }
  absl::StatusOr<SubscriptionResponseWrapper<V>> Deserialize(std::string_view topic,
                                                             std::string_view data) const override {
    if (data.empty()) {
      return absl::InvalidArgumentError(
          StrCat("corrupt subscription response on topic '", topic, "': empty"));
    }
    SubscriptionResponseWrapper<V> w;
    w.version = static_cast<uint8_t>(data[0]) & 0x7f;
    std::string_view rest = data.substr(1);
    if ((static_cast<uint8_t>(data[0]) & 0x80) == 0) {
      if (rest.size() < 16) {
        return absl::InvalidArgumentError(
            StrCat("corrupt subscription response on topic '", topic, "': truncated hash"));
      }
      w.hash = Hash128{ReadU64(rest), ReadU64(rest.substr(8))};
      rest.remove_prefix(16);
    }
    if (!rest.empty()) {  // Java: no bytes means a null foreign value
      absl::StatusOr<V> v = value_->Deserialize(topic, rest);
      if (!v.ok()) return v.status();
      w.foreign_value = *std::move(v);
    }
    return w;
  }

 private:
  SerdePtr<V> value_;
};

// CombinedKey bytes: {4 bytes foreign key length}{foreign key}{primary key}.
inline std::string CombinedKeyPrefix(std::string_view foreign_key) {
  std::string out;
  AppendU32(out, static_cast<uint32_t>(foreign_key.size()));
  out.append(foreign_key);
  return out;
}

}  // namespace kstreams::internal

#endif  // KSTREAMS_DSL_INTERNAL_FK_JOIN_WIRE_H_
