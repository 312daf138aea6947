package dev.streammod.models;

import java.util.Random;

/** Synthetic RGB24 HWC frames for tests. */
public final class Frames {
  private Frames() {}

  public static byte[] solid(int width, int height, int r, int g, int b) {
    byte[] f = new byte[3 * width * height];
    for (int i = 0; i < f.length; i += 3) {
      f[i] = (byte) r;
      f[i + 1] = (byte) g;
      f[i + 2] = (byte) b;
    }
    return f;
  }

  /** Random bytes: a "varied colourful" frame. */
  public static byte[] noise(int width, int height, long seed) {
    byte[] f = new byte[3 * width * height];
    new Random(seed).nextBytes(f);
    return f;
  }

  public static byte[] concat(byte[]... frames) {
    int n = 0;
    for (byte[] f : frames) {
      n += f.length;
    }
    byte[] out = new byte[n];
    int o = 0;
    for (byte[] f : frames) {
      System.arraycopy(f, 0, out, o, f.length);
      o += f.length;
    }
    return out;
  }

  /** Channel means in [0, 1] of one frame: {R, G, B}. */
  public static double[] means(byte[] frame) {
    double[] m = new double[3];
    for (int i = 0; i < frame.length; i++) {
      m[i % 3] += (frame[i] & 0xff) / 255.0;
    }
    int pixels = frame.length / 3;
    for (int c = 0; c < 3; c++) {
      m[c] /= pixels;
    }
    return m;
  }
}
