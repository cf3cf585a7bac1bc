// Runs the SQL test cases of tests/sql/qtt/ (ksqlDB's query-validation-test
// format) through kstreams::sql::RunQttFile: one test per feature file.
#include <filesystem>
#include <set>
#include <string>

#include "gtest/gtest.h"
#include "kstreams/sql/qtt_runner.h"

namespace sql_qtt_cases_test {
namespace {

void RunFile(const std::string& name) {
  std::string path = std::string(KSTREAMS_SQL_QTT_DIR) + "/" + name + ".json";
  auto results = kstreams::sql::RunQttFile(path);
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_FALSE(results->empty()) << path;
  for (const auto& r : *results) {
    EXPECT_TRUE(r.passed) << name << " / " << r.name << ":\n" << r.failure;
  }
}

TEST(SqlQtt, ProjectFilter) { RunFile("project_filter"); }
TEST(SqlQtt, PartitionBy) { RunFile("partition_by"); }
TEST(SqlQtt, Expressions) { RunFile("expressions"); }
TEST(SqlQtt, Functions) { RunFile("functions"); }
TEST(SqlQtt, Formats) { RunFile("formats"); }
TEST(SqlQtt, Aggregates) { RunFile("aggregates"); }
TEST(SqlQtt, Windows) { RunFile("windows"); }
TEST(SqlQtt, Tables) { RunFile("tables"); }
TEST(SqlQtt, Errors) { RunFile("errors"); }
TEST(SqlQtt, Joins) { RunFile("joins"); }

// Every file of the directory is run above.
TEST(SqlQtt, EveryFileHasATest) {
  std::set<std::string> known = {"project_filter", "partition_by", "expressions", "functions",
                                 "formats", "aggregates", "windows", "tables", "errors", "joins"};
  for (const auto& entry : std::filesystem::directory_iterator(KSTREAMS_SQL_QTT_DIR)) {
    EXPECT_TRUE(known.count(entry.path().stem().string())) << entry.path();
  }
}

}  // namespace
}  // namespace sql_qtt_cases_test
