package dev.streammod.pipeline.moderation;

import dev.streammod.connectors.avro.DeadLetter;
import dev.streammod.connectors.avro.Decision;
import dev.streammod.connectors.avro.ModerationVerdict;
import dev.streammod.pipeline.moderation.SegmentResult.Failed;
import dev.streammod.pipeline.moderation.SegmentResult.Scored;
import dev.streammod.pipeline.policy.EscalationState;
import dev.streammod.pipeline.policy.PolicyOutcome;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds the output records for one segment's result. */
public final class Verdicts {
  private Verdicts() {}

  /** The verdict for a segment, with the decision its frames' scores gave. */
  public static ModerationVerdict verdict(SegmentResult s, long nowMs) {
    Decision frames = s instanceof Scored sc ? sc.decision() : Decision.ERROR;
    return verdict(s, EscalationState.Escalated.unchanged(frames), nowMs);
  }

  /**
   * The verdict for a segment whose frames' decision the stream's history may have raised ({@code
   * escalated}, from {@link EscalationState#apply}).
   */
  public static ModerationVerdict verdict(
      SegmentResult s, EscalationState.Escalated escalated, long nowMs) {
    SegmentResult.SegmentId id = s.id();
    SegmentResult.Timings t = s.timings();
    long ingest = id.ingestTimestampMs();
    ModerationVerdict.Builder v =
        ModerationVerdict.newBuilder()
            .setStreamId(id.streamId())
            .setSequence(id.sequence())
            .setModelName(s.model().name())
            .setModelVersion(s.model().version())
            .setQueueMs(t.queueMs())
            .setDecodeMs(t.decodeMs())
            .setInferMs(t.inferMs())
            .setTotalMs(t.totalMs())
            .setVerdictAtMs(nowMs)
            .setIngestToVerdictMs(ingest > 0 ? Math.max(0, nowMs - ingest) : 0)
            .setSourcePartition(id.partition())
            .setSourceOffset(id.offset());
    if (s instanceof Failed f) {
      return v.setDecision(Decision.ERROR)
          .setFramesSampled(0)
          .setDegraded(false)
          .setRule(null)
          .setScores(Map.of())
          .setErrorCode(f.qualifiedCode())
          .setErrorMessage(f.message())
          .build();
    }
    Scored sc = (Scored) s;
    SegmentScores scores = sc.scores();
    PolicyOutcome outcome = scores.outcome();
    SecondOpinion second = sc.second();
    if (second != null) {
      v.setDecidedBy(second.decidedBy().name())
          .setSecondModelName(second.model().name())
          .setSecondModelVersion(second.model().version())
          .setSecondFrames(second.framesAsked())
          .setSecondScores(second.scoreMap())
          .setSecondRule(second.rule())
          .setSecondError(second.error());
    }
    Evidence evidence = sc.evidence();
    if (evidence != null) {
      v.setEvidenceJpeg(evidence.jpeg() == null ? null : ByteBuffer.wrap(evidence.jpeg()))
          .setEvidenceUri(evidence.uri())
          .setEvidenceWidth(evidence.width())
          .setEvidenceHeight(evidence.height())
          .setEvidenceError(evidence.error());
    }
    if (escalated.escalated()) {
      v.setEscalation(escalated.reason()).setEscalationSequences(asList(escalated.sequences()));
    }
    return v.setDecision(escalated.decision())
        .setFrameDecision(sc.decision())
        .setFramesSampled(scores.frames())
        .setDegraded(sc.degraded())
        .setRule(outcome.rule())
        .setScores(scores.asMap())
        .setTopLabel(scores.topLabel())
        .setTopScore(scores.topScore())
        .setWorstFrameOffsetMs(scores.worstFrameOffsetMs() >= 0 ? scores.worstFrameOffsetMs() : null)
        .setWorstFrameScores(scores.worstFrameMap())
        .build();
  }

  private static List<Long> asList(long[] values) {
    List<Long> out = new ArrayList<>(values.length);
    for (long v : values) {
      out.add(v);
    }
    return out;
  }

  public static DeadLetter deadLetter(Failed s, long nowMs) {
    SegmentResult.SegmentId id = s.id();
    return DeadLetter.newBuilder()
        .setSourceTopic(id.topic() == null ? "" : id.topic())
        .setSourcePartition(id.partition())
        .setSourceOffset(id.offset())
        .setStreamId(id.streamId())
        .setSequence(id.sequence() >= 0 ? id.sequence() : null)
        .setStage(s.stage().name())
        .setErrorCode(s.code().name())
        .setErrorMessage(s.message())
        .setKey(s.key() == null ? null : ByteBuffer.wrap(s.key()))
        .setValue(s.value() == null ? null : ByteBuffer.wrap(s.value()))
        .setFailedAtMs(nowMs)
        .build();
  }
}
