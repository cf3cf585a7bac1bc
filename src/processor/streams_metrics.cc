#include "kstreams/processor/streams_metrics.h"

#include "kstreams/internal/strings.h"

namespace kstreams {

std::string_view RecordingLevelName(RecordingLevel level) {
  switch (level) {
    case RecordingLevel::kInfo:
      return "INFO";
    case RecordingLevel::kDebug:
      return "DEBUG";
    case RecordingLevel::kTrace:
      return "TRACE";
  }
  return "INFO";
}

std::optional<RecordingLevel> ParseRecordingLevel(std::string_view text) {
  if (text == "INFO") return RecordingLevel::kInfo;
  if (text == "DEBUG") return RecordingLevel::kDebug;
  if (text == "TRACE") return RecordingLevel::kTrace;
  return std::nullopt;
}

void Sensor::Add(MetricName name, Stat stat) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(*registry_mu_);
  for (const auto& [existing, s] : metrics_) {
    if (existing.name == name.name && existing.group == name.group &&
        existing.tags == name.tags) {
      return;
    }
  }
  metrics_.emplace_back(std::move(name), stat);
}

namespace {

MetricTags WithEntity(const MetricTags& scope_tags, std::string_view scope,
                      std::string_view entity) {
  MetricTags tags = scope_tags;
  tags.emplace_back(internal::StrCat(scope, "-id"), std::string(entity));
  return tags;
}

}  // namespace

Sensor* StreamsMetrics::AddLatencyRateTotalSensor(std::string_view scope,
                                                  std::string_view entity,
                                                  std::string_view operation,
                                                  RecordingLevel level) {
  Sensor* sensor = AddRateTotalSensor(scope, entity, operation, level);
  const std::string group = internal::StrCat("stream-", scope, "-metrics");
  const MetricTags tags = WithEntity(this->tags(), scope, entity);
  sensor->Add({internal::StrCat(operation, "-latency-avg"), group,
               internal::StrCat("The average latency of ", operation, " operations"), tags},
              Stat::kAvg);
  sensor->Add({internal::StrCat(operation, "-latency-max"), group,
               internal::StrCat("The maximum latency of ", operation, " operations"), tags},
              Stat::kMax);
  return sensor;
}

Sensor* StreamsMetrics::AddRateTotalSensor(std::string_view scope, std::string_view entity,
                                           std::string_view operation, RecordingLevel level) {
  Sensor* sensor = AddSensor(internal::StrCat(scope, ".", entity, ".", operation), level);
  const std::string group = internal::StrCat("stream-", scope, "-metrics");
  const MetricTags tags = WithEntity(this->tags(), scope, entity);
  sensor->Add({internal::StrCat(operation, "-rate"), group,
               internal::StrCat("The average number of ", operation, " operations per second"),
               tags},
              Stat::kRate);
  sensor->Add({internal::StrCat(operation, "-total"), group,
               internal::StrCat("The total number of ", operation, " operations"), tags},
              Stat::kTotal);
  return sensor;
}

namespace internal {
namespace {

class Disabled final : public StreamsMetrics {
 public:
  RecordingLevel recording_level() const override { return RecordingLevel::kInfo; }
  const MetricTags& tags() const override { return tags_; }
  Sensor* AddSensor(std::string_view name, RecordingLevel level) override {
    (void)name;
    (void)level;
    return &sensor_;
  }

 private:
  MetricTags tags_;
  std::mutex mu_;
  Sensor sensor_{"disabled", RecordingLevel::kInfo, /*enabled=*/false, &mu_, 0};
};

}  // namespace

StreamsMetrics& DisabledStreamsMetrics() {
  static Disabled* disabled = new Disabled();
  return *disabled;
}

}  // namespace internal
}  // namespace kstreams
