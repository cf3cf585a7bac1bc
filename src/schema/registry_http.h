// The HTTP side of kstreams::SchemaRegistry: Confluent's REST API over
// CivetWeb, each request answered by calling a SchemaRegistryClient (the
// registry itself). Requests run on CivetWeb's worker threads.
#ifndef KSTREAMS_SRC_SCHEMA_REGISTRY_HTTP_H_
#define KSTREAMS_SRC_SCHEMA_REGISTRY_HTTP_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "kstreams/schema/registry_client.h"

struct mg_context;
struct mg_connection;

namespace kstreams::internal {

class RegistryHttpServer {
 public:
  // `listeners`: "host:port" (port 0: a free one). `registry` must outlive
  // the server.
  static absl::StatusOr<std::unique_ptr<RegistryHttpServer>> Start(const std::string& listeners,
                                                                  SchemaRegistryClient* registry);
  ~RegistryHttpServer();
  int port() const { return port_; }

  struct Response {
    int status = 200;
    std::string body;
  };
  // Routes one request (exposed for tests without sockets).
  static Response Handle(SchemaRegistryClient& registry, const std::string& method, const std::string& path,
                         const std::string& query, const std::string& body);

 private:
  static int Serve(mg_connection* conn, void* data);
  mg_context* ctx_ = nullptr;
  SchemaRegistryClient* registry_ = nullptr;
  int port_ = 0;
};

}  // namespace kstreams::internal

#endif  // KSTREAMS_SRC_SCHEMA_REGISTRY_HTTP_H_
