// kstreams::sql::Engine: statements, the metastore, Describe(), runtime
// error counting and user functions, with queries run by the test driver.
#include "kstreams/sql/engine.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/processor/topology_description.h"
#include "kstreams/testing/status_matchers.h"
#include "kstreams/testing/topology_test_driver.h"

namespace sql_engine_test {
namespace {

using ::kstreams::sql::Engine;
using ::testing::HasSubstr;
using Bytes = std::optional<std::string>;

Engine::Options NotStarted() {
  Engine::Options o;
  o.start_queries = false;
  return o;
}

// Runs `query_id` in a driver, pipes JSON values, returns the sink's raw values.
std::vector<std::string> RunQuery(const Engine& engine, const std::string& query_id,
                             const std::string& in_topic, const std::string& out_topic,
                             const std::vector<std::pair<Bytes, Bytes>>& records) {
  const auto* q = engine.FindQuery(query_id);
  EXPECT_NE(q, nullptr);
  if (!q) return {};
  kstreams::TopologyTestDriver driver(*q->topology, {{"application.id", q->application_id}});
  auto bytes = kstreams::serdes::Optional<std::string>(kstreams::serdes::String());
  auto in = driver.CreateInputTopic<Bytes, Bytes>(in_topic, bytes, bytes);
  auto out = driver.CreateOutputTopic<Bytes, Bytes>(out_topic, bytes, bytes);
  for (const auto& [k, v] : records) KSTREAMS_EXPECT_OK(in.PipeInput(k, v, 0));
  std::vector<std::string> values;
  for (const auto& v : out.ReadValuesToList()) values.push_back(v.value_or("<null>"));
  return values;
}

TEST(SqlEngine, StatementsManageSourcesAndQueries) {
  Engine engine(NotStarted());
  KSTREAMS_ASSERT_OK_AND_ASSIGN(
      auto results,
      engine.Execute("CREATE STREAM clicks (user STRING KEY, page STRING, ms BIGINT) "
                     "WITH (kafka_topic='clicks', value_format='JSON', partitions=3);\n"
                     "CREATE STREAM pages AS SELECT user, UCASE(page) AS page FROM clicks;\n"
                     "SHOW STREAMS; SHOW QUERIES; DESCRIBE EXTENDED clicks;"));
  ASSERT_EQ(results.size(), 5u);
  EXPECT_EQ(results[0].message, "Stream created");
  EXPECT_EQ(results[1].message, "Created query with ID CSAS_PAGES_0");
  EXPECT_EQ(results[1].query_id, "CSAS_PAGES_0");
  ASSERT_EQ(results[2].rows.size(), 2u);
  EXPECT_EQ(results[2].rows[0], (std::vector<std::string>{"CLICKS", "clicks", "KAFKA", "JSON", "false"}));
  EXPECT_EQ(results[2].rows[1], (std::vector<std::string>{"PAGES", "PAGES", "KAFKA", "JSON", "false"}));
  ASSERT_EQ(results[3].rows.size(), 1u);
  EXPECT_EQ(results[3].rows[0][0], "CSAS_PAGES_0");
  EXPECT_EQ(results[3].rows[0][3], "PAGES");
  EXPECT_THAT(results[4].rows, ::testing::Contains(std::vector<std::string>{"USER", "STRING (key)"}));
  EXPECT_THAT(results[4].rows, ::testing::Contains(std::vector<std::string>{"Read by", "CSAS_PAGES_0"}));
  EXPECT_EQ(engine.FindQuery("CSAS_PAGES_0")->application_id,
            "_confluent-ksql-default_query_CSAS_PAGES_0");
  EXPECT_EQ(engine.FindSource("PAGES")->partitions, 3);

  // DROP refuses a source a query uses; TERMINATE then DROP works.
  auto drop = engine.Execute("DROP STREAM pages;");
  ASSERT_FALSE(drop.ok());
  EXPECT_EQ(std::string(drop.status().message()),
            "line 1:1: Cannot drop PAGES. The following queries write into this source: "
            "[CSAS_PAGES_0]. You need to terminate them before dropping PAGES.");
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto done, engine.Execute("TERMINATE CSAS_PAGES_0; DROP STREAM pages;"));
  EXPECT_EQ(done[0].message, "Query terminated: CSAS_PAGES_0");
  EXPECT_EQ(done[1].message, "Source `PAGES` (topic: PAGES) was dropped.");
  EXPECT_EQ(engine.FindSource("PAGES"), nullptr);
  EXPECT_TRUE(engine.Queries().empty());
}

TEST(SqlEngine, DescribeShowsTheQueryTopology) {
  Engine engine(NotStarted());
  KSTREAMS_ASSERT_OK(engine
                         .Execute("CREATE STREAM s (id INT KEY, region STRING) "
                                  "WITH (kafka_topic='s', value_format='JSON');"
                                  "CREATE TABLE counts AS SELECT region, COUNT(*) AS n FROM s "
                                  "GROUP BY region;")
                         .status());
  KSTREAMS_ASSERT_OK_AND_ASSIGN(std::string text, engine.Describe("CTAS_COUNTS_0"));
  // Two sub-topologies joined by the group-by repartition topic, the
  // aggregation store, and the sink.
  EXPECT_THAT(text, HasSubstr("Sub-topology: 0"));
  EXPECT_THAT(text, HasSubstr("Sub-topology: 1"));
  EXPECT_THAT(text, HasSubstr("Source: KsqlTopic-S (topics: [s])"));
  EXPECT_THAT(text, HasSubstr("Aggregate-GroupBy-repartition"));
  EXPECT_THAT(text, HasSubstr("stores: [Aggregate-Aggregate-Materialize]"));
  EXPECT_THAT(text, HasSubstr("(topic: COUNTS)"));
  EXPECT_FALSE(engine.Describe("NOPE").ok());
}

TEST(SqlEngine, RuntimeErrorsAreNullAndCounted) {
  Engine engine(NotStarted());
  KSTREAMS_ASSERT_OK(engine
                         .Execute("CREATE STREAM s (id INT KEY, a INT, b INT) "
                                  "WITH (kafka_topic='s', value_format='JSON');"
                                  "CREATE STREAM q AS SELECT id, a / b AS r FROM s;")
                         .status());
  auto values = RunQuery(engine, "CSAS_Q_0", "s", "Q",
                    {{std::string("\x00\x00\x00\x01", 4), R"({"A":6,"B":3})"},
                     {std::string("\x00\x00\x00\x02", 4), R"({"A":6,"B":0})"},
                     {std::string("\x00\x00\x00\x03", 4), R"({"A":1,"B":0})"}});
  EXPECT_EQ(values, (std::vector<std::string>{R"({"R":2})", R"({"R":null})", R"({"R":null})"}));
  EXPECT_EQ(engine.processing_errors(), 2);
}

TEST(SqlEngine, UserAggregateFunction) {
  // PRODUCT(x): the product of the non-null BIGINT values.
  class Product final : public kstreams::sql::Aggregator {
   public:
    kstreams::sql::Value Initialize() const override { return kstreams::sql::Value::Bigint(1); }
    kstreams::sql::Value Aggregate(const kstreams::sql::Value& in,
                                   const kstreams::sql::Value& acc) const override {
      return in.is_null() ? acc : kstreams::sql::Value::Bigint(acc.integer() * in.integer());
    }
    kstreams::sql::Value Merge(const kstreams::sql::Value& a,
                               const kstreams::sql::Value& b) const override {
      return kstreams::sql::Value::Bigint(a.integer() * b.integer());
    }
  };
  Engine::Options options = NotStarted();
  KSTREAMS_ASSERT_OK(options.functions.RegisterAggregate(
      {.name = "product",
       .description = "the product of the values",
       .resolve = [](const std::vector<kstreams::sql::TypePtr>&)
           -> absl::StatusOr<kstreams::sql::TypePtr> { return kstreams::sql::SqlType::Bigint(); },
       .make = [](const std::vector<kstreams::sql::TypePtr>&,
                  const std::vector<kstreams::sql::Value>&) {
         return std::make_unique<Product>();
       }}));
  Engine engine(std::move(options));
  KSTREAMS_ASSERT_OK(engine
                         .Execute("CREATE STREAM s (id INT KEY, v BIGINT) "
                                  "WITH (kafka_topic='s', value_format='JSON');"
                                  "CREATE TABLE p AS SELECT id, PRODUCT(v) AS prod FROM s GROUP BY id;")
                         .status());
  std::string k(std::string("\x00\x00\x00\x07", 4));
  auto values = RunQuery(engine, "CTAS_P_0", "s", "P",
                    {{k, R"({"V":2})"}, {k, R"({"V":null})"}, {k, R"({"V":5})"}});
  EXPECT_EQ(values, (std::vector<std::string>{R"({"PROD":2})", R"({"PROD":2})", R"({"PROD":10})"}));
}

TEST(SqlEngine, ErrorsStopAtTheFailingStatement) {
  Engine engine(NotStarted());
  auto r = engine.Execute(
      "CREATE STREAM s (id INT KEY, a INT) WITH (kafka_topic='s', value_format='JSON');\n"
      "CREATE STREAM t AS SELECT id, b FROM s;\n"
      "CREATE STREAM u AS SELECT id, a FROM s;");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(std::string(r.status().message()),
            "line 2:31: column 'B' cannot be resolved (columns: ID, A, ROWTIME, ROWPARTITION, "
            "ROWOFFSET)");
  EXPECT_NE(engine.FindSource("S"), nullptr);
  EXPECT_EQ(engine.FindSource("U"), nullptr);
  // A push query's rows never end: Execute refuses it (StartPushQuery runs it).
  auto select = engine.Execute("SELECT * FROM s EMIT CHANGES;");
  ASSERT_FALSE(select.ok());
  EXPECT_THAT(select.status().message(), HasSubstr("run it with Engine::StartPushQuery"));
}

}  // namespace
}  // namespace sql_engine_test
