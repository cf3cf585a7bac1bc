// ksqlDB's serialization formats for rows: KAFKA (one primitive column, in
// Kafka's own serializers' layouts), JSON (an object keyed by column name;
// a single key column is written unwrapped, as ksqlDB writes keys) and
// DELIMITED (comma-separated, CSV quoting). Serde<Row> implementations the
// compiled topologies use at sources, sinks and repartition topics, and a
// binary serde for aggregation state (accumulators).
#ifndef KSTREAMS_SRC_SQL_FORMATS_H_
#define KSTREAMS_SRC_SQL_FORMATS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kstreams/serde/serde.h"
#include "kstreams/sql/engine.h"
#include "kstreams/sql/value.h"

namespace kstreams::sql::internal {

// A serde for rows of `columns` in `format`. Key serdes (`is_key`) write one
// column unwrapped in JSON, and an empty row as a Kafka null.
absl::StatusOr<SerdePtr<Row>> MakeRowSerde(Format format, const std::vector<Column>& columns,
                                           bool is_key, const std::string& delimiter = ",");

// A self-describing binary encoding of any row (the aggregation store's
// accumulators); never shared with other programs.
SerdePtr<Row> StateSerde();

// JSON <-> Value, used by the JSON format and the test runner. Reading is
// lenient as ksqlDB's: numbers from strings, strings from numbers, field
// names matched case-insensitively.
std::string ValueToJson(const Value& v, const TypePtr& type);
absl::StatusOr<Value> ValueFromJsonText(std::string_view json, const TypePtr& type);

}  // namespace kstreams::sql::internal

#endif  // KSTREAMS_SRC_SQL_FORMATS_H_
