// page_view_enrichment: Kafka Streams' classic stream-table join demo, on
// kstreams. Page views (user -> page) are enriched with the user's region
// from a users table (user -> region) and counted per region.
//
//   page_view_enrichment --bootstrap-servers host:9092
//       Runs against a cluster (topics page-views, users, views-per-region)
//       until SIGINT/SIGTERM.
//   page_view_enrichment [--users N] [--views N] [--partitions P]
//       Without --bootstrap-servers: starts an in-process EmbeddedKafka,
//       creates the topics, produces N users and N page views, runs the
//       topology until the latest count of every region read back from the
//       output topic equals the count computed here independently, prints
//       them and exits (0 when they agree).
//
// The sample input is produced and the output read back with
// kstreams::SimpleProducer and kstreams::TopicReader (kstreams/kafka/), small
// public helpers; a real application would use any Kafka client for that.
// Everything here is the installed public API.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>

#include "common/embedded_demo.h"
#include "kstreams/kafka/simple_producer.h"
#include "kstreams/kstreams.h"

namespace {

constexpr char kViews[] = "page-views";
constexpr char kUsers[] = "users";
constexpr char kOutput[] = "views-per-region";
const char* const kRegions[] = {"europe", "americas", "asia", "africa", "oceania"};

struct Args {
  std::string bootstrap;
  int64_t users = 200;
  int64_t views = 5000;
  int32_t partitions = 4;
};

// views: user -> page; users: user -> region. Views of unknown users count
// for region "unknown" (a left join).
kstreams::Topology PageViewEnrichment() {
  kstreams::StreamsBuilder builder;
  auto users = builder.Table<std::string, std::string>(
      kUsers, kstreams::Materialized<std::string, std::string>::As("users"));
  builder.Stream<std::string, std::string>(kViews)
      .LeftJoin(users,
                [](const std::string&, const std::optional<std::string>& region) {
                  return region.value_or("unknown");
                })
      .GroupBy([](const std::string&, const std::string& region) { return region; })
      .Count(kstreams::Materialized<std::string, int64_t>::As("views-per-region"))
      .ToStream()
      .To(kOutput);
  return builder.Build();
}

int Fail(const absl::Status& s) {
  std::fprintf(stderr, "page_view_enrichment: %s\n", std::string(s.message()).c_str());
  return 1;
}

int RunAgainstCluster(const Args& args) {
  kstreams::KafkaStreams streams(PageViewEnrichment(),
                                 kstreams::StreamsConfig{{"application.id", "page-view-enrichment"},
                                                         {"bootstrap.servers", args.bootstrap}});
  return kstreams::examples::RunUntilSignal(streams, "page_view_enrichment");
}

int RunEmbedded(const Args& args) {
  auto cluster =
      kstreams::examples::DemoCluster::Start({kViews, kUsers, kOutput}, args.partitions);
  if (!cluster.ok()) return Fail(cluster.status());
  const std::string bootstrap = (*cluster)->bootstrap();
  auto producer = kstreams::SimpleProducer::Create(
      {{"bootstrap.servers", bootstrap}, {"linger.ms", "5"}});
  if (!producer.ok()) return Fail(producer.status());

  // Users first; every 10th user has no region on record. Expected counts
  // are computed here, independently of the topology.
  const int64_t base_ms = kstreams::examples::DemoEventTimeMs();
  std::map<std::string, std::string> region_of;
  for (int64_t u = 0; u < args.users; ++u) {
    if (u % 10 == 9) continue;
    std::string user = "user-" + std::to_string(u);
    region_of[user] = kRegions[(u * 7) % 5];
    if (absl::Status s = (*producer)->Send(kUsers, user, region_of[user], base_ms + u);
        !s.ok()) {
      return Fail(s);
    }
  }
  if (absl::Status s = (*producer)->Flush(absl::Seconds(60)); !s.ok()) return Fail(s);

  kstreams::examples::TempStateDir state_dir("kstreams-page-views");
  if (state_dir.path().empty()) {
    return Fail(absl::InternalError("cannot create a temporary state directory"));
  }
  kstreams::KafkaStreams streams(PageViewEnrichment(),
                                 kstreams::StreamsConfig{{"application.id", "page-view-enrichment"},
                                                         {"bootstrap.servers", bootstrap},
                                                         {"commit.interval.ms", "500"},
                                                         {"state.dir", state_dir.path()}});
  const auto t0 = std::chrono::steady_clock::now();
  if (absl::Status s = streams.Start(); !s.ok()) return Fail(s);

  // The views go in once every user is in the table (its changelog has them
  // all): a view processed before its user's record would count as unknown.
  size_t logged = 0;
  absl::Status users_read = kstreams::examples::ReadFromBeginning(
      bootstrap, "page-view-enrichment-users-changelog", args.partitions, std::chrono::seconds(60),
      [&](const kstreams::TopicReader::Record&) { ++logged; },
      [&] { return logged >= region_of.size(); });
  if (!users_read.ok()) return Fail(users_read);
  if (logged < region_of.size()) {
    return Fail(absl::DeadlineExceededError("the users table did not load within 60 s"));
  }
  std::map<std::string, int64_t> expected;
  for (int64_t v = 0; v < args.views; ++v) {
    std::string user = "user-" + std::to_string((v * 13) % args.users);
    auto it = region_of.find(user);
    ++expected[it == region_of.end() ? "unknown" : it->second];
    if (absl::Status s =
            (*producer)->Send(kViews, user, "/page/" + std::to_string(v % 50), base_ms + 100000 + v);
        !s.ok()) {
      return Fail(s);
    }
  }
  if (absl::Status s = (*producer)->Flush(absl::Seconds(60)); !s.ok()) return Fail(s);
  std::printf("produced %lld users, then %lld page views (%d partitions) on %s\n",
              static_cast<long long>(region_of.size()), static_cast<long long>(args.views),
              args.partitions, bootstrap.c_str());

  std::map<std::string, int64_t> counts;
  absl::Status read = kstreams::examples::ReadFromBeginning(
      bootstrap, kOutput, args.partitions, std::chrono::seconds(120),
      [&](const kstreams::TopicReader::Record& r) {
        absl::StatusOr<int64_t> count =
            kstreams::serdes::Int64()->Deserialize(kOutput, r.value.value_or(""));
        if (r.key && count.ok()) counts[*r.key] = *count;
      },
      [&] {
        return counts == expected || streams.state() == kstreams::KafkaStreams::State::kError;
      });
  if (!read.ok()) return Fail(read);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  streams.Close(absl::Seconds(30));

  std::printf("%-10s %8s %8s\n", "region", "counted", "expected");
  for (const auto& [region, n] : expected) {
    std::printf("%-10s %8lld %8lld\n", region.c_str(), static_cast<long long>(counts[region]),
                static_cast<long long>(n));
  }
  std::printf("%s after %.2f s (including the group join)\n",
              counts == expected ? "counts match" : "COUNTS DIFFER", seconds);
  return counts == expected ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  kstreams::SetLogLevel(kstreams::LogLevel::kWarning);
  kstreams::examples::ParseFlags(
      argc, argv, "page_view_enrichment",
      "usage: page_view_enrichment [--kafka | --bootstrap-servers HOSTS] [--users N] [--views N] "
      "[--partitions P]",
      {}, [&](const std::string& flag, const std::string& value) {
        if (flag == "--bootstrap-servers") args.bootstrap = value;
        else if (flag == "--users") args.users = std::atoll(value.c_str());
        else if (flag == "--views") args.views = std::atoll(value.c_str());
        else if (flag == "--partitions") args.partitions = std::atoi(value.c_str());
        else return false;
        return true;
      });
  if (args.users < 1 || args.views < 1 || args.partitions < 1) {
    std::fprintf(stderr, "page_view_enrichment: --users, --views and --partitions must be positive\n");
    return 2;
  }
  return args.bootstrap.empty() ? RunEmbedded(args) : RunAgainstCluster(args);
}
