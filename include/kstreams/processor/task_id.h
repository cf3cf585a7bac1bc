// kstreams/processor/task_id.h
//
// TaskId: (sub-topology, partition), printed "<subtopology>_<partition>" as in
// Kafka Streams. Value type.
#ifndef KSTREAMS_PROCESSOR_TASK_ID_H_
#define KSTREAMS_PROCESSOR_TASK_ID_H_

#include <compare>
#include <cstdint>
#include <string>

namespace kstreams {

struct TaskId {
  int32_t subtopology = 0;
  int32_t partition = 0;
  std::string ToString() const {
    return std::to_string(subtopology) + "_" + std::to_string(partition);
  }
  friend auto operator<=>(const TaskId&, const TaskId&) = default;
};

}  // namespace kstreams

#endif  // KSTREAMS_PROCESSOR_TASK_ID_H_
