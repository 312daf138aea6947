package dev.streammod.cli.bench;

import dev.streammod.cli.demo.LocalFlink;
import dev.streammod.cli.demo.SegmentPool;
import dev.streammod.cli.demo.TemporaryFolders;
import dev.streammod.connectors.TopicAdmin;
import dev.streammod.connectors.TopicSpec;
import dev.streammod.decoders.SegmentDecoder;
import dev.streammod.models.BundledRepository;
import dev.streammod.models.InferenceEngine;
import dev.streammod.models.ModelArtifact;
import dev.streammod.models.batching.SharedBatchers;
import dev.streammod.models.testing.ColourStatsModel;
import dev.streammod.pipeline.config.JobSettings;
import dev.streammod.pipeline.config.KafkaSecurity;
import dev.streammod.pipeline.config.KafkaSettings;
import dev.streammod.pipeline.config.SettingsLoader;
import dev.streammod.pipeline.job.ModerationJob;
import dev.streammod.pipeline.moderation.ModerationComponents;
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
 * One benchmark run, all in this JVM unless the broker is put elsewhere ({@link BenchBroker}): a
 * Kafka broker, the moderation job on a local MiniCluster, the {@link LoadGenerator}, a {@link VerdictMeter} reading committed verdicts and a
 * {@link ResourceSampler}. Before the job starts, the same run measures the raw decode rate and the
 * raw inference rate on the same pooled segments, so the pipeline's rate can be given as a ratio of
 * the slower of the two; {@link LoadRun} then drives and measures the load.
 */
public final class BenchRunner {
  private final BenchOptions options;
  private final PrintStream out;

  public BenchRunner(BenchOptions options, PrintStream out) {
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
    BenchOptions.Job job = options.job();
    if (!BenchOptions.COLOUR_STATS.equals(job.model())) {
      // Before anything starts: a model that is not there is refused, naming the ones that are.
      BundledRepository.resolve(job.modelRepository(), job.model(), null);
    }
    SegmentPool pool = encodePool();
    if (options.segments().payload() == PayloadMode.FILE) {
      Path dir = pool.writeTo(work.resolve("segments"));
      out.printf("payload : by reference, file: URIs into %s, fetched by the job%n", dir);
    }
    try (BenchBroker kafka = BenchBroker.start(options.broker())) {
      out.println("broker  : " + kafka.describe());
      JobSettings settings = jobSettings(work, kafka);
      ModelArtifact artifact = ModerationComponents.artifact(settings.model());
      // Taken before the job opens it, with the job's own options: the job then shares this
      // batcher, so its statistics can be read here.
      try (SharedBatchers.Lease lease =
          SharedBatchers.acquire(
              artifact,
              ModerationComponents.engineOptions(settings.model()),
              settings.batching().toBatcherSettings())) {
        return measure(settings, kafka, pool, lease);
      }
    }
  }

  private SegmentPool encodePool() {
    BenchOptions.Segments s = options.segments();
    long t0 = System.nanoTime();
    SegmentPool pool = new SegmentPool(s.shape(), s.pool());
    out.printf(
        Locale.ROOT,
        "pool    : %d pooled %dx%d %.0f fps H.264 MPEG-TS segments of %d ms (%d KiB each), encoded in %d ms%n",
        s.pool() + 2 * Math.max(1, s.pool() / 2),
        s.width(),
        s.height(),
        s.fps(),
        s.length().toMillis(),
        pool.averageBytes() / 1024,
        (System.nanoTime() - t0) / 1_000_000);
    return pool;
  }

  /** The job's settings: the broker and payload keys of this run, the model's, then {@code --set}. */
  private JobSettings jobSettings(Path work, BenchBroker kafka) {
    Map<String, String> keys = new LinkedHashMap<>();
    if (options.segments().payload() == PayloadMode.FILE) {
      keys.put("fetch.allowed-schemes", "file");
      keys.put("fetch.allowed-path-prefixes", work.resolve("segments").toString());
    }
    keys.put("kafka.bootstrap-servers", kafka.bootstrapServers());
    keys.put("kafka.starting-offsets", "earliest");
    keys.put("kafka.group-id", "streammod-bench" + kafka.runSuffix());
    if (!kafka.runSuffix().isEmpty()) {
      keys.put("kafka.segments-topic", "streammod-bench-segments" + kafka.runSuffix());
      keys.put("kafka.verdicts-topic", "streammod-bench-verdicts" + kafka.runSuffix());
      keys.put("kafka.dead-letter-topic", "streammod-bench-dead-letters" + kafka.runSuffix());
      keys.put("kafka.transactional-id-prefix", "streammod-bench" + kafka.runSuffix());
    }
    keys.putAll(modelKeys(options.job(), work));
    keys.put("job.parallelism", String.valueOf(options.job().parallelism()));
    keys.put("job.checkpoint-interval-ms", String.valueOf(options.job().checkpointInterval().toMillis()));
    keys.putAll(options.job().overrides());
    JobSettings settings = SettingsLoader.load(options.job().config(), keys);
    if (kafka.mode() != BenchOptions.BrokerMode.EXTERNAL
        && settings.kafka().security().protocol() != KafkaSecurity.Protocol.PLAINTEXT) {
      throw new IllegalArgumentException(
          "kafka.security.protocol " + settings.kafka().security().protocol()
              + " needs a broker you run (--bootstrap-servers); the bench's own broker listens in plaintext");
    }
    return settings;
  }

