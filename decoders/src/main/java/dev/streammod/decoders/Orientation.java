package dev.streammod.decoders;

import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.IntPointer;

/**
 * How a decoded picture must be turned to be upright, read from the stream's display matrix the way
 * the {@code ffmpeg} command line does it (autorotate): right-angle rotations and flips. Other
 * angles are left alone (as by a player without a rotate filter) and reported as identity.
 */
enum Orientation {
  IDENTITY(false, 0),
  /** Mirror left-right. */
  HFLIP(false, 0),
  /** Mirror top-bottom. */
  VFLIP(false, 0),
  ROTATE_180(false, 180),
  /** Turn 90 degrees clockwise ({@code transpose=clock}). */
  ROTATE_90(true, 90),
  /** Turn 90 degrees counter-clockwise ({@code transpose=cclock}). */
  ROTATE_270(true, 270),
  /** Swap rows and columns ({@code transpose=cclock_flip}). */
  TRANSPOSE(true, 90),
  /** Swap rows and columns across the other diagonal ({@code transpose=clock_flip}). */
  TRANSVERSE(true, 270);

  private final boolean swapsAxes;
  private final int clockwiseDegrees;

  Orientation(boolean swapsAxes, int clockwiseDegrees) {
    this.swapsAxes = swapsAxes;
    this.clockwiseDegrees = clockwiseDegrees;
  }

  /** Whether the upright picture's width is the coded picture's height. */
  boolean swapsAxes() {
    return swapsAxes;
  }

  /** Clockwise turn applied, ignoring flips: 0, 90, 180 or 270. */
  int clockwiseDegrees() {
    return clockwiseDegrees;
  }

  /**
   * The orientation a 3x3 display matrix (FFmpeg's {@code AV_PKT_DATA_DISPLAYMATRIX}, 16.16 and
   * 2.30 fixed point) asks for; identity for null.
   */
  static Orientation fromDisplayMatrix(int[] m) {
    if (m == null || m.length < 9) {
      return IDENTITY;
    }
    double rotation;
    try (IntPointer p = new IntPointer(m)) {
      rotation = avutil.av_display_rotation_get(p);
    }
    if (Double.isNaN(rotation)) {
      return IDENTITY;
    }
    // As fftools' get_rotation(): the clockwise angle to apply, in [0, 360).
    double theta = -Math.round(rotation);
    theta -= 360 * Math.floor(theta / 360 + 0.9 / 360);
    if (Math.abs(theta - 90) < 1.0) {
      return m[3] > 0 ? TRANSPOSE : ROTATE_90;
    }
    if (Math.abs(theta - 180) < 1.0) {
      boolean h = m[0] < 0;
      boolean v = m[4] < 0;
      return h && v ? ROTATE_180 : h ? HFLIP : v ? VFLIP : IDENTITY;
    }
    if (Math.abs(theta - 270) < 1.0) {
      return m[3] < 0 ? TRANSVERSE : ROTATE_270;
    }
    if (Math.abs(theta) < 1.0 && m[4] < 0) {
      return VFLIP;
    }
    return IDENTITY;
  }

  /**
   * Writes the packed RGB24 picture {@code src} ({@code width x height}) turned upright into {@code
   * dst} from {@code dstOffset} on; the picture there is {@code height x width} when {@link
   * #swapsAxes()}.
   */
  void apply(byte[] src, int width, int height, byte[] dst, int dstOffset) {
    if (this == IDENTITY) {
      System.arraycopy(src, 0, dst, dstOffset, width * height * 3);
      return;
    }
    int outW = swapsAxes ? height : width;
    int outH = swapsAxes ? width : height;
    for (int y = 0; y < outH; y++) {
      int d = dstOffset + y * outW * 3;
      for (int x = 0; x < outW; x++, d += 3) {
        int sx;
        int sy;
        switch (this) {
          case HFLIP -> {
            sx = width - 1 - x;
            sy = y;
          }
          case VFLIP -> {
            sx = x;
            sy = height - 1 - y;
          }
          case ROTATE_180 -> {
            sx = width - 1 - x;
            sy = height - 1 - y;
          }
          case ROTATE_90 -> {
            sx = y;
            sy = height - 1 - x;
          }
          case ROTATE_270 -> {
            sx = width - 1 - y;
            sy = x;
          }
          case TRANSPOSE -> {
            sx = y;
            sy = x;
          }
          default -> { // TRANSVERSE
            sx = width - 1 - y;
            sy = height - 1 - x;
          }
        }
        int s = (sy * width + sx) * 3;
        dst[d] = src[s];
        dst[d + 1] = src[s + 1];
        dst[d + 2] = src[s + 2];
      }
    }
  }
}
