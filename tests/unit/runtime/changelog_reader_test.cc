// Restoration bookkeeping: where each changelog starts, what reaches the
// store, when a changelog counts as restored, and what the restore listener
// hears; against a fake restore consumer whose changelogs have tombstones,
// compaction gaps and trailing transaction markers.
#include "runtime/changelog_reader.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "unit/state/test_store_context.h"

namespace kstreams::internal {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

struct LogRecord {
  int64_t offset;
  std::optional<std::string> key;
  std::optional<std::string> value;  // nullopt: tombstone
};

// A changelog: records at offsets (gaps where compaction removed records or
// transaction markers sit), the first retained offset and the end offset.
struct Log {
  std::vector<LogRecord> records;
  int64_t low = 0;
  int64_t end = 0;
};

class FakeSource final : public ChangelogSource {
 public:
  std::map<TopicPartition, Log> logs;
  bool send_eof = true;
  int failing_watermark_calls = 0;
  std::vector<std::map<TopicPartition, int64_t>> assignments;

  absl::StatusOr<std::pair<int64_t, int64_t>> Watermarks(const TopicPartition& tp) override {
    if (failing_watermark_calls > 0) {
      --failing_watermark_calls;
      return absl::UnavailableError("broker down");
    }
    const Log& log = logs.at(tp);
    return std::make_pair(log.low, log.end);
  }
  absl::Status Assign(const std::map<TopicPartition, int64_t>& start) override {
    assignments.push_back(start);
    positions_ = start;
    eof_sent_.clear();
    return absl::OkStatus();
  }
  absl::Status Poll(int max_records, absl::Duration,
                    std::vector<PolledChangelogRecord>* out,
                    std::vector<std::pair<TopicPartition, int64_t>>* eofs) override {
    keep_.clear();
    for (auto& [tp, position] : positions_) {
      const Log& log = logs.at(tp);
      for (const LogRecord& r : log.records) {
        if (static_cast<int>(out->size()) >= max_records) return absl::OkStatus();
        if (r.offset < position) continue;
        keep_.push_back(tp.topic);
        out->push_back(PolledChangelogRecord{keep_.back(), tp.partition, r.offset, 1000 + r.offset,
                                             r.key ? std::optional<std::string_view>(*r.key)
                                                   : std::nullopt,
                                             r.value ? std::optional<std::string_view>(*r.value)
                                                     : std::nullopt});
        position = r.offset + 1;
      }
      // Past the last record the fetch position reaches the end offset,
      // over gaps and markers, and the consumer says EOF once.
      position = std::max(position, log.end);
      if (send_eof && !eof_sent_.contains(tp)) {
        eof_sent_.insert(tp);
        eofs->emplace_back(tp, log.end);
      }
    }
    return absl::OkStatus();
  }

 private:
  std::map<TopicPartition, int64_t> positions_;
  std::set<TopicPartition> eof_sent_;
  std::deque<std::string> keep_;  // backs the topic views
};

// A store as a map, applying batches like a bytes store.
class MapStore final : public StateRestoreCallback {
 public:
  std::map<std::string, std::string> data;
  std::vector<size_t> batch_sizes;
  int wipes = 0;
  absl::Status fail_with;
  bool can_wipe = true;

