#include "kstreams/schema/schema_registry.h"

#include <atomic>
#include <condition_variable>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "kstreams/internal/strings.h"
#include "kstreams/kafka/create_topics.h"
#include "kstreams/kafka/simple_producer.h"
#include "kstreams/kafka/topic_reader.h"
#include "kstreams/schema/avro_schema.h"
#include "kstreams/schema/compatibility.h"
#include "kstreams/status_macros.h"
#include "kafka/consumer.h"
#include "schema/registry_http.h"

namespace kstreams {

using ::kstreams::internal::StrCat;
using Json = nlohmann::json;

namespace {

// The registry's state, built only from `_schemas` records (Apply), so that
// every instance that reads the topic holds the same state.
struct Version {
  int32_t id = 0;
  std::string schema;
  bool deleted = false;
};

struct State {
  std::map<std::string, std::map<int32_t, Version>> subjects;
  std::map<int32_t, std::string> schemas_by_id;
  std::optional<CompatibilityLevel> global;
  std::map<std::string, CompatibilityLevel> subject_levels;
  int32_t max_id = 0;

  // Applies one `_schemas` record; records it does not know are skipped (as
  // Confluent skips keys of newer features).
  void Apply(const std::string& key_text, const std::optional<std::string>& value_text) {
    Json key = Json::parse(key_text, nullptr, false);
    if (key.is_discarded() || !key.is_object()) return;
    Json value = value_text ? Json::parse(*value_text, nullptr, false) : Json();
    if (value.is_discarded()) return;
    const std::string type = key.value("keytype", "");
    const std::string subject = key.contains("subject") && key["subject"].is_string()
                                    ? key["subject"].get<std::string>() : "";
    try {
      if (type == "SCHEMA") {
        const int32_t version = key.value("version", 0);
        if (value.is_null()) {
          auto it = subjects.find(subject);
          if (it != subjects.end()) {
            it->second.erase(version);
            if (it->second.empty()) subjects.erase(it);
          }
          return;
        }
        Version v{value.at("id").get<int32_t>(), value.at("schema").get<std::string>(),
                  value.value("deleted", false)};
        schemas_by_id[v.id] = v.schema;
        max_id = std::max(max_id, v.id);
        subjects[subject][version] = std::move(v);
      } else if (type == "CONFIG") {
        std::optional<CompatibilityLevel> level;
        if (!value.is_null()) {
          absl::StatusOr<CompatibilityLevel> parsed =
              ParseCompatibilityLevel(value.value("compatibilityLevel", ""));
          if (parsed.ok()) level = *parsed;
        }
        if (subject.empty()) {
          global = level;
        } else if (level) {
          subject_levels[subject] = *level;
        } else {
          subject_levels.erase(subject);
        }
      } else if (type == "DELETE_SUBJECT" && !value.is_null()) {
        const int32_t up_to = value.value("version", 0);
        for (auto& [version, v] : subjects[subject]) {
          if (version <= up_to) v.deleted = true;
        }
      } else if (type == "CLEAR_SUBJECT") {
        auto it = subjects.find(subject);
        if (it != subjects.end()) {
          std::erase_if(it->second, [](const auto& e) { return e.second.deleted; });
          if (it->second.empty()) subjects.erase(it);
        }
      }
    } catch (const Json::exception&) {
      // A malformed record is skipped.
    }
  }
};

// Keys and values keep Confluent's field order (ordered_json): compaction
// compares key bytes, so our records and Confluent's for the same key must
// be the same bytes.
using OrderedJson = nlohmann::ordered_json;

std::string SchemaKey(const std::string& subject, int32_t version) {
  return OrderedJson{{"keytype", "SCHEMA"}, {"subject", subject}, {"version", version}, {"magic", 1}}.dump();
}
std::string SchemaValue(const std::string& subject, int32_t version, const Version& v) {
  return OrderedJson{{"subject", subject}, {"version", version}, {"id", v.id}, {"schema", v.schema},
              {"deleted", v.deleted}}.dump();
}
std::string ConfigKey(std::optional<std::string_view> subject) {
  OrderedJson key = {{"keytype", "CONFIG"}};
  if (subject) key["subject"] = std::string(*subject);
  key["magic"] = 0;
  return key.dump();
}

}  // namespace

// ---- Impl ----------------------------------------------------------------

class SchemaRegistry::Impl final : public SchemaRegistryClient {
 public:
  explicit Impl(Options options) : options_(std::move(options)) {}

