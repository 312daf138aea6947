package dev.streammod.pipeline.moderation;

/**
 * Decides how many frames a segment may sample when it reaches the decoder. Off, every segment
 * gets the normal cap. On, a segment whose age (now minus its Kafka record timestamp) is at least
 * {@code degradeAt} times the deadline is sampled with the degraded cap instead, so that a backlog
 * drains faster and verdicts stay within the deadline; such verdicts are marked degraded. The cap
 * is never below one frame: a degraded segment is still analysed, never skipped.
 */
public final class DegradePolicy {
  private static final DegradePolicy OFF = new DegradePolicy(0, 1, Integer.MAX_VALUE, Integer.MAX_VALUE);

  private final long deadlineMs;
  private final long thresholdMs;
  private final int normalMaxFrames;
  private final int degradedMaxFrames;

  private DegradePolicy(long deadlineMs, double degradeAt, int normalMaxFrames, int degradedMaxFrames) {
    this.deadlineMs = deadlineMs;
    this.thresholdMs = (long) Math.ceil(deadlineMs * degradeAt);
    this.normalMaxFrames = normalMaxFrames;
    this.degradedMaxFrames = degradedMaxFrames;
  }

  /** Degrade mode off: {@link #decide} always answers the normal cap. */
  public static DegradePolicy off() {
    return OFF;
  }

  /**
   * @param deadlineMs ingest-to-verdict deadline, > 0
   * @param degradeAt fraction of the deadline, in (0, 1]
   * @param normalMaxFrames the decoder's cap, >= 1
   * @param degradedMaxFrames the cap for late segments, in [1, normalMaxFrames]
   */
  public static DegradePolicy of(
      long deadlineMs, double degradeAt, int normalMaxFrames, int degradedMaxFrames) {
    if (deadlineMs <= 0) {
      throw new IllegalArgumentException("deadlineMs must be > 0, got " + deadlineMs);
    }
    if (!(degradeAt > 0 && degradeAt <= 1)) {
      throw new IllegalArgumentException("degradeAt must be in (0, 1], got " + degradeAt);
    }
    if (normalMaxFrames < 1) {
      throw new IllegalArgumentException("normalMaxFrames must be >= 1, got " + normalMaxFrames);
    }
    if (degradedMaxFrames < 1 || degradedMaxFrames > normalMaxFrames) {
      throw new IllegalArgumentException(
          "degradedMaxFrames must be in [1, " + normalMaxFrames + "], got " + degradedMaxFrames);
    }
    return new DegradePolicy(deadlineMs, degradeAt, normalMaxFrames, degradedMaxFrames);
  }

  public boolean enabled() {
    return this != OFF;
  }

  /** Age in ms from which segments are degraded; {@code Long.MAX_VALUE} when off. */
  public long thresholdMs() {
    return enabled() ? thresholdMs : Long.MAX_VALUE;
  }

  public long deadlineMs() {
    return deadlineMs;
  }

  /**
   * Whether a segment stamped {@code ingestTimestampMs} that reaches the decoder at {@code nowMs}
   * is degraded: always NORMAL when degrade mode is off. A missing (non-positive) timestamp never
   * degrades; nor does one in the future (clock skew).
   */
  public Decision decide(long ingestTimestampMs, long nowMs) {
    if (!enabled() || ingestTimestampMs <= 0) {
      return Decision.NORMAL;
    }
    long age = nowMs - ingestTimestampMs;
    return age >= thresholdMs ? Decision.DEGRADED : Decision.NORMAL;
  }

  /** Frames to sample for a decision; {@code normal} is the decoder's own cap. */
  public int maxFrames(Decision d, int normal) {
    return d == Decision.DEGRADED ? Math.min(normal, Math.max(1, degradedMaxFrames)) : normal;
  }

  /** Whether a segment is analysed in full or degraded. */
  public enum Decision {
    NORMAL,
    DEGRADED
  }

  @Override
  public String toString() {
    return enabled()
        ? "DegradePolicy{deadline="
            + deadlineMs
            + "ms, degrade from age "
            + thresholdMs
            + "ms to "
            + degradedMaxFrames
            + " of "
            + normalMaxFrames
            + " frames}"
        : "DegradePolicy{off}";
  }
}
