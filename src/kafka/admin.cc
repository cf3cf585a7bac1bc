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

// Owns what one admin request needs: options, a result queue, the event.
class AdminRequest {
 public:
  AdminRequest(rd_kafka_t* rk, rd_kafka_admin_op_t op, absl::Duration timeout)
      : timeout_ms_(ToMillis(timeout)),
        queue_(rd_kafka_queue_new(rk)),
        options_(rd_kafka_AdminOptions_new(rk, op)) {
    char errstr[256];
    rd_kafka_AdminOptions_set_request_timeout(options_, timeout_ms_, errstr, sizeof(errstr));
  }
  ~AdminRequest() {
    if (event_ != nullptr) rd_kafka_event_destroy(event_);
    rd_kafka_AdminOptions_destroy(options_);
    rd_kafka_queue_destroy(queue_);
  }
  AdminRequest(const AdminRequest&) = delete;
  AdminRequest& operator=(const AdminRequest&) = delete;

  rd_kafka_AdminOptions_t* options() { return options_; }
  rd_kafka_queue_t* queue() { return queue_; }
  // Waits for the result event; an error of the whole request becomes the
  // status, naming `what`.
  absl::StatusOr<rd_kafka_event_t*> Wait(std::string_view what) {
    event_ = rd_kafka_queue_poll(queue_, timeout_ms_ + 5000);
    if (event_ == nullptr) {
      return absl::DeadlineExceededError(StrCat(what, ": no answer within ", timeout_ms_, " ms"));
    }
    if (rd_kafka_event_error(event_) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return KafkaErrorToStatus(rd_kafka_event_error(event_), what,
                                rd_kafka_event_error_string(event_));
    }
    return event_;
  }

 private:
  int timeout_ms_;
  rd_kafka_queue_t* queue_;
  rd_kafka_AdminOptions_t* options_;
  rd_kafka_event_t* event_ = nullptr;
};

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

absl::StatusOr<std::map<std::string, std::string>> Admin::DescribeTopicConfigs(
    std::string_view topic, absl::Duration timeout) {
  const std::string what = StrCat("describe configs of topic '", topic, "'");
  rd_kafka_ConfigResource_t* resource =
      rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, std::string(topic).c_str());
  AdminRequest request(rk_.get(), RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, timeout);
  rd_kafka_DescribeConfigs(rk_.get(), &resource, 1, request.options(), request.queue());
  rd_kafka_ConfigResource_destroy(resource);
  KSTREAMS_ASSIGN_OR_RETURN(rd_kafka_event_t * event, request.Wait(what));
  size_t count = 0;
  const rd_kafka_ConfigResource_t** resources = rd_kafka_DescribeConfigs_result_resources(
      rd_kafka_event_DescribeConfigs_result(event), &count);
  if (count != 1) return absl::InternalError(StrCat(what, ": ", count, " resources in the answer"));
  if (rd_kafka_ConfigResource_error(resources[0]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return KafkaErrorToStatus(rd_kafka_ConfigResource_error(resources[0]), what,
                              rd_kafka_ConfigResource_error_string(resources[0]));
  }
  size_t n = 0;
  const rd_kafka_ConfigEntry_t** entries = rd_kafka_ConfigResource_configs(resources[0], &n);
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < n; ++i) {
    const char* value = rd_kafka_ConfigEntry_value(entries[i]);
    out[rd_kafka_ConfigEntry_name(entries[i])] = value != nullptr ? value : "";
  }
  return out;
}

absl::Status Admin::DeleteRecords(const std::map<TopicPartition, int64_t>& offsets,
                                  absl::Duration timeout) {
  if (offsets.empty()) return absl::OkStatus();
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size()));
  for (const auto& [tp, offset] : offsets) {
    rd_kafka_topic_partition_list_add(list, tp.topic.c_str(), tp.partition)->offset = offset;
  }
  rd_kafka_DeleteRecords_t* request_records = rd_kafka_DeleteRecords_new(list);
  rd_kafka_topic_partition_list_destroy(list);
  AdminRequest request(rk_.get(), RD_KAFKA_ADMIN_OP_DELETERECORDS, timeout);
  char errstr[256];
  rd_kafka_AdminOptions_set_operation_timeout(request.options(), ToMillis(timeout), errstr,
                                              sizeof(errstr));
  rd_kafka_DeleteRecords(rk_.get(), &request_records, 1, request.options(), request.queue());
  rd_kafka_DeleteRecords_destroy(request_records);
  KSTREAMS_ASSIGN_OR_RETURN(rd_kafka_event_t * event, request.Wait("delete records"));
  const rd_kafka_topic_partition_list_t* result =
      rd_kafka_DeleteRecords_result_offsets(rd_kafka_event_DeleteRecords_result(event));
  for (int i = 0; result != nullptr && i < result->cnt; ++i) {
    const rd_kafka_topic_partition_t& p = result->elems[i];
    if (p.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return KafkaErrorToStatus(p.err, StrCat("delete records of ", p.topic, "-", p.partition));
    }
  }
  return absl::OkStatus();
}

