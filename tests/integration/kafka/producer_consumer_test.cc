// Producer / Consumer / Admin wrappers against an EmbeddedKafka.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kafka/admin.h"
#include "kafka/consumer.h"
#include "kafka/kafka_common.h"
#include "kafka/producer.h"
#include "integration/kafka/kafka_test_util.h"
#include "kstreams/kafka/embedded_kafka.h"

namespace kstreams {
namespace {

using internal::ConsumerRecord;
using internal::OwnedHeader;
using internal::Producer;
using internal::TimestampType;
using kafka_test::ProducerConfig;
using kafka_test::ReadTopic;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ProducerConsumerTest, RoundTripKeepsKeysNullsHeadersAndTimestamps) {
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto kafka, EmbeddedKafka::Start());
  KSTREAMS_ASSERT_OK(kafka->CreateTopic("round-trip", 1));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto producer,
                                Producer::Create(ProducerConfig(kafka->BootstrapServers())));

  KSTREAMS_ASSERT_OK(producer->Send("round-trip", 0, "k1", "v1", 1000,
                                    {{"h1", "a"}, {"h2", std::nullopt}, {"h1", ""}}));
  KSTREAMS_ASSERT_OK(producer->Send("round-trip", 0, "k2", std::nullopt, 2000, {}));
  KSTREAMS_ASSERT_OK(producer->Send("round-trip", 0, std::nullopt, "v3", 3000, {}));
  KSTREAMS_ASSERT_OK(producer->Send("round-trip", 0, "", "", 4000, {}));
  KSTREAMS_ASSERT_OK(producer->Flush(absl::Seconds(10)));
  KSTREAMS_ASSERT_OK(producer->TakeDeliveryStatus());
  EXPECT_EQ(producer->delivery_counts().sent, 4);
  EXPECT_EQ(producer->delivery_counts().acked, 4);
  EXPECT_EQ(producer->delivery_counts().failed, 0);

  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto records,
                                ReadTopic(kafka->BootstrapServers(), "round-trip", 1, 4));
  ASSERT_EQ(records.size(), 4u);
  const ConsumerRecord& r0 = records[0];
  EXPECT_EQ(r0.topic, "round-trip");
  EXPECT_EQ(r0.partition, 0);
  EXPECT_EQ(r0.offset, 0);
  EXPECT_EQ(r0.key, "k1");
  EXPECT_EQ(r0.value, "v1");
  EXPECT_EQ(r0.timestamp, 1000);
  EXPECT_EQ(r0.timestamp_type, TimestampType::kCreateTime);
  EXPECT_THAT(r0.headers, ElementsAre(OwnedHeader{"h1", "a"}, OwnedHeader{"h2", std::nullopt},
                                      OwnedHeader{"h1", ""}));
  EXPECT_EQ(records[1].key, "k2");
  EXPECT_EQ(records[1].value, std::nullopt);  // tombstone
  EXPECT_EQ(records[1].timestamp, 2000);
  EXPECT_TRUE(records[1].headers.empty());
  EXPECT_EQ(records[2].key, std::nullopt);
  EXPECT_EQ(records[2].value, "v3");
  EXPECT_EQ(records[3].key, std::optional<std::string>(""));  // empty, not null
  EXPECT_EQ(records[3].value, std::optional<std::string>(""));
  EXPECT_EQ(records[3].offset, 3);
}

TEST(ProducerConsumerTest, PollViewsSeesRecordsInPlace) {
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto kafka, EmbeddedKafka::Start());
  KSTREAMS_ASSERT_OK(kafka->CreateTopic("views", 1));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto producer,
                                Producer::Create(ProducerConfig(kafka->BootstrapServers())));
  KSTREAMS_ASSERT_OK(producer->Send("views", 0, "k", std::nullopt, 7, {{"h", std::nullopt}}));
  KSTREAMS_ASSERT_OK(producer->Send("views", 0, std::nullopt, "v", 8, {}));
  KSTREAMS_ASSERT_OK(producer->Flush(absl::Seconds(10)));

  internal::ConsumerOptions options;
  options.config = {{"bootstrap.servers", kafka->BootstrapServers()}};
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto consumer, internal::Consumer::Create(std::move(options)));
  KSTREAMS_ASSERT_OK(consumer->Assign({{{"views", 0}, internal::kOffsetBeginning}}));
  std::vector<internal::MessageBatch> batches;
  size_t total = 0;
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (total < 2 && absl::Now() < deadline) {
    KSTREAMS_ASSERT_OK_AND_ASSIGN(auto batch, consumer->PollViews(10, absl::Milliseconds(100)));
    total += batch.size();
    if (!batch.empty()) batches.push_back(std::move(batch));
  }
  ASSERT_EQ(total, 2u);
  std::vector<internal::RecordView> views;
  std::vector<std::vector<internal::HeaderView>> headers;
  for (const auto& b : batches) {
    for (size_t i = 0; i < b.size(); ++i) {
      views.push_back(b[i]);
      headers.push_back(b.Headers(i));
    }
  }
  EXPECT_EQ(views[0].topic, "views");
  EXPECT_EQ(views[0].key, std::optional<std::string_view>("k"));
  EXPECT_EQ(views[0].value, std::nullopt);
  EXPECT_EQ(views[0].timestamp, 7);
  ASSERT_EQ(headers[0].size(), 1u);
  EXPECT_EQ(headers[0][0].key, "h");
  EXPECT_EQ(headers[0][0].value, std::nullopt);
  EXPECT_EQ(views[1].key, std::nullopt);
  EXPECT_EQ(views[1].value, std::optional<std::string_view>("v"));
  EXPECT_EQ(views[1].offset, 1);
}

