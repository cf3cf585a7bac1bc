#include "runtime/internal_topics.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "absl/time/clock.h"
#include "kafka/admin.h"
#include "kstreams/internal/strings.h"
#include "kstreams/internal/topic_names.h"
#include "kstreams/log.h"
#include "kstreams/runtime/topic_creator.h"
#include "kstreams/serde/windowed.h"
#include "kstreams/status_macros.h"

namespace kstreams {
namespace {

std::mutex& RegistryMutex() {
  static std::mutex mu;
  return mu;
}
std::map<std::string, TopicCreator, std::less<>>& Registry() {
  static auto* registry = new std::map<std::string, TopicCreator, std::less<>>();
  return *registry;
}

}  // namespace

void RegisterTopicCreator(std::string bootstrap_servers, TopicCreator creator) {
  std::lock_guard<std::mutex> lock(RegistryMutex());
  Registry()[std::move(bootstrap_servers)] = std::move(creator);
}

void UnregisterTopicCreator(std::string_view bootstrap_servers) {
  std::lock_guard<std::mutex> lock(RegistryMutex());
  auto it = Registry().find(bootstrap_servers);
  if (it != Registry().end()) Registry().erase(it);
}

TopicCreator FindTopicCreator(std::string_view bootstrap_servers) {
  std::lock_guard<std::mutex> lock(RegistryMutex());
  auto it = Registry().find(bootstrap_servers);
  return it == Registry().end() ? TopicCreator() : it->second;
}

}  // namespace kstreams

