#include "runtime/http_endpoint.h"

#include <civetweb.h>

#include <cstring>
#include <mutex>
#include <sstream>

#include "kstreams/internal/strings.h"
#include "prometheus/client_metric.h"
#include "prometheus/metric_family.h"
#include "prometheus/text_serializer.h"

namespace kstreams::internal {
namespace {

std::string Sanitize(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == ':';
    if (!ok) c = '_';
  }
  return out;
}

}  // namespace

std::string PrometheusName(const MetricName& name) {
  return Sanitize(StrCat("kafka.streams_", name.group, "_", name.name));
}

std::string PrometheusText(const std::vector<Metric>& metrics) {
  std::vector<prometheus::MetricFamily> families;
  std::map<std::string, size_t> index;
  for (const Metric& m : metrics) {
    if (m.text) continue;
    std::string name = PrometheusName(m.name);
    auto [it, inserted] = index.try_emplace(name, families.size());
    if (inserted) {
      prometheus::MetricFamily family;
      family.name = name;
      family.help = m.name.description.empty() ? m.name.name : m.name.description;
      family.type = prometheus::MetricType::Untyped;
      families.push_back(std::move(family));
    }
    prometheus::ClientMetric sample;
    for (const auto& [key, value] : m.name.tags) {
      sample.label.push_back(prometheus::ClientMetric::Label{Sanitize(key), value});
    }
    sample.untyped.value = m.value;
    families[it->second].metric.push_back(std::move(sample));
  }
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families);
  return out.str();
}

absl::StatusOr<std::unique_ptr<HttpEndpoint>> HttpEndpoint::Start(
    const std::string& address, std::map<std::string, Handler> handlers) {
  static std::once_flag init;
  std::call_once(init, [] { mg_init_library(0); });
  std::unique_ptr<HttpEndpoint> endpoint(new HttpEndpoint(std::move(handlers)));
  const char* options[] = {"listening_ports", address.c_str(), "num_threads", "4", nullptr};
  mg_callbacks callbacks;
  std::memset(&callbacks, 0, sizeof(callbacks));
  endpoint->ctx_ = mg_start(&callbacks, endpoint.get(), options);
  if (endpoint->ctx_ == nullptr) {
    return absl::UnavailableError(
        StrCat("config 'metrics.http.address'='", address,
               "': cannot listen there (address in use, or not host:port)"));
  }
  for (const auto& [path, handler] : endpoint->handlers_) {
    (void)handler;
    mg_set_request_handler(endpoint->ctx_, StrCat(path, "$").c_str(), &HttpEndpoint::Serve,
                           endpoint.get());
  }
  mg_server_port ports[4];
  std::memset(ports, 0, sizeof(ports));
  const int n = mg_get_server_ports(endpoint->ctx_, 4, ports);
  if (n <= 0) {
    return absl::UnavailableError(
        StrCat("config 'metrics.http.address'='", address, "': no listening port"));
  }
  endpoint->port_ = ports[0].port;
  return endpoint;
}

HttpEndpoint::~HttpEndpoint() {
  if (ctx_ != nullptr) mg_stop(ctx_);
}

int HttpEndpoint::Serve(mg_connection* conn, void* data) {
  auto* self = static_cast<HttpEndpoint*>(data);
  const mg_request_info* info = mg_get_request_info(conn);
  auto it = self->handlers_.find(info->local_uri != nullptr ? info->local_uri : "");
  if (it == self->handlers_.end()) {
    mg_send_http_error(conn, 404, "%s", "not found\n");
    return 404;
  }
  if (std::strcmp(info->request_method, "GET") != 0 &&
      std::strcmp(info->request_method, "HEAD") != 0) {
    mg_send_http_error(conn, 405, "%s", "only GET\n");
    return 405;
  }
  HttpResponse response;
  try {
    response = it->second(info->query_string != nullptr ? info->query_string : "");
  } catch (const std::exception& e) {
    response = HttpResponse{500, "text/plain; charset=utf-8", StrCat(e.what(), "\n")};
  }
  mg_printf(conn,
            "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
            "Cache-Control: no-store\r\nConnection: close\r\n\r\n",
            response.status, mg_get_response_code_text(conn, response.status),
            response.content_type.c_str(), response.body.size());
  if (std::strcmp(info->request_method, "HEAD") != 0) {
    mg_write(conn, response.body.data(), response.body.size());
  }
  return response.status;
}

}  // namespace kstreams::internal
