// Joins on the real runtime against both brokers: a GlobalKTable is
// bootstrapped before any stream record is processed and then followed; a
// stream-table join runs across partitions; joining topics that are not
// co-partitioned fails Start() naming both topics.
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integration/kafka/kafka_test_util.h"
#include "integration/runtime/runtime_test_util.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"
#include "kstreams/kafka/embedded_kafka.h"
#include "kstreams/kstreams.h"
#include "kstreams/runtime/kafka_streams.h"
#include "kstreams/runtime/topic_creator.h"

namespace {

using kstreams::KafkaStreams;
using kstreams::StreamsConfig;
using KV = std::pair<std::string, std::string>;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAreArray;

class JoinRuntimeIT : public kstreams::runtime_test::BrokerIT {
 protected:
  std::vector<KV> Read(const std::string& topic, int partitions, size_t count) {
    auto records = kstreams::kafka_test::ReadTopic(bootstrap_, topic, partitions, count);
    EXPECT_TRUE(records.ok()) << records.status();
    std::vector<KV> out;
    if (!records.ok()) return out;
    for (const auto& r : *records) out.emplace_back(r.key.value_or("<null>"), r.value.value_or("<null>"));
    return out;
  }
};
KSTREAMS_INSTANTIATE_ON_BOTH_BROKERS(JoinRuntimeIT);

// orders: order id -> product id; products (global): product id -> name.
kstreams::Topology OrdersWithProducts() {
  kstreams::StreamsBuilder builder;
  auto products = builder.GlobalTable<std::string, std::string>(
      "products", kstreams::Materialized<std::string, std::string>::As(
                      kstreams::Stores::InMemoryKeyValueStore("products")));
  builder.Stream<std::string, std::string>("orders")
      .Join(products, [](const std::string&, const std::string& product) { return product; },
            [](const std::string& product, const std::string& name) { return product + ":" + name; })
      .To("orders-named");
  return builder.Build();
}

TEST_P(JoinRuntimeIT, GlobalTableIsCompleteBeforeStreamsProcessAndFollowsUpdates) {
  // The global topic has more partitions than the stream: no co-partitioning.
  KSTREAMS_ASSERT_OK(CreateTopic("products", 3));
  KSTREAMS_ASSERT_OK(CreateTopic("orders", 2));
  KSTREAMS_ASSERT_OK(CreateTopic("orders-named", 2));
  std::vector<KV> products, orders, expected;
  for (int p = 0; p < 30; ++p) products.emplace_back("p" + std::to_string(p), "name" + std::to_string(p));
  for (int o = 0; o < 60; ++o) {
    std::string product = "p" + std::to_string(o % 30);
    orders.emplace_back("o" + std::to_string(o), product);
    expected.emplace_back("o" + std::to_string(o), product + ":name" + std::to_string(o % 30));
  }
  Produce("products", products);
  // Orders are older than the products: without the bootstrap, stream
  // records would be processed against an empty table and dropped.
  Produce("orders", orders, 10);

  KafkaStreams streams(OrdersWithProducts(), Config("global-join"));
  KSTREAMS_ASSERT_OK(streams.Start());
  EXPECT_THAT(Read("orders-named", 2, expected.size()), UnorderedElementsAreArray(expected));

  // Updates of the global topic reach the store while running: orders for a
  // new product are dropped until the global thread has applied it, then
  // joined.
  Produce("products", {{"p100", "new"}}, 5000);
  bool joined_new = false;
  kstreams::internal::ConsumerOptions options;
  options.config = {{"bootstrap.servers", bootstrap_}};
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto consumer,
                                kstreams::internal::Consumer::Create(std::move(options)));
  KSTREAMS_ASSERT_OK(consumer->Assign({{{"orders-named", 0}, kstreams::internal::kOffsetBeginning},
                                       {{"orders-named", 1}, kstreams::internal::kOffsetBeginning}}));
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  for (int i = 0; !joined_new && absl::Now() < deadline; ++i) {
    Produce("orders", {{"late-" + std::to_string(i), "p100"}}, 6000 + i);
    KSTREAMS_ASSERT_OK_AND_ASSIGN(auto batch, consumer->PollBatch(1000, absl::Milliseconds(200)));
    for (const auto& r : batch) joined_new |= r.value == std::optional<std::string>("p100:new");
  }
  EXPECT_TRUE(joined_new);

