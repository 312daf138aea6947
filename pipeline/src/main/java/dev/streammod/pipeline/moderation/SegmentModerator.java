package dev.streammod.pipeline.moderation;

import dev.streammod.connectors.AvroCodec;
import dev.streammod.connectors.AvroDecodeException;
import dev.streammod.connectors.RawRecord;
import dev.streammod.connectors.avro.Decision;
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
import dev.streammod.pipeline.policy.Policy;
import dev.streammod.pipeline.moderation.SegmentResult.Failed;
import dev.streammod.pipeline.moderation.SegmentResult.ModelRef;
import dev.streammod.pipeline.moderation.SegmentResult.Scored;
import dev.streammod.pipeline.moderation.SegmentResult.SegmentId;
import dev.streammod.pipeline.moderation.SegmentResult.Timings;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;

/**
 * Moderates one raw Kafka record into a {@link SegmentResult}, in one direction: read (Avro, on the
 * caller's thread), fetch (a payload given by reference, on a fetch thread), admission to a decode
 * thread through a {@link FairDispatcher} (round-robin across streams, a cap per stream), decode
 * (FFmpeg; a {@link DegradePolicy} decides, when decoding starts, whether a late segment samples
 * fewer frames), the hand-off of its frames to the shared batcher, and completion (scoring, the
 * result) on the completion executor, never on the batcher's thread. Every problem becomes a
 * {@link Failed} result with its stage and code; the result future never fails.
 *
 * <p>A segment that times out ({@link Moderation#timeOut}) gets its TIMEOUT result at once and is
 * taken back where it waits, from the dispatcher's queue or the batcher's; one that is being
 * fetched or decoded finishes that step and goes no further. So the decode threads and the model
 * spend nothing on segments whose verdict was already sent, and the dispatcher holds at most the
 * caller's segments in flight plus one timed-out segment per decode thread.
 */
public final class SegmentModerator {
  private final SegmentDecoder decoder;
  private final DynamicBatcher batcher;
  private final ModelRef model;
  private final SegmentScores.Scoring scoring;
  private final FairDispatcher dispatcher;
  private final DegradePolicy degrade;
  private final LongSupplier wallClockMs;
  private final PayloadFetcher fetcher;
  private final Executor fetchExecutor;
  private final Executor completion;
  private final Cascade cascade;
  private final SegmentDecoder secondDecoder;
  private final DynamicBatcher secondBatcher;
  private final EvidenceSettings evidence;
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

