// The standalone worker on the embedded broker: a file goes to a topic
// (FileStreamSource) and back to a file (FileStreamSink) through JSON and
// String converters; a record the sink's converter cannot read goes to the
// dead letter queue with Connect's context headers; offsets survive a
// restart; errors.tolerance=none stops the task with a clear error.
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integration/kafka/kafka_test_util.h"
#include "kstreams/connect/standalone_worker.h"
#include "kstreams/kafka/embedded_kafka.h"

namespace connect_worker_it {
namespace {

using ::kstreams::EmbeddedKafka;
using ::kstreams::connect::ConfigMap;
using ::kstreams::connect::StandaloneWorker;
using ::kstreams::connect::TaskState;
using ::kstreams::connect::TaskStatus;
using ::testing::HasSubstr;

std::string TempDir(const std::string& name) {
  std::string dir = ::testing::TempDir() + "kstreams-connect-" + name + "-" + std::to_string(::getpid());
  std::string cmd = "rm -rf '" + dir + "' && mkdir -p '" + dir + "'";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  return dir;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void AppendFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out << text;
}

// Waits until `done` or 30 s.
template <typename F>
bool WaitFor(F done) {
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (absl::Now() < deadline) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return done();
}

size_t CountLines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

ConfigMap WorkerConfig(const EmbeddedKafka& kafka, const std::string& dir) {
  return {{"bootstrap.servers", kafka.BootstrapServers()},
          {"offset.storage.file.filename", dir + "/connect.offsets"},
          {"offset.flush.interval.ms", "200"},
          {"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
          {"value.converter", "org.apache.kafka.connect.storage.StringConverter"},
          {"producer.linger.ms", "1"},
          {"consumer.session.timeout.ms", "3000"},
          {"consumer.heartbeat.interval.ms", "500"}};
}

std::optional<std::string> HeaderValue(const kstreams::internal::ConsumerRecord& r, const std::string& key) {
  for (const auto& h : r.headers) {
    if (h.key == key) return h.value;
  }
  return std::nullopt;
}

TEST(ConnectStandaloneWorkerIT, FileToTopicToFileWithDeadLetterQueueAndRestart) {
  const std::string dir = TempDir("roundtrip");
  const std::string in = dir + "/in.txt", out = dir + "/out.txt";
  AppendFile(in, "1\n\"two\"\nnot json\n{\"a\":3}\n[4]\n");
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto kafka, EmbeddedKafka::Start());
  KSTREAMS_ASSERT_OK(kafka->CreateTopic("lines", 1));
  KSTREAMS_ASSERT_OK(kafka->CreateTopic("dlq", 1));
  const ConfigMap source = {{"name", "src"},
                            {"connector.class", "FileStreamSource"},
                            {"file", in},
                            {"topic", "lines"}};
  const ConfigMap sink = {{"name", "sink"},
                          {"connector.class", "org.apache.kafka.connect.file.FileStreamSinkConnector"},
                          {"file", out},
                          {"topics", "lines"},
                          {"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
                          {"value.converter.schemas.enable", "false"},
                          {"errors.tolerance", "all"},
                          {"errors.deadletterqueue.topic.name", "dlq"},
                          {"errors.deadletterqueue.context.headers.enable", "true"}};
  {
    KSTREAMS_ASSERT_OK_AND_ASSIGN(auto worker, StandaloneWorker::Create(WorkerConfig(*kafka, dir)));
    KSTREAMS_ASSERT_OK(worker->AddConnector(source));
    KSTREAMS_ASSERT_OK(worker->AddConnector(sink));
    ASSERT_TRUE(WaitFor([&] { return CountLines(ReadFile(out)) >= 4; })) << ReadFile(out);
    // The JSON values as Java's toString prints them; "not json" is in the DLQ.
    EXPECT_EQ(ReadFile(out), "1\ntwo\n{a=3}\n[4]\n");
    KSTREAMS_ASSERT_OK_AND_ASSIGN(auto dlq, kstreams::kafka_test::ReadTopic(kafka->BootstrapServers(), "dlq", 1, 1));
    ASSERT_EQ(dlq.size(), 1u);
    EXPECT_EQ(dlq[0].value, "not json");
    EXPECT_EQ(HeaderValue(dlq[0], "__connect.errors.topic"), "lines");
    EXPECT_EQ(HeaderValue(dlq[0], "__connect.errors.partition"), "0");
    EXPECT_EQ(HeaderValue(dlq[0], "__connect.errors.offset"), "2");
    EXPECT_EQ(HeaderValue(dlq[0], "__connect.errors.connector.name"), "sink");
    EXPECT_EQ(HeaderValue(dlq[0], "__connect.errors.task.id"), "0");
    EXPECT_EQ(HeaderValue(dlq[0], "__connect.errors.stage"), "VALUE_CONVERTER");
    EXPECT_EQ(HeaderValue(dlq[0], "__connect.errors.class.name"), "org.apache.kafka.connect.json.JsonConverter");
    EXPECT_EQ(HeaderValue(dlq[0], "__connect.errors.exception.class.name"),
              "org.apache.kafka.connect.errors.DataException");
    ASSERT_TRUE(HeaderValue(dlq[0], "__connect.errors.exception.message").has_value());
    worker->Stop();
    for (const TaskStatus& t : worker->Status()) {
      EXPECT_EQ(t.state, TaskState::kStopped) << t.connector << ": " << t.error;
      if (t.connector == "sink") {
        EXPECT_EQ(t.records, 4);
        EXPECT_EQ(t.records_to_dlq, 1);
      } else {
        EXPECT_EQ(t.records, 5);
      }
    }
  }
  // The source offset is the byte position after the last line, under
  // Connect's key ["connector", {partition}]; the file lists [key, offset].
  EXPECT_EQ(ReadFile(dir + "/connect.offsets"),
            "[[[\"src\",{\"filename\":\"" + in + "\"}],{\"position\":29}]]\n");

  // A restarted worker goes on where the first one stopped: no line twice.
  AppendFile(in, "5\n");
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto worker, StandaloneWorker::Create(WorkerConfig(*kafka, dir)));
  KSTREAMS_ASSERT_OK(worker->AddConnector(source));
  KSTREAMS_ASSERT_OK(worker->AddConnector(sink));
  ASSERT_TRUE(WaitFor([&] { return CountLines(ReadFile(out)) >= 5; })) << ReadFile(out);
  worker->Stop();
  EXPECT_EQ(ReadFile(out), "1\ntwo\n{a=3}\n[4]\n5\n");
}

TEST(ConnectStandaloneWorkerIT, FailingTransformStopsTheTaskWhenNotTolerated) {
  const std::string dir = TempDir("fail");
  const std::string in = dir + "/in.txt";
  AppendFile(in, "a\nb\n");
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto kafka, EmbeddedKafka::Start());
  KSTREAMS_ASSERT_OK(kafka->CreateTopic("lines", 1));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto worker, StandaloneWorker::Create(WorkerConfig(*kafka, dir)));
  KSTREAMS_ASSERT_OK(worker->AddConnector({{"name", "src"},
                                           {"connector.class", "FileStreamSource"},
                                           {"file", in},
                                           {"topic", "lines"},
                                           {"transforms", "extract"},
                                           {"transforms.extract.type",
                                            "org.apache.kafka.connect.transforms.ExtractField$Value"},
                                           {"transforms.extract.field", "x"}}));
  ASSERT_TRUE(WaitFor([&] {
    auto s = worker->Status();
    return !s.empty() && s[0].state == TaskState::kFailed;
  }));
  TaskStatus status = worker->Status()[0];
  EXPECT_THAT(std::string(status.error.message()),
              HasSubstr("Tolerance exceeded in error handler: stage TRANSFORMATION with class "
                        "org.apache.kafka.connect.transforms.ExtractField$Value"));
  EXPECT_THAT(std::string(status.error.message()), HasSubstr("Unknown field: x"));
  EXPECT_EQ(status.records, 0);

