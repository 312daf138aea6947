package dev.streammod.it.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.connectors.KafkaIO;
import dev.streammod.connectors.KeyedBytes;
import dev.streammod.connectors.RawRecord;
import dev.streammod.connectors.TopicAdmin;
import dev.streammod.connectors.TopicSpec;
import dev.streammod.it.EmbeddedBroker;
import dev.streammod.it.Producers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * KafkaIO's raw source and sinks in a local Flink job against the embedded broker: every input
 * record, bad bytes included, reaches the exactly-once output once, visible to read_committed.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KafkaIOFlinkIT {
  private static final int RECORDS = 200;
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  @RegisterExtension static final EmbeddedBroker kafka = new EmbeddedBroker();

  @Test
  void rawSourceToExactlyOnceAndAtLeastOnceSinks() throws Exception {
    String in = "in-" + UUID.randomUUID();
    String exactlyOnce = "eo-" + UUID.randomUUID();
    String atLeastOnce = "alo-" + UUID.randomUUID();
    TopicAdmin.ensureTopics(
        kafka.bootstrapServers(),
        List.of(TopicSpec.of(in, 3), TopicSpec.of(exactlyOnce, 3), TopicSpec.of(atLeastOnce, 1)));
    produce(in);

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    env.enableCheckpointing(300, CheckpointingMode.EXACTLY_ONCE);
    var records =
        env.fromSource(
                KafkaIO.rawSourceBuilder(
                        kafka.bootstrapServers(),
                        in,
                        "it-group",
                        OffsetsInitializer.earliest(),
                        null)
                    .setBounded(OffsetsInitializer.latest())
                    .build(),
                WatermarkStrategy.noWatermarks(),
                "raw")
            .map(KafkaIOFlinkIT::toKeyedBytes)
            .returns(TypeInformation.of(KeyedBytes.class));
    records.sinkTo(
        KafkaIO.exactlyOnceSink(
            kafka.bootstrapServers(), exactlyOnce, "it-eo-" + UUID.randomUUID(), null));
    records.sinkTo(KafkaIO.atLeastOnceSink(kafka.bootstrapServers(), atLeastOnce, null));
    long start = System.nanoTime();
    env.execute("kafka-io-it");
    System.out.println(
        "Flink job ran in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");

    List<ConsumerRecord<byte[], byte[]>> committed =
        kafka.drain(exactlyOnce, RECORDS, READ_TIMEOUT);
    assertThat(committed).hasSize(RECORDS);
    assertThat(committed)
        .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
        .doesNotHaveDuplicates()
        .allMatch(v -> v.startsWith("in-"));
    assertThat(committed)
        .allSatisfy(
            r -> {
              String value = new String(r.value(), StandardCharsets.UTF_8);
              // Values carry their source partition/offset; keys were copied through.
              assertThat(value).contains("key=" + new String(r.key(), StandardCharsets.UTF_8));
            });
    assertThat(kafka.drain(atLeastOnce, RECORDS, READ_TIMEOUT))
        .hasSizeGreaterThanOrEqualTo(RECORDS);
  }

  private static KeyedBytes toKeyedBytes(RawRecord r) {
    String key = new String(r.key, StandardCharsets.UTF_8);
    // Decoding is downstream's business: the source hands over any bytes, garbage included.
    String value = r.position() + " key=" + key + " bytes=" + r.value.length;
    return KeyedBytes.of(key, value.getBytes(StandardCharsets.UTF_8));
  }

  private static void produce(String topic) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = Producers.bytes(kafka.bootstrapServers())) {
      for (int i = 0; i < RECORDS; i++) {
        byte[] value =
            i % 10 == 0
                ? new byte[] {(byte) 0xFF, 0x00}
                : ("v" + i).getBytes(StandardCharsets.UTF_8);
        producer.send(
            new ProducerRecord<>(
                topic, ("stream-" + (i % 7)).getBytes(StandardCharsets.UTF_8), value));
      }
      producer.flush();
    }
  }
}
