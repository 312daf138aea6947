package dev.streammod.pipeline.moderation;

import dev.streammod.connectors.avro.Decision;
import dev.streammod.pipeline.moderation.SegmentResult.ModelRef;
import dev.streammod.pipeline.policy.Policy;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A second opinion on the frames the first model's rules flag (REVIEW or BLOCK): only those frames
 * go to the second model, and the two models' frame decisions combine per frame:
 *
 * <ul>
 *   <li>{@link Mode#CONFIRM}: BLOCK only when both models' rules BLOCK the frame, otherwise REVIEW
 *       (the first model flagged it, so never ALLOW);
 *   <li>{@link Mode#VETO}: the second model's rules alone decide the frame, ALLOW included.
 * </ul>
 *
 * The segment takes the worst combined frame decision (frames the first model did not flag are
 * ALLOW). Immutable and thread-safe.
 */
public final class Cascade implements Serializable {
  private static final long serialVersionUID = 1L;

  public enum Mode {
    CONFIRM,
    VETO
  }

  /** Who the segment's decision follows, as the verdict's {@code decided_by} reads. */
  public enum DecidedBy {
    /** The second model was not asked (nothing flagged) or could not answer. */
    FIRST,
    /** Both models' rules gave the deciding frame the same decision. */
    BOTH,
    /** They disagreed and the second model decided (veto). */
    SECOND,
    /** They disagreed and the frame went to REVIEW (confirm). */
    DISAGREEMENT
  }

  private final Mode mode;
  private final ModelRef second;
  private final String[] secondLabels;
  private final Policy.Bound firstRules;
  private final Policy.Bound secondRules;

  /**
   * @param firstRules the first model's policy bound to its labels
   * @param second the second model
   * @param secondLabels its labels, in its output order
   * @param secondPolicy the rules its frames are judged by
   */
  public Cascade(Mode mode, Policy.Bound firstRules, ModelRef second, List<String> secondLabels, Policy secondPolicy) {
    this.mode = Objects.requireNonNull(mode, "mode");
    this.firstRules = Objects.requireNonNull(firstRules, "firstRules");
    this.second = Objects.requireNonNull(second, "second");
    this.secondLabels = secondLabels.toArray(new String[0]);
    this.secondRules = secondPolicy.bind(secondLabels, second.name());
  }

  public Mode mode() {
    return mode;
  }

  public ModelRef second() {
    return second;
  }

  /** Indices of the frames the first model's rules flag (REVIEW or BLOCK), in order. */
  public int[] flagged(float[][] firstScores) {
    int[] out = new int[firstScores.length];
    int n = 0;
    for (int f = 0; f < firstScores.length; f++) {
      if (firstRules.evaluateFrame(firstScores[f]).decision() != Decision.ALLOW) {
        out[n++] = f;
      }
    }
    return Arrays.copyOf(out, n);
  }

  /**
   * Combines both models on the flagged frames.
   *
   * @param firstScores the first model's scores, every frame
   * @param flagged the frames the second model scored ({@link #flagged})
   * @param secondScores its scores, one row per flagged frame
   * @param millis what the second opinion took (decode and inference)
   */
  public SecondOpinion combine(float[][] firstScores, int[] flagged, float[][] secondScores, double millis) {
    if (secondScores.length != flagged.length) {
      throw new IllegalArgumentException(
          "second model '" + second.name() + "' returned " + secondScores.length + " rows for " + flagged.length + " frames");
    }
    int deciding = -1;
    Decision worst = Decision.ALLOW;
    Decision firstAtDeciding = Decision.ALLOW;
    Decision secondAtDeciding = Decision.ALLOW;
    String rule = Policy.DEFAULT_RULE;
    for (int i = 0; i < flagged.length; i++) {
      Decision a = firstRules.evaluateFrame(firstScores[flagged[i]]).decision();
      var b = secondRules.evaluateFrame(secondScores[i]);
      Decision combined =
          switch (mode) {
            case CONFIRM -> a == Decision.BLOCK && b.decision() == Decision.BLOCK ? Decision.BLOCK : Decision.REVIEW;
            case VETO -> b.decision();
          };
      if (deciding < 0 || rank(combined) > rank(worst)) {
        deciding = i;
        worst = combined;
        firstAtDeciding = a;
        secondAtDeciding = b.decision();
        rule = b.rule();
      }
    }
    DecidedBy by =
        deciding < 0
            ? DecidedBy.FIRST
            : firstAtDeciding == secondAtDeciding
                ? DecidedBy.BOTH
                : mode == Mode.VETO ? DecidedBy.SECOND : DecidedBy.DISAGREEMENT;
    float[] secondRow = deciding < 0 ? new float[secondLabels.length] : secondScores[deciding].clone();
    return new SecondOpinion(
        second,
        mode,
        worst,
        by,
        rule,
        flagged.length,
        deciding < 0 ? -1 : flagged[deciding],
        secondLabels,
        secondRow,
        millis,
        null);
  }

  /** The second model could not answer: the first model's decision stands, and the verdict says why. */
  public SecondOpinion unavailable(Decision firstDecision, int asked, String reason, double millis) {
    return new SecondOpinion(
        second,
        mode,
        firstDecision,
        DecidedBy.FIRST,
        null,
        asked,
        -1,
        secondLabels,
        new float[secondLabels.length],
        millis,
        reason);
  }

  private static int rank(Decision d) {
    return switch (d) {
      case ALLOW -> 0;
      case REVIEW -> 1;
      case BLOCK -> 2;
      case ERROR -> -1;
    };
  }
}
