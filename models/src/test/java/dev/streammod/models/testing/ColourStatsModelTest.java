package dev.streammod.models.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.streammod.models.EngineOptions;
import dev.streammod.models.ExecutionDevice;
import dev.streammod.models.Frames;
import dev.streammod.models.InferenceEngine;
import dev.streammod.models.ModelArtifact;
import dev.streammod.models.ModelRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ColourStatsModelTest {
  private static final int W = 32;
  private static final int H = 24;

  @TempDir static Path repo;
  private static InferenceEngine engine;

  @BeforeAll
  static void open() {
    ModelArtifact artifact = ModelArtifact.load(ColourStatsModel.write(repo, W, H));
    engine =
        InferenceEngine.open(artifact, EngineOptions.builder().device(ExecutionDevice.CPU).build());
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  private static float red(byte[] frame) {
    float[][] s = engine.infer(frame, 0, 1);
    assertThat(s[0][0] + s[0][1]).isCloseTo(1f, within(1e-5f));
    return s[0][1];
  }

  @Test
  void saturatedRedIsRed() {
    assertThat(red(Frames.solid(W, H, 217, 38, 38))).isGreaterThan(0.99f);
    assertThat(red(Frames.solid(W, H, 255, 0, 0))).isGreaterThan(0.99f);
  }

  @Test
  void greyGreenBlueWhiteBlackAndNoiseAreNeutral() {
    assertThat(red(Frames.solid(W, H, 128, 128, 128))).isLessThan(0.05f);
    assertThat(red(Frames.solid(W, H, 0, 255, 0))).isLessThan(0.05f);
    assertThat(red(Frames.solid(W, H, 0, 0, 255))).isLessThan(0.05f);
    assertThat(red(Frames.solid(W, H, 255, 255, 255))).isLessThan(0.05f);
    assertThat(red(Frames.solid(W, H, 0, 0, 0))).isLessThan(0.05f);
    assertThat(red(Frames.noise(W, H, 42))).isLessThan(0.05f);
  }

  @Test
  void matchesTheFormulaComputedByHand() {
    int[][] colours = {{200, 60, 40}, {180, 90, 90}, {160, 80, 100}, {100, 30, 0}, {150, 100, 60}};
    byte[][] frames = new byte[colours.length + 1][];
    for (int i = 0; i < colours.length; i++) {
      frames[i] = Frames.solid(W, H, colours[i][0], colours[i][1], colours[i][2]);
    }
    frames[colours.length] = Frames.noise(W, H, 7);
    float[][] scores = engine.infer(Frames.concat(frames), 0, frames.length);
    for (int i = 0; i < frames.length; i++) {
      double[] m = Frames.means(frames[i]);
      double margin = 20 * (m[0] - 0.5 * m[1] - 0.5 * m[2]) - 6;
      double expected = 1 / (1 + Math.exp(-margin));
      assertThat((double) scores[i][1]).as("frame %d", i).isCloseTo(expected, within(1e-4));
      assertThat(ColourStatsModel.redProbability(m[0], m[1], m[2]))
          .isCloseTo(expected, within(1e-12));
    }
  }

  @Test
  void writeIsIdempotentAndResolvable() throws Exception {
    Path model = repo.resolve("colour-stats/1/model.onnx");
    FileTime old = FileTime.fromMillis(1_000_000L);
    Files.setLastModifiedTime(model, old);
    ModelArtifact again = ModelArtifact.load(ColourStatsModel.write(repo, W, H));
    assertThat(Files.getLastModifiedTime(model)).isEqualTo(old);
    ModelArtifact resolved = new ModelRepository(repo).resolve(ColourStatsModel.NAME);
    assertThat(resolved).isEqualTo(again);
    assertThat(resolved.config().labels()).containsExactly("neutral", "red");
  }
}
