package dev.streammod.pipeline.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.connectors.avro.DeadLetter;
import dev.streammod.connectors.avro.Decision;
import dev.streammod.connectors.avro.ModerationVerdict;
import dev.streammod.pipeline.policy.Policy;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class VerdictsTest {
  @Test
  void scoredSegmentBecomesPolicyDecision() {
    ScoredSegment s = new ScoredSegment();
    s.streamId = "s1";
    s.sequence = 7;
    s.labels = new String[] {"neutral", "red"};
    s.scores = new float[] {0.1f, 0.95f};
    s.topLabel = "red";
    s.topScore = 0.95f;
    s.framesSampled = 2;
    s.worstFrameOffsetMs = 1000;
    s.ingestTimestampMs = 1_000;
    s.modelName = "colour-stats";
    s.modelVersion = "1";
    ModerationVerdict v = Verdicts.verdict(s, Policy.colourStatsDefault(), 1_250);
    assertThat(v.getDecision()).isEqualTo(Decision.BLOCK);
    assertThat(v.getRule()).isEqualTo("red-block");
    assertThat(v.getScores()).containsEntry("red", 0.95f).containsEntry("neutral", 0.1f);
    assertThat(v.getWorstFrameOffsetMs()).isEqualTo(1000L);
    assertThat(v.getIngestToVerdictMs()).isEqualTo(250L);
    assertThat(v.getModelName()).isEqualTo("colour-stats");
    assertThat(v.getErrorCode()).isNull();
  }

  @Test
  void failureBecomesErrorVerdictAndDeadLetterWithOriginalBytes() {
    ScoredSegment s = new ScoredSegment();
    s.streamId = "s2";
    s.sequence = 3;
    s.sourceTopic = "video.segments";
    s.sourcePartition = 1;
    s.sourceOffset = 42;
    s.errorStage = Stage.DECODE.name();
    s.errorCode = "CORRUPT_CONTAINER";
    s.errorMessage = "avformat_open_input returned -1094995529";
    s.key = "s2".getBytes(StandardCharsets.UTF_8);
    s.value = new byte[] {1, 2, 3};
    ModerationVerdict v = Verdicts.verdict(s, Policy.colourStatsDefault(), 10);
    assertThat(v.getDecision()).isEqualTo(Decision.ERROR);
    assertThat(v.getErrorCode()).isEqualTo("DECODE/CORRUPT_CONTAINER");
    assertThat(v.getErrorMessage()).contains("avformat_open_input");
    DeadLetter d = Verdicts.deadLetter(s, 10);
    assertThat(d.getStage()).isEqualTo("DECODE");
    assertThat(d.getSourceOffset()).isEqualTo(42);
    assertThat(d.getSequence()).isEqualTo(3L);
    assertThat(d.getValue().remaining()).isEqualTo(3);
  }
}
