package dev.streammod.decoders;

import static dev.streammod.decoders.TestSegments.colourAt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.decoders.synthetic.ContainerFormat;
import dev.streammod.decoders.synthetic.EncodedSegment;
import dev.streammod.decoders.synthetic.SegmentSpec;
import dev.streammod.decoders.synthetic.TestPattern;
import dev.streammod.decoders.synthetic.VideoCodec;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.global.avutil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Rotation metadata (the display matrix phones write) is applied so that frames come out upright, as
 * {@code ffmpeg} (autorotate) shows them. The source is {@link TestPattern#QUADRANTS}: red, green /
 * blue, white.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OrientationTest {

  @ParameterizedTest(name = "{0} in {1}: {2}")
  @CsvSource({
    "0, MP4, RG/BW",
    "90, MP4, BR/WG",
    "180, MP4, WB/GR",
    "270, MP4, GW/RB",
    "90, FRAGMENTED_MP4, BR/WG",
    "270, MATROSKA, GW/RB",
    "180, WEBM, WB/GR",
  })
  void framesComeOutUpright(int rotation, ContainerFormat container, String quadrants) {
    EncodedSegment segment =
        TestSegments.encodeOrSkip(
            SegmentSpec.builder()
                .codec(container == ContainerFormat.WEBM ? VideoCodec.VP9 : VideoCodec.H264)
                .container(container)
                .pattern(TestPattern.QUADRANTS)
                .size(160, 96)
                .seconds(0.2)
                .rotationDegrees(rotation)
                .build());
    DecodeResult r =
        new SegmentDecoder(DecoderSettings.builder().size(64, 48).build())
            .decode(segment.initSegment(), segment.payload(), segment.containerHint());
    assertThat(r).isInstanceOf(DecodedFrames.class);
    DecodedFrames f = (DecodedFrames) r;
    assertThat(f.rotationDegrees()).isEqualTo(rotation);
    String seen =
        ""
            + colourAt(f, 0, 16, 12)
            + colourAt(f, 0, 48, 12)
            + "/"
            + colourAt(f, 0, 16, 36)
            + colourAt(f, 0, 48, 36);
    assertThat(seen).isEqualTo(quadrants);
  }

  @Test
  void matricesMapLikeTheFfmpegCommandLine() {
    assertThat(Orientation.fromDisplayMatrix(null)).isEqualTo(Orientation.IDENTITY);
    assertThat(Orientation.fromDisplayMatrix(rotation(0))).isEqualTo(Orientation.IDENTITY);
    // av_display_rotation_set(m, a) describes a picture to be shown turned a degrees clockwise.
    assertThat(Orientation.fromDisplayMatrix(rotation(90))).isEqualTo(Orientation.ROTATE_90);
    assertThat(Orientation.fromDisplayMatrix(rotation(-90))).isEqualTo(Orientation.ROTATE_270);
    assertThat(Orientation.fromDisplayMatrix(rotation(270))).isEqualTo(Orientation.ROTATE_270);
    assertThat(Orientation.fromDisplayMatrix(rotation(180))).isEqualTo(Orientation.ROTATE_180);
    // Mirrored matrices (a selfie camera): fftools' hflip/vflip/transpose choices.
    assertThat(Orientation.fromDisplayMatrix(flipped(0))).isEqualTo(Orientation.HFLIP);
    assertThat(Orientation.fromDisplayMatrix(vflipped(0))).isEqualTo(Orientation.VFLIP);
    assertThat(Orientation.fromDisplayMatrix(flipped(180))).isEqualTo(Orientation.VFLIP);
    assertThat(Orientation.fromDisplayMatrix(flipped(90))).isEqualTo(Orientation.TRANSPOSE);
    assertThat(Orientation.fromDisplayMatrix(flipped(-90))).isEqualTo(Orientation.TRANSVERSE);
    // Not a right angle: left alone.
    assertThat(Orientation.fromDisplayMatrix(rotation(30))).isEqualTo(Orientation.IDENTITY);
  }

  @Test
  void applyMovesPixelsAsNamed() {
    // 3x2 picture, pixel value = index: 0 1 2 / 3 4 5.
    byte[] src = new byte[3 * 2 * 3];
    for (int i = 0; i < 6; i++) {
      src[i * 3] = (byte) i;
    }
    assertThat(firstBytes(Orientation.ROTATE_90, src, 3, 2)).containsExactly(3, 0, 4, 1, 5, 2);
    assertThat(firstBytes(Orientation.ROTATE_270, src, 3, 2)).containsExactly(2, 5, 1, 4, 0, 3);
    assertThat(firstBytes(Orientation.ROTATE_180, src, 3, 2)).containsExactly(5, 4, 3, 2, 1, 0);
    assertThat(firstBytes(Orientation.HFLIP, src, 3, 2)).containsExactly(2, 1, 0, 5, 4, 3);
    assertThat(firstBytes(Orientation.VFLIP, src, 3, 2)).containsExactly(3, 4, 5, 0, 1, 2);
    assertThat(firstBytes(Orientation.TRANSPOSE, src, 3, 2)).containsExactly(0, 3, 1, 4, 2, 5);
    assertThat(firstBytes(Orientation.TRANSVERSE, src, 3, 2)).containsExactly(5, 2, 4, 1, 3, 0);
  }

  private static int[] firstBytes(Orientation o, byte[] src, int w, int h) {
    byte[] dst = new byte[src.length];
    o.apply(src, w, h, dst, 0);
    int[] out = new int[w * h];
    for (int i = 0; i < out.length; i++) {
      out[i] = dst[i * 3];
    }
    return out;
  }

  private static int[] rotation(double clockwise) {
    int[] m = new int[9];
    avutil.av_display_rotation_set(m, clockwise);
    return m;
  }

  private static int[] vflipped(double clockwise) {
    int[] m = rotation(clockwise);
    avutil.av_display_matrix_flip(m, 0, 1);
    return m;
  }

  private static int[] flipped(double clockwise) {
    int[] m = rotation(clockwise);
    avutil.av_display_matrix_flip(m, 1, 0);
    return m;
  }
}
