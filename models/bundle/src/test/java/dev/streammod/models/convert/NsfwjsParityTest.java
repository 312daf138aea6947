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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped model (converted by the build, loaded from the bundled repository, run through our
 * {@link InferenceEngine}) against probabilities that nsfwjs itself computed with TensorFlow.js on
 * the same pixels ({@code models/parity/reference.js}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NsfwjsParityTest {
  private static final String FIXTURE = "parity/nsfwjs-mobilenet-v2-reference.json";
  private static final double TOLERANCE = 1e-4;

  @TempDir java.nio.file.Path cache;

  @Test
  void convertedModelMatchesNsfwjsOnEveryImage() throws Exception {
    JsonNode fixture = new ObjectMapper().readTree(resource(FIXTURE));
    assertThat("nsfwjs@" + fixture.at("/versions/nsfwjs").asText())
        .as("the fixture was made with the pinned nsfwjs")
        .isEqualTo(NsfwjsMobileNetV2.PACKAGE.spec());
    assertThat(fixture.get("backend").asText()).isEqualTo("cpu");
    List<String> labels = new ArrayList<>();
    fixture.get("labels").forEach(l -> labels.add(l.asText()));
    assertThat(labels).isEqualTo(NsfwjsMobileNetV2.LABELS);

    JsonNode images = fixture.get("images");
    assertThat(images.size()).isGreaterThanOrEqualTo(12);
    int frame = 3 * NsfwjsMobileNetV2.SIZE * NsfwjsMobileNetV2.SIZE;
    byte[] batch = new byte[images.size() * frame];
    for (int i = 0; i < images.size(); i++) {
      JsonNode image = images.get(i);
      byte[] rgb = decodeRgb("parity/" + image.get("file").asText());
      assertThat(sha256(rgb))
          .as("%s decodes to the pixels nsfwjs saw", image.get("file").asText())
          .isEqualTo(image.get("rgbSha256").asText());
      System.arraycopy(rgb, 0, batch, i * frame, frame);
    }

    ModelArtifact artifact = BundledRepository.materialise(cache).resolve(NsfwjsMobileNetV2.NAME);
    float[][] batched;
    float[][] single = new float[images.size()][];
    try (InferenceEngine engine =
        InferenceEngine.open(
            artifact, EngineOptions.builder().device(ExecutionDevice.CPU).build())) {
      batched = engine.infer(batch, 0, images.size());
      for (int i = 0; i < images.size(); i++) {
        single[i] = engine.infer(batch, i * frame, 1)[0];
      }
    }

    double maxDiff = 0;
    String worst = "";
    int agree = 0;
    for (int i = 0; i < images.size(); i++) {
      JsonNode image = images.get(i);
      String file = image.get("file").asText();
      JsonNode expected = image.get("probabilities");
      for (float[] actual : new float[][] {batched[i], single[i]}) {
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
        "nsfwjs parity: %d images, top-1 agrees on %d, max |p_onnx - p_nsfwjs| = %.3g (%s)%n",
        images.size(), agree, maxDiff, worst);
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
    assertThat(img.getWidth()).isEqualTo(NsfwjsMobileNetV2.SIZE);
    assertThat(img.getHeight()).isEqualTo(NsfwjsMobileNetV2.SIZE);
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
