// kstreams/schema/avro_traits.h
//
// Maps a user's C++ struct to an Avro record and back, without code
// generation: specialize avro::AvroRecord<T> with the record's name and a
// list of fields (name, pointer to member, optional default as JSON). Field
// types map as:
//
//   bool -> boolean          int32_t -> int        int64_t -> long
//   float -> float           double -> double      std::string -> string
//   kstreams::ByteArray -> bytes                   kstreams::Uuid -> string/uuid
//   absl::CivilDay -> int/date                     absl::Time -> long/timestamp-millis
//   std::optional<T> -> ["null", T] (default null) std::vector<T> -> array
//   std::map<std::string, T> -> map                a struct with AvroRecord -> record
//   an enum with AvroEnum -> enum
//
// Each AvroType also writes and reads Avro's binary encoding of its own
// schema directly (Encode/Decode over avro_binary.h, no avro-c value in
// between): serdes::Avro<T> uses them when a record's writer schema is T's
// own, and tests/unit/schema/avro_codec_diff_test.cc checks them byte for
// byte against avro-c's encoding.
//
// Thread-safety: stateless; the functions may be called from any thread.
//
// Example:
//
//   struct Order { int64_t id; std::string sku; int32_t qty; std::optional<std::string> note; };
//   template <> struct kstreams::avro::AvroRecord<Order> {
//     static constexpr std::string_view kName = "shop.Order";
//     static auto Fields() {
//       return std::make_tuple(kstreams::avro::FieldOf("id", &Order::id),
//                              kstreams::avro::FieldOf("sku", &Order::sku),
//                              kstreams::avro::FieldOf("qty", &Order::qty, "1"),
//                              kstreams::avro::FieldOf("note", &Order::note));
//     }
//   };
//   std::string schema_json = kstreams::avro::SchemaJsonOf<Order>();
#ifndef KSTREAMS_SCHEMA_AVRO_TRAITS_H_
#define KSTREAMS_SCHEMA_AVRO_TRAITS_H_

#include <concepts>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "kstreams/internal/strings.h"
#include "kstreams/schema/avro_binary.h"
#include "kstreams/schema/avro_value.h"
#include "kstreams/serde/serde.h"
#include "kstreams/status_macros.h"

