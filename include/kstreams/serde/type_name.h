// kstreams/serde/type_name.h
//
// TypeName<T>(): a readable C++ type name for error messages, e.g. when a
// processor's input type does not match its parent's output type.
#ifndef KSTREAMS_SERDE_TYPE_NAME_H_
#define KSTREAMS_SERDE_TYPE_NAME_H_

#include <string>
#include <typeinfo>

namespace kstreams {
namespace internal {
// Demangles a typeid name ("NSt7__cxx1112basic_stringIcE..." -> "std::string").
std::string Demangle(const char* mangled);
}  // namespace internal

template <typename T>
std::string TypeName() {
  return internal::Demangle(typeid(T).name());
}
}  // namespace kstreams

#endif  // KSTREAMS_SERDE_TYPE_NAME_H_