  absl::Status RestoreBatch(std::span<const ChangelogRecord> records) override {
    if (!fail_with.ok()) return fail_with;
    batch_sizes.push_back(records.size());
    for (const ChangelogRecord& r : records) {
      if (r.value) {
        data[std::string(r.key)] = std::string(*r.value);
      } else {
        data.erase(std::string(r.key));
      }
    }
    return absl::OkStatus();
  }
  absl::Status Wipe() override {
    if (!can_wipe) return StateRestoreCallback::Wipe();
    ++wipes;
    data.clear();
    return absl::OkStatus();
  }
};

class RecordingListener final : public StateRestoreListener {
 public:
  std::vector<std::string> events;
  bool throw_on_batch = false;
  void OnRestoreStart(const TopicPartition& tp, const std::string& store, int64_t start,
                      int64_t end) override {
    events.push_back(StrCat("start ", tp.ToString(), " ", store, " ", start, " ", end));
  }
  void OnBatchRestored(const TopicPartition& tp, const std::string& store, int64_t batch_end,
                       int64_t n) override {
    if (throw_on_batch) throw std::runtime_error("listener broke");
    events.push_back(StrCat("batch ", tp.ToString(), " ", store, " ", batch_end, " ", n));
  }
  void OnRestoreEnd(const TopicPartition& tp, const std::string& store, int64_t total) override {
    events.push_back(StrCat("end ", tp.ToString(), " ", store, " ", total));
  }
};

const TopicPartition kCounts{"app-counts-changelog", 2};

class ChangelogReaderTest : public ::testing::Test {
 protected:
  ChangelogReaderTest() : reader_(&source_, listener_, "test-thread") {}
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A task with one store "counts" restoring kCounts; `checkpointed` is the
  // offset its checkpoint holds.
  StateManager& AddTask(std::optional<int64_t> checkpointed, bool persistent = true) {
    managers_.push_back(std::make_unique<StateManager>(
        "app", TaskId{0, 2}, dir_,
        std::vector<TaskCore::RestoreRegistration>{{"counts", &store_, persistent}}));
    StateManager& m = *managers_.back();
    m.changelogs()[0].offset = checkpointed;
    reader_.Register(&m, &lock_);
    return m;
  }
  // Restore rounds until restored (at most `max_rounds`); returns how many.
  int RestoreAll(int max_records = 1000, int max_rounds = 10) {
    for (int round = 1; round <= max_rounds; ++round) {
      absl::StatusOr<int64_t> n = reader_.Restore(max_records, absl::ZeroDuration());
      EXPECT_TRUE(n.ok()) << n.status();
      if (!reader_.HasPending()) return round;
    }
    return -1;
  }

