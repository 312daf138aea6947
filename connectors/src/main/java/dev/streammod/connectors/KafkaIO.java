package dev.streammod.connectors;

import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Flink Kafka sources and sinks for the pipeline, with the settings it needs already applied.
 * Values are opaque bytes here: decoding and encoding happen in the job, so a bad record never
 * fails the source.
 */
public final class KafkaIO {

  /**
   * The sinks' {@code transaction.timeout.ms}: under Kafka's default {@code
   * transaction.max.timeout.ms} (15 min); the connector's own default (1 h) is rejected by a broker
   * with default settings. Must exceed the longest checkpoint interval plus recovery time.
   */
  public static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofMinutes(10);

  private KafkaIO() {}

  /**
   * Source of raw records (never fails on bad bytes: decoding happens downstream). One split per
   * partition. Reads with {@code isolation.level=read_committed} unless {@code
   * extraConsumerProperties} says otherwise; offsets are committed to {@code groupId} on
   * checkpoints (for monitoring lag; recovery uses Flink's checkpointed offsets).
   *
   * @param extraConsumerProperties Kafka consumer settings applied last (security, tuning); may be
   *     null
   */
  public static KafkaSource<RawRecord> rawSource(
      String bootstrapServers,
      String topic,
      String groupId,
      OffsetsInitializer startingOffsets,
      Properties extraConsumerProperties) {
    return rawSourceBuilder(
            bootstrapServers, topic, groupId, startingOffsets, extraConsumerProperties)
        .build();
  }

  /**
   * The builder behind {@link #rawSource}, for callers that need more (e.g. {@code
   * setBounded(OffsetsInitializer.latest())} in tests and benchmarks).
   */
  public static KafkaSourceBuilder<RawRecord> rawSourceBuilder(
      String bootstrapServers,
      String topic,
      String groupId,
      OffsetsInitializer startingOffsets,
      Properties extraConsumerProperties) {
    requireText(bootstrapServers, "bootstrapServers");
    requireText(topic, "topic");
    requireText(groupId, "groupId");
    Objects.requireNonNull(startingOffsets, "startingOffsets");
    KafkaSourceBuilder<RawRecord> builder =
        KafkaSource.<RawRecord>builder()
            .setBootstrapServers(bootstrapServers)
            .setTopics(topic)
            .setGroupId(groupId)
            .setClientIdPrefix(groupId + "-" + topic)
            .setStartingOffsets(startingOffsets)
            .setDeserializer(new RawRecordDeserializer())
            .setProperties(consumerProperties(extraConsumerProperties));
    return builder;
  }

  /**
   * Exactly-once transactional sink to one topic. Requires checkpointing: records become visible to
   * {@code read_committed} consumers when the checkpoint that covers them completes. {@code
   * transaction.timeout.ms} is {@link #DEFAULT_TRANSACTION_TIMEOUT} unless {@code
   * extraProducerProperties} sets it (it must stay at or below the broker's {@code
   * transaction.max.timeout.ms}).
   *
   * @param transactionalIdPrefix unique per sink and job on the cluster, stable across restarts of
   *     the same job (it is how lingering transactions are found and aborted)
   * @param extraProducerProperties Kafka producer settings applied last; may be null
   */
  public static KafkaSink<KeyedBytes> exactlyOnceSink(
      String bootstrapServers,
      String topic,
      String transactionalIdPrefix,
      Properties extraProducerProperties) {
    return exactlyOnceSinkBuilder(
            bootstrapServers, topic, transactionalIdPrefix, extraProducerProperties)
        .build();
  }

  /** The builder behind {@link #exactlyOnceSink}, e.g. to choose a transaction naming strategy. */
  public static KafkaSinkBuilder<KeyedBytes> exactlyOnceSinkBuilder(
      String bootstrapServers,
      String topic,
      String transactionalIdPrefix,
      Properties extraProducerProperties) {
    requireText(transactionalIdPrefix, "transactionalIdPrefix");
    return sinkBuilder(bootstrapServers, topic, extraProducerProperties)
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(transactionalIdPrefix);
  }

  /**
   * At-least-once sink to one topic: flushes on every checkpoint, so records may repeat after a
   * failure but are never lost. Without checkpointing it still writes, with no flush guarantee.
   */
  public static KafkaSink<KeyedBytes> atLeastOnceSink(
      String bootstrapServers, String topic, Properties extraProducerProperties) {
    return sinkBuilder(bootstrapServers, topic, extraProducerProperties)
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .build();
  }

  private static KafkaSinkBuilder<KeyedBytes> sinkBuilder(
      String bootstrapServers, String topic, Properties extraProducerProperties) {
    requireText(bootstrapServers, "bootstrapServers");
    requireText(topic, "topic");
    return KafkaSink.<KeyedBytes>builder()
        .setBootstrapServers(bootstrapServers)
        .setRecordSerializer(recordSerializer(topic))
        .setKafkaProducerConfig(producerProperties(extraProducerProperties));
  }

  /** Key as UTF-8, value as is, to one topic; partitioned by Kafka's default (hash of the key). */
  static KafkaRecordSerializationSchema<KeyedBytes> recordSerializer(String topic) {
    return KafkaRecordSerializationSchema.<KeyedBytes>builder()
        .setTopic(topic)
        .setKeySerializationSchema(new KeySerializer())
        .setValueSerializationSchema(new ValueSerializer())
        .build();
  }

  /** Our producer defaults, then {@code extra} on top. */
  static Properties producerProperties(Properties extra) {
    Properties props = new Properties();
    props.setProperty(
        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
        Long.toString(DEFAULT_TRANSACTION_TIMEOUT.toMillis()));
    props.setProperty(
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(KafkaLimits.MAX_REQUEST_BYTES));
    if (extra != null) {
      props.putAll(extra);
    }
    return props;
  }

  /** Our consumer defaults, then {@code extra} on top. */
  static Properties consumerProperties(Properties extra) {
    Properties props = new Properties();
    props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    if (extra != null) {
      props.putAll(extra);
    }
    return props;
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          name + " must not be blank, was " + (value == null ? "null" : "'" + value + "'"));
    }
  }

  /** Copies each Kafka record into a {@link RawRecord}; cannot fail on content. */
  static final class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {
    static {
      // Runs where the source is deserialized, before its Kafka consumer exists.
      ScramProvider.ensureUsable();
    }

    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
      out.collect(
          new RawRecord(
              record.topic(),
              record.partition(),
              record.offset(),
              record.timestamp(),
              record.key(),
              record.value()));
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
      return TypeInformation.of(RawRecord.class);
    }
  }

  static final class KeySerializer implements SerializationSchema<KeyedBytes> {
    private static final long serialVersionUID = 1L;

    @Override
    public byte[] serialize(KeyedBytes element) {
      return element.keyBytes();
    }
  }

  static final class ValueSerializer implements SerializationSchema<KeyedBytes> {
    static {
      // Runs where a sink is deserialized (every sink has a value serializer), before its producer exists.
      ScramProvider.ensureUsable();
    }

    private static final long serialVersionUID = 1L;

    @Override
    public byte[] serialize(KeyedBytes element) {
      return element.value;
    }
  }
}
