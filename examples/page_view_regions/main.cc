// page_view_regions: Kafka's PageViewRegion example on kstreams: a KTable of
// user -> region and a stream of page views, aggregated per region.
//
//   page_view_regions --bootstrap-servers host:9092
//       Runs against a cluster until SIGINT/SIGTERM.
//   page_view_regions [--users N] [--views N] [--partitions P]
//       Without --bootstrap-servers: starts an in-process EmbeddedKafka,
//       creates the topics, produces sample users and page views, runs the
//       topology until both results, read back with a TopicReader and
//       queried with KafkaStreams::Store, equal what is computed here
//       independently, prints them and exits (0 when they agree).
//
// The topology:
//   user-regions (user -> region) as a KTable "user-regions-store"
//     -> GroupBy(region) -> Count "users-per-region"   (a user who moves is
//        subtracted from the old region and added to the new one)
//   page-views (user -> page)
//     -> LeftJoin(the KTable): the user's region, or "unknown"
//     -> SelectKey(region) -> GroupByKey (repartitions by region)
//     -> Count "views-per-region"
// Both counts also go to the topics of the same names.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/embedded_demo.h"
#include "kstreams/kafka/simple_producer.h"
#include "kstreams/kstreams.h"

namespace {

struct Args {
  std::string bootstrap;
  int64_t users = 200;
  int64_t views = 5000;
  int32_t partitions = 4;
};

using Counts = std::map<std::string, int64_t>;

kstreams::Topology PageViewRegions() {
  kstreams::StreamsBuilder builder;
  auto users = builder.Table<std::string, std::string>(
      "user-regions", kstreams::Materialized<std::string, std::string>::As("user-regions-store"));
  users
      .GroupBy([](const std::string& user, const std::string& region) {
        return kstreams::KeyValue<std::string, std::string>{region, user};
      })
      .Count(kstreams::Materialized<std::string, int64_t>::As("users-per-region"))
      .ToStream()
      .To("users-per-region");
  builder.Stream<std::string, std::string>("page-views")
      .LeftJoin(users,
                [](const std::string& /*page*/, const std::optional<std::string>& region) {
                  return region.value_or("unknown");
                })
      .SelectKey([](const std::string& /*user*/, const std::string& region) { return region; })
      .GroupByKey()
      .Count(kstreams::Materialized<std::string, int64_t>::As("views-per-region"))
      .ToStream()
      .To("views-per-region");
  return builder.Build();
}

int Fail(const absl::Status& s) {
  std::fprintf(stderr, "page_view_regions: %s\n", std::string(s.message()).c_str());
  return 1;
}

kstreams::StreamsConfig BaseConfig(const std::string& bootstrap) {
  return kstreams::StreamsConfig{{"application.id", "kstreams-page-view-regions"},
                                 {"bootstrap.servers", bootstrap}};
}

int RunAgainstCluster(const Args& args) {
  kstreams::KafkaStreams streams(PageViewRegions(), BaseConfig(args.bootstrap));
  return kstreams::examples::RunUntilSignal(streams, "page_view_regions");
}

// Everything a KafkaStreams store holds, or nullopt while not queryable.
std::optional<Counts> Query(const kstreams::KafkaStreams& streams, const std::string& store) {
  auto handle = streams.Store<kstreams::ReadOnlyKeyValueStore<std::string, int64_t>>(store);
  if (!handle.ok()) return std::nullopt;
  try {
    Counts out;
    for (auto& [k, v] : (*handle)->All().ToVector()) {
      if (v != 0) out[k] = v;  // a region everyone left counts 0
    }
    return out;
  } catch (const kstreams::StateStoreException&) {
    return std::nullopt;
  }
}

int RunEmbedded(const Args& args) {
  auto cluster = kstreams::examples::DemoCluster::Start(
      {"user-regions", "page-views", "users-per-region", "views-per-region"}, args.partitions);
  if (!cluster.ok()) return Fail(cluster.status());
  const std::string bootstrap = (*cluster)->bootstrap();
  auto producer = kstreams::SimpleProducer::Create(
      {{"bootstrap.servers", bootstrap}, {"linger.ms", "5"}});
  if (!producer.ok()) return Fail(producer.status());

  // Users get a region, then every fifth moves; views come from known users
  // and, one in fifty, from users the table does not know. Expected results
  // are computed here from that input.
  static const char* kRegions[] = {"europe", "asia", "americas", "africa", "oceania"};
  std::map<std::string, std::string> region_of;
  int64_t ts = kstreams::examples::DemoEventTimeMs();
  auto send = [&](const std::string& topic, const std::string& key, const std::string& value) {
    return (*producer)->Send(topic, key, value, ts++);
  };
  for (int64_t u = 0; u < args.users; ++u) {
    std::string user = "user-" + std::to_string(u);
    region_of[user] = kRegions[u % 5];
    if (absl::Status s = send("user-regions", user, region_of[user]); !s.ok()) return Fail(s);
  }
  for (int64_t u = 0; u < args.users; u += 5) {
    std::string user = "user-" + std::to_string(u);
    region_of[user] = kRegions[(u / 5 + 2) % 5];
    if (absl::Status s = send("user-regions", user, region_of[user]); !s.ok()) return Fail(s);
  }
  Counts users_per_region, views_per_region;
  for (const auto& [user, region] : region_of) ++users_per_region[region];
  for (int64_t v = 0; v < args.views; ++v) {
    std::string user = v % 50 == 49 ? "stranger-" + std::to_string(v)
                                    : "user-" + std::to_string((v * 7) % args.users);
    auto known = region_of.find(user);
    ++views_per_region[known == region_of.end() ? "unknown" : known->second];
    std::string page = "/page/" + std::to_string(v % 37);
    if (absl::Status s = send("page-views", user, page); !s.ok()) return Fail(s);
  }
  if (absl::Status s = (*producer)->Flush(absl::Seconds(60)); !s.ok()) return Fail(s);
  std::printf("produced %lld users (%lld region updates) and %lld page views on %s\n",
              static_cast<long long>(args.users),
              static_cast<long long>(args.users + (args.users + 4) / 5),
              static_cast<long long>(args.views), bootstrap.c_str());

  kstreams::examples::TempStateDir state_dir("kstreams-page-view-regions");
  if (state_dir.path().empty()) {
    return Fail(absl::InternalError("cannot create a temporary state directory"));
  }
  kstreams::StreamsConfig config = BaseConfig(bootstrap);
  config.Set("commit.interval.ms", "200")
      .Set("state.dir", state_dir.path())
      // The users and the views of a task are merged in timestamp order; a
      // task waits this long for an input partition that has no data yet.
      .Set("max.task.idle.ms", "1000");
  kstreams::KafkaStreams streams(PageViewRegions(), config);
  if (absl::Status s = streams.Start(); !s.ok()) return Fail(s);

  // Read both output topics back (latest count per region) until they and
  // the stores agree with the expected results.
  std::map<std::string, Counts> from_topics;
  std::optional<Counts> users_store, views_store;
  auto agree = [&] {
    users_store = Query(streams, "users-per-region");
    views_store = Query(streams, "views-per-region");
    Counts users_topic, views_topic;
    for (const auto& [k, v] : from_topics["users-per-region"]) {
      if (v != 0) users_topic[k] = v;
    }
    views_topic = from_topics["views-per-region"];
    return users_store == users_per_region && views_store == views_per_region &&
           users_topic == users_per_region && views_topic == views_per_region;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  bool ok = false;
  while (!ok && std::chrono::steady_clock::now() < deadline &&
         streams.state() != kstreams::KafkaStreams::State::kError) {
    for (const char* topic : {"users-per-region", "views-per-region"}) {
      Counts& latest = from_topics[topic];
      latest.clear();
      absl::Status read = kstreams::examples::ReadFromBeginning(
          bootstrap, topic, args.partitions, std::chrono::seconds(2),
          [&](const kstreams::TopicReader::Record& r) {
            if (!r.key) return;
            if (!r.value) {
              latest.erase(*r.key);
              return;
            }
            absl::StatusOr<int64_t> n = kstreams::serdes::Int64()->Deserialize(topic, *r.value);
            if (n.ok()) latest[*r.key] = *n;
          },
          [] { return false; });
      if (!read.ok()) return Fail(read);
    }
    ok = agree();
  }
  streams.Close(absl::Seconds(30));

  std::printf("%-10s %8s %8s   %8s %8s\n", "region", "users", "expected", "views", "expected");
  Counts regions = views_per_region;
  regions.insert(users_per_region.begin(), users_per_region.end());
  for (const auto& [region, unused] : regions) {
    auto get = [&](const std::optional<Counts>& c) -> long long {
      if (!c) return -1;
      auto it = c->find(region);
      return it == c->end() ? 0 : it->second;
    };
    std::printf("%-10s %8lld %8lld   %8lld %8lld\n", region.c_str(), get(users_store),
                get(users_per_region), get(views_store), get(views_per_region));
  }
  std::printf("%s (queried with KafkaStreams::Store and read back from the output topics)\n",
              ok ? "results match" : "RESULTS DIFFER");
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  kstreams::SetLogLevel(kstreams::LogLevel::kWarning);
  kstreams::examples::ParseFlags(
      argc, argv, "page_view_regions",
      "usage: page_view_regions [--kafka | --bootstrap-servers HOSTS] [--users N] [--views N] "
      "[--partitions P]",
      {}, [&](const std::string& flag, const std::string& value) {
        if (flag == "--bootstrap-servers") args.bootstrap = value;
        else if (flag == "--users") args.users = std::atoll(value.c_str());
        else if (flag == "--views") args.views = std::atoll(value.c_str());
        else if (flag == "--partitions") args.partitions = std::atoi(value.c_str());
        else return false;
        return true;
      });
  if (args.users < 1 || args.views < 0 || args.partitions < 1) {
    std::fprintf(stderr, "page_view_regions: --users and --partitions must be positive\n");
    return 2;
  }
  return args.bootstrap.empty() ? RunEmbedded(args) : RunAgainstCluster(args);
}