    /**
     * For a caller that keeps at most {@code inFlight} segments unanswered: room for those and for
     * one timed-out segment still finishing on each decode thread, so none is ever refused.
     */
    public static Admission forInFlight(int inFlight, int decodeThreads, int maxPerStream) {
      return new Admission(decodeThreads, maxPerStream, Math.max(1, inFlight) + decodeThreads);
    }
  }

  private SegmentModerator(Builder b) {
    this.decoder = b.decoder;
    this.batcher = b.batcher;
    this.model = new ModelRef(b.model.name(), b.model.version());
    this.scoring = new SegmentScores.Scoring(b.model.name(), b.model.labels(), b.policy);
    this.dispatcher =
        new FairDispatcher(
            b.decodeExecutor, b.admission.decodeThreads(), b.admission.maxPerStream(), b.admission.capacity());
    this.degrade = b.degrade;
    this.wallClockMs = b.wallClockMs;
    this.fetcher = b.fetcher;
    this.fetchExecutor = b.fetchExecutor;
    this.completion = b.completion;
    this.cascade = b.cascade;
    this.secondDecoder = b.secondDecoder;
    this.secondBatcher = b.secondBatcher;
    this.evidence = b.evidence;
  }

  /**
   * @param decodeExecutor runs the decode step; {@link Admission#decodeThreads} should be its thread
   *     count
   */
  public static Builder builder(
      SegmentDecoder decoder, DynamicBatcher batcher, ModelConfig model, Executor decodeExecutor) {
    return new Builder(decoder, batcher, model, decodeExecutor);
  }

  /** Starts moderating {@code record}; its result arrives on the completion executor. */
  public Moderation moderate(RawRecord record) {
    InFlight s = new InFlight(record);
    if (!s.read()) {
      return s;
    }
    if (s.payload == null && fetchExecutor != null) {
      try {
        fetchExecutor.execute(s::fetchThenAdmit);
      } catch (RejectedExecutionException e) {
        s.fail(Stage.FETCH, ErrorCode.REJECTED, "fetch executor refused the segment: " + e);
      }
    } else {
      s.admit();
    }
    return s;
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

  /** One segment on its way: the result to come, and a way to give up on it. */
  public interface Moderation {
    /**
     * Completes once, with the segment's result or its TIMEOUT failure, whichever comes first; on
     * the completion executor, or on the thread that calls {@link #timeOut}. Never, once the
     * completion executor refuses work (its owner has shut it down).
     */
    CompletableFuture<SegmentResult> result();

    /**
     * Completes the result with a TIMEOUT failure, on this thread, unless it is already complete,
     * and takes the segment back where it waits.
     */
    void timeOut(long afterMs);
  }

  /**
   * One segment from its record to its result. Each step runs on one thread at a time, handed to
   * the next through an executor, so the mutable fields need no lock; {@code result} and {@code
   * inference} are read across threads by {@link #timeOut}.
   */
  private final class InFlight implements Moderation, FairDispatcher.Task {
    final RawRecord record;
    final long started = System.nanoTime();
    final CompletableFuture<SegmentResult> result = new CompletableFuture<>();
    final String streamKey;
    SegmentId id;
    VideoSegment segment;
    /** Inline: a view into the record's value (no copy); by reference: what was fetched. */
    ByteBuffer payload;
    double waitMs;
    double fetchMs;
    double decodeMs;
    long fetchedBytes;
    boolean degraded;
    /** The frame cap the first decode used; a second opinion decodes with the same. */
    int maxFramesUsed;
    /** The first decode's picture size and rotation, for the evidence thumbnail. */
    int sourceWidth;
    int sourceHeight;
    int rotation;
    private volatile CompletableFuture<InferenceResult> inference;
    private volatile FairDispatcher.Task followUp;

    InFlight(RawRecord record) {
      this.record = record;
      this.streamKey = streamIdFromKey(record);
      this.id =
          new SegmentId(streamKey, -1, record.topic, record.partition, record.offset, record.timestamp);
    }

    @Override
    public CompletableFuture<SegmentResult> result() {
      return result;
    }

    /** Reads the Avro record; false when it failed (the result is then on its way). */
    boolean read() {
      try {
        segment = codec.get().decode(record.value);
      } catch (AvroDecodeException e) {
        fail(Stage.DESERIALIZE, ErrorCode.of(e.reason()), e.getMessage());
        return false;
      } catch (RuntimeException e) {
        fail(Stage.DESERIALIZE, ErrorCode.INTERNAL, String.valueOf(e));
        return false;
      }
      id =
          new SegmentId(
              segment.getStreamId(),
              segment.getSequence(),
              record.topic,
              record.partition,
              record.offset,
              record.timestamp);
      payload = segment.getPayload();
      if (payload == null && segment.getPayloadUri() == null) {
        fail(Stage.FETCH, ErrorCode.NO_PAYLOAD, "segment has neither an inline payload nor a payload_uri");
        return false;
      }
      return true;
    }

    /** On a fetch thread: the payload, then the decode threads. */
    void fetchThenAdmit() {
      try {
        if (fetch()) {
          admit();
        }
      } catch (RuntimeException | Error e) {
        fail(Stage.FETCH, ErrorCode.INTERNAL, String.valueOf(e));
      }
    }

    void admit() {
      if (result.isDone()) {
        return; // timed out while fetching
      }
      try {
        dispatcher.submit(streamKey, this);
      } catch (RejectedExecutionException e) {
        rejected(e);
      }
    }

    @Override
    public void rejected(RejectedExecutionException e) {
      fail(Stage.DECODE, ErrorCode.REJECTED, "decode executor refused the segment: " + e);
    }

    /**
     * On a decode thread: fetch (when no fetch executor did), decode, hand the frames to the
     * batcher. The stream keeps its place in the dispatcher until the returned future completes.
     */
    @Override
    public CompletableFuture<?> run() {
      try {
        waitMs = (System.nanoTime() - started) / 1e6 - fetchMs;
        if (result.isDone() || (payload == null && !fetch())) {
          return CompletableFuture.completedFuture(null);
        }
        DecodedFrames frames = decode();
        return frames == null || result.isDone() ? CompletableFuture.completedFuture(null) : infer(frames);
      } catch (RuntimeException | Error e) {
        fail(Stage.DECODE, ErrorCode.INTERNAL, String.valueOf(e));
        return CompletableFuture.completedFuture(null);
      }
    }

    /** Fetches the payload given by reference on this thread; false when it failed. */
    private boolean fetch() {
      String uri = segment.getPayloadUri();
      if (fetcher == null) {
        fail(
            Stage.FETCH,
            ErrorCode.of(FetchErrorCode.SCHEME_NOT_ALLOWED),
            "payload_uri "
                + PayloadFetcher.redacted(uri)
                + " was not fetched: fetching payloads by reference is disabled; list the schemes"
                + " to fetch in "
                + FetchOptions.ENABLING_KEY
                + " (with fetch.allowed-hosts for http(s), fetch.allowed-path-prefixes for file:)");
        return false;
      }
      long start = System.nanoTime();
      FetchResult r = fetcher.fetch(uri);
      fetchMs = (System.nanoTime() - start) / 1e6;
      if (r instanceof FetchFailure f) {
        fail(Stage.FETCH, ErrorCode.of(f.code()), f.message());
        return false;
      }
      byte[] fetched = ((FetchedPayload) r).bytes();
      payload = ByteBuffer.wrap(fetched);
      fetchedBytes = fetched.length;
      return true;
    }

    /** The sampled frames; null when decoding failed (the result is then on its way). */
    private DecodedFrames decode() {
      DegradePolicy.Decision decision = degrade.decide(record.timestamp, wallClockMs.getAsLong());
      int normal = decoder.settings().maxFrames();
      int maxFrames = degrade.maxFrames(decision, normal);
      long start = System.nanoTime();
      DecodeResult r =
          decoder.decode(segment.getInitSegment(), payload, segment.getContainer(), maxFrames);
      decodeMs = (System.nanoTime() - start) / 1e6;
      if (r instanceof DecodeFailure f) {
        fail(Stage.DECODE, ErrorCode.of(f.code()), f.message());
        return null;
      }
      maxFramesUsed = maxFrames;
      DecodedFrames frames = (DecodedFrames) r;
      sourceWidth = frames.sourceWidth();
      sourceHeight = frames.sourceHeight();
      rotation = frames.rotationDegrees();
      if (cascade == null && evidence == null) {
        payload = null; // the frames are what is kept from here on
      } // else a second opinion or the evidence decodes it again, at another size

      // Only an analysis can be degraded; a segment that failed to decode gets a plain ERROR.
      degraded = decision == DegradePolicy.Decision.DEGRADED && maxFrames < normal;
      return frames;
    }

    private CompletableFuture<?> infer(DecodedFrames frames) {
      CompletableFuture<InferenceResult> f;
      try {
        f = batcher.submitOwned(frames.rgb(), 0, frames.count());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail(Stage.INFER, ErrorCode.INTERRUPTED, "interrupted while queueing frames");
        return CompletableFuture.completedFuture(null);
      } catch (RuntimeException e) {
        fail(Stage.INFER, ErrorCode.INFERENCE_FAILED, String.valueOf(e));
        return CompletableFuture.completedFuture(null);
      }
      inference = f;
      if (result.isDone()) {
        f.cancel(false); // timed out while queueing: the batcher skips it
      }
      return f.handleAsync(
          (r, err) -> {
            if (err == null) {
              scoredOrAsk(frames, r);
            } else if (!result.isDone()) {
              Throwable cause =
                  err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
              complete(failed(Stage.INFER, ErrorCode.INFERENCE_FAILED, String.valueOf(cause.getMessage())));
            }
            return null;
          },
          completion);
    }

    /**
     * On the completion executor: the result, unless the first model's rules flag a frame and a
     * cascade is configured; then the flagged frames go to the second model first.
     */
    private void scoredOrAsk(DecodedFrames frames, InferenceResult r) {
      Scored first = scored(frames, r);
      if (cascade == null || first.scores().decision() == Decision.ALLOW || result.isDone()) {
        finish(first);
        return;
      }
      follow(new SecondStage(first, r.scores(), cascade.flagged(r.scores()), frames.count()));
    }

    /**
     * On the completion executor: the result, after the evidence for a flagged segment when
     * evidence is on.
     */
    private void finish(Scored s) {
      if (evidence == null || s.decision() == Decision.ALLOW || s.decidingFrame() < 0 || result.isDone()) {
        payload = null;
        complete(s);
        return;
      }
      follow(new EvidenceStage(s));
    }

    private void finishLater(Scored s) {
      try {
        completion.execute(() -> finish(s));
      } catch (RejectedExecutionException e) {
        // The task is gone; see completeLater.
      }
    }

    /** Hands a further step of this segment to a decode thread, through the dispatcher. */
    private void follow(FairDispatcher.Task step) {
      followUp = step;
      try {
        dispatcher.submit(streamKey, step);
      } catch (RejectedExecutionException e) {
        step.rejected(e);
      }
    }

    /**
     * On a decode thread: decodes the segment again at the thumbnail's size and makes the deciding
     * frame's evidence. A failure leaves the verdict without a thumbnail, saying why; it never
     * fails the segment.
     */
    private final class EvidenceStage implements FairDispatcher.Task {
      final Scored scored;

      EvidenceStage(Scored scored) {
        this.scored = scored;
      }

      @Override
      public CompletableFuture<?> run() {
        try {
          if (!result.isDone()) {
            completeLater(scored.withEvidence(make()));
          }
        } catch (RuntimeException | Error e) {
          completeLater(scored.withEvidence(Evidence.failed("making the evidence failed: " + e)));
        }
        return CompletableFuture.completedFuture(null);
      }

      private Evidence make() {
        int[] size = evidence.thumbnailSize(sourceWidth, sourceHeight, rotation);
        SegmentDecoder thumbnails = new SegmentDecoder(decoder.settings().toBuilder().size(size[0], size[1]).build());
        DecodeResult d = thumbnails.decode(segment.getInitSegment(), payload, segment.getContainer(), maxFramesUsed);
        payload = null;
        if (d instanceof DecodeFailure f) {
          return Evidence.failed("decoding the segment again for its thumbnail failed: " + f.message());
        }
        DecodedFrames frames = (DecodedFrames) d;
        int frame = scored.decidingFrame();
        if (frame >= frames.count()) {
          return Evidence.failed(
              "decoding the segment again for its thumbnail gave " + frames.count() + " frames, not frame " + frame);
        }
        long frameMs = frames.timestampMicros(frame) / 1000;
        return Evidence.of(frames.rgb(), frames.frameOffset(frame), frames.width(), frames.height(), frameMs, evidence, id);
      }

      @Override
      public void rejected(RejectedExecutionException e) {
        completeLater(scored.withEvidence(Evidence.failed("the decode executor refused the evidence: " + e)));
      }
    }

    /**
     * On a decode thread: decodes the segment again at the second model's size, sends the flagged
     * frames to the second model's batcher, and completes the result with both opinions. When the
     * second model cannot answer, the first model's decision stands and the verdict says why.
     */
    private final class SecondStage implements FairDispatcher.Task {
      final Scored first;
      final float[][] firstScores;
      final int[] flagged;
      final int frames;
      final long queued = System.nanoTime();

      SecondStage(Scored first, float[][] firstScores, int[] flagged, int frames) {
        this.first = first;
        this.firstScores = firstScores;
        this.flagged = flagged;
        this.frames = frames;
      }

      @Override
      public CompletableFuture<?> run() {
        CompletableFuture<?> none = CompletableFuture.completedFuture(null);
        try {
          if (result.isDone()) {
            return none;
          }
          DecodeResult d =
              secondDecoder.decode(segment.getInitSegment(), payload, segment.getContainer(), maxFramesUsed);
          if (d instanceof DecodeFailure f) {
            unavailable("decoding the segment again for the second model failed: " + f.message());
            return none;
          }
          DecodedFrames again = (DecodedFrames) d;
          if (again.count() != frames) {
            unavailable(
                "decoding the segment again for the second model gave "
                    + again.count()
                    + " frames, the first pass "
                    + frames);
            return none;
          }
          int frameBytes = again.frameBytes();
          byte[] rgb = new byte[flagged.length * frameBytes];
          for (int i = 0; i < flagged.length; i++) {
            System.arraycopy(again.rgb(), again.frameOffset(flagged[i]), rgb, i * frameBytes, frameBytes);
          }
          CompletableFuture<InferenceResult> f = secondBatcher.submitOwned(rgb, 0, flagged.length);
          inference = f;
          if (result.isDone()) {
            f.cancel(false);
          }
          return f.handleAsync(
              (r, err) -> {
                if (err == null) {
                  finish(first.withSecond(cascade.combine(firstScores, flagged, r.scores(), millis())));
                } else if (!result.isDone()) {
                  Throwable cause =
                      err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                  finish(first.withSecond(unavailableOpinion("the second model failed: " + cause.getMessage())));
                }
                return null;
              },
              completion);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          unavailable("interrupted while queueing frames for the second model");
          return none;
        } catch (RuntimeException | Error e) {
          unavailable("the second opinion failed: " + e);
          return none;
        }
      }

      @Override
      public void rejected(RejectedExecutionException e) {
        unavailable("the decode executor refused the second opinion: " + e);
      }

      private void unavailable(String reason) {
        finishLater(first.withSecond(unavailableOpinion(reason)));
      }

      private SecondOpinion unavailableOpinion(String reason) {
        return cascade.unavailable(first.scores().decision(), flagged.length, reason, millis());
      }

      private double millis() {
        return (System.nanoTime() - queued) / 1e6;
      }
    }

    private Scored scored(DecodedFrames frames, InferenceResult r) {
      SegmentScores scores = scoring.score(r.scores(), frames.timestampsMicros());
      Timings t = timings(r.queueMillis(), r.inferMillis());
      return new Scored(id, model, scores, degraded, r.batchSize(), fetchedBytes, t);
    }

    @Override
    public void timeOut(long afterMs) {
      Failed f =
          new Failed(
              id,
              model,
              Stage.TIMEOUT,
              ErrorCode.TIMEOUT,
              "segment was not moderated within " + afterMs + " ms (decode + inference)",
              record.key,
              record.value,
              0,
              // The steps' own times belong to other threads; the timeout is what counts here.
              new Timings(0, 0, 0, 0, 0, afterMs));
      if (!result.complete(f)) {
        return;
      }
      dispatcher.withdraw(streamKey, this);
      FairDispatcher.Task step = followUp;
      if (step != null) {
        dispatcher.withdraw(streamKey, step);
      }
      CompletableFuture<InferenceResult> queued = inference;
      if (queued != null) {
        queued.cancel(false); // the batcher skips it unless its batch already runs
      }
    }

    /** Completes the result with a failure, on the completion executor. */
    void fail(Stage stage, ErrorCode code, String message) {
      completeLater(failed(stage, code, message));
    }

    private Failed failed(Stage stage, ErrorCode code, String message) {
      return new Failed(
          id, model, stage, code, message, record.key, record.value, fetchedBytes, timings(0, 0));
    }

    private Timings timings(double queueMs, double inferMs) {
      return new Timings(
          waitMs, fetchMs, decodeMs, queueMs, inferMs, (System.nanoTime() - started) / 1e6);
    }

    private void completeLater(SegmentResult r) {
      try {
        completion.execute(() -> complete(r));
      } catch (RejectedExecutionException e) {
        // The completion executor is shut down, so its owner (the task) is gone: completing here
        // would hand the result to it on a foreign thread.
      }
    }

    private void complete(SegmentResult r) {
      result.complete(r);
    }
  }

  /** The Kafka key is the stream id by contract; it names the stream even when the value is unreadable. */
  static String streamIdFromKey(RawRecord record) {
    if (record.key != null && record.key.length > 0) {
      return new String(record.key, StandardCharsets.UTF_8);
    }
    return "unkeyed/" + record.topic + "-" + record.partition + "@" + record.offset;
  }

  /** Builds a {@link SegmentModerator}; everything but the four required parts has a default. */
  public static final class Builder {
    private final SegmentDecoder decoder;
    private final DynamicBatcher batcher;
    private final ModelConfig model;
    private final Executor decodeExecutor;
    private Policy policy = new Policy(List.of());
    private Cascade cascade;
    private SegmentDecoder secondDecoder;
    private DynamicBatcher secondBatcher;
    private EvidenceSettings evidence;
    private Admission admission = Admission.unlimited();
    private DegradePolicy degrade = DegradePolicy.off();
    private LongSupplier wallClockMs = System::currentTimeMillis;
    private PayloadFetcher fetcher;
    private Executor fetchExecutor;
    private Executor completion = ForkJoinPool.commonPool();

    private Builder(SegmentDecoder decoder, DynamicBatcher batcher, ModelConfig model, Executor decodeExecutor) {
      this.decoder = Objects.requireNonNull(decoder, "decoder");
      this.batcher = Objects.requireNonNull(batcher, "batcher");
      this.model = Objects.requireNonNull(model, "model");
      this.decodeExecutor = Objects.requireNonNull(decodeExecutor, "decodeExecutor");
    }

    /**
     * The rules each frame is judged by, which name the deciding frame; default none (every
     * segment ALLOW). Fails when a rule names a label the model lacks.
     */
    public Builder policy(Policy policy) {
      Objects.requireNonNull(policy, "policy").checkLabels(model.labels(), model.name());
      this.policy = policy;
      return this;
    }

    /**
     * A second opinion on flagged frames: {@code secondDecoder} decodes the segment again at the
     * second model's input size, with the same sampling and frame cap as the first decoder, and
     * {@code secondBatcher} runs the second model. Default: none.
     */
    public Builder cascade(Cascade cascade, SegmentDecoder secondDecoder, DynamicBatcher secondBatcher) {
      Objects.requireNonNull(cascade, "cascade");
      if (!secondDecoder.settings().sampling().equals(decoder.settings().sampling())
          || secondDecoder.settings().maxFrames() != decoder.settings().maxFrames()) {
        throw new IllegalArgumentException(
            "the second model's decoder must sample as the first does ("
                + decoder.settings().sampling()
                + ", at most "
                + decoder.settings().maxFrames()
                + " frames), got "
                + secondDecoder.settings().sampling()
                + ", at most "
                + secondDecoder.settings().maxFrames());
      }
      this.cascade = cascade;
      this.secondDecoder = Objects.requireNonNull(secondDecoder, "secondDecoder");
      this.secondBatcher = Objects.requireNonNull(secondBatcher, "secondBatcher");
      return this;
    }

    /**
     * Evidence for REVIEW and BLOCK segments: the deciding frame decoded again as a thumbnail.
     * Default: none (null).
     */
    public Builder evidence(EvidenceSettings evidence) {
      this.evidence = evidence;
      return this;
    }

    /** Default: no limit beyond the executor's own. */
    public Builder admission(Admission admission) {
      this.admission = Objects.requireNonNull(admission, "admission");
      return this;
    }

    /** Default: off. */
    public Builder degrade(DegradePolicy degrade) {
      this.degrade = Objects.requireNonNull(degrade, "degrade");
      return this;
    }

    /** The clock that ages segments against their Kafka timestamps; default the system's. */
    public Builder wallClockMs(LongSupplier wallClockMs) {
      this.wallClockMs = Objects.requireNonNull(wallClockMs, "wallClockMs");
      return this;
    }

    /**
     * Payloads given by reference: {@code fetcher} null (the default) refuses them with an error
     * naming {@link FetchOptions#ENABLING_KEY}; {@code fetchExecutor} null fetches on the decode
     * thread, under the same admission as decoding, otherwise a slow store holds fetch threads and
     * no decode thread.
     */
    public Builder fetch(PayloadFetcher fetcher, Executor fetchExecutor) {
      this.fetcher = fetcher;
      this.fetchExecutor = fetchExecutor;
      return this;
    }

    /**
     * Where results are completed (scoring included); default the common fork-join pool, never the
     * batcher's thread. The job gives its task's mailbox, so that results and metrics stay on the
     * task thread.
     */
    public Builder completion(Executor completion) {
      this.completion = Objects.requireNonNull(completion, "completion");
      return this;
    }

    public SegmentModerator build() {
      return new SegmentModerator(this);
    }
  }
}
