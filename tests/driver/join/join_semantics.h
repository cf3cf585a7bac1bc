// The input sequence of Kafka Streams' join semantics tables (its developer
// guide, "Joining", and AbstractJoinIntegrationTest): one key, records
// alternating between a left and a right topic, with nulls (tombstones)
// and out-of-order timestamps, and a runner that pipes them one by one and
// checks the output after each record against the expected rows.
#ifndef KSTREAMS_TESTS_DRIVER_JOIN_JOIN_SEMANTICS_H_
#define KSTREAMS_TESTS_DRIVER_JOIN_JOIN_SEMANTICS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "gtest/gtest.h"
#include "kstreams/kstreams.h"
#include "kstreams/testing/topology_test_driver.h"

namespace kstreams::join_test {

using OptStr = std::optional<std::string>;
constexpr char kLeft[] = "inputTopicLeft";
constexpr char kRight[] = "inputTopicRight";
constexpr char kOutput[] = "outputTopic";
constexpr int64_t kKey = 0;

struct Input {
  bool left;
  OptStr value;
  int64_t timestamp;
};

// An output row: value (std::nullopt: a tombstone) and timestamp.
struct Row {
  OptStr value;
  int64_t timestamp;
  friend bool operator==(const Row&, const Row&) = default;
  friend std::ostream& operator<<(std::ostream& os, const Row& r) {
    return os << (r.value ? *r.value : "null") << "@" << r.timestamp;
  }
};
using Rows = std::vector<Row>;

// AbstractJoinIntegrationTest#input.
inline const std::vector<Input>& SemanticsInput() {
  static const std::vector<Input> input = {
      {true, std::nullopt, 1},  {false, std::nullopt, 2}, {true, "A", 3},
      {false, "a", 4},          {true, "B", 5},           {false, "b", 6},
      {true, std::nullopt, 7},  {false, std::nullopt, 8}, {true, "C", 9},
      {false, "c", 10},         {false, std::nullopt, 11}, {true, std::nullopt, 12},
      {false, std::nullopt, 13}, {false, "d", 7},  // out of order, null is the latest
      {true, "D", 6},           {true, std::nullopt, 2},  {false, std::nullopt, 3},
      {false, "e", 14},         {true, "E", 15},
      {true, std::nullopt, 10},  // out of order, a value is the latest
      {false, std::nullopt, 9}, {true, "F", 4},           {false, "f", 3},
  };
  return input;
}

inline std::string Joined(const OptStr& left, const OptStr& right) {
  return (left ? *left : "null") + "-" + (right ? *right : "null");
}

// Pipes `input`; after each record the output must be exactly `expected[i]`.
inline void RunSemantics(const Topology& topology, const StreamsConfig& config,
                         const std::vector<Input>& input, const std::vector<Rows>& expected) {
  ASSERT_EQ(input.size(), expected.size());
  TopologyTestDriver driver(topology, config, 0);
  auto left = driver.CreateInputTopic<int64_t, OptStr>(kLeft);
  auto right = driver.CreateInputTopic<int64_t, OptStr>(kRight);
  auto out = driver.CreateOutputTopic<int64_t, OptStr>(kOutput);
  for (size_t i = 0; i < input.size(); ++i) {
    const Input& in = input[i];
    KSTREAMS_ASSERT_OK((in.left ? left : right).PipeInput(kKey, in.value, in.timestamp));
    Rows got;
    for (const auto& r : out.ReadRecordsToList()) {
      EXPECT_EQ(r.key, kKey);
      got.push_back({r.value, r.timestamp});
    }
    EXPECT_EQ(got, expected[i]) << "after input " << i << " ("
                                << (in.left ? "left " : "right ")
                                << (in.value ? *in.value : "null") << "@" << in.timestamp << ")";
  }
  KSTREAMS_EXPECT_OK(driver.status());
}

inline StreamsConfig Config(const std::string& app, bool cache) {
  StreamsConfig config{{"application.id", app}};
  if (!cache) config.Set("statestore.cache.max.bytes", "0");
  return config;
}

}  // namespace kstreams::join_test

#endif  // KSTREAMS_TESTS_DRIVER_JOIN_JOIN_SEMANTICS_H_
