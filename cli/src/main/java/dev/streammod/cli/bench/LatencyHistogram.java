package dev.streammod.cli.bench;

/**
 * Latencies in fixed memory: 1 ms buckets up to 10 s, 100 ms buckets up to 30 min, one overflow
 * bucket. Percentiles are exact to the bucket (1 ms below 10 s). Not thread-safe.
 */
public final class LatencyHistogram {
  private static final int FINE_LIMIT_MS = 10_000;
  private static final int COARSE_STEP_MS = 100;
  private static final long COARSE_LIMIT_MS = 30L * 60 * 1000;
  private static final int BUCKETS =
      FINE_LIMIT_MS + (int) ((COARSE_LIMIT_MS - FINE_LIMIT_MS) / COARSE_STEP_MS) + 1;

  private final long[] counts = new long[BUCKETS];
  private long count;
  private long max = -1;
  private double sum;

  public void record(long ms) {
    long v = Math.max(0, ms);
    counts[bucket(v)]++;
    count++;
    sum += v;
    max = Math.max(max, v);
  }

  private static int bucket(long ms) {
    if (ms < FINE_LIMIT_MS) {
      return (int) ms;
    }
    if (ms >= COARSE_LIMIT_MS) {
      return BUCKETS - 1;
    }
    return FINE_LIMIT_MS + (int) ((ms - FINE_LIMIT_MS) / COARSE_STEP_MS);
  }

  private static long upperValue(int bucket) {
    if (bucket < FINE_LIMIT_MS) {
      return bucket;
    }
    if (bucket == BUCKETS - 1) {
      return COARSE_LIMIT_MS;
    }
    return FINE_LIMIT_MS + (long) (bucket - FINE_LIMIT_MS + 1) * COARSE_STEP_MS - 1;
  }

  public long count() {
    return count;
  }

  /** Largest value recorded, -1 when empty. */
  public long max() {
    return max;
  }

  public double mean() {
    return count == 0 ? -1 : sum / count;
  }

  /** The smallest value v such that at least p% of values are <= v (bucket resolution); -1 when empty. */
  public long percentile(double p) {
    if (count == 0) {
      return -1;
    }
    long rank = Math.max(1, (long) Math.ceil(p / 100.0 * count));
    long seen = 0;
    for (int b = 0; b < BUCKETS; b++) {
      seen += counts[b];
      if (seen >= rank) {
        return Math.min(upperValue(b), max);
      }
    }
    return max;
  }

  public void add(LatencyHistogram other) {
    for (int b = 0; b < BUCKETS; b++) {
      counts[b] += other.counts[b];
    }
    count += other.count;
    sum += other.sum;
    max = Math.max(max, other.max);
  }

  public void clear() {
    java.util.Arrays.fill(counts, 0);
    count = 0;
    sum = 0;
    max = -1;
  }
}