  std::filesystem::path dir_ = testing::NewTempDir();
  FakeSource source_;
  std::shared_ptr<RecordingListener> listener_ = std::make_shared<RecordingListener>();
  ChangelogReader reader_;
  MapStore store_;
  std::mutex lock_;
  std::vector<std::unique_ptr<StateManager>> managers_;
};

TEST_F(ChangelogReaderTest, WithoutCheckpointWipesThePersistentStoreAndReplaysEverything) {
  source_.logs[kCounts] = Log{{{0, "a", "1"}, {1, "b", "1"}, {2, "a", "2"}, {3, "b", std::nullopt},
                               {4, "c", "1"}},
                              0, 5};
  store_.data = {{"stale", "x"}};  // left by an unclean stop
  StateManager& m = AddTask(std::nullopt);
  EXPECT_FALSE(reader_.IsRestored(&m));
  EXPECT_EQ(RestoreAll(), 1);
  EXPECT_TRUE(reader_.IsRestored(&m));
  EXPECT_EQ(store_.wipes, 1);
  // b's tombstone deleted it; a holds its last value.
  EXPECT_THAT(store_.data, ElementsAre(Pair("a", "2"), Pair("c", "1")));
  EXPECT_EQ(m.changelogs()[0].offset, 4);
  EXPECT_THAT(listener_->events,
              ElementsAre("start app-counts-changelog-2 counts 0 5",
                          "batch app-counts-changelog-2 counts 4 5",
                          "end app-counts-changelog-2 counts 5"));
  EXPECT_THAT(source_.assignments.front(), ElementsAre(Pair(kCounts, 0)));
}

TEST_F(ChangelogReaderTest, ResumesAfterTheCheckpointedOffsetWithoutWiping) {
  source_.logs[kCounts] =
      Log{{{0, "a", "1"}, {1, "b", "1"}, {2, "a", "2"}, {3, "c", "1"}, {4, "a", "3"}}, 0, 5};
  store_.data = {{"a", "2"}, {"b", "1"}};  // on disk as of offset 2
  StateManager& m = AddTask(2);
  EXPECT_EQ(RestoreAll(), 1);
  EXPECT_EQ(store_.wipes, 0);
  EXPECT_THAT(store_.data, ElementsAre(Pair("a", "3"), Pair("b", "1"), Pair("c", "1")));
  EXPECT_EQ(m.changelogs()[0].offset, 4);
  EXPECT_THAT(listener_->events,
              ElementsAre("start app-counts-changelog-2 counts 3 5",
                          "batch app-counts-changelog-2 counts 4 2",
                          "end app-counts-changelog-2 counts 2"));
}

TEST_F(ChangelogReaderTest, UpToDateStoreRestoresNothingButTheListenerStillHearsStartAndEnd) {
  source_.logs[kCounts] = Log{{{0, "a", "1"}, {1, "a", "2"}}, 0, 2};
  StateManager& m = AddTask(1);
  EXPECT_EQ(RestoreAll(), 1);
  EXPECT_TRUE(reader_.IsRestored(&m));
  EXPECT_TRUE(source_.assignments.empty());  // nothing to fetch
  EXPECT_THAT(listener_->events, ElementsAre("start app-counts-changelog-2 counts 2 2",
                                             "end app-counts-changelog-2 counts 0"));
}

TEST_F(ChangelogReaderTest, CheckpointPastTheChangelogsEndWipesAndRestoresFromTheBeginning) {
  // The changelog was recreated: the checkpoint points past its end.
  source_.logs[kCounts] = Log{{{0, "a", "1"}}, 0, 1};
  store_.data = {{"old", "1"}};
  StateManager& m = AddTask(41);
  EXPECT_EQ(RestoreAll(), 1);
  EXPECT_EQ(store_.wipes, 1);
  EXPECT_THAT(store_.data, ElementsAre(Pair("a", "1")));
  EXPECT_EQ(m.changelogs()[0].offset, 0);
  EXPECT_EQ(listener_->events.front(), "start app-counts-changelog-2 counts 0 1");

}

TEST_F(ChangelogReaderTest, RecordsDroppedByRetentionAfterTheCheckpointKeepTheLocalState) {
  // The store holds offsets up to 2; retention dropped 3 and 4.
  source_.logs[kCounts] = Log{{{5, "a", "5"}, {6, "b", "6"}}, 5, 7};
  store_.data = {{"a", "2"}, {"old", "1"}};
  StateManager& m = AddTask(2);
  EXPECT_EQ(RestoreAll(), 1);
  EXPECT_EQ(store_.wipes, 0);  // "old" (never updated since) survives
  EXPECT_THAT(store_.data, ElementsAre(Pair("a", "5"), Pair("b", "6"), Pair("old", "1")));
  EXPECT_EQ(m.changelogs()[0].offset, 6);
  EXPECT_EQ(listener_->events.front(), "start app-counts-changelog-2 counts 5 7");
}

TEST_F(ChangelogReaderTest, InMemoryStoreIsNotWipedAndStartsAtTheFirstRetainedOffset) {
  source_.logs[kCounts] = Log{{{3, "a", "1"}, {4, "b", "2"}}, 3, 5};
  AddTask(std::nullopt, /*persistent=*/false);
  EXPECT_EQ(RestoreAll(), 1);
  EXPECT_EQ(store_.wipes, 0);
  EXPECT_THAT(store_.data, ElementsAre(Pair("a", "1"), Pair("b", "2")));
  EXPECT_EQ(listener_->events.front(), "start app-counts-changelog-2 counts 3 5");
}

TEST_F(ChangelogReaderTest, BatchesAreBoundedSoTheThreadReturnsBetweenThem) {
  Log log;
  for (int i = 0; i < 25; ++i) log.records.push_back({i, "k" + std::to_string(i), "v"});
  log.end = 25;
  source_.logs[kCounts] = log;
  StateManager& m = AddTask(std::nullopt);
  KSTREAMS_ASSERT_OK_AND_ASSIGN(int64_t first, reader_.Restore(10, absl::ZeroDuration()));
  EXPECT_EQ(first, 10);
  EXPECT_FALSE(reader_.IsRestored(&m));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(int64_t second, reader_.Restore(10, absl::ZeroDuration()));
  EXPECT_EQ(second, 10);
  EXPECT_FALSE(reader_.IsRestored(&m));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(int64_t third, reader_.Restore(10, absl::ZeroDuration()));
  EXPECT_EQ(third, 5);
  EXPECT_TRUE(reader_.IsRestored(&m));
  EXPECT_THAT(store_.batch_sizes, ElementsAre(10, 10, 5));
  EXPECT_EQ(store_.data.size(), 25u);
  EXPECT_THAT(listener_->events,
              ElementsAre("start app-counts-changelog-2 counts 0 25",
                          "batch app-counts-changelog-2 counts 9 10",
                          "batch app-counts-changelog-2 counts 19 10",
                          "batch app-counts-changelog-2 counts 24 5",
                          "end app-counts-changelog-2 counts 25"));
}

TEST_F(ChangelogReaderTest, CompactionGapsAndTrailingMarkersEndRestorationThroughEof) {
  // Offsets 2-3 were compacted away; 7 and 8 are transaction markers.
  source_.logs[kCounts] =
      Log{{{0, "a", "1"}, {1, "b", "1"}, {4, "a", "2"}, {5, "c", "1"}, {6, "d", "1"}}, 0, 9};
  StateManager& m = AddTask(std::nullopt);
  EXPECT_EQ(RestoreAll(), 1);
  EXPECT_TRUE(reader_.IsRestored(&m));
  EXPECT_EQ(m.changelogs()[0].offset, 6);  // the last record, not the end offset
  EXPECT_THAT(store_.data,
              ElementsAre(Pair("a", "2"), Pair("b", "1"), Pair("c", "1"), Pair("d", "1")));
  EXPECT_EQ(listener_->events.back(), "end app-counts-changelog-2 counts 5");
}

TEST_F(ChangelogReaderTest, WithoutEofATrailingMarkerKeepsTheChangelogRestoring) {
  // What the EOF event is for: no record ever reaches offset 8.
  source_.send_eof = false;
  source_.logs[kCounts] = Log{{{0, "a", "1"}, {1, "b", "1"}}, 0, 3};
  StateManager& m = AddTask(std::nullopt);
  EXPECT_EQ(RestoreAll(1000, 3), -1);
  EXPECT_FALSE(reader_.IsRestored(&m));
  EXPECT_THAT(store_.data, ElementsAre(Pair("a", "1"), Pair("b", "1")));
}

TEST_F(ChangelogReaderTest, RecordsWrittenAfterTheEndOffsetWasTakenAreNotRestored) {
  source_.logs[kCounts] = Log{{{0, "a", "1"}, {1, "a", "2"}}, 0, 2};
  StateManager& m = AddTask(std::nullopt);
  KSTREAMS_ASSERT_OK(reader_.Restore(1, absl::ZeroDuration()).status());  // end offset is 2 now
  // A zombie writer appends while we restore.
  source_.logs[kCounts].records.push_back({2, "a", "zombie"});
  source_.logs[kCounts].end = 3;
  EXPECT_GT(RestoreAll(), 0);
  EXPECT_TRUE(reader_.IsRestored(&m));
  EXPECT_THAT(store_.data, ElementsAre(Pair("a", "2")));
  EXPECT_EQ(m.changelogs()[0].offset, 1);
}

TEST_F(ChangelogReaderTest, RecordsWithoutKeyAreSkipped) {
  source_.logs[kCounts] = Log{{{0, "a", "1"}, {1, std::nullopt, "x"}, {2, "b", "2"}}, 0, 3};
  StateManager& m = AddTask(std::nullopt);
  EXPECT_EQ(RestoreAll(), 1);
  EXPECT_THAT(store_.data, ElementsAre(Pair("a", "1"), Pair("b", "2")));
  EXPECT_EQ(m.changelogs()[0].offset, 2);
  EXPECT_EQ(listener_->events.back(), "end app-counts-changelog-2 counts 2");
}

TEST_F(ChangelogReaderTest, WatermarkFailureIsRetriedInTheNextRound) {
  source_.logs[kCounts] = Log{{{0, "a", "1"}}, 0, 1};
  source_.failing_watermark_calls = 2;
  StateManager& m = AddTask(std::nullopt);
  KSTREAMS_ASSERT_OK_AND_ASSIGN(int64_t n, reader_.Restore(100, absl::ZeroDuration()));
  EXPECT_EQ(n, 0);
  EXPECT_FALSE(reader_.IsRestored(&m));
  EXPECT_TRUE(listener_->events.empty());
  EXPECT_EQ(RestoreAll(), 2);
  EXPECT_THAT(store_.data, ElementsAre(Pair("a", "1")));
}

TEST_F(ChangelogReaderTest, StoreThatCannotWipeIsRestoredOverItsContents) {
  source_.logs[kCounts] = Log{{{0, "a", "1"}}, 0, 1};
  store_.can_wipe = false;
  store_.data = {{"left", "over"}};
  AddTask(std::nullopt);
  EXPECT_EQ(RestoreAll(), 1);
  EXPECT_THAT(store_.data, ElementsAre(Pair("a", "1"), Pair("left", "over")));
}

TEST_F(ChangelogReaderTest, StoreErrorNamesTaskStoreChangelogAndOffsets) {
  source_.logs[kCounts] = Log{{{7, "a", "1"}, {8, "b", "1"}}, 7, 9};
  store_.fail_with = absl::DataLossError("bad value layout");
  AddTask(std::nullopt);
  absl::StatusOr<int64_t> n = reader_.Restore(100, absl::ZeroDuration());
  EXPECT_TRUE(absl::IsDataLoss(n.status())) << n.status();
  EXPECT_THAT(std::string(n.status().message()),
              HasSubstr("task 0_2: restoring store 'counts' from app-counts-changelog-2 "
                        "offsets 7 to 8: bad value layout"));
}

TEST_F(ChangelogReaderTest, ListenerExceptionFailsTheRound) {
  source_.logs[kCounts] = Log{{{0, "a", "1"}}, 0, 1};
  listener_->throw_on_batch = true;
  AddTask(std::nullopt);
  absl::StatusOr<int64_t> n = reader_.Restore(100, absl::ZeroDuration());
  EXPECT_FALSE(n.ok());
  EXPECT_THAT(std::string(n.status().message()),
              HasSubstr("state restore listener threw from OnBatchRestored for store 'counts'"));
  EXPECT_THAT(std::string(n.status().message()), HasSubstr("listener broke"));
}

TEST_F(ChangelogReaderTest, UnregisteredTaskStopsRestoringAndLeavesTheAssignment) {
  const TopicPartition other{"app-other-changelog", 2};
  source_.logs[kCounts] = Log{{{0, "a", "1"}, {1, "b", "1"}}, 0, 2};
  source_.logs[other] = Log{{{0, "x", "1"}}, 0, 1};
  StateManager& first = AddTask(std::nullopt);
  MapStore other_store;
  StateManager second("app", TaskId{1, 2}, dir_, {{"other", &other_store, true}});
  reader_.Register(&second, &lock_);
  KSTREAMS_ASSERT_OK(reader_.Restore(1, absl::ZeroDuration()).status());
  EXPECT_THAT(source_.assignments.back(), ElementsAre(Pair(kCounts, 0), Pair(other, 0)));
  reader_.Unregister(&first);
  EXPECT_TRUE(reader_.IsRestored(&first));  // nothing of it is left
  EXPECT_EQ(RestoreAll(), 1);
  EXPECT_THAT(source_.assignments.at(1), ElementsAre(Pair(other, 0)));
  EXPECT_TRUE(reader_.IsRestored(&second));
  EXPECT_THAT(other_store.data, ElementsAre(Pair("x", "1")));
}

}  // namespace
}  // namespace kstreams::internal
