// TaskManager without a broker: tasks created and closed on assignment
// changes, the commit protocol's offset bookkeeping (what is committed, when
// a refused commit is covered by the next assignment), the restored-task
// hand-over, and the task metadata. The main consumer is a fake
// (TaskClients); the producer is a real client that never connects, since
// these topologies send nothing.
#include "runtime/task_manager.h"

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <stdlib.h>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kafka/producer.h"
#include "runtime/checkpoint_file.h"
#include "kstreams/kstreams.h"

namespace kstreams::internal {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

class FakeClients final : public TaskClients {
 public:
  std::vector<std::map<TopicPartition, int64_t>> commits;
  std::vector<std::vector<TopicPartition>> paused, resumed;
  absl::Status commit_status;
  std::map<TopicPartition, std::optional<int64_t>> group_committed;
  int purges = 0;

  absl::Status Pause(const std::vector<TopicPartition>& partitions) override {
    paused.push_back(partitions);
    return absl::OkStatus();
  }
  absl::Status Resume(const std::vector<TopicPartition>& partitions) override {
    resumed.push_back(partitions);
    return absl::OkStatus();
  }
  absl::Status CommitSync(const std::map<TopicPartition, int64_t>& offsets) override {
    commits.push_back(offsets);
    return commit_status;
  }
  absl::StatusOr<std::map<TopicPartition, std::optional<int64_t>>> Committed(
      const std::vector<TopicPartition>& partitions, absl::Duration) override {
    std::map<TopicPartition, std::optional<int64_t>> out;
    for (const TopicPartition& tp : partitions) {
      auto it = group_committed.find(tp);
      out[tp] = it == group_committed.end() ? std::nullopt : it->second;
    }
    return out;
  }
  std::optional<int64_t> CachedEndOffset(const TopicPartition&) const override { return 100; }
  void OnCommitted(const std::map<TopicPartition, int64_t>&, int64_t) override { ++purges; }

