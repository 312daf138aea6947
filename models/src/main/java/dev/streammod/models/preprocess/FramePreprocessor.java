package dev.streammod.models.preprocess;

import dev.streammod.models.ModelConfig;
import dev.streammod.models.TensorLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Packed RGB24 HWC uint8 frames to float tensors in the model's layout, normalised as {@code (x *
 * scale - mean[c]) / std[c]}. Writes straight into a caller's (direct) buffer so a batch is built
 * with no intermediate copy. Stateless after construction and safe to share between threads.
 */
public final class FramePreprocessor {
  private final TensorLayout layout;
  private final int width;
  private final int height;
  private final int pixels;
  // One 256-entry table per channel: the whole normalisation is a lookup per byte.
  private final float[] lutR = new float[256];
  private final float[] lutG = new float[256];
  private final float[] lutB = new float[256];

  public FramePreprocessor(
      TensorLayout layout, int width, int height, float scale, float[] mean, float[] std) {
    if (layout == null) {
      throw new IllegalArgumentException("layout must be set, got null");
    }
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException(
          "width and height must be >= 1, got " + width + "x" + height);
    }
    if (mean == null || mean.length != 3 || std == null || std.length != 3) {
      throw new IllegalArgumentException("mean and std must have 3 values (R, G, B)");
    }
    this.layout = layout;
    this.width = width;
    this.height = height;
    this.pixels = Math.multiplyExact(width, height);
    float[][] luts = {lutR, lutG, lutB};
    for (int c = 0; c < 3; c++) {
      for (int v = 0; v < 256; v++) {
        luts[c][v] = (v * scale - mean[c]) / std[c];
      }
    }
  }

  public static FramePreprocessor forConfig(ModelConfig config) {
    return new FramePreprocessor(
        config.layout(),
        config.width(),
        config.height(),
        config.scale(),
        config.mean(),
        config.std());
  }

  public TensorLayout layout() {
    return layout;
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** Bytes of one RGB24 frame: 3 * width * height. */
  public int frameBytes() {
    return 3 * pixels;
  }

  /** Floats of one frame in the tensor: 3 * width * height. */
  public int frameFloats() {
    return 3 * pixels;
  }

  /** Tensor shape for {@code n} frames: [n,3,H,W] or [n,H,W,3]. */
  public long[] shape(int n) {
    return layout == TensorLayout.NCHW
        ? new long[] {n, 3, height, width}
        : new long[] {n, height, width, 3};
  }

  /**
   * A direct, native-order buffer for {@code frames} frames, as ONNX Runtime takes without copying.
   */
  public FloatBuffer allocate(int frames) {
    long bytes = 4L * frameFloats() * frames;
    if (frames < 1 || bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "cannot allocate a tensor buffer for " + frames + " frames of " + width + "x" + height);
    }
    return ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  /**
   * Converts {@code count} frames read from {@code rgb} at byte {@code offset} into {@code dst},
   * starting at frame slot {@code dstFrame} (absolute indexes; dst's position and limit are ignored
   * and left unchanged).
   */
  public void convert(byte[] rgb, int offset, int count, FloatBuffer dst, int dstFrame) {
    int fb = frameBytes();
    if (count < 0 || offset < 0 || (long) offset + (long) count * fb > rgb.length) {
      throw new IllegalArgumentException(
          "rgb holds "
              + rgb.length
              + " bytes, need "
              + count
              + " frames of "
              + fb
              + " bytes ("
              + width
              + "x"
              + height
              + " RGB24) from offset "
              + offset);
    }
    if (dstFrame < 0 || (long) (dstFrame + count) * frameFloats() > dst.capacity()) {
      throw new IllegalArgumentException(
          "tensor buffer holds "
              + dst.capacity() / frameFloats()
              + " frames, cannot write frames "
              + dstFrame
              + ".."
              + (dstFrame + count - 1));
    }
    for (int f = 0; f < count; f++) {
      int src = offset + f * fb;
      int base = (dstFrame + f) * frameFloats();
      if (layout == TensorLayout.NHWC) {
        toNhwc(rgb, src, dst, base);
      } else {
        toNchw(rgb, src, dst, base);
      }
    }
  }

  private void toNhwc(byte[] rgb, int src, FloatBuffer dst, int base) {
    // Same order as the input: only the per-channel lookup changes.
    for (int p = 0, i = src, o = base; p < pixels; p++, i += 3, o += 3) {
      dst.put(o, lutR[rgb[i] & 0xff]);
      dst.put(o + 1, lutG[rgb[i + 1] & 0xff]);
      dst.put(o + 2, lutB[rgb[i + 2] & 0xff]);
    }
  }

  private void toNchw(byte[] rgb, int src, FloatBuffer dst, int base) {
    int g = base + pixels;
    int b = base + 2 * pixels;
    for (int p = 0, i = src; p < pixels; p++, i += 3) {
      dst.put(base + p, lutR[rgb[i] & 0xff]);
      dst.put(g + p, lutG[rgb[i + 1] & 0xff]);
      dst.put(b + p, lutB[rgb[i + 2] & 0xff]);
    }
  }
}
