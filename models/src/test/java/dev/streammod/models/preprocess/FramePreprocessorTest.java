package dev.streammod.models.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.streammod.models.TensorLayout;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FramePreprocessorTest {
  private static final float[] ZERO = {0, 0, 0};
  private static final float[] ONE = {1, 1, 1};

  /** A 3x2 (W x H) frame whose byte at (y, x, c) is 100*c + 10*y + x. */
  private static byte[] indexedFrame(int w, int h) {
    byte[] f = new byte[3 * w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          f[(y * w + x) * 3 + c] = (byte) (100 * c + 10 * y + x);
        }
      }
    }
    return f;
  }

  @Test
  void nchwPutsEachChannelInItsOwnPlane() {
    int w = 3;
    int h = 2;
    FramePreprocessor p = new FramePreprocessor(TensorLayout.NCHW, w, h, 1f, ZERO, ONE);
    FloatBuffer dst = p.allocate(1);
    p.convert(indexedFrame(w, h), 0, 1, dst, 0);
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          assertThat(dst.get(c * h * w + y * w + x)).isEqualTo(100 * c + 10 * y + x);
        }
      }
    }
    assertThat(p.shape(5)).containsExactly(5, 3, h, w);
  }

  @Test
  void nhwcKeepsThePixelOrder() {
    int w = 3;
    int h = 2;
    FramePreprocessor p = new FramePreprocessor(TensorLayout.NHWC, w, h, 1f, ZERO, ONE);
    FloatBuffer dst = p.allocate(1);
    p.convert(indexedFrame(w, h), 0, 1, dst, 0);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          assertThat(dst.get((y * w + x) * 3 + c)).isEqualTo(100 * c + 10 * y + x);
        }
      }
    }
    assertThat(p.shape(5)).containsExactly(5, h, w, 3);
  }

  @Test
  void scaleThenMeanThenStdPerChannel() {
    float[] mean = {0.485f, 0.456f, 0.406f};
    float[] std = {0.229f, 0.224f, 0.225f};
    FramePreprocessor p = new FramePreprocessor(TensorLayout.NCHW, 1, 1, 1f / 255f, mean, std);
    FloatBuffer dst = p.allocate(1);
    p.convert(new byte[] {(byte) 255, 0, (byte) 128}, 0, 1, dst, 0);
    assertThat(dst.get(0)).isCloseTo((1f - 0.485f) / 0.229f, within(1e-5f));
    assertThat(dst.get(1)).isCloseTo((0f - 0.456f) / 0.224f, within(1e-5f));
    assertThat(dst.get(2)).isCloseTo((128f / 255f - 0.406f) / 0.225f, within(1e-5f));
  }

  @Test
  void readsFromAnOffsetAndWritesAtAFrameSlot() {
    int w = 2;
    int h = 2;
    FramePreprocessor p = new FramePreprocessor(TensorLayout.NHWC, w, h, 1f, ZERO, ONE);
    byte[] src = new byte[5 + 2 * 12];
    for (int i = 0; i < src.length; i++) {
      src[i] = (byte) i;
    }
    FloatBuffer dst = p.allocate(4);
    p.convert(src, 5, 2, dst, 1);
    assertThat(dst.get(0)).isZero(); // slot 0 untouched
    for (int i = 0; i < 24; i++) {
      assertThat(dst.get(12 + i)).isEqualTo(5 + i);
    }
    assertThat(dst.get(36)).isZero(); // slot 3 untouched
    assertThat(dst.position()).isZero();
  }

  @Test
  void buffersAreDirectAndNativeOrder() {
    FloatBuffer b = new FramePreprocessor(TensorLayout.NCHW, 4, 4, 1f, ZERO, ONE).allocate(8);
    assertThat(b.isDirect()).isTrue();
    assertThat(b.order()).isEqualTo(ByteOrder.nativeOrder());
    assertThat(b.capacity()).isEqualTo(8 * 3 * 16);
  }

  @Test
  void rejectsShortInputAndFullBuffers() {
    FramePreprocessor p = new FramePreprocessor(TensorLayout.NCHW, 2, 2, 1f, ZERO, ONE);
    FloatBuffer dst = p.allocate(2);
    assertThatThrownBy(() -> p.convert(new byte[23], 0, 2, dst, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("23 bytes")
        .hasMessageContaining("2x2");
    assertThatThrownBy(() -> p.convert(new byte[36], 0, 3, dst, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("holds 2 frames");
  }
}
