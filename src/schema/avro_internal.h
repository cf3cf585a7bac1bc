// Helpers shared by the schema layer's sources: between our opaque handles
// (ValueRef, Schema::raw) and avro-c's types. Only src/schema includes it.
#ifndef KSTREAMS_SRC_SCHEMA_AVRO_INTERNAL_H_
#define KSTREAMS_SRC_SCHEMA_AVRO_INTERNAL_H_

#include <avro.h>

#include <string>

#include "absl/status/status.h"
#include "kstreams/internal/strings.h"
#include "kstreams/status_macros.h"
#include "kstreams/schema/avro_value.h"

namespace kstreams::avro::internal {

inline avro_value_t Raw(const ValueRef& v) {
  avro_value_t out;
  out.iface = static_cast<avro_value_iface_t*>(v.raw_iface());
  out.self = v.raw_self();
  return out;
}

inline avro_schema_t RawSchema(const Schema& s) { return static_cast<avro_schema_t>(s.raw()); }

// avro-c's last error as a Status, after `what`.
inline absl::Status AvroError(std::string_view what) {
  return absl::InvalidArgumentError(::kstreams::internal::StrCat(what, ": ", avro_strerror()));
}

}  // namespace kstreams::avro::internal

#endif  // KSTREAMS_SRC_SCHEMA_AVRO_INTERNAL_H_
