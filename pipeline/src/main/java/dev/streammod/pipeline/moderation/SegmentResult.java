package dev.streammod.pipeline.moderation;

import dev.streammod.connectors.avro.Decision;
import java.util.Arrays;
import java.util.Objects;

/**
 * What moderation made of one segment, immutable: its scores, or the stage and reason it has none.
 * Both kinds name the segment they came from ({@link SegmentId}) and carry what each stage cost
 * ({@link Timings}). A failed segment keeps the original Kafka key and value for its dead letter.
 */
public sealed interface SegmentResult permits SegmentResult.Scored, SegmentResult.Failed {

  SegmentId id();

  /** Name and version of the model the segment was (or was to be) scored with. */
  ModelRef model();

  Timings timings();

  /** Bytes of a payload fetched by reference; 0 for an inline payload or a failed fetch. */
  long fetchedBytes();

  default String streamId() {
    return id().streamId();
  }

  default boolean failed() {
    return this instanceof Failed;
  }

  /**
   * Where a segment came from. {@code sequence} is -1 when the record could not be read; the
   * stream id then comes from the Kafka key.
   */
  record SegmentId(
      String streamId,
      long sequence,
      String topic,
      int partition,
      long offset,
      long ingestTimestampMs) {
    public SegmentId {
      Objects.requireNonNull(streamId, "streamId");
    }

    /** {@code stream#sequence}, for messages. */
    @Override
    public String toString() {
      return streamId + "#" + sequence;
    }
  }

  record ModelRef(String name, String version) {
    public ModelRef {
      name = name == null ? "" : name;
      version = version == null ? "" : version;
    }
  }

  /**
   * Milliseconds each stage took: waiting for a decode thread, fetching a payload given by
   * reference, decoding, waiting in the batcher's queue, inference, and in all. A stage the segment
   * never reached reads 0.
   */
  record Timings(
      double waitMs,
      double fetchMs,
      double decodeMs,
      double queueMs,
      double inferMs,
      double totalMs) {
    public static final Timings NONE = new Timings(0, 0, 0, 0, 0, 0);
  }

  /**
   * A segment analysed: its scores over the sampled frames, whether it was sampled in degraded
   * mode, the frames in the largest inference batch its frames ran in, and the second model's
   * opinion when a {@link Cascade} asked for one, and the deciding frame's {@link Evidence} when
   * evidence is on and the segment is flagged (each null otherwise).
   */
  record Scored(
      SegmentId id,
      ModelRef model,
      SegmentScores scores,
      boolean degraded,
      int batchSize,
      long fetchedBytes,
      Timings timings,
      SecondOpinion second,
      Evidence evidence)
      implements SegmentResult {
    public Scored {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(scores, "scores");
      Objects.requireNonNull(timings, "timings");
    }

    /** Scored by one model. */
    public Scored(
        SegmentId id,
        ModelRef model,
        SegmentScores scores,
        boolean degraded,
        int batchSize,
        long fetchedBytes,
        Timings timings) {
      this(id, model, scores, degraded, batchSize, fetchedBytes, timings, null, null);
    }

    /** The segment's decision: the second opinion's when there is one, else the frame rules'. */
    public Decision decision() {
      return second != null ? second.decision() : scores.decision();
    }

    /** The same result with a second opinion. */
    public Scored withSecond(SecondOpinion opinion) {
      return new Scored(id, model, scores, degraded, batchSize, fetchedBytes, timings, opinion, evidence);
    }

    /** The same result with the deciding frame's evidence. */
    public Scored withEvidence(Evidence e) {
      return new Scored(id, model, scores, degraded, batchSize, fetchedBytes, timings, second, e);
    }

    /** Index of the frame that decided: the second opinion's when it decided on one. */
    public int decidingFrame() {
      return second != null && second.frame() >= 0 ? second.frame() : scores.worstFrame();
    }

    @Override
    public String toString() {
      return "Scored{" + id + " " + scores + (degraded ? " degraded" : "") + (second == null ? "" : ", second: " + second) + (evidence == null ? "" : ", evidence: " + evidence) + "}";
    }
  }

  /**
   * A segment that could not be analysed: where and why, with the original record ({@code key} and
   * {@code value} may be null) for the dead letter.
   */
  record Failed(
      SegmentId id,
      ModelRef model,
      Stage stage,
      ErrorCode code,
      String message,
      byte[] key,
      byte[] value,
      long fetchedBytes,
      Timings timings)
      implements SegmentResult {
    public Failed {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(stage, "stage");
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(timings, "timings");
      message = message == null ? "" : message;
    }

    /** {@code STAGE/CODE}, as the verdict's error code reads. */
    public String qualifiedCode() {
      return stage.name() + "/" + code.name();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Failed f
          && id.equals(f.id)
          && model.equals(f.model)
          && stage == f.stage
          && code == f.code
          && message.equals(f.message)
          && Arrays.equals(key, f.key)
          && Arrays.equals(value, f.value)
          && fetchedBytes == f.fetchedBytes
          && timings.equals(f.timings);
    }

    @Override
    public int hashCode() {
      return Objects.hash(id, stage, code, message, Arrays.hashCode(value));
    }

    @Override
    public String toString() {
      return "Failed{" + id + " " + qualifiedCode() + ": " + message + "}";
    }
  }
}
