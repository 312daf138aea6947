package dev.streammod.cli.classify;

import dev.streammod.models.ModelArtifact;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.connectors.avro.Decision;
import dev.streammod.decoders.SamplingPolicy;
import dev.streammod.decoders.synthetic.SceneKind;
import dev.streammod.decoders.synthetic.SyntheticSegments;
import dev.streammod.models.EngineOptions;
import dev.streammod.models.ExecutionDevice;
import dev.streammod.models.InferenceEngine;
import dev.streammod.models.testing.ColourStatsModel;
import dev.streammod.pipeline.moderation.Cascade;
import dev.streammod.pipeline.moderation.EvidenceSettings;
import dev.streammod.pipeline.policy.Policy;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Classification of files through a real ONNX Runtime session and real FFmpeg decoding. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClassifierTest {
  @TempDir static Path dir;
  private static InferenceEngine engine;
  private static Classifier classifier;

  @BeforeAll
  static void setUp() {
    engine =
        InferenceEngine.open(
            ModelArtifact.load(ColourStatsModel.write(dir.resolve("models"), 64, 64)),
            EngineOptions.builder().device(ExecutionDevice.CPU).build());
    classifier = new Classifier(engine, Policy.colourStatsDefault(), SamplingPolicy.keyframes(), 8);
  }

  @AfterAll
  static void tearDown() {
    engine.close();
  }

  private static Path image(String name, Color color, int w, int h, String format) throws Exception {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, w, h);
    g.setColor(color.darker());
    g.fillOval(w / 4, h / 4, w / 2, h / 2);
    g.dispose();
    Path p = dir.resolve(name);
    ImageIO.write(img, format, p.toFile());
    return p;
  }

  @Test
  void redImageIsBlocked() throws Exception {
    Classifier.Result r = classifier.classify(image("red.png", new Color(230, 30, 30), 300, 200, "png"));
    assertThat(r.failed()).isFalse();
    assertThat(r.kind()).isEqualTo("image");
    assertThat(r.framesSampled()).isEqualTo(1);
    assertThat(r.topLabel()).isEqualTo("red");
    assertThat(r.scores()).containsOnlyKeys("neutral", "red");
    assertThat(r.outcome().decision()).isEqualTo(Decision.BLOCK);
    assertThat(r.outcome().rule()).isEqualTo("red-block");
  }

  @Test
  void aSecondOpinionAndEvidenceForFlaggedFilesOnly() throws Exception {
    Path evidence = dir.resolve("evidence");
    try (InferenceEngine second =
        InferenceEngine.open(
            ModelArtifact.load(ColourStatsModel.write(dir.resolve("second"), 32, 32)),
            EngineOptions.builder().device(ExecutionDevice.CPU).build())) {
      Classifier cascade =
          new Classifier(
              engine,
              Policy.colourStatsDefault(),
              SamplingPolicy.keyframes(),
              8,
              new Classifier.SecondModel(second, Cascade.Mode.CONFIRM, Policy.colourStatsDefault()),
              new EvidenceSettings(160, 16_384, evidence));

      Classifier.Result red = cascade.classify(image("red2.png", new Color(230, 30, 30), 640, 480, "png"));
      assertThat(red.decision()).isEqualTo(Decision.BLOCK);
      assertThat(red.second().decidedBy()).isEqualTo(Cascade.DecidedBy.BOTH);
      assertThat(red.second().framesAsked()).isEqualTo(1);
      Path thumb = evidence.resolve("red2.png.jpg");
      assertThat(red.evidence().uri()).isEqualTo(thumb.toUri().toString());
      BufferedImage t = ImageIO.read(thumb.toFile());
      assertThat(t.getWidth()).isEqualTo(160);
      assertThat(t.getHeight()).isEqualTo(120);

      byte[] ts = SyntheticSegments.h264TransportStream(SceneKind.RED, 320, 240, 15, 2.0, 3, 0);
      Path video = dir.resolve("red-video.ts");
      Files.write(video, ts);
      Classifier.Result v = cascade.classify(video);
      assertThat(v.decision()).isEqualTo(Decision.BLOCK);
      assertThat(v.second().framesAsked()).isEqualTo(2);
      assertThat(ImageIO.read(evidence.resolve("red-video.ts.jpg").toFile()).getWidth()).isEqualTo(160);

      Classifier.Result grey = cascade.classify(image("grey2.png", new Color(128, 128, 128), 64, 64, "png"));
      assertThat(grey.decision()).isEqualTo(Decision.ALLOW);
      assertThat(grey.second()).isNull();
      assertThat(grey.evidence()).isNull();
      assertThat(evidence.resolve("grey2.png.jpg")).doesNotExist();
    }
  }

  @Test
  void greyJpegIsAllowed() throws Exception {
    Classifier.Result r = classifier.classify(image("grey.jpg", new Color(128, 128, 128), 64, 64, "jpg"));
    assertThat(r.outcome().decision()).isEqualTo(Decision.ALLOW);
    assertThat(r.scores().get("red")).isLessThan(0.05f);
  }

  @Test
  void imageAtModelSizeReachesTheModelUnchanged() {
    BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        img.setRGB(x, y, (x * 4) << 16 | (y * 4) << 8 | ((x + y) & 0xff));
      }
    }
    byte[] rgb = Classifier.rgbAtModelSize(img, 64, 64);
    int i = (10 * 64 + 20) * 3;
    assertThat(rgb[i] & 0xff).isEqualTo(80);
    assertThat(rgb[i + 1] & 0xff).isEqualTo(40);
    assertThat(rgb[i + 2] & 0xff).isEqualTo(30);
  }

  @Test
  void videoSegmentIsSampledAndScored() throws Exception {
    Path ts = dir.resolve("red.ts");
    Files.write(ts, SyntheticSegments.h264TransportStream(SceneKind.RED, 320, 240, 15, 2.0, 4, 0));
    Classifier.Result r = classifier.classify(ts);
    assertThat(r.failed()).isFalse();
    assertThat(r.kind()).isEqualTo("video");
    assertThat(r.framesSampled()).isEqualTo(2);
    assertThat(r.timestampsMs()).hasSize(2);
    assertThat(r.outcome().decision()).isEqualTo(Decision.BLOCK);
  }

  @Test
  void unreadableFilesGiveTypedErrors() throws Exception {
    Path fakePng = dir.resolve("fake.png");
    Files.writeString(fakePng, "not a png");
    assertThat(classifier.classify(fakePng).errorCode()).isEqualTo("UNREADABLE_IMAGE");
    Path garbage = dir.resolve("garbage.ts");
    Files.write(garbage, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    Classifier.Result r = classifier.classify(garbage);
    assertThat(r.failed()).isTrue();
    assertThat(r.errorMessage()).isNotBlank();
    assertThat(classifier.classify(dir.resolve("missing.mp4")).errorCode()).isEqualTo("READ_FAILED");
  }
}
