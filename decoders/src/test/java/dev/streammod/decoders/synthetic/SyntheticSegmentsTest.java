package dev.streammod.decoders.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streammod.decoders.DecodeFailure;
import dev.streammod.decoders.DecodedFrames;
import dev.streammod.decoders.DecoderSettings;
import dev.streammod.decoders.SamplingPolicy;
import dev.streammod.decoders.SegmentDecoder;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SyntheticSegmentsTest {

  private final SegmentDecoder decoder =
      new SegmentDecoder(DecoderSettings.builder().size(160, 120).build());

  @Test
  void isAnH264TransportStreamWithOneKeyFramePerSecond() {
    byte[] ts = SyntheticSegments.h264TransportStream(SceneKind.NEUTRAL, 320, 240, 10, 3, 1, 0);
    assertThat(ts.length % 188).isZero();
    assertThat(ts[0]).isEqualTo((byte) 0x47);
    DecodedFrames frames = (DecodedFrames) decoder.decode(ts, "mpegts");
    assertThat(frames.codec()).isEqualTo("h264");
    assertThat(frames.sourceWidth()).isEqualTo(320);
    assertThat(frames.timestampsMicros()).containsExactly(0, 1_000_000, 2_000_000);
  }

  @Test
  void sameArgumentsGiveSameBytes() {
    assertThat(SyntheticSegments.h264TransportStream(SceneKind.RED, 160, 120, 10, 1, 5, 20))
        .isEqualTo(SyntheticSegments.h264TransportStream(SceneKind.RED, 160, 120, 10, 1, 5, 20));
  }

  @Test
  void contentDependsOnSeedAndStartFrame() {
    DecodedFrames base =
        first(SyntheticSegments.h264TransportStream(SceneKind.NEUTRAL, 160, 120, 10, 1, 5, 0));
    DecodedFrames otherSeed =
        first(SyntheticSegments.h264TransportStream(SceneKind.NEUTRAL, 160, 120, 10, 1, 6, 0));
    DecodedFrames later =
        first(SyntheticSegments.h264TransportStream(SceneKind.NEUTRAL, 160, 120, 10, 1, 5, 10));
    assertThat(meanAbsoluteDifference(base, otherSeed)).isGreaterThan(10);
    assertThat(meanAbsoluteDifference(base, later)).isGreaterThan(3);
  }

  @Test
  void nextSegmentContinuesTheStream() {
    // Frame 10 of a 2 s segment and frame 0 of the segment that starts at frame 10 are the same
    // picture; both are IDR frames, so they decode nearly alike (rate control differs a little).
    byte[] whole = SyntheticSegments.h264TransportStream(SceneKind.NEUTRAL, 160, 120, 10, 2, 5, 0);
    byte[] next = SyntheticSegments.h264TransportStream(SceneKind.NEUTRAL, 160, 120, 10, 1, 5, 10);
    DecodedFrames wholeFrames = (DecodedFrames) decoder.decode(whole, "mpegts");
    DecodedFrames nextFrames = (DecodedFrames) decoder.decode(next, "mpegts");
    assertThat(wholeFrames.timestampMicros(1)).isEqualTo(1_000_000);
    double same = meanAbsoluteDifference(wholeFrames, 1, nextFrames, 0);
    assertThat(same).isLessThan(3.0);
    assertThat(meanAbsoluteDifference(wholeFrames, 0, nextFrames, 0)).isGreaterThan(3 * same);
  }

  @Test
  void redSceneIsDominantlyRedAndNeutralIsNot() {
    SegmentDecoder everyFrame =
        new SegmentDecoder(
            DecoderSettings.builder()
                .size(64, 48)
                .sampling(SamplingPolicy.fixedRate(10))
                .maxFrames(20)
                .build());
    for (long seed = 0; seed < 3; seed++) {
      double[] red =
          mean(
              (DecodedFrames)
                  everyFrame.decode(
                      SyntheticSegments.h264TransportStream(
                          SceneKind.RED, 160, 120, 10, 2, seed, 0),
                      null));
      assertThat(red[0]).isGreaterThan(0.75);
      assertThat(red[1]).isLessThan(0.2);
      assertThat(red[2]).isLessThan(0.2);
      double[] neutral =
          mean(
              (DecodedFrames)
                  everyFrame.decode(
                      SyntheticSegments.h264TransportStream(
                          SceneKind.NEUTRAL, 160, 120, 10, 2, seed, 0),
                      null));
      assertThat(neutral[0]).isLessThanOrEqualTo(Math.max(neutral[1], neutral[2]));
    }
  }

  @Test
  void corruptCopyKeepsLengthAndGivesNoFrame() {
    byte[] ts = SyntheticSegments.h264TransportStream(SceneKind.RED, 160, 120, 10, 1, 5, 0);
    byte[] corrupt = SyntheticSegments.corrupt(ts, 9);
    assertThat(corrupt).hasSameSizeAs(ts).isNotEqualTo(ts);
    assertThat(ts[0]).isEqualTo((byte) 0x47);
    assertThat(decoder.decode(corrupt, null)).isInstanceOf(DecodeFailure.class);
    assertThat(decoder.decode(corrupt, "mpegts")).isInstanceOf(DecodeFailure.class);
    assertThat(SyntheticSegments.corrupt(ts, 9)).isEqualTo(corrupt);
  }

  @Test
  void fragmentedMp4SplitsIntoInitAndMedia() {
    SyntheticSegments.FragmentedMp4 f =
        SyntheticSegments.h264FragmentedMp4(SceneKind.RED, 160, 120, 10, 2, 5, 0);
    assertThat(new String(f.initSegment(), 4, 4, java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("ftyp");
    assertThat(new String(f.mediaSegment(), 4, 4, java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("moof");
  }

  @Test
  void rejectsBadArgumentsNamingThem() {
    assertThatThrownBy(
            () -> SyntheticSegments.h264TransportStream(SceneKind.RED, 161, 120, 10, 1, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("width")
        .hasMessageContaining("161");
    assertThatThrownBy(
            () -> SyntheticSegments.h264TransportStream(SceneKind.RED, 160, 120, 0, 1, 0, 0))
        .hasMessageContaining("fps");
    assertThatThrownBy(
            () -> SyntheticSegments.h264TransportStream(SceneKind.RED, 160, 120, 10, 1, 0, -1))
        .hasMessageContaining("startFrameIndex");
  }

  @Test
  void specNamesTheBadField() {
    assertThatThrownBy(() -> SegmentSpec.builder().rotationDegrees(45).build())
        .hasMessageContaining("rotationDegrees")
        .hasMessageContaining("45");
    assertThatThrownBy(
            () ->
                SegmentSpec.builder()
                    .rotationDegrees(90)
                    .container(ContainerFormat.MPEGTS)
                    .build())
        .hasMessageContaining("display matrix")
        .hasMessageContaining("MPEGTS");
    assertThatThrownBy(() -> SegmentSpec.builder().container(ContainerFormat.WEBM).build())
        .hasMessageContaining("WEBM")
        .hasMessageContaining("H264");
    assertThatThrownBy(() -> SegmentSpec.builder().codec(VideoCodec.MPEG2).fps(15).build())
        .hasMessageContaining("MPEG2")
        .hasMessageContaining("15");
    assertThatThrownBy(() -> SegmentSpec.builder().pixelFormat("yuv999").build())
        .hasMessageContaining("pixelFormat")
        .hasMessageContaining("yuv999");
    assertThatThrownBy(() -> SegmentSpec.builder().frameTimesMicros(0, 500, 200).build())
        .hasMessageContaining("frameTimesMicros");
    assertThatThrownBy(() -> SegmentSpec.builder().video(false).build())
        .hasMessageContaining("nothing to encode");
  }

  @Test
  void unsupportedEncodingsAreNamedBeforeEncoding() {
    assertThat(SyntheticSegments.unsupportedReason(SegmentSpec.builder().build())).isEmpty();
    SegmentSpec vp9TenBit =
        SegmentSpec.builder()
            .codec(VideoCodec.VP9)
            .container(ContainerFormat.WEBM)
            .pixelFormat("yuv420p10le")
            .build();
    // The bundled libvpx has no high bit depth; should a later build have it, this still holds.
    SyntheticSegments.unsupportedReason(vp9TenBit)
        .ifPresent(
            why -> {
              assertThat(why).contains("libvpx-vp9", "yuv420p10le");
              assertThatThrownBy(() -> SyntheticSegments.encode(vp9TenBit))
                  .isInstanceOf(UnsupportedOperationException.class);
            });
  }

  @Test
  void generalEncoderSplitsFragmentedMp4AndKeepsOtherContainersWhole() {
    EncodedSegment fmp4 =
        SyntheticSegments.encode(
            SegmentSpec.builder()
                .codec(VideoCodec.HEVC)
                .container(ContainerFormat.FRAGMENTED_MP4)
                .size(160, 120)
                .seconds(1)
                .build());
    assertThat(new String(fmp4.initSegment(), 4, 4, java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("ftyp");
    assertThat(new String(fmp4.payload(), 4, 4, java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("moof");
    assertThat(fmp4.bytes()).hasSize(fmp4.initSegment().length + fmp4.payload().length);
    EncodedSegment flv =
        SyntheticSegments.encode(
            SegmentSpec.builder().container(ContainerFormat.FLV).size(160, 120).seconds(1).build());
    assertThat(flv.initSegment()).isNull();
    assertThat(new String(flv.payload(), 0, 3, java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("FLV");
    assertThat(flv.containerHint()).isEqualTo("flv");
  }

  private DecodedFrames first(byte[] ts) {
    return (DecodedFrames) decoder.decode(ts, "mpegts");
  }

  private static double[] mean(DecodedFrames frames) {
    long[] sum = new long[3];
    byte[] rgb = frames.rgb();
    for (int i = 0; i < rgb.length; i++) {
      sum[i % 3] += rgb[i] & 0xFF;
    }
    double n = rgb.length / 3.0 * 255;
    return new double[] {sum[0] / n, sum[1] / n, sum[2] / n};
  }

  private static double meanAbsoluteDifference(DecodedFrames a, DecodedFrames b) {
    return meanAbsoluteDifference(a, 0, b, 0);
  }

  private static double meanAbsoluteDifference(DecodedFrames a, int i, DecodedFrames b, int j) {
    long sum = 0;
    int n = a.frameBytes();
    for (int k = 0; k < n; k++) {
      sum +=
          Math.abs((a.rgb()[a.frameOffset(i) + k] & 0xFF) - (b.rgb()[b.frameOffset(j) + k] & 0xFF));
    }
    return (double) sum / n;
  }
}
