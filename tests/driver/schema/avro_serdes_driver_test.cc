// Avro serdes in a topology under the TopologyTestDriver, with the registry
// in-process: old and new writer schemas mixed on one topic, Avro output,
// and undecodable records through the deserialization exception handler.
#include <string>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/kstreams.h"
#include "kstreams/schema/avro_serdes.h"
#include "kstreams/schema/schema_registry.h"
#include "kstreams/testing/topology_test_driver.h"

namespace avro_serdes_driver_test {

struct Order {
  std::string id;
  int64_t cents = 0;
  std::string channel;  // added in v2, default "web"
};
struct Total {
  std::string channel;
  int64_t cents = 0;
  friend bool operator==(const Total&, const Total&) = default;
  friend std::ostream& operator<<(std::ostream& os, const Total& t) {
    return os << t.channel << "=" << t.cents;
  }
};

}  // namespace avro_serdes_driver_test

template <>
struct kstreams::avro::AvroRecord<avro_serdes_driver_test::Order> {
  static constexpr std::string_view kName = "shop.Order";
  static auto Fields() {
    using avro_serdes_driver_test::Order;
    return std::make_tuple(FieldOf("id", &Order::id), FieldOf("cents", &Order::cents),
                           FieldOf("channel", &Order::channel, "\"web\""));
  }
};
template <>
struct kstreams::avro::AvroRecord<avro_serdes_driver_test::Total> {
  static constexpr std::string_view kName = "shop.Total";
  static auto Fields() {
    using avro_serdes_driver_test::Total;
    return std::make_tuple(FieldOf("channel", &Total::channel), FieldOf("cents", &Total::cents));
  }
};

namespace avro_serdes_driver_test {

using kstreams::AvroSerdeConfig;
using kstreams::KeyValue;
using kstreams::StreamsBuilder;
using kstreams::TopologyTestDriver;
using kstreams::avro::GenericValue;
using kstreams::avro::Schema;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr std::string_view kOrderV1 =
    R"({"type":"record","name":"shop.Order","fields":[{"name":"id","type":"string"},{"name":"cents","type":"long"}]})";

class AvroDriverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto registry = kstreams::SchemaRegistry::Start({});
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = std::move(*registry);
    config_.client = registry_->Client();
  }

  // Sums cents per channel; totals are written as Avro.
  kstreams::Topology Totals() {
    StreamsBuilder builder;
    builder
        .Stream<std::string, Order>("orders", kstreams::Consumed<std::string, Order>::With(
                                                  kstreams::serdes::String(), kstreams::serdes::Avro<Order>(config_)))
        .GroupBy([](const std::string&, const Order& o) { return o.channel; },
                 kstreams::Grouped<std::string, Order>::With(kstreams::serdes::String(),
                                                             kstreams::serdes::Avro<Order>(config_)))
        .Aggregate([] { return Total{}; },
                   [](const std::string& channel, const Order& o, const Total& t) {
                     return Total{channel, t.cents + o.cents};
                   },
                   kstreams::Materialized<std::string, Total>::As("totals").WithValueSerde(
                       kstreams::serdes::Avro<Total>(config_)))
        .ToStream()
        .To("totals", kstreams::Produced<std::string, std::optional<Total>>::With(
                          kstreams::serdes::String(),
                          kstreams::serdes::Optional(kstreams::serdes::Avro<Total>(config_))));
    return builder.Build();
  }

  // An Avro record of the v1 schema, framed, as an old producer writes it.
  std::string OrderV1(const std::string& id, int64_t cents) {
    auto schema = Schema::Parse(kOrderV1);
    GenericValue v(*schema);
    EXPECT_TRUE(v.Field("id")->SetString(id).ok());
    EXPECT_TRUE(v.Field("cents")->SetLong(cents).ok());
    std::string bytes;
    EXPECT_TRUE(kstreams::serdes::GenericAvro(config_)->Serialize("orders", v, bytes).ok());
    return bytes;
  }

  std::unique_ptr<kstreams::SchemaRegistry> registry_;
  AvroSerdeConfig config_;
};

TEST_F(AvroDriverTest, OldAndNewWritersMixOnOneTopic) {
  const std::string old_order = OrderV1("o1", 100);  // registers v1 (id 1)
  TopologyTestDriver driver(Totals(), {}, 0);
  auto raw = driver.CreateInputTopic<std::string, kstreams::ByteArray>("orders");
  auto in = driver.CreateInputTopic<std::string, Order>("orders", kstreams::serdes::String(),
                                                        kstreams::serdes::Avro<Order>(config_));
  auto out = driver.CreateOutputTopic<std::string, Total>("totals", kstreams::serdes::String(),
                                                          kstreams::serdes::Avro<Total>(config_));
  KSTREAMS_ASSERT_OK(raw.PipeInput("o1", kstreams::ByteArray(old_order.begin(), old_order.end()), 1));
  KSTREAMS_ASSERT_OK(in.PipeInput("o2", Order{"o2", 250, "app"}, 2));  // registers v2 (BACKWARD: ok)
  KSTREAMS_ASSERT_OK(in.PipeInput("o3", Order{"o3", 50, "web"}, 3));
  EXPECT_THAT(out.ReadKeyValuesToList(),
              ElementsAre(KeyValue<std::string, Total>{"web", {"web", 100}},
                          KeyValue<std::string, Total>{"app", {"app", 250}},
                          KeyValue<std::string, Total>{"web", {"web", 150}}));
  EXPECT_THAT(*registry_->Client()->GetVersions("orders-value"), ElementsAre(1, 2));
}

TEST_F(AvroDriverTest, UndecodableRecordIsADeserializationErrorNamingPartitionOffsetAndId) {
  TopologyTestDriver driver(Totals(), {}, 0);
  auto raw = driver.CreateInputTopic<std::string, kstreams::ByteArray>("orders");
  const kstreams::ByteArray unknown_id = {0x00, 0x00, 0x00, 0x00, 0x63, 0x00};
  absl::Status s = raw.PipeInput("k", unknown_id, 1);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(s.message()), HasSubstr("deserialization error at topic 'orders' partition 0 offset 0"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("schema id 99"));
}

TEST_F(AvroDriverTest, LogAndContinueSkipsAWrongMagicByte) {
  const std::string old_order = OrderV1("o1", 100);
  TopologyTestDriver driver(Totals(), {{"default.deserialization.exception.handler", "log_and_continue"}}, 0);
  auto raw = driver.CreateInputTopic<std::string, kstreams::ByteArray>("orders");
  auto out = driver.CreateOutputTopic<std::string, Total>("totals", kstreams::serdes::String(),
                                                          kstreams::serdes::Avro<Total>(config_));
  KSTREAMS_ASSERT_OK(raw.PipeInput("bad", kstreams::ByteArray{0x05, 0, 0, 0, 1}, 1));
  KSTREAMS_ASSERT_OK(raw.PipeInput("o1", kstreams::ByteArray(old_order.begin(), old_order.end()), 2));
  EXPECT_THAT(out.ReadKeyValuesToList(), ElementsAre(KeyValue<std::string, Total>{"web", {"web", 100}}));
  EXPECT_EQ(driver.dropped_records(), 1);
}

}  // namespace avro_serdes_driver_test
