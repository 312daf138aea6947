package dev.streammod.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.connectors.avro.ModerationVerdict;
import dev.streammod.cli.demo.SegmentKind;
import dev.streammod.cli.demo.SyntheticStreams;
import dev.streammod.cli.demo.VerdictTally;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kafka.delivery: at-least-once}: verdicts and dead letters are written as they are made,
 * not in transactions committed with checkpoints. With a checkpoint interval longer than the test,
 * no checkpoint completes, so an exactly-once job would show a read_committed reader nothing; here
 * every segment's verdict arrives, as the content calls for.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class AtLeastOnceDeliveryIT {
  private static final int STREAMS = 3;
  private static final int SEGMENTS_PER_STREAM = 6;

  @TempDir Path work;

  @Test
  void verdictsArriveWithoutWaitingForACheckpoint() throws Exception {
    try (RunningPipeline pipeline =
            RunningPipeline.builder()
                .partitions(2)
                .colourStatsModel(work)
                .set("kafka.delivery", "at-least-once")
                .set("job.checkpoint-interval-ms", String.valueOf(TimeUnit.HOURS.toMillis(1)))
                .start();
        VerdictTally tally = pipeline.publishSyntheticStreams(STREAMS, SEGMENTS_PER_STREAM)) {
      long expected = STREAMS * SEGMENTS_PER_STREAM;

      RunningPipeline.awaitVerdicts(tally, expected, Duration.ofMinutes(2));

      assertThat(tally.unreadable()).isZero();
      assertThat(tally.missing()).as("segments without a verdict, no checkpoint taken").isZero();
      assertThat(tally.duplicated()).as("no failure, so no verdict written twice").isZero();
      assertThat(tally.verdicts()).isEqualTo(expected);
      long corrupt = 0;
      for (int s = 0; s < STREAMS; s++) {
        for (int seq = 0; seq < SEGMENTS_PER_STREAM; seq++) {
          SegmentKind kind = SegmentKind.of(s, seq);
          ModerationVerdict v = tally.verdictOf(SyntheticStreams.streamId(s), seq);
          assertThat(v.getDecision()).as("%s#%d (%s)", v.getStreamId(), seq, kind).isEqualTo(kind.expected());
          corrupt += kind == SegmentKind.CORRUPT ? 1 : 0;
        }
      }
      assertThat(tally.deadLetters()).as("one dead letter per corrupt segment").isEqualTo(corrupt);
    }
  }
}