  /**
   * The model's keys: {@value BenchOptions#COLOUR_STATS} written under {@code work} (unless the
   * repository given holds one), or the model asked for, in the repository given or among the
   * bundled models; the job refuses a model it cannot find, naming the models there are.
   */
  private static Map<String, String> modelKeys(BenchOptions.Job job, Path work) {
    Map<String, String> keys = new LinkedHashMap<>();
    Path repository = job.modelRepository();
    boolean written =
        BenchOptions.COLOUR_STATS.equals(job.model())
            && (repository == null || !Files.isDirectory(repository.resolve(job.model())));
    if (written) {
      repository = work.resolve("models");
      ColourStatsModel.write(repository, job.modelSize(), job.modelSize());
    }
    keys.put("model.name", job.model());
    if (repository != null) {
      keys.put("model.repository", repository.toString());
    }
    keys.put("model.device", "cpu");
    return keys;
  }

  private BenchResult measure(
      JobSettings settings, BenchBroker kafka, SegmentPool pool, SharedBatchers.Lease lease) throws Exception {
    RawCeiling raw = measureRaw(settings, pool, lease);
    LoadProfile profile = options.loadProfile(raw.segmentsPerSecond());
    int partitions = options.job().partitions();
    TopicAdmin.ensureTopics(
        settings.kafka().adminProperties(),
        List.of(
            TopicSpec.segmentsTopic(settings.kafka().segmentsTopic(), partitions),
            TopicSpec.verdictsTopic(settings.kafka().verdictsTopic(), partitions),
            TopicSpec.deadLettersTopic(settings.kafka().deadLetterTopic(), 1)),
        TopicAdmin.DEFAULT_TIMEOUT);

    StreamExecutionEnvironment env = LocalFlink.environment(options.job().parallelism());
    ModerationJob.build(env, settings);
    JobClient job = env.executeAsync(ModerationJob.NAME);
    try {
      awaitRunning(job);
      printLoad(profile, raw);
      return drive(settings, kafka, pool, lease, profile, raw);
    } finally {
      try {
        job.cancel().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        out.println("warning : could not cancel the job: " + e);
      }
    }
  }

  /** Decoding alone and inference alone, with the job's settings, on the pooled segments. */
  private RawCeiling measureRaw(JobSettings settings, SegmentPool pool, SharedBatchers.Lease lease)
      throws InterruptedException {
    SegmentDecoder decoder =
        new SegmentDecoder(ModerationComponents.decoderSettings(settings.decoder(), lease.config()));
    int parallelism = options.job().parallelism();
    int decodeThreads = parallelism * settings.decoder().threads();
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
        parallelism,
        settings.decoder().threads());
    Duration rawDuration = options.measurement().rawDuration();
    RawRates.Rate decode = RawRates.decode(decoder, pool.decodable(), "mpegts", decodeThreads, rawDuration);
    byte[] frames = RawRates.sampleFrames(decoder, pool.decodable(), "mpegts", maxBatch);
    RawRates.Rate infer = RawRates.infer(lease.engine(), frames, maxBatch, rawDuration);
    RawCeiling raw = new RawCeiling(decode, infer, decodeThreads, maxBatch);
    out.printf(
        Locale.ROOT,
        "raw     : decode %.1f segments/s = %.1f frames/s (%d threads, %.0f frames/CPU-s); inference"
            + " %.1f frames/s at batch %d (%.0f frames/CPU-s); ceiling %.1f segments/s%n",
        decode.itemsPerSecond(),
        decode.framesPerSecond(),
        decodeThreads,
        decode.framesPerCpuSecond(),
        infer.framesPerSecond(),
        maxBatch,
        infer.framesPerCpuSecond(),
        raw.segmentsPerSecond());
    return raw;
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

