// The Avro serdes in Confluent's wire format, against an in-process
// registry: the framing bytes, subject name strategies, the config keys,
// evolution, and the errors of bad input.
#include <map>
#include <string>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/schema/avro_serdes.h"
#include "kstreams/schema/schema_registry.h"

namespace avro_serdes_test {

using kstreams::AvroSerdeConfig;
using kstreams::SchemaRegistry;
using kstreams::SubjectNameStrategy;
using kstreams::avro::GenericValue;
using kstreams::avro::Schema;
using ::testing::HasSubstr;

struct Click {
  std::string page;
  int32_t count = 0;
  friend bool operator==(const Click&, const Click&) = default;
};

}  // namespace avro_serdes_test

template <>
struct kstreams::avro::AvroRecord<avro_serdes_test::Click> {
  static constexpr std::string_view kName = "web.Click";
  static auto Fields() {
    return std::make_tuple(FieldOf("page", &avro_serdes_test::Click::page),
                           FieldOf("count", &avro_serdes_test::Click::count));
  }
};

namespace avro_serdes_test {

std::unique_ptr<SchemaRegistry> NewRegistry() {
  auto registry = SchemaRegistry::Start({});
  EXPECT_TRUE(registry.ok()) << registry.status();
  return std::move(*registry);
}

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

TEST(AvroSerdeTest, WritesMagicZeroBigEndianIdThenAvro) {
  auto registry = NewRegistry();
  AvroSerdeConfig config;
  config.client = registry->Client();
  auto serde = kstreams::serdes::Avro<Click>(config);
  std::string bytes;
  KSTREAMS_ASSERT_OK(serde->Serialize("clicks", Click{"a", 2}, bytes));
  // magic 0, id 1 (the registry's first), "a" (0x02 'a'), 2 (zigzag 4).
  EXPECT_EQ(bytes, Bytes({0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 'a', 0x04}));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto latest, registry->Client()->GetLatest("clicks-value"));
  EXPECT_EQ(latest.id, 1);
  EXPECT_EQ(latest.version, 1);
  KSTREAMS_ASSERT_OK_AND_ASSIGN(Click back, serde->Deserialize("clicks", bytes));
  EXPECT_EQ(back, (Click{"a", 2}));
}

TEST(AvroSerdeTest, SubjectNameStrategies) {
  EXPECT_EQ(kstreams::SubjectName(SubjectNameStrategy::kTopicName, "t", true, "web.Click"), "t-key");
  EXPECT_EQ(kstreams::SubjectName(SubjectNameStrategy::kTopicName, "t", false, "web.Click"), "t-value");
  EXPECT_EQ(kstreams::SubjectName(SubjectNameStrategy::kRecordName, "t", false, "web.Click"), "web.Click");
  EXPECT_EQ(kstreams::SubjectName(SubjectNameStrategy::kTopicRecordName, "t", false, "web.Click"),
            "t-web.Click");
}

TEST(AvroSerdeTest, ConfluentConfigKeys) {
  auto registry = NewRegistry();
  KSTREAMS_ASSERT_OK_AND_ASSIGN(
      AvroSerdeConfig config,
      AvroSerdeConfig::FromConfig({{"auto.register.schemas", "false"},
                                   {"use.latest.version", "true"},
                                   {"key.subject.name.strategy",
                                    "io.confluent.kafka.serializers.subject.RecordNameStrategy"}},
                                  /*is_key=*/true, registry->Client()));
  EXPECT_FALSE(config.auto_register_schemas);
  EXPECT_TRUE(config.use_latest_version);
  EXPECT_TRUE(config.is_key);
  EXPECT_EQ(config.subject_name_strategy, SubjectNameStrategy::kRecordName);
  EXPECT_FALSE(AvroSerdeConfig::FromConfig({}, false).ok());  // no schema.registry.url
  EXPECT_FALSE(AvroSerdeConfig::FromConfig({{"value.subject.name.strategy", "Nope"}}, false,
                                           registry->Client()).ok());
}

