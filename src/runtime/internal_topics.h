// src/runtime/internal_topics.h  (internal: not for users)
//
// Startup checks and internal-topic creation, run by KafkaStreams::Start()
// before any thread starts:
//  - every fixed-name source topic exists (else NotFound naming them);
//  - repartition topics "<application.id>-<name>" get the partition count
//    Repartitioned fixed, else the largest partition count among the source
//    topics of the sub-topologies writing to them; they are created with the
//    Admin API, or, when the cluster lacks CreateTopics, with the in-process
//    TopicCreator registered for bootstrap.servers (EmbeddedKafka). An
//    existing internal topic must have the expected count;
//  - changelog topics "<application.id>-<store>-changelog" of logged stores
//    get one partition per task of the owning sub-topology (compacted);
//  - the inputs of each join (TopologyData::CopartitionGroups) are
//    co-partitioned: their user topics have equal partition counts (else a
//    FailedPrecondition naming each topic and count), and their repartition
//    topics get that count (Java's CopartitionedTopicsEnforcer);
//  - the source topics of each sub-topology have equal partition counts
//    (co-partitioning; the range assignor relies on it).
//
// Thread-compatible.
#ifndef KSTREAMS_SRC_RUNTIME_INTERNAL_TOPICS_H_
#define KSTREAMS_SRC_RUNTIME_INTERNAL_TOPICS_H_

#include "absl/status/status.h"
#include "kstreams/processor/internal/topology_data.h"
#include "runtime/runtime_config.h"

namespace kstreams::internal {

absl::Status PrepareTopics(const TopologyData& topology, const RuntimeConfig& config);

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_RUNTIME_INTERNAL_TOPICS_H_
