package dev.streammod.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.cli.demo.SyntheticStreams;
import dev.streammod.connectors.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TaskManager that dies in the middle of a Kafka transaction and never comes back leaves that
 * transaction open, and a {@code read_committed} reader of the verdicts topic cannot read past it
 * (the partition's last stable offset is stuck) until the broker aborts it: at most the sink's
 * {@code transaction.timeout.ms} (here set to 30 s with {@code kafka.producer}) plus the broker's
 * abort check interval (10 s by default) after the transaction began. The test holds a transaction
 * open (no checkpoint for 10 minutes), kills the only TaskManager with SIGKILL, writes a plain
 * record behind the open transaction, and measures when a {@code read_committed} reader sees it.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class LingeringTransactionIT {
  private static final long TRANSACTION_TIMEOUT_MS = 30_000;
  private static final long BROKER_ABORT_INTERVAL_MS = 10_000;

  @TempDir Path work;

  @Test
  void aReadCommittedReaderIsHeldNoLongerThanTheTransactionTimeout() throws Exception {
    StandaloneCluster.with(work.resolve("cluster"), 1, 2, this::run);
  }

  private void run(StandaloneCluster cluster) throws Exception {
    String bootstrap = cluster.bootstrapServers();
    cluster.createJobTopics(1);
    String config =
        String.join(
            "\n",
            "kafka:",
            "  bootstrap-servers: " + bootstrap,
            "  starting-offsets: earliest",
            "  producer:",
            "    transaction.timeout.ms: " + TRANSACTION_TIMEOUT_MS,
            "model:",
            "  device: cpu",
            "job:",
            "  parallelism: 1",
            "  checkpoint-interval-ms: 600000",
            "stats:",
            "  enabled: false",
            "");
    cluster.runJob(config, 1);

    TopicPartition verdicts = new TopicPartition(Topics.VERDICTS, 0);
    try (SyntheticStreams streams = new SyntheticStreams(bootstrap, Topics.SEGMENTS, 2, SyntheticStreams.Shape.standard());
        KafkaConsumer<byte[], byte[]> uncommitted = consumer(bootstrap, "read_uncommitted", verdicts);
        KafkaConsumer<byte[], byte[]> committed = consumer(bootstrap, "read_committed", verdicts)) {
      for (int i = 0; i < 3; i++) {
        streams.publish(0);
        streams.publish(1);
      }
      streams.stop();
      // Verdicts are in the sink's open transaction: written, not committed (no checkpoint yet).
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      int written = 0;
      while (written == 0 && System.nanoTime() < deadline) {
        written += uncommitted.poll(Duration.ofMillis(500)).count();
      }
      assertThat(written).as("verdicts written in the open transaction").isPositive();
      assertThat(committed.poll(Duration.ofSeconds(2)).count()).as("none committed").isZero();

      cluster.killTaskManager(1);
      long killedAt = System.currentTimeMillis();
      try (KafkaProducer<byte[], byte[]> plain = producer(bootstrap)) {
        plain.send(new ProducerRecord<>(Topics.VERDICTS, 0, "marker".getBytes(), new byte[] {1})).get(30, TimeUnit.SECONDS);
      }
      long seenAt = -1;
      long heldUntil = killedAt + TRANSACTION_TIMEOUT_MS + BROKER_ABORT_INTERVAL_MS + 30_000;
      boolean seenEarly = false;
      while (seenAt < 0 && System.currentTimeMillis() < heldUntil) {
        for (ConsumerRecord<byte[], byte[]> r : committed.poll(Duration.ofMillis(200))) {
          if (r.key() != null && new String(r.key()).equals("marker")) {
            seenAt = System.currentTimeMillis();
            seenEarly = seenAt - killedAt < 3_000;
          }
        }
      }
      System.out.printf(
          "lingering transaction: read_committed reader held %.1f s after the TaskManager was killed"
              + " (transaction.timeout.ms %d, broker abort check every %d ms)%n",
          (seenAt - killedAt) / 1e3, TRANSACTION_TIMEOUT_MS, BROKER_ABORT_INTERVAL_MS);
      assertThat(seenAt).as("the record behind the dead transaction became readable").isPositive();
      assertThat(seenEarly).as("the open transaction did hold the reader back").isFalse();
      assertThat(seenAt - killedAt).isLessThanOrEqualTo(TRANSACTION_TIMEOUT_MS + BROKER_ABORT_INTERVAL_MS + 5_000);
    }
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String isolation, TopicPartition tp) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    c.assign(List.of(tp));
    c.seekToBeginning(List.of(tp));
    return c;
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

}