TEST(AvroSerdeTest, WithoutAutoRegisterAnUnknownSchemaFails) {
  auto registry = NewRegistry();
  AvroSerdeConfig config;
  config.client = registry->Client();
  config.auto_register_schemas = false;
  std::string bytes;
  absl::Status s = kstreams::serdes::Avro<Click>(config)->Serialize("clicks", Click{"a", 1}, bytes);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(s.message()), HasSubstr("subject 'clicks-value'"));
}

TEST(AvroSerdeTest, ReaderSchemaResolvesAnOlderWriter) {
  auto registry = NewRegistry();
  AvroSerdeConfig config;
  config.client = registry->Client();
  KSTREAMS_ASSERT_OK_AND_ASSIGN(Schema v1, Schema::Parse(
      R"({"type":"record","name":"web.Click","fields":[{"name":"page","type":"string"}]})"));
  GenericValue old(v1);
  KSTREAMS_ASSERT_OK(old.Field("page")->SetString("home"));
  std::string bytes;
  KSTREAMS_ASSERT_OK(kstreams::serdes::GenericAvro(config)->Serialize("clicks", old, bytes));
  // Click's schema adds `count` without a default: v1 data cannot fill it.
  absl::StatusOr<Click> click = kstreams::serdes::Avro<Click>(config)->Deserialize("clicks", bytes);
  ASSERT_FALSE(click.ok());
  EXPECT_THAT(std::string(click.status().message()), HasSubstr("schema id 1"));
  // A generic reader with a default reads it.
  KSTREAMS_ASSERT_OK_AND_ASSIGN(Schema v2, Schema::Parse(
      R"({"type":"record","name":"web.Click","fields":[{"name":"page","type":"string"},
          {"name":"count","type":"int","default":1}]})"));
  auto reader = kstreams::serdes::GenericAvro(config, v2);
  KSTREAMS_ASSERT_OK_AND_ASSIGN(GenericValue v, reader->Deserialize("clicks", bytes));
  EXPECT_EQ(*v.Field("page")->GetString(), "home");
  EXPECT_EQ(*v.Field("count")->GetInt(), 1);
}

TEST(AvroSerdeTest, BadMagicAndUnknownIdAreErrorsNamingTopicAndId) {
  auto registry = NewRegistry();
  AvroSerdeConfig config;
  config.client = registry->Client();
  auto serde = kstreams::serdes::GenericAvro(config);
  absl::Status magic = serde->Deserialize("t", Bytes({0x01, 0, 0, 0, 1, 0})).status();
  EXPECT_EQ(magic.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(magic.message()), HasSubstr("topic 't'"));
  EXPECT_THAT(std::string(magic.message()), HasSubstr("magic byte 1"));
  absl::Status unknown = serde->Deserialize("t", Bytes({0x00, 0, 0, 0x01, 0x00, 0})).status();
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(unknown.message()), HasSubstr("schema id 256"));
}

TEST(AvroSerdeTest, UseLatestVersionWritesWithTheLatestSchema) {
  auto registry = NewRegistry();
  auto client = registry->Client();
  const std::string v2 = R"({"type":"record","name":"web.Click","fields":[{"name":"page","type":"string"},)"
                         R"({"name":"count","type":"int"},{"name":"ref","type":"string","default":"-"}]})";
  KSTREAMS_ASSERT_OK(client->SetCompatibility(std::nullopt, kstreams::CompatibilityLevel::kNone));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(int32_t id, client->Register("clicks-value", v2));
  AvroSerdeConfig config;
  config.client = client;
  config.use_latest_version = true;
  std::string bytes;
  KSTREAMS_ASSERT_OK(kstreams::serdes::Avro<Click>(config)->Serialize("clicks", Click{"p", 1}, bytes));
  // id, "p", 1, and ref's default "-".
  EXPECT_EQ(bytes, Bytes({0x00, 0, 0, 0, id, 0x02, 'p', 0x02, 0x02, '-'}));
}

}  // namespace avro_serdes_test
