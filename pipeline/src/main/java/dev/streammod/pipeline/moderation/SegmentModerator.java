package dev.streammod.pipeline.moderation;

import dev.streammod.connectors.AvroCodec;
import dev.streammod.connectors.AvroDecodeException;
import dev.streammod.connectors.RawRecord;
import dev.streammod.connectors.avro.VideoSegment;
import dev.streammod.decoders.DecodeFailure;
import dev.streammod.decoders.DecodeResult;
import dev.streammod.decoders.DecodedFrames;
import dev.streammod.decoders.SegmentDecoder;
import dev.streammod.decoders.fetch.FetchErrorCode;
import dev.streammod.decoders.fetch.FetchFailure;
import dev.streammod.decoders.fetch.FetchResult;
import dev.streammod.decoders.fetch.FetchedPayload;
import dev.streammod.decoders.fetch.PayloadFetcher;
import dev.streammod.models.ModelConfig;
import dev.streammod.models.batching.DynamicBatcher;
import dev.streammod.models.batching.InferenceResult;
import dev.streammod.pipeline.config.FetchOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;

/**
 * Turns one raw Kafka record into a {@link ScoredSegment}: Avro decode, FFmpeg decode and sampling
 * on the decode executor, then inference through the shared batcher. Never fails its future: every
 * problem becomes a ScoredSegment with an error stage, code and message.
 *
 * <p>Segments reach the decode executor through a {@link FairDispatcher} (round-robin across
 * streams, a cap per stream), and a {@link DegradePolicy} decides, when decoding starts, whether a
 * late segment samples fewer frames.
 *
 * <p>A segment with a {@code payload_uri} and no inline payload is fetched by the {@link
 * PayloadFetcher}, before FFmpeg; a refused or failed fetch is an error at stage FETCH with the
 * {@link FetchErrorCode}. With a fetch executor, the decode thread that reads such a segment hands
 * the fetch to it and moves on; once fetched, the segment is admitted to the decode threads again,
 * through the same fair dispatcher: a slow store holds fetch threads, not decode threads. Without
 * one, the fetch runs on the decode thread, under the same admission as decoding.
 */
public final class SegmentModerator {
  private final SegmentDecoder decoder;
  private final DynamicBatcher batcher;
  private final ModelConfig model;
  private final String[] labels;
  private final boolean[] riskLabel;
  private final FairDispatcher dispatcher;
  private final DegradePolicy degrade;
  private final LongSupplier wallClockMs;
  private final PayloadFetcher fetcher;
  private final Executor fetchExecutor;
  private final ThreadLocal<AvroCodec<VideoSegment>> codec =
      ThreadLocal.withInitial(AvroCodec::videoSegments);

  /** How segments are admitted to the decode executor. */
  public record Admission(int decodeThreads, int maxPerStream, int capacity) {
    public Admission {
      if (decodeThreads < 1 || maxPerStream < 1 || capacity < 1) {
        throw new IllegalArgumentException(
            "decodeThreads, maxPerStream and capacity must be >= 1, got "
                + decodeThreads
                + ", "
                + maxPerStream
                + ", "
                + capacity);
      }
    }

    /** No limit beyond the executor's own. */
    public static Admission unlimited() {
      return new Admission(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);
    }
  }

  /**
   * Without per-stream fairness or degrade mode: segments go to the executor as they come.
   *
   * @param riskLabels labels whose summed score picks the worst frame (those the policy acts on)
   */
  public SegmentModerator(
      SegmentDecoder decoder,
      DynamicBatcher batcher,
      ModelConfig model,
      Set<String> riskLabels,
      Executor decodeExecutor) {
    this(
        decoder,
        batcher,
        model,
        riskLabels,
        decodeExecutor,
        Admission.unlimited(),
        DegradePolicy.off(),
        System::currentTimeMillis,
        null,
        null);
  }

