package kstreams.interop;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The Java twin of examples/word_count: lines (String key and value) are
 * split on whitespace, grouped by word (a repartition through
 * "<application.id>-counts-repartition") and counted in the key-value store
 * "counts" (changelog "<application.id>-counts-changelog"); the counts (String
 * word, Long count) go to the output topic. Same topic, store and serde
 * choices as the C++ example, so either one can take over the other's
 * application (its committed offsets and changelogs).
 *
 * <p>Usage: WordCount BOOTSTRAP APPLICATION_ID INPUT OUTPUT STATE_DIR
 * [key=value ...]. Prints "RUNNING" once the application runs, then runs until
 * SIGTERM or SIGINT, closes cleanly (offsets committed, checkpoints written,
 * the group left) and prints "CLOSED".
 */
public final class WordCount {
  private WordCount() {}

  static Topology build(String input, String output) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
        .flatMapValues(WordCount::words)
        .groupBy((key, word) -> word, Grouped.with(Serdes.String(), Serdes.String()))
        .count(Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as("counts")
            .withKeySerde(Serdes.String())
            .withValueSerde(Serdes.Long()))
        .toStream()
        .to(output, Produced.with(Serdes.String(), Serdes.Long()));
    return builder.build();
  }

  // Whitespace-separated words, as the C++ example's std::istringstream >>.
  static List<String> words(String line) {
    List<String> out = new ArrayList<>();
    if (line == null) return out;
    for (String w : line.trim().split("\\s+")) {
      if (!w.isEmpty()) out.add(w);
    }
    return out;
  }

  public static void main(String[] args) throws InterruptedException {
    if (args.length < 5) {
      System.err.println("usage: WordCount BOOTSTRAP APPLICATION_ID INPUT OUTPUT STATE_DIR [k=v ...]");
      System.exit(2);
    }
    Properties props = new Properties();
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, args[1]);
    props.put(StreamsConfig.STATE_DIR_CONFIG, args[4]);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
    for (int i = 5; i < args.length; ++i) {
      int eq = args[i].indexOf('=');
      if (eq <= 0) {
        System.err.println("WordCount: expected key=value, got '" + args[i] + "'");
        System.exit(2);
      }
      props.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    KafkaStreams streams = new KafkaStreams(build(args[2], args[3]), props);
    CountDownLatch stopped = new CountDownLatch(1);
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING) {
        System.out.println("RUNNING");
        System.out.flush();
      } else if (now == KafkaStreams.State.ERROR) {
        System.out.println("ERROR");
        System.out.flush();
        stopped.countDown();
      }
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      // Leaves the group, so that the next instance (C++ or Java) is
      // assigned the tasks at once rather than after this member's session
      // timeout.
      streams.close(CloseOptions.groupMembershipOperation(
          CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
      System.out.println("CLOSED");
      System.out.flush();
      stopped.countDown();
    }));
    streams.start();
    stopped.await();
  }
}
