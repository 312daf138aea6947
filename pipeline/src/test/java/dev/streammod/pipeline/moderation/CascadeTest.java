package dev.streammod.pipeline.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.connectors.avro.Decision;
import dev.streammod.pipeline.moderation.SegmentResult.ModelRef;
import dev.streammod.pipeline.policy.Policy;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CascadeTest {
  private static final List<String> LABELS = List.of("neutral", "red");
  private static final Policy RULES = Policy.colourStatsDefault(); // red >= 0.8 BLOCK, >= 0.5 REVIEW
  private static final float[][] FIRST = {{0.1f, 0.9f}, {0.9f, 0.1f}, {0.4f, 0.6f}}; // BLOCK, ALLOW, REVIEW

  private static Cascade cascade(Cascade.Mode mode) {
    return new Cascade(mode, RULES.bind(LABELS, "first"), new ModelRef("second", "2"), LABELS, RULES);
  }

  @Test
  void onlyTheFramesTheFirstModelFlagsAreAsked() {
    assertThat(cascade(Cascade.Mode.CONFIRM).flagged(FIRST)).containsExactly(0, 2);
  }

  @Test
  void confirmNeverBlocksOnADisagreementAndNeverAllowsAFlaggedFrame() {
    SecondOpinion o = cascade(Cascade.Mode.CONFIRM).combine(FIRST, new int[] {0, 2}, new float[][] {{1f, 0f}, {0f, 1f}}, 3.0);
    assertThat(o.decision()).isEqualTo(Decision.REVIEW);
    assertThat(o.frame()).as("the first frame at the worst decision").isZero();
    assertThat(o.decidedBy()).isEqualTo(Cascade.DecidedBy.DISAGREEMENT);
    assertThat(o.framesAsked()).isEqualTo(2);
    assertThat(o.scoreMap()).containsEntry("neutral", 1f);
  }

  @Test
  void vetoTakesTheSecondModelsWorstFrame() {
    SecondOpinion o = cascade(Cascade.Mode.VETO).combine(FIRST, new int[] {0, 2}, new float[][] {{1f, 0f}, {0f, 1f}}, 3.0);
    assertThat(o.decision()).isEqualTo(Decision.BLOCK);
    assertThat(o.frame()).isEqualTo(2);
    assertThat(o.rule()).isEqualTo("red-block");
    assertThat(o.decidedBy()).isEqualTo(Cascade.DecidedBy.SECOND);
  }

  @Test
  void agreementIsRecordedAsBoth() {
    SecondOpinion o = cascade(Cascade.Mode.CONFIRM).combine(FIRST, new int[] {0}, new float[][] {{0f, 1f}}, 1.0);
    assertThat(o.decision()).isEqualTo(Decision.BLOCK);
    assertThat(o.decidedBy()).isEqualTo(Cascade.DecidedBy.BOTH);
  }
}
