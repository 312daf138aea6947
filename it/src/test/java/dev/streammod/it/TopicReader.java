package dev.streammod.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads one topic from its earliest offset as raw bytes, in a consumer group of its own, for tests
 * that wait until what they expect has arrived. Closing closes the consumer.
 */
public final class TopicReader implements AutoCloseable {
  /** How long {@link #drain} keeps reading after the expected count: extras would show by then. */
  private static final Duration SETTLE = Duration.ofSeconds(1);

  private static final Duration POLL = Duration.ofMillis(200);

  /** What a test does with each record read, decoding included. */
  @FunctionalInterface
  public interface RecordHandler<E extends Exception> {
    void accept(ConsumerRecord<byte[], byte[]> record) throws E;
  }

  private final KafkaConsumer<byte[], byte[]> consumer;

  private TopicReader(KafkaConsumer<byte[], byte[]> consumer) {
    this.consumer = consumer;
  }

  public static TopicReader open(String bootstrapServers, String topic, IsolationLevel isolation) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString().toLowerCase(Locale.ROOT));
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(topic));
    return new TopicReader(consumer);
  }

  /**
   * Reads {@code topic} with read_committed until {@code expected} records have arrived or {@code
   * timeout} has passed, then for {@link #SETTLE} more, so that a test sees records beyond those it
   * expected.
   */
  public static List<ConsumerRecord<byte[], byte[]>> drain(
      String bootstrapServers, String topic, int expected, Duration timeout) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (TopicReader reader = open(bootstrapServers, topic, IsolationLevel.READ_COMMITTED)) {
      if (reader.readUntil(() -> out.size() >= expected, timeout, out::add)) {
        reader.readFor(SETTLE, out::add);
      }
    }
    return out;
  }

  /**
   * Hands each record read to {@code each} until {@code done} holds (checked between polls, so a
   * poll's records are never cut short) or {@code timeout} has passed.
   *
   * @return whether {@code done} holds
   */
  public <E extends Exception> boolean readUntil(
      BooleanSupplier done, Duration timeout, RecordHandler<E> each) throws E {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
        each.accept(r);
      }
    }
    return done.getAsBoolean();
  }

  /** Hands each record read within {@code duration} to {@code each}. */
  public <E extends Exception> void readFor(Duration duration, RecordHandler<E> each) throws E {
    readUntil(() -> false, duration, each);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
