package dev.streammod.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.connectors.Topics;
import dev.streammod.connectors.avro.DeadLetter;
import dev.streammod.connectors.avro.Decision;
import dev.streammod.connectors.avro.ModerationVerdict;
import dev.streammod.models.testing.ColourStatsModel;
import dev.streammod.cli.demo.SegmentKind;
import dev.streammod.cli.demo.SyntheticStreams;
import dev.streammod.cli.demo.VerdictTally;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path through real parts: an in-JVM KRaft broker, a Flink MiniCluster running the
 * moderation job, FFmpeg-encoded H.264 segments from several streams, and a real ONNX model.
 * Verdicts are read back with read_committed.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ModerationPipelineIT {
  private static final int STREAMS = 6;
  private static final int SEGMENTS_PER_STREAM = 10;

  @TempDir Path work;

  @Test
  void everySegmentGetsExactlyOneVerdictAsTheModelDictates() throws Exception {
    try (RunningPipeline pipeline =
            RunningPipeline.builder().partitions(3).colourStatsModel(work).start();
        VerdictTally tally = pipeline.publishSyntheticStreams(STREAMS, SEGMENTS_PER_STREAM)) {
      publishMalformed(pipeline.bootstrapServers());
      long expectedVerdicts = STREAMS * SEGMENTS_PER_STREAM + 1;

      RunningPipeline.awaitVerdicts(tally, expectedVerdicts, Duration.ofMinutes(3));

      assertThat(tally.unreadable()).isZero();
      assertThat(tally.missing()).as("segments without a verdict").isZero();
      assertThat(tally.duplicated()).as("segments with more than one verdict").isZero();
      assertThat(tally.verdicts()).isEqualTo(expectedVerdicts);

      for (int s = 0; s < STREAMS; s++) {
        for (int seq = 0; seq < SEGMENTS_PER_STREAM; seq++) {
          SegmentKind kind = SegmentKind.of(s, seq);
          ModerationVerdict v = tally.verdictOf(SyntheticStreams.streamId(s), seq);
          assertThat(v.getDecision()).as("%s#%d (%s)", v.getStreamId(), seq, kind).isEqualTo(kind.expected());
          assertThat(v.getModelName()).isEqualTo(ColourStatsModel.NAME);
          if (kind == SegmentKind.CORRUPT) {
            assertThat(v.getErrorCode()).startsWith("DECODE/");
            assertThat(v.getErrorMessage()).isNotBlank();
            assertThat(v.getFramesSampled()).isZero();
          } else {
            assertThat(v.getFramesSampled()).as("keyframes of a 2 s segment, GOP 1 s").isEqualTo(2);
            assertThat(v.getScores()).containsKeys("neutral", "red");
            assertThat(v.getWorstFrameOffsetMs()).isNotNull();
          }
          if (kind == SegmentKind.RED) {
            assertThat(v.getScores().get("red")).isGreaterThan(0.8f);
            assertThat(v.getRule()).isEqualTo("red-block");
          }
        }
      }
      long corrupt = 0;
      for (int s = 0; s < STREAMS; s++) {
        for (int seq = 0; seq < SEGMENTS_PER_STREAM; seq++) {
          if (SegmentKind.of(s, seq) == SegmentKind.CORRUPT) {
            corrupt++;
          }
        }
      }
      assertThat(corrupt).as("the plan holds corrupt segments").isPositive();

      ModerationVerdict garbage = tally.verdictOf("stream-garbage", -1);
      assertThat(garbage).as("verdict for a record that is not Avro").isNotNull();
      assertThat(garbage.getDecision()).isEqualTo(Decision.ERROR);
      assertThat(garbage.getErrorCode()).startsWith("DESERIALIZE/");

      List<DeadLetter> dead = tally.deadLetterRecords();
      assertThat(dead).hasSize((int) corrupt + 1);
      assertThat(dead)
          .filteredOn(d -> d.getStage().equals("DECODE"))
          .hasSize((int) corrupt)
          .allSatisfy(
              d -> {
                assertThat(d.getErrorMessage()).isNotBlank();
                assertThat(d.getValue()).as("original record kept for replay").isNotNull();
                assertThat(d.getSequence()).isNotNull();
              });
      assertThat(dead)
          .filteredOn(d -> d.getStage().equals("DESERIALIZE"))
          .singleElement()
          .satisfies(d -> assertThat(d.getStreamId()).isEqualTo("stream-garbage"));
    }
  }

  private static void publishMalformed(String bootstrap) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = Producers.bytes(bootstrap)) {
      producer
          .send(
              new ProducerRecord<>(
                  Topics.SEGMENTS,
                  "stream-garbage".getBytes(StandardCharsets.UTF_8),
                  "this is not an Avro segment".getBytes(StandardCharsets.UTF_8)))
          .get();
    }
  }
}
