// kstreams/dsl/change.h
//
// Change<V>: what KTable nodes forward to each other: the new value of a key
// and, when a downstream operator asked for it, the value it replaced (so
// aggregations over a table can subtract the old value before adding the
// new). std::nullopt stands for "none" (a delete, or an old value not sent).
// Users meet it only in the Processor API over table nodes.
//
// ChangeSerde<V> writes a Change to repartition topics in the layout of Java's
// ChangedSerializer (old only: {old}{0}; new only: {new}{1}; both:
// {uint32 new length}{new}{old}{2}).
//
// Value type; the serde is immutable and thread-safe.
#ifndef KSTREAMS_DSL_CHANGE_H_
#define KSTREAMS_DSL_CHANGE_H_

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

#include "kstreams/internal/strings.h"
#include "kstreams/processor/key_value.h"
#include "kstreams/serde/serde.h"
#include "kstreams/status_macros.h"

namespace kstreams {

template <typename V>
struct Change {
  std::optional<V> new_value;
  std::optional<V> old_value;
  // False for an out-of-order update of a versioned table (older than the
  // key's latest version): it changed the table's history, not its current
  // value, so joins ignore it (Java's Change.isLatest). Not serialized.
  bool is_latest = true;
  friend bool operator==(const Change&, const Change&) = default;
  friend std::ostream& operator<<(std::ostream& os, const Change& c) {
    os << "Change(new=";
    internal::PrintValue(os, c.new_value);
    os << ", old=";
    internal::PrintValue(os, c.old_value);
    return os << ")";
  }
};

template <typename V>
class ChangeSerde final : public Serde<Change<V>> {
 public:
  explicit ChangeSerde(SerdePtr<V> inner) : inner_(std::move(inner)) {}

  absl::Status Serialize(std::string_view topic, const Change<V>& change,
                         std::string& out) const override {
    out.clear();
    std::string buf;
    const bool has_new = change.new_value && !inner_->IsNull(*change.new_value);
    const bool has_old = change.old_value && !inner_->IsNull(*change.old_value);
    if (has_new && has_old) {
      KSTREAMS_RETURN_IF_ERROR(inner_->Serialize(topic, *change.new_value, buf));
      const auto n = static_cast<uint32_t>(buf.size());
      for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(n >> shift));
      out.append(buf);
      KSTREAMS_RETURN_IF_ERROR(inner_->Serialize(topic, *change.old_value, buf));
      out.append(buf);
      out.push_back(2);
    } else if (has_new) {
      KSTREAMS_RETURN_IF_ERROR(inner_->Serialize(topic, *change.new_value, out));
      out.push_back(1);
    } else if (has_old) {
      KSTREAMS_RETURN_IF_ERROR(inner_->Serialize(topic, *change.old_value, out));
      out.push_back(0);
    } else {
      return absl::InvalidArgumentError(
          internal::StrCat("Change for topic '", topic, "' has neither a new nor an old value"));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<Change<V>> Deserialize(std::string_view topic,
                                        std::string_view data) const override {
    if (data.empty()) return Corrupt(topic, "empty");
    const char flag = data.back();
    std::string_view body = data.substr(0, data.size() - 1);
    Change<V> change;
    if (flag == 0 || flag == 1) {
      absl::StatusOr<V> v = inner_->Deserialize(topic, body);
      if (!v.ok()) return v.status();
      (flag == 1 ? change.new_value : change.old_value) = std::move(*v);
      return change;
    }
    if (flag != 2) return Corrupt(topic, "unknown flag");
    if (body.size() < 4) return Corrupt(topic, "truncated length");
    uint32_t n = 0;
    for (int i = 0; i < 4; ++i) n = (n << 8) | static_cast<uint8_t>(body[i]);
    if (body.size() - 4 < n) return Corrupt(topic, "length exceeds data");
    absl::StatusOr<V> nv = inner_->Deserialize(topic, body.substr(4, n));
    if (!nv.ok()) return nv.status();
    absl::StatusOr<V> ov = inner_->Deserialize(topic, body.substr(4 + n));
    if (!ov.ok()) return ov.status();
    change.new_value = std::move(*nv);
    change.old_value = std::move(*ov);
    return change;
  }

 private:
  static absl::Status Corrupt(std::string_view topic, const char* why) {
    return absl::InvalidArgumentError(
        internal::StrCat("corrupt Change bytes on topic '", topic, "': ", why));
  }
  SerdePtr<V> inner_;
};

}  // namespace kstreams

#endif  // KSTREAMS_DSL_CHANGE_H_
