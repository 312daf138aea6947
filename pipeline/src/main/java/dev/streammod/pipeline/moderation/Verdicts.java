package dev.streammod.pipeline.moderation;

import dev.streammod.connectors.avro.DeadLetter;
import dev.streammod.connectors.avro.Decision;
import dev.streammod.connectors.avro.ModerationVerdict;
import dev.streammod.pipeline.policy.Policy;
import dev.streammod.pipeline.policy.PolicyOutcome;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the output records for one scored segment. */
public final class Verdicts {
  private Verdicts() {}

  public static ModerationVerdict verdict(ScoredSegment s, Policy policy, long nowMs) {
    ModerationVerdict.Builder v =
        ModerationVerdict.newBuilder()
            .setStreamId(s.streamId)
            .setSequence(s.sequence)
            .setFramesSampled(s.framesSampled)
            .setDegraded(s.degraded)
            .setModelName(s.modelName == null ? "" : s.modelName)
            .setModelVersion(s.modelVersion == null ? "" : s.modelVersion)
            .setQueueMs(s.queueMs)
            .setDecodeMs(s.decodeMs)
            .setInferMs(s.inferMs)
            .setTotalMs(s.totalMs)
            .setVerdictAtMs(nowMs)
            .setIngestToVerdictMs(s.ingestTimestampMs > 0 ? Math.max(0, nowMs - s.ingestTimestampMs) : 0)
            .setSourcePartition(s.sourcePartition)
            .setSourceOffset(s.sourceOffset);
    if (s.failed()) {
      return v.setDecision(Decision.ERROR)
          .setRule(null)
          .setScores(Map.of())
          .setErrorCode(s.errorStage + "/" + s.errorCode)
          .setErrorMessage(s.errorMessage)
          .build();
    }
    Map<String, Float> scores = new LinkedHashMap<>();
    for (int i = 0; i < s.labels.length; i++) {
      scores.put(s.labels[i], s.scores[i]);
    }
    PolicyOutcome outcome = policy.evaluate(s.labels, s.scores);
    return v.setDecision(outcome.decision())
        .setRule(outcome.rule())
        .setScores(scores)
        .setTopLabel(s.topLabel)
        .setTopScore(s.topScore)
        .setWorstFrameOffsetMs(s.worstFrameOffsetMs >= 0 ? s.worstFrameOffsetMs : null)
        .build();
  }

  public static DeadLetter deadLetter(ScoredSegment s, long nowMs) {
    return DeadLetter.newBuilder()
        .setSourceTopic(s.sourceTopic == null ? "" : s.sourceTopic)
        .setSourcePartition(s.sourcePartition)
        .setSourceOffset(s.sourceOffset)
        .setStreamId(s.streamId)
        .setSequence(s.sequence >= 0 ? s.sequence : null)
        .setStage(s.errorStage)
        .setErrorCode(s.errorCode)
        .setErrorMessage(s.errorMessage == null ? "" : s.errorMessage)
        .setKey(s.key == null ? null : ByteBuffer.wrap(s.key))
        .setValue(s.value == null ? null : ByteBuffer.wrap(s.value))
        .setFailedAtMs(nowMs)
        .build();
  }
}
