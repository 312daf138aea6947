package dev.streammod.pipeline.config;

import com.fasterxml.jackson.annotation.JsonProperty;
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
    @JsonProperty("producer") Map<String, String> producer)
    implements Serializable {

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
    if (segmentsTopic.equals(verdictsTopic) || segmentsTopic.equals(deadLetterTopic)) {
      throw new IllegalArgumentException(
          "kafka.segments-topic must differ from the verdicts and dead-letter topics, got '"
              + segmentsTopic
              + "' for both");
    }
  }
}
