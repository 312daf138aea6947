package dev.streammod.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.cli.demo.SegmentKind;
import dev.streammod.cli.demo.SyntheticStreams;
import dev.streammod.cli.demo.VerdictTally;
import dev.streammod.connectors.avro.Decision;
import dev.streammod.connectors.avro.ModerationVerdict;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Temporal escalation through the real parts: a stream that shows red content on every other
 * segment (stream 4 of the synthetic plan) flickers between BLOCK and ALLOW by its frames; with
 * escalation holding blocked streams at BLOCK until three clean segments in a row, it stays
 * blocked, while the other streams are untouched.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EscalationPipelineIT {
  private static final int STREAMS = 5;
  private static final int SEGMENTS_PER_STREAM = 8;
  private static final int FLICKERING = 4;

  @TempDir Path work;

  @Test
  void aFlickeringStreamIsHeldBlockedAndEveryVerdictSaysWhy() throws Exception {
    try (RunningPipeline pipeline =
            RunningPipeline.builder()
                .partitions(2)
                .colourStatsModel(work)
                .set("stats.enabled", "false")
                // One segment of a stream at a time, so its results arrive in its own order.
                .set("decoder.max-in-flight-per-stream", "1")
                .set("policy.escalation.enabled", "true")
                .set("policy.escalation.decision", "BLOCK")
                .set("policy.escalation.clear-after", "3")
                .start();
        VerdictTally tally = pipeline.publishSyntheticStreams(STREAMS, SEGMENTS_PER_STREAM)) {
      RunningPipeline.awaitVerdicts(tally, (long) STREAMS * SEGMENTS_PER_STREAM, Duration.ofMinutes(3));
      assertThat(tally.missing()).isZero();
      assertThat(tally.duplicated()).isZero();

      for (int s = 0; s < STREAMS; s++) {
        for (int seq = 0; seq < SEGMENTS_PER_STREAM; seq++) {
          SegmentKind kind = SegmentKind.of(s, seq);
          ModerationVerdict v = tally.verdictOf(SyntheticStreams.streamId(s), seq);
          String where = v.getStreamId() + "#" + seq + " (" + kind + ")";
          if (kind == SegmentKind.CORRUPT) {
            assertThat(v.getDecision()).as(where).isEqualTo(Decision.ERROR);
            continue;
          }
          assertThat(v.getFrameDecision()).as(where).isEqualTo(kind.expected());
          if (s != FLICKERING || seq == 0) {
            assertThat(v.getDecision()).as(where).isEqualTo(kind.expected());
            assertThat(v.getEscalation()).as(where).isNull();
          } else if (kind == SegmentKind.RED) {
            assertThat(v.getDecision()).as(where).isEqualTo(Decision.BLOCK);
            assertThat(v.getEscalation()).as(where).isNull();
          } else {
            // A clean segment after a red one: held, naming the red segment just before it.
            assertThat(v.getDecision()).as(where).isEqualTo(Decision.BLOCK);
            assertThat(v.getEscalation()).as(where).contains("held after the BLOCK of segment " + (seq - 1));
            assertThat(v.getEscalationSequences()).as(where).containsExactly((long) seq - 1);
          }
        }
      }
    }
  }
}
