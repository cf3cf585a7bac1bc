// Record and Headers: ordered headers with duplicate keys and null values.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/processor/record.h"

namespace {

using kstreams::Header;
using kstreams::Headers;
using kstreams::Record;
using ::testing::ElementsAre;

TEST(HeadersTest, KeepOrderDuplicatesAndNullValues) {
  Headers h;
  h.Add("a", "1").Add("b", std::nullopt).Add("a", "2");
  EXPECT_THAT(h, ElementsAre(Header{"a", "1"}, Header{"b", std::nullopt}, Header{"a", "2"}));
  ASSERT_NE(h.LastHeader("a"), nullptr);
  EXPECT_EQ(h.LastHeader("a")->value, "2");
  EXPECT_EQ(h.LastHeader("zz"), nullptr);
  EXPECT_THAT(h.All("a"), ElementsAre(Header{"a", "1"}, Header{"a", "2"}));
  h.Remove("a");
  EXPECT_THAT(h, ElementsAre(Header{"b", std::nullopt}));
  EXPECT_EQ(h.size(), 1u);
}

TEST(HeadersTest, ValuesAreBytes) {
  Headers h{{"bin", std::string("\x00\xFF", 2)}};
  EXPECT_EQ(h.LastHeader("bin")->value->size(), 2u);
}

TEST(RecordTest, WithReplacesOnePartAndKeepsTheRest) {
  Record<std::string, int> r("k", 1, 100, Headers{{"h", "v"}});
  Record<int, int> rekeyed = r.WithKey(7);
  EXPECT_EQ(rekeyed.key(), 7);
  EXPECT_EQ(rekeyed.value(), 1);
  EXPECT_EQ(rekeyed.timestamp(), 100);
  EXPECT_EQ(rekeyed.headers(), (Headers{{"h", "v"}}));
  Record<std::string, std::string> revalued = r.WithValue(std::string("x"));
  EXPECT_EQ(revalued.key(), "k");
  EXPECT_EQ(revalued.value(), "x");
  EXPECT_EQ(r.WithTimestamp(5).timestamp(), 5);
  EXPECT_TRUE(r.WithHeaders({}).headers().empty());
  // The original is unchanged by the const& forms.
  EXPECT_EQ(r, (Record<std::string, int>("k", 1, 100, Headers{{"h", "v"}})));
  Record<std::string, int> moved = std::move(r).WithTimestamp(9);
  EXPECT_EQ(moved.key(), "k");
  EXPECT_EQ(moved.timestamp(), 9);
}

}  // namespace
