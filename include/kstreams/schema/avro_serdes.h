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
// Thread-safety: the serdes are immutable apart from internal caches (read
// without a lock, filled under one); share them between threads.
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

#include <atomic>
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
//
// Per record, a serde finds its plan in two caches read without a lock
// (immutable entries published through an atomic list; a miss asks the
// registry once, under the mutex): by (topic, writer schema) the id to write
// and whether the value is written as is; by (schema id, reader schema) the
// writer's schema and whether it is the reader's own (then serdes::Avro<T>
// decodes the bytes straight into T) or needs avro-c's resolution.
class AvroWireFormat {
 public:
  explicit AvroWireFormat(AvroSerdeConfig config) : config_(std::move(config)) {}
  ~AvroWireFormat();
  AvroWireFormat(const AvroWireFormat&) = delete;
  AvroWireFormat& operator=(const AvroWireFormat&) = delete;

  // Appends the framed encoding of `value` for `topic` to `out` (cleared).
  absl::Status Serialize(std::string_view topic, const avro::GenericValue& value, std::string& out) const;
  // Decodes a framed record; `reader` nullopt: as written.
  absl::StatusOr<avro::GenericValue> Deserialize(std::string_view topic, std::string_view data,
                                                 const std::optional<avro::Schema>& reader) const;

  struct WritePlan {
    int32_t id = 0;
    bool as_is = true;  // false: use.latest.version writes with another schema
  };
  // How values of `schema` are written to `topic`. Valid while this lives.
  absl::StatusOr<const WritePlan*> WritePlanFor(std::string_view topic, const avro::Schema& schema) const;

  struct ReadPlan {
    avro::Schema writer;
    bool same_schema = false;  // the writer's schema is the reader's
    std::shared_ptr<avro::Decoder> decoder;
  };
  // The schema id of a framed record, or the error naming the topic.
  static absl::StatusOr<int32_t> FramedId(std::string_view topic, std::string_view data) {
    if (data.size() < 5 || data[0] != 0) [[unlikely]] return NotFramed(topic, data);
    const auto* b = reinterpret_cast<const uint8_t*>(data.data());
    return static_cast<int32_t>((uint32_t{b[1]} << 24) | (uint32_t{b[2]} << 16) | (uint32_t{b[3]} << 8) | b[4]);
  }
  static absl::Status NotFramed(std::string_view topic, std::string_view data);
  // How records of schema `id` are read as `reader`. Valid while this lives.
  absl::StatusOr<const ReadPlan*> ReadPlanFor(std::string_view topic, int32_t id,
                                              const avro::Schema& reader) const;
  // The cached plans, found without a lock or a call; nullptr when not
  // cached yet (then WritePlanFor / ReadPlanFor).
  const WritePlan* CachedWritePlan(std::string_view topic, const void* schema_raw) const {
    for (const WriteEntry* e = write_entries_.load(std::memory_order_acquire); e != nullptr; e = e->next) {
      if (e->schema == schema_raw && e->topic == topic) return &e->plan;
    }
    return nullptr;
  }
  const ReadPlan* CachedReadPlan(int32_t id, const void* reader_raw) const {
    for (const ReadEntry* e = read_entries_.load(std::memory_order_acquire); e != nullptr; e = e->next) {
      if (e->id == id && e->reader == reader_raw) return &e->plan;
    }
    return nullptr;
  }
  // A decoding error of `topic`'s record of schema `id`, named so.
  static absl::Status DecodeError(std::string_view topic, int32_t id, const absl::Status& s);
  static void AppendHeader(int32_t id, std::string& out) {
    const auto uid = static_cast<uint32_t>(id);
    const char header[5] = {0, static_cast<char>(uid >> 24), static_cast<char>(uid >> 16),
                            static_cast<char>(uid >> 8), static_cast<char>(uid)};
    out.append(header, 5);
  }

