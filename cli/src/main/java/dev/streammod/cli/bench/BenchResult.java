package dev.streammod.cli.bench;

import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * The figures of one benchmark run. Rates are over the steady window (after warm-up, until
 * producing stopped); latencies are of segments published in that window, from publication to
 * verdict readable with read_committed; {@code ratio} is the pipeline's frames/s over the slower of
 * raw decoding and raw inference measured in the same run.
 */
public record BenchResult(
    int streams,
    long periodMs,
    double offeredPerSecond,
    long produced,
    long verdicts,
    double segmentsPerSecond,
    double framesPerSecond,
    double framesPerSegment,
    long p50Ms,
    long p95Ms,
    long p99Ms,
    long maxMs,
    double rawDecodeFps,
    double rawDecodeSegmentsPerSecond,
    double rawInferFps,
    double ratio,
    double ratioCpu,
    long lost,
    long duplicates,
    long unexpectedDecisions,
    long degraded,
    long errors,
    long deadLetters,
    long degradedP99Ms,
    double heapUsedMaxMb,
    double heapLiveStartMb,
    /** From the last periodic full GC before the drain ended (--gc-every); NaN without one. */
    double heapLiveEndOfLoadMb,
    double heapLiveAfterDrainMb,
    double heapLiveMaxMb,
    double rssStartMb,
    double rssMaxMb,
    double rssEndMb,
    long lagMax,
    long backlogMax,
    int batcherQueueMaxFrames,
    double meanBatch,
    long batches,
    long[] batchSizes,
    long maxPublishLatenessMs,
    double steadySeconds,
    double totalSeconds,
    int decodeThreads,
    int maxBatch,
    long maxWaitMs,
    String sampling,
    int maxFrames,
    long deadlineMs,
    /** How segments travelled: {@code inline} or {@code file} (by reference). */
    String payload,
    double rawFramesPerSegment,
    Map<String, Double> cpuSeconds,
    Catchup catchup,
    List<BenchRunner.Sample> samples) {

  /**
   * The pipeline working off the backlog after publishing stopped: the same job and broker without
   * the load generator's share of the cores. Measured while the backlog was above 5 % of what it
   * was when publishing stopped, and only when that was at least {@link #MIN_BACKLOG} segments.
   */
  public record Catchup(
      long backlog, double segmentsPerSecond, double framesPerSecond, double ratio, Map<String, Double> cpuSeconds) {
    public static final long MIN_BACKLOG = 500;
    public static final Catchup NONE = new Catchup(0, -1, -1, -1, Map.of());

    public boolean measured() {
      return segmentsPerSecond >= 0;
    }
  }

  /** Batch size (frames) at percentile {@code p} over the batches of the run; 0 when none ran. */
  public int batchPercentile(double p) {
    if (batches == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(p / 100.0 * batches));
    long seen = 0;
    for (int i = 1; i < batchSizes.length; i++) {
      seen += batchSizes[i];
      if (seen >= rank) {
        return i;
      }
    }
    return batchSizes.length - 1;
  }

  public String toJson() {
    return String.format(
        Locale.ROOT,
        "{\"streams\":%d,\"period_ms\":%d,\"offered_per_s\":%.2f,\"produced\":%d,\"verdicts\":%d,"
            + "\"segments_per_s\":%.2f,\"frames_per_s\":%.2f,\"frames_per_segment\":%.2f,"
            + "\"p50_ms\":%d,\"p95_ms\":%d,\"p99_ms\":%d,\"max_ms\":%d,"
            + "\"raw_decode_fps\":%.2f,\"raw_decode_segments_per_s\":%.2f,\"raw_infer_fps\":%.2f,"
            + "\"ratio\":%.3f,\"ratio_cpu\":%.3f,\"lost\":%d,\"duplicates\":%d,\"unexpected_decisions\":%d,"
            + "\"degraded\":%d,\"degraded_p99_ms\":%d,\"errors\":%d,\"dead_letters\":%d,"
            + "\"heap_used_max_mb\":%.1f,\"heap_live_start_mb\":%.1f,\"heap_live_last_periodic_mb\":%.1f,"
            + "\"heap_live_after_drain_mb\":%.1f,\"heap_live_max_mb\":%.1f,\"rss_start_mb\":%.1f,\"rss_max_mb\":%.1f,\"rss_end_mb\":%.1f,"
            + "\"lag_max\":%d,\"backlog_max\":%d,\"batcher_queue_max_frames\":%d,"
            + "\"batch_mean\":%.2f,\"batch_p50\":%d,\"batch_p99\":%d,\"batches\":%d,"
            + "\"max_publish_lateness_ms\":%d,\"steady_s\":%.1f,\"total_s\":%.1f,"
            + "\"decode_threads\":%d,\"max_batch\":%d,\"max_wait_ms\":%d,\"sampling\":\"%s\","
            + "\"max_frames\":%d,\"deadline_ms\":%d,\"payload\":\"%s\",\"cpu\":%s,\"cpu_ms_per_segment\":%s,"
            + "\"catchup_backlog\":%d,\"catchup_segments_per_s\":%.2f,\"catchup_frames_per_s\":%.2f,"
            + "\"catchup_ratio\":%.3f,\"catchup_cpu_ms_per_segment\":%s}",
        streams, periodMs, offeredPerSecond, produced, verdicts, segmentsPerSecond, framesPerSecond,
        framesPerSegment, p50Ms, p95Ms, p99Ms, maxMs, rawDecodeFps, rawDecodeSegmentsPerSecond,
        rawInferFps, ratio, ratioCpu, lost, duplicates, unexpectedDecisions, degraded, degradedP99Ms, errors,
        deadLetters, heapUsedMaxMb, heapLiveStartMb,
        Double.isNaN(heapLiveEndOfLoadMb) ? -1 : heapLiveEndOfLoadMb, heapLiveAfterDrainMb,
        heapLiveMaxMb, rssStartMb,
        rssMaxMb, rssEndMb, lagMax, backlogMax, batcherQueueMaxFrames, meanBatch,
        batchPercentile(50), batchPercentile(99), batches, maxPublishLatenessMs, steadySeconds,
        totalSeconds, decodeThreads, maxBatch, maxWaitMs, sampling, maxFrames, deadlineMs, payload, cpuJson(),
        perSegmentJson(cpuSeconds, segmentsPerSecond * steadySeconds), catchup.backlog(),
        catchup.segmentsPerSecond(), catchup.framesPerSecond(), catchup.ratio(),
        catchup.measured()
            ? perSegmentJson(
                catchup.cpuSeconds(), catchup.segmentsPerSecond() * catchup.cpuSeconds().getOrDefault("wall", 0.0))
            : "{}");
  }

  /** CPU share per thread group over the steady window, and the cores busy on average. */
  String cpuJson() {
    double total = cpuSeconds.getOrDefault("total", 0.0);
    double wall = cpuSeconds.getOrDefault("wall", 0.0);
    StringBuilder sb = new StringBuilder("{");
    for (String g : CpuBreakdown.GROUPS) {
      sb.append(sb.length() == 1 ? "" : ",")
          .append('"').append(g).append("\":")
          .append(String.format(Locale.ROOT, "%.3f", total <= 0 ? 0 : cpuSeconds.getOrDefault(g, 0.0) / total));
    }
    sb.append(String.format(Locale.ROOT, ",\"cores_busy\":%.2f}", wall <= 0 ? 0 : total / wall));
    return sb.toString();
  }

  /** CPU milliseconds per segment by thread group, and in all. */
  static String perSegmentJson(Map<String, Double> cpu, double segments) {
    StringBuilder sb = new StringBuilder("{");
    for (String g : CpuBreakdown.GROUPS) {
      sb.append(sb.length() == 1 ? "" : ",")
          .append('"').append(g).append("\":")
          .append(String.format(Locale.ROOT, "%.3f", segments <= 0 ? 0 : 1000 * cpu.getOrDefault(g, 0.0) / segments));
    }
    double total = cpu.getOrDefault("total", 0.0);
    sb.append(String.format(Locale.ROOT, ",\"total\":%.3f}", segments <= 0 ? 0 : 1000 * total / segments));
    return sb.toString();
  }

  static String csvHeader() {
    return "streams,period_ms,offered_per_s,segments_per_s,frames_per_s,p50_ms,p95_ms,p99_ms,"
        + "raw_decode_fps,raw_infer_fps,ratio,lost,degraded,heap_live_max_mb,rss_max_mb,lag_max";
  }

  String csvRow() {
    return String.format(
        Locale.ROOT,
        "%d,%d,%.2f,%.2f,%.2f,%d,%d,%d,%.2f,%.2f,%.3f,%d,%d,%.1f,%.1f,%d",
        streams, periodMs, offeredPerSecond, segmentsPerSecond, framesPerSecond, p50Ms, p95Ms, p99Ms,
        rawDecodeFps, rawInferFps, ratio, lost, degraded, heapLiveMaxMb, rssMaxMb, lagMax);
  }
}
