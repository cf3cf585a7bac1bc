#include "kstreams/sql/qtt_runner.h"

#include <deque>
#include <fstream>
#include <map>
#include <sstream>

#include "kstreams/internal/strings.h"
#include "kstreams/sql/engine.h"
#include "kstreams/testing/topology_test_driver.h"
#include "nlohmann/json.hpp"
#include "sql/formats.h"

namespace kstreams::sql {
namespace {

using ::kstreams::internal::StrCat;
using Json = nlohmann::json;
using Bytes = std::optional<std::string>;

struct RawRecord {
  std::string topic;
  Bytes key, value;
  int64_t timestamp = 0;
};

// A driver per persistent query.
struct QueryDriver {
  const PersistentQuery* query;
  std::unique_ptr<TopologyTestDriver> driver;
  std::vector<std::string> input_topics;
  std::string output_topic;
};

const DataSource* SourceOnTopic(const Engine& engine, const std::string& topic) {
  // Declared sources first (their formats are the writer's), then sinks.
  const DataSource* found = nullptr;
  for (const PersistentQuery* q : engine.Queries()) {
    for (const std::string& s : q->sources) {
      const DataSource* d = engine.FindSource(s);
      if (d && d->topic == topic) return d;
    }
    const DataSource* sink = engine.FindSource(q->sink);
    if (sink && sink->topic == topic) found = sink;
  }
  return found;
}

absl::StatusOr<Bytes> EncodeKey(const DataSource& d, const Json& key) {
  if (key.is_null() || d.key_columns.empty()) return Bytes();
  auto serde = internal::MakeRowSerde(d.key_format, d.key_columns, true);
  if (!serde.ok()) return serde.status();
  Row row;
  if (d.key_columns.size() == 1) {
    auto v = internal::ValueFromJsonText(key.dump(), d.key_columns[0].type);
    if (!v.ok()) return v.status();
    row.push_back(*v);
  } else {
    for (const Column& c : d.key_columns) {
      auto v = internal::ValueFromJsonText(key.contains(c.name) ? key[c.name].dump() : "null", c.type);
      if (!v.ok()) return v.status();
      row.push_back(*v);
    }
  }
  if ((*serde)->IsNull(row)) return Bytes();
  std::string out;
  if (absl::Status s = (*serde)->Serialize(d.topic, row, out); !s.ok()) return s;
  return Bytes(out);
}

absl::StatusOr<Bytes> EncodeValue(const DataSource& d, const Json& value) {
  if (value.is_null()) return Bytes();
  switch (d.value_format) {
    case Format::kJson: return Bytes(value.dump());
    case Format::kDelimited:
      return Bytes(value.is_string() ? value.get<std::string>() : value.dump());
    default: {
      auto serde = internal::MakeRowSerde(d.value_format, d.value_columns, false);
      if (!serde.ok()) return serde.status();
      Row row;
      for (const Column& c : d.value_columns) {
        auto v = internal::ValueFromJsonText(value.dump(), c.type);
        if (!v.ok()) return v.status();
        row.push_back(*v);
      }
      std::string out;
      if (absl::Status s = (*serde)->Serialize(d.topic, row, out); !s.ok()) return s;
      return Bytes(out);
    }
  }
}

Json RowToJsonKey(const DataSource& d, const Row& row) {
  if (d.key_columns.empty()) return nullptr;
  if (d.key_columns.size() == 1) {
    return Json::parse(internal::ValueToJson(row.empty() ? Value() : row[0], d.key_columns[0].type));
  }
  Json o = Json::object();
  for (size_t i = 0; i < d.key_columns.size(); ++i) {
    o[d.key_columns[i].name] =
        Json::parse(internal::ValueToJson(i < row.size() ? row[i] : Value(), d.key_columns[i].type));
  }
  return o;
}

// The actual record as the case's JSON: {topic, key, value, timestamp[, window]}.
absl::StatusOr<Json> DecodeOutput(const DataSource& d, const RawRecord& r) {
  Json out = Json::object();
  out["topic"] = r.topic;
  std::string key = r.key.value_or("");
  if (d.window && r.key) {
    auto read64 = [&](size_t at) {
      uint64_t u = 0;
      for (size_t i = 0; i < 8; ++i) u = (u << 8) | static_cast<uint8_t>(key[at + i]);
      return static_cast<int64_t>(u);
    };
    bool session = d.window->type == WindowSpec::Type::kSession;
    size_t suffix = session ? 16 : 8;
    if (key.size() < suffix) return absl::DataLossError("windowed key too short");
    int64_t start = session ? read64(key.size() - 8) : read64(key.size() - 8);
    int64_t end = session ? read64(key.size() - 16) : start + d.window->size_ms;
    out["window"] = {{"start", start}, {"end", end}, {"type", session ? "session" : "time"}};
    key.resize(key.size() - suffix);
  }
  auto ks = internal::MakeRowSerde(d.key_format, d.key_columns, true);
  if (!ks.ok()) return ks.status();
  if (!r.key || d.key_columns.empty()) {
    out["key"] = nullptr;
  } else {
    auto row = (*ks)->Deserialize(r.topic, key);
    if (!row.ok()) return row.status();
    out["key"] = RowToJsonKey(d, *row);
  }
  if (!r.value) {
    out["value"] = nullptr;
  } else if (d.value_format == Format::kJson) {
    out["value"] = Json::parse(*r.value, nullptr, false);
  } else if (d.value_format == Format::kDelimited) {
    out["value"] = *r.value;
  } else {
    auto vs = internal::MakeRowSerde(d.value_format, d.value_columns, false);
    if (!vs.ok()) return vs.status();
    auto row = (*vs)->Deserialize(r.topic, *r.value);
    if (!row.ok()) return row.status();
    out["value"] = row->empty() ? Json(nullptr)
                                : Json::parse(internal::ValueToJson((*row)[0], d.value_columns[0].type));
  }
  out["timestamp"] = r.timestamp;
  return out;
}

bool Matches(const Json& expected, const Json& actual) {
  for (const char* field : {"key", "value", "timestamp", "window"}) {
    if (!expected.contains(field)) continue;
    if (!actual.contains(field) || expected[field] != actual[field]) return false;
  }
  return true;
}

QttResult RunCase(const Json& c) {
  QttResult result;
  result.name = c.value("name", "(unnamed)");
  std::vector<RawRecord> inserted;
  Engine::Options options;
  options.start_queries = false;
  options.produce = [&inserted](const std::string& topic, Bytes key, Bytes value, int64_t ts) {
    inserted.push_back({topic, std::move(key), std::move(value), ts});
    return absl::OkStatus();
  };
  Engine engine(std::move(options));
  const Json* expected_error = c.contains("expectedException") ? &c["expectedException"] : nullptr;
  for (const Json& st : c.value("statements", Json::array())) {
    auto r = engine.Execute(st.get<std::string>());
    if (!r.ok()) {
      std::string message(r.status().message());
      if (!expected_error) {
        result.failure = StrCat("statement failed: ", st.get<std::string>(), "\n  ", message);
        return result;
      }
      std::string want = expected_error->value("message", "");
      if (message.find(want) == std::string::npos) {
        result.failure = StrCat("expected an error containing\n  ", want, "\ngot\n  ", message);
        return result;
      }
      result.passed = true;
      return result;
    }
  }
  if (expected_error) {
    result.failure = StrCat("expected an error containing\n  ", expected_error->value("message", ""),
                            "\nbut every statement succeeded");
    return result;
  }
  std::vector<QueryDriver> drivers;
  for (const PersistentQuery* q : engine.Queries()) {
    QueryDriver qd;
    qd.query = q;
    StreamsConfig config;
    config.Set(StreamsConfig::kApplicationId, q->application_id);
    config.Set(StreamsConfig::kDeserializationExceptionHandler, "log_and_continue");
    config.Set(StreamsConfig::kStatestoreCacheMaxBytes, "0");
    qd.driver = std::make_unique<TopologyTestDriver>(*q->topology, config);
    if (!qd.driver->status().ok()) {
      result.failure = StrCat("query ", q->id, " failed: ", qd.driver->status().message());
      return result;
    }
    for (const std::string& s : q->sources) qd.input_topics.push_back(engine.FindSource(s)->topic);
    qd.output_topic = engine.FindSource(q->sink)->topic;
    drivers.push_back(std::move(qd));
  }
  std::map<std::string, std::vector<RawRecord>> produced;
  auto bytes = serdes::Optional<std::string>(serdes::String());
  std::string failure;
  auto pipe = [&](const RawRecord& first) {
    std::deque<RawRecord> pending{first};
    while (!pending.empty()) {
      RawRecord r = std::move(pending.front());
      pending.pop_front();
      for (QueryDriver& qd : drivers) {
        if (std::find(qd.input_topics.begin(), qd.input_topics.end(), r.topic) == qd.input_topics.end()) {
          continue;
        }
        auto in = qd.driver->CreateInputTopic<Bytes, Bytes>(r.topic, bytes, bytes);
        absl::Status s = in.PipeInput(r.key, r.value, r.timestamp);
        if (!s.ok() && failure.empty()) failure = StrCat("query ", qd.query->id, ": ", s.message());
        auto out = qd.driver->CreateOutputTopic<Bytes, Bytes>(qd.output_topic, bytes, bytes);
        for (auto& rec : out.ReadRecordsToList()) {
          RawRecord o{qd.output_topic, rec.key, rec.value, rec.timestamp};
          produced[o.topic].push_back(o);
          pending.push_back(o);
        }
      }
    }
  };
  for (const RawRecord& r : inserted) pipe(r);
  for (const Json& in : c.value("inputs", Json::array())) {
    std::string topic = in.value("topic", "");
    const DataSource* d = SourceOnTopic(engine, topic);
    if (!d) {
      result.failure = StrCat("no stream or table reads the input topic '", topic, "'");
      return result;
    }
    auto key = EncodeKey(*d, in.contains("key") ? in["key"] : Json(nullptr));
    auto value = EncodeValue(*d, in.contains("value") ? in["value"] : Json(nullptr));
    if (!key.ok() || !value.ok()) {
      result.failure = StrCat("cannot encode input ", in.dump(), ": ",
                              (!key.ok() ? key.status() : value.status()).message());
      return result;
    }
    pipe({topic, *key, *value, in.value("timestamp", int64_t{0})});
  }
  if (!failure.empty()) {
    result.failure = failure;
    return result;
  }
  // Compare per topic, in order.
  std::map<std::string, std::vector<Json>> expected;
  for (const Json& out : c.value("outputs", Json::array())) expected[out.value("topic", "")].push_back(out);
  std::map<std::string, std::vector<Json>> actual;
  for (const auto& [topic, records] : produced) {
    const DataSource* d = nullptr;
    for (const PersistentQuery* q : engine.Queries()) {
      const DataSource* sink = engine.FindSource(q->sink);
      if (sink && sink->topic == topic) d = sink;
    }
    for (const RawRecord& r : records) {
      auto j = DecodeOutput(*d, r);
      if (!j.ok()) {
        result.failure = StrCat("cannot decode an output of ", topic, ": ", j.status().message());
        return result;
      }
      actual[topic].push_back(*j);
    }
  }
  std::string diff;
  for (const auto& [topic, want] : expected) {
    const std::vector<Json>& got = actual[topic];
    for (size_t i = 0; i < std::max(want.size(), got.size()); ++i) {
      if (i >= got.size()) {
        diff += StrCat("  missing output #", i, " on ", topic, ": ", want[i].dump(), "\n");
      } else if (i >= want.size()) {
        diff += StrCat("  unexpected output #", i, " on ", topic, ": ", got[i].dump(), "\n");
      } else if (!Matches(want[i], got[i])) {
        diff += StrCat("  output #", i, " on ", topic, ":\n    expected ", want[i].dump(),
                       "\n    actual   ", got[i].dump(), "\n");
      }
    }
  }
  for (const auto& [topic, got] : actual) {
    if (!expected.count(topic) && !got.empty()) {
      diff += StrCat("  ", got.size(), " unexpected outputs on ", topic, ", first: ", got[0].dump(), "\n");
    }
  }
  if (!diff.empty()) {
    result.failure = "outputs differ:\n" + diff;
    return result;
  }
  result.passed = true;
  return result;
}

}  // namespace

absl::StatusOr<std::vector<QttResult>> RunQttJson(std::string_view json) {
  Json doc = Json::parse(json.begin(), json.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("tests") || !doc["tests"].is_array()) {
    return absl::InvalidArgumentError("not a query-validation-test file: expected {\"tests\": [...]}");
  }
  std::vector<QttResult> out;
  for (const Json& c : doc["tests"]) out.push_back(RunCase(c));
  return out;
}

absl::StatusOr<std::vector<QttResult>> RunQttFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(StrCat("cannot read ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return RunQttJson(ss.str());
}

}  // namespace kstreams::sql
