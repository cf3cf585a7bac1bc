#include <string>

#include "common/status_matchers.h"
#include "gtest/gtest.h"
#include "kstreams/kstreams.h"
#include "kstreams/testing/topology_test_driver.h"

namespace {

// MapValues to the same value type reuses the record; key, timestamp and
// headers must come out exactly as they went in.
TEST(MapValues, SameTypeKeepsKeyTimestampAndHeaders) {
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("in")
      .MapValues([](const std::string& key, std::string v) { return key + "/" + v + "!"; })
      .To("out");
  kstreams::TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  auto out = driver.CreateOutputTopic<std::string, std::string>("out");
  kstreams::Headers headers;
  headers.Add("h1", "x").Add("h2", std::nullopt);
  KSTREAMS_ASSERT_OK(in.PipeInput("k", "v", 42, headers));
  auto r = out.ReadRecord();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->key, "k");
  EXPECT_EQ(r->value, "k/v!");
  EXPECT_EQ(r->timestamp, 42);
  EXPECT_EQ(r->headers, headers);
  EXPECT_TRUE(out.IsEmpty());
}

}  // namespace
