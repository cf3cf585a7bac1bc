#include "kstreams/schema/registry_client.h"

#include <curl/curl.h>

#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include <nlohmann/json.hpp>

#include "absl/strings/cord.h"
#include "kstreams/internal/strings.h"
#include "kstreams/status_macros.h"

namespace kstreams {

using ::kstreams::internal::StrCat;
using Json = nlohmann::json;

namespace {
constexpr char kErrorCodePayload[] = "kstreams.schema/error_code";
}  // namespace

std::string_view CompatibilityLevelName(CompatibilityLevel level) {
  switch (level) {
    case CompatibilityLevel::kNone: return "NONE";
    case CompatibilityLevel::kBackward: return "BACKWARD";
    case CompatibilityLevel::kBackwardTransitive: return "BACKWARD_TRANSITIVE";
    case CompatibilityLevel::kForward: return "FORWARD";
    case CompatibilityLevel::kForwardTransitive: return "FORWARD_TRANSITIVE";
    case CompatibilityLevel::kFull: return "FULL";
    case CompatibilityLevel::kFullTransitive: return "FULL_TRANSITIVE";
  }
  return "?";
}

absl::StatusOr<CompatibilityLevel> ParseCompatibilityLevel(std::string_view name) {
  for (CompatibilityLevel level :
       {CompatibilityLevel::kNone, CompatibilityLevel::kBackward, CompatibilityLevel::kBackwardTransitive,
        CompatibilityLevel::kForward, CompatibilityLevel::kForwardTransitive, CompatibilityLevel::kFull,
        CompatibilityLevel::kFullTransitive}) {
    if (CompatibilityLevelName(level) == name) return level;
  }
  return RegistryError(kInvalidCompatibilityLevel, StrCat("Invalid compatibility level '", name, "'"));
}

int32_t RegistryErrorCode(const absl::Status& status) {
  auto payload = status.GetPayload(kErrorCodePayload);
  if (!payload) return 0;
  return static_cast<int32_t>(std::stol(std::string(*payload)));
}

absl::Status RegistryError(int32_t error_code, std::string_view message) {
  const int32_t http = error_code >= 10000 ? error_code / 100 : error_code;
  absl::StatusCode code = absl::StatusCode::kInternal;
  if (http == 404) code = absl::StatusCode::kNotFound;
  if (http == 409) code = absl::StatusCode::kFailedPrecondition;
  if (http == 422 || http == 400) code = absl::StatusCode::kInvalidArgument;
  if (http == 503 || http == 502 || http == 504) code = absl::StatusCode::kUnavailable;
  absl::Status status(code, std::string(message));
  status.SetPayload(kErrorCodePayload, absl::Cord(std::to_string(error_code)));
  return status;
}

// ---- CachingClient -------------------------------------------------------

namespace {

class CachingClientImpl final : public SchemaRegistryClient {
 public:
  explicit CachingClientImpl(std::shared_ptr<SchemaRegistryClient> inner) : inner_(std::move(inner)) {}

  absl::StatusOr<int32_t> Register(std::string_view subject, std::string_view schema) override {
    auto key = std::make_pair(std::string(subject), std::string(schema));
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (auto it = ids_.find(key); it != ids_.end()) return it->second;
    }
    KSTREAMS_ASSIGN_OR_RETURN(int32_t id, inner_->Register(subject, schema));
    std::lock_guard<std::mutex> lock(mu_);
    ids_.emplace(std::move(key), id);
    schemas_.emplace(id, std::string(schema));
    return id;
  }
  absl::StatusOr<RegisteredSchema> LookUp(std::string_view subject, std::string_view schema) override {
    auto key = std::make_pair(std::string(subject), std::string(schema));
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (auto it = lookups_.find(key); it != lookups_.end()) return it->second;
    }
    KSTREAMS_ASSIGN_OR_RETURN(RegisteredSchema found, inner_->LookUp(subject, schema));
    std::lock_guard<std::mutex> lock(mu_);
    lookups_.emplace(key, found);
    ids_.emplace(std::move(key), found.id);
    return found;
  }
  absl::StatusOr<std::string> GetSchemaById(int32_t id) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (auto it = schemas_.find(id); it != schemas_.end()) return it->second;
    }
    KSTREAMS_ASSIGN_OR_RETURN(std::string schema, inner_->GetSchemaById(id));
    std::lock_guard<std::mutex> lock(mu_);
    schemas_.emplace(id, schema);
    return schema;
  }
  absl::StatusOr<std::vector<std::string>> GetSubjects() override { return inner_->GetSubjects(); }
  absl::StatusOr<std::vector<int32_t>> GetVersions(std::string_view subject) override {
    return inner_->GetVersions(subject);
  }
  absl::StatusOr<RegisteredSchema> GetVersion(std::string_view subject, int32_t version) override {
    return inner_->GetVersion(subject, version);
  }
  absl::StatusOr<bool> TestCompatibility(std::string_view subject, std::string_view schema,
                                         int32_t version) override {
    return inner_->TestCompatibility(subject, schema, version);
  }
  absl::StatusOr<CompatibilityLevel> GetCompatibility(std::optional<std::string_view> subject) override {
    return inner_->GetCompatibility(subject);
  }
  absl::Status SetCompatibility(std::optional<std::string_view> subject, CompatibilityLevel level) override {
    return inner_->SetCompatibility(subject, level);
  }
  absl::StatusOr<std::vector<int32_t>> DeleteSubject(std::string_view subject, bool permanent) override {
    Forget(subject);
    return inner_->DeleteSubject(subject, permanent);
  }
  absl::StatusOr<int32_t> DeleteVersion(std::string_view subject, int32_t version, bool permanent) override {
    Forget(subject);
    return inner_->DeleteVersion(subject, version, permanent);
  }

 private:
  // A deleted subject's (subject, schema) entries may change: forget them.
  void Forget(std::string_view subject) {
    std::lock_guard<std::mutex> lock(mu_);
    std::erase_if(ids_, [&](const auto& e) { return e.first.first == subject; });
    std::erase_if(lookups_, [&](const auto& e) { return e.first.first == subject; });
  }

  std::shared_ptr<SchemaRegistryClient> inner_;
  std::mutex mu_;
  std::map<int32_t, std::string> schemas_;
  std::map<std::pair<std::string, std::string>, int32_t> ids_;
  std::map<std::pair<std::string, std::string>, RegisteredSchema> lookups_;
};

