package dev.streammod.connectors;

/**
 * Size limits shared by the broker, the topics and the clients. A segment record carries up to
 * about 16 MiB of video inline; a dead letter carries the original record plus the reason, so its
 * limit has headroom above that.
 */
public final class KafkaLimits {
  private static final int MIB = 1024 * 1024;

  /** {@code max.message.bytes} of the segments topic: the largest record batch it accepts. */
  public static final int SEGMENT_MAX_MESSAGE_BYTES = 16 * MIB;

  /** {@code max.message.bytes} of the dead-letter topic: a segment plus its failure report. */
  public static final int DEAD_LETTER_MAX_MESSAGE_BYTES = 17 * MIB;

  /**
   * The broker's {@code message.max.bytes} and {@code replica.fetch.max.bytes} in {@link
   * EmbeddedKafka}, and the producers' {@code max.request.size} in {@link KafkaIO}: at least the
   * largest topic limit.
   */
  public static final int MAX_REQUEST_BYTES = 18 * MIB;

  private KafkaLimits() {}
}
