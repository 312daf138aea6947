package dev.streammod.pipeline.moderation;

/**
 * What the moderation step knows about one segment: label scores (max over sampled frames) or the
 * reason it could not be analysed. A Flink POJO (public fields, no-arg constructor) so that it
 * travels between operators without generic serialization.
 */
public class ScoredSegment {
  public String streamId;
  public long sequence = -1;
  public String sourceTopic;
  public int sourcePartition = -1;
  public long sourceOffset = -1;
  /** Kafka record timestamp of the segment: the start of ingest-to-verdict latency. */
  public long ingestTimestampMs;

  public String[] labels;
  public float[] scores;
  public String topLabel;
  public float topScore;
  public long worstFrameOffsetMs = -1;
  public int framesSampled;
  public boolean degraded;
  public String modelName = "";
  public String modelVersion = "";

  /** Time waiting for a decode thread (fair admission across streams). */
  public double waitMs;

  /** Time in the batcher's queue. */
  public double queueMs;

  /** Time fetching a payload given by reference; 0 for an inline payload. */
  public double fetchMs;

  /** Bytes of a payload fetched by reference; 0 for an inline payload or a failed fetch. */
  public long fetchedBytes;

  public double decodeMs;
  public double inferMs;
  public double totalMs;

  /** Frames in the largest inference batch this segment's frames ran in; 0 when none ran. */
  public int batchSize;

  /** Null on success; DESERIALIZE, FETCH, DECODE, INFER or TIMEOUT otherwise. */
  public String errorStage;

  public String errorCode;
  public String errorMessage;
  /** The original record, kept only for failures so the dead letter can carry it. */
  public byte[] key;

  public byte[] value;

  public ScoredSegment() {}

  public boolean failed() {
    return errorStage != null;
  }

  @Override
  public String toString() {
    return failed()
        ? "ScoredSegment{" + streamId + "#" + sequence + " " + errorStage + "/" + errorCode + "}"
        : "ScoredSegment{" + streamId + "#" + sequence + " top=" + topLabel + ":" + topScore + "}";
  }
}
