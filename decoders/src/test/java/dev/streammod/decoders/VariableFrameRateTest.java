package dev.streammod.decoders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.decoders.synthetic.ContainerFormat;
import dev.streammod.decoders.synthetic.EncodedSegment;
import dev.streammod.decoders.synthetic.SegmentSpec;
import dev.streammod.decoders.synthetic.SyntheticSegments;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Variable frame rate (phones, screen capture, dropped frames): sampling follows the timestamps, not
 * frame counts.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class VariableFrameRateTest {

  /** Bursts and gaps; key frames every 5 frames: at 0, 220, 1000 and 1990 ms. */
  private static final long[] FRAME_MS = {
    0, 40, 50, 200, 210, 220, 500, 700, 710, 900, 1000, 1050, 1300, 1500, 1600, 1990
  };

  private static final Map<ContainerFormat, EncodedSegment> SEGMENTS =
      new ConcurrentHashMap<>();

  private static EncodedSegment segment(ContainerFormat container) {
    return SEGMENTS.computeIfAbsent(container, VariableFrameRateTest::encode);
  }

  private static EncodedSegment encode(ContainerFormat container) {
    long[] micros = Arrays.stream(FRAME_MS).map(ms -> ms * 1000).toArray();
    return SyntheticSegments.encode(
        SegmentSpec.builder()
            .container(container)
            .size(160, 120)
            .frameTimesMicros(micros)
            .gopFrames(5)
            .build());
  }

  @ParameterizedTest
  @EnumSource(
      value = ContainerFormat.class,
      names = {"MPEGTS", "MATROSKA", "FRAGMENTED_MP4"})
  void fixedRateSamplingFollowsTimestampsAcrossGaps(ContainerFormat container) {
    EncodedSegment s = segment(container);
    SegmentDecoder decoder =
        new SegmentDecoder(DecoderSettings.builder().sampling(SamplingPolicy.fixedRate(4)).build());
    DecodedFrames frames = decoded(decoder.decode(s.initSegment(), s.payload(), s.containerHint()));
    // Grid of 250 ms: the first frame at or after each boundary; a gap that skips a boundary
    // restarts the grid at the frame that ends it (500 -> next boundary 750).
    assertThat(millis(frames)).containsExactly(0L, 500L, 900L, 1000L, 1300L, 1500L, 1990L);
    assertThat(frames.framesRead()).isEqualTo(FRAME_MS.length);
  }

  @ParameterizedTest
  @EnumSource(
      value = ContainerFormat.class,
      names = {"MPEGTS", "MATROSKA", "FRAGMENTED_MP4"})
  void keyFrameSamplingReportsTheKeyFramesTimes(ContainerFormat container) {
    EncodedSegment s = segment(container);
    DecodedFrames frames =
        decoded(
            new SegmentDecoder(DecoderSettings.defaults())
                .decode(s.initSegment(), s.payload(), s.containerHint()));
    assertThat(millis(frames)).containsExactly(0L, 220L, 1000L, 1990L);
    assertThat(frames.framesDecoded()).isEqualTo(4);
  }

  @ParameterizedTest
  @EnumSource(
      value = ContainerFormat.class,
      names = {"MPEGTS", "MATROSKA"})
  void theCapStopsAtTheFirstFrames(ContainerFormat container) {
    EncodedSegment s = segment(container);
    SegmentDecoder decoder =
        new SegmentDecoder(
            DecoderSettings.builder().sampling(SamplingPolicy.fixedRate(4)).maxFrames(3).build());
    DecodedFrames frames = decoded(decoder.decode(s.initSegment(), s.payload(), s.containerHint()));
    assertThat(millis(frames)).containsExactly(0L, 500L, 900L);
    // Reading stopped at the third sample: the frames after 900 ms were not read.
    assertThat(frames.framesRead()).isLessThan(FRAME_MS.length);
  }

  private static long[] millis(DecodedFrames frames) {
    return Arrays.stream(frames.timestampsMicros()).map(us -> Math.round(us / 1000.0)).toArray();
  }

  private static DecodedFrames decoded(DecodeResult result) {
    assertThat(result).isInstanceOf(DecodedFrames.class);
    return (DecodedFrames) result;
  }
}
