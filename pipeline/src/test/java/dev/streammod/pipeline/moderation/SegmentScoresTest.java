package dev.streammod.pipeline.moderation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streammod.connectors.avro.Decision;
import dev.streammod.pipeline.policy.Policy;
import dev.streammod.pipeline.policy.PolicyRule;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SegmentScoresTest {
  private static final List<String> LABELS = List.of("Drawing", "Hentai", "Neutral", "Porn", "Sexy");
  private static final Policy POLICY =
      new Policy(
          List.of(
              PolicyRule.of("explicit-block", Decision.BLOCK, 0.8, "Porn", "Hentai"),
              PolicyRule.of("explicit-review", Decision.REVIEW, 0.5, "Porn", "Hentai")));
  private final SegmentScores.Scoring scoring = new SegmentScores.Scoring("nsfw", LABELS, POLICY);

  @Test
  void maxPerLabelOverFramesAndTopLabelOfTheMaxima() {
    float[][] frames = {
      {0.1f, 0.0f, 0.8f, 0.05f, 0.05f},
      {0.0f, 0.1f, 0.2f, 0.3f, 0.4f},
    };
    SegmentScores s = scoring.score(frames, new long[] {0, 1_000_000});
    assertThat(s.max()).containsExactly(0.1f, 0.1f, 0.8f, 0.3f, 0.4f);
    assertThat(s.topLabel()).isEqualTo("Neutral");
    assertThat(s.topScore()).isEqualTo(0.8f);
    assertThat(s.frames()).isEqualTo(2);
    assertThat(s.asMap()).containsExactly(
        java.util.Map.entry("Drawing", 0.1f),
        java.util.Map.entry("Hentai", 0.1f),
        java.util.Map.entry("Neutral", 0.8f),
        java.util.Map.entry("Porn", 0.3f),
        java.util.Map.entry("Sexy", 0.4f));
  }

  @Test
  void theFrameThatDecidedIsNamedWithItsOwnScoresAndTime() {
    float[][] frames = {
      {0.0f, 0.0f, 0.1f, 0.0f, 0.9f}, // Sexy is named by no rule here
      {0.0f, 0.2f, 0.2f, 0.6f, 0.0f}, // Porn + Hentai 0.8: BLOCK
      {0.0f, 0.0f, 0.3f, 0.7f, 0.0f}, // 0.7: REVIEW
    };
    SegmentScores s = scoring.score(frames, new long[] {0, 2_000_500, 4_000_000});
    assertThat(s.decision()).isEqualTo(Decision.BLOCK);
    assertThat(s.outcome().rule()).isEqualTo("explicit-block");
    assertThat(s.worstFrame()).isEqualTo(1);
    assertThat(s.worstFrameOffsetMs()).isEqualTo(2000);
    assertThat(s.worstFrameScores()).containsExactly(0.0f, 0.2f, 0.2f, 0.6f, 0.0f);
    assertThat(s.worstFrameMap()).containsEntry("Porn", 0.6f).containsEntry("Hentai", 0.2f);
  }

  @Test
  void maximaFromDifferentFramesDoNotDecide() {
    float[][] frames = {
      {0.0f, 0.45f, 0.55f, 0.0f, 0.0f},
      {0.0f, 0.0f, 0.55f, 0.45f, 0.0f},
    };
    SegmentScores s = scoring.score(frames, new long[] {0, 1_000_000});
    assertThat(s.max()[1] + s.max()[3]).isGreaterThanOrEqualTo(0.8f);
    assertThat(s.decision()).isEqualTo(Decision.ALLOW);
  }

  @Test
  void withoutRulesEverySegmentIsAllowedAndTheFirstFrameIsTheWorst() {
    SegmentScores s =
        new SegmentScores.Scoring("nsfw", LABELS, new Policy(List.of()))
            .score(new float[][] {{0, 0, 1, 0, 0}, {0, 0, 0, 1, 0}}, new long[] {500_000, 900_000});
    assertThat(s.decision()).isEqualTo(Decision.ALLOW);
    assertThat(s.worstFrame()).isZero();
    assertThat(s.worstFrameOffsetMs()).isEqualTo(500);
  }

  @Test
  void aRuleNamingALabelTheModelLacksIsRefused() {
    Policy p = new Policy(List.of(PolicyRule.of("red-block", Decision.BLOCK, 0.5, "red")));
    assertThatThrownBy(() -> new SegmentScores.Scoring("nsfw", LABELS, p))
        .hasMessageContaining("'red-block'")
        .hasMessageContaining("'red'")
        .hasMessageContaining("'nsfw'");
  }

  @Test
  void noFramesHasNoWorstFrame() {
    SegmentScores s = scoring.score(new float[0][], new long[0]);
    assertThat(s.frames()).isZero();
    assertThat(s.worstFrame()).isEqualTo(-1);
    assertThat(s.worstFrameOffsetMs()).isEqualTo(-1);
    assertThat(s.max()).containsOnly(0f);
    assertThat(s.worstFrameMap()).isEmpty();
  }

  @Test
  void shapesThatDoNotMatchAreRefused() {
    assertThatThrownBy(() -> scoring.score(new float[][] {{0.5f, 0.5f}}, new long[] {0}))
        .hasMessageContaining("frame 0 has 2 scores for 5 labels");
    assertThatThrownBy(() -> scoring.score(new float[][] {{0, 0, 1, 0, 0}}, new long[0]))
        .hasMessageContaining("1 score rows for 0 frame times");
  }
}
