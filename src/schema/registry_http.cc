#include "schema/registry_http.h"

#include <civetweb.h>

#include <cstring>
#include <functional>
#include <mutex>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/str_split.h"
#include "kstreams/internal/strings.h"

namespace kstreams::internal {

using Json = nlohmann::json;

namespace {

std::string UrlDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i] == '+' ? ' ' : s[i]);
    }
  }
  return out;
}

RegistryHttpServer::Response Error(const absl::Status& status) {
  int32_t code = RegistryErrorCode(status);
  if (code == 0) code = status.code() == absl::StatusCode::kInvalidArgument ? 42201 : 50001;
  const int http = code >= 10000 ? code / 100 : code;
  return {http, Json{{"error_code", code}, {"message", std::string(status.message())}}.dump()};
}

template <typename T>
RegistryHttpServer::Response Ok(const absl::StatusOr<T>& result, const std::function<Json(const T&)>& render) {
  if (!result.ok()) return Error(result.status());
  return {200, render(*result).dump()};
}

absl::StatusOr<std::string> SchemaOf(const std::string& body) {
  Json j = Json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("schema") || !j["schema"].is_string()) {
    return RegistryError(42201, "Invalid schema: the body must be a JSON object with a \"schema\" string");
  }
  if (j.contains("schemaType") && j["schemaType"] != "AVRO") {
    return RegistryError(42201, "Invalid schema: only AVRO schemas are supported");
  }
  return j["schema"].get<std::string>();
}

absl::StatusOr<int32_t> VersionOf(const std::string& text) {
  if (text == "latest" || text == "-1") return -1;
  try {
    size_t used = 0;
    const int v = std::stoi(text, &used);
    if (used == text.size() && v > 0) return v;
  } catch (const std::exception&) {
  }
  return RegistryError(42202, ::kstreams::internal::StrCat(
      "The specified version '", text, "' is not a valid version id. Allowed values are between [1, 2^31-1] "
      "and the string \"latest\""));
}

RegistryHttpServer::Response NotFound() {
  return {404, Json{{"error_code", 404}, {"message", "HTTP 404 Not Found"}}.dump()};
}

}  // namespace

RegistryHttpServer::Response RegistryHttpServer::Handle(SchemaRegistryClient& r, const std::string& method,
                                                        const std::string& path, const std::string& query,
                                                        const std::string& body) {
  std::vector<std::string> parts;
  for (absl::string_view p : absl::StrSplit(path, '/', absl::SkipEmpty())) parts.push_back(UrlDecode(std::string_view(p.data(), p.size())));
  const bool permanent = query.find("permanent=true") != std::string::npos;
  const size_t n = parts.size();

  if (n >= 1 && parts[0] == "subjects") {
    if (n == 1 && method == "GET") {
      return Ok<std::vector<std::string>>(r.GetSubjects(), [](const auto& v) { return Json(v); });
    }
    if (n < 2) return NotFound();
    const std::string& subject = parts[1];
    if (n == 2 && method == "POST") {
      absl::StatusOr<std::string> schema = SchemaOf(body);
      if (!schema.ok()) return Error(schema.status());
      return Ok<RegisteredSchema>(r.LookUp(subject, *schema), [](const RegisteredSchema& s) {
        return Json{{"subject", s.subject}, {"version", s.version}, {"id", s.id}, {"schema", s.schema}};
      });
    }
    if (n == 2 && method == "DELETE") {
      return Ok<std::vector<int32_t>>(r.DeleteSubject(subject, permanent), [](const auto& v) { return Json(v); });
    }
    if (n >= 3 && parts[2] == "versions") {
      if (n == 3 && method == "GET") {
        return Ok<std::vector<int32_t>>(r.GetVersions(subject), [](const auto& v) { return Json(v); });
      }
      if (n == 3 && method == "POST") {
        absl::StatusOr<std::string> schema = SchemaOf(body);
        if (!schema.ok()) return Error(schema.status());
        return Ok<int32_t>(r.Register(subject, *schema), [](int32_t id) { return Json{{"id", id}}; });
      }
      if (n == 4 || (n == 5 && parts[4] == "schema" && method == "GET")) {
        absl::StatusOr<int32_t> version = VersionOf(parts[3]);
        if (!version.ok()) return Error(version.status());
        if (method == "DELETE" && n == 4) {
          return Ok<int32_t>(r.DeleteVersion(subject, *version, permanent), [](int32_t v) { return Json(v); });
        }
        if (method == "GET") {
          absl::StatusOr<RegisteredSchema> found = r.GetVersion(subject, *version);
          if (!found.ok()) return Error(found.status());
          if (n == 5) return {200, found->schema};
          return {200, Json{{"subject", found->subject}, {"version", found->version}, {"id", found->id},
                            {"schema", found->schema}}.dump()};
        }
      }
    }
    return NotFound();
  }
  if (n == 3 && parts[0] == "schemas" && parts[1] == "ids" && method == "GET") {
    int32_t id = 0;
    try {
      id = std::stoi(parts[2]);
    } catch (const std::exception&) {
      return Error(RegistryError(40403, "Schema not found"));
    }
    return Ok<std::string>(r.GetSchemaById(id), [](const std::string& s) { return Json{{"schema", s}}; });
  }
  if (n == 5 && parts[0] == "compatibility" && parts[1] == "subjects" && parts[3] == "versions" &&
      method == "POST") {
    absl::StatusOr<std::string> schema = SchemaOf(body);
    if (!schema.ok()) return Error(schema.status());
    absl::StatusOr<int32_t> version = VersionOf(parts[4]);
    if (!version.ok()) return Error(version.status());
    return Ok<bool>(r.TestCompatibility(parts[2], *schema, *version),
                    [](bool ok) { return Json{{"is_compatible", ok}}; });
  }
  if ((n == 1 || n == 2) && parts[0] == "config") {
    std::optional<std::string_view> subject;
    if (n == 2) subject = parts[1];
    if (method == "GET") {
      absl::StatusOr<CompatibilityLevel> level = r.GetCompatibility(subject);
      if (!level.ok() && subject && query.find("defaultToGlobal=true") != std::string::npos) {
        level = r.GetCompatibility(std::nullopt);
      }
      return Ok<CompatibilityLevel>(level, [](CompatibilityLevel l) {
        return Json{{"compatibilityLevel", std::string(CompatibilityLevelName(l))}};
      });
    }
    if (method == "PUT") {
      Json j = Json::parse(body, nullptr, false);
      if (j.is_discarded() || !j.is_object() || !j.contains("compatibility") || !j["compatibility"].is_string()) {
        return Error(RegistryError(42203, "Invalid compatibility level"));
      }
      absl::StatusOr<CompatibilityLevel> level = ParseCompatibilityLevel(j["compatibility"].get<std::string>());
      if (!level.ok()) return Error(level.status());
      absl::Status set = r.SetCompatibility(subject, *level);
      if (!set.ok()) return Error(set);
      return {200, Json{{"compatibility", std::string(CompatibilityLevelName(*level))}}.dump()};
    }
  }
  if (n == 0 && method == "GET") return {200, "{}"};
  return NotFound();
}

