#include "runtime/metrics_registry.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/http_endpoint.h"
#include "runtime/task_config.h"

namespace metrics_registry_test {

using kstreams::Metric;
using kstreams::MetricName;
using kstreams::RecordingLevel;
using kstreams::Sensor;
using kstreams::Stat;
using kstreams::StreamsConfig;
using kstreams::internal::MetricsRegistry;
using kstreams::internal::MetricsScope;
using ::testing::HasSubstr;

double ValueOf(const std::vector<Metric>& metrics, const std::string& name) {
  for (const Metric& m : metrics) {
    if (m.name.name == name) return m.value;
  }
  ADD_FAILURE() << "no metric " << name;
  return -1;
}

TEST(MetricsRegistry, StatsOfRecordedValues) {
  int64_t now = 1000;
  MetricsRegistry registry(RecordingLevel::kInfo, 30000, [&now] { return now; });
  MetricsScope scope(&registry, {{"thread-id", "t"}});
  Sensor* s = scope.AddSensor("op", RecordingLevel::kInfo);
  const MetricName base{"", "g", "", scope.tags()};
  for (auto [name, stat] : std::vector<std::pair<std::string, Stat>>{
           {"avg", Stat::kAvg}, {"min", Stat::kMin}, {"max", Stat::kMax},
           {"rate", Stat::kRate}, {"sum-rate", Stat::kSumRate}, {"total", Stat::kTotal},
           {"sum", Stat::kSum}, {"value", Stat::kValue}}) {
    MetricName n = base;
    n.name = name;
    s->Add(n, stat);
  }
  std::vector<Metric> empty = registry.Snapshot();
  EXPECT_TRUE(std::isnan(ValueOf(empty, "avg")));
  EXPECT_TRUE(std::isnan(ValueOf(empty, "max")));
  EXPECT_EQ(ValueOf(empty, "total"), 0);
  for (double v : {4.0, 1.0, 7.0}) s->Record(v);
  now += 10000;
  std::vector<Metric> m = registry.Snapshot();
  EXPECT_EQ(ValueOf(m, "avg"), 4);
  EXPECT_EQ(ValueOf(m, "min"), 1);
  EXPECT_EQ(ValueOf(m, "max"), 7);
  EXPECT_EQ(ValueOf(m, "total"), 3);
  EXPECT_EQ(ValueOf(m, "sum"), 12);
  EXPECT_EQ(ValueOf(m, "value"), 7);
  // Less than a window elapsed: Java's Rate divides by a full window (30 s).
  EXPECT_DOUBLE_EQ(ValueOf(m, "rate"), 3.0 / 30);
  EXPECT_DOUBLE_EQ(ValueOf(m, "sum-rate"), 12.0 / 30);
  // Two windows on, with nothing new recorded: the rate and average cover
  // only the last one to two windows.
  now += 30000;
  (void)registry.Snapshot();  // rolls the window
  now += 30000;
  (void)registry.Snapshot();
  m = registry.Snapshot();
  EXPECT_EQ(ValueOf(m, "rate"), 0);
  EXPECT_TRUE(std::isnan(ValueOf(m, "avg")));
  EXPECT_EQ(ValueOf(m, "total"), 3);  // totals are cumulative
}

TEST(MetricsRegistry, SensorsAboveTheLevelRecordNothingAndListNothing) {
  MetricsRegistry registry(RecordingLevel::kInfo);
  MetricsScope scope(&registry, {});
  Sensor* debug = scope.AddSensor("d", RecordingLevel::kDebug);
  EXPECT_FALSE(debug->ShouldRecord());
  debug->Add({"d-total", "g", "", {}}, Stat::kTotal);
  debug->Record();
  EXPECT_TRUE(registry.Snapshot().empty());
  EXPECT_EQ(scope.MakeSensor("x", RecordingLevel::kDebug, "g", {}, {{"x", Stat::kTotal, ""}}),
            nullptr);
  EXPECT_NE(scope.MakeSensor("y", RecordingLevel::kInfo, "g", {}, {{"y", Stat::kTotal, ""}}),
            nullptr);
  EXPECT_EQ(registry.Snapshot().size(), 1u);
}

TEST(MetricsRegistry, AScopeTakesItsSensorsAndGaugesAlong) {
  MetricsRegistry registry(RecordingLevel::kDebug);
  {
    MetricsScope scope(&registry, {{"task-id", "0_1"}});
    scope.AddGauge("g1", "grp", "", [] { return 2.5; });
    Sensor* s = scope.AddSensor("s", RecordingLevel::kTrace);
    EXPECT_FALSE(s->ShouldRecord());  // TRACE above DEBUG
    EXPECT_EQ(scope.AddSensor("same", RecordingLevel::kInfo),
              scope.AddSensor("same", RecordingLevel::kInfo));
    std::vector<Metric> m = registry.Snapshot();
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].value, 2.5);
    EXPECT_EQ(m[0].name.tags, (kstreams::MetricTags{{"task-id", "0_1"}}));
  }
  EXPECT_TRUE(registry.Snapshot().empty());
}

