package dev.streammod.cli.command;

import dev.streammod.connectors.KafkaReachability;
import dev.streammod.models.EngineOptions;
import dev.streammod.models.GraphOptimization;
import dev.streammod.models.ModelArtifact;
import dev.streammod.models.bench.BenchSettings;
import dev.streammod.models.bench.EngineBenchmark;
import dev.streammod.models.bench.EngineReport;
import dev.streammod.models.bench.TuningReport;
import dev.streammod.cli.bench.BenchOptions;
import dev.streammod.cli.bench.BenchResult;
import dev.streammod.cli.bench.BenchRunner;
import dev.streammod.cli.bench.PayloadMode;
import dev.streammod.cli.bench.SweepReport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The throughput benchmark: the full pipeline in one JVM against its own raw ceilings. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmark the pipeline under synthetic load, or the model alone.",
      "Runs the whole pipeline (in-JVM Kafka, Flink MiniCluster, FFmpeg, ONNX Runtime) under a"
          + " synthetic load of live streams and reports sustained segments/s and frames/s,"
          + " p50/p95/p99 publish-to-verdict latency, heap, RSS and consumer lag over time, and,"
          + " measured in the same run on the same segments, the raw decode and inference rates."
          + " The offered load is streams / period: to measure capacity, offer more (--overload 2"
          + " offers twice the raw ceiling). The last line printed is a JSON object; the exit"
          + " status is 1 when a segment got no verdict.",
      "With --engine-only: the model alone on this CPU, at each of --batches, through our engine"
          + " and batcher next to a bare ONNX Runtime session with the same options, in"
          + " interleaved slices; images/s, ms per batch, CPU ms per image, mean batch and the"
          + " ratios ours/bare."
    })
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--streams", defaultValue = "100", description = "Concurrent live streams (default ${DEFAULT-VALUE}).")
  int streams;

  @Option(names = "--sweep", split = ",", paramLabel = "S1,S2,...", description = "Run once per stream count (fresh broker and MiniCluster each) and write CSV + PNG to --out.")
  List<Integer> sweep;

  @Option(names = "--duration", defaultValue = "60s", description = "How long to publish (default ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--segment", defaultValue = "2s", description = "Media length of each segment (default ${DEFAULT-VALUE}).")
  Duration segment;

  @Option(names = "--period", description = "How often each stream publishes (default: the segment length).")
  Duration period;

  @Option(names = "--overload", defaultValue = "0", description = "Offer this multiple of the raw ceiling (min of raw decode and raw inference, measured first); sets the period. 0: off.")
  double overload;

  @Option(names = "--ramp", defaultValue = "0s", description = "Streams join linearly over this time (default ${DEFAULT-VALUE}).")
  Duration ramp;

  @Option(names = "--burst", defaultValue = "1", description = "Rate multiplier during the burst window (default ${DEFAULT-VALUE}: no burst).")
  double burst;

  @Option(names = "--burst-at", defaultValue = "0s", description = "Start of the burst window (default ${DEFAULT-VALUE}).")
  Duration burstAt;

  @Option(names = "--burst-for", defaultValue = "0s", description = "Length of the burst window (default ${DEFAULT-VALUE}).")
  Duration burstFor;

  @Option(names = "--warmup", description = "Left out of rates and latencies (default: a quarter of --duration, at most 10s).")
  Duration warmup;

  @Option(names = "--parallelism", defaultValue = "2", description = "Job parallelism (default ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the segment and verdict topics (default ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--checkpoint-interval", defaultValue = "250ms", description = "Checkpoint interval: verdicts become readable when a checkpoint commits (default ${DEFAULT-VALUE}).")
  Duration checkpointInterval;

  @Option(names = "--drain-timeout", defaultValue = "10m", description = "How long to wait for the last verdicts after publishing stops (default ${DEFAULT-VALUE}).")
  Duration drainTimeout;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML job configuration; the bench's own settings (broker, model, parallelism, checkpoints) and --set override it.")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a job configuration key, e.g. --set decoder.max-frames=1.")
  Map<String, String> set = new LinkedHashMap<>();

  @Option(names = "--model-repository", paramLabel = "DIR", description = "Model repository to take --model from (default: the bundled models).")
  Path modelRepository;

  @Option(names = "--model", description = "Model to run: a bundled one or one in --model-repository (default " + BenchOptions.DEFAULT_MODEL + "); " + BenchOptions.COLOUR_STATS + " is the test model the bench writes at --model-size, the one whose decisions the synthetic content determines.")
  String model;

  @Option(names = "--model-size", defaultValue = "64", description = "Input size of the " + BenchOptions.COLOUR_STATS + " model the bench writes (default ${DEFAULT-VALUE}).")
  int modelSize;

  @Option(names = "--raw-duration", defaultValue = "5s", description = "How long each raw rate is measured (default ${DEFAULT-VALUE}).")
  Duration rawDuration;

  @Option(names = "--report-every", defaultValue = "5s", description = "Progress line interval (default ${DEFAULT-VALUE}).")
  Duration reportEvery;

  @Option(names = "--pool", defaultValue = "8", description = "Distinct neutral segments in the pool (default ${DEFAULT-VALUE}).")
  int pool;

  @Option(names = "--size", defaultValue = "1280x720", description = "Video size WxH (default ${DEFAULT-VALUE}).")
  String size;

  @Option(names = "--fps", defaultValue = "30", description = "Video frame rate; also the GOP, one key frame a second (default ${DEFAULT-VALUE}).")
  double fps;

  @Option(names = "--gc-every", defaultValue = "0s", description = "Also force a full GC this often to sample the live heap; its pause shows in the latencies (default ${DEFAULT-VALUE}: only before the load and after the drain).")
  Duration gcEvery;

  @Option(names = "--infer-batches", split = ",", paramLabel = "B1,B2,...", description = "Only measure raw inference at these batch sizes (frames/s and ms per batch), then exit.")
  List<Integer> inferBatches;

  @Option(names = "--engine-only", description = "Measure the model alone: our engine and batcher against a bare ONNX Runtime session (no Kafka, Flink or FFmpeg).")
  boolean engineOnly;

  @Option(names = "--batches", split = ",", paramLabel = "B1,B2,...", defaultValue = "1,8,32,64", description = "With --engine-only: batch sizes (default ${DEFAULT-VALUE}).")
  List<Integer> batches;

  @Option(names = "--seconds", defaultValue = "2", description = "With --engine-only: seconds per path per round (default ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--iterations", defaultValue = "0", description = "With --engine-only: batches per path per round instead of --seconds (default ${DEFAULT-VALUE}: by time).")
  int iterations;

  @Option(names = "--engine-warmup", defaultValue = "500ms", description = "With --engine-only: unmeasured run of each path before its first slice, at least 2 batches (default ${DEFAULT-VALUE}).")
  Duration engineWarmup;

  @Option(names = "--rounds", defaultValue = "3", description = "With --engine-only: rounds; each runs every path once, in alternating order (default ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--threads", description = "With --engine-only: ONNX Runtime intra-op threads (default: the engine's, 1).")
  Integer threads;

  @Option(names = "--optimization", description = "With --engine-only: graph optimisation, one of ${COMPLETION-CANDIDATES} (default: the engine's, ALL).")
  GraphOptimization optimization;

  @Option(names = "--memory-arena", negatable = true, description = "With --engine-only: ONNX Runtime's CPU memory arena on or off (default: the engine's).")
  Boolean memoryArena;

  @Option(names = "--memory-pattern", negatable = true, description = "With --engine-only: ONNX Runtime's memory pattern on or off (default: the engine's).")
  Boolean memoryPattern;

  @Option(names = "--feeders", defaultValue = "2", description = "With --engine-only: threads submitting frames to the batcher (default ${DEFAULT-VALUE}).")
  int feeders;

  @Option(names = "--tune", description = "With --engine-only: compare bare sessions under variants of the session options (intra-op threads, graph optimisation, arena, memory pattern) instead.")
  boolean tune;

  @Option(names = "--payload", defaultValue = "inline", description = "How segments travel: inline (the bytes in the Kafka record) or file (a file: URI in the record; the job fetches the bytes, with fetch.allowed-schemes=file set for the pooled files) (default ${DEFAULT-VALUE}).")
  String payload;

  @Option(names = "--broker", defaultValue = "in-jvm", description = "Where the Kafka broker runs: in-jvm (in the bench's JVM, next to the job) or process (kafka.Kafka in a JVM of its own, so its CPU is counted apart from the job's) (default ${DEFAULT-VALUE}).")
  String broker;

  @Option(names = "--broker-cpus", paramLabel = "LIST", description = "With --broker process: pin the broker to these CPUs (a taskset list such as 2-3), on a machine with cores to spare.")
  String brokerCpus;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Use a broker you run instead of starting one; each run makes topics and a group of its own there.")
  String bootstrapServers;

  @Option(names = "--out", defaultValue = "target/bench", description = "Where CSV and PNG files go (default ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws Exception {
    System.setProperty("java.awt.headless", "true");
    if (engineOnly) {
      return engineOnly();
    }
    BenchOptions options = options();
    if (bootstrapServers != null) {
      // An external broker: one clear error when it does not answer, before anything starts.
      // With the job's Kafka security settings, which the bench's own clients use too.
      java.util.Map<String, String> client =
          dev.streammod.pipeline.config.SettingsLoader.load(options.job().config(), options.job().overrides())
              .kafka()
              .consumerProperties();
      KafkaReachability.check(bootstrapServers, client, Duration.ofSeconds(30), "the bench's 30 s start-up check");
    }
    if (inferBatches != null && !inferBatches.isEmpty()) {
      BenchRunner.inferenceByBatch(options, inferBatches).forEach(System.out::println);
      return 0;
    }
    List<Integer> counts = sweep == null || sweep.isEmpty() ? List.of(streams) : sweep;
    boolean sweeping = counts.size() > 1;
    List<BenchResult> results = new ArrayList<>();
    for (int s : counts) {
      results.add(runOnce(options.withStreams(s), sweeping));
    }
    if (sweeping) {
      printSweep(results);
    } else {
      System.out.println(results.get(0).toJson());
    }
    return results.stream().allMatch(r -> r.checks().lost() == 0) ? 0 : 1;
  }

  /** The options of the full benchmark, as given on the command line. */
  BenchOptions options() {
    int[] wh = parseSize(size);
    return BenchOptions.builder()
        .streams(streams)
        .duration(duration)
        .warmup(warmup)
        .period(period)
        .overload(overload)
        .ramp(ramp)
        .burst(burst, burstAt, burstFor)
        .segment(segment)
        .size(wh[0], wh[1])
        .fps(fps)
        .pool(pool)
        .payload(PayloadMode.parse(payload))
        .parallelism(parallelism)
        .partitions(partitions)
        .checkpointInterval(checkpointInterval)
        .config(config)
        .overrides(set)
        .modelRepository(modelRepository)
        .model(model)
        .modelSize(modelSize)
        .rawDuration(rawDuration)
        .reportEvery(reportEvery)
        .gcEvery(gcEvery)
        .drainTimeout(drainTimeout)
        .broker(
            bootstrapServers != null && "in-jvm".equalsIgnoreCase(broker)
                ? BenchOptions.BrokerMode.EXTERNAL
                : BenchOptions.BrokerMode.of(broker),
            bootstrapServers,
            brokerCpus)
        .build();
  }

  /** One run: its progress, its time series under --out, its summary and, in a sweep, its JSON. */
  private BenchResult runOnce(BenchOptions options, boolean sweeping) throws Exception {
    int s = options.load().streams();
    if (sweeping) {
      System.out.printf("%n=== %d streams ===%n", s);
    }
    BenchResult r = new BenchRunner(options, System.out).run();
    SweepReport.writeTimeSeries(r, out.resolve("timeseries-" + s + ".csv"));
    r.summary().forEach(System.out::println);
    if (sweeping) {
      System.out.println(r.toJson());
    }
    return r;
  }

  /** The sweep's CSV, chart and table, then one JSON line with every run's. */
  private void printSweep(List<BenchResult> results) throws IOException {
    SweepReport.writeCsv(results, out.resolve("sweep.csv"));
    long deadline = 1000;
    SweepReport.writeChart(results, deadline, out.resolve("sweep.png"));
    System.out.println();
    System.out.println("streams  offered/s  segments/s  frames/s  p50 ms  p95 ms  p99 ms  ratio  lost  degraded");
    int best = 0;
    for (BenchResult r : results) {
      BenchResult.Latency latency = r.latency();
      System.out.printf(
          Locale.ROOT,
          "%7d  %9.1f  %10.1f  %8.1f  %6d  %6d  %6d  %5.2f  %4d  %8d%n",
          r.offered().streams(), r.offered().offeredPerSecond(), r.throughput().segmentsPerSecond(),
          r.throughput().framesPerSecond(), latency.p50Ms(), latency.p95Ms(), latency.p99Ms(), r.ceiling().ratio(),
          r.checks().lost(), r.checks().degraded());
      if (latency.p99Ms() >= 0 && latency.p99Ms() < deadline && r.checks().lost() == 0 && r.offered().streams() > best) {
        best = r.offered().streams();
      }
    }
    System.out.printf("wrote %s and %s%n", out.resolve("sweep.csv"), out.resolve("sweep.png"));
    StringBuilder json = new StringBuilder("{\"max_streams_p99_under_1s\":").append(best).append(",\"sweep\":[");
    for (int i = 0; i < results.size(); i++) {
      json.append(i == 0 ? "" : ",").append(results.get(i).toJson());
    }
    System.out.println(json.append("]}"));
  }

  private int engineOnly() throws InterruptedException {
    if (sweep != null || inferBatches != null) {
      throw new IllegalArgumentException("--engine-only measures the model alone; it takes neither --sweep nor --infer-batches");
    }
    if (!(seconds > 0 && seconds <= 3600)) {
      throw new IllegalArgumentException("--seconds must be in (0, 3600], got " + seconds);
    }
    ModelArtifact artifact = ModelLocator.resolve(modelRepository, model != null ? model : ModelLocator.DEFAULT_MODEL, null);
    EngineOptions.Builder options = EngineOptions.defaults().toBuilder();
    if (threads != null) {
      options.intraOpThreads(threads);
    }
    if (optimization != null) {
      options.graphOptimization(optimization);
    }
    if (memoryArena != null) {
      options.cpuMemoryArena(memoryArena);
    }
    if (memoryPattern != null) {
      options.memoryPattern(memoryPattern);
    }
    BenchSettings settings =
        BenchSettings.builder()
            .batches(batches)
            .slice(Duration.ofNanos((long) (seconds * 1e9)))
            .iterations(iterations)
            .rounds(rounds)
            .warmup(engineWarmup)
            .feeders(feeders)
            .engineOptions(options.build())
            .build();
    byte[] frames = EngineBenchmark.syntheticFrames(artifact.config(), 16);
    if (tune) {
      TuningReport r =
          EngineBenchmark.compareSessionOptions(
              artifact, frames, settings, EngineBenchmark.tuningVariants(settings.engineOptions()), System.out::println);
      r.table().forEach(System.out::println);
      System.out.println(r.toJson());
    } else {
      EngineReport r = EngineBenchmark.run(artifact, frames, settings, System.out::println);
      r.table().forEach(System.out::println);
      System.out.println(r.toJson());
    }
    return 0;
  }

  static int[] parseSize(String s) {
    String[] p = s.toLowerCase(Locale.ROOT).split("x");
    try {
      if (p.length == 2) {
        int w = Integer.parseInt(p[0].trim());
        int h = Integer.parseInt(p[1].trim());
        if (w >= 16 && h >= 16 && w % 2 == 0 && h % 2 == 0) {
          return new int[] {w, h};
        }
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException("--size must be WxH with even W and H >= 16, got '" + s + "'");
  }
}