absl::StatusOr<std::unique_ptr<RegistryHttpServer>> RegistryHttpServer::Start(const std::string& listeners,
                                                                              SchemaRegistryClient* registry) {
  static std::once_flag init;
  std::call_once(init, [] { mg_init_library(0); });
  std::unique_ptr<RegistryHttpServer> server(new RegistryHttpServer());
  server->registry_ = registry;
  const char* options[] = {"listening_ports", listeners.c_str(), "num_threads", "4", nullptr};
  mg_callbacks callbacks;
  std::memset(&callbacks, 0, sizeof(callbacks));
  server->ctx_ = mg_start(&callbacks, server.get(), options);
  if (server->ctx_ == nullptr) {
    return absl::UnavailableError(::kstreams::internal::StrCat(
        "schema registry: cannot listen on '", listeners, "' (address in use, or not host:port)"));
  }
  mg_set_request_handler(server->ctx_, "/", &RegistryHttpServer::Serve, server.get());
  mg_server_port ports[4];
  std::memset(ports, 0, sizeof(ports));
  if (mg_get_server_ports(server->ctx_, 4, ports) <= 0) {
    return absl::UnavailableError("schema registry: no listening port");
  }
  server->port_ = ports[0].port;
  return server;
}

RegistryHttpServer::~RegistryHttpServer() {
  if (ctx_ != nullptr) mg_stop(ctx_);
}

int RegistryHttpServer::Serve(mg_connection* conn, void* data) {
  auto* self = static_cast<RegistryHttpServer*>(data);
  const mg_request_info* info = mg_get_request_info(conn);
  std::string body;
  char buf[8192];
  for (int got; (got = mg_read(conn, buf, sizeof(buf))) > 0;) body.append(buf, static_cast<size_t>(got));
  Response response;
  try {
    response = Handle(*self->registry_, info->request_method, info->local_uri != nullptr ? info->local_uri : "/",
                      info->query_string != nullptr ? info->query_string : "", body);
  } catch (const std::exception& e) {
    response = {500, Json{{"error_code", 50001}, {"message", e.what()}}.dump()};
  }
  mg_printf(conn,
            "HTTP/1.1 %d %s\r\nContent-Type: application/vnd.schemaregistry.v1+json\r\n"
            "Content-Length: %zu\r\nConnection: close\r\n\r\n",
            response.status, mg_get_response_code_text(conn, response.status), response.body.size());
  mg_write(conn, response.body.data(), response.body.size());
  return response.status;
}

}  // namespace kstreams::internal