  // The global store is queryable like the tasks' stores, with every
  // partition of its topic: the 30 products and the new one.
  auto store = streams.Store<kstreams::ReadOnlyKeyValueStore<std::string, std::string>>("products");
  KSTREAMS_ASSERT_OK(store.status());
  EXPECT_EQ((*store)->Get("p7"), std::optional<std::string>("name7"));
  EXPECT_EQ((*store)->Get("p100"), std::optional<std::string>("new"));
  EXPECT_EQ((*store)->Get("p31"), std::nullopt);
  EXPECT_EQ((*store)->ApproximateNumEntries(), 31u);
  std::vector<KV> all;
  for (auto& [k, v] : (*store)->All().ToVector()) all.emplace_back(k, v);
  std::vector<KV> expected_products = products;
  expected_products.emplace_back("p100", "new");
  EXPECT_THAT(all, UnorderedElementsAreArray(expected_products));
  auto stamped = streams.Store<kstreams::ReadOnlyKeyValueStore<
      std::string, kstreams::ValueAndTimestamp<std::string>>>("products");
  KSTREAMS_ASSERT_OK(stamped.status());
  EXPECT_EQ((*stamped)->Get("p100")->timestamp(), 5000);
  using WrongType = kstreams::ReadOnlyKeyValueStore<std::string, int64_t>;
  EXPECT_EQ(streams.Store<WrongType>("products").status().code(),
            absl::StatusCode::kInvalidArgument);

  EXPECT_TRUE(streams.Close(absl::Seconds(20)));
  EXPECT_EQ(streams.state(), KafkaStreams::State::kNotRunning);
  // Closed: the handle reports the store gone instead of reading closed stores.
  EXPECT_THROW((*store)->Get("p7"), kstreams::StateStoreException);
}

kstreams::Topology ViewsWithRegions() {
  kstreams::StreamsBuilder builder;
  auto users = builder.Table<std::string, std::string>("users");
  builder.Stream<std::string, std::string>("views")
      .LeftJoin(users, [](const std::string& page, const std::optional<std::string>& region) {
        return page + "@" + region.value_or("unknown");
      })
      .To("views-with-region");
  return builder.Build();
}

TEST_P(JoinRuntimeIT, StreamTableJoinRunsOnCopartitionedTopics) {
  for (const char* t : {"users", "views", "views-with-region"}) {
    KSTREAMS_ASSERT_OK(CreateTopic(t, 3));
  }
  std::vector<KV> users, views, expected;
  for (int u = 0; u < 20; ++u) users.emplace_back("u" + std::to_string(u), u % 2 ? "eu" : "us");
  Produce("users", users, 10);
  for (int v = 0; v < 50; ++v) {
    const int u = v % 25;  // users 20..24 have no region
    views.emplace_back("u" + std::to_string(u), "page" + std::to_string(v));
    expected.emplace_back("u" + std::to_string(u),
                          "page" + std::to_string(v) + "@" +
                              (u >= 20 ? "unknown" : (u % 2 ? "eu" : "us")));
  }
  KafkaStreams streams(ViewsWithRegions(), Config("stream-table"));
  KSTREAMS_ASSERT_OK(streams.Start());
  // Views only once every user is in the table: its changelog has them all.
  Read("stream-table-users-STATE-STORE-0000000000-changelog", 3, users.size());
  Produce("views", views, 1000);
  EXPECT_THAT(Read("views-with-region", 3, expected.size()), UnorderedElementsAreArray(expected));
  EXPECT_TRUE(streams.Close(absl::Seconds(20)));
}

