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
//    get one partition per task of the owning sub-topology;
//  - topic configs as Java's InternalTopicManager: changelogs
//    cleanup.policy=compact (windowed/session stores: compact,delete with
//    retention.ms = store retention + windowstore.changelog.additional.
//    retention.ms, default 1 day, unless the store's log config sets
//    retention.ms); repartition
//    topics cleanup.policy=delete, segment.bytes=52428800, retention.ms=-1;
//    then the "topic."-prefixed StreamsConfig entries, then the store's own
//    log config; replication.factor from the config (-1 = broker default);
//  - the inputs of each join (TopologyData::CopartitionGroups) are
//    co-partitioned: their user topics have equal partition counts (else a
//    FailedPrecondition naming each topic and count), and their repartition
//    topics get that count (Java's CopartitionedTopicsEnforcer);
//  - the source topics of each sub-topology have equal partition counts
//    (co-partitioning; the range assignor relies on it).
// When the cluster cannot create topics and no TopicCreator is registered,
// one error lists every missing internal topic with its partition count and
// the exact `kstreams-broker --topic name:partitions` flags.
//
// Thread-compatible.
#ifndef KSTREAMS_SRC_RUNTIME_INTERNAL_TOPICS_H_
#define KSTREAMS_SRC_RUNTIME_INTERNAL_TOPICS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kafka/admin.h"
#include "kafka/kafka_common.h"
#include "kstreams/processor/internal/topology_data.h"
#include "runtime/runtime_config.h"

namespace kstreams::internal {

// One internal topic the application needs (decorated name).
struct InternalTopicSpec {
  std::string name;
  int32_t partitions = 0;
  std::map<std::string, std::string> configs;
};

// Every internal topic (repartition topics, then changelogs) with its
// partition count and topic configs (Java's InternalTopicConfig defaults,
// then config.topic_configs, then the store's own), given the cluster's
// topics (name -> partition count).
// Errors: missing source topics, inputs of joins not co-partitioned, a
// repartition topic whose count cannot be derived.
absl::StatusOr<std::vector<InternalTopicSpec>> PlanInternalTopics(
    const TopologyData& topology, const RuntimeConfig& config,
    const std::map<std::string, int32_t>& cluster);

// PlanInternalTopics over the topics of the cluster at config.admin.
absl::StatusOr<std::vector<InternalTopicSpec>> ListInternalTopics(const TopologyData& topology,
                                                                  const RuntimeConfig& config);

// The error text for internal topics nothing can create: each with its
// partition count, and the kstreams-broker flags that create them.
std::string MissingInternalTopicsMessage(const std::string& bootstrap_servers,
                                         const std::vector<InternalTopicSpec>& missing);

absl::Status PrepareTopics(const TopologyData& topology, const RuntimeConfig& config);

// Deletes committed records of the application's repartition topics
// ("<application.id>-...-repartition") with DeleteRecords, at most every
// repartition.purge.interval.ms, as Java's TaskManager.maybePurgeCommittedRecords.
// Failures are logged, never fatal; a cluster without DeleteRecords (the
// embedded broker) turns it off. One per StreamThread; thread-compatible.
//
//   RepartitionPurger purger(rc, NowMs());
//   if (consumer->CommitSync(offsets).ok()) purger.MaybePurge(offsets, NowMs());
class RepartitionPurger {
 public:
  // The first purge comes one interval after `now_ms`, as in Java.
  RepartitionPurger(const RuntimeConfig& config, int64_t now_ms);
  ~RepartitionPurger();
  void MaybePurge(const std::map<TopicPartition, int64_t>& committed, int64_t now_ms);

 private:
  const RuntimeConfig& config_;
  std::unique_ptr<Admin> admin_;
  int64_t last_purge_ms_ = 0;
  bool disabled_ = false;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_RUNTIME_INTERNAL_TOPICS_H_
