package dev.streammod.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one benchmark run. Rates are over the steady window (after warm-up, until
 * producing stopped); latencies are of segments published in that window, from publication to
 * verdict readable with read_committed; {@code ratio} is the pipeline's frames/s over the slower of
 * raw decoding and raw inference measured in the same run. {@link #toJson()} writes one line whose
 * keys keep their names and order; scripts read it.
 */
public record BenchResult(
    Offered offered,
    Throughput throughput,
    Latency latency,
    Ceiling ceiling,
    Checks checks,
    Memory memory,
    Queues queues,
    Batching batching,
    Timing timing,
    Setup setup,
    Map<String, Double> cpuSeconds,
    Catchup catchup,
    List<Sample> samples) {

  public BenchResult {
    cpuSeconds = Map.copyOf(cpuSeconds);
    samples = List.copyOf(samples);
  }

  /** The load offered, and the segments published. */
  public record Offered(int streams, long periodMs, double offeredPerSecond, long produced) {
    void writeTo(JsonLine json) {
      json.put("streams", streams).put("period_ms", periodMs).put("offered_per_s", offeredPerSecond, 2)
          .put("produced", produced);
    }
  }

  /** Distinct verdicts in all, and the rates of the steady window. */
  public record Throughput(long verdicts, double segmentsPerSecond, double framesPerSecond, double framesPerSegment) {
    void writeTo(JsonLine json) {
      json.put("verdicts", verdicts).put("segments_per_s", segmentsPerSecond, 2)
          .put("frames_per_s", framesPerSecond, 2).put("frames_per_segment", framesPerSegment, 2);
    }
  }

  /** Publish-to-verdict latency; -1 without verdicts. */
  public record Latency(long p50Ms, long p95Ms, long p99Ms, long maxMs) {
    static Latency of(LatencyHistogram h) {
      return new Latency(h.percentile(50), h.percentile(95), h.percentile(99), h.max());
    }

    void writeTo(JsonLine json) {
      json.put("p50_ms", p50Ms).put("p95_ms", p95Ms).put("p99_ms", p99Ms).put("max_ms", maxMs);
    }
  }

  /**
   * The raw rates measured before the job started, and the pipeline's frames/s as a ratio of the
   * slower of them, by the wall clock and per CPU-second.
   */
  public record Ceiling(
      double rawDecodeFps,
      double rawDecodeSegmentsPerSecond,
      double rawInferFps,
      double ratio,
      double ratioCpu,
      double rawFramesPerSegment,
      /** CPU-ms per segment of raw decoding plus raw inference (of its frames): the least the job can spend. */
      double rawCpuMsPerSegment) {
    void writeTo(JsonLine json) {
      json.put("raw_decode_fps", rawDecodeFps, 2).put("raw_decode_segments_per_s", rawDecodeSegmentsPerSecond, 2)
          .put("raw_infer_fps", rawInferFps, 2).put("ratio", ratio, 3).put("ratio_cpu", ratioCpu, 3);
    }
  }

  /** What must be zero in a sound run (lost, duplicates, unexpected decisions) and what is counted. */
  public record Checks(
      long lost,
      long duplicates,
      long unexpectedDecisions,
      long degraded,
      long degradedP99Ms,
      long errors,
      long deadLetters) {
    void writeTo(JsonLine json) {
      json.put("lost", lost).put("duplicates", duplicates).put("unexpected_decisions", unexpectedDecisions)
          .put("degraded", degraded).put("degraded_p99_ms", degradedP99Ms).put("errors", errors)
          .put("dead_letters", deadLetters);
    }
  }

  /**
   * Heap and RSS. Used heap and RSS are over the samples after warm-up; the live heap is measured
   * by forced full GCs: before the load, with {@code --gc-every} during it, and after the drain.
   */
  public record Memory(
      double heapUsedMaxMb,
      double heapLiveStartMb,
      /** From the last periodic full GC before the drain ended (--gc-every); NaN without one. */
      double heapLiveEndOfLoadMb,
      double heapLiveAfterDrainMb,
      double heapLiveMaxMb,
      double rssStartMb,
      double rssMaxMb,
      double rssEndMb) {

    /** From the samples and the live heap after each forced full GC, in order. */
    static Memory of(List<Sample> samples, List<Double> liveMb) {
      List<Sample> afterWarmup = samples.stream().filter(s -> !s.phase().equals("warmup")).toList();
      List<Sample> measured = afterWarmup.isEmpty() ? samples : afterWarmup;
      return new Memory(
          measured.stream().mapToDouble(Sample::heapUsedMb).max().orElse(0),
          liveMb.get(0),
          liveMb.size() > 2 ? liveMb.get(liveMb.size() - 2) : Double.NaN,
          liveMb.get(liveMb.size() - 1),
          liveMb.stream().mapToDouble(Double::doubleValue).max().orElse(0),
          measured.get(0).rssMb(),
          measured.stream().mapToDouble(Sample::rssMb).max().orElse(0),
          measured.get(measured.size() - 1).rssMb());
    }

    void writeTo(JsonLine json) {
      json.put("heap_used_max_mb", heapUsedMaxMb, 1).put("heap_live_start_mb", heapLiveStartMb, 1)
          .put("heap_live_last_periodic_mb", Double.isNaN(heapLiveEndOfLoadMb) ? -1 : heapLiveEndOfLoadMb, 1)
          .put("heap_live_after_drain_mb", heapLiveAfterDrainMb, 1).put("heap_live_max_mb", heapLiveMaxMb, 1)
          .put("rss_start_mb", rssStartMb, 1).put("rss_max_mb", rssMaxMb, 1).put("rss_end_mb", rssEndMb, 1);
    }
  }

  /** The most waiting at once, over all samples: consumer lag, segments without verdict, batcher queue. */
  public record Queues(long lagMax, long backlogMax, int batcherQueueMaxFrames) {
    static Queues of(List<Sample> samples) {
      return new Queues(
          samples.stream().mapToLong(Sample::lag).max().orElse(0),
          samples.stream().mapToLong(Sample::backlog).max().orElse(0),
          samples.stream().mapToInt(Sample::batcherQueuedFrames).max().orElse(0));
    }

    void writeTo(JsonLine json) {
      json.put("lag_max", lagMax).put("backlog_max", backlogMax).put("batcher_queue_max_frames", batcherQueueMaxFrames);
    }
  }

  /**
   * The batches the shared batcher ran during the run: {@code sizes.get(i)} batches of {@code i}
   * frames.
   */
  public record Batching(List<Long> sizes) {
    public Batching {
      sizes = List.copyOf(sizes);
    }

    /** The batches run between two of the batcher's histograms. */
    static Batching between(long[] before, long[] after) {
      List<Long> sizes = new ArrayList<>(after.length);
      sizes.add(0L);
      for (int i = 1; i < after.length; i++) {
        sizes.add(after[i] - before[i]);
      }
      return new Batching(sizes);
    }

    public long batches() {
      long batches = 0;
      for (int i = 1; i < sizes.size(); i++) {
        batches += sizes.get(i);
      }
      return batches;
    }

    /** Mean frames per batch; 0 when none ran. */
    public double mean() {
      long frames = 0;
      for (int i = 1; i < sizes.size(); i++) {
        frames += sizes.get(i) * i;
      }
      long batches = batches();
      return batches == 0 ? 0 : (double) frames / batches;
    }

    /** Batch size (frames) at percentile {@code p} over the batches of the run; 0 when none ran. */
    public int percentile(double p) {
      long batches = batches();
      if (batches == 0) {
        return 0;
      }
      long rank = Math.max(1, (long) Math.ceil(p / 100.0 * batches));
      long seen = 0;
      for (int i = 1; i < sizes.size(); i++) {
        seen += sizes.get(i);
        if (seen >= rank) {
          return i;
        }
      }
      return sizes.size() - 1;
    }

    void writeTo(JsonLine json) {
      json.put("batch_mean", mean(), 2).put("batch_p50", percentile(50)).put("batch_p99", percentile(99))
          .put("batches", batches());
    }
  }

  /** How late the publisher fell behind its schedule at worst, the steady window and the whole run. */
  public record Timing(long maxPublishLatenessMs, double steadySeconds, double totalSeconds) {
    void writeTo(JsonLine json) {
      json.put("max_publish_lateness_ms", maxPublishLatenessMs).put("steady_s", steadySeconds, 1)
          .put("total_s", totalSeconds, 1);
    }
  }

  /**
   * The job's settings that shape the figures; {@code deadlineMs} is 0 without degrade mode and
   * {@code payload} says how segments travelled: {@code inline} or {@code file} (by reference).
   */
  public record Setup(
      int decodeThreads,
      int maxBatch,
      long maxWaitMs,
      String sampling,
      int maxFrames,
      long deadlineMs,
      String payload,
      /** Where the broker ran: {@code in-jvm}, {@code process} or {@code external}. */
      String broker) {
    void writeTo(JsonLine json) {
      json.put("decode_threads", decodeThreads).put("max_batch", maxBatch).put("max_wait_ms", maxWaitMs)
          .put("sampling", sampling).put("max_frames", maxFrames).put("deadline_ms", deadlineMs)
          .put("payload", payload);
    }
  }

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

    void writeTo(JsonLine json) {
      json.put("catchup_backlog", backlog).put("catchup_segments_per_s", segmentsPerSecond, 2)
          .put("catchup_frames_per_s", framesPerSecond, 2).put("catchup_ratio", ratio, 3)
          .putJson(
              "catchup_cpu_ms_per_segment",
              measured()
                  ? perSegmentJson(cpuSeconds, segmentsPerSecond * cpuSeconds.getOrDefault("wall", 0.0))
                  : "{}");
    }
  }

  public String toJson() {
    JsonLine json = new JsonLine();
    offered.writeTo(json);
    throughput.writeTo(json);
    latency.writeTo(json);
    ceiling.writeTo(json);
    checks.writeTo(json);
    memory.writeTo(json);
    queues.writeTo(json);
    batching.writeTo(json);
    timing.writeTo(json);
    setup.writeTo(json);
    json.putJson("cpu", cpuJson())
        .putJson(
            "cpu_ms_per_segment",
            perSegmentJson(cpuSeconds, throughput.segmentsPerSecond() * timing.steadySeconds()));
    catchup.writeTo(json);
    double jobMs = jobCpuMsPerSegment();
    json.put("broker", setup.broker())
        .put("job_cpu_ms_per_segment", jobMs, 3)
        .put("raw_cpu_ms_per_segment", ceiling.rawCpuMsPerSegment(), 3)
        .put("ratio_job_cpu", ratioJobCpu(), 3);
    return json.toString();
  }

  /**
   * The job's own CPU per segment in the steady window: decoding, inference, Flink's tasks and
   * runtime, JIT and GC; not the broker, not the bench's load generator and meter.
   */
  public double jobCpuMsPerSegment() {
    double segments = throughput.segmentsPerSecond() * timing.steadySeconds();
    return segments <= 0 ? 0 : 1000 * CpuBreakdown.jobSeconds(cpuSeconds) / segments;
  }

  /**
   * Raw decoding plus raw inference per segment over the job's own CPU per segment: 1 when the job
   * spends nothing beyond what decoding and inference alone cost; 0 without figures.
   */
  public double ratioJobCpu() {
    double job = jobCpuMsPerSegment();
    return job <= 0 ? 0 : ceiling.rawCpuMsPerSegment() / job;
  }

  /** CPU share per thread group over the steady window, and the cores busy on average. */
  String cpuJson() {
    double total = cpuSeconds.getOrDefault("total", 0.0);
    double wall = cpuSeconds.getOrDefault("wall", 0.0);
    JsonLine json = new JsonLine();
    for (String g : CpuBreakdown.GROUPS) {
      json.put(g, total <= 0 ? 0 : cpuSeconds.getOrDefault(g, 0.0) / total, 3);
    }
    return json.put("cores_busy", wall <= 0 ? 0 : total / wall, 2).toString();
  }

  /** CPU milliseconds per segment by thread group, and in all. */
  static String perSegmentJson(Map<String, Double> cpu, double segments) {
    JsonLine json = new JsonLine();
    CpuBreakdown.msPerSegment(cpu, segments).forEach((group, ms) -> json.put(group, ms, 3));
    return json.toString();
  }

  /** The human-readable summary printed before the JSON line. */
  public List<String> summary() {
    List<String> lines = new ArrayList<>();
    lines.add(
        format(
            "result  : %d streams, %.1f segments/s offered; sustained %.1f segments/s, %.1f frames/s (%.2f frames/segment)",
            offered.streams(), offered.offeredPerSecond(), throughput.segmentsPerSecond(),
            throughput.framesPerSecond(), throughput.framesPerSegment()));
    lines.add(
        format(
            "latency : publish-to-verdict p50 %d ms, p95 %d ms, p99 %d ms, max %d ms",
            latency.p50Ms(), latency.p95Ms(), latency.p99Ms(), latency.maxMs()));
    lines.add(
        format(
            "ceiling : raw decode %.1f frames/s (%.1f segments/s), raw inference %.1f frames/s; ratio %.3f"
                + " (per CPU-second: %.3f)",
            ceiling.rawDecodeFps(), ceiling.rawDecodeSegmentsPerSecond(), ceiling.rawInferFps(), ceiling.ratio(),
            ceiling.ratioCpu()));
    lines.add(
        format(
            "job cpu : %.2f CPU-ms per segment of the job's own (decode, inference, Flink, JIT, GC; broker %s,"
                + " not counted), raw decode + inference %.2f; ratio %.3f",
            jobCpuMsPerSegment(), setup.broker(), ceiling.rawCpuMsPerSegment(), ratioJobCpu()));
    if (catchup.measured()) {
      lines.add(
          format(
              "catch-up: %.1f segments/s, %.1f frames/s working off a backlog of %d without the publisher;"
                  + " ratio %.3f",
              catchup.segmentsPerSecond(), catchup.framesPerSecond(), catchup.backlog(), catchup.ratio()));
    }
    lines.add(
        format(
            "batches : %d, mean %.1f frames, p50 %d, p99 %d (max batch %d, max wait %d ms)",
            batching.batches(), batching.mean(), batching.percentile(50), batching.percentile(99),
            setup.maxBatch(), setup.maxWaitMs()));
    lines.add(
        format(
            "memory  : live heap %.0f MiB before the load, %.0f max, %.0f after the drain"
                + " (heap used max %.0f); RSS %.0f -> %.0f MiB (max %.0f); lag max %d, backlog max %d,"
                + " batcher queue max %d frames",
            memory.heapLiveStartMb(), memory.heapLiveMaxMb(), memory.heapLiveAfterDrainMb(), memory.heapUsedMaxMb(),
            memory.rssStartMb(), memory.rssEndMb(), memory.rssMaxMb(), queues.lagMax(), queues.backlogMax(),
            queues.batcherQueueMaxFrames()));
    lines.add(
        format(
            "checks  : %d produced, %d with a verdict, %d lost, %d duplicated, %d unexpected decisions,"
                + " %d ERROR, %d degraded (p99 %d ms)",
            offered.produced(), throughput.verdicts(), checks.lost(), checks.duplicates(),
            checks.unexpectedDecisions(), checks.errors(), checks.degraded(), checks.degradedP99Ms()));
    return lines;
  }

  private static final CsvColumns<BenchResult> CSV =
      new CsvColumns<BenchResult>()
          .add("streams", "%d", r -> r.offered.streams())
          .add("period_ms", "%d", r -> r.offered.periodMs())
          .add("offered_per_s", "%.2f", r -> r.offered.offeredPerSecond())
          .add("segments_per_s", "%.2f", r -> r.throughput.segmentsPerSecond())
          .add("frames_per_s", "%.2f", r -> r.throughput.framesPerSecond())
          .add("p50_ms", "%d", r -> r.latency.p50Ms())
          .add("p95_ms", "%d", r -> r.latency.p95Ms())
          .add("p99_ms", "%d", r -> r.latency.p99Ms())
          .add("raw_decode_fps", "%.2f", r -> r.ceiling.rawDecodeFps())
          .add("raw_infer_fps", "%.2f", r -> r.ceiling.rawInferFps())
          .add("ratio", "%.3f", r -> r.ceiling.ratio())
          .add("lost", "%d", r -> r.checks.lost())
          .add("degraded", "%d", r -> r.checks.degraded())
          .add("heap_live_max_mb", "%.1f", r -> r.memory.heapLiveMaxMb())
          .add("rss_max_mb", "%.1f", r -> r.memory.rssMaxMb())
          .add("lag_max", "%d", r -> r.queues.lagMax());

  static String csvHeader() {
    return CSV.header();
  }

  String csvRow() {
    return CSV.row(this);
  }

  private static String format(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
