package dev.streammod.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.connectors.AvroCodec;
import dev.streammod.connectors.KeyedBytes;
import dev.streammod.connectors.avro.Decision;
import dev.streammod.connectors.avro.ModerationVerdict;
import dev.streammod.pipeline.moderation.SegmentResult;
import dev.streammod.pipeline.moderation.SegmentResult.ModelRef;
import dev.streammod.pipeline.moderation.SegmentResult.Scored;
import dev.streammod.pipeline.moderation.SegmentResult.SegmentId;
import dev.streammod.pipeline.moderation.SegmentResult.Timings;
import dev.streammod.pipeline.moderation.SegmentScores;
import dev.streammod.pipeline.policy.Escalation;
import dev.streammod.pipeline.policy.Policy;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The keyed policy step with escalation on: its per-stream history, across a restore. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PolicyFunctionTest {
  private static final List<String> LABELS = List.of("Drawing", "Hentai", "Neutral", "Porn", "Sexy");
  private static final Policy POLICY =
      Policy.defaultFor("nsfw-mobilenet-v2").withEscalation(Escalation.on(5, 3, 3, Decision.REVIEW));
  private static final SegmentScores.Scoring SCORING =
      new SegmentScores.Scoring("nsfw-mobilenet-v2", LABELS, POLICY);
  private final AvroCodec<ModerationVerdict> verdicts = AvroCodec.verdicts();

  private static SegmentResult segment(String stream, long seq, float porn) {
    SegmentScores scores =
        SCORING.score(new float[][] {{0f, 0f, 1f - porn, porn, 0f}}, new long[] {seq * 2_000_000});
    return new Scored(
        new SegmentId(stream, seq, "video.segments", 0, seq, 0),
        new ModelRef("nsfw-mobilenet-v2", "1"),
        scores,
        false,
        1,
        0,
        Timings.NONE);
  }

  private KeyedOneInputStreamOperatorTestHarness<String, SegmentResult, KeyedBytes> harness() throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new PolicyFunction(POLICY)),
        SegmentResult::streamId,
        Types.STRING);
  }

  private ModerationVerdict last(KeyedOneInputStreamOperatorTestHarness<String, SegmentResult, KeyedBytes> h)
      throws Exception {
    List<KeyedBytes> out = h.extractOutputValues();
    return verdicts.decode(out.get(out.size() - 1).value);
  }

  @Test
  void aHeldStreamStaysHeldAfterARestoreFromACheckpoint() throws Exception {
    OperatorSubtaskState snapshot;
    try (var h = harness()) {
      h.open();
      h.processElement(segment("cam-1", 0, 0.9f), 0);
      assertThat(last(h).getDecision()).isEqualTo(Decision.BLOCK);
      h.processElement(segment("cam-1", 1, 0.1f), 0);
      ModerationVerdict held = last(h);
      assertThat(held.getDecision()).isEqualTo(Decision.REVIEW);
      assertThat(held.getFrameDecision()).isEqualTo(Decision.ALLOW);
      assertThat(held.getEscalation()).contains("segment 0").contains("1 of 3 clean");
      assertThat(held.getEscalationSequences()).containsExactly(0L);
      h.processElement(segment("cam-2", 0, 0.1f), 0);
      assertThat(last(h).getDecision()).as("another stream has its own history").isEqualTo(Decision.ALLOW);
      snapshot = h.snapshot(1, 1);
    }
    try (var h = harness()) {
      h.initializeState(snapshot);
      h.open();
      h.processElement(segment("cam-1", 2, 0.1f), 0);
      ModerationVerdict stillHeld = last(h);
      assertThat(stillHeld.getDecision()).isEqualTo(Decision.REVIEW);
      assertThat(stillHeld.getEscalation()).contains("2 of 3 clean");
      h.processElement(segment("cam-1", 3, 0.1f), 0);
      ModerationVerdict released = last(h);
      assertThat(released.getDecision()).isEqualTo(Decision.ALLOW);
      assertThat(released.getEscalation()).isNull();
      assertThat(released.getEscalationSequences()).isEmpty();
    }
  }

  @Test
  void withoutEscalationTheFramesDecideAlone() throws Exception {
    try (var h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new PolicyFunction(Policy.defaultFor("nsfw-mobilenet-v2"))),
            SegmentResult::streamId,
            Types.STRING)) {
      h.open();
      h.processElement(segment("cam-1", 0, 0.9f), 0);
      h.processElement(segment("cam-1", 1, 0.1f), 0);
      ModerationVerdict v = last(h);
      assertThat(v.getDecision()).isEqualTo(Decision.ALLOW);
      assertThat(v.getFrameDecision()).isEqualTo(Decision.ALLOW);
      assertThat(v.getEscalation()).isNull();
    }
  }
}
