package dev.streammod.decoders.synthetic;

import java.util.SplittableRandom;

/**
 * Draws frames of a synthetic scene into a packed BGR24 buffer. The picture is a pure function of
 * (kind, size, seed, frame index, fps), so consecutive segments of one stream continue each other.
 */
final class SceneRenderer {

  private static final int[][] NEUTRAL_COLOURS = {
    {225, 205, 45}, // yellow
    {40, 200, 210}, // cyan
    {230, 230, 230}, // white
    {45, 180, 60}, // green
    {50, 80, 220}, // blue
    {230, 140, 40}, // orange
    {185, 60, 190}, // magenta
    {30, 30, 40}, // near black
  };

  private static final int[][] RED_COLOURS = {
    {150, 15, 20}, // dark red
    {255, 45, 40}, // bright red
    {225, 20, 60}, // crimson
    {250, 70, 30}, // orange-red
    {190, 30, 30}, // brick
  };

  private final SceneKind kind;
  private final int width;
  private final int height;
  private final double fps;

  // Background waves: amplitude, spatial frequency, phase and temporal speed per channel.
  private final double phaseX;
  private final double phaseY;
  private final double phaseD;
  private final double freqX;
  private final double freqY;
  private final double freqD;
  private final double speedX;
  private final double speedY;
  private final double speedD;

  private final Shape[] shapes;

  private final int[] colTable;
  private final int[] rowTable;
  private final int[] diagTable;

  private record Shape(
      boolean circle,
      double x0,
      double y0,
      double vx,
      double vy,
      int halfSize,
      int r,
      int g,
      int b) {}

  SceneRenderer(SceneKind kind, int width, int height, double fps, long seed) {
    this.kind = kind;
    this.width = width;
    this.height = height;
    this.fps = fps;
    SplittableRandom random = new SplittableRandom(seed ^ (kind.ordinal() * 0x9E3779B97F4A7C15L));
    phaseX = random.nextDouble(0, 2 * Math.PI);
    phaseY = random.nextDouble(0, 2 * Math.PI);
    phaseD = random.nextDouble(0, 2 * Math.PI);
    freqX = random.nextDouble(1.0, 3.0) * 2 * Math.PI / width;
    freqY = random.nextDouble(1.0, 3.0) * 2 * Math.PI / height;
    freqD = random.nextDouble(0.5, 2.0) * 2 * Math.PI / (width + height);
    speedX = random.nextDouble(0.5, 2.0) * (random.nextBoolean() ? 1 : -1);
    speedY = random.nextDouble(0.5, 2.0) * (random.nextBoolean() ? 1 : -1);
    speedD = random.nextDouble(0.5, 2.0) * (random.nextBoolean() ? 1 : -1);
    int[][] palette = kind == SceneKind.RED ? RED_COLOURS : NEUTRAL_COLOURS;
    int minSide = Math.min(width, height);
    shapes = new Shape[3 + random.nextInt(3)];
    for (int i = 0; i < shapes.length; i++) {
      int[] c = palette[random.nextInt(palette.length)];
      shapes[i] =
          new Shape(
              random.nextBoolean(),
              random.nextDouble(0, width),
              random.nextDouble(0, height),
              random.nextDouble(0.15, 0.6) * width * (random.nextBoolean() ? 1 : -1),
              random.nextDouble(0.15, 0.6) * height * (random.nextBoolean() ? 1 : -1),
              Math.max(2, (int) (minSide * random.nextDouble(0.06, 0.14))),
              c[0],
              c[1],
              c[2]);
    }
    colTable = new int[width];
    rowTable = new int[height];
    diagTable = new int[width + height];
  }

  /**
   * Renders frame {@code frameIndex} (of the whole stream) into {@code bgr}, row stride width*3.
   */
  void render(long frameIndex, byte[] bgr) {
    double t = frameIndex / fps;
    boolean red = kind == SceneKind.RED;
    // Neutral: R from a column wave, G from a row wave, B from a diagonal wave; means 70/115/135.
    // Red: R high everywhere, G and B low, all three still moving.
    for (int x = 0; x < width; x++) {
      double s = Math.sin(freqX * x + phaseX + speedX * t);
      colTable[x] = red ? 212 + (int) (30 * s) : 70 + (int) (45 * s);
    }
    for (int y = 0; y < height; y++) {
      double s = Math.sin(freqY * y + phaseY + speedY * t);
      rowTable[y] = red ? 34 + (int) (22 * s) : 115 + (int) (55 * s);
    }
    for (int d = 0; d < width + height; d++) {
      double s = Math.sin(freqD * d + phaseD + speedD * t);
      diagTable[d] = red ? 34 + (int) (22 * s) : 135 + (int) (55 * s);
    }
    int stride = width * 3;
    for (int y = 0; y < height; y++) {
      int row = y * stride;
      int g = rowTable[y];
      for (int x = 0; x < width; x++) {
        int i = row + x * 3;
        // Fine static texture (a 4x4 checker of +-6) gives the encoder real detail to code.
        int tex = (((x >> 2) ^ (y >> 2)) & 1) == 0 ? 6 : -6;
        bgr[i] = (byte) clamp(diagTable[x + y] + tex);
        bgr[i + 1] = (byte) clamp(g + tex);
        bgr[i + 2] = (byte) clamp(colTable[x] + tex);
      }
    }
    for (Shape s : shapes) {
      int cx = (int) bounce(s.x0 + s.vx * t, s.halfSize, width - s.halfSize);
      int cy = (int) bounce(s.y0 + s.vy * t, s.halfSize, height - s.halfSize);
      drawShape(s, cx, cy, bgr, stride);
    }
  }

  private void drawShape(Shape s, int cx, int cy, byte[] bgr, int stride) {
    int h = s.halfSize;
    int x0 = Math.max(0, cx - h);
    int x1 = Math.min(width - 1, cx + h);
    int y0 = Math.max(0, cy - h);
    int y1 = Math.min(height - 1, cy + h);
    long h2 = (long) h * h;
    for (int y = y0; y <= y1; y++) {
      int row = y * stride;
      for (int x = x0; x <= x1; x++) {
        if (s.circle) {
          long dx = x - cx;
          long dy = y - cy;
          if (dx * dx + dy * dy > h2) {
            continue;
          }
        }
        int i = row + x * 3;
        bgr[i] = (byte) s.b;
        bgr[i + 1] = (byte) s.g;
        bgr[i + 2] = (byte) s.r;
      }
    }
  }

  /** Position bouncing between lo and hi (a triangle wave), so shapes stay in the frame. */
  private static double bounce(double p, double lo, double hi) {
    double span = hi - lo;
    if (span <= 0) {
      return (lo + hi) / 2;
    }
    double m = (p - lo) % (2 * span);
    if (m < 0) {
      m += 2 * span;
    }
    return lo + (m <= span ? m : 2 * span - m);
  }

  private static int clamp(int v) {
    return v < 0 ? 0 : Math.min(255, v);
  }
}