TEST(ProducerConsumerTest, CreatedTopicHasExactPartitionCount) {
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto kafka, EmbeddedKafka::Start(3));
  KSTREAMS_ASSERT_OK(kafka->CreateTopic("seven", 7, 3));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto admin,
                                internal::Admin::Create({{"bootstrap.servers",
                                                          kafka->BootstrapServers()}}));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(std::optional<int32_t> count, admin->PartitionCount("seven"));
  EXPECT_EQ(count, 7);
  KSTREAMS_ASSERT_OK_AND_ASSIGN(std::optional<int32_t> missing,
                                admin->PartitionCount("no-such-topic"));
  EXPECT_EQ(missing, std::nullopt);
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto producer,
                                Producer::Create(ProducerConfig(kafka->BootstrapServers())));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(int32_t from_producer, producer->PartitionCount("seven"));
  EXPECT_EQ(from_producer, 7);
  EXPECT_TRUE(absl::IsNotFound(producer->PartitionCount("no-such-topic").status()));
  // Asking did not auto-create it.
  KSTREAMS_ASSERT_OK_AND_ASSIGN(missing, admin->PartitionCount("no-such-topic"));
  EXPECT_EQ(missing, std::nullopt);
}

TEST(ProducerConsumerTest, CreateTopicTwiceIsAlreadyExists) {
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto kafka, EmbeddedKafka::Start());
  KSTREAMS_ASSERT_OK(kafka->CreateTopic("twice", 2));
  EXPECT_TRUE(absl::IsAlreadyExists(kafka->CreateTopic("twice", 2)));
  EXPECT_TRUE(absl::IsInvalidArgument(kafka->CreateTopic("bad", 0)));
  EXPECT_TRUE(absl::IsInvalidArgument(kafka->CreateTopic("bad", 1, /*replication=*/2)));
}

TEST(ProducerConsumerTest, ProducingToUnknownTopicAutoCreatesFourPartitions) {
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto kafka, EmbeddedKafka::Start());
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto producer,
                                Producer::Create(ProducerConfig(kafka->BootstrapServers())));
  KSTREAMS_ASSERT_OK(producer->Send("auto", -1, "k", "v", 1, {}));
  KSTREAMS_ASSERT_OK(producer->Flush(absl::Seconds(10)));
  KSTREAMS_ASSERT_OK(producer->TakeDeliveryStatus());
  KSTREAMS_ASSERT_OK_AND_ASSIGN(int32_t count, producer->PartitionCount("auto"));
  EXPECT_EQ(count, 4);
}

TEST(ProducerConsumerTest, AdminCreateTopicsOnMockClusterIsClearlyUnsupported) {
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto kafka, EmbeddedKafka::Start());
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto admin,
                                internal::Admin::Create({{"bootstrap.servers",
                                                          kafka->BootstrapServers()}}));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(
      auto results, admin->CreateTopics({{"app-store-changelog", 3, 1,
                                          {{"cleanup.policy", "compact"}}}},
                                        absl::Seconds(5)));
  ASSERT_EQ(results.size(), 1u);
  const absl::Status& s = results["app-store-changelog"];
  EXPECT_TRUE(internal::IsCreateTopicsUnsupported(s)) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("create topic 'app-store-changelog'"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("EmbeddedKafka::CreateTopic"));
}

TEST(ProducerConsumerTest, KeyedRecordsLandInJavaMurmur2Partitions) {
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto kafka, EmbeddedKafka::Start());
  constexpr int kPartitions = 6;
  KSTREAMS_ASSERT_OK(kafka->CreateTopic("keyed", kPartitions));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto producer,
                                Producer::Create(ProducerConfig(kafka->BootstrapServers())));
  constexpr int kKeys = 200;
  for (int i = 0; i < kKeys; ++i) {
    const std::string key = internal::StrCat("key-", i);
    KSTREAMS_ASSERT_OK(producer->Send("keyed", -1, key, key, 100 + i, {}));
  }
  KSTREAMS_ASSERT_OK(producer->Flush(absl::Seconds(10)));
  KSTREAMS_ASSERT_OK(producer->TakeDeliveryStatus());
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto records,
                                ReadTopic(kafka->BootstrapServers(), "keyed", kPartitions, kKeys));
  ASSERT_EQ(records.size(), static_cast<size_t>(kKeys));
  std::map<int32_t, int> per_partition;
  for (const ConsumerRecord& r : records) {
    ASSERT_TRUE(r.key.has_value());
    EXPECT_EQ(r.partition, internal::Murmur2Partition(*r.key, kPartitions)) << *r.key;
    ++per_partition[r.partition];
  }
  EXPECT_EQ(per_partition.size(), static_cast<size_t>(kPartitions));  // spread over all
}

