package dev.streammod.decoders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.decoders.synthetic.SyntheticSegments;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every bad input comes back as a typed {@link DecodeFailure}; nothing throws. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SegmentDecoderFailureTest {

  private final SegmentDecoder decoder = new SegmentDecoder(DecoderSettings.defaults());

  @Test
  void emptyPayload() {
    assertFailure(decoder.decode(null, "mpegts"), DecodeErrorCode.EMPTY_PAYLOAD, "null");
    assertFailure(decoder.decode(new byte[0], null), DecodeErrorCode.EMPTY_PAYLOAD, "0-byte");
    assertFailure(
        decoder.decode(new byte[100], new byte[0], "mp4"), DecodeErrorCode.EMPTY_PAYLOAD, "init");
  }

  @Test
  void payloadOverTheLimitIsNotOpened() {
    SegmentDecoder small =
        new SegmentDecoder(DecoderSettings.builder().maxPayloadBytes(10_000).build());
    assertFailure(
        small.decode(TestSegments.NEUTRAL, "mpegts"),
        DecodeErrorCode.PAYLOAD_TOO_LARGE,
        String.valueOf(TestSegments.NEUTRAL.length),
        "maxPayloadBytes=10000");
    // The init segment counts too.
    assertFailure(
        small.decode(new byte[9_000], new byte[2_000], "mp4"),
        DecodeErrorCode.PAYLOAD_TOO_LARGE,
        "11000");
  }

  @Test
  void randomBytesWithoutHint() {
    byte[] noise = new byte[50_000];
    new SplittableRandom(1).nextBytes(noise);
    assertFailure(
        decoder.decode(noise, null),
        DecodeErrorCode.UNSUPPORTED_CONTAINER,
        "avformat_open_input()",
        "likely cause");
  }

  @Test
  void randomBytesHintedAsTransportStream() {
    byte[] noise = new byte[50_000];
    new SplittableRandom(2).nextBytes(noise);
    assertFailure(
        decoder.decode(noise, "mpegts"),
        DecodeErrorCode.CORRUPT_CONTAINER,
        "avformat_find_stream_info()");
  }

  @Test
  void corruptedSegmentNeverGivesFrames() {
    for (long seed = 0; seed < 4; seed++) {
      byte[] corrupt = SyntheticSegments.corrupt(TestSegments.NEUTRAL, seed);
      assertThat(decoder.decode(corrupt, null)).isInstanceOf(DecodeFailure.class);
      assertThat(decoder.decode(corrupt, "mpegts")).isInstanceOf(DecodeFailure.class);
    }
  }

  @Test
  void segmentTruncatedBeforeItsFirstPicture() {
    // PAT, PMT and the start of the first PES packet: a video stream, but no complete picture.
    byte[] head = Arrays.copyOf(TestSegments.NEUTRAL, 3 * 188);
    assertFailure(decoder.decode(head, "mpegts"), DecodeErrorCode.NO_FRAMES, "truncated");
  }

  @Test
  void segmentTruncatedMidwayKeepsItsCompleteFrames() {
    byte[] half = Arrays.copyOf(TestSegments.NEUTRAL, TestSegments.NEUTRAL.length / 2);
    assertThat(decoder.decode(half, "mpegts")).isInstanceOf(DecodedFrames.class);
  }

  @Test
  void wrongContainerHint() {
    assertFailure(
        decoder.decode(TestSegments.NEUTRAL, "matroska"),
        DecodeErrorCode.CORRUPT_CONTAINER,
        "\"matroska\"",
        "wrong hint");
    assertFailure(
        decoder.decode(TestSegments.NEUTRAL, "mp4"), DecodeErrorCode.CORRUPT_CONTAINER, "\"mp4\"");
  }

  @Test
  void unknownContainerHint() {
    assertFailure(
        decoder.decode(TestSegments.NEUTRAL, "no-such-format"),
        DecodeErrorCode.UNSUPPORTED_CONTAINER,
        "\"no-such-format\"",
        "av_find_input_format");
  }

  @Test
  void aliasAndBlankHintsAreAccepted() {
    assertThat(decoder.decode(TestSegments.NEUTRAL, "ts")).isInstanceOf(DecodedFrames.class);
    assertThat(decoder.decode(TestSegments.NEUTRAL, "  ")).isInstanceOf(DecodedFrames.class);
  }

  @Test
  void audioOnlySegment() {
    assertFailure(
        decoder.decode(TestSegments.audioOnlyTransportStream(), "mpegts"),
        DecodeErrorCode.NO_VIDEO_STREAM,
        "no video stream");
  }

  @Test
  void tooManyFramesBeforeTheSampleIsComplete() {
    SegmentDecoder lowRate =
        new SegmentDecoder(
            DecoderSettings.builder()
                .sampling(SamplingPolicy.fixedRate(0.5))
                .maxFrames(4)
                .maxDecodedFrames(20)
                .build());
    assertFailure(
        lowRate.decode(TestSegments.NEUTRAL, "mpegts"),
        DecodeErrorCode.TOO_MANY_FRAMES,
        "maxDecodedFrames=20");
  }

  @Test
  void damagedBytesNeverThrow() {
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 12; i++) {
      byte[] damaged = TestSegments.NEUTRAL.clone();
      int flips = 1 + random.nextInt(200);
      for (int f = 0; f < flips; f++) {
        damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
      }
      byte[] cut = Arrays.copyOf(damaged, 1 + random.nextInt(damaged.length));
      // Either outcome is fine; an exception or a crash is not.
      assertThat(decoder.decode(cut, i % 2 == 0 ? null : "mpegts")).isNotNull();
    }
  }

  private static void assertFailure(
      DecodeResult result, DecodeErrorCode code, String... inMessage) {
    assertThat(result).isInstanceOf(DecodeFailure.class);
    DecodeFailure failure = (DecodeFailure) result;
    assertThat(failure.code()).as(failure.message()).isEqualTo(code);
    assertThat(failure.message()).contains(inMessage);
  }
}