// ---- HTTP ----------------------------------------------------------------

std::string UrlEscape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

size_t AppendBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

class HttpClient final : public SchemaRegistryClient {
 public:
  HttpClient(std::string url, HttpOptions options) : url_(std::move(url)), options_(options) {
    while (!url_.empty() && url_.back() == '/') url_.pop_back();
  }

  absl::StatusOr<int32_t> Register(std::string_view subject, std::string_view schema) override {
    return Guard([&]() -> absl::StatusOr<int32_t> {
      KSTREAMS_ASSIGN_OR_RETURN(Json j, Call("POST", StrCat("/subjects/", UrlEscape(subject), "/versions"),
                                             SchemaBody(schema)));
      return j.at("id").get<int32_t>();
    });
  }
  absl::StatusOr<RegisteredSchema> LookUp(std::string_view subject, std::string_view schema) override {
    return Guard([&]() -> absl::StatusOr<RegisteredSchema> {
      KSTREAMS_ASSIGN_OR_RETURN(Json j, Call("POST", StrCat("/subjects/", UrlEscape(subject)), SchemaBody(schema)));
      return ToRegistered(j);
    });
  }
  absl::StatusOr<std::string> GetSchemaById(int32_t id) override {
    return Guard([&]() -> absl::StatusOr<std::string> {
      KSTREAMS_ASSIGN_OR_RETURN(Json j, Call("GET", StrCat("/schemas/ids/", id), ""));
      return j.at("schema").get<std::string>();
    });
  }
  absl::StatusOr<std::vector<std::string>> GetSubjects() override {
    return Guard([&]() -> absl::StatusOr<std::vector<std::string>> {
      KSTREAMS_ASSIGN_OR_RETURN(Json j, Call("GET", "/subjects", ""));
      return j.get<std::vector<std::string>>();
    });
  }
  absl::StatusOr<std::vector<int32_t>> GetVersions(std::string_view subject) override {
    return Guard([&]() -> absl::StatusOr<std::vector<int32_t>> {
      KSTREAMS_ASSIGN_OR_RETURN(Json j, Call("GET", StrCat("/subjects/", UrlEscape(subject), "/versions"), ""));
      return j.get<std::vector<int32_t>>();
    });
  }
  absl::StatusOr<RegisteredSchema> GetVersion(std::string_view subject, int32_t version) override {
    return Guard([&]() -> absl::StatusOr<RegisteredSchema> {
      KSTREAMS_ASSIGN_OR_RETURN(Json j, Call("GET", StrCat("/subjects/", UrlEscape(subject), "/versions/",
                                                           Version(version)), ""));
      return ToRegistered(j);
    });
  }
  absl::StatusOr<bool> TestCompatibility(std::string_view subject, std::string_view schema,
                                         int32_t version) override {
    return Guard([&]() -> absl::StatusOr<bool> {
      KSTREAMS_ASSIGN_OR_RETURN(Json j, Call("POST", StrCat("/compatibility/subjects/", UrlEscape(subject),
                                                            "/versions/", Version(version)),
                                             SchemaBody(schema)));
      return j.at("is_compatible").get<bool>();
    });
  }
  absl::StatusOr<CompatibilityLevel> GetCompatibility(std::optional<std::string_view> subject) override {
    return Guard([&]() -> absl::StatusOr<CompatibilityLevel> {
      KSTREAMS_ASSIGN_OR_RETURN(Json j, Call("GET", ConfigPath(subject), ""));
      return ParseCompatibilityLevel(j.at("compatibilityLevel").get<std::string>());
    });
  }
  absl::Status SetCompatibility(std::optional<std::string_view> subject, CompatibilityLevel level) override {
    return Guard([&]() -> absl::Status {
      Json body = {{"compatibility", std::string(CompatibilityLevelName(level))}};
      return Call("PUT", ConfigPath(subject), body.dump()).status();
    });
  }
  absl::StatusOr<std::vector<int32_t>> DeleteSubject(std::string_view subject, bool permanent) override {
    return Guard([&]() -> absl::StatusOr<std::vector<int32_t>> {
      KSTREAMS_ASSIGN_OR_RETURN(Json j, Call("DELETE", StrCat("/subjects/", UrlEscape(subject),
                                                              permanent ? "?permanent=true" : ""), ""));
      return j.get<std::vector<int32_t>>();
    });
  }
  absl::StatusOr<int32_t> DeleteVersion(std::string_view subject, int32_t version, bool permanent) override {
    return Guard([&]() -> absl::StatusOr<int32_t> {
      KSTREAMS_ASSIGN_OR_RETURN(Json j, Call("DELETE", StrCat("/subjects/", UrlEscape(subject), "/versions/",
                                                              Version(version), permanent ? "?permanent=true" : ""),
                                             ""));
      return j.get<int32_t>();
    });
  }

