// kstreams/schema/registry_client.h
//
// SchemaRegistryClient: the operations of Confluent's Schema Registry REST
// API (register, look up, schemas by id, subject versions, compatibility
// checks, compatibility config, deletes). Two implementations:
//   - SchemaRegistryClient::ForUrl(url): HTTP (libcurl) to a registry at
//     `url` — Confluent's, or kstreams-schema-registry — with retries and
//     timeouts, behind a cache;
//   - SchemaRegistry::Client() (schema_registry.h): direct calls into an
//     in-process registry.
// CachingClient wraps either: schemas by id, ids by (subject, schema) and
// versions by (subject, schema) are immutable in a registry, so once known
// they are never asked again; a serde makes no request per record.
//
// Errors: absl::Status. A registry's error answer keeps its HTTP status and
// Confluent error code (RegistryErrorCode(status) gives it back: 40401
// subject not found, 40403 schema not found, 409 incompatible, 42201
// invalid schema, ...). NotFound for 404s, FailedPrecondition for 409,
// InvalidArgument for 422, Unavailable when the registry cannot be reached
// (after the retries); messages name the URL and the status.
//
// Thread-safety: implementations are thread-safe.
//
// Example:
//
//   KSTREAMS_ASSIGN_OR_RETURN(auto client,
//       kstreams::SchemaRegistryClient::ForUrl("http://localhost:8081"));
//   KSTREAMS_ASSIGN_OR_RETURN(int32_t id, client->Register("orders-value", schema_json));
//   KSTREAMS_ASSIGN_OR_RETURN(std::string schema, client->GetSchemaById(id));
#ifndef KSTREAMS_SCHEMA_REGISTRY_CLIENT_H_
#define KSTREAMS_SCHEMA_REGISTRY_CLIENT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace kstreams {

// The registry's compatibility levels (Confluent's names).
enum class CompatibilityLevel {
  kNone, kBackward, kBackwardTransitive, kForward, kForwardTransitive, kFull, kFullTransitive,
};
std::string_view CompatibilityLevelName(CompatibilityLevel level);  // "BACKWARD", ...
absl::StatusOr<CompatibilityLevel> ParseCompatibilityLevel(std::string_view name);

// One version of a subject.
struct RegisteredSchema {
  std::string subject;
  int32_t version = 0;
  int32_t id = 0;
  std::string schema;
  friend bool operator==(const RegisteredSchema&, const RegisteredSchema&) = default;
};

// The Confluent error code an error status carries (0 when none).
int32_t RegistryErrorCode(const absl::Status& status);
// An error with a Confluent error code (40401, 409, ...) and HTTP status
// (the code divided down to 3 digits).
absl::Status RegistryError(int32_t error_code, std::string_view message);

// Confluent's error codes.
inline constexpr int32_t kSubjectNotFound = 40401;
inline constexpr int32_t kVersionNotFound = 40402;
inline constexpr int32_t kSchemaNotFound = 40403;
inline constexpr int32_t kSubjectSoftDeleted = 40404;
inline constexpr int32_t kSubjectNotSoftDeleted = 40405;
inline constexpr int32_t kSchemaVersionSoftDeleted = 40406;
inline constexpr int32_t kSchemaVersionNotSoftDeleted = 40407;
inline constexpr int32_t kSubjectLevelCompatibilityNotConfigured = 40408;
inline constexpr int32_t kIncompatibleSchema = 409;
inline constexpr int32_t kInvalidSchema = 42201;
inline constexpr int32_t kInvalidVersion = 42202;
inline constexpr int32_t kInvalidCompatibilityLevel = 42203;
inline constexpr int32_t kStoreError = 50001;

class SchemaRegistryClient {
 public:
  virtual ~SchemaRegistryClient() = default;

  // Registers `schema` (Avro JSON) under `subject`; the id of an identical
  // schema already there, or a new version. Fails (409) when the subject's
  // compatibility level rejects it.
  virtual absl::StatusOr<int32_t> Register(std::string_view subject, std::string_view schema) = 0;
  // The version of `subject` that holds `schema` (POST /subjects/{subject}).
  virtual absl::StatusOr<RegisteredSchema> LookUp(std::string_view subject,
                                                  std::string_view schema) = 0;
  virtual absl::StatusOr<std::string> GetSchemaById(int32_t id) = 0;
  virtual absl::StatusOr<std::vector<std::string>> GetSubjects() = 0;
  virtual absl::StatusOr<std::vector<int32_t>> GetVersions(std::string_view subject) = 0;
  // `version` -1: the latest.
  virtual absl::StatusOr<RegisteredSchema> GetVersion(std::string_view subject, int32_t version) = 0;
  absl::StatusOr<RegisteredSchema> GetLatest(std::string_view subject) {
    return GetVersion(subject, -1);
  }
  // Whether `schema` may be registered under `subject` (against `version`,
  // -1 the latest, by the subject's level; transitive levels check all).
  virtual absl::StatusOr<bool> TestCompatibility(std::string_view subject, std::string_view schema,
                                                 int32_t version = -1) = 0;
  // The level of `subject`, or the global level when `subject` is nullopt.
  // A subject without its own level: NotFound (40408).
  virtual absl::StatusOr<CompatibilityLevel> GetCompatibility(
      std::optional<std::string_view> subject) = 0;
  virtual absl::Status SetCompatibility(std::optional<std::string_view> subject,
                                        CompatibilityLevel level) = 0;
  // Soft delete (permanent false), or hard delete of a soft-deleted subject
  // or version; returns the deleted versions.
  virtual absl::StatusOr<std::vector<int32_t>> DeleteSubject(std::string_view subject,
                                                             bool permanent) = 0;
  virtual absl::StatusOr<int32_t> DeleteVersion(std::string_view subject, int32_t version,
                                                bool permanent) = 0;

  // A client for the registry at `url` ("http://host:port"), behind a cache.
  struct HttpOptions {
    absl::Duration request_timeout = absl::Seconds(10);  // Default: 10 s per try
    int retries = 3;                                    // Default: 3 more tries on
                                                        // network errors and 5xx
    absl::Duration retry_backoff = absl::Milliseconds(100);  // Default: 100 ms, doubled
  };
  static absl::StatusOr<std::shared_ptr<SchemaRegistryClient>> ForUrl(std::string url,
                                                                      HttpOptions options);
  static absl::StatusOr<std::shared_ptr<SchemaRegistryClient>> ForUrl(std::string url) {
    return ForUrl(std::move(url), HttpOptions());
  }
};

// Wraps `inner` with caches of what never changes in a registry: schema by
// id, id and version by (subject, schema). Everything else goes through.
std::shared_ptr<SchemaRegistryClient> CachingClient(std::shared_ptr<SchemaRegistryClient> inner);

}  // namespace kstreams

#endif  // KSTREAMS_SCHEMA_REGISTRY_CLIENT_H_
