#include "kstreams/schema/avro_serdes.h"

#include "kstreams/internal/strings.h"
#include "kstreams/status_macros.h"

namespace kstreams {

using ::kstreams::internal::StrCat;

std::string SubjectName(SubjectNameStrategy strategy, std::string_view topic, bool is_key,
                        std::string_view record_name) {
  switch (strategy) {
    case SubjectNameStrategy::kTopicName: return StrCat(topic, is_key ? "-key" : "-value");
    case SubjectNameStrategy::kRecordName: return std::string(record_name);
    case SubjectNameStrategy::kTopicRecordName: return StrCat(topic, "-", record_name);
  }
  return std::string(topic);
}

namespace {

absl::StatusOr<bool> ParseBool(const std::string& key, const std::string& value) {
  if (value == "true") return true;
  if (value == "false") return false;
  return absl::InvalidArgumentError(StrCat("'", key, "' must be true or false, got '", value, "'"));
}

absl::StatusOr<SubjectNameStrategy> ParseStrategy(const std::string& key, std::string value) {
  constexpr std::string_view kPackage = "io.confluent.kafka.serializers.subject.";
  if (value.rfind(kPackage, 0) == 0) value = value.substr(kPackage.size());
  if (value == "TopicNameStrategy") return SubjectNameStrategy::kTopicName;
  if (value == "RecordNameStrategy") return SubjectNameStrategy::kRecordName;
  if (value == "TopicRecordNameStrategy") return SubjectNameStrategy::kTopicRecordName;
  return absl::InvalidArgumentError(StrCat("'", key, "': unknown subject name strategy '", value,
                                           "' (TopicNameStrategy, RecordNameStrategy, TopicRecordNameStrategy)"));
}

}  // namespace

absl::StatusOr<AvroSerdeConfig> AvroSerdeConfig::FromConfig(
    const std::map<std::string, std::string>& config, bool is_key,
    std::shared_ptr<SchemaRegistryClient> client) {
  AvroSerdeConfig out;
  out.is_key = is_key;
  out.client = std::move(client);
  if (!out.client) {
    auto url = config.find("schema.registry.url");
    if (url == config.end()) {
      return absl::InvalidArgumentError("Avro serde: 'schema.registry.url' is required");
    }
    KSTREAMS_ASSIGN_OR_RETURN(out.client, SchemaRegistryClient::ForUrl(url->second));
  }
  if (auto it = config.find("auto.register.schemas"); it != config.end()) {
    KSTREAMS_ASSIGN_OR_RETURN(out.auto_register_schemas, ParseBool(it->first, it->second));
  }
  if (auto it = config.find("use.latest.version"); it != config.end()) {
    KSTREAMS_ASSIGN_OR_RETURN(out.use_latest_version, ParseBool(it->first, it->second));
  }
  const std::string strategy_key = is_key ? "key.subject.name.strategy" : "value.subject.name.strategy";
  if (auto it = config.find(strategy_key); it != config.end()) {
    KSTREAMS_ASSIGN_OR_RETURN(out.subject_name_strategy, ParseStrategy(it->first, it->second));
  }
  return out;
}

namespace internal {


absl::StatusOr<AvroWireFormat::Writer> AvroWireFormat::WriterFor(const std::string& subject,
                                                                 const avro::Schema& schema) const {
  auto key = std::make_pair(subject, static_cast<const void*>(schema.raw()));
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = writers_.find(key); it != writers_.end()) return it->second;
  }
  Writer writer;
  writer.own = schema;
  if (config_.use_latest_version) {
    KSTREAMS_ASSIGN_OR_RETURN(RegisteredSchema latest, config_.client->GetLatest(subject));
    writer.id = latest.id;
    KSTREAMS_ASSIGN_OR_RETURN(avro::Schema parsed, avro::Schema::Parse(latest.schema));
    if (!(parsed == schema)) writer.latest = std::move(parsed);
  } else if (config_.auto_register_schemas) {
    KSTREAMS_ASSIGN_OR_RETURN(writer.id, config_.client->Register(subject, schema.CanonicalJson()));
  } else {
    KSTREAMS_ASSIGN_OR_RETURN(RegisteredSchema found, config_.client->LookUp(subject, schema.CanonicalJson()));
    writer.id = found.id;
  }
  std::lock_guard<std::mutex> lock(mu_);
  writers_.emplace(std::move(key), writer);
  return writer;
}

