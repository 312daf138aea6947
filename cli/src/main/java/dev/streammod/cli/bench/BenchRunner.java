package dev.streammod.cli.bench;

import dev.streammod.connectors.embedded.EmbeddedKafka;
import dev.streammod.connectors.TopicAdmin;
import dev.streammod.connectors.TopicSpec;
import dev.streammod.connectors.avro.Decision;
import dev.streammod.decoders.SegmentDecoder;
import dev.streammod.models.ModelArtifact;
import dev.streammod.models.batching.DynamicBatcher;
import dev.streammod.models.batching.SharedBatchers;
import dev.streammod.models.testing.ColourStatsModel;
import dev.streammod.pipeline.config.JobSettings;
import dev.streammod.pipeline.config.SettingsLoader;
import dev.streammod.cli.demo.LocalFlink;
import dev.streammod.cli.demo.SegmentPool;
import dev.streammod.cli.demo.SyntheticStreams;
import dev.streammod.cli.demo.TemporaryFolders;
import dev.streammod.pipeline.moderation.ModerationComponents;
import dev.streammod.pipeline.job.ModerationJob;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * One benchmark run, all in this JVM: an in-JVM Kafka broker, the moderation job on a local
 * MiniCluster, the {@link LoadGenerator}, a {@link VerdictMeter} reading committed verdicts and a
 * {@link ResourceSampler}. Before the job starts, the same run measures the raw decode rate and the
 * raw inference rate on the same pooled segments, so the pipeline's rate can be given as a ratio of
 * the slower of the two.
 */
public final class BenchRunner {

  /** What one run does. */
  public record Options(
      int streams,
      Duration duration,
      Duration segment,
      Duration period,
      Duration ramp,
      double burstMultiplier,
      Duration burstStart,
      Duration burstLength,
      double overload,
      Duration warmup,
      int parallelism,
      int partitions,
      Duration checkpointInterval,
      Duration drainTimeout,
      Map<String, String> overrides,
      Path modelRepository,
      String model,
      int modelSize,
      Duration rawDuration,
      Duration reportEvery,
      int poolSize,
      int width,
      int height,
      double fps,
      Duration gcEvery,
      Path config,
      PayloadMode payload) {

    public Options {
      if (streams < 1) {
        throw new IllegalArgumentException("--streams must be >= 1, got " + streams);
      }
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("--duration must be > 0, got " + duration);
      }
      if (segment.toMillis() < 100) {
        throw new IllegalArgumentException("--segment must be at least 100 ms, got " + segment);
      }
      if (period != null && period.toMillis() < 1) {
        throw new IllegalArgumentException("--period must be at least 1 ms, got " + period);
      }
      if (overload < 0 || Double.isNaN(overload) || Double.isInfinite(overload)) {
        throw new IllegalArgumentException("--overload must be >= 0, got " + overload);
      }
      if (overload > 0 && period != null) {
        throw new IllegalArgumentException("--overload sets the period itself; drop --period");
      }
      if (warmup.isNegative() || warmup.compareTo(duration) >= 0) {
        throw new IllegalArgumentException(
            "--warmup must be >= 0 and shorter than --duration (" + duration + "), got " + warmup);
      }
      if (parallelism < 1 || partitions < 1) {
        throw new IllegalArgumentException(
            "--parallelism and --partitions must be >= 1, got " + parallelism + " and " + partitions);
      }
      if (modelSize < 8 || modelSize > 1024) {
        throw new IllegalArgumentException("--model-size must be in 8..1024, got " + modelSize);
      }
      if (poolSize < 2) {
        throw new IllegalArgumentException("--pool must be >= 2, got " + poolSize);
      }
      if (rawDuration.toMillis() < 200) {
        throw new IllegalArgumentException("--raw-duration must be >= 200 ms, got " + rawDuration);
      }
      overrides = overrides == null ? Map.of() : Map.copyOf(overrides);
      gcEvery = gcEvery == null ? Duration.ZERO : gcEvery;
      payload = payload == null ? PayloadMode.INLINE : payload;
    }

