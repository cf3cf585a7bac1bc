// Foreign-key KTable joins through the test driver: orders (order id ->
// "<product id>:<quantity>") joined with products (product id -> name).
// Expected rows are worked out by hand from Kafka Streams' FK-join protocol:
// subscriptions, responses, stale responses dropped by hash.
#include <optional>
#include <string>

#include "driver/join/join_semantics.h"
#include "gmock/gmock.h"

namespace kstreams::join_test {
namespace {

using ::testing::ElementsAre;
using Rec = TestRecord<std::string, OptStr>;

std::string ProductOf(const std::string& order) { return order.substr(0, order.find(':')); }

Topology Build(bool left) {
  StreamsBuilder builder;
  auto orders = builder.Table<std::string, std::string>("orders");
  auto products = builder.Table<std::string, std::string>("products");
  auto extractor = [](const std::string& order) -> std::optional<std::string> {
    if (order.empty()) return std::nullopt;  // no foreign key
    return ProductOf(order);
  };
  KTable<std::string, std::string> joined =
      left ? orders.LeftJoin(products, extractor,
                             [](const std::string& o, const OptStr& p) {
                               return o + "=" + p.value_or("null");
                             },
                             Materialized<std::string, std::string>::As("joined"))
           : orders.Join(products, extractor,
                         [](const std::string& o, const std::string& p) { return o + "=" + p; },
                         Materialized<std::string, std::string>::As("joined"));
  joined.ToStream().To("out");
  return builder.Build();
}

// The same input for both joins: a match, a right update, a foreign-key
// change to a missing product, the product arriving, an update of the old
// product (no longer subscribed), a right delete and re-insert, a left delete.
void PipeLifecycle(TestInputTopic<std::string, std::string>& orders,
                   TestInputTopic<std::string, std::string>& products) {
  ASSERT_TRUE(products.PipeInput("p1", "pen", 1).ok());
  ASSERT_TRUE(orders.PipeInput("o1", "p1:2", 2).ok());
  ASSERT_TRUE(products.PipeInput("p1", "pencil", 3).ok());
  ASSERT_TRUE(orders.PipeInput("o1", "p2:2", 4).ok());
  ASSERT_TRUE(products.PipeInput("p2", "ink", 5).ok());
  ASSERT_TRUE(products.PipeInput("p1", "marker", 6).ok());
  ASSERT_TRUE(products.PipeTombstone("p2", 7).ok());
  ASSERT_TRUE(products.PipeInput("p2", "ink2", 8).ok());
  ASSERT_TRUE(orders.PipeTombstone("o1", 9).ok());
  ASSERT_TRUE(products.PipeInput("p2", "ink3", 10).ok());
}

TEST(ForeignKeyJoin, InnerJoinFollowsForeignKeyChangesAndDeletes) {
  TopologyTestDriver driver(Build(false), {{"application.id", "fk"}}, 0);
  auto orders = driver.CreateInputTopic<std::string, std::string>("orders");
  auto products = driver.CreateInputTopic<std::string, std::string>("products");
  auto out = driver.CreateOutputTopic<std::string, OptStr>("out");
  PipeLifecycle(orders, products);
  EXPECT_THAT(out.ReadRecordsToList(),
              ElementsAre(Rec{"o1", "p1:2=pen", 2, {}}, Rec{"o1", "p1:2=pencil", 3, {}},
                          Rec{"o1", std::nullopt, 4, {}},  // p2 missing: the result is unset
                          Rec{"o1", "p2:2=ink", 5, {}}, Rec{"o1", std::nullopt, 7, {}},
                          Rec{"o1", "p2:2=ink2", 8, {}}, Rec{"o1", std::nullopt, 9, {}}));
  auto* store = driver.GetTimestampedKeyValueStore<std::string, std::string>("joined");
  ASSERT_NE(store, nullptr);
  EXPECT_FALSE(store->Get("o1").has_value());
  KSTREAMS_EXPECT_OK(driver.status());
}

// Issue 16: with statestore.cache.max.bytes = 0 the result store has no
// caching layer (as Java), so the inner join's "unset" tombstone for a
// foreign-key change to a missing product is forwarded even though the key
// was already removed (by the right-side delete at 3): Java's
// SubscriptionSendProcessor propagates null when no value is found for the
// new foreign key, and the uncached result table forwards it.
TEST(ForeignKeyJoin, ZeroByteCacheForwardsTheUnsetTombstoneOfAnAlreadyRemovedKey) {
  TopologyTestDriver driver(Build(false),
                            {{"application.id", "fk"}, {"statestore.cache.max.bytes", "0"}}, 0);
  auto orders = driver.CreateInputTopic<std::string, std::string>("orders");
  auto products = driver.CreateInputTopic<std::string, std::string>("products");
  auto out = driver.CreateOutputTopic<std::string, OptStr>("out");
  ASSERT_TRUE(products.PipeInput("p1", "pen", 1).ok());
  ASSERT_TRUE(orders.PipeInput("o1", "p1:2", 2).ok());
  ASSERT_TRUE(products.PipeTombstone("p1", 3).ok());
  ASSERT_TRUE(orders.PipeInput("o1", "p2:2", 4).ok());
  EXPECT_THAT(out.ReadRecordsToList(),
              ElementsAre(Rec{"o1", "p1:2=pen", 2, {}}, Rec{"o1", std::nullopt, 3, {}},
                          Rec{"o1", std::nullopt, 4, {}}));
  KSTREAMS_EXPECT_OK(driver.status());
}

TEST(ForeignKeyJoin, LeftJoinKeepsLeftRecordsWithoutAMatch) {
  TopologyTestDriver driver(Build(true), {{"application.id", "fk-left"}}, 0);
  auto orders = driver.CreateInputTopic<std::string, std::string>("orders");
  auto products = driver.CreateInputTopic<std::string, std::string>("products");
  auto out = driver.CreateOutputTopic<std::string, OptStr>("out");
  PipeLifecycle(orders, products);
  EXPECT_THAT(out.ReadRecordsToList(),
              ElementsAre(Rec{"o1", "p1:2=pen", 2, {}}, Rec{"o1", "p1:2=pencil", 3, {}},
                          Rec{"o1", "p2:2=null", 4, {}}, Rec{"o1", "p2:2=ink", 5, {}},
                          Rec{"o1", "p2:2=null", 7, {}}, Rec{"o1", "p2:2=ink2", 8, {}},
                          Rec{"o1", std::nullopt, 9, {}}));
}

TEST(ForeignKeyJoin, NullForeignKeysAreDroppedAndCounted) {
  TopologyTestDriver driver(Build(true), {{"application.id", "fk-null"}}, 0);
  auto orders = driver.CreateInputTopic<std::string, std::string>("orders");
  auto out = driver.CreateOutputTopic<std::string, OptStr>("out");
  KSTREAMS_ASSERT_OK(orders.PipeInput("o2", "", 1));
  EXPECT_TRUE(out.IsEmpty());
  EXPECT_EQ(driver.dropped_records(), 1);
}

// A response computed for an older value of the left record arrives after
// the left record changed: its hash is not the current value's, so it is
// dropped, and only the answer for the current value counts.
TEST(ForeignKeyJoin, StaleOutOfOrderResponsesAreDiscardedByHash) {
  Topology topology = Build(false);
  const std::string response_topic =
      "fk-stale-KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000014-topic";
  ASSERT_TRUE(topology.data().IsInternalTopic(
      "KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000014-topic"));
  TopologyTestDriver driver(topology, {{"application.id", "fk-stale"}}, 0);
  auto orders = driver.CreateInputTopic<std::string, std::string>("orders");
  auto products = driver.CreateInputTopic<std::string, std::string>("products");
  auto responses = driver.CreateInputTopic<std::string, internal::SubscriptionResponseWrapper<std::string>>(
      response_topic, serdes::String(),
      std::make_shared<internal::SubscriptionResponseWrapperSerde<std::string>>(serdes::String()));
  auto out = driver.CreateOutputTopic<std::string, OptStr>("out");
  KSTREAMS_ASSERT_OK(products.PipeInput("p1", "pen", 1));
  KSTREAMS_ASSERT_OK(products.PipeInput("p2", "ink", 1));
  KSTREAMS_ASSERT_OK(orders.PipeInput("o1", "p1:1", 2));
  KSTREAMS_ASSERT_OK(orders.PipeInput("o1", "p2:5", 3));
  EXPECT_THAT(out.ReadRecordsToList(),
              ElementsAre(Rec{"o1", "p1:1=pen", 2, {}}, Rec{"o1", "p2:5=ink", 3, {}}));
  const int64_t dropped = driver.dropped_records();
  // The late answer to o1's first value (p1): dropped.
  KSTREAMS_ASSERT_OK(responses.PipeInput(
      "o1", {internal::Murmur3Hash128("p1:1"), "pen", 0, 0}, 4));
  EXPECT_TRUE(out.IsEmpty());
  EXPECT_EQ(driver.dropped_records(), dropped + 1);
  // An answer for the current value is applied.
  KSTREAMS_ASSERT_OK(responses.PipeInput(
      "o1", {internal::Murmur3Hash128("p2:5"), "ink (restocked)", 0, 0}, 5));
  EXPECT_THAT(out.ReadRecordsToList(), ElementsAre(Rec{"o1", "p2:5=ink (restocked)", 5, {}}));
}

TEST(ForeignKeyJoin, InternalTopicsAndStoresAreNamedAsJava) {
  Topology topology = Build(false);
  // Tables take indexes 0-5; the join draws its names from 6 on.
  std::vector<std::string> topics;
  for (const auto& [name, def] : topology.data().internal_topics()) topics.push_back(name);
  EXPECT_THAT(topics, ElementsAre("KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic",
                                  "KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000014-topic"));
  EXPECT_NE(topology.data().FindStore("KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-0000000010"),
            nullptr);
  for (const char* node :
       {"KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000007", "KTABLE-SINK-0000000008",
        "KTABLE-SOURCE-0000000009", "KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-0000000011",
        "KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-0000000012",
        "KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-0000000013", "KTABLE-SINK-0000000015",
        "KTABLE-SOURCE-0000000016", "KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-RESOLVER-PROCESSOR-0000000017",
        "KTABLE-FK-JOIN-OUTPUT-0000000018"}) {
    EXPECT_NE(topology.data().FindNode(node), nullptr) << node;
  }
  // Two sub-topologies: the left side (orders, responses) and the right
  // side (products, subscriptions).
  EXPECT_EQ(topology.data().Subtopologies().size(), 2u);
  EXPECT_EQ(topology.data().CopartitionGroups().size(), 2u);
}

}  // namespace
}  // namespace kstreams::join_test
