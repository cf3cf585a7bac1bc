// The registry's rules (in memory), and its REST API through the HTTP
// client: ids, versions, compatibility levels, soft and hard deletes, and
// Confluent's error codes.
#include <string>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/schema/schema_registry.h"

namespace schema_registry_test {

using kstreams::CompatibilityLevel;
using kstreams::RegistryErrorCode;
using kstreams::SchemaRegistry;
using kstreams::SchemaRegistryClient;
using ::testing::ElementsAre;

const std::string kV1 = R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"}]})";
const std::string kV2 =
    R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int","default":0}]})";
const std::string kBad = R"({"type":"record","name":"R","fields":[{"name":"c","type":"int"}]})";

void ExerciseRegistry(SchemaRegistryClient& c) {
  KSTREAMS_ASSERT_OK_AND_ASSIGN(int32_t id1, c.Register("s1", kV1));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(int32_t again, c.Register("s1", kV1));
  EXPECT_EQ(again, id1);
  KSTREAMS_ASSERT_OK_AND_ASSIGN(int32_t id2, c.Register("s1", kV2));
  EXPECT_EQ(id2, id1 + 1);
  // The same schema under another subject keeps its id: ids are global.
  KSTREAMS_ASSERT_OK_AND_ASSIGN(int32_t shared, c.Register("s2", kV2));
  EXPECT_EQ(shared, id2);
  EXPECT_THAT(*c.GetVersions("s1"), ElementsAre(1, 2));
  EXPECT_THAT(*c.GetSubjects(), ElementsAre("s1", "s2"));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto latest, c.GetLatest("s1"));
  EXPECT_EQ(latest.version, 2);
  EXPECT_EQ(latest.id, id2);
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto found, c.LookUp("s1", kV1));
  EXPECT_EQ(found.version, 1);
  KSTREAMS_ASSERT_OK_AND_ASSIGN(std::string schema, c.GetSchemaById(id1));
  EXPECT_THAT(schema, ::testing::HasSubstr("\"a\""));

  // BACKWARD by default: dropping `a` without a default... c replaces a.
  absl::StatusOr<int32_t> rejected = c.Register("s1", kBad);
  EXPECT_EQ(RegistryErrorCode(rejected.status()), 409);
  EXPECT_FALSE(*c.TestCompatibility("s1", kBad));
  EXPECT_TRUE(*c.TestCompatibility("s1", kV2));
  EXPECT_EQ(*c.GetCompatibility(std::nullopt), CompatibilityLevel::kBackward);
  EXPECT_EQ(RegistryErrorCode(c.GetCompatibility("s1").status()), 40408);
  KSTREAMS_ASSERT_OK(c.SetCompatibility("s1", CompatibilityLevel::kNone));
  EXPECT_EQ(*c.GetCompatibility("s1"), CompatibilityLevel::kNone);
  KSTREAMS_ASSERT_OK_AND_ASSIGN(int32_t id3, c.Register("s1", kBad));
  EXPECT_EQ(id3, id2 + 1);

  // Errors carry Confluent's codes.
  EXPECT_EQ(RegistryErrorCode(c.GetVersions("nope").status()), 40401);
  EXPECT_EQ(RegistryErrorCode(c.GetVersion("s1", 9).status()), 40402);
  EXPECT_EQ(RegistryErrorCode(c.GetSchemaById(999).status()), 40403);
  EXPECT_EQ(RegistryErrorCode(c.Register("s1", "{not json").status()), 42201);

  // Deletes: soft first, then hard.
  EXPECT_EQ(RegistryErrorCode(c.DeleteVersion("s1", 1, /*permanent=*/true).status()), 40407);
  EXPECT_EQ(*c.DeleteVersion("s1", 1, false), 1);
  EXPECT_THAT(*c.GetVersions("s1"), ElementsAre(2, 3));
  EXPECT_EQ(*c.DeleteVersion("s1", 1, true), 1);
  EXPECT_EQ(RegistryErrorCode(c.DeleteSubject("s2", true).status()), 40405);
  EXPECT_THAT(*c.DeleteSubject("s2", false), ElementsAre(1));
  EXPECT_EQ(RegistryErrorCode(c.GetVersions("s2").status()), 40401);
  EXPECT_THAT(*c.DeleteSubject("s2", true), ElementsAre(1));
  EXPECT_THAT(*c.GetSubjects(), ElementsAre("s1"));
  // A schema id stays readable after its subject is deleted (records keep it).
  KSTREAMS_EXPECT_OK(c.GetSchemaById(id2).status());
}

TEST(SchemaRegistryTest, InProcessClientFollowsTheRegistryRules) {
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto registry, SchemaRegistry::Start({}));
  ExerciseRegistry(*registry->Client());
}

TEST(SchemaRegistryTest, RestApiOverHttpFollowsTheSameRules) {
  SchemaRegistry::Options options;
  options.listeners = "127.0.0.1:0";
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto registry, SchemaRegistry::Start(options));
  ASSERT_GT(registry->port(), 0);
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto client, SchemaRegistryClient::ForUrl(registry->url()));
  ExerciseRegistry(*client);
}

TEST(SchemaRegistryTest, UnreachableRegistryIsUnavailableNamingTheUrl) {
  SchemaRegistryClient::HttpOptions options;
  options.retries = 1;
  options.retry_backoff = absl::Milliseconds(1);
  options.request_timeout = absl::Seconds(2);
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto client, SchemaRegistryClient::ForUrl("http://127.0.0.1:1", options));
  absl::Status s = client->GetSchemaById(1).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr("http://127.0.0.1:1/schemas/ids/1"));
}

}  // namespace schema_registry_test
