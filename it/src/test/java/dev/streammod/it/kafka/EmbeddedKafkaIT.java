package dev.streammod.it.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streammod.connectors.AvroCodec;
import dev.streammod.connectors.embedded.EmbeddedKafka;
import dev.streammod.connectors.KafkaLimits;
import dev.streammod.connectors.TopicAdmin;
import dev.streammod.connectors.TopicSpec;
import dev.streammod.connectors.Topics;
import dev.streammod.connectors.avro.VideoSegment;
import dev.streammod.it.EmbeddedBroker;
import dev.streammod.it.Producers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The in-JVM KRaft broker, topic admin and Avro records over a real broker. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedKafkaIT {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  @RegisterExtension static final EmbeddedBroker kafka = new EmbeddedBroker();

  @Test
  void ensureTopicsCreatesMissingAndLeavesExistingAlone() throws Exception {
    List<TopicSpec> specs = TopicSpec.pipelineTopics(3);
    TopicAdmin.ensureTopics(kafka.bootstrapServers(), specs);
    TopicAdmin.ensureTopics(kafka.bootstrapServers(), specs); // idempotent
    // Asking for more partitions of an existing topic changes nothing.
    TopicAdmin.ensureTopics(
        kafka.bootstrapServers(), List.of(TopicSpec.segmentsTopic(Topics.SEGMENTS, 6)));

    try (Admin admin = admin()) {
      Map<String, TopicDescription> topics =
          admin
              .describeTopics(Set.of(Topics.SEGMENTS, Topics.STREAM_STATS))
              .allTopicNames()
              .get(30, TimeUnit.SECONDS);
      assertThat(topics.get(Topics.SEGMENTS).partitions()).hasSize(3);
      ConfigResource segments = new ConfigResource(ConfigResource.Type.TOPIC, Topics.SEGMENTS);
      ConfigResource stats = new ConfigResource(ConfigResource.Type.TOPIC, Topics.STREAM_STATS);
      Map<ConfigResource, Config> configs =
          admin.describeConfigs(List.of(segments, stats)).all().get(30, TimeUnit.SECONDS);
      assertThat(configs.get(segments).get("max.message.bytes").value())
          .isEqualTo(Integer.toString(KafkaLimits.SEGMENT_MAX_MESSAGE_BYTES));
      assertThat(configs.get(stats).get("cleanup.policy").value()).isEqualTo("compact");
    }
  }

  @Test
  void creationFailureNamesTheTopic() {
    TopicSpec bad = TopicSpec.of("bad-config-topic", 1).withConfig("cleanup.policy", "sometimes");
    assertThatThrownBy(() -> TopicAdmin.ensureTopics(kafka.bootstrapServers(), List.of(bad)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'bad-config-topic'")
        .hasMessageContaining(kafka.bootstrapServers());
  }

  @Test
  void readCommittedSeesCommittedTransactionsOnly() throws Exception {
    String topic = "tx-" + UUID.randomUUID();
    TopicAdmin.ensureTopics(kafka.bootstrapServers(), List.of(TopicSpec.of(topic, 2)));

    try (KafkaProducer<byte[], byte[]> producer = transactionalProducer("it-tx")) {
      producer.initTransactions();
      producer.beginTransaction();
      for (int i = 0; i < 10; i++) {
        producer.send(record(topic, "k" + i, "committed-" + i));
      }
      producer.commitTransaction();
      producer.beginTransaction();
      for (int i = 0; i < 5; i++) {
        producer.send(record(topic, "k" + i, "aborted-" + i));
      }
      producer.flush();
      producer.abortTransaction();
      producer.beginTransaction();
      producer.send(record(topic, "last", "committed-last"));
      producer.commitTransaction();
    }

    List<ConsumerRecord<byte[], byte[]>> read = kafka.drain(topic, 11, READ_TIMEOUT);
    assertThat(read)
        .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
        .hasSize(11)
        .allMatch(v -> v.startsWith("committed-"));
  }

  @Test
  void aSixteenMiBSegmentRoundTripsAsAvro() throws Exception {
    String topic = "big-" + UUID.randomUUID();
    TopicAdmin.ensureTopics(kafka.bootstrapServers(), List.of(TopicSpec.segmentsTopic(topic, 1)));
    byte[] payload = new byte[KafkaLimits.SEGMENT_MAX_MESSAGE_BYTES - 4096];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) (i * 31);
    }
    VideoSegment segment =
        VideoSegment.newBuilder()
            .setStreamId("big-stream")
            .setSequence(1)
            .setPayload(ByteBuffer.wrap(payload))
            .build();
    AvroCodec<VideoSegment> codec = AvroCodec.videoSegments();

    try (KafkaProducer<byte[], byte[]> producer =
        Producers.bytes(
            kafka.bootstrapServers(),
            Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, KafkaLimits.MAX_REQUEST_BYTES))) {
      producer
          .send(
              new ProducerRecord<>(
                  topic, "big-stream".getBytes(StandardCharsets.UTF_8), codec.encode(segment)))
          .get(60, TimeUnit.SECONDS);
    }

    List<ConsumerRecord<byte[], byte[]>> read = kafka.drain(topic, 1, READ_TIMEOUT);
    VideoSegment back = codec.decode(read.get(0).value());
    assertThat(back.getStreamId()).isEqualTo("big-stream");
    assertThat(back.getPayload()).isEqualTo(ByteBuffer.wrap(payload));
  }

  @Test
  void closeIsIdempotentAndDeletesTheData() {
    EmbeddedKafka second = EmbeddedKafka.start();
    Path dir = second.dataDirectory();
    assertThat(dir).exists();
    String bootstrap = second.bootstrapServers();
    assertThat(bootstrap).startsWith("localhost:");
    assertThat(bootstrap).isNotEqualTo(kafka.bootstrapServers());

    long start = System.nanoTime();
    second.close();
    System.out.println(
        "EmbeddedKafka closed in "
            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
            + " ms");
    second.close();

    assertThat(Files.exists(dir)).isFalse();
    assertThat(second.isClosed()).isTrue();
    assertThatThrownBy(second::bootstrapServers).isInstanceOf(IllegalStateException.class);
  }

  private static ProducerRecord<byte[], byte[]> record(String topic, String key, String value) {
    return new ProducerRecord<>(
        topic, key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
  }

  private static Admin admin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
  }

  private static KafkaProducer<byte[], byte[]> transactionalProducer(String transactionalId) {
    return Producers.bytes(
        kafka.bootstrapServers(), Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId));
  }
}
