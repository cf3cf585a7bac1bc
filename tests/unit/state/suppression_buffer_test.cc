// The suppression buffer: ordering, Java's non-resetting puts, size
// accounting, and restoration from its own (V3) changelog.
#include "kstreams/state/internal/suppression_buffer.h"

#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "unit/state/test_store_context.h"

namespace kstreams::internal {
namespace {

using ::testing::ElementsAre;

struct Evicted {
  std::string key;
  std::optional<std::string> new_value, old_value;
  int64_t timestamp;
  friend bool operator==(const Evicted&, const Evicted&) = default;
};

BufferedContext Context(int64_t ts) {
  BufferedContext c;
  c.timestamp = ts;
  c.offset = ts;
  c.topic = "t";
  c.partition = 0;
  return c;
}

std::vector<Evicted> EvictAll(SuppressionBuffer& buffer) {
  std::vector<Evicted> out;
  buffer.EvictWhile([] { return true; }, [&](const BufferEviction& e) {
    Evicted x{std::string(e.key), std::nullopt, std::nullopt, e.context->timestamp};
    if (e.new_value) x.new_value = std::string(*e.new_value);
    if (e.old_value) x.old_value = std::string(*e.old_value);
    out.push_back(std::move(x));
  });
  return out;
}

TEST(SuppressionBuffer, EvictsByBufferTimeThenKeyAndKeepsAKeysFirstTime) {
  testing::TestStoreContext context;
  auto buffer = NewInMemorySuppressionBuffer("buf", true);
  KSTREAMS_ASSERT_OK(buffer->Init(context));
  buffer->Put(5, "b", "b1", std::nullopt, Context(10));
  buffer->Put(5, "a", "a1", std::nullopt, Context(11));
  buffer->Put(3, "c", "c1", std::nullopt, Context(12));
  buffer->Put(1, "b", "b2", "b1", Context(13));  // b keeps buffer time 5
  EXPECT_EQ(buffer->min_timestamp(), 3);
  EXPECT_EQ(buffer->num_records(), 3);
  EXPECT_THAT(EvictAll(*buffer),
              ElementsAre(Evicted{"c", "c1", std::nullopt, 12}, Evicted{"a", "a1", std::nullopt, 11},
                          Evicted{"b", "b2", "b1", 13}));
  EXPECT_EQ(buffer->num_records(), 0);
  EXPECT_EQ(buffer->min_timestamp(), std::numeric_limits<int64_t>::max());
}

TEST(SuppressionBuffer, SizeIsKeyValuesContextAndBufferTimeAsJava) {
  testing::TestStoreContext context;
  auto buffer = NewInMemorySuppressionBuffer("buf", false);
  KSTREAMS_ASSERT_OK(buffer->Init(context));
  // 8 (time) + 1 (key) + 2 (new) + 8 + 8 + 1 (topic "t") + 4 (partition) = 32
  buffer->Put(0, "k", "vv", std::nullopt, Context(0));
  EXPECT_EQ(buffer->buffer_size_bytes(), 32);
  // Replaced: the prior stays the first put's old value (none); old "vv", new
  // "www": 8 + 1 + 2 + 3 + 21 = 35.
  buffer->Put(0, "k", "www", "vv", Context(0));
  EXPECT_EQ(buffer->buffer_size_bytes(), 35);
  // A first put whose old value is its prior counts it once: 8 + 1 + 2 + 1 + 21.
  buffer->Put(0, "j", "n", "vv", Context(0));
  EXPECT_EQ(buffer->buffer_size_bytes(), 35 + 33);
}

TEST(SuppressionBuffer, RestoresFromItsChangelogAndForgetsEvictedKeys) {
  testing::TestStoreContext context;
  auto buffer = NewInMemorySuppressionBuffer("buf", true);
  KSTREAMS_ASSERT_OK(buffer->Init(context));
  BufferedContext with_header = Context(7);
  with_header.headers.Add("h", std::string("x"));
  buffer->Put(20, "a", "a1", "a0", with_header);
  buffer->Put(10, "b", "b1", std::nullopt, Context(8));
  buffer->Put(30, "c", std::nullopt, "c0", Context(9));  // a delete waiting to go out
  KSTREAMS_ASSERT_OK(buffer->FlushCache());
  buffer->EvictWhile([&] { return buffer->min_timestamp() <= 10; },
                     [](const BufferEviction&) {});  // b leaves
  KSTREAMS_ASSERT_OK(buffer->FlushCache());
  const auto& log = context.changelog("buf");
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[3].key, "b");
  EXPECT_EQ(log[3].value, std::nullopt);
  ASSERT_NE(log[0].headers.LastHeader("v"), nullptr);

  testing::TestStoreContext fresh;
  auto restored = NewInMemorySuppressionBuffer("buf", true);
  KSTREAMS_ASSERT_OK(restored->Init(fresh));
  KSTREAMS_ASSERT_OK(fresh.Restore("buf", log));
  EXPECT_EQ(restored->num_records(), 2);
  EXPECT_EQ(restored->buffer_size_bytes(), buffer->buffer_size_bytes());
  std::vector<BufferedContext> contexts;
  std::vector<Evicted> evicted;
  restored->EvictWhile([] { return true; }, [&](const BufferEviction& e) {
    contexts.push_back(*e.context);
    Evicted x{std::string(e.key), std::nullopt, std::nullopt, e.context->timestamp};
    if (e.new_value) x.new_value = std::string(*e.new_value);
    if (e.old_value) x.old_value = std::string(*e.old_value);
    evicted.push_back(std::move(x));
  });
  EXPECT_THAT(evicted, ElementsAre(Evicted{"a", "a1", "a0", 7},
                                   Evicted{"c", std::nullopt, "c0", 9}));
  EXPECT_EQ(contexts[0].topic, "t");
  EXPECT_EQ(contexts[0].offset, 7);
  EXPECT_EQ(contexts[0].headers, (Headers{{"h", std::string("x")}}));
}

TEST(SuppressionBuffer, CorruptChangelogRecordNamesStoreAndOffset) {
  testing::TestStoreContext context;
  auto buffer = NewInMemorySuppressionBuffer("buf", true);
  KSTREAMS_ASSERT_OK(buffer->Init(context));
  absl::Status s = context.Restore("buf", {{"k", std::string("short"), 0}});
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(std::string(s.message()),
            "suppression buffer 'buf': changelog record at offset 0 is not a V3 buffer entry "
            "(5 bytes)");
}

}  // namespace
}  // namespace kstreams::internal
