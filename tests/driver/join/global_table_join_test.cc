// KStream-GlobalKTable joins through the test driver: a record piped to the
// global topic updates the global store at once; the key selector picks the
// lookup key, so nothing is repartitioned; Describe() shows the global
// store's sub-topology as Java does.
#include <optional>
#include <string>

#include "driver/join/join_semantics.h"
#include "gmock/gmock.h"

namespace kstreams::join_test {
// Named, not anonymous: tests compile in batches (tests/CMakeLists.txt).
namespace global_table_join_test {

using ::testing::ElementsAre;
using KV = KeyValue<std::string, std::string>;

// orders: order id -> "<product>:<quantity>"; products (global): product -> name.
std::string ProductOf(const std::string& order) { return order.substr(0, order.find(':')); }

TEST(GlobalTableJoin, JoinLooksUpTheSelectedKeyAndDropsMisses) {
  StreamsBuilder builder;
  auto products = builder.GlobalTable<std::string, std::string>(
      "products", Materialized<std::string, std::string>::As("products-store"));
  builder.Stream<std::string, std::string>("orders")
      .Join(products, [](const std::string&, const std::string& o) { return ProductOf(o); },
            [](const std::string& o, const std::string& name) { return o + "=" + name; })
      .To("out");
  TopologyTestDriver driver(builder.Build(), {{"application.id", "global"}}, 0);
  auto p = driver.CreateInputTopic<std::string, std::string>("products");
  auto o = driver.CreateInputTopic<std::string, std::string>("orders");
  auto out = driver.CreateOutputTopic<std::string, std::string>("out");
  KSTREAMS_ASSERT_OK(p.PipeInput("p1", "pen", 1));
  KSTREAMS_ASSERT_OK(o.PipeInput("o1", "p1:2", 2));
  KSTREAMS_ASSERT_OK(o.PipeInput("o2", "p2:1", 3));  // no product p2 yet: dropped
  KSTREAMS_ASSERT_OK(p.PipeInput("p2", "ink", 4));
  KSTREAMS_ASSERT_OK(p.PipeInput("p1", "pencil", 5));
  KSTREAMS_ASSERT_OK(o.PipeInput("o3", "p1:5", 6));
  KSTREAMS_ASSERT_OK(p.PipeTombstone("p2", 7));
  KSTREAMS_ASSERT_OK(o.PipeInput("o4", "p2:3", 8));  // deleted again: dropped
  auto records = out.ReadRecordsToList();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0], (TestRecord<std::string, std::string>{"o1", "p1:2=pen", 2, {}}));
  EXPECT_EQ(records[1], (TestRecord<std::string, std::string>{"o3", "p1:5=pencil", 6, {}}));
  auto* store = driver.GetTimestampedKeyValueStore<std::string, std::string>("products-store");
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Get("p1"), ValueAndTimestamp<std::string>("pencil", 5));
  EXPECT_EQ(store->Get("p2"), std::nullopt);
}

TEST(GlobalTableJoin, LeftJoinPassesMissesAndNullLookupKeysAsNoMatch) {
  StreamsBuilder builder;
  auto products = builder.GlobalTable<std::string, std::string>("products");
  builder.Stream<std::string, std::string>("orders")
      .LeftJoin(products,
                [](const std::string&, const std::string& o) -> std::optional<std::string> {
                  if (o.empty()) return std::nullopt;
                  return ProductOf(o);
                },
                [](const std::string& o, const OptStr& name) { return Joined(o, name); })
      .To("out");
  TopologyTestDriver driver(builder.Build(), {{"application.id", "global-left"}}, 0);
  auto p = driver.CreateInputTopic<std::string, std::string>("products");
  auto o = driver.CreateInputTopic<std::string, std::string>("orders");
  auto out = driver.CreateOutputTopic<std::string, std::string>("out");
  KSTREAMS_ASSERT_OK(p.PipeInput("p1", "pen", 1));
  KSTREAMS_ASSERT_OK(o.PipeInput("o1", "p1:2", 2));
  KSTREAMS_ASSERT_OK(o.PipeInput("o2", "p2:1", 3));
  KSTREAMS_ASSERT_OK(o.PipeInput("o3", "", 4));
  EXPECT_THAT(out.ReadKeyValuesToList(),
              ElementsAre(KV{"o1", "p1:2-pen"}, KV{"o2", "p2:1-null"}, KV{"o3", "-null"}));
}

TEST(GlobalTableJoin, DescribesTheGlobalStoreAsJava) {
  StreamsBuilder builder;
  auto products = builder.GlobalTable<std::string, std::string>("products");
  builder.Stream<std::string, std::string>("orders")
      .Join(products, [](const std::string& k, const std::string&) { return k; },
            [](const std::string& o, const std::string& n) { return o + n; })
      .To("out");
  // Indexes: store 0, global source 1, its processor 2, orders source 3,
  // join 4, sink 5. The global store's group holds the smallest source name,
  // so it is sub-topology 0; Java prints it without a trailing blank line.
  EXPECT_EQ(builder.Build().Describe().ToString(),
            "Topologies:\n"
            "   Sub-topology: 0 for global store (will not generate tasks)\n"
            "    Source: KSTREAM-SOURCE-0000000001 (topics: [products])\n"
            "      --> KTABLE-SOURCE-0000000002\n"
            "    Processor: KTABLE-SOURCE-0000000002 (stores: [products-STATE-STORE-0000000000])\n"
            "      --> none\n"
            "      <-- KSTREAM-SOURCE-0000000001\n"
            "  Sub-topology: 1\n"
            "    Source: KSTREAM-SOURCE-0000000003 (topics: [orders])\n"
            "      --> KSTREAM-LEFTJOIN-0000000004\n"
            "    Processor: KSTREAM-LEFTJOIN-0000000004 (stores: [])\n"
            "      --> KSTREAM-SINK-0000000005\n"
            "      <-- KSTREAM-SOURCE-0000000003\n"
            "    Sink: KSTREAM-SINK-0000000005 (topic: out)\n"
            "      <-- KSTREAM-LEFTJOIN-0000000004\n"
            "\n");
}

}  // namespace global_table_join_test
}  // namespace kstreams::join_test
