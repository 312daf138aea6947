package dev.streammod.cli.bench;

import dev.streammod.connectors.avro.Decision;
import dev.streammod.models.batching.DynamicBatcher;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * The load against a running job, measured: one first segment to warm the pipeline, then the load
 * for the run's duration (rates and latencies from the end of warm-up), then the drain, with the
 * catch-up measured when a large backlog is left, and a pause for duplicates. Samples a row of the
 * time series every second, prints progress every report interval and returns the figures. Runs
 * on one thread, the one that polls the meter.
 */
final class LoadRun {
  private static final long SECOND = 1_000_000_000L;

  /** Verdicts, frames and time at one instant of the run. */
  private record Mark(long verdicts, long frames, long nanos) {}

  /** The live heap after a forced full GC, {@code seconds} into the load. */
  private record LiveHeap(double seconds, double mb) {}

  private final BenchOptions options;
  private final RawCeiling raw;
  private final DynamicBatcher batcher;
  private final LoadGenerator load;
  private final VerdictMeter meter;
  private final ResourceSampler sampler;
  private final PrintStream out;
  private final long[] batchesBefore;
  private final CpuBreakdown cpu;
  private final List<Sample> samples = new ArrayList<>();
  private final List<LiveHeap> live = new ArrayList<>();

  private long start;
  private boolean producing = true;
  private long nextSample;
  private long nextPrint;
  private long nextGc = Long.MAX_VALUE;
  private long drainDeadline = Long.MAX_VALUE;
  private Mark steadyStart;
  private Mark steadyEnd;
  private Map<String, Double> steadyCpu = Map.of();
  private Mark catchupStart; // null unless a catch-up is being measured
  private long catchupBacklog;
  private BenchResult.Catchup catchup = BenchResult.Catchup.NONE;
  private long printedVerdicts;
  private long printedNanos;

  LoadRun(
      BenchOptions options,
      RawCeiling raw,
      DynamicBatcher batcher,
      LoadGenerator load,
      VerdictMeter meter,
      ResourceSampler sampler,
      DoubleSupplier brokerProcessCpu,
      PrintStream out) {
    this.cpu = new CpuBreakdown(brokerProcessCpu);
    this.options = options;
    this.raw = raw;
    this.batcher = batcher;
    this.load = load;
    this.meter = meter;
    this.sampler = sampler;
    this.out = out;
    this.batchesBefore = batcher.batchSizeHistogram();
  }

  BenchResult measure(BenchResult.Setup setup) throws InterruptedException {
    out.println(Sample.PROGRESS_HEADER);
    awaitFirstVerdict();
    startLoad();
    while (!tick()) {
      // each tick polls the meter for up to 50 ms
    }
    long drainedNanos = settle();
    return collect(setup, drainedNanos);
  }

