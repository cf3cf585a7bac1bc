// kstreams/dsl/stream_joined.h
//
// StreamJoined<K, V, VO>: options of KStream-KStream joins (Java's
// StreamJoined): the serdes of the key and both values (for the join's window
// stores and repartition topics), the processors' name, the base name of the
// stores ("<store name>-this-join-store", "-other-join-store",
// "-outer-shared-join-store") and whether the stores are change-logged.
// Value type.
//
// Example:
//   left.Join(right, joiner, windows,
//             kstreams::StreamJoined<std::string, Click, View>::With(
//                 kstreams::serdes::String(), click_serde, view_serde)
//                 .WithStoreName("clicks-views"));
#ifndef KSTREAMS_DSL_STREAM_JOINED_H_
#define KSTREAMS_DSL_STREAM_JOINED_H_

#include <map>
#include <optional>
#include <string>

#include "kstreams/serde/serde.h"

namespace kstreams {

template <typename K, typename V, typename VO>
class StreamJoined {
 public:
  StreamJoined() = default;
  static StreamJoined With(SerdePtr<K> key_serde, SerdePtr<V> value_serde,
                           SerdePtr<VO> other_value_serde) {
    StreamJoined j;
    j.key_serde_ = std::move(key_serde);
    j.value_serde_ = std::move(value_serde);
    j.other_value_serde_ = std::move(other_value_serde);
    return j;
  }
  static StreamJoined As(std::string store_name) {
    return StreamJoined().WithStoreName(std::move(store_name));
  }
  StreamJoined& WithName(std::string name) & {
    name_ = std::move(name);
    return *this;
  }
  StreamJoined WithName(std::string name) && { return std::move(WithName(std::move(name))); }
  StreamJoined& WithStoreName(std::string store_name) & {
    store_name_ = std::move(store_name);
    return *this;
  }
  StreamJoined WithStoreName(std::string store_name) && {
    return std::move(WithStoreName(std::move(store_name)));
  }
  StreamJoined& WithKeySerde(SerdePtr<K> serde) & {
    key_serde_ = std::move(serde);
    return *this;
  }
  StreamJoined WithKeySerde(SerdePtr<K> serde) && {
    return std::move(WithKeySerde(std::move(serde)));
  }
  StreamJoined& WithValueSerde(SerdePtr<V> serde) & {
    value_serde_ = std::move(serde);
    return *this;
  }
  StreamJoined WithValueSerde(SerdePtr<V> serde) && {
    return std::move(WithValueSerde(std::move(serde)));
  }
  StreamJoined& WithOtherValueSerde(SerdePtr<VO> serde) & {
    other_value_serde_ = std::move(serde);
    return *this;
  }
  StreamJoined WithOtherValueSerde(SerdePtr<VO> serde) && {
    return std::move(WithOtherValueSerde(std::move(serde)));
  }
  StreamJoined& WithLoggingEnabled(std::map<std::string, std::string> config = {}) & {
    logging_ = true;
    log_config_ = std::move(config);
    return *this;
  }
  StreamJoined WithLoggingEnabled(std::map<std::string, std::string> config = {}) && {
    return std::move(WithLoggingEnabled(std::move(config)));
  }
  StreamJoined& WithLoggingDisabled() & {
    logging_ = false;
    return *this;
  }
  StreamJoined WithLoggingDisabled() && { return std::move(WithLoggingDisabled()); }

  const std::optional<std::string>& name() const { return name_; }
  const std::optional<std::string>& store_name() const { return store_name_; }
  const SerdePtr<K>& key_serde() const { return key_serde_; }
  const SerdePtr<V>& value_serde() const { return value_serde_; }
  const SerdePtr<VO>& other_value_serde() const { return other_value_serde_; }
  bool logging_enabled() const { return logging_; }
  const std::map<std::string, std::string>& log_config() const { return log_config_; }

 private:
  std::optional<std::string> name_;
  std::optional<std::string> store_name_;
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  SerdePtr<VO> other_value_serde_;
  bool logging_ = true;
  std::map<std::string, std::string> log_config_;
};

}  // namespace kstreams

#endif  // KSTREAMS_DSL_STREAM_JOINED_H_
