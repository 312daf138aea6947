package dev.streammod.decoders;

import java.util.Locale;

/**
 * Which frames of a segment are handed to the model.
 *
 * <p>{@link Keyframes} decodes only key frames (the decoder skips the others without decoding
 * them), so it is the cheapest policy. {@link FixedRate} decodes every frame and keeps the first
 * frame at or after each {@code 1/fps} boundary, measured from the first frame of the segment.
 */
public sealed interface SamplingPolicy permits SamplingPolicy.Keyframes, SamplingPolicy.FixedRate {

  /** Key frames only (one per GOP). */
  record Keyframes() implements SamplingPolicy {
    @Override
    public String toString() {
      return "keyframes";
    }
  }

  /** One frame per {@code 1 / framesPerSecond} seconds of media time. */
  record FixedRate(double framesPerSecond) implements SamplingPolicy {
    public FixedRate {
      if (!(framesPerSecond > 0) || Double.isInfinite(framesPerSecond)) {
        throw new IllegalArgumentException(
            "framesPerSecond must be a finite number > 0, but was " + framesPerSecond);
      }
    }

    /** Sampling interval in microseconds of media time. */
    public double intervalMicros() {
      return 1_000_000.0 / framesPerSecond;
    }

    @Override
    public String toString() {
      return "fps:" + formatRate(framesPerSecond);
    }
  }

  static SamplingPolicy keyframes() {
    return new Keyframes();
  }

  static SamplingPolicy fixedRate(double fps) {
    return new FixedRate(fps);
  }

  /**
   * Parses {@code "keyframes"} or {@code "fps:N"} (N a positive decimal such as {@code 2} or {@code
   * 0.5}); case and surrounding blanks are ignored. {@link #toString()} of a policy parses back to
   * an equal policy.
   *
   * @throws IllegalArgumentException naming the bad value
   */
  static SamplingPolicy parse(String s) {
    if (s == null) {
      throw new IllegalArgumentException(
          "sampling policy must be \"keyframes\" or \"fps:N\" with N > 0, but was null");
    }
    String v = s.trim().toLowerCase(Locale.ROOT);
    if (v.equals("keyframes")) {
      return keyframes();
    }
    if (v.startsWith("fps:")) {
      String n = v.substring(4).trim();
      double fps;
      try {
        fps = Double.parseDouble(n);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "sampling policy \"" + s + "\": \"" + n + "\" after \"fps:\" is not a number", e);
      }
      if (!(fps > 0) || Double.isInfinite(fps)) {
        throw new IllegalArgumentException(
            "sampling policy \""
                + s
                + "\": frames per second must be finite and > 0, but was "
                + n);
      }
      return fixedRate(fps);
    }
    throw new IllegalArgumentException(
        "sampling policy must be \"keyframes\" or \"fps:N\" with N > 0, but was \"" + s + "\"");
  }

  private static String formatRate(double fps) {
    return fps == Math.rint(fps) && fps < 1e15 ? Long.toString((long) fps) : Double.toString(fps);
  }
}
