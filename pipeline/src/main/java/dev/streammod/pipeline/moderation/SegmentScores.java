package dev.streammod.pipeline.moderation;

import dev.streammod.connectors.avro.Decision;
import dev.streammod.pipeline.policy.Policy;
import dev.streammod.pipeline.policy.PolicyOutcome;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A segment's scores from its sampled frames and the policy's outcome: the maximum of each label
 * over the frames, the top label of those maxima, and the frame that decided, with its own scores
 * and media time. The policy judges each frame alone ({@link Policy}); the maxima are for reading
 * only and never decide. The job, {@code classify} and the bench score segments with {@link
 * Scoring#score}.
 *
 * @param labels the model's labels, in its output order
 * @param max per label, the maximum over the frames; all 0 when no frame was sampled
 * @param frames frames scored
 * @param outcome the policy's decision, rule and the index of the frame that decided
 * @param worstFrameOffsetMs media time of the frame that decided; -1 when no frame was sampled
 * @param worstFrameScores that frame's scores, one per label; all 0 when no frame was sampled
 */
public record SegmentScores(
    String[] labels,
    float[] max,
    int frames,
    PolicyOutcome outcome,
    long worstFrameOffsetMs,
    float[] worstFrameScores) {

  public SegmentScores {
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(max, "max");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(worstFrameScores, "worstFrameScores");
    if (labels.length != max.length || labels.length != worstFrameScores.length || labels.length == 0) {
      throw new IllegalArgumentException(
          "labels, max and worstFrameScores must have the same, non-zero length, got "
              + labels.length
              + ", "
              + max.length
              + " and "
              + worstFrameScores.length);
    }
  }

  /** Index of the frame that decided; -1 when no frame was sampled. */
  public int worstFrame() {
    return outcome.frame();
  }

  public Decision decision() {
    return outcome.decision();
  }

  /** Index of the highest maximum (the first of equals). */
  public int top() {
    int top = 0;
    for (int l = 1; l < max.length; l++) {
      if (max[l] > max[top]) {
        top = l;
      }
    }
    return top;
  }

  public String topLabel() {
    return labels[top()];
  }

  public float topScore() {
    return max[top()];
  }

  /** Label to maximum, in the model's order. */
  public Map<String, Float> asMap() {
    return toMap(labels, max);
  }

  /** Label to the deciding frame's score, in the model's order; empty when no frame was sampled. */
  public Map<String, Float> worstFrameMap() {
    return frames == 0 ? Map.of() : toMap(labels, worstFrameScores);
  }

  private static Map<String, Float> toMap(String[] labels, float[] values) {
    Map<String, Float> m = new LinkedHashMap<>();
    for (int l = 0; l < labels.length; l++) {
      m.put(labels[l], values[l]);
    }
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SegmentScores s
        && Arrays.equals(labels, s.labels)
        && Arrays.equals(max, s.max)
        && frames == s.frames
        && outcome.equals(s.outcome)
        && worstFrameOffsetMs == s.worstFrameOffsetMs
        && Arrays.equals(worstFrameScores, s.worstFrameScores);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(max) + Objects.hash(frames, outcome, worstFrameOffsetMs);
  }

  @Override
  public String toString() {
    return outcome.decision()
        + " by "
        + outcome.rule()
        + ", top="
        + topLabel()
        + ":"
        + topScore()
        + ", frames="
        + frames
        + ", worst@"
        + worstFrameOffsetMs
        + "ms";
  }

  /** Scores frames of one model under one policy; immutable and thread-safe. */
  public static final class Scoring {
    private final String[] labels;
    private final Policy.Bound policy;

    /**
     * @param modelName for messages
     * @param labels the model's labels, in its output order
     * @param policy the rules; each label they name must be one of {@code labels}
     */
    public Scoring(String modelName, List<String> labels, Policy policy) {
      this.labels = labels.toArray(new String[0]);
      this.policy = policy.bind(labels, modelName);
    }

    /**
     * @param perFrame one row of label scores per frame
     * @param frameTimesMicros media time of each frame, as the decoder reports it (at least one
     *     per row)
     */
    public SegmentScores score(float[][] perFrame, long[] frameTimesMicros) {
      if (frameTimesMicros.length < perFrame.length) {
        throw new IllegalArgumentException(
            perFrame.length + " score rows for " + frameTimesMicros.length + " frame times");
      }
      float[] max = new float[labels.length];
      for (int f = 0; f < perFrame.length; f++) {
        float[] row = perFrame[f];
        if (row.length != labels.length) {
          throw new IllegalArgumentException(
              "frame " + f + " has " + row.length + " scores for " + labels.length + " labels");
        }
        for (int l = 0; l < labels.length; l++) {
          if (row[l] > max[l]) {
            max[l] = row[l];
          }
        }
      }
      PolicyOutcome outcome = policy.evaluate(perFrame);
      int worst = outcome.frame();
      long worstMs = worst < 0 ? -1 : frameTimesMicros[worst] / 1000;
      float[] worstScores = worst < 0 ? new float[labels.length] : perFrame[worst].clone();
      return new SegmentScores(labels, max, perFrame.length, outcome, worstMs, worstScores);
    }
  }
}
