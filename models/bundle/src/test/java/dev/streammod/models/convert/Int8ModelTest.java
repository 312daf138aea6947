package dev.streammod.models.convert;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.streammod.models.BundledRepository;
import dev.streammod.models.EngineOptions;
import dev.streammod.models.ExecutionDevice;
import dev.streammod.models.InferenceEngine;
import dev.streammod.models.ModelArtifact;
import dev.streammod.models.ModelRepository;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled INT8 model against the bundled float model: probabilities within {@link
 * #MAX_ABS_DIFF} and the same top-1 label on the parity images (never used for calibration); on the
 * held-out images (the build writes them to {@code target/calibration-images/held-out}) at most one
 * top-1 difference, and only where the float model is itself near a tie; and its convolutions run
 * as integer kernels once ONNX Runtime has optimised the graph.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Int8ModelTest {
  /** Largest |p_int8 - p_fp32| allowed; measured 0.063 (parity) and 0.069 (held-out). */
  private static final double MAX_ABS_DIFF = 0.08;

  private static final Path HELD_OUT = Path.of("target", "calibration-images", "held-out");
  private static final int SIZE = NsfwjsModel.MOBILENET_V2.size();
  private static final int FRAME = 3 * SIZE * SIZE;

  @TempDir static Path cache;
  private static ModelRepository repo;

  @BeforeAll
  static void materialise() {
    Assumptions.assumeFalse(
        "false".equalsIgnoreCase(System.getProperty("streammod.int8")),
        "the bundle was built without the INT8 model (-Dstreammod.int8=false)");
    repo = BundledRepository.materialise(cache);
  }

  @Test
  void int8ModelHasTheFloatModelsConfigAndItsCalibrationManifest() throws IOException {
    ModelArtifact int8 = repo.resolve(NsfwjsMobileNetV2Int8.NAME);
    ModelArtifact fp32 = repo.resolve(NsfwjsModel.MOBILENET_V2.bundledName());
    assertThat(int8.config().toBuilder().name(fp32.config().name()).build())
        .isEqualTo(fp32.config());
    assertThat(Files.size(int8.modelFile())).isLessThan(Files.size(fp32.modelFile()) / 2);
    String manifest =
        Files.readString(
            int8.modelFile().resolveSibling(NsfwjsMobileNetV2Int8.CALIBRATION_MANIFEST),
            StandardCharsets.UTF_8);
    assertThat(manifest.lines().skip(1))
        .hasSize(CalibrationImages.entries().size())
        .allSatisfy(l -> assertThat(l).containsAnyOf("public domain", "CC0-1.0"));
  }

  @Test
  void agreesWithTheFloatModelOnTheParityImages() throws IOException {
    List<String> files = new ArrayList<>();
    try (InputStream in = resource("parity/images/sources.json")) {
      Matcher m =
          Pattern.compile("\"file\":\\s*\"([^\"]+)\"")
              .matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      while (m.find()) {
        files.add(m.group(1));
      }
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(12);
    List<byte[]> frames = new ArrayList<>();
    for (String f : files) {
      try (InputStream in = resource("parity/images/" + f)) {
        frames.add(rgb(ImageIO.read(in)));
      }
    }
    compare("parity", files, frames, 0);
  }

  @Test
  void agreesWithTheFloatModelOnTheHeldOutImages() throws IOException {
    assertThat(HELD_OUT)
        .as("the build writes the held-out images (BuildBundledRepository --images-out)")
        .isDirectory();
    List<Path> pngs;
    try (Stream<Path> s = Files.list(HELD_OUT)) {
      pngs = s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
    }
    assertThat(pngs)
        .hasSize(
            (int)
                CalibrationImages.entries().stream()
                    .filter(e -> e.role() == CalibrationImages.Role.HELD_OUT)
                    .count());
    List<String> names = new ArrayList<>();
    List<byte[]> frames = new ArrayList<>();
    for (Path p : pngs) {
      names.add(p.getFileName().toString());
      frames.add(rgb(ImageIO.read(p.toFile())));
    }
    compare("held-out", names, frames, 1);
  }

  @Test
  void convolutionsRunAsIntegerKernels() throws Exception {
    ModelArtifact int8 = repo.resolve(NsfwjsMobileNetV2Int8.NAME);
    Path optimised = cache.resolve("int8-optimised.onnx");
    try (OrtSession.SessionOptions so =
        InferenceEngine.sessionOptions(
            EngineOptions.builder().device(ExecutionDevice.CPU).build())) {
      so.setOptimizedModelFilePath(optimised.toString());
      try (OrtSession s =
          OrtEnvironment.getEnvironment().createSession(int8.modelFile().toString(), so)) {
        assertThat(s.getOutputNames()).containsExactly(NsfwjsModel.OUTPUT);
      }
    }
    String graph = new String(Files.readAllBytes(optimised), StandardCharsets.ISO_8859_1);
    int integerConvolutions = count(graph, "QLinearConv");
    System.out.printf(
        "int8 optimised graph: %d QLinearConv, %d QLinearAdd, %d float Conv%n",
        integerConvolutions, count(graph, "QLinearAdd"), count(graph, "\u0004Conv"));
    // 35 convolutions and 17 depthwise ones in MobileNetV2, less the 4 of the float stem
    assertThat(integerConvolutions).isGreaterThanOrEqualTo(48);
  }

  private static void compare(String set, List<String> names, List<byte[]> frames, int maxFlips) {
    byte[] batch = new byte[frames.size() * FRAME];
    for (int i = 0; i < frames.size(); i++) {
      System.arraycopy(frames.get(i), 0, batch, i * FRAME, FRAME);
    }
    EngineOptions cpu = EngineOptions.builder().device(ExecutionDevice.CPU).build();
    float[][] fp32;
    float[][] int8;
    try (InferenceEngine f =
            InferenceEngine.open(repo.resolve(NsfwjsModel.MOBILENET_V2.bundledName()), cpu);
        InferenceEngine q = InferenceEngine.open(repo.resolve(NsfwjsMobileNetV2Int8.NAME), cpu)) {
      fp32 = f.infer(batch, 0, frames.size());
      int8 = q.infer(batch, 0, frames.size());
    }
    double maxDiff = 0;
    String worst = "";
    int agree = 0;
    for (int i = 0; i < frames.size(); i++) {
      for (int l = 0; l < fp32[i].length; l++) {
        double d = Math.abs(fp32[i][l] - int8[i][l]);
        if (d > maxDiff) {
          maxDiff = d;
          worst = names.get(i) + " " + NsfwjsModel.LABELS.get(l);
        }
      }
      if (argmax(fp32[i]) == argmax(int8[i])) {
        agree++;
      }
    }
    System.out.printf(
        "int8 vs fp32, %s: %d images, top-1 agrees on %d, max |p_int8 - p_fp32| = %.4f (%s)%n",
        set, frames.size(), agree, maxDiff, worst);
    for (int i = 0; i < frames.size(); i++) {
      int f = argmax(fp32[i]);
      int q = argmax(int8[i]);
      if (f != q) {
        double margin = fp32[i][f] - fp32[i][q];
        System.out.printf(
            "  top-1 differs on %s: fp32 %s %.3f / %s %.3f, int8 %s%n",
            names.get(i),
            NsfwjsModel.LABELS.get(f),
            fp32[i][f],
            NsfwjsModel.LABELS.get(q),
            fp32[i][q],
            NsfwjsModel.LABELS.get(q));
        assertThat(margin)
            .as("%s: top-1 may only differ where fp32 itself is near a tie", names.get(i))
            .isLessThanOrEqualTo(2 * MAX_ABS_DIFF);
      }
    }
    assertThat(frames.size() - agree)
        .as("%s: top-1 differences", set)
        .isLessThanOrEqualTo(maxFlips);
    assertThat(maxDiff).as("max |p_int8 - p_fp32| (%s)", worst).isLessThanOrEqualTo(MAX_ABS_DIFF);
  }

  private static int count(String haystack, String needle) {
    int n = 0;
    for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  private static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  private static byte[] rgb(BufferedImage img) {
    assertThat(img.getWidth()).isEqualTo(SIZE);
    assertThat(img.getHeight()).isEqualTo(SIZE);
    byte[] rgb = new byte[FRAME];
    int o = 0;
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        int p = img.getRGB(x, y);
        rgb[o++] = (byte) (p >> 16);
        rgb[o++] = (byte) (p >> 8);
        rgb[o++] = (byte) p;
      }
    }
    return rgb;
  }

  private static InputStream resource(String name) throws IOException {
    InputStream in = Int8ModelTest.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IOException("test resource " + name + " is missing");
    }
    return in;
  }
}
