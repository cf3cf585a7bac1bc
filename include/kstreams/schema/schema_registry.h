// kstreams/schema/schema_registry.h
//
// SchemaRegistry: an embeddable Schema Registry speaking Confluent's REST
// API (the subset in registry_client.h: subjects, versions, schemas by id,
// lookups, compatibility checks, global and per-subject compatibility, soft
// and hard deletes). Run it inside a process — tests, the
// TopologyTestDriver, an application that brings its own registry — or as
// the `kstreams-schema-registry` executable.
//
// State. With `bootstrap.servers`, the registry's state lives in a compacted
// single-partition topic (`_schemas` by default) in Confluent's record
// layouts: keys are JSON such as {"keytype":"SCHEMA","subject":"s",
// "version":1,"magic":1}, {"keytype":"CONFIG","magic":0} (global) or with a
// "subject", {"keytype":"DELETE_SUBJECT","subject":"s","magic":0},
// {"keytype":"CLEAR_SUBJECT",...}, {"keytype":"NOOP","magic":0}; SCHEMA
// values are {"subject","version","id","schema","deleted"}, CONFIG values
// {"compatibilityLevel":"BACKWARD"}; a hard delete writes a tombstone. So a
// registry started on an existing Confluent `_schemas` topic serves its
// schemas, and Confluent's registry can read ours. At start the registry
// reads the topic to its end (it writes a NOOP record and waits to read it
// back); each write is produced, then applied when read back, as Confluent's
// KafkaStore does. Without `bootstrap.servers` the state is in memory only.
//
// Several instances (leader_election): one leader writes, chosen through a
// Kafka consumer group (`group_id`) subscribed to the topic — the member
// assigned its partition 0 leads, and announces its URL in a NOOP record
// ({"keytype":"NOOP","magic":0} -> {"kstreams.leader":"<url>"}). The others
// serve reads from their own copy of the topic and forward writes to the
// leader over HTTP. Without leader_election, the one instance writes.
//
// Schema ids are unique across subjects: an identical schema registered under
// another subject gets the same id; new schemas get max id + 1.
//
// Thread-safety: thread-safe; HTTP requests are served on CivetWeb's threads.
//
// Example:
//
//   kstreams::SchemaRegistry::Options options;
//   options.bootstrap_servers = broker->bootstrap_servers();
//   options.listeners = "127.0.0.1:0";   // HTTP on a free port
//   KSTREAMS_ASSIGN_OR_RETURN(auto registry, kstreams::SchemaRegistry::Start(options));
//   registry->url();                     // "http://127.0.0.1:40123"
//   auto client = registry->Client();    // in-process, no HTTP
#ifndef KSTREAMS_SCHEMA_SCHEMA_REGISTRY_H_
#define KSTREAMS_SCHEMA_SCHEMA_REGISTRY_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kstreams/schema/registry_client.h"

namespace kstreams {

class SchemaRegistry {
 public:
  struct Options {
    // Kafka brokers holding the state; empty: in memory only. Default: empty
    std::string bootstrap_servers;
    std::string topic = "_schemas";  // Confluent's kafkastore.topic. Default: _schemas
    // "host:port" for the HTTP API ("127.0.0.1:0": a free port); empty: no
    // HTTP, Client() only. Default: empty
    std::string listeners;
    // The global level until one is set. Default: BACKWARD (Confluent's)
    CompatibilityLevel default_compatibility = CompatibilityLevel::kBackward;
    // How long a write, and the start, may wait for the topic. Default: 30 s
    absl::Duration timeout = absl::Seconds(30);
    // Elect a leader among instances sharing `topic`. REQUIRES:
    // bootstrap_servers and listeners. Default: false
    bool leader_election = false;
    std::string group_id = "schema-registry";  // Default: schema-registry
    // The URL other instances forward writes to. Default: http://<listeners>
    std::string advertised_url;
    // librdkafka settings for the election's consumer (session.timeout.ms,
    // heartbeat.interval.ms, ...). Default: none
    std::map<std::string, std::string> election_consumer_config;
  };

  static absl::StatusOr<std::unique_ptr<SchemaRegistry>> Start(Options options);
  ~SchemaRegistry();
  SchemaRegistry(const SchemaRegistry&) = delete;
  SchemaRegistry& operator=(const SchemaRegistry&) = delete;

  // A client calling this registry directly (no HTTP), valid while the
  // registry lives.
  std::shared_ptr<SchemaRegistryClient> Client();
  // The HTTP port and base URL (0 / empty without listeners).
  int port() const;
  std::string url() const;
  // With leader_election: whether this instance leads, and the leader's URL
  // as last announced on the topic (empty while unknown).
  bool is_leader() const;
  std::string leader_url() const;

  class Impl;

 private:
  explicit SchemaRegistry(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kstreams

#endif  // KSTREAMS_SCHEMA_SCHEMA_REGISTRY_H_
