// The named topologies of the differential tests, in Java. Each has a C++
// twin of the same name in tests/differential/diff_topologies.cc: the same
// operators in the same order, topic and store names, serdes and windows, so
// both describe themselves alike and must produce the same bytes.
//
// Input values are decimal numbers as strings (or null); num() reads them.
package kstreams.interop;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.SessionWindows;
import org.apache.kafka.streams.kstream.SlidingWindows;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.WindowedSerdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.SessionStore;
import org.apache.kafka.streams.state.WindowStore;

final class DiffTopologies {
  private DiffTopologies() {}

  enum Kind { KV, WINDOW, SESSION }

  /** A queryable store the runner dumps; keys are always strings. */
  record Store(String name, Kind kind, Serde<?> valueSerde) {}

  record Spec(Consumer<StreamsBuilder> build, List<Store> stores) {}

  private static final Map<String, Spec> SPECS = new TreeMap<>();

  static Spec get(String name) {
    Spec s = SPECS.get(name);
    if (s == null) throw new IllegalArgumentException("unknown topology " + name);
    return s;
  }

  private static void add(String name, Consumer<StreamsBuilder> build, Store... stores) {
    SPECS.put(name, new Spec(build, List.of(stores)));
  }

  static long num(String v) { return v == null ? 0 : Long.parseLong(v); }

  static String show(String v) { return v == null ? "null" : v; }

  private static final Serde<String> S = Serdes.String();
  private static final Serde<Long> L = Serdes.Long();
  private static final Duration MS3 = Duration.ofMillis(3);
  private static final Duration MS5 = Duration.ofMillis(5);
  private static final Duration MS10 = Duration.ofMillis(10);

  static <T> Materialized<String, T, KeyValueStore<Bytes, byte[]>> kv(String name, Serde<T> v) {
    return Materialized.<String, T, KeyValueStore<Bytes, byte[]>>as(name).withKeySerde(S).withValueSerde(v);
  }

  static Materialized<String, Long, WindowStore<Bytes, byte[]>> win(String name) {
    return Materialized.<String, Long, WindowStore<Bytes, byte[]>>as(name).withKeySerde(S).withValueSerde(L);
  }

  static Produced<org.apache.kafka.streams.kstream.Windowed<String>, Long> timeWindowed(long size) {
    return Produced.with(new WindowedSerdes.TimeWindowedSerde<>(S, size), L);
  }

  static KStream<String, String> in(StreamsBuilder b, String topic) {
    return b.stream(topic, Consumed.with(S, S));
  }

  static {
    // Aggregations on streams.
    add("stream_count", b -> in(b, "in").groupByKey().count(kv("counts", L))
        .toStream().to("out", Produced.with(S, L)),
        new Store("counts", Kind.KV, L));
    add("stream_reduce", b -> in(b, "in").groupByKey()
        .reduce((a, v) -> Long.toString(num(a) + num(v)), kv("reduced", S))
        .toStream().to("out", Produced.with(S, S)),
        new Store("reduced", Kind.KV, S));
    add("stream_aggregate", b -> in(b, "in").groupByKey()
        .aggregate(() -> 0L, (k, v, agg) -> agg * 3 + num(v), kv("agg", L))
        .toStream().to("out", Produced.with(S, L)),
        new Store("agg", Kind.KV, L));
    // groupBy with a new key: through a repartition topic.
    add("repartition_count", b -> in(b, "in")
        .groupBy((k, v) -> "g" + (num(v) % 3), Grouped.with(S, S))
        .count(kv("rcounts", L))
        .toStream().to("out", Produced.with(S, L)),
        new Store("rcounts", Kind.KV, L));

    // Aggregations on tables, with subtractors.
    add("table_aggregate", b -> b.table("tin", Consumed.with(S, S), kv("tsrc", S))
        .groupBy((k, v) -> KeyValue.pair("g" + (num(v) % 3), v), Grouped.with(S, S))
        .aggregate(() -> 0L, (k, v, agg) -> agg + num(v), (k, v, agg) -> agg - num(v), kv("tagg", L))
        .toStream().to("out", Produced.with(S, L)),
        new Store("tsrc", Kind.KV, S), new Store("tagg", Kind.KV, L));
    add("table_count", b -> b.table("tin", Consumed.with(S, S))
        .groupBy((k, v) -> KeyValue.pair("g" + (num(v) % 2), v), Grouped.with(S, S))
        .count(kv("tcount", L))
        .toStream().to("out", Produced.with(S, L)),
        new Store("tcount", Kind.KV, L));

    // Time windows.
    add("tumbling_count", b -> in(b, "in").groupByKey()
        .windowedBy(TimeWindows.ofSizeAndGrace(MS10, MS5)).count(win("wcounts"))
        .toStream().to("out", timeWindowed(10)),
        new Store("wcounts", Kind.WINDOW, L));
    add("hopping_count", b -> in(b, "in").groupByKey()
        .windowedBy(TimeWindows.ofSizeAndGrace(MS10, MS3).advanceBy(Duration.ofMillis(4)))
        .count(win("hcounts"))
        .toStream().to("out", timeWindowed(10)),
        new Store("hcounts", Kind.WINDOW, L));
    add("suppress_final", b -> in(b, "in").groupByKey()
        .windowedBy(TimeWindows.ofSizeAndGrace(MS10, MS3)).count(win("scounts"))
        .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
        .toStream().to("out", timeWindowed(10)),
        new Store("scounts", Kind.WINDOW, L));
    add("emit_on_close", b -> in(b, "in").groupByKey()
        .windowedBy(TimeWindows.ofSizeAndGrace(MS10, MS3))
        .emitStrategy(EmitStrategy.onWindowClose())
        .count(win("ecounts"))
        .toStream().to("out", timeWindowed(10)),
        new Store("ecounts", Kind.WINDOW, L));
    add("sliding_count", b -> in(b, "in").groupByKey()
        .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(MS5, MS3)).count(win("slcounts"))
        .toStream().to("out", timeWindowed(5)),
        new Store("slcounts", Kind.WINDOW, L));
    add("session_count", b -> in(b, "in").groupByKey()
        .windowedBy(SessionWindows.ofInactivityGapAndGrace(MS5, MS3))
        .count(Materialized.<String, Long, SessionStore<Bytes, byte[]>>as("secounts")
            .withKeySerde(S).withValueSerde(L))
        .toStream().to("out", Produced.with(new WindowedSerdes.SessionWindowedSerde<>(S), L)),
        new Store("secounts", Kind.SESSION, L));