  // exactly_once_v2.
  std::vector<std::map<TopicPartition, int64_t>> transactions;  // committed
  absl::Status transaction_status;
  int aborts = 0;
  std::vector<std::pair<TopicPartition, int64_t>> seeks;
  absl::Status CommitTransaction(const std::map<TopicPartition, int64_t>& offsets) override {
    if (!transaction_status.ok()) return transaction_status;
    transactions.push_back(offsets);
    return absl::OkStatus();
  }
  absl::Status AbortTransaction() override {
    ++aborts;
    return absl::OkStatus();
  }
  absl::Status Seek(const TopicPartition& tp, int64_t offset) override {
    seeks.emplace_back(tp, offset);
    return absl::OkStatus();
  }
};

// Every changelog is empty: restoration completes at once.
class EmptyChangelogs final : public ChangelogSource {
 public:
  absl::StatusOr<std::pair<int64_t, int64_t>> Watermarks(const TopicPartition&) override {
    return std::make_pair(int64_t{0}, int64_t{0});
  }
  absl::Status Assign(const std::map<TopicPartition, int64_t>&) override {
    return absl::OkStatus();
  }
  absl::Status Poll(int, absl::Duration, std::vector<PolledChangelogRecord>*,
                    std::vector<std::pair<TopicPartition, int64_t>>*) override {
    return absl::OkStatus();
  }
};

class TaskManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir_template =
        (std::filesystem::temp_directory_path() / "kstreams-task-manager-XXXXXX").string();
    ASSERT_NE(mkdtemp(dir_template.data()), nullptr);
    state_dir_ = dir_template;
  }
  void TearDown() override {
    manager_.reset();
    std::filesystem::remove_all(state_dir_);
  }

  // "in" -> a processor that remembers what it saw (no sink: nothing is sent).
  static Topology Stateless(std::vector<std::string>* seen) {
    StreamsBuilder builder;
    builder.Stream<std::string, std::string>("in", Consumed<std::string, std::string>::With(
                                                       serdes::String(), serdes::String()))
        .Foreach([seen](const std::string&, const std::string& v) { seen->push_back(v); });
    return builder.Build();
  }
  // "in" -> a count in a logged store: its tasks restore first.
  static Topology Stateful() {
    StreamsBuilder builder;
    builder
        .Stream<std::string, std::string>("in", Consumed<std::string, std::string>::With(
                                                    serdes::String(), serdes::String()))
        .GroupByKey()
        .Count(Materialized<std::string, int64_t>::As("counts"));
    return builder.Build();
  }

  void Start(const Topology& topology, const std::string& guarantee = "at_least_once") {
    absl::StatusOr<RuntimeConfig> rc = ParseRuntimeConfig(
        StreamsConfig{{"application.id", "app"},
                      {"bootstrap.servers", "127.0.0.1:1"},
                      {"processing.guarantee", guarantee},
                      {"state.dir", state_dir_.string()}});
    ASSERT_TRUE(rc.ok()) << rc.status();
    auto producer = Producer::Create(KafkaConfigMap{{"bootstrap.servers", "127.0.0.1:1"}});
    ASSERT_TRUE(producer.ok()) << producer.status();
    producer_ = *std::move(producer);
    collector_ = std::make_unique<RecordCollectorImpl>(producer_.get(),
                                                       rc->error_handling->production.get());
    reader_ = std::make_unique<ChangelogReader>(&changelogs_, nullptr, "test-thread");
    TaskManager::Options options;
    options.name = "test-thread";
    options.topology = topology.shared_data();
    options.config = *rc;
    options.registry = std::make_shared<LocalStoreRegistry>("app", std::set<std::string>{});
    options.clients = &clients_;
    options.collector = collector_.get();
    options.changelog_reader = reader_.get();
    manager_ = std::make_unique<TaskManager>(std::move(options));
  }

  // One processing round; -1 on error.
  int64_t Processed() {
    absl::StatusOr<int64_t> n = manager_->ProcessRound(100, 0);
    EXPECT_TRUE(n.ok()) << n.status();
    return n.ok() ? *n : -1;
  }

  static ConsumerRecord Record(int32_t partition, int64_t offset, std::string value) {
    ConsumerRecord r;
    r.topic = "in";
    r.partition = partition;
    r.offset = offset;
    r.timestamp = 1000 + offset;
    r.key = "k";
    r.value = std::move(value);
    return r;
  }

  std::filesystem::path state_dir_;
  FakeClients clients_;
  EmptyChangelogs changelogs_;
  std::unique_ptr<Producer> producer_;
  std::unique_ptr<RecordCollectorImpl> collector_;
  std::unique_ptr<ChangelogReader> reader_;
  std::unique_ptr<TaskManager> manager_;
};

TEST_F(TaskManagerTest, AssignmentCreatesOneTaskPerPartitionAndRevocationClosesThem) {
  std::vector<std::string> seen;
  Start(Stateless(&seen));
  EXPECT_THAT(manager_->source_topics(), ElementsAre("in"));
  KSTREAMS_ASSERT_OK(
      manager_->HandleAssignment({{"in", 0}, {"in", 1}, {"not-read-here", 0}}));
  EXPECT_EQ(manager_->num_tasks(), 2u);
  ASSERT_NE(manager_->task(TaskId{0, 1}), nullptr);
  EXPECT_FALSE(manager_->task(TaskId{0, 1})->restoring());  // nothing to restore
  EXPECT_THAT(clients_.paused, IsEmpty());
  int64_t dropped = -1;
  std::vector<KafkaStreams::TaskMetadata> metadata = manager_->Metadata(&dropped);
  ASSERT_EQ(metadata.size(), 2u);
  EXPECT_EQ(metadata[1].task_id, (TaskId{0, 1}));
  EXPECT_THAT(metadata[1].end_offsets, ElementsAre(Pair(TopicPartition{"in", 1}, 100)));
  EXPECT_EQ(dropped, 0);

  // The same assignment again keeps the tasks; a record routes to its task.
  KSTREAMS_ASSERT_OK(manager_->HandleAssignment({{"in", 0}, {"in", 1}}));
  EXPECT_EQ(manager_->num_tasks(), 2u);
  manager_->AddRecord(Record(1, 0, "a"));
  manager_->AddRecord(Record(7, 0, "not ours"));
  EXPECT_EQ(manager_->BufferedRecords(), 1u);
  EXPECT_EQ(Processed(), 1);
  EXPECT_THAT(seen, ElementsAre("a"));

  KSTREAMS_ASSERT_OK(manager_->CloseTasks(/*clean=*/true, std::nullopt));
  EXPECT_EQ(manager_->num_tasks(), 0u);
  EXPECT_THAT(manager_->Metadata(nullptr), IsEmpty());
  EXPECT_THAT(clients_.commits,
              ElementsAre(ElementsAre(Pair(TopicPartition{"in", 1}, 1))));
}