  ~Impl() override {
    http_.reset();
    stop_ = true;
    if (elector_thread_.joinable()) elector_thread_.join();
    if (elector_) (void)elector_->Close();  // leaves the group: another instance takes over
    if (reader_thread_.joinable()) reader_thread_.join();
  }

  absl::Status Init() {
    if (!options_.bootstrap_servers.empty()) {
      // Real Kafka: a single-partition topic (compaction must be set on the
      // topic by whoever creates it; see README). The embedded broker has no
      // CreateTopics: the error is ignored and the topic auto-created.
      (void)CreateTopics({{"bootstrap.servers", options_.bootstrap_servers}}, {options_.topic}, 1);
      KSTREAMS_ASSIGN_OR_RETURN(producer_, SimpleProducer::Create(
          {{"bootstrap.servers", options_.bootstrap_servers}, {"linger.ms", "0"}, {"acks", "all"}}));
      // Each write waits to read itself back: a short fetch wait keeps that
      // round trip short (librdkafka's default waits up to 500 ms).
      KSTREAMS_ASSIGN_OR_RETURN(reader_, TopicReader::Create(
          {{"bootstrap.servers", options_.bootstrap_servers}, {"fetch.wait.max.ms", "20"}}, options_.topic, 1));
      reader_thread_ = std::thread([this] { ReadLoop(); });
      // Read to the end: a NOOP with a value of our own, then wait for it.
      std::random_device rd;
      const std::string nonce = StrCat(rd(), "-", rd());
      KSTREAMS_RETURN_IF_ERROR(Append(OrderedJson{{"keytype", "NOOP"}, {"magic", 0}}.dump(),
                                      Json{{"kstreams.start", nonce}}.dump()));
    }
    if (!options_.listeners.empty()) {
      KSTREAMS_ASSIGN_OR_RETURN(http_, internal::RegistryHttpServer::Start(options_.listeners, this));
    }
    if (options_.leader_election) {
      if (options_.bootstrap_servers.empty() || !http_) {
        return absl::InvalidArgumentError("schema registry: leader_election needs bootstrap_servers and listeners");
      }
      if (options_.advertised_url.empty()) {
        std::string host = options_.listeners.substr(0, options_.listeners.rfind(':'));
        if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
        options_.advertised_url = StrCat("http://", host, ":", http_->port());
      }
      KSTREAMS_RETURN_IF_ERROR(StartElection());
    }
    return absl::OkStatus();
  }

  bool is_leader() const { return leader_; }
  std::string leader_url() {
    std::lock_guard<std::mutex> lock(mu_);
    return leader_url_;
  }

  int port() const { return http_ ? http_->port() : 0; }

  // ---- SchemaRegistryClient --------------------------------------------

  absl::StatusOr<int32_t> Register(std::string_view subject_view, std::string_view text) override {
    const std::string subject(subject_view);    if (auto leader = Forward()) {
      KSTREAMS_ASSIGN_OR_RETURN(int32_t id, (*leader)->Register(subject_view, text));
      WaitUntilKnown(id);
      return id;
    }

    absl::StatusOr<avro::Schema> schema = avro::Schema::Parse(text);
    if (!schema.ok()) return RegistryError(kInvalidSchema, StrCat("Invalid schema: ", schema.status().message()));
    std::lock_guard<std::mutex> write(write_mu_);
    std::vector<avro::Schema> previous;
    int32_t next_version = 1;
    CompatibilityLevel level;
    std::optional<int32_t> existing_id;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = state_.subjects.find(subject);
      if (it != state_.subjects.end()) {
        for (const auto& [version, v] : it->second) {
          next_version = std::max(next_version, version + 1);
          if (v.deleted) continue;
          if (v.schema == schema->CanonicalJson()) return v.id;
          absl::StatusOr<avro::Schema> parsed = avro::Schema::Parse(v.schema);
          if (parsed.ok()) previous.push_back(*parsed);
        }
      }
      level = LevelOf(subject);
      for (const auto& [id, s] : state_.schemas_by_id) {
        if (s == schema->CanonicalJson()) existing_id = id;
      }
    }
    std::vector<std::string> problems = CheckCompatibility(level, *schema, previous);
    if (!problems.empty()) {
      std::string message = StrCat("Schema being registered is incompatible with an earlier schema for subject \"",
                                   subject, "\" (", CompatibilityLevelName(level), ")");
      for (const std::string& p : problems) message += StrCat("; ", p);
      return RegistryError(kIncompatibleSchema, message);
    }
    Version v{existing_id.value_or(NextId()), schema->CanonicalJson(), false};
    KSTREAMS_RETURN_IF_ERROR(Append(SchemaKey(subject, next_version), SchemaValue(subject, next_version, v)));
    return v.id;
  }

