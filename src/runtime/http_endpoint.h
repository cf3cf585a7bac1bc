// src/runtime/http_endpoint.h  (internal: not for users)
//
// HttpEndpoint: the small HTTP server behind `metrics.http.address`, over
// Debian's CivetWeb (libcivetweb): GET on a registered path answers what its
// handler returns; anything else is 404. Serves no files. kstreams writes no
// HTTP server of its own.
//
// PrometheusText: metrics in Prometheus' text exposition format (through
// prometheus-cpp's TextSerializer), named as the JMX exporter names Kafka
// Streams' MBeans by default: `kafka.streams:type=<group>,<tags>` attribute
// `<name>` becomes `kafka_streams_<group>_<name>{<tag>="<value>",...}` with
// every character outside [a-zA-Z0-9_:] replaced by `_`, e.g.
// kafka_streams_stream_thread_metrics_process_rate{thread_id="app-1-StreamThread-1"}.
// String-valued metrics (the client's state, ...) are not exported; NaN is.
//
// Thread-safety: handlers run on CivetWeb's worker threads, several at once:
// they must be thread-safe. Stop() (and the destructor) waits for running
// handlers.
#ifndef KSTREAMS_SRC_RUNTIME_HTTP_ENDPOINT_H_
#define KSTREAMS_SRC_RUNTIME_HTTP_ENDPOINT_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kstreams/processor/streams_metrics.h"

struct mg_context;
struct mg_connection;

namespace kstreams::internal {

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

class HttpEndpoint {
 public:
  // Gets the request's query string ("" without one).
  using Handler = std::function<HttpResponse(const std::string& query)>;

  // Listens on `address` ("host:port", port 0: any free one) and serves
  // `handlers` by exact path. Errors name the address.
  static absl::StatusOr<std::unique_ptr<HttpEndpoint>> Start(
      const std::string& address, std::map<std::string, Handler> handlers);
  ~HttpEndpoint();
  HttpEndpoint(const HttpEndpoint&) = delete;
  HttpEndpoint& operator=(const HttpEndpoint&) = delete;

  // The port it listens on.
  int port() const { return port_; }

 private:
  HttpEndpoint(std::map<std::string, Handler> handlers) : handlers_(std::move(handlers)) {}
  static int Serve(mg_connection* conn, void* endpoint);

  const std::map<std::string, Handler> handlers_;
  mg_context* ctx_ = nullptr;
  int port_ = 0;
};

// `metrics` in Prometheus' text format (see the file comment).
std::string PrometheusText(const std::vector<Metric>& metrics);
// The Prometheus name of a Kafka Streams metric: "kafka_streams_<group>_<name>", sanitized.
std::string PrometheusName(const MetricName& name);

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_RUNTIME_HTTP_ENDPOINT_H_
