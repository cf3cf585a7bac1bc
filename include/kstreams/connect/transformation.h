// kstreams/connect/transformation.h
//
// Single message transforms (org.apache.kafka.connect.transforms), found by
// Connect's class names and configured with Connect's keys, chained by a
// connector's `transforms=a,b` / `transforms.a.type=...` /
// `transforms.a.<key>=...`, each optionally guarded by a predicate
// (`transforms.a.predicate=p`, `transforms.a.negate=true`, declared by
// `predicates=p`, `predicates.p.type=...`).
//
// Transforms (each `$Key` and `$Value` where Connect has both; full class
// name or the short "InsertField$Value"):
//   InsertField, ReplaceField, MaskField, ValueToKey, ExtractField,
//   HoistField, Cast, TimestampConverter, Flatten, RegexRouter,
//   TimestampRouter, Filter, InsertHeader, DropHeaders, HeaderFrom.
// Predicates (org.apache.kafka.connect.transforms.predicates.*):
//   TopicNameMatches, HasHeaderKey, RecordIsTombstone.
//
// Each works on records with a schema (Struct values) and without (Map
// values), with Connect's semantics and error messages, and refuses the
// configs Connect refuses (InvalidArgument with ConfigException's message).
//
// Thread-safety: a configured Transformation/chain belongs to one task.
//
// Example:
//
//   ConfigMap config = {{"transforms", "addTopic"},
//       {"transforms.addTopic.type", "org.apache.kafka.connect.transforms.InsertField$Value"},
//       {"transforms.addTopic.topic.field", "source_topic"}};
//   KSTREAMS_ASSIGN_OR_RETURN(TransformationChain chain, TransformationChain::Create(config));
//   KSTREAMS_ASSIGN_OR_RETURN(std::optional<ConnectRecord> out, chain.Apply(std::move(record)));
#ifndef KSTREAMS_CONNECT_TRANSFORMATION_H_
#define KSTREAMS_CONNECT_TRANSFORMATION_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kstreams/connect/config_def.h"
#include "kstreams/connect/connect_record.h"

namespace kstreams::connect {

class Transformation {
 public:
  virtual ~Transformation() = default;
  virtual std::string_view ClassName() const = 0;
  virtual absl::Status Configure(const ConfigMap& config) = 0;
  // The transformed record, or nullopt to drop it. `is_sink_record` tells
  // InsertField whether `offset` is known; `kafka_offset` is then the record's.
  virtual absl::StatusOr<std::optional<ConnectRecord>> Apply(ConnectRecord record) = 0;
  // Set by the worker for sink records (InsertField's offset.field).
  void SetSinkOffset(std::optional<int64_t> kafka_offset) { sink_offset_ = kafka_offset; }

 protected:
  std::optional<int64_t> sink_offset_;
};

class Predicate {
 public:
  virtual ~Predicate() = default;
  virtual std::string_view ClassName() const = 0;
  virtual absl::Status Configure(const ConfigMap& config) = 0;
  virtual bool Test(const ConnectRecord& record) const = 0;
};

// By class name (full or short). NotFound when unknown; InvalidArgument for
// a config Connect refuses.
absl::StatusOr<std::unique_ptr<Transformation>> CreateTransformation(std::string_view class_name,
                                                                     const ConfigMap& config);
absl::StatusOr<std::unique_ptr<Predicate>> CreatePredicate(std::string_view class_name,
                                                           const ConfigMap& config);

class TransformationChain {
 public:
  TransformationChain();
  TransformationChain(TransformationChain&&) noexcept;
  TransformationChain& operator=(TransformationChain&&) noexcept;
  ~TransformationChain();

  // Builds the chain from a connector config (`transforms`, `predicates`
  // and their prefixed keys). Errors name the alias.
  static absl::StatusOr<TransformationChain> Create(const ConfigMap& connector_config);

  // Applies each transform in order; nullopt as soon as one drops the
  // record. An error names the alias and the class (see failed_class()).
  absl::StatusOr<std::optional<ConnectRecord>> Apply(ConnectRecord record,
                                                     std::optional<int64_t> sink_offset = std::nullopt);
  // The class of the transform whose Apply failed last (for DLQ headers).
  const std::string& failed_class() const { return failed_class_; }
  size_t size() const { return stages_.size(); }

 private:
  struct Stage;
  std::vector<std::unique_ptr<Stage>> stages_;
  std::string failed_class_;
};

}  // namespace kstreams::connect

#endif  // KSTREAMS_CONNECT_TRANSFORMATION_H_
