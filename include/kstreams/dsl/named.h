// kstreams/dsl/named.h
//
// Named::As("name") gives a DSL operator's processor node a chosen name
// instead of the generated one ("KSTREAM-FILTER-0000000003"). Value type.
//
// Example:
//   stream.Filter(is_valid, kstreams::Named::As("drop-invalid"));
#ifndef KSTREAMS_DSL_NAMED_H_
#define KSTREAMS_DSL_NAMED_H_

#include <optional>
#include <string>

namespace kstreams {

class Named {
 public:
  Named() = default;
  static Named As(std::string name) {
    Named n;
    n.name_ = std::move(name);
    return n;
  }
  const std::optional<std::string>& name() const { return name_; }

 private:
  std::optional<std::string> name_;
};

}  // namespace kstreams

#endif  // KSTREAMS_DSL_NAMED_H_
