// kstreams/dsl/table_joined.h
//
// TableJoined<K, KO>: options of foreign-key KTable joins (Java's
// TableJoined): the name its processors, stores and internal topics derive
// from, and partitioners for the two internal topics when the input topics
// are not partitioned by Kafka's default partitioner: `partitioner` places
// primary keys K (the response topic, co-partitioned with the left table),
// `other_partitioner` foreign keys KO (the subscription topic, co-partitioned
// with the right table). A partitioner returns a partition, or std::nullopt
// for the default. Value type.
//
// Example:
//   orders.Join(customers, [](const Order& o) { return o.customer_id; }, joiner,
//               kstreams::TableJoined<std::string, std::string>::As("orders-customers"));
#ifndef KSTREAMS_DSL_TABLE_JOINED_H_
#define KSTREAMS_DSL_TABLE_JOINED_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace kstreams {

template <typename K, typename KO>
class TableJoined {
 public:
  template <typename T>
  using Partitioner = std::function<std::optional<int32_t>(const T& key, int32_t num_partitions)>;

  TableJoined() = default;
  static TableJoined As(std::string name) { return TableJoined().WithName(std::move(name)); }
  static TableJoined With(Partitioner<K> partitioner, Partitioner<KO> other_partitioner) {
    TableJoined t;
    t.partitioner_ = std::move(partitioner);
    t.other_partitioner_ = std::move(other_partitioner);
    return t;
  }
  TableJoined& WithName(std::string name) & {
    name_ = std::move(name);
    return *this;
  }
  TableJoined WithName(std::string name) && { return std::move(WithName(std::move(name))); }
  TableJoined& WithPartitioner(Partitioner<K> p) & {
    partitioner_ = std::move(p);
    return *this;
  }
  TableJoined WithPartitioner(Partitioner<K> p) && {
    return std::move(WithPartitioner(std::move(p)));
  }
  TableJoined& WithOtherPartitioner(Partitioner<KO> p) & {
    other_partitioner_ = std::move(p);
    return *this;
  }
  TableJoined WithOtherPartitioner(Partitioner<KO> p) && {
    return std::move(WithOtherPartitioner(std::move(p)));
  }

  const std::optional<std::string>& name() const { return name_; }
  const Partitioner<K>& partitioner() const { return partitioner_; }
  const Partitioner<KO>& other_partitioner() const { return other_partitioner_; }

 private:
  std::optional<std::string> name_;
  Partitioner<K> partitioner_;
  Partitioner<KO> other_partitioner_;
};

}  // namespace kstreams

#endif  // KSTREAMS_DSL_TABLE_JOINED_H_
