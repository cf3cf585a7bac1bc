// The embeddable registry keeping its state in `_schemas` on the embedded
// broker: Confluent's record layouts on the topic, a second instance
// rebuilding the state from the topic (records written by hand in
// Confluent's layout included), and the REST API over HTTP.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/kafka/embedded_kafka.h"
#include "kstreams/kafka/simple_producer.h"
#include "kstreams/kafka/topic_reader.h"
#include "kstreams/schema/schema_registry.h"

namespace schema_registry_kafka_test {

using kstreams::CompatibilityLevel;
using kstreams::EmbeddedKafka;
using kstreams::SchemaRegistry;
using kstreams::SchemaRegistryClient;
using Json = nlohmann::json;
using ::testing::ElementsAre;

const std::string kV1 = R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"}]})";
const std::string kV2 =
    R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int","default":0}]})";

std::vector<kstreams::TopicReader::Record> ReadAll(const std::string& bootstrap, size_t at_least) {
  auto reader = kstreams::TopicReader::Create({{"bootstrap.servers", bootstrap}}, "_schemas", 1);
  EXPECT_TRUE(reader.ok()) << reader.status();
  std::vector<kstreams::TopicReader::Record> out;
  for (int i = 0; i < 100 && out.size() < at_least; ++i) {
    auto records = (*reader)->Poll(absl::Milliseconds(100));
    EXPECT_TRUE(records.ok()) << records.status();
    out.insert(out.end(), records->begin(), records->end());
  }
  return out;
}

TEST(SchemaRegistryKafkaTest, StateLivesInSchemasTopicInConfluentsLayout) {
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto kafka, EmbeddedKafka::Start());
  KSTREAMS_ASSERT_OK(kafka->CreateTopic("_schemas", 1));
  // A record as Confluent's registry writes it, before any of ours.
  {
    KSTREAMS_ASSERT_OK_AND_ASSIGN(auto producer,
                                  kstreams::SimpleProducer::Create({{"bootstrap.servers", kafka->BootstrapServers()}}));
    KSTREAMS_ASSERT_OK(producer->Send(
        "_schemas", R"({"keytype":"SCHEMA","subject":"legacy","version":1,"magic":1})",
        R"({"subject":"legacy","version":1,"id":7,"schema":"\"string\"","deleted":false})", 0, 0));
    KSTREAMS_ASSERT_OK(producer->Flush(absl::Seconds(10)));
  }
  SchemaRegistry::Options options;
  options.bootstrap_servers = kafka->BootstrapServers();
  options.listeners = "127.0.0.1:0";
  {
    KSTREAMS_ASSERT_OK_AND_ASSIGN(auto registry, SchemaRegistry::Start(options));
    KSTREAMS_ASSERT_OK_AND_ASSIGN(auto client, SchemaRegistryClient::ForUrl(registry->url()));
    EXPECT_EQ(*client->GetSchemaById(7), "\"string\"");
    KSTREAMS_ASSERT_OK_AND_ASSIGN(int32_t id1, client->Register("orders-value", kV1));
    EXPECT_EQ(id1, 8);  // max id + 1
    KSTREAMS_ASSERT_OK_AND_ASSIGN(int32_t id2, client->Register("orders-value", kV2));
    EXPECT_EQ(id2, 9);
    KSTREAMS_ASSERT_OK(client->SetCompatibility("orders-value", CompatibilityLevel::kFull));
    EXPECT_THAT(*client->DeleteSubject("legacy", false), ElementsAre(1));
  }
  // The topic holds Confluent's layouts: noop (ours), then schema, schema,
  // config, schema (deleted), delete-subject.
  std::vector<kstreams::TopicReader::Record> records = ReadAll(kafka->BootstrapServers(), 7);
  ASSERT_GE(records.size(), 7u);
  EXPECT_EQ(*records[2].key, R"({"keytype":"SCHEMA","subject":"orders-value","version":1,"magic":1})");
  Json value = Json::parse(*records[2].value);
  EXPECT_EQ(value["subject"], "orders-value");
  EXPECT_EQ(value["version"], 1);
  EXPECT_EQ(value["id"], 8);
  EXPECT_EQ(value["deleted"], false);
  EXPECT_EQ(Json::parse(value["schema"].get<std::string>()), Json::parse(kV1));
  EXPECT_EQ(*records[4].key, R"({"keytype":"CONFIG","subject":"orders-value","magic":0})");
  EXPECT_EQ(Json::parse(*records[4].value), Json::parse(R"({"compatibilityLevel":"FULL"})"));
  EXPECT_EQ(*records[6].key, R"({"keytype":"DELETE_SUBJECT","subject":"legacy","magic":0})");