  private void printLoad(LoadProfile profile, RawCeiling raw) {
    BenchOptions.Load load = options.load();
    out.printf(
        Locale.ROOT,
        "load    : %d streams, one segment each per %d ms = %.1f segments/s offered (%.2fx the raw"
            + " ceiling)%s%s, for %s; checkpoints every %d ms%n",
        load.streams(),
        profile.period().toMillis(),
        profile.steadyRate(),
        profile.steadyRate() / raw.segmentsPerSecond(),
        load.ramp().isZero() ? "" : ", ramp " + load.ramp(),
        load.burstLength().isZero()
            ? ""
            : String.format(
                Locale.ROOT, ", burst x%.1f from %s for %s", load.burstMultiplier(), load.burstStart(), load.burstLength()),
        load.duration(),
        options.job().checkpointInterval().toMillis());
  }

  private BenchResult drive(
      JobSettings settings,
      BenchBroker kafka,
      SegmentPool pool,
      SharedBatchers.Lease lease,
      LoadProfile profile,
      RawCeiling raw)
      throws InterruptedException {
    KafkaSettings topics = settings.kafka();
    Map<String, String> client = topics.consumerProperties();
    try (LoadGenerator load =
            new LoadGenerator(
                kafka.bootstrapServers(), client, topics.segmentsTopic(), profile, pool, options.segments().payload());
        VerdictMeter meter =
            new VerdictMeter(
                kafka.bootstrapServers(),
                client,
                topics.verdictsTopic(),
                topics.deadLetterTopic(),
                options.load().streams(),
                BenchOptions.COLOUR_STATS.equals(settings.model().name())
                    ? VerdictMeter.DecisionCheck.CONTENT
                    : VerdictMeter.DecisionCheck.ERRORS);
        ResourceSampler sampler =
            new ResourceSampler(kafka.bootstrapServers(), client, topics.segmentsTopic(), topics.groupId())) {
      return new LoadRun(options, raw, lease.batcher(), load, meter, sampler, kafka::processCpuSeconds, out)
          .measure(setup(settings, raw, kafka));
    }
  }

  private BenchResult.Setup setup(JobSettings settings, RawCeiling raw, BenchBroker kafka) {
    return new BenchResult.Setup(
        raw.decodeThreads(),
        raw.maxBatch(),
        settings.batching().maxWaitMs(),
        settings.decoder().sampling(),
        settings.decoder().maxFrames(),
        settings.decoder().degradeEnabled() ? settings.decoder().deadlineMs() : 0,
        options.segments().payload().label(),
        kafka.mode().label());
  }

  /**
   * Raw inference alone at each batch size, on frames sampled from the pooled segments with the
   * job's settings (no broker, no job): frames/s, ms per batch and a JSON line per size.
   */
  public static List<String> inferenceByBatch(BenchOptions o, List<Integer> batchSizes) throws Exception {
    Path work = Files.createTempDirectory("streammod-bench");
    try {
      Map<String, String> keys = modelKeys(o.job(), work);
      keys.putAll(o.job().overrides());
      JobSettings settings = SettingsLoader.load(o.job().config(), keys);
      SegmentPool pool = new SegmentPool(o.segments().shape(), 2);
      List<String> lines = new ArrayList<>();
      try (InferenceEngine engine =
          InferenceEngine.open(
              ModerationComponents.artifact(settings.model()), ModerationComponents.engineOptions(settings.model()))) {
        SegmentDecoder decoder =
            new SegmentDecoder(ModerationComponents.decoderSettings(settings.decoder(), engine.config()));
        int largest = batchSizes.stream().mapToInt(Integer::intValue).max().orElse(1);
        byte[] frames = RawRates.sampleFrames(decoder, pool.decodable(), "mpegts", largest);
        for (int b : batchSizes) {
          RawRates.Rate r = RawRates.infer(engine, frames, b, o.measurement().rawDuration());
          lines.add(
              new JsonLine()
                  .put("model", engine.config().name())
                  .put("size", engine.config().width())
                  .put("batch", b)
                  .put("frames_per_s", r.framesPerSecond(), 1)
                  .put("ms_per_batch", r.items() == 0 ? 0 : r.seconds() * 1000 / r.items(), 3)
                  .toString());
        }
      }
      return lines;
    } finally {
      TemporaryFolders.deleteQuietly(work);
    }
  }
}