    // Cogroup: two streams into one aggregate.
    add("cogroup", b -> {
      KGroupedStream<String, String> one = in(b, "in").groupByKey();
      KGroupedStream<String, String> two = in(b, "in2").groupByKey();
      one.<Long>cogroup((k, v, agg) -> agg + num(v))
          .cogroup(two, (k, v, agg) -> agg * 2 - num(v))
          .aggregate(() -> 1L, kv("cog", L))
          .toStream().to("out", Produced.with(S, L));
    }, new Store("cog", Kind.KV, L));

    // Joins.
    JoinWindows ssWindows = JoinWindows.ofTimeDifferenceAndGrace(MS5, MS3);
    add("ss_inner", b -> in(b, "left")
        .join(in(b, "right"), (l, r) -> show(l) + "+" + show(r), ssWindows).to("out"));
    add("ss_left", b -> in(b, "left")
        .leftJoin(in(b, "right"), (l, r) -> show(l) + "+" + show(r), ssWindows).to("out"));
    add("ss_outer", b -> in(b, "left")
        .outerJoin(in(b, "right"), (l, r) -> show(l) + "+" + show(r), ssWindows).to("out"));
    add("st_inner", b -> in(b, "s")
        .join(b.table("t", Consumed.with(S, S), kv("tstore", S)), (v, t) -> show(v) + "/" + show(t))
        .to("out"), new Store("tstore", Kind.KV, S));
    add("st_left", b -> in(b, "s")
        .leftJoin(b.table("t", Consumed.with(S, S), kv("tstore", S)), (v, t) -> show(v) + "/" + show(t))
        .to("out"), new Store("tstore", Kind.KV, S));
    add("tt_inner", b -> b.table("tl", Consumed.with(S, S), kv("tl-store", S))
        .join(b.table("tr", Consumed.with(S, S), kv("tr-store", S)), (l, r) -> show(l) + "&" + show(r),
            kv("tt", S))
        .toStream().to("out"),
        new Store("tl-store", Kind.KV, S), new Store("tr-store", Kind.KV, S), new Store("tt", Kind.KV, S));
    add("tt_left", b -> b.table("tl", Consumed.with(S, S), kv("tl-store", S))
        .leftJoin(b.table("tr", Consumed.with(S, S), kv("tr-store", S)), (l, r) -> show(l) + "&" + show(r),
            kv("tt", S))
        .toStream().to("out"),
        new Store("tl-store", Kind.KV, S), new Store("tr-store", Kind.KV, S), new Store("tt", Kind.KV, S));
    add("tt_outer", b -> b.table("tl", Consumed.with(S, S), kv("tl-store", S))
        .outerJoin(b.table("tr", Consumed.with(S, S), kv("tr-store", S)), (l, r) -> show(l) + "&" + show(r),
            kv("tt", S))
        .toStream().to("out"),
        new Store("tl-store", Kind.KV, S), new Store("tr-store", Kind.KV, S), new Store("tt", Kind.KV, S));
    add("fk_inner", b -> b.table("tl", Consumed.with(S, S), kv("tl-store", S))
        .join(b.table("tr", Consumed.with(S, S), kv("tr-store", S)), v -> "k" + (num(v) % 4),
            (l, r) -> show(l) + "/" + show(r), kv("fk", S))
        .toStream().to("out"),
        new Store("tl-store", Kind.KV, S), new Store("tr-store", Kind.KV, S), new Store("fk", Kind.KV, S));
    add("fk_left", b -> b.table("tl", Consumed.with(S, S), kv("tl-store", S))
        .leftJoin(b.table("tr", Consumed.with(S, S), kv("tr-store", S)), v -> "k" + (num(v) % 4),
            (l, r) -> show(l) + "/" + show(r), kv("fk", S))
        .toStream().to("out"),
        new Store("tl-store", Kind.KV, S), new Store("tr-store", Kind.KV, S), new Store("fk", Kind.KV, S));
    add("global_inner", b -> {
      GlobalKTable<String, String> g = b.globalTable("g", Consumed.with(S, S), kv("gstore", S));
      in(b, "s").join(g, (k, v) -> "k" + (num(v) % 4), (v, gv) -> show(v) + "/" + show(gv)).to("out");
    }, new Store("gstore", Kind.KV, S));
    add("global_left", b -> {
      GlobalKTable<String, String> g = b.globalTable("g", Consumed.with(S, S), kv("gstore", S));
      in(b, "s").leftJoin(g, (k, v) -> "k" + (num(v) % 4), (v, gv) -> show(v) + "/" + show(gv)).to("out");
    }, new Store("gstore", Kind.KV, S));
  }
}
