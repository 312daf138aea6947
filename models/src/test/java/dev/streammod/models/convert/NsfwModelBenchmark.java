package dev.streammod.models.convert;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import dev.streammod.models.BundledRepository;
import dev.streammod.models.EngineOptions;
import dev.streammod.models.ExecutionDevice;
import dev.streammod.models.InferenceEngine;
import dev.streammod.models.ModelArtifact;
import dev.streammod.models.preprocess.FramePreprocessor;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Images per second of the shipped nsfw-mobilenet-v2 model on this machine's CPU: our {@link
 * InferenceEngine} (preprocessing included) against a bare {@code OrtSession.run} loop on an input
 * tensor made once, at batch 1, 8 and 32, with a few session options. Not a test: it prints.
 *
 * <pre>
 * mvn -pl models -q test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.streammod.models.convert.NsfwModelBenchmark [-Dexec.args="SECONDS ROUNDS"]
 * </pre>
 */
public final class NsfwModelBenchmark {
  private static final int[] BATCHES = {1, 8, 32};

  private NsfwModelBenchmark() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2.0;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path cache = Files.createTempDirectory("nsfw-bench");
    ModelArtifact artifact = BundledRepository.materialise(cache).resolve(NsfwjsMobileNetV2.NAME);
    byte[] frames = frames(32);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    FramePreprocessor pre = FramePreprocessor.forConfig(artifact.config());
    FloatBuffer input = pre.allocate(32);
    pre.convert(frames, 0, 32, input, 0);

    Map<String, Call[]> subjects = new LinkedHashMap<>();
    List<AutoCloseable> open = new ArrayList<>();
    for (int threads : new int[] {1, 2}) {
      InferenceEngine engine =
          InferenceEngine.open(
              artifact,
              EngineOptions.builder().device(ExecutionDevice.CPU).intraOpThreads(threads).build());
      open.add(engine);
      Call[] calls = new Call[BATCHES.length];
      for (int i = 0; i < BATCHES.length; i++) {
        int batch = BATCHES[i];
        calls[i] = () -> engine.infer(frames, 0, batch);
      }
      subjects.put("InferenceEngine, intra-op " + threads + " no-spin (ALL_OPT)", calls);
    }
    Object[][] variants = {
      {OptLevel.ALL_OPT, 1, true}, {OptLevel.ALL_OPT, 2, true}, {OptLevel.ALL_OPT, 2, false},
      {OptLevel.EXTENDED_OPT, 1, true}, {OptLevel.BASIC_OPT, 1, true}, {OptLevel.NO_OPT, 1, true}
    };
    for (Object[] v : variants) {
      OptLevel level = (OptLevel) v[0];
      int threads = (Integer) v[1];
      boolean spin = (Boolean) v[2];
      OrtSession.SessionOptions so = new OrtSession.SessionOptions();
      so.setOptimizationLevel(level);
      so.setIntraOpNumThreads(threads);
      so.setInterOpNumThreads(1);
      if (!spin) {
        so.addConfigEntry("session.intra_op.allow_spinning", "0");
      }
      OrtSession session = env.createSession(artifact.modelFile().toString(), so);
      open.add(session);
      open.add(so);
      Call[] calls = new Call[BATCHES.length];
      for (int i = 0; i < BATCHES.length; i++) {
        int batch = BATCHES[i];
        FloatBuffer view = input.duplicate();
        view.clear().limit(batch * pre.frameFloats());
        OnnxTensor t = OnnxTensor.createTensor(env, view.slice(), pre.shape(batch));
        open.add(t);
        Map<String, OnnxTensor> feed = Map.of(artifact.config().inputName(), t);
        calls[i] =
            () -> {
              try (OrtSession.Result r = session.run(feed)) {
                r.get(0);
              }
            };
      }
      subjects.put(
          "bare OrtSession.run, intra-op "
              + threads
              + (spin ? "" : " no-spin")
              + " ("
              + level
              + ")",
          calls);
    }

    // Rounds interleave the subjects so that load from elsewhere hits them alike; the median
    // round is reported.
    Map<String, double[][][]> results = new LinkedHashMap<>();
    subjects.keySet().forEach(k -> results.put(k, new double[BATCHES.length][rounds][]));
    for (int r = 0; r < rounds; r++) {
      for (Map.Entry<String, Call[]> e : subjects.entrySet()) {
        for (int i = 0; i < BATCHES.length; i++) {
          results.get(e.getKey())[i][r] = measure(seconds, BATCHES[i], e.getValue()[i]);
        }
      }
    }
    System.out.printf(
        "nsfw-mobilenet-v2 on %d CPU(s) (%s), median of %d rounds of %.1f s:"
            + " images/s (process CPU ms per image)%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"), rounds, seconds);
    System.out.printf("%-48s %16s %16s %16s%n", "", "batch 1", "batch 8", "batch 32");
    for (Map.Entry<String, double[][][]> e : results.entrySet()) {
      StringBuilder row = new StringBuilder();
      for (int i = 0; i < BATCHES.length; i++) {
        double[] ips = new double[rounds];
        double[] cpu = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          ips[r] = e.getValue()[i][r][0];
          cpu[r] = e.getValue()[i][r][1];
        }
        Arrays.sort(ips);
        Arrays.sort(cpu);
        row.append(
            String.format(
                Locale.ROOT, " %7.1f (%5.1f ms)", ips[rounds / 2], cpu[rounds / 2]));
      }
      System.out.printf("%-48s%s%n", e.getKey(), row);
    }
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  @FunctionalInterface
  private interface Call {
    void run() throws Exception;
  }

  /**
   * {images per second of wall time, process CPU milliseconds per image} over {@code seconds},
   * after a short warm-up. CPU time per image is what the model costs when the cores are shared
   * (wall time then depends on everything else running).
   */
  private static double[] measure(double seconds, int batch, Call call) throws Exception {
    long warmUntil = System.nanoTime() + (long) (0.25 * seconds * 1e9);
    do {
      call.run();
    } while (System.nanoTime() < warmUntil);
    long cpu0 = processCpuNanos();
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    int runs = 0;
    long now;
    do {
      call.run();
      runs++;
      now = System.nanoTime();
    } while (now < end);
    long cpu = processCpuNanos() - cpu0;
    int images = runs * batch;
    return new double[] {images / ((now - start) / 1e9), cpu / 1e6 / images};
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** The parity images, repeated to {@code n} frames of packed RGB24. */
  private static byte[] frames(int n) throws Exception {
    List<String> names =
        List.of(
            "photo-black-canyon",
            "drawing-house",
            "photo-march-pastoral",
            "drawing-rocket",
            "photo-nagasaki-boats",
            "drawing-bicycle",
            "photo-dust-bowl-home",
            "drawing-elephant");
    int size = NsfwjsMobileNetV2.SIZE;
    byte[] out = new byte[n * 3 * size * size];
    for (int i = 0; i < n; i++) {
      String name = "parity/images/" + names.get(i % names.size()) + ".png";
      BufferedImage img;
      try (InputStream in = NsfwModelBenchmark.class.getClassLoader().getResourceAsStream(name)) {
        img = ImageIO.read(in);
      }
      int[] px = new int[3];
      int o = i * 3 * size * size;
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          img.getRaster().getPixel(x, y, px);
          out[o++] = (byte) px[0];
          out[o++] = (byte) px[1];
          out[o++] = (byte) px[2];
        }
      }
    }
    return out;
  }
}
