package dev.streammod.pipeline.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.connectors.RawRecord;
import dev.streammod.decoders.SegmentDecoder;
import dev.streammod.decoders.synthetic.SceneKind;
import dev.streammod.decoders.synthetic.SyntheticSegments;
import dev.streammod.models.batching.SharedBatchers;
import dev.streammod.pipeline.moderation.SegmentResult.Scored;
import dev.streammod.pipeline.policy.Policy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Degrade mode and per-stream fairness through real FFmpeg and ONNX Runtime, no Flink. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SegmentModeratorAdmissionTest {
  private static final long NOW = 1_700_000_000_000L;

  @TempDir static Path repository;
  private static SharedBatchers.Lease lease;
  private static ExecutorService pool;
  private static SegmentDecoder decoder;
  private static byte[] neutral;

  @BeforeAll
  static void setUp() {
    lease = TestSegments.colourStatsLease(repository);
    decoder = TestSegments.keyframeDecoder();
    pool = Executors.newSingleThreadExecutor();
    neutral = SyntheticSegments.h264TransportStream(SceneKind.NEUTRAL, 320, 240, 15, 2.0, 5, 0);
  }

  @AfterAll
  static void tearDown() {
    pool.shutdownNow();
    lease.close();
  }

  private static SegmentModerator moderator(SegmentModerator.Admission admission, DegradePolicy degrade) {
    return SegmentModerator.builder(decoder, lease.batcher(), lease.config(), pool)
        .policy(Policy.colourStatsDefault())
        .admission(admission)
        .degrade(degrade)
        .wallClockMs(() -> NOW)
        .build();
  }

  private static RawRecord record(String stream, long seq, long timestamp) {
    return TestSegments.record(stream, seq, neutral, null, timestamp);
  }

  @Test
  void lateSegmentIsDegradedToFewerFramesAndMarked() throws Exception {
    SegmentModerator m =
        moderator(new SegmentModerator.Admission(1, 2, 16), DegradePolicy.of(2000, 0.5, 8, 1));
    SegmentResult freshResult = m.moderate(record("a", 0, NOW - 100)).result().get(30, TimeUnit.SECONDS);
    SegmentResult lateResult = m.moderate(record("a", 1, NOW - 1500)).result().get(30, TimeUnit.SECONDS);
    assertThat(freshResult.failed()).as("%s", freshResult).isFalse();
    Scored fresh = (Scored) freshResult;
    assertThat(fresh.degraded()).isFalse();
    assertThat(fresh.scores().frames()).as("both key frames of a 2 s segment").isEqualTo(2);
    assertThat(lateResult.failed()).as("%s", lateResult).isFalse();
    Scored late = (Scored) lateResult;
    assertThat(late.degraded()).isTrue();
    assertThat(late.scores().frames()).isEqualTo(1);
    assertThat(late.scores().topLabel()).isEqualTo("neutral");
  }

  @Test
  void withoutDegradeModeOldSegmentsAreAnalysedInFull() throws Exception {
    SegmentModerator m = moderator(new SegmentModerator.Admission(1, 2, 16), DegradePolicy.off());
    Scored old = (Scored) m.moderate(record("b", 0, NOW - 3_600_000)).result().get(30, TimeUnit.SECONDS);
    assertThat(old.degraded()).isFalse();
    assertThat(old.scores().frames()).isEqualTo(2);
  }

  @Test
  void aFloodFromOneStreamDoesNotHoldBackAnother() throws Exception {
    SegmentModerator m = moderator(new SegmentModerator.Admission(1, 2, 64), DegradePolicy.off());
    List<String> done = new CopyOnWriteArrayList<>();
    List<CompletableFuture<SegmentResult>> all = new ArrayList<>();
    // Records are made first, so the flood is queued at once and the quiet stream right after it.
    List<RawRecord> records = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      records.add(record("flood", i, NOW));
    }
    records.add(record("quiet", 0, NOW));
    for (RawRecord r : records) {
      all.add(m.moderate(r).result().whenComplete((s, t) -> done.add(s.streamId())));
    }
    CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(50, TimeUnit.SECONDS);
    assertThat(done).hasSize(41);
    assertThat(done.indexOf("quiet"))
        .as(
            "the quiet stream waits for the flood's admitted segments (cap 2) and what they have"
                + " already handed to the batcher, not for the 40 segments queued behind them")
        .isLessThanOrEqualTo(8);
    // A slot is released by its own completion callback, which may run just after the caller's.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (m.admitted() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(m.admitted()).as("every admission slot released once its segment is done").isZero();
  }
}
