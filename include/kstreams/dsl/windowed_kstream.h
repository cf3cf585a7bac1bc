// kstreams/dsl/windowed_kstream.h
//
// Windowed aggregations (Java's TimeWindowedKStream, SessionWindowedKStream
// and their cogrouped forms), made by KGroupedStream::WindowedBy and
// CogroupedKStream::WindowedBy:
//
//   grouped.WindowedBy(TimeWindows | SlidingWindows | UnlimitedWindows)
//       -> TimeWindowedKStream<K, V>:  Count, Reduce, Aggregate
//   grouped.WindowedBy(SessionWindows)
//       -> SessionWindowedKStream<K, V>: Count, Reduce, Aggregate(+ merger)
//
// Each produces a KTable<Windowed<K>, VA> whose updates are per (key,
// window): its ToStream() is KStream<Windowed<K>, std::optional<VA>> and its
// sinks default to the windowed serdes (TimeWindowedSerde with the window
// size, or SessionWindowedSerde), Java's byte layouts. Session merges
// forward a delete for every session they replace before the merged one.
//
// State: a timestamped window store (TimeWindows, SlidingWindows,
// UnlimitedWindows) or a session store, named by Materialized::As or
// generated ("KSTREAM-AGGREGATE-STATE-STORE-0000000001"), cached and logged
// by default, keeping windows for Materialized::WithRetention or by default
// the shortest time that keeps every open window: size + grace (time
// windows), 2 * time difference + grace (sliding), gap + grace (sessions).
// A shorter retention is a topology error naming the store.
//
// EmitStrategy(OnWindowClose()) forwards one final result per window when
// it closes instead of every update (see window_nodes.h for the details).
//
// Thread-compatible: build from one thread.
//
// Example (clicks per user per 1-minute window, advancing every 10 s):
//
//   builder.Stream<std::string, std::string>("clicks")
//       .GroupByKey()
//       .WindowedBy(kstreams::TimeWindows::OfSizeWithNoGrace(std::chrono::minutes(1))
//                       .AdvanceBy(std::chrono::seconds(10)))
//       .Count()
//       .ToStream()
//       .To("clicks-per-minute");
//
// Each windowed stream has its own header; this one includes the four.
#ifndef KSTREAMS_DSL_WINDOWED_KSTREAM_H_
#define KSTREAMS_DSL_WINDOWED_KSTREAM_H_

#include "kstreams/dsl/session_windowed_cogrouped_kstream.h"
#include "kstreams/dsl/session_windowed_kstream.h"
#include "kstreams/dsl/time_windowed_cogrouped_kstream.h"
#include "kstreams/dsl/time_windowed_kstream.h"

#endif  // KSTREAMS_DSL_WINDOWED_KSTREAM_H_
