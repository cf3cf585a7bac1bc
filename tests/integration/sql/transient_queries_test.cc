// kstreams::sql::Engine's transient queries on the embedded broker: push
// queries (SELECT ... EMIT CHANGES) deliver rows as they come until their
// LIMIT; pull queries read the store of the persistent query that
// materializes a table, through KafkaStreams' interactive queries.
#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integration/runtime/runtime_test_util.h"
#include "kstreams/sql/engine.h"
#include "kstreams/sql/push_query.h"

namespace sql_transient_queries_test {
namespace {

using ::kstreams::runtime_test::RuntimeIT;
using ::kstreams::runtime_test::WaitFor;
using ::kstreams::sql::Engine;
using ::kstreams::sql::PullQueryResult;
using ::kstreams::sql::PushQuery;
using ::kstreams::sql::Row;
using ::kstreams::sql::Value;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Cells = std::vector<std::string>;

Cells Text(const Row& row) {
  Cells out;
  for (const Value& v : row) out.push_back(v.ToString());
  return out;
}

std::vector<Cells> Text(const std::vector<Row>& rows) {
  std::vector<Cells> out;
  for (const Row& r : rows) out.push_back(Text(r));
  return out;
}

class SqlTransientQueriesIT : public RuntimeIT {
 protected:
  void SetUp() override {
    RuntimeIT::SetUp();
    Engine::Options options;
    options.streams_config = {{"bootstrap.servers", bootstrap_},
                              {"state.dir", StateDir().string()},
                              {"commit.interval.ms", "100"},
                              {"producer.linger.ms", "5"}};
    engine_ = std::make_unique<Engine>(std::move(options));
  }
  void TearDown() override {
    engine_.reset();
    RuntimeIT::TearDown();
  }

  void Execute(const std::string& sql) { KSTREAMS_ASSERT_OK(engine_->Execute(sql).status()); }

  // Retries the pull query until it gives `want` rows (the query's store is
  // queryable once its group formed and it processed its input).
  std::vector<Cells> PullUntil(const std::string& sql, size_t want) {
    std::vector<Cells> rows;
    absl::Status last;
    bool ok = WaitFor([&] {
      absl::StatusOr<PullQueryResult> r = engine_->ExecutePull(sql);
      if (!r.ok()) {
        last = r.status();
        return false;
      }
      rows = Text(r->rows);
      return rows.size() == want;
    }, absl::Seconds(30));
    EXPECT_TRUE(ok) << sql << ": last error " << last << ", last rows " << rows.size();
    return rows;
  }

  std::unique_ptr<Engine> engine_;
};

constexpr char kClicks[] =
    "CREATE STREAM clicks (user STRING KEY, page STRING, region STRING) "
    "WITH (kafka_topic='clicks', value_format='JSON', partitions=1);";

TEST_F(SqlTransientQueriesIT, PushQueryDeliversRowsInOrderUntilItsLimit) {
  Execute(kClicks);
  Execute("INSERT INTO clicks (user, page, region) VALUES ('alice', 'home', 'eu');"
          "INSERT INTO clicks (user, page, region) VALUES ('bob', 'x', 'us');"
          "INSERT INTO clicks (user, page, region) VALUES ('carol', 'cart', 'eu');"
          "INSERT INTO clicks (user, page, region) VALUES ('dave', 'faq', 'us');"
          "SET 'auto.offset.reset'='earliest';");
  KSTREAMS_ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<PushQuery> q,
      engine_->StartPushQuery("SELECT UCASE(page) AS page, user FROM clicks "
                              "WHERE page <> 'x' EMIT CHANGES LIMIT 2;"));
  ASSERT_EQ(q->columns().size(), 2u);
  EXPECT_EQ(q->columns()[0].name, "PAGE");
  EXPECT_EQ(q->columns()[1].name, "USER");
  std::vector<Cells> rows;
  while (std::optional<Row> row = q->Next(absl::Seconds(30))) rows.push_back(Text(*row));
  EXPECT_THAT(rows, ElementsAre(Cells{"HOME", "alice"}, Cells{"CART", "carol"}));
  EXPECT_TRUE(q->done());
  EXPECT_EQ(q->rows(), 2);
  q->Stop();
  // A persistent query needs the key in its projection; a push query does not.
  EXPECT_TRUE(engine_->Queries().empty());
}

TEST_F(SqlTransientQueriesIT, PushQueryStartsAtTheEndByDefaultAndStopsOnRequest) {
  Execute(kClicks);
  Execute("INSERT INTO clicks (user, page, region) VALUES ('old', 'home', 'eu');");
  std::mutex mu;
  std::vector<std::string> users;
  KSTREAMS_ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<PushQuery> q,
      engine_->StartPushQuery("SELECT user FROM clicks EMIT CHANGES;", [&](const Row& row) {
        std::lock_guard lock(mu);
        users.push_back(row[0].ToString());
      }));
  // 'latest': what was there before the query's partitions were assigned is
  // not read; keep inserting until the query sees a new row.
  int n = 0;
  ASSERT_TRUE(WaitFor([&] {
    Execute("INSERT INTO clicks (user, page, region) VALUES ('new" + std::to_string(n++) +
            "', 'home', 'eu');");
    std::lock_guard lock(mu);
    return !users.empty();
  }, absl::Seconds(30)));
  q->Stop();
  EXPECT_TRUE(q->done());
  std::lock_guard lock(mu);
  for (const std::string& u : users) EXPECT_THAT(u, ::testing::StartsWith("new"));
  EXPECT_FALSE(q->Next(absl::Milliseconds(1)).has_value());  // rows went to the callback
}

