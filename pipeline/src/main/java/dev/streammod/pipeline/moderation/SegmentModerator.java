package dev.streammod.pipeline.moderation;

import dev.streammod.connectors.AvroCodec;
import dev.streammod.connectors.AvroDecodeException;
import dev.streammod.connectors.RawRecord;
import dev.streammod.connectors.avro.VideoSegment;
import dev.streammod.decoders.DecodeFailure;
import dev.streammod.decoders.DecodeResult;
import dev.streammod.decoders.DecodedFrames;
import dev.streammod.decoders.SegmentDecoder;
import dev.streammod.models.ModelConfig;
import dev.streammod.models.batching.DynamicBatcher;
import dev.streammod.models.batching.InferenceResult;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Turns one raw Kafka record into a {@link ScoredSegment}: Avro decode, FFmpeg decode and sampling
 * on the decode executor, then inference through the shared batcher. Never fails its future: every
 * problem becomes a ScoredSegment with an error stage, code and message.
 */
public final class SegmentModerator {
  private final SegmentDecoder decoder;
  private final DynamicBatcher batcher;
  private final ModelConfig model;
  private final String[] labels;
  private final boolean[] riskLabel;
  private final Executor decodeExecutor;
  private final ThreadLocal<AvroCodec<VideoSegment>> codec =
      ThreadLocal.withInitial(AvroCodec::videoSegments);

  /**
   * @param riskLabels labels whose summed score picks the worst frame (those the policy acts on)
   */
  public SegmentModerator(
      SegmentDecoder decoder,
      DynamicBatcher batcher,
      ModelConfig model,
      Set<String> riskLabels,
      Executor decodeExecutor) {
    this.decoder = decoder;
    this.batcher = batcher;
    this.model = model;
    List<String> l = model.labels();
    this.labels = l.toArray(new String[0]);
    this.riskLabel = new boolean[labels.length];
    for (int i = 0; i < labels.length; i++) {
      riskLabel[i] = riskLabels.contains(labels[i]);
    }
    this.decodeExecutor = decodeExecutor;
  }

  public CompletableFuture<ScoredSegment> moderate(RawRecord record) {
    long started = System.nanoTime();
    CompletableFuture<ScoredSegment> result;
    try {
      result =
          CompletableFuture.supplyAsync(() -> decode(record, started), decodeExecutor)
              .thenCompose(d -> d.failed() ? CompletableFuture.completedFuture(d.segment) : infer(d, started));
    } catch (RuntimeException rejected) {
      return CompletableFuture.completedFuture(
          failure(record, null, Stage.DECODE, "REJECTED", "decode executor refused the segment: " + rejected, started));
    }
    return result.exceptionally(
        t -> {
          Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
          return failure(record, null, Stage.INFER, "INTERNAL", String.valueOf(cause), started);
        });
  }

  /** A segment whose moderation did not finish in time. */
  public ScoredSegment timedOut(RawRecord record, long timeoutMs) {
    ScoredSegment s =
        failure(
            record,
            null,
            Stage.TIMEOUT,
            "TIMEOUT",
            "segment was not moderated within " + timeoutMs + " ms (decode + inference)",
            System.nanoTime());
    s.totalMs = timeoutMs;
    return s;
  }

  private Decoded decode(RawRecord record, long started) {
    VideoSegment segment;
    try {
      segment = codec.get().decode(record.value);
    } catch (AvroDecodeException e) {
      return Decoded.failed(
          failure(record, null, Stage.DESERIALIZE, e.reason().name(), e.getMessage(), started));
    }
    ScoredSegment base = base(record, segment);
    ByteBuffer payload = segment.getPayload();
    if (payload == null) {
      String why =
          segment.getPayloadUri() == null
              ? "segment has neither an inline payload nor a payload_uri"
              : "payload by reference (" + segment.getPayloadUri() + ") is not supported by this job";
      return Decoded.failed(fill(base, record, Stage.FETCH, "NO_PAYLOAD", why, started));
    }
    long decodeStart = System.nanoTime();
    DecodeResult r =
        decoder.decode(bytes(segment.getInitSegment()), bytes(payload), segment.getContainer());
    base.decodeMs = (System.nanoTime() - decodeStart) / 1e6;
    if (r instanceof DecodeFailure f) {
      return Decoded.failed(
          fill(base, record, Stage.DECODE, f.code().name(), f.message(), started));
    }
    return new Decoded(base, (DecodedFrames) r, record);
  }

