package dev.streammod.pipeline.moderation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streammod.pipeline.config.EvidenceOptions;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class EvidenceTest {
  private static final SegmentResult.SegmentId ID = new SegmentResult.SegmentId("../cam/7", 12, "t", 0, 0, 0);

  private static byte[] rgb(int w, int h, int r, int g, int b) {
    byte[] out = new byte[w * h * 3];
    for (int i = 0; i < w * h; i++) {
      out[3 * i] = (byte) r;
      out[3 * i + 1] = (byte) g;
      out[3 * i + 2] = (byte) b;
    }
    return out;
  }

  @Test
  void thumbnailsKeepTheShapeAndTheBound() {
    EvidenceSettings s = new EvidenceSettings(320, 32_768, null);
    assertThat(s.thumbnailSize(1280, 720)).containsExactly(320, 180);
    assertThat(s.thumbnailSize(720, 1280)).containsExactly(180, 320);
    assertThat(s.thumbnailSize(200, 100)).as("never enlarged").containsExactly(200, 100);
    assertThat(s.thumbnailSize(1280, 720, 90)).as("shown turned").containsExactly(180, 320);
  }

  @Test
  void anInlineThumbnailIsAJpegOfTheFrame() throws Exception {
    Evidence e = Evidence.of(rgb(64, 48, 230, 20, 20), 0, 64, 48, 1500, new EvidenceSettings(320, 32_768, null), ID);
    assertThat(e.error()).isNull();
    assertThat(e.uri()).isNull();
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(e.jpeg()));
    assertThat(img.getWidth()).isEqualTo(64);
    assertThat(img.getHeight()).isEqualTo(48);
    int p = img.getRGB(32, 24);
    assertThat((p >> 16) & 0xff).as("red").isGreaterThan(200);
    assertThat(p & 0xff).as("blue").isLessThan(60);
    assertThat(e.frameMs()).isEqualTo(1500);
  }

  @Test
  void qualityDropsUntilTheThumbnailFitsAndANoiseFrameThatNeverFitsSaysSo() {
    byte[] noise = new byte[320 * 240 * 3];
    new Random(1).nextBytes(noise);
    Evidence fits = Evidence.of(noise, 0, 320, 240, 0, new EvidenceSettings(320, 60_000, null), ID);
    assertThat(fits.error()).isNull();
    assertThat(fits.jpeg().length).isLessThanOrEqualTo(60_000);
    Evidence tooBig = Evidence.of(noise, 0, 320, 240, 0, new EvidenceSettings(320, 1024, null), ID);
    assertThat(tooBig.jpeg()).isNull();
    assertThat(tooBig.error()).contains("does not fit evidence.max-bytes (1024)");
  }

  @Test
  void aStoredThumbnailStaysInsideItsDirectoryWhateverTheStreamId(@TempDir Path dir) throws Exception {
    Evidence e = Evidence.of(rgb(32, 32, 0, 0, 255), 0, 32, 32, 0, new EvidenceSettings(320, 32_768, dir), ID);
    assertThat(e.jpeg()).isNull();
    Path file = Path.of(java.net.URI.create(e.uri()));
    assertThat(file.normalize()).startsWith(dir);
    assertThat(file.getFileName()).hasToString("12.jpg");
    assertThat(ImageIO.read(Files.newInputStream(file)).getWidth()).isEqualTo(32);
  }

  @Test
  void settingsAreCheckedWithTheirKeys() {
    assertThat(EvidenceOptions.off().toSettings()).isNull();
    assertThat(new EvidenceOptions(true, null, null, null).toSettings()).isEqualTo(new EvidenceSettings(320, 32_768, null));
    assertThatThrownBy(() -> new EvidenceOptions(true, 8, null, null))
        .hasMessage("evidence.max-dimension must be in [16, 1024], got 8");
    assertThatThrownBy(() -> new EvidenceOptions(true, null, 10, null))
        .hasMessage("evidence.max-bytes must be in [1024, 524288], got 10");
    assertThatThrownBy(() -> new EvidenceOptions(true, null, null, "s3://bucket/x"))
        .hasMessageContaining("evidence.store must be 'inline' or a file: URI of a directory")
        .hasMessageContaining("s3://bucket/x");
    assertThat(new EvidenceOptions(true, null, null, "file:///var/evidence").toSettings().directory())
        .isEqualTo(Path.of("/var/evidence"));
  }
}
