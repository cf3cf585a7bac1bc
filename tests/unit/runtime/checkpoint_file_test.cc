// The .checkpoint file (Kafka Streams' OffsetCheckpoint format) and the
// StateManager's use of it: which offsets a task loads, when it checkpoints.
#include "runtime/checkpoint_file.h"

#include <fstream>
#include <sstream>
#include <string>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/state_manager.h"
#include "unit/state/test_store_context.h"

namespace kstreams::internal {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

void WriteText(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

class CheckpointFileTest : public ::testing::Test {
 protected:
  std::filesystem::path dir_ = testing::NewTempDir();
  std::filesystem::path path_ = dir_ / ".checkpoint";
  void TearDown() override { std::filesystem::remove_all(dir_); }
};

TEST_F(CheckpointFileTest, WritesJavasLayoutAndReadsItBack) {
  CheckpointFile file(path_);
  KSTREAMS_ASSERT_OK(file.Write({{{"app-b-changelog", 3}, 7},
                                 {{"app-a-changelog", 3}, 1041},
                                 {{"app-a-changelog", 0}, kCheckpointOffsetUnknown}}));
  // Version 0, the count, then "topic partition offset" lines.
  EXPECT_EQ(ReadText(path_),
            "0\n3\napp-a-changelog 0 -4\napp-a-changelog 3 1041\napp-b-changelog 3 7\n");
  EXPECT_FALSE(std::filesystem::exists(dir_ / ".checkpoint.tmp"));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto offsets, file.Read());
  EXPECT_THAT(offsets, ElementsAre(Pair(TopicPartition{"app-a-changelog", 0}, -4),
                                   Pair(TopicPartition{"app-a-changelog", 3}, 1041),
                                   Pair(TopicPartition{"app-b-changelog", 3}, 7)));
}

TEST_F(CheckpointFileTest, WriteReplacesTheWholeFile) {
  CheckpointFile file(path_);
  KSTREAMS_ASSERT_OK(file.Write({{{"t", 0}, 1}, {{"t", 1}, 2}}));
  KSTREAMS_ASSERT_OK(file.Write({{{"t", 0}, 99}}));
  EXPECT_EQ(ReadText(path_), "0\n1\nt 0 99\n");
}

TEST_F(CheckpointFileTest, MissingFileReadsAsNoOffsets) {
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto offsets, CheckpointFile(path_).Read());
  EXPECT_TRUE(offsets.empty());
}

TEST_F(CheckpointFileTest, EmptyOffsetsWriteNothing) {
  KSTREAMS_ASSERT_OK(CheckpointFile(path_).Write({}));
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(CheckpointFileTest, ReadsFieldsSeparatedByAnyWhitespaceAsJava) {
  WriteText(path_, "0\n2\nmy-topic   2\t42\nother 0 0\n");
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto offsets, CheckpointFile(path_).Read());
  EXPECT_THAT(offsets, ElementsAre(Pair(TopicPartition{"my-topic", 2}, 42),
                                   Pair(TopicPartition{"other", 0}, 0)));
}

