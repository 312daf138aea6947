package dev.streammod.pipeline.job;

import dev.streammod.pipeline.moderation.SegmentModeration;
import dev.streammod.pipeline.moderation.SegmentResult;
import dev.streammod.pipeline.moderation.SegmentResult.Failed;
import dev.streammod.pipeline.moderation.SegmentResult.Scored;
import dev.streammod.pipeline.moderation.SegmentResult.Timings;
import dev.streammod.pipeline.moderation.Stage;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The moderate operator's metrics, group {@code moderation}, updated on the task thread only:
 * counters {@code segments_in}, {@code frames_sampled}, {@code segments_failed}, {@code
 * segments_degraded}, {@code payloads_fetched} and {@code payload_bytes_fetched} (payloads by
 * reference); histograms (last {@value #HISTOGRAM_WINDOW} segments) {@code batch_size}, {@code
 * wait_ms} (for a decode thread), {@code fetch_ms} (payloads by reference), {@code decode_ms},
 * {@code queue_ms} (in the batcher), {@code infer_ms}, {@code total_ms}; gauges {@code
 * segments_admitted} and {@code segments_waiting} of this slot, {@code batcher_queued_frames} of the
 * shared batcher.
 */
final class ModerationMetrics {
  static final int HISTOGRAM_WINDOW = 1024;

  private final Counter segmentsIn;
  private final Counter framesSampled;
  private final Counter failures;
  private final Counter degraded;
  private final Counter payloadsFetched;
  private final Counter payloadBytesFetched;
  private final Histogram batchSize;
  private final Histogram waitMs;
  private final Histogram fetchMs;
  private final Histogram decodeMs;
  private final Histogram queueMs;
  private final Histogram inferMs;
  private final Histogram totalMs;

  ModerationMetrics(MetricGroup operatorGroup, SegmentModeration moderation) {
    MetricGroup group = operatorGroup.addGroup("moderation");
    segmentsIn = group.counter("segments_in");
    framesSampled = group.counter("frames_sampled");
    failures = group.counter("segments_failed");
    degraded = group.counter("segments_degraded");
    payloadsFetched = group.counter("payloads_fetched");
    payloadBytesFetched = group.counter("payload_bytes_fetched");
    batchSize = histogram(group, "batch_size");
    waitMs = histogram(group, "wait_ms");
    fetchMs = histogram(group, "fetch_ms");
    decodeMs = histogram(group, "decode_ms");
    queueMs = histogram(group, "queue_ms");
    inferMs = histogram(group, "infer_ms");
    totalMs = histogram(group, "total_ms");
    group.gauge("segments_admitted", (Gauge<Integer>) moderation::admitted);
    group.gauge("segments_waiting", (Gauge<Integer>) moderation::waiting);
    group.gauge("batcher_queued_frames", (Gauge<Integer>) moderation::queuedFrames);
  }

  private static Histogram histogram(MetricGroup group, String name) {
    return group.histogram(name, new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
  }

  void segmentIn() {
    segmentsIn.inc();
  }

  void segmentDone(SegmentResult r) {
    Timings t = r.timings();
    if (r instanceof Failed f && f.stage() == Stage.TIMEOUT) {
      // Its steps' times are unknown: only the time it was given counts.
      failures.inc();
      totalMs.update(Math.round(t.totalMs()));
      return;
    }
    if (r instanceof Scored s) {
      framesSampled.inc(s.scores().frames());
      if (s.degraded()) {
        degraded.inc();
      }
      if (s.batchSize() > 0) {
        batchSize.update(s.batchSize());
        queueMs.update(Math.round(t.queueMs()));
        inferMs.update(Math.round(t.inferMs()));
      }
    } else {
      failures.inc();
    }
    if (t.fetchMs() > 0) {
      fetchMs.update(Math.round(t.fetchMs()));
    }
    if (r.fetchedBytes() > 0) {
      payloadsFetched.inc();
      payloadBytesFetched.inc(r.fetchedBytes());
    }
    waitMs.update(Math.round(t.waitMs()));
    decodeMs.update(Math.round(t.decodeMs()));
    totalMs.update(Math.round(t.totalMs()));
  }
}
