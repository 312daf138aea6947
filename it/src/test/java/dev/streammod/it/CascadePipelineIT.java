package dev.streammod.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.cli.demo.SegmentKind;
import dev.streammod.cli.demo.SyntheticStreams;
import dev.streammod.cli.demo.VerdictTally;
import dev.streammod.connectors.avro.Decision;
import dev.streammod.connectors.avro.ModerationVerdict;
import dev.streammod.models.onnx.OnnxWriter;
import dev.streammod.models.testing.ColourStatsModel;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The second-opinion cascade through the real parts: the colour-statistics model at 64x64 (version
 * 1) decides first; frames it flags go to the same model at 32x32 (version 2, its own shared
 * batcher and its own decode of the segment). Red segments are asked about and confirmed, and carry
 * their deciding frame as a thumbnail; neutral segments never reach the second model and carry none.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CascadePipelineIT {
  private static final int STREAMS = 5;
  private static final int SEGMENTS_PER_STREAM = 6;

  @TempDir Path work;

  @Test
  void flaggedSegmentsGetASecondOpinionAndTheVerdictRecordsBothModels() throws Exception {
    Path version2 = work.resolve("models").resolve(ColourStatsModel.NAME).resolve("2");
    OnnxWriter.writeAtomically(version2.resolve("model.onnx"), ColourStatsModel.onnx(32, 32));
    OnnxWriter.writeAtomically(
        version2.resolve("config.yaml"),
        ColourStatsModel.configYaml(32, 32).replace("version: \"1\"", "version: \"2\"").getBytes(StandardCharsets.UTF_8));
    try (RunningPipeline pipeline =
            RunningPipeline.builder()
                .partitions(2)
                .colourStatsModel(work)
                .set("stats.enabled", "false")
                .set("model.version", "1")
                .set("cascade.enabled", "true")
                .set("cascade.model", ColourStatsModel.NAME)
                .set("cascade.version", "2")
                .set("cascade.mode", "confirm")
                .set("evidence.enabled", "true")
                .set("evidence.max-dimension", "160")
                .start();
        VerdictTally tally = pipeline.publishSyntheticStreams(STREAMS, SEGMENTS_PER_STREAM)) {
      RunningPipeline.awaitVerdicts(tally, (long) STREAMS * SEGMENTS_PER_STREAM, Duration.ofMinutes(3));
      assertThat(tally.missing()).isZero();
      assertThat(tally.duplicated()).isZero();

      int asked = 0;
      for (int s = 0; s < STREAMS; s++) {
        for (int seq = 0; seq < SEGMENTS_PER_STREAM; seq++) {
          SegmentKind kind = SegmentKind.of(s, seq);
          ModerationVerdict v = tally.verdictOf(SyntheticStreams.streamId(s), seq);
          String where = v.getStreamId() + "#" + seq + " (" + kind + ")";
          assertThat(v.getDecision()).as(where).isEqualTo(kind.expected());
          assertThat(v.getModelVersion()).as(where).isEqualTo("1");
          if (kind == SegmentKind.RED) {
            asked++;
            assertThat(v.getDecidedBy()).as(where).isEqualTo("BOTH");
            assertThat(v.getSecondModelName()).as(where).isEqualTo(ColourStatsModel.NAME);
            assertThat(v.getSecondModelVersion()).as(where).isEqualTo("2");
            assertThat(v.getSecondFrames()).as(where + ": both key frames are red").isEqualTo(2);
            assertThat(v.getSecondScores().get("red")).as(where).isGreaterThan(0.8f);
            assertThat(v.getSecondRule()).as(where).isEqualTo("red-block");
            assertThat(v.getSecondError()).as(where).isNull();
            // The deciding frame as a thumbnail: 320x240 fitted into 160, the red scene.
            assertThat(v.getEvidenceError()).as(where).isNull();
            byte[] jpeg = new byte[v.getEvidenceJpeg().remaining()];
            v.getEvidenceJpeg().duplicate().get(jpeg);
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(jpeg));
            assertThat(img.getWidth()).as(where).isEqualTo(160);
            assertThat(img.getHeight()).as(where).isEqualTo(120);
            int p = img.getRGB(80, 60);
            assertThat((p >> 16) & 0xff).as(where + ": red").isGreaterThan(((p >> 8) & 0xff) + 50);
          } else {
            assertThat(v.getDecidedBy()).as(where + ": never asked").isNull();
            assertThat(v.getSecondModelName()).as(where).isNull();
            assertThat(v.getSecondFrames()).as(where).isZero();
            assertThat(v.getEvidenceJpeg()).as(where + ": no evidence for ALLOW").isNull();
          }
        }
      }
      assertThat(asked).as("the plan holds red segments").isPositive();
      assertThat(tally.verdictOf(SyntheticStreams.streamId(0), 0).getDecision()).isEqualTo(Decision.ALLOW);
    }
  }
}