    public Options withStreams(int s) {
      return new Options(
          s, duration, segment, period, ramp, burstMultiplier, burstStart, burstLength, overload,
          warmup, parallelism, partitions, checkpointInterval, drainTimeout, overrides,
          modelRepository, model, modelSize, rawDuration, reportEvery, poolSize, width, height, fps,
          gcEvery, config, payload);
    }
  }

  /** One row of the time series, sampled every second. */
  public record Sample(
      double seconds,
      String phase,
      double offeredPerSecond,
      long produced,
      long verdicts,
      long backlog,
      long lag,
      double heapUsedMb,
      double heapAfterGcMb,
      double heapLiveMb,
      double rssMb,
      int batcherQueuedFrames,
      long windowVerdicts,
      long windowP50Ms,
      long windowP99Ms) {

    static String csvHeader() {
      return "seconds,phase,offered_per_s,produced,verdicts,backlog,lag,heap_used_mb,"
          + "heap_after_gc_mb,heap_live_mb,rss_mb,batcher_queued_frames,window_verdicts,"
          + "window_p50_ms,window_p99_ms";
    }

    String csvRow() {
      return String.format(
          Locale.ROOT,
          "%.1f,%s,%.1f,%d,%d,%d,%d,%.1f,%.1f,%s,%.1f,%d,%d,%d,%d",
          seconds, phase, offeredPerSecond, produced, verdicts, backlog, lag, heapUsedMb,
          heapAfterGcMb, Double.isNaN(heapLiveMb) ? "" : String.format(Locale.ROOT, "%.1f", heapLiveMb),
          rssMb, batcherQueuedFrames, windowVerdicts, windowP50Ms, windowP99Ms);
    }
  }

  private final Options options;
  private final PrintStream out;

  public BenchRunner(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public BenchResult run() throws Exception {
    Path work = Files.createTempDirectory("streammod-bench");
    try {
      return run(work);
    } finally {
      TemporaryFolders.deleteQuietly(work);
    }
  }

  private BenchResult run(Path work) throws Exception {
    Options o = options;
    SyntheticStreams.Shape shape = new SyntheticStreams.Shape(o.width(), o.height(), o.fps(), o.segment());
    long t0 = System.nanoTime();
    SegmentPool pool = new SegmentPool(shape, o.poolSize());
    out.printf(
        Locale.ROOT,
        "pool    : %d pooled %dx%d %.0f fps H.264 MPEG-TS segments of %d ms (%d KiB each), encoded in %d ms%n",
        o.poolSize() + 2 * Math.max(1, o.poolSize() / 2),
        o.width(),
        o.height(),
        o.fps(),
        o.segment().toMillis(),
        pool.averageBytes() / 1024,
        (System.nanoTime() - t0) / 1_000_000);

    if (o.payload() == PayloadMode.FILE) {
      Path dir = pool.writeTo(work.resolve("segments"));
      out.printf("payload : by reference, file: URIs into %s, fetched by the job%n", dir);
    }
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Path repository = o.modelRepository();
      Map<String, String> overrides = new LinkedHashMap<>();
      if (o.payload() == PayloadMode.FILE) {
        overrides.put("fetch.allowed-schemes", "file");
        overrides.put("fetch.allowed-path-prefixes", work.resolve("segments").toString());
      }
      overrides.put("kafka.bootstrap-servers", kafka.bootstrapServers());
      overrides.put("kafka.starting-offsets", "earliest");
      overrides.put("kafka.group-id", "streammod-bench");
      if (repository == null) {
        repository = work.resolve("models");
        ColourStatsModel.write(repository, o.modelSize(), o.modelSize());
        overrides.put("model.name", ColourStatsModel.NAME);
      } else {
        overrides.put("model.name", o.model());
      }
      overrides.put("model.repository", repository.toString());
      overrides.put("model.device", "cpu");
      overrides.put("job.parallelism", String.valueOf(o.parallelism()));
      overrides.put("job.checkpoint-interval-ms", String.valueOf(o.checkpointInterval().toMillis()));
      overrides.putAll(o.overrides());
      JobSettings settings = SettingsLoader.load(o.config(), overrides);

      ModelArtifact artifact = ModerationComponents.artifact(settings.model());
      // Taken before the job opens it, with the job's own options: the job then shares this
      // batcher, so its statistics can be read here.
      try (SharedBatchers.Lease lease =
          SharedBatchers.acquire(
              artifact,
              ModerationComponents.engineOptions(settings.model()),
              settings.batching().toBatcherSettings())) {
        return measure(o, settings, kafka, pool, lease);
      }
    }
  }

  private BenchResult measure(
      Options o, JobSettings settings, EmbeddedKafka kafka, SegmentPool pool, SharedBatchers.Lease lease)
      throws Exception {
    SegmentDecoder decoder =
        new SegmentDecoder(ModerationComponents.decoderSettings(settings.decoder(), lease.config()));
    int decodeThreads = o.parallelism() * settings.decoder().threads();
    int maxBatch = settings.batching().maxBatchSize();
    out.printf(
        Locale.ROOT,
        "model   : %s %dx%d on %s; decoder %s, max %d frames, %d threads (%d slots x %d)%n",
        lease.config().name(),
        lease.config().width(),
        lease.config().height(),
        lease.deviceDescription(),
        settings.decoder().sampling(),
        settings.decoder().maxFrames(),
        decodeThreads,
        o.parallelism(),
        settings.decoder().threads());
    RawRates.Rate rawDecode =
        RawRates.decode(decoder, pool.decodable(), "mpegts", decodeThreads, o.rawDuration());
    byte[] frames = RawRates.sampleFrames(decoder, pool.decodable(), "mpegts", maxBatch);
    RawRates.Rate rawInfer = RawRates.infer(lease.engine(), frames, maxBatch, o.rawDuration());
    double framesPerSegment = rawDecode.items() == 0 ? 1 : (double) rawDecode.frames() / rawDecode.items();
    double capacity =
        Math.min(rawDecode.itemsPerSecond(), rawInfer.framesPerSecond() / Math.max(framesPerSegment, 1e-9));
    out.printf(
        Locale.ROOT,
        "raw     : decode %.1f segments/s = %.1f frames/s (%d threads, %.0f frames/CPU-s); inference"
            + " %.1f frames/s at batch %d (%.0f frames/CPU-s); ceiling %.1f segments/s%n",
        rawDecode.itemsPerSecond(),
        rawDecode.framesPerSecond(),
        decodeThreads,
        rawDecode.framesPerCpuSecond(),
        rawInfer.framesPerSecond(),
        maxBatch,
        rawInfer.framesPerCpuSecond(),
        capacity);

    Duration period = o.period() == null ? o.segment() : o.period();
    if (o.overload() > 0) {
      period = Duration.ofNanos(Math.max(1_000_000L, Math.round(o.streams() / (o.overload() * capacity) * 1e9)));
    }
    LoadProfile profile =
        new LoadProfile(
            o.streams(), period, o.ramp(), o.burstMultiplier(), o.burstStart(), o.burstLength());
    TopicAdmin.ensureTopics(
        kafka.bootstrapServers(),
        List.of(
            TopicSpec.segmentsTopic(settings.kafka().segmentsTopic(), o.partitions()),
            TopicSpec.verdictsTopic(settings.kafka().verdictsTopic(), o.partitions()),
            TopicSpec.deadLettersTopic(settings.kafka().deadLetterTopic(), 1)));

    StreamExecutionEnvironment env = LocalFlink.environment(o.parallelism());
    ModerationJob.build(env, settings);
    JobClient job = env.executeAsync(ModerationJob.NAME);
    try {
      awaitRunning(job);
      out.printf(
          Locale.ROOT,
          "load    : %d streams, one segment each per %d ms = %.1f segments/s offered (%.2fx the raw"
              + " ceiling)%s%s, for %s; checkpoints every %d ms%n",
          o.streams(),
          period.toMillis(),
          profile.steadyRate(),
          profile.steadyRate() / capacity,
          o.ramp().isZero() ? "" : ", ramp " + o.ramp(),
          o.burstLength().isZero()
              ? ""
              : String.format(Locale.ROOT, ", burst x%.1f from %s for %s", o.burstMultiplier(), o.burstStart(), o.burstLength()),
          o.duration(),
          o.checkpointInterval().toMillis());
      return drive(o, settings, kafka, pool, lease, profile, rawDecode, rawInfer, decodeThreads, maxBatch, framesPerSegment);
    } finally {
      try {
        job.cancel().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        out.println("warning : could not cancel the job: " + e);
      }
    }
  }

  private static void awaitRunning(JobClient job) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (job.getJobStatus().get() != JobStatus.RUNNING) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("job did not reach RUNNING in 60 s: " + job.getJobStatus().get());
      }
      Thread.sleep(100);
    }
    Thread.sleep(1000); // tasks deploy after the job status turns RUNNING
  }

  private BenchResult drive(
      Options o,
      JobSettings settings,
      EmbeddedKafka kafka,
      SegmentPool pool,
      SharedBatchers.Lease lease,
      LoadProfile profile,
      RawRates.Rate rawDecode,
      RawRates.Rate rawInfer,
      int decodeThreads,
      int maxBatch,
      double framesPerSegment)
      throws Exception {
    DynamicBatcher batcher = lease.batcher();
    long[] batchesBefore = batcher.batchSizeHistogram();
    List<Sample> samples = new ArrayList<>();
    try (LoadGenerator load =
            new LoadGenerator(
                kafka.bootstrapServers(), settings.kafka().segmentsTopic(), profile, pool, o.payload());
        VerdictMeter meter =
            new VerdictMeter(
                kafka.bootstrapServers(),
                settings.kafka().verdictsTopic(),
                settings.kafka().deadLetterTopic(),
                o.streams());
        ResourceSampler sampler =
            new ResourceSampler(kafka.bootstrapServers(), settings.kafka().segmentsTopic(), settings.kafka().groupId())) {
      out.println(
          "   time  phase   offered/s  produced  verdicts  backlog      lag  verdicts/s  p50 ms  p99 ms  heap MiB  rss MiB  batcher q");
      CpuBreakdown cpu = new CpuBreakdown();
      Map<String, Double> cpuSeconds = Map.of();
      awaitFirstVerdict(load, meter);
      // The live set before the load; later full GCs only after the drain (or with --gc-every),
      // since a full GC's pause would show up in the latencies being measured.
      List<double[]> live = new ArrayList<>(); // {seconds, MiB} after forced full GCs
      live.add(new double[] {0, ResourceSampler.liveHeapAfterFullGc() / 1048576.0});
      long start = System.nanoTime();
      meter.steadyFrom(System.currentTimeMillis() + o.warmup().toMillis());
      load.start();
      long produceNanos = o.duration().toNanos();
      long warmupNanos = o.warmup().toNanos();
      long gcEvery = o.gcEvery().toNanos();
      long nextSample = start + 1_000_000_000L;
      long nextPrint = start + o.reportEvery().toNanos();
      long nextGc = Long.MAX_VALUE;
      long[] steadyStart = null; // verdicts, frames, nanos at the end of warm-up
      long[] steadyEnd = null; // ... when producing stopped
      boolean producing = true;
      boolean gcNow = false;
      long drainDeadline = Long.MAX_VALUE;
      long[] catchupStart = null; // verdicts, frames, nanos, backlog when producing stopped
      BenchResult.Catchup catchup = BenchResult.Catchup.NONE;
      long lastVerdicts = 0;
      long lastPrintNanos = start;
      while (true) {
        meter.poll(Duration.ofMillis(50));
        long now = System.nanoTime();
        long elapsed = now - start;
        if (steadyStart == null && elapsed >= warmupNanos) {
          steadyStart = new long[] {meter.distinct(), meter.frames(), now};
          cpu.start();
          nextGc = gcEvery > 0 ? now + gcEvery : Long.MAX_VALUE;
        }
        if (producing && elapsed >= produceNanos) {
          load.stop();
          producing = false;
          cpuSeconds = cpu.stop();
          steadyEnd = new long[] {meter.distinct(), meter.frames(), now};
          drainDeadline = now + o.drainTimeout().toNanos();
          out.printf(
              Locale.ROOT,
              "stopped producing after %d segments (%.1f/s); draining%n",
              load.produced(),
              load.produced() / (elapsed / 1e9));
          out.println("cpu     : " + CpuBreakdown.describe(cpuSeconds));
          out.println("cpu/seg : " + CpuBreakdown.describePerSegment(cpuSeconds, steadyEnd[0] - steadyStart[0]));
          long backlog = meter.missing(load);
          if (backlog >= BenchResult.Catchup.MIN_BACKLOG) {
            catchupStart = new long[] {meter.distinct(), meter.frames(), now, backlog};
            cpu.start();
          }
        }
        if (catchupStart != null && meter.missing(load) * 20 <= catchupStart[3]) {
          Map<String, Double> catchupCpu = cpu.stop();
          double seconds = (now - catchupStart[2]) / 1e9;
          long segments = meter.distinct() - catchupStart[0];
          double fps = (meter.frames() - catchupStart[1]) / seconds;
          double rawMin = Math.min(rawDecode.framesPerSecond(), rawInfer.framesPerSecond());
          catchup =
              new BenchResult.Catchup(
                  catchupStart[3], segments / seconds, fps, rawMin <= 0 ? 0 : fps / rawMin, catchupCpu);
          out.printf(
              Locale.ROOT,
              "catch-up: backlog of %d worked off at %.1f segments/s, %.1f frames/s (ratio %.3f to the raw"
                  + " ceiling) without the publisher%n",
              catchupStart[3],
              catchup.segmentsPerSecond(),
              catchup.framesPerSecond(),
              catchup.ratio());
          out.println("cpu     : " + CpuBreakdown.describe(catchupCpu));
          out.println("cpu/seg : " + CpuBreakdown.describePerSegment(catchupCpu, segments));
          catchupStart = null;
        }
        if (now >= nextGc) {
          gcNow = true;
          nextGc = now + gcEvery;
        }
        double liveMb = Double.NaN;
        if (gcNow) {
          gcNow = false;
          liveMb = ResourceSampler.liveHeapAfterFullGc() / 1048576.0;
          live.add(new double[] {elapsed / 1e9, liveMb});
        }
        if (now >= nextSample || !Double.isNaN(liveMb)) {
          if (now >= nextSample) {
            nextSample += 1_000_000_000L;
          }
          samples.add(sample(elapsed, producing, warmupNanos, profile, load, meter, sampler, batcher, liveMb));
        }
        if (now >= nextPrint && !samples.isEmpty()) {
          nextPrint += o.reportEvery().toNanos();
          Sample s = samples.get(samples.size() - 1);
          double rate = (s.verdicts() - lastVerdicts) / ((now - lastPrintNanos) / 1e9);
          lastVerdicts = s.verdicts();
          lastPrintNanos = now;
          out.printf(
              Locale.ROOT,
              "%6.0fs  %-6s  %9.1f  %8d  %8d  %7d  %7d  %10.1f  %6d  %6d  %8.0f  %7.0f  %9d%n",
              s.seconds(),
              s.phase(),
              s.offeredPerSecond(),
              s.produced(),
              s.verdicts(),
              s.backlog(),
              s.lag(),
              rate,
              s.windowP50Ms(),
              s.windowP99Ms(),
              s.heapUsedMb(),
              s.rssMb(),
              s.batcherQueuedFrames());
        }
        if (!producing && (meter.missing(load) == 0 || now >= drainDeadline)) {
          break;
        }
      }
      // A duplicate, were there one, would be committed within two more checkpoints.
      long settle = System.nanoTime() + 2 * o.checkpointInterval().toNanos() + 500_000_000L;
      while (System.nanoTime() < settle) {
        meter.poll(Duration.ofMillis(100));
      }
      long drainedNanos = System.nanoTime() - start;
      double liveMb = ResourceSampler.liveHeapAfterFullGc() / 1048576.0;
      live.add(new double[] {drainedNanos / 1e9, liveMb});
      samples.add(sample(drainedNanos, false, warmupNanos, profile, load, meter, sampler, batcher, liveMb));
      out.printf(
          Locale.ROOT,
          "heap    : live set after full GCs at %s%n",
          live.stream()
              .map(l -> String.format(Locale.ROOT, "%.0fs %.0f MiB", l[0], l[1]))
              .toList());
      long[] batchesAfter = batcher.batchSizeHistogram();
      return result(
          o, settings, profile, load, meter, samples, live, cpuSeconds, catchup, steadyStart, steadyEnd,
          drainedNanos, rawDecode, rawInfer, decodeThreads, maxBatch, framesPerSegment, batchesBefore,
          batchesAfter);
    }
  }

  /**
   * Publishes one segment and waits for its verdict: the job is then consuming, FFmpeg and ONNX
   * Runtime are loaded and a checkpoint has committed, so the load starts on a warm pipeline.
   */
  /**
   * Raw inference alone at each batch size, on frames sampled from the pooled segments with the
   * job's settings (no broker, no job): frames/s, ms per batch and a JSON line per size.
   */
  public static List<String> inferenceByBatch(Options o, List<Integer> batchSizes) throws Exception {
    Path work = Files.createTempDirectory("streammod-bench");
    try {
      Map<String, String> overrides = new LinkedHashMap<>();
      Path repository = o.modelRepository();
      if (repository == null) {
        repository = work.resolve("models");
        ColourStatsModel.write(repository, o.modelSize(), o.modelSize());
        overrides.put("model.name", ColourStatsModel.NAME);
      } else {
        overrides.put("model.name", o.model());
      }
      overrides.put("model.repository", repository.toString());
      overrides.put("model.device", "cpu");
      overrides.putAll(o.overrides());
      JobSettings settings = SettingsLoader.load(o.config(), overrides);
      SegmentPool pool =
          new SegmentPool(new SyntheticStreams.Shape(o.width(), o.height(), o.fps(), o.segment()), 2);
      List<String> lines = new ArrayList<>();
      try (var engine =
          dev.streammod.models.InferenceEngine.open(
              ModerationComponents.artifact(settings.model()),
              ModerationComponents.engineOptions(settings.model()))) {
        SegmentDecoder decoder =
            new SegmentDecoder(ModerationComponents.decoderSettings(settings.decoder(), engine.config()));
        int largest = batchSizes.stream().mapToInt(Integer::intValue).max().orElse(1);
        byte[] frames = RawRates.sampleFrames(decoder, pool.decodable(), "mpegts", largest);
        for (int b : batchSizes) {
          RawRates.Rate r = RawRates.infer(engine, frames, b, o.rawDuration());
          lines.add(
              String.format(
                  Locale.ROOT,
                  "{\"model\":\"%s\",\"size\":%d,\"batch\":%d,\"frames_per_s\":%.1f,\"ms_per_batch\":%.3f}",
                  engine.config().name(),
                  engine.config().width(),
                  b,
                  r.framesPerSecond(),
                  r.items() == 0 ? 0 : r.seconds() * 1000 / r.items()));
        }
      }
      return lines;
    } finally {
      TemporaryFolders.deleteQuietly(work);
    }
  }

  private void awaitFirstVerdict(LoadGenerator load, VerdictMeter meter) {
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

  private static Sample sample(
      long elapsed,
      boolean producing,
      long warmupNanos,
      LoadProfile profile,
      LoadGenerator load,
      VerdictMeter meter,
      ResourceSampler sampler,
      DynamicBatcher batcher,
      double liveMb) {
    VerdictMeter.Window w = meter.takeWindow();
    String phase =
        !producing
            ? "drain"
            : profile.multiplier(load.elapsedNanos()) != 1.0
                ? "burst"
                : elapsed < warmupNanos ? "warmup" : "steady";
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

  private static BenchResult result(
      Options o,
      JobSettings settings,
      LoadProfile profile,
      LoadGenerator load,
      VerdictMeter meter,
      List<Sample> samples,
      List<double[]> live,
      Map<String, Double> cpuSeconds,
      BenchResult.Catchup catchup,
      long[] steadyStart,
      long[] steadyEnd,
      long drainedNanos,
      RawRates.Rate rawDecode,
      RawRates.Rate rawInfer,
      int decodeThreads,
      int maxBatch,
      double framesPerSegment,
      long[] batchesBefore,
      long[] batchesAfter) {
    double windowSeconds = (steadyEnd[2] - steadyStart[2]) / 1e9;
    double segmentsPerSecond = (steadyEnd[0] - steadyStart[0]) / windowSeconds;
    double framesPerSecond = (steadyEnd[1] - steadyStart[1]) / windowSeconds;
    double rawMin = Math.min(rawDecode.framesPerSecond(), rawInfer.framesPerSecond());
    double rawMinPerCpu = Math.min(rawDecode.framesPerCpuSecond(), rawInfer.framesPerCpuSecond());
    double pipelineCpu = cpuSeconds.getOrDefault("total", 0.0);
    double pipelinePerCpu = pipelineCpu <= 0 ? 0 : (steadyEnd[1] - steadyStart[1]) / pipelineCpu;
    long batches = 0;
    long batchedFrames = 0;
    long[] batchSizes = new long[batchesAfter.length];
    for (int i = 1; i < batchesAfter.length; i++) {
      batchSizes[i] = batchesAfter[i] - batchesBefore[i];
      batches += batchSizes[i];
      batchedFrames += batchSizes[i] * i;
    }
    List<Sample> afterWarmup =
        samples.stream().filter(s -> !s.phase().equals("warmup")).toList();
    List<Sample> measured = afterWarmup.isEmpty() ? samples : afterWarmup;
    LatencyHistogram latency = meter.steady().count() > 0 ? meter.steady() : meter.all();
    return new BenchResult(
        o.streams(),
        profile.period().toMillis(),
        profile.steadyRate(),
        load.produced(),
        meter.distinct(),
        segmentsPerSecond,
        framesPerSecond,
        meter.distinct() == 0 ? 0 : (double) meter.frames() / meter.distinct(),
        latency.percentile(50),
        latency.percentile(95),
        latency.percentile(99),
        latency.max(),
        rawDecode.framesPerSecond(),
        rawDecode.itemsPerSecond(),
        rawInfer.framesPerSecond(),
        rawMin <= 0 ? 0 : framesPerSecond / rawMin,
        rawMinPerCpu <= 0 ? 0 : pipelinePerCpu / rawMinPerCpu,
        meter.missing(load),
        meter.duplicates(),
        meter.unexpectedDecisions(),
        meter.degraded(),
        meter.decisions().getOrDefault(Decision.ERROR, 0L),
        meter.deadLetters(),
        meter.degradedLatency().percentile(99),
        measured.stream().mapToDouble(Sample::heapUsedMb).max().orElse(0),
        live.get(0)[1],
        live.size() > 2 ? live.get(live.size() - 2)[1] : Double.NaN,
        live.get(live.size() - 1)[1],
        live.stream().mapToDouble(l -> l[1]).max().orElse(0),
        measured.get(0).rssMb(),
        measured.stream().mapToDouble(Sample::rssMb).max().orElse(0),
        measured.get(measured.size() - 1).rssMb(),
        samples.stream().mapToLong(Sample::lag).max().orElse(0),
        samples.stream().mapToLong(Sample::backlog).max().orElse(0),
        samples.stream().mapToInt(Sample::batcherQueuedFrames).max().orElse(0),
        batches == 0 ? 0 : (double) batchedFrames / batches,
        batches,
        batchSizes,
        load.maxLatenessMs(),
        windowSeconds,
        drainedNanos / 1e9,
        decodeThreads,
        maxBatch,
        settings.batching().maxWaitMs(),
        settings.decoder().sampling(),
        settings.decoder().maxFrames(),
        settings.decoder().degradeEnabled() ? settings.decoder().deadlineMs() : 0,
        o.payload().label(),
        framesPerSegment,
        cpuSeconds,
        catchup,
        samples);
  }
}