  /**
   * @param riskLabels labels whose summed score picks the worst frame (those the policy acts on)
   * @param admission at most {@code decodeThreads} segments on the executor (its thread count),
   *     {@code maxPerStream} of one stream in flight, {@code capacity} admitted in all
   * @param wallClockMs the clock that ages segments against their Kafka timestamps
   * @param fetcher reads payloads given by reference; null: fetching is disabled and such a segment
   *     is an error naming {@link FetchOptions#ENABLING_KEY}
   * @param fetchExecutor where payloads given by reference are fetched, the segment then admitted
   *     to the decode executor again; null: on the decode thread that read the segment
   */
  public SegmentModerator(
      SegmentDecoder decoder,
      DynamicBatcher batcher,
      ModelConfig model,
      Set<String> riskLabels,
      Executor decodeExecutor,
      Admission admission,
      DegradePolicy degrade,
      LongSupplier wallClockMs,
      PayloadFetcher fetcher,
      Executor fetchExecutor) {
    this.decoder = decoder;
    this.batcher = batcher;
    this.model = model;
    List<String> l = model.labels();
    this.labels = l.toArray(new String[0]);
    this.riskLabel = new boolean[labels.length];
    for (int i = 0; i < labels.length; i++) {
      riskLabel[i] = riskLabels.contains(labels[i]);
    }
    this.dispatcher =
        new FairDispatcher(
            decodeExecutor, admission.decodeThreads(), admission.maxPerStream(), admission.capacity());
    this.degrade = degrade;
    this.wallClockMs = wallClockMs;
    this.fetcher = fetcher;
    this.fetchExecutor = fetchExecutor;
  }

  public CompletableFuture<ScoredSegment> moderate(RawRecord record) {
    long started = System.nanoTime();
    CompletableFuture<ScoredSegment> result = new CompletableFuture<>();
    dispatch(record, null, started, result);
    return result;
  }

  /**
   * Admits the segment to the decode threads, which read it ({@code prepared} null) or take it as
   * read and fetched, and complete {@code result}.
   */
  private void dispatch(
      RawRecord record, Prepared prepared, long started, CompletableFuture<ScoredSegment> result) {
    FairDispatcher.Task task =
        new FairDispatcher.Task() {
          @Override
          public CompletableFuture<?> run() {
            CompletableFuture<ScoredSegment> done;
            try {
              Prepared p = prepared;
              if (p == null) {
                p = read(record, started);
                if (p.failure == null && p.payload == null && fetchExecutor != null) {
                  // Fetch on a fetch thread and come back: this decode thread moves on.
                  fetchElsewhere(p, record, started, result);
                  return CompletableFuture.completedFuture(null);
                }
                p = fetchIfNeeded(p, record, started);
              }
              Decoded d = p.failure != null ? Decoded.failed(p.failure) : decode(p, record, started);
              done = d.failed() ? CompletableFuture.completedFuture(d.segment) : infer(d, started);
            } catch (RuntimeException | Error e) {
              done = CompletableFuture.failedFuture(e);
            }
            done.whenComplete(
                (s, t) -> {
                  if (t == null) {
                    result.complete(s);
                  } else {
                    Throwable cause =
                        t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
                    result.complete(
                        failure(record, null, Stage.INFER, "INTERNAL", String.valueOf(cause), started));
                  }
                });
            return done;
          }

          @Override
          public void rejected(RejectedExecutionException e) {
            result.complete(rejectedFailure(record, e, started));
          }
        };
    try {
      dispatcher.submit(streamIdFromKey(record), task);
    } catch (RejectedExecutionException e) {
      result.complete(rejectedFailure(record, e, started));
    }
  }

  /** Fetches {@code p}'s payload on the fetch executor, then admits it to the decode threads again. */
  private void fetchElsewhere(
      Prepared p, RawRecord record, long started, CompletableFuture<ScoredSegment> result) {
    try {
      fetchExecutor.execute(
          () -> {
            try {
              Prepared fetched = fetchIfNeeded(p, record, started);
              if (fetched.failure != null) {
                result.complete(fetched.failure);
              } else {
                dispatch(record, fetched, started, result);
              }
            } catch (RuntimeException | Error e) {
              result.complete(fill(p.base, record, Stage.FETCH, "INTERNAL", String.valueOf(e), started));
            }
          });
    } catch (RejectedExecutionException e) {
      result.complete(
          fill(
              p.base, record, Stage.FETCH, "REJECTED", "fetch executor refused the segment: " + e, started));
    }
  }

  private ScoredSegment rejectedFailure(RawRecord record, RuntimeException e, long started) {
    return failure(
        record, null, Stage.DECODE, "REJECTED", "decode executor refused the segment: " + e, started);
  }

  /** Segments admitted and not yet done (waiting for a decode thread or in flight). */
  public int admitted() {
    return dispatcher.admitted();
  }

