package dev.streammod.pipeline.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.connectors.avro.DeadLetter;
import dev.streammod.connectors.avro.Decision;
import dev.streammod.connectors.avro.ModerationVerdict;
import dev.streammod.pipeline.moderation.SegmentResult.Failed;
import dev.streammod.pipeline.moderation.SegmentResult.ModelRef;
import dev.streammod.pipeline.moderation.SegmentResult.Scored;
import dev.streammod.pipeline.moderation.SegmentResult.SegmentId;
import dev.streammod.pipeline.moderation.SegmentResult.Timings;
import dev.streammod.pipeline.policy.Policy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class VerdictsTest {
  @Test
  void scoredSegmentBecomesPolicyDecision() {
    SegmentScores scores =
        new SegmentScores.Scoring("colour-stats", List.of("neutral", "red"), Policy.colourStatsDefault())
            .score(new float[][] {{0.1f, 0.5f}, {0.05f, 0.95f}}, new long[] {0, 1_000_000});
    Scored s =
        new Scored(
            new SegmentId("s1", 7, "video.segments", 0, 0, 1_000),
            new ModelRef("colour-stats", "1"),
            scores,
            false,
            2,
            0,
            Timings.NONE);
    ModerationVerdict v = Verdicts.verdict(s, 1_250);
    assertThat(v.getDecision()).isEqualTo(Decision.BLOCK);
    assertThat(v.getRule()).isEqualTo("red-block");
    assertThat(v.getScores()).containsEntry("red", 0.95f).containsEntry("neutral", 0.1f);
    assertThat(v.getWorstFrameOffsetMs()).isEqualTo(1000L);
    assertThat(v.getWorstFrameScores()).containsEntry("red", 0.95f).containsEntry("neutral", 0.05f);
    assertThat(v.getIngestToVerdictMs()).isEqualTo(250L);
    assertThat(v.getModelName()).isEqualTo("colour-stats");
    assertThat(v.getErrorCode()).isNull();
  }

  @Test
  void aSecondOpinionDecidesAndTheVerdictRecordsBothModels() {
    SegmentScores scores =
        new SegmentScores.Scoring("colour-stats", List.of("neutral", "red"), Policy.colourStatsDefault())
            .score(new float[][] {{0.05f, 0.95f}}, new long[] {500_000});
    Scored s =
        new Scored(
                new SegmentId("s1", 8, "video.segments", 0, 0, 0),
                new ModelRef("colour-stats", "1"),
                scores,
                false,
                1,
                0,
                Timings.NONE)
            .withSecond(
                new SecondOpinion(
                    new ModelRef("second", "4"),
                    Cascade.Mode.CONFIRM,
                    Decision.REVIEW,
                    Cascade.DecidedBy.DISAGREEMENT,
                    Policy.DEFAULT_RULE,
                    1,
                    0,
                    new String[] {"neutral", "red"},
                    new float[] {0.7f, 0.3f},
                    4.0,
                    null));
    ModerationVerdict v = Verdicts.verdict(s, 0);
    assertThat(v.getDecision()).isEqualTo(Decision.REVIEW);
    assertThat(v.getFrameDecision()).isEqualTo(Decision.REVIEW);
    assertThat(v.getRule()).as("the first model's rule").isEqualTo("red-block");
    assertThat(v.getModelVersion()).isEqualTo("1");
    assertThat(v.getDecidedBy()).isEqualTo("DISAGREEMENT");
    assertThat(v.getSecondModelName()).isEqualTo("second");
    assertThat(v.getSecondModelVersion()).isEqualTo("4");
    assertThat(v.getSecondFrames()).isEqualTo(1);
    assertThat(v.getSecondScores()).containsEntry("neutral", 0.7f).containsEntry("red", 0.3f);
    assertThat(v.getWorstFrameScores()).containsEntry("red", 0.95f);
    assertThat(Verdicts.verdict(s.withSecond(null), 0).getDecidedBy()).isNull();
  }

  @Test
  void failureBecomesErrorVerdictAndDeadLetterWithOriginalBytes() {
    Failed s =
        new Failed(
            new SegmentId("s2", 3, "video.segments", 1, 42, 0),
            new ModelRef("colour-stats", "1"),
            Stage.DECODE,
            ErrorCode.CORRUPT_CONTAINER,
            "avformat_open_input returned -1094995529",
            "s2".getBytes(StandardCharsets.UTF_8),
            new byte[] {1, 2, 3},
            0,
            Timings.NONE);
    ModerationVerdict v = Verdicts.verdict(s, 10);
    assertThat(v.getDecision()).isEqualTo(Decision.ERROR);
    assertThat(v.getErrorCode()).isEqualTo("DECODE/CORRUPT_CONTAINER");
    assertThat(v.getErrorMessage()).contains("avformat_open_input");
    assertThat(v.getWorstFrameScores()).isEmpty();
    DeadLetter d = Verdicts.deadLetter(s, 10);
    assertThat(d.getStage()).isEqualTo("DECODE");
    assertThat(d.getSourceOffset()).isEqualTo(42);
    assertThat(d.getSequence()).isEqualTo(3L);
    assertThat(d.getValue().remaining()).isEqualTo(3);
  }
}
