// kstreams/dsl/internal/dsl_forward.h  (internal: not for users)
//
// Declarations of the DSL's handle types, so that each public header can
// define its own type naming the others; each header includes the headers of
// the types its operators return at its end (directly or through its
// internal/*_inl.h), after its own type is complete.
#ifndef KSTREAMS_DSL_INTERNAL_DSL_FORWARD_H_
#define KSTREAMS_DSL_INTERNAL_DSL_FORWARD_H_

namespace kstreams {

class StreamsBuilder;
template <typename K, typename V>
class KStream;
template <typename K, typename V>
class BranchedKStream;
template <typename K, typename V>
class KTable;
template <typename K, typename V>
class GlobalKTable;
template <typename K, typename V>
class KGroupedStream;
template <typename K, typename V>
class KGroupedTable;
template <typename K, typename VA>
class CogroupedKStream;
template <typename K, typename V>
class TimeWindowedKStream;
template <typename K, typename V>
class SessionWindowedKStream;
template <typename K, typename VA>
class TimeWindowedCogroupedKStream;
template <typename K, typename VA>
class SessionWindowedCogroupedKStream;

}  // namespace kstreams

#endif  // KSTREAMS_DSL_INTERNAL_DSL_FORWARD_H_