  // A new instance rebuilds the same state from the topic.
  options.listeners.clear();
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto restarted, SchemaRegistry::Start(options));
  auto client = restarted->Client();
  EXPECT_THAT(*client->GetSubjects(), ElementsAre("orders-value"));
  EXPECT_THAT(*client->GetVersions("orders-value"), ElementsAre(1, 2));
  EXPECT_EQ(*client->GetCompatibility("orders-value"), CompatibilityLevel::kFull);
  EXPECT_EQ(client->GetLatest("orders-value")->id, 9);
  KSTREAMS_ASSERT_OK_AND_ASSIGN(int32_t next, client->Register("other-value", R"("long")"));
  EXPECT_EQ(next, 10);
}

// Waits for `done` (a condition, not a fixed sleep), up to `limit`.
template <typename F>
bool WaitFor(F done, absl::Duration limit) {
  const absl::Time deadline = absl::Now() + limit;
  while (!done()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return true;
}

TEST(SchemaRegistryKafkaTest, OneLeaderWritesFollowersForwardAndASurvivorTakesOver) {
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto kafka, EmbeddedKafka::Start());
  KSTREAMS_ASSERT_OK(kafka->CreateTopic("_schemas", 1));
  SchemaRegistry::Options options;
  options.bootstrap_servers = kafka->BootstrapServers();
  options.listeners = "127.0.0.1:0";
  options.leader_election = true;
  options.election_consumer_config = {{"session.timeout.ms", "6000"}, {"heartbeat.interval.ms", "500"}};
  std::unique_ptr<SchemaRegistry> registries[2];
  KSTREAMS_ASSERT_OK_AND_ASSIGN(registries[0], SchemaRegistry::Start(options));
  ASSERT_TRUE(WaitFor([&] { return registries[0]->is_leader(); }, absl::Seconds(20)));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(registries[1], SchemaRegistry::Start(options));
  // After the second member joins, exactly one leads and both know its URL.
  int leader = -1;
  ASSERT_TRUE(WaitFor([&] {
    const bool a = registries[0]->is_leader(), b = registries[1]->is_leader();
    if (a == b) return false;
    leader = a ? 0 : 1;
    const std::string url = registries[leader]->url();
    return registries[0]->leader_url() == url && registries[1]->leader_url() == url;
  }, absl::Seconds(30)));
  const int follower = 1 - leader;

  // A write to the follower's REST API is forwarded to the leader.
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto via_follower, SchemaRegistryClient::ForUrl(registries[follower]->url()));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(int32_t id1, via_follower->Register("orders-value", kV1));
  EXPECT_EQ(id1, 1);
  EXPECT_EQ(registries[follower]->Client()->GetLatest("orders-value")->id, 1);
  EXPECT_EQ(registries[leader]->Client()->GetLatest("orders-value")->id, 1);

  // The leader leaves; the survivor takes over and writes itself.
  registries[leader].reset();
  ASSERT_TRUE(WaitFor([&] {
    return registries[follower]->is_leader() && registries[follower]->leader_url() == registries[follower]->url();
  }, absl::Seconds(30)));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(int32_t id2, via_follower->Register("orders-value", kV2));
  EXPECT_EQ(id2, 2);
  EXPECT_THAT(*registries[follower]->Client()->GetVersions("orders-value"), ElementsAre(1, 2));
}

}  // namespace schema_registry_kafka_test
