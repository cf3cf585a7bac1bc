// The process id kept in <state.dir>/<application.id>/kafka-streams-process-metadata
// in Java's JSON layout ({"processId":"<uuid>"}), read back on restart and
// never shared by two running instances.
#include "runtime/process_id.h"

#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace kstreams::internal {
namespace {

std::filesystem::path FreshDir(const std::string& name) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("kstreams-process-id-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir / "app";
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool IsCanonicalUuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (s[i] == '-')) return false;
    if (!dash && !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

TEST(ProcessId, IsStoredAsJavasJsonAndKeptAcrossRestarts) {
  const std::filesystem::path dir = FreshDir("kept");
  std::string first;
  {
    ProcessIdentity id = AcquireProcessId(dir);
    ASSERT_NE(id.lock, nullptr);
    first = id.process_id;
    EXPECT_TRUE(IsCanonicalUuid(first)) << first;
    EXPECT_EQ(first[14], '4');  // version 4 (random)
    EXPECT_EQ(ReadFile(dir / "kafka-streams-process-metadata"),
              "{\"processId\":\"" + first + "\"}");
  }
  ProcessIdentity again = AcquireProcessId(dir);
  EXPECT_EQ(again.process_id, first);
  std::filesystem::remove_all(dir.parent_path());
}

TEST(ProcessId, ASecondRunningInstanceOnTheSameDirectoryGetsItsOwnUnstoredId) {
  const std::filesystem::path dir = FreshDir("shared");
  ProcessIdentity first = AcquireProcessId(dir);
  ProcessIdentity second = AcquireProcessId(dir);
  EXPECT_EQ(second.lock, nullptr);
  EXPECT_TRUE(IsCanonicalUuid(second.process_id));
  EXPECT_NE(second.process_id, first.process_id);
  EXPECT_EQ(ReadFile(dir / "kafka-streams-process-metadata"),
            "{\"processId\":\"" + first.process_id + "\"}");
  std::filesystem::remove_all(dir.parent_path());
}

TEST(ProcessId, ReadsAFileJavaWroteIgnoringUnknownFields) {
  const std::filesystem::path dir = FreshDir("java");
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(dir / "kafka-streams-process-metadata");
    out << "{\"processId\" : \"9F0C7B1E-4A2D-4C3B-8E5F-0123456789AB\", \"future\":1}";
  }
  EXPECT_EQ(AcquireProcessId(dir).process_id, "9f0c7b1e-4a2d-4c3b-8e5f-0123456789ab");
  EXPECT_EQ(ParseProcessFile("{}"), std::nullopt);
  EXPECT_EQ(ParseProcessFile("{\"processId\":\"not-a-uuid\"}"), std::nullopt);
  std::filesystem::remove_all(dir.parent_path());
}

}  // namespace
}  // namespace kstreams::internal
