package dev.streammod.models.batching;

import dev.streammod.models.BatchInference;
import dev.streammod.models.ModelConfig;
import dev.streammod.models.TensorLayout;
import java.nio.FloatBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A hand-written engine for 2x1 NHWC frames with identity normalisation. Row i of a batch is {the
 * frame's id, the batch size}, where a frame's id is R + 256 * G of its first pixel. Can hold every
 * batch at a gate and fail the next batch on demand.
 */
final class FakeEngine implements BatchInference {
  static final int W = 2;
  static final int H = 1;
  static final int FRAME_BYTES = 3 * W * H;

  final ModelConfig config =
      ModelConfig.builder()
          .name("fake")
          .version("1")
          .inputName("x")
          .outputName("y")
          .layout(TensorLayout.NHWC)
          .width(W)
          .height(H)
          .scale(1f)
          .labels("id", "batch")
          .build();
  final BlockingQueue<Integer> started = new LinkedBlockingQueue<>();
  volatile CountDownLatch gate;
  volatile RuntimeException failNext;

  static byte[] frames(int... ids) {
    byte[] out = new byte[ids.length * FRAME_BYTES];
    for (int i = 0; i < ids.length; i++) {
      out[i * FRAME_BYTES] = (byte) (ids[i] & 0xff);
      out[i * FRAME_BYTES + 1] = (byte) (ids[i] >> 8);
    }
    return out;
  }

  @Override
  public ModelConfig config() {
    return config;
  }

  @Override
  public String deviceDescription() {
    return "fake";
  }

  @Override
  public float[][] inferPreprocessed(FloatBuffer input, int count) {
    started.add(count);
    CountDownLatch g = gate;
    if (g != null) {
      boolean interrupted = false;
      while (true) {
        try {
          g.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    RuntimeException f = failNext;
    if (f != null) {
      failNext = null;
      throw f;
    }
    float[][] rows = new float[count][];
    for (int i = 0; i < count; i++) {
      int base = i * 3 * W * H;
      rows[i] = new float[] {input.get(base) + 256 * input.get(base + 1), count};
    }
    return rows;
  }
}
