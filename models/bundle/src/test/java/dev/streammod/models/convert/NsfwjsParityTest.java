package dev.streammod.models.convert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streammod.models.BundledRepository;
import dev.streammod.models.EngineOptions;
import dev.streammod.models.ExecutionDevice;
import dev.streammod.models.InferenceEngine;
import dev.streammod.models.ModelArtifact;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each shipped nsfwjs model (converted by the build, loaded from the bundled repository, run
 * through our {@link InferenceEngine}) against probabilities that nsfwjs itself computed with
 * TensorFlow.js on the same pixels ({@code models/parity/reference.js}): the 224x224 parity images
 * as they are for MobileNetV2, scaled up to 299x299 by {@link #upscale} (the same integer
 * arithmetic as the script's) for InceptionV3.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NsfwjsParityTest {
  /** The size of the committed parity images. */
  private static final int IMAGE_SIZE = 224;

  private static final double TOLERANCE = 1e-4;

  @TempDir java.nio.file.Path cache;

  /**
   * All images in one batch, and the first {@code singles} of them (all when larger) one by one
   * too; InceptionV3 costs about 0.2 s per image on one core, so it checks two alone.
   */
  @ParameterizedTest
  @CsvSource({
    "MOBILENET_V2, parity/nsfwjs-mobilenet-v2-reference.json, 1000",
    "INCEPTION_V3, parity/nsfwjs-inception-v3-reference.json, 2"
  })
  void convertedModelMatchesNsfwjsOnEveryImage(NsfwjsModel model, String fixtureFile, int singles)
      throws Exception {
    JsonNode fixture = new ObjectMapper().readTree(resource(fixtureFile));
    assertThat("nsfwjs@" + fixture.at("/versions/nsfwjs").asText())
        .as("the fixture was made with the pinned nsfwjs")
        .isEqualTo(NsfwjsModel.PACKAGE.spec());
    assertThat(fixture.get("backend").asText()).isEqualTo("cpu");
    assertThat(fixture.get("model").asText()).startsWith(model.nsfwjsName() + " ");
    assertThat(fixture.at("/preprocessing/width").asInt()).isEqualTo(model.size());
    List<String> labels = new ArrayList<>();
    fixture.get("labels").forEach(l -> labels.add(l.asText()));
    assertThat(labels).isEqualTo(NsfwjsModel.LABELS);

    JsonNode images = fixture.get("images");
    assertThat(images.size()).isGreaterThanOrEqualTo(12);
    int frame = 3 * model.size() * model.size();
    byte[] batch = new byte[images.size() * frame];
    for (int i = 0; i < images.size(); i++) {
      JsonNode image = images.get(i);
      byte[] rgb = decodeRgb("parity/" + image.get("file").asText());
      if (model.size() != IMAGE_SIZE) {
        rgb = upscale(rgb, IMAGE_SIZE, model.size());
      }
      assertThat(sha256(rgb))
          .as("%s gives the pixels nsfwjs saw", image.get("file").asText())
          .isEqualTo(image.get("rgbSha256").asText());
      System.arraycopy(rgb, 0, batch, i * frame, frame);
    }

    ModelArtifact artifact = BundledRepository.materialise(cache).resolve(model.bundledName());
    assertThat(artifact.config()).isEqualTo(model.config());
    float[][] batched;
    float[][] single = new float[Math.min(singles, images.size())][];
    long start = System.nanoTime();
    try (InferenceEngine engine =
        InferenceEngine.open(
            artifact, EngineOptions.builder().device(ExecutionDevice.CPU).build())) {
      batched = engine.infer(batch, 0, images.size());
      for (int i = 0; i < single.length; i++) {
        single[i] = engine.infer(batch, i * frame, 1)[0];
      }
    }
    long millis = (System.nanoTime() - start) / 1_000_000;

    double maxDiff = 0;
    String worst = "";
    int agree = 0;
    for (int i = 0; i < images.size(); i++) {
      JsonNode image = images.get(i);
      String file = image.get("file").asText();
      JsonNode expected = image.get("probabilities");
      List<float[]> results = new ArrayList<>(List.of(batched[i]));
      if (i < single.length) {
        results.add(single[i]);
      }
      for (float[] actual : results) {
        assertThat(actual).hasSize(labels.size());
        for (int l = 0; l < labels.size(); l++) {
          double diff = Math.abs(actual[l] - expected.get(l).asDouble());
          if (diff > maxDiff) {
            maxDiff = diff;
            worst = file + " " + labels.get(l);
          }
          assertThat(diff)
              .as("%s %s: onnx %s, nsfwjs %s", file, labels.get(l), actual[l], expected.get(l))
              .isLessThanOrEqualTo(TOLERANCE);
        }
        assertThat(labels.get(argmax(actual)))
            .as("%s top-1", file)
            .isEqualTo(image.get("top1").asText());
      }
      agree++;
    }
    System.out.printf(
        "nsfwjs parity %s: %d images, top-1 agrees on %d, max |p_onnx - p_nsfwjs| = %.3g (%s);"
            + " session, a batch of %d and %d alone in %d ms%n",
        model.bundledName(),
        images.size(),
        agree,
        maxDiff,
        worst,
        images.size(),
        single.length,
        millis);
  }

  /**
   * Square RGB bytes from {@code from} to {@code to} pixels a side, bilinear with aligned corners,
   * in integers, exactly as {@code upscale()} in {@code models/parity/reference.js}: output pixel
   * {@code d} samples source position {@code d * (from - 1) / (to - 1)}, the weights are in {@code
   * (to - 1)}ths and the sum is rounded half up.
   */
  static byte[] upscale(byte[] rgb, int from, int to) {
    int den = to - 1;
    byte[] out = new byte[3 * to * to];
    for (int y = 0; y < to; y++) {
      int y0 = y * (from - 1) / den;
      int fy = y * (from - 1) - y0 * den;
      int y1 = Math.min(y0 + 1, from - 1);
      for (int x = 0; x < to; x++) {
        int x0 = x * (from - 1) / den;
        int fx = x * (from - 1) - x0 * den;
        int x1 = Math.min(x0 + 1, from - 1);
        for (int c = 0; c < 3; c++) {
          int sum =
              (rgb[(y0 * from + x0) * 3 + c] & 0xff) * (den - fy) * (den - fx)
                  + (rgb[(y0 * from + x1) * 3 + c] & 0xff) * (den - fy) * fx
                  + (rgb[(y1 * from + x0) * 3 + c] & 0xff) * fy * (den - fx)
                  + (rgb[(y1 * from + x1) * 3 + c] & 0xff) * fy * fx;
          out[(y * to + x) * 3 + c] = (byte) ((sum + den * den / 2) / (den * den));
        }
      }
    }
    return out;
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

  /** The PNG's R, G, B bytes, row by row (what pngjs gives on the Node side, minus alpha). */
  private static byte[] decodeRgb(String name) throws IOException {
    BufferedImage img;
    try (InputStream in = resourceStream(name)) {
      img = ImageIO.read(in);
    }
    assertThat(img.getWidth()).isEqualTo(IMAGE_SIZE);
    assertThat(img.getHeight()).isEqualTo(IMAGE_SIZE);
    assertThat(img.getColorModel().getNumComponents()).as(name + " is 8-bit RGB").isEqualTo(3);
    Raster r = img.getRaster();
    byte[] rgb = new byte[3 * img.getWidth() * img.getHeight()];
    int[] px = new int[3];
    int o = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        r.getPixel(x, y, px);
        rgb[o++] = (byte) px[0];
        rgb[o++] = (byte) px[1];
        rgb[o++] = (byte) px[2];
      }
    }
    return rgb;
  }

  private static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = resourceStream(name)) {
      return in.readAllBytes();
    }
  }

  private static InputStream resourceStream(String name) throws IOException {
    InputStream in = NsfwjsParityTest.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IOException("test resource " + name + " is missing");
    }
    return in;
  }
}
