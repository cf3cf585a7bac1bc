// src/connect/transforms_internal.h  (internal: not for users)
//
// The factory behind CreateTransformation: `base` is the class's simple name
// without $Key/$Value ("InsertField"), `is_key` true/false for the nested
// $Key/$Value classes and nullopt for the plain ones. nullptr when no such
// class exists (an unknown name, or a $Key/$Value on a plain class).
#ifndef KSTREAMS_SRC_CONNECT_TRANSFORMS_INTERNAL_H_
#define KSTREAMS_SRC_CONNECT_TRANSFORMS_INTERNAL_H_

#include <memory>
#include <optional>
#include <string_view>

#include "kstreams/connect/transformation.h"

namespace kstreams::connect::internal {

std::unique_ptr<Transformation> NewTransformation(std::string_view base, std::optional<bool> is_key);

}  // namespace kstreams::connect::internal

#endif  // KSTREAMS_SRC_CONNECT_TRANSFORMS_INTERNAL_H_
