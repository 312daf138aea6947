package dev.streammod.decoders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.decoders.synthetic.SceneKind;
import dev.streammod.decoders.synthetic.SyntheticSegments;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each configured limit, when crossed, gives its own error code and names the limit. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LimitsTest {

  private static final long PIXELS = 320L * 240;

  @Test
  void pictureLargerThanMaxPixelsIsRefusedFromTheHeader() {
    SegmentDecoder strict =
        new SegmentDecoder(DecoderSettings.builder().maxPixels(PIXELS - 1).build());
    assertFailure(
        strict.decode(TestSegments.NEUTRAL, "mpegts"),
        DecodeErrorCode.FRAME_TOO_LARGE,
        "320x240",
        "maxPixels=" + (PIXELS - 1));
    SegmentDecoder exact = new SegmentDecoder(DecoderSettings.builder().maxPixels(PIXELS).build());
    assertThat(exact.decode(TestSegments.NEUTRAL, "mpegts")).isInstanceOf(DecodedFrames.class);
  }

  @Test
  void largerPictureLaterInTheSegmentIsRefusedToo() {
    // A small picture, then (spliced on) a larger one: the header passes, the later frames do not.
    byte[] small = SyntheticSegments.h264TransportStream(SceneKind.NEUTRAL, 160, 120, 15, 1, 1, 0);
    byte[] large = SyntheticSegments.h264TransportStream(SceneKind.NEUTRAL, 640, 480, 15, 1, 1, 0);
    byte[] spliced = new byte[small.length + large.length];
    System.arraycopy(small, 0, spliced, 0, small.length);
    System.arraycopy(large, 0, spliced, small.length, large.length);
    SegmentDecoder decoder =
        new SegmentDecoder(DecoderSettings.builder().maxPixels(160L * 120).build());
    assertFailure(
        decoder.decode(spliced, "mpegts"), DecodeErrorCode.FRAME_TOO_LARGE, "maxPixels=19200");
    SegmentDecoder roomy = new SegmentDecoder(DecoderSettings.defaults());
    assertThat(roomy.decode(spliced, "mpegts")).isInstanceOf(DecodedFrames.class);
  }

  @Test
  void decodeThatOutrunsItsDeadlineIsAbandoned() {
    // Each clock reading moves time 1 ms on: the 20 ms budget runs out in the decode loop.
    AtomicLong now = new AtomicLong();
    LongSupplier clock = () -> now.addAndGet(1_000_000);
    SegmentDecoder decoder =
        new SegmentDecoder(
            DecoderSettings.builder()
                .sampling(SamplingPolicy.fixedRate(15))
                .maxFrames(30)
                .decodeTimeout(Duration.ofMillis(20))
                .build(),
            clock);
    assertFailure(
        decoder.decode(TestSegments.NEUTRAL, "mpegts"),
        DecodeErrorCode.DECODE_TIMEOUT,
        "decodeTimeout=20 ms",
        "abandoned");
  }

  @Test
  void ffmpegInterruptCallbackAbandonsProbing() {
    // Time jumps past the deadline right after the start: the first check is FFmpeg's interrupt
    // callback inside avformat_find_stream_info(), which then stops with AVERROR_EXIT; a hinted
    // segment is not probed, and is abandoned as soon as its input is open.
    assertFailure(
        jumpingClockDecoder().decode(TestSegments.NEUTRAL, null),
        DecodeErrorCode.DECODE_TIMEOUT,
        "avformat_find_stream_info()");
    assertFailure(
        jumpingClockDecoder().decode(TestSegments.NEUTRAL, "mpegts"),
        DecodeErrorCode.DECODE_TIMEOUT,
        "while opening the input");
    assertThat(MemoryInput.openCount()).isZero();
  }

  private static SegmentDecoder jumpingClockDecoder() {
    AtomicLong calls = new AtomicLong();
    LongSupplier clock = () -> calls.getAndIncrement() == 0 ? 0 : 3_600_000_000_000L;
    return new SegmentDecoder(
        DecoderSettings.builder().decodeTimeout(Duration.ofSeconds(1)).build(), clock);
  }

  @Test
  void realClockTimeout() {
    SegmentDecoder decoder =
        new SegmentDecoder(
            DecoderSettings.builder()
                .sampling(SamplingPolicy.fixedRate(15))
                .maxFrames(30)
                .decodeTimeout(Duration.ofNanos(1))
                .build());
    assertFailure(decoder.decode(TestSegments.NEUTRAL, "mpegts"), DecodeErrorCode.DECODE_TIMEOUT);
    assertThat(MemoryInput.openCount()).isZero();
  }

  @Test
  void framesReadLimit() {
    SegmentDecoder decoder =
        new SegmentDecoder(
            DecoderSettings.builder()
                .sampling(SamplingPolicy.fixedRate(1))
                .maxFrames(3)
                .maxDecodedFrames(10)
                .build());
    assertFailure(
        decoder.decode(TestSegments.NEUTRAL, "mpegts"),
        DecodeErrorCode.TOO_MANY_FRAMES,
        "maxDecodedFrames=10");
  }

  private static void assertFailure(
      DecodeResult result, DecodeErrorCode code, String... inMessage) {
    assertThat(result).isInstanceOf(DecodeFailure.class);
    DecodeFailure failure = (DecodeFailure) result;
    assertThat(failure.code()).as(failure.message()).isEqualTo(code);
    if (inMessage.length > 0) {
      assertThat(failure.message()).contains(inMessage);
    }
  }
}
