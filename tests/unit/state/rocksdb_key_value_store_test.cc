// RocksDB-only behaviour: layout on disk, the config-setter hook, iterators
// left open at close, point-in-time iterators by default, and in-place
// memtable updates (an opt-in) with the snapshots of open iterators under
// them.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/internal/strings.h"
#include "kstreams/state/rocksdb_config_setter.h"
#include "kstreams/state/stores.h"
#include "unit/state/test_store_context.h"

namespace kstreams::internal {
namespace {

std::vector<std::string>& SetterCalls() {
  static std::vector<std::string> calls;
  return calls;
}

class RecordingSetter : public RocksDBConfigSetter {
 public:
  void SetConfig(const std::string& store_name, RocksDBOptions& options,
                 const StreamsConfig& config) override {
    SetterCalls().push_back("set " + store_name + " app=" +
                            config.Get(StreamsConfig::kApplicationId).value_or(""));
    options.SetCompression(RocksDBOptions::Compression::kNone);
    options.SetBlockSize(8 * 1024);
    options.SetWriteBufferSize(1 << 20);
    options.SetBloomFilterBitsPerKey(0);
    EXPECT_NE(options.raw_options(), nullptr);
    EXPECT_NE(options.raw_table_options(), nullptr);
  }
  void Close(const std::string& store_name) override {
    SetterCalls().push_back("close " + store_name);
  }
};

TEST(RocksDBStoreTest, OpensUnderTaskDirectoryAndRunsConfigSetter) {
  RegisterRocksDBConfigSetter("recording", [] { return std::make_unique<RecordingSetter>(); });
  testing::TestStoreContext context;
  context.mutable_config().Set(RocksDBOptions::kConfigSetter, "recording");
  SetterCalls().clear();
  auto store = NewRocksDBKeyValueBytesStore("counts");
  KSTREAMS_ASSERT_OK(store->Init(context));
  EXPECT_TRUE(std::filesystem::exists(context.root() / "app" / "0_0" / "rocksdb" / "counts" / "CURRENT"));
  KSTREAMS_ASSERT_OK(store->Put("k", "v", 0));
  KSTREAMS_ASSERT_OK(store->Close());
  EXPECT_EQ(SetterCalls(), (std::vector<std::string>{"set counts app=app", "close counts"}));
}

TEST(RocksDBStoreTest, UnknownConfigSetterIsAClearError) {
  testing::TestStoreContext context;
  context.mutable_config().Set(RocksDBOptions::kConfigSetter, "no-such-setter");
  auto store = NewRocksDBKeyValueBytesStore("s");
  absl::Status s = store->Init(context);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr("'no-such-setter'"));
}

TEST(RocksDBStoreTest, IteratorLeftOpenAtCloseBecomesInvalid) {
  testing::TestStoreContext context;
  auto store = NewRocksDBKeyValueBytesStore("s");
  KSTREAMS_ASSERT_OK(store->Init(context));
  KSTREAMS_ASSERT_OK(store->Put("a", "1", 0));
  KSTREAMS_ASSERT_OK(store->Put("b", "2", 0));
  auto it = store->Range(std::nullopt, std::nullopt, false);
  ASSERT_TRUE(it->Valid());
  KSTREAMS_ASSERT_OK(store->Close());
  EXPECT_FALSE(it->Valid());
  EXPECT_EQ(it->status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(RocksDBStoreTest, IteratorReadsSnapshotTakenAtCreation) {
  testing::TestStoreContext context;
  auto store = NewRocksDBKeyValueBytesStore("s");
  KSTREAMS_ASSERT_OK(store->Init(context));
  KSTREAMS_ASSERT_OK(store->Put("a", "1", 0));
  auto it = store->Range(std::nullopt, std::nullopt, false);
  KSTREAMS_ASSERT_OK(store->Put("b", "2", 0));
  std::vector<std::string> keys;
  for (; it->Valid(); it->Next()) keys.emplace_back(it->key());
  EXPECT_EQ(keys, (std::vector<std::string>{"a"}));
  it.reset();
  KSTREAMS_ASSERT_OK(store->Close());
}

// The value of `key`, nullopt when absent; a failed read fails the test.
std::optional<std::string> Read(KeyValueBytesStore& store, std::string_view key) {
  std::string value;
  absl::StatusOr<bool> found = store.Get(key, &value);
  EXPECT_TRUE(found.ok()) << found.status();
  if (!found.ok() || !*found) return std::nullopt;
  return value;
}

// What `it` yields from its position on, as (key, value) pairs.
std::vector<std::pair<std::string, std::string>> Drain(BytesIterator& it) {
  std::vector<std::pair<std::string, std::string>> seen;
  for (; it.Valid(); it.Next()) seen.emplace_back(it.key(), it.value());
  EXPECT_TRUE(it.status().ok()) << it.status();
  return seen;
}

// The .sst files of store `name` (a flush writes one).
int SstFiles(const testing::TestStoreContext& context, const std::string& name) {
  int n = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(context.state_dir() / "rocksdb" / name)) {
    if (entry.path().extension() == ".sst") ++n;
  }
  return n;
}

// By default (as Kafka Streams) every write is a memtable entry of its own:
// RocksDB's estimate-num-keys counts memtable entries.
TEST(RocksDBStoreTest, ByDefaultEveryWriteIsAMemtableEntry) {
  testing::TestStoreContext context;
  auto store = NewRocksDBKeyValueBytesStore("s");
  KSTREAMS_ASSERT_OK(store->Init(context));
  for (int i = 0; i < 1000; ++i) KSTREAMS_ASSERT_OK(store->Put("k", "same", 0));
  EXPECT_EQ(store->ApproximateNumEntries(), 1000u);
  EXPECT_EQ(Read(*store, "k"), "same");
  KSTREAMS_ASSERT_OK(store->Close());
}

// Iterators read the store as of their creation whatever is written while
// they are open, and a reverse range over unflushed writes reads the
// memtable as it is: no flush, no SST file.
TEST(RocksDBStoreTest, IteratorsArePointInTimeAndReverseRangesDoNotFlush) {
  testing::TestStoreContext context;
  auto store = NewRocksDBKeyValueBytesStore("s");
  KSTREAMS_ASSERT_OK(store->Init(context));
  for (const char* k : {"a", "b", "c"}) KSTREAMS_ASSERT_OK(store->Put(k, "1111", 0));
  auto forward = store->Range(std::nullopt, std::nullopt, false);
  auto reverse = store->Range(std::nullopt, std::nullopt, true);
  ASSERT_TRUE(forward->Valid());
  ASSERT_TRUE(reverse->Valid());
  KSTREAMS_ASSERT_OK(store->Put("a", "2222", 0));  // at the forward cursor
  KSTREAMS_ASSERT_OK(store->Put("c", "22", 0));    // at the reverse cursor, smaller
  KSTREAMS_ASSERT_OK(store->Put("b", std::nullopt, 0));
  KSTREAMS_ASSERT_OK(store->Put("d", "new", 0));  // ahead of the forward cursor
  EXPECT_EQ(Drain(*forward), (std::vector<std::pair<std::string, std::string>>{
                                 {"a", "1111"}, {"b", "1111"}, {"c", "1111"}}));
  EXPECT_EQ(Drain(*reverse), (std::vector<std::pair<std::string, std::string>>{
                                 {"c", "1111"}, {"b", "1111"}, {"a", "1111"}}));
  forward.reset();
  reverse.reset();
  // 100 reverse ranges, each after a write: still no SST file.
  for (int i = 0; i < 100; ++i) {
    KSTREAMS_ASSERT_OK(store->Put("e", StrCat(i), 0));
    auto it = store->Range(std::nullopt, std::nullopt, true);
    ASSERT_TRUE(it->Valid());
    EXPECT_EQ(it->key(), "e");
    EXPECT_EQ(it->value(), StrCat(i));
  }
  EXPECT_EQ(SstFiles(context, "s"), 0);
  KSTREAMS_ASSERT_OK(store->Close());
  EXPECT_EQ(SstFiles(context, "s"), 1);  // closing flushes, once
}

class InPlaceUpdates : public RocksDBConfigSetter {
 public:
  void SetConfig(const std::string&, RocksDBOptions& options, const StreamsConfig&) override {
    options.SetInPlaceUpdates(true);
  }
};

// A context whose RocksDB stores opt into in-place updates.
void OptIntoInPlaceUpdates(testing::TestStoreContext& context) {
  RegisterRocksDBConfigSetter("in-place", [] { return std::make_unique<InPlaceUpdates>(); });
  context.mutable_config().Set(RocksDBOptions::kConfigSetter, "in-place");
}

// In-place updates (src/state/README.md), opted into: rewriting a key
// already in the active memtable with a value no larger than its newest one
// overwrites that entry, so 1,000 writes of one key leave one memtable entry.
TEST(RocksDBStoreTest, InPlaceUpdatesOptedIntoRewriteTheMemtableEntry) {
  testing::TestStoreContext context;
  OptIntoInPlaceUpdates(context);
  auto store = NewRocksDBKeyValueBytesStore("s");
  KSTREAMS_ASSERT_OK(store->Init(context));
  for (int i = 0; i < 1000; ++i) {
    KSTREAMS_ASSERT_OK(store->Put("k", StrCat("v", 100 + i % 900), 0));  // 4 bytes each
  }
  EXPECT_EQ(store->ApproximateNumEntries(), 1u);
  EXPECT_EQ(Read(*store, "k"), "v199");  // i = 999
  // A smaller value is written in place too; a value larger than the current
  // one is a new entry, as is a delete.
  KSTREAMS_ASSERT_OK(store->Put("k", "ab", 0));
  EXPECT_EQ(store->ApproximateNumEntries(), 1u);
  EXPECT_EQ(Read(*store, "k"), "ab");
  KSTREAMS_ASSERT_OK(store->Put("k", "longer", 0));
  EXPECT_EQ(store->ApproximateNumEntries(), 2u);
  EXPECT_EQ(Read(*store, "k"), "longer");
  KSTREAMS_ASSERT_OK(store->Put("k", std::nullopt, 0));
  EXPECT_EQ(Read(*store, "k"), std::nullopt);
  KSTREAMS_ASSERT_OK(store->Put("k", "v", 0));
  EXPECT_EQ(Read(*store, "k"), "v");
  KSTREAMS_ASSERT_OK(store->Close());
  // What was updated in place is what was flushed.
  auto reopened = NewRocksDBKeyValueBytesStore("s");
  KSTREAMS_ASSERT_OK(reopened->Init(context));
  EXPECT_EQ(Read(*reopened, "k"), "v");
  KSTREAMS_ASSERT_OK(reopened->Close());
}

// Open iterators (forward and reverse) read the snapshot taken at their
// creation, even for writes that would otherwise be made in place: at the
// cursor, ahead of it, shrinking the value, through Put, PutAll and
// RestoreBatch. Once they are gone, writes are in place again.
TEST(RocksDBStoreTest, OpenIteratorsKeepTheirSnapshotUnderInPlaceUpdates) {
  testing::TestStoreContext context;
  OptIntoInPlaceUpdates(context);
  auto store = NewRocksDBKeyValueBytesStore("s");
  KSTREAMS_ASSERT_OK(store->Init(context));
  for (const char* k : {"a", "b", "c", "d"}) KSTREAMS_ASSERT_OK(store->Put(k, "1111", 0));
  auto forward = store->Range(std::nullopt, std::nullopt, false);
  auto reverse = store->Range(std::nullopt, std::nullopt, true);
  ASSERT_TRUE(forward->Valid());
  ASSERT_TRUE(reverse->Valid());
  KSTREAMS_ASSERT_OK(store->Put("a", "2222", 0));  // at the forward cursor
  KSTREAMS_ASSERT_OK(store->Put("d", "22", 0));    // at the reverse cursor, smaller
  KSTREAMS_ASSERT_OK(store->PutAll({{"b", "3333"}}, 0));
  std::vector<ChangelogRecord> restored(1);
  restored[0].key = "c";
  restored[0].value = "4444";
  KSTREAMS_ASSERT_OK(store->RestoreBatch(restored));
  EXPECT_EQ(Drain(*forward), (std::vector<std::pair<std::string, std::string>>{
                                 {"a", "1111"}, {"b", "1111"}, {"c", "1111"}, {"d", "1111"}}));
  EXPECT_EQ(Drain(*reverse), (std::vector<std::pair<std::string, std::string>>{
                                 {"d", "1111"}, {"c", "1111"}, {"b", "1111"}, {"a", "1111"}}));
  forward.reset();
  reverse.reset();
  // Reads see the latest writes; each key now has three entries (its first
  // value, the tombstone that kept the snapshot, the new value).
  EXPECT_EQ(Read(*store, "a"), "2222");
  EXPECT_EQ(Read(*store, "d"), "22");
  auto all = store->Range(std::nullopt, std::nullopt, true);
  EXPECT_EQ(Drain(*all), (std::vector<std::pair<std::string, std::string>>{
                             {"d", "22"}, {"c", "4444"}, {"b", "3333"}, {"a", "2222"}}));
  all.reset();
  // No iterator open: in place again. (The reverse range flushed the
  // memtable first, so the first write of "a" adds an entry to the new one
  // and the second overwrites it.)
  KSTREAMS_ASSERT_OK(store->Put("a", "6666", 0));
  uint64_t entries = store->ApproximateNumEntries();
  KSTREAMS_ASSERT_OK(store->Put("a", "5555", 0));
  EXPECT_EQ(store->ApproximateNumEntries(), entries);
  EXPECT_EQ(Read(*store, "a"), "5555");
  KSTREAMS_ASSERT_OK(store->Close());
}

}  // namespace
}  // namespace kstreams::internal
