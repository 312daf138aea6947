package dev.streammod.decoders;

/**
 * Turns decoder timestamps into microseconds since the segment's first decoded frame, and keeps
 * them monotonic across discontinuities (a 33-bit MPEG-TS clock wrap, a spliced stream): a jump
 * backwards, or forwards by more than {@link #MAX_FORWARD_JUMP_MICROS}, continues the timeline one
 * nominal frame after the previous frame instead.
 */
final class MediaTimeline {

  static final long MAX_FORWARD_JUMP_MICROS = 60_000_000L;

  private final double frameDurationMicros;
  private boolean started;
  private long base;
  private long lastRaw;
  private long lastRelative;

  /**
   * @param frameRate nominal frames per second of the stream; 0 or implausible when unknown
   */
  MediaTimeline(double frameRate) {
    this.frameDurationMicros = frameRate > 0 && frameRate <= 1000 ? 1_000_000.0 / frameRate : 0;
  }

  long relative(long rawMicros) {
    if (!started) {
      started = true;
      base = rawMicros;
    } else if (rawMicros < lastRaw || rawMicros - lastRaw > MAX_FORWARD_JUMP_MICROS) {
      base = rawMicros - (lastRelative + Math.round(frameDurationMicros));
    }
    lastRaw = rawMicros;
    lastRelative = rawMicros - base;
    return lastRelative;
  }

  /** Nominal frame duration in microseconds, 0 when the frame rate is unknown. */
  double frameDurationMicros() {
    return frameDurationMicros;
  }

  /**
   * Frames of the stream from the first decoded frame up to {@code relativeMicros} inclusive,
   * estimated from the nominal frame rate; 0 when the rate is unknown.
   */
  long framesUpTo(long relativeMicros) {
    return frameDurationMicros == 0 ? 0 : Math.round(relativeMicros / frameDurationMicros) + 1;
  }
}
