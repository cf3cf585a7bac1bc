// sql_clickstream: streaming SQL on kstreams. The statements of
// clickstream.sql (next to this file) enrich clicks with their user's region
// (a stream-table join) and count clicks per region in one-minute tumbling
// windows; kstreams::sql::Engine compiles each persistent query into a
// topology and runs it on KafkaStreams, in this process.
//
//   sql_clickstream [--users N] [--clicks N] [--sql FILE]
//       Starts an in-process EmbeddedKafka, runs the statements, produces N
//       users and then N clicks (JSON, as ksqlDB writes them), reads the
//       windowed counts back from the output topic until every
//       (region, window) count equals the one computed here independently,
//       asks a pull query for each region's windows too, prints them and
//       exits (0 when all agree).
//   sql_clickstream --kafka ...
//       The same on a local Apache Kafka cluster (scripts/kafka.sh).
//
// Everything here is the installed public API; the sample input goes in with
// kstreams::SimpleProducer and the output comes back with
// kstreams::TopicReader, where a real application would use any Kafka client.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>

#include "common/embedded_demo.h"
#include "kstreams/kafka/simple_producer.h"
#include "kstreams/kstreams.h"
#include "kstreams/sql/engine.h"

namespace {

constexpr char kClicks[] = "clicks";
constexpr char kUsers[] = "users";
constexpr char kOutput[] = "CLICKS_PER_REGION";
constexpr int32_t kPartitions = 2;  // as clickstream.sql declares them
constexpr int64_t kWindowMs = 60'000;
const char* const kRegions[] = {"europe", "americas", "asia", "africa", "oceania"};

struct Args {
  int64_t users = 50;
  int64_t clicks = 1000;
  std::string sql = KSTREAMS_SOURCE_DIR "/examples/sql_clickstream/clickstream.sql";
};

using WindowKey = std::pair<std::string, int64_t>;  // region, window start

int Fail(const absl::Status& s) {
  std::fprintf(stderr, "sql_clickstream: %s\n", std::string(s.message()).c_str());
  return 1;
}

// The number after "\"CLICKS\":" in a JSON value such as {"CLICKS":12}.
std::optional<int64_t> ClicksOf(const std::string& json) {
  const std::string field = "\"CLICKS\":";
  size_t at = json.find(field);
  if (at == std::string::npos) return std::nullopt;
  return std::strtoll(json.c_str() + at + field.size(), nullptr, 10);
}

// A windowed KAFKA-format key: the region's UTF-8 bytes, then the window
// start as 8 big-endian bytes (Kafka Streams' time-windowed key layout).
std::optional<WindowKey> WindowKeyOf(const std::string& key) {
  if (key.size() < 8) return std::nullopt;
  int64_t start = 0;
  for (size_t i = key.size() - 8; i < key.size(); ++i) {
    start = (start << 8) | static_cast<unsigned char>(key[i]);
  }
  return WindowKey{key.substr(0, key.size() - 8), start};
}

int Run(const Args& args) {
  std::ifstream in(args.sql);
  if (!in) return Fail(absl::NotFoundError("cannot read " + args.sql));
  std::stringstream statements;
  statements << in.rdbuf();

  auto cluster = kstreams::examples::DemoCluster::Start({kClicks, kUsers}, kPartitions);
  if (!cluster.ok()) return Fail(cluster.status());
  const std::string bootstrap = (*cluster)->bootstrap();
  kstreams::examples::TempStateDir state_dir("kstreams-sql-clickstream");
  if (state_dir.path().empty()) {
    return Fail(absl::InternalError("cannot create a temporary state directory"));
  }
  kstreams::sql::Engine engine({.streams_config = {{"bootstrap.servers", bootstrap},
                                                   {"state.dir", state_dir.path()},
                                                   {"commit.interval.ms", "500"}}});
  const auto t0 = std::chrono::steady_clock::now();
  auto results = engine.Execute(statements.str());
  if (!results.ok()) return Fail(results.status());
  for (const auto& r : *results) std::printf("%s\n", r.message.c_str());
  const kstreams::sql::PersistentQuery* join = engine.FindQuery("CSAS_ENRICHED_CLICKS_0");
  if (join == nullptr) return Fail(absl::NotFoundError("no query CSAS_ENRICHED_CLICKS_0"));

  auto producer = kstreams::SimpleProducer::Create(
      {{"bootstrap.servers", bootstrap}, {"linger.ms", "5"}});
  if (!producer.ok()) return Fail(producer.status());

  // Users first; every 10th user is not in the table. The expected counts
  // are computed here, independently of the queries.
  const int64_t base_ms = kstreams::examples::DemoEventTimeMs();
  std::map<std::string, std::string> region_of;
  for (int64_t u = 0; u < args.users; ++u) {
    if (u % 10 == 9) continue;
    std::string user = "user-" + std::to_string(u);
    region_of[user] = kRegions[(u * 7) % 5];
    std::string value = "{\"NAME\":\"User " + std::to_string(u) + "\",\"REGION\":\"" +
                        region_of[user] + "\"}";
    if (absl::Status s = (*producer)->Send(kUsers, user, value, base_ms); !s.ok()) return Fail(s);
  }
  if (absl::Status s = (*producer)->Flush(absl::Seconds(60)); !s.ok()) return Fail(s);

  // The clicks go in once the join query's table holds every user (its
  // changelog has them all): a click joined before its user's record would
  // count as unknown.
  size_t logged = 0;
  absl::Status users_read = kstreams::examples::ReadFromBeginning(
      bootstrap, join->application_id + "-KafkaTopic_Right-Reduce-changelog", kPartitions,
      std::chrono::seconds(60), [&](const kstreams::TopicReader::Record&) { ++logged; },
      [&] { return logged >= region_of.size(); });
  if (!users_read.ok()) return Fail(users_read);
  if (logged < region_of.size()) {
    return Fail(absl::DeadlineExceededError("the users table did not load within 60 s"));
  }

  // A click every 250 ms of event time: five one-minute windows for 1000
  // clicks.
  std::map<WindowKey, int64_t> expected;
  for (int64_t c = 0; c < args.clicks; ++c) {
    std::string user = "user-" + std::to_string((c * 13) % args.users);
    int64_t ts = base_ms + c * 250;
    auto it = region_of.find(user);
    ++expected[{it == region_of.end() ? "unknown" : it->second, ts / kWindowMs * kWindowMs}];
    std::string value = "{\"PAGE\":\"/page/" + std::to_string(c % 50) + "\",\"TS\":" +
                        std::to_string(ts) + "}";
    if (absl::Status s = (*producer)->Send(kClicks, user, value, ts); !s.ok()) return Fail(s);
  }
  if (absl::Status s = (*producer)->Flush(absl::Seconds(60)); !s.ok()) return Fail(s);
  std::printf("produced %zu users, then %lld clicks (%d partitions) on %s\n", region_of.size(),
              static_cast<long long>(args.clicks), kPartitions, bootstrap.c_str());

  std::map<WindowKey, int64_t> counted;
  absl::Status read = kstreams::examples::ReadFromBeginning(
      bootstrap, kOutput, kPartitions, std::chrono::seconds(120),
      [&](const kstreams::TopicReader::Record& r) {
        std::optional<WindowKey> key = r.key ? WindowKeyOf(*r.key) : std::nullopt;
        std::optional<int64_t> n = r.value ? ClicksOf(*r.value) : std::nullopt;
        if (key && n) counted[*key] = *n;
      },
      [&] { return counted == expected; });
  if (!read.ok()) return Fail(read);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  // The same counts from the query's state store: a pull query per region.
  std::map<WindowKey, int64_t> pulled;
  for (const auto& [key, n] : expected) {
    if (pulled.count(key) != 0) continue;
    auto rows = engine.ExecutePull("SELECT region, WINDOWSTART, clicks FROM clicks_per_region "
                                   "WHERE region = '" + key.first + "';");
    if (!rows.ok()) return Fail(rows.status());
    for (const kstreams::sql::Row& row : rows->rows) {
      pulled[{row[0].str(), row[1].integer()}] = row[2].integer();
    }
  }
  engine.Close();

  std::printf("%-10s %-14s %8s %8s %8s\n", "region", "window start", "topic", "pulled",
              "expected");
  for (const auto& [key, n] : expected) {
    std::printf("%-10s %14lld %8lld %8lld %8lld\n", key.first.c_str(),
                static_cast<long long>(key.second - base_ms),
                static_cast<long long>(counted[key]), static_cast<long long>(pulled[key]),
                static_cast<long long>(n));
  }
  const bool ok = counted == expected && pulled == expected;
  std::printf("%s after %.2f s (window starts relative to the first click; including the group "
              "joins)\n",
              ok ? "counts match" : "COUNTS DIFFER", seconds);
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  kstreams::SetLogLevel(kstreams::LogLevel::kWarning);
  kstreams::examples::ParseFlags(
      argc, argv, "sql_clickstream",
      "usage: sql_clickstream [--kafka] [--users N] [--clicks N] [--sql FILE]", {},
      [&](const std::string& flag, const std::string& value) {
        if (flag == "--users") args.users = std::atoll(value.c_str());
        else if (flag == "--clicks") args.clicks = std::atoll(value.c_str());
        else if (flag == "--sql") args.sql = value;
        else return false;
        return true;
      });
  if (args.users < 1 || args.clicks < 1) {
    std::fprintf(stderr, "sql_clickstream: --users and --clicks must be positive\n");
    return 2;
  }
  return Run(args);
}
