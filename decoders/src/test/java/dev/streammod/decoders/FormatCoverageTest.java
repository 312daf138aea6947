package dev.streammod.decoders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.decoders.synthetic.ContainerFormat;
import dev.streammod.decoders.synthetic.EncodedSegment;
import dev.streammod.decoders.synthetic.SceneKind;
import dev.streammod.decoders.synthetic.SegmentSpec;
import dev.streammod.decoders.synthetic.TestPattern;
import dev.streammod.decoders.synthetic.VideoCodec;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every codec and container a platform sends, encoded here by the FFmpeg encoders bundled with
 * JavaCV, decodes with and without a container hint, to the right pictures, with only key frames
 * decoded. Cases the bundled FFmpeg cannot encode are skipped with the reason (see {@link
 * TestSegments#encodeOrSkip}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FormatCoverageTest {

  /** Same scene, seed and size as {@link TestSegments#NEUTRAL}, so frame 0 is the same picture. */
  private static SegmentSpec.Builder neutral() {
    return SegmentSpec.builder().scene(SceneKind.NEUTRAL).seed(7).size(320, 240).seconds(2);
  }

  record FormatCase(
      String name, SegmentSpec spec, String decoder, long secondKeyMinMicros, long maxMicros) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<FormatCase> formats() {
    return Stream.of(
        ok("H.264 in MPEG-TS", neutral().codec(VideoCodec.H264), "h264"),
        ok(
            "H.264 in fragmented MP4 (init + media) with AAC",
            neutral().container(ContainerFormat.FRAGMENTED_MP4).audio(true),
            "h264"),
        ok(
            "H.264 in progressive MP4 (moov at the end) with AAC",
            neutral().container(ContainerFormat.MP4).audio(true),
            "h264"),
        ok("H.264 in FLV with AAC", neutral().container(ContainerFormat.FLV).audio(true), "h264"),
        ok(
            "H.264 High 10 (yuv420p10le) in Matroska",
            neutral().container(ContainerFormat.MATROSKA).pixelFormat("yuv420p10le"),
            "h264"),
        ok(
            "HEVC with B-frames in MPEG-TS with AAC",
            neutral().codec(VideoCodec.HEVC).audio(true),
            "hevc"),
        ok(
            "HEVC Main 10 (yuv420p10le) in fragmented MP4",
            neutral()
                .codec(VideoCodec.HEVC)
                .container(ContainerFormat.FRAGMENTED_MP4)
                .pixelFormat("yuv420p10le"),
            "hevc"),
        ok(
            "HEVC in Matroska",
            neutral().codec(VideoCodec.HEVC).container(ContainerFormat.MATROSKA),
            "hevc"),
        ok(
            "HEVC in enhanced FLV",
            neutral().codec(VideoCodec.HEVC).container(ContainerFormat.FLV),
            "hevc"),
        ok(
            "VP9 in WebM with Opus",
            neutral().codec(VideoCodec.VP9).container(ContainerFormat.WEBM).audio(true),
            "vp9"),
        ok(
            "VP9 4:4:4 in Matroska",
            neutral()
                .codec(VideoCodec.VP9)
                .container(ContainerFormat.MATROSKA)
                .pixelFormat("yuv444p"),
            "vp9"),
        ok(
            "VP9 Profile 2 (yuv420p10le) in WebM",
            neutral()
                .codec(VideoCodec.VP9)
                .container(ContainerFormat.WEBM)
                .pixelFormat("yuv420p10le"),
            "vp9"),
        ok(
            "AV1 in fragmented MP4",
            neutral().codec(VideoCodec.AV1).container(ContainerFormat.FRAGMENTED_MP4),
            "libaom-av1"),
        ok(
            "AV1 10-bit (yuv420p10le) in progressive MP4 with AAC",
            neutral()
                .codec(VideoCodec.AV1)
                .container(ContainerFormat.MP4)
                .pixelFormat("yuv420p10le")
                .audio(true),
            "libaom-av1"),
        ok(
            "AV1 (SVT-AV1) in WebM with Opus",
            neutral().codec(VideoCodec.AV1).container(ContainerFormat.WEBM).audio(true),
            "libaom-av1"),
        // FFmpeg's MPEG-2 encoder counts its GOP in coded order with two B-frames: the second
        // I-frame shows 3 frames (120 ms) after the nominal second.
        new FormatCase(
            "MPEG-2 with B-frames in MPEG-TS with AAC",
            neutral().codec(VideoCodec.MPEG2).fps(25).audio(true).build(),
            "mpeg2video",
            1_000_000,
            1_130_000),
        new FormatCase(
            "MPEG-2 4:2:2 with B-frames in progressive MP4",
            neutral()
                .codec(VideoCodec.MPEG2)
                .fps(25)
                .container(ContainerFormat.MP4)
                .pixelFormat("yuv422p")
                .build(),
            "mpeg2video",
            1_000_000,
            1_130_000));
  }

  private static FormatCase ok(String name, SegmentSpec.Builder spec, String decoder) {
    return new FormatCase(name, spec.build(), decoder, 1_000_000 - 1_000, 1_000_000 + 22_000);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("formats")
  void decodesKeyFramesOfTheRightPicture(FormatCase c) {
    EncodedSegment segment = TestSegments.encodeOrSkip(c.spec());
    SegmentDecoder decoder = new SegmentDecoder(DecoderSettings.defaults());

    DecodedFrames frames =
        decoded(decoder.decode(segment.initSegment(), segment.payload(), segment.containerHint()));
    assertThat(frames.codec()).isEqualTo(c.decoder());
    assertThat(frames.sourceWidth()).isEqualTo(320);
    assertThat(frames.sourceHeight()).isEqualTo(240);
    assertThat(frames.count()).as(frames.toString()).isEqualTo(2);
    assertThat(frames.timestampMicros(0)).isZero();
    assertThat(frames.timestampMicros(1)).isBetween(c.secondKeyMinMicros(), c.maxMicros());
    // Only key frames reach the decoder; the rest are demuxed and dropped.
    assertThat(frames.framesDecoded()).isEqualTo(2);
    assertThat(frames.framesRead()).isEqualTo(c.spec().frameCount());

    // The first key frame is the scene's frame 0, as the H.264 reference shows it.
    DecodedFrames reference =
        decoded(new SegmentDecoder(DecoderSettings.defaults()).decode(TestSegments.NEUTRAL, null));
    assertThat(TestSegments.meanAbsoluteDifference(frames, 0, reference, 0))
        .as("mean |difference| to the H.264 reference, per byte")
        .isLessThan(8.0);

    // Probing finds the container without the hint.
    DecodedFrames probed = decoded(decoder.decode(segment.initSegment(), segment.payload(), null));
    assertThat(probed.timestampsMicros()).containsExactly(frames.timestampsMicros());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("formats")
  void fixedRateSamplingDecodesEveryFrameAndSpreadsTheSample(FormatCase c) {
    EncodedSegment segment = TestSegments.encodeOrSkip(c.spec());
    SegmentDecoder decoder =
        new SegmentDecoder(DecoderSettings.builder().sampling(SamplingPolicy.fixedRate(2)).build());
    DecodedFrames frames =
        decoded(decoder.decode(segment.initSegment(), segment.payload(), segment.containerHint()));
    assertThat(frames.count()).as(frames.toString()).isEqualTo(4);
    long[] ts = frames.timestampsMicros();
    double frameMicros = 1e6 / c.spec().fps();
    for (int i = 0; i < 4; i++) {
      assertThat((double) ts[i])
          .as("sample %d of %s", i, java.util.Arrays.toString(ts))
          .isBetween(i * 500_000 - 1_000.0, i * 500_000 + frameMicros + 22_000);
    }
    assertThat(frames.framesDecoded()).isEqualTo(c.spec().frameCount());
  }

  @Test
  void fragmentedMp4MediaSegmentNeedsItsInitSegment() {
    EncodedSegment hevc =
        TestSegments.encodeOrSkip(
            neutral()
                .codec(VideoCodec.HEVC)
                .container(ContainerFormat.FRAGMENTED_MP4)
                .seconds(1)
                .build());
    assertThat(hevc.initSegment()).isNotNull();
    DecodeResult alone = new SegmentDecoder(DecoderSettings.defaults()).decode(hevc.payload(), "mp4");
    assertThat(alone).isInstanceOf(DecodeFailure.class);
    assertThat(((DecodeFailure) alone).code()).isEqualTo(DecodeErrorCode.CORRUPT_CONTAINER);
  }

  record OddCase(String name, SegmentSpec spec) {
    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * Odd heights (JavaCV's recorder rounds odd widths up to even, so the width is even): 4:2:0
   * H.264 and HEVC cannot code an odd height at all, so those go as 4:4:4.
   */
  static Stream<OddCase> oddSizes() {
    SegmentSpec.Builder b =
        SegmentSpec.builder().pattern(TestPattern.QUADRANTS).size(320, 181).seconds(0.2);
    return Stream.of(
        new OddCase(
            "H.264 4:4:4 320x181 in Matroska",
            b.codec(VideoCodec.H264)
                .container(ContainerFormat.MATROSKA)
                .pixelFormat("yuv444p")
                .build()),
        new OddCase(
            "HEVC 4:4:4 320x181 in Matroska",
            b.codec(VideoCodec.HEVC)
                .container(ContainerFormat.MATROSKA)
                .pixelFormat("yuv444p")
                .build()),
        new OddCase(
            "VP9 320x181 in WebM",
            b.codec(VideoCodec.VP9).container(ContainerFormat.WEBM).pixelFormat("yuv420p").build()),
        new OddCase(
            "AV1 320x181 in fragmented MP4",
            b.codec(VideoCodec.AV1)
                .container(ContainerFormat.FRAGMENTED_MP4)
                .pixelFormat("yuv420p")
                .build()),
        new OddCase(
            "MPEG-2 320x181 in MPEG-TS",
            b.codec(VideoCodec.MPEG2)
                .container(ContainerFormat.MPEGTS)
                .pixelFormat("yuv420p")
                .fps(25)
                .build()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("oddSizes")
  void oddSizesDecodeWholePictures(OddCase c) {
    EncodedSegment segment = TestSegments.encodeOrSkip(c.spec());
    DecodedFrames frames =
        decoded(
            new SegmentDecoder(DecoderSettings.builder().size(64, 64).build())
                .decode(segment.initSegment(), segment.payload(), segment.containerHint()));
    assertThat(frames.sourceWidth()).isEqualTo(320);
    assertThat(frames.sourceHeight()).isEqualTo(181);
    // Quadrant centres: nothing shifted, nothing lost at the odd edge.
    assertThat(TestSegments.colourAt(frames, 0, 16, 16)).isEqualTo('R');
    assertThat(TestSegments.colourAt(frames, 0, 48, 16)).isEqualTo('G');
    assertThat(TestSegments.colourAt(frames, 0, 16, 48)).isEqualTo('B');
    assertThat(TestSegments.colourAt(frames, 0, 48, 48)).isEqualTo('W');
    assertThat(TestSegments.colourAt(frames, 0, 48, 63)).isEqualTo('W');
  }

  @ParameterizedTest
  @EnumSource(
      value = ContainerFormat.class,
      names = {"MPEGTS", "FRAGMENTED_MP4", "MP4", "WEBM", "MATROSKA", "FLV"})
  void audioOnlySegmentsHaveNoVideoStream(ContainerFormat container) {
    EncodedSegment audio =
        TestSegments.encodeOrSkip(
            SegmentSpec.builder().container(container).video(false).audio(true).seconds(1).build());
    for (String hint : new String[] {audio.containerHint(), null}) {
      DecodeResult r =
          new SegmentDecoder(DecoderSettings.defaults())
              .decode(audio.initSegment(), audio.payload(), hint);
      assertThat(r).isInstanceOf(DecodeFailure.class);
      DecodeFailure f = (DecodeFailure) r;
      assertThat(f.code()).as(f.message()).isEqualTo(DecodeErrorCode.NO_VIDEO_STREAM);
      assertThat(f.message()).contains("audio");
    }
  }

  static DecodedFrames decoded(DecodeResult result) {
    assertThat(result).isInstanceOf(DecodedFrames.class);
    return (DecodedFrames) result;
  }
}
