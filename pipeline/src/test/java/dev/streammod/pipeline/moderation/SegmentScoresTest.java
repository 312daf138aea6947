package dev.streammod.pipeline.moderation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SegmentScoresTest {
  private static final List<String> LABELS = List.of("Drawing", "Hentai", "Neutral", "Porn", "Sexy");
  private final SegmentScores.Scoring scoring = new SegmentScores.Scoring(LABELS, Set.of("Porn", "Hentai"));

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
  void worstFrameIsTheOneWhoseRiskLabelsSumHighest() {
    float[][] frames = {
      {0.0f, 0.0f, 0.1f, 0.0f, 0.9f}, // Sexy is not a risk label here
      {0.0f, 0.2f, 0.5f, 0.3f, 0.0f}, // risk 0.5
      {0.0f, 0.0f, 0.6f, 0.4f, 0.0f}, // risk 0.4
    };
    SegmentScores s = scoring.score(frames, new long[] {0, 2_000_500, 4_000_000});
    assertThat(s.worstFrame()).isEqualTo(1);
    assertThat(s.worstFrameOffsetMs()).isEqualTo(2000);
  }

  @Test
  void withoutRiskLabelsTheFirstFrameIsTheWorst() {
    SegmentScores s =
        new SegmentScores.Scoring(LABELS, Set.of())
            .score(new float[][] {{0, 0, 1, 0, 0}, {0, 0, 0, 1, 0}}, new long[] {500_000, 900_000});
    assertThat(s.worstFrame()).isZero();
    assertThat(s.worstFrameOffsetMs()).isEqualTo(500);
  }

  @Test
  void noFramesHasNoWorstFrame() {
    SegmentScores s = scoring.score(new float[0][], new long[0]);
    assertThat(s.frames()).isZero();
    assertThat(s.worstFrame()).isEqualTo(-1);
    assertThat(s.worstFrameOffsetMs()).isEqualTo(-1);
    assertThat(s.max()).containsOnly(0f);
  }

  @Test
  void shapesThatDoNotMatchAreRefused() {
    assertThatThrownBy(() -> scoring.score(new float[][] {{0.5f, 0.5f}}, new long[] {0}))
        .hasMessageContaining("frame 0 has 2 scores for 5 labels");
    assertThatThrownBy(() -> scoring.score(new float[][] {{0, 0, 1, 0, 0}}, new long[0]))
        .hasMessageContaining("1 score rows for 0 frame times");
  }
}
