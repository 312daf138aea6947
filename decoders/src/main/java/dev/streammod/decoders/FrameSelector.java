package dev.streammod.decoders;

/**
 * Decides, frame by frame in presentation order, which decoded frames a {@link SamplingPolicy}
 * keeps. One instance per segment: it holds the sampling state of that segment.
 */
abstract class FrameSelector {

  /** Timestamps within this distance of a boundary count as on it (rounding of 90 kHz ticks). */
  static final long TOLERANCE_MICROS = 1_000;

  static FrameSelector of(SamplingPolicy policy) {
    if (policy instanceof SamplingPolicy.FixedRate rate) {
      return new FixedRateSelector(rate.intervalMicros());
    }
    return new KeyframeSelector();
  }

  /** Whether to keep the frame at {@code relativeMicros} (from the segment's first frame, >= 0). */
  abstract boolean accept(long relativeMicros, boolean keyFrame);

  /**
   * Whether a frame at {@code relativeMicros} would be kept, without changing the state: lets the
   * decoder skip the RGB conversion of frames that cannot be kept.
   */
  abstract boolean wouldAccept(long relativeMicros);

  /** The decoder is told to skip non-key frames, so every frame it returns is kept. */
  static final class KeyframeSelector extends FrameSelector {
    @Override
    boolean accept(long relativeMicros, boolean keyFrame) {
      return true;
    }

    @Override
    boolean wouldAccept(long relativeMicros) {
      return true;
    }
  }

  /**
   * Keeps the first frame at or after each boundary {@code k * interval}, k = 0, 1, 2, ... When a
   * gap in the stream skips several boundaries, one frame is kept and the grid continues from
   * there, so the grid never drifts.
   */
  static final class FixedRateSelector extends FrameSelector {
    private final double intervalMicros;
    private double nextBoundary = 0;

    FixedRateSelector(double intervalMicros) {
      this.intervalMicros = intervalMicros;
    }

    @Override
    boolean accept(long relativeMicros, boolean keyFrame) {
      double t = relativeMicros + TOLERANCE_MICROS;
      if (t < nextBoundary) {
        return false;
      }
      nextBoundary = (Math.floor(t / intervalMicros) + 1) * intervalMicros;
      return true;
    }

    @Override
    boolean wouldAccept(long relativeMicros) {
      return relativeMicros + TOLERANCE_MICROS >= nextBoundary;
    }
  }
}
