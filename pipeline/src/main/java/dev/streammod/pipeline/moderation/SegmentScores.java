package dev.streammod.pipeline.moderation;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A segment's scores from its sampled frames: the maximum of each label over the frames, the top
 * label of those maxima, and the worst frame, the one whose risk labels (those the policy acts on)
 * sum highest. The job, {@code classify} and the bench score segments with {@link Scoring#score}.
 *
 * @param labels the model's labels, in its output order
 * @param max per label, the maximum over the frames; all 0 when no frame was sampled
 * @param frames frames scored
 * @param worstFrame index of the worst frame; -1 when no frame was sampled
 * @param worstFrameOffsetMs media time of the worst frame; -1 when no frame was sampled
 */
public record SegmentScores(
    String[] labels, float[] max, int frames, int worstFrame, long worstFrameOffsetMs) {

  public SegmentScores {
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(max, "max");
    if (labels.length != max.length || labels.length == 0) {
      throw new IllegalArgumentException(
          "labels and max must have the same, non-zero length, got " + labels.length + " and " + max.length);
    }
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
    Map<String, Float> m = new LinkedHashMap<>();
    for (int l = 0; l < labels.length; l++) {
      m.put(labels[l], max[l]);
    }
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SegmentScores s
        && Arrays.equals(labels, s.labels)
        && Arrays.equals(max, s.max)
        && frames == s.frames
        && worstFrame == s.worstFrame
        && worstFrameOffsetMs == s.worstFrameOffsetMs;
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(max) + Objects.hash(frames, worstFrame, worstFrameOffsetMs);
  }

  @Override
  public String toString() {
    return "top=" + topLabel() + ":" + topScore() + ", frames=" + frames + ", worst@" + worstFrameOffsetMs + "ms";
  }

  /** Scores frames of one model for one policy's risk labels; immutable and thread-safe. */
  public static final class Scoring {
    private final String[] labels;
    private final boolean[] risk;

    /**
     * @param labels the model's labels, in its output order
     * @param riskLabels labels whose summed score picks the worst frame
     */
    public Scoring(List<String> labels, Collection<String> riskLabels) {
      this.labels = labels.toArray(new String[0]);
      this.risk = new boolean[this.labels.length];
      for (int l = 0; l < this.labels.length; l++) {
        risk[l] = riskLabels.contains(this.labels[l]);
      }
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
      int worst = -1;
      float worstRisk = Float.NEGATIVE_INFINITY;
      for (int f = 0; f < perFrame.length; f++) {
        float[] row = perFrame[f];
        if (row.length != labels.length) {
          throw new IllegalArgumentException(
              "frame " + f + " has " + row.length + " scores for " + labels.length + " labels");
        }
        float sum = 0f;
        for (int l = 0; l < labels.length; l++) {
          if (row[l] > max[l]) {
            max[l] = row[l];
          }
          if (risk[l]) {
            sum += row[l];
          }
        }
        if (sum > worstRisk) {
          worstRisk = sum;
          worst = f;
        }
      }
      long worstMs = worst < 0 ? -1 : frameTimesMicros[worst] / 1000;
      return new SegmentScores(labels, max, perFrame.length, worst, worstMs);
    }
  }
}
