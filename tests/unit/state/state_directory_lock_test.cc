#include "state/state_directory_lock.h"

#include <filesystem>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/state/stores.h"
#include "unit/state/test_store_context.h"

namespace kstreams::internal {
namespace {

using ::testing::HasSubstr;

TEST(StateDirectoryLockTest, SecondLockFailsWithClearErrorUntilFirstIsReleased) {
  std::filesystem::path dir = testing::NewTempDir() / "app" / "0_1";
  {
    KSTREAMS_ASSERT_OK_AND_ASSIGN(auto lock, StateDirectoryLock::Acquire(dir));
    EXPECT_TRUE(std::filesystem::exists(dir / ".lock"));
    absl::StatusOr<std::unique_ptr<StateDirectoryLock>> second =
        StateDirectoryLock::Acquire(dir);
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(std::string(second.status().message()),
                HasSubstr("state directory '" + dir.string() + "' is locked"));
  }
  KSTREAMS_EXPECT_OK(StateDirectoryLock::Acquire(dir).status());
  std::filesystem::remove_all(dir.parent_path().parent_path());
}

TEST(StateDirectoryLockTest, SecondOpenOfARocksDBStoreFailsClearly) {
  testing::TestStoreContext context;
  auto first = NewRocksDBKeyValueBytesStore("s");
  KSTREAMS_ASSERT_OK(first->Init(context));
  auto second = NewRocksDBKeyValueBytesStore("s");
  absl::Status s = second->Init(context);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("opening store 's'"));
  KSTREAMS_EXPECT_OK(first->Close());
  KSTREAMS_EXPECT_OK(second->Init(context));
  KSTREAMS_EXPECT_OK(second->Close());
}

}  // namespace
}  // namespace kstreams::internal
