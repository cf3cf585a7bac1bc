// The kstreams side of the interop test with Python's confluent-kafka
// (tests/integration/schema/confluent_interop.py starts it):
//
//   kstreams_avro_interop_app [--kafka]
//
// Starts an EmbeddedKafka (--kafka: a local Apache Kafka cluster,
// scripts/kafka.sh) with the topics _schemas, py-orders and py-totals (2
// partitions each), a kstreams::SchemaRegistry on it serving HTTP on a free
// port, prints "ready <bootstrap servers> <registry url>", and runs an
// application until SIGTERM:
//
//   py-orders (key: customer, string; value: Avro, written by Python with a
//   schema of its own, registered by its AvroSerializer)
//     -> read as py.Order {id, customer, cents} (the writer's extra fields
//        dropped by Avro resolution)
//     -> per customer: py.Total {orders, cents}, written in Avro
//     -> py-totals (key: customer, string)
#include <cstdio>
#include <string>

#include "apps/app_runner.h"
#include "common/embedded_demo.h"
#include "kstreams/kstreams.h"
#include "kstreams/schema/avro_serdes.h"
#include "kstreams/schema/schema_registry.h"

namespace {

struct Order {
  std::string id;
  std::string customer;
  int64_t cents = 0;
};
struct Total {
  int64_t orders = 0;
  int64_t cents = 0;
};

}  // namespace

template <>
struct kstreams::avro::AvroRecord<Order> {
  static constexpr std::string_view kName = "py.Order";
  static auto Fields() {
    return std::make_tuple(FieldOf("id", &Order::id), FieldOf("customer", &Order::customer),
                           FieldOf("cents", &Order::cents));
  }
};
template <>
struct kstreams::avro::AvroRecord<Total> {
  static constexpr std::string_view kName = "py.Total";
  static auto Fields() { return std::make_tuple(FieldOf("orders", &Total::orders), FieldOf("cents", &Total::cents)); }
};

namespace {

int Fail(const absl::Status& s) {
  std::fprintf(stderr, "avro_interop_app: %s\n", std::string(s.message()).c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  kstreams::SetLogLevel(kstreams::LogLevel::kWarning);
  kstreams::examples::ParseFlags(argc, argv, "kstreams_avro_interop_app", "usage: kstreams_avro_interop_app [--kafka]",
                                 {}, [](const std::string&, const std::string&) { return false; });
  auto cluster = kstreams::examples::DemoCluster::Start({"_schemas", "py-orders", "py-totals"}, 2);
  if (!cluster.ok()) return Fail(cluster.status());
  const std::string bootstrap = (*cluster)->bootstrap();
  kstreams::SchemaRegistry::Options registry_options;
  registry_options.bootstrap_servers = bootstrap;
  registry_options.listeners = "127.0.0.1:0";
  auto registry = kstreams::SchemaRegistry::Start(registry_options);
  if (!registry.ok()) return Fail(registry.status());
  kstreams::AvroSerdeConfig avro;
  avro.client = (*registry)->Client();
  auto orders = kstreams::serdes::Avro<Order>(avro);
  auto totals = kstreams::serdes::Avro<Total>(avro);

  kstreams::StreamsBuilder builder;
  builder
      .Stream<std::string, Order>("py-orders",
                                  kstreams::Consumed<std::string, Order>::With(kstreams::serdes::String(), orders))
      .GroupByKey(kstreams::Grouped<std::string, Order>::With(kstreams::serdes::String(), orders))
      .Aggregate([] { return Total{}; },
                 [](const std::string&, const Order& o, const Total& t) { return Total{t.orders + 1, t.cents + o.cents}; },
                 kstreams::Materialized<std::string, Total>::As("py-totals-store").WithValueSerde(totals))
      .ToStream()
      .To("py-totals", kstreams::Produced<std::string, std::optional<Total>>::With(
                           kstreams::serdes::String(), kstreams::serdes::Optional(totals)));
  kstreams::examples::TempStateDir state_dir("kstreams-avro-interop");
  kstreams::StreamsConfig config{{"application.id", "kstreams-avro-interop"},
                                 {"bootstrap.servers", bootstrap},
                                 {"state.dir", state_dir.path()},
                                 {"commit.interval.ms", "200"}};
  kstreams::KafkaStreams streams(builder.Build(), config);
  std::printf("ready %s %s\n", bootstrap.c_str(), (*registry)->url().c_str());
  std::fflush(stdout);
  return kstreams::test_apps::RunUntilSignalled("kstreams_avro_interop_app", streams);
}