  // Bad configs are refused by AddConnector, in Connect's words.
  EXPECT_THAT(std::string(worker->AddConnector({{"name", "s2"}, {"connector.class", "FileStreamSink"},
                                                {"file", dir + "/o"}})
                              .message()),
              HasSubstr("Must configure one of topics or topics.regex"));
  EXPECT_THAT(std::string(worker->AddConnector({{"name", "s3"}, {"connector.class", "FileStreamSource"},
                                                {"file", in}, {"topic", "a,b"}})
                              .message()),
              HasSubstr("requires definition of a single topic"));
  EXPECT_TRUE(absl::IsNotFound(worker->AddConnector({{"name", "s4"}, {"connector.class", "com.example.Nope"}})));
  worker->Stop();
}

TEST(ConnectStandaloneWorkerIT, FailedSinkTaskCommitsNothingPastWhatItWrote) {
  const std::string dir = TempDir("sinkfail");
  const std::string out = dir + "/out.txt";
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto kafka, EmbeddedKafka::Start());
  KSTREAMS_ASSERT_OK(kafka->CreateTopic("in", 1));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto producer, kstreams::internal::Producer::Create(
                                                   kstreams::kafka_test::ProducerConfig(kafka->BootstrapServers())));
  for (const char* v : {"1", "bad", "3"}) KSTREAMS_ASSERT_OK(producer->Send("in", 0, std::nullopt, v, 1000, {}));
  KSTREAMS_ASSERT_OK(producer->Flush(absl::Seconds(10)));
  ConfigMap sink = {{"name", "sink"},
                    {"connector.class", "FileStreamSink"},
                    {"file", out},
                    {"topics", "in"},
                    {"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
                    {"value.converter.schemas.enable", "false"}};
  {
    KSTREAMS_ASSERT_OK_AND_ASSIGN(auto worker, StandaloneWorker::Create(WorkerConfig(*kafka, dir)));
    KSTREAMS_ASSERT_OK(worker->AddConnector(sink));
    ASSERT_TRUE(WaitFor([&] {
      auto s = worker->Status();
      return !s.empty() && s[0].state == TaskState::kFailed;
    }));
    EXPECT_THAT(std::string(worker->Status()[0].error.message()),
                HasSubstr("stage VALUE_CONVERTER with class org.apache.kafka.connect.json.JsonConverter"));
    EXPECT_THAT(std::string(worker->Status()[0].error.message()), HasSubstr("offset=1"));
  }
  // Tolerating the bad record now, a new worker reads from the last commit:
  // "1" (never written: its batch failed) comes again, "bad" is skipped.
  sink["errors.tolerance"] = "all";
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto worker, StandaloneWorker::Create(WorkerConfig(*kafka, dir)));
  KSTREAMS_ASSERT_OK(worker->AddConnector(sink));
  ASSERT_TRUE(WaitFor([&] { return CountLines(ReadFile(out)) >= 2; })) << ReadFile(out);
  worker->Stop();
  EXPECT_EQ(ReadFile(out), "1\n3\n");
  EXPECT_EQ(worker->Status()[0].records_skipped, 1);
}

