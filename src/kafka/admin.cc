#include "kafka/admin.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <utility>

#include "kstreams/internal/strings.h"
#include "kstreams/status_macros.h"

namespace kstreams::internal {

namespace {

int ToMillis(absl::Duration d) {
  return static_cast<int>(std::clamp<int64_t>(absl::ToInt64Milliseconds(d), 0, 1 << 30));
}

constexpr std::string_view kUnsupportedHint =
    "the broker does not implement the CreateTopics API (librdkafka's mock "
    "cluster, i.e. EmbeddedKafka, does not): create the topic with "
    "EmbeddedKafka::CreateTopic or kstreams-broker --topic";

// True when the cluster's metadata names a controller that is one of its
// brokers.
absl::StatusOr<bool> HasController(rd_kafka_t* rk, int timeout_ms) {
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, /*all_topics=*/0, nullptr, &md, timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return KafkaErrorToStatus(err, "fetch cluster metadata");
  // The metadata response just received updated the controller id: no wait.
  const int32_t controller = rd_kafka_controllerid(rk, 0);
  bool found = false;
  for (int i = 0; i < md->broker_cnt; ++i) found = found || md->brokers[i].id == controller;
  rd_kafka_metadata_destroy(md);
  return found;
}

}  // namespace

bool IsCreateTopicsUnsupported(const absl::Status& status) {
  return absl::IsUnimplemented(status);
}

absl::StatusOr<std::unique_ptr<Admin>> Admin::Create(KafkaConfigMap config) {
  KSTREAMS_ASSIGN_OR_RETURN(ConfPtr conf, BuildConf(config));
  char errstr[512] = "";
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof(errstr));
  if (rk == nullptr) {
    return absl::InvalidArgumentError(StrCat("create Kafka admin client failed: ", errstr));
  }
  conf.release();
  std::unique_ptr<Admin> admin(new Admin());
  admin->rk_.reset(rk);
  return admin;
}

Admin::~Admin() = default;

absl::StatusOr<std::map<std::string, absl::Status>> Admin::CreateTopics(
    const std::vector<NewTopic>& topics, absl::Duration timeout) {
  std::map<std::string, absl::Status> results;
  if (topics.empty()) return results;

  // Admin requests go to the controller broker; librdkafka would wait for it
  // until the timeout when there is none. librdkafka's mock cluster names a
  // controller id (0) that is none of its brokers (1..n), and lacks
  // CreateTopics anyway: answer Unimplemented at once so the runtime can fall
  // back. A real cluster always names one of its brokers.
  KSTREAMS_ASSIGN_OR_RETURN(bool has_controller, HasController(rk_.get(), ToMillis(timeout)));
  if (!has_controller) {
    for (const NewTopic& t : topics) {
      results[t.name] = absl::UnimplementedError(
          StrCat("create topic '", t.name, "' failed: the cluster has no controller broker; ",
                 kUnsupportedHint));
    }
    return results;
  }

  std::vector<rd_kafka_NewTopic_t*> new_topics;
  auto destroy_new_topics = [&new_topics] {
    rd_kafka_NewTopic_destroy_array(new_topics.data(), new_topics.size());
  };
  char errstr[512] = "";
  for (const NewTopic& t : topics) {
    rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(t.name.c_str(), t.partitions,
                                                    t.replication_factor, errstr, sizeof(errstr));
    if (nt == nullptr) {
      destroy_new_topics();
      return absl::InvalidArgumentError(StrCat("create topic '", t.name, "': ", errstr));
    }
    new_topics.push_back(nt);
    for (const auto& [key, value] : t.configs) {
      rd_kafka_resp_err_t err = rd_kafka_NewTopic_set_config(nt, key.c_str(), value.c_str());
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        destroy_new_topics();
        return KafkaErrorToStatus(err, StrCat("set config '", key, "'='", value, "' of topic '",
                                              t.name, "'"));
      }
    }
  }

  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk_.get());
  rd_kafka_AdminOptions_t* options =
      rd_kafka_AdminOptions_new(rk_.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_operation_timeout(options, ToMillis(timeout), errstr, sizeof(errstr));
  rd_kafka_AdminOptions_set_request_timeout(options, ToMillis(timeout), errstr, sizeof(errstr));
  rd_kafka_CreateTopics(rk_.get(), new_topics.data(), new_topics.size(), options, queue);
  // The request has its own timeout; wait a little longer for the event.
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, ToMillis(timeout) + 5000);

  if (event == nullptr) {
    for (const NewTopic& t : topics) {
      results[t.name] = absl::DeadlineExceededError(
          StrCat("create topic '", t.name, "': no answer within ",
                 absl::ToInt64Milliseconds(timeout), " ms"));
    }
  } else if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    // The whole request failed (on the mock cluster: unsupported API).
    const rd_kafka_resp_err_t err = rd_kafka_event_error(event);
    for (const NewTopic& t : topics) {
      absl::Status s = KafkaErrorToStatus(err, StrCat("create topic '", t.name, "'"),
                                          rd_kafka_event_error_string(event));
      if (absl::IsUnimplemented(s)) {
        s = absl::UnimplementedError(StrCat(s.message(), ": ", kUnsupportedHint));
      }
      results[t.name] = s;
    }
  } else {
    const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(event);
    size_t count = 0;
    const rd_kafka_topic_result_t** topic_results =
        rd_kafka_CreateTopics_result_topics(result, &count);
    for (size_t i = 0; i < count; ++i) {
      const char* name = rd_kafka_topic_result_name(topic_results[i]);
      const char* message = rd_kafka_topic_result_error_string(topic_results[i]);
      results[name] = KafkaErrorToStatus(rd_kafka_topic_result_error(topic_results[i]),
                                         StrCat("create topic '", name, "'"),
                                         message != nullptr ? message : "");
    }
  }
  if (event != nullptr) rd_kafka_event_destroy(event);
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_queue_destroy(queue);
  destroy_new_topics();
  return results;
}

absl::StatusOr<std::map<std::string, int32_t>> Admin::ListTopics(absl::Duration timeout) {
  return FetchPartitionCounts(rk_.get(), ToMillis(timeout));
}

absl::StatusOr<std::optional<int32_t>> Admin::PartitionCount(std::string_view topic,
                                                             absl::Duration timeout) {
  KSTREAMS_ASSIGN_OR_RETURN(auto counts, ListTopics(timeout));
  auto it = counts.find(std::string(topic));
  if (it == counts.end()) return std::optional<int32_t>();
  return std::optional<int32_t>(it->second);
}

}  // namespace kstreams::internal