AvroWireFormat::~AvroWireFormat() {
  for (const WriteEntry* e = write_entries_.load(); e != nullptr;) {
    const WriteEntry* next = e->next;
    delete e;
    e = next;
  }
  for (const ReadEntry* e = read_entries_.load(); e != nullptr;) {
    const ReadEntry* next = e->next;
    delete e;
    e = next;
  }
}

absl::StatusOr<const AvroWireFormat::WriteEntry*> AvroWireFormat::WriteEntryFor(std::string_view topic,
                                                                                 const avro::Schema& schema) const {
  const void* raw = schema.raw();
  for (const WriteEntry* e = write_entries_.load(std::memory_order_acquire); e != nullptr; e = e->next) {
    if (e->schema == raw && e->topic == topic) return e;
  }
  const std::string subject =
      SubjectName(config_.subject_name_strategy, topic, config_.is_key, schema.FullName());
  absl::StatusOr<Writer> writer = WriterFor(subject, schema);
  if (!writer.ok()) {
    return absl::Status(writer.status().code(),
                        StrCat("Avro serializer, topic '", topic, "', subject '", subject,
                               "': ", writer.status().message()));
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (const WriteEntry* e = write_entries_.load(std::memory_order_acquire); e != nullptr; e = e->next) {
    if (e->schema == raw && e->topic == topic) return e;
  }
  auto* entry = new WriteEntry{std::string(topic), raw, WritePlan{writer->id, !writer->latest}, writer->latest,
                               write_entries_.load(std::memory_order_relaxed)};
  write_entries_.store(entry, std::memory_order_release);
  return entry;
}

absl::StatusOr<const AvroWireFormat::WritePlan*> AvroWireFormat::WritePlanFor(std::string_view topic,
                                                                               const avro::Schema& schema) const {
  KSTREAMS_ASSIGN_OR_RETURN(const WriteEntry* entry, WriteEntryFor(topic, schema));
  return &entry->plan;
}

absl::Status AvroWireFormat::Serialize(std::string_view topic, const avro::GenericValue& value,
                                       std::string& out) const {
  KSTREAMS_ASSIGN_OR_RETURN(const WriteEntry* entry, WriteEntryFor(topic, value.schema()));
  out.clear();
  AppendHeader(entry->plan.id, out);
  if (!entry->latest) return avro::EncodeTo(value.root(), out);
  // use.latest.version with another schema: write the value as the latest
  // schema reads it.
  std::string own;
  KSTREAMS_RETURN_IF_ERROR(avro::Encode(value, own));
  KSTREAMS_ASSIGN_OR_RETURN(avro::GenericValue converted, avro::Decode(own, value.schema(), *entry->latest));
  return avro::EncodeTo(converted.root(), out);
}

absl::StatusOr<avro::Schema> AvroWireFormat::SchemaById(int32_t id) const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = schemas_.find(id); it != schemas_.end()) return it->second;
  }
  KSTREAMS_ASSIGN_OR_RETURN(std::string text, config_.client->GetSchemaById(id));
  KSTREAMS_ASSIGN_OR_RETURN(avro::Schema schema, avro::Schema::Parse(text));
  std::lock_guard<std::mutex> lock(mu_);
  schemas_.emplace(id, schema);
  return schema;
}

