package dev.streammod.decoders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The scaler on frames made in memory: each frame lands in its own place of one exact-size array,
 * whatever the frames before it were; it refuses more frames than its capacity and use after close.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FrameScalerTest {

  private static final int OUT_W = 96;
  private static final int OUT_H = 64;
  private static final int FRAME_BYTES = OUT_W * OUT_H * 3;

  @BeforeAll
  static void load() {
    Ffmpeg.ensureLoaded();
  }

  @Test
  void eachFrameIsPlacedAsIfScaledAlone() {
    // A 4:3 then a 16:9 picture, letterboxed and turned: the second has wider bars than the first,
    // so nothing of the first may show in them.
    int[][] sizes = {{320, 240, 200}, {320, 180, 60}, {320, 240, 120}};
    for (Orientation o : new Orientation[] {Orientation.IDENTITY, Orientation.ROTATE_90}) {
      byte[] together;
      try (FrameScaler scaler = scaler(o, sizes.length)) {
        for (int[] s : sizes) {
          assertThat(scaleOne(scaler, s[0], s[1], s[2])).isTrue();
        }
        assertThat(scaler.count()).isEqualTo(sizes.length);
        together = scaler.rgb();
      }
      assertThat(together).as("%s", o).hasSize(sizes.length * FRAME_BYTES);
      for (int i = 0; i < sizes.length; i++) {
        byte[] alone;
        try (FrameScaler scaler = scaler(o, 1)) {
          scaleOne(scaler, sizes[i][0], sizes[i][1], sizes[i][2]);
          alone = scaler.rgb();
        }
        assertThat(Arrays.copyOfRange(together, i * FRAME_BYTES, (i + 1) * FRAME_BYTES))
            .as("%s frame %d", o, i)
            .isEqualTo(alone);
      }
    }
  }

  @Test
  void resultIsANewArrayEachTime() {
    try (FrameScaler scaler = scaler(Orientation.IDENTITY, 1)) {
      scaleOne(scaler, 160, 120, 90);
      assertThat(scaler.rgb()).isNotSameAs(scaler.rgb()).isEqualTo(scaler.rgb());
    }
  }

  @Test
  void refusesMoreFramesThanItsCapacity() {
    try (FrameScaler scaler = scaler(Orientation.IDENTITY, 1)) {
      scaleOne(scaler, 160, 120, 90);
      assertThatThrownBy(() -> scaleOne(scaler, 160, 120, 90))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("capacity of 1");
    }
  }

  @Test
  void closeIsIdempotentAndUseAfterCloseIsLoud() {
    FrameScaler scaler = scaler(Orientation.IDENTITY, 2);
    scaleOne(scaler, 160, 120, 90);
    scaler.close();
    scaler.close();
    assertThatThrownBy(scaler::rgb)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("after close()");
    assertThatThrownBy(() -> scaleOne(scaler, 160, 120, 90))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("after close()");
  }

  private static FrameScaler scaler(Orientation o, int capacity) {
    return new FrameScaler(OUT_W, OUT_H, AspectMode.LETTERBOX, o, capacity);
  }

  /** Scales a yuv420p picture with a horizontal luma ramp (grey {@code luma} on the left). */
  private static boolean scaleOne(FrameScaler scaler, int width, int height, int luma) {
    AVFrame f = avutil.av_frame_alloc();
    try {
      f.format(avutil.AV_PIX_FMT_YUV420P).width(width).height(height);
      assertThat(avutil.av_frame_get_buffer(f, 0)).isZero();
      byte[] row = new byte[width];
      for (int x = 0; x < width; x++) {
        row[x] = (byte) Math.min(235, luma + x / 8);
      }
      for (int y = 0; y < height; y++) {
        f.data(0).position((long) y * f.linesize(0)).put(row, 0, width);
      }
      byte[] chroma = new byte[(width + 1) / 2];
      Arrays.fill(chroma, (byte) 128);
      for (int p = 1; p <= 2; p++) {
        for (int y = 0; y < (height + 1) / 2; y++) {
          f.data(p).position((long) y * f.linesize(p)).put(chroma, 0, chroma.length);
        }
      }
      return scaler.scale(f);
    } finally {
      avutil.av_frame_free(f);
    }
  }
}
