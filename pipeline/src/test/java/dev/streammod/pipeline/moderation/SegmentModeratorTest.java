package dev.streammod.pipeline.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.connectors.RawRecord;
import dev.streammod.decoders.SegmentDecoder;
import dev.streammod.decoders.synthetic.SceneKind;
import dev.streammod.decoders.synthetic.SyntheticSegments;
import dev.streammod.models.batching.SharedBatchers;
import dev.streammod.pipeline.moderation.SegmentResult.Failed;
import dev.streammod.pipeline.moderation.SegmentResult.Scored;
import dev.streammod.pipeline.policy.Policy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The moderation step through real FFmpeg decoding and a real ONNX Runtime session, no Flink. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SegmentModeratorTest {
  @TempDir static Path repository;
  private static SharedBatchers.Lease lease;
  private static ExecutorService pool;
  private static SegmentModerator moderator;

  @BeforeAll
  static void setUp() {
    lease = TestSegments.colourStatsLease(repository);
    SegmentDecoder decoder = TestSegments.keyframeDecoder();
    pool = Executors.newFixedThreadPool(2);
    moderator =
        SegmentModerator.builder(decoder, lease.batcher(), lease.config(), pool)
            .policy(Policy.colourStatsDefault())
            .build();
  }

  @AfterAll
  static void tearDown() {
    pool.shutdownNow();
    lease.close();
  }

  private static RawRecord record(String stream, long seq, byte[] payload) {
    return TestSegments.record(stream, seq, payload, null, System.currentTimeMillis());
  }

  @Test
  void redSegmentScoresRedOnEverySampledKeyframe() throws Exception {
    byte[] ts = SyntheticSegments.h264TransportStream(SceneKind.RED, 320, 240, 15, 2.0, 1, 0);
    SegmentResult r = moderator.moderate(record("a", 3, ts)).result().get(30, TimeUnit.SECONDS);
    assertThat(r.failed()).as("%s", r).isFalse();
    // A scored result has no field for the record's bytes: they are kept only for failures.
    Scored s = (Scored) r;
    assertThat(s.streamId()).isEqualTo("a");
    assertThat(s.id().sequence()).isEqualTo(3);
    assertThat(s.scores().frames()).isEqualTo(2);
    assertThat(s.scores().topLabel()).isEqualTo("red");
    assertThat(s.scores().max()[1]).isGreaterThan(0.8f);
    assertThat(s.scores().worstFrameOffsetMs()).isBetween(0L, 2000L);
    assertThat(s.timings().decodeMs()).isPositive();
  }

  @Test
  void neutralSegmentScoresNeutral() throws Exception {
    byte[] ts = SyntheticSegments.h264TransportStream(SceneKind.NEUTRAL, 320, 240, 15, 2.0, 2, 0);
    SegmentResult r = moderator.moderate(record("b", 0, ts)).result().get(30, TimeUnit.SECONDS);
    assertThat(r.failed()).isFalse();
    Scored s = (Scored) r;
    assertThat(s.scores().topLabel()).isEqualTo("neutral");
    assertThat(s.scores().max()[1]).isLessThan(0.5f);
  }

  @Test
  void corruptSegmentIsADecodeFailureThatKeepsTheRecord() throws Exception {
    byte[] ts = SyntheticSegments.h264TransportStream(SceneKind.NEUTRAL, 320, 240, 15, 2.0, 3, 0);
    RawRecord r = record("c", 9, SyntheticSegments.corrupt(ts, 11));
    Failed s = (Failed) moderator.moderate(r).result().get(30, TimeUnit.SECONDS);
    assertThat(s.stage()).isEqualTo(Stage.DECODE);
    assertThat(s.code()).isNotNull();
    assertThat(s.message()).isNotBlank();
    assertThat(s.streamId()).isEqualTo("c");
    assertThat(s.id().sequence()).isEqualTo(9);
    assertThat(s.value()).isEqualTo(r.value);
  }

  @Test
  void recordThatIsNotAvroIsNamedByItsKey() throws Exception {
    Failed s =
        (Failed)
            moderator
                .moderate(TestSegments.raw("stream-x", 5, "garbage".getBytes(StandardCharsets.UTF_8), 0))
                .result()
                .get(30, TimeUnit.SECONDS);
    assertThat(s.stage()).isEqualTo(Stage.DESERIALIZE);
    assertThat(s.code()).isEqualTo(ErrorCode.NOT_SINGLE_OBJECT);
    assertThat(s.streamId()).isEqualTo("stream-x");
    assertThat(s.id().sequence()).isEqualTo(-1);
  }

  @Test
  void segmentWithoutPayloadIsAFetchFailure() throws Exception {
    Failed s = (Failed) moderator.moderate(record("d", 1, null)).result().get(30, TimeUnit.SECONDS);
    assertThat(s.stage()).isEqualTo(Stage.FETCH);
    assertThat(s.message()).contains("payload");
  }
}