absl::Status Admin::DeleteTopics(const std::vector<std::string>& topics, absl::Duration timeout) {
  if (topics.empty()) return absl::OkStatus();
  std::vector<rd_kafka_DeleteTopic_t*> deletes;
  for (const std::string& t : topics) deletes.push_back(rd_kafka_DeleteTopic_new(t.c_str()));
  AdminRequest request(rk_.get(), RD_KAFKA_ADMIN_OP_DELETETOPICS, timeout);
  char errstr[256];
  rd_kafka_AdminOptions_set_operation_timeout(request.options(), ToMillis(timeout), errstr,
                                              sizeof(errstr));
  rd_kafka_DeleteTopics(rk_.get(), deletes.data(), deletes.size(), request.options(),
                        request.queue());
  rd_kafka_DeleteTopic_destroy_array(deletes.data(), deletes.size());
  KSTREAMS_ASSIGN_OR_RETURN(rd_kafka_event_t * event, request.Wait("delete topics"));
  size_t count = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(event), &count);
  for (size_t i = 0; i < count; ++i) {
    rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
      return KafkaErrorToStatus(err, StrCat("delete topic '", rd_kafka_topic_result_name(results[i]), "'"),
                                rd_kafka_topic_result_error_string(results[i]));
    }
  }
  return absl::OkStatus();
}

namespace {

std::vector<std::string> GroupIds(const rd_kafka_ListConsumerGroups_result_t* result) {
  size_t count = 0;
  const rd_kafka_ConsumerGroupListing_t** groups =
      rd_kafka_ListConsumerGroups_result_valid(result, &count);
  std::vector<std::string> out;
  for (size_t i = 0; i < count; ++i) out.push_back(rd_kafka_ConsumerGroupListing_group_id(groups[i]));
  return out;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> Admin::ListGroups(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    AdminRequest request(rk_.get(), RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS,
                         std::max(deadline - absl::Now(), absl::Milliseconds(1)));
    rd_kafka_ListConsumerGroups(rk_.get(), request.options(), request.queue());
    KSTREAMS_ASSIGN_OR_RETURN(rd_kafka_event_t * event, request.Wait("list groups"));
    const rd_kafka_ListConsumerGroups_result_t* result =
        rd_kafka_event_ListConsumerGroups_result(event);
    size_t error_count = 0;
    const rd_kafka_error_t** errors =
        rd_kafka_ListConsumerGroups_result_errors(result, &error_count);
    if (error_count == 0) return GroupIds(result);
    const rd_kafka_resp_err_t err = rd_kafka_error_code(errors[0]);
    // A broker that just started loads its group coordinator state first
    // (COORDINATOR_LOAD_IN_PROGRESS): retriable, asked again until `timeout`.
    const bool loading = err == RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS ||
                         err == RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE;
    if (!loading || absl::Now() + absl::Milliseconds(100) > deadline) {
      return KafkaErrorToStatus(err, "list groups", rd_kafka_error_string(errors[0]));
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
}

absl::Status Admin::DeleteGroups(const std::vector<std::string>& groups, absl::Duration timeout) {
  if (groups.empty()) return absl::OkStatus();
  std::vector<rd_kafka_DeleteGroup_t*> deletes;
  for (const std::string& g : groups) deletes.push_back(rd_kafka_DeleteGroup_new(g.c_str()));
  AdminRequest request(rk_.get(), RD_KAFKA_ADMIN_OP_DELETEGROUPS, timeout);
  rd_kafka_DeleteGroups(rk_.get(), deletes.data(), deletes.size(), request.options(),
                        request.queue());
  rd_kafka_DeleteGroup_destroy_array(deletes.data(), deletes.size());
  KSTREAMS_ASSIGN_OR_RETURN(rd_kafka_event_t * event, request.Wait("delete groups"));
  size_t count = 0;
  const rd_kafka_group_result_t** results =
      rd_kafka_DeleteGroups_result_groups(rd_kafka_event_DeleteGroups_result(event), &count);
  for (size_t i = 0; i < count; ++i) {
    const rd_kafka_error_t* error = rd_kafka_group_result_error(results[i]);
    if (error != nullptr && rd_kafka_error_code(error) != RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND) {
      return KafkaErrorToStatus(rd_kafka_error_code(error),
                                StrCat("delete group '", rd_kafka_group_result_name(results[i]), "'"),
                                rd_kafka_error_string(error));
    }
  }
  return absl::OkStatus();
}

}  // namespace kstreams::internal
