package dev.streammod.models.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.streammod.models.EngineOptions;
import dev.streammod.models.GraphOptimization;
import dev.streammod.models.InferenceEngine;
import dev.streammod.models.InferenceException;
import dev.streammod.models.ModelArtifact;
import dev.streammod.models.ModelConfig;
import dev.streammod.models.batching.BatcherSettings;
import dev.streammod.models.batching.DynamicBatcher;
import dev.streammod.models.preprocess.FramePreprocessor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Our inference path against ONNX Runtime alone: one model, this machine's CPU, the same session
 * options, one run. For each batch size {@code b} three paths take turns in slices, in alternating
 * order (bare, batcher, engine, then engine, batcher, bare), so that load from other processes
 * falls on all of them alike:
 *
 * <ul>
 *   <li>{@link Subject#BARE}: one {@code OrtSession} opened with the engine's session options, an
 *       input tensor of {@code b} preprocessed frames made once, {@code session.run} in a loop;
 *   <li>{@link Subject#BATCHER}: RGB24 frames submitted one per request by feeder threads to a
 *       {@link DynamicBatcher} (max batch {@code b}, a queue of {@code 3b} frames, so that the next
 *       batch is full while one runs), counting completed futures;
 *   <li>{@link Subject#ENGINE}: {@link InferenceEngine#infer} on {@code b} RGB24 frames in a loop,
 *       preprocessing included, no batcher.
 * </ul>
 *
 * <p>On a shared machine wall-clock rates move with other processes; CPU time per image is the
 * stable figure, and the ratios compare paths measured under the same load.
 */
public final class EngineBenchmark {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  // Long enough that batches fill from the queue, never what ends one: the feeders keep it full.
  private static final Duration BATCHER_MAX_WAIT = Duration.ofMillis(50);

  /** The three paths. */
  public enum Subject {
    BARE("bare"),
    BATCHER("batcher"),
    ENGINE("engine");

    private final String label;

    Subject(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  private EngineBenchmark() {}

  /**
   * Measures {@code artifact} at each of the settings' batch sizes on {@code frames} (packed RGB24
   * at the model's size, used in turn; any count from 1). {@code progress} gets a line per batch
   * size.
   */
  public static EngineReport run(
      ModelArtifact artifact, byte[] frames, BenchSettings settings, Consumer<String> progress)
      throws InterruptedException {
    Objects.requireNonNull(artifact, "artifact");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(progress, "progress");
    ModelConfig config = artifact.config();
    FramePreprocessor pre = FramePreprocessor.forConfig(config);
    int largest = settings.batches().stream().mapToInt(Integer::intValue).max().orElseThrow();
    byte[] tiled = tile(frames, pre, largest);
    EngineOptions options = settings.engineOptions();
    List<EngineReport.Row> rows = new ArrayList<>();
    try (InferenceEngine engine = InferenceEngine.open(artifact, options);
        BareSession bare = BareSession.open(artifact, options, tiled, largest)) {
      for (int b : settings.batches()) {
        Map<Subject, Measurement> m = new EnumMap<>(Subject.class);
        BatcherSettings bs =
            BatcherSettings.builder()
                .maxBatchSize(b)
                .maxWait(BATCHER_MAX_WAIT)
                .queueCapacityFrames(3 * b)
                .build();
        try (DynamicBatcher batcher = new DynamicBatcher(engine, bs);
            OnnxTensor tensor = bare.tensor(b)) {
          Map<Subject, Slice> slices = new EnumMap<>(Subject.class);
          slices.put(Subject.BARE, budget -> loop(budget, () -> bare.run(tensor), b));
          slices.put(Subject.BATCHER, budget -> feed(batcher, tiled, pre, b, settings, budget));
          slices.put(Subject.ENGINE, budget -> loop(budget, () -> engine.infer(tiled, 0, b), b));
          for (Map.Entry<Subject, Slice> e : slices.entrySet()) {
            e.getValue().run(Budget.warmup(settings));
            m.put(e.getKey(), Measurement.ZERO);
          }
          for (int r = 0; r < settings.rounds(); r++) {
            List<Subject> order = new ArrayList<>(List.of(Subject.values()));
            if (r % 2 == 1) {
              Collections.reverse(order);
            }
            for (Subject s : order) {
              m.merge(s, slices.get(s).run(Budget.slice(settings)), Measurement::plus);
            }
          }
        } catch (OrtException e) {
          throw new InferenceException(bare.where(b) + " failed: " + e.getMessage(), e);
        }
        EngineReport.Row row =
            new EngineReport.Row(
                b, m.get(Subject.BARE), m.get(Subject.BATCHER), m.get(Subject.ENGINE));
        rows.add(row);
        progress.accept(EngineReport.progressLine(row));
      }
    }
    return new EngineReport(
        config.name(),
        config.version(),
        Runtime.getRuntime().availableProcessors(),
        settings,
        rows);
  }

  /**
   * Bare sessions only, one per variant of the session options, in turns as in {@link #run}: what
   * each option costs, without our code around it. The settings' engine options are ignored.
   */
  public static TuningReport compareSessionOptions(
      ModelArtifact artifact,
      byte[] frames,
      BenchSettings settings,
      Map<String, EngineOptions> variants,
      Consumer<String> progress)
      throws InterruptedException {
    Objects.requireNonNull(artifact, "artifact");
    if (variants == null || variants.isEmpty()) {
      throw new IllegalArgumentException("variants must name at least one set of options");
    }
    Map<String, Session> sessions = new LinkedHashMap<>();
    variants.forEach((k, v) -> sessions.put(k, new Session(artifact, v)));
    return compareSessions(sessions, frames, settings, progress);
  }

  /** A model and the session options to open it with: one contender of {@link #compareSessions}. */
  public record Session(ModelArtifact artifact, EngineOptions options) {
    public Session {
      Objects.requireNonNull(artifact, "artifact");
      Objects.requireNonNull(options, "options");
    }
  }

  /**
   * Bare sessions of possibly different models with the same input (for example a model and its
   * INT8 variant), in turns as in {@link #run}. The models must take the same input size; the
   * report's model is the first session's, or the distinct names joined by " vs ".
   */
  public static TuningReport compareSessions(
      Map<String, Session> variants,
      byte[] frames,
      BenchSettings settings,
      Consumer<String> progress)
      throws InterruptedException {
    if (variants == null || variants.isEmpty()) {
      throw new IllegalArgumentException("variants must name at least one session");
    }
    ModelArtifact artifact = variants.values().iterator().next().artifact();
    for (Map.Entry<String, Session> v : variants.entrySet()) {
      ModelConfig c = v.getValue().artifact().config();
      if (c.width() != artifact.config().width()
          || c.height() != artifact.config().height()
          || c.layout() != artifact.config().layout()) {
        throw new IllegalArgumentException(
            "variant '"
                + v.getKey()
                + "' (model '"
                + c.name()
                + "') takes "
                + c.width()
                + "x"
                + c.height()
                + " "
                + c.layout()
                + ", the first takes "
                + artifact.config().width()
                + "x"
                + artifact.config().height()
                + " "
                + artifact.config().layout());
      }
    }
    return compare(variants, config -> frames, settings, progress);
  }

  /**
   * Bare sessions of models that may take different input sizes (for example two classifiers), in
   * turns as in {@link #run}, each fed {@link #syntheticFrames} of its own size: the CPU per image
   * compares what the models cost. The report's model is the distinct names joined by " vs ".
   */
  public static TuningReport compareModels(
      Map<String, Session> variants, BenchSettings settings, Consumer<String> progress)
      throws InterruptedException {
    if (variants == null || variants.isEmpty()) {
      throw new IllegalArgumentException("variants must name at least one session");
    }
    return compare(variants, config -> syntheticFrames(config, 8), settings, progress);
  }

  private static TuningReport compare(
      Map<String, Session> variants,
      Function<ModelConfig, byte[]> framesFor,
      BenchSettings settings,
      Consumer<String> progress)
      throws InterruptedException {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(progress, "progress");
    ModelArtifact artifact = variants.values().iterator().next().artifact();
    int largest = settings.batches().stream().mapToInt(Integer::intValue).max().orElseThrow();
    Map<String, BareSession> sessions = new LinkedHashMap<>();
    Map<String, Map<Integer, Measurement>> results = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, Session> v : variants.entrySet()) {
        ModelConfig config = v.getValue().artifact().config();
        byte[] tiled = tile(framesFor.apply(config), FramePreprocessor.forConfig(config), largest);
        long start = System.nanoTime();
        sessions.put(
            v.getKey(),
            BareSession.open(v.getValue().artifact(), v.getValue().options(), tiled, largest));
        progress.accept(
            String.format(
                Locale.ROOT,
                "%s: session of %s:%s opened in %d ms",
                v.getKey(),
                config.name(),
                config.version(),
                (System.nanoTime() - start) / 1_000_000));
        results.put(v.getKey(), new LinkedHashMap<>());
      }
      for (int b : settings.batches()) {
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        try {
          for (Map.Entry<String, BareSession> s : sessions.entrySet()) {
            tensors.put(s.getKey(), s.getValue().tensor(b));
          }
          for (String v : sessions.keySet()) {
            loop(Budget.warmup(settings), () -> sessions.get(v).run(tensors.get(v)), b);
          }
          for (int r = 0; r < settings.rounds(); r++) {
            List<String> order = new ArrayList<>(sessions.keySet());
            if (r % 2 == 1) {
              Collections.reverse(order);
            }
            for (String v : order) {
              Measurement m =
                  loop(Budget.slice(settings), () -> sessions.get(v).run(tensors.get(v)), b);
              results.get(v).merge(b, m, Measurement::plus);
            }
          }
        } catch (OrtException e) {
          throw new InferenceException(
              "models '"
                  + modelNames(variants)
                  + "': bare sessions at batch "
                  + b
                  + " failed: "
                  + e.getMessage(),
              e);
        } finally {
          tensors.values().forEach(OnnxTensor::close);
        }
        StringBuilder line = new StringBuilder("batch " + b + ":");
        results.forEach(
            (v, byBatch) ->
                line.append(
                    String.format(
                        Locale.ROOT, " %s %.2f ms/img;", v, byBatch.get(b).cpuMsPerImage())));
        progress.accept(line.toString());
      }
    } finally {
      sessions.values().forEach(BareSession::close);
    }
    Map<String, EngineOptions> options = new LinkedHashMap<>();
    variants.forEach((k, v) -> options.put(k, v.options()));
    return new TuningReport(
        modelNames(variants),
        artifact.config().version(),
        Runtime.getRuntime().availableProcessors(),
        settings,
        options,
        results);
  }

  private static String modelNames(Map<String, Session> variants) {
    return String.join(
        " vs ",
        variants.values().stream().map(s -> s.artifact().config().name()).distinct().toList());
  }

  /**
   * The usual candidates for tuning, each differing from {@code base} in one respect: intra-op
   * threads 1 and 2, graph optimisation EXTENDED and BASIC, no memory arena, no memory pattern.
   */
  public static Map<String, EngineOptions> tuningVariants(EngineOptions base) {
    Map<String, EngineOptions> v = new LinkedHashMap<>();
    v.put("default", base);
    int otherThreads = base.intraOpThreads() == 1 ? 2 : 1;
    v.put("intra-op " + otherThreads, base.toBuilder().intraOpThreads(otherThreads).build());
    for (GraphOptimization g : GraphOptimization.values()) {
      if (g != base.graphOptimization() && g != GraphOptimization.NONE) {
        v.put("opt " + g, base.toBuilder().graphOptimization(g).build());
      }
    }
    v.put(
        "arena " + (base.cpuMemoryArena() ? "off" : "on"),
        base.toBuilder().cpuMemoryArena(!base.cpuMemoryArena()).build());
    v.put(
        "pattern " + (base.memoryPattern() ? "off" : "on"),
        base.toBuilder().memoryPattern(!base.memoryPattern()).build());
    return v;
  }

  /**
   * {@code count} distinct packed RGB24 frames at the model's size: colour gradients with a
   * pseudo-random texture, the same on every run. Inference time does not depend on the pixels;
   * distinct frames keep the input from sitting in the caches between runs.
   */
  public static byte[] syntheticFrames(ModelConfig config, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1, got " + count);
    }
    int w = config.width();
    int h = config.height();
    byte[] out = new byte[Math.multiplyExact(count, 3 * w * h)];
    Random random = new Random(20_240_611L);
    int o = 0;
    for (int f = 0; f < count; f++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int grain = random.nextInt(32);
          out[o++] = (byte) ((x * 255 / w + f * 37 + grain) & 0xff);
          out[o++] = (byte) ((y * 255 / h + f * 59 + grain) & 0xff);
          out[o++] = (byte) (((x + y) * 127 / (w + h) + f * 83 + grain) & 0xff);
        }
      }
    }
    return out;
  }

  /** {@code frames} repeated to {@code count} frames. */
  private static byte[] tile(byte[] frames, FramePreprocessor pre, int count) {
    Objects.requireNonNull(frames, "frames");
    int fb = pre.frameBytes();
    if (frames.length == 0 || frames.length % fb != 0) {
      throw new IllegalArgumentException(
          "frames must hold whole RGB24 frames of "
              + pre.width()
              + "x"
              + pre.height()
              + " ("
              + fb
              + " bytes each), got "
              + frames.length
              + " bytes");
    }
    int have = frames.length / fb;
    byte[] out = new byte[Math.multiplyExact(count, fb)];
    for (int i = 0; i < count; i++) {
      System.arraycopy(frames, (i % have) * fb, out, i * fb, fb);
    }
    return out;
  }

  /** How long a slice runs: at least {@code minBatches}, and until {@code nanos} have passed. */
  private record Budget(long minBatches, long nanos) {
    static Budget slice(BenchSettings s) {
      return s.iterations() > 0
          ? new Budget(s.iterations(), 0)
          : new Budget(1, s.slice().toNanos());
    }

    static Budget warmup(BenchSettings s) {
      return new Budget(2, s.warmup().toNanos());
    }
  }

  @FunctionalInterface
  private interface Slice {
    Measurement run(Budget budget) throws InterruptedException, OrtException;
  }

  @FunctionalInterface
  private interface Call {
    void run() throws OrtException;
  }

  /** One batch per call, on this thread. */
  private static Measurement loop(Budget budget, Call call, int batch) throws OrtException {
    long cpu0 = processCpuNanos();
    long thread0 = THREADS.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    long end = start + budget.nanos();
    long n = 0;
    long now;
    do {
      call.run();
      n++;
      now = System.nanoTime();
    } while (n < budget.minBatches() || now < end);
    long thread = THREADS.getCurrentThreadCpuTime() - thread0;
    long cpu = processCpuNanos() - cpu0;
    return new Measurement(n, n * batch, (now - start) / 1e9, cpu / 1e9, thread / 1e9);
  }

  /**
   * Feeder threads submit one frame per request until the budget is spent, rounded up to whole
   * batches; the slice ends when the last future completes.
   */
  private static Measurement feed(
      DynamicBatcher batcher,
      byte[] frames,
      FramePreprocessor pre,
      int batch,
      BenchSettings settings,
      Budget budget)
      throws InterruptedException {
    int fb = pre.frameBytes();
    int count = frames.length / fb;
    long[] workers = threadIds(batcher.toString());
    long batches0 = batcher.batchesRun();
    long frames0 = batcher.framesInferred();
    long worker0 = threadCpuNanos(workers);
    AtomicLong next = new AtomicLong();
    AtomicLong limit =
        new AtomicLong(budget.nanos() > 0 ? Long.MAX_VALUE : budget.minBatches() * batch);
    AtomicLong completed = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    LongAdder feederCpu = new LongAdder();
    long cpu0 = processCpuNanos();
    long start = System.nanoTime();
    Thread[] feeders = new Thread[settings.feeders()];
    for (int t = 0; t < feeders.length; t++) {
      feeders[t] =
          new Thread(
              () -> {
                long own0 = THREADS.getCurrentThreadCpuTime();
                try {
                  long i;
                  while ((i = next.getAndIncrement()) < limit.get()) {
                    batcher
                        .submitOwned(frames, (int) (i % count) * fb, 1)
                        .whenComplete(
                            (r, e) -> {
                              if (e != null) {
                                failure.compareAndSet(null, e);
                                done.countDown();
                              } else if (completed.incrementAndGet() >= limit.get()) {
                                done.countDown();
                              }
                            });
                  }
                } catch (InterruptedException | RuntimeException e) {
                  failure.compareAndSet(null, e);
                  done.countDown();
                } finally {
                  feederCpu.add(THREADS.getCurrentThreadCpuTime() - own0);
                }
              },
              "bench-feeder-" + t);
      feeders[t].setDaemon(true);
      feeders[t].start();
    }
    if (budget.nanos() > 0) {
      done.await(budget.nanos(), TimeUnit.NANOSECONDS);
      long handedOut = Math.max(next.get(), budget.minBatches() * batch);
      limit.set((handedOut + batch - 1) / batch * batch);
      if (completed.get() >= limit.get()) {
        done.countDown();
      }
    }
    done.await();
    long wall = System.nanoTime() - start;
    long cpu = processCpuNanos() - cpu0;
    for (Thread t : feeders) {
      t.join();
    }
    long worker = threadCpuNanos(workers) - worker0;
    Throwable f = failure.get();
    if (f != null) {
      throw new IllegalStateException(batcher + ": a benchmark request failed: " + f, f);
    }
    long batches = batcher.batchesRun() - batches0;
    long images = batcher.framesInferred() - frames0;
    return new Measurement(
        batches, images, wall / 1e9, cpu / 1e9, (worker + feederCpu.sum()) / 1e9);
  }

  /** The batcher's threads: its preparer is named after it, its runner with "-run" added. */
  private static long[] threadIds(String batcher) {
    long[] ids =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals(batcher) || t.getName().equals(batcher + "-run"))
            .mapToLong(Thread::getId)
            .toArray();
    if (ids.length == 0) {
      throw new IllegalStateException("no thread named after " + batcher);
    }
    return ids;
  }

  private static long threadCpuNanos(long[] ids) {
    long sum = 0;
    for (long id : ids) {
      sum += Math.max(0, THREADS.getThreadCpuTime(id));
    }
    return sum;
  }

  /** CPU time of the whole process: Java threads, ONNX Runtime's threads, GC and JIT alike. */
  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    throw new IllegalStateException(
        "this JVM does not report process CPU time (com.sun.management.OperatingSystemMXBean)");
  }

  /** A session of our own with the engine's session options and one input buffer made once. */
  private static final class BareSession implements AutoCloseable {
    private final OrtEnvironment env;
    private final ModelConfig config;
    private final FramePreprocessor pre;
    private final FloatBuffer input;
    private final Map<String, OnnxTensor> feed = new HashMap<>();
    private OrtSession session;

    private BareSession(
        OrtEnvironment env, ModelConfig config, OrtSession session, FloatBuffer input) {
      this.env = env;
      this.config = config;
      this.session = session;
      this.pre = FramePreprocessor.forConfig(config);
      this.input = input;
    }

    static BareSession open(
        ModelArtifact artifact, EngineOptions options, byte[] frames, int count) {
      ModelConfig config = artifact.config();
      FramePreprocessor pre = FramePreprocessor.forConfig(config);
      FloatBuffer input = pre.allocate(count);
      pre.convert(frames, 0, count, input, 0);
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      try (OrtSession.SessionOptions so = InferenceEngine.sessionOptions(options)) {
        return new BareSession(
            env, config, env.createSession(artifact.modelFile().toString(), so), input);
      } catch (OrtException e) {
        throw new InferenceException(
            "model '"
                + config.name()
                + "': cannot open a bare session on "
                + artifact.modelFile()
                + ": "
                + e.getMessage(),
            e);
      }
    }

    /** A tensor over the first {@code batch} frames of the input; no copy. The caller closes it. */
    OnnxTensor tensor(int batch) throws OrtException {
      FloatBuffer view = input.duplicate();
      view.clear().limit(batch * pre.frameFloats());
      return OnnxTensor.createTensor(env, view.slice(), pre.shape(batch));
    }

    void run(OnnxTensor tensor) throws OrtException {
      feed.put(config.inputName(), tensor);
      session.run(feed).close(); // the output is freed unread: this loop is ONNX Runtime alone
    }

    String where(int batch) {
      return "model '"
          + config.name()
          + "' (bare session), input '"
          + config.inputName()
          + "' "
          + Arrays.toString(pre.shape(batch));
    }

    @Override
    public void close() {
      OrtSession s = session;
      session = null;
      if (s != null) {
        try {
          s.close();
        } catch (OrtException e) {
          throw new InferenceException(
              "model '" + config.name() + "': closing the bare session failed", e);
        }
      }
    }
  }
}
