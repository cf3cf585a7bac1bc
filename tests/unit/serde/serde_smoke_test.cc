#include "kstreams/kstreams.h"
#include "gtest/gtest.h"
namespace {
TEST(SerdeSmoke, Int32IsBigEndian) {
  std::string out;
  ASSERT_TRUE(kstreams::serdes::Int32()->Serialize("t", 42, out).ok());
  EXPECT_EQ(out, std::string("\x00\x00\x00\x2a", 4));
}
}  // namespace
