#include "kstreams/kafka/embedded_kafka.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "kafka/kafka_common.h"
#include "kstreams/internal/strings.h"
#include "kstreams/status_macros.h"

namespace kstreams {

using internal::KafkaErrorToStatus;
using internal::StrCat;

struct EmbeddedKafka::Impl {
  // The mock cluster runs on this client handle's threads, so the handle must
  // outlive the cluster (destroyed in reverse order in ~Impl).
  internal::KafkaHandlePtr host;
  rd_kafka_mock_cluster_t* cluster = nullptr;
  std::string bootstrap;
  int brokers = 0;

  ~Impl() {
    if (cluster != nullptr) rd_kafka_mock_cluster_destroy(cluster);
  }
};

absl::StatusOr<std::unique_ptr<EmbeddedKafka>> EmbeddedKafka::Start(int brokers) {
  if (brokers < 1) {
    return absl::InvalidArgumentError(StrCat("EmbeddedKafka needs at least 1 broker, got ",
                                             brokers));
  }
  // The host handle never connects anywhere: it only runs the mock brokers.
  KSTREAMS_ASSIGN_OR_RETURN(internal::ConfPtr conf,
                            internal::BuildConf({{"log_level", "3"}}));
  char errstr[512] = "";
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof(errstr));
  if (rk == nullptr) {
    return absl::InternalError(StrCat("EmbeddedKafka: create host client failed: ", errstr));
  }
  conf.release();
  auto impl = std::make_unique<Impl>();
  impl->host.reset(rk);
  impl->cluster = rd_kafka_mock_cluster_new(rk, brokers);
  if (impl->cluster == nullptr) {
    return absl::InternalError(
        StrCat("EmbeddedKafka: librdkafka could not start a mock cluster of ", brokers,
               " brokers"));
  }
  impl->bootstrap = rd_kafka_mock_cluster_bootstraps(impl->cluster);
  impl->brokers = brokers;
  return std::unique_ptr<EmbeddedKafka>(new EmbeddedKafka(std::move(impl)));
}

EmbeddedKafka::EmbeddedKafka(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EmbeddedKafka::~EmbeddedKafka() = default;

const std::string& EmbeddedKafka::BootstrapServers() const { return impl_->bootstrap; }
int EmbeddedKafka::broker_count() const { return impl_->brokers; }

absl::Status EmbeddedKafka::CreateTopic(std::string_view name, int32_t partitions,
                                        int32_t replication_factor) {
  if (name.empty() || partitions < 1 || replication_factor < 1 ||
      replication_factor > impl_->brokers) {
    return absl::InvalidArgumentError(
        StrCat("EmbeddedKafka::CreateTopic('", name, "', partitions=", partitions,
               ", replication=", replication_factor,
               "): need a name, partitions >= 1 and 1 <= replication <= ", impl_->brokers,
               " brokers"));
  }
  const std::string topic(name);
  return KafkaErrorToStatus(
      rd_kafka_mock_topic_create(impl_->cluster, topic.c_str(), partitions, replication_factor),
      StrCat("EmbeddedKafka: create topic '", name, "'"));
}

absl::Status EmbeddedKafka::SetBrokerDown(int32_t broker_id) {
  return KafkaErrorToStatus(rd_kafka_mock_broker_set_down(impl_->cluster, broker_id),
                            StrCat("EmbeddedKafka: take broker ", broker_id, " down"));
}

absl::Status EmbeddedKafka::SetBrokerUp(int32_t broker_id) {
  return KafkaErrorToStatus(rd_kafka_mock_broker_set_up(impl_->cluster, broker_id),
                            StrCat("EmbeddedKafka: bring broker ", broker_id, " up"));
}

void EmbeddedKafka::PushRequestErrors(ApiKey api, const std::vector<int16_t>& errors) {
  std::vector<rd_kafka_resp_err_t> codes;
  codes.reserve(errors.size());
  for (int16_t e : errors) codes.push_back(static_cast<rd_kafka_resp_err_t>(e));
  rd_kafka_mock_push_request_errors_array(impl_->cluster, static_cast<int16_t>(api),
                                          codes.size(), codes.data());
}

absl::Status EmbeddedKafka::SetRtt(int32_t broker_id, int rtt_ms) {
  return KafkaErrorToStatus(rd_kafka_mock_broker_set_rtt(impl_->cluster, broker_id, rtt_ms),
                            StrCat("EmbeddedKafka: set rtt of broker ", broker_id));
}

}  // namespace kstreams
