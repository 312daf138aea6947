package dev.streammod.connectors;

/** Names of the pipeline's Kafka topics. */
public final class Topics {
  /** Input: Avro {@code VideoSegment}, key = stream id. */
  public static final String SEGMENTS = "video.segments";

  /** Output: Avro {@code ModerationVerdict}, key = stream id, written exactly once. */
  public static final String VERDICTS = "moderation.verdicts";

  /** Side output: Avro {@code DeadLetter}, what could not be read or analysed, with the reason. */
  public static final String DEAD_LETTERS = "video.segments.dlq";

  /** Side output: per-stream statistics for the ops dashboard, key = stream id (compacted). */
  public static final String STREAM_STATS = "moderation.stream-stats";

  private Topics() {}
}