// kstreams-connect runs a connector from files until SIGTERM, then flushes
// its offsets and exits 0; bad arguments give the usage and exit code 2.
TEST(ConnectStandaloneWorkerIT, ExecutableRunsConnectorsFromFiles) {
  const std::string dir = TempDir("exe");
  const std::string in = dir + "/in.txt";
  AppendFile(in, "x\ny\n");
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto kafka, EmbeddedKafka::Start());
  KSTREAMS_ASSERT_OK(kafka->CreateTopic("lines", 1));
  AppendFile(dir + "/worker.properties",
             "bootstrap.servers=" + kafka->BootstrapServers() + "\noffset.storage.file.filename=" + dir +
                 "/offsets\nvalue.converter=org.apache.kafka.connect.storage.StringConverter\n");
  AppendFile(dir + "/source.json", R"({"name": "src", "config": {"connector.class": "FileStreamSource", "file": ")" +
                                       in + R"(", "topic": "lines"}})");
  kstreams::kafka_test::ChildProcess connect;
  ASSERT_TRUE(connect.Start(KSTREAMS_CONNECT_PATH,
                            {"standalone", dir + "/worker.properties", dir + "/source.json"}));
  EXPECT_EQ(connect.ReadLine(), "started connector from " + dir + "/source.json");
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto records,
                                kstreams::kafka_test::ReadTopic(kafka->BootstrapServers(), "lines", 1, 2));
  EXPECT_EQ(records[0].value, "x");
  EXPECT_EQ(records[1].value, "y");
  int status = connect.SignalAndWait(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_EQ(ReadFile(dir + "/offsets"), "[[[\"src\",{\"filename\":\"" + in + "\"}],{\"position\":4}]]\n");
  std::string usage = kstreams::kafka_test::RunCommand(std::string(KSTREAMS_CONNECT_PATH) + " distributed x 2>&1; echo rc=$?");
  EXPECT_THAT(usage, HasSubstr("usage: kstreams-connect standalone"));
  EXPECT_THAT(usage, HasSubstr("rc=2"));
}

}  // namespace
}  // namespace connect_worker_it
