// Parameter objects' setters work on a named variable (mutating it, as
// Java's builders do) and on a temporary (issue 16: `m.WithCachingDisabled()`
// used to fail to compile with "discards qualifiers").
#include <chrono>
#include <string>
#include <utility>

#include "gtest/gtest.h"
#include "kstreams/kstreams.h"

namespace {

using kstreams::Grouped;
using kstreams::Joined;
using kstreams::Materialized;
using kstreams::Produced;
using kstreams::Repartitioned;
using kstreams::StoreQueryParameters;
using kstreams::StreamJoined;
using kstreams::Suppressed;

TEST(ParameterObjects, MaterializedSettersWorkOnANamedVariableAndOnATemporary) {
  auto m = Materialized<std::string, int64_t>::As("counts");
  m.WithCachingDisabled().WithLoggingDisabled();  // chains on the variable
  EXPECT_FALSE(m.caching_enabled());
  EXPECT_FALSE(m.logging_enabled());
  Materialized<std::string, int64_t> copy = m.WithCachingEnabled();
  EXPECT_TRUE(copy.caching_enabled());
  EXPECT_TRUE(m.caching_enabled());
  auto moved = std::move(m).WithLoggingEnabled({{"min.insync.replicas", "2"}});
  EXPECT_TRUE(moved.logging_enabled());
  EXPECT_EQ(moved.log_config().at("min.insync.replicas"), "2");
  EXPECT_EQ(moved.store_name(), std::optional<std::string>("counts"));
}

TEST(ParameterObjects, OtherParameterObjectsTakeSettersOnNamedVariables) {
  Grouped<std::string, int64_t> g;
  g.WithName("by-user");
  EXPECT_EQ(g.name(), std::optional<std::string>("by-user"));

  Produced<std::string, int64_t> p;
  p.WithName("sink");
  EXPECT_EQ(p.name(), std::optional<std::string>("sink"));

  Joined<std::string, int64_t, std::string> j;
  j.WithName("enrich").WithGracePeriod(std::chrono::milliseconds(5));
  EXPECT_EQ(j.name(), std::optional<std::string>("enrich"));
  EXPECT_EQ(j.grace_period(), std::optional<std::chrono::milliseconds>(5));

  auto sj = StreamJoined<std::string, int64_t, int64_t>::As("join-store");
  sj.WithName("join").WithLoggingDisabled();
  EXPECT_EQ(sj.name(), std::optional<std::string>("join"));
  EXPECT_FALSE(sj.logging_enabled());

  Repartitioned<std::string, int64_t> r;
  r.WithNumberOfPartitions(3);
  EXPECT_EQ(r.partitions(), std::optional<int32_t>(3));

  auto params = StoreQueryParameters::FromName("counts");
  params.WithPartition(2).EnableStaleStores();
  EXPECT_EQ(params.partition(), std::optional<int32_t>(2));
  EXPECT_TRUE(params.stale_stores_enabled());

  // Suppressed's setter returns a changed copy (it is const), so it works on
  // a named variable too.
  const auto s = Suppressed::UntilWindowCloses(kstreams::BufferConfig::Unbounded());
  EXPECT_EQ(s.WithName("final").name(), std::optional<std::string>("final"));
}

}  // namespace