  /** Segments waiting for their turn at a decode thread. */
  public int waiting() {
    return dispatcher.waiting();
  }

  public DegradePolicy degradePolicy() {
    return degrade;
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

  /** Reads the record (Avro); its payload is null when given by reference and not yet fetched. */
  private Prepared read(RawRecord record, long started) {
    VideoSegment segment;
    try {
      segment = codec.get().decode(record.value);
    } catch (AvroDecodeException e) {
      return Prepared.failed(
          failure(record, null, Stage.DESERIALIZE, e.reason().name(), e.getMessage(), started));
    }
    ScoredSegment base = base(record, segment);
    ByteBuffer payload = segment.getPayload();
    if (payload == null && segment.getPayloadUri() == null) {
      String why = "segment has neither an inline payload nor a payload_uri";
      return Prepared.failed(fill(base, record, Stage.FETCH, "NO_PAYLOAD", why, started));
    }
    return new Prepared(base, segment, payload, null);
  }

  /** {@code p} with its payload fetched on this thread when given by reference. */
  private Prepared fetchIfNeeded(Prepared p, RawRecord record, long started) {
    if (p.failure != null || p.payload != null) {
      return p;
    }
    FetchResult fetched = fetch(p.segment.getPayloadUri(), p.base);
    if (fetched instanceof FetchFailure f) {
      return Prepared.failed(fill(p.base, record, Stage.FETCH, f.code().name(), f.message(), started));
    }
    return new Prepared(p.base, p.segment, ByteBuffer.wrap(((FetchedPayload) fetched).bytes()), null);
  }

  private Decoded decode(Prepared p, RawRecord record, long started) {
    ScoredSegment base = p.base;
    VideoSegment segment = p.segment;
    ByteBuffer payload = p.payload;
    long decodeStart = System.nanoTime();
    base.waitMs = (decodeStart - started) / 1e6 - base.fetchMs;
    DegradePolicy.Decision decision = degrade.decide(record.timestamp, wallClockMs.getAsLong());
    int normal = decoder.settings().maxFrames();
    int maxFrames = degrade.maxFrames(decision, normal);
    DecodeResult r =
        decoder.decode(
            bytes(segment.getInitSegment()), bytes(payload), segment.getContainer(), maxFrames);
    base.decodeMs = (System.nanoTime() - decodeStart) / 1e6;
    if (r instanceof DecodeFailure f) {
      return Decoded.failed(
          fill(base, record, Stage.DECODE, f.code().name(), f.message(), started));
    }
    // Only an analysis can be degraded; a segment that failed to decode gets a plain ERROR.
    base.degraded = decision == DegradePolicy.Decision.DEGRADED && maxFrames < normal;
    return new Decoded(base, (DecodedFrames) r, record);
  }

  /** Fetches a payload given by reference on this thread, noting its time and size. */
  private FetchResult fetch(String uri, ScoredSegment s) {
    if (fetcher == null) {
      return new FetchFailure(
          FetchErrorCode.SCHEME_NOT_ALLOWED,
          "payload_uri "
              + PayloadFetcher.redacted(uri)
              + " was not fetched: fetching payloads by reference is disabled; list the schemes"
              + " to fetch in "
              + FetchOptions.ENABLING_KEY
              + " (with fetch.allowed-hosts for http(s), fetch.allowed-path-prefixes for file:)");
    }
    long start = System.nanoTime();
    FetchResult r = fetcher.fetch(uri);
    s.fetchMs = (System.nanoTime() - start) / 1e6;
    if (r instanceof FetchedPayload p) {
      s.fetchedBytes = p.bytes().length;
    }
    return r;
  }

  private CompletableFuture<ScoredSegment> infer(Decoded d, long started) {
    DecodedFrames frames = d.frames;
    CompletableFuture<InferenceResult> inference;
    try {
      inference = batcher.submitOwned(frames.rgb(), 0, frames.count());
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
    s.batchSize = r.batchSize();
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

  /** A segment read, with its payload unless still to fetch; or the failure that stopped it. */
  private record Prepared(
      ScoredSegment base, VideoSegment segment, ByteBuffer payload, ScoredSegment failure) {
    static Prepared failed(ScoredSegment s) {
      return new Prepared(null, null, null, s);
    }
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
