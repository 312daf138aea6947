package dev.streammod.pipeline.stats;

import dev.streammod.connectors.RawRecord;
import dev.streammod.connectors.avro.Decision;
import dev.streammod.connectors.avro.ModerationVerdict;
import java.nio.charset.StandardCharsets;

/**
 * What the stream statistics are made of: a segment arriving from Kafka (its size and timestamp) or
 * a verdict made for one. A Flink POJO, small on purpose: it is shuffled by stream id once per
 * segment.
 */
public class StatsEvent {
  /** What happened. */
  public enum Kind {
    ARRIVAL,
    VERDICT
  }

  /** Stream id used for records without a Kafka key, and for verdicts of such records. */
  public static final String UNKEYED = "unkeyed";

  public Kind kind;
  public String streamId;

  /** Kafka timestamp of the segment record. */
  public long ingestTimestampMs;

  /**
   * ARRIVAL: the Kafka record value's size. VERDICT: the bytes of a payload fetched by reference (0
   * for an inline payload, whose bytes came with its arrival).
   */
  public long bytes;

  /** VERDICT: the decision and what it cost. */
  public Decision decision;

  public int framesSampled;
  public double decodeMs;
  public double inferMs;
  public long ingestToVerdictMs;
  public boolean degraded;

  /** VERDICT: the segment's sequence number. */
  public long sequence;

  /** VERDICT, REVIEW or BLOCK with inline evidence: the deciding frame's JPEG; otherwise null. */
  public byte[] evidenceJpeg;

  public StatsEvent() {}

  /** A segment read from Kafka; the key is the stream id by contract. */
  public static StatsEvent arrival(RawRecord record) {
    StatsEvent e = new StatsEvent();
    e.kind = Kind.ARRIVAL;
    e.streamId =
        record.key == null || record.key.length == 0
            ? UNKEYED
            : new String(record.key, StandardCharsets.UTF_8);
    e.ingestTimestampMs = record.timestamp;
    e.bytes = record.value == null ? 0 : record.value.length;
    return e;
  }

  /** A verdict for a segment whose Kafka timestamp was {@code ingestTimestampMs}. */
  public static StatsEvent verdict(ModerationVerdict v, long ingestTimestampMs) {
    return verdict(v, ingestTimestampMs, 0);
  }

  /**
   * A verdict for a segment whose Kafka timestamp was {@code ingestTimestampMs} and whose payload,
   * given by reference, was {@code fetchedBytes} long.
   */
  public static StatsEvent verdict(ModerationVerdict v, long ingestTimestampMs, long fetchedBytes) {
    StatsEvent e = new StatsEvent();
    e.bytes = fetchedBytes;
    e.kind = Kind.VERDICT;
    e.streamId = normalise(v.getStreamId());
    e.ingestTimestampMs = ingestTimestampMs;
    e.decision = v.getDecision();
    e.framesSampled = v.getFramesSampled();
    e.decodeMs = v.getDecodeMs();
    e.inferMs = v.getInferMs();
    e.ingestToVerdictMs = v.getIngestToVerdictMs();
    e.degraded = v.getDegraded();
    e.sequence = v.getSequence();
    if ((e.decision == Decision.REVIEW || e.decision == Decision.BLOCK)
        && v.getEvidenceJpeg() != null) {
      java.nio.ByteBuffer b = v.getEvidenceJpeg().duplicate();
      e.evidenceJpeg = new byte[b.remaining()];
      b.get(e.evidenceJpeg);
    }
    return e;
  }

  /**
   * Records without a key get a per-record stream id in their ERROR verdict ({@code unkeyed/...});
   * counting each as a stream would make one state entry per bad record, so they share one.
   */
  static String normalise(String streamId) {
    if (streamId == null || streamId.isEmpty() || streamId.startsWith(UNKEYED + "/")) {
      return UNKEYED;
    }
    return streamId;
  }

  @Override
  public String toString() {
    return "StatsEvent{"
        + kind
        + " "
        + streamId
        + (kind == Kind.VERDICT ? " " + decision : " " + bytes + " B")
        + "}";
  }
}
