package dev.streammod.pipeline.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.streammod.connectors.KafkaReachability;
import dev.streammod.connectors.Topics;
import java.io.Serializable;
import java.util.Map;

/** Where the job reads segments and writes verdicts. */
public record KafkaSettings(
    @JsonProperty("bootstrap-servers") String bootstrapServers,
    @JsonProperty("segments-topic") String segmentsTopic,
    @JsonProperty("verdicts-topic") String verdictsTopic,
    @JsonProperty("dead-letter-topic") String deadLetterTopic,
    @JsonProperty("group-id") String groupId,
    @JsonProperty("starting-offsets") StartingOffsets startingOffsets,
    @JsonProperty("transactional-id-prefix") String transactionalIdPrefix,
    @JsonProperty("consumer") Map<String, String> consumer,
    @JsonProperty("producer") Map<String, String> producer,
    @JsonProperty("delivery") Delivery delivery,
    @JsonProperty("startup-timeout-ms") Long startupTimeoutMs,
    @JsonProperty("security") KafkaSecurity security)
    implements Serializable {

  /**
   * How verdicts and dead letters are written. Exactly-once writes them in Kafka transactions
   * committed with each checkpoint: a {@code read_committed} consumer sees each verdict once, after
   * the next checkpoint. At-least-once writes them as they are made, visible at once whatever the
   * checkpoint interval; after a failure, the verdicts made since the last checkpoint are written
   * again (consumers tell repeats by stream id and sequence).
   */
  public enum Delivery {
    EXACTLY_ONCE,
    AT_LEAST_ONCE;

    /** Accepts the YAML spelling ({@code at-least-once}) in any case. */
    @com.fasterxml.jackson.annotation.JsonCreator
    public static Delivery parse(String value) {
      return Check.oneOf("kafka.delivery", value, Delivery.class, null);
    }
  }

  /** Where a consumer group with no committed offset starts. */
  public enum StartingOffsets {
    EARLIEST,
    LATEST,
    COMMITTED_OR_EARLIEST;

    /** Accepts the YAML spelling ({@code committed-or-earliest}) in any case. */
    @com.fasterxml.jackson.annotation.JsonCreator
    public static StartingOffsets parse(String value) {
      return Check.oneOf("kafka.starting-offsets", value, StartingOffsets.class, null);
    }
  }

  /**
   * Checks that Kafka answers at {@code bootstrap-servers} with the consumer's client settings
   * (security among them) within {@code startup-timeout-ms}; throws once, naming the address and
   * the cause, when it does not.
   */
  public void checkReachable() {
    KafkaReachability.check(
        bootstrapServers, consumerProperties(), java.time.Duration.ofMillis(startupTimeoutMs), "kafka.startup-timeout-ms");
  }

  /**
   * The consumers' settings: {@code security} (passwords read now, see {@link KafkaSecurity}), then
   * {@code consumer}. Holds secrets: hand it to Kafka clients, never print it.
   */
  public Map<String, String> consumerProperties() {
    return merged(consumer);
  }

  /** The producers' settings: {@code security}, then {@code producer}; the same care. */
  public Map<String, String> producerProperties() {
    return merged(producer);
  }

  /** An admin client's settings: {@code bootstrap-servers} and {@code security}; the same care. */
  public java.util.Properties adminProperties() {
    java.util.Properties p = new java.util.Properties();
    p.putAll(security.clientProperties());
    p.setProperty("bootstrap.servers", bootstrapServers);
    return p;
  }

  private Map<String, String> merged(Map<String, String> extra) {
    Map<String, String> m = new java.util.LinkedHashMap<>(security.clientProperties());
    m.putAll(extra);
    return m;
  }

  public KafkaSettings {
    bootstrapServers = Check.nonBlank("kafka.bootstrap-servers", bootstrapServers, "localhost:9092");
    segmentsTopic = Check.nonBlank("kafka.segments-topic", segmentsTopic, Topics.SEGMENTS);
    verdictsTopic = Check.nonBlank("kafka.verdicts-topic", verdictsTopic, Topics.VERDICTS);
    deadLetterTopic = Check.nonBlank("kafka.dead-letter-topic", deadLetterTopic, Topics.DEAD_LETTERS);
    groupId = Check.nonBlank("kafka.group-id", groupId, "streammod");
    startingOffsets =
        startingOffsets == null ? StartingOffsets.COMMITTED_OR_EARLIEST : startingOffsets;
    transactionalIdPrefix =
        Check.nonBlank("kafka.transactional-id-prefix", transactionalIdPrefix, "streammod");
    consumer = consumer == null ? Map.of() : Map.copyOf(consumer);
    producer = producer == null ? Map.of() : Map.copyOf(producer);
    delivery = delivery == null ? Delivery.EXACTLY_ONCE : delivery;
    security = security == null ? KafkaSecurity.plaintext() : security;
    startupTimeoutMs = Check.positive("kafka.startup-timeout-ms", startupTimeoutMs, 30_000L);
    if (startupTimeoutMs < 1_000) {
      throw new IllegalArgumentException("kafka.startup-timeout-ms must be >= 1000, got " + startupTimeoutMs);
    }
    if (segmentsTopic.equals(verdictsTopic) || segmentsTopic.equals(deadLetterTopic)) {
      throw new IllegalArgumentException(
          "kafka.segments-topic must differ from the verdicts and dead-letter topics, got '"
              + segmentsTopic
              + "' for both");
    }
  }
}