  private CompletableFuture<ScoredSegment> infer(Decoded d, long started) {
    DecodedFrames frames = d.frames;
    CompletableFuture<InferenceResult> inference;
    try {
      inference = batcher.submit(frames.rgb(), 0, frames.count());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompletableFuture.completedFuture(
          fill(d.segment, d.record, Stage.INFER, "INTERRUPTED", "interrupted while queueing frames", started));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(
          fill(d.segment, d.record, Stage.INFER, "INFERENCE_FAILED", String.valueOf(e), started));
    }
    return inference.handle(
        (res, err) -> {
          if (err != null) {
            Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            return fill(d.segment, d.record, Stage.INFER, "INFERENCE_FAILED", String.valueOf(cause.getMessage()), started);
          }
          return scored(d.segment, frames, res, started);
        });
  }

  private ScoredSegment scored(ScoredSegment s, DecodedFrames frames, InferenceResult r, long started) {
    float[][] perFrame = r.scores();
    float[] max = new float[labels.length];
    int worst = 0;
    float worstRisk = -1f;
    for (int f = 0; f < perFrame.length; f++) {
      float risk = 0f;
      for (int l = 0; l < labels.length; l++) {
        float v = perFrame[f][l];
        if (v > max[l]) {
          max[l] = v;
        }
        if (riskLabel[l]) {
          risk += v;
        }
      }
      if (risk > worstRisk) {
        worstRisk = risk;
        worst = f;
      }
    }
    int top = 0;
    for (int l = 1; l < labels.length; l++) {
      if (max[l] > max[top]) {
        top = l;
      }
    }
    s.labels = labels;
    s.scores = max;
    s.topLabel = labels[top];
    s.topScore = max[top];
    s.framesSampled = frames.count();
    s.worstFrameOffsetMs = frames.count() == 0 ? -1 : frames.timestampsMicros()[worst] / 1000;
    s.queueMs = r.queueMillis();
    s.inferMs = r.inferMillis();
    s.totalMs = (System.nanoTime() - started) / 1e6;
    return s;
  }

  private ScoredSegment base(RawRecord record, VideoSegment segment) {
    ScoredSegment s = new ScoredSegment();
    s.streamId = segment.getStreamId();
    s.sequence = segment.getSequence();
    s.sourceTopic = record.topic;
    s.sourcePartition = record.partition;
    s.sourceOffset = record.offset;
    s.ingestTimestampMs = record.timestamp;
    s.modelName = model.name();
    s.modelVersion = model.version();
    return s;
  }

  private ScoredSegment failure(
      RawRecord record, ScoredSegment known, Stage stage, String code, String message, long started) {
    ScoredSegment s = known;
    if (s == null) {
      s = new ScoredSegment();
      s.streamId = streamIdFromKey(record);
      s.sourceTopic = record.topic;
      s.sourcePartition = record.partition;
      s.sourceOffset = record.offset;
      s.ingestTimestampMs = record.timestamp;
      s.modelName = model.name();
      s.modelVersion = model.version();
    }
    return fill(s, record, stage, code, message, started);
  }

  private static ScoredSegment fill(
      ScoredSegment s, RawRecord record, Stage stage, String code, String message, long started) {
    s.errorStage = stage.name();
    s.errorCode = code;
    s.errorMessage = message;
    s.key = record.key;
    s.value = record.value;
    s.totalMs = (System.nanoTime() - started) / 1e6;
    return s;
  }

  /** The Kafka key is the stream id by contract; it names the stream even when the value is unreadable. */
  static String streamIdFromKey(RawRecord record) {
    if (record.key != null && record.key.length > 0) {
      return new String(record.key, StandardCharsets.UTF_8);
    }
    return "unkeyed/" + record.topic + "-" + record.partition + "@" + record.offset;
  }

  private static byte[] bytes(ByteBuffer b) {
    if (b == null) {
      return null;
    }
    ByteBuffer d = b.duplicate();
    if (d.hasArray() && d.arrayOffset() == 0 && d.position() == 0 && d.remaining() == d.array().length) {
      return d.array();
    }
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }

  private static final class Decoded {
    final ScoredSegment segment;
    final DecodedFrames frames;
    final RawRecord record;

    Decoded(ScoredSegment segment, DecodedFrames frames, RawRecord record) {
      this.segment = segment;
      this.frames = frames;
      this.record = record;
    }

    static Decoded failed(ScoredSegment s) {
      return new Decoded(s, null, null);
    }

    boolean failed() {
      return frames == null;
    }
  }
}