 private:
  // A registry answer of an unexpected shape is an error, not an exception.
  template <typename F>
  static auto Guard(F f) -> decltype(f()) {
    try {
      return f();
    } catch (const Json::exception& e) {
      return absl::InternalError(StrCat("unexpected answer from the schema registry: ", e.what()));
    }
  }

  static std::string Version(int32_t version) { return version < 0 ? "latest" : std::to_string(version); }
  static std::string ConfigPath(std::optional<std::string_view> subject) {
    return subject ? StrCat("/config/", UrlEscape(*subject)) : std::string("/config");
  }
  static std::string SchemaBody(std::string_view schema) {
    return Json{{"schema", std::string(schema)}}.dump();
  }
  static RegisteredSchema ToRegistered(const Json& j) {
    RegisteredSchema r;
    r.subject = j.value("subject", "");
    r.version = j.value("version", 0);
    r.id = j.value("id", 0);
    r.schema = j.value("schema", "");
    return r;
  }

  // One request, retried on network errors and 5xx answers.
  absl::StatusOr<Json> Call(std::string_view method, const std::string& path, const std::string& body) {
    const std::string url = url_ + path;
    absl::Duration backoff = options_.retry_backoff;
    absl::Status last;
    for (int attempt = 0; attempt <= options_.retries; ++attempt) {
      if (attempt > 0) {
        absl::SleepFor(backoff);
        backoff *= 2;
      }
      long http_status = 0;
      std::string response;
      absl::Status sent = Send(method, url, body, http_status, response);
      if (!sent.ok()) {
        last = sent;
        continue;
      }
      Json j = Json::parse(response, nullptr, /*allow_exceptions=*/false);
      if (http_status >= 200 && http_status < 300) {
        if (j.is_discarded()) {
          return absl::InternalError(StrCat(method, " ", url, ": HTTP ", http_status,
                                            " with a body that is not JSON: ", response));
        }
        return j;
      }
      int32_t error_code = static_cast<int32_t>(http_status);
      std::string message = response;
      if (!j.is_discarded() && j.is_object()) {
        error_code = j.value("error_code", error_code);
        message = j.value("message", response);
      }
      last = RegistryError(error_code, StrCat(method, " ", url, ": HTTP ", http_status, ", error ",
                                              error_code, ": ", message));
      if (http_status < 500) return last;
    }
    return last;
  }

  absl::Status Send(std::string_view method, const std::string& url, const std::string& body,
                    long& http_status, std::string& response) {
    CURL* curl = curl_easy_init();
    if (curl == nullptr) return absl::InternalError("curl_easy_init failed");
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/vnd.schemaregistry.v1+json");
    headers = curl_slist_append(headers, "Accept: application/vnd.schemaregistry.v1+json, application/json");
    const std::string m(method);
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, m.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(absl::ToInt64Milliseconds(options_.request_timeout)));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(absl::ToInt64Milliseconds(options_.request_timeout)));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &AppendBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
    if (m == "POST" || m == "PUT") {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    }
    const CURLcode rc = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http_status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK) {
      return absl::UnavailableError(StrCat(method, " ", url, ": ", curl_easy_strerror(rc)));
    }
    return absl::OkStatus();
  }

  std::string url_;
  HttpOptions options_;
};

}  // namespace

std::shared_ptr<SchemaRegistryClient> CachingClient(std::shared_ptr<SchemaRegistryClient> inner) {
  return std::make_shared<CachingClientImpl>(std::move(inner));
}

absl::StatusOr<std::shared_ptr<SchemaRegistryClient>> SchemaRegistryClient::ForUrl(std::string url,
                                                                                  HttpOptions options) {
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    return absl::InvalidArgumentError(StrCat("schema.registry.url must start with http:// or https://, got '",
                                             url, "'"));
  }
  // The first URL of a comma-separated list (Confluent's clients take one).
  if (const size_t comma = url.find(','); comma != std::string::npos) url.resize(comma);
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  return CachingClient(std::make_shared<HttpClient>(std::move(url), options));
}

}  // namespace kstreams
