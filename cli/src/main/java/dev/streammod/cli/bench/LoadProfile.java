package dev.streammod.cli.bench;

import java.time.Duration;

/**
 * When S live streams publish: each one segment every {@code period}; stream {@code i} joins at
 * {@code ramp * i / S} (all within the first period, staggered, when there is no ramp); during the
 * burst window every stream publishes {@code burstMultiplier} times as often. Times are nanoseconds
 * from the start.
 */
public record LoadProfile(
    int streams,
    Duration period,
    Duration ramp,
    double burstMultiplier,
    Duration burstStart,
    Duration burstLength) {

  public LoadProfile {
    if (streams < 1) {
      throw new IllegalArgumentException("streams must be >= 1, got " + streams);
    }
    if (period == null || period.toMillis() < 1) {
      throw new IllegalArgumentException("period must be >= 1 ms, got " + period);
    }
    ramp = ramp == null ? Duration.ZERO : ramp;
    if (ramp.isNegative()) {
      throw new IllegalArgumentException("ramp must be >= 0, got " + ramp);
    }
    if (!(burstMultiplier > 0) || Double.isInfinite(burstMultiplier)) {
      throw new IllegalArgumentException("burst multiplier must be > 0, got " + burstMultiplier);
    }
    burstStart = burstStart == null ? Duration.ZERO : burstStart;
    burstLength = burstLength == null ? Duration.ZERO : burstLength;
    if (burstStart.isNegative() || burstLength.isNegative()) {
      throw new IllegalArgumentException(
          "burst start and length must be >= 0, got " + burstStart + " and " + burstLength);
    }
  }

  /** Steady load: S streams, one segment each per period. */
  public static LoadProfile steady(int streams, Duration period) {
    return new LoadProfile(streams, period, Duration.ZERO, 1, Duration.ZERO, Duration.ZERO);
  }

  public LoadProfile withRamp(Duration newRamp) {
    return new LoadProfile(streams, period, newRamp, burstMultiplier, burstStart, burstLength);
  }

  public LoadProfile withBurst(double multiplier, Duration start, Duration length) {
    return new LoadProfile(streams, period, ramp, multiplier, start, length);
  }

  /** When stream {@code index} publishes its first segment. */
  public long firstDueNanos(int index) {
    long r = ramp.toNanos();
    if (r > 0) {
      return r / streams * index + (r % streams) * index / streams;
    }
    return period.toNanos() / streams * index;
  }

  /** When a stream that published at {@code dueNanos} publishes next. */
  public long nextDueNanos(long dueNanos) {
    return dueNanos + Math.max(1, Math.round(period.toNanos() / multiplier(dueNanos)));
  }

  /** The rate multiplier at {@code tNanos}: the burst's inside its window, 1 elsewhere. */
  public double multiplier(long tNanos) {
    long start = burstStart.toNanos();
    return burstLength.isZero() || tNanos < start || tNanos >= start + burstLength.toNanos()
        ? 1.0
        : burstMultiplier;
  }

  /** Segments per second offered at {@code tNanos} by the streams that have joined by then. */
  public double offeredRate(long tNanos) {
    int joined;
    long r = ramp.toNanos();
    if (r <= 0 || tNanos >= r) {
      joined = streams;
    } else {
      joined = (int) Math.min(streams, Math.max(1, (tNanos * streams) / r + 1));
    }
    return joined * multiplier(tNanos) * 1e9 / period.toNanos();
  }

  /** Steady-state segments per second with every stream joined, outside a burst. */
  public double steadyRate() {
    return streams * 1e9 / period.toNanos();
  }
}