namespace kstreams::internal {
namespace {

using TopicConfigMap = std::map<std::string, std::string>;

// Java's InternalTopicConfig defaults (RepartitionTopicConfig,
// UnwindowedUnversionedChangelogTopicConfig).
const TopicConfigMap kRepartitionDefaults = {
    {"cleanup.policy", "delete"}, {"segment.bytes", "52428800"}, {"retention.ms", "-1"}};
const TopicConfigMap kChangelogDefaults = {{"cleanup.policy", "compact"}};

// As Java's InternalTopicConfig.properties(): the topic kind's defaults, then
// the "topic."-prefixed configs, then the topic's own (the store's log
// config).
TopicConfigMap TopicConfigs(const TopicConfigMap& defaults, const RuntimeConfig& config,
                            const TopicConfigMap& own) {
  TopicConfigMap out = defaults;
  for (const auto& [k, v] : config.topic_configs) out[k] = v;
  for (const auto& [k, v] : own) out[k] = v;
  return out;
}

std::vector<std::string> ConfigList(const TopicConfigMap& configs) {
  std::vector<std::string> out;
  for (const auto& [k, v] : configs) out.push_back(StrCat(k, "=", v));
  return out;
}

}  // namespace

RepartitionPurger::RepartitionPurger(const RuntimeConfig& config, int64_t now_ms)
    : config_(config), last_purge_ms_(now_ms) {}

RepartitionPurger::~RepartitionPurger() = default;

void RepartitionPurger::MaybePurge(const std::map<TopicPartition, int64_t>& committed,
                                   int64_t now_ms) {
  if (disabled_ || now_ms - last_purge_ms_ < config_.repartition_purge_interval_ms) return;
  std::map<TopicPartition, int64_t> purge;
  for (const auto& [tp, offset] : committed) {
    if (IsRepartitionTopic(config_.application_id, tp.topic)) purge[tp] = offset;
  }
  if (purge.empty()) return;
  last_purge_ms_ = now_ms;
  if (admin_ == nullptr) {
    absl::StatusOr<std::unique_ptr<Admin>> admin = Admin::Create(config_.admin);
    if (!admin.ok()) {
      LogLine(LogLevel::kWarning, StrCat("cannot purge repartition topics: ", admin.status().message()));
      disabled_ = true;
      return;
    }
    admin_ = *std::move(admin);
  }
  absl::Status s = admin_->DeleteRecords(purge, absl::Seconds(5));
  if (absl::IsUnimplemented(s) || absl::IsInvalidArgument(s)) {
    // The embedded broker has no DeleteRecords: stop asking.
    LogLine(LogLevel::kInfo, StrCat("repartition records are not purged: ", s.message()));
    disabled_ = true;
  } else if (!s.ok()) {
    // As Java: a failed purge is logged; the next one covers these offsets.
    LogLine(LogLevel::kWarning, StrCat("purging committed repartition records: ", s.message()));
  }
}

namespace {

// How long PrepareTopics looks again for a missing source topic (metadata
// reaches every broker of a real cluster within about a second of the
// topic's creation).
constexpr absl::Duration kMissingSourceTopicGrace = absl::Seconds(3);

// The partition counts of every topic of the cluster, or an error naming
// bootstrap.servers.
absl::StatusOr<std::map<std::string, int32_t>> ListClusterTopics(Admin& admin,
                                                                 const RuntimeConfig& config) {
  absl::StatusOr<std::map<std::string, int32_t>> listed = admin.ListTopics();
  if (!listed.ok()) {
    return absl::Status(listed.status().code(),
                        StrCat("cannot read the topics of the cluster at bootstrap.servers='",
                               config.bootstrap_servers, "': ", listed.status().message()));
  }
  return listed;
}

}  // namespace

absl::StatusOr<std::vector<InternalTopicSpec>> PlanInternalTopics(
    const TopologyData& topology, const RuntimeConfig& config,
    const std::map<std::string, int32_t>& cluster) {
  const std::string& application_id = config.application_id;
  std::map<std::string, int32_t> counts = cluster;
  auto decorate = [&](const std::string& topic) {
    return topology.RuntimeTopicName(application_id, topic);
  };
  std::vector<Subtopology> subs = topology.Subtopologies();

  // 1. Source topics must exist (global tables' too).
  std::set<std::string> missing;
  for (const Subtopology& sub : topology.AllSubtopologies()) {
    for (const std::string& t : sub.source_topics) {
      if (!topology.IsInternalTopic(t) && !counts.contains(t)) missing.insert(t);
    }
  }
  if (!missing.empty()) {
    return absl::NotFoundError(StrCat("source topic", missing.size() > 1 ? "s" : "", " [",
                                      StrJoin(missing, ", "),
                                      "] not found in the cluster; create them before Start()"));
  }

  // 2. Partition counts of internal topics: fixed, else derived from the
  // source topics of the sub-topologies writing to them, until nothing changes
  // (a repartition topic may be fed by a sub-topology reading another one).
  std::map<std::string, int32_t> internal;  // undecorated -> count
  for (const auto& [name, def] : topology.internal_topics()) {
    if (def.partitions) internal[name] = *def.partitions;
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (const auto& [name, def] : topology.internal_topics()) {
      if (def.partitions) continue;
      int32_t best = internal.contains(name) ? internal[name] : 0;
      for (const Subtopology& sub : subs) {
        if (std::find(sub.sink_topics.begin(), sub.sink_topics.end(), name) ==
            sub.sink_topics.end()) {
          continue;
        }
        for (const std::string& src : sub.source_topics) {
          int32_t n = 0;
          if (topology.IsInternalTopic(src)) {
            if (internal.contains(src)) n = internal[src];
          } else {
            n = counts[src];
          }
          if (n > best) {
            best = n;
            changed = true;
          }
        }
      }
      if (best > 0) internal[name] = best;
    }
  }
  // 2b. Co-partition groups (the inputs of joins), as Java's
  // CopartitionedTopicsEnforcer: user topics of a group must have equal
  // partition counts; its repartition topics get that count (or, with no
  // user topic in the group, the largest of theirs).
  for (const std::vector<std::string>& group : topology.CopartitionGroups()) {
    std::set<int32_t> user_counts;
    std::vector<std::string> described;
    for (const std::string& t : group) {
      if (topology.IsInternalTopic(t)) continue;
      user_counts.insert(counts[t]);
      described.push_back(StrCat(t, " (", counts[t], " partitions)"));
    }
    if (user_counts.size() > 1) {
      return absl::FailedPreconditionError(StrCat(
          "topics joined together must be co-partitioned (have the same number of "
          "partitions): ", StrJoin(described, ", "),
          "; repartition one side (KStream::Repartition) or recreate the topics"));
    }
    int32_t want = 0;
    if (!user_counts.empty()) {
      want = *user_counts.begin();
    } else {
      for (const std::string& t : group) {
        if (internal.contains(t)) want = std::max(want, internal[t]);
      }
    }
    if (want == 0) continue;
    for (const std::string& t : group) {
      auto def = topology.internal_topics().find(t);
      if (def == topology.internal_topics().end()) continue;
      if (def->second.partitions && *def->second.partitions != want) {
        return absl::FailedPreconditionError(StrCat(
            "repartition topic '", decorate(t), "' has ", *def->second.partitions,
            " partitions (Repartitioned) but is joined with topics of ", want,
            " partitions; joins need co-partitioned inputs"));
      }
      internal[t] = want;
    }
  }

  // 3. The repartition topics.
  std::vector<InternalTopicSpec> plan;
  for (const auto& [name, def] : topology.internal_topics()) {
    if (!internal.contains(name)) {
      return absl::FailedPreconditionError(StrCat(
          "cannot derive the partition count of internal topic '", decorate(name),
          "' (its upstream reads only topic patterns); set it with Repartitioned::WithNumberOfPartitions"));
    }
    plan.push_back({decorate(name), internal[name], TopicConfigs(kRepartitionDefaults, config, {})});
  }

  // 3b. Changelog topics of logged stores: one partition per task of the
  // sub-topology owning the store, compacted; tasks restore their stores
  // from them.
  for (const Subtopology& sub : subs) {
    int32_t tasks = 0;
    for (const std::string& t : sub.source_topics) {
      tasks = std::max(tasks, topology.IsInternalTopic(t) ? internal[t] : counts[t]);
    }
    for (const std::string& store : sub.stores) {
      const StoreDef* def = topology.FindStore(store);
      if (def == nullptr || !def->logging_enabled || tasks == 0) continue;
      // Windowed and session stores' changelog_config says compact,delete
      // with retention.ms = retention + 1 day (stores.h); the day is
      // windowstore.changelog.additional.retention.ms unless the store's
      // log config set retention.ms.
      TopicConfigMap own = def->changelog_config;
      if (def->windowed_changelog_retention_ms) {
        own["retention.ms"] =
            std::to_string(SaturatingAdd(*def->windowed_changelog_retention_ms,
                                         config.windowstore_changelog_additional_retention_ms));
      }
      plan.push_back({ChangelogTopicName(config.application_id, store), tasks,
                      TopicConfigs(kChangelogDefaults, config, own)});
    }
  }
  return plan;
}

absl::StatusOr<std::vector<InternalTopicSpec>> ListInternalTopics(const TopologyData& topology,
                                                                  const RuntimeConfig& config) {
  KSTREAMS_ASSIGN_OR_RETURN(std::unique_ptr<Admin> admin, Admin::Create(config.admin));
  KSTREAMS_ASSIGN_OR_RETURN(auto counts, ListClusterTopics(*admin, config));
  return PlanInternalTopics(topology, config, counts);
}

std::string MissingInternalTopicsMessage(const std::string& bootstrap_servers,
                                         const std::vector<InternalTopicSpec>& missing) {
  std::vector<std::string> described, flags;
  for (const InternalTopicSpec& t : missing) {
    described.push_back(StrCat(t.name, " (", t.partitions, " partitions)"));
    flags.push_back(StrCat("--topic ", t.name, ":", t.partitions));
  }
  return StrCat("the cluster at '", bootstrap_servers,
                "' does not support CreateTopics (embedded broker?), so the application's ",
                missing.size(), " missing internal topic", missing.size() > 1 ? "s" : "",
                " must be created beforehand: ", StrJoin(described, ", "),
                ". Start kstreams-broker with ", StrJoin(flags, " "),
                ", or, with the broker in this process, register it with "
                "kstreams::ScopedTopicCreator (kstreams/runtime/topic_creator.h)");
}

absl::Status PrepareTopics(const TopologyData& topology, const RuntimeConfig& config) {
  KSTREAMS_ASSIGN_OR_RETURN(std::unique_ptr<Admin> admin, Admin::Create(config.admin));
  KSTREAMS_ASSIGN_OR_RETURN(auto counts, ListClusterTopics(*admin, config));
  absl::StatusOr<std::vector<InternalTopicSpec>> planned =
      PlanInternalTopics(topology, config, counts);
  // A source topic created just before Start() may not be in the metadata
  // of the broker that answered yet: a missing one is looked for again,
  // briefly, before it is an error.
  const absl::Time grace_end = absl::Now() + kMissingSourceTopicGrace;
  while (absl::IsNotFound(planned.status()) && absl::Now() < grace_end) {
    absl::SleepFor(absl::Milliseconds(200));
    KSTREAMS_ASSIGN_OR_RETURN(counts, ListClusterTopics(*admin, config));
    planned = PlanInternalTopics(topology, config, counts);
  }
  KSTREAMS_ASSIGN_OR_RETURN(std::vector<InternalTopicSpec> plan, std::move(planned));

  // Creates each planned topic unless it exists with its partition count.
  // Topics that neither the cluster nor a registered TopicCreator can create
  // are reported together.
  std::vector<InternalTopicSpec> uncreatable;
  std::map<std::string, int32_t> created;  // through CreateTopics or the creator
  for (const InternalTopicSpec& spec : plan) {
    const std::string& topic = spec.name;
    const int32_t want = spec.partitions;
    if (auto it = counts.find(topic); it != counts.end()) {
      if (it->second != want) {
        return absl::FailedPreconditionError(StrCat(
            "internal topic '", topic, "' exists with ", it->second,
            " partitions but the topology needs ", want));
      }
      continue;
    }
    NewTopic new_topic;
    new_topic.name = topic;
    new_topic.partitions = want;
    new_topic.replication_factor = config.replication_factor;
    new_topic.configs = spec.configs;
    KSTREAMS_ASSIGN_OR_RETURN(auto results, admin->CreateTopics({new_topic}));
    absl::Status s = results.contains(topic) ? results[topic] : absl::OkStatus();
    if (IsCreateTopicsUnsupported(s)) {
      TopicCreator creator = FindTopicCreator(config.bootstrap_servers);
      if (!creator) {
        uncreatable.push_back(spec);
        continue;
      }
      s = creator(topic, want);
    }
    if (!s.ok() && !absl::IsAlreadyExists(s)) {
      return absl::Status(s.code(), StrCat("creating internal topic '", topic, "' with ", want,
                                           " partitions: ", s.message()));
    }
    LogLine(LogLevel::kInfo, StrCat("created internal topic '", topic, "' with ", want,
                                    " partitions, configs {", StrJoin(ConfigList(spec.configs), ", "),
                                    "}"));
    counts[topic] = want;
    created[topic] = want;
  }
  if (!uncreatable.empty()) {
    return absl::UnimplementedError(
        MissingInternalTopicsMessage(config.bootstrap_servers, uncreatable));
  }

  // 3c. A real cluster answers CreateTopics once its controller has the
  // topic; brokers learn of it a little later. Like Java's
  // InternalTopicManager, wait until the metadata shows every created topic,
  // so the threads subscribe to topics that exist.
  if (!created.empty()) {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (true) {
      KSTREAMS_ASSIGN_OR_RETURN(auto now, admin->ListTopics());
      std::vector<std::string> pending;
      for (const auto& [topic, want] : created) {
        auto it = now.find(topic);
        if (it == now.end() || it->second != want) pending.push_back(topic);
      }
      if (pending.empty()) break;
      if (absl::Now() > deadline) {
        return absl::DeadlineExceededError(StrCat(
            "internal topics [", StrJoin(pending, ", "),
            "] were created but the cluster's metadata did not show them within 30 s"));
      }
      absl::SleepFor(absl::Milliseconds(50));
    }
  }

  // 4. Co-partitioning.
  auto decorate = [&](const std::string& topic) {
    return topology.RuntimeTopicName(config.application_id, topic);
  };
  for (const Subtopology& sub : topology.Subtopologies()) {
    std::set<int32_t> distinct;
    std::vector<std::string> described;
    for (const std::string& t : sub.source_topics) {
      std::string topic = decorate(t);
      distinct.insert(counts[topic]);
      described.push_back(StrCat(topic, " (", counts[topic], ")"));
    }
    if (distinct.size() > 1) {
      return absl::FailedPreconditionError(StrCat(
          "source topics of sub-topology ", sub.id,
          " must have the same number of partitions (co-partitioning): ",
          StrJoin(described, ", ")));
    }
  }
  return absl::OkStatus();
}

}  // namespace kstreams::internal
