package dev.streammod.connectors;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A topic to create: name, partition count, replication factor and topic-level configs. Validated
 * on construction; the configs map is an immutable copy.
 *
 * @param replicationFactor a positive factor, or {@link #BROKER_DEFAULT_REPLICATION} to use the
 *     broker's {@code default.replication.factor}
 */
public record TopicSpec(
    String name, int partitions, short replicationFactor, Map<String, String> configs) {

  /** Replication factor meaning "the broker's default.replication.factor". */
  public static final short BROKER_DEFAULT_REPLICATION = -1;

  // Kafka's own rule for topic names (org.apache.kafka.common.internals.Topic, not public API).
  private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  public TopicSpec {
    Objects.requireNonNull(name, "name");
    if (!LEGAL_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException(
          "Invalid topic name '" + name + "': use 1 to 249 of [a-zA-Z0-9._-], not '.' or '..'");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException(
          "Topic '" + name + "': partitions must be at least 1, was " + partitions);
    }
    if (replicationFactor < 1 && replicationFactor != BROKER_DEFAULT_REPLICATION) {
      throw new IllegalArgumentException(
          "Topic '"
              + name
              + "': replicationFactor must be at least 1 (or -1 for the broker"
              + " default), was "
              + replicationFactor);
    }
    configs = Map.copyOf(Objects.requireNonNull(configs, "configs"));
  }

  /** Kafka defaults for everything: delete policy, broker-default replication. */
  public static TopicSpec of(String name, int partitions) {
    return new TopicSpec(name, partitions, BROKER_DEFAULT_REPLICATION, Map.of());
  }

  /** Video segments: records up to {@link KafkaLimits#SEGMENT_MAX_MESSAGE_BYTES} (16 MiB). */
  public static TopicSpec segmentsTopic(String name, int partitions) {
    return of(name, partitions)
        .withConfig("max.message.bytes", Integer.toString(KafkaLimits.SEGMENT_MAX_MESSAGE_BYTES));
  }

  /** Verdicts: small records, Kafka defaults. */
  public static TopicSpec verdictsTopic(String name, int partitions) {
    return of(name, partitions);
  }

  /** Dead letters: the original record (up to 16 MiB) plus the failure report. */
  public static TopicSpec deadLettersTopic(String name, int partitions) {
    return of(name, partitions)
        .withConfig(
            "max.message.bytes", Integer.toString(KafkaLimits.DEAD_LETTER_MAX_MESSAGE_BYTES));
  }

  /** Compacted: the broker keeps at least the latest record per key (e.g. per-stream stats). */
  public static TopicSpec compactTopic(String name, int partitions) {
    return of(name, partitions).withConfig("cleanup.policy", "compact");
  }

  /** The four topics of the pipeline under their standard names ({@link Topics}). */
  public static List<TopicSpec> pipelineTopics(int partitions) {
    return List.of(
        segmentsTopic(Topics.SEGMENTS, partitions),
        verdictsTopic(Topics.VERDICTS, partitions),
        deadLettersTopic(Topics.DEAD_LETTERS, partitions),
        compactTopic(Topics.STREAM_STATS, partitions));
  }

  public TopicSpec withPartitions(int newPartitions) {
    return new TopicSpec(name, newPartitions, replicationFactor, configs);
  }

  public TopicSpec withReplicationFactor(short newReplicationFactor) {
    return new TopicSpec(name, partitions, newReplicationFactor, configs);
  }

  /** A copy with one topic config added or replaced. */
  public TopicSpec withConfig(String key, String value) {
    Map<String, String> copy = new LinkedHashMap<>(configs);
    copy.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    return new TopicSpec(name, partitions, replicationFactor, copy);
  }
}