absl::Status AvroWireFormat::NotFramed(std::string_view topic, std::string_view data) {
  return absl::InvalidArgumentError(StrCat(
      "Avro deserializer, topic '", topic, "': not Confluent's wire format (",
      data.empty() ? std::string("empty record")
                   : StrCat("magic byte ", static_cast<int>(static_cast<uint8_t>(data[0])),
                            ", expected 0, in ", data.size(), " bytes"),
      ")"));
}

absl::Status AvroWireFormat::DecodeError(std::string_view topic, int32_t id, const absl::Status& s) {
  return absl::Status(s.code(),
                      StrCat("Avro deserializer, topic '", topic, "', schema id ", id, ": ", s.message()));
}

absl::StatusOr<const AvroWireFormat::ReadPlan*> AvroWireFormat::ReadPlanFor(std::string_view topic, int32_t id,
                                                                            const avro::Schema& reader) const {
  const void* raw = reader.raw();
  for (const ReadEntry* e = read_entries_.load(std::memory_order_acquire); e != nullptr; e = e->next) {
    if (e->id == id && e->reader == raw) return &e->plan;
  }
  absl::StatusOr<avro::Schema> writer = SchemaById(id);
  if (!writer.ok()) return DecodeError(topic, id, writer.status());
  absl::StatusOr<std::unique_ptr<avro::Decoder>> decoder = avro::Decoder::Create(*writer, reader);
  if (!decoder.ok()) return DecodeError(topic, id, decoder.status());
  std::lock_guard<std::mutex> lock(mu_);
  for (const ReadEntry* e = read_entries_.load(std::memory_order_acquire); e != nullptr; e = e->next) {
    if (e->id == id && e->reader == raw) return &e->plan;
  }
  const bool same = *writer == reader;
  auto* entry = new ReadEntry{id, raw, reader, ReadPlan{*writer, same, std::move(*decoder)},
                              read_entries_.load(std::memory_order_relaxed)};
  read_entries_.store(entry, std::memory_order_release);
  return &entry->plan;
}

absl::StatusOr<avro::GenericValue> AvroWireFormat::Deserialize(std::string_view topic, std::string_view data,
                                                               const std::optional<avro::Schema>& reader) const {
  KSTREAMS_ASSIGN_OR_RETURN(int32_t id, FramedId(topic, data));
  const ReadPlan* plan = nullptr;
  if (reader) {
    KSTREAMS_ASSIGN_OR_RETURN(plan, ReadPlanFor(topic, id, *reader));
  } else {
    // As written: the writer's schema is the reader's.
    absl::StatusOr<avro::Schema> writer = SchemaById(id);
    if (!writer.ok()) return DecodeError(topic, id, writer.status());
    KSTREAMS_ASSIGN_OR_RETURN(plan, ReadPlanFor(topic, id, *writer));
  }
  absl::StatusOr<avro::GenericValue> value = plan->decoder->Decode(data.substr(5));
  if (!value.ok()) return DecodeError(topic, id, value.status());
  return value;
}

namespace {

class GenericAvroSerde final : public Serde<avro::GenericValue> {
 public:
  GenericAvroSerde(AvroSerdeConfig config, std::optional<avro::Schema> reader)
      : wire_(std::move(config)), reader_(std::move(reader)) {}
  absl::Status Serialize(std::string_view topic, const avro::GenericValue& value,
                         std::string& out) const override {
    return wire_.Serialize(topic, value, out);
  }
  absl::StatusOr<avro::GenericValue> Deserialize(std::string_view topic, std::string_view data) const override {
    return wire_.Deserialize(topic, data, reader_);
  }

 private:
  AvroWireFormat wire_;
  std::optional<avro::Schema> reader_;
};

}  // namespace
}  // namespace internal

namespace serdes {
SerdePtr<avro::GenericValue> GenericAvro(AvroSerdeConfig config, std::optional<avro::Schema> reader_schema) {
  return std::make_shared<internal::GenericAvroSerde>(std::move(config), std::move(reader_schema));
}
}  // namespace serdes

}  // namespace kstreams
