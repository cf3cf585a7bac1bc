// kstreams/topic_partition.h
//
// TopicPartition: a partition of a topic (Java's org.apache.kafka.common.
// TopicPartition), printed "topic-partition" as Java prints it. Used by the
// public runtime API (restore listener, thread metadata) and, as the same
// type, inside the kafka/ and runtime/ layers.
//
// It sits at the top of include/kstreams/, with the other types every layer
// shares (streams_config.h, log.h), as Java keeps it in
// org.apache.kafka.common: kafka/ uses it without including processor/.
// (kstreams/processor/topic_partition.h still includes this header.)
//
// Value type; thread-compatible.
//
// Example:
//
//   kstreams::TopicPartition tp{"orders", 3};
//   std::string s = tp.ToString();   // "orders-3"
#ifndef KSTREAMS_TOPIC_PARTITION_H_
#define KSTREAMS_TOPIC_PARTITION_H_

#include <compare>
#include <cstdint>
#include <ostream>
#include <string>
#include <utility>

namespace kstreams {

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;

  std::string ToString() const { return topic + "-" + std::to_string(partition); }
  friend auto operator<=>(const TopicPartition&, const TopicPartition&) = default;
  friend bool operator==(const TopicPartition&, const TopicPartition&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const TopicPartition& tp) {
    return H::combine(std::move(h), tp.topic, tp.partition);
  }
  friend std::ostream& operator<<(std::ostream& os, const TopicPartition& tp) {
    return os << tp.ToString();
  }
};

}  // namespace kstreams

#endif  // KSTREAMS_TOPIC_PARTITION_H_
