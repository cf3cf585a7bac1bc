// kstreams/schema/avro_serdes.h
//
// Avro serdes in Confluent's wire format: byte 0 is the magic 0, bytes 1-4
// the schema's registry id (big-endian), then the Avro binary encoding. They
// read and write the same bytes as Confluent's KafkaAvroSerializer /
// KafkaAvroDeserializer and confluent-kafka's AvroSerializer.
//
//   serdes::Avro<T>(config)        a struct mapped by avro::AvroRecord<T>
//                                  (avro_traits.h)
//   serdes::GenericAvro(config)    avro::GenericValue, any schema
//
// Writing registers the schema under the subject of the topic
// (auto.register.schemas, default true), or looks it up, or, with
// use.latest.version, writes with the subject's latest schema. Ids are
// cached: no registry request per record. Reading takes the writer's schema
// from the id (cached) and resolves it to the reader's (T's schema, or the
// GenericAvro's reader schema; without one, the writer's own).
//
// Errors: a record whose first byte is not 0, whose id the registry does not
// know, or whose writer schema cannot be resolved to the reader's is a
// deserialization error naming the topic and schema id; the task adds the
// partition and offset and asks the deserialization exception handler.
//
// Config keys (Confluent's): schema.registry.url, auto.register.schemas,
// use.latest.version, key.subject.name.strategy, value.subject.name.strategy
// (TopicNameStrategy, RecordNameStrategy, TopicRecordNameStrategy, short or
// with Confluent's package io.confluent.kafka.serializers.subject.).
//
// Thread-safety: the serdes are immutable apart from internal caches under a
// lock; share them between threads.
//
// Example:
//
//   KSTREAMS_ASSIGN_OR_RETURN(auto config, kstreams::AvroSerdeConfig::FromConfig(
//       {{"schema.registry.url", "http://localhost:8081"}}, /*is_key=*/false));
//   auto orders = kstreams::serdes::Avro<Order>(config);
//   builder.Stream<std::string, Order>("orders", Consumed<std::string, Order>::With(
//       kstreams::serdes::String(), orders));
#ifndef KSTREAMS_SCHEMA_AVRO_SERDES_H_
#define KSTREAMS_SCHEMA_AVRO_SERDES_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kstreams/schema/avro_schema.h"
#include "kstreams/schema/avro_traits.h"
#include "kstreams/schema/avro_value.h"
#include "kstreams/schema/registry_client.h"
#include "kstreams/serde/serde.h"

namespace kstreams {

// How a serde names the subject of a topic's keys or values.
enum class SubjectNameStrategy {
  kTopicName,        // "<topic>-key" / "<topic>-value"
  kRecordName,       // "<record full name>"
  kTopicRecordName,  // "<topic>-<record full name>"
};

std::string SubjectName(SubjectNameStrategy strategy, std::string_view topic, bool is_key,
                        std::string_view record_name);

struct AvroSerdeConfig {
  std::shared_ptr<SchemaRegistryClient> client;  // REQUIRED
  bool is_key = false;                            // Default: false (values)
  bool auto_register_schemas = true;              // Default: true
  bool use_latest_version = false;                // Default: false
  SubjectNameStrategy subject_name_strategy = SubjectNameStrategy::kTopicName;  // Default

  // From Confluent's config keys; `client` given, or built from
  // schema.registry.url (HTTP, cached).
  static absl::StatusOr<AvroSerdeConfig> FromConfig(
      const std::map<std::string, std::string>& config, bool is_key,
      std::shared_ptr<SchemaRegistryClient> client = nullptr);
};

namespace internal {

// The wire format and the registry work shared by the Avro serdes.
class AvroWireFormat {
 public:
  explicit AvroWireFormat(AvroSerdeConfig config) : config_(std::move(config)) {}

  // Appends the framed encoding of `value` for `topic` to `out` (cleared).
  absl::Status Serialize(std::string_view topic, const avro::GenericValue& value, std::string& out) const;
  // Decodes a framed record; `reader` nullopt: as written.
  absl::StatusOr<avro::GenericValue> Deserialize(std::string_view topic, std::string_view data,
                                                 const std::optional<avro::Schema>& reader) const;

 private:
  struct Writer {
    int32_t id = 0;
    std::optional<avro::Schema> latest;  // use.latest.version: the schema to write with
    std::optional<avro::Schema> own;     // keeps the schema of the cache key alive
  };
  absl::StatusOr<Writer> WriterFor(const std::string& subject, const avro::Schema& schema) const;
  absl::StatusOr<avro::Schema> SchemaById(int32_t id) const;

  AvroSerdeConfig config_;
  mutable std::mutex mu_;
  // Keyed by the parsed schema's identity (Schema::raw(); the entry keeps
  // the schema alive, so the address is not reused): no per-record copy or
  // comparison of schema texts.
  mutable std::map<std::pair<std::string, const void*>, Writer> writers_;  // (subject, schema)
  mutable std::map<int32_t, avro::Schema> schemas_;
  mutable std::map<std::pair<int32_t, const void*>, std::shared_ptr<avro::Decoder>> decoders_;
};

template <typename T>
class AvroSerde final : public Serde<T> {
 public:
  AvroSerde(AvroSerdeConfig config, avro::Schema schema)
      : wire_(std::move(config)), schema_(std::move(schema)) {}

  absl::Status Serialize(std::string_view topic, const T& value, std::string& out) const override {
    avro::GenericValue generic(schema_);
    absl::Status s = avro::ToGeneric(value, generic.root());
    if (!s.ok()) return s;
    return wire_.Serialize(topic, generic, out);
  }
  absl::StatusOr<T> Deserialize(std::string_view topic, std::string_view data) const override {
    absl::StatusOr<avro::GenericValue> generic = wire_.Deserialize(topic, data, schema_);
    if (!generic.ok()) return generic.status();
    T value{};
    absl::Status s = avro::FromGeneric(generic->root(), value);
    if (!s.ok()) return s;
    return value;
  }

 private:
  AvroWireFormat wire_;
  avro::Schema schema_;
};

}  // namespace internal

namespace serdes {

// REQUIRES: avro::AvroRecord<T> (or another avro::AvroType<T>) is defined.
template <typename T>
SerdePtr<T> Avro(AvroSerdeConfig config) {
  static const absl::StatusOr<avro::Schema> schema = avro::Schema::Parse(avro::SchemaJsonOf<T>());
  // The schema text comes from the trait; a failure here is a bug in the
  // trait's declaration (a name defined twice, a bad default).
  KSTREAMS_DCHECK(schema.ok());
  return std::make_shared<internal::AvroSerde<T>>(std::move(config), *schema);
}

// Generic values. Writes each value with its own schema; reads into
// `reader_schema`, or, without one, into the writer's schema.
SerdePtr<avro::GenericValue> GenericAvro(AvroSerdeConfig config,
                                         std::optional<avro::Schema> reader_schema = std::nullopt);

}  // namespace serdes
}  // namespace kstreams

#endif  // KSTREAMS_SCHEMA_AVRO_SERDES_H_
