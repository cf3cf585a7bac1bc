// avro_orders: orders in Avro (Confluent's wire format) through a kstreams
// application, with the schema evolved once while old and new producers mix
// on the topic.
//
//   avro_orders [--orders N] [--kafka]
//       Starts an in-process EmbeddedKafka (--kafka: a local Apache Kafka
//       cluster, scripts/kafka.sh) and a kstreams::SchemaRegistry keeping its
//       state in `_schemas` on it. An "old" producer writes orders with schema
//       v1 {id, customer, cents} through serdes::GenericAvro; a "new" one
//       writes v2, which adds `channel` with the default "web", through
//       serdes::Avro<Order>; they alternate. The application reads every order
//       as v2 (v1 records get channel "web" from the default), sums orders
//       and cents per channel, writes the totals in Avro, and the example
//       checks them against totals computed here from what was produced.
//       Exits 1 when they differ.
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "common/embedded_demo.h"
#include "kstreams/kafka/simple_producer.h"
#include "kstreams/kstreams.h"
#include "kstreams/schema/avro_serdes.h"
#include "kstreams/schema/schema_registry.h"

namespace {

struct Order {  // schema v2
  std::string id;
  std::string customer;
  int64_t cents = 0;
  std::string channel;
};
struct Total {
  int64_t orders = 0;
  int64_t cents = 0;
  friend bool operator==(const Total&, const Total&) = default;
};

}  // namespace

template <>
struct kstreams::avro::AvroRecord<Order> {
  static constexpr std::string_view kName = "shop.Order";
  static auto Fields() {
    return std::make_tuple(FieldOf("id", &Order::id), FieldOf("customer", &Order::customer),
                           FieldOf("cents", &Order::cents), FieldOf("channel", &Order::channel, "\"web\""));
  }
};
template <>
struct kstreams::avro::AvroRecord<Total> {
  static constexpr std::string_view kName = "shop.Total";
  static auto Fields() { return std::make_tuple(FieldOf("orders", &Total::orders), FieldOf("cents", &Total::cents)); }
};

