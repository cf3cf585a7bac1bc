// kstreams/schema/compatibility.h
//
// Schema compatibility, as Apache Avro's SchemaCompatibility and Confluent's
// registry define it. CanRead(reader, writer) applies Avro's resolution rules
// at the schema level: record fields matched by name or reader alias, reader
// fields missing from the writer need a default; numeric promotions
// int->long->float->double; string<->bytes; enums need every writer symbol
// unless the reader has a default symbol; named types match by unqualified
// name or reader alias; a writer union needs each branch readable, a reader
// union one branch that reads the writer.
//
// CheckCompatibility(level, candidate, previous) is the registry's rule:
// BACKWARD: the candidate reads the latest; FORWARD: the latest reads the
// candidate; FULL: both; the _TRANSITIVE levels check every previous version,
// not only the latest; NONE accepts anything.
//
// Thread-safety: pure functions.
#ifndef KSTREAMS_SCHEMA_COMPATIBILITY_H_
#define KSTREAMS_SCHEMA_COMPATIBILITY_H_

#include <string>
#include <vector>

#include "kstreams/schema/avro_schema.h"
#include "kstreams/schema/registry_client.h"

namespace kstreams {
namespace avro {

// Why data written with `writer` cannot be read with `reader` (one message
// per problem, naming its place: "/fields/qty: ..."); empty when it can.
std::vector<std::string> ReadIncompatibilities(const Schema& reader, const Schema& writer);
inline bool CanRead(const Schema& reader, const Schema& writer) {
  return ReadIncompatibilities(reader, writer).empty();
}

}  // namespace avro

// The problems that forbid registering `candidate` after `previous` (oldest
// first) under `level`; empty when it may be registered.
std::vector<std::string> CheckCompatibility(CompatibilityLevel level, const avro::Schema& candidate,
                                            const std::vector<avro::Schema>& previous);

}  // namespace kstreams

#endif  // KSTREAMS_SCHEMA_COMPATIBILITY_H_
