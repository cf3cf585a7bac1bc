// Metrics of a running KafkaStreams on the embedded broker, checked against
// the work done (records processed, commits, tasks, a restore), and the
// HTTP endpoint (metrics.http.address) read with a real HTTP client (curl).
#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integration/runtime/runtime_test_util.h"
#include "kstreams/kstreams.h"
#include "nlohmann/json.hpp"

namespace kstreams {
namespace metrics_it {

using runtime_test::CountOf;
using runtime_test::Counts;
using runtime_test::CountTopology;
using runtime_test::KV;
using runtime_test::QueryCounts;
using runtime_test::RuntimeIT;
using runtime_test::WaitFor;
using runtime_test::Words;
using State = KafkaStreams::State;
using ::testing::HasSubstr;

// The sum of every metric `name` in `group` whose tags include `tags`
// (e.g. over all tasks), or nullopt when there is none.
std::optional<double> Sum(const std::vector<Metric>& metrics, const std::string& group,
                          const std::string& name, const MetricTags& tags = {}) {
  std::optional<double> sum;
  for (const Metric& m : metrics) {
    if (m.name.group != group || m.name.name != name) continue;
    bool all = true;
    for (const auto& tag : tags) {
      all &= std::find(m.name.tags.begin(), m.name.tags.end(), tag) != m.name.tags.end();
    }
    if (all) sum = sum.value_or(0) + m.value;
  }
  return sum;
}

std::optional<std::string> Text(const std::vector<Metric>& metrics, const std::string& name) {
  for (const Metric& m : metrics) {
    if (m.name.group == "stream-metrics" && m.name.name == name) return m.text;
  }
  return std::nullopt;
}

struct HttpResult {
  int status = 0;
  std::string body;
};

// GET http://127.0.0.1:<port><path> with the curl CLI.
HttpResult HttpGet(int port, const std::string& path) {
  const std::string command = "curl -s -m 10 -w '\\n%{http_code}' 'http://127.0.0.1:" +
                              std::to_string(port) + path + "'";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {};
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) out.append(buf, n);
  pclose(pipe);
  HttpResult result;
  const size_t last = out.rfind('\n');
  if (last == std::string::npos) return result;
  result.status = std::atoi(out.c_str() + last + 1);
  result.body = out.substr(0, last);
  return result;
}

// The value of the Prometheus sample `series` (name{labels}) in `text`.
std::optional<double> Sample(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return std::nullopt;
}

class MetricsIT : public RuntimeIT {};
// On both brokers: the clients' statistics come from the broker's answers.
class ClientMetricsIT : public runtime_test::BrokerIT {};
KSTREAMS_INSTANTIATE_ON_BOTH_BROKERS(ClientMetricsIT);

TEST_F(MetricsIT, CountsMatchTheWorkDone) {
  KSTREAMS_ASSERT_OK(CreateTopic("words", 2));
  KSTREAMS_ASSERT_OK(CreateTopic("counts-out", 2));
  std::vector<KV> input = Words(100, 5);
  Produce("words", input);
  StreamsConfig config = Config("metrics-app");
  config.Set("metrics.recording.level", "DEBUG");
  KafkaStreams streams(CountTopology(), config);
  KSTREAMS_ASSERT_OK(streams.Start());
  ASSERT_TRUE(WaitFor([&] { return QueryCounts(streams) == CountOf(input); }, absl::Seconds(30)));
  // Commits every 100 ms: wait for one after the last record.
  ASSERT_TRUE(WaitFor([&] {
    return Sum(streams.Metrics(), "stream-thread-metrics", "commit-total").value_or(0) >= 2;
  }));
  const std::vector<Metric> m = streams.Metrics();
  EXPECT_EQ(Text(m, "state"), "RUNNING");
  EXPECT_EQ(Sum(m, "stream-metrics", "client-state"), 2);  // RUNNING's ordinal
  EXPECT_EQ(Sum(m, "stream-metrics", "alive-stream-threads"), 1);
  EXPECT_EQ(Sum(m, "stream-metrics", "failed-stream-threads"), 0);
  EXPECT_EQ(Text(m, "recording-level"), "DEBUG");
  EXPECT_EQ(Sum(m, "stream-thread-metrics", "process-total"), 100);
  EXPECT_EQ(Sum(m, "stream-thread-metrics", "task-created-total"), 2);
  EXPECT_EQ(Sum(m, "stream-thread-metrics", "task-closed-total"), 0);
  EXPECT_GE(Sum(m, "stream-thread-metrics", "poll-total").value_or(0), 1);
  EXPECT_GE(Sum(m, "stream-thread-metrics", "commit-latency-max").value_or(-1), 0);
  EXPECT_GT(Sum(m, "stream-thread-metrics", "thread-start-time").value_or(0), 1.7e12);
  EXPECT_EQ(Sum(m, "stream-task-metrics", "process-total"), 100);
  EXPECT_EQ(Sum(m, "stream-task-metrics", "process-total", {{"task-id", "0_0"}}).value_or(0) +
                Sum(m, "stream-task-metrics", "process-total", {{"task-id", "0_1"}}).value_or(0),
            100);
  EXPECT_EQ(Sum(m, "stream-task-metrics", "dropped-records-total"), 0);
  EXPECT_EQ(Sum(m, "stream-processor-node-metrics", "process-total",
                {{"processor-node-id", "KSTREAM-SOURCE-0000000000"}}),
            100);
  // Records stamped 1000.. ms (1970): the end-to-end latency is about now.
  EXPECT_GT(Sum(m, "stream-processor-node-metrics", "record-e2e-latency-min",
                {{"processor-node-id", "KSTREAM-SOURCE-0000000000"}})
                .value_or(0),
            1.7e12);
  // The count's store: one get and one put per record (DEBUG), cached.
  EXPECT_EQ(Sum(m, "stream-state-metrics", "put-rate", {{"rocksdb-state-id", "counts"}}) > 0,
            true);
  EXPECT_GT(Sum(m, "stream-record-cache-metrics", "hit-ratio-max",
                {{"record-cache-id", "counts"}})
                .value_or(-1),
            0);
  ASSERT_TRUE(streams.Close(absl::Seconds(30)));
  const std::vector<Metric> closed = streams.Metrics();
  EXPECT_EQ(Text(closed, "state"), "NOT_RUNNING");
  EXPECT_EQ(Sum(closed, "stream-metrics", "alive-stream-threads"), 0);
  EXPECT_EQ(Sum(closed, "stream-thread-metrics", "task-closed-total"), 2);
  // Tasks take their metrics along when they close.
  EXPECT_EQ(Sum(closed, "stream-task-metrics", "process-total"), std::nullopt);
}

// The clients' metrics come from librdkafka's statistics (every 200 ms
// here). A slow processor (1 ms per record) over 2,000 records already on
// the broker keeps the consumer's position behind the partition's end: the
// lag is positive and at most what is not yet processed; once everything is
// processed it is 0, and the consumer has consumed, the producer sent, every
// record.
TEST_P(ClientMetricsIT, ComeFromLibrdkafkaStatistics) {
  constexpr int kRecords = 2000;
  KSTREAMS_ASSERT_OK(CreateTopic("in", 1));
  KSTREAMS_ASSERT_OK(CreateTopic("out", 1));
  std::vector<KV> input;
  for (int i = 0; i < kRecords; ++i) input.emplace_back("k", std::to_string(i));
  Produce("in", input);
  std::atomic<int> processed{0};
  StreamsBuilder builder;
  builder.Stream<std::string, std::string>("in")
      .Peek([&](const std::string&, const std::string&) {
        absl::SleepFor(absl::Milliseconds(1));
        processed.fetch_add(1);
      })
      .To("out");
  StreamsConfig config = Config("client-metrics");
  config.Set("consumer.statistics.interval.ms", "200");
  config.Set("producer.statistics.interval.ms", "200");
  config.Set("max.poll.records", "50");
  config.Set("buffered.records.per.partition", "50");
  KafkaStreams streams(builder.Build(), config);
  KSTREAMS_ASSERT_OK(streams.Start());
  const MetricTags in0 = {{"topic", "in"}, {"partition", "0"}};
  double lag_seen = 0;
  ASSERT_TRUE(WaitFor(
      [&] {
        std::optional<double> lag =
            Sum(streams.Metrics(), "consumer-fetch-manager-metrics", "records-lag", in0);
        const int after = processed.load();
        if (!lag || std::isnan(*lag) || *lag <= 0) return false;
        lag_seen = *lag;
        // The lag (as of the last statistics) counts the records not yet
        // handed to the thread: at most all of them, and at least those
        // not processed now less what the thread buffers (50) and polls
        // past its bound (50) on top.
        EXPECT_LE(*lag, kRecords);
        EXPECT_GE(*lag, kRecords - after - 100) << "processed " << after;
        return true;
      },
      absl::Seconds(20)))
      << "no positive records-lag for in-0 while processing";
  EXPECT_GT(lag_seen, 0);
  ASSERT_TRUE(WaitFor([&] { return processed.load() == kRecords; }, absl::Seconds(60)));
  ASSERT_TRUE(WaitFor(
      [&] {
        const std::vector<Metric> m = streams.Metrics();
        return Sum(m, "consumer-fetch-manager-metrics", "records-lag", in0) == 0 &&
               Sum(m, "consumer-fetch-manager-metrics", "records-consumed-total") >= kRecords &&
               Sum(m, "producer-metrics", "record-send-total") >= kRecords;
      },
      absl::Seconds(20)));
  const std::vector<Metric> m = streams.Metrics();
  EXPECT_EQ(Sum(m, "consumer-fetch-manager-metrics", "records-lag-max"), 0);
  EXPECT_GE(Sum(m, "consumer-fetch-manager-metrics", "bytes-consumed-total").value_or(0),
            kRecords * 2.0);  // at least key and value, 2+ bytes each
  EXPECT_GE(Sum(m, "producer-metrics", "outgoing-byte-total").value_or(0), kRecords * 2.0);
  EXPECT_GE(Sum(m, "consumer-metrics", "request-latency-avg").value_or(-1), 0);
  EXPECT_GE(Sum(m, "producer-metrics", "request-latency-max").value_or(-1), 0);
  // Tagged with the clients' ids.
  const std::string thread = streams.LocalThreadsMetadata().at(0).thread_name;
  EXPECT_TRUE(Sum(m, "consumer-fetch-manager-metrics", "records-consumed-total",
                  {{"client-id", thread + "-consumer"}}).has_value());
  EXPECT_TRUE(Sum(m, "producer-metrics", "record-send-total",
                  {{"client-id", thread + "-producer"}}).has_value());
  EXPECT_TRUE(streams.Close(absl::Seconds(20)));
}

TEST_F(MetricsIT, ARestoreMovesTheRestoreMetrics) {
  KSTREAMS_ASSERT_OK(CreateTopic("words", 2));
  KSTREAMS_ASSERT_OK(CreateTopic("counts-out", 2));
  std::vector<KV> input = Words(60, 6);
  Produce("words", input);
  {
    KafkaStreams streams(CountTopology(/*caching=*/false), Config("restore-app"));
    KSTREAMS_ASSERT_OK(streams.Start());
    ASSERT_TRUE(
        WaitFor([&] { return QueryCounts(streams) == CountOf(input); }, absl::Seconds(30)));
    EXPECT_EQ(Sum(streams.Metrics(), "stream-task-metrics", "restore-total"), 0);
    ASSERT_TRUE(streams.Close(absl::Seconds(30)));
  }
  // Uncached: one changelog record per input record. Without the state
  // directory the stores restore all of it.
  std::filesystem::remove_all(StateDir());
  KafkaStreams streams(CountTopology(/*caching=*/false), Config("restore-app"));
  KSTREAMS_ASSERT_OK(streams.Start());
  ASSERT_TRUE(WaitFor([&] { return QueryCounts(streams) == CountOf(input); }, absl::Seconds(30)));
  const std::vector<Metric> m = streams.Metrics();
  EXPECT_EQ(Sum(m, "stream-task-metrics", "restore-total"), 60);
  EXPECT_GT(Sum(m, "stream-task-metrics", "restore-rate").value_or(0), 0);
  // RocksDB's own estimate, sampled after each restored batch: the batch
  // keeps each key's last record, so 6 keys over the two tasks' stores.
  EXPECT_EQ(Sum(m, "stream-state-metrics", "estimate-num-keys", {{"rocksdb-state-id", "counts"}}),
            6);
  EXPECT_GT(Sum(m, "stream-state-metrics", "size-all-mem-tables", {{"rocksdb-state-id", "counts"}})
                .value_or(0),
            0);
  ASSERT_TRUE(streams.Close(absl::Seconds(30)));
}

TEST_F(MetricsIT, HttpEndpointServesMetricsHealthReadinessTopologyAndTasks) {
  KSTREAMS_ASSERT_OK(CreateTopic("words", 2));
  KSTREAMS_ASSERT_OK(CreateTopic("counts-out", 2));
  std::vector<KV> input = Words(40, 4);
  Produce("words", input);
  StreamsConfig config = Config("http-app");
  config.Set("metrics.http.address", "127.0.0.1:0");
  KafkaStreams streams(CountTopology(), config);
  EXPECT_EQ(streams.HttpPort(), std::nullopt);
  KSTREAMS_ASSERT_OK(streams.Start());
  ASSERT_TRUE(streams.HttpPort().has_value());
  const int port = *streams.HttpPort();
  // Before the group's first rebalance completes: live, not ready.
  if (streams.state() == State::kRebalancing) {
    HttpResult ready = HttpGet(port, "/ready");
    if (streams.state() == State::kRebalancing && ready.status != 200) {
      EXPECT_EQ(ready.status, 503);
      EXPECT_THAT(ready.body, HasSubstr("\"status\":\"DOWN\""));
    }
  }
  EXPECT_EQ(HttpGet(port, "/health").status, 200);
  ASSERT_TRUE(WaitFor([&] { return QueryCounts(streams) == CountOf(input); }, absl::Seconds(30)));
  ASSERT_TRUE(WaitFor([&] { return HttpGet(port, "/ready").status == 200; }));
  HttpResult ready = HttpGet(port, "/ready");
  EXPECT_EQ(nlohmann::json::parse(ready.body)["state"], "RUNNING");

  HttpResult metrics = HttpGet(port, "/metrics");
  ASSERT_EQ(metrics.status, 200);
  const std::string thread = streams.LocalThreadsMetadata().at(0).thread_name;
  EXPECT_EQ(Sample(metrics.body,
                   "kafka_streams_stream_thread_metrics_process_total{thread_id=\"" + thread + "\"}"),
            40);
  EXPECT_EQ(Sample(metrics.body, "kafka_streams_stream_thread_metrics_task_created_total{"
                                 "thread_id=\"" + thread + "\"}"),
            2);
  EXPECT_EQ(Sample(metrics.body, "kafka_streams_stream_task_metrics_dropped_records_total{"
                                 "thread_id=\"" + thread + "\",task_id=\"0_1\"}"),
            0);
  EXPECT_THAT(metrics.body,
              HasSubstr("# TYPE kafka_streams_stream_thread_metrics_process_rate untyped"));
  EXPECT_THAT(metrics.body, HasSubstr("kafka_streams_stream_metrics_alive_stream_threads{"
                                      "client_id=\""));

  HttpResult topology = HttpGet(port, "/topology");
  EXPECT_EQ(topology.status, 200);
  EXPECT_EQ(topology.body, CountTopology().Describe().ToString());
  HttpResult dot = HttpGet(port, "/topology?format=dot");
  EXPECT_EQ(dot.status, 200);
  EXPECT_EQ(dot.body, CountTopology().Describe().ToDot());

  HttpResult tasks = HttpGet(port, "/tasks");
  ASSERT_EQ(tasks.status, 200);
  nlohmann::json json = nlohmann::json::parse(tasks.body);
  EXPECT_EQ(json["application_id"], "http-app");
  ASSERT_EQ(json["threads"].size(), 1u);
  EXPECT_EQ(json["threads"][0]["thread_name"], thread);
  EXPECT_EQ(json["threads"][0]["thread_state"], "RUNNING");
  ASSERT_EQ(json["threads"][0]["active_tasks"].size(), 2u);
  EXPECT_EQ(json["threads"][0]["active_tasks"][0]["task_id"], "0_0");
  EXPECT_EQ(json["threads"][0]["active_tasks"][0]["topic_partitions"][0]["topic"], "words");
  EXPECT_EQ(json["threads"][0]["active_tasks"][0]["restoring"], false);

  EXPECT_EQ(HttpGet(port, "/nope").status, 404);

  ASSERT_TRUE(streams.Close(absl::Seconds(30)));
  // The endpoint outlives Close(): it tells the client is down.
  HttpResult health = HttpGet(port, "/health");
  EXPECT_EQ(health.status, 503);
  EXPECT_EQ(nlohmann::json::parse(health.body)["state"], "NOT_RUNNING");
  EXPECT_EQ(HttpGet(port, "/ready").status, 503);
}

TEST_F(MetricsIT, ABadAddressOrLevelFailsStartNamingTheKey) {
  KSTREAMS_ASSERT_OK(CreateTopic("words", 1));
  StreamsConfig bad_level = Config("bad-app");
  bad_level.Set("metrics.recording.level", "info");
  KafkaStreams a(CountTopology(), bad_level);
  absl::Status s = a.Start();
  EXPECT_THAT(std::string(s.message()), HasSubstr("config 'metrics.recording.level'='info'"));
  StreamsConfig bad_address = Config("bad-app");
  bad_address.Set("metrics.http.address", "9464");
  KafkaStreams b(CountTopology(), bad_address);
  s = b.Start();
  EXPECT_THAT(std::string(s.message()), HasSubstr("config 'metrics.http.address'='9464'"));
}

}  // namespace metrics_it
}  // namespace kstreams