namespace {

constexpr char kOrderV1[] =
    R"({"type":"record","name":"shop.Order","fields":[{"name":"id","type":"string"},)"
    R"({"name":"customer","type":"string"},{"name":"cents","type":"long"}]})";
constexpr int32_t kPartitions = 2;

int Fail(const absl::Status& s) {
  std::fprintf(stderr, "avro_orders: %s\n", std::string(s.message()).c_str());
  return 1;
}

int Run(int64_t orders) {
  auto cluster = kstreams::examples::DemoCluster::Start({"_schemas", "orders", "order-totals"}, kPartitions);
  if (!cluster.ok()) return Fail(cluster.status());
  const std::string bootstrap = (*cluster)->bootstrap();
  kstreams::SchemaRegistry::Options registry_options;
  registry_options.bootstrap_servers = bootstrap;
  auto registry = kstreams::SchemaRegistry::Start(registry_options);
  if (!registry.ok()) return Fail(registry.status());
  kstreams::AvroSerdeConfig avro;
  avro.client = (*registry)->Client();

  // Old and new producers, alternating.
  auto v1 = kstreams::avro::Schema::Parse(kOrderV1);
  if (!v1.ok()) return Fail(v1.status());
  auto old_serde = kstreams::serdes::GenericAvro(avro);
  auto new_serde = kstreams::serdes::Avro<Order>(avro);
  auto producer = kstreams::SimpleProducer::Create({{"bootstrap.servers", bootstrap}, {"linger.ms", "5"}});
  if (!producer.ok()) return Fail(producer.status());
  std::map<std::string, Total> expected;
  const char* channels[] = {"web", "app", "store"};
  for (int64_t i = 0; i < orders; ++i) {
    const std::string id = "o" + std::to_string(i), customer = "c" + std::to_string(i % 7);
    const int64_t cents = 100 + (i * 37) % 900;
    std::string bytes;
    absl::Status s;
    if (i % 2 == 0) {  // old producer: no channel
      kstreams::avro::GenericValue v(*v1);
      s = v.Field("id")->SetString(id);
      if (s.ok()) s = v.Field("customer")->SetString(customer);
      if (s.ok()) s = v.Field("cents")->SetLong(cents);
      if (s.ok()) s = old_serde->Serialize("orders", v, bytes);
      expected["web"].orders += 1;
      expected["web"].cents += cents;
    } else {
      const std::string channel = channels[(i / 2) % 3];
      s = new_serde->Serialize("orders", Order{id, customer, cents, channel}, bytes);
      expected[channel].orders += 1;
      expected[channel].cents += cents;
    }
    if (s.ok()) s = (*producer)->Send("orders", customer, bytes);
    if (!s.ok()) return Fail(s);
  }
  if (absl::Status s = (*producer)->Flush(absl::Seconds(60)); !s.ok()) return Fail(s);
  auto versions = avro.client->GetVersions("orders-value");
  std::printf("produced %lld orders; subject orders-value has %zu versions\n", static_cast<long long>(orders),
              versions.ok() ? versions->size() : 0);

  kstreams::StreamsBuilder builder;
  builder
      .Stream<std::string, Order>("orders", kstreams::Consumed<std::string, Order>::With(
                                                kstreams::serdes::String(), new_serde))
      .GroupBy([](const std::string&, const Order& o) { return o.channel; },
               kstreams::Grouped<std::string, Order>::With(kstreams::serdes::String(), new_serde))
      .Aggregate([] { return Total{}; },
                 [](const std::string&, const Order& o, const Total& t) {
                   return Total{t.orders + 1, t.cents + o.cents};
                 },
                 kstreams::Materialized<std::string, Total>::As("totals").WithValueSerde(
                     kstreams::serdes::Avro<Total>(avro)))
      .ToStream()
      .To("order-totals", kstreams::Produced<std::string, std::optional<Total>>::With(
                              kstreams::serdes::String(), kstreams::serdes::Optional(kstreams::serdes::Avro<Total>(avro))));
  kstreams::StreamsConfig config{{"application.id", "kstreams-avro-orders"},
                                 {"bootstrap.servers", bootstrap},
                                 {"commit.interval.ms", "500"}};
  kstreams::KafkaStreams streams(builder.Build(), config);
  if (absl::Status s = streams.Start(); !s.ok()) return Fail(s);

  auto total_serde = kstreams::serdes::Avro<Total>(avro);
  std::map<std::string, Total> latest;
  absl::Status decode_error;
  absl::Status read = kstreams::examples::ReadFromBeginning(
      bootstrap, "order-totals", kPartitions, std::chrono::seconds(120),
      [&](const kstreams::TopicReader::Record& r) {
        if (!r.key || !r.value) return;
        absl::StatusOr<Total> t = total_serde->Deserialize("order-totals", *r.value);
        if (!t.ok()) decode_error = t.status();
        else latest[*r.key] = *t;
      },
      [&] { return latest == expected || !decode_error.ok(); });
  streams.Close(absl::Seconds(30));
  if (!decode_error.ok()) return Fail(decode_error);
  for (const auto& [channel, t] : expected) {
    const Total got = latest.count(channel) ? latest[channel] : Total{};
    std::printf("%-6s orders %4lld cents %8lld (expected %lld / %lld)\n", channel.c_str(),
                static_cast<long long>(got.orders), static_cast<long long>(got.cents),
                static_cast<long long>(t.orders), static_cast<long long>(t.cents));
  }
  if (!read.ok()) return Fail(read);
  std::printf(latest == expected ? "totals match\n" : "totals DIFFER\n");
  return latest == expected ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t orders = 300;
  kstreams::SetLogLevel(kstreams::LogLevel::kWarning);
  kstreams::examples::ParseFlags(argc, argv, "avro_orders", "usage: avro_orders [--kafka] [--orders N]", {},
                                 [&](const std::string& flag, const std::string& value) {
                                   if (flag != "--orders") return false;
                                   orders = std::atoll(value.c_str());
                                   return true;
                                 });
  return Run(orders);
}