TEST_F(CheckpointFileTest, NegativeOffsetOtherThanUnknownIsRefused) {
  absl::Status s = CheckpointFile(path_).Write({{{"t", 0}, -1}});
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(CheckpointFileTest, CorruptFilesAreDataLossNamingTheFileAndTheProblem) {
  struct Case {
    std::string text;
    std::string problem;
  };
  for (const Case& c : {Case{"", "it is empty"},
                        Case{"1\n0\n", "unknown checkpoint version 1"},
                        Case{"zero\n", "the version line is 'zero'"},
                        Case{"0\n", "it ended before the entry count"},
                        Case{"0\n2\nt 0 1\n", "expected 2 entries but found 1"},
                        Case{"0\n1\nt zero 1\n", "malformed line 3: 't zero 1'"},
                        Case{"0\n1\nt 0\n", "malformed line 3: 't 0'"},
                        Case{"0\n1\nt 0 1\n\n", "malformed line 4: ''"},
                        Case{"0\n2\nt 0 1\nt 0 2\n", "expected 2 entries but found 1"}}) {
    WriteText(path_, c.text);
    absl::StatusOr<std::map<TopicPartition, int64_t>> read = CheckpointFile(path_).Read();
    EXPECT_TRUE(absl::IsDataLoss(read.status())) << c.text << ": " << read.status();
    EXPECT_THAT(std::string(read.status().message()), HasSubstr(path_.string())) << c.text;
    EXPECT_THAT(std::string(read.status().message()), HasSubstr(c.problem)) << c.text;
  }
}

// A callback that only marks which store it is.
class NoRestore final : public StateRestoreCallback {
 public:
  absl::Status RestoreBatch(std::span<const ChangelogRecord>) override { return absl::OkStatus(); }
};

class StateManagerTest : public CheckpointFileTest {
 protected:
  StateManager Make() {
    return StateManager("app", TaskId{1, 3}, dir_,
                        {{"counts", &counts_, /*persistent=*/true},
                         {"cache", &cache_, /*persistent=*/false}});
  }
  NoRestore counts_, cache_;
  const TopicPartition counts_tp_{"app-counts-changelog", 3};
  const TopicPartition cache_tp_{"app-cache-changelog", 3};
};

TEST_F(StateManagerTest, ChangelogsAreNamedByStoreOnTheTaskPartition) {
  StateManager m = Make();
  ASSERT_EQ(m.changelogs().size(), 2u);
  EXPECT_EQ(m.changelogs()[0].partition, counts_tp_);
  EXPECT_TRUE(m.changelogs()[0].persistent);
  EXPECT_EQ(m.changelogs()[1].partition, cache_tp_);
  EXPECT_FALSE(m.changelogs()[1].persistent);
  EXPECT_EQ(m.checkpoint_file().path(), dir_ / ".checkpoint");
}

TEST_F(StateManagerTest, LoadsCheckpointedOffsetsOfPersistentStoresOnly) {
  WriteText(path_, "0\n3\napp-counts-changelog 3 500\napp-cache-changelog 3 80\ngone 0 1\n");
  StateManager m = Make();
  m.LoadCheckpoint();
  EXPECT_EQ(m.changelogs()[0].offset, 500);
  // An in-memory store starts empty: it restores from the beginning.
  EXPECT_EQ(m.changelogs()[1].offset, std::nullopt);
}

TEST_F(StateManagerTest, UnknownOffsetAndCorruptCheckpointMeanRestoreFromTheBeginning) {
  WriteText(path_, "0\n1\napp-counts-changelog 3 -4\n");
  StateManager unknown = Make();
  unknown.LoadCheckpoint();
  EXPECT_EQ(unknown.changelogs()[0].offset, std::nullopt);

  WriteText(path_, "0\n2\napp-counts-changelog 3 500\n");  // count says 2
  StateManager corrupt = Make();
  corrupt.LoadCheckpoint();  // logs the error, carries on
  EXPECT_EQ(corrupt.changelogs()[0].offset, std::nullopt);
}

TEST_F(StateManagerTest, CheckpointsWhenOffsetsMovedByMoreThanTenThousand) {
  WriteText(path_, "0\n1\napp-counts-changelog 3 500\n");
  StateManager m = Make();
  m.LoadCheckpoint();
  EXPECT_FALSE(m.CheckpointNeeded(false));
  EXPECT_TRUE(m.CheckpointNeeded(true));
  std::optional<int64_t> acked;
  m.UpdateOffsets([&](const TopicPartition& tp) {
    return tp == counts_tp_ ? acked : std::optional<int64_t>();
  });
  acked = 10500;  // moved by exactly 10,000: not yet
  m.UpdateOffsets([&](const TopicPartition& tp) {
    return tp == counts_tp_ ? acked : std::optional<int64_t>();
  });
  EXPECT_EQ(m.changelogs()[0].offset, 10500);
  EXPECT_FALSE(m.CheckpointNeeded(false));
  acked = 10501;
  m.UpdateOffsets([&](const TopicPartition& tp) {
    return tp == counts_tp_ ? acked : std::optional<int64_t>();
  });
  EXPECT_TRUE(m.CheckpointNeeded(false));
  KSTREAMS_ASSERT_OK(m.WriteCheckpoint());
  // Only the persistent store is checkpointed.
  EXPECT_EQ(ReadText(path_), "0\n1\napp-counts-changelog 3 10501\n");
  EXPECT_FALSE(m.CheckpointNeeded(false));
  // Offsets never move back (a late, older acknowledgement).
  acked = 9000;
  m.UpdateOffsets([&](const TopicPartition& tp) {
    return tp == counts_tp_ ? acked : std::optional<int64_t>();
  });
  EXPECT_EQ(m.changelogs()[0].offset, 10501);
}

TEST_F(StateManagerTest, StoreWithoutOffsetIsCheckpointedAsUnknown) {
  StateManager m = Make();
  m.LoadCheckpoint();
  KSTREAMS_ASSERT_OK(m.WriteCheckpoint());
  EXPECT_EQ(ReadText(path_), "0\n1\napp-counts-changelog 3 -4\n");
}

}  // namespace
}  // namespace kstreams::internal
