package dev.streammod.pipeline.moderation;

import dev.streammod.connectors.avro.Decision;
import dev.streammod.pipeline.moderation.SegmentResult.ModelRef;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the second model of a {@link Cascade} made of a segment's flagged frames, and the segment's
 * decision after combining both models.
 *
 * @param model the second model
 * @param mode how the two combined
 * @param decision the segment's decision after the cascade
 * @param decidedBy whom that decision follows
 * @param rule the second model's rule on the deciding frame ({@code default-allow} when none fired;
 *     null when it could not answer)
 * @param framesAsked frames sent to the second model
 * @param frame index (among all the segment's frames) of the deciding frame; -1 when none
 * @param labels the second model's labels
 * @param scores its scores of the deciding frame; all 0 when none
 * @param millis decode and inference for the second opinion
 * @param error why it could not answer; null when it did
 */
public record SecondOpinion(
    ModelRef model,
    Cascade.Mode mode,
    Decision decision,
    Cascade.DecidedBy decidedBy,
    String rule,
    int framesAsked,
    int frame,
    String[] labels,
    float[] scores,
    double millis,
    String error) {

  public SecondOpinion {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(decidedBy, "decidedBy");
    if (labels.length != scores.length) {
      throw new IllegalArgumentException(labels.length + " labels for " + scores.length + " scores");
    }
  }

  /** Label to the second model's score of the deciding frame; empty when it scored none. */
  public Map<String, Float> scoreMap() {
    Map<String, Float> m = new LinkedHashMap<>();
    if (frame >= 0) {
      for (int l = 0; l < labels.length; l++) {
        m.put(labels[l], scores[l]);
      }
    }
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecondOpinion s
        && model.equals(s.model)
        && mode == s.mode
        && decision == s.decision
        && decidedBy == s.decidedBy
        && Objects.equals(rule, s.rule)
        && framesAsked == s.framesAsked
        && frame == s.frame
        && Arrays.equals(labels, s.labels)
        && Arrays.equals(scores, s.scores)
        && Double.compare(millis, s.millis) == 0
        && Objects.equals(error, s.error);
  }

  @Override
  public int hashCode() {
    return Objects.hash(model, mode, decision, decidedBy, framesAsked, frame, Arrays.hashCode(scores));
  }

  @Override
  public String toString() {
    return model.name() + " " + mode + ": " + decision + " (" + decidedBy + ", " + framesAsked + " frames"
        + (error == null ? "" : ", " + error) + ")";
  }
}
