// eos_system_app: the application of the exactly-once system test
// (tests/integration/runtime/eos_system_test.cc), modelled on Kafka's
// EosTestClient. The test runs two of these as one application, SIGKILLs
// them at random moments and checks every output against the input.
//
//   eos_system_app --bootstrap-servers HOSTS --state-dir DIR [--guarantee G]
//
// G is processing.guarantee (exactly_once_v2, the default, or
// at_least_once). No record cache: every input record gives exactly one
// update of each output, so a repeated or missing update is visible.
//
// Input "data": per key "k<i>", values "0", "1", "2", ... (sequence
// numbers, in order within the key's partition). Table "meta": per key a
// label, produced before the data. Outputs:
//   echo        every input record unchanged;
//   agg         per key "count,sum,min,max" of the sequence numbers
//               (logged store "agg");
//   group-count per group "g<i mod 3>" the number of records, counted after
//               a repartition (store "group-count");
//   joined      every input record joined with its key's label:
//               "<label>:<seq>".
// Prints "running" once RUNNING; SIGTERM/SIGINT close it cleanly (exit 0).
#include <algorithm>
#include <cstdio>
#include <string>

#include "apps/app_runner.h"
#include "kstreams/kstreams.h"

namespace {

std::string Aggregate(const std::string& aggregate, const std::string& value) {
  long long count = 0, sum = 0, min = 0, max = 0;
  std::sscanf(aggregate.c_str(), "%lld,%lld,%lld,%lld", &count, &sum, &min, &max);
  const long long v = std::stoll(value);
  min = count == 0 ? v : std::min(min, v);
  max = count == 0 ? v : std::max(max, v);
  ++count;
  sum += v;
  return std::to_string(count) + "," + std::to_string(sum) + "," + std::to_string(min) + "," +
         std::to_string(max);
}

// "k7" -> "g1".
std::string Group(const std::string& key) {
  return "g" + std::to_string(std::stoi(key.substr(1)) % 3);
}

}  // namespace

int main(int argc, char** argv) {
  std::string bootstrap, state_dir, guarantee = "exactly_once_v2";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--bootstrap-servers") bootstrap = argv[i + 1];
    if (flag == "--state-dir") state_dir = argv[i + 1];
    if (flag == "--guarantee") guarantee = argv[i + 1];
  }
  if (bootstrap.empty() || state_dir.empty()) {
    std::fprintf(stderr, "usage: eos_system_app --bootstrap-servers HOSTS --state-dir DIR\n");
    return 2;
  }
  kstreams::SetLogLevel(kstreams::LogLevel::kWarning);
  kstreams::StreamsBuilder builder;
  auto data = builder.Stream<std::string, std::string>("data");
  data.To("echo");
  data.GroupByKey()
      .Aggregate([] { return std::string("0,0,0,0"); },
                 [](const std::string&, const std::string& value, const std::string& aggregate) {
                   return Aggregate(aggregate, value);
                 },
                 kstreams::Materialized<std::string, std::string>::As("agg"))
      .ToStream()
      .To("agg");
  data.GroupBy([](const std::string& key, const std::string&) { return Group(key); })
      .Count(kstreams::Materialized<std::string, int64_t>::As("group-count"))
      .ToStream()
      .To("group-count");
  auto meta = builder.Table<std::string, std::string>(
      "meta", kstreams::Materialized<std::string, std::string>::As("meta"));
  data.Join(meta, [](const std::string& seq, const std::string& label) {
        return label + ":" + seq;
      }).To("joined");

  kstreams::StreamsConfig config{{"application.id", "eos-system"},
                                 {"bootstrap.servers", bootstrap},
                                 {"state.dir", state_dir},
                                 {"processing.guarantee", guarantee},
                                 {"statestore.cache.max.bytes", "0"},
                                 {"consumer.session.timeout.ms", "3000"},
                                 {"consumer.heartbeat.interval.ms", "300"},
                                 // Java's default max.task.idle.ms=0: a task
                                 // holding data but no "meta" record yet
                                 // waits while its "meta" partition has
                                 // records not fetched (KIP-695).
                                 {"producer.linger.ms", "5"}};
  if (guarantee == "at_least_once") config.Set("commit.interval.ms", "200");
  kstreams::KafkaStreams streams(builder.Build(), config);
  return kstreams::test_apps::RunUntilSignalled("eos_system_app", streams);
}