TEST(ProducerConsumerTest, DeliveryHookReportsPartitionAndOffset) {
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto kafka, EmbeddedKafka::Start());
  KSTREAMS_ASSERT_OK(kafka->CreateTopic("hooked", 2));
  std::vector<internal::DeliveryResult> results;
  internal::ProducerOptions options;
  options.config = ProducerConfig(kafka->BootstrapServers());
  options.on_delivery = [&](const internal::DeliveryResult& r) { results.push_back(r); };
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto producer, Producer::Create(std::move(options)));
  KSTREAMS_ASSERT_OK(producer->Send("hooked", 1, "a", "1", 5, {}));
  KSTREAMS_ASSERT_OK(producer->Flush(absl::Seconds(10)));
  KSTREAMS_ASSERT_OK(producer->Send("hooked", 1, "b", "2", 6, {}));
  KSTREAMS_ASSERT_OK(producer->Flush(absl::Seconds(10)));
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].topic, "hooked");
  EXPECT_EQ(results[0].partition, 1);
  EXPECT_EQ(results[0].offset, 0);
  EXPECT_EQ(results[1].offset, 1);
  KSTREAMS_EXPECT_OK(results[1].status);
}

TEST(ProducerConsumerTest, SendToMissingPartitionFailsNamingTopic) {
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto kafka, EmbeddedKafka::Start());
  KSTREAMS_ASSERT_OK(kafka->CreateTopic("small", 2));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto producer,
                                Producer::Create(ProducerConfig(kafka->BootstrapServers())));
  KSTREAMS_ASSERT_OK(producer->PartitionCount("small").status());  // metadata known
  absl::Status sent = producer->Send("small", 5, "k", "v", 1, {});
  absl::Status delivered = absl::OkStatus();
  if (sent.ok()) {  // rejected either at once or by its delivery report
    KSTREAMS_ASSERT_OK(producer->Flush(absl::Seconds(10)));
    delivered = producer->TakeDeliveryStatus();
  }
  absl::Status failure = sent.ok() ? delivered : sent;
  EXPECT_TRUE(absl::IsNotFound(failure)) << failure;
  EXPECT_THAT(std::string(failure.message()), HasSubstr("small-5"));
}

TEST(ProducerConsumerTest, SeekAndWatermarksOnAssignedPartition) {
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto kafka, EmbeddedKafka::Start());
  KSTREAMS_ASSERT_OK(kafka->CreateTopic("seek", 1));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto producer,
                                Producer::Create(ProducerConfig(kafka->BootstrapServers())));
  for (int i = 0; i < 10; ++i) {
    KSTREAMS_ASSERT_OK(producer->Send("seek", 0, "k", internal::StrCat(i), 1 + i, {}));
  }
  KSTREAMS_ASSERT_OK(producer->Flush(absl::Seconds(10)));

  internal::ConsumerOptions options;
  options.config = {{"bootstrap.servers", kafka->BootstrapServers()}};
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto consumer, internal::Consumer::Create(std::move(options)));
  KSTREAMS_ASSERT_OK(consumer->Assign({{{"seek", 0}, 7}}));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto watermarks, consumer->WatermarkOffsets({"seek", 0}));
  EXPECT_EQ(watermarks, std::make_pair(int64_t{0}, int64_t{10}));
  std::vector<int64_t> offsets;
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (offsets.size() < 3 && absl::Now() < deadline) {
    KSTREAMS_ASSERT_OK_AND_ASSIGN(auto batch, consumer->PollBatch(100, absl::Milliseconds(100)));
    for (const auto& r : batch) offsets.push_back(r.offset);
  }
  EXPECT_THAT(offsets, ElementsAre(7, 8, 9));
  KSTREAMS_ASSERT_OK(consumer->Seek({"seek", 0}, 2));
  offsets.clear();
  while (offsets.size() < 8 && absl::Now() < deadline) {
    KSTREAMS_ASSERT_OK_AND_ASSIGN(auto batch, consumer->PollBatch(100, absl::Milliseconds(100)));
    for (const auto& r : batch) offsets.push_back(r.offset);
  }
  EXPECT_THAT(offsets, ElementsAre(2, 3, 4, 5, 6, 7, 8, 9));
  KSTREAMS_ASSERT_OK_AND_ASSIGN(auto assignment, consumer->Assignment());
  EXPECT_THAT(assignment, ElementsAre(internal::TopicPartition{"seek", 0}));
}

}  // namespace
}  // namespace kstreams