TEST_F(SqlTransientQueriesIT, PushQueryOfAWindowedAggregationPrintsEachChange) {
  Execute(kClicks);
  // Event times 1 s, 2 s, 61 s: two one-minute windows.
  Execute("INSERT INTO clicks (user, page, region, ROWTIME) VALUES ('a', 'p', 'eu', 1000);"
          "INSERT INTO clicks (user, page, region, ROWTIME) VALUES ('b', 'p', 'eu', 2000);"
          "INSERT INTO clicks (user, page, region, ROWTIME) VALUES ('c', 'p', 'eu', 61000);"
          "SET 'auto.offset.reset'='earliest';");
  KSTREAMS_ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<PushQuery> q,
      engine_->StartPushQuery("SELECT region, WINDOWSTART AS ws, COUNT(*) AS n FROM clicks "
                              "WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY region EMIT CHANGES LIMIT 3;"));
  std::vector<Cells> rows;
  while (std::optional<Row> row = q->Next(absl::Seconds(30))) rows.push_back(Text(*row));
  EXPECT_THAT(rows, ElementsAre(Cells{"eu", "0", "1"}, Cells{"eu", "0", "2"},
                                Cells{"eu", "60000", "1"}));
}

TEST_F(SqlTransientQueriesIT, PushQueryErrorsNameTheirPlace) {
  Execute(kClicks);
  auto bad = engine_->StartPushQuery("SELECT nope FROM clicks EMIT CHANGES;");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("line 1:8: column 'NOPE' cannot be resolved"));
  auto pull = engine_->StartPushQuery("SELECT user FROM clicks;");
  ASSERT_FALSE(pull.ok());
  EXPECT_THAT(std::string(pull.status().message()), HasSubstr("a push query needs EMIT CHANGES"));
  // Execute() refuses a push query: its rows never end.
  auto executed = engine_->Execute("SELECT user FROM clicks EMIT CHANGES;");
  ASSERT_FALSE(executed.ok());
  EXPECT_THAT(std::string(executed.status().message()), HasSubstr("StartPushQuery"));
}

TEST_F(SqlTransientQueriesIT, PullQueryReadsTheAggregationStoreByKeyOrScan) {
  Execute(kClicks);
  Execute("CREATE TABLE per_user AS SELECT user, COUNT(*) AS n, LATEST_BY_OFFSET(page) AS last_page "
          "FROM clicks GROUP BY user;");
  Execute("INSERT INTO clicks (user, page, region) VALUES ('alice', 'home', 'eu');"
          "INSERT INTO clicks (user, page, region) VALUES ('bob', 'cart', 'us');"
          "INSERT INTO clicks (user, page, region) VALUES ('alice', 'faq', 'eu');");
  EXPECT_THAT(PullUntil("SELECT * FROM per_user WHERE user = 'alice';", 1),
              ElementsAre(Cells{"alice", "2", "faq"}));
  EXPECT_THAT(PullUntil("SELECT * FROM per_user;", 2),
              ::testing::UnorderedElementsAre(Cells{"alice", "2", "faq"}, Cells{"bob", "1", "cart"}));
  EXPECT_THAT(PullUntil("SELECT user, n * 10 AS tens FROM per_user WHERE user IN ('bob', 'zed');", 1),
              ElementsAre(Cells{"bob", "10"}));
  EXPECT_THAT(PullUntil("SELECT user FROM per_user WHERE n > 1;", 1), ElementsAre(Cells{"alice"}));
  EXPECT_THAT(PullUntil("SELECT user FROM per_user WHERE user = 'nobody';", 0), ::testing::IsEmpty());
  // Execute() gives the same rows as text, with the column names.
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto results, engine_->Execute("SELECT * FROM per_user WHERE user = 'bob';"));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_THAT(results[0].header, ElementsAre("USER", "N", "LAST_PAGE"));
  EXPECT_THAT(results[0].rows, ElementsAre(Cells{"bob", "1", "cart"}));
}

