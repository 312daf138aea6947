package dev.streammod.it.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.connectors.embedded.EmbeddedKafka;
import dev.streammod.connectors.KafkaIO;
import dev.streammod.connectors.KeyedBytes;
import dev.streammod.connectors.RawRecord;
import dev.streammod.connectors.TopicAdmin;
import dev.streammod.connectors.TopicSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * KafkaIO's raw source and sinks in a local Flink job against the embedded broker: every input
 * record, bad bytes included, reaches the exactly-once output once, visible to read_committed.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KafkaIOFlinkIT {
  private static final int RECORDS = 200;
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.close();
    }
  }

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

    List<ConsumerRecord<byte[], byte[]>> committed = readAll(exactlyOnce, RECORDS);
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
    assertThat(readAll(atLeastOnce, RECORDS)).hasSizeGreaterThanOrEqualTo(RECORDS);
  }

  private static KeyedBytes toKeyedBytes(RawRecord r) {
    String key = new String(r.key, StandardCharsets.UTF_8);
    // Decoding is downstream's business: the source hands over any bytes, garbage included.
    String value = r.position() + " key=" + key + " bytes=" + r.value.length;
    return KeyedBytes.of(key, value.getBytes(StandardCharsets.UTF_8));
  }

  private static void produce(String topic) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
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

  private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      long settleUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, settleUntil)) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
        if (out.size() >= expected && settleUntil == Long.MAX_VALUE) {
          settleUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        }
      }
    }
    return out;
  }
}