  absl::StatusOr<RegisteredSchema> LookUp(std::string_view subject, std::string_view text) override {
    absl::StatusOr<avro::Schema> schema = avro::Schema::Parse(text);
    if (!schema.ok()) return RegistryError(kInvalidSchema, StrCat("Invalid schema: ", schema.status().message()));
    std::lock_guard<std::mutex> lock(mu_);
    KSTREAMS_ASSIGN_OR_RETURN(const auto* versions, Live(subject));
    for (const auto& [version, v] : *versions) {
      if (!v.deleted && v.schema == schema->CanonicalJson()) {
        return RegisteredSchema{std::string(subject), version, v.id, v.schema};
      }
    }
    return RegistryError(kSchemaNotFound, "Schema not found");
  }

  absl::StatusOr<std::string> GetSchemaById(int32_t id) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = state_.schemas_by_id.find(id);
    if (it == state_.schemas_by_id.end()) return RegistryError(kSchemaNotFound, StrCat("Schema ", id, " not found"));
    return it->second;
  }

  absl::StatusOr<std::vector<std::string>> GetSubjects() override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> out;
    for (const auto& [subject, versions] : state_.subjects) {
      for (const auto& [version, v] : versions) {
        if (!v.deleted) {
          out.push_back(subject);
          break;
        }
      }
    }
    return out;
  }

  absl::StatusOr<std::vector<int32_t>> GetVersions(std::string_view subject) override {
    std::lock_guard<std::mutex> lock(mu_);
    KSTREAMS_ASSIGN_OR_RETURN(const auto* versions, Live(subject));
    std::vector<int32_t> out;
    for (const auto& [version, v] : *versions) {
      if (!v.deleted) out.push_back(version);
    }
    return out;
  }

  absl::StatusOr<RegisteredSchema> GetVersion(std::string_view subject, int32_t version) override {
    std::lock_guard<std::mutex> lock(mu_);
    KSTREAMS_ASSIGN_OR_RETURN(const auto* versions, Live(subject));
    for (auto it = versions->rbegin(); it != versions->rend(); ++it) {
      if (it->second.deleted) continue;
      if (version < 0 || it->first == version) {
        return RegisteredSchema{std::string(subject), it->first, it->second.id, it->second.schema};
      }
    }
    return RegistryError(kVersionNotFound, StrCat("Version ", version, " not found."));
  }

  absl::StatusOr<bool> TestCompatibility(std::string_view subject, std::string_view text,
                                         int32_t version) override {
    absl::StatusOr<avro::Schema> schema = avro::Schema::Parse(text);
    if (!schema.ok()) return RegistryError(kInvalidSchema, StrCat("Invalid schema: ", schema.status().message()));
    std::vector<avro::Schema> previous;
    CompatibilityLevel level;
    {
      std::lock_guard<std::mutex> lock(mu_);
      level = LevelOf(std::string(subject));
      auto it = state_.subjects.find(std::string(subject));
      bool found = version < 0;
      if (it != state_.subjects.end()) {
        for (const auto& [v, entry] : it->second) {
          if (entry.deleted || (version >= 0 && v != version)) continue;
          found = true;
          absl::StatusOr<avro::Schema> parsed = avro::Schema::Parse(entry.schema);
          if (parsed.ok()) previous.push_back(*parsed);
        }
      }
      if (!found) return RegistryError(kVersionNotFound, StrCat("Version ", version, " not found."));
    }
    return CheckCompatibility(level, *schema, previous).empty();
  }

  absl::StatusOr<CompatibilityLevel> GetCompatibility(std::optional<std::string_view> subject) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!subject) return state_.global.value_or(options_.default_compatibility);
    auto it = state_.subject_levels.find(std::string(*subject));
    if (it == state_.subject_levels.end()) {
      return RegistryError(kSubjectLevelCompatibilityNotConfigured,
                           StrCat("Subject '", *subject, "' does not have subject-level compatibility configured"));
    }
    return it->second;
  }

  absl::Status SetCompatibility(std::optional<std::string_view> subject, CompatibilityLevel level) override {
    if (auto leader = Forward()) return (*leader)->SetCompatibility(subject, level);
    std::lock_guard<std::mutex> write(write_mu_);
    return Append(ConfigKey(subject),
                  Json{{"compatibilityLevel", std::string(CompatibilityLevelName(level))}}.dump());
  }

  absl::StatusOr<std::vector<int32_t>> DeleteSubject(std::string_view subject_view, bool permanent) override {
    if (auto leader = Forward()) return (*leader)->DeleteSubject(subject_view, permanent);
    const std::string subject(subject_view);
    std::lock_guard<std::mutex> write(write_mu_);
    std::map<int32_t, Version> versions;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = state_.subjects.find(subject);
      if (it == state_.subjects.end()) return RegistryError(kSubjectNotFound, StrCat("Subject '", subject, "' not found."));
      versions = it->second;
    }
    std::vector<int32_t> out;
    bool any_live = false;
    for (const auto& [version, v] : versions) any_live |= !v.deleted;
    if (!permanent) {
      if (!any_live) return RegistryError(kSubjectSoftDeleted, StrCat("Subject '", subject, "' was soft deleted."));
      for (const auto& [version, v] : versions) {
        if (v.deleted) continue;
        Version deleted = v;
        deleted.deleted = true;
        KSTREAMS_RETURN_IF_ERROR(Append(SchemaKey(subject, version), SchemaValue(subject, version, deleted)));
        out.push_back(version);
      }
      KSTREAMS_RETURN_IF_ERROR(Append(OrderedJson{{"keytype", "DELETE_SUBJECT"}, {"subject", subject}, {"magic", 0}}.dump(),
                                      OrderedJson{{"subject", subject}, {"version", out.back()}}.dump()));
      return out;
    }
    if (any_live) {
      return RegistryError(kSubjectNotSoftDeleted,
                           StrCat("Subject '", subject, "' was not deleted first before being permanently deleted"));
    }
    for (const auto& [version, v] : versions) {
      KSTREAMS_RETURN_IF_ERROR(Append(SchemaKey(subject, version), std::nullopt));
      out.push_back(version);
    }
    KSTREAMS_RETURN_IF_ERROR(Append(OrderedJson{{"keytype", "CLEAR_SUBJECT"}, {"subject", subject}, {"magic", 0}}.dump(),
                                    Json{{"subject", subject}}.dump()));
    return out;
  }

  absl::StatusOr<int32_t> DeleteVersion(std::string_view subject_view, int32_t version, bool permanent) override {
    if (auto leader = Forward()) return (*leader)->DeleteVersion(subject_view, version, permanent);
    const std::string subject(subject_view);
    std::lock_guard<std::mutex> write(write_mu_);
    Version v;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = state_.subjects.find(subject);
      if (it == state_.subjects.end()) return RegistryError(kSubjectNotFound, StrCat("Subject '", subject, "' not found."));
      if (version < 0) {
        for (auto r = it->second.rbegin(); r != it->second.rend(); ++r) {
          if (!r->second.deleted || permanent) {
            version = r->first;
            break;
          }
        }
      }
      auto vit = it->second.find(version);
      if (vit == it->second.end()) return RegistryError(kVersionNotFound, StrCat("Version ", version, " not found."));
      v = vit->second;
    }
    if (!permanent) {
      if (v.deleted) return RegistryError(kSchemaVersionSoftDeleted, StrCat("Version ", version, " was soft deleted."));
      v.deleted = true;
      KSTREAMS_RETURN_IF_ERROR(Append(SchemaKey(subject, version), SchemaValue(subject, version, v)));
      return version;
    }
    if (!v.deleted) {
      return RegistryError(kSchemaVersionNotSoftDeleted,
                           StrCat("Version ", version, " was not deleted first before being permanently deleted"));
    }
    KSTREAMS_RETURN_IF_ERROR(Append(SchemaKey(subject, version), std::nullopt));
    return version;
  }

 private:
  // With leader election on a follower: the leader's client (writes go
  // there); nullopt when this instance writes itself.
  std::optional<std::shared_ptr<SchemaRegistryClient>> Forward() {
    if (!options_.leader_election || leader_) return std::nullopt;
    std::string url = leader_url();
    if (url.empty() || url == options_.advertised_url) {
      return std::make_shared<UnknownLeader>();
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (url != forward_url_) {
      absl::StatusOr<std::shared_ptr<SchemaRegistryClient>> client = SchemaRegistryClient::ForUrl(url);
      if (!client.ok()) return std::make_shared<UnknownLeader>();
      forward_client_ = *client;
      forward_url_ = url;
    }
    return forward_client_;
  }

  // A write forwarded to the leader: returns once this instance has read
  // the new schema back too, so that reads here see it.
  void WaitUntilKnown(int32_t id) {
    std::unique_lock<std::mutex> lock(mu_);
    applied_cv_.wait_for(lock, absl::ToChronoSeconds(options_.timeout),
                         [&] { return state_.schemas_by_id.count(id) > 0; });
  }

  // Answers every write with Confluent's "unknown leader" while no leader is known.
  class UnknownLeader final : public SchemaRegistryClient {
   public:
    static absl::Status Error() {
      return RegistryError(50004, "Unknown leader: no schema registry instance leads yet");
    }
    absl::StatusOr<int32_t> Register(std::string_view, std::string_view) override { return Error(); }
    absl::StatusOr<RegisteredSchema> LookUp(std::string_view, std::string_view) override { return Error(); }
    absl::StatusOr<std::string> GetSchemaById(int32_t) override { return Error(); }
    absl::StatusOr<std::vector<std::string>> GetSubjects() override { return Error(); }
    absl::StatusOr<std::vector<int32_t>> GetVersions(std::string_view) override { return Error(); }
    absl::StatusOr<RegisteredSchema> GetVersion(std::string_view, int32_t) override { return Error(); }
    absl::StatusOr<bool> TestCompatibility(std::string_view, std::string_view, int32_t) override { return Error(); }
    absl::StatusOr<CompatibilityLevel> GetCompatibility(std::optional<std::string_view>) override { return Error(); }
    absl::Status SetCompatibility(std::optional<std::string_view>, CompatibilityLevel) override { return Error(); }
    absl::StatusOr<std::vector<int32_t>> DeleteSubject(std::string_view, bool) override { return Error(); }
    absl::StatusOr<int32_t> DeleteVersion(std::string_view, int32_t, bool) override { return Error(); }
  };

  // Joins group `group_id` on the topic; the member holding partition 0
  // leads and announces its URL on the topic.
  absl::Status StartElection() {
    internal::ConsumerOptions consumer;
    consumer.config = {{"bootstrap.servers", options_.bootstrap_servers}, {"group.id", options_.group_id}};
    for (const auto& [key, value] : options_.election_consumer_config) consumer.config[key] = value;
    consumer.on_assigned = [this](const std::vector<TopicPartition>& partitions) {
      for (const TopicPartition& tp : partitions) {
        if (tp.topic == options_.topic && tp.partition == 0) announce_ = true;
      }
    };
    consumer.on_revoked = [this](const std::vector<TopicPartition>& partitions) {
      for (const TopicPartition& tp : partitions) {
        if (tp.topic == options_.topic && tp.partition == 0) leader_ = false;
      }
    };
    KSTREAMS_ASSIGN_OR_RETURN(elector_, internal::Consumer::Create(std::move(consumer)));
    KSTREAMS_RETURN_IF_ERROR(elector_->Subscribe({options_.topic}));
    elector_thread_ = std::thread([this] {
      while (!stop_) {
        (void)elector_->PollBatch(100, absl::Milliseconds(100));
        if (announce_.exchange(false)) {
          leader_ = true;
          std::lock_guard<std::mutex> write(write_mu_);
          (void)Append(OrderedJson{{"keytype", "NOOP"}, {"magic", 0}}.dump(),
                       Json{{"kstreams.leader", options_.advertised_url}}.dump());
        }
      }
    });
    return absl::OkStatus();
  }

  // REQUIRES: mu_ held.
  CompatibilityLevel LevelOf(const std::string& subject) const {
    auto it = state_.subject_levels.find(subject);
    if (it != state_.subject_levels.end()) return it->second;
    return state_.global.value_or(options_.default_compatibility);
  }
  // REQUIRES: mu_ held. The versions of a subject with a live version.
  absl::StatusOr<const std::map<int32_t, Version>*> Live(std::string_view subject) const {
    auto it = state_.subjects.find(std::string(subject));
    if (it != state_.subjects.end()) {
      for (const auto& [version, v] : it->second) {
        if (!v.deleted) return &it->second;
      }
    }
    return RegistryError(kSubjectNotFound, StrCat("Subject '", subject, "' not found."));
  }
  int32_t NextId() {
    std::lock_guard<std::mutex> lock(mu_);
    return state_.max_id + 1;
  }

  // Writes one record and returns once it is applied (read back from the
  // topic; in memory: at once). REQUIRES: write_mu_ held (or at Init).
  absl::Status Append(const std::string& key, const std::optional<std::string>& value) {
    if (!producer_) {
      std::lock_guard<std::mutex> lock(mu_);
      state_.Apply(key, value);
      return absl::OkStatus();
    }
    auto pending = std::make_shared<Pending>(Pending{key, value, false});
    {
      std::lock_guard<std::mutex> lock(mu_);
      pending_.push_back(pending);
    }
    absl::Status sent = producer_->Send(options_.topic, key, value ? std::optional<std::string_view>(*value)
                                                                  : std::nullopt, 0, /*partition=*/0);
    if (sent.ok()) sent = producer_->Flush(options_.timeout);
    std::unique_lock<std::mutex> lock(mu_);
    if (sent.ok()) {
      applied_cv_.wait_for(lock, absl::ToChronoSeconds(options_.timeout), [&] { return pending->done; });
    }
    pending_.remove(pending);
    if (!sent.ok()) return RegistryError(kStoreError, StrCat("writing to '", options_.topic, "': ", sent.message()));
    if (!pending->done) {
      return RegistryError(kStoreError, StrCat("timed out reading back a write to '", options_.topic, "'"));
    }
    return absl::OkStatus();
  }

  void ReadLoop() {
    while (!stop_) {
      absl::StatusOr<std::vector<TopicReader::Record>> records = reader_->Poll(absl::Milliseconds(100));
      if (!records.ok()) continue;
      std::lock_guard<std::mutex> lock(mu_);
      for (const TopicReader::Record& r : *records) {
        if (!r.key) continue;
        state_.Apply(*r.key, r.value);
        if (r.value && r.value->find("kstreams.leader") != std::string::npos) {
          Json v = Json::parse(*r.value, nullptr, false);
          if (!v.is_discarded() && v.is_object() && v.contains("kstreams.leader") && v["kstreams.leader"].is_string()) {
            leader_url_ = v["kstreams.leader"].get<std::string>();
          }
        }
        for (const auto& p : pending_) {
          if (!p->done && p->key == *r.key && p->value == r.value) {
            p->done = true;
            break;
          }
        }
      }
      applied_cv_.notify_all();
    }
  }

  struct Pending {
    std::string key;
    std::optional<std::string> value;
    bool done;
  };

  Options options_;
  std::mutex write_mu_;  // one write at a time (ids and versions are chosen under it)
  std::mutex mu_;        // state_, pending_
  std::condition_variable applied_cv_;
  State state_;
  std::list<std::shared_ptr<Pending>> pending_;
  std::unique_ptr<SimpleProducer> producer_;
  std::unique_ptr<TopicReader> reader_;
  std::thread reader_thread_;
  std::atomic<bool> stop_{false};
  std::unique_ptr<internal::RegistryHttpServer> http_;
  // Leader election.
  std::unique_ptr<internal::Consumer> elector_;
  std::thread elector_thread_;
  std::atomic<bool> leader_{false};
  std::atomic<bool> announce_{false};
  std::string leader_url_;  // guarded by mu_
  std::string forward_url_;  // guarded by mu_
  std::shared_ptr<SchemaRegistryClient> forward_client_;  // guarded by mu_
};

// ---- SchemaRegistry --------------------------------------------------------

absl::StatusOr<std::unique_ptr<SchemaRegistry>> SchemaRegistry::Start(Options options) {
  auto impl = std::make_unique<Impl>(std::move(options));
  KSTREAMS_RETURN_IF_ERROR(impl->Init());
  return std::unique_ptr<SchemaRegistry>(new SchemaRegistry(std::move(impl)));
}

SchemaRegistry::SchemaRegistry(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SchemaRegistry::~SchemaRegistry() = default;

std::shared_ptr<SchemaRegistryClient> SchemaRegistry::Client() {
  // Non-owning: the registry outlives its clients (documented).
  return std::shared_ptr<SchemaRegistryClient>(impl_.get(), [](SchemaRegistryClient*) {});
}

int SchemaRegistry::port() const { return impl_->port(); }
bool SchemaRegistry::is_leader() const { return impl_->is_leader(); }
std::string SchemaRegistry::leader_url() const { return impl_->leader_url(); }

std::string SchemaRegistry::url() const {
  return impl_->port() == 0 ? std::string() : StrCat("http://127.0.0.1:", impl_->port());
}

}  // namespace kstreams