TEST_F(TaskManagerTest, CommitCoversWhatWasProcessedSinceTheLastCommit) {
  std::vector<std::string> seen;
  Start(Stateless(&seen));
  KSTREAMS_ASSERT_OK(manager_->HandleAssignment({{"in", 0}, {"in", 1}}));
  manager_->AddRecord(Record(0, 5, "a"));
  manager_->AddRecord(Record(0, 6, "b"));
  manager_->AddRecord(Record(1, 9, "c"));
  EXPECT_EQ(Processed(), 3);

  KSTREAMS_ASSERT_OK(manager_->Commit(/*enforce_checkpoint=*/false, std::nullopt));
  ASSERT_EQ(clients_.commits.size(), 1u);
  EXPECT_THAT(clients_.commits[0],
              ElementsAre(Pair(TopicPartition{"in", 0}, 7), Pair(TopicPartition{"in", 1}, 10)));
  EXPECT_EQ(clients_.purges, 1);
  std::vector<KafkaStreams::TaskMetadata> metadata = manager_->Metadata(nullptr);
  EXPECT_THAT(metadata[0].committed_offsets, ElementsAre(Pair(TopicPartition{"in", 0}, 7)));

  // Nothing new: nothing to commit.
  KSTREAMS_ASSERT_OK(manager_->Commit(/*enforce_checkpoint=*/false, std::nullopt));
  EXPECT_EQ(clients_.commits.size(), 1u);
  manager_->AddRecord(Record(0, 7, "d"));
  EXPECT_EQ(Processed(), 1);
  KSTREAMS_ASSERT_OK(manager_->Commit(/*enforce_checkpoint=*/false, std::nullopt));
  EXPECT_THAT(clients_.commits.back(), ElementsAre(Pair(TopicPartition{"in", 0}, 8)));
}

TEST_F(TaskManagerTest, CommitErrorsOtherThanARebalanceFailTheCommit) {
  std::vector<std::string> seen;
  Start(Stateless(&seen));
  KSTREAMS_ASSERT_OK(manager_->HandleAssignment({{"in", 0}}));
  manager_->AddRecord(Record(0, 0, "a"));
  EXPECT_EQ(Processed(), 1);
  clients_.commit_status = absl::AbortedError("rebalance in progress");
  KSTREAMS_ASSERT_OK(manager_->Commit(/*enforce_checkpoint=*/false, std::nullopt));
  EXPECT_EQ(clients_.purges, 0);
  clients_.commit_status = absl::PermissionDeniedError("not authorized");
  absl::Status s = manager_->Commit(/*enforce_checkpoint=*/false, std::nullopt);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(s.message()), HasSubstr("committing offsets: not authorized"));
}

TEST_F(TaskManagerTest, ARefusedCommitAtRevocationResumesWhereProcessingStopped) {
  std::vector<std::string> seen;
  Start(Stateless(&seen));
  KSTREAMS_ASSERT_OK(manager_->HandleAssignment({{"in", 0}, {"in", 1}}));
  manager_->AddRecord(Record(0, 5, "a"));
  manager_->AddRecord(Record(1, 5, "b"));
  EXPECT_EQ(Processed(), 2);
  clients_.commit_status = absl::AbortedError("rebalance in progress");
  KSTREAMS_ASSERT_OK(manager_->CloseTasks(/*clean=*/true, std::nullopt));

  // in-0 comes back with the group behind: fetching resumes after what was
  // processed here. in-1's group offset moved past it (another member
  // committed): it starts there.
  clients_.group_committed[{"in", 0}] = 2;
  clients_.group_committed[{"in", 1}] = 8;
  EXPECT_THAT(manager_->StartOffsets({{"in", 0}, {"in", 1}}),
              ElementsAre(Pair(TopicPartition{"in", 0}, 6)));
  KSTREAMS_ASSERT_OK(manager_->HandleAssignment({{"in", 0}, {"in", 1}}));
  clients_.commit_status = absl::OkStatus();
  KSTREAMS_ASSERT_OK(manager_->Commit(/*enforce_checkpoint=*/false, std::nullopt));
  EXPECT_THAT(clients_.commits.back(), ElementsAre(Pair(TopicPartition{"in", 0}, 6)));

  // Remembered for the next assignment only.
  KSTREAMS_ASSERT_OK(manager_->CloseTasks(/*clean=*/true, std::nullopt));
  EXPECT_THAT(manager_->StartOffsets({{"in", 0}}), IsEmpty());
}