 private:
  struct Writer {
    int32_t id = 0;
    std::optional<avro::Schema> latest;  // use.latest.version: the schema to write with
    std::optional<avro::Schema> own;     // keeps the schema of the cache key alive
  };
  struct WriteEntry {
    std::string topic;
    const void* schema;  // Schema::raw(), kept alive by writers_
    WritePlan plan;
    std::optional<avro::Schema> latest;
    const WriteEntry* next;
  };
  struct ReadEntry {
    int32_t id;
    const void* reader;  // Schema::raw() of the reader, kept alive by `reader_schema`
    avro::Schema reader_schema;
    ReadPlan plan;
    const ReadEntry* next;
  };
  absl::StatusOr<Writer> WriterFor(const std::string& subject, const avro::Schema& schema) const;
  absl::StatusOr<avro::Schema> SchemaById(int32_t id) const;
  absl::StatusOr<const WriteEntry*> WriteEntryFor(std::string_view topic, const avro::Schema& schema) const;

  AvroSerdeConfig config_;
  mutable std::mutex mu_;
  // Keyed by the parsed schema's identity (Schema::raw(); the entry keeps
  // the schema alive, so the address is not reused): no per-record copy or
  // comparison of schema texts.
  mutable std::map<std::pair<std::string, const void*>, Writer> writers_;  // (subject, schema)
  mutable std::map<int32_t, avro::Schema> schemas_;
  // The lock-free caches: lists of immutable entries, prepended under mu_,
  // freed with this object.
  mutable std::atomic<const WriteEntry*> write_entries_{nullptr};
  mutable std::atomic<const ReadEntry*> read_entries_{nullptr};
};

template <typename T>
class AvroSerde final : public Serde<T> {
 public:
  AvroSerde(AvroSerdeConfig config, avro::Schema schema)
      : wire_(std::move(config)), schema_(std::move(schema)), schema_raw_(schema_.raw()) {}

  absl::Status Serialize(std::string_view topic, const T& value, std::string& out) const override {
    if constexpr (avro::HasAvroCodec<T>) {
      const AvroWireFormat::WritePlan* plan = wire_.CachedWritePlan(topic, schema_raw_);
      if (plan == nullptr) {
        absl::StatusOr<const AvroWireFormat::WritePlan*> found = wire_.WritePlanFor(topic, schema_);
        if (!found.ok()) return found.status();
        plan = *found;
      }
      if (plan->as_is) {  // T's own encoding, written directly
        out.clear();
        AvroWireFormat::AppendHeader(plan->id, out);
        bool encoded;
        {
          avro::BinaryWriter writer(out);
          encoded = avro::AvroType<T>::Encode(value, writer);
        }
        if (encoded) return absl::OkStatus();
        out.clear();
        return absl::InvalidArgumentError(::kstreams::internal::StrCat(
            "Avro serializer, topic '", topic, "': the value has no Avro encoding (an enum value without a symbol)"));
      }
    }
    avro::GenericValue generic(schema_);
    absl::Status s = avro::ToGeneric(value, generic.root());
    if (!s.ok()) return s;
    return wire_.Serialize(topic, generic, out);
  }

  absl::StatusOr<T> Deserialize(std::string_view topic, std::string_view data) const override {
    if constexpr (avro::HasAvroCodec<T>) {
      absl::StatusOr<int32_t> id = AvroWireFormat::FramedId(topic, data);
      if (!id.ok()) return id.status();
      const AvroWireFormat::ReadPlan* plan = wire_.CachedReadPlan(*id, schema_raw_);
      if (plan == nullptr) {
        absl::StatusOr<const AvroWireFormat::ReadPlan*> found = wire_.ReadPlanFor(topic, *id, schema_);
        if (!found.ok()) return found.status();
        plan = *found;
      }
      if (plan->same_schema) {  // written as T: read straight into T
        avro::BinaryReader in(data.substr(5));
        absl::StatusOr<T> value(absl::in_place);
        if (!avro::AvroType<T>::Decode(in, *value)) return AvroWireFormat::DecodeError(topic, *id, in.status());
        return value;
      }
    }
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
  const void* schema_raw_;  // schema_.raw(), the plans' key
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
