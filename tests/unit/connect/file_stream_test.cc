// FileStreamSource's task without a worker (a fake context holds the
// offsets), and the config file readers of kstreams-connect.
#include <unistd.h>

#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/connect/file_stream.h"
#include "kstreams/connect/standalone_worker.h"
#include "kstreams/testing/status_matchers.h"

namespace connect_file_stream_test {
namespace {

using ::kstreams::connect::ConfigMap;
using ::kstreams::connect::FileStreamSourceConnector;
using ::kstreams::connect::Map;
using ::kstreams::connect::OffsetStorageReader;
using ::kstreams::connect::SourceRecord;
using ::kstreams::connect::SourceTaskContext;
using ::kstreams::connect::StringMap;
using ::kstreams::connect::Value;

class FakeContext : public SourceTaskContext, public OffsetStorageReader {
 public:
  const ConfigMap& configs() const override { return config_; }
  OffsetStorageReader& offset_storage_reader() override { return *this; }
  std::optional<Value> Offset(const Value& partition) override {
    if (partition == stored_partition_) return stored_offset_;
    return std::nullopt;
  }
  ConfigMap config_;
  Value stored_partition_;
  std::optional<Value> stored_offset_;
};

std::string TempFile(const std::string& name, const std::string& content) {
  std::string path = ::testing::TempDir() + "kstreams-fs-" + name + "-" + std::to_string(::getpid());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  return path;
}

std::vector<std::string> Values(const std::vector<SourceRecord>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(*r.value.get_if<std::string>());
  return out;
}

TEST(ConnectFileStreamSource, ReadsLinesWithPositionsAndResumes) {
  // Lines end with \n, \r\n or \r; the last one is not complete yet.
  std::string path = TempFile("src", "a\nbb\r\nc\rpartial");
  FileStreamSourceConnector connector;
  KSTREAMS_ASSERT_OK(connector.Start({{"file", path}, {"topic", "t"}, {"batch.size", "2"}}));
  auto configs = connector.TaskConfigs(3);
  KSTREAMS_ASSERT_OK(configs.status());
  ASSERT_EQ(configs->size(), 1u);  // one file, one task

  FakeContext context;
  auto task = connector.CreateTask();
  task->Initialize(&context);
  KSTREAMS_ASSERT_OK(task->Start((*configs)[0]));
  auto first = task->Poll();
  KSTREAMS_ASSERT_OK(first.status());
  EXPECT_THAT(Values(*first), ::testing::ElementsAre("a", "bb"));  // batch.size 2
  EXPECT_EQ((*first)[0].source_partition, StringMap({{"filename", path}}));
  EXPECT_EQ((*first)[0].source_offset, StringMap({{"position", int64_t{2}}}));
  EXPECT_EQ((*first)[1].source_offset, StringMap({{"position", int64_t{6}}}));
  EXPECT_EQ((*first)[0].topic, "t");
  auto second = task->Poll();
  EXPECT_THAT(Values(*second), ::testing::ElementsAre("c"));
  EXPECT_EQ((*second)[0].source_offset, StringMap({{"position", int64_t{8}}}));
  task->Stop();

  // A new task starting from the stored offset 6 reads "c" again, then the
  // completed partial line.
  std::ofstream(path, std::ios::binary | std::ios::app) << "\n";
  context.stored_partition_ = StringMap({{"filename", path}});
  context.stored_offset_ = StringMap({{"position", int64_t{6}}});
  auto resumed = connector.CreateTask();
  resumed->Initialize(&context);
  KSTREAMS_ASSERT_OK(resumed->Start((*configs)[0]));
  auto again = resumed->Poll();
  EXPECT_THAT(Values(*again), ::testing::ElementsAre("c", "partial"));
  EXPECT_EQ((*again)[1].source_offset, StringMap({{"position", int64_t{16}}}));
  resumed->Stop();
}

TEST(ConnectFileStreamSource, RefusesConfigsAsKafka) {
  FileStreamSourceConnector connector;
  EXPECT_EQ(connector.Start({{"file", "f"}}).message(),
            "Missing required configuration \"topic\" which has no default value.");
  EXPECT_EQ(connector.Start({{"file", "f"}, {"topic", "t"}, {"batch.size", "0"}}).message(),
            "Invalid value 0 for configuration batch.size: Value must be at least 1");
}

TEST(ConnectConfigFiles, ReadsPropertiesAndJson) {
  std::string props = TempFile("props",
                               "# comment\n! also a comment\nname = file-source\n"
                               "connector.class:FileStreamSource\nfile /tmp/a\\\n  b.txt\nempty=\n");
  auto p = kstreams::connect::ReadPropertiesFile(props);
  KSTREAMS_ASSERT_OK(p.status());
  EXPECT_EQ(*p, (ConfigMap{{"name", "file-source"},
                           {"connector.class", "FileStreamSource"},
                           {"file", "/tmp/ab.txt"},
                           {"empty", ""}}));
  std::string json = TempFile("json", R"({"name": "sink", "config": {"topics": "a", "tasks.max": 2}})");
  auto j = kstreams::connect::ReadConnectorConfigFile(json);
  KSTREAMS_ASSERT_OK(j.status());
  EXPECT_EQ(*j, (ConfigMap{{"name", "sink"}, {"topics", "a"}, {"tasks.max", "2"}}));
}

}  // namespace
}  // namespace connect_file_stream_test
