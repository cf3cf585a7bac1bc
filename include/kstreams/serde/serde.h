// kstreams/serde/serde.h
//
// Serde<T> turns a T into the bytes Kafka stores and back. Built-in serdes use
// the same byte layouts as Java's org.apache.kafka.common.serialization classes,
// so topics are shared with Java producers, consumers and Kafka Streams apps.
//
// Nulls. Kafka keys and values may be null. A C++ type says whether it can be:
//   - std::optional<T>: null <-> std::nullopt (the serde of T handles the rest);
//   - kstreams::Void: always null (Java's VoidSerde), for keyless topics;
//   - any other type: cannot hold null. Reading a null key or value into it is a
//     deserialization error naming the topic, partition and offset, handled by
//     the deserialization exception handler (fail by default).
// KTable sources are the exception: a null value there is a tombstone, handled
// before the value serde is asked.
//
// Thread-safety: serdes are immutable after construction and shared between
// tasks and threads (std::shared_ptr<const Serde<T>>); implementations must be
// safe to call concurrently.
//
// Example:
//
//   auto serde = kstreams::SerdeFor<int32_t>();     // big-endian, 4 bytes
//   std::string bytes;
//   KSTREAMS_RETURN_IF_ERROR(serde->Serialize("topic", 42, bytes));
//   // bytes == "\x00\x00\x00\x2a"
//   absl::StatusOr<int32_t> back = serde->Deserialize("topic", bytes);
//
// User types: derive from Serde<T>, or specialize kstreams::DefaultSerde<T>
// (see below) so that the DSL picks it without being told.
#ifndef KSTREAMS_SERDE_SERDE_H_
#define KSTREAMS_SERDE_SERDE_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kstreams/internal/strings.h"
#include "kstreams/serde/type_name.h"

namespace kstreams {

// Converts T to bytes and back.
template <typename T>
class Serde {
 public:
  using Type = T;
  virtual ~Serde() = default;

  // Writes the encoding of `value` to `out`, replacing its contents. Called
  // only when IsNull(value) is false.
  virtual absl::Status Serialize(std::string_view topic, const T& value,
                                 std::string& out) const = 0;

  // Decodes non-null bytes.
  virtual absl::StatusOr<T> Deserialize(std::string_view topic,
                                        std::string_view data) const = 0;

  // True when `value` must be written as a Kafka null.
  virtual bool IsNull(const T& /*value*/) const { return false; }

  // Produces the T for a Kafka null, or an error when T cannot hold one.
  virtual absl::StatusOr<T> DeserializeNull(std::string_view topic) const {
    return absl::InvalidArgumentError(::kstreams::internal::StrCat(
        "null bytes on topic '", topic, "' cannot be deserialized into ",
        TypeName<T>(),
        "; declare the type as std::optional<...> (or kstreams::Void for "
        "keyless topics) to receive nulls"));
  }
};

template <typename T>
using SerdePtr = std::shared_ptr<const Serde<T>>;

// The value type of Java's VoidSerde: always null on the wire.
struct Void {
  friend bool operator==(Void, Void) { return true; }
  friend bool operator<(Void, Void) { return false; }
  // Prints as Java prints a null: "null" (KStream::Print, test messages).
  friend std::ostream& operator<<(std::ostream& os, Void) { return os << "null"; }
};

// A UUID in Java's UUIDSerializer form: the 36-character canonical string.
class Uuid {
 public:
  Uuid() = default;
  explicit Uuid(std::array<uint8_t, 16> bytes) : bytes_(bytes) {}
  // Parses "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (hex, either case); like
  // java.util.UUID.fromString, groups may be shorter ("1-2-3-4-5").
  static absl::StatusOr<Uuid> Parse(std::string_view text);
  // Lower-case canonical form, as java.util.UUID.toString().
  std::string ToString() const;
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }
  friend bool operator==(const Uuid&, const Uuid&) = default;
  friend auto operator<=>(const Uuid&, const Uuid&) = default;
  friend std::ostream& operator<<(std::ostream& os, const Uuid& u) { return os << u.ToString(); }

 private:
  std::array<uint8_t, 16> bytes_{};
};

// Raw bytes, passed through unchanged (Java's ByteArraySerde).
using ByteArray = std::vector<uint8_t>;

namespace serdes {
// Built-in serdes. Each returns a shared immutable instance.
SerdePtr<std::string> String();       // UTF-8 bytes as given (not validated)
SerdePtr<ByteArray> ByteArrayRaw();   // bytes unchanged
SerdePtr<int16_t> Int16();            // 2 bytes big-endian (ShortSerializer)
SerdePtr<int32_t> Int32();            // 4 bytes big-endian (IntegerSerializer)
SerdePtr<int64_t> Int64();            // 8 bytes big-endian (LongSerializer)
SerdePtr<float> Float();              // IEEE-754 binary32 big-endian, raw bits
SerdePtr<double> Double();            // IEEE-754 binary64 big-endian; NaN as 7ff8000000000000
SerdePtr<bool> Bool();                // 1 byte: 0x01 true, 0x00 false
SerdePtr<Uuid> UuidSerde();           // 36 ASCII chars (UUIDSerializer)
SerdePtr<Void> VoidSerde();           // always null

// Wraps `inner` so that std::nullopt <-> Kafka null.
template <typename T>
SerdePtr<std::optional<T>> Optional(SerdePtr<T> inner);
}  // namespace serdes