TEST_F(TaskManagerTest, AnUncleanCloseCommitsNothing) {
  std::vector<std::string> seen;
  Start(Stateless(&seen));
  KSTREAMS_ASSERT_OK(manager_->HandleAssignment({{"in", 0}}));
  manager_->AddRecord(Record(0, 0, "a"));
  EXPECT_EQ(Processed(), 1);
  KSTREAMS_ASSERT_OK(manager_->CloseTasks(/*clean=*/false, std::nullopt));
  EXPECT_THAT(clients_.commits, IsEmpty());
  EXPECT_EQ(manager_->num_tasks(), 0u);
  EXPECT_THAT(manager_->StartOffsets({{"in", 0}}), IsEmpty());
}

TEST_F(TaskManagerTest, ARestoringTaskWaitsPausedUntilItsChangelogsAreRestored) {
  Start(Stateful());
  KSTREAMS_ASSERT_OK(manager_->HandleAssignment({{"in", 0}}));
  StreamTask* task = manager_->task(TaskId{0, 0});
  ASSERT_NE(task, nullptr);
  EXPECT_TRUE(task->restoring());
  EXPECT_THAT(clients_.paused, ElementsAre(ElementsAre(TopicPartition{"in", 0})));
  EXPECT_TRUE(manager_->Metadata(nullptr).at(0).restoring);
  manager_->AddRecord(Record(0, 0, "a"));
  EXPECT_FALSE(manager_->HasProcessable(0));

  ASSERT_TRUE(reader_->HasPending());
  while (reader_->HasPending()) {
    KSTREAMS_ASSERT_OK(reader_->Restore(100, absl::ZeroDuration()).status());
  }
  KSTREAMS_ASSERT_OK(manager_->CompleteRestoredTasks());
  EXPECT_FALSE(task->restoring());
  EXPECT_THAT(clients_.resumed, ElementsAre(ElementsAre(TopicPartition{"in", 0})));
  EXPECT_FALSE(manager_->Metadata(nullptr).at(0).restoring);
  EXPECT_TRUE(manager_->HasProcessable(0));

  // Closed before processing: its changelog leaves the reader.
  KSTREAMS_ASSERT_OK(manager_->CloseTasks(/*clean=*/false, std::nullopt));
  EXPECT_FALSE(reader_->HasPending());
}

TEST_F(TaskManagerTest, ExactlyOnceCommitsTheOffsetsInTheTransaction) {
  std::vector<std::string> seen;
  Start(Stateless(&seen), "exactly_once_v2");
  KSTREAMS_ASSERT_OK(manager_->HandleAssignment({{"in", 0}, {"in", 1}}));
  manager_->AddRecord(Record(0, 5, "a"));
  manager_->AddRecord(Record(1, 9, "b"));
  EXPECT_EQ(Processed(), 2);
  KSTREAMS_ASSERT_OK(manager_->Commit(/*enforce_checkpoint=*/false, std::nullopt));
  EXPECT_THAT(clients_.commits, IsEmpty());  // no consumer commit
  ASSERT_EQ(clients_.transactions.size(), 1u);
  EXPECT_THAT(clients_.transactions[0],
              ElementsAre(Pair(TopicPartition{"in", 0}, 6), Pair(TopicPartition{"in", 1}, 10)));
  EXPECT_EQ(clients_.purges, 1);
  EXPECT_THAT(manager_->Metadata(nullptr)[0].committed_offsets,
              ElementsAre(Pair(TopicPartition{"in", 0}, 6)));
}

