// kstreams/sql/qtt_runner.h
//
// Runs SQL test cases in the format of ksqlDB's query-validation tests
// (QTT): a JSON file {"tests": [{"name", "statements", "inputs", "outputs",
// "expectedException"}, ...]}. Each case runs its statements on an Engine
// that does not start its queries; every persistent query then runs in its
// own TopologyTestDriver. Input records are serialized in the formats of the
// source declared on their topic; records a query writes to a topic another
// query reads are passed on to it. The outputs are compared with the
// expected ones topic by topic, in order: key, value (JSON compared as JSON,
// numbers by value), timestamp and window when the case gives them.
//
// Supported fields of a case: name, statements, inputs/outputs (topic, key,
// value, timestamp, window {start, end, type}), expectedException
// (message: a substring of the error), properties (ignored).
//
// Thread-safety: stateless functions; cases run one after the other.
//
// Example:
//
//   absl::StatusOr<std::vector<kstreams::sql::QttResult>> results =
//       kstreams::sql::RunQttFile("tests/sql/qtt/project_filter.json");
//   for (const auto& r : *results) if (!r.passed) std::cerr << r.name << ": " << r.failure;
#ifndef KSTREAMS_SQL_QTT_RUNNER_H_
#define KSTREAMS_SQL_QTT_RUNNER_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace kstreams::sql {

struct QttResult {
  std::string name;
  bool passed = false;
  std::string failure;  // why it failed, with the actual outputs
};

// An error when the file is unreadable or not QTT JSON; failing cases are
// results, not errors.
absl::StatusOr<std::vector<QttResult>> RunQttJson(std::string_view json);
absl::StatusOr<std::vector<QttResult>> RunQttFile(const std::string& path);

}  // namespace kstreams::sql

#endif  // KSTREAMS_SQL_QTT_RUNNER_H_
