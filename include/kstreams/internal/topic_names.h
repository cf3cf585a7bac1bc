// kstreams/internal/topic_names.h  (internal: not for users)
//
// Every internal topic name, built in one place. The names are Kafka Streams'
// own, byte for byte, so a kstreams application and its Java twin with the same
// `application.id` and topology read and write the same topics:
//
//   store changelog (also Suppress' buffer)  <application.id>-<store>-changelog
//   repartition topic                         <application.id>-<name>-repartition
//   foreign-key join subscription topic       <application.id>-<base>-topic
//   foreign-key join response topic           <application.id>-<base>-topic
//
// The DSL builds the undecorated part (`RepartitionTopicBase`,
// `ForeignKeyJoinTopicBase`), which is what `Topology::Describe()` shows and
// what `TopologyData` keeps; at run time every internal topic gets the
// `<application.id>-` prefix (`InternalTopicName`). Store changelogs are not
// in the topology: `ChangelogTopicName` builds them whole.
//
// Thread-safety: pure functions.
//
// Example:
//   ChangelogTopicName("wordcount", "counts")   // "wordcount-counts-changelog"
//   InternalTopicName("wordcount", RepartitionTopicBase("by-word"))
//                                               // "wordcount-by-word-repartition"
#ifndef KSTREAMS_INTERNAL_TOPIC_NAMES_H_
#define KSTREAMS_INTERNAL_TOPIC_NAMES_H_

#include <string>
#include <string_view>

#include "kstreams/internal/strings.h"

namespace kstreams::internal {

inline constexpr std::string_view kChangelogTopicSuffix = "-changelog";
inline constexpr std::string_view kRepartitionTopicSuffix = "-repartition";
inline constexpr std::string_view kForeignKeyJoinTopicSuffix = "-topic";

// "<application.id>-<name>": the topic an internal topic of the topology
// (repartition, foreign-key subscription/response) is at run time.
inline std::string InternalTopicName(std::string_view application_id, std::string_view name) {
  return StrCat(application_id, "-", name);
}

// "<application.id>-<store>-changelog": a store's changelog topic (Suppress'
// buffer store included).
inline std::string ChangelogTopicName(std::string_view application_id, std::string_view store) {
  return StrCat(application_id, "-", store, kChangelogTopicSuffix);
}

// "<base>-repartition", undecorated (base: a Grouped/Repartitioned/Joined
// name, a store name or a node name).
inline std::string RepartitionTopicBase(std::string_view base) {
  return StrCat(base, kRepartitionTopicSuffix);
}

// "<base>-topic", undecorated: a foreign-key join's subscription topic
// (`<name>-subscription-registration` or
// `KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-<n>`) or response topic
// (`<name>-subscription-response` or `KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-<n>`).
inline std::string ForeignKeyJoinTopicBase(std::string_view base) {
  return StrCat(base, kForeignKeyJoinTopicSuffix);
}

// True for "<application.id>-...-repartition", the topics whose consumed
// records the runtime may purge.
inline bool IsRepartitionTopic(std::string_view application_id, std::string_view topic) {
  return topic.size() > application_id.size() && topic.starts_with(application_id) &&
         topic[application_id.size()] == '-' && topic.ends_with(kRepartitionTopicSuffix);
}

}  // namespace kstreams::internal

#endif  // KSTREAMS_INTERNAL_TOPIC_NAMES_H_
