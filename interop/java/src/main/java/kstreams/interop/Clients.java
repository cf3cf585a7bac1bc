package kstreams.interop;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.kstream.TimeWindowedDeserializer;
import org.apache.kafka.streams.kstream.Windowed;

/**
 * Plain Java clients for the interop tests: what a Java service next to a
 * kstreams application writes and reads.
 *
 * <pre>
 * Clients produce BOOTSTRAP TOPIC
 *     stdin lines "key TAB value TAB timestamp": sent with StringSerializer and
 *     the producer's default partitioner; prints "PRODUCED n".
 * Clients consume-windowed-counts BOOTSTRAP TOPIC WINDOW_MS COUNT
 *     reads COUNT records of TOPIC from the beginning with
 *     TimeWindowedDeserializer&lt;String&gt; keys and LongDeserializer values and
 *     prints "word start end count partition expected_partition" per record,
 *     expected_partition being where Java's WindowedStreamPartitioner puts
 *     that windowed key (murmur2 of the serialized inner key).
 * </pre>
 */
public final class Clients {
  private Clients() {}

  public static void main(String[] args) throws Exception {
    if (args.length >= 3 && args[0].equals("produce")) {
      produce(args[1], args[2]);
    } else if (args.length >= 5 && args[0].equals("consume-windowed-counts")) {
      consumeWindowedCounts(args[1], args[2], Long.parseLong(args[3]), Integer.parseInt(args[4]));
    } else {
      System.err.println("usage: Clients produce BOOTSTRAP TOPIC < lines | "
          + "Clients consume-windowed-counts BOOTSTRAP TOPIC WINDOW_MS COUNT");
      System.exit(2);
    }
  }

  static void produce(String bootstrap, String topic) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    int n = 0;
    try (KafkaProducer<String, String> producer =
            new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
        BufferedReader in = new BufferedReader(
            new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        String[] f = line.split("\t", -1);
        if (f.length != 3) throw new IllegalArgumentException("bad input line: " + line);
        producer.send(new ProducerRecord<>(topic, null, Long.parseLong(f[2]), f[0], f[1])).get();
        ++n;
      }
      producer.flush();
    }
    System.out.println("PRODUCED " + n);
  }

  static void consumeWindowedCounts(String bootstrap, String topic, long windowMs, int count) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    TimeWindowedDeserializer<String> keys =
        new TimeWindowedDeserializer<>(new StringDeserializer(), windowMs);
    try (KafkaConsumer<Windowed<String>, Long> consumer =
            new KafkaConsumer<>(props, keys, new LongDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(topic)) {
        partitions.add(new TopicPartition(topic, p.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      int got = 0;
      long deadline = System.currentTimeMillis() + 60_000;
      while (got < count && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<Windowed<String>, Long> r : consumer.poll(Duration.ofMillis(200))) {
          byte[] inner = Serdes.String().serializer().serialize(topic, r.key().key());
          int expected = Utils.toPositive(Utils.murmur2(inner)) % partitions.size();
          System.out.println(r.key().key() + " " + r.key().window().start() + " "
              + r.key().window().end() + " " + r.value() + " " + r.partition() + " " + expected);
          ++got;
        }
      }
      System.out.println("END " + got);
    }
  }
}