TEST(MetricsRegistry, ThreadAndTaskMetricsCarryJavasNamesGroupsAndTags) {
  MetricsRegistry registry(RecordingLevel::kInfo);
  kstreams::internal::ThreadMetrics thread(&registry, "app-1-StreamThread-1", 123);
  kstreams::internal::TaskMetrics task(&registry, "app-1-StreamThread-1", "0_2");
  EXPECT_EQ(task.process, nullptr);  // DEBUG
  ASSERT_NE(task.dropped_records, nullptr);
  task.dropped_records->Record();
  thread.process->Record(5);
  thread.process->Record(3);
  std::vector<Metric> m = registry.Snapshot();
  std::set<std::string> names;
  for (const Metric& metric : m) names.insert(metric.name.group + "/" + metric.name.name);
  for (const char* want :
       {"stream-thread-metrics/commit-latency-avg", "stream-thread-metrics/commit-latency-max",
        "stream-thread-metrics/commit-rate", "stream-thread-metrics/commit-total",
        "stream-thread-metrics/poll-latency-avg", "stream-thread-metrics/poll-records-max",
        "stream-thread-metrics/process-rate", "stream-thread-metrics/process-total",
        "stream-thread-metrics/process-latency-avg", "stream-thread-metrics/punctuate-total",
        "stream-thread-metrics/task-created-total", "stream-thread-metrics/task-closed-rate",
        "stream-thread-metrics/thread-start-time", "stream-task-metrics/dropped-records-total",
        "stream-task-metrics/dropped-records-rate", "stream-task-metrics/restore-total"}) {
    EXPECT_TRUE(names.contains(want)) << want;
  }
  EXPECT_FALSE(names.contains("stream-task-metrics/process-total"));
  for (const Metric& metric : m) {
    if (metric.name.name == "process-total") {
      EXPECT_EQ(metric.value, 8);
      EXPECT_EQ(metric.name.tags, (kstreams::MetricTags{{"thread-id", "app-1-StreamThread-1"}}));
    }
    if (metric.name.name == "process-records-max") {
      EXPECT_EQ(metric.value, 5);
    }
    if (metric.name.name == "thread-start-time") {
      EXPECT_EQ(metric.value, 123);
    }
    if (metric.name.name == "dropped-records-total") {
      EXPECT_EQ(metric.value, 1);
      EXPECT_EQ(metric.name.tags, (kstreams::MetricTags{{"thread-id", "app-1-StreamThread-1"},
                                                        {"task-id", "0_2"}}));
    }
  }
}

TEST(PrometheusText, NamesAsTheJmxExporterDoes) {
  std::vector<Metric> metrics = {
      {{"process-rate", "stream-thread-metrics", "records per second",
        {{"thread-id", "app-1-StreamThread-1"}}},
       2.5,
       std::nullopt},
      {{"process-rate", "stream-thread-metrics", "records per second",
        {{"thread-id", "app-1-StreamThread-2"}}},
       1,
       std::nullopt},
      {{"state", "stream-metrics", "", {{"client-id", "c"}}}, NAN, "RUNNING"},
  };
  EXPECT_EQ(kstreams::internal::PrometheusName(metrics[0].name),
            "kafka_streams_stream_thread_metrics_process_rate");
  std::string text = kstreams::internal::PrometheusText(metrics);
  EXPECT_THAT(text, HasSubstr("# HELP kafka_streams_stream_thread_metrics_process_rate records "
                              "per second\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE kafka_streams_stream_thread_metrics_process_rate untyped\n"));
  EXPECT_THAT(text, HasSubstr("kafka_streams_stream_thread_metrics_process_rate{thread_id=\"app-1-"
                              "StreamThread-1\"} 2.5\n"));
  EXPECT_THAT(text, HasSubstr("kafka_streams_stream_thread_metrics_process_rate{thread_id=\"app-1-"
                              "StreamThread-2\"} 1\n"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("stream_metrics_state")));  // strings: not exported
}

TEST(MetricsConfig, RecordingLevelIsCheckedNamingTheKey) {
  auto parsed = kstreams::internal::ParseTaskConfig(
      StreamsConfig{{"application.id", "a"}, {"metrics.recording.level", "debug"}});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(),
            "config 'metrics.recording.level'='debug' is not a recording level: use INFO, DEBUG "
            "or TRACE");
  auto ok = kstreams::internal::ParseTaskConfig(
      StreamsConfig{{"application.id", "a"}, {"metrics.recording.level", "TRACE"}});
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ((*ok)->metrics_recording_level, RecordingLevel::kTrace);
  auto defaults = kstreams::internal::ParseTaskConfig(StreamsConfig{{"application.id", "a"}});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ((*defaults)->metrics_recording_level, RecordingLevel::kInfo);
  EXPECT_EQ((*defaults)->metrics_sample_window_ms, 30000);
  auto window = kstreams::internal::ParseTaskConfig(
      StreamsConfig{{"application.id", "a"}, {"metrics.sample.window.ms", "0"}});
  ASSERT_FALSE(window.ok());
  EXPECT_EQ(window.status().message(), "config 'metrics.sample.window.ms' must be at least 1, got 0");
}

}  // namespace metrics_registry_test
