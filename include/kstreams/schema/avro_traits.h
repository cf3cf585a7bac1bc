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
  std::string_view name;
  M S::*member;
  std::string_view default_json;  // empty: none (optional fields: null)
};

template <typename S, typename M>
constexpr FieldDef<S, M> FieldOf(std::string_view name, M S::*member,
                                 std::string_view default_json = {}) {
  return FieldDef<S, M>{name, member, default_json};
}

// How one C++ type maps to Avro. Specialized below; a user may add their own.
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

#define KSTREAMS_AVRO_PRIMITIVE(CppType, SchemaText, Getter, Setter)                       \
  template <>                                                                             \
  struct AvroType<CppType> {                                                              \
    static constexpr bool kIsAvroType = true;                                             \
    static void AppendSchema(std::string& out, std::set<std::string>&) { out += SchemaText; } \
    static absl::Status Write(const CppType& v, ValueRef r) { return r.Setter(v); }       \
    static absl::Status Read(ValueRef r, CppType& v) {                                    \
      KSTREAMS_ASSIGN_OR_RETURN(auto got, r.Getter());                                    \
      v = CppType(got);                                                                   \
      return absl::OkStatus();                                                            \
    }                                                                                     \
  };
KSTREAMS_AVRO_PRIMITIVE(bool, "\"boolean\"", GetBool, SetBool)
KSTREAMS_AVRO_PRIMITIVE(int32_t, "\"int\"", GetInt, SetInt)
KSTREAMS_AVRO_PRIMITIVE(int64_t, "\"long\"", GetLong, SetLong)
KSTREAMS_AVRO_PRIMITIVE(float, "\"float\"", GetFloat, SetFloat)
KSTREAMS_AVRO_PRIMITIVE(double, "\"double\"", GetDouble, SetDouble)
KSTREAMS_AVRO_PRIMITIVE(std::string, "\"string\"", GetString, SetString)
KSTREAMS_AVRO_PRIMITIVE(Uuid, "{\"type\":\"string\",\"logicalType\":\"uuid\"}", GetUuid, SetUuid)
KSTREAMS_AVRO_PRIMITIVE(absl::CivilDay, "{\"type\":\"int\",\"logicalType\":\"date\"}", GetDate, SetDate)
KSTREAMS_AVRO_PRIMITIVE(absl::Time, "{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}",
                        GetTimestampMillis, SetTimestampMillis)
#undef KSTREAMS_AVRO_PRIMITIVE

template <>
struct AvroType<ByteArray> {
  static constexpr bool kIsAvroType = true;
  static void AppendSchema(std::string& out, std::set<std::string>&) { out += "\"bytes\""; }
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
