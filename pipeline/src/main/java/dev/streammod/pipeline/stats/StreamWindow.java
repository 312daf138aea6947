package dev.streammod.pipeline.stats;

import dev.streammod.connectors.avro.Decision;
import dev.streammod.connectors.avro.StreamStats;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The running statistics of one stream: counters for the current window plus what outlives a window
 * (last seen, segment period, last activity). Plain Java, tested without Flink; a Flink POJO
 * (public fields, no-arg constructor) so that it is keyed state with schema evolution.
 *
 * <p>Ingest-to-verdict percentiles come from at most {@link #MAX_LATENCY_SAMPLES} samples per
 * window (reservoir sampling beyond that), so a window's state stays small whatever the rate.
 */
public class StreamWindow {
  public static final int MAX_LATENCY_SAMPLES = 512;

  /** Weight of the newest gap in the segment period's moving average. */
  static final double PERIOD_ALPHA = 0.25;

  public long windowStartMs;
  public long segments;
  public long frames;
  public long bytesIn;
  public long arrived;
  public long errors;
  public long degraded;

  /** Verdicts per {@link Decision#ordinal()}. */
  public long[] decisions = new long[Decision.values().length];

  public long analysed;
  public double decodeMsSum;
  public double inferMsSum;

  public long[] latencySamples = new long[0];
  public int latencyCount;
  public long latenciesSeen;

  /** Newest Kafka timestamp of a segment of this stream, in any window. */
  public long lastSeenMs;

  /** Processing time of the last event, for forgetting idle streams. */
  public long lastActivityMs;

  /** Kafka timestamp of the previous arrival, for the period estimate. */
  public long previousArrivalMs;

  public double periodMs;

  /** The stream's newest REVIEW or BLOCK verdict (kept across windows); -1 if none. */
  public long lastFlagSequence = -1;

  public String lastFlagDecision;
  public long lastFlagAtMs;

  /** Its evidence thumbnail, until the window's record has carried it; then null. */
  public byte[] lastFlagJpeg;

  /** The processing-time timer that closes the current window; 0 when none is set. */
  public long nextTimerMs;

  public StreamWindow() {}

  public static StreamWindow startingAt(long windowStartMs) {
    StreamWindow w = new StreamWindow();
    w.windowStartMs = windowStartMs;
    return w;
  }

  /** Counts one event into the current window; {@code nowMs} is processing time. */
  public void add(StatsEvent e, long nowMs) {
    lastActivityMs = Math.max(lastActivityMs, nowMs);
    if (e.ingestTimestampMs > 0) {
      lastSeenMs = Math.max(lastSeenMs, e.ingestTimestampMs);
    }
    // Segment bytes in: records on arrival, payloads fetched by reference with their verdicts.
    bytesIn += e.bytes;
    if (e.kind == StatsEvent.Kind.ARRIVAL) {
      arrived++;
      notePeriod(e.ingestTimestampMs);
    } else {
      addVerdict(e);
      if (e.decision == Decision.REVIEW || e.decision == Decision.BLOCK) {
        lastFlagSequence = e.sequence;
        lastFlagDecision = e.decision.name();
        lastFlagAtMs = nowMs;
        lastFlagJpeg = e.evidenceJpeg;
      }
    }
  }

  private void addVerdict(StatsEvent e) {
    segments++;
    frames += e.framesSampled;
    if (e.degraded) {
      degraded++;
    }
    Decision d = e.decision == null ? Decision.ERROR : e.decision;
    if (d.ordinal() >= decisions.length) {
      decisions = Arrays.copyOf(decisions, Decision.values().length);
    }
    decisions[d.ordinal()]++;
    if (d == Decision.ERROR) {
      errors++;
    } else {
      analysed++;
      decodeMsSum += e.decodeMs;
      inferMsSum += e.inferMs;
    }
    sampleLatency(Math.max(0, e.ingestToVerdictMs));
  }

  /**
   * Arrivals of one stream come in partition order, so consecutive Kafka timestamps give its
   * period.
   */
  private void notePeriod(long ingestMs) {
    if (ingestMs <= 0) {
      return;
    }
    if (previousArrivalMs > 0 && ingestMs > previousArrivalMs) {
      double gap = ingestMs - previousArrivalMs;
      periodMs = periodMs == 0 ? gap : periodMs + PERIOD_ALPHA * (gap - periodMs);
    }
    if (ingestMs > previousArrivalMs) {
      previousArrivalMs = ingestMs;
    }
  }

  private void sampleLatency(long ms) {
    long seen = latenciesSeen++;
    if (latencyCount < MAX_LATENCY_SAMPLES) {
      if (latencyCount == latencySamples.length) {
        latencySamples =
            Arrays.copyOf(
                latencySamples, Math.min(MAX_LATENCY_SAMPLES, Math.max(8, latencyCount * 2)));
      }
      latencySamples[latencyCount++] = ms;
      return;
    }
    // Reservoir sampling (Algorithm R) with a hash of the count instead of a Random: deterministic
    // and nothing extra to keep in state.
    long j = Long.remainderUnsigned(mix(seen), seen + 1);
    if (j < MAX_LATENCY_SAMPLES) {
      latencySamples[(int) j] = ms;
    }
  }

  /** The statistics of the window that ends at {@code windowEndMs}. */
  public StreamStats snapshot(String streamId, long windowEndMs, long nowMs) {
    double seconds = Math.max(1, windowEndMs - windowStartMs) / 1000.0;
    Map<String, Long> byDecision = new LinkedHashMap<>();
    Decision[] values = Decision.values();
    for (int i = 0; i < values.length && i < decisions.length; i++) {
      byDecision.put(values[i].name(), decisions[i]);
    }
    long[] sorted = Arrays.copyOf(latencySamples, latencyCount);
    Arrays.sort(sorted);
    return StreamStats.newBuilder()
        .setStreamId(streamId)
        .setWindowStartMs(windowStartMs)
        .setWindowEndMs(windowEndMs)
        .setSegments(segments)
        .setFrames(frames)
        .setBytesIn(bytesIn)
        .setSegmentsArrived(arrived)
        .setSegmentsPerS(segments / seconds)
        .setFramesPerS(frames / seconds)
        .setDecodeMsMean(analysed == 0 ? 0 : decodeMsSum / analysed)
        .setInferMsMean(analysed == 0 ? 0 : inferMsSum / analysed)
        .setIngestToVerdictP50Ms(percentile(sorted, 50))
        .setIngestToVerdictP99Ms(percentile(sorted, 99))
        .setDecisions(byDecision)
        .setErrors(errors)
        .setDegraded(degraded)
        .setLastSeenMs(lastSeenMs)
        .setSegmentPeriodMs(Math.round(periodMs))
        .setEmittedAtMs(nowMs)
        .setLastFlagSequence(lastFlagSequence)
        .setLastFlagDecision(lastFlagDecision)
        .setLastFlagAtMs(lastFlagAtMs)
        .setLastFlagJpeg(lastFlagJpeg == null ? null : java.nio.ByteBuffer.wrap(lastFlagJpeg))
        .build();
  }

  /**
   * Clears the window counters; keeps last seen, period, activity and the last flag (whose
   * thumbnail the previous window's record carried).
   */
  public void startWindow(long startMs) {
    windowStartMs = startMs;
    lastFlagJpeg = null;
    segments = 0;
    frames = 0;
    bytesIn = 0;
    arrived = 0;
    errors = 0;
    degraded = 0;
    decisions = new long[Decision.values().length];
    analysed = 0;
    decodeMsSum = 0;
    inferMsSum = 0;
    latencyCount = 0;
    latenciesSeen = 0;
  }

  /** True when no event came for {@code expiryMs} up to {@code nowMs}. */
  public boolean idle(long nowMs, long expiryMs) {
    return nowMs - lastActivityMs >= expiryMs;
  }

  /** Nearest-rank percentile of sorted values; 0 for none. */
  static long percentile(long[] sorted, int p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /** Start of the window of length {@code intervalMs} that holds {@code timeMs} (epoch-aligned). */
  public static long alignedStart(long timeMs, long intervalMs) {
    return timeMs - Math.floorMod(timeMs, intervalMs);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