// DefaultSerde<T>::Get() gives the serde the DSL uses when none is passed.
// Specialize it for your own types:
//
//   template <> struct kstreams::DefaultSerde<Order> {
//     static kstreams::SerdePtr<Order> Get() { return MyOrderSerde(); }
//   };
template <typename T>
struct DefaultSerde;  // no default: see SerdeFor<T>() for the error message

template <> struct DefaultSerde<std::string> { static SerdePtr<std::string> Get() { return serdes::String(); } };
template <> struct DefaultSerde<ByteArray> { static SerdePtr<ByteArray> Get() { return serdes::ByteArrayRaw(); } };
template <> struct DefaultSerde<int16_t> { static SerdePtr<int16_t> Get() { return serdes::Int16(); } };
template <> struct DefaultSerde<int32_t> { static SerdePtr<int32_t> Get() { return serdes::Int32(); } };
template <> struct DefaultSerde<int64_t> { static SerdePtr<int64_t> Get() { return serdes::Int64(); } };
template <> struct DefaultSerde<float> { static SerdePtr<float> Get() { return serdes::Float(); } };
template <> struct DefaultSerde<double> { static SerdePtr<double> Get() { return serdes::Double(); } };
template <> struct DefaultSerde<bool> { static SerdePtr<bool> Get() { return serdes::Bool(); } };
template <> struct DefaultSerde<Uuid> { static SerdePtr<Uuid> Get() { return serdes::UuidSerde(); } };
template <> struct DefaultSerde<Void> { static SerdePtr<Void> Get() { return serdes::VoidSerde(); } };

template <typename T>
concept HasDefaultSerde = requires {
  { DefaultSerde<T>::Get() } -> std::convertible_to<SerdePtr<T>>;
};

template <typename T>
struct DefaultSerde<std::optional<T>> {
  static SerdePtr<std::optional<T>> Get()
    requires HasDefaultSerde<T>
  {
    return serdes::Optional<T>(DefaultSerde<T>::Get());
  }
};

// The default serde of T, or a compile error that says how to provide one.
template <typename T>
SerdePtr<T> SerdeFor() {
  static_assert(HasDefaultSerde<T>,
                "kstreams has no default Serde for this type. Either pass one "
                "explicitly (e.g. Consumed<K, V>::With(key_serde, value_serde), "
                "Produced<K, V>::With(...), Grouped<K, V>::With(...)), or "
                "specialize kstreams::DefaultSerde<T> with a static Get() "
                "returning SerdePtr<T>.");
  if constexpr (HasDefaultSerde<T>) {
    static const SerdePtr<T> instance = DefaultSerde<T>::Get();
    return instance;
  } else {
    return nullptr;
  }
}

// `given` if set, else the default serde of T if T has one, else nullptr (the
// caller reports the missing serde when it is actually needed).
template <typename T>
SerdePtr<T> SerdeOrDefault(SerdePtr<T> given) {
  if (given) return given;
  if constexpr (HasDefaultSerde<T>) {
    return SerdeFor<T>();
  } else {
    return nullptr;
  }
}

// ---------------------------------------------------------------------------
// Implementation details.

namespace internal {
template <typename T>
class OptionalSerde final : public Serde<std::optional<T>> {
 public:
  explicit OptionalSerde(SerdePtr<T> inner) : inner_(std::move(inner)) {}
  absl::Status Serialize(std::string_view topic, const std::optional<T>& value,
                         std::string& out) const override {
    // Only reached with a value: IsNull() covers nullopt.
    return inner_->Serialize(topic, *value, out);
  }
  absl::StatusOr<std::optional<T>> Deserialize(
      std::string_view topic, std::string_view data) const override {
    absl::StatusOr<T> v = inner_->Deserialize(topic, data);
    if (!v.ok()) return v.status();
    return std::optional<T>(std::move(*v));
  }
  bool IsNull(const std::optional<T>& value) const override {
    return !value.has_value() || inner_->IsNull(*value);
  }
  absl::StatusOr<std::optional<T>> DeserializeNull(
      std::string_view) const override {
    return std::optional<T>();
  }

 private:
  SerdePtr<T> inner_;
};
}  // namespace internal

template <typename T>
SerdePtr<std::optional<T>> serdes::Optional(SerdePtr<T> inner) {
  return std::make_shared<internal::OptionalSerde<T>>(std::move(inner));
}

}  // namespace kstreams

#endif  // KSTREAMS_SERDE_SERDE_H_