TEST_F(SqlTransientQueriesIT, PullQueryReadsAWindowedTableWithinWindowStartBounds) {
  Execute(kClicks);
  Execute("CREATE TABLE per_region AS SELECT region, COUNT(*) AS n FROM clicks "
          "WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY region;");
  Execute("INSERT INTO clicks (user, page, region, ROWTIME) VALUES ('a', 'p', 'eu', 1000);"
          "INSERT INTO clicks (user, page, region, ROWTIME) VALUES ('b', 'p', 'eu', 2000);"
          "INSERT INTO clicks (user, page, region, ROWTIME) VALUES ('c', 'p', 'us', 3000);"
          "INSERT INTO clicks (user, page, region, ROWTIME) VALUES ('d', 'p', 'eu', 61000);");
  EXPECT_THAT(PullUntil("SELECT * FROM per_region WHERE region = 'eu';", 2),
              ElementsAre(Cells{"eu", "0", "60000", "2"}, Cells{"eu", "60000", "120000", "1"}));
  EXPECT_THAT(PullUntil("SELECT region, n FROM per_region WHERE region = 'eu' AND WINDOWSTART >= 60000;", 1),
              ElementsAre(Cells{"eu", "1"}));
  EXPECT_THAT(PullUntil("SELECT region, WINDOWEND, n FROM per_region WHERE WINDOWSTART < 60000;", 2),
              ::testing::UnorderedElementsAre(Cells{"eu", "60000", "2"}, Cells{"us", "60000", "1"}));
  EXPECT_THAT(PullUntil("SELECT region FROM per_region WHERE WINDOWSTART BETWEEN 1 AND 59999;", 0),
              ::testing::IsEmpty());
}

TEST_F(SqlTransientQueriesIT, PullQueryReadsAProjectedTable) {
  Execute("CREATE TABLE users (id STRING PRIMARY KEY, name STRING, age INT) "
          "WITH (kafka_topic='users', value_format='JSON', partitions=1);");
  Execute("CREATE TABLE adults AS SELECT id, UCASE(name) AS name FROM users WHERE age >= 18;");
  Execute("INSERT INTO users (id, name, age) VALUES ('u1', 'ann', 30);"
          "INSERT INTO users (id, name, age) VALUES ('u2', 'ben', 12);");
  EXPECT_THAT(PullUntil("SELECT * FROM adults;", 1), ElementsAre(Cells{"u1", "ANN"}));
  EXPECT_THAT(PullUntil("SELECT name FROM adults WHERE id = 'u2';", 0), ::testing::IsEmpty());
}

TEST_F(SqlTransientQueriesIT, PullQueryErrorsAsKsqlDbWordsThem) {
  Execute(kClicks);
  Execute("CREATE TABLE users (id STRING PRIMARY KEY, name STRING) "
          "WITH (kafka_topic='users', value_format='JSON', partitions=1);");
  auto stream = engine_->ExecutePull("SELECT * FROM clicks;");
  ASSERT_FALSE(stream.ok());
  EXPECT_EQ(std::string(stream.status().message()),
            "line 1:15: Pull queries are not supported on streams (CLICKS is a stream).\n"
            "Add EMIT CHANGES if you intended to issue a push query.");
  auto declared = engine_->ExecutePull("SELECT * FROM users WHERE id = 'u1';");
  ASSERT_FALSE(declared.ok());
  EXPECT_EQ(std::string(declared.status().message()),
            "line 1:15: The `USERS` table isn't queryable. To derive a queryable table, you can do "
            "'CREATE TABLE QUERYABLE_USERS AS SELECT * FROM USERS'. See https://cnfl.io/queries for "
            "more info.\nAdd EMIT CHANGES if you intended to issue a push query.");
  auto grouped = engine_->ExecutePull("SELECT id, COUNT(*) FROM users GROUP BY id;");
  ASSERT_FALSE(grouped.ok());
  EXPECT_EQ(std::string(grouped.status().message()),
            "line 1:41: Pull queries don't support GROUP BY clauses.");
  auto missing = engine_->ExecutePull("SELECT * FROM nope;");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("'NOPE' does not exist"));
}

TEST_F(SqlTransientQueriesIT, SetAndUnsetChangeTheQueryProperties) {
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto set, engine_->Execute("SET 'auto.offset.reset' = 'earliest';"));
  EXPECT_EQ(set[0].message, "Successfully changed local property 'auto.offset.reset' to 'earliest'.");
  EXPECT_EQ(engine_->properties().at("auto.offset.reset"), "earliest");
  auto bad = engine_->Execute("SET 'auto.offset.reset' = 'middle';");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("String must be one of: latest, earliest"));
  auto unknown = engine_->Execute("SET 'frobnicate' = 'yes';");
  EXPECT_FALSE(unknown.ok());
  KSTREAMS_ASSERT_OK(engine_->Execute("UNSET 'auto.offset.reset';").status());
  EXPECT_TRUE(engine_->properties().empty());
}

}  // namespace
}  // namespace sql_transient_queries_test