// Java's default max.task.idle.ms=0 (KIP-695): a task whose table partition
// ran dry while the broker still holds records for it waits for them before
// it processes newer stream records. The table (older records) is larger
// than one fetch (max.partition.fetch.bytes: 64 KiB here), so its partition
// runs dry between fetches; every view must still find its user.
TEST_P(JoinRuntimeIT, StreamTableJoinWaitsForTableRecordsNotFetchedYet) {
  for (const char* t : {"users", "views", "views-with-region"}) {
    KSTREAMS_ASSERT_OK(CreateTopic(t, 1));
  }
  constexpr int kUsers = 3000;
  const std::string padding(200, '.');
  std::vector<KV> users, views, expected;
  for (int u = 0; u < kUsers; ++u) {
    users.emplace_back("u" + std::to_string(u), (u % 2 ? "eu" : "us") + padding);
  }
  Produce("users", users, 10);
  // Views of the last users, all newer than every user record.
  for (int v = 0; v < 100; ++v) {
    const int u = kUsers - 1 - v;
    views.emplace_back("u" + std::to_string(u), "page" + std::to_string(v));
    expected.emplace_back("u" + std::to_string(u),
                          "page" + std::to_string(v) + "@" + (u % 2 ? "eu" : "us") + padding);
  }
  Produce("views", views, 100'000);
  StreamsConfig config = Config("stream-table-lag");
  config.Set("consumer.max.partition.fetch.bytes", "65536");
  KafkaStreams streams(ViewsWithRegions(), config);
  KSTREAMS_ASSERT_OK(streams.Start());
  EXPECT_THAT(Read("views-with-region", 1, expected.size()), UnorderedElementsAreArray(expected));
  EXPECT_TRUE(streams.Close(absl::Seconds(20)));
}

// Foreign-key joins need no co-partitioning of the two tables: the
// subscription and response topics take the partition counts of the side
// they feed. Whatever order the two sides are processed in, the final result
// per order is the join with its product.
TEST_P(JoinRuntimeIT, ForeignKeyJoinAcrossTablesWithDifferentPartitionCounts) {
  KSTREAMS_ASSERT_OK(CreateTopic("orders", 3));
  KSTREAMS_ASSERT_OK(CreateTopic("products", 2));
  KSTREAMS_ASSERT_OK(CreateTopic("orders-with-products", 3));
  kstreams::StreamsBuilder builder;
  auto orders = builder.Table<std::string, std::string>("orders");
  auto products = builder.Table<std::string, std::string>("products");
  orders
      .Join(products, [](const std::string& product) { return product; },
            [](const std::string& product, const std::string& name) { return product + ":" + name; })
      .ToStream()
      .To("orders-with-products");
  std::vector<KV> order_records, product_records;
  std::map<std::string, std::string> expected;
  for (int p = 0; p < 10; ++p) product_records.emplace_back("p" + std::to_string(p), "name" + std::to_string(p));
  for (int o = 0; o < 40; ++o) {
    const std::string product = "p" + std::to_string(o % 10);
    order_records.emplace_back("o" + std::to_string(o), product);
    expected["o" + std::to_string(o)] = product + ":name" + std::to_string(o % 10);
  }
  Produce("orders", order_records, 10);
  Produce("products", product_records, 20);
  KafkaStreams streams(builder.Build(), Config("fk-join"));
  KSTREAMS_ASSERT_OK(streams.Start());
  kstreams::internal::ConsumerOptions options;
  options.config = {{"bootstrap.servers", bootstrap_}};
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto consumer,
                                kstreams::internal::Consumer::Create(std::move(options)));
  std::map<kstreams::internal::TopicPartition, int64_t> start;
  for (int p = 0; p < 3; ++p) start[{"orders-with-products", p}] = kstreams::internal::kOffsetBeginning;
  KSTREAMS_ASSERT_OK(consumer->Assign(start));
  std::map<std::string, std::string> latest;
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (latest != expected && absl::Now() < deadline) {
    KSTREAMS_ASSERT_OK_AND_ASSIGN(auto batch, consumer->PollBatch(1000, absl::Milliseconds(100)));
    for (const auto& r : batch) {
      if (!r.key) continue;
      if (r.value) {
        latest[*r.key] = *r.value;
      } else {
        latest.erase(*r.key);
      }
    }
  }
  EXPECT_EQ(latest, expected);
  EXPECT_TRUE(streams.Close(absl::Seconds(20)));
}

TEST_P(JoinRuntimeIT, JoiningTopicsWithDifferentPartitionCountsFailsStart) {
  KSTREAMS_ASSERT_OK(CreateTopic("users", 3));
  KSTREAMS_ASSERT_OK(CreateTopic("views", 2));
  KafkaStreams streams(ViewsWithRegions(), Config("not-copartitioned"));
  absl::Status s = streams.Start();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("co-partitioned"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("users (3 partitions)"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("views (2 partitions)"));
}

}  // namespace