namespace kstreams::avro {

// Specialize for a struct: `static constexpr std::string_view kName` (full
// name) and `static auto Fields()` returning a tuple of FieldOf(...).
template <typename T>
struct AvroRecord;

// Specialize for an enum: `kName` and `static std::vector<std::string_view>
// Symbols()`, symbol i being the enumerator of value i.
template <typename E>
struct AvroEnum;

template <typename S, typename M>
struct FieldDef {
  using Member = M;
  std::string_view name;
  M S::*member;
  std::string_view default_json;  // empty: none (optional fields: null)
};

template <typename S, typename M>
constexpr FieldDef<S, M> FieldOf(std::string_view name, M S::*member,
                                 std::string_view default_json = {}) {
  return FieldDef<S, M>{name, member, default_json};
}

// How one C++ type maps to Avro. Specialized below; a user may add their own,
// with AppendSchema, Write, Read, and the binary codec: Encode (appends;
// false: the value has no encoding), Decode (false: malformed input, the
// reason in the reader) and MinSize (the fewest bytes a value encodes in).
template <typename T, typename Enable = void>
struct AvroType;

template <typename T>
concept HasAvroType = requires { AvroType<T>::kIsAvroType; };

template <typename T>
concept HasAvroRecord = requires { AvroRecord<T>::kName; };
template <typename E>
concept HasAvroEnum = requires { AvroEnum<E>::kName; };

namespace internal {
template <typename M>
inline constexpr bool kIsOptional = false;
template <typename M>
inline constexpr bool kIsOptional<std::optional<M>> = true;

// Emits a named type's definition the first time, its name afterwards.
inline bool FirstDefinition(std::set<std::string>& defined, std::string_view name) {
  return defined.insert(std::string(name)).second;
}
}  // namespace internal

// T has the binary codec (Encode/Decode/MinSize) next to Write/Read.
template <typename T>
concept HasAvroCodec = requires(const T& v, T& mv, BinaryWriter& out, BinaryReader& in) {
  { AvroType<T>::Encode(v, out) } -> std::same_as<bool>;
  { AvroType<T>::Decode(in, mv) } -> std::same_as<bool>;
  { AvroType<T>::MinSize() } -> std::same_as<size_t>;
};

namespace internal {
// The binary codec of the primitives (Encode: append; Decode: false on
// malformed input, the reason in the reader).
inline bool EncodeValue(bool v, BinaryWriter& out) { out.Bool(v); return true; }
inline bool EncodeValue(int32_t v, BinaryWriter& out) { out.Int(v); return true; }
inline bool EncodeValue(int64_t v, BinaryWriter& out) { out.Long(v); return true; }
inline bool EncodeValue(float v, BinaryWriter& out) { out.Float(v); return true; }
inline bool EncodeValue(double v, BinaryWriter& out) { out.Double(v); return true; }
inline bool EncodeValue(const std::string& v, BinaryWriter& out) { out.Bytes(v); return true; }
inline bool EncodeValue(const Uuid& v, BinaryWriter& out) { out.Bytes(v.ToString()); return true; }
inline bool EncodeValue(absl::CivilDay v, BinaryWriter& out) {
  out.Int(static_cast<int32_t>(v - absl::CivilDay(1970, 1, 1)));
  return true;
}
inline bool EncodeValue(absl::Time v, BinaryWriter& out) { out.Long(absl::ToUnixMillis(v)); return true; }
inline bool DecodeValue(BinaryReader& in, bool& v) { return in.ReadBool(v); }
inline bool DecodeValue(BinaryReader& in, int32_t& v) { return in.ReadInt(v); }
inline bool DecodeValue(BinaryReader& in, int64_t& v) { return in.ReadLong(v); }
inline bool DecodeValue(BinaryReader& in, float& v) { return in.ReadFloat(v); }
inline bool DecodeValue(BinaryReader& in, double& v) { return in.ReadDouble(v); }
inline bool DecodeValue(BinaryReader& in, std::string& v) {
  std::string_view s;
  if (!in.ReadBytes(s)) return false;
  v.assign(s.data(), s.size());
  return true;
}
inline bool DecodeValue(BinaryReader& in, Uuid& v) {
  std::string_view s;
  if (!in.ReadBytes(s)) return false;
  absl::StatusOr<Uuid> u = Uuid::Parse(s);
  if (!u.ok()) return in.Fail("not a UUID");
  v = *u;
  return true;
}
inline bool DecodeValue(BinaryReader& in, absl::CivilDay& v) {
  int32_t days = 0;
  if (!in.ReadInt(days)) return false;
  v = absl::CivilDay(1970, 1, 1) + days;
  return true;
}
inline bool DecodeValue(BinaryReader& in, absl::Time& v) {
  int64_t ms = 0;
  if (!in.ReadLong(ms)) return false;
  v = absl::FromUnixMillis(ms);
  return true;
}
}  // namespace internal

#define KSTREAMS_AVRO_PRIMITIVE(CppType, SchemaText, Getter, Setter, MinBytes)              \
  template <>                                                                             \
  struct AvroType<CppType> {                                                              \
    static constexpr bool kIsAvroType = true;                                             \
    static void AppendSchema(std::string& out, std::set<std::string>&) { out += SchemaText; } \
    static bool Encode(const CppType& v, BinaryWriter& out) { return internal::EncodeValue(v, out); } \
    static bool Decode(BinaryReader& in, CppType& v) { return internal::DecodeValue(in, v); } \
    static size_t MinSize() { return MinBytes; }                                          \
    static absl::Status Write(const CppType& v, ValueRef r) { return r.Setter(v); }       \
    static absl::Status Read(ValueRef r, CppType& v) {                                    \
      KSTREAMS_ASSIGN_OR_RETURN(auto got, r.Getter());                                    \
      v = CppType(got);                                                                   \
      return absl::OkStatus();                                                            \
    }                                                                                     \
  };
KSTREAMS_AVRO_PRIMITIVE(bool, "\"boolean\"", GetBool, SetBool, 1)
KSTREAMS_AVRO_PRIMITIVE(int32_t, "\"int\"", GetInt, SetInt, 1)
KSTREAMS_AVRO_PRIMITIVE(int64_t, "\"long\"", GetLong, SetLong, 1)
KSTREAMS_AVRO_PRIMITIVE(float, "\"float\"", GetFloat, SetFloat, 4)
KSTREAMS_AVRO_PRIMITIVE(double, "\"double\"", GetDouble, SetDouble, 8)
KSTREAMS_AVRO_PRIMITIVE(std::string, "\"string\"", GetString, SetString, 1)
KSTREAMS_AVRO_PRIMITIVE(Uuid, "{\"type\":\"string\",\"logicalType\":\"uuid\"}", GetUuid, SetUuid, 1)
KSTREAMS_AVRO_PRIMITIVE(absl::CivilDay, "{\"type\":\"int\",\"logicalType\":\"date\"}", GetDate, SetDate, 1)
KSTREAMS_AVRO_PRIMITIVE(absl::Time, "{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}",
                        GetTimestampMillis, SetTimestampMillis, 1)
#undef KSTREAMS_AVRO_PRIMITIVE

template <>
struct AvroType<ByteArray> {
  static constexpr bool kIsAvroType = true;
  static void AppendSchema(std::string& out, std::set<std::string>&) { out += "\"bytes\""; }
  static bool Encode(const ByteArray& v, BinaryWriter& out) {
    out.Bytes(std::string_view(reinterpret_cast<const char*>(v.data()), v.size()));
    return true;
  }
  static bool Decode(BinaryReader& in, ByteArray& v) {
    std::string_view b;
    if (!in.ReadBytes(b)) return false;
    v.assign(b.begin(), b.end());
    return true;
  }
  static size_t MinSize() { return 1; }
  static absl::Status Write(const ByteArray& v, ValueRef r) {
    return r.SetBytes(std::string_view(reinterpret_cast<const char*>(v.data()), v.size()));
  }
  static absl::Status Read(ValueRef r, ByteArray& v) {
    KSTREAMS_ASSIGN_OR_RETURN(std::string_view b, r.GetBytes());
    v.assign(b.begin(), b.end());
    return absl::OkStatus();
  }
};

template <typename T>
struct AvroType<std::optional<T>> {
  static constexpr bool kIsAvroType = true;
  static void AppendSchema(std::string& out, std::set<std::string>& defined) {
    out += "[\"null\",";
    AvroType<T>::AppendSchema(out, defined);
    out += "]";
  }
  static bool Encode(const std::optional<T>& v, BinaryWriter& out) {
    if (!v) {
      out.Long(0);
      return true;
    }
    out.Long(1);
    return AvroType<T>::Encode(*v, out);
  }
  static bool Decode(BinaryReader& in, std::optional<T>& v) {
    size_t branch = 0;
    if (!in.ReadIndex(2, branch)) return false;
    if (branch == 0) {
      v.reset();
      return true;
    }
    return AvroType<T>::Decode(in, v.emplace());
  }
  static size_t MinSize() { return 1; }
  static absl::Status Write(const std::optional<T>& v, ValueRef r) {
    if (!v) {
      KSTREAMS_ASSIGN_OR_RETURN(ValueRef b, r.SetBranch(0));
      return b.SetNull();
    }
    KSTREAMS_ASSIGN_OR_RETURN(ValueRef b, r.SetBranch(1));
    return AvroType<T>::Write(*v, b);
  }
  static absl::Status Read(ValueRef r, std::optional<T>& v) {
    KSTREAMS_ASSIGN_OR_RETURN(ValueRef b, r.Current());
    if (b.type() == Type::kNull) {
      v.reset();
      return absl::OkStatus();
    }
    v.emplace();
    return AvroType<T>::Read(b, *v);
  }
};

template <typename T>
struct AvroType<std::vector<T>, std::enable_if_t<!std::is_same_v<T, uint8_t>>> {
  static constexpr bool kIsAvroType = true;
  static void AppendSchema(std::string& out, std::set<std::string>& defined) {
    out += "{\"type\":\"array\",\"items\":";
    AvroType<T>::AppendSchema(out, defined);
    out += "}";
  }
  // One block of all items, then the end (avro-c's layout).
  static bool Encode(const std::vector<T>& v, BinaryWriter& out) {
    if (!v.empty()) {
      out.Long(static_cast<int64_t>(v.size()));
      for (const T& e : v) {
        if (!AvroType<T>::Encode(e, out)) return false;
      }
    }
    out.Long(0);
    return true;
  }
  static bool Decode(BinaryReader& in, std::vector<T>& v) {
    v.clear();
    const size_t min = AvroType<T>::MinSize();
    for (;;) {
      size_t count = 0;
      if (!in.ReadBlockCount(min, count)) return false;
      if (count == 0) return true;
      if (min > 0) v.reserve(v.size() + count);  // bounded by the bytes left
      for (size_t i = 0; i < count; ++i) {
        if (!AvroType<T>::Decode(in, v.emplace_back())) return false;
      }
    }
  }
  static size_t MinSize() { return 1; }
  static absl::Status Write(const std::vector<T>& v, ValueRef r) {
    KSTREAMS_RETURN_IF_ERROR(r.Clear());
    for (const T& e : v) {
      KSTREAMS_ASSIGN_OR_RETURN(ValueRef child, r.Append());
      KSTREAMS_RETURN_IF_ERROR(AvroType<T>::Write(e, child));
    }
    return absl::OkStatus();
  }
  static absl::Status Read(ValueRef r, std::vector<T>& v) {
    KSTREAMS_ASSIGN_OR_RETURN(size_t n, r.Size());
    v.clear();
    v.resize(n);
    for (size_t i = 0; i < n; ++i) {
      KSTREAMS_ASSIGN_OR_RETURN(ValueRef child, r.Element(i));
      KSTREAMS_RETURN_IF_ERROR(AvroType<T>::Read(child, v[i]));
    }
    return absl::OkStatus();
  }
};

template <typename T>
struct AvroType<std::map<std::string, T>> {
  static constexpr bool kIsAvroType = true;
  static void AppendSchema(std::string& out, std::set<std::string>& defined) {
    out += "{\"type\":\"map\",\"values\":";
    AvroType<T>::AppendSchema(out, defined);
    out += "}";
  }
  static bool Encode(const std::map<std::string, T>& v, BinaryWriter& out) {
    if (!v.empty()) {
      out.Long(static_cast<int64_t>(v.size()));
      for (const auto& [key, value] : v) {
        out.Bytes(key);
        if (!AvroType<T>::Encode(value, out)) return false;
      }
    }
    out.Long(0);
    return true;
  }
  static bool Decode(BinaryReader& in, std::map<std::string, T>& v) {
    v.clear();
    const size_t min = 1 + AvroType<T>::MinSize();
    for (;;) {
      size_t count = 0;
      if (!in.ReadBlockCount(min, count)) return false;
      if (count == 0) return true;
      for (size_t i = 0; i < count; ++i) {
        std::string_view key;
        if (!in.ReadBytes(key)) return false;
        T value{};
        if (!AvroType<T>::Decode(in, value)) return false;
        v.insert_or_assign(std::string(key), std::move(value));
      }
    }
  }
  static size_t MinSize() { return 1; }
  static absl::Status Write(const std::map<std::string, T>& v, ValueRef r) {
    KSTREAMS_RETURN_IF_ERROR(r.Clear());
    for (const auto& [key, value] : v) {
      KSTREAMS_ASSIGN_OR_RETURN(ValueRef child, r.MapEntry(key));
      KSTREAMS_RETURN_IF_ERROR(AvroType<T>::Write(value, child));
    }
    return absl::OkStatus();
  }
  static absl::Status Read(ValueRef r, std::map<std::string, T>& v) {
    KSTREAMS_ASSIGN_OR_RETURN(size_t n, r.Size());
    v.clear();
    for (size_t i = 0; i < n; ++i) {
      KSTREAMS_ASSIGN_OR_RETURN(auto entry, r.MapAt(i));
      KSTREAMS_RETURN_IF_ERROR(AvroType<T>::Read(entry.second, v[std::string(entry.first)]));
    }
    return absl::OkStatus();
  }
};

template <typename E>
struct AvroType<E, std::enable_if_t<HasAvroEnum<E>>> {
  static constexpr bool kIsAvroType = true;
  static void AppendSchema(std::string& out, std::set<std::string>& defined) {
    if (!internal::FirstDefinition(defined, AvroEnum<E>::kName)) {
      out += ::kstreams::internal::StrCat("\"", AvroEnum<E>::kName, "\"");
      return;
    }
    out += ::kstreams::internal::StrCat("{\"type\":\"enum\",\"name\":\"", AvroEnum<E>::kName,
                                        "\",\"symbols\":[");
    bool first = true;
    for (std::string_view s : AvroEnum<E>::Symbols()) {
      out += ::kstreams::internal::StrCat(first ? "" : ",", "\"", s, "\"");
      first = false;
    }
    out += "]}";
  }
  static bool Encode(const E& v, BinaryWriter& out) {
    const auto index = static_cast<size_t>(v);
    if (index >= AvroEnum<E>::Symbols().size()) return false;
    out.Long(static_cast<int64_t>(index));
    return true;
  }
  static bool Decode(BinaryReader& in, E& v) {
    size_t index = 0;
    if (!in.ReadIndex(AvroEnum<E>::Symbols().size(), index)) return false;
    v = static_cast<E>(index);
    return true;
  }
  static size_t MinSize() { return 1; }
  static absl::Status Write(const E& v, ValueRef r) {
    const auto symbols = AvroEnum<E>::Symbols();
    const auto index = static_cast<size_t>(v);
    if (index >= symbols.size()) return absl::InvalidArgumentError("enum value without a symbol");
    return r.SetEnum(symbols[index]);
  }
  static absl::Status Read(ValueRef r, E& v) {
    KSTREAMS_ASSIGN_OR_RETURN(std::string_view s, r.GetEnum());
    const auto symbols = AvroEnum<E>::Symbols();
    for (size_t i = 0; i < symbols.size(); ++i) {
      if (symbols[i] == s) {
        v = static_cast<E>(i);
        return absl::OkStatus();
      }
    }
    return absl::InvalidArgumentError(::kstreams::internal::StrCat("unknown enum symbol '", s, "'"));
  }
};

template <typename T>
struct AvroType<T, std::enable_if_t<HasAvroRecord<T>>> {
  static constexpr bool kIsAvroType = true;
  static void AppendSchema(std::string& out, std::set<std::string>& defined) {
    if (!internal::FirstDefinition(defined, AvroRecord<T>::kName)) {
      out += ::kstreams::internal::StrCat("\"", AvroRecord<T>::kName, "\"");
      return;
    }
    out += ::kstreams::internal::StrCat("{\"type\":\"record\",\"name\":\"", AvroRecord<T>::kName,
                                        "\",\"fields\":[");
    bool first = true;
    std::apply(
        [&](const auto&... field) {
          ((AppendField(out, defined, field, first), first = false), ...);
        },
        AvroRecord<T>::Fields());
    out += "]}";
  }
  static bool Encode(const T& v, BinaryWriter& out) {
    return std::apply([&](const auto&... field) { return (AvroType<FieldType<decltype(field)>>::Encode(
                                                              v.*(field.member), out) && ...); },
                      CachedFields());
  }
  static bool Decode(BinaryReader& in, T& v) {
    return std::apply([&](const auto&... field) { return (AvroType<FieldType<decltype(field)>>::Decode(
                                                              in, v.*(field.member)) && ...); },
                      CachedFields());
  }
  static size_t MinSize() {
    return std::apply([](const auto&... field) { return (size_t{0} + ... + AvroType<FieldType<decltype(field)>>::MinSize()); },
                      AvroRecord<T>::Fields());
  }
  static absl::Status Write(const T& v, ValueRef r) {
    absl::Status status;
    size_t index = 0;
    std::apply(
        [&](const auto&... field) {
          ((status.ok() ? (status = WriteField(v, r, field, index++), void()) : void()), ...);
        },
        AvroRecord<T>::Fields());
    return status;
  }
  static absl::Status Read(ValueRef r, T& v) {
    absl::Status status;
    size_t index = 0;
    std::apply(
        [&](const auto&... field) {
          ((status.ok() ? (status = ReadField(r, v, field, index++), void()) : void()), ...);
        },
        AvroRecord<T>::Fields());
    return status;
  }

