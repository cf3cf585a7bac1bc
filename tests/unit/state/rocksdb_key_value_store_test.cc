// RocksDB-only behaviour: layout on disk, the config-setter hook, iterators
// left open at close.
#include <filesystem>
#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
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

}  // namespace
}  // namespace kstreams::internal
