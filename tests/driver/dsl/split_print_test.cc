// Split()/Branch() and Print() through the TopologyTestDriver.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/kstreams.h"
#include "kstreams/testing/topology_test_driver.h"

namespace {

using kstreams::Branched;
using kstreams::Headers;
using kstreams::KStream;
using kstreams::Named;
using kstreams::Printed;
using kstreams::StreamsBuilder;
using kstreams::TestRecord;
using kstreams::TopologyTestDriver;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

using R = TestRecord<std::string, int32_t>;
using B = Branched;  // no type arguments, as Java's Branched

std::vector<std::string> Keys(const std::map<std::string, KStream<std::string, int32_t>>& m) {
  std::vector<std::string> keys;
  for (const auto& [k, unused] : m) keys.push_back(k);
  return keys;
}

TEST(SplitTest, RecordGoesToTheFirstMatchingBranchElseTheDefault) {
  StreamsBuilder builder;
  auto branches = builder.Stream<std::string, int32_t>("in")  // SOURCE-0
                      .Split()                                  // BRANCH-1
                      .Branch([](const std::string&, int32_t v) { return v < 0; })
                      .Branch([](const std::string&, int32_t v) { return v < 10; })
                      .DefaultBranch();
  // Java names unnamed branches "<split name><position>", 0 for the default.
  ASSERT_THAT(Keys(branches), ElementsAre("KSTREAM-BRANCH-00000000010",
                                          "KSTREAM-BRANCH-00000000011",
                                          "KSTREAM-BRANCH-00000000012"));
  branches.at("KSTREAM-BRANCH-00000000011").To("negative");
  branches.at("KSTREAM-BRANCH-00000000012").To("small");
  branches.at("KSTREAM-BRANCH-00000000010").To("large");
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, int32_t>("in");
  auto negative = driver.CreateOutputTopic<std::string, int32_t>("negative");
  auto small = driver.CreateOutputTopic<std::string, int32_t>("small");
  auto large = driver.CreateOutputTopic<std::string, int32_t>("large");
  const Headers h{{"h", "1"}};
  KSTREAMS_ASSERT_OK(in.PipeInput("a", -1, 10));  // matches both predicates: first wins
  KSTREAMS_ASSERT_OK(in.PipeInput("b", 5, 20, h));
  KSTREAMS_ASSERT_OK(in.PipeInput("c", 50, 30));
  KSTREAMS_ASSERT_OK(in.PipeInput("d", -7, 40));
  KSTREAMS_ASSERT_OK(in.PipeInput("e", 10, 50));
  EXPECT_THAT(negative.ReadRecordsToList(), ElementsAre(R{"a", -1, 10, {}}, R{"d", -7, 40, {}}));
  EXPECT_THAT(small.ReadRecordsToList(), ElementsAre(R{"b", 5, 20, h}));
  EXPECT_THAT(large.ReadRecordsToList(), ElementsAre(R{"c", 50, 30, {}}, R{"e", 10, 50, {}}));
}

TEST(SplitTest, NamedSplitAndBranchesWithoutDefaultDropUnmatchedRecords) {
  StreamsBuilder builder;
  auto branches =
      builder.Stream<std::string, int32_t>("in")
          .Split(Named::As("sign-"))
          .Branch([](const std::string&, int32_t v) { return v < 0; }, B::As("negative"))
          .Branch([](const std::string&, int32_t v) { return v > 0; })
          .NoDefaultBranch();
  ASSERT_THAT(Keys(branches), ElementsAre("sign-2", "sign-negative"));
  kstreams::Topology topology = builder.Build();
  // Branch children are leaves here, so Java orders them by name.
  EXPECT_EQ(topology.Describe().ToString(),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: KSTREAM-SOURCE-0000000000 (topics: [in])\n"
            "      --> sign-\n"
            "    Processor: sign- (stores: [])\n"
            "      --> sign-2, sign-negative\n"
            "      <-- KSTREAM-SOURCE-0000000000\n"
            "    Processor: sign-2 (stores: [])\n"
            "      --> none\n"
            "      <-- sign-\n"
            "    Processor: sign-negative (stores: [])\n"
            "      --> none\n"
            "      <-- sign-\n"
            "\n");
  branches.at("sign-negative").To("negative");
  branches.at("sign-2").To("positive");
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, int32_t>("in");
  auto negative = driver.CreateOutputTopic<std::string, int32_t>("negative");
  auto positive = driver.CreateOutputTopic<std::string, int32_t>("positive");
  KSTREAMS_ASSERT_OK(in.PipeInput("a", -3, 1));
  KSTREAMS_ASSERT_OK(in.PipeInput("zero", 0, 2));  // no branch: dropped
  KSTREAMS_ASSERT_OK(in.PipeInput("b", 4, 3));
  EXPECT_THAT(negative.ReadRecordsToList(), ElementsAre(R{"a", -3, 1, {}}));
  EXPECT_THAT(positive.ReadRecordsToList(), ElementsAre(R{"b", 4, 3, {}}));
}

// Issue 16: as in Java, Branched takes no type arguments; a generic lambda
// gets the split stream's types.
TEST(SplitTest, BranchedNeedsNoTypeArgumentsAndAcceptsGenericFunctions) {
  StreamsBuilder builder;
  auto branches = builder.Stream<std::string, int32_t>("in")
                      .Split(Named::As("g-"))
                      .Branch([](const std::string&, int32_t v) { return v > 0; },
                              kstreams::Branched::WithFunction(
                                  [](const auto& s) {
                                    return s.MapValues([](int32_t v) { return -v; });
                                  },
                                  "flipped"))
                      .DefaultBranch(kstreams::Branched::As("rest"));
  ASSERT_THAT(Keys(branches), ElementsAre("g-flipped", "g-rest"));
  branches.at("g-flipped").To("out");
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, int32_t>("in");
  auto out = driver.CreateOutputTopic<std::string, int32_t>("out");
  KSTREAMS_ASSERT_OK(in.PipeInput("a", 7, 1));
  KSTREAMS_ASSERT_OK(in.PipeInput("b", -2, 2));
  EXPECT_THAT(out.ReadRecordsToList(), ElementsAre(R{"a", -7, 1, {}}));
}

TEST(SplitTest, WithFunctionPutsTheChainResultAndWithConsumerPutsNothing) {
  StreamsBuilder builder;
  auto branches =
      builder.Stream<std::string, int32_t>("in")
          .Split(Named::As("s-"))
          .Branch([](const std::string&, int32_t v) { return v % 2 == 0; },
                  B::WithFunction(
                      [](const KStream<std::string, int32_t>& s) {
                        return s.MapValues([](int32_t v) { return v * 100; });
                      },
                      "even"))
          .Branch([](const std::string&, int32_t v) { return v == 1; },
                  B::WithConsumer([](const KStream<std::string, int32_t>& s) { s.To("ones"); }))
          .Branch([](const std::string&, int32_t v) { return v == 3; },
                  B::WithFunction([](const KStream<std::string, int32_t>&)
                                      -> std::optional<KStream<std::string, int32_t>> {
                    return std::nullopt;
                  }))
          .DefaultBranch(B::As("rest"));
  ASSERT_THAT(Keys(branches), ElementsAre("s-even", "s-rest"));
  branches.at("s-even").To("even");
  branches.at("s-rest").To("rest");
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, int32_t>("in");
  auto even = driver.CreateOutputTopic<std::string, int32_t>("even");
  auto ones = driver.CreateOutputTopic<std::string, int32_t>("ones");
  auto rest = driver.CreateOutputTopic<std::string, int32_t>("rest");
  for (int32_t v = 1; v <= 5; ++v) KSTREAMS_ASSERT_OK(in.PipeInput("k", v, v));
  EXPECT_THAT(even.ReadRecordsToList(), ElementsAre(R{"k", 200, 2, {}}, R{"k", 400, 4, {}}));
  EXPECT_THAT(ones.ReadRecordsToList(), ElementsAre(R{"k", 1, 1, {}}));
  EXPECT_THAT(rest.ReadRecordsToList(), ElementsAre(R{"k", 5, 5, {}}));  // 3 went to s-3
}

TEST(SplitTest, BranchAfterDefaultBranchIsABuildingError) {
  StreamsBuilder builder;
  auto split = builder.Stream<std::string, int32_t>("in").Split(Named::As("s"));
  split.DefaultBranch();
  split.Branch([](const std::string&, int32_t) { return true; });
  EXPECT_EQ(builder.Build().status().code(), absl::StatusCode::kFailedPrecondition);
}

class PrintTest : public ::testing::Test {
 protected:
  std::string path_ = (std::filesystem::temp_directory_path() /
                       ("kstreams_print_test_" + std::to_string(::getpid()) + ".txt"))
                          .string();
  void TearDown() override { std::remove(path_.c_str()); }
  std::string FileText() {
    std::ifstream f(path_);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  }
};

TEST_F(PrintTest, DefaultLabelIsTheNodeNameAndFormatIsKeyCommaValue) {
  StreamsBuilder builder;
  builder.Stream<std::optional<std::string>, int32_t>("in")  // SOURCE-0
      .Print(Printed<std::optional<std::string>, int32_t>::ToFile(path_));  // PRINTER-1
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in = driver.CreateInputTopic<std::optional<std::string>, int32_t>("in");
  KSTREAMS_ASSERT_OK(in.PipeInput("k", 1, 0));
  KSTREAMS_ASSERT_OK(in.PipeInput(std::nullopt, -2, 0));
  EXPECT_EQ(FileText(),
            "[KSTREAM-PRINTER-0000000001]: k, 1\n"
            "[KSTREAM-PRINTER-0000000001]: null, -2\n");
}

TEST_F(PrintTest, LabelAndKeyValueMapper) {
  StreamsBuilder builder;
  builder.Stream<std::string, bool>("in").Print(
      Printed<std::string, bool>::ToFile(path_).WithLabel("flags"));
  builder.Stream<std::string, std::string>("in2").Print(
      Printed<std::string, std::string>::ToFile(path_ + ".2")
          .WithLabel("mapped")
          .WithKeyValueMapper(
              [](const std::string& k, const std::string& v) { return k + "->" + v; }));
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, bool>("in");
  auto in2 = driver.CreateInputTopic<std::string, std::string>("in2");
  KSTREAMS_ASSERT_OK(in.PipeInput("a", true, 0));
  KSTREAMS_ASSERT_OK(in.PipeInput("b", false, 0));
  KSTREAMS_ASSERT_OK(in2.PipeInput("x", "y", 0));
  EXPECT_EQ(FileText(), "[flags]: a, true\n[flags]: b, false\n");
  std::ifstream f2(path_ + ".2");
  std::string line;
  std::getline(f2, line);
  EXPECT_EQ(line, "[mapped]: x->y");
  std::remove((path_ + ".2").c_str());
}

TEST_F(PrintTest, ToSysOutWritesToStandardOutput) {
  StreamsBuilder builder;
  builder.Stream<std::string, std::string>("in").Print(
      Printed<std::string, std::string>::ToSysOut().WithLabel("stdout"));
  TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  ::testing::internal::CaptureStdout();
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "v", 0));
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "[stdout]: k, v\n");
}

TEST(PrintErrorTest, UnopenableFileIsABuildingError) {
  StreamsBuilder builder;
  builder.Stream<std::string, std::string>("in").Print(
      Printed<std::string, std::string>::ToFile("/nonexistent-dir/x/y.txt"));
  kstreams::Topology topology = builder.Build();
  EXPECT_EQ(topology.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(topology.status().message()),
              ::testing::HasSubstr("cannot open file '/nonexistent-dir/x/y.txt'"));
}

}  // namespace
