package dev.streammod.decoders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.streammod.decoders.synthetic.SceneKind;
import dev.streammod.decoders.synthetic.SyntheticSegments;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SegmentDecoderTest {

  /** Sampled timestamps may sit one source frame (1/15 s) after the ideal instant. */
  private static final long ONE_FRAME = 66_667;

  private final DecoderSettings defaults = DecoderSettings.defaults();

  @Test
  void keyframesGiveOneFramePerGopAtTheModelSize() {
    DecodedFrames frames = decoded(new SegmentDecoder(defaults).decode(TestSegments.NEUTRAL, null));

    assertThat(frames.count()).isEqualTo(2);
    assertThat(frames.timestampsMicros()[0]).isZero();
    assertThat(frames.timestampsMicros()[1]).isCloseTo(1_000_000L, within(1_000L));
    assertThat(frames.width()).isEqualTo(224);
    assertThat(frames.height()).isEqualTo(224);
    assertThat(frames.rgb()).hasSize(2 * 224 * 224 * 3);
    assertThat(frames.container()).isEqualTo("mpegts");
    assertThat(frames.codec()).isEqualTo("h264");
    assertThat(frames.sourceWidth()).isEqualTo(320);
    assertThat(frames.sourceHeight()).isEqualTo(240);
    assertThat(frames.framesRead()).isBetween(2, 30);
    assertThat(frames.decodeMillis()).isPositive();
  }

  @Test
  void outputSizeFollowsTheSettings() {
    SegmentDecoder decoder = new SegmentDecoder(defaults.toBuilder().size(96, 64).build());
    DecodedFrames frames = decoded(decoder.decode(TestSegments.NEUTRAL, "mpegts"));
    assertThat(frames.width()).isEqualTo(96);
    assertThat(frames.height()).isEqualTo(64);
    assertThat(frames.rgb()).hasSize(frames.count() * 64 * 96 * 3);
  }

  @Test
  void fixedRateSamplesOnTheGrid() {
    SegmentDecoder decoder =
        new SegmentDecoder(defaults.toBuilder().sampling(SamplingPolicy.parse("fps:2")).build());
    DecodedFrames frames = decoded(decoder.decode(TestSegments.NEUTRAL, "mpegts"));

    assertThat(frames.count()).isEqualTo(4);
    long[] ts = frames.timestampsMicros();
    long[] ideal = {0, 500_000, 1_000_000, 1_500_000};
    for (int i = 0; i < 4; i++) {
      assertThat(ts[i]).as("frame %d", i).isBetween(ideal[i] - 1_000, ideal[i] + ONE_FRAME);
    }
    assertThat(frames.framesRead()).isEqualTo(30);
  }

  @Test
  void fixedRateFramesArePixelExact() {
    // At 1 fps the samples are the key frames at 0 s and 1 s: the frames before them were decoded
    // without RGB conversion, which must not change the pixels of the frames that are kept.
    SegmentDecoder oneFps =
        new SegmentDecoder(defaults.toBuilder().sampling(SamplingPolicy.fixedRate(1)).build());
    DecodedFrames sampled = decoded(oneFps.decode(TestSegments.NEUTRAL, "mpegts"));
    DecodedFrames keyframes =
        decoded(new SegmentDecoder(defaults).decode(TestSegments.NEUTRAL, null));
    assertThat(sampled.timestampsMicros()).containsExactly(keyframes.timestampsMicros());
    assertThat(sampled.rgb()).isEqualTo(keyframes.rgb());
  }

  @Test
  void maxFramesCapsTheSample() {
    SegmentDecoder decoder =
        new SegmentDecoder(
            defaults.toBuilder().sampling(SamplingPolicy.fixedRate(15)).maxFrames(5).build());
    DecodedFrames frames = decoded(decoder.decode(TestSegments.NEUTRAL, null));
    assertThat(frames.count()).isEqualTo(5);
    assertThat(frames.rgb()).hasSize(5 * 224 * 224 * 3);
    assertThat(frames.timestampsMicros()).isSorted();
  }

  @Test
  void perCallCapLowersButNeverRaisesTheSettingsCap() {
    SegmentDecoder decoder =
        new SegmentDecoder(defaults.toBuilder().sampling(SamplingPolicy.fixedRate(4)).build());
    assertThat(decoded(decoder.decode(null, TestSegments.NEUTRAL, "mpegts", 1)).count())
        .isEqualTo(1);
    assertThatThrownBy(() -> decoder.decode(null, TestSegments.NEUTRAL, "mpegts", 9))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxFrames")
        .hasMessageContaining("9");
  }

  @Test
  void redSceneIsRedAndNeutralSceneIsNot() {
    SegmentDecoder decoder = new SegmentDecoder(defaults);
    DecodedFrames red = decoded(decoder.decode(TestSegments.RED, "mpegts"));
    DecodedFrames neutral = decoded(decoder.decode(TestSegments.NEUTRAL, "mpegts"));
    for (int i = 0; i < red.count(); i++) {
      double[] m = TestSegments.meanRgb(red, i);
      assertThat(m[0]).as("red frame %d mean R", i).isGreaterThan(0.7);
      assertThat(m[1]).as("red frame %d mean G", i).isLessThan(0.25);
      assertThat(m[2]).as("red frame %d mean B", i).isLessThan(0.25);
    }
    for (int i = 0; i < neutral.count(); i++) {
      double[] m = TestSegments.meanRgb(neutral, i);
      assertThat(m[0]).as("neutral frame %d mean R", i).isLessThan(Math.max(m[1], m[2]) + 0.05);
    }
  }

  @Test
  void outputArraysAreFreshPerSegment() {
    SegmentDecoder decoder = new SegmentDecoder(defaults);
    DecodedFrames a = decoded(decoder.decode(TestSegments.NEUTRAL, "mpegts"));
    DecodedFrames b = decoded(decoder.decode(TestSegments.NEUTRAL, "mpegts"));
    assertThat(a.rgb()).isNotSameAs(b.rgb()).isEqualTo(b.rgb());
    // Frames differ: the scene moves, so no buffer was reused across frames.
    byte[] first = java.util.Arrays.copyOfRange(a.rgb(), 0, a.frameBytes());
    byte[] second = java.util.Arrays.copyOfRange(a.rgb(), a.frameBytes(), 2 * a.frameBytes());
    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void fragmentedMp4DecodesWithItsInitSegment() {
    SyntheticSegments.FragmentedMp4 fmp4 =
        SyntheticSegments.h264FragmentedMp4(SceneKind.NEUTRAL, 320, 240, 15, 2, 7, 0);
    SegmentDecoder decoder = new SegmentDecoder(defaults);

    DecodedFrames frames = decoded(decoder.decode(fmp4.initSegment(), fmp4.mediaSegment(), "fmp4"));
    assertThat(frames.count()).isEqualTo(2);
    assertThat(frames.container()).contains("mp4");

    // Same pictures as the MPEG-TS encoding of the same stream (both are x264 IDR frames).
    DecodedFrames ts = decoded(decoder.decode(TestSegments.NEUTRAL, "mpegts"));
    assertThat(meanAbsoluteDifference(frames.rgb(), ts.rgb())).isLessThan(2.0);

    assertThat(decoder.decode(null, fmp4.mediaSegment(), "mp4"))
        .isInstanceOfSatisfying(
            DecodeFailure.class,
            f -> assertThat(f.code()).isEqualTo(DecodeErrorCode.CORRUPT_CONTAINER));
  }

  @Test
  void audioTrackIsIgnored() {
    DecodedFrames frames =
        decoded(
            new SegmentDecoder(defaults).decode(TestSegments.audioVideoTransportStream(), null));
    assertThat(frames.count()).isEqualTo(2);
    assertThat(frames.timestampsMicros()[1]).isCloseTo(1_000_000L, within(1_000L));
  }

  static double meanAbsoluteDifference(byte[] a, byte[] b) {
    assertThat(a).hasSameSizeAs(b);
    long sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += Math.abs((a[i] & 0xFF) - (b[i] & 0xFF));
    }
    return (double) sum / a.length;
  }

  static DecodedFrames decoded(DecodeResult result) {
    assertThat(result).isInstanceOf(DecodedFrames.class);
    return (DecodedFrames) result;
  }
}