 private:
  template <typename F>
  using FieldType = typename std::remove_cvref_t<F>::Member;
  // Fields() built once, not per record.
  static const auto& CachedFields() {
    static const auto fields = AvroRecord<T>::Fields();
    return fields;
  }
  template <typename M>
  static void AppendField(std::string& out, std::set<std::string>& defined,
                          const FieldDef<T, M>& field, bool first) {
    out += ::kstreams::internal::StrCat(first ? "" : ",", "{\"name\":\"", field.name, "\",\"type\":");
    AvroType<M>::AppendSchema(out, defined);
    if (!field.default_json.empty()) {
      out += ::kstreams::internal::StrCat(",\"default\":", field.default_json);
    } else if constexpr (internal::kIsOptional<M>) {
      out += ",\"default\":null";
    }
    out += "}";
  }
  template <typename M>
  static absl::Status WriteField(const T& v, ValueRef r, const FieldDef<T, M>& field, size_t index) {
    KSTREAMS_ASSIGN_OR_RETURN(ValueRef child, r.FieldAt(index));
    return AvroType<M>::Write(v.*(field.member), child);
  }
  template <typename M>
  static absl::Status ReadField(ValueRef r, T& v, const FieldDef<T, M>& field, size_t index) {
    KSTREAMS_ASSIGN_OR_RETURN(ValueRef child, r.FieldAt(index));
    return AvroType<M>::Read(child, v.*(field.member));
  }
};

// The Avro schema (JSON) of T.
template <typename T>
std::string SchemaJsonOf() {
  std::string out;
  std::set<std::string> defined;
  AvroType<T>::AppendSchema(out, defined);
  return out;
}

// T <-> a generic value of SchemaJsonOf<T>().
template <typename T>
absl::Status ToGeneric(const T& value, ValueRef target) {
  return AvroType<T>::Write(value, target);
}
template <typename T>
absl::Status FromGeneric(ValueRef source, T& value) {
  return AvroType<T>::Read(source, value);
}

}  // namespace kstreams::avro

#endif  // KSTREAMS_SCHEMA_AVRO_TRAITS_H_
