package dev.streammod.models.batching;

import java.time.Duration;
import java.util.Objects;

/** Limits of a {@link DynamicBatcher}. Immutable; {@link Builder#build()} validates every field. */
public final class BatcherSettings {
  private final int maxBatchSize;
  private final Duration maxWait;
  private final int queueCapacityFrames;

  private BatcherSettings(Builder b) {
    this.maxBatchSize = b.maxBatchSize;
    this.maxWait = b.maxWait;
    this.queueCapacityFrames = b.queueCapacityFrames;
  }

  public static Builder builder() {
    return new Builder();
  }

  public static BatcherSettings defaults() {
    return builder().build();
  }

  public Builder toBuilder() {
    return new Builder()
        .maxBatchSize(maxBatchSize)
        .maxWait(maxWait)
        .queueCapacityFrames(queueCapacityFrames);
  }

  /** Most frames in one session run; default 32. */
  public int maxBatchSize() {
    return maxBatchSize;
  }

  /** Longest the oldest queued frame waits for a batch to fill; default 5 ms. */
  public Duration maxWait() {
    return maxWait;
  }

  /** Frames the queue holds before submit() blocks; default 512. */
  public int queueCapacityFrames() {
    return queueCapacityFrames;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof BatcherSettings)) {
      return false;
    }
    BatcherSettings s = (BatcherSettings) o;
    return maxBatchSize == s.maxBatchSize
        && maxWait.equals(s.maxWait)
        && queueCapacityFrames == s.queueCapacityFrames;
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxBatchSize, maxWait, queueCapacityFrames);
  }

  @Override
  public String toString() {
    return "BatcherSettings{maxBatchSize="
        + maxBatchSize
        + ", maxWait="
        + maxWait
        + ", queueCapacityFrames="
        + queueCapacityFrames
        + "}";
  }

  public static final class Builder {
    private int maxBatchSize = 32;
    private Duration maxWait = Duration.ofMillis(5);
    private int queueCapacityFrames = 512;

    private Builder() {}

    public Builder maxBatchSize(int maxBatchSize) {
      this.maxBatchSize = maxBatchSize;
      return this;
    }

    public Builder maxWait(Duration maxWait) {
      this.maxWait = maxWait;
      return this;
    }

    public Builder queueCapacityFrames(int queueCapacityFrames) {
      this.queueCapacityFrames = queueCapacityFrames;
      return this;
    }

    public BatcherSettings build() {
      if (maxBatchSize < 1 || maxBatchSize > 4096) {
        throw new IllegalArgumentException("maxBatchSize must be in 1..4096, got " + maxBatchSize);
      }
      if (maxWait == null || maxWait.isNegative() || maxWait.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("maxWait must be in 0..1 min, got " + maxWait);
      }
      if (queueCapacityFrames < maxBatchSize) {
        throw new IllegalArgumentException(
            "queueCapacityFrames must be >= maxBatchSize ("
                + maxBatchSize
                + "), got "
                + queueCapacityFrames);
      }
      return new BatcherSettings(this);
    }
  }
}
