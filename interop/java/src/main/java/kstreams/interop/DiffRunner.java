// The Java side of kstreams' differential tests (tests/differential/).
//
// Reads cases from stdin, runs each through Kafka Streams' own
// TopologyTestDriver and writes what came out to stdout. One JVM serves a
// whole batch of cases. The topologies are DiffTopologies'; their C++ twins
// live in tests/differential/diff_topologies.cc and must match them node for
// node (same operators in the same order, same names, serdes and configs).
//
// Input, one token list per line:
//   case <id> <topology> <cache 0|1>
//   keys <key> ...                 the key space (session stores are read per key)
//   in <topic> <key> <value> <timestamp>
//   end
// where <key>/<value> is `null` or `x` followed by the bytes in hex.
//
// Output, per case:
//   case <id>
//   describe <hex of topology.describe().toString()>
//   out <topic> <key> <value> <timestamp>     every record of every produced topic,
//                                             topics in name order, records in order
//   kv <store> <key> <value> <timestamp>      a timestamped key-value store's entries
//   win <store> <key> <start> <end> <value> <timestamp>
//   sess <store> <key> <start> <end> <value>
//   error <hex of the exception text>         when the case failed (then nothing else)
//   end
package kstreams.interop;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.test.TestRecord;

public final class DiffRunner {
  private DiffRunner() {}

  /** One input record of a case. */
  record Input(String topic, byte[] key, byte[] value, long timestamp) {}

  public static void main(String[] args) throws Exception {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    PrintWriter out =
        new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)));
    Path stateDir = Files.createTempDirectory("kstreams-diff-");
    String line;
    String id = null;
    String topology = null;
    boolean cache = false;
    List<String> keys = new ArrayList<>();
    List<Input> inputs = new ArrayList<>();
    while ((line = in.readLine()) != null) {
      if (line.isBlank()) continue;
      String[] t = line.trim().split(" ");
      switch (t[0]) {
        case "case" -> {
          id = t[1];
          topology = t[2];
          cache = t[3].equals("1");
          keys.clear();
          inputs.clear();
        }
        case "keys" -> {
          for (int i = 1; i < t.length; i++) keys.add(t[i]);
        }
        case "in" -> inputs.add(new Input(t[1], bytes(t[2]), bytes(t[3]), Long.parseLong(t[4])));
        case "end" -> {
          out.println("case " + id);
          try {
            runCase(topology, cache, keys, inputs, stateDir, out);
          } catch (Throwable e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            out.println("error " + hex(trace.toString().getBytes(StandardCharsets.UTF_8)));
          }
          out.println("end");
          out.flush();
        }
        default -> throw new IllegalArgumentException("bad input line: " + line);
      }
    }
    out.flush();
    // The drivers remove their task directories; this removes the rest.
    try (var paths = Files.walk(stateDir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  static void runCase(String name, boolean cache, List<String> keys, List<Input> inputs,
                      Path stateDir, PrintWriter out) {
    DiffTopologies.Spec spec = DiffTopologies.get(name);
    StreamsBuilder builder = new StreamsBuilder();
    spec.build().accept(builder);
    Topology topology = builder.build();
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "diff");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    if (!cache) props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0L);
    String described = topology.describe().toString();
    try (TopologyTestDriver driver = new TopologyTestDriver(topology, props, Instant.ofEpochMilli(0))) {
      java.util.Map<String, TestInputTopic<byte[], byte[]>> topics = new java.util.HashMap<>();
      for (Input r : inputs) {
        TestInputTopic<byte[], byte[]> topic = topics.computeIfAbsent(r.topic(),
            t -> driver.createInputTopic(t, new ByteArraySerializer(), new ByteArraySerializer()));
        topic.pipeInput(new TestRecord<>(r.key(), r.value(), null, r.timestamp()));
      }
      out.println("describe " + hex(described.getBytes(StandardCharsets.UTF_8)));
      for (String topic : new TreeSet<>(driver.producedTopicNames())) {
        var reader = driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        for (TestRecord<byte[], byte[]> r : reader.readRecordsToList()) {
          out.println("out " + topic + " " + token(r.key()) + " " + token(r.value()) + " " + r.timestamp());
        }
      }
      for (DiffTopologies.Store s : spec.stores()) dumpStore(driver, s, keys, out);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static void dumpStore(TopologyTestDriver driver, DiffTopologies.Store s, List<String> keys,
                        PrintWriter out) {
    Serde<Object> vs = (Serde<Object>) (Serde) s.valueSerde();
    Serde<String> ks = Serdes.String();
    switch (s.kind()) {
      case KV -> {
        var store = driver.<String, Object>getTimestampedKeyValueStore(s.name());
        if (store == null) throw new IllegalStateException("no key-value store " + s.name());
        try (KeyValueIterator<String, ValueAndTimestamp<Object>> it = store.all()) {
          while (it.hasNext()) {
            KeyValue<String, ValueAndTimestamp<Object>> kv = it.next();
            out.println("kv " + s.name() + " " + token(ks.serializer().serialize("", kv.key)) + " "
                + token(vs.serializer().serialize("", kv.value.value())) + " " + kv.value.timestamp());
          }
        }
      }
      case WINDOW -> {
        var store = driver.<String, Object>getTimestampedWindowStore(s.name());
        if (store == null) throw new IllegalStateException("no window store " + s.name());
        try (KeyValueIterator<Windowed<String>, ValueAndTimestamp<Object>> it = store.all()) {
          while (it.hasNext()) {
            KeyValue<Windowed<String>, ValueAndTimestamp<Object>> kv = it.next();
            out.println("win " + s.name() + " " + token(ks.serializer().serialize("", kv.key.key()))
                + " " + kv.key.window().start() + " " + kv.key.window().end() + " "
                + token(vs.serializer().serialize("", kv.value.value())) + " " + kv.value.timestamp());
          }
        }
      }
      case SESSION -> {
        var store = driver.<String, Object>getSessionStore(s.name());
        if (store == null) throw new IllegalStateException("no session store " + s.name());
        for (String key : keys) {
          try (KeyValueIterator<Windowed<String>, Object> it = store.fetch(key)) {
            while (it.hasNext()) {
              KeyValue<Windowed<String>, Object> kv = it.next();
              out.println("sess " + s.name() + " " + token(ks.serializer().serialize("", kv.key.key()))
                  + " " + kv.key.window().start() + " " + kv.key.window().end() + " "
                  + token(vs.serializer().serialize("", kv.value)));
            }
          }
        }
      }
      default -> throw new IllegalStateException();
    }
  }

  static byte[] bytes(String token) {
    if (token.equals("null")) return null;
    if (!token.startsWith("x") || token.length() % 2 == 0) {
      throw new IllegalArgumentException("bad bytes token: " + token);
    }
    byte[] b = new byte[(token.length() - 1) / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(token.substring(1 + 2 * i, 3 + 2 * i), 16);
    }
    return b;
  }

  static String token(byte[] b) { return b == null ? "null" : "x" + hex(b); }

  static String hex(byte[] b) {
    StringBuilder s = new StringBuilder(2 * b.length);
    for (byte x : b) s.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
    return s.toString();
  }
}