TEST_F(TaskManagerTest, ExactlyOnceAbortsAnAbortableTransactionAndRewindsTheTasks) {
  std::vector<std::string> seen;
  Start(Stateless(&seen), "exactly_once_v2");
  KSTREAMS_ASSERT_OK(manager_->HandleAssignment({{"in", 0}, {"in", 1}}));
  manager_->AddRecord(Record(0, 5, "a"));
  manager_->AddRecord(Record(1, 9, "b"));
  EXPECT_EQ(Processed(), 2);
  clients_.transaction_status = WithTransactionErrorKind(
      absl::AbortedError("commit transaction: producer fenced by a rebalance"),
      TransactionErrorKind::kAbortable);
  clients_.group_committed[{"in", 0}] = 3;  // in-1 has no committed offset
  KSTREAMS_ASSERT_OK(manager_->Commit(/*enforce_checkpoint=*/false, std::nullopt));
  EXPECT_EQ(clients_.aborts, 1);
  EXPECT_EQ(clients_.purges, 0);
  // Both tasks are made again and read again from the committed offsets
  // (the beginning, -2, without one).
  EXPECT_THAT(clients_.seeks, ElementsAre(Pair(TopicPartition{"in", 0}, 3),
                                          Pair(TopicPartition{"in", 1}, -2)));
  EXPECT_EQ(manager_->num_tasks(), 2u);
  ASSERT_NE(manager_->task(TaskId{0, 0}), nullptr);
  EXPECT_THAT(manager_->task(TaskId{0, 0})->CommittableOffsets(), IsEmpty());
  // The records come again and are committed this time.
  clients_.transaction_status = absl::OkStatus();
  manager_->AddRecord(Record(0, 3, "a0"));
  EXPECT_EQ(Processed(), 1);
  KSTREAMS_ASSERT_OK(manager_->Commit(/*enforce_checkpoint=*/false, std::nullopt));
  EXPECT_THAT(clients_.transactions,
              ElementsAre(ElementsAre(Pair(TopicPartition{"in", 0}, 4))));
}

TEST_F(TaskManagerTest, ExactlyOnceFailsOnAFatalTransactionError) {
  std::vector<std::string> seen;
  Start(Stateless(&seen), "exactly_once_v2");
  KSTREAMS_ASSERT_OK(manager_->HandleAssignment({{"in", 0}}));
  manager_->AddRecord(Record(0, 0, "a"));
  EXPECT_EQ(Processed(), 1);
  clients_.transaction_status = WithTransactionErrorKind(
      absl::AbortedError("producer fenced"), TransactionErrorKind::kFatal);
  absl::Status s = manager_->Commit(/*enforce_checkpoint=*/false, std::nullopt);
  EXPECT_TRUE(absl::IsAborted(s)) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("fatal"));
  EXPECT_EQ(clients_.aborts, 0);
}

TEST_F(TaskManagerTest, ExactlyOnceDeletesTheCheckpointOnLoadAndWritesItOnCleanClose) {
  Start(Stateful(), "exactly_once_v2");
  const std::filesystem::path checkpoint = state_dir_ / "app" / "0_0" / ".checkpoint";
  std::filesystem::create_directories(checkpoint.parent_path());
  KSTREAMS_ASSERT_OK(CheckpointFile(checkpoint).Write({{{"app-counts-changelog", 0}, 41}}));
  KSTREAMS_ASSERT_OK(manager_->HandleAssignment({{"in", 0}}));
  // Read (the store restores from 42), then gone: a crash from now on
  // leaves no checkpoint, and the store is wiped and restored in full.
  EXPECT_EQ(manager_->task(TaskId{0, 0})->state_manager().changelogs().at(0).offset, 41);
  EXPECT_FALSE(std::filesystem::exists(checkpoint));
  while (reader_->HasPending()) {
    KSTREAMS_ASSERT_OK(reader_->Restore(100, absl::ZeroDuration()).status());
  }
  KSTREAMS_ASSERT_OK(manager_->CompleteRestoredTasks());
  KSTREAMS_ASSERT_OK(manager_->Commit(/*enforce_checkpoint=*/false, std::nullopt));
  EXPECT_FALSE(std::filesystem::exists(checkpoint));
  KSTREAMS_ASSERT_OK(manager_->CloseTasks(/*clean=*/true, std::nullopt));
  EXPECT_TRUE(std::filesystem::exists(checkpoint));
}

}  // namespace
}  // namespace kstreams::internal