  /**
   * Publishes one segment and waits for its verdict: the job is then consuming, FFmpeg and ONNX
   * Runtime are loaded and a checkpoint has committed, so the load starts on a warm pipeline.
   */
  private void awaitFirstVerdict() {
    long t0 = System.nanoTime();
    load.publish(0);
    long deadline = t0 + TimeUnit.SECONDS.toNanos(120);
    while (meter.distinct() == 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no verdict for a first segment within 120 s: is the job running?");
      }
      meter.poll(Duration.ofMillis(100));
    }
    out.printf("warm    : first verdict %d ms after its segment; starting the load%n", (System.nanoTime() - t0) / 1_000_000);
  }

  private void startLoad() {
    // The live set before the load; later full GCs only after the drain (or with --gc-every),
    // since a full GC's pause would show up in the latencies being measured.
    live.add(new LiveHeap(0, liveHeapMb()));
    start = System.nanoTime();
    meter.steadyFrom(System.currentTimeMillis() + options.load().warmup().toMillis());
    load.start();
    nextSample = start + SECOND;
    nextPrint = start + options.measurement().reportEvery().toNanos();
    printedNanos = start;
  }

  /** One turn of the measuring loop; true once producing has stopped and the drain is over. */
  private boolean tick() {
    meter.poll(Duration.ofMillis(50));
    long now = System.nanoTime();
    long elapsed = now - start;
    if (steadyStart == null && elapsed >= options.load().warmup().toNanos()) {
      endWarmup(now);
    }
    if (producing && elapsed >= options.load().duration().toNanos()) {
      stopProducing(now, elapsed);
    }
    if (catchupStart != null && meter.missing(load) * 20 <= catchupBacklog) {
      endCatchup(now);
    }
    double liveMb = now >= nextGc ? periodicGc(now, elapsed) : Double.NaN;
    if (now >= nextSample || !Double.isNaN(liveMb)) {
      if (now >= nextSample) {
        nextSample += SECOND;
      }
      samples.add(sample(elapsed, liveMb));
    }
    if (now >= nextPrint && !samples.isEmpty()) {
      printProgress(now);
    }
    return !producing && (meter.missing(load) == 0 || now >= drainDeadline);
  }

  private void endWarmup(long now) {
    steadyStart = mark(now);
    cpu.start();
    long gcEvery = options.measurement().gcEvery().toNanos();
    nextGc = gcEvery > 0 ? now + gcEvery : Long.MAX_VALUE;
  }

  private void stopProducing(long now, long elapsed) {
    load.stop();
    producing = false;
    steadyCpu = cpu.stop();
    steadyEnd = mark(now);
    drainDeadline = now + options.measurement().drainTimeout().toNanos();
    out.printf(
        Locale.ROOT,
        "stopped producing after %d segments (%.1f/s); draining%n",
        load.produced(),
        load.produced() / (elapsed / 1e9));
    printCpu(steadyCpu, steadyEnd.verdicts() - steadyStart.verdicts());
    long backlog = meter.missing(load);
    if (backlog >= BenchResult.Catchup.MIN_BACKLOG) {
      catchupStart = mark(now);
      catchupBacklog = backlog;
      cpu.start();
    }
  }

  /** The backlog is down to 5 % of what it was when producing stopped. */
  private void endCatchup(long now) {
    Map<String, Double> catchupCpu = cpu.stop();
    double seconds = (now - catchupStart.nanos()) / 1e9;
    long segments = meter.distinct() - catchupStart.verdicts();
    double fps = (meter.frames() - catchupStart.frames()) / seconds;
    catchup = new BenchResult.Catchup(catchupBacklog, segments / seconds, fps, raw.ratio(fps), catchupCpu);
    out.printf(
        Locale.ROOT,
        "catch-up: backlog of %d worked off at %.1f segments/s, %.1f frames/s (ratio %.3f to the raw"
            + " ceiling) without the publisher%n",
        catchupBacklog,
        catchup.segmentsPerSecond(),
        catchup.framesPerSecond(),
        catchup.ratio());
    printCpu(catchupCpu, segments);
    catchupStart = null;
  }

  private double periodicGc(long now, long elapsed) {
    nextGc = now + options.measurement().gcEvery().toNanos();
    double liveMb = liveHeapMb();
    live.add(new LiveHeap(elapsed / 1e9, liveMb));
    return liveMb;
  }

  private void printProgress(long now) {
    nextPrint += options.measurement().reportEvery().toNanos();
    Sample s = samples.get(samples.size() - 1);
    double rate = (s.verdicts() - printedVerdicts) / ((now - printedNanos) / 1e9);
    printedVerdicts = s.verdicts();
    printedNanos = now;
    out.println(s.progressLine(rate));
  }

  private void printCpu(Map<String, Double> seconds, long segments) {
    out.println("cpu     : " + CpuBreakdown.describe(seconds));
    out.println("cpu/seg : " + CpuBreakdown.describePerSegment(seconds, segments));
  }

  /**
   * Waits for duplicates, then takes the last live heap and sample; returns nanoseconds since the
   * load started.
   */
  private long settle() {
    // A duplicate, were there one, would be committed within two more checkpoints.
    long settle = System.nanoTime() + 2 * options.job().checkpointInterval().toNanos() + 500_000_000L;
    while (System.nanoTime() < settle) {
      meter.poll(Duration.ofMillis(100));
    }
    long drainedNanos = System.nanoTime() - start;
    double liveMb = liveHeapMb();
    live.add(new LiveHeap(drainedNanos / 1e9, liveMb));
    samples.add(sample(drainedNanos, liveMb));
    out.printf(
        Locale.ROOT,
        "heap    : live set after full GCs at %s%n",
        live.stream().map(l -> String.format(Locale.ROOT, "%.0fs %.0f MiB", l.seconds(), l.mb())).toList());
    return drainedNanos;
  }

  private Sample sample(long elapsed, double liveMb) {
    VerdictMeter.Window w = meter.takeWindow();
    LoadProfile profile = load.profile();
    String phase =
        !producing
            ? "drain"
            : profile.multiplier(load.elapsedNanos()) != 1.0
                ? "burst"
                : elapsed < options.load().warmup().toNanos() ? "warmup" : "steady";
    return new Sample(
        elapsed / 1e9,
        phase,
        producing ? profile.offeredRate(load.elapsedNanos()) : 0,
        load.produced(),
        meter.distinct(),
        load.produced() - meter.distinct(),
        sampler.lag(),
        ResourceSampler.heapUsed() / 1048576.0,
        ResourceSampler.heapAfterGc() / 1048576.0,
        liveMb,
        ResourceSampler.rss() / 1048576.0,
        batcher.queuedFrames(),
        w.count(),
        w.p50Ms(),
        w.p99Ms());
  }

  private BenchResult collect(BenchResult.Setup setup, long drainedNanos) {
    double windowSeconds = (steadyEnd.nanos() - steadyStart.nanos()) / 1e9;
    long frames = steadyEnd.frames() - steadyStart.frames();
    double framesPerSecond = frames / windowSeconds;
    double pipelineCpu = steadyCpu.getOrDefault("total", 0.0);
    double framesPerCpuSecond = pipelineCpu <= 0 ? 0 : frames / pipelineCpu;
    LoadProfile profile = load.profile();
    LatencyHistogram latency = meter.steady().count() > 0 ? meter.steady() : meter.all();
    return new BenchResult(
        new BenchResult.Offered(
            options.load().streams(), profile.period().toMillis(), profile.steadyRate(), load.produced()),
        new BenchResult.Throughput(
            meter.distinct(),
            (steadyEnd.verdicts() - steadyStart.verdicts()) / windowSeconds,
            framesPerSecond,
            meter.distinct() == 0 ? 0 : (double) meter.frames() / meter.distinct()),
        BenchResult.Latency.of(latency),
        raw.figures(framesPerSecond, framesPerCpuSecond),
        new BenchResult.Checks(
            meter.missing(load),
            meter.duplicates(),
            meter.unexpectedDecisions(),
            meter.degraded(),
            meter.degradedLatency().percentile(99),
            meter.decisions().getOrDefault(Decision.ERROR, 0L),
            meter.deadLetters()),
        BenchResult.Memory.of(samples, live.stream().map(LiveHeap::mb).toList()),
        BenchResult.Queues.of(samples),
        BenchResult.Batching.between(batchesBefore, batcher.batchSizeHistogram()),
        new BenchResult.Timing(load.maxLatenessMs(), windowSeconds, drainedNanos / 1e9),
        setup,
        steadyCpu,
        catchup,
        samples);
  }

  private Mark mark(long now) {
    return new Mark(meter.distinct(), meter.frames(), now);
  }

  private static double liveHeapMb() {
    return ResourceSampler.liveHeapAfterFullGc() / 1048576.0;
  }
}
